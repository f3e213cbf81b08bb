//! One run of the suite, from options to exit code: load the scenarios, find
//! each dialect's server (an endpoint, or an embedded reference server playing a
//! profile), probe what it is, run the scenarios as trials, write the reports,
//! count the sessions left open. The binary and `tests/conformance.rs` both call
//! [`execute`], so they cannot drift apart.

mod budget;
pub mod compare_servers;
mod embedded;
mod other_versions;
mod probe;
mod profiles;
pub mod signals;
mod target;
mod trials;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use libtest_mimic::{Arguments, Conclusion};

pub use embedded::Embedded;
pub use profiles::probe_profiles;
pub use target::Facts;

use crate::credentials::Credentials;
use crate::error::ConfigError;
use crate::exit::Exit;
use crate::report::{ReportError, ReportFile, RunSummary};
use crate::run::{ClientOptions, RunOptions};
use crate::scenario::model::Account;
use crate::scenario::{load_selected, load_suite, LoadedScenario, Selected, SuiteSource, Unloaded};
use crate::server::Profile;
use target::Target;

/// Everything a run is told.
pub struct RunConfig {
    /// The scenarios and goldens.
    pub source: SuiteSource,
    /// Keep only scenarios with every one of these tags.
    pub tags: Vec<String>,
    /// The servers to run against, side by side (at least one).
    pub targets: Vec<TargetSpec>,
    /// Limit on a scenario's steps (its `finally` steps then still run).
    pub scenario_timeout: std::time::Duration,
    /// Record differing or missing goldens.
    pub bless: bool,
    /// Bless writes pending files beside the goldens, for review.
    pub bless_pending: bool,
    /// Reports to write at the end.
    pub reports: Vec<ReportFile>,
    /// Watch for Ctrl-C and SIGTERM.
    pub watch_signals: bool,
    /// Variables every scenario has (`--var`, the configuration file); they
    /// override a scenario's own `vars` of the same name.
    pub variables: BTreeMap<String, String>,
    /// Show every step's request and response on the console, not only a failed step's response.
    pub verbose: bool,
    /// A filter that selects no trial is not an error (in `cargo test`, where
    /// a filter meant for other tests reaches this harness too).
    pub allow_empty: bool,
    /// Sessions a target may have open at once, unless its own settings say
    /// otherwise; scenarios run side by side up to it.
    pub max_sessions: usize,
}

/// Sessions a target may have open at once by default: real servers cap
/// them, and a run must leave room for the server's other users.
pub const DEFAULT_MAX_SESSIONS: usize = 8;

/// A server the suite runs against: an endpoint, or embedded reference servers
/// (one per dialect, each playing a profile).
#[derive(Debug, Clone)]
pub struct TargetSpec {
    /// Its name: a target of the configuration file, `embedded`, or the endpoint's host.
    pub name: String,
    /// The API base URL; without it, embedded reference servers.
    pub endpoint: Option<String>,
    /// The versions the embedded servers play (one per dialect at most).
    pub profiles: Vec<Profile>,
    /// The other clients the embedded servers have (no meaning with an endpoint).
    pub company: crate::server::Company,
    /// The one dialect it runs; every dialect of the suite when `None`.
    pub dialect: Option<String>,
    /// HTTP client settings.
    pub client: ClientOptions,
    /// The environment variables holding its accounts.
    pub credential_vars: crate::credentials::CredentialVars,
    /// Sessions it may have open at once (the run's `max_sessions` when `None`).
    pub max_sessions: Option<usize>,
}

impl TargetSpec {
    /// The one target of a run that names none: `endpoint`, or the embedded servers.
    pub fn unnamed(
        endpoint: Option<String>,
        profiles: Vec<Profile>,
        client: ClientOptions,
    ) -> TargetSpec {
        let host = endpoint
            .as_deref()
            .and_then(|e| reqwest::Url::parse(e).ok())
            .and_then(|u| {
                let host = u.host_str()?.to_string();
                Some(match u.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            });
        TargetSpec {
            name: match (&endpoint, host) {
                (None, _) => "embedded".to_string(),
                (Some(_), Some(host)) => host,
                (Some(_), None) => "endpoint".to_string(),
            },
            endpoint,
            profiles,
            company: Default::default(),
            dialect: None,
            client,
            credential_vars: Default::default(),
            max_sessions: None,
        }
    }

    fn runs(&self, dialect: &str) -> bool {
        self.dialect.as_deref().is_none_or(|d| d == dialect)
    }
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Scenarios, goldens or version data that cannot be used.
    #[error("{} configuration error{}", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Config(Vec<ConfigError>),
    /// Options that cannot be used.
    #[error("{0}")]
    Usage(String),
}

impl RunError {
    /// Always a usage error.
    pub fn exit(&self) -> Exit {
        Exit::Usage
    }
}

/// What a run found.
pub struct Finished {
    /// libtest-mimic's count.
    pub conclusion: Conclusion,
    /// What every report renders.
    pub summary: RunSummary,
    /// Reports that could not be written.
    pub report_errors: Vec<ReportError>,
    /// Sessions an embedded server saw left open.
    pub leaks: Vec<String>,
    /// Goldens a bless could not write (their uses disagree), one line each.
    pub not_blessed: Vec<String>,
}

impl Finished {
    /// The exit code: interrupted, a report not written, a session left open, a failure, or success.
    pub fn exit(&self) -> Exit {
        let left_open = !self.leaks.is_empty() || self.summary.sessions_left_open() > 0;
        if self.summary.interrupted {
            Exit::Interrupted
        } else if !self.report_errors.is_empty() {
            Exit::Usage
        } else if left_open {
            Exit::SessionsLeftOpen
        } else if self.conclusion.has_failed() || !self.not_blessed.is_empty() {
            Exit::Failed
        } else {
            Exit::Passed
        }
    }
}

/// Runs the suite as `config` says, with libtest-mimic's `args` (filters, `--list`).
pub fn execute(mut config: RunConfig, args: &Arguments) -> Result<Finished, RunError> {
    // A missing golden does not stop the run: the step that needs it fails
    // (or bless records it), and a trial that does not apply to this server
    // needs none (a server without tenants never answers a tenant's logon, so
    // bless cannot record that golden). `check` still reports every one.
    config.source.allow_missing_goldens = true;
    check_names(&config.targets)?;
    let Selected {
        loaded: all,
        unloaded,
    } = load_for(&config, args)?;
    if !config.allow_empty {
        let targets: Vec<(&str, Option<&str>)> = config
            .targets
            .iter()
            .map(|t| (t.name.as_str(), t.dialect.as_deref()))
            .collect();
        trials::something_selected(&all, unloaded.len(), &config.tags, &targets, args)
            .map_err(RunError::Usage)?;
    }
    let unloaded = unloaded_trials(&config.targets, &unloaded);
    let Prepared { groups, book } = prepare(&config, &all, args.list)?;
    let scenarios = filter_tags(all, &config.tags);
    let used = config.bless.then(|| scenarios.clone());
    let args = &sized_for_io(args, &groups, &scenarios);
    let ran = trials::run_trials(scenarios, unloaded, &groups, args, config.verbose);
    let mut not_blessed = Vec::new();
    if !args.list {
        let summary = crate::report::console::render_summary_with(&ran.summary, config.verbose);
        eprint!("{summary}");
        if let Some(used) = used {
            if !ran.summary.interrupted {
                other_versions::record_missing(&config.source, &used, &book, &played(&groups));
            }
            not_blessed = settle_bless(&book, &used, &ran.summary);
        }
    }
    let report_errors = if args.list {
        Vec::new()
    } else {
        crate::report::write_all(&config.reports, &ran.summary)
    };
    let leaks = if args.list || ran.summary.interrupted {
        Vec::new()
    } else {
        leaks(&groups)
    };
    drop(groups);
    Ok(Finished {
        conclusion: ran.conclusion,
        summary: ran.summary,
        report_errors,
        leaks,
        not_blessed,
    })
}

/// The suite as the run's filters need it: a filter (nextest gives one per
/// process) loads only the files with a trial it selects on some target.
fn load_for(config: &RunConfig, args: &Arguments) -> Result<Selected, RunError> {
    let wanted = |dialect: &str, id: &str| selected_on(&config.targets, args, dialect, id);
    let wanted: Option<crate::scenario::Wanted> = names_filtered(args).then_some(&wanted);
    load_selected(&config.source, wanted).map_err(RunError::Config)
}

/// Whether libtest's arguments select trials by name (a filter or `--skip`).
fn names_filtered(args: &Arguments) -> bool {
    args.filter.is_some() || !args.skip.is_empty()
}

/// Whether the trial `id` of `dialect` is selected on some target that runs it.
fn selected_on(targets: &[TargetSpec], args: &Arguments, dialect: &str, id: &str) -> bool {
    names_on(targets, dialect, id).any(|name| trials::selects(args, &name))
}

/// The names of the trials of files not loaded, on each target that runs
/// their dialect: libtest counts them as filtered out, as they are.
fn unloaded_trials(targets: &[TargetSpec], unloaded: &[Unloaded]) -> Vec<String> {
    unloaded
        .iter()
        .flat_map(|u| names_on(targets, &u.dialect, &u.id))
        .collect()
}

/// The trial `id` of `dialect` by name on each target that runs the dialect.
fn names_on<'a>(
    targets: &'a [TargetSpec],
    dialect: &'a str,
    id: &'a str,
) -> impl Iterator<Item = String> + 'a {
    let several = targets.len() > 1;
    targets
        .iter()
        .filter(move |t| t.runs(dialect))
        .map(move |t| crate::outcome::trial_name(&t.name, id, several))
}

/// Trials at once, unless `--jobs` (or libtest's `--test-threads`) says: a
/// run waits on the network, not the CPU, so as many as the targets' session
/// budgets allow, and as many again for trials that open no session.
fn sized_for_io(
    args: &Arguments,
    groups: &[target::Group],
    scenarios: &[LoadedScenario],
) -> Arguments {
    let budgets: usize = groups
        .iter()
        .flat_map(|g| g.targets.values())
        .map(|t| t.budget.size())
        .sum();
    let selected = trials::trial_counts(scenarios, groups, args)
        .iter()
        .map(|(_, n)| *n as usize)
        .sum();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    threads_for(args, (budgets, cores), selected)
}

/// `args` with a thread for each session the budgets allow and one per core,
/// but never more than the trials it runs (a lone trial runs on this thread,
/// where the probe ran, and reuses its connection) nor more than 64; what
/// the user asked for stays.
fn threads_for(args: &Arguments, (budgets, cores): (usize, usize), trials: usize) -> Arguments {
    let mut args = args.clone();
    if args.test_threads.is_none() {
        args.test_threads = Some((budgets + cores).min(64).min(trials).max(1));
    }
    args
}

/// The targets of a run, found, reached and probed, and what they share.
struct Prepared {
    groups: Vec<target::Group>,
    book: Arc<crate::golden::book::BlessBook>,
}

/// Checks the options, loads each dialect's version data, starts or finds
/// each target's servers, and (unless only listing) reaches them, watches for
/// Ctrl-C (the probe logs on) and probes them.
fn prepare(
    config: &RunConfig,
    all: &[LoadedScenario],
    listing: bool,
) -> Result<Prepared, RunError> {
    // The options are checked (certificate files read) without reading trust roots.
    for spec in &config.targets {
        crate::run::client::check(&spec.client).map_err(RunError::Usage)?;
    }
    let dialects: BTreeSet<String> = all.iter().map(|s| s.dialect.clone()).collect();
    let mut data = BTreeMap::new();
    for dialect in &dialects {
        let d = crate::knowledge::load(
            &config.source.scenarios_dir,
            &config.source.golden_dir,
            dialect,
            config.source.allow_missing_goldens,
        )
        .map_err(RunError::Config)?;
        data.insert(dialect.clone(), d);
    }
    let catalogues = data
        .iter()
        .map(|(d, k)| (d.clone(), k.requirements.clone()))
        .collect();
    let unknown = crate::coverage::citations::check(all, &catalogues);
    if !unknown.is_empty() {
        return Err(RunError::Config(unknown));
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    let sessions = crate::run::open_sessions::OpenSessions::default();
    let book = Arc::new(if config.bless_pending {
        crate::golden::book::BlessBook::pending()
    } else {
        crate::golden::book::BlessBook::default()
    });
    let shared = Shared {
        interrupted: &interrupted,
        sessions: &sessions,
        book: &book,
        several: config.targets.len() > 1,
        listing,
    };
    let mut groups = Vec::new();
    for spec in &config.targets {
        groups.push(find_group(config, spec, &dialects, &shared)?);
    }
    if !listing {
        for group in groups.iter().filter(|g| g.embedded.is_none()) {
            for target in group.targets.values() {
                reachable(
                    &target.options.base_url,
                    target.options.client.connect_timeout,
                )
                .map_err(|e| RunError::Usage(format!("target {}: {e}", group.name)))?;
            }
        }
        // The probe logs on: from here an interrupt must log out, not end the process.
        if config.watch_signals {
            signals::stop_on_signals(interrupted.clone(), sessions.clone());
        }
        probe_all(&mut groups, &data, all);
    }
    Ok(Prepared { groups, book })
}

/// What every target of a run shares.
struct Shared<'a> {
    interrupted: &'a Arc<AtomicBool>,
    sessions: &'a crate::run::open_sessions::OpenSessions,
    book: &'a Arc<crate::golden::book::BlessBook>,
    several: bool,
    listing: bool,
}

/// Target names are what tell trials apart: each must be there and be one of a kind.
fn check_names(targets: &[TargetSpec]) -> Result<(), RunError> {
    if targets.is_empty() {
        return Err(RunError::Usage("the run has no target".into()));
    }
    let mut seen = BTreeSet::new();
    for t in targets {
        if t.name.is_empty() || t.name.contains('/') {
            return Err(RunError::Usage(format!(
                "target name {:?}: a name is not empty and has no `/`",
                t.name
            )));
        }
        if !seen.insert(t.name.as_str()) {
            return Err(RunError::Usage(format!(
                "target `{}` is named twice",
                t.name
            )));
        }
    }
    Ok(())
}

/// Each target's probe, all targets at once (a slow server does not hold up
/// the others); one target's on this thread, whose connection the trials
/// that run here then reuse.
fn probe_all(
    groups: &mut [target::Group],
    data: &BTreeMap<String, crate::knowledge::Knowledge>,
    all: &[LoadedScenario],
) {
    let mut targets: Vec<&mut Target> = groups
        .iter_mut()
        .flat_map(|g| g.targets.values_mut())
        .collect();
    if let [target] = &mut targets[..] {
        let needed = probe::needed_by(all, &target.dialect);
        if let Some(warning) = probe::learn(target, &data[&target.dialect], Some(&needed)) {
            eprintln!("{warning}");
        }
        return;
    }
    std::thread::scope(|scope| {
        for target in targets {
            let data = &data[&target.dialect];
            let needed = probe::needed_by(all, &target.dialect);
            scope.spawn(move || {
                if let Some(warning) = probe::learn(target, data, Some(&needed)) {
                    eprintln!("{warning}");
                }
            });
        }
    });
}

/// Writes what bless recorded; the goldens it could not write, one line each.
fn settle_bless(
    book: &crate::golden::book::BlessBook,
    used: &[LoadedScenario],
    summary: &RunSummary,
) -> Vec<String> {
    let settled = book.settle();
    let listing = crate::golden::listing::BlessListing::of(used, &summary.scenarios, &settled);
    eprint!("{}", listing.render());
    settled
        .not_written
        .into_iter()
        .map(|(_, why)| why)
        .collect()
}

/// The versions the run's embedded reference servers played, by dialect.
fn played(groups: &[target::Group]) -> BTreeMap<String, BTreeSet<Profile>> {
    let mut out: BTreeMap<String, BTreeSet<Profile>> = BTreeMap::new();
    for servers in groups.iter().filter_map(|g| g.embedded.as_ref()) {
        for (server, profile) in &servers.servers {
            out.entry(server.dialect.name().to_string())
                .or_default()
                .insert(*profile);
        }
    }
    out
}

/// Sessions the embedded servers saw left open, named by target when there are several.
fn leaks(groups: &[target::Group]) -> Vec<String> {
    let several = groups.len() > 1;
    groups
        .iter()
        .filter_map(|g| Some((g, g.embedded.as_ref()?)))
        .flat_map(|(g, servers)| {
            servers.leaks().into_iter().map(move |leak| {
                if several {
                    format!("target {}: {leak}", g.name)
                } else {
                    leak
                }
            })
        })
        .collect()
}

/// Prints what kept a run from starting or from ending cleanly (configuration
/// errors, reports not written, sessions an embedded server saw left open) and
/// says how the run ended.
pub fn conclude(result: Result<Finished, RunError>) -> Exit {
    match result {
        Ok(finished) => {
            for e in &finished.report_errors {
                eprintln!("error: {e}");
            }
            for leak in &finished.leaks {
                eprintln!("error: {leak}");
            }
            finished.exit()
        }
        Err(RunError::Config(errors)) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            eprintln!("{}", RunError::Config(errors));
            Exit::Usage
        }
        Err(e) => {
            eprintln!("error: {e}");
            e.exit()
        }
    }
}

/// Loads every scenario, golden and dialect version data (probe, known
/// deviations) of `source`, without touching the network: `sessionconf check`.
pub fn validate(source: &SuiteSource) -> Result<Validated, Vec<ConfigError>> {
    let all = load_suite(source)?;
    let dialects: BTreeSet<&str> = all.iter().map(|s| s.dialect.as_str()).collect();
    let mut errors = Vec::new();
    let goldens_of = |s: &LoadedScenario| {
        s.goldens
            .values()
            .map(|g| g.path.clone())
            .collect::<Vec<_>>()
    };
    let mut goldens: BTreeSet<PathBuf> = all.iter().flat_map(goldens_of).collect();
    let mut catalogues = BTreeMap::new();
    for dialect in &dialects {
        match crate::knowledge::load(
            &source.scenarios_dir,
            &source.golden_dir,
            dialect,
            source.allow_missing_goldens,
        ) {
            Ok(data) => {
                catalogues.insert(dialect.to_string(), data.requirements.clone());
                goldens.extend(data.probe.iter().flat_map(goldens_of));
                goldens.extend(
                    data.deviations
                        .iter()
                        .flat_map(|d| d.goldens.values().map(|g| g.path.clone())),
                );
            }
            Err(e) => {
                errors.extend(e);
                // A mistake elsewhere in the suite's knowledge leaves the
                // requirements readable: the ids steps cite are still checked
                // against them, not all refused (one mistake, one error).
                if let Ok(c) = crate::knowledge::catalogue(&source.scenarios_dir, dialect) {
                    catalogues.insert(dialect.to_string(), c);
                }
            }
        }
    }
    errors.extend(crate::coverage::citations::check(&all, &catalogues));
    if errors.is_empty() {
        let dialects = dialects.into_iter().map(str::to_string).collect();
        Ok(Validated {
            scenarios: all,
            goldens,
            dialects,
            catalogues,
        })
    } else {
        Err(errors)
    }
}

/// What `check` found valid.
pub struct Validated {
    /// Every scenario (every matrix trial).
    pub scenarios: Vec<LoadedScenario>,
    /// Every golden a scenario, a probe or a known deviation names.
    pub goldens: BTreeSet<PathBuf>,
    /// The dialects they belong to.
    pub dialects: BTreeSet<String>,
    /// Each dialect's documented requirements (the tool's with the suite's own).
    pub catalogues: BTreeMap<String, Vec<crate::knowledge::Requirement>>,
}

/// Keeps scenarios that carry every one of `tags` (none: all).
pub fn filter_tags(scenarios: Vec<LoadedScenario>, tags: &[String]) -> Vec<LoadedScenario> {
    scenarios
        .into_iter()
        .filter(|s| tags.iter().all(|t| s.scenario.tags.contains(t)))
        .collect()
}

/// A target's server for each dialect it runs: its endpoint, or embedded
/// reference servers.
fn find_group(
    config: &RunConfig,
    spec: &TargetSpec,
    dialects: &BTreeSet<String>,
    shared: &Shared,
) -> Result<target::Group, RunError> {
    let dialects: BTreeSet<String> = dialects.iter().filter(|d| spec.runs(d)).cloned().collect();
    let make = |dialect: &str, url, account: (Credentials, bool), profile: Option<Profile>| {
        let target = make_target(config, spec, shared, (dialect, url), account, profile);
        (dialect.to_string(), target)
    };
    let group = |targets, embedded| target::Group {
        name: spec.name.clone(),
        targets,
        embedded,
    };
    let named = |e: String| {
        RunError::Usage(if shared.several {
            format!("target {}: {e}", spec.name)
        } else {
            e
        })
    };
    if let Some(endpoint) = &spec.endpoint {
        let url = endpoint_url(endpoint, &dialects).map_err(named)?;
        // Listing sends nothing, so it needs no credentials.
        let account = match Credentials::for_endpoint_from(url.as_str(), &spec.credential_vars) {
            Ok(c) => c,
            Err(_) if shared.listing => (Credentials::from_env(), true),
            Err(e) => return Err(named(e.to_string())),
        };
        let targets = dialects
            .iter()
            .map(|d| make(d, url.clone(), account.clone(), None))
            .collect();
        return Ok(group(targets, None));
    }
    if shared.listing {
        let url: reqwest::Url = "http://127.0.0.1/".parse().expect("a URL");
        let targets = dialects
            .iter()
            .map(|d| make(d, url.clone(), (Credentials::from_env(), true), None))
            .collect();
        return Ok(group(targets, None));
    }
    let servers = Embedded::start(&dialects, &spec.profiles, &spec.company).map_err(named)?;
    let mut targets = BTreeMap::new();
    for (server, profile) in &servers.servers {
        let whose = if shared.several {
            format!("{}: ", spec.name)
        } else {
            String::new()
        };
        let (dialect, url) = (server.dialect.name(), server.base_url());
        eprintln!(
            "{whose}embedded {dialect} reference server ({}) at {url}",
            profile.name()
        );
        let url = reqwest::Url::parse(&url).map_err(|e| RunError::Usage(e.to_string()))?;
        let (name, target) = make(
            dialect,
            url,
            (Credentials::from_env(), true),
            Some(*profile),
        );
        targets.insert(name, target);
    }
    Ok(group(targets, Some(servers)))
}

/// One dialect's server of a target, with the run's options and what the
/// run shares; `account` is the credentials and whether they include the
/// second (tenant) account.
fn make_target(
    config: &RunConfig,
    spec: &TargetSpec,
    shared: &Shared,
    (dialect, url): (&str, reqwest::Url),
    (credentials, has_tenant): (Credentials, bool),
    profile: Option<Profile>,
) -> Target {
    let mut options = RunOptions::new(url);
    options.target = spec.name.clone();
    options.several_targets = shared.several;
    options.client = spec.client.clone();
    options.scenario_timeout = config.scenario_timeout;
    options.bless = config.bless;
    options.interrupted = shared.interrupted.clone();
    options.open_sessions = shared.sessions.clone();
    options.bless_book = shared.book.clone();
    options.credentials = credentials;
    options.variables = config.variables.clone();
    let mut facts = Facts::default();
    if has_tenant {
        facts.accounts.insert(Account::Tenant);
    }
    Target {
        dialect: dialect.to_string(),
        options: Arc::new(options),
        facts,
        profile: profile.map(|p| p.name().to_string()),
        probe_sessions: Vec::new(),
        budget: Arc::new(budget::Budget::new(
            spec.max_sessions.unwrap_or(config.max_sessions),
        )),
    }
}

/// Whether anything listens at the endpoint, asked once before any scenario:
/// an endpoint that cannot be reached is a usage error said once (exit 2), not
/// the same connection error in every scenario.
fn reachable(url: &reqwest::Url, timeout: std::time::Duration) -> Result<(), String> {
    use std::net::ToSocketAddrs;
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<std::net::SocketAddr> = (host.trim_matches(['[', ']']), port)
        .to_socket_addrs()
        .map_err(|e| {
            format!("cannot reach {url}: the name {host} does not resolve ({e}); nothing was run")
        })?
        .collect();
    let mut last = None;
    for address in &addresses {
        match std::net::TcpStream::connect_timeout(address, timeout) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(format!("{address}: {e}")),
        }
    }
    Err(format!(
        "cannot reach {url} ({}); nothing was run",
        last.unwrap_or_else(|| format!("{host} has no address"))
    ))
}

/// The endpoint as a URL, for one dialect to run against it.
fn endpoint_url(endpoint: &str, dialects: &BTreeSet<String>) -> Result<reqwest::Url, String> {
    if dialects.len() > 1 {
        return Err(format!(
            "--endpoint is one server, but the suite has several dialects ({}): choose one with --dialect",
            dialects.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    parse_endpoint(endpoint)
}

/// An endpoint as a URL: http or https, and no credentials in it (they would be
/// printed in every report; the error does not repeat them).
pub fn parse_endpoint(endpoint: &str) -> Result<reqwest::Url, String> {
    let usage = |m: String| Err(m);
    let url = match reqwest::Url::parse(endpoint) {
        Ok(u) => u,
        // An unreadable URL may still hold a password before its `@`: not echoed then.
        Err(e) if endpoint.contains('@') => return usage(format!("--endpoint: not a URL: {e}")),
        Err(e) => return usage(format!("--endpoint {endpoint}: not a URL: {e}")),
    };
    if !url.username().is_empty() || url.password().is_some() {
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return usage(format!(
            "--endpoint {shown}: credentials in the URL are refused (they would be written in reports); set SESSIONCONF_USER and SESSIONCONF_PASSWORD"
        ));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return usage(format!(
            "--endpoint {endpoint}: scheme {} is not http or https",
            url.scheme()
        ));
    }
    Ok(url)
}

/// Runs `scenarios` one after another against `base_url` as a run would: the
/// dialect's probe first, then each scenario that applies, known deviations
/// recognised. For tests and tools that need outcomes, not trials.
pub fn run_against(
    scenarios: &[LoadedScenario],
    source: &SuiteSource,
    dialect: &str,
    options: RunOptions,
) -> Result<
    (
        Vec<crate::outcome::ScenarioOutcome>,
        crate::report::TargetInfo,
    ),
    RunError,
> {
    let ran = run_against_quietly(scenarios, source, dialect, options)?;
    if let Some(warning) = &ran.probe_warning {
        eprintln!("{warning}");
    }
    Ok((ran.outcomes, ran.info))
}

/// What [`run_against_quietly`] found.
pub struct Ran {
    /// Each scenario's outcome.
    pub outcomes: Vec<crate::outcome::ScenarioOutcome>,
    /// What the probe learned of the server.
    pub info: crate::report::TargetInfo,
    /// Why the probe failed, when it did.
    pub probe_warning: Option<String>,
}

/// [`run_against`], leaving the probe's warning to the caller (many runs at
/// once, against servers broken on purpose, would bury the console in them).
pub fn run_against_quietly(
    scenarios: &[LoadedScenario],
    source: &SuiteSource,
    dialect: &str,
    options: RunOptions,
) -> Result<Ran, RunError> {
    let data = crate::knowledge::load(&source.scenarios_dir, &source.golden_dir, dialect, false)
        .map_err(RunError::Config)?;
    let mut facts = Facts::default();
    facts.accounts.insert(Account::Tenant);
    let mut target = Target {
        dialect: dialect.to_string(),
        options: Arc::new(options),
        facts,
        profile: None,
        probe_sessions: Vec::new(),
        budget: Arc::new(budget::Budget::new(DEFAULT_MAX_SESSIONS)),
    };
    // The caller is given the facts (`Ran::info`), whatever its scenarios need.
    let probe_warning = probe::learn(&mut target, &data, None);
    let name = target.options.target.clone();
    let outcomes = scenarios
        .iter()
        .filter(|s| s.dialect == dialect)
        .map(|s| match target.facts.admits(&s.needs) {
            Ok(()) => crate::run::run_scenario(s, &target.options),
            Err(why) => trials::not_applicable(s, &name, false, why),
        })
        .collect();
    Ok(Ran {
        outcomes,
        info: target.info(&name),
        probe_warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Arguments {
        Arguments::from_iter(std::iter::once("sessionconf").chain(list.iter().copied()))
    }

    fn target(name: &str, dialect: Option<&str>) -> TargetSpec {
        let mut spec = TargetSpec::unnamed(None, Vec::new(), ClientOptions::default());
        spec.name = name.to_string();
        spec.dialect = dialect.map(str::to_string);
        spec
    }

    #[test]
    fn a_trial_is_selected_by_its_name_on_a_target_that_runs_its_dialect() {
        let one = [target("embedded", None)];
        let exact = args(&["--exact", "d::x[f=a]"]);
        assert!(selected_on(&one, &exact, "d", "d::x[f=a]"));
        assert!(!selected_on(&one, &exact, "d", "d::x[f=b]"));
        // With several targets a trial's name starts with its target's.
        let two = [target("a", None), target("b", Some("other"))];
        assert!(!selected_on(&two, &exact, "d", "d::x[f=a]"));
        assert!(selected_on(
            &two,
            &args(&["--exact", "a/d::x[f=a]"]),
            "d",
            "d::x[f=a]"
        ));
        assert!(!selected_on(
            &two,
            &args(&["--exact", "b/d::x[f=a]"]),
            "d",
            "d::x[f=a]"
        ));
        assert!(selected_on(&two, &args(&["b/"]), "other", "other::y"));
        assert!(!selected_on(&two, &args(&["--skip", "a/"]), "d", "d::x"));
        assert!(names_filtered(&args(&["x"])));
        assert!(names_filtered(&args(&["--skip", "x"])));
        assert!(!names_filtered(&args(&["--exact"])));
    }

    #[test]
    fn unloaded_trials_are_named_on_each_target_that_runs_their_dialect() {
        let unloaded = [
            Unloaded {
                dialect: "d".into(),
                id: "d::x".into(),
            },
            Unloaded {
                dialect: "other".into(),
                id: "other::y".into(),
            },
        ];
        let one = [target("embedded", None)];
        assert_eq!(unloaded_trials(&one, &unloaded), ["d::x", "other::y"]);
        let two = [target("a", Some("d")), target("b", None)];
        assert_eq!(
            unloaded_trials(&two, &unloaded),
            ["a/d::x", "b/d::x", "b/other::y"]
        );
    }

    #[test]
    fn threads_follow_the_budget_but_never_outnumber_the_trials() {
        assert_eq!(threads_for(&args(&[]), (8, 2), 56).test_threads, Some(10));
        assert_eq!(threads_for(&args(&[]), (8, 2), 3).test_threads, Some(3));
        assert_eq!(threads_for(&args(&[]), (8, 2), 1).test_threads, Some(1));
        assert_eq!(threads_for(&args(&[]), (8, 2), 0).test_threads, Some(1));
        assert_eq!(
            threads_for(&args(&[]), (400, 100), 500).test_threads,
            Some(64)
        );
        let asked = args(&["--test-threads", "7"]);
        assert_eq!(threads_for(&asked, (8, 2), 1).test_threads, Some(7));
    }
}
