//! JSON through the runner, against the reference server's JSON (`Accept:
//! application/json`): a golden, JSON-path captures and assertions, and a
//! logout that follows the Delete link of a JSON response; a server whose
//! JSON breaks the contract fails with the step and the JSON path.

mod support;

use std::sync::Arc;

use sessionconf::credentials::Credentials;
use sessionconf::outcome::Status;
use sessionconf::run::{run_scenario, RunOptions};
use sessionconf::server::{start, Dialect, Fault, ServerOptions};
use support::Suite;

const SCENARIO: &str = r#"
name: json-logon
steps:
  - name: logon
    opens_session: token
    request:
      method: POST
      path: sessionMngr/?v=latest
      auth: { basic: { user: "${user}", password: "${password}" } }
      headers: { Accept: application/json }
    capture:
      token: { header: X-RestSvcSessionId }
      session_id: { select: $.SessionId }
    expect:
      status: 201
      golden: test/logon-session.json
      body:
        - select: "$.Links[?(@.Rel=='Up')].Href"
          matches: "/api/$"
        - select: $.UserName
          matches: '\\Administrator$'
finally:
  - name: logout
    closes_session: token
    request:
      method: DELETE
      link: { step: logon, rel: Delete, fallback: "${base_url}logonSessions/${session_id}" }
      headers: { X-RestSvcSessionId: "${token}" }
    expect:
      status: 204
"#;

/// What every Enterprise Manager version documents of a JSON logon session.
const GOLDEN: &str = r#"{
  "sc:extra": "members",
  "Links": [
    {"sc:order": "any", "sc:extra": "items"},
    {"Rel": "Up", "Type": "EnterpriseManager", "Href": "{{origin}}/api/"},
    {"Rel": "Delete", "Href": "{{origin}}/api/logonSessions/{{session_id}}"}
  ],
  "UserName": "{{any}}\\{{user}}",
  "SessionId": "{{session_id}}"
}
"#;

fn run_against(faults: Vec<Fault>) -> sessionconf::outcome::ScenarioOutcome {
    let mut server_options = ServerOptions::new(Dialect::VeeamEm);
    server_options.credentials = Credentials::embedded();
    server_options.faults = faults;
    let server = start(Dialect::VeeamEm, server_options, ([127, 0, 0, 1], 0).into()).unwrap();
    let suite = Suite::new();
    suite.write("scenarios/test/json-logon.yaml", SCENARIO);
    suite.write("golden/test/logon-session.json", GOLDEN);
    let loaded = sessionconf::scenario::load_scenario(
        &suite.scenario("json-logon.yaml"),
        "test",
        &suite.golden_dir(),
        false,
    )
    .unwrap();
    let mut options = RunOptions::new(server.base_url().parse().unwrap());
    options.credentials = Credentials::embedded();
    let outcome = run_scenario(&loaded, &Arc::new(options));
    assert_eq!(server.open_sessions(), 0, "logged out: {outcome:#?}");
    outcome
}

#[test]
fn a_json_logon_passes_its_json_golden_and_logs_out_through_its_delete_link() {
    let outcome = run_against(Vec::new());
    assert_eq!(outcome.status, Status::Passed, "{outcome:#?}");
    let logout = &outcome.steps[1];
    assert!(
        logout.note.is_none(),
        "the link was found, not the fallback: {logout:#?}"
    );
    assert!(
        logout
            .request
            .as_deref()
            .unwrap()
            .starts_with("DELETE http://127.0.0.1:"),
        "{logout:#?}"
    );
}

#[test]
fn json_that_breaks_the_contract_fails_naming_the_step_and_the_path() {
    let outcome = run_against(vec![Fault::NoDeleteLink]);
    assert_eq!(outcome.status, Status::Failed);
    let logon = &outcome.steps[0];
    assert_eq!(logon.name, "logon");
    let messages: Vec<&str> = logon.failures.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("$.Links[?(@.Rel=='Delete')]: missing item")),
        "{messages:?}"
    );
    let diff = logon.diff.as_deref().unwrap_or_default();
    assert!(diff.contains("-      \"Rel\": \"Delete\","), "{diff}");
    let logout = &outcome.steps[1];
    assert!(
        logout
            .note
            .as_deref()
            .unwrap_or_default()
            .contains("used the fallback"),
        "no Delete link: the fallback logs out: {logout:#?}"
    );
}

#[test]
fn bless_records_a_missing_json_golden_that_then_passes() {
    let server = start(
        Dialect::VeeamEm,
        ServerOptions {
            credentials: Credentials::embedded(),
            ..ServerOptions::new(Dialect::VeeamEm)
        },
        ([127, 0, 0, 1], 0).into(),
    )
    .unwrap();
    let suite = Suite::new();
    suite.write("scenarios/test/json-logon.yaml", SCENARIO);
    let file = suite.scenario("json-logon.yaml");
    let loaded =
        sessionconf::scenario::load_scenario(&file, "test", &suite.golden_dir(), true).unwrap();
    let book = Arc::new(sessionconf::golden::book::BlessBook::default());
    let options = |bless: bool| {
        let mut o = RunOptions::new(server.base_url().parse().unwrap());
        o.credentials = Credentials::embedded();
        o.bless = bless;
        o.bless_book = book.clone();
        Arc::new(o)
    };
    let outcome = run_scenario(&loaded, &options(true));
    assert_ne!(outcome.status, Status::Failed, "{outcome:#?}");
    let settled = book.settle();
    assert_eq!(settled.new.len(), 1, "{settled:?}");
    let written =
        std::fs::read_to_string(suite.golden_dir().join("test/logon-session.json")).unwrap();
    assert!(
        written.contains("\"SessionId\": \"{{session_id}}\""),
        "{written}"
    );
    assert!(
        written.contains("{{origin}}/api/logonSessions/{{session_id}}"),
        "{written}"
    );
    assert!(!written.contains("127.0.0.1"), "{written}");
    let loaded =
        sessionconf::scenario::load_scenario(&file, "test", &suite.golden_dir(), false).unwrap();
    let again = run_scenario(&loaded, &options(false));
    assert_eq!(again.status, Status::Passed, "{again:#?}");
    assert_eq!(server.open_sessions(), 0);
}
