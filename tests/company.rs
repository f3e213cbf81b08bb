//! The shipped suite beside other clients: a reference server that holds
//! other sessions from the start and has a client logging on and off all the
//! time. The suite must pass, end none of their sessions, and leave none of
//! its own; and the options that ask for them are refused where they mean nothing.

mod support;

use std::time::Duration;

use sessionconf::harness;
use sessionconf::report::{self, ScenarioOutcome};
use sessionconf::run::RunOptions;
use sessionconf::server::{start, Company, Dialect, Profile, RunningServer, ServerOptions};

const BIN: &str = env!("CARGO_BIN_EXE_sessionconf");

fn crowded(profile: Profile, churn_ms: u64) -> RunningServer {
    let mut options = ServerOptions::new(profile.dialect());
    options.profile = profile;
    options.company = Company {
        others: true,
        churn: Some(Duration::from_millis(churn_ms)),
    };
    start(profile.dialect(), options, ([127, 0, 0, 1], 0).into())
        .expect("the reference server starts")
}

fn run(dialect: Dialect, server: &RunningServer, only: Option<&str>) -> Vec<ScenarioOutcome> {
    let suite: Vec<_> = support::shipped(dialect.name())
        .into_iter()
        .filter(|s| {
            only.is_none_or(|name| s.id.starts_with(&format!("{}::{name}[", dialect.name())))
        })
        .collect();
    assert!(!suite.is_empty());
    let mut options = RunOptions::new(server.base_url().parse().unwrap());
    options.client.timeout = Duration::from_secs(10);
    let source = support::shipped_source(dialect.name());
    harness::run_against(&suite, &source, dialect.name(), options)
        .expect("the version data loads")
        .0
}

fn failures(outcomes: &[ScenarioOutcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| report::console::render(o, false))
        .collect()
}

#[test]
fn the_shipped_suite_passes_on_every_profile_beside_other_clients_and_ends_none_of_theirs() {
    for profile in Profile::ALL {
        let server = crowded(profile, 20);
        let seated = server.company_sessions();
        assert!(seated >= 2, "{}: the others are seated", profile.name());
        let outcomes = run(profile.dialect(), &server, None);
        let failed = failures(&outcomes);
        assert!(
            failed.is_empty(),
            "{}:\n{}",
            profile.name(),
            failed.join("\n")
        );
        assert_eq!(server.open_sessions(), 0, "{}: left open", profile.name());
        assert_eq!(
            server.company_sessions_ended(),
            0,
            "{}: the suite ended another client's session",
            profile.name()
        );
        // The churning client may be on or off; the others are all still there.
        assert!(server.company_sessions() >= seated, "{}", profile.name());
    }
}

#[test]
fn delete_sessions_ends_only_its_own_session_while_the_tenant_is_logged_on_elsewhere() {
    for profile in [Profile::Cv11Sp28, Profile::Cv2024] {
        // Busier than any real client, so its sessions come and go during the trial.
        let server = crowded(profile, 1);
        let seated = server.company_sessions();
        for _ in 0..5 {
            let outcomes = run(Dialect::Commvault, &server, Some("delete-sessions"));
            assert_eq!(outcomes.len(), 2, "xml and json");
            let failed = failures(&outcomes);
            assert!(
                failed.is_empty(),
                "{}:\n{}",
                profile.name(),
                failed.join("\n")
            );
        }
        assert_eq!(server.company_sessions_ended(), 0, "{}", profile.name());
        assert_eq!(server.open_sessions(), 0, "{}", profile.name());
        assert!(server.company_sessions() >= seated, "{}", profile.name());
    }
}

fn sessionconf(args: &[&str]) -> support::Output {
    let child = std::process::Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .env("SESSIONCONF_USER", "u")
        .env("SESSIONCONF_PASSWORD", "p")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    support::wait(child, Duration::from_secs(120))
}

#[test]
fn the_company_options_are_refused_with_an_endpoint_and_a_run_passes_with_them() {
    for command in ["run", "bless"] {
        for company in [&["--others"][..], &["--churn", "20"]] {
            let mut args = vec![command, "--endpoint", "http://127.0.0.1:9/api/"];
            args.extend_from_slice(company);
            let out = sessionconf(&args);
            assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
            assert!(
                out.stderr
                    .contains("--others and --churn configure the embedded")
                    && out.stderr.contains("--endpoint http://127.0.0.1:9/api/"),
                "{args:?}: {}",
                out.stderr
            );
        }
    }
    let out = sessionconf(&["run", "--churn", "0"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--churn 0"), "{}", out.stderr);
    // The embedded servers with company: every trial passes and none of the
    // company's sessions counts as left open.
    let out = sessionconf(&[
        "run",
        "--others",
        "--churn",
        "20",
        "--profile",
        "em-12-cloud",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("sessions left open: 0"),
        "{}",
        out.stderr
    );
}
