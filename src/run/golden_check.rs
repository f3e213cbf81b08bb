//! Judging a response against its golden, and recording it when blessing. The
//! golden's format is the golden's business: this module sees `Golden` only.

use super::scenario::ScenarioState;
use crate::golden::{bless, Body};
use crate::outcome::{Failure, FailureKind, StepOutcome};
use crate::placeholder::Bindings;
use crate::scenario::model::GoldenName;
use crate::scenario::GoldenEntry;

/// A response body and the golden it is judged against.
pub(crate) struct Judged<'j> {
    /// The golden's path as the scenario writes it.
    pub rel: &'j std::path::Path,
    pub entry: &'j GoldenEntry,
    pub body: &'j Body<'j>,
    /// For a step from a fragment: what the golden's names stand for.
    pub names: &'j [GoldenName],
}

/// Judges a body against its golden; a difference becomes failures and a diff
/// on `outcome`, or, when `may_bless`, a new golden.
pub(crate) fn check_golden(
    state: &mut ScenarioState,
    judged: Judged,
    may_bless: bool,
    outcome: &mut StepOutcome,
) -> Vec<Failure> {
    let Judged {
        rel,
        entry,
        body,
        names,
    } = judged;
    let bindings = bindings_for(state, names);
    let secrets = state.vars.redactor.secrets();
    let Some(golden) = &entry.expected else {
        if !may_bless {
            return vec![Failure::new(
                FailureKind::Bless,
                format!("golden {} does not exist yet, and this response is not recorded because the step's other checks failed", rel.display()),
            )];
        }
        // A golden that does not exist yet: bless records the response as it is.
        let text = crate::golden::record(body, &with_endpoint_origin(state, bindings), &secrets);
        return write(entry, &text, outcome);
    };
    let label = rel.display().to_string();
    let verdict = match golden.judge(&label, body, &bindings, may_bless.then_some(&secrets[..])) {
        Ok(v) => v,
        Err(why) => return vec![Failure::new(FailureKind::Golden, why).at(label)],
    };
    if verdict.bindings.origin.is_some() {
        state.origin = verdict.bindings.origin.clone();
    }
    if verdict.is_match() {
        return Vec::new();
    }
    if let Some(text) = &verdict.recorded {
        return write(entry, text, outcome);
    }
    failures_of(&label, verdict, outcome)
}

/// The scenario's variables, and in a fragment's step the fragment's own names
/// for them (the golden was written with those; bless writes those back).
fn bindings_for(state: &ScenarioState, names: &[GoldenName]) -> Bindings {
    let mut bindings = state.vars.bindings(state.origin.as_deref());
    for n in names {
        let Ok(value) = state.vars.expand(&n.value) else {
            continue;
        };
        if n.captured {
            if let Some(scenario_name) = n.value.variables().next().filter(|v| *v != n.name) {
                bindings.vars.remove(scenario_name);
                bindings.templatized.remove(scenario_name);
            }
            bindings.bind_capture(&n.name, &value);
        } else {
            bindings.bind(&n.name, &value);
        }
    }
    bindings
}

fn failures_of(
    label: &str,
    verdict: crate::golden::Verdict,
    outcome: &mut StepOutcome,
) -> Vec<Failure> {
    outcome.diff = Some(verdict.diff);
    let mut failures = vec![Failure::new(FailureKind::Golden, verdict.summary).at(label)];
    failures.extend(verdict.differences.iter().map(Failure::from_difference));
    failures
}

/// Without a golden to say where the origin is, the endpoint's own origin is the best guess.
fn with_endpoint_origin(state: &ScenarioState, mut bindings: Bindings) -> Bindings {
    if bindings.origin.is_none() {
        let base = &state.options.base_url;
        bindings.origin = Some(base.origin().ascii_serialization());
    }
    bindings
}

fn write(entry: &GoldenEntry, text: &str, outcome: &mut StepOutcome) -> Vec<Failure> {
    match bless::write_text(&entry.path, text) {
        Ok(()) => {
            outcome.blessed = Some(entry.path.display().to_string());
            Vec::new()
        }
        Err(e) => vec![Failure::new(FailureKind::Bless, e.to_string())],
    }
}
