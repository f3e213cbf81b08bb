//! The fragments the tool ships: a suite of one's own, with no `fragments/`
//! directory and no golden, logs on with `use: logon` (Enterprise Manager) and
//! `use: login` (Commvault) against every version the reference server plays;
//! a suite's fragment or golden of the same name comes first; an unknown name
//! is refused at its `use`; bless never writes the tool's goldens; and the
//! book's Commvault scenario (docs/book/src/fragments.md) is the one run here. Servers on 127.0.0.1 only.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sessionconf::harness;
use sessionconf::report::{self, ScenarioOutcome, Status};
use sessionconf::run::RunOptions;
use sessionconf::scenario::{load_suite, SuiteSource};
use sessionconf::server::{start, Dialect, Fault, Profile, RunningServer, ServerOptions};

/// The book's complete Commvault scenario (docs/book/src/fragments.md), word for word.
const README_COMMVAULT: &str = include_str!("fixtures/readme-commvault-session.yaml");

/// An Enterprise Manager scenario of a user's own: the tool's logon in both
/// representations, and its session read back from the list.
const EM_SCENARIO: &str = r#"name: my-logon
matrix:
  format: [xml, json]
steps:
  - use: logon
    with: { format: "${format}" }
  - name: listed
    request:
      path: logonSessions
      headers: { X-RestSvcSessionId: "${token}", Accept: "application/${format}" }
    expect:
      status: 200
      body:
        - select:
            xml: "/LogonSessions/LogonSession[SessionId='${session_id}']"
            json: "$.LogonSessions[?(@.SessionId=='${session_id}')]"
          count: 1
"#;

/// A suite of one's own in a temporary directory: one scenario file, no
/// `fragments/`, and a golden directory that does not exist.
struct OwnSuite {
    dir: tempfile::TempDir,
    dialect: &'static str,
}

impl OwnSuite {
    fn new(dialect: &'static str, scenario: &str) -> OwnSuite {
        let suite = OwnSuite {
            dir: tempfile::tempdir().unwrap(),
            dialect,
        };
        suite.write(&format!("scenarios/{dialect}/mine.yaml"), scenario);
        suite
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn golden_dir(&self) -> PathBuf {
        self.dir.path().join("golden")
    }

    fn source(&self) -> SuiteSource {
        SuiteSource {
            scenarios_dir: self.dir.path().join("scenarios"),
            golden_dir: self.golden_dir(),
            dialects: vec![self.dialect.to_string()],
            allow_missing_goldens: false,
            variables: Vec::new(),
        }
    }
}

fn serve(profile: Profile, faults: Vec<Fault>) -> RunningServer {
    let mut options = ServerOptions::new(profile.dialect());
    options.profile = profile;
    options.faults = faults;
    start(profile.dialect(), options, ([127, 0, 0, 1], 0).into()).expect("the server starts")
}

fn options(server: &RunningServer) -> RunOptions {
    let mut options = RunOptions::new(server.base_url().parse().unwrap());
    options.client.timeout = Duration::from_secs(10);
    options
}

/// The suite run as a run does it: probe, knowledge, session checks.
fn run(suite: &OwnSuite, options: RunOptions) -> Vec<ScenarioOutcome> {
    let source = suite.source();
    let loaded = load_suite(&source).unwrap_or_else(|e| panic!("{e:#?}"));
    harness::run_against(&loaded, &source, suite.dialect, options)
        .expect("the knowledge loads")
        .0
}

fn render(outcomes: &[ScenarioOutcome]) -> String {
    outcomes
        .iter()
        .map(|o| report::console::render(o, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first error of loading `suite`, as text.
fn load_error(suite: &OwnSuite) -> String {
    let errors = load_suite(&suite.source()).expect_err("should not load");
    errors[0].to_string()
}

/// The step that failed first.
fn first_failed(outcome: &ScenarioOutcome) -> Option<&str> {
    let failed = outcome.steps.iter().find(|s| s.status == Status::Failed);
    failed.map(|s| s.name.as_str())
}

#[test]
fn a_suite_without_fragments_or_goldens_logs_on_with_the_tools_on_every_version() {
    for profile in Profile::ALL {
        let (dialect, scenario) = match profile.dialect() {
            Dialect::VeeamEm => ("veeam-em", EM_SCENARIO),
            Dialect::Commvault => ("commvault", README_COMMVAULT),
        };
        let suite = OwnSuite::new(dialect, scenario);
        // Both representations' goldens are the tool's.
        let loaded = load_suite(&suite.source()).unwrap();
        let goldens: Vec<(String, bool)> = loaded[0]
            .goldens
            .values()
            .map(|g| (g.path.display().to_string(), g.built_in))
            .collect();
        let name = if dialect == "veeam-em" {
            "logon-session"
        } else {
            "login"
        };
        let built_in = |ext| (format!("<built-in>/{dialect}/{name}.{ext}"), true);
        assert_eq!(goldens, [built_in("json"), built_in("xml")], "{dialect}");
        let server = serve(profile, Vec::new());
        let outcomes = run(&suite, options(&server));
        assert_eq!(outcomes.len(), 2, "{}", profile.name());
        for outcome in &outcomes {
            assert_eq!(
                outcome.status,
                Status::Passed,
                "{}: {}",
                profile.name(),
                render(&outcomes)
            );
        }
        assert_eq!(server.open_sessions(), 0, "{}", profile.name());
        assert!(!suite.golden_dir().exists(), "a run writes no golden");
    }
}

#[test]
fn the_tools_golden_and_the_readme_scenarios_checks_catch_a_broken_server() {
    // The logon's golden is judged: a LogonSession without its Up link fails it.
    let suite = OwnSuite::new("veeam-em", EM_SCENARIO);
    let server = serve(Profile::Em13, vec![Fault::NoUpLink]);
    let outcomes = run(&suite, options(&server));
    let said = render(&outcomes);
    for (outcome, ext) in outcomes.iter().zip(["xml", "json"]) {
        assert_eq!(first_failed(outcome), Some("logon"), "{said}");
        let logon = &outcome.steps[0];
        assert!(
            logon.failures.iter().any(|f| f
                .message
                .contains(&format!("golden veeam-em/logon-session.{ext}"))),
            "{said}"
        );
    }
    // The book's scenario fails where its own checks do.
    let suite = OwnSuite::new("commvault", README_COMMVAULT);
    for (fault, step) in [
        (Fault::ListOmitsCaller, "my-session-is-listed"),
        (Fault::KeepEndedSessions, "token-refused"),
    ] {
        let server = serve(Profile::Cv2024, vec![fault]);
        let outcomes = run(&suite, options(&server));
        for outcome in &outcomes {
            let said = render(&outcomes);
            assert_eq!(
                first_failed(outcome),
                Some(step),
                "{}: {said}",
                fault.name()
            );
        }
    }
}

#[test]
fn bless_never_writes_the_tools_goldens() {
    let suite = OwnSuite::new("veeam-em", EM_SCENARIO);
    for (faults, passes) in [(Vec::new(), true), (vec![Fault::NoUpLink], false)] {
        let server = serve(Profile::Em13, faults);
        let mut options = options(&server);
        options.bless = true;
        let book = Arc::clone(&options.bless_book);
        let outcomes = run(&suite, options);
        // A response that departs from the tool's contract fails its step
        // rather than becoming the golden.
        assert_eq!(
            outcomes.iter().all(|o| o.status == Status::Passed),
            passes,
            "{}",
            render(&outcomes)
        );
        let settled = book.settle();
        assert!(
            settled.new.is_empty() && settled.changed.is_empty(),
            "{:?} {:?}",
            settled.new,
            settled.changed
        );
        assert!(!suite.golden_dir().exists());
        assert!(!Path::new("<built-in>").exists());
    }
}

/// A fragment of the suite's own that logs on under other step names.
const OWN_LOGON: &str = r#"steps:
  - name: my-logon
    opens_session: token
    request:
      method: POST
      path: sessionMngr/?v=latest
      auth: { basic: { user: "${user}", password: "${password}" } }
      cookies: false
    expect:
      status: 201
    capture:
      token: { header: X-RestSvcSessionId }
      session_id: { select: /LogonSession/SessionId }
      session_href: { select: /LogonSession/@Href }
finally:
  - name: my-logout
    closes_session: token
    request:
      method: DELETE
      url: "${session_href}"
      headers: { X-RestSvcSessionId: "${token}" }
      cookies: false
    expect:
      status: 204
"#;

#[test]
fn a_suites_fragment_of_the_same_name_comes_before_the_tools() {
    let suite = OwnSuite::new(
        "veeam-em",
        "name: mine\nsteps:\n  - use: logon\n  - name: listed\n    request:\n      path: logonSessions\n      headers: { X-RestSvcSessionId: \"${token}\" }\n    expect:\n      status: 200\n",
    );
    suite.write("scenarios/veeam-em/fragments/logon.yaml", OWN_LOGON);
    let loaded = load_suite(&suite.source()).unwrap();
    assert!(loaded[0].goldens.is_empty(), "the suite's logon names none");
    let server = serve(Profile::Em13, Vec::new());
    let outcomes = run(&suite, options(&server));
    let steps: Vec<&str> = outcomes[0].steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(steps[..3], ["my-logon", "listed", "my-logout"], "{steps:?}");
    assert_eq!(outcomes[0].status, Status::Passed, "{}", render(&outcomes));
    // A mistake in it is the suite's file's.
    suite.write("scenarios/veeam-em/fragments/logon.yaml", "stesp: []\n");
    let said = load_error(&suite);
    assert!(
        said.contains("scenarios/veeam-em/fragments/logon.yaml:1"),
        "{said}"
    );
}

#[test]
fn a_suites_golden_of_the_same_path_comes_before_the_tools() {
    let suite = OwnSuite::new("commvault", README_COMMVAULT);
    let own = "<DM2ContentIndexing_CheckCredentialResp xmlns:sc=\"urn:sessionconf:golden\" sc:extra=\"attributes children\" userName=\"{{user}}\" token=\"{{any}}\"/>\n";
    suite.write("golden/commvault/login.xml", own);
    let loaded = load_suite(&suite.source()).unwrap();
    let goldens: Vec<(PathBuf, bool)> = loaded[0]
        .goldens
        .values()
        .map(|g| (g.path.clone(), g.built_in))
        .collect();
    assert_eq!(
        goldens,
        [
            (PathBuf::from("<built-in>/commvault/login.json"), true),
            (suite.golden_dir().join("commvault/login.xml"), false),
        ]
    );
    // It is the one judged: a golden the server never matches fails the XML login.
    suite.write(
        "golden/commvault/login.xml",
        &own.replace("{{user}}", "somebody-else"),
    );
    let server = serve(Profile::Cv2024, Vec::new());
    let outcomes = run(&suite, options(&server));
    let statuses: Vec<(&str, Status)> =
        outcomes.iter().map(|o| (o.id.as_str(), o.status)).collect();
    assert_eq!(
        statuses,
        [
            ("commvault::my-session[format=xml]", Status::Failed),
            ("commvault::my-session[format=json]", Status::Passed),
        ],
        "{}",
        render(&outcomes)
    );
    // `check --unreferenced` counts it as used, by the tool's fragment.
    let valid = harness::validate(&suite.source()).unwrap();
    let unused = sessionconf::golden::unreferenced::unreferenced(
        &suite.golden_dir(),
        &valid.dialects,
        &valid.goldens,
    )
    .unwrap();
    assert!(unused.is_empty(), "{unused:?}");
    suite.write("golden/commvault/stale.xml", "<a/>");
    let valid = harness::validate(&suite.source()).unwrap();
    let unused = sessionconf::golden::unreferenced::unreferenced(
        &suite.golden_dir(),
        &valid.dialects,
        &valid.goldens,
    )
    .unwrap();
    assert_eq!(unused, [suite.golden_dir().join("commvault/stale.xml")]);
    // A placeholder it names that the tool's fragment lacks is located in the
    // golden, naming the fragment as the tool's.
    suite.write(
        "golden/commvault/login.xml",
        &own.replace("{{user}}", "{{nobody}}"),
    );
    let said = load_error(&suite);
    assert!(
        said.contains("commvault/login.xml:1:")
            && said.contains(
                "`{{nobody}}` names no variable of step `login` in <built-in>/commvault/fragments/login.yaml"
            )
            && said.contains("(fragment used by "),
        "{said}"
    );
}

#[test]
fn an_unknown_fragment_is_refused_at_its_use_naming_the_suites_and_the_tools() {
    let suite = OwnSuite::new("veeam-em", "name: mine\nsteps:\n  - use: logn\n");
    suite.write("scenarios/veeam-em/fragments/tenant.yaml", OWN_LOGON);
    let said = load_error(&suite);
    assert!(
        said.contains("mine.yaml:3:")
            && said.contains("no fragment `logn`: the suite has no ")
            && said.contains(
                "the suite's fragments: tenant; the tool's: logon); did you mean `logon`?"
            ),
        "{said}"
    );
    // Another dialect's fragment is not this one's.
    let suite = OwnSuite::new("commvault", "name: mine\nsteps:\n  - use: logon\n");
    let said = load_error(&suite);
    assert!(
        said.contains("mine.yaml:3:")
            && said.contains("did you mean `login`?")
            && said.contains("the suite's fragments: none; the tool's: login"),
        "{said}"
    );
    // A dialect the tool does not know has only the suite's.
    let suite = OwnSuite::new("other", "name: mine\nsteps:\n  - use: logon\n");
    let said = load_error(&suite);
    assert!(
        said.contains("the suite's fragments: none; the tool's: none"),
        "{said}"
    );
}

#[test]
fn the_book_shows_the_commvault_scenario_this_test_runs() {
    let chapter = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/book/src/fragments.md");
    let chapter = std::fs::read_to_string(chapter).unwrap();
    let block = format!("```yaml\n{README_COMMVAULT}```\n");
    assert!(
        chapter.contains(&block),
        "docs/book/src/fragments.md no longer shows tests/fixtures/readme-commvault-session.yaml as it is"
    );
}

/// The shipped suite keeps `golden/veeam-em/logon-session.*` because
/// `admin-logon` reads its session back against it; being in the golden
/// directory, it is what the tool's `logon` is judged by in that suite, so it
/// must stay the tool's contract.
#[test]
fn the_shipped_suites_logon_session_golden_is_the_tools() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for ext in ["xml", "json"] {
        let read = |rel: String| std::fs::read_to_string(root.join(rel)).unwrap();
        assert_eq!(
            read(format!("golden/veeam-em/logon-session.{ext}")),
            read(format!("src/knowledge/veeam_em/logon-session.{ext}")),
            "golden/veeam-em/logon-session.{ext} departs from the tool's"
        );
    }
    // Nothing of the shipped suite's shadows the tool's logons: it runs them.
    for shadow in [
        "scenarios/veeam-em/fragments/logon.yaml",
        "scenarios/commvault/fragments/login.yaml",
        "golden/commvault/login.json",
    ] {
        assert!(!root.join(shadow).exists(), "{shadow}");
    }
    assert!(!root.join("golden/commvault/login.xml").exists());
}
