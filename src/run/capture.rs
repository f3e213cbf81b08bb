//! Captures: values a step takes from its response for later steps (and for the
//! golden of the same response, which may name them).

use super::exchange::Exchange;
use super::state::ScenarioState;
use super::vars::Value;
use crate::outcome::{Failure, FailureKind};
use crate::scenario::model::{Capture, CaptureSource, Step};

/// Runs every capture of `step` into the scenario's variables.
pub(crate) fn capture_all(
    state: &mut ScenarioState,
    step: &Step,
    exchange: &Exchange,
    doc: crate::select::Parsed,
) -> Vec<Failure> {
    let mut failures = Vec::new();
    for (name, capture) in &step.capture {
        match capture_value(state, name, capture, exchange, doc) {
            Ok(value) => {
                let secret = capture.secret || is_secret_capture(state, name, &value);
                state.vars.capture(name, value, secret);
            }
            Err(_) if capture.optional => {}
            Err(why) => failures.push(
                Failure::new(FailureKind::Capture, format!("capture `{name}`: {why}")).at(name),
            ),
        }
    }
    failures
}

/// A captured value is secret when it is named as one, or when it is all or part of
/// a secret already seen (token headers and cookie values are learned as they arrive),
/// so a piece cut from a token is secret and a cookie's `Path` is not.
fn is_secret_capture(state: &ScenarioState, name: &str, value: &Value) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("token") || lower.contains("password") {
        return true;
    }
    let secrets = state.vars.redactor.secrets();
    let is_part_of_a_secret =
        |v: &String| !v.is_empty() && secrets.iter().any(|s| s.contains(v.as_str()));
    match value {
        Value::One(v) => is_part_of_a_secret(v),
        Value::Many(vs) => vs.iter().any(is_part_of_a_secret),
    }
}

/// The values a capture's source gives, before `regex`, `exclude` and `all`.
fn source_values(
    state: &ScenarioState,
    source: &CaptureSource,
    exchange: &Exchange,
    doc: crate::select::Parsed,
) -> Result<(Vec<String>, String), String> {
    Ok(match source {
        CaptureSource::Select(forms) => {
            let form = forms.pick(doc.representation).ok_or_else(|| {
                format!("`{forms}` has no form for {} responses", doc.representation)
            })?;
            // Named as written: an expanded selector may hold a secret variable's value.
            let named = format!("`{form}`");
            let sel = match &form.fixed {
                Some(sel) => sel.clone(),
                None => state
                    .vars
                    .expand(&form.template)
                    .and_then(|text| crate::select::Selector::parse(&text))
                    .map_err(|e| format!("selector {named}: {e}"))?,
            };
            (sel.values(doc)?, named)
        }
        CaptureSource::Header(h) => (
            exchange
                .header_values(h)
                .into_iter()
                .map(str::to_string)
                .collect(),
            format!("header {h}"),
        ),
        CaptureSource::Cookie(c) => (exchange.cookie_values(c), format!("cookie {c}")),
        CaptureSource::Body => (vec![exchange.body.clone()], "the body".to_string()),
    })
}

fn capture_value(
    state: &ScenarioState,
    name: &str,
    capture: &Capture,
    exchange: &Exchange,
    doc: crate::select::Parsed,
) -> Result<Value, String> {
    let (mut values, from) = source_values(state, &capture.source, exchange, doc)?;
    if let Some(re) = &capture.regex {
        values = values
            .iter()
            .filter_map(|v| {
                let caps = re.0.captures(v)?;
                Some(caps.get(1).or_else(|| caps.get(0))?.as_str().to_string())
            })
            .collect();
    }
    if let Some(list) = &capture.exclude {
        let excluded: Vec<String> = match state.vars.get(list) {
            Some(Value::Many(vs)) => vs.clone(),
            Some(Value::One(v)) => vec![v.clone()],
            None => return Err(format!("`{list}` to exclude has no value")),
        };
        values.retain(|v| !excluded.contains(v));
    }
    if capture.all {
        return Ok(Value::Many(values));
    }
    match values.len() {
        1 => Ok(Value::One(values.pop().expect("one value"))),
        0 => Err(format!("{from} gives no value{}", if capture.regex.is_some() { " matching the regex" } else { "" })),
        n => Err(format!("{from} gives {n} values for `{name}`; narrow the selector or capture them with `all: true`")),
    }
}
