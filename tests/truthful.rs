//! Truthful on every version: the suite pins only what the vendor documents,
//! a known deviation is recognised wherever its exchange happens, the vendor
//! knowledge ships with the tool (a suite of one renamed scenario gets the
//! probe and the deviations), and the sessions left open are those the server
//! still holds, not those the steps assumed.

mod support;

use std::path::Path;
use std::time::Duration;

use sessionconf::harness;
use sessionconf::outcome::{ScenarioOutcome, SessionState, Status};
use sessionconf::report::{self, Report, RunSummary, TargetInfo};
use sessionconf::run::open_sessions::OpenSessions;
use sessionconf::run::RunOptions;
use sessionconf::scenario::{load_suite, SuiteSource};
use sessionconf::server::{start, Dialect, Fault, Profile, RunningServer, ServerOptions};

fn serve(profile: Profile, faults: Vec<Fault>) -> RunningServer {
    let mut options = ServerOptions::new(profile.dialect());
    options.profile = profile;
    options.faults = faults;
    start(profile.dialect(), options, ([127, 0, 0, 1], 0).into()).expect("the server starts")
}

/// The suite in `source` against `server` as a run does it (probe, knowledge).
fn run(source: &SuiteSource, server: &RunningServer, dialect: &str) -> RunSummary {
    run_noting(source, server, dialect, &Default::default())
}

/// As `run`, keeping the run's list of open sessions in `open`.
fn run_noting(
    source: &SuiteSource,
    server: &RunningServer,
    dialect: &str,
    open: &OpenSessions,
) -> RunSummary {
    let suite = load_suite(source).expect("the suite loads");
    let mut options = RunOptions::new(server.base_url().parse().unwrap());
    options.client.timeout = Duration::from_secs(10);
    options.open_sessions = open.clone();
    let (scenarios, info): (Vec<ScenarioOutcome>, TargetInfo) =
        harness::run_against(&suite, source, dialect, options).expect("the knowledge loads");
    RunSummary {
        targets: vec![info],
        scenarios,
        not_run: Vec::new(),
        interrupted: false,
    }
}

fn json_report(summary: &RunSummary) -> serde_json::Value {
    serde_json::from_str(&report::json::Json.render(summary)).unwrap()
}

fn status_of(summary: &RunSummary, id: &str) -> Status {
    summary
        .scenarios
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no trial {id}"))
        .status
}

fn failures(summary: &RunSummary) -> Vec<String> {
    summary
        .scenarios
        .iter()
        .filter(|o| !o.passed())
        .map(|o| report::console::render(o, false))
        .collect()
}

#[test]
fn a_commvault_401_is_judged_by_its_status_whatever_its_body() {
    for profile in [Profile::Cv11Sp28, Profile::Cv2024] {
        let server = serve(profile, Vec::new());
        // The two versions really answer in different forms.
        sessionconf::run::client::install_crypto_provider();
        let answer = reqwest::blocking::Client::new()
            .get(format!("{}Sessions", server.base_url()))
            .header("Accept", "application/json")
            .send()
            .unwrap();
        assert_eq!(answer.status().as_u16(), 401);
        let content_type = answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let plain = content_type.starts_with("text/plain");
        assert_eq!(plain, profile == Profile::Cv11Sp28, "{content_type}");
        let summary = run(&support::shipped_source("commvault"), &server, "commvault");
        assert!(
            failures(&summary).is_empty(),
            "{}: {:#?}",
            profile.name(),
            failures(&summary)
        );
        for id in [
            "commvault::no-token[format=json]",
            "commvault::made-up-token[format=json]",
            "commvault::logout[account=administrator,format=json]",
        ] {
            assert_eq!(
                status_of(&summary, id),
                Status::Passed,
                "{}",
                profile.name()
            );
        }
    }
}

/// A scenario directory holding only a renamed copy of `unknown-session.yaml`
/// (the `logon` fragment it uses ships with the tool).
fn renamed_lookup_suite(dir: &Path) -> SuiteSource {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenarios = dir.join("scenarios/veeam-em");
    std::fs::create_dir_all(&scenarios).unwrap();
    let original = std::fs::read_to_string(root.join("scenarios/veeam-em/unknown-session.yaml"))
        .unwrap()
        .replace("name: unknown-session", "name: my-session-lookup")
        .replace("get-unknown-session", "read-a-session-that-is-not-there");
    std::fs::write(scenarios.join("my-session-lookup.yaml"), original).unwrap();
    SuiteSource {
        scenarios_dir: dir.join("scenarios"),
        golden_dir: root.join("golden"),
        dialects: vec!["veeam-em".into()],
        allow_missing_goldens: false,
        variables: Vec::new(),
    }
}

#[test]
fn a_known_deviation_holds_wherever_its_exchange_happens() {
    let dir = tempfile::tempdir().unwrap();
    let source = renamed_lookup_suite(dir.path());
    let expect = [
        (Profile::Em95, Status::Passed),
        (Profile::Em95U4, Status::Passed),
        (Profile::Em12, Status::KnownDeviation),
        (Profile::Em12Cloud, Status::KnownDeviation),
        (Profile::Em13, Status::KnownDeviation),
    ];
    for (profile, status) in expect {
        let server = serve(profile, Vec::new());
        let summary = run(&source, &server, "veeam-em");
        for trial in &summary.scenarios {
            assert_eq!(
                trial.status,
                status,
                "{}: {}",
                profile.name(),
                report::console::render(trial, false)
            );
        }
        let text = report::console::render(&summary.scenarios[0], false);
        if status == Status::KnownDeviation {
            assert!(
                text.contains("step `read-a-session-that-is-not-there`")
                    && text.contains("known deviation `session-lookup-500`"),
                "the report names it at the step: {text}"
            );
        }
        // The probe ran from the tool's own knowledge: the version is known.
        assert!(summary.targets[0].version.is_some(), "{}", profile.name());
        assert!(summary.targets[0].deviations_unseen.is_empty());
    }
}

#[test]
fn a_response_neither_documented_nor_known_still_fails() {
    let dir = tempfile::tempdir().unwrap();
    let source = renamed_lookup_suite(dir.path());
    // A 500 whose JSON Error writes its StatusCode as a string, or whose XML
    // Error is in another namespace, is neither the documented answer nor the known one.
    let faults = vec![Fault::WrongNamespace, Fault::JsonNumbersAsStrings];
    let server = serve(Profile::Em13, faults);
    let summary = run(&source, &server, "veeam-em");
    for trial in &summary.scenarios {
        let said = report::console::render(trial, false);
        assert_eq!(trial.status, Status::Failed, "{said}");
        if trial.id.ends_with("[format=json]") {
            let failed = trial
                .steps
                .iter()
                .find(|s| s.status == Status::Failed)
                .unwrap();
            assert_eq!(failed.name, "read-a-session-that-is-not-there", "{said}");
        }
    }
}

#[test]
fn a_known_deviation_no_step_showed_is_reported_not_an_error() {
    let source = support::shipped_source("veeam-em");
    let mut suite = load_suite(&source).unwrap();
    suite.retain(|s| s.id.starts_with("veeam-em::list-sessions"));
    for (profile, unseen) in [
        (Profile::Em13, vec!["session-lookup-500"]),
        (Profile::Em95, vec![]),
    ] {
        let server = serve(profile, Vec::new());
        let options = RunOptions::new(server.base_url().parse().unwrap());
        let (outcomes, info) = harness::run_against(&suite, &source, "veeam-em", options).unwrap();
        assert!(outcomes.iter().all(|o| o.status == Status::Passed));
        assert_eq!(info.deviations_unseen, unseen, "{}", profile.name());
        let summary = RunSummary {
            targets: vec![info],
            scenarios: outcomes,
            not_run: Vec::new(),
            interrupted: false,
        };
        let said = report::console::render_summary(&summary);
        assert_eq!(
            said.contains("known deviations of this version no step showed"),
            !unseen.is_empty(),
            "{said}"
        );
        // A note a user of a suite cannot act on: for --verbose only.
        let quiet = report::console::render_summary_with(&summary, false);
        assert!(!quiet.contains("no step showed"), "{quiet}");
    }
}

/// Every profile with every fault that breaks or misreports logout: the
/// report's count is what the server still holds.
#[test]
fn the_sessions_left_open_are_what_the_server_still_holds() {
    let em = [
        None,
        Some(Fault::KeepEndedSessions),
        Some(Fault::DeleteAnswers200),
        Some(Fault::NoDeleteLink),
        Some(Fault::JsonDeleteLinkElsewhere),
    ];
    let cv = [
        None,
        Some(Fault::KeepEndedSessions),
        Some(Fault::LogoutKeepsSession),
        Some(Fault::LogoffAll),
    ];
    let cases = Profile::ALL.into_iter().flat_map(|p| {
        let faults: &[Option<Fault>] = if p.dialect() == Dialect::VeeamEm {
            &em
        } else {
            &cv
        };
        faults.iter().map(move |f| (p, *f))
    });
    for (profile, fault) in cases {
        let server = serve(profile, fault.into_iter().collect());
        let dialect = profile.dialect().name();
        let summary = run(&support::shipped_source(dialect), &server, dialect);
        let report = json_report(&summary);
        let held = server.open_sessions();
        let label = format!("{} with {:?}", profile.name(), fault.map(Fault::name));
        assert_eq!(report["sessions_left_open"], held, "{label}: {report:#}");
        assert_eq!(
            report["open_sessions"].as_array().unwrap().len(),
            held,
            "{label}"
        );
        if fault.is_none() {
            assert!(
                failures(&summary).is_empty(),
                "{label}: {:#?}",
                failures(&summary)
            );
        }
        if matches!(
            fault,
            Some(Fault::KeepEndedSessions | Fault::LogoutKeepsSession)
        ) {
            assert!(held > 0, "{label}: the fault leaves sessions");
        }
    }
}

#[test]
fn a_logout_answered_with_the_wrong_status_fails_its_trial_but_leaves_nothing_open() {
    let server = serve(Profile::Em13, vec![Fault::DeleteAnswers200]);
    let summary = run(&support::shipped_source("veeam-em"), &server, "veeam-em");
    assert_eq!(
        status_of(&summary, "veeam-em::logout[format=xml]"),
        Status::Failed
    );
    // The probe's logout failed too, after it had learned what the server is.
    assert_eq!(summary.targets[0].version.as_deref(), Some("v1_7"));
    assert_eq!(
        status_of(&summary, "veeam-em::admin-logon[api=v1_2,format=xml]"),
        Status::NotApplicable
    );
    assert_eq!(summary.sessions_left_open(), 0);
    assert_eq!(server.open_sessions(), 0);
    // A scenario whose logon issued no token has no session to check.
    let wrong = summary
        .scenarios
        .iter()
        .find(|o| o.id == "veeam-em::wrong-password[format=xml]")
        .unwrap();
    assert!(wrong.sessions.is_empty(), "{:?}", wrong.sessions);
    assert!(wrong.steps.iter().all(|s| !s.name.starts_with("check-")));
    let report = json_report(&summary);
    assert_eq!(report["sessions_left_open"], 0, "{report:#}");
}

#[test]
fn a_server_that_serves_any_token_makes_the_count_unknown() {
    let server = serve(Profile::Em13, vec![Fault::AcceptAnyToken]);
    let summary = run(&support::shipped_source("veeam-em"), &server, "veeam-em");
    let report = json_report(&summary);
    assert!(report["sessions_left_open"].is_null(), "{report:#}");
    // The probe's session, and the scenarios', each counted once.
    let unknown = |sessions: &[sessionconf::outcome::SessionEnd]| {
        sessions
            .iter()
            .filter(|s| s.state == SessionState::Unknown)
            .count()
    };
    let by_probe = unknown(&summary.targets[0].probe_sessions);
    let by_scenarios: usize = summary.scenarios.iter().map(|s| unknown(&s.sessions)).sum();
    assert!(by_probe == 1 && by_scenarios > 2, "{report:#}");
    assert_eq!(report["sessions_unchecked"], by_probe + by_scenarios);
    let said = report::console::render_summary(&summary);
    assert!(said.contains("sessions left open: unknown ("), "{said}");
    let unknown = &report["open_sessions"][0];
    assert_eq!(unknown["state"], "unknown");
    assert!(
        unknown["tried"]
            .to_string()
            .contains("does not refuse a made-up token"),
        "{unknown}"
    );
}

const COMMVAULT_REMEDY: &str = r#"
name: remedy
steps:
  - use: login
    as: first
  - name: list-before
    request:
      path: Sessions
      headers: { Authtoken: "${first_token}" }
    capture:
      before: { select: //sessions/@sessionId, all: true }
  - use: login
    as: second
    with: { user: "${tenant_user}", password: "${tenant_password}" }
  - name: find-second-session
    request:
      path: Sessions
      headers: { Authtoken: "${second_token}" }
    capture:
      second_session_id: { select: //sessions/@sessionId, exclude: before }
"#;

#[test]
fn a_session_logout_left_open_is_ended_by_the_vendors_other_way_and_checked() {
    // Logout answers "User logged out" and ends nothing; DELETE Sessions works.
    let server = serve(Profile::Cv2024, vec![Fault::LogoutKeepsSession]);
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenarios = dir.path().join("scenarios/commvault");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::write(scenarios.join("remedy.yaml"), COMMVAULT_REMEDY).unwrap();
    let source = SuiteSource {
        scenarios_dir: dir.path().join("scenarios"),
        golden_dir: root.join("golden"),
        dialects: vec!["commvault".into()],
        allow_missing_goldens: false,
        variables: Vec::new(),
    };
    let open = OpenSessions::default();
    let summary = run_noting(&source, &server, "commvault", &open);
    let trial = &summary.scenarios[0];
    let state = |variable: &str| {
        trial
            .sessions
            .iter()
            .find(|s| s.variable == variable)
            .unwrap_or_else(|| panic!("no session {variable}: {trial:#?}"))
    };
    // The second session's id is known: DELETE Sessions naming it ends it.
    let second = state("second_token");
    assert_eq!(second.state, SessionState::Closed, "{second:#?}");
    assert!(second.session_id.is_some());
    assert!(
        second
            .tried
            .iter()
            .any(|t| t.starts_with("delete-sessions: DELETE ")),
        "{second:#?}"
    );
    // The first one's is not: only Logout is left to try, and it ends nothing.
    let first = state("first_token");
    assert_eq!(first.state, SessionState::Open, "{first:#?}");
    assert!(first
        .tried
        .iter()
        .any(|t| t.contains("delete-sessions: not tried")));
    // The probe's own session is open too, and counted with the target.
    assert_eq!(
        summary.targets[0].probe_sessions[0].state,
        SessionState::Open
    );
    assert_eq!(summary.sessions_left_open(), 2);
    // The checks are information, never failures of their own: a refused token
    // is the answer they look for, not something to note.
    for check in trial.steps.iter().filter(|s| s.name.starts_with("check-")) {
        assert_eq!(check.status, Status::Passed, "{check:#?}");
        assert!(
            check.response_status.is_some() && check.note.is_none(),
            "{check:#?}"
        );
    }
    // What a second Ctrl-C would name: the sessions still open, not the ended one.
    let named = open.describe();
    assert!(
        named.iter().any(|n| n.contains("session `first_token`"))
            && !named.iter().any(|n| n.contains("session `second_token`")),
        "{named:?}"
    );
    assert_eq!(server.open_sessions(), 2);
    // No token is ever written: only ids and what was sent.
    let report = report::json::Json.render(&summary);
    assert!(!report.contains("QSDK "), "{report}");
}
