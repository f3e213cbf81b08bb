//! One scenario: its steps in order until one fails, then its `finally` steps,
//! always; then the sessions it opened and did not close.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use super::state::ScenarioState;
use super::step::run_step;
use super::vars::{Value, Variables};
use super::RunOptions;
use crate::outcome::{
    Failure, FailureKind, Phase, ScenarioOutcome, SessionEnd, SessionState, Status, StepOutcome,
};
use crate::scenario::model::{Scenario, Step};
use crate::scenario::LoadedScenario;

/// Runs a scenario and says how it went.
pub fn run_scenario(loaded: &LoadedScenario, options: &Arc<RunOptions>) -> ScenarioOutcome {
    run_scenario_with_vars(loaded, options).0
}

/// Runs a scenario; also returns the variables it ended with (what a probe learned).
pub fn run_scenario_with_vars(
    loaded: &LoadedScenario,
    options: &Arc<RunOptions>,
) -> (ScenarioOutcome, Variables) {
    let started = Instant::now();
    let mut outcome = empty_outcome(loaded, &options.target, options.several_targets);
    let scenario = &loaded.scenario;
    let mut state = match start(loaded, options) {
        Ok(state) => state,
        Err(why) => {
            let mut step = StepOutcome::new("setup", Phase::Steps);
            step.fail(Failure::new(FailureKind::Setup, why));
            outcome.steps.push(step);
            let never = (scenario.steps.iter().map(|s| (s, Phase::Steps)))
                .chain(scenario.finally.iter().map(|s| (s, Phase::Finally)));
            outcome
                .steps
                .extend(never.map(|(s, phase)| StepOutcome::not_run(&s.name, phase, NOT_STARTED)));
            outcome.settle();
            return (outcome, Variables::default());
        }
    };
    state.deadline = Some(started + options.scenario_timeout);
    run_body(&mut state, loaded, options, &mut outcome);
    // Always: a logon must be logged out, whatever happened before.
    state.deadline = None;
    for step in &scenario.finally {
        let result = match closed_already(step, scenario, &outcome) {
            Some(skipped) => skipped,
            None => run_step(&mut state, step, Phase::Finally, &loaded.goldens),
        };
        let again = logout_through_fallback(&mut state, step, &result, &loaded.goldens);
        outcome.steps.push(result);
        outcome.steps.extend(again);
    }
    match options.session_rules.clone() {
        Some(rules) => check_sessions(&mut state, &rules, scenario, &mut outcome),
        None => {
            let (step, ends) = sessions_left_open(
                scenario.steps.iter().chain(&scenario.finally),
                &outcome,
                &state,
            );
            outcome.steps.extend(step);
            outcome.sessions.extend(ends);
        }
    }
    outcome.settle();
    outcome.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    (outcome, state.vars)
}

// Why a step was not run, as reports say it.
const EARLIER_FAILED: &str = "an earlier step failed";
const TIME_RAN_OUT: &str = "the scenario's time limit ran out";
const INTERRUPTED: &str = "the run was interrupted";
const NOT_STARTED: &str = "the scenario could not start";

/// The scenario's steps in order until one fails, its time runs out or the
/// run is interrupted; the steps after that are listed as not run, so every
/// report shows what the scenario left unchecked.
fn run_body(
    state: &mut ScenarioState,
    loaded: &LoadedScenario,
    options: &RunOptions,
    outcome: &mut ScenarioOutcome,
) {
    let steps = &loaded.scenario.steps;
    let mut stopped = None;
    for (index, step) in steps.iter().enumerate() {
        if let Some(over) = out_of_time(state, step, options) {
            outcome.steps.push(over);
            stopped = Some((index + 1, TIME_RAN_OUT));
            break;
        }
        let result = run_step(state, step, Phase::Steps, &loaded.goldens);
        let failed = result.status == Status::Failed;
        outcome.steps.push(result);
        if failed {
            // A step cut short by the interrupt failed because of it.
            let why = if options.is_interrupted() {
                INTERRUPTED
            } else {
                EARLIER_FAILED
            };
            stopped = Some((index + 1, why));
            break;
        }
        if options.is_interrupted() && index + 1 < steps.len() {
            // Stop here, but still log out: a run must not leave sessions open.
            if let Some(last) = outcome.steps.last_mut() {
                last.fail(Failure::new(
                    FailureKind::Interrupted,
                    "interrupted: the remaining steps were not run",
                ));
            }
            stopped = Some((index + 1, INTERRUPTED));
            break;
        }
    }
    if let Some((next, why)) = stopped {
        let rest = steps[next..].iter();
        outcome
            .steps
            .extend(rest.map(|s| StepOutcome::not_run(&s.name, Phase::Steps, why)));
    }
}

/// A logout through a link that failed is sent once more to the step's
/// `fallback` URL (the session's own Href): a server whose Delete link points
/// elsewhere must not be left holding the session (real servers cap them).
/// The failed attempt still fails the scenario.
fn logout_through_fallback(
    state: &mut ScenarioState,
    step: &Step,
    tried: &StepOutcome,
    goldens: &std::collections::BTreeMap<std::path::PathBuf, crate::scenario::GoldenEntry>,
) -> Option<StepOutcome> {
    if tried.status != Status::Failed || step.closes_session.is_none() {
        return None;
    }
    let fallback = step.request.link.as_ref()?.fallback.clone()?;
    let url = state.vars.expand(&fallback).ok()?;
    let sent = tried.request.as_deref()?;
    if sent.ends_with(&format!(" {}", state.redact(&url))) {
        return None;
    }
    let mut again = step.clone();
    again.name = at_fallback(&step.name);
    again.request.link = None;
    again.request.url = Some(fallback);
    let mut outcome = run_step(state, &again, Phase::Finally, goldens);
    outcome.note = Some(state.redact(&format!(
        "`{}` failed through the link; sent again to the fallback {url}",
        step.name
    )));
    Some(outcome)
}

/// The name of a logout sent again to its fallback URL.
fn at_fallback(step: &str) -> String {
    format!("{step}-at-fallback")
}

/// A step the scenario's time limit leaves no time for: failed unsent, naming the limit.
fn out_of_time(state: &ScenarioState, step: &Step, options: &RunOptions) -> Option<StepOutcome> {
    if Instant::now() < state.deadline? {
        return None;
    }
    let mut over = StepOutcome::new(&step.name, Phase::Steps);
    over.fail(Failure::new(
        FailureKind::TimeLimit,
        format!(
            "the scenario's time limit of {}s (--scenario-timeout) ran out before this step; its `finally` steps still run",
            options.scenario_timeout.as_secs_f64()
        ),
    ));
    Some(over)
}

/// A `finally` step that closes a session an earlier step already closed is
/// skipped: a fragment's logout after a scenario that logged out itself would
/// only be refused.
fn closed_already(
    step: &Step,
    scenario: &Scenario,
    outcome: &ScenarioOutcome,
) -> Option<StepOutcome> {
    let var = step.closes_session.as_deref()?;
    let closer = outcome.steps.iter().find(|done| {
        matches!(done.status, Status::Passed | Status::KnownDeviation)
            && scenario
                .steps
                .iter()
                .chain(&scenario.finally)
                .any(|s| s.name == done.name && s.closes_session.as_deref() == Some(var))
    })?;
    let mut skipped = StepOutcome::new(&step.name, Phase::Finally);
    skipped.status = Status::Skipped;
    skipped.note = Some(format!(
        "session `{var}` is already closed (by step `{}`)",
        closer.name
    ));
    Some(skipped)
}

/// The outcome of a scenario before its first step.
pub(crate) fn empty_outcome(
    loaded: &LoadedScenario,
    target: &str,
    several: bool,
) -> ScenarioOutcome {
    let scenario = &loaded.scenario;
    ScenarioOutcome {
        id: loaded.id.clone(),
        target: target.to_string(),
        trial: crate::outcome::trial_name(target, &loaded.id, several),
        name: scenario.name.clone(),
        dialect: loaded.dialect.clone(),
        file: loaded.file.display().to_string(),
        description: scenario.description.clone(),
        tags: scenario.tags.clone(),
        status: Status::Passed,
        note: None,
        steps: Vec::new(),
        sessions: Vec::new(),
        duration_ms: 0.0,
    }
}

/// The scenario's state before its first step: built-in and scenario variables.
fn start(loaded: &LoadedScenario, options: &Arc<RunOptions>) -> Result<ScenarioState, String> {
    let scenario = &loaded.scenario;
    let client = options.http()?;
    let mut vars = Variables::default();
    let c = &options.credentials;
    vars.set("user", Value::One(c.user.clone()), false);
    vars.set("password", Value::One(c.password.clone()), true);
    vars.set("tenant_user", Value::One(c.tenant_user.clone()), false);
    vars.set(
        "tenant_password",
        Value::One(c.tenant_password.clone()),
        true,
    );
    vars.set("base_url", Value::One(options.base_url.to_string()), false);
    for (name, value) in &options.variables {
        vars.set(name, Value::One(value.clone()), false);
    }
    for (name, template) in &loaded.vars {
        if options.variables.contains_key(name) {
            continue;
        }
        let v = vars
            .expand(template)
            .map_err(|why| vars.redactor.redact(&format!("var `{name}`: {why}")))?;
        // A value made from a secret is a secret.
        let secret = vars.redactor.redact(&v) != v;
        vars.set(name, Value::One(v), secret);
    }
    Ok(ScenarioState {
        client,
        cookies: Arc::default(),
        options: options.clone(),
        scenario_name: scenario.name.clone(),
        trial: crate::outcome::trial_name(&options.target, &loaded.id, options.several_targets),
        vars,
        origin: None,
        responses: HashMap::new(),
        link_sources: scenario
            .steps
            .iter()
            .chain(&scenario.finally)
            .filter_map(|s| Some(s.request.link.as_ref()?.step.clone()))
            .collect(),
        links: HashMap::new(),
        deadline: None,
    })
}

/// Each session the scenario opened, checked on the server (the vendor's
/// session rules); one still open fails the scenario, naming its id and what
/// was tried.
fn check_sessions(
    state: &mut ScenarioState,
    rules: &crate::knowledge::SessionRules,
    scenario: &Scenario,
    outcome: &mut ScenarioOutcome,
) {
    let mut seen = std::collections::BTreeSet::new();
    let variables: Vec<&str> = scenario
        .steps
        .iter()
        .chain(&scenario.finally)
        .filter_map(|s| s.opens_session.as_deref())
        .filter(|var| state.vars.get(var).is_some() && seen.insert(*var))
        .collect();
    for variable in variables {
        let session = super::session_check::Opened {
            variable: variable.to_string(),
        };
        let end = super::session_check::check_session(state, rules, &session, &mut outcome.steps);
        note_in_registry(state, scenario, &end);
        if end.state == SessionState::Open {
            let id = end
                .session_id
                .as_deref()
                .map(|id| format!(", session id {id}"))
                .unwrap_or_default();
            let mut step = StepOutcome::new("sessions", Phase::Finally);
            step.fail(
                Failure::new(
                    FailureKind::SessionLeftOpen,
                    state.redact(&format!(
                        "session left open on the server: `{variable}`{id}; the server still serves its token after: {}",
                        end.tried.join("; ")
                    )),
                )
                .at(variable.to_string())
                .values(Some("closed".into()), Some("open".into())),
            );
            outcome.steps.push(step);
        }
        // What was tried is request lines and statuses, redacted when sent.
        outcome.sessions.push(end);
    }
}

/// The run's list of open sessions (what a second Ctrl-C names) follows the
/// server: a session it still serves is listed even when its logout passed.
fn note_in_registry(state: &ScenarioState, scenario: &Scenario, end: &SessionEnd) {
    let registry = &state.options.open_sessions;
    registry.closed(&state.trial, &end.variable);
    if end.state == SessionState::Closed {
        return;
    }
    let opener = scenario
        .steps
        .iter()
        .find(|s| s.opens_session.as_deref() == Some(end.variable.as_str()))
        .map_or_else(String::new, |s| s.name.clone());
    registry.opened(super::open_sessions::OpenSession {
        trial: state.trial.clone(),
        step: opener,
        variable: end.variable.clone(),
        details: end
            .session_id
            .iter()
            .map(|id| ("session_id".to_string(), id.clone()))
            .collect(),
    });
}

/// Without session rules (a dialect the tool does not know), a session is
/// taken as open once the variable its logon step names in `opens_session`
/// holds a value, and closed once a step that `closes_session` it passes. Those
/// open at the end fail the scenario (a real server caps sessions); each is
/// recorded as inferred, not checked, so a report can say which it was.
fn sessions_left_open<'a>(
    steps: impl Iterator<Item = &'a Step>,
    outcome: &ScenarioOutcome,
    state: &ScenarioState,
) -> (Option<StepOutcome>, Vec<SessionEnd>) {
    let steps: Vec<&Step> = steps.collect();
    let passed = |name: &str| {
        let again = at_fallback(name);
        outcome.steps.iter().any(|s| {
            (s.name == name || s.name == again)
                && matches!(s.status, Status::Passed | Status::KnownDeviation)
        })
    };
    let open: Vec<(&str, &str)> = steps
        .iter()
        .filter_map(|s| Some((s.name.as_str(), s.opens_session.as_deref()?)))
        .filter(|(_, var)| state.vars.get(var).is_some())
        .filter(|(_, var)| {
            !steps
                .iter()
                .any(|c| c.closes_session.as_deref() == Some(*var) && passed(&c.name))
        })
        .collect();
    if open.is_empty() {
        return (None, Vec::new());
    }
    let mut step = StepOutcome::new("sessions", Phase::Finally);
    let mut ends = Vec::new();
    for (opener, var) in open {
        step.fail(
            Failure::new(
                FailureKind::SessionLeftOpen,
                format!(
                    "session left open on the server: `{var}` (opened by step `{opener}`); no step that closes it passed"
                ),
            )
            .at(var.to_string())
            .values(Some("closed".into()), Some("open".into())),
        );
        ends.push(SessionEnd {
            variable: var.to_string(),
            session_id: None,
            state: SessionState::Open,
            tried: vec![
                "not checked on the server (the dialect has no `sessions` rules in its knowledge): no step that closes it passed".to_string(),
            ],
        });
    }
    (Some(step), ends)
}
