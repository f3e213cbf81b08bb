//! Every scenario as a libtest-mimic trial, for the binary and for `cargo test`:
//! name filters, `--list`, `--exact`, `--skip`, `--test-threads` and nextest work.
//! A scenario the target cannot run (a capability, account or version it lacks)
//! is not a trial that fails: it is reported as not applicable, with the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, RwLock};

use libtest_mimic::{Arguments, Conclusion, Trial};

use super::target::Target;
use crate::outcome::{ScenarioOutcome, Status};
use crate::report::{self, RunSummary};
use crate::run::run_scenario;
use crate::scenario::LoadedScenario;

/// What the trials produced.
pub(crate) struct TrialsRun {
    pub conclusion: Conclusion,
    pub summary: RunSummary,
}

/// Runs `scenarios` against their dialect's target as trials.
pub(crate) fn run_trials(
    scenarios: Vec<LoadedScenario>,
    targets: &BTreeMap<String, Target>,
    args: &Arguments,
    verbose: bool,
) -> TrialsRun {
    let outcomes: Arc<Mutex<Vec<ScenarioOutcome>>> = Arc::default();
    let gate: Arc<RwLock<()>> = Arc::default();
    let color = report::console::stdout_color();
    let mut ids = BTreeSet::new();
    let mut trials = Vec::new();
    for loaded in scenarios {
        let Some(target) = targets.get(&loaded.dialect) else {
            continue;
        };
        ids.insert(loaded.id.clone());
        if let Err(why) = target.facts.admits(&loaded.needs) {
            let outcome = not_applicable(&loaded, why);
            let sink = outcomes.clone();
            trials.push(Trial::test(loaded.id.clone(), move || {
                eprint!("{}", report::console::render(&outcome, color));
                sink.lock().unwrap_or_else(|e| e.into_inner()).push(outcome);
                Ok(())
            }));
            continue;
        }
        let options = target.options.clone();
        let sink = outcomes.clone();
        let gate = gate.clone();
        trials.push(Trial::test(loaded.id.clone(), move || {
            // An exclusive trial waits for the others in flight and holds off new ones.
            let (_shared, _alone) = if loaded.scenario.exclusive {
                (None, Some(gate.write().unwrap_or_else(|e| e.into_inner())))
            } else {
                (Some(gate.read().unwrap_or_else(|e| e.into_inner())), None)
            };
            if options.is_interrupted() {
                return Err("not run: the run was interrupted".into());
            }
            let outcome = run_scenario(&loaded, &options);
            let text = report::console::render_with(&outcome, color, verbose);
            let status = outcome.status;
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(outcome);
            match status {
                Status::Failed => Err(text.into()),
                Status::KnownDeviation => {
                    eprint!("{text}");
                    Ok(())
                }
                _ if verbose => {
                    eprint!("{text}");
                    Ok(())
                }
                _ => Ok(()),
            }
        }));
    }
    let conclusion = libtest_mimic::run(args, trials);
    let mut scenarios = std::mem::take(&mut *outcomes.lock().unwrap_or_else(|e| e.into_inner()));
    scenarios.sort_by(|a, b| a.id.cmp(&b.id));
    let ran: BTreeSet<&String> = scenarios.iter().map(|o| &o.id).collect();
    let interrupted = targets.values().any(|t| t.options.is_interrupted());
    let not_run = if interrupted {
        ids.iter().filter(|id| !ran.contains(id)).cloned().collect()
    } else {
        Vec::new()
    };
    TrialsRun {
        conclusion,
        summary: RunSummary {
            targets: targets.values().map(|t| t.info()).collect(),
            scenarios,
            not_run,
            interrupted,
        },
    }
}

/// Whether the tags and libtest's filters leave a trial to run; if not, what
/// was asked, so a typo in a filter is not a green run that tested nothing.
pub(crate) fn something_selected(
    all: &[LoadedScenario],
    tags: &[String],
    args: &Arguments,
) -> Result<(), String> {
    if all.is_empty() {
        return Err("the suite has no scenarios".into());
    }
    let matches = |id: &str, pattern: &str| {
        if args.exact {
            id == pattern
        } else {
            id.contains(pattern)
        }
    };
    let selected = all.iter().any(|s| {
        tags.iter().all(|t| s.scenario.tags.contains(t))
            && args.filter.as_deref().is_none_or(|f| matches(&s.id, f))
            && !args.skip.iter().any(|k| matches(&s.id, k))
    });
    if selected {
        return Ok(());
    }
    let mut asked = Vec::new();
    asked.extend(args.filter.iter().map(|f| format!("--filter {f}")));
    asked.extend(tags.iter().map(|t| format!("--tag {t}")));
    asked.extend(args.skip.iter().map(|k| format!("--skip {k}")));
    if args.exact {
        asked.push("--exact".into());
    }
    Err(format!(
        "no trial matches {} (the suite has {} trials; `--list` shows them, `--allow-empty` makes this a pass)",
        asked.join(" "),
        all.len()
    ))
}

pub(crate) fn not_applicable(loaded: &LoadedScenario, why: String) -> ScenarioOutcome {
    let mut outcome = crate::run::scenario::empty_outcome(loaded);
    outcome.status = Status::NotApplicable;
    outcome.note = Some(format!("not applicable: {why}"));
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(name: &str, tags: &str) -> LoadedScenario {
        let dir = tempfile::tempdir().unwrap();
        let yaml = format!(
            "name: {name}\ntags: [{tags}]\nsteps:\n  - name: a\n    request: {{ path: x }}\n"
        );
        crate::scenario::load_scenario_source(
            &dir.path().join("s.yaml"),
            &yaml,
            "d",
            dir.path(),
            false,
        )
        .unwrap()
    }

    fn args(list: &[&str]) -> Arguments {
        Arguments::from_iter(std::iter::once("sessionconf").chain(list.iter().copied()))
    }

    #[test]
    fn a_selection_names_what_was_asked_when_it_leaves_nothing() {
        let all = [trial("logon", "admin"), trial("logout", "admin, slow")];
        let none: [String; 0] = [];
        assert!(something_selected(&all, &none, &args(&[])).is_ok());
        assert!(something_selected(&all, &none, &args(&["logo"])).is_ok());
        assert!(something_selected(&all, &none, &args(&["--exact", "d::logout"])).is_ok());
        assert!(something_selected(&all, &["slow".to_string()], &args(&[])).is_ok());
        // One trial is skipped, the other still runs.
        assert!(something_selected(&all, &none, &args(&["--skip", "logout"])).is_ok());
        let why = something_selected(&all, &none, &args(&["--exact", "logout"])).unwrap_err();
        assert!(
            why.contains("--filter logout --exact") && why.contains("2 trials"),
            "{why}"
        );
        let why = something_selected(&all, &["slow".to_string()], &args(&["--skip", "d::logout"]))
            .unwrap_err();
        assert!(why.contains("--tag slow --skip d::logout"), "{why}");
        let why = something_selected(&all, &["admin".to_string(), "fast".to_string()], &args(&[]))
            .unwrap_err();
        assert!(why.contains("--tag admin --tag fast"), "{why}");
        assert!(something_selected(&all, &none, &args(&["--skip", "d::"])).is_err());
        assert_eq!(
            something_selected(&[], &none, &args(&[])).unwrap_err(),
            "the suite has no scenarios"
        );
    }
}
