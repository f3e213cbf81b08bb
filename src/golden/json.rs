//! JSON goldens: compiled, judged by the JSON comparator with a diff of the
//! pretty-printed documents, and recorded from a response by bless.

use std::path::Path;

use super::{Recording, Verdict};
use crate::error::ConfigError;
use crate::json::compare;
use crate::json::expected::{Expected, Variable};
use crate::json::pretty::{to_pretty, written};
use crate::json::Json;
use crate::placeholder::Bindings;

pub(super) fn compile(path: &Path, text: &str) -> Result<(Expected, Vec<Variable>), ConfigError> {
    crate::json::expected::compile(text)
        .map_err(|e| ConfigError::at(path, e.line, e.col, e.message))
}

pub(super) fn judge(
    label: &str,
    expected: &Expected,
    actual: &Json,
    bindings: &Bindings,
) -> Verdict {
    let comparison = compare::compare(expected, actual, bindings);
    let listed = comparison.differences.len();
    let n = listed + comparison.omitted;
    if n == 0 {
        return Verdict::matched(comparison.bindings);
    }
    let golden_text = to_pretty(&compare::shown(expected));
    let actual_text = to_pretty(&comparison.normalized);
    let diff = super::golden_diff(label, &golden_text, &actual_text);
    Verdict {
        summary: Verdict::summary(label, listed, n),
        differences: comparison.differences,
        diff,
        bindings: comparison.bindings,
        recorded: None,
    }
}

pub(super) fn written_golden(expected: &Expected) -> String {
    written(expected)
}

/// A new golden from a response: bound values and the origin written back as
/// placeholders in strings, an echoed secret as `{{any}}`, volatile members'
/// values as their placeholders.
pub(super) fn record(actual: &Json, bindings: &Bindings, recording: Recording) -> String {
    to_pretty(&scrubbed(
        &compare::templatized(actual, bindings),
        None,
        recording,
    ))
}

/// The golden rewritten from a response that differs from it: its markers
/// and the placeholders that still match kept (see [`compare::record`]).
pub(super) fn record_toward(
    expected: &Expected,
    actual: &Json,
    bindings: &Bindings,
    recording: Recording,
) -> String {
    to_pretty(&scrubbed(
        &compare::record(expected, actual, bindings),
        None,
        recording,
    ))
}

/// The whole response as a golden read through `like` (see [`compare::record_like`]).
pub(super) fn record_like(
    like: &Expected,
    actual: &Json,
    bindings: &Bindings,
    recording: Recording,
) -> String {
    to_pretty(&scrubbed(
        &compare::record_like(like, actual, bindings),
        None,
        recording,
    ))
}

/// Secrets a response echoed written as `{{any}}`; a member the vendor
/// documents as volatile written as its placeholder.
fn scrubbed(value: &Json, member: Option<&str>, recording: Recording) -> Json {
    let volatile = member.and_then(|m| recording.volatile.iter().find_map(|r| r.for_attribute(m)));
    match value {
        Json::String(s) => {
            let mut t = s.clone();
            for secret in recording.secrets.iter().filter(|s| !s.is_empty()) {
                t = t.replace(secret.as_str(), "{{any}}");
            }
            if volatile.is_some() {
                super::volatile::written(&mut t, volatile);
            }
            Json::String(t)
        }
        Json::Number(n) if volatile.is_some() => Json::String(
            if n.is_integer() {
                "{{int}}"
            } else {
                "{{number}}"
            }
            .to_string(),
        ),
        Json::Array(items) => Json::Array(
            items
                .iter()
                .map(|i| scrubbed(i, member, recording))
                .collect(),
        ),
        Json::Object(members) => Json::Object(
            members
                .iter()
                .map(|(n, v)| (n.clone(), scrubbed(v, Some(n), recording)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Several uses' goldens as one: what they share is kept; a string, number
/// or boolean that differs becomes `"{{any}}"`, `"{{int}}"`/`"{{number}}"` or
/// `"{{bool}}"`; uses that differ in shape (another member, another number of
/// items, another type) are a conflict, said with the path.
pub(super) fn merge(texts: &[(&str, String)]) -> Result<String, String> {
    let (first_by, first) = texts.first().ok_or("no use recorded it")?;
    let mut merged = crate::json::parse(first).map_err(|e| e.to_string())?;
    for (by, text) in &texts[1..] {
        let next = crate::json::parse(text).map_err(|e| e.to_string())?;
        merged = merged_value(&merged, &next, &mut String::from("$")).map_err(|at| {
            format!("its uses disagree: {first_by} and {by} differ in shape at {at}; write this golden by hand (\"{{{{any}}}}\", \"sc:extra\" and \"sc:order\" say what may vary)")
        })?;
    }
    Ok(to_pretty(&merged))
}

fn merged_value(a: &Json, b: &Json, path: &mut String) -> Result<Json, String> {
    let placeholder = |p: &str| Ok(Json::String(p.to_string()));
    match (a, b) {
        _ if a == b => Ok(a.clone()),
        (Json::Object(x), Json::Object(y)) => {
            let names = |m: &[(String, Json)]| {
                m.iter()
                    .map(|(n, _)| n.clone())
                    .collect::<std::collections::BTreeSet<_>>()
            };
            if names(x) != names(y) {
                return Err(path.clone());
            }
            let mut members = Vec::with_capacity(x.len());
            for (name, xv) in x {
                let yv = b.member(name).expect("the same names");
                let len = path.len();
                path.push('.');
                path.push_str(name);
                members.push((name.clone(), merged_value(xv, yv, path)?));
                path.truncate(len);
            }
            Ok(Json::Object(members))
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            let mut items = Vec::with_capacity(x.len());
            for (i, (xi, yi)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                items.push(merged_value(xi, yi, path)?);
                path.truncate(len);
            }
            Ok(Json::Array(items))
        }
        (Json::String(x), Json::String(y)) if x.starts_with("sc:") || y.starts_with("sc:") => {
            Err(path.clone())
        }
        (Json::String(_), Json::String(_)) => placeholder("{{any}}"),
        (Json::Number(x), Json::Number(y)) if x.is_integer() && y.is_integer() => {
            placeholder("{{int}}")
        }
        (Json::Number(_), Json::Number(_)) => placeholder("{{number}}"),
        (Json::Bool(_), Json::Bool(_)) => placeholder("{{bool}}"),
        _ => Err(path.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_that_share_a_shape_merge_and_others_conflict() {
        let m = |a: &str, b: &str| merge(&[("A", a.to_string()), ("B", b.to_string())]);
        let merged = m(
            r#"{"s": "x", "n": 1, "f": 1.5, "b": true, "same": "k", "l": [1, "a"]}"#,
            r#"{"n": 2, "s": "y", "f": 2, "b": false, "same": "k", "l": [1, "b"]}"#,
        )
        .unwrap();
        let doc = crate::json::parse(&merged).unwrap();
        assert_eq!(
            doc.to_compact(),
            r#"{"s":"{{any}}","n":"{{int}}","f":"{{number}}","b":"{{bool}}","same":"k","l":[1,"{{any}}"]}"#
        );
        assert!(m(r#"{"a": 1}"#, r#"{"b": 1}"#)
            .unwrap_err()
            .contains("differ in shape at $"));
        assert!(m(r#"{"l": [1]}"#, r#"{"l": [1, 2]}"#)
            .unwrap_err()
            .contains("at $.l"));
        assert!(m(r#"{"a": {"b": 1}}"#, r#"{"a": {"b": "1"}}"#)
            .unwrap_err()
            .contains("at $.a.b"));
        assert_eq!(m("[1]", "[1]").unwrap(), "[\n  1\n]\n");
    }
}
