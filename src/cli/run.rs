//! `sessionconf run`, `bless` and `compare`: the settled options made into a
//! run of the library's harness, its reports and its exit code.

use std::path::PathBuf;
use std::time::Duration;

use crate::golden::bless;
use crate::harness::{self, RunConfig, TargetSpec};
use crate::report::ReportFile;
use crate::run::ClientOptions;
use crate::scenario::SuiteSource;
use crate::server::Profile;

use super::args::*;
use super::usage;

pub(crate) fn run(mut args: RunArgs, bless_all: bool) -> u8 {
    args.bless |= bless_all;
    run_as(args, None)
}

/// A run; `libtest` holds the arguments a test binary was given (`cargo test
/// NAME -- --list`), which then choose the trials instead of the options, and
/// a filter meant for other tests may select none of these.
pub(crate) fn run_as(args: RunArgs, libtest: Option<libtest_mimic::Arguments>) -> u8 {
    match execute_as(args, libtest) {
        Ok(result) => harness::conclude(result).code(),
        Err(message) => usage(message),
    }
}

/// The run `args` describe, or why it cannot start. Under `cargo test`
/// (`libtest` given) the user set `SESSIONCONF_*` variables, not flags: an
/// error names the knob they have.
pub(crate) fn execute_as(
    mut args: RunArgs,
    libtest: Option<libtest_mimic::Arguments>,
) -> Result<Result<harness::Finished, harness::RunError>, String> {
    let in_test = libtest.is_some();
    let terms = |e: String| {
        if in_test {
            super::test_main::in_env_terms(&e)
        } else {
            e
        }
    };
    let settled = super::settings::settle_run(&mut args).map_err(terms)?;
    let bless = args.bless;
    if args.pending && !bless {
        return Err(
            "--pending says how bless writes goldens: use it with `bless` or `run --bless`".into(),
        );
    }
    if bless {
        bless::allowed(args.force).map_err(|e| e.to_string())?;
    }
    let mut config = run_config(&args, settled).map_err(terms)?;
    let harness_args = libtest
        .map_or_else(|| harness_arguments(&args), Ok)
        .map_err(terms)?;
    config.reports = report_files(&args).map_err(terms)?;
    config.bless = bless;
    config.bless_pending = args.pending;
    // A test binary leaves Ctrl-C to the test runner.
    config.watch_signals = !in_test;
    config.allow_empty = args.allow_empty || in_test;
    config.verbose = args.verbose;
    Ok(
        harness::execute(config, &harness_args).map_err(|e| match e {
            harness::RunError::Usage(m) => harness::RunError::Usage(terms(m)),
            other => other,
        }),
    )
}

/// The run the settled options describe: the suite, its targets, the
/// variables; no bless, no reports, no signals (the command adds those).
pub(crate) fn run_config(
    args: &RunArgs,
    settled: super::settings::Settled,
) -> Result<RunConfig, String> {
    let profiles = parse_profiles(&args.profiles)?;
    if args.endpoint.is_some() && !profiles.is_empty() {
        return Err(
            "--profile chooses what the embedded servers play; it has no meaning with --endpoint"
                .into(),
        );
    }
    let mut targets = target_specs(args, settled.targets, profiles)?;
    with_company(&mut targets, args)?;
    Ok(RunConfig {
        source: SuiteSource {
            scenarios_dir: args.suite.scenarios.clone().unwrap_or_default(),
            golden_dir: args.suite.golden_dir.clone().unwrap_or_default(),
            dialects: args.suite.dialects.clone(),
            allow_missing_goldens: false,
            variables: settled.variables.keys().cloned().collect(),
        },
        tags: args.tags.clone(),
        targets,
        // Settled: finite, at least a millisecond, at most a day.
        scenario_timeout: Duration::from_secs_f64(args.scenario_timeout.unwrap_or(300.0)),
        bless: false,
        bless_pending: false,
        reports: Vec::new(),
        watch_signals: false,
        allow_empty: false,
        verbose: false,
        variables: settled.variables,
        max_sessions: args
            .max_sessions
            .unwrap_or(crate::harness::DEFAULT_MAX_SESSIONS),
    })
}

/// The embedded servers' company (`--others`, `--churn`) given to each
/// target; refused for a target with an endpoint, whose server it cannot configure.
fn with_company(targets: &mut [TargetSpec], args: &RunArgs) -> Result<(), String> {
    let company = args.company.company()?;
    if company.is_empty() {
        return Ok(());
    }
    const REFUSED: &str = "--others and --churn configure the embedded reference server";
    if let Some(endpoint) = &args.endpoint {
        return Err(format!(
            "{REFUSED}; they have no meaning with --endpoint {endpoint}"
        ));
    }
    for target in targets.iter_mut() {
        if let Some(endpoint) = &target.endpoint {
            return Err(format!(
                "{REFUSED}; target {} is the endpoint {endpoint}",
                target.name
            ));
        }
        target.company = company.clone();
    }
    Ok(())
}

/// `compare`: two targets, each scenario against both, responses compared.
pub(crate) fn compare(mut args: RunArgs) -> u8 {
    let settled = match super::settings::settle_run(&mut args) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let unused = [
        (args.bless || args.pending, "--bless"),
        (args.list, "--list"),
        (!args.harness.is_empty(), "harness arguments after --"),
        (
            args.junit.is_some()
                || args.json.is_some()
                || args.html.is_some()
                || !args.reports.is_empty(),
            "reports",
        ),
    ];
    if let Some((_, what)) = unused.iter().find(|(given, _)| *given) {
        return usage(format!("compare takes no {what}"));
    }
    let config = match run_config(&args, settled) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    match harness::compare_servers::compare(config, args.filter.as_deref()) {
        Ok(compared) => {
            let color = crate::report::console::stdout_color();
            print!("{}", harness::compare_servers::render(&compared, color));
            for leak in &compared.left_open {
                eprintln!("error: {leak}");
            }
            if !compared.left_open.is_empty() {
                crate::exit::Exit::SessionsLeftOpen.code()
            } else if compared.same() {
                0
            } else {
                1
            }
        }
        Err(e) => harness::conclude(Err(e)).code(),
    }
}

/// `--junit`, `--json` and every `--report FORMAT=FILE`.
pub(crate) fn report_files(args: &RunArgs) -> Result<Vec<ReportFile>, String> {
    let mut wanted: Vec<(String, PathBuf)> = Vec::new();
    for (format, path) in [
        ("junit", &args.junit),
        ("json", &args.json),
        ("html", &args.html),
    ] {
        if let Some(path) = path {
            wanted.push((format.to_string(), path.clone()));
        }
    }
    for spec in &args.reports {
        let (format, path) = spec
            .split_once('=')
            .filter(|(f, p)| !f.is_empty() && !p.is_empty())
            .ok_or_else(|| format!("--report {spec}: expected FORMAT=FILE"))?;
        wanted.push((format.to_string(), PathBuf::from(path)));
    }
    wanted
        .into_iter()
        .map(|(format, path)| {
            ReportFile::new(&format, &path).ok_or_else(|| {
                let known: Vec<&str> = crate::report::FORMATS.iter().map(|(n, _)| *n).collect();
                format!(
                    "--report {format}: no such format; known: {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

/// The servers the run goes to: the named targets, or the one endpoint (or
/// the embedded servers) of the options.
pub(crate) fn target_specs(
    args: &RunArgs,
    named: Vec<super::settings::NamedTarget>,
    profiles: Vec<Profile>,
) -> Result<Vec<TargetSpec>, String> {
    if named.is_empty() {
        return Ok(vec![TargetSpec::unnamed(
            args.endpoint.clone(),
            profiles,
            client_options(args),
        )]);
    }
    Ok(named
        .into_iter()
        .map(|t| {
            let mut client = client_options(args);
            client.insecure = t.tls.insecure;
            client.cacert = t.tls.cacert;
            client.cert = t.tls.cert;
            client.key = t.tls.key;
            TargetSpec {
                name: t.name,
                endpoint: t.endpoint,
                profiles: t.profile.into_iter().collect(),
                company: Default::default(),
                dialect: Some(t.dialect),
                client,
                credential_vars: t.credential_vars,
                max_sessions: t.max_sessions,
            }
        })
        .collect())
}

pub(crate) fn client_options(args: &RunArgs) -> ClientOptions {
    ClientOptions {
        // Settled: finite, at least a millisecond, at most a day.
        timeout: Duration::from_secs_f64(args.timeout.unwrap_or(30.0)),
        connect_timeout: Duration::from_secs_f64(args.connect_timeout.unwrap_or(10.0)),
        insecure: args.insecure,
        cacert: args.cacert.clone(),
        cert: args.cert.clone(),
        key: args.key.clone(),
        max_body_bytes: args.max_body_bytes.unwrap_or(64 * 1024 * 1024),
    }
}

/// The libtest arguments: `--jobs`, `--list`, what follows `--`, and `--filter`.
pub(crate) fn harness_arguments(args: &RunArgs) -> Result<libtest_mimic::Arguments, String> {
    let mut harness_args = vec!["sessionconf".to_string()];
    if let Some(jobs) = args.jobs {
        harness_args.push(format!("--test-threads={}", jobs.max(1)));
    }
    if args.list {
        harness_args.push("--list".into());
    }
    harness_args.extend(args.harness.iter().cloned());
    if let Some(filter) = &args.filter {
        harness_args.push(filter.clone());
    }
    <libtest_mimic::Arguments as clap::Parser>::try_parse_from(&harness_args)
        .map_err(|e| format!("harness arguments: {e}"))
}

pub(crate) fn parse_profiles(names: &[String]) -> Result<Vec<Profile>, String> {
    let mut profiles: Vec<Profile> = Vec::new();
    for name in names {
        let Some(p) = Profile::parse(name) else {
            let all: Vec<_> = Profile::ALL.iter().map(|p| p.name()).collect();
            return Err(format!(
                "--profile {name}: expected one of {}",
                all.join(", ")
            ));
        };
        if profiles.iter().any(|q| q.dialect() == p.dialect()) {
            return Err(format!(
                "--profile {name}: one profile per dialect ({} already has one)",
                p.dialect().name()
            ));
        }
        profiles.push(p);
    }
    Ok(profiles)
}
