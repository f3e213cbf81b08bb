//! The shipped suite as `cargo test --test conformance` (and `cargo nextest run`):
//! every scenario is a libtest-mimic trial, run by the same orchestration as
//! `sessionconf run`. libtest-mimic rejects flags it does not know, so settings
//! come from the environment:
//!
//! - `SESSIONCONF_ENDPOINT`: the API base URL to test (default: the embedded reference servers)
//! - `SESSIONCONF_DIALECT`: the dialect to run (required with an endpoint; default: all)
//! - `SESSIONCONF_PROFILE`: the versions the embedded servers play, comma-separated (default: the newest)
//! - `SESSIONCONF_TIMEOUT`: seconds per HTTP exchange (default 30)
//! - `SESSIONCONF_INSECURE=1`, `SESSIONCONF_CACERT=FILE`: TLS options
//! - `SESSIONCONF_JUNIT=FILE`, `SESSIONCONF_JSON=FILE`: reports
//! - `SESSIONCONF_USER`, `SESSIONCONF_PASSWORD`, `SESSIONCONF_TENANT_USER`, `SESSIONCONF_TENANT_PASSWORD`

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use sessionconf::exit::Exit;
use sessionconf::harness::{self, RunConfig, TargetSpec};
use sessionconf::report::ReportFile;
use sessionconf::run::ClientOptions;
use sessionconf::scenario::SuiteSource;
use sessionconf::server::Profile;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    Exit::Usage.into()
}

fn main() -> ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let timeout = match env("SESSIONCONF_TIMEOUT").map(|t| t.parse::<f64>()) {
        Some(Ok(t)) if t.is_finite() && (0.001..=86_400.0).contains(&t) => t,
        Some(_) => {
            return fail("SESSIONCONF_TIMEOUT: expected a number of seconds from 0.001 to 86400")
        }
        None => 30.0,
    };
    let mut profiles = Vec::new();
    for name in env("SESSIONCONF_PROFILE").iter().flat_map(|p| p.split(',')) {
        match Profile::parse(name.trim()) {
            Some(p) => profiles.push(p),
            None => return fail(format!("SESSIONCONF_PROFILE: no profile `{name}`")),
        }
    }
    let mut reports = Vec::new();
    for (format, var) in [("junit", "SESSIONCONF_JUNIT"), ("json", "SESSIONCONF_JSON")] {
        if let Some(path) = env(var) {
            reports.extend(ReportFile::new(format, Path::new(&path)));
        }
    }
    let config = RunConfig {
        source: SuiteSource {
            scenarios_dir: root.join("scenarios"),
            golden_dir: root.join("golden"),
            dialects: env("SESSIONCONF_DIALECT").into_iter().collect(),
            allow_missing_goldens: false,
            variables: Vec::new(),
        },
        tags: Vec::new(),
        targets: vec![TargetSpec::unnamed(
            env("SESSIONCONF_ENDPOINT"),
            profiles,
            ClientOptions {
                timeout: Duration::from_secs_f64(timeout),
                insecure: env("SESSIONCONF_INSECURE").is_some_and(|v| v != "0" && v != "false"),
                cacert: env("SESSIONCONF_CACERT").map(PathBuf::from),
                ..ClientOptions::default()
            },
        )],
        scenario_timeout: sessionconf::run::DEFAULT_SCENARIO_TIMEOUT,
        bless: false,
        bless_pending: false,
        reports,
        watch_signals: false,
        // `cargo test NAME` hands every test binary the same filter.
        allow_empty: true,
        verbose: std::env::var_os("SESSIONCONF_VERBOSE").is_some(),
        variables: Default::default(),
    };
    harness::conclude(harness::execute(config, &args)).into()
}
