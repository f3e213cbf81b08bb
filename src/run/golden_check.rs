//! Judging a response against its golden, and, when blessing, noting what the
//! golden would be for the run's bless book, which writes goldens at the end
//! from all their uses. The golden's format is the golden's business: this
//! module sees `Golden` only.

use super::state::ScenarioState;
use crate::golden::book::Observation;
use crate::golden::{Body, Recording};
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
    /// The body as received, kept by bless to hold the golden it writes against.
    pub text: &'j str,
    /// What the body was decoded from.
    pub encoding: crate::xml::Encoding,
    /// For a step from a fragment: what the golden's names stand for.
    pub names: &'j [GoldenName],
}

/// The step's golden has no file in the representation the response is read
/// as: `golden: veeam-em/x` named `veeam-em/x.json`, which does not exist.
pub(crate) fn no_golden(
    rel: &std::path::Path,
    representation: crate::representation::Representation,
) -> Failure {
    Failure::new(
        FailureKind::Golden,
        format!(
            "golden {} does not exist: the step reads its response as {representation} and has no {representation} golden; `sessionconf bless` records it",
            rel.display()
        ),
    )
    .at(rel.display().to_string())
}

/// Judges a body against its golden; a difference becomes failures and a diff
/// on `outcome`, or, when `may_bless`, an observation for the bless book.
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
        text,
        encoding,
        names,
    } = judged;
    let bindings = bindings_for(state, names);
    let secrets = state.vars.redactor.secrets();
    let options = state.options.clone();
    let recording = Recording {
        secrets: &secrets,
        volatile: &options.volatile,
    };
    let Some(golden) = &entry.expected else {
        if !options.bless {
            return vec![Failure::new(
                FailureKind::Golden,
                format!(
                    "golden {} does not exist; `sessionconf bless` records it from the server",
                    entry.path.display()
                ),
            )
            .at(rel.display().to_string())];
        }
        if !may_bless {
            return vec![Failure::new(
                FailureKind::Bless,
                format!("golden {} does not exist yet, and this response is not recorded because the step's other checks failed", rel.display()),
            )
            .at(rel.display().to_string())];
        }
        // A golden that does not exist yet: bless records the response as it is.
        let bindings = with_endpoint_origin(state, bindings);
        let recorded = crate::golden::record(body, &bindings, recording);
        let seen = (entry, names, text, encoding);
        note(state, seen, Some(recorded), bindings, outcome);
        return Vec::new();
    };
    let label = rel.display().to_string();
    // A comparison of a large response gives up on Ctrl-C or the scenario's time limit.
    let stop = crate::stop::Stop {
        interrupted: Some(&options.interrupted),
        deadline: state.deadline,
    };
    let recording = may_bless.then_some(recording);
    let verdict = match golden.judge(&label, body, &bindings, recording, stop) {
        Ok(v) => v,
        Err(why) => return vec![Failure::new(FailureKind::Golden, why).at(label)],
    };
    if verdict.bindings.origin.is_some() {
        state.origin = verdict.bindings.origin.clone();
    }
    if may_bless {
        // A use that passes counts too: the golden written must still pass it.
        let recorded = verdict.recorded.filter(|_| !verdict.differences.is_empty());
        let seen = (entry, names, text, encoding);
        note(state, seen, recorded, bindings, outcome);
        return Vec::new();
    }
    if verdict.is_match() {
        return Vec::new();
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

/// Hands a use of the golden to the run's bless book; `recorded` is the golden
/// this use would write, `None` when it passed the golden as it is.
fn note(
    state: &ScenarioState,
    (entry, names, body, encoding): (&GoldenEntry, &[GoldenName], &str, crate::xml::Encoding),
    recorded: Option<String>,
    bindings: Bindings,
    outcome: &mut StepOutcome,
) {
    if recorded.is_some() {
        outcome.blessed = Some(entry.path.display().to_string());
    }
    let observation = Observation {
        by: format!("{} step `{}`", state.trial, outcome.name),
        recorded,
        body: body.to_string(),
        encoding,
        bindings,
        secrets: state.vars.redactor.secrets(),
        contract: state.options.contract.clone(),
        scope: names.iter().map(|n| n.name.clone()).collect(),
    };
    let book = &state.options.bless_book;
    book.observe(&entry.path, entry.expected.clone(), observation);
}
