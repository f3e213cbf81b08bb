//! Every scenario as a libtest-mimic trial, for the binary and for `cargo test`:
//! name filters, `--list`, `--exact`, `--skip`, `--test-threads` and nextest work.
//! A scenario the target cannot run (a capability, account or version it lacks)
//! is not a trial that fails: it is reported as not applicable, with the reason.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, RwLock};

use libtest_mimic::{Arguments, Conclusion, Trial};

use super::target::Group;
use crate::outcome::{trial_name, ScenarioOutcome, Status};
use crate::report::progress::{Progress, Where};
use crate::report::{self, RunSummary};
use crate::run::run_scenario;
use crate::scenario::LoadedScenario;

/// What the trials produced.
pub(crate) struct TrialsRun {
    pub conclusion: Conclusion,
    pub summary: RunSummary,
}

/// Runs `scenarios` against each group's target of their dialect as trials.
/// Trials are listed scenario by scenario, target after target, so the groups
/// (servers) progress side by side; an exclusive trial holds off only trials
/// of its own group.
pub(crate) fn run_trials(
    scenarios: Vec<LoadedScenario>,
    unloaded: Vec<String>,
    groups: &[Group],
    args: &Arguments,
    verbose: bool,
) -> TrialsRun {
    let sink: Sink = Arc::default();
    let progress = Where::here(args).wants_progress().then(|| {
        Arc::new(Progress::start(
            &trial_counts(&scenarios, groups, args),
            true,
        ))
    });
    let shared = TrialShared {
        sink: sink.clone(),
        color: report::console::stdout_color(),
        verbose,
        progress: progress.clone(),
    };
    let (mut trials, names) = make_trials(scenarios, groups, &shared);
    // The filter that left their files unloaded leaves them out: libtest
    // counts them, and would say so if one ever ran.
    trials.extend(unloaded.into_iter().map(|name| {
        Trial::test(name, || {
            Err("not loaded: the run's filters select no trial of its file".into())
        })
    }));
    // With the bars on, the harness prints a character per trial, not a line:
    // the bars stand for them (failures are still listed at the end).
    let mut args = args.clone();
    if progress.is_some() {
        args.format = Some(libtest_mimic::FormatSetting::Terse);
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(p) = &progress {
        p.finish();
    }
    let mut scenarios = std::mem::take(&mut *sink.lock().unwrap_or_else(|e| e.into_inner()));
    scenarios.sort_by(|a, b| (&a.id, &a.target).cmp(&(&b.id, &b.target)));
    let ran: BTreeSet<String> = scenarios.iter().map(|o| o.trial.clone()).collect();
    let interrupted = groups
        .iter()
        .flat_map(|g| g.targets.values())
        .any(|t| t.options.is_interrupted());
    let not_run = if interrupted {
        names.into_iter().filter(|n| !ran.contains(n)).collect()
    } else {
        Vec::new()
    };
    TrialsRun {
        conclusion,
        summary: RunSummary {
            targets: groups
                .iter()
                .flat_map(|g| g.targets.values().map(move |t| (g, t)))
                .map(|(g, t)| {
                    let mut info = t.info(&g.name);
                    let own = scenarios
                        .iter()
                        .filter(|o| o.target == g.name && o.dialect == t.dialect);
                    info.requirements =
                        report::requirements::verdicts(&t.options.requirements, own);
                    info
                })
                .collect(),
            scenarios,
            not_run,
            interrupted,
        },
    }
}

/// Where every trial's outcome goes.
type Sink = Arc<Mutex<Vec<ScenarioOutcome>>>;

/// What every trial of a run shares.
struct TrialShared {
    sink: Sink,
    color: bool,
    verbose: bool,
    progress: Option<Arc<Progress>>,
}

/// A trial per scenario and group that runs its dialect, and their names.
fn make_trials(
    scenarios: Vec<LoadedScenario>,
    groups: &[Group],
    shared: &TrialShared,
) -> (Vec<Trial>, Vec<String>) {
    let gates: Vec<Arc<RwLock<()>>> = groups.iter().map(|_| Arc::default()).collect();
    let several = groups.len() > 1;
    let (color, verbose) = (shared.color, shared.verbose);
    let mut names = Vec::new();
    let mut trials = Vec::new();
    for loaded in scenarios {
        for (group, gate) in groups.iter().zip(&gates) {
            let Some(target) = group.targets.get(&loaded.dialect) else {
                continue;
            };
            let name = trial_name(&group.name, &loaded.id, several);
            names.push(name.clone());
            let (sink, progress) = (shared.sink.clone(), shared.progress.clone());
            let trial = match target.facts.admits(&loaded.needs) {
                Err(why) => {
                    let outcome = not_applicable(&loaded, &group.name, several, why);
                    Trial::test(name, move || {
                        let text = report::console::render(&outcome, color);
                        say(progress.as_deref(), &outcome, &text);
                        sink.lock().unwrap_or_else(|e| e.into_inner()).push(outcome);
                        Ok(())
                    })
                }
                Ok(()) => {
                    let run = Runnable {
                        loaded: loaded.clone(),
                        options: target.options.clone(),
                        budget: target.budget.clone(),
                        gate: gate.clone(),
                        sink,
                        color,
                        verbose,
                        progress,
                    };
                    Trial::test(name, move || run.run())
                }
            };
            trials.push(trial);
        }
    }
    (trials, names)
}

/// A trial that sends requests: its scenario, its target's options, and
/// where its outcome goes.
struct Runnable {
    loaded: LoadedScenario,
    options: Arc<crate::run::RunOptions>,
    budget: Arc<super::budget::Budget>,
    gate: Arc<RwLock<()>>,
    sink: Sink,
    color: bool,
    verbose: bool,
    progress: Option<Arc<Progress>>,
}

/// Prints a trial's text (above the bars, when there are any) and counts it.
fn say(progress: Option<&Progress>, outcome: &ScenarioOutcome, text: &str) {
    match progress {
        Some(p) => {
            if !text.is_empty() {
                p.eprint(text);
            }
            p.done(&outcome.target, outcome.status);
        }
        None => eprint!("{text}"),
    }
}

/// How many trials each group will run, after libtest's filters.
pub(crate) fn trial_counts(
    scenarios: &[LoadedScenario],
    groups: &[Group],
    args: &Arguments,
) -> Vec<(String, u64)> {
    let several = groups.len() > 1;
    groups
        .iter()
        .map(|g| {
            let n = scenarios
                .iter()
                .filter(|s| g.targets.contains_key(&s.dialect))
                .filter(|s| selects(args, &trial_name(&g.name, &s.id, several)))
                .count();
            (g.name.clone(), n as u64)
        })
        .collect()
}

/// Whether libtest's filter, `--skip` and `--exact` leave the trial `name` in.
pub(crate) fn selects(args: &Arguments, name: &str) -> bool {
    let matches = |pattern: &str| {
        if args.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    };
    args.filter.as_deref().is_none_or(matches) && !args.skip.iter().any(|k| matches(k))
}

impl Runnable {
    fn run(self) -> Result<(), libtest_mimic::Failed> {
        // An exclusive trial waits for the others in flight and holds off new ones.
        let (_shared, _alone) = if self.loaded.scenario.exclusive {
            (
                None,
                Some(self.gate.write().unwrap_or_else(|e| e.into_inner())),
            )
        } else {
            (
                Some(self.gate.read().unwrap_or_else(|e| e.into_inner())),
                None,
            )
        };
        // The sessions it opens count against its target's budget until its
        // sessions are checked ended (run_scenario returns after that).
        let opens = self.loaded.sessions_opened();
        let _sessions = self.budget.take(opens);
        if self.options.is_interrupted() {
            return Err("not run: the run was interrupted".into());
        }
        let outcome = run_scenario(&self.loaded, &self.options);
        let text = report::console::render_with(&outcome, self.color, self.verbose);
        let status = outcome.status;
        let shown = match status {
            Status::KnownDeviation => text.as_str(),
            _ if self.verbose && status != Status::Failed => text.as_str(),
            _ => "",
        };
        say(self.progress.as_deref(), &outcome, shown);
        self.sink
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(outcome);
        match status {
            Status::Failed => Err(text.into()),
            _ => Ok(()),
        }
    }
}

/// Whether the tags and libtest's filters leave a trial to run; if not, what
/// was asked, so a typo in a filter is not a green run that tested nothing.
pub(crate) fn something_selected(
    all: &[LoadedScenario],
    unloaded: usize,
    tags: &[String],
    targets: &[(&str, Option<&str>)],
    args: &Arguments,
) -> Result<(), String> {
    if all.is_empty() && unloaded == 0 {
        return Err("the suite has no scenarios".into());
    }
    let several = targets.len() > 1;
    let names: Vec<String> = all
        .iter()
        .filter(|s| tags.iter().all(|t| s.scenario.tags.contains(t)))
        .flat_map(|s| {
            targets
                .iter()
                .filter(|(_, dialect)| dialect.is_none_or(|d| d == s.dialect))
                .map(|(target, _)| trial_name(target, &s.id, several))
        })
        .collect();
    let selected = names.iter().any(|name| selects(args, name));
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
        "no trial matches {} (the suite has {}; `--list` shows them, `--allow-empty` makes this a pass)",
        asked.join(" "),
        crate::words::counted((all.len() + unloaded) * targets.len().max(1), "trial")
    ))
}

pub(crate) fn not_applicable(
    loaded: &LoadedScenario,
    target: &str,
    several: bool,
    why: String,
) -> ScenarioOutcome {
    let mut outcome = crate::run::scenario::empty_outcome(loaded, target, several);
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

    const ONE: &[(&str, Option<&str>)] = &[("embedded", None)];

    fn args(list: &[&str]) -> Arguments {
        Arguments::from_iter(std::iter::once("sessionconf").chain(list.iter().copied()))
    }

    #[test]
    fn a_selection_names_what_was_asked_when_it_leaves_nothing() {
        let all = [trial("logon", "admin"), trial("logout", "admin, slow")];
        let none: [String; 0] = [];
        assert!(something_selected(&all, 0, &none, ONE, &args(&[])).is_ok());
        assert!(something_selected(&all, 0, &none, ONE, &args(&["logo"])).is_ok());
        assert!(something_selected(&all, 0, &none, ONE, &args(&["--exact", "d::logout"])).is_ok());
        assert!(something_selected(&all, 0, &["slow".to_string()], ONE, &args(&[])).is_ok());
        // One trial is skipped, the other still runs.
        assert!(something_selected(&all, 0, &none, ONE, &args(&["--skip", "logout"])).is_ok());
        let why =
            something_selected(&all, 0, &none, ONE, &args(&["--exact", "logout"])).unwrap_err();
        assert!(
            why.contains("--filter logout --exact") && why.contains("2 trials"),
            "{why}"
        );
        let why = something_selected(
            &all,
            0,
            &["slow".to_string()],
            ONE,
            &args(&["--skip", "d::logout"]),
        )
        .unwrap_err();
        assert!(why.contains("--tag slow --skip d::logout"), "{why}");
        let why = something_selected(
            &all,
            0,
            &["admin".to_string(), "fast".to_string()],
            ONE,
            &args(&[]),
        )
        .unwrap_err();
        assert!(why.contains("--tag admin --tag fast"), "{why}");
        assert!(something_selected(&all, 0, &none, ONE, &args(&["--skip", "d::"])).is_err());
        assert_eq!(
            something_selected(&[], 0, &none, ONE, &args(&[])).unwrap_err(),
            "the suite has no scenarios"
        );
        // Trials of files a filter left unloaded are the suite's all the same.
        let why = something_selected(&[], 3, &none, ONE, &args(&["zzz"])).unwrap_err();
        assert!(
            why.contains("no trial matches --filter zzz") && why.contains("has 3 trials"),
            "{why}"
        );
        let why = something_selected(&all, 3, &none, ONE, &args(&["zzz"])).unwrap_err();
        assert!(why.contains("has 5 trials"), "{why}");
    }
}
