//! The runner against an in-test server on 127.0.0.1: captures, link following,
//! goldens, `finally` after a failure, bless, and redaction of secrets.

mod support;

use std::sync::Arc;

use sessionconf::credentials::Credentials;
use sessionconf::report::{self, Status};
use sessionconf::run::{run_scenario, RunOptions};
use sessionconf::scenario::{load_scenario, LoadedScenario};

use support::{Suite, PASSWORD, SESSION, TOKEN, USER};

fn options(base: &str, bless: bool) -> Arc<RunOptions> {
    support::run_options(base, USER, bless)
}

fn load(suite: &Suite, file: &str, bless: bool) -> LoadedScenario {
    load_scenario(&suite.scenario(file), "test", &suite.golden_dir(), bless)
        .unwrap_or_else(|e| panic!("{e:?}"))
}

const LOGON_GOLDEN: &str = r#"<LogonSession xmlns="urn:test" xmlns:sc="urn:sessionconf:golden" Href="{{origin}}/api/sessions/{{session_id}}">
  <Links sc:order="any">
    <Link Rel="Delete" Type="LogonSession" Href="{{origin}}/api/sessions/{{session_id}}"/>
    <Link Rel="Up" Href="{{origin}}/api/"/>
  </Links>
  <UserName>{{any}}\{{user}}</UserName>
  <SessionId>{{session_id}}</SessionId>
</LogonSession>
"#;

fn flow(middle: &str) -> String {
    format!(
        r#"name: flow
tags: [logon]
steps:
  - name: logon
    request:
      method: POST
      path: login
      auth: {{ basic: {{ user: "${{user}}", password: "${{password}}" }} }}
    expect:
      status: 201
      headers:
        X-RestSvcSessionId: {{ present: true }}
      golden: logon.xml
      body:
        - select: //Link[@Rel='Delete']
          count: 1
        - select: /LogonSession/UserName
          matches: '\\{USER}$'
    capture:
      token: {{ header: X-RestSvcSessionId }}
      session_id: {{ select: /LogonSession/SessionId }}
{middle}
finally:
  - name: logout
    request:
      method: DELETE
      link: {{ step: logon, rel: Delete, type: LogonSession }}
      headers: {{ X-RestSvcSessionId: "${{token}}" }}
    expect:
      status: 204
"#
    )
}

#[test]
fn captures_goldens_and_link_following() {
    let server = support::start();
    let suite = Suite::new();
    suite.write("golden/logon.xml", LOGON_GOLDEN);
    suite.write("scenarios/test/flow.yaml", &flow(""));
    let outcome = run_scenario(
        &load(&suite, "flow.yaml", false),
        &options(&server.base, false),
    );
    assert!(
        outcome.passed(),
        "{}",
        report::console::render(&outcome, false)
    );
    assert_eq!(outcome.steps.len(), 2);
    assert_eq!(server.seen.lock().unwrap().deleted, [SESSION]);
}

#[test]
fn finally_runs_after_a_failed_step() {
    let server = support::start();
    let suite = Suite::new();
    suite.write("golden/logon.xml", LOGON_GOLDEN);
    let middle = "  - name: broken\n    request: { path: fail }\n    expect: { status: 200 }\n  - name: never\n    request: { path: fail }\n";
    suite.write("scenarios/test/flow.yaml", &flow(middle));
    let outcome = run_scenario(
        &load(&suite, "flow.yaml", false),
        &options(&server.base, false),
    );
    assert_eq!(outcome.status, Status::Failed);
    let names: Vec<_> = outcome
        .steps
        .iter()
        .map(|s| (s.name.as_str(), s.status))
        .collect();
    assert_eq!(
        names,
        [
            ("logon", Status::Passed),
            ("broken", Status::Failed),
            ("never", Status::NotRun),
            ("logout", Status::Passed)
        ]
    );
    assert_eq!(
        outcome.steps[2].note.as_deref(),
        Some("an earlier step failed")
    );
    assert!(
        outcome.steps[1].failures[0].kind == report::FailureKind::Status
            && outcome.steps[1].failures[0].expected.as_deref() == Some("200")
            && outcome.steps[1].failures[0].actual.as_deref() == Some("500")
            && outcome.steps[1].failures[0]
                .message
                .contains("status 500, expected 200"),
        "{:?}",
        outcome.steps[1]
    );
    assert_eq!(
        server.seen.lock().unwrap().deleted,
        [SESSION],
        "finally logged out"
    );
    // What was sent and received is kept, its secrets redacted.
    let received = outcome.steps[1].received.as_ref().unwrap();
    assert_eq!(received.start, "500 Internal Server Error");
    assert_eq!(received.body.as_deref(), Some("<Error/>"));
    let sent = outcome.steps[0].sent.as_ref().unwrap();
    assert!(sent.start.starts_with("POST http://127.0.0.1:"), "{sent:?}");
    assert!(
        sent.headers
            .iter()
            .any(|(n, v)| n == "Authorization" && v == "<redacted>"),
        "{sent:?}"
    );
    let logon = outcome.steps[0].received.as_ref().unwrap();
    assert!(
        logon
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("x-restsvcsessionid") && v == "<redacted>"),
        "{logon:?}"
    );
    let text = report::console::render(&outcome, false);
    assert!(
        text.contains("    response: 500 Internal Server Error"),
        "{text}"
    );
}

#[test]
fn finally_is_skipped_when_what_it_needs_was_never_captured() {
    let server = support::start();
    let suite = Suite::new();
    suite.write("golden/logon.xml", LOGON_GOLDEN);
    suite.write("scenarios/test/flow.yaml", &flow(""));
    let mut o = RunOptions::new(server.base.parse().unwrap());
    o.credentials = Credentials {
        user: USER.into(),
        password: "wrong-password".into(),
        tenant_user: "t".into(),
        tenant_password: "tpw-x".into(),
    };
    let outcome = run_scenario(&load(&suite, "flow.yaml", false), &Arc::new(o));
    assert_eq!(outcome.status, Status::Failed);
    assert!(
        outcome.steps[0].failures[0]
            .message
            .contains("status 401, expected 201"),
        "{:?}",
        outcome.steps[0]
    );
    assert_eq!(outcome.steps[1].status, Status::Skipped);
    assert!(
        outcome.steps[1]
            .note
            .as_deref()
            .unwrap_or("")
            .contains("logon"),
        "{:?}",
        outcome.steps[1]
    );
    assert!(server.seen.lock().unwrap().deleted.is_empty());
}

#[test]
fn a_golden_difference_is_reported_with_its_path_and_diff() {
    let server = support::start();
    let suite = Suite::new();
    suite.write(
        "golden/logon.xml",
        &LOGON_GOLDEN.replace("<Link Rel=\"Up\"", "<Link Rel=\"Upward\""),
    );
    suite.write("scenarios/test/flow.yaml", &flow(""));
    let outcome = run_scenario(
        &load(&suite, "flow.yaml", false),
        &options(&server.base, false),
    );
    assert_eq!(outcome.status, Status::Failed);
    let text = report::console::render(&outcome, false);
    assert!(
        text.contains("response differs from golden logon.xml"),
        "{text}"
    );
    assert!(
        text.contains("/LogonSession/Links/Link[@Rel='Upward']"),
        "{text}"
    );
    assert!(text.contains("-    <Link Rel=\"Upward\""), "{text}");
    // The verdict, then each difference indented under the golden's summary.
    assert!(text.starts_with("test::flow FAILED ("), "{text}");
    assert!(
        text.contains("\n      /LogonSession/Links/Link[@Rel='Upward']: missing element"),
        "{text}"
    );
    assert!(
        text.contains("\n    response differs from golden logon.xml"),
        "{text}"
    );
    // The JSON report carries each difference as data, not text to parse.
    let summary = report::RunSummary {
        targets: Vec::new(),
        scenarios: vec![outcome.clone()],
        not_run: Vec::new(),
        interrupted: false,
    };
    let json: serde_json::Value =
        serde_json::from_str(&report::format("json").unwrap().render(&summary)).unwrap();
    let failures = json["scenarios"][0]["steps"][0]["failures"]
        .as_array()
        .unwrap();
    assert_eq!(failures[0]["kind"], "golden", "{failures:#?}");
    assert_eq!(failures[0]["path"], "logon.xml");
    // No link has Rel="Upward": it is missing, and the Up link is unexpected.
    let differences: Vec<_> = failures
        .iter()
        .filter(|f| f["kind"] == "difference")
        .collect();
    assert_eq!(differences.len(), 2, "{failures:#?}");
    assert_eq!(differences[0]["difference"], "missing_element");
    assert_eq!(
        differences[0]["path"],
        "/LogonSession/Links/Link[@Rel='Upward']"
    );
    assert_eq!(differences[0]["expected"], "<Link Rel='Upward'>");
    assert_eq!(differences[1]["difference"], "unexpected_element");
    assert_eq!(
        differences[1]["path"],
        "/LogonSession/Links/Link[@Rel='Up']"
    );
    assert_eq!(differences[1]["actual"], "<Link Rel='Up'>");
    assert!(json["scenarios"][0]["steps"][0]["diff"]
        .as_str()
        .unwrap()
        .contains("Upward"));
    // Logged out all the same.
    assert_eq!(server.seen.lock().unwrap().deleted, [SESSION]);
}

#[test]
fn secrets_never_reach_any_report() {
    use base64::Engine;
    let server = support::start();
    let suite = Suite::new();
    suite.write("golden/logon.xml", LOGON_GOLDEN);
    suite.write(
        "golden/echo.xml",
        "<Echo><Token>nothing</Token><Pw>nothing</Pw></Echo>\n",
    );
    let middle = r#"  - name: echo
    request:
      path: echo
      headers: { X-RestSvcSessionId: "${token}", X-Debug: "${token}" }
    expect:
      status: 201
      golden: echo.xml
      body:
        - select: /Echo/Token
          equals: "${password}"
"#;
    suite.write("scenarios/test/flow.yaml", &flow(middle));
    let outcome = run_scenario(
        &load(&suite, "flow.yaml", false),
        &options(&server.base, false),
    );
    assert_eq!(outcome.status, Status::Failed);
    let creds = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    let summary = report::RunSummary {
        targets: Vec::new(),
        scenarios: vec![outcome.clone()],
        not_run: Vec::new(),
        interrupted: false,
    };
    let outputs = [
        report::console::render(&outcome, false),
        report::format("junit").unwrap().render(&summary),
        report::format("json").unwrap().render(&summary),
    ];
    // The echoed body is in every report, redacted.
    assert!(
        outputs[0].contains("| <Echo><Token><redacted></Token><Pw><redacted></Pw></Echo>"),
        "{}",
        outputs[0]
    );
    assert!(
        outputs[2].contains("\"received\"") && outputs[2].contains("<Echo><Token><redacted>"),
        "{}",
        outputs[2]
    );
    for text in &outputs {
        assert!(
            text.contains("<redacted>") || text.contains("&lt;redacted&gt;"),
            "{text}"
        );
        for secret in [PASSWORD, TOKEN, creds.as_str()] {
            assert!(
                !text.contains(secret),
                "secret {secret} leaked into:\n{text}"
            );
        }
    }
}

#[test]
fn bless_records_placeholders_and_reblessing_a_passing_golden_changes_nothing() {
    let server = support::start();
    let suite = Suite::new();
    suite.write("scenarios/test/flow.yaml", &flow(""));
    let golden = suite.golden_dir().join("logon.xml");
    let blessing = options(&server.base, true);
    let outcome = run_scenario(&load(&suite, "flow.yaml", true), &blessing);
    assert!(
        outcome.passed(),
        "{}",
        report::console::render(&outcome, false)
    );
    // Bless writes at the end of the run, from every use.
    assert!(!golden.exists());
    assert_eq!(blessing.bless_book.settle().new, vec![golden.clone()]);
    let recorded = std::fs::read_to_string(&golden).unwrap();
    assert!(
        recorded.contains("Href=\"{{origin}}/api/sessions/{{session_id}}\""),
        "{recorded}"
    );
    assert!(
        recorded.contains("<SessionId>{{session_id}}</SessionId>"),
        "{recorded}"
    );
    for leaked in [SESSION, TOKEN, "127.0.0.1"] {
        assert!(!recorded.contains(leaked), "{leaked} in {recorded}");
    }
    // The recorded golden passes without bless.
    let outcome = run_scenario(
        &load(&suite, "flow.yaml", false),
        &options(&server.base, false),
    );
    assert!(
        outcome.passed(),
        "{}",
        report::console::render(&outcome, false)
    );
    // A hand-edited golden with markers survives a re-bless untouched.
    suite.write("golden/logon.xml", LOGON_GOLDEN);
    let before = std::fs::metadata(&golden).unwrap().modified().unwrap();
    let blessing = options(&server.base, true);
    let outcome = run_scenario(&load(&suite, "flow.yaml", true), &blessing);
    assert!(outcome.passed());
    assert_eq!(blessing.bless_book.settle(), Default::default());
    assert_eq!(std::fs::read_to_string(&golden).unwrap(), LOGON_GOLDEN);
    assert_eq!(
        std::fs::metadata(&golden).unwrap().modified().unwrap(),
        before
    );
    assert!(outcome.steps.iter().all(|s| s.blessed.is_none()));
}

#[test]
fn connection_refused_is_a_failure_naming_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/", listener.local_addr().unwrap());
    drop(listener);
    let suite = Suite::new();
    suite.write("golden/logon.xml", LOGON_GOLDEN);
    suite.write("scenarios/test/flow.yaml", &flow(""));
    let outcome = run_scenario(&load(&suite, "flow.yaml", false), &options(&base, false));
    assert_eq!(outcome.status, Status::Failed);
    let text = report::console::render(&outcome, false);
    assert!(text.contains("cannot connect"), "{text}");
    assert!(text.contains(&format!("POST {base}login")), "{text}");
}

#[test]
fn query_environment_defaults_cookie_and_regex_captures_and_text_checks() {
    let server = support::start();
    let suite = Suite::new();
    suite.write(
        "scenarios/test/misc.yaml",
        r#"name: misc
steps:
  - name: logon
    request:
      method: POST
      path: login
      auth: { basic: { user: "${user}", password: "${password}" } }
    expect: { status: 201 }
    capture:
      from_cookie: { cookie: X-RestSvcSessionId }
      cookie_path: { header: Set-Cookie, regex: 'Path=(/\w+)' }
  - name: query
    request:
      path: query
      query:
        path: "${cookie_path}"
        fallback: "${env:SESSIONCONF_TEST_SURELY_UNSET:-used-default}"
    expect:
      status: 200
      text: { matches: '^query=fallback=used-default&path=%2Fapi$' }
    capture:
      echoed: { regex: 'fallback=([a-z-]+)' }
  - name: text-equals
    request:
      path: query
      query: { v: "${echoed}" }
    expect:
      text: { equals: "query=v=used-default" }
finally:
  - name: logout
    request:
      method: DELETE
      link: { step: logon, rel: Delete }
      headers: { X-RestSvcSessionId: "${from_cookie}" }
    expect: { status: 204 }
"#,
    );
    let outcome = run_scenario(
        &load(&suite, "misc.yaml", false),
        &options(&server.base, false),
    );
    assert!(
        outcome.passed(),
        "{}",
        report::console::render(&outcome, false)
    );
    // The cookie value was captured (the logout used it) and is treated as a secret.
    assert_eq!(server.seen.lock().unwrap().deleted, [SESSION]);
    let text = report::console::render(&outcome, false);
    assert!(!text.contains(TOKEN), "{text}");
    // Only the token is redacted: a Path cut from the same Set-Cookie header is not a secret.
    assert!(
        text.contains(&format!("GET {}query?", server.base)),
        "{text}"
    );

    // A text check that does not hold fails with the body quoted.
    suite.write(
        "scenarios/test/misc.yaml",
        &std::fs::read_to_string(suite.scenario("misc.yaml"))
            .unwrap()
            .replace("query=v=used-default", "query=v=other"),
    );
    let outcome = run_scenario(
        &load(&suite, "misc.yaml", false),
        &options(&server.base, false),
    );
    let text = report::console::render(&outcome, false);
    assert_eq!(outcome.status, Status::Failed, "{text}");
    assert!(
        text.contains(r#"the body is "query=v=used-default", expected "query=v=other""#),
        "{text}"
    );
}

/// Writes `yaml` as scenario `name` and runs it against `server`.
fn run_yaml(
    suite: &Suite,
    server: &support::TestServer,
    name: &str,
    yaml: &str,
) -> sessionconf::report::ScenarioOutcome {
    let file = format!("{name}.yaml");
    suite.write(&format!("scenarios/test/{file}"), yaml);
    run_scenario(&load(suite, &file, false), &options(&server.base, false))
}

/// A logon that opens a session, and a logout in `finally` expecting `status`.
fn session_flow(logout_link: &str, status: u16) -> String {
    format!(
        r#"name: sessions
steps:
  - name: logon
    opens_session: token
    request:
      method: POST
      path: login
      auth: {{ basic: {{ user: "${{user}}", password: "${{password}}" }} }}
    expect:
      status: 201
    capture:
      token: {{ header: X-RestSvcSessionId }}
      session_href: {{ select: /LogonSession/@Href }}
finally:
  - name: logout
    closes_session: token
    request:
      method: DELETE
      link: {logout_link}
      headers: {{ X-RestSvcSessionId: "${{token}}" }}
    expect:
      status: {status}
"#
    )
}

#[test]
fn a_session_whose_logout_fails_is_reported_left_open() {
    let server = support::start();
    let suite = Suite::new();
    let link = r#"{ step: logon, rel: Delete }"#;
    let outcome = run_yaml(&suite, &server, "ok", &session_flow(link, 204));
    assert!(
        outcome.passed(),
        "{}",
        report::console::render(&outcome, false)
    );
    assert!(outcome.steps.iter().all(|s| s.name != "sessions"));
    // The server answers 204; a logout expecting 200 has not closed the session as far as the suite knows.
    let outcome = run_yaml(&suite, &server, "leak", &session_flow(link, 200));
    assert_eq!(outcome.status, Status::Failed);
    let last = outcome.steps.last().unwrap();
    assert_eq!(last.name, "sessions");
    assert_eq!(last.failures[0].kind, report::FailureKind::SessionLeftOpen);
    assert!(
        last.failures[0]
            .message
            .contains("`token` (opened by step `logon`)"),
        "{}",
        last.failures[0].message
    );
    // This dialect has no session rules, so the session was not checked on the
    // server: the outcome says it was inferred.
    assert_eq!(outcome.sessions.len(), 1);
    assert_eq!(outcome.sessions[0].variable, "token");
    assert!(
        outcome.sessions[0].tried[0].starts_with("not checked on the server"),
        "{:?}",
        outcome.sessions
    );
}

#[test]
fn logout_falls_back_to_the_session_href_and_ignores_a_missing_type() {
    let server = support::start();
    let suite = Suite::new();
    // No link has Rel="Remove": the fallback URL is used, and the step says so.
    let link = r#"{ step: logon, rel: Remove, fallback: "${session_href}" }"#;
    let outcome = run_yaml(&suite, &server, "fallback", &session_flow(link, 204));
    assert!(
        outcome.passed(),
        "{}",
        report::console::render(&outcome, false)
    );
    let logout = &outcome.steps[1];
    assert!(
        logout
            .note
            .as_deref()
            .unwrap()
            .contains("used the fallback"),
        "{logout:?}"
    );
    assert_eq!(server.seen.lock().unwrap().deleted, [SESSION]);
    // A `finally` step naming a Type the server leaves out follows the one Delete link.
    let link = r#"{ step: logon, rel: Delete, type: SomethingElse }"#;
    let outcome = run_yaml(&suite, &server, "typed", &session_flow(link, 204));
    assert!(
        outcome.passed(),
        "{}",
        report::console::render(&outcome, false)
    );
    assert!(outcome.steps[1]
        .note
        .as_deref()
        .unwrap()
        .contains("followed the only Link Rel='Delete'"));
    assert_eq!(server.seen.lock().unwrap().deleted, [SESSION, SESSION]);
}

#[test]
fn a_step_of_the_body_does_not_follow_a_link_of_another_type() {
    let server = support::start();
    let suite = Suite::new();
    // Only `finally` steps may take the one link with the Rel when the Type differs.
    let yaml = session_flow(r#"{ step: logon, rel: Delete }"#, 204).replace(
        "finally:\n",
        "  - name: typed\n    request:\n      link: { step: logon, rel: Delete, type: SomethingElse }\nfinally:\n",
    );
    let outcome = run_yaml(&suite, &server, "strict", &yaml);
    let typed = &outcome.steps[1];
    assert_eq!(typed.status, Status::Failed, "{typed:?}");
    assert!(typed.failures[0]
        .message
        .contains("no Link Rel='Delete' Type='SomethingElse'"));
    assert!(typed.request.is_none(), "nothing was sent");
    // The logout still ran.
    assert_eq!(server.seen.lock().unwrap().deleted, [SESSION]);
}

#[test]
fn plain_variables_stay_readable_and_durations_are_in_milliseconds() {
    let server = support::start();
    let suite = Suite::new();
    let yaml = session_flow(r#"{ step: logon, rel: Delete }"#, 204)
        .replace("steps:\n", "vars:\n  marker: visible-marker-123\nsteps:\n")
        .replace(
            "    expect:\n      status: 201\n",
            "    expect:\n      status: 201\n      headers:\n        X-Absent: { equals: \"${marker}\" }\n",
        );
    suite.write("scenarios/test/vars.yaml", &yaml);
    let started = std::time::Instant::now();
    let outcome = run_scenario(
        &load(&suite, "vars.yaml", false),
        &options(&server.base, false),
    );
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    let text = report::console::render(&outcome, false);
    assert!(text.contains("visible-marker-123"), "{text}");
    assert!(
        outcome.duration_ms <= wall_ms,
        "{} > {wall_ms}",
        outcome.duration_ms
    );
    for step in &outcome.steps {
        assert!(step.duration_ms <= outcome.duration_ms, "{step:?}");
    }
    assert!(outcome.duration_ms >= outcome.steps[0].duration_ms && outcome.duration_ms > 0.0);
}

#[test]
fn a_capture_that_finds_nothing_fails_its_step_unless_optional() {
    let server = support::start();
    let suite = Suite::new();
    let base = session_flow(r#"{ step: logon, rel: Delete }"#, 204);
    let missing = base.replace(
        "      session_href: { select: /LogonSession/@Href }\n",
        "      session_href: { select: /LogonSession/@Href }\n      nothing: { select: /LogonSession/Nothing }\n",
    );
    let outcome = run_yaml(&suite, &server, "missing", &missing);
    let logon = &outcome.steps[0];
    assert_eq!(logon.status, Status::Failed, "{logon:?}");
    assert_eq!(logon.failures[0].kind, report::FailureKind::Capture);
    assert_eq!(logon.failures[0].path.as_deref(), Some("nothing"));
    let optional = missing.replace(
        "nothing: { select: /LogonSession/Nothing }",
        "nothing: { select: /LogonSession/Nothing, optional: true }",
    );
    let outcome = run_yaml(&suite, &server, "optional", &optional);
    assert!(
        outcome.passed(),
        "{}",
        report::console::render(&outcome, false)
    );
}

#[test]
fn a_capture_marked_secret_is_redacted_everywhere() {
    let server = support::start();
    let suite = Suite::new();
    let yaml = session_flow(r#"{ step: logon, rel: Delete }"#, 204)
        .replace(
            "      session_href: { select: /LogonSession/@Href }\n",
            "      session_href: { select: /LogonSession/@Href }\n      id: { select: /LogonSession/SessionId, secret: true }\n",
        )
        .replace(
            "finally:\n",
            "  - name: show\n    request: { path: \"sessions/${id}\" }\n    expect: { status: 299 }\nfinally:\n",
        );
    let outcome = run_yaml(&suite, &server, "secret", &yaml);
    let text = report::console::render(&outcome, false);
    assert!(!text.contains(SESSION), "{text}");
    assert!(text.contains("sessions/<redacted>"), "{text}");
}

#[test]
fn captures_named_or_cut_from_a_secret_are_secret() {
    let server = support::start();
    let suite = Suite::new();
    // A capture named like a password, and a piece of the token, are redacted;
    // the session id, captured plainly, is not.
    let yaml = session_flow(r#"{ step: logon, rel: Delete }"#, 204)
        .replace(
            "      session_href: { select: /LogonSession/@Href }\n",
            "      session_href: { select: /LogonSession/@Href }\n      user_password_hint: { select: /LogonSession/UserName, regex: \"DOM.(.*)\" }\n      tail: { header: X-RestSvcSessionId, regex: \"Secret-(.*)\" }\n      id: { select: /LogonSession/SessionId }\n",
        )
        .replace(
            "finally:\n",
            "  - name: show\n    request: { path: \"x/${user_password_hint}/${tail}/${id}\" }\n    expect: { status: 299 }\nfinally:\n",
        );
    let outcome = run_yaml(&suite, &server, "parts", &yaml);
    let show = outcome.steps.iter().find(|s| s.name == "show").unwrap();
    let request = show.request.as_deref().unwrap();
    assert!(
        request.ends_with(&format!("/x/<redacted>/<redacted>/{SESSION}")),
        "{request}"
    );
}

#[test]
fn an_interrupt_stops_a_long_comparison_and_says_so() {
    let server = support::start();
    let suite = Suite::new();
    let many = format!("<Many>{}</Many>\n", "<X/>".repeat(support::MANY));
    suite.write("golden/many.xml", &many);
    suite.write(
        "scenarios/test/many.yaml",
        "name: many\nsteps:\n  - name: list\n    request: { path: many }\n    expect: { status: 200, golden: many.xml }\n",
    );
    let scenario = load(&suite, "many.yaml", false);
    let outcome = run_scenario(&scenario, &options(&server.base, false));
    assert_eq!(outcome.status, Status::Passed, "{outcome:?}");
    // Interrupted before the response is compared: the comparison gives up
    // (the run's first step is always finished, so only the comparison can stop).
    let interrupted = options(&server.base, false);
    interrupted
        .interrupted
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let outcome = run_scenario(&scenario, &interrupted);
    assert_eq!(outcome.status, Status::Failed);
    let text = report::console::render(&outcome, false);
    assert!(
        text.contains("/Many: comparison stopped here, the run was interrupted"),
        "{text}"
    );
    assert!(
        !text.contains("@@"),
        "no diff for a comparison that stopped: {text}"
    );
}

#[test]
fn a_scenario_that_cannot_start_lists_every_step_as_not_run() {
    let server = support::start();
    let suite = Suite::new();
    suite.write("golden/logon.xml", LOGON_GOLDEN);
    suite.write("scenarios/test/flow.yaml", &flow(""));
    // A CA file that is not there: no HTTP client, so the scenario cannot start.
    let mut broken = RunOptions::new(server.base.parse().unwrap());
    broken.client.cacert = Some(suite.root().join("absent-ca.pem"));
    let outcome = run_scenario(&load(&suite, "flow.yaml", false), &Arc::new(broken));
    let steps: Vec<_> = outcome
        .steps
        .iter()
        .map(|s| (s.name.as_str(), s.phase, s.status, s.note.as_deref()))
        .collect();
    let never = Some("the scenario could not start");
    assert_eq!(
        steps,
        [
            ("setup", report::Phase::Steps, Status::Failed, None),
            ("logon", report::Phase::Steps, Status::NotRun, never),
            ("logout", report::Phase::Finally, Status::NotRun, never),
        ]
    );
    assert_eq!(outcome.status, Status::Failed);
    assert!(server.seen.lock().unwrap().deleted.is_empty());
}
