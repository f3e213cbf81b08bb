//! The `sessionconf` binary: exit codes, reports, bless in CI, serve, secrets in
//! every output, and the book's example scenario. Every child process is bounded in time.

mod support;

use support::copy_tree;

use support::{wait, Output};

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sessionconf");

fn command(args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

/// Credentials for runs against an endpoint that is never reached.
const CREDENTIALS: &[(&str, &str)] = &[("SESSIONCONF_USER", "u"), ("SESSIONCONF_PASSWORD", "p")];

fn sessionconf(args: &[&str], envs: &[(&str, &str)]) -> Output {
    wait(
        command(args, envs).spawn().unwrap(),
        Duration::from_secs(120),
    )
}

#[test]
fn diff_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("g.xml");
    let same = dir.path().join("same.xml");
    let other = dir.path().join("other.xml");
    let broken = dir.path().join("broken.xml");
    std::fs::write(
        &golden,
        r#"<A xmlns="urn:a" Href="{{origin}}/s/{{id}}"><B>x</B></A>"#,
    )
    .unwrap();
    std::fs::write(
        &same,
        "<p:A xmlns:p=\"urn:a\" Href=\"https://h/s/7\">\n  <p:B>x</p:B>\n</p:A>",
    )
    .unwrap();
    std::fs::write(
        &other,
        r#"<A xmlns="urn:a" Href="https://h/s/7"><B>y</B></A>"#,
    )
    .unwrap();
    std::fs::write(&broken, "<A><B></A>").unwrap();
    let p = |p: &Path| p.to_str().unwrap().to_string();
    let out = sessionconf(&["diff", &p(&golden), &p(&same), "--var", "id=7"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = sessionconf(&["diff", &p(&golden), &p(&other), "--var", "id=7"], &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("/A/B/text(): expected \"x\", found \"y\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("-  <B>x</B>") && out.stdout.contains("+  <B>y</B>"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains('\x1b'),
        "no colour when NO_COLOR is set"
    );
    let out = sessionconf(&["diff", &p(&golden), &p(&broken), "--var", "id=7"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("broken.xml:1:"), "{}", out.stderr);
    let out = sessionconf(&["diff", &p(&golden), &p(&same)], &[]);
    assert_eq!(out.code, 2, "a placeholder without a value is an error");
    assert!(out.stderr.contains("--var id=VALUE"), "{}", out.stderr);
    let out = sessionconf(&["diff", "nowhere.xml", &p(&same)], &[]);
    assert_eq!(out.code, 2);
}

#[test]
fn check_validates_the_shipped_suite_and_locates_errors() {
    let out = sessionconf(&["check"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("scenarios and"), "{}", out.stdout);
    let suite = support::Suite::new();
    suite.write(
        "scenarios/test/a.yaml",
        "name: a\nsteps:\n  - name: x\n    request: { path: y, verb: GET }\n",
    );
    let dir = suite.root().to_str().unwrap().to_string();
    let out = sessionconf(
        &[
            "check",
            "--scenarios",
            &format!("{dir}/scenarios"),
            "--golden-dir",
            &format!("{dir}/golden"),
        ],
        &[],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("a.yaml:4:") && out.stderr.contains("unknown field `verb`"),
        "{}",
        out.stderr
    );
    // A suite's own knowledge is checked too: a known deviation must say
    // which exchanges it is about.
    suite.write(
        "scenarios/test/a.yaml",
        "name: a\nsteps:\n  - name: x\n    request: { path: y }\n",
    );
    suite.write(
        "scenarios/test/knowledge/versions.yaml",
        "deviations:\n  - { id: d, documented: x, observed: y, source: z, expect: { status: 500 } }\n",
    );
    let out = sessionconf(
        &[
            "check",
            "--scenarios",
            &format!("{dir}/scenarios"),
            "--golden-dir",
            &format!("{dir}/golden"),
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("knowledge/versions.yaml")
            && out
                .stderr
                .contains("known deviation `d` names no `request`, `scenario` or `step`"),
        "{}",
        out.stderr
    );
}

#[test]
fn run_against_the_embedded_servers_writes_both_reports() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let json = dir.path().join("run.json");
    let junit_spec = format!("junit={}", junit.display());
    let out = sessionconf(
        &[
            "run",
            "--report",
            &junit_spec,
            "--json",
            json.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // A known deviation passes, and says so on the console.
    assert!(
        out.stderr
            .contains("veeam-em::unknown-session[format=json] known deviation")
            && out.stderr.contains("known deviation `session-lookup-500`"),
        "{}",
        out.stderr
    );
    let out = sessionconf(&["run", "--report", "pdf=x.pdf"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--report pdf: no such format; known: junit, json, html"),
        "{}",
        out.stderr
    );
    let loaded = sessionconf(&["run", "--list"], &[]);
    let count = loaded
        .stdout
        .lines()
        .filter(|l| l.ends_with(": test"))
        .count();
    assert!(count >= 15, "{}", loaded.stdout);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count(),
        count
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // The newest Enterprise Manager answers 500 for a session lookup it cannot
    // serve the caller (an unknown id; a tenant asking for an administrator's
    // session): a known deviation, in each representation.
    assert_eq!(report["known_deviations"], 4, "{report:#}");
    // Matrix trials for API versions the newest server no longer offers do not apply.
    let not_applicable = report["not_applicable"].as_u64().unwrap();
    assert!(not_applicable >= 5, "{report:#}");
    assert_eq!(
        report["passed"].as_u64().unwrap() + 4 + not_applicable,
        count as u64
    );
    assert_eq!(report["failed"], 0);
    let deviation = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "known_deviation" && s["name"] == "unknown-session")
        .unwrap();
    assert!(
        deviation["id"]
            .as_str()
            .unwrap()
            .starts_with("veeam-em::unknown-session[format="),
        "{deviation:#}"
    );
    assert!(deviation["steps"][1]["note"]
        .as_str()
        .unwrap()
        .contains("session-lookup-500"));
    assert_eq!(report["targets"][1]["version"], "v1_7", "{report:#}");
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("property") && n.attribute("value") == Some("known deviation")));
}

#[test]
fn run_exits_2_when_the_endpoint_is_down_or_on_usage_errors() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/api/", listener.local_addr().unwrap());
    drop(listener);
    let out = sessionconf(
        &[
            "run",
            "--dialect",
            "veeam-em",
            "--endpoint",
            &endpoint,
            "--filter",
            "entry-point",
        ],
        CREDENTIALS,
    );
    // Said once, before any scenario: exit 2, not a failure per scenario.
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("cannot reach") && out.stderr.contains(&endpoint),
        "{}",
        out.stderr
    );
    // A real endpoint and no credentials: nothing is guessed, nothing is sent.
    let run_em = ["run", "--dialect", "veeam-em", "--endpoint", &endpoint];
    let out = sessionconf(&run_em, &[("SESSIONCONF_PASSWORD", "p")]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("SESSIONCONF_USER") && out.stderr.contains("SESSIONCONF_PASSWORD"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("cannot connect"), "{}", out.stdout);
    // Credentials in the URL are refused, and not echoed; so is an unreadable URL
    // with a password; a URL with only a user is refused too; an unreadable one
    // without `@` is echoed.
    let with_creds = endpoint.replace("http://", "http://admin:Pa55-in-url@");
    let with_user = endpoint.replace("http://", "http://admin@");
    let run = ["run", "--dialect", "veeam-em", "--endpoint"];
    let load = [
        "load",
        "--scenario",
        "veeam-em::entry-point[format=json]",
        "--endpoint",
    ];
    let cases: [(&[&str], &str, &str); 5] = [
        (&run, &with_creds, "credentials in the URL"),
        (&load, &with_creds, "credentials in the URL"),
        (&run, "http://admin:Pa55-in-url@[::1", "not a URL"),
        (&run, &with_user, "credentials in the URL"),
        (&run, "not a url", "--endpoint not a url: not a URL"),
    ];
    for (command, url, says) in cases {
        let mut args = command.to_vec();
        args.push(url);
        let out = sessionconf(&args, CREDENTIALS);
        assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(
            !out.stderr.contains("Pa55-in-url") && !out.stdout.contains("Pa55-in-url"),
            "{}",
            out.stderr
        );
    }
    // Listing sends nothing, so it needs no credentials.
    let mut list = run_em.to_vec();
    list.push("--list");
    let out = sessionconf(&list, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("veeam-em::entry-point[format=json]: test"),
        "{}",
        out.stdout
    );
    let out = sessionconf(&["run", "--endpoint", &endpoint], &[]);
    assert_eq!(out.code, 2, "one endpoint, two dialects");
    assert!(out.stderr.contains("--dialect"), "{}", out.stderr);
    let out = sessionconf(&["run", "--dialect", "nope"], &[]);
    assert_eq!(out.code, 2);
    let out = sessionconf(&["run", "--cacert", "/nonexistent.pem"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--cacert"), "{}", out.stderr);
}

#[test]
fn bless_refuses_in_ci_unless_forced() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden");
    // Bless into a copy, so the repository's goldens are never touched.
    let copy = |from: &Path, to: &Path| {
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            std::fs::create_dir_all(to).unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    };
    copy(&root.join("golden/veeam-em"), &golden.join("veeam-em"));
    let before = std::fs::read_to_string(golden.join("veeam-em/logon-session.xml")).unwrap();
    let args = [
        "bless",
        "--dialect",
        "veeam-em",
        "--golden-dir",
        golden.to_str().unwrap(),
    ];
    let out = sessionconf(&args, &[("CI", "true")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("refusing to bless in CI"),
        "{}",
        out.stderr
    );
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = sessionconf(&forced, &[("CI", "true")]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let after = std::fs::read_to_string(golden.join("veeam-em/logon-session.xml")).unwrap();
    assert_eq!(before, after, "passing goldens are left as they are");
}

#[test]
fn serve_prints_its_url_and_stops_on_sigterm() {
    let mut child = command(&["serve", "--dialect", "commvault"], &[])
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let url = String::from_utf8(line).unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/webconsole/api/"),
        "{url}"
    );
    sessionconf::run::client::install_crypto_provider();
    let r = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .get(&url)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let out = wait(child, Duration::from_secs(20));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn no_secret_reaches_stdout_stderr_or_reports() {
    use base64::Engine;
    let password = "Run-Side-Secret-9";
    // The server knows other credentials: every logon fails, and the failures are reported.
    let mut server = command(
        &["serve", "--dialect", "veeam-em"],
        &[("SESSIONCONF_PASSWORD", "Server-Side-1")],
    )
    .spawn()
    .unwrap();
    let mut stdout = server.stdout.take().unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let url = String::from_utf8(line).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let json = dir.path().join("run.json");
    let out = sessionconf(
        &[
            "run",
            "--dialect",
            "veeam-em",
            "--endpoint",
            &url,
            "--junit",
            junit.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
        &[
            ("SESSIONCONF_USER", "Administrator"),
            ("SESSIONCONF_PASSWORD", password),
            ("SESSIONCONF_TENANT_USER", "ABC Company"),
            ("SESSIONCONF_TENANT_PASSWORD", "Tenant-Run-Secret"),
        ],
    );
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(out.code, 1, "{}", out.stdout);
    let creds =
        base64::engine::general_purpose::STANDARD.encode(format!("Administrator:{password}"));
    let outputs = [
        out.stdout,
        out.stderr,
        std::fs::read_to_string(&junit).unwrap(),
        std::fs::read_to_string(&json).unwrap(),
    ];
    for text in &outputs {
        for secret in [password, "Tenant-Run-Secret", creds.as_str()] {
            assert!(!text.contains(secret), "{secret} leaked:\n{text}");
        }
    }
    assert!(
        outputs[0].contains("status 401, expected 201"),
        "{}",
        outputs[0]
    );
}

#[test]
fn the_books_example_scenario_loads() {
    let chapter = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/book/src/scenarios.md");
    let chapter = std::fs::read_to_string(chapter).unwrap();
    let example = chapter
        .split("```yaml\n")
        .skip(1)
        .find(|block| block.starts_with("# scenarios/veeam-em/admin-logon.yaml\nname:"))
        .and_then(|rest| rest.split("```").next())
        .expect("the book's scenarios chapter has a scenario example");
    let suite = support::Suite::new();
    let path = suite.write("scenarios/test/example.yaml", example);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden");
    let loaded = sessionconf::scenario::load_scenario(&path, "test", &root, false);
    assert!(loaded.is_ok(), "{:?}", loaded.err());
}

#[test]
fn an_interrupted_run_logs_out_and_writes_its_reports() {
    // Ctrl-C and a service manager's stop are handled alike; a signal to the
    // process and its group at once (two within a second) is one request.
    for signals in [&["-INT"][..], &["-TERM"], &["-INT", "-TERM"]] {
        interrupted_run(signals);
    }
}

#[test]
fn a_second_interrupt_stops_at_once_and_names_the_open_sessions() {
    let server = support::start();
    let suite = slow_suite();
    let (child, _) = start_slow_run(&server, &suite);
    kill("-INT", &child);
    std::thread::sleep(Duration::from_millis(1300));
    let stopped = Instant::now();
    kill("-INT", &child);
    let out = wait(child, Duration::from_secs(30));
    assert_eq!(out.code, 130, "{}{}", out.stdout, out.stderr);
    // At once: the slow step (3 s) was not waited for, nor was anyone logged out.
    assert!(
        stopped.elapsed() < Duration::from_millis(1500),
        "{:?}",
        stopped.elapsed()
    );
    assert!(server.seen.lock().unwrap().deleted.is_empty());
    assert!(
        out.stderr.contains("stopping now")
            && out.stderr.contains("sessions still open on the server")
            && out
                .stderr
                .contains("test::slow: session `token` opened by step `logon` (session_id=")
            && out.stderr.contains(support::SESSION),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(support::TOKEN), "{}", out.stderr);
}

#[test]
fn an_interrupt_during_the_probe_logs_its_session_out() {
    use sessionconf::server::{start, Dialect, ServerOptions};
    // Each answer 300 ms late: the probe's session is open for over half a second.
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.delay = Some(Duration::from_millis(300));
    let server = start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap();
    let base = server.base_url();
    let child = command(
        &[
            "run",
            "--endpoint",
            &base,
            "--dialect",
            "veeam-em",
            "--",
            "--exact",
            "veeam-em::list-sessions[format=xml]",
        ],
        &[
            ("SESSIONCONF_USER", "Administrator"),
            ("SESSIONCONF_PASSWORD", "Adm1n-Secret"),
        ],
    )
    .spawn()
    .unwrap();
    // The first session the server sees open is the probe's: trials start after it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.open_sessions() == 0 {
        assert!(Instant::now() < deadline, "the probe never logged on");
        std::thread::sleep(Duration::from_millis(10));
    }
    kill("-INT", &child);
    let out = wait(child, Duration::from_secs(30));
    assert_eq!(out.code, 130, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("interrupted"), "{}", out.stderr);
    assert_eq!(server.open_sessions(), 0, "the probe logged out");
    assert_eq!(
        server.peak_sessions(),
        1,
        "no trial started after the interrupt"
    );
}

#[test]
fn the_probe_reads_only_what_the_selected_trials_need() {
    use sessionconf::credentials as c;
    use sessionconf::server::{start, Dialect, ServerOptions};
    let run = |trial: &str| {
        let options = ServerOptions::new(Dialect::VeeamEm);
        let server = start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap();
        let base = server.base_url();
        let args = ["run", "--endpoint", &base, "--dialect", "veeam-em"];
        let args = [&args[..], &["--", "--exact", trial]].concat();
        let envs = [
            ("SESSIONCONF_USER", c::DEFAULT_USER),
            ("SESSIONCONF_PASSWORD", c::DEFAULT_PASSWORD),
            ("SESSIONCONF_TENANT_USER", c::DEFAULT_TENANT_USER),
            ("SESSIONCONF_TENANT_PASSWORD", c::DEFAULT_TENANT_PASSWORD),
        ];
        let out = wait(
            command(&args, &envs).spawn().unwrap(),
            Duration::from_secs(60),
        );
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        assert_eq!(server.open_sessions(), 0);
        (out.stderr, server.issued_tokens().len())
    };
    // No list-sessions trial needs a capability: the probe reads the version
    // from the entry point, and the trial's is the only logon.
    let (stderr, logons) = run("veeam-em::list-sessions[format=xml]");
    // What was not read is unknown, and nothing the user can act on: said
    // with --verbose only, never as `capabilities: none`.
    assert!(stderr.contains("API version v1_7\n"), "{stderr}");
    assert!(!stderr.contains("capabilities"), "{stderr}");
    assert_eq!(logons, 1, "{stderr}");
    // A tenant's logon needs Cloud Connect: the probe logs on to read it.
    let (stderr, logons) = run("veeam-em::tenant-logon[format=xml]");
    assert!(
        stderr.contains("API version v1_7, capabilities: cloud-connect\n"),
        "{stderr}"
    );
    assert!(stderr.contains("0 not applicable, 0 failed"), "{stderr}");
    let (_, alone) = run("veeam-em::list-sessions[format=xml]");
    assert!(logons > alone + 1, "the probe logged on too: {logons}");
}

fn kill(signal: &str, child: &std::process::Child) {
    Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
}

fn slow_suite() -> support::Suite {
    let suite = support::Suite::new();
    suite.write(
        "scenarios/test/slow.yaml",
        r#"name: slow
steps:
  - name: logon
    opens_session: token
    request:
      method: POST
      path: login
      auth: { basic: { user: "${user}", password: "${password}" } }
    expect: { status: 201 }
    capture:
      token: { header: X-RestSvcSessionId }
      session_id: { select: /LogonSession/SessionId }
      # A secret the step captured too: never named with the open session.
      cookie: { cookie: X-RestSvcSessionId }
  - name: slow
    request: { path: slow }
  - name: never
    request: { path: slow }
finally:
  - name: logout
    closes_session: token
    request:
      method: DELETE
      link: { step: logon, rel: Delete }
      headers: { X-RestSvcSessionId: "${token}" }
    expect: { status: 204 }
"#,
    );
    suite
}

/// Runs the slow suite and waits until its slow step is in flight.
fn start_slow_run(
    server: &support::TestServer,
    suite: &support::Suite,
) -> (std::process::Child, String) {
    let dir = suite.root().to_str().unwrap().to_string();
    let junit = format!("{dir}/junit.xml");
    let json = format!("{dir}/run.json");
    let args = [
        "run",
        "--endpoint",
        &server.base,
        "--scenarios",
        &format!("{dir}/scenarios"),
        "--golden-dir",
        &format!("{dir}/golden"),
        "--junit",
        &junit,
        "--json",
        &json,
    ];
    let child = command(
        &args,
        &[
            ("SESSIONCONF_USER", support::USER),
            ("SESSIONCONF_PASSWORD", support::PASSWORD),
        ],
    )
    .spawn()
    .unwrap();
    // The slow step takes 3 s; interrupt while it is in flight.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server.seen.lock().unwrap().slow_started {
        assert!(Instant::now() < deadline, "the slow step never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, dir)
}

fn interrupted_run(signals: &[&str]) {
    let server = support::start();
    let suite = slow_suite();
    let (child, dir) = start_slow_run(&server, &suite);
    let (junit, json) = (format!("{dir}/junit.xml"), format!("{dir}/run.json"));
    for signal in signals {
        kill(signal, &child);
    }
    let out = wait(child, Duration::from_secs(30));
    assert_eq!(out.code, 130, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("interrupted"), "{}", out.stderr);
    assert_eq!(
        server.seen.lock().unwrap().deleted,
        [support::SESSION],
        "finally logged out"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .expect("the scenario in flight is reported");
    assert_eq!(case.attribute("name"), Some("test::slow"));
    assert!(xml.contains("interrupted"), "{xml}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let steps: Vec<(&str, &str)> = report["scenarios"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("logon", "passed"),
            ("slow", "failed"),
            ("never", "not_run"),
            ("logout", "passed")
        ]
    );
    assert_eq!(
        report["scenarios"][0]["steps"][2]["note"],
        "the run was interrupted"
    );
    // What ran is not also listed as not run.
    let not_run = report["not_run"].as_array().unwrap();
    assert!(!not_run.iter().any(|id| id == "test::slow"), "{not_run:?}");
    let slow_cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("test::slow"))
        .count();
    assert_eq!(slow_cases, 1, "{xml}");
}

#[test]
fn a_bless_killed_half_way_leaves_every_golden_old_or_new() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = root.join("golden/veeam-em");
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden");
    let target = golden.join("veeam-em");
    std::fs::create_dir_all(&target).unwrap();
    // Old goldens: the shipped ones with an element no response has, so bless rewrites every one.
    let mut old = Vec::new();
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let entry = entry.unwrap();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        // The probe and version data are not goldens, and a 9.5 server never
        // shows the 500 of the known deviation: copied as they are.
        if entry.path().extension().is_some_and(|e| e == "yaml")
            || entry.path().file_stem().is_some_and(|s| s == "error-500")
        {
            std::fs::write(target.join(entry.file_name()), &text).unwrap();
            continue;
        }
        if entry.path().extension().is_some_and(|e| e == "json") {
            old.push((entry.file_name(), text.replacen('{', "{\"Stale\": 1,", 1)));
            continue;
        }
        let close = text
            .trim_end()
            .rfind("</")
            .unwrap_or_else(|| text.trim_end().len() - 2);
        let mutated = if text.trim_end().ends_with("/>") && !text.contains("</") {
            text.trim_end().trim_end_matches("/>").to_string()
                + "><Stale/></"
                + root_name(&text)
                + ">\n"
        } else {
            format!("{}<Stale/>{}", &text[..close], &text[close..])
        };
        old.push((entry.file_name(), mutated));
    }
    let restore = || {
        for (name, text) in &old {
            std::fs::write(target.join(name), text).unwrap();
        }
    };
    let args = [
        "bless",
        "--dialect",
        "veeam-em",
        "--golden-dir",
        golden.to_str().unwrap(),
        "--profile",
        "em-9.5",
        "--",
        "--test-threads",
        "1",
    ];
    // The new goldens, from one complete bless.
    restore();
    let out = sessionconf(&args, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let new: Vec<String> = old
        .iter()
        .map(|(n, _)| std::fs::read_to_string(target.join(n)).unwrap())
        .collect();
    for ((name, before), after) in old.iter().zip(&new) {
        assert_ne!(before, after, "{name:?} was rewritten");
    }
    let mut saw_both = false;
    for delay_ms in (0..120).step_by(6) {
        restore();
        let mut child = command(&args, &[]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let mut old_count = 0;
        for ((name, before), after) in old.iter().zip(&new) {
            let now = std::fs::read_to_string(target.join(name)).unwrap();
            assert!(
                now == *before || now == *after,
                "{name:?} is neither old nor new after a kill at {delay_ms} ms:\n{now}"
            );
            old_count += usize::from(now == *before);
        }
        saw_both |= old_count > 0 && old_count < old.len();
    }
    // Not a guarantee on a busy machine, but the point of the exercise: some kills land mid-bless.
    if !saw_both {
        eprintln!("note: no kill landed between two golden writes this time");
    }
}

fn root_name(text: &str) -> &str {
    let start = text.find('<').unwrap() + 1;
    let rest = &text[start..];
    &rest[..rest.find([' ', '/', '>']).unwrap()]
}

#[test]
fn no_issued_token_or_password_in_any_output_of_a_failing_run_or_a_bless() {
    use sessionconf::server::{start, Dialect, Fault, ServerOptions};
    let password = "Known-Admin-Pass-7";
    let tenant_password = "Known-Tenant-Pass-8";
    let creds = sessionconf::credentials::Credentials {
        user: "Administrator".into(),
        password: password.into(),
        tenant_user: "ABC Company".into(),
        tenant_password: tenant_password.into(),
    };
    let envs = [
        ("SESSIONCONF_USER", "Administrator"),
        ("SESSIONCONF_PASSWORD", password),
        ("SESSIONCONF_TENANT_USER", "ABC Company"),
        ("SESSIONCONF_TENANT_PASSWORD", tenant_password),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut tokens = Vec::new();
    // Broken servers: tokens are issued, then scenarios fail and their reports are written.
    for (dialect, fault) in [
        (Dialect::VeeamEm, Fault::WrongNamespace),
        (Dialect::Commvault, Fault::AcceptAnyPassword),
    ] {
        let mut options = ServerOptions::new(dialect);
        options.credentials = creds.clone();
        options.faults = vec![fault];
        let server = start(dialect, options, ([127, 0, 0, 1], 0).into()).unwrap();
        let name = dialect.name();
        let junit = dir.path().join(format!("{name}-junit.xml"));
        let json = dir.path().join(format!("{name}.json"));
        let out = sessionconf(
            &[
                "run",
                "--dialect",
                name,
                "--endpoint",
                &server.base_url(),
                "--junit",
                junit.to_str().unwrap(),
                "--json",
                json.to_str().unwrap(),
            ],
            &envs,
        );
        assert_eq!(
            out.code, 1,
            "{name}: the broken server fails the suite\n{}",
            out.stdout
        );
        outputs.push((format!("{name} stdout"), out.stdout));
        outputs.push((format!("{name} stderr"), out.stderr));
        outputs.push((
            format!("{name} junit"),
            std::fs::read_to_string(&junit).unwrap(),
        ));
        outputs.push((
            format!("{name} json"),
            std::fs::read_to_string(&json).unwrap(),
        ));
        // Bless what the broken server sends into a scratch golden directory.
        let golden = dir.path().join(format!("golden-{name}"));
        let out = sessionconf(
            &[
                "bless",
                "--dialect",
                name,
                "--endpoint",
                &server.base_url(),
                "--golden-dir",
                golden.to_str().unwrap(),
            ],
            &envs,
        );
        outputs.push((format!("{name} bless stdout"), out.stdout));
        for entry in std::fs::read_dir(golden.join(name)).unwrap() {
            let path = entry.unwrap().path();
            outputs.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
        tokens.extend(server.issued_tokens());
    }
    assert!(tokens.len() >= 10, "tokens were issued: {}", tokens.len());
    let mut secrets: Vec<String> = vec![password.into(), tenant_password.into()];
    secrets.extend(
        tokens
            .iter()
            .map(|t| t.trim_start_matches("QSDK ").to_string()),
    );
    for (what, text) in &outputs {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret leaked into {what}"
            );
        }
    }
}

#[test]
fn tags_select_scenarios() {
    let out = sessionconf(&["run", "--tag", "tenant", "--list"], &[]);
    let listed: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.ends_with(": test"))
        .collect();
    assert_eq!(
        listed,
        [
            "veeam-em::tenant-logon[format=xml]: test",
            "veeam-em::tenant-logon[format=json]: test"
        ],
        "{}",
        out.stdout
    );
    let out = sessionconf(
        &["run", "--tag", "negative", "--tag", "commvault", "--list"],
        &[],
    );
    let listed = out.stdout.lines().filter(|l| l.ends_with(": test")).count();
    assert_eq!(listed, 6, "every tag must match:\n{}", out.stdout);
}

#[test]
fn a_session_left_open_makes_the_run_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios/veeam-em");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::create_dir_all(dir.path().join("golden")).unwrap();
    let leak = |logout: &str| {
        format!(
            r#"name: leak
steps:
  - name: logon
    opens_session: token
    request:
      method: POST
      path: sessionMngr/?v=latest
      auth: {{ basic: {{ user: "${{user}}", password: "${{password}}" }} }}
    expect: {{ status: 201 }}
    capture:
      token: {{ header: X-RestSvcSessionId }}
      session_id: {{ select: /LogonSession/SessionId }}
finally:
  - name: logout
    closes_session: token
    request:
      method: DELETE
      {logout}
      headers: {{ X-RestSvcSessionId: "${{token}}" }}
    expect: {{ status: 200 }}
"#
        )
    };
    let json = dir.path().join("run.json");
    let run = || {
        sessionconf(
            &[
                "run",
                "--scenarios",
                dir.path().join("scenarios").to_str().unwrap(),
                "--golden-dir",
                dir.path().join("golden").to_str().unwrap(),
                "--json",
                json.to_str().unwrap(),
            ],
            &[],
        )
    };
    // The logout expects 200 where the server answers 204: the trial fails,
    // but the server refuses the token afterwards, so no session is left open.
    std::fs::write(
        scenarios.join("leak.yaml"),
        leak("link: { step: logon, rel: Delete }"),
    )
    .unwrap();
    // Runs the suite; checks the exit code and the count said on the console
    // and in the report, which it returns.
    let run_expecting = |code: i32, left_open: u64| {
        let out = run();
        assert_eq!(out.code, code, "{}{}", out.stdout, out.stderr);
        let said = format!("sessions left open: {left_open}");
        assert!(out.stderr.contains(&said), "{}", out.stderr);
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(report["sessions_left_open"], left_open, "{report}");
        report
    };
    run_expecting(1, 0);
    // A logout sent to the wrong place ends nothing: the server still serves the
    // token (and refuses a made-up one), so the session is counted, by its id.
    std::fs::write(
        scenarios.join("leak.yaml"),
        leak("path: logonSessions/00000000-0000-4000-8000-000000000000"),
    )
    .unwrap();
    let report = run_expecting(3, 1);
    let open = &report["open_sessions"][0];
    assert_eq!(open["trial"], "veeam-em::leak", "{report}");
    assert_eq!(open["state"], "open", "{report}");
    assert!(open["session_id"].as_str().unwrap().len() == 36, "{report}");
    let tried = open["tried"].to_string();
    assert!(
        tried.contains("delete-session-href: not tried (needs `session_href`"),
        "{tried}"
    );
    assert!(
        std::fs::read_to_string(&json)
            .unwrap()
            .contains("\"session_left_open\""),
        "the failure kind is in the report"
    );
    // A scenario that keeps no books and never logs out: the embedded server sees it.
    std::fs::write(
        scenarios.join("leak.yaml"),
        "name: leak\nsteps:\n  - name: logon\n    request:\n      method: POST\n      path: sessionMngr/?v=latest\n      auth: { basic: { user: \"${user}\", password: \"${password}\" } }\n    expect: { status: 201 }\n",
    )
    .unwrap();
    let out = sessionconf(
        &[
            "run",
            "--scenarios",
            dir.path().join("scenarios").to_str().unwrap(),
            "--golden-dir",
            dir.path().join("golden").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("1 session(s) left open on the embedded veeam-em server"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_report_that_cannot_be_written_says_which_report() {
    let out = sessionconf(
        &[
            "run",
            "--filter",
            "entry-point",
            "--json",
            "/dev/null/cannot/run.json",
        ],
        &[],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("/dev/null/cannot/run.json: cannot write the json report"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("golden"), "{}", out.stderr);
}

#[test]
fn a_selection_of_nothing_is_an_error_unless_allowed() {
    let out = sessionconf(&["run", "--filter", "no-such-scenario", "--list"], &[]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("no trial matches --filter no-such-scenario"),
        "{}",
        out.stderr
    );
    let out = sessionconf(
        &["run", "--tag", "logon", "--", "--skip", "::", "--list"],
        &[],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("--tag logon --skip ::"),
        "{}",
        out.stderr
    );
    let out = sessionconf(
        &["run", "--filter", "no-such-scenario", "--allow-empty"],
        &[],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // A matrix trial's whole name selects it exactly.
    let out = sessionconf(
        &[
            "run",
            "--filter",
            "veeam-em::admin-logon[api=latest,format=json]",
            "--list",
            "--",
            "--exact",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("veeam-em::admin-logon[api=latest,format=json]: test"),
        "{}",
        out.stdout
    );
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir(empty.path().join("veeam-em")).unwrap();
    let out = sessionconf(&["run", "--scenarios", empty.path().to_str().unwrap()], &[]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("the suite has no scenarios"),
        "{}",
        out.stderr
    );
}

fn sessionconf_in(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = command(args, envs);
    cmd.current_dir(dir);
    for var in [
        "SESSIONCONF_USER",
        "SESSIONCONF_PASSWORD",
        "SESSIONCONF_TENANT_USER",
        "SESSIONCONF_TENANT_PASSWORD",
    ] {
        if !envs.iter().any(|(k, _)| *k == var) {
            cmd.env_remove(var);
        }
    }
    wait(cmd.spawn().unwrap(), Duration::from_secs(120))
}

#[test]
fn a_configuration_file_names_targets_whose_credentials_are_in_named_variables() {
    use sessionconf::server::{start, Dialect, ServerOptions};
    let server = start(
        Dialect::VeeamEm,
        ServerOptions::new(Dialect::VeeamEm),
        ([127, 0, 0, 1], 0).into(),
    )
    .unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("work/here");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        dir.path().join("sessionconf.toml"),
        format!(
            "scenarios = \"{root}/scenarios\"\ngolden_dir = \"{root}/golden\"\ntimeout = 20\n\n[targets.lab]\nendpoint = \"{}\"\ndialect = \"veeam-em\"\nuser_env = \"LAB_USER\"\npassword_env = \"LAB_PASSWORD\"\ntenant_user_env = \"LAB_TENANT\"\ntenant_password_env = \"LAB_TENANT_PASSWORD\"\n",
            server.base_url()
        ),
    )
    .unwrap();
    let creds = [
        ("LAB_USER", sessionconf::credentials::DEFAULT_USER),
        ("LAB_PASSWORD", sessionconf::credentials::DEFAULT_PASSWORD),
        ("LAB_TENANT", sessionconf::credentials::DEFAULT_TENANT_USER),
        (
            "LAB_TENANT_PASSWORD",
            sessionconf::credentials::DEFAULT_TENANT_PASSWORD,
        ),
    ];
    // Found from a subdirectory; the target brings endpoint, dialect and accounts.
    let out = sessionconf_in(&nested, &["run", "--target", "lab"], &creds);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(&server.base_url()), "{}", out.stderr);
    assert!(!out.stderr.contains("commvault::"), "{}", out.stderr);
    assert_eq!(server.open_sessions(), 0);
    // The target's own variables, not SESSIONCONF_*, hold its accounts.
    let out = sessionconf_in(
        &nested,
        &["run", "--target", "lab"],
        &[("SESSIONCONF_USER", "x"), ("SESSIONCONF_PASSWORD", "y")],
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("set LAB_USER and LAB_PASSWORD"),
        "{}",
        out.stderr
    );
    let out = sessionconf_in(&nested, &["run", "--target", "lba"], &creds);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("did you mean `lab`?"), "{}", out.stderr);
    let out = sessionconf_in(
        &nested,
        &[
            "run",
            "--target",
            "lab",
            "--endpoint",
            "http://127.0.0.1:9/",
        ],
        &creds,
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("give one of them"), "{}", out.stderr);
    // An unknown key is located; --config names another file.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "timeout = 5\ntimout = 6\n").unwrap();
    let out = sessionconf_in(
        &nested,
        &["run", "--config", other.to_str().unwrap(), "--list"],
        &[],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("other.toml:2:1") && out.stderr.contains("unknown field `timout`"),
        "{}",
        out.stderr
    );
}

#[test]
fn run_variables_reach_every_scenario_and_override_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios/veeam-em");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::write(
        scenarios.join("entry.yaml"),
        "name: entry\nvars:\n  expected: v9_9\nsteps:\n  - name: entry\n    request: { path: \"${where}\" }\n    expect:\n      status: 200\n      body:\n        - select: \"//SupportedVersion[@Name='${expected}']\"\n          exists: true\n",
    )
    .unwrap();
    // A golden directory of its own: no version data that names shipped scenarios.
    let golden_dir = dir.path().join("golden");
    std::fs::create_dir_all(&golden_dir).unwrap();
    let golden = golden_dir.to_str().unwrap();
    let scen = dir.path().join("scenarios");
    let base = [
        "run",
        "--scenarios",
        scen.to_str().unwrap(),
        "--golden-dir",
        golden,
    ];
    // Without the variable, the scenario does not load.
    let out = sessionconf_in(dir.path(), &base, &[]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("unknown variable `where`"),
        "{}",
        out.stderr
    );
    let vars = dir.path().join("vars.yaml");
    std::fs::write(&vars, "where: \"\"\n").unwrap();
    let with_file = [&base[..], &["--vars-file", vars.to_str().unwrap()]].concat();
    // `expected` is the scenario's v9_9, a version no server lists, so it fails...
    let out = sessionconf_in(dir.path(), &with_file, &[]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    // ...unless --var overrides it.
    let overridden = [&with_file[..], &["--var", "expected=v1_7"]].concat();
    let out = sessionconf_in(dir.path(), &overridden, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    for bad in [
        &["--var", "password=x"][..],
        &["--var", "noequals"],
        &["--timeout", "inf"],
        &["--connect-timeout", "0"],
    ] {
        let out = sessionconf_in(dir.path(), &[&overridden[..], bad].concat(), &[]);
        assert_eq!(out.code, 2, "{bad:?}: {}", out.stderr);
    }
}

#[test]
fn a_scenario_a_user_writes_with_use_and_a_matrix_runs_against_the_embedded_server() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios/veeam-em");
    // Only the scenario: the `logon` fragment and its golden, the probe and
    // what is known of the vendor's versions ship with the tool.
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::write(
        scenarios.join("mine.yaml"),
        "name: mine\nmatrix:\n  api: [latest, v1_2, v1_7]\nrequires:\n  api_version: \"${api}\"\nsteps:\n  - use: logon\n    with: { version: \"${api}\" }\n  - use: logon\n    as: again\n  - name: list\n    request:\n      path: logonSessions\n      headers: { X-RestSvcSessionId: \"${again_token}\" }\n    expect:\n      body:\n        - select: \"/LogonSessions/LogonSession[SessionId='${session_id}']\"\n          count: 1\n",
    )
    .unwrap();
    let out = sessionconf_in(
        dir.path(),
        &["run", "--dialect", "veeam-em", "--json", "run.json"],
        &[],
    );
    // Exit 3 would mean a session left open on the embedded server.
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("veeam-em::mine[api=v1_2] not applicable")
            && out.stderr.contains("3 trials: 2 passed, 0 known deviation, 1 not applicable, 0 failed; sessions left open: 0"),
        "{}",
        out.stderr
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run.json")).unwrap())
            .unwrap();
    let trial = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "veeam-em::mine[api=v1_7]")
        .unwrap();
    let steps: Vec<&str> = trial["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    // Each session is checked on the server after the logouts.
    assert_eq!(
        steps,
        [
            "logon",
            "again.logon",
            "list",
            "again.logout",
            "logout",
            "check-token-ended",
            "check-again_token-ended"
        ]
    );
    let listed = sessionconf_in(dir.path(), &["run", "--dialect", "veeam-em", "--list"], &[]);
    assert!(
        listed.stdout.contains("veeam-em::mine[api=latest]: test"),
        "{}",
        listed.stdout
    );
}

#[test]
fn an_endpoint_nothing_listens_on_is_said_once_with_exit_2() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/", listener.local_addr().unwrap());
    drop(listener);
    let out = sessionconf(
        &["run", "--dialect", "veeam-em", "--endpoint", &url],
        CREDENTIALS,
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stderr.matches("cannot reach").count(),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!("cannot reach {url}"))
            && out.stderr.contains("nothing was run"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("test veeam-em::"), "{}", out.stdout);
}

#[test]
fn bless_lists_what_it_wrote_changed_left_alone_and_did_not_record() {
    let server = support::start();
    let suite = support::Suite::new();
    let dir = suite.root();
    suite.write(
        "golden/logon.xml",
        "<LogonSession xmlns=\"urn:test\" xmlns:sc=\"urn:sessionconf:golden\" sc:extra=\"attributes children\"><SessionId>{{session_id}}</SessionId></LogonSession>\n",
    );
    suite.write("golden/echo.xml", "<Echo/>\n");
    suite.write(
        "scenarios/test/s.yaml",
        "name: s\nsteps:\n  - name: logon\n    opens_session: token\n    request:\n      method: POST\n      path: login\n      auth: { basic: { user: \"${user}\", password: \"${password}\" } }\n    expect: { status: 201, golden: logon.xml }\n    capture:\n      token: { header: X-RestSvcSessionId }\n      session_id: { select: /LogonSession/SessionId }\n  - name: echo\n    request: { path: echo }\n    expect: { golden: echo.xml }\n  - name: again\n    request: { path: echo }\n    expect: { golden: new.xml }\n  - name: broken\n    request: { path: fail }\n    expect: { status: 200, golden: fail.xml }\n  - name: after\n    request: { path: echo }\n    expect: { golden: later.xml }\nfinally:\n  - name: logout\n    closes_session: token\n    request:\n      method: DELETE\n      link: { step: logon, rel: Delete }\n      headers: { X-RestSvcSessionId: \"${token}\" }\n",
    );
    let golden = dir.join("golden");
    let out = bless_against(&server.base, dir);
    assert_eq!(
        out.code, 1,
        "the broken step fails: {}{}",
        out.stdout, out.stderr
    );
    let listing = |label: &str, file: &str| format!("  {label}: {}", golden.join(file).display());
    assert!(
        out.stderr
            .contains("bless: 1 new, 1 changed, 1 left alone, 2 not recorded")
            && out.stderr.contains(&listing("new", "new.xml"))
            && out.stderr.contains(&listing("changed", "echo.xml"))
            && out.stderr.contains(&listing("left alone", "logon.xml"))
            && !out.stderr.contains(&listing("left alone", "echo.xml"))
            && out.stderr.contains(
                "  not recorded: test::s step `broken`: golden fail.xml does not exist yet"
            )
            && out.stderr.contains(&format!(
                "  not recorded: {}: no response of this run reached it",
                golden.join("later.xml").display()
            )),
        "{}",
        out.stderr
    );
    assert!(!golden.join("fail.xml").exists());
    let echo = std::fs::read_to_string(golden.join("echo.xml")).unwrap();
    assert!(echo.contains("<Token") && echo.contains("<Pw>"), "{echo}");
}

#[test]
fn diff_reads_utf16_and_refuses_what_namespaces_in_xml_forbids() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("g.xml");
    std::fs::write(&golden, "<A xmlns=\"urn:a\"><B>é</B></A>").unwrap();
    let actual = dir.path().join("utf16.xml");
    let mut bytes = vec![0xff, 0xfe];
    let doc = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><A xmlns=\"urn:a\"><B>é</B></A>";
    bytes.extend(doc.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&actual, bytes).unwrap();
    let args = |a: &std::path::Path| {
        vec![
            "diff".to_string(),
            golden.display().to_string(),
            a.display().to_string(),
        ]
    };
    let run = |a: &std::path::Path| {
        let args = args(a);
        sessionconf(&args.iter().map(String::as_str).collect::<Vec<_>>(), &[])
    };
    let out = run(&actual);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let forbidden = dir.path().join("forbidden.xml");
    std::fs::write(&forbidden, "<A xmlns=\"urn:a\" xmlns:p=\"\"><B>é</B></A>").unwrap();
    let out = run(&forbidden);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("forbidden.xml:1:1") && out.stderr.contains("Namespaces in XML 1.0"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_lists_goldens_nothing_uses_and_rejects_them_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dialect in ["veeam-em", "commvault"] {
        std::fs::create_dir_all(golden.join(dialect)).unwrap();
        for entry in std::fs::read_dir(root.join("golden").join(dialect)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), golden.join(dialect).join(entry.file_name())).unwrap();
        }
    }
    let g = golden.to_str().unwrap();
    let clean = sessionconf(&["check", "--golden-dir", g, "--unreferenced=reject"], &[]);
    assert_eq!(
        clean.code, 0,
        "the shipped goldens are all used: {}{}",
        clean.stdout, clean.stderr
    );
    assert!(
        clean.stdout.contains("0 unreferenced goldens"),
        "{}",
        clean.stdout
    );
    let stale = golden.join("veeam-em/renamed-step.xml");
    std::fs::write(&stale, "<Error/>").unwrap();
    let listed = sessionconf(&["check", "--golden-dir", g, "--unreferenced"], &[]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed
            .stdout
            .contains(&format!("unreferenced: {}", stale.display()))
            && listed.stdout.contains("1 unreferenced golden\n"),
        "{}",
        listed.stdout
    );
    let rejected = sessionconf(&["check", "--golden-dir", g, "--unreferenced=reject"], &[]);
    assert_eq!(rejected.code, 1, "{}", rejected.stdout);
    let plain = sessionconf(&["check", "--golden-dir", g], &[]);
    assert_eq!(plain.code, 0);
    assert!(!plain.stdout.contains("unreferenced"), "{}", plain.stdout);
}

#[test]
fn bless_reports_a_golden_whose_uses_disagree_and_writes_nothing() {
    let server = support::start();
    let suite = support::Suite::new();
    let dir = suite.root();
    suite.write(
        "scenarios/test/s.yaml",
        "name: s\nsteps:\n  - name: logon\n    opens_session: token\n    request:\n      method: POST\n      path: login\n      auth: { basic: { user: \"${user}\", password: \"${password}\" } }\n    expect: { status: 201, golden: shared.xml }\n    capture:\n      token: { header: X-RestSvcSessionId }\n  - name: echo\n    request: { path: echo }\n    expect: { golden: shared.xml }\nfinally:\n  - name: logout\n    closes_session: token\n    request:\n      method: DELETE\n      link: { step: logon, rel: Delete }\n      headers: { X-RestSvcSessionId: \"${token}\" }\n",
    );
    let golden = dir.join("golden");
    let out = bless_against(&server.base, dir);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let shared = golden.join("shared.xml");
    assert!(!shared.exists());
    assert!(
        out.stderr
            .contains("bless: 0 new, 0 changed, 0 left alone, 1 not recorded")
            && out.stderr.contains(&format!(
                "  not recorded: {}: not written: its uses disagree",
                shared.display()
            ))
            && out.stderr.contains("test::s step `logon`")
            && out.stderr.contains("test::s step `echo`")
            && !out.stderr.contains("no response of this run reached it"),
        "{}",
        out.stderr
    );
}

/// `sessionconf bless` of the suite in `dir` against the in-test server at `base`.
fn bless_against(base: &str, dir: &std::path::Path) -> Output {
    let (scenarios, golden) = (dir.join("scenarios"), dir.join("golden"));
    sessionconf(
        &[
            "bless",
            "--endpoint",
            base,
            "--scenarios",
            scenarios.to_str().unwrap(),
            "--golden-dir",
            golden.to_str().unwrap(),
        ],
        &[
            ("SESSIONCONF_USER", support::USER),
            ("SESSIONCONF_PASSWORD", support::PASSWORD),
        ],
    )
}

#[test]
fn bless_pending_writes_beside_the_goldens_and_review_accepts_and_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dialect in ["veeam-em", "commvault"] {
        std::fs::create_dir_all(golden.join(dialect)).unwrap();
        for entry in std::fs::read_dir(root.join("golden").join(dialect)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), golden.join(dialect).join(entry.file_name())).unwrap();
        }
    }
    let entry_point = golden.join("veeam-em/entry-point.xml");
    let shipped = std::fs::read_to_string(&entry_point).unwrap();
    let stale = shipped.replace("sessionMngr/?v=latest", "sessionMngr/?v=v9");
    assert_ne!(stale, shipped);
    std::fs::write(&entry_point, &stale).unwrap();
    let error_400 = golden.join("veeam-em/error-400.xml");
    std::fs::remove_file(&error_400).unwrap();
    let g = golden.to_str().unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec!["--golden-dir", g, "--dialect", "veeam-em", "--jobs", "1"];
        a.extend_from_slice(extra);
        a
    };
    let out = sessionconf(&[&["run"][..], &args(&["--pending"])].concat(), &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--pending says how bless writes"),
        "{}",
        out.stderr
    );
    let bless = || sessionconf(&[&["bless"][..], &args(&["--pending"])].concat(), &[]);
    let out = bless();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("1 new, 1 changed") && out.stderr.contains("sessionconf review"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("entry-point.xml.pending"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&entry_point).unwrap(),
        stale,
        "the golden is not replaced"
    );
    assert!(!error_400.exists());
    // Off a terminal, review shows the changes and decides nothing.
    let review =
        |extra: &[&str]| sessionconf(&[&["review", "--golden-dir", g][..], extra].concat(), &[]);
    let out = review(&[]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("-    <Link Rel=\"Create\" Type=\"LogonSession\" Href=\"{{origin}}/api/sessionMngr/?v=v9\"/>"), "{}", out.stdout);
    assert!(out.stdout.contains("+    <Link Rel=\"Create\" Type=\"LogonSession\" Href=\"{{origin}}/api/sessionMngr/?v=latest\"/>"), "{}", out.stdout);
    assert!(
        out.stdout.contains("+<Error"),
        "the new golden is shown whole: {}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("2 pending golden(s) left (not a terminal"),
        "{}",
        out.stderr
    );
    // Rejected: the pending file goes, the golden stays.
    let out = review(&["--reject", "entry-point"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("rejected: ") && !out.stdout.contains("error-400"),
        "{}",
        out.stdout
    );
    assert_eq!(std::fs::read_to_string(&entry_point).unwrap(), stale);
    assert!(!golden.join("veeam-em/entry-point.xml.pending").exists());
    // Accepted: the pending file becomes the golden.
    let out = review(&["--accept"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(error_400.exists() && !golden.join("veeam-em/error-400.xml.pending").exists());
    assert_eq!(bless().code, 0);
    let out = review(&["--accept"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let accepted = std::fs::read_to_string(&entry_point).unwrap();
    assert!(
        accepted.contains("sessionMngr/?v=latest") && accepted.contains("sc:order=\"any\""),
        "markers kept: {accepted}"
    );
    let out = review(&[]);
    assert_eq!(out.code, 0, "nothing is pending: {}", out.stderr);
    let out = sessionconf(&[&["run"][..], &args(&[])].concat(), &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn a_filter_loads_only_the_files_it_selects_and_counts_the_rest_filtered_out() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenarios = dir.path().join("scenarios");
    copy_tree(&root.join("scenarios"), &scenarios);
    // A file with a mistake a load reports (a step that refers to no step).
    let broken = scenarios.join("veeam-em/broken.yaml");
    std::fs::write(
        &broken,
        "name: broken\nsteps:\n  - name: a\n    request: { link: { step: nowhere, rel: Up } }\n",
    )
    .unwrap();
    let golden = root.join("golden");
    let suite = [
        "--scenarios",
        scenarios.to_str().unwrap(),
        "--golden-dir",
        golden.to_str().unwrap(),
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["run"];
        args.extend(suite);
        args.extend(extra);
        sessionconf(&args, &[])
    };
    // The whole suite, or a filter that selects the broken file: refused there.
    for extra in [
        &[][..],
        &["--", "broken"],
        &["--", "--exact", "veeam-em::broken"],
    ] {
        let out = run(extra);
        assert_eq!(out.code, 2, "{extra:?}\n{}", out.stderr);
        assert!(out.stderr.contains("broken.yaml"), "{}", out.stderr);
    }
    // A filter that selects another file runs it; every other trial is
    // counted as filtered out, the broken file's one among them.
    let listed = run(&["--list"]);
    let out = run(&["--", "--exact", "veeam-em::list-sessions[format=xml]"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("1 passed"), "{}", out.stdout);
    let all = sessionconf(&["run", "--list"], &[])
        .stdout
        .lines()
        .filter(|l| l.ends_with(": test"))
        .count();
    assert!(all > 50, "{all}");
    assert_eq!(
        listed.code, 2,
        "listing the whole suite loads the broken file"
    );
    assert!(
        out.stdout.contains(&format!("{} filtered out", all)),
        "{all} others and the broken one\n{}",
        out.stdout
    );
    // A name used twice is refused even when neither file is selected.
    std::fs::write(
        &broken,
        std::fs::read_to_string(scenarios.join("veeam-em/no-token.yaml")).unwrap(),
    )
    .unwrap();
    let out = run(&["--", "--exact", "veeam-em::list-sessions[format=xml]"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("scenario name `no-token` is also used by"),
        "{}",
        out.stderr
    );
}

/// The `message` of the JUnit failure of the test case named `name`.
fn junit_failure<'a>(doc: &'a roxmltree::Document, name: &str) -> roxmltree::Node<'a, 'a> {
    doc.descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
        .and_then(|case| case.children().find(|n| n.has_tag_name("failure")))
        .unwrap_or_else(|| panic!("no failure of {name}"))
}

#[test]
fn the_junit_message_names_the_first_difference_and_the_requirement_broken() {
    use sessionconf::server::{start, Dialect, Fault, ServerOptions};
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.faults = vec![Fault::NoDeleteLink];
    let server = start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("j.xml");
    let out = sessionconf(
        &[
            "run",
            "--dialect",
            "veeam-em",
            "--endpoint",
            &server.base_url(),
            "--filter",
            "admin-logon",
            "--junit",
            junit.to_str().unwrap(),
        ],
        &[
            ("SESSIONCONF_USER", "Administrator"),
            ("SESSIONCONF_PASSWORD", "Adm1n-Secret"),
        ],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = junit_failure(&doc, "veeam-em::admin-logon[api=latest,format=xml]");
    // What a CI page shows: the difference that matters, not only its count.
    assert_eq!(
        failure.attribute("message"),
        Some("step `logon`: response differs from golden veeam-em/logon-session.xml in 1 place: /LogonSession/Links/Link[@Rel='Delete']: missing element <Link Rel='Delete'> (breaks em.logon.delete-link)")
    );
    assert!(!xml.contains("Adm1n-Secret"));
}

#[test]
fn steps_after_a_failed_step_are_listed_as_not_run_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios/veeam-em");
    std::fs::create_dir_all(&scenarios).unwrap();
    // Four steps; the second fails, so the last two never run.
    let list = "    request:\n      path: logonSessions\n      headers: { X-RestSvcSessionId: \"${token}\" }\n";
    std::fs::write(
        scenarios.join("stops.yaml"),
        format!("name: stops\nsteps:\n  - use: logon\n  - name: wrong\n{list}    expect: {{ status: 418 }}\n  - name: list\n{list}  - name: again\n{list}"),
    )
    .unwrap();
    let out = sessionconf_in(
        dir.path(),
        &[
            "run",
            "--dialect",
            "veeam-em",
            "--junit",
            "r.xml",
            "--json",
            "r.json",
            "--html",
            "r.html",
        ],
        &[],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let console = format!("{}{}", out.stdout, out.stderr);
    let not_run = [
        "  step `list`: not run (an earlier step failed)\n",
        "  step `again`: not run (an earlier step failed)\n",
    ];
    for line in not_run {
        assert!(console.contains(line), "{line}{console}");
    }
    let report: serde_json::Value = serde_json::from_str(&read("r.json")).unwrap();
    let steps: Vec<(&str, &str)> = report["scenarios"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    // The `finally` steps still run after them.
    assert_eq!(
        &steps[..5],
        [
            ("logon", "passed"),
            ("wrong", "failed"),
            ("list", "not_run"),
            ("again", "not_run"),
            ("logout", "passed")
        ],
        "{steps:?}"
    );
    let xml = read("r.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = junit_failure(&doc, "veeam-em::stops");
    let message = failure.attribute("message").unwrap();
    assert!(message.starts_with("step `wrong`: "), "{message}");
    let text = failure.text().unwrap();
    for line in not_run {
        assert!(text.contains(line), "{line}{text}");
    }
    let html = read("r.html");
    let rows: Vec<&str> = html
        .match_indices("<div class=\"step not_run\" data-step=\"")
        .map(|(i, m)| &html[i + m.len()..i + m.len() + html[i + m.len()..].find('"').unwrap()])
        .collect();
    assert_eq!(rows, ["list", "again"], "{html}");
}

#[test]
fn serve_lists_each_fault_and_variant_with_what_it_does() {
    let out = sessionconf(&["serve", "--dialect", "veeam-em", "--fault", "list"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("faults of veeam-em:\n"),
        "{}",
        out.stdout
    );
    let no_up = out
        .stdout
        .lines()
        .find(|l| l.contains("no-up-link"))
        .unwrap();
    assert!(
        no_up.ends_with("LogonSession has no Up link. (breaks em.logon.up-link)"),
        "{no_up}"
    );
    // Commvault's faults only, each with a sentence.
    assert!(!out.stdout.contains("logoff-all"), "{}", out.stdout);
    let out = sessionconf(&["serve", "--profile", "cv-2024", "--variant", "list"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "  churn              Another client logs on and off every 20 ms (as `--churn 20`).\n"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("xml-prefixed"), "{}", out.stdout);
    // An unknown name is refused with every name there is and what it does.
    let out = sessionconf(
        &["serve", "--dialect", "commvault", "--fault", "no-up-link"],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: --fault no-up-link: no such fault of commvault; the faults are:\n  accept-any-password "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("Logout answers \"OK\", not \"User logged out\". (breaks cv.logout.answer)"),
        "{}",
        out.stderr
    );
    let out = sessionconf(
        &["serve", "--dialect", "veeam-em", "--variant", "sideways"],
        &[],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("--variant sideways: no such variant of veeam-em; the variants are:\n")
            && out
                .stderr
                .contains("  link-order         Links in reverse order.\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_counts_the_files_and_goldens_the_user_has() {
    // One scenario file of two trials, using the tool's own logon fragment
    // (whose goldens ship with it), and one golden of the suite's.
    let dir = tempfile::tempdir().unwrap();
    let scenarios = dir.path().join("scenarios/veeam-em");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::create_dir_all(dir.path().join("golden/veeam-em")).unwrap();
    std::fs::copy(
        "golden/veeam-em/logon-sessions.xml",
        dir.path().join("golden/veeam-em/logon-sessions.xml"),
    )
    .unwrap();
    let mine = "name: mine\nmatrix:\n  api: [latest, v1_7]\nsteps:\n  - use: logon\n    with: { version: \"${api}\" }\n  - name: list\n    request: { path: logonSessions, headers: { X-RestSvcSessionId: \"${token}\" } }\n    expect: { status: 200, golden: veeam-em/logon-sessions.xml }\n";
    std::fs::write(scenarios.join("mine.yaml"), mine).unwrap();
    let out = sessionconf_in(dir.path(), &["check", "--unreferenced"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.starts_with(
            "1 scenario and 1 golden are valid, and each dialect's vendor knowledge\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("0 unreferenced goldens\n"),
        "{}",
        out.stdout
    );
}
