//! Comparing a response with its golden, and recording it when blessing.

use super::scenario::ScenarioState;
use crate::golden::bless;
use crate::outcome::{Failure, FailureKind, StepOutcome};
use crate::scenario::GoldenEntry;
use crate::xml::canonical::Element;
use crate::xml::compare;

/// Compares `doc` with the golden `entry`; a difference becomes failures and a
/// diff on `outcome`, or, when blessing, a new golden.
pub(crate) fn check_golden(
    state: &mut ScenarioState,
    rel: &std::path::Path,
    entry: &GoldenEntry,
    doc: &crate::xml::tree::Document,
    may_bless: bool,
    outcome: &mut StepOutcome,
) -> Vec<Failure> {
    let bindings = state.vars.bindings(state.origin.as_deref());
    let Some(expected) = &entry.expected else {
        if !may_bless {
            return vec![Failure::new(
                FailureKind::Bless,
                format!("golden {} does not exist yet, and this response is not recorded because the step's other checks failed", rel.display()),
            )];
        }
        // A golden that does not exist yet: bless records the response as it is.
        let recorded = compare::record(
            doc.root_element(),
            &bindings_with_endpoint_origin(state, bindings),
        );
        return bless_golden(state, entry, recorded, outcome);
    };
    let comparison = compare::compare(expected, doc.root_element(), &bindings);
    if comparison.bindings.origin.is_some() {
        state.origin = comparison.bindings.origin.clone();
    }
    if comparison.is_match() {
        return Vec::new();
    }
    if may_bless {
        let normalized = comparison
            .normalized
            .unwrap_or_else(|| Element::from_expected(expected));
        return bless_golden(state, entry, normalized, outcome);
    }
    let mismatch = crate::golden::mismatch(&rel.display().to_string(), expected, &comparison);
    outcome.diff = Some(mismatch.diff);
    let mut failures =
        vec![Failure::new(FailureKind::Golden, mismatch.summary).at(rel.display().to_string())];
    failures.extend(comparison.differences.iter().map(Failure::from_difference));
    failures
}

/// Without a golden to say where the origin is, the endpoint's own origin is the best guess.
fn bindings_with_endpoint_origin(
    state: &ScenarioState,
    mut bindings: crate::xml::Bindings,
) -> crate::xml::Bindings {
    if bindings.origin.is_none() {
        let base = &state.options.base_url;
        bindings.origin = Some(base.origin().ascii_serialization());
    }
    bindings
}

fn bless_golden(
    state: &ScenarioState,
    entry: &GoldenEntry,
    mut element: Element,
    outcome: &mut StepOutcome,
) -> Vec<Failure> {
    // A secret the response echoed and no capture named must not reach the golden.
    let secrets = state.vars.redactor.secrets();
    element.walk_mut(&mut |e| {
        let scrub = |v: &mut String| {
            for s in &secrets {
                if v.contains(s.as_str()) {
                    *v = v.replace(s.as_str(), "{{any}}");
                }
            }
        };
        e.attrs.iter_mut().for_each(|(_, v)| scrub(v));
        if let Some(t) = &mut e.text {
            scrub(t);
        }
    });
    match bless::write(&entry.path, &element) {
        Ok(()) => {
            outcome.blessed = Some(entry.path.display().to_string());
            Vec::new()
        }
        Err(e) => vec![Failure::new(FailureKind::Bless, e.to_string())],
    }
}
