//! Every scenario as a libtest-mimic trial, for the binary and for `cargo test`:
//! name filters, `--list`, `--exact`, `--skip`, `--test-threads` and nextest work.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use libtest_mimic::{Arguments, Conclusion, Trial};

use crate::golden::bless::write_text;
use crate::report::{self, ScenarioOutcome};
use crate::run::{run_scenario, RunOptions};
use crate::scenario::LoadedScenario;

/// Where each dialect's scenarios run, and what to write when done.
pub struct Plan {
    pub scenarios: Vec<LoadedScenario>,
    /// Run options per dialect (each dialect has its own endpoint).
    pub targets: BTreeMap<String, Arc<RunOptions>>,
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
}

/// Keeps scenarios that carry every one of `tags` (none: all).
pub fn filter_tags(scenarios: Vec<LoadedScenario>, tags: &[String]) -> Vec<LoadedScenario> {
    scenarios
        .into_iter()
        .filter(|s| tags.iter().all(|t| s.scenario.tags.contains(t)))
        .collect()
}

pub struct Finished {
    pub conclusion: Conclusion,
    pub interrupted: bool,
    pub outcomes: Vec<ScenarioOutcome>,
    /// Reports that could not be written.
    pub report_errors: Vec<String>,
}

impl Finished {
    /// 0 all passed, 1 a scenario failed, 2 a report could not be written, 130 interrupted.
    pub fn exit_code(&self) -> u8 {
        if self.interrupted {
            130
        } else if !self.report_errors.is_empty() {
            2
        } else if self.conclusion.has_failed() {
            1
        } else {
            0
        }
    }
}

pub fn run(plan: Plan, args: &Arguments) -> Finished {
    let outcomes: Arc<Mutex<Vec<ScenarioOutcome>>> = Arc::default();
    let color = report::console::stdout_color();
    let trials: Vec<Trial> = plan
        .scenarios
        .into_iter()
        .filter_map(|loaded| {
            let options = plan.targets.get(&loaded.dialect)?.clone();
            let sink = outcomes.clone();
            Some(Trial::test(loaded.id.clone(), move || {
                if options.is_interrupted() {
                    return Err("not run: the run was interrupted".into());
                }
                let outcome = run_scenario(&loaded, &options);
                let passed = outcome.passed();
                let text = report::console::render(&outcome, color);
                sink.lock().unwrap_or_else(|e| e.into_inner()).push(outcome);
                if passed {
                    Ok(())
                } else {
                    Err(text.into())
                }
            }))
        })
        .collect();
    let interrupted = plan.targets.values().next().map(|o| o.interrupted.clone());
    let conclusion = libtest_mimic::run(args, trials);
    let mut outcomes = std::mem::take(&mut *outcomes.lock().unwrap_or_else(|e| e.into_inner()));
    outcomes.sort_by(|a, b| a.id.cmp(&b.id));
    let endpoints: Vec<String> = plan
        .targets
        .values()
        .map(|o| o.base_url.to_string())
        .collect();
    let mut report_errors = Vec::new();
    if !args.list {
        if let Some(path) = &plan.junit {
            if let Err(e) = write_text(path, &report::junit::render(&outcomes)) {
                report_errors.push(e.to_string());
            }
        }
        if let Some(path) = &plan.json {
            if let Err(e) = write_text(path, &report::json::render(&endpoints.join(" "), &outcomes))
            {
                report_errors.push(e.to_string());
            }
        }
    }
    Finished {
        conclusion,
        interrupted: interrupted.is_some_and(|i| i.load(std::sync::atomic::Ordering::SeqCst)),
        outcomes,
        report_errors,
    }
}

/// The embedded reference servers a run without `--endpoint` starts, one per dialect.
pub struct Embedded {
    pub servers: Vec<crate::server::RunningServer>,
}

impl Embedded {
    /// Starts a server for each dialect on 127.0.0.1 and points its scenarios at it.
    pub fn start(
        dialects: &std::collections::BTreeSet<String>,
        mut configure: impl FnMut(reqwest::Url) -> Arc<RunOptions>,
    ) -> Result<(Embedded, BTreeMap<String, Arc<RunOptions>>), String> {
        use crate::server::{start, Dialect, ServerOptions};
        let mut servers = Vec::new();
        let mut targets = BTreeMap::new();
        for name in dialects {
            let dialect = Dialect::parse(name).ok_or_else(|| {
                format!(
                    "there is no embedded reference server for dialect `{name}`: pass --endpoint"
                )
            })?;
            let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let server = start(dialect, ServerOptions::new(dialect), bind)
                .map_err(|e| format!("cannot start the {name} reference server: {e}"))?;
            let url = reqwest::Url::parse(&server.base_url()).map_err(|e| e.to_string())?;
            targets.insert(name.clone(), configure(url));
            servers.push(server);
        }
        Ok((Embedded { servers }, targets))
    }

    /// Sessions a run left open, per dialect: every scenario must log out in `finally`.
    pub fn leaks(&self) -> Vec<String> {
        self.servers
            .iter()
            .filter(|s| s.open_sessions() > 0)
            .map(|s| {
                format!(
                    "{} session(s) left open on the embedded {} server: a scenario does not log out in `finally`",
                    s.open_sessions(),
                    s.dialect.name()
                )
            })
            .collect()
    }
}

/// On Ctrl-C or SIGTERM, sets `flag`: scenarios in flight stop after their current
/// step and run their `finally` steps, the rest are not started, and the reports
/// of what finished are written. A second signal ends the process at once.
pub fn stop_on_signals(flag: Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::Ordering;
    let spawned = std::thread::Builder::new().name("sessionconf-signals".into()).spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        runtime.block_on(async move {
            #[cfg(unix)]
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            loop {
                #[cfg(unix)]
                let got = match term.as_mut() {
                    Some(t) => tokio::select! { r = tokio::signal::ctrl_c() => r.is_ok(), r = t.recv() => r.is_some() },
                    None => tokio::signal::ctrl_c().await.is_ok(),
                };
                #[cfg(not(unix))]
                let got = tokio::signal::ctrl_c().await.is_ok();
                if !got {
                    return;
                }
                if flag.swap(true, Ordering::SeqCst) {
                    eprintln!("interrupted again: stopping now");
                    std::process::exit(130);
                }
                eprintln!("interrupted: finishing the steps in flight and logging out (again to stop at once)");
            }
        });
    });
    if let Err(e) = spawned {
        eprintln!("warning: cannot watch for Ctrl-C: {e}");
    }
}
