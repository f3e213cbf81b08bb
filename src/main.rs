//! The `sessionconf` command: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use sessionconf::error::ConfigError;
use sessionconf::golden::bless;
use sessionconf::harness::{self, signals, RunConfig, TargetSpec};
use sessionconf::placeholder::Bindings;
use sessionconf::report::ReportFile;
use sessionconf::run::{ClientOptions, RunOptions};
use sessionconf::scenario::{load_suite, SuiteSource};
use sessionconf::server::Profile;

mod cli;

#[derive(Parser)]
#[command(
    name = "sessionconf",
    version,
    about = "Conformance tests for backup platforms' session-management REST APIs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the suite against an endpoint (by default, the embedded reference server).
    Run(RunArgs),
    /// Run the suite and record every differing or missing golden (same as `run --bless`).
    Bless(RunArgs),
    /// Run every scenario against two targets and compare their responses step by step.
    Compare(RunArgs),
    /// Validate every scenario and golden without touching the network.
    Check(CheckArgs),
    /// Accept or reject the pending goldens `bless --pending` wrote, showing each change.
    Review(cli::review::ReviewArgs),
    /// Compare a captured response with a golden, offline, with the same rules as `run`.
    Diff(DiffArgs),
    /// Serve the reference server for a dialect until Ctrl-C.
    Serve(ServeArgs),
    /// Run one scenario many times at once and report throughput, latency and leftovers.
    Load(LoadArgs),
    /// Print the JSON Schema of scenario files (or of fragments), for editors.
    Schema(SchemaArgs),
}

#[derive(Args)]
struct SchemaArgs {
    /// The schema of fragment files instead of scenarios.
    #[arg(long)]
    fragment: bool,
}

#[derive(Args)]
struct LoadArgs {
    #[command(flatten)]
    suite: SuiteArgs,
    /// The scenario, as DIALECT::NAME (e.g. veeam-em::admin-logon).
    #[arg(long)]
    scenario: String,
    /// Flows at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Flows in all.
    #[arg(long, default_value_t = 100)]
    iterations: usize,
    /// The API base URL; without it, the embedded reference server.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Limit on each HTTP exchange, in seconds (default 30).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    #[arg(long)]
    insecure: bool,
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// Write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Fail (exit 1) when the slowest 1 % of whole flows take longer, in milliseconds.
    #[arg(long, value_name = "MS")]
    max_p99: Option<f64>,
    /// Fail (exit 1) when more than this fraction of flows fail (0 to 1); without
    /// it, any failed flow fails the load.
    #[arg(long, value_name = "FRACTION")]
    max_error_rate: Option<f64>,
}

#[derive(Args)]
struct ServeArgs {
    /// veeam-em or commvault (or leave it to --profile).
    #[arg(long)]
    dialect: Option<String>,
    /// The vendor version to play (default: the dialect's newest).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Address and port; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: std::net::SocketAddr,
    /// Seconds a session may stay unused (default: the vendor's, 900 or 1800).
    #[arg(long, value_name = "SECONDS")]
    idle_timeout: Option<u64>,
    /// Break the server on purpose (repeatable), to see the suite catch it.
    #[arg(long = "fault", value_name = "NAME")]
    faults: Vec<String>,
    /// Write XML with this namespace prefix instead of a default namespace.
    #[arg(long)]
    prefix: Option<String>,
    /// Indent XML.
    #[arg(long)]
    indent: bool,
    /// Write attributes in reverse order, as newer Enterprise Manager versions do.
    #[arg(long)]
    reverse_attributes: bool,
    /// Add the links of a newer server version.
    #[arg(long)]
    extra_links: bool,
    /// Serve HTTPS with this certificate (PEM), with --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Require client certificates signed by this CA (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    client_ca: Option<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    suite: SuiteArgs,
    /// List goldens no scenario, probe or known deviation uses; `reject` makes that exit 1 (for CI).
    #[arg(long, value_name = "MODE", num_args = 0..=1, default_missing_value = "list")]
    unreferenced: Option<Unreferenced>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Unreferenced {
    /// List them.
    List,
    /// List them and exit 1 when there are any.
    Reject,
}

#[derive(Args, Clone)]
pub(crate) struct SuiteArgs {
    /// The configuration file (default: sessionconf.toml here or in a parent directory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The scenarios directory: one subdirectory per dialect (default: scenarios).
    #[arg(long)]
    scenarios: Option<PathBuf>,
    /// The goldens directory that scenarios' `golden:` paths are relative to (default: golden).
    #[arg(long)]
    golden_dir: Option<PathBuf>,
    /// Dialects to run (subdirectories of the scenarios directory); all when left out.
    #[arg(long = "dialect", value_name = "NAME")]
    dialects: Vec<String>,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    suite: SuiteArgs,
    /// The API base URL, e.g. https://em01:9398/api/ or https://cs01/webconsole/api/.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// A target of the configuration file: its endpoint (or profile), dialect,
    /// TLS options and credential variables. Repeat it to run against several, side by side.
    #[arg(long, value_name = "NAME")]
    target: Vec<String>,
    /// Run against every target of the configuration file (of `--dialect`, when given), side by side.
    #[arg(long, conflicts_with = "target")]
    all_targets: bool,
    /// A variable every scenario has (repeatable); it overrides a scenario's own.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// A YAML file of variables (a map of names to text).
    #[arg(long, value_name = "FILE")]
    vars_file: Option<PathBuf>,
    /// The vendor version an embedded reference server plays (one per dialect;
    /// default: the newest), e.g. em-12, em-9.5, cv-11.28.
    #[arg(long = "profile", value_name = "NAME")]
    profiles: Vec<String>,
    /// Run only scenarios whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// Run only scenarios with this tag (repeat: all of them).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Scenarios run at once.
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write an HTML report here (one self-contained file).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write a report of any format (junit, json, html) here (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    reports: Vec<String>,
    /// Limit on each HTTP exchange, in seconds (default 30).
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Limit on connecting, in seconds (default 10).
    #[arg(long, value_name = "SECONDS")]
    connect_timeout: Option<f64>,
    /// Limit on a scenario's steps, in seconds (default 300); its `finally` steps still run.
    #[arg(long, value_name = "SECONDS")]
    scenario_timeout: Option<f64>,
    /// Accept any TLS certificate (self-signed servers).
    #[arg(long)]
    insecure: bool,
    /// Trust the certificates of this PEM file instead of the system's roots (a CA, or the server's own self-signed certificate).
    #[arg(long, value_name = "FILE")]
    cacert: Option<PathBuf>,
    /// Client certificate (PEM), with --key.
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,
    /// Client private key (PEM), with --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// Largest response body read, in bytes (default 64 MiB).
    #[arg(long, value_name = "BYTES")]
    max_body_bytes: Option<u64>,
    /// Record differing or missing goldens instead of failing.
    #[arg(long)]
    bless: bool,
    /// With bless: write each changed golden beside the old one as FILE.pending,
    /// for `sessionconf review`, instead of over it.
    #[arg(long)]
    pending: bool,
    /// Bless even when the CI environment variable is set.
    #[arg(long)]
    force: bool,
    /// Show every step's request and response (a failed step's response is always shown).
    #[arg(long, short = 'v')]
    verbose: bool,
    /// A filter, tag or skip that selects no trial passes instead of failing with exit 2.
    #[arg(long)]
    allow_empty: bool,
    /// Only list the scenarios.
    #[arg(long)]
    list: bool,
    /// Arguments for the test harness after `--` (`--exact`, `--skip NAME`, `--format terse`, ...).
    #[arg(last = true)]
    harness: Vec<String>,
}

#[derive(Args)]
struct DiffArgs {
    golden: PathBuf,
    actual: PathBuf,
    /// A variable the golden's `{{NAME}}` placeholders refer to.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Run(args) => run(args, false),
        Command::Bless(args) => run(args, true),
        Command::Compare(args) => compare(args),
        Command::Check(args) => check(args),
        Command::Review(args) => cli::review::review(args),
        Command::Diff(args) => diff(args),
        Command::Serve(args) => serve(args),
        Command::Load(args) => load(args),
        Command::Schema(args) => {
            let kind = if args.fragment {
                sessionconf::scenario::SchemaKind::Fragment
            } else {
                sessionconf::scenario::SchemaKind::Scenario
            };
            print!("{}", sessionconf::scenario::schema(kind));
            0
        }
    };
    ExitCode::from(code)
}

fn config_errors(errors: &[ConfigError]) -> u8 {
    for e in errors {
        eprintln!("error: {e}");
    }
    eprintln!(
        "{} configuration error{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    2
}

pub(crate) fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    2
}

fn check(check: CheckArgs) -> u8 {
    let mut args = check.suite;
    let file = match cli::settings::settle_suite(&mut args) {
        Ok(f) => f,
        Err(e) => return usage(e),
    };
    let source = SuiteSource {
        scenarios_dir: args.scenarios.unwrap_or_default(),
        golden_dir: args.golden_dir.unwrap_or_default(),
        dialects: args.dialects,
        allow_missing_goldens: false,
        variables: file.vars.keys().cloned().collect(),
    };
    match harness::validate(&source) {
        Ok(valid) => {
            println!(
                "{} scenarios and {} goldens are valid, and each dialect's vendor knowledge",
                valid.scenarios.len(),
                valid.goldens.len()
            );
            match check.unreferenced {
                Some(mode) => list_unreferenced(&source.golden_dir, &valid, mode),
                None => 0,
            }
        }
        Err(errors) => config_errors(&errors),
    }
}

/// `check --unreferenced`: golden files nothing uses, one per line.
fn list_unreferenced(
    golden_dir: &std::path::Path,
    valid: &harness::Validated,
    mode: Unreferenced,
) -> u8 {
    let found = match sessionconf::golden::unreferenced::unreferenced(
        golden_dir,
        &valid.dialects,
        &valid.goldens,
    ) {
        Ok(f) => f,
        Err(e) => return usage(format!("cannot list the goldens: {e}")),
    };
    for path in &found {
        println!("unreferenced: {}", path.display());
    }
    println!(
        "{} unreferenced golden{}",
        found.len(),
        if found.len() == 1 { "" } else { "s" }
    );
    u8::from(mode == Unreferenced::Reject && !found.is_empty())
}

fn run(mut args: RunArgs, bless_all: bool) -> u8 {
    let settled = match cli::settings::settle_run(&mut args) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let bless = bless_all || args.bless;
    if args.pending && !bless {
        return usage(
            "--pending says how bless writes goldens: use it with `bless` or `run --bless`",
        );
    }
    if bless {
        if let Err(e) = bless::allowed(args.force) {
            return usage(e);
        }
    }
    let mut config = match run_config(&args, settled) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let harness_args = match harness_arguments(&args) {
        Ok(a) => a,
        Err(e) => return usage(e),
    };
    config.reports = match report_files(&args) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    config.source.allow_missing_goldens = bless;
    config.bless = bless;
    config.bless_pending = args.pending;
    config.watch_signals = true;
    config.allow_empty = args.allow_empty;
    config.verbose = args.verbose;
    harness::conclude(harness::execute(config, &harness_args)).code()
}

/// The run the settled options describe: the suite, its targets, the
/// variables; no bless, no reports, no signals (the command adds those).
fn run_config(args: &RunArgs, settled: cli::settings::Settled) -> Result<RunConfig, String> {
    let profiles = parse_profiles(&args.profiles)?;
    if args.endpoint.is_some() && !profiles.is_empty() {
        return Err(
            "--profile chooses what the embedded servers play; it has no meaning with --endpoint"
                .into(),
        );
    }
    let targets = target_specs(args, settled.targets, profiles)?;
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
    })
}

/// `compare`: two targets, each scenario against both, responses compared.
fn compare(mut args: RunArgs) -> u8 {
    let settled = match cli::settings::settle_run(&mut args) {
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
            let color = sessionconf::report::console::stdout_color();
            print!("{}", harness::compare_servers::render(&compared, color));
            for leak in &compared.left_open {
                eprintln!("error: {leak}");
            }
            if !compared.left_open.is_empty() {
                sessionconf::exit::Exit::SessionsLeftOpen.code()
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
fn report_files(args: &RunArgs) -> Result<Vec<ReportFile>, String> {
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
                let known: Vec<&str> = sessionconf::report::FORMATS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect();
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
fn target_specs(
    args: &RunArgs,
    named: Vec<cli::settings::NamedTarget>,
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
                dialect: Some(t.dialect),
                client,
                credential_vars: t.credential_vars,
            }
        })
        .collect())
}

fn client_options(args: &RunArgs) -> ClientOptions {
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
fn harness_arguments(args: &RunArgs) -> Result<libtest_mimic::Arguments, String> {
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
    libtest_mimic::Arguments::try_parse_from(&harness_args)
        .map_err(|e| format!("harness arguments: {e}"))
}

fn parse_profiles(names: &[String]) -> Result<Vec<Profile>, String> {
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

fn serve(args: ServeArgs) -> u8 {
    use sessionconf::server::{start, Fault, ServerOptions};
    let (dialect, profile) = match serve_profile(&args) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let mut options = ServerOptions::new(dialect);
    options.profile = profile;
    if let Some(secs) = args.idle_timeout {
        options.idle_timeout = Duration::from_secs(secs);
    }
    for name in &args.faults {
        match Fault::parse(name) {
            Some(f) if f.applies_to(dialect) => options.faults.push(f),
            _ => {
                let names: Vec<_> = Fault::ALL
                    .iter()
                    .filter(|f| f.applies_to(dialect))
                    .map(|f| f.name())
                    .collect();
                return usage(format!(
                    "--fault {name}: expected one of {}",
                    names.join(", ")
                ));
            }
        }
    }
    options.style.prefix = args.prefix;
    options.style.indent = args.indent;
    options.style.reverse_attributes = args.reverse_attributes;
    options.style.schema_namespaces = args.reverse_attributes;
    options.style.extra_links = args.extra_links;
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let files = (|| -> Result<_, String> {
            Ok(sessionconf::server::TlsFiles {
                cert_pem: read(cert)?,
                key_pem: read(key)?,
                client_ca_pem: args.client_ca.as_ref().map(read).transpose()?,
            })
        })();
        match files {
            Ok(f) => options.tls = Some(f),
            Err(e) => return usage(e),
        }
    }
    let server = match start(dialect, options, args.bind) {
        Ok(s) => s,
        Err(e) => return usage(format!("cannot serve on {}: {e}", args.bind)),
    };
    println!("{}", server.base_url());
    eprintln!(
        "serving the {} reference server as {}; Ctrl-C stops it",
        dialect.name(),
        profile.name()
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(format!("cannot wait for signals: {e}")),
    };
    runtime.block_on(wait_for_stop());
    drop(server);
    eprintln!("stopped");
    0
}

/// The dialect and profile `serve` plays: `--profile` implies the dialect.
fn serve_profile(args: &ServeArgs) -> Result<(sessionconf::server::Dialect, Profile), String> {
    use sessionconf::server::Dialect;
    let profile = args.profile.as_deref().map(|name| {
        Profile::parse(name).ok_or_else(|| {
            let all: Vec<_> = Profile::ALL.iter().map(|p| p.name()).collect();
            format!("--profile {name}: expected one of {}", all.join(", "))
        })
    });
    let profile = profile.transpose()?;
    let dialect = match (&args.dialect, profile) {
        (Some(name), _) => Dialect::parse(name).ok_or_else(|| {
            let names: Vec<_> = Dialect::ALL.iter().map(|d| d.name()).collect();
            format!("--dialect {name}: expected one of {}", names.join(", "))
        })?,
        (None, Some(p)) => p.dialect(),
        (None, None) => return Err("serve needs --dialect or --profile".into()),
    };
    match profile {
        Some(p) if p.dialect() != dialect => Err(format!(
            "--profile {} plays {}, not {}",
            p.name(),
            p.dialect().name(),
            dialect.name()
        )),
        Some(p) => Ok((dialect, p)),
        None => Ok((dialect, Profile::newest(dialect))),
    }
}

/// Ctrl-C, or SIGTERM where there is one.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn options(
    url: reqwest::Url,
    client: &ClientOptions,
    bless: bool,
    interrupted: &Arc<std::sync::atomic::AtomicBool>,
) -> Arc<RunOptions> {
    let mut options = RunOptions::new(url);
    options.client = client.clone();
    options.bless = bless;
    options.interrupted = interrupted.clone();
    Arc::new(options)
}

fn diff(args: DiffArgs) -> u8 {
    let golden = match sessionconf::golden::Golden::load(&args.golden) {
        Ok(e) => e,
        Err(e) => return usage(e),
    };
    let bytes = match std::fs::read(&args.actual) {
        Ok(t) => t,
        Err(e) => return usage(format!("{}: cannot read: {e}", args.actual.display())),
    };
    let (text, encoding) = match sessionconf::xml::decode(&bytes) {
        Ok(t) => t,
        Err(e) => return usage(format!("{}: cannot read: {e}", args.actual.display())),
    };
    let mut bindings = Bindings::default();
    for pair in &args.vars {
        match pair.split_once('=') {
            Some((name, value)) if sessionconf::placeholder::is_variable_name(name) => {
                bindings.bind_capture(name, value)
            }
            _ => return usage(format!("--var {pair}: expected NAME=VALUE")),
        }
    }
    for (var, line, col) in golden.variables() {
        if !bindings.vars.contains_key(&var) {
            return usage(format!(
                "{}:{line}:{col}: placeholder `{{{{{var}}}}}` has no value: pass --var {var}=VALUE",
                args.golden.display()
            ));
        }
    }
    let label = args.golden.display().to_string();
    let verdict = match golden.judge_text(&label, &text, encoding, &bindings) {
        Ok(v) => v,
        Err(e) => return usage(format!("{}:{e}", args.actual.display())),
    };
    if verdict.is_match() {
        println!("{} matches {}", args.actual.display(), label);
        return 0;
    }
    let color = sessionconf::report::console::stdout_color();
    print!(
        "{}",
        sessionconf::report::console::render_mismatch(&verdict, color)
    );
    1
}

fn load(mut args: LoadArgs) -> u8 {
    if args.iterations == 0 || args.concurrency == 0 {
        return usage("--iterations and --concurrency are at least 1");
    }
    if let Err(e) = cli::settings::settle_suite(&mut args.suite) {
        return usage(e);
    }
    let timeout = match cli::settings::seconds("--timeout", args.timeout, 30.0) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let thresholds = match load_thresholds(&args) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let scenario = match load_one(&args) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let client = ClientOptions {
        timeout: Duration::from_secs_f64(timeout),
        insecure: args.insecure,
        cacert: args.cacert.clone(),
        ..ClientOptions::default()
    };
    if let Err(e) = sessionconf::run::client::check(&client) {
        return usage(e);
    }
    let interrupted = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (options, embedded) = match load_target(&args, &scenario.dialect, &client, &interrupted) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    signals::stop_on_signals(interrupted, options.open_sessions.clone());
    let open = embedded.as_ref().map(|e| {
        move || {
            e.servers
                .iter()
                .map(|(s, _)| s.open_sessions())
                .sum::<usize>()
        }
    });
    let report = sessionconf::run::load_test::run_load_within(
        &scenario,
        &options,
        (args.concurrency, args.iterations),
        open.as_ref().map(|f| f as &dyn Fn() -> usize),
        thresholds,
    );
    print!("{}", report.render());
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report).expect("the report serializes");
        if let Err(e) = sessionconf::report::write_text(path, "load", &text) {
            return usage(e);
        }
    }
    if report.passed() {
        0
    } else {
        1
    }
}

/// `--max-p99` and `--max-error-rate`, each within its range.
fn load_thresholds(args: &LoadArgs) -> Result<sessionconf::run::load_test::Thresholds, String> {
    if let Some(ms) = args.max_p99.filter(|ms| !(ms.is_finite() && *ms > 0.0)) {
        return Err(format!(
            "--max-p99 {ms}: expected a number of milliseconds above 0"
        ));
    }
    if let Some(rate) = args
        .max_error_rate
        .filter(|r| !(r.is_finite() && (0.0..=1.0).contains(r)))
    {
        return Err(format!(
            "--max-error-rate {rate}: expected a fraction from 0 to 1"
        ));
    }
    Ok(sessionconf::run::load_test::Thresholds {
        max_p99_ms: args.max_p99,
        max_error_rate: args.max_error_rate,
    })
}

/// The scenario `--scenario DIALECT::NAME` names; `Err` is the exit code.
fn load_one(args: &LoadArgs) -> Result<sessionconf::scenario::LoadedScenario, u8> {
    let Some((dialect, _)) = args.scenario.split_once("::") else {
        return Err(usage(format!(
            "--scenario {}: expected DIALECT::NAME",
            args.scenario
        )));
    };
    let source = SuiteSource {
        scenarios_dir: args.suite.scenarios.clone().unwrap_or_default(),
        golden_dir: args.suite.golden_dir.clone().unwrap_or_default(),
        dialects: vec![dialect.to_string()],
        allow_missing_goldens: false,
        variables: Vec::new(),
    };
    let loaded = load_suite(&source).map_err(|errors| config_errors(&errors))?;
    let trials: Vec<String> = loaded
        .iter()
        .filter(|s| s.id.starts_with(&format!("{}[", args.scenario)))
        .map(|s| s.id.clone())
        .collect();
    loaded
        .into_iter()
        .find(|s| s.id == args.scenario)
        .ok_or_else(|| {
            usage(if trials.is_empty() {
                format!(
                    "--scenario {}: no such scenario (see `sessionconf run --list`)",
                    args.scenario
                )
            } else {
                format!(
                    "--scenario {}: the scenario has a matrix; name one of its trials: {}",
                    args.scenario,
                    trials.join(", ")
                )
            })
        })
}

/// Where `load` sends its flows: the endpoint with the user's credentials, or an
/// embedded reference server with its own.
fn load_target(
    args: &LoadArgs,
    dialect: &str,
    client: &ClientOptions,
    interrupted: &Arc<std::sync::atomic::AtomicBool>,
) -> Result<(Arc<RunOptions>, Option<harness::Embedded>), String> {
    let Some(endpoint) = &args.endpoint else {
        let dialects = std::iter::once(dialect.to_string()).collect();
        let servers = harness::Embedded::start(&dialects, &[])?;
        let url = servers.servers[0].0.base_url();
        let url = reqwest::Url::parse(&url).map_err(|e| e.to_string())?;
        return Ok((options(url, client, false, interrupted), Some(servers)));
    };
    let url = harness::parse_endpoint(endpoint)?;
    let (credentials, _) =
        sessionconf::credentials::Credentials::for_endpoint(endpoint).map_err(|e| e.to_string())?;
    let mut options = RunOptions::new(url);
    options.client = client.clone();
    options.credentials = credentials;
    options.interrupted = interrupted.clone();
    Ok((Arc::new(options), None))
}
