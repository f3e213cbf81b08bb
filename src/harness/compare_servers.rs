//! Server against server (`sessionconf compare`): every scenario runs against
//! both targets, one after the other (two targets may be one server seen
//! twice, whose session lists must not see the other run), and each step's
//! responses are compared with the golden comparator after setting aside
//! what is expected to differ (see [`crate::golden::between`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{target::Group, trials, RunConfig, RunError};
use crate::golden::between::{compare_step, Side, StepDifference};
use crate::golden::Golden;
use crate::outcome::ScenarioOutcome;
use crate::report::TargetInfo;
use crate::run::transcript::{Exchanged, Transcript};
use crate::scenario::LoadedScenario;

/// What `compare` found.
#[derive(Debug)]
pub struct Compared {
    /// The two targets, each dialect's server.
    pub targets: Vec<TargetInfo>,
    /// The two targets' names, in order.
    pub names: [String; 2],
    /// Each scenario.
    pub scenarios: Vec<ScenarioComparison>,
    /// Sessions left open (by a scenario, or seen by an embedded server).
    pub left_open: Vec<String>,
}

/// One scenario on both targets.
#[derive(Debug)]
pub struct ScenarioComparison {
    /// `dialect::name`.
    pub id: String,
    /// What differs about the scenario as a whole (it applies to one target only).
    pub findings: Vec<String>,
    /// Each step whose responses differ.
    pub steps: Vec<(String, StepDifference)>,
    /// Not applicable on either target: nothing was compared.
    pub skipped: Option<String>,
}

impl ScenarioComparison {
    /// Whether both targets said the same thing.
    pub fn same(&self) -> bool {
        self.findings.is_empty() && self.steps.is_empty()
    }
}

impl Compared {
    /// Whether every scenario said the same thing on both targets.
    pub fn same(&self) -> bool {
        self.scenarios.iter().all(ScenarioComparison::same)
    }
}

/// Runs the suite's scenarios (those with every tag of `config.tags` and,
/// when given, whose id contains `filter`) against both of `config.targets`
/// and compares them step by step.
pub fn compare(config: RunConfig, filter: Option<&str>) -> Result<Compared, RunError> {
    if config.targets.len() != 2 {
        return Err(RunError::Usage(format!(
            "compare needs two targets (--target A --target B), not {}",
            config.targets.len()
        )));
    }
    super::check_names(&config.targets)?;
    let all = crate::scenario::load_suite(&config.source).map_err(RunError::Config)?;
    let mut prepared = super::prepare(&config, &all, false)?;
    let library = goldens_by_dialect(&all);
    let scenarios: Vec<LoadedScenario> = super::filter_tags(all, &config.tags)
        .into_iter()
        .filter(|s| filter.is_none_or(|f| s.id.contains(f)))
        .collect();
    if scenarios.is_empty() {
        return Err(RunError::Usage(format!(
            "no scenario matches{}{}",
            filter.map(|f| format!(" --filter {f}")).unwrap_or_default(),
            config
                .tags
                .iter()
                .map(|t| format!(" --tag {t}"))
                .collect::<String>()
        )));
    }
    let transcripts = [
        Arc::new(Transcript::default()),
        Arc::new(Transcript::default()),
    ];
    for (group, transcript) in prepared.groups.iter_mut().zip(&transcripts) {
        for target in group.targets.values_mut() {
            let options = Arc::get_mut(&mut target.options).expect("the target is not shared yet");
            options.transcript = Some(transcript.clone());
        }
    }
    let groups = &prepared.groups;
    let names = [groups[0].name.clone(), groups[1].name.clone()];
    let (compared, outcomes) = run_both(&scenarios, groups, &transcripts, &library);
    let mut left_open: Vec<String> = outcomes
        .iter()
        .filter(|o| {
            o.steps
                .iter()
                .flat_map(|s| &s.failures)
                .any(|f| f.kind == crate::outcome::FailureKind::SessionLeftOpen)
        })
        .map(|o| format!("{}: a session was left open", o.trial))
        .collect();
    left_open.extend(super::leaks(groups));
    Ok(Compared {
        targets: groups
            .iter()
            .flat_map(|g| g.targets.values().map(|t| t.info(&g.name)))
            .collect(),
        names,
        scenarios: compared,
        left_open,
    })
}

/// Each scenario on the first group, then on the second, compared; the
/// outcomes of every run.
fn run_both(
    scenarios: &[LoadedScenario],
    groups: &[Group],
    transcripts: &[Arc<Transcript>; 2],
    library: &BTreeMap<String, Vec<Arc<Golden>>>,
) -> (Vec<ScenarioComparison>, Vec<ScenarioOutcome>) {
    let names = [groups[0].name.clone(), groups[1].name.clone()];
    let mut compared = Vec::new();
    let mut outcomes = Vec::new();
    for loaded in scenarios {
        let (Some(a), Some(b)) = (
            groups[0].targets.get(&loaded.dialect),
            groups[1].targets.get(&loaded.dialect),
        ) else {
            continue;
        };
        let ran = [
            (a, &groups[0], &transcripts[0]),
            (b, &groups[1], &transcripts[1]),
        ]
        .map(|(target, group, transcript)| run_one(loaded, target, group, transcript));
        let likes = library
            .get(&loaded.dialect)
            .map(Vec::as_slice)
            .unwrap_or_default();
        compared.push(compare_scenario(
            loaded,
            &names,
            &ran,
            (likes, &a.options.volatile),
        ));
        outcomes.extend(ran.into_iter().map(|(o, _)| o));
    }
    (compared, outcomes)
}

/// One scenario on one target: its outcome and its responses.
fn run_one(
    loaded: &LoadedScenario,
    target: &super::target::Target,
    group: &Group,
    transcript: &Transcript,
) -> (ScenarioOutcome, Vec<Exchanged>) {
    match target.facts.admits(&loaded.needs) {
        Ok(()) => {
            let outcome = crate::run::run_scenario(loaded, &target.options);
            let exchanged = transcript.take(&outcome.trial);
            (outcome, exchanged)
        }
        Err(why) => (
            trials::not_applicable(loaded, &group.name, true, why),
            Vec::new(),
        ),
    }
}

/// Every golden of each dialect's scenarios, once each, the scenarios' order.
fn goldens_by_dialect(all: &[LoadedScenario]) -> BTreeMap<String, Vec<Arc<Golden>>> {
    let mut seen = std::collections::BTreeSet::new();
    let mut library: BTreeMap<String, Vec<Arc<Golden>>> = BTreeMap::new();
    for s in all {
        for g in s.goldens.values() {
            if let Some(expected) = g.expected.as_ref().filter(|_| seen.insert(g.path.clone())) {
                library
                    .entry(s.dialect.clone())
                    .or_default()
                    .push(expected.clone());
            }
        }
    }
    library
}

/// Both targets' runs of one scenario compared; `likes` are the dialect's
/// goldens, which say what a response may leave open, after the step's own.
fn compare_scenario<'a>(
    loaded: &LoadedScenario,
    names: &'a [String; 2],
    ran: &'a [(ScenarioOutcome, Vec<Exchanged>); 2],
    (likes, volatile): (&[Arc<Golden>], &[crate::golden::volatile::Volatile]),
) -> ScenarioComparison {
    let mut result = ScenarioComparison {
        id: loaded.id.clone(),
        findings: Vec::new(),
        steps: Vec::new(),
        skipped: None,
    };
    let na = |o: &ScenarioOutcome| o.status == crate::outcome::Status::NotApplicable;
    match (na(&ran[0].0), na(&ran[1].0)) {
        (true, true) => {
            result.skipped = ran[0].0.note.clone();
            return result;
        }
        (true, false) | (false, true) => {
            let (only, not) = if na(&ran[0].0) { (1, 0) } else { (0, 1) };
            result.findings.push(format!(
                "applies to {} only ({}: {})",
                names[only],
                names[not],
                ran[not].0.note.as_deref().unwrap_or("not applicable")
            ));
            return result;
        }
        (false, false) => {}
    }
    let (a, b) = (&ran[0].1, &ran[1].1);
    let by_name: BTreeMap<&str, &Exchanged> = b.iter().map(|e| (e.step.as_str(), e)).collect();
    for ea in a {
        let Some(eb) = by_name.get(ea.step.as_str()) else {
            result.findings.push(format!(
                "step `{}` got a response from {} only",
                ea.step, names[0]
            ));
            continue;
        };
        let side = |e: &'a Exchanged, name: &'a str| Side {
            name,
            status: e.status,
            body: &e.body,
            bindings: &e.bindings,
            secrets: &e.secrets,
        };
        let library: Vec<&Golden> = likes.iter().map(|g| g.as_ref()).collect();
        let likes = crate::golden::between::Likes {
            own: ea.golden.as_deref(),
            library: &library,
        };
        let found = compare_step(side(ea, &names[0]), side(eb, &names[1]), likes, volatile);
        if let Some(d) = found {
            result.steps.push((ea.step.clone(), d));
        }
    }
    for eb in b.iter().filter(|eb| !a.iter().any(|ea| ea.step == eb.step)) {
        result.findings.push(format!(
            "step `{}` got a response from {} only",
            eb.step, names[1]
        ));
    }
    result
}

/// What a person reads: each scenario the same or its differences, then the count.
pub fn render(compared: &Compared, color: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for s in &compared.scenarios {
        if let Some(why) = &s.skipped {
            let _ = writeln!(
                out,
                "{}: not compared, not applicable on either ({why})",
                s.id
            );
            continue;
        }
        if s.same() {
            let _ = writeln!(out, "{}: same", s.id);
            continue;
        }
        let _ = writeln!(out, "{}: DIFFERS", s.id);
        for f in &s.findings {
            let _ = writeln!(out, "  {f}");
        }
        for (step, d) in &s.steps {
            let _ = writeln!(out, "  step `{step}`:");
            for line in &d.lines {
                let _ = writeln!(out, "    {line}");
            }
            for line in crate::report::console::paint_diff(&d.diff, color).lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    let differ = compared.scenarios.iter().filter(|s| !s.same()).count();
    let skipped = compared
        .scenarios
        .iter()
        .filter(|s| s.skipped.is_some())
        .count();
    let _ = writeln!(
        out,
        "{} against {}: {}, {} the same, {differ} differ, {skipped} not applicable on either",
        compared.names[0],
        compared.names[1],
        crate::words::counted(compared.scenarios.len(), "scenario"),
        compared.scenarios.len() - differ - skipped,
    );
    out
}
