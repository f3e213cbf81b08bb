//! The runs a strength measure is made of, one embedded reference server
//! each, spread over worker threads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{covering, Baseline, Failed, FaultResult, Miss, Strength, VariantResult};
use crate::harness::{self, RunError};
use crate::outcome::{ScenarioOutcome, SessionState, Status};
use crate::scenario::{LoadedScenario, SuiteSource};
use crate::server::{start, Company, Dialect, Fault, Profile, ServerOptions, Variant};

/// What a strength measure is told.
pub struct StrengthConfig {
    /// The suite.
    pub source: SuiteSource,
    /// The version faults and variants run on, for its dialect (each other
    /// dialect: its newest).
    pub profile: Option<Profile>,
    /// The other clients every server has (`--others`, `--churn`).
    pub company: Company,
    /// Runs at once.
    pub jobs: usize,
    /// Draw a progress bar.
    pub progress: bool,
}

/// What one run changes in the server.
#[derive(Debug, Clone, Copy)]
enum Change {
    None,
    Fault(Fault),
    Variant(Variant),
    /// Another version of the vendor, unbroken.
    Version,
}

#[derive(Debug, Clone, Copy)]
struct Job {
    dialect: Dialect,
    profile: Profile,
    change: Change,
}

/// Runs the suite of `config` against each fault and variant; the suite must
/// load and pass `check`. A dialect whose unbroken server fails the suite is
/// measured no further: against it, a fault's failure would prove nothing.
pub fn measure(config: &StrengthConfig) -> Result<Strength, RunError> {
    let valid = harness::validate(&config.source).map_err(RunError::Config)?;
    let coverage = crate::coverage::compute(&valid.scenarios, &valid.catalogues, &[]);
    let dialects: Vec<Dialect> = valid
        .dialects
        .iter()
        .filter_map(|d| Dialect::parse(d))
        .collect();
    if dialects.is_empty() {
        return Err(RunError::Usage(
            "the suite has no dialect the reference server speaks (veeam-em, commvault)".into(),
        ));
    }
    let mut strength = Strength {
        baseline: Vec::new(),
        faults: Vec::new(),
        variants: Vec::new(),
    };
    let baselines: Vec<Job> = plan(&dialects, config.profile)
        .into_iter()
        .filter(|j| matches!(j.change, Change::None))
        .collect();
    let mut clean = Vec::new();
    for (job, ran) in baselines
        .iter()
        .zip(run_all(&baselines, &valid.scenarios, config))
    {
        if ran.failed.is_empty() {
            clean.push(job.dialect);
        }
        strength.baseline.push(Baseline {
            dialect: job.dialect.name().to_string(),
            profile: job.profile.name().to_string(),
            failed: ran.failed,
        });
    }
    let rest: Vec<Job> = plan(&clean, config.profile)
        .into_iter()
        .filter(|j| !matches!(j.change, Change::None))
        .collect();
    for (job, ran) in rest.iter().zip(run_all(&rest, &valid.scenarios, config)) {
        record(&mut strength, job, ran, &coverage, &valid.catalogues);
    }
    Ok(strength)
}

/// One run's result, as a fault caught or missed or a variant passed or alarmed.
fn record(
    strength: &mut Strength,
    job: &Job,
    ran: Ran,
    coverage: &crate::coverage::Coverage,
    catalogues: &BTreeMap<String, Vec<crate::knowledge::Requirement>>,
) {
    let (dialect, profile) = (
        job.dialect.name().to_string(),
        job.profile.name().to_string(),
    );
    match job.change {
        Change::Fault(f) => {
            let requirement = f.breaks(job.dialect).unwrap_or_default().to_string();
            let caught = !ran.failed.is_empty();
            let documented = catalogues
                .get(job.dialect.name())
                .and_then(|c| c.iter().find(|r| r.id == requirement));
            // A requirement the version does not have (tenants without Cloud
            // Connect) cannot be broken there.
            let applies = documented.is_none_or(|r| ran.facts.admits(&r.needs()).is_ok());
            let requirement_covered = coverage.covers(&requirement);
            let missed = (applies && !caught).then(|| match requirement_covered {
                false => Miss::Uncovered,
                true => Miss::of(&ran.covering),
            });
            // A caught fault's differences are what it was made to cause.
            let caught_by = ran
                .failed
                .into_iter()
                .map(|f| Failed {
                    differed: Vec::new(),
                    ..f
                })
                .collect();
            strength.faults.push(FaultResult {
                name: f.name().to_string(),
                requirement_covered,
                requirement_checked: ran.checked.contains(&requirement),
                requirement,
                dialect,
                profile,
                applies,
                caught,
                caught_by,
                covering: if missed.is_some() {
                    ran.covering
                } else {
                    Vec::new()
                },
                missed,
            });
        }
        Change::Variant(_) | Change::Version => strength.variants.push(VariantResult {
            name: variant_name(job),
            dialect,
            profile,
            false_alarm: !ran.failed.is_empty(),
            alarms: ran.failed,
        }),
        Change::None => {}
    }
}

fn variant_name(job: &Job) -> String {
    match job.change {
        Change::Variant(v) => v.name().to_string(),
        _ => format!("version {}", job.profile.name()),
    }
}

/// Per dialect: the unbroken server, each fault and variant on the chosen
/// version, and each other version unbroken.
fn plan(dialects: &[Dialect], chosen: Option<Profile>) -> Vec<Job> {
    let mut jobs = Vec::new();
    for &dialect in dialects {
        let profile = chosen
            .filter(|p| p.dialect() == dialect)
            .unwrap_or(Profile::newest(dialect));
        let job = |change| Job {
            dialect,
            profile,
            change,
        };
        jobs.push(job(Change::None));
        let faults = Fault::ALL.iter().filter(|f| f.applies_to(dialect));
        jobs.extend(faults.map(|f| job(Change::Fault(*f))));
        let variants = Variant::ALL.iter().filter(|v| v.applies_to(dialect));
        jobs.extend(variants.map(|v| job(Change::Variant(*v))));
        let others = Profile::of(dialect).filter(|p| *p != profile);
        jobs.extend(others.map(|p| Job {
            dialect,
            profile: p,
            change: Change::Version,
        }));
    }
    jobs
}

/// Each job's failed trials, in job order, `config.jobs` at a time.
fn run_all(jobs: &[Job], scenarios: &[LoadedScenario], config: &StrengthConfig) -> Vec<Ran> {
    let progress = crate::report::progress::Progress::start(
        &[("strength".to_string(), jobs.len() as u64)],
        config.progress,
    );
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<usize, Ran>> = Mutex::default();
    std::thread::scope(|scope| {
        for _ in 0..config.jobs.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(i) else { break };
                let ran = run_job(job, scenarios, config);
                let good = matches!(job.change, Change::Fault(_)) != ran.failed.is_empty();
                progress.done(
                    "strength",
                    if good { Status::Passed } else { Status::Failed },
                );
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(i, ran);
            });
        }
    });
    progress.finish();
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.into_values().collect()
}

/// What one run against a changed server found.
#[derive(Default)]
struct Ran {
    /// The trials that failed or left a session open.
    failed: Vec<Failed>,
    /// The requirements a step that ran cites.
    checked: std::collections::BTreeSet<String>,
    /// What the probe found of the server.
    facts: harness::Facts,
    /// For a fault: the steps that cite its requirement, as they ran.
    covering: Vec<covering::Covering>,
}

/// The suite's trials of the job's dialect against a server changed as the
/// job says.
fn run_job(job: &Job, scenarios: &[LoadedScenario], config: &StrengthConfig) -> Ran {
    let source = &config.source;
    let mut options = ServerOptions::new(job.dialect);
    options.profile = job.profile;
    options.company = config.company.clone();
    match job.change {
        Change::Fault(f) => options.faults.push(f),
        Change::Variant(v) => v.apply(&mut options),
        Change::None | Change::Version => {}
    }
    let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let not_run = |why: String| Ran {
        failed: vec![Failed {
            trial: format!("{}: {why}", job.dialect.name()),
            step: None,
            breaks: Vec::new(),
            sessions_left_open: 0,
            differed: Vec::new(),
        }],
        ..Ran::default()
    };
    let server = match start(job.dialect, options, bind) {
        Ok(s) => s,
        Err(e) => return not_run(format!("the reference server did not start: {e}")),
    };
    let url = match reqwest::Url::parse(&server.base_url()) {
        Ok(u) => u,
        Err(e) => return not_run(e.to_string()),
    };
    let run = crate::run::RunOptions::new(url);
    let ran = match harness::run_against_quietly(scenarios, source, job.dialect.name(), run) {
        Ok(ran) => ran,
        Err(e) => return not_run(e.to_string()),
    };
    let mut failed: Vec<Failed> = ran.outcomes.iter().filter_map(what_failed).collect();
    let open = open_count(&ran.info.probe_sessions);
    if open > 0 {
        failed.push(Failed {
            trial: format!("{}::probe", job.dialect.name()),
            step: None,
            breaks: Vec::new(),
            sessions_left_open: open,
            differed: Vec::new(),
        });
    }
    // Ending another client's session is as wrong as leaving one's own open.
    let intruded = server.company_sessions_ended();
    if intruded > 0 {
        failed.push(Failed {
            trial: format!(
                "{}: {intruded} session(s) of other clients ended",
                job.dialect.name()
            ),
            step: None,
            breaks: Vec::new(),
            sessions_left_open: 0,
            differed: Vec::new(),
        });
    }
    let checked = ran
        .outcomes
        .iter()
        .flat_map(|o| &o.steps)
        .filter(|s| s.status != Status::Skipped)
        .flat_map(|s| s.covers.iter().cloned())
        .collect();
    let covering = match job.change {
        Change::Fault(f) => f.breaks(job.dialect).map_or_else(Vec::new, |r| {
            covering::covering(r, job.dialect.name(), scenarios, &ran.outcomes)
        }),
        _ => Vec::new(),
    };
    Ran {
        failed,
        checked,
        facts: facts_of(&ran.info),
        covering,
    }
}

/// What the probe found, as the facts requirements are judged by.
fn facts_of(info: &crate::report::TargetInfo) -> harness::Facts {
    harness::Facts {
        version: info
            .version
            .as_deref()
            .and_then(crate::version::Version::parse),
        capabilities: info.capabilities.iter().cloned().collect(),
        unread: info.capabilities_unread.iter().cloned().collect(),
        probed: true,
        ..harness::Facts::default()
    }
}

fn open_count(sessions: &[crate::outcome::SessionEnd]) -> usize {
    sessions
        .iter()
        .filter(|s| s.state == SessionState::Open)
        .count()
}

/// A trial that failed or left a session open, with its first failed step.
fn what_failed(outcome: &ScenarioOutcome) -> Option<Failed> {
    let open = open_count(&outcome.sessions);
    if outcome.passed() && open == 0 {
        return None;
    }
    let step = outcome.steps.iter().find(|s| s.status == Status::Failed);
    Some(Failed {
        trial: outcome.id.clone(),
        step: step.map(|s| s.name.clone()),
        breaks: step
            .map(|s| s.breaks.iter().map(|b| b.id.clone()).collect())
            .unwrap_or_default(),
        sessions_left_open: open,
        differed: step.map(|s| s.failures.clone()).unwrap_or_default(),
    })
}
