//! Concurrency sized for the network, bounded by each target's session
//! budget: against a slow server the suite runs side by side, and the server
//! never sees more sessions open at once than the budget allows.

use std::process::{Command, Stdio};
use std::time::Duration;

use sessionconf::credentials::{
    DEFAULT_PASSWORD, DEFAULT_TENANT_PASSWORD, DEFAULT_TENANT_USER, DEFAULT_USER,
};
use sessionconf::server::{start, Dialect, RunningServer, ServerOptions};

fn slow_server() -> RunningServer {
    let mut options = ServerOptions::new(Dialect::VeeamEm);
    options.delay = Some(Duration::from_millis(20));
    start(Dialect::VeeamEm, options, ([127, 0, 0, 1], 0).into()).unwrap()
}

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sessionconf"))
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .env("SESSIONCONF_USER", DEFAULT_USER)
        .env("SESSIONCONF_PASSWORD", DEFAULT_PASSWORD)
        .env("SESSIONCONF_TENANT_USER", DEFAULT_TENANT_USER)
        .env("SESSIONCONF_TENANT_PASSWORD", DEFAULT_TENANT_PASSWORD)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The shipped Enterprise Manager suite against a fresh slow server with
/// `extra` options: the most sessions the server saw open at once.
fn peak_with(extra: &[&str]) -> usize {
    let server = slow_server();
    let base = server.base_url();
    let mut args = vec!["run", "--endpoint", &base, "--dialect", "veeam-em"];
    args.extend(extra);
    let out = run(ROOT.as_ref(), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.open_sessions(), 0);
    server.peak_sessions()
}

#[test]
fn a_run_holds_no_more_sessions_at_once_than_the_budget_and_uses_it() {
    let peak = peak_with(&["--max-sessions", "3"]);
    assert!((2..=3).contains(&peak), "peak {peak} with a budget of 3");
    // The default budget: 8, and a run fills more than a few of it.
    let peak = peak_with(&[]);
    assert!(
        (4..=8).contains(&peak),
        "peak {peak} with the default budget of 8"
    );
    // `--jobs 1`: two sessions at once only inside a scenario that opens two.
    assert_eq!(peak_with(&["--jobs", "1"]), 2);
}

#[test]
fn a_targets_own_budget_in_the_configuration_file_holds() {
    let server = slow_server();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sessionconf.toml"),
        format!(
            "scenarios = \"{ROOT}/scenarios\"\ngolden_dir = \"{ROOT}/golden\"\n[targets.slow]\nendpoint = \"{}\"\ndialect = \"veeam-em\"\nmax_sessions = 2\n",
            server.base_url()
        ),
    )
    .unwrap();
    let out = run(dir.path(), &["run", "--target", "slow"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak = server.peak_sessions();
    assert!(
        (1..=2).contains(&peak),
        "peak {peak} with the target's budget of 2"
    );
}

#[test]
fn a_budget_of_nothing_is_refused() {
    let out = run(ROOT.as_ref(), &["run", "--max-sessions", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-sessions 0"));
    let out = run(ROOT.as_ref(), &["run", "--jobs", "0"]);
    assert_eq!(out.status.code(), Some(2));
}
