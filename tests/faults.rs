//! The runner against a misbehaving server on 127.0.0.1: every fault is a failure
//! that names the step and what went wrong, never a pass, a panic or a hang.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sessionconf::report::{self, ScenarioOutcome, Status};
use sessionconf::run::{run_scenario, RunOptions};
use sessionconf::scenario::load_scenario;

/// A server that answers every connection with `respond`, for a bounded number of connections.
fn misbehaving(respond: fn(&mut TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 8192];
                let mut seen = Vec::new();
                // Read the request head (bodies here are small and come with it).
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                respond(&mut stream);
            });
        }
    });
    format!("http://{addr}/api/")
}

fn run(
    base: &str,
    steps: &str,
    timeout: Duration,
    max_body: u64,
) -> (ScenarioOutcome, String, Duration) {
    let suite = support::Suite::new();
    suite.write("golden/a.xml", "<A><B>x</B></A>\n");
    let path = suite.write(
        "scenarios/test/s.yaml",
        &format!("name: s\nsteps:\n{steps}"),
    );
    let loaded = load_scenario(&path, "test", &suite.golden_dir(), false)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let mut options = RunOptions::new(base.parse().unwrap());
    options.client.timeout = timeout;
    options.client.max_body_bytes = max_body;
    let started = Instant::now();
    let outcome = run_scenario(&loaded, &Arc::new(options));
    let elapsed = started.elapsed();
    let text = report::console::render(&outcome, false);
    (outcome, text, elapsed)
}

const GOLDEN_STEP: &str =
    "  - name: fetch\n    request: { path: thing }\n    expect: { status: 200, golden: a.xml }\n";

fn assert_fails(outcome: &ScenarioOutcome, text: &str, needles: &[&str]) {
    assert_eq!(outcome.status, Status::Failed, "{text}");
    assert!(text.contains("step `fetch`"), "the step is named:\n{text}");
    for needle in needles {
        assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
    }
}

#[test]
fn a_server_that_never_answers_hits_the_timeout() {
    let base = misbehaving(|_| std::thread::sleep(Duration::from_secs(8)));
    let (outcome, text, elapsed) = run(&base, GOLDEN_STEP, Duration::from_millis(500), 1 << 20);
    assert_fails(
        &outcome,
        &text,
        &[
            "timed out after 0.5s",
            "--timeout",
            &format!("GET {base}thing"),
        ],
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "stopped by the timeout, not by the server: {elapsed:?}"
    );
}

#[test]
fn a_body_that_stops_half_way() {
    let base = misbehaving(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/xml\r\n\r\n<A><B>x</B>");
        let _ = s.shutdown(std::net::Shutdown::Both);
    });
    let (outcome, text, _) = run(&base, GOLDEN_STEP, Duration::from_secs(5), 1 << 20);
    assert_fails(&outcome, &text, &["the response body broke off"]);
}

#[test]
fn a_connection_reset_mid_body() {
    let base = misbehaving(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<A><B");
        // Dropping a socket with unread input makes the kernel send a reset.
        let _ = s.write_all(b"");
    });
    let (outcome, text, _) = run(&base, GOLDEN_STEP, Duration::from_secs(5), 1 << 20);
    assert_fails(&outcome, &text, &["broke off"]);
}

#[test]
fn a_body_that_is_not_xml() {
    let base = misbehaving(|s| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Type: text/html\r\n\r\nhello world",
        );
    });
    let (outcome, text, _) = run(&base, GOLDEN_STEP, Duration::from_secs(5), 1 << 20);
    assert_fails(&outcome, &text, &["is not well-formed XML", "text/html"]);
}

#[test]
fn truncated_xml() {
    let base = misbehaving(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n<A><B>x</");
    });
    let (outcome, text, _) = run(&base, GOLDEN_STEP, Duration::from_secs(5), 1 << 20);
    assert_fails(&outcome, &text, &["not well-formed XML"]);
}

#[test]
fn xml_nested_deep_enough_to_exhaust_a_recursive_walk() {
    let base = misbehaving(|s| {
        let depth = 200_000;
        let body = "<A>".repeat(depth) + &"</A>".repeat(depth);
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body.as_bytes());
    });
    let (outcome, text, _) = run(&base, GOLDEN_STEP, Duration::from_secs(5), 1 << 22);
    assert_fails(
        &outcome,
        &text,
        &["not well-formed XML", "nested more than 256"],
    );
}

#[test]
fn invalid_utf8() {
    let base = misbehaving(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n<A>\xff\xfe</A>");
    });
    let (outcome, text, _) = run(&base, GOLDEN_STEP, Duration::from_secs(5), 1 << 20);
    assert_fails(&outcome, &text, &["not valid UTF-8 (at byte 3)"]);
}

#[test]
fn a_huge_body_is_capped_whether_announced_or_streamed() {
    let announced = misbehaving(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 200000000\r\n\r\n<A>");
    });
    let (outcome, text, _) = run(&announced, GOLDEN_STEP, Duration::from_secs(10), 1 << 20);
    assert_fails(
        &outcome,
        &text,
        &["200000000 bytes is larger than the limit of 1048576 bytes"],
    );
    let streamed = misbehaving(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        let chunk = format!("{:x}\r\n{}\r\n", 65536, "x".repeat(65536));
        // 200 MB if nobody stops reading.
        for _ in 0..3200 {
            if s.write_all(chunk.as_bytes()).is_err() {
                return;
            }
        }
    });
    let (outcome, text, elapsed) = run(&streamed, GOLDEN_STEP, Duration::from_secs(20), 1 << 20);
    assert_fails(&outcome, &text, &["larger than the limit of 1048576 bytes"]);
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_redirect_loop_is_not_followed() {
    let base = misbehaving(|s| {
        let _ =
            s.write_all(b"HTTP/1.1 302 Found\r\nLocation: /api/thing\r\nContent-Length: 0\r\n\r\n");
    });
    let (outcome, text, _) = run(&base, GOLDEN_STEP, Duration::from_secs(5), 1 << 20);
    assert_fails(
        &outcome,
        &text,
        &[
            "status 302, expected 200",
            "redirect to /api/thing was not followed",
        ],
    );
}

#[test]
fn a_captured_value_with_cr_lf_is_never_sent_as_a_header() {
    let base = misbehaving(|s| {
        let body = "<A><B>x\r\nX-Injected: 1</B></A>";
        let _ = s.write_all(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        );
    });
    let steps = "  - name: first\n    request: { path: thing }\n    capture:\n      v: { select: /A/B }\n  - name: fetch\n    request:\n      path: thing\n      headers: { X-Echo: '${v}' }\n";
    let (outcome, text, _) = run(&base, steps, Duration::from_secs(5), 1 << 20);
    assert_fails(
        &outcome,
        &text,
        &["header X-Echo: the value holds a CR or LF; refusing to send it"],
    );
    assert_eq!(
        outcome.steps[1].response_status, None,
        "nothing was sent:\n{text}"
    );
}

#[test]
fn a_scenario_past_its_time_limit_stops_naming_the_step_and_still_runs_finally() {
    // Each answer takes 300 ms; the scenario has 700 ms for three such steps.
    let base = misbehaving(|s| {
        std::thread::sleep(Duration::from_millis(300));
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    });
    let suite = support::Suite::new();
    let step = |name: &str| {
        format!("  - name: {name}\n    request: {{ path: thing }}\n    expect: {{ status: 200 }}\n")
    };
    let yaml = format!(
        "name: s\nsteps:\n{}{}{}finally:\n  - name: cleanup\n    request: {{ path: thing }}\n    expect: {{ status: 200 }}\n",
        step("first"),
        step("second"),
        step("third")
    );
    let path = suite.write("scenarios/test/s.yaml", &yaml);
    let loaded = load_scenario(&path, "test", &suite.golden_dir(), false).unwrap();
    let mut options = RunOptions::new(base.parse().unwrap());
    options.scenario_timeout = Duration::from_millis(700);
    let started = Instant::now();
    let outcome = run_scenario(&loaded, &Arc::new(options));
    let elapsed = started.elapsed();
    let text = report::console::render(&outcome, false);
    assert_eq!(outcome.status, Status::Failed, "{text}");
    let statuses: Vec<(&str, Status)> = outcome
        .steps
        .iter()
        .map(|s| (s.name.as_str(), s.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("first", Status::Passed),
            ("second", Status::Passed),
            ("third", Status::Failed),
            ("cleanup", Status::Passed),
        ],
        "{text}"
    );
    // The third step was sent with what was left (100 ms) and stopped by it.
    assert!(
        text.contains("step `third`") && text.contains("--scenario-timeout"),
        "{text}"
    );
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

#[test]
fn a_scenario_with_no_time_left_sends_nothing_more_and_still_runs_finally() {
    let base = misbehaving(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    });
    let suite = support::Suite::new();
    let path = suite.write(
        "scenarios/test/s.yaml",
        "name: s\nsteps:\n  - name: first\n    request: { path: thing }\n  - name: second\n    request: { path: thing }\nfinally:\n  - name: cleanup\n    request: { path: thing }\n",
    );
    let loaded = load_scenario(&path, "test", &suite.golden_dir(), false).unwrap();
    let mut options = RunOptions::new(base.parse().unwrap());
    options.scenario_timeout = Duration::from_nanos(1);
    let outcome = run_scenario(&loaded, &Arc::new(options));
    let text = report::console::render(&outcome, false);
    assert_eq!(outcome.steps.len(), 3, "{text}");
    assert_eq!(outcome.steps[0].status, Status::Failed, "{text}");
    assert!(outcome.steps[0].request.is_none(), "not sent: {text}");
    assert!(text.contains("ran out before this step"), "{text}");
    // The step after it is listed, not run, saying why.
    assert_eq!(outcome.steps[1].status, Status::NotRun, "{text}");
    assert!(
        text.contains("  step `second`: not run (the scenario's time limit ran out)\n"),
        "{text}"
    );
    assert_eq!(outcome.steps[2].status, Status::Passed, "{text}");
}
