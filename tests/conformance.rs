//! The shipped suite as `cargo test --test conformance` (and `cargo nextest run`):
//! every scenario is a libtest-mimic trial. libtest-mimic rejects flags it does not
//! know, so settings come from the environment:
//!
//! - `SESSIONCONF_ENDPOINT`: the API base URL to test (default: the embedded reference servers)
//! - `SESSIONCONF_DIALECT`: the dialect to run (required with an endpoint; default: all)
//! - `SESSIONCONF_TIMEOUT`: seconds per HTTP exchange (default 30)
//! - `SESSIONCONF_INSECURE=1`, `SESSIONCONF_CACERT=FILE`: TLS options
//! - `SESSIONCONF_JUNIT=FILE`, `SESSIONCONF_JSON=FILE`: reports
//! - `SESSIONCONF_USER`, `SESSIONCONF_PASSWORD`, `SESSIONCONF_TENANT_USER`, `SESSIONCONF_TENANT_PASSWORD`

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use sessionconf::harness::{self, Embedded, Plan};
use sessionconf::run::{ClientOptions, RunOptions};
use sessionconf::scenario::{load_suite, SuiteSource};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dialects: Vec<String> = env("SESSIONCONF_DIALECT").into_iter().collect();
    let source = SuiteSource {
        scenarios_dir: root.join("scenarios"),
        golden_dir: root.join("golden"),
        dialects,
        allow_missing_goldens: false,
    };
    let scenarios = match load_suite(&source) {
        Ok(s) => s,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            return ExitCode::from(2);
        }
    };
    let timeout = match env("SESSIONCONF_TIMEOUT").map(|t| t.parse::<f64>()) {
        Some(Ok(t)) if t > 0.0 => t,
        Some(_) => return fail("SESSIONCONF_TIMEOUT is not a positive number of seconds"),
        None => 30.0,
    };
    let client = ClientOptions {
        timeout: Duration::from_secs_f64(timeout),
        insecure: env("SESSIONCONF_INSECURE").is_some_and(|v| v != "0" && v != "false"),
        cacert: env("SESSIONCONF_CACERT").map(PathBuf::from),
        ..ClientOptions::default()
    };
    let configure = |url: reqwest::Url| {
        let mut o = RunOptions::new(url);
        o.client = client.clone();
        Arc::new(o)
    };
    let present: BTreeSet<String> = scenarios.iter().map(|s| s.dialect.clone()).collect();
    let mut embedded = None;
    let targets = match env("SESSIONCONF_ENDPOINT") {
        Some(endpoint) => {
            if present.len() > 1 {
                return fail("SESSIONCONF_ENDPOINT is one server: set SESSIONCONF_DIALECT too");
            }
            let url = match reqwest::Url::parse(&endpoint) {
                Ok(u) => u,
                Err(e) => return fail(format!("SESSIONCONF_ENDPOINT {endpoint}: {e}")),
            };
            present
                .iter()
                .map(|d| (d.clone(), configure(url.clone())))
                .collect::<BTreeMap<_, _>>()
        }
        // Listing needs no server.
        None if args.list => present
            .iter()
            .map(|d| (d.clone(), configure("http://127.0.0.1/".parse().unwrap())))
            .collect(),
        None => match Embedded::start(&present, configure) {
            Ok((servers, targets)) => {
                embedded = Some(servers);
                targets
            }
            Err(e) => return fail(e),
        },
    };
    let plan = Plan {
        scenarios,
        targets,
        junit: env("SESSIONCONF_JUNIT").map(PathBuf::from),
        json: env("SESSIONCONF_JSON").map(PathBuf::from),
    };
    let finished = harness::run(plan, &args);
    for e in &finished.report_errors {
        eprintln!("error: {e}");
    }
    let mut code = finished.exit_code();
    if let Some(servers) = &embedded {
        for leak in servers.leaks() {
            eprintln!("error: {leak}");
            code = code.max(1);
        }
    }
    ExitCode::from(code)
}
