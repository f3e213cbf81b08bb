//! The scenario language for large suites: fragments (`use`, `with`, `as`, their
//! `finally` steps last-in first-out) and matrices (one trial per combination),
//! against an in-test server on 127.0.0.1, and every mistake located.

mod support;

use std::sync::Arc;

use sessionconf::error::ConfigError;
use sessionconf::outcome::{ScenarioOutcome, Status};
use sessionconf::run::{run_scenario, RunOptions};
use sessionconf::scenario::{load_scenario, load_trials, LoadedScenario};

use support::{Suite, PASSWORD, USER};

const LOGON_GOLDEN: &str = r#"<LogonSession xmlns="urn:test" xmlns:sc="urn:sessionconf:golden" Href="{{origin}}/api/sessions/{{session_id}}">
  <Links sc:order="any" sc:extra="children">
    <Link Rel="Delete" Type="LogonSession" Href="{{origin}}/api/sessions/{{session_id}}"/>
  </Links>
  <UserName>{{any}}\{{user}}</UserName>
  <SessionId>{{session_id}}</SessionId>
</LogonSession>
"#;

/// A logon fragment as a user writes one: parameters with defaults, a golden
/// that names a parameter and a capture, and its logout.
const LOGON: &str = r#"description: Logs on, and off at the end.
params:
  user: "${user}"
  password: "${password}"
steps:
  - name: logon
    opens_session: token
    request:
      method: POST
      path: login
      auth: { basic: { user: "${user}", password: "${password}" } }
    expect:
      status: 201
      golden: logon.xml
      body:
        - select: /LogonSession/UserName
          matches: 'tester$'
    capture:
      token: { header: X-RestSvcSessionId }
      session_id: { select: /LogonSession/SessionId }
finally:
  - name: logout
    closes_session: token
    request:
      method: DELETE
      link: { step: logon, rel: Delete }
      headers: { X-RestSvcSessionId: "${token}" }
    expect:
      status: 204
"#;

fn suite() -> Suite {
    let suite = Suite::new();
    suite.write("golden/logon.xml", LOGON_GOLDEN);
    suite.write("scenarios/test/fragments/logon.yaml", LOGON);
    suite
}

fn options(base: &str) -> Arc<RunOptions> {
    options_as(base, USER)
}

fn options_as(base: &str, user: &str) -> Arc<RunOptions> {
    support::run_options(base, user, false)
}

fn load(suite: &Suite, yaml: &str) -> LoadedScenario {
    let path = suite.write("scenarios/test/s.yaml", yaml);
    load_scenario(&path, "test", &suite.golden_dir(), false).unwrap_or_else(|e| panic!("{e:?}"))
}

fn errors(suite: &Suite, yaml: &str) -> Vec<ConfigError> {
    let path = suite.write("scenarios/test/s.yaml", yaml);
    load_trials(&path, "test", &suite.golden_dir(), false).expect_err("should not load")
}

fn steps(outcome: &ScenarioOutcome) -> Vec<(String, Status)> {
    outcome
        .steps
        .iter()
        .map(|s| (s.name.clone(), s.status))
        .collect()
}

#[test]
fn two_uses_of_a_fragment_log_on_twice_and_log_off_last_in_first_out() {
    let server = support::start();
    let suite = suite();
    let scenario = load(
        &suite,
        r#"name: s
steps:
  - use: logon
    as: first
  - use: logon
    as: second
    with: { user: "${user}" }
  - name: check
    request:
      link: { step: second.logon, rel: Delete }
      method: DELETE
      headers: { X-RestSvcSessionId: "${second_token}" }
    expect:
      status: 204
      headers:
        X-Never: { absent: true }
finally:
  - name: own-finally
    request:
      path: echo
      headers: { X-RestSvcSessionId: "${first_token}${second_session_id}" }
"#,
    );
    let outcome = run_scenario(&scenario, &options(&server.base));
    let passed = Status::Passed;
    assert_eq!(
        steps(&outcome),
        [
            ("first.logon".to_string(), passed),
            ("second.logon".to_string(), passed),
            ("check".to_string(), passed),
            ("own-finally".to_string(), passed),
            ("second.logout".to_string(), passed),
            ("first.logout".to_string(), passed),
        ],
        "{outcome:#?}"
    );
    assert_eq!(outcome.status, Status::Passed);
    // Each use's logout followed its own logon's link: three DELETEs with `check`.
    assert_eq!(server.seen.lock().unwrap().deleted.len(), 3);
}

#[test]
fn a_failed_scenario_still_runs_the_fragments_logout() {
    let server = support::start();
    let suite = suite();
    let scenario = load(
        &suite,
        "name: s\nsteps:\n  - use: logon\n  - name: broken\n    request: { path: fail }\n  - name: never\n    request: { path: echo }\nfinally: []\n",
    );
    let outcome = run_scenario(&scenario, &options(&server.base));
    let names: Vec<String> = steps(&outcome).into_iter().map(|(n, _)| n).collect();
    // The step after the failure is listed, not run; the logout still runs.
    assert_eq!(names, ["logon", "broken", "never", "logout"]);
    assert_eq!(outcome.status, Status::Failed);
    assert_eq!(outcome.steps[2].status, Status::NotRun);
    assert_eq!(outcome.steps[3].status, Status::Passed);
    assert_eq!(server.seen.lock().unwrap().deleted.len(), 1);
}

#[test]
fn a_parameter_reaches_requests_and_the_fragments_golden() {
    let server = support::start();
    let suite = suite();
    // Wrong credentials through the parameter: the logon is refused, so the
    // golden's `{{user}}` is never compared, and nothing is left open.
    let scenario = load(
        &suite,
        "name: s\nsteps:\n  - use: logon\n    with: { password: \"${password}-wrong\" }\n",
    );
    let outcome = run_scenario(&scenario, &options(&server.base));
    assert_eq!(outcome.status, Status::Failed);
    assert_eq!(outcome.steps[0].response_status, Some(401));
    assert_eq!(outcome.steps[1].status, Status::Skipped, "{outcome:#?}");
    // The golden's `{{user}}` stands for the parameter, not the built-in
    // variable: here the run's own user is someone else.
    let scenario = load(
        &suite,
        &format!(
            "name: s\nsteps:\n  - use: logon\n    with: {{ user: {USER}, password: {PASSWORD} }}\n"
        ),
    );
    let outcome = run_scenario(&scenario, &options_as(&server.base, "someone-else"));
    assert_eq!(outcome.status, Status::Passed, "{outcome:#?}");
}

#[test]
fn a_session_the_scenario_closed_itself_is_not_closed_again() {
    let server = support::start();
    let suite = suite();
    let scenario = load(
        &suite,
        r#"name: s
steps:
  - use: logon
  - name: own-logout
    closes_session: token
    request:
      method: DELETE
      link: { step: logon, rel: Delete }
      headers: { X-RestSvcSessionId: "${token}" }
    expect:
      status: 204
"#,
    );
    let outcome = run_scenario(&scenario, &options(&server.base));
    assert_eq!(outcome.status, Status::Passed, "{outcome:#?}");
    let last = outcome.steps.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.status),
        ("logout", Status::Skipped)
    );
    let note = last.note.as_deref().unwrap();
    assert!(
        note.contains("already closed (by step `own-logout`)"),
        "{note}"
    );
    assert_eq!(server.seen.lock().unwrap().deleted.len(), 1);
}

/// The one error, as text, and its line.
fn one(errors: Vec<ConfigError>) -> (String, u32) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    (e.to_string(), e.line.expect("a line"))
}

#[test]
fn mistakes_in_a_use_are_located_in_the_scenario() {
    let suite = suite();
    let (msg, line) = one(errors(&suite, "name: s\nsteps:\n  - use: logn\n"));
    assert_eq!(line, 3);
    assert!(
        msg.contains("s.yaml:3")
            && msg.contains("no fragment `logn`")
            && msg.contains("did you mean `logon`?"),
        "{msg}"
    );
    let (msg, line) = one(errors(
        &suite,
        "name: s\nsteps:\n  - use: logon\n    with:\n      passwrd: x\n",
    ));
    assert_eq!(line, 5);
    assert!(
        msg.contains("no parameter `passwrd`; did you mean `password`?"),
        "{msg}"
    );
    let (msg, line) = one(errors(
        &suite,
        "name: s\nsteps:\n  - use: logon\n    with: { user: \"${nobody}\" }\n",
    ));
    assert_eq!(line, 4);
    assert!(msg.contains("unknown variable `nobody`"), "{msg}");
    let (msg, line) = one(errors(
        &suite,
        "name: s\nsteps:\n  - use: logon\n    request: { path: x }\n",
    ));
    assert_eq!(line, 4);
    assert!(msg.contains("`request` belongs in the fragment"), "{msg}");
    let (msg, _) = one(errors(
        &suite,
        "name: s\nsteps:\n  - use: logon\n  - use: logon\n",
    ));
    assert!(
        msg.contains("steps `logon`, `logout` have the names of earlier steps; `as: NAME`"),
        "{msg}"
    );
    let (msg, line) = one(errors(
        &suite,
        "name: s\nsteps:\n  - { name: a, request: { path: x } }\nfinally:\n  - use: logon\n",
    ));
    assert_eq!(line, 5);
    assert!(msg.contains("a fragment brings its own `finally`"), "{msg}");
    let (msg, _) = one(errors(
        &suite,
        "name: s\nsteps:\n  - use: logon\n    as: \"a b\"\n",
    ));
    assert!(msg.contains("`as: a b` is not a name"), "{msg}");
}

#[test]
fn mistakes_inside_a_fragment_name_the_fragment_line_and_the_scenario() {
    let suite = suite();
    suite.write(
        "scenarios/test/fragments/broken.yaml",
        "params:\n  who: ~\nsteps:\n  - name: a\n    request:\n      path: \"x/${whom}\"\n",
    );
    let (msg, line) = one(errors(
        &suite,
        "name: s\nsteps:\n  - use: broken\n    with: { who: x }\n",
    ));
    assert_eq!(line, 6);
    assert!(
        msg.contains("fragments/broken.yaml:6")
            && msg.contains("unknown variable `whom`; did you mean `who`?")
            && msg.contains("used by")
            && msg.contains("s.yaml:3"),
        "{msg}"
    );
    // Read once, said for each use: two uses, two errors, each naming its own use.
    let twice = errors(
        &suite,
        "name: s\nsteps:\n  - use: broken\n    with: { who: x }\n    as: one\n  - use: broken\n    with: { who: y }\n    as: two\n",
    );
    let said: Vec<String> = twice.iter().map(|e| e.to_string()).collect();
    assert_eq!(said.len(), 2, "{said:#?}");
    assert!(
        said[0].contains("s.yaml:3") && said[1].contains("s.yaml:6"),
        "{said:#?}"
    );
    // A parameter without a default must be given.
    suite.write(
        "scenarios/test/fragments/needy.yaml",
        "params:\n  who: ~\nsteps:\n  - name: a\n    request:\n      path: \"x/${who}\"\n",
    );
    let (msg, line) = one(errors(&suite, "name: s\nsteps:\n  - use: needy\n"));
    assert_eq!(line, 3);
    assert!(msg.contains("needs `with: { who: ... }`"), "{msg}");
    // A fragment that opens a session closes it.
    suite.write(
        "scenarios/test/fragments/leaky.yaml",
        "steps:\n  - name: a\n    opens_session: t\n    request: { path: x }\n    capture:\n      t: { header: X }\n",
    );
    let (msg, line) = one(errors(&suite, "name: s\nsteps:\n  - use: leaky\n"));
    assert_eq!(line, 3);
    assert!(
        msg.contains("leaky.yaml:3") && msg.contains("closes_session"),
        "{msg}"
    );
    // Fragments do not nest, and a fragment's keys are checked like a scenario's.
    suite.write(
        "scenarios/test/fragments/nested.yaml",
        "steps:\n  - use: logon\n",
    );
    let (msg, _) = one(errors(&suite, "name: s\nsteps:\n  - use: nested\n"));
    assert!(msg.contains("cannot use another fragment"), "{msg}");
    suite.write("scenarios/test/fragments/typo.yaml", "stesp: []\n");
    let (msg, line) = one(errors(&suite, "name: s\nsteps:\n  - use: typo\n"));
    assert_eq!(line, 1);
    assert!(
        msg.contains("typo.yaml:1") && msg.contains("unknown field `stesp`"),
        "{msg}"
    );
}

#[test]
fn fragments_are_not_scenarios_of_the_suite() {
    let suite = suite();
    suite.write("scenarios/test/s.yaml", "name: s\nsteps:\n  - use: logon\n");
    let source = sessionconf::scenario::SuiteSource {
        scenarios_dir: suite.root().join("scenarios"),
        golden_dir: suite.golden_dir(),
        dialects: Vec::new(),
        allow_missing_goldens: false,
        variables: Vec::new(),
    };
    let loaded = sessionconf::scenario::load_suite(&source).unwrap();
    let ids: Vec<&str> = loaded.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["test::s"]);
}

#[test]
fn a_matrix_makes_one_trial_per_combination_less_exclusions() {
    let suite = suite();
    let path = suite.write(
        "scenarios/test/s.yaml",
        r#"name: s
matrix:
  api: [latest, v1_5]
  account:
    - { name: administrator, user: "${user}" }
    - { name: tenant, user: "${tenant_user}" }
  exclude:
    - { api: v1_5, account: tenant }
requires:
  accounts: ["${account}"]
  api_version: "${api}"
steps:
  - use: logon
    with: { user: "${account_user}" }
"#,
    );
    let trials = load_trials(&path, "test", &suite.golden_dir(), false).unwrap();
    let ids: Vec<&str> = trials.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "test::s[api=latest,account=administrator]",
            "test::s[api=latest,account=tenant]",
            "test::s[api=v1_5,account=administrator]",
        ]
    );
    let err = load_scenario(&path, "test", &suite.golden_dir(), false).unwrap_err();
    assert!(err[0].message.contains("makes 3 trials"), "{err:?}");
}

#[test]
fn each_trial_runs_with_its_own_values() {
    let server = support::start();
    let suite = suite();
    let path = suite.write(
        "scenarios/test/s.yaml",
        "name: s\nmatrix:\n  pw:\n    - { name: right, value: \"${password}\" }\n    - { name: wrong, value: \"${password}x\" }\nsteps:\n  - use: logon\n    with: { password: \"${pw_value}\" }\n",
    );
    let trials = load_trials(&path, "test", &suite.golden_dir(), false).unwrap();
    let outcomes: Vec<Status> = trials
        .iter()
        .map(|t| run_scenario(t, &options(&server.base)).status)
        .collect();
    assert_eq!(outcomes, [Status::Passed, Status::Failed]);
}

#[test]
fn mistakes_in_a_matrix_are_located() {
    let suite = suite();
    let head = "name: s\nsteps:\n  - use: logon\n";
    let (msg, line) = one(errors(
        &suite,
        &format!("{head}matrix:\n  api: [a, b]\n  exclude:\n    - {{ apu: a }}\n"),
    ));
    assert_eq!(line, 7);
    assert!(
        msg.contains("`apu`, which is not a matrix variable; did you mean `api`?"),
        "{msg}"
    );
    let (msg, line) = one(errors(
        &suite,
        &format!("{head}matrix:\n  api: [a, b]\n  exclude:\n    - {{ api: c }}\n"),
    ));
    assert_eq!(line, 7);
    assert!(msg.contains("the value `c`, which it never takes"), "{msg}");
    let (msg, line) = one(errors(&suite, &format!("{head}matrix:\n  api: [a, a]\n")));
    assert_eq!(line, 5, "{msg}");
    assert!(msg.contains("the value `a` twice"), "{msg}");
    let (msg, line) = one(errors(&suite, &format!("{head}matrix:\n  password: [a]\n")));
    assert_eq!(line, 5, "{msg}");
    assert!(msg.contains("`password` is a built-in variable"), "{msg}");
    let (msg, _) = one(errors(&suite, &format!("{head}matrix:\n  api: []\n")));
    assert!(msg.contains("has no values"), "{msg}");
    let (msg, _) = one(errors(
        &suite,
        &format!("{head}matrix:\n  api: [\"a,b\"]\n"),
    ));
    assert!(msg.contains("no `,`"), "{msg}");
    let (msg, _) = one(errors(
        &suite,
        &format!(
            "{head}matrix:\n  who:\n    - {{ name: a, user: x }}\n    - {{ name: b, usr: y }}\n"
        ),
    ));
    assert!(msg.contains("the same keys (user)"), "{msg}");
    let (msg, line) = one(errors(
        &suite,
        &format!("{head}requires:\n  accounts: [\"${{user}}\"]\n"),
    ));
    assert_eq!(line, 5);
    assert!(msg.contains("may name matrix variables"), "{msg}");
    // Two mistakes, each wrong in every trial of a matrix: each said once.
    let errs = errors(
        &suite,
        &format!("{head}matrix:\n  api: [a, b, c]\nrequires:\n  accounts: [tenants]\n  versions: nonsense\n  api_version: \"${{api}}\"\n"),
    );
    assert_eq!(errs.len(), 2, "{errs:#?}");
    let msg = errs[0].to_string();
    assert!(msg.contains("did you mean `tenant`?"), "{msg}");
    let (msg, line) = one(errors(
        &suite,
        &format!("{head}matrix:\n  who:\n    - {{ name: a, user: \"${{nobody}}\" }}\n"),
    ));
    assert_eq!(line, 6, "the reference itself: {msg}");
    assert!(msg.contains("unknown variable `nobody`"), "{msg}");
}

#[test]
fn bless_writes_a_fragments_golden_with_the_fragments_own_names() {
    // Under a prefix, a built-in variable (`base_url`) keeps its name.
    let server = support::start();
    let suite = suite();
    suite.write(
        "scenarios/test/fragments/record.yaml",
        "steps:\n  - name: logon\n    opens_session: token\n    request:\n      method: POST\n      path: login\n      auth: { basic: { user: \"${user}\", password: \"${password}\" } }\n      headers: { X-Base: \"${base_url}\" }\n    expect:\n      golden: recorded.xml\n    capture:\n      token: { header: X-RestSvcSessionId }\n      session_id: { select: /LogonSession/SessionId }\nfinally:\n  - name: logout\n    closes_session: token\n    request:\n      method: DELETE\n      link: { step: logon, rel: Delete }\n      headers: { X-RestSvcSessionId: \"${token}\" }\n",
    );
    let path = suite.write(
        "scenarios/test/s.yaml",
        "name: s\nsteps:\n  - use: record\n    as: first\n",
    );
    let scenario = load_scenario(&path, "test", &suite.golden_dir(), true).unwrap();
    let mut run = RunOptions::new(server.base.parse().unwrap());
    run.credentials = options(&server.base).credentials.clone();
    run.bless = true;
    let run = Arc::new(run);
    let outcome = run_scenario(&scenario, &run);
    assert_eq!(outcome.status, Status::Passed, "{outcome:#?}");
    let settled = run.bless_book.settle();
    assert_eq!(settled.new.len(), 1, "{settled:?}");
    let recorded = std::fs::read_to_string(suite.golden_dir().join("recorded.xml")).unwrap();
    assert!(
        recorded.contains("<SessionId>{{session_id}}</SessionId>") && !recorded.contains("first_"),
        "{recorded}"
    );
}
