//! JSON goldens: compiled, judged by the JSON comparator with a diff of the
//! pretty-printed documents, and recorded from a response by bless.

use std::path::Path;

use super::{Recording, Verdict};
use crate::error::ConfigError;
use crate::json::compare;
use crate::json::expected::{Expected, Variable};
use crate::json::pretty::{to_golden, to_pretty, written};
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
    let diff = super::with_notes(
        super::golden_diff(label, &golden_text, &actual_text),
        &comparison.notes,
    );
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
/// `"{{bool}}"`; a member or item only some have is allowed, not pinned;
/// items met in another order match in any order. Nothing is refused: each
/// generalization is said in a note.
pub(super) fn merge(texts: &[(&str, String)]) -> Result<(String, Vec<String>), String> {
    let (_, first) = texts.first().ok_or("no use recorded it")?;
    let mut merged = crate::json::parse(first).map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    for (_, text) in &texts[1..] {
        let next = crate::json::parse(text).map_err(|e| e.to_string())?;
        merged = merged_value(&merged, &next, &mut String::from("$"), &mut notes);
    }
    Ok((to_golden(&merged), notes))
}

fn is_marker(v: &Json) -> bool {
    matches!(v, Json::Object(m) if !m.is_empty() && m.iter().all(|(n, _)| n.starts_with("sc:")))
}

fn merged_value(a: &Json, b: &Json, path: &mut String, notes: &mut Vec<String>) -> Json {
    match (a, b) {
        _ if a == b => a.clone(),
        (Json::Object(x), Json::Object(y)) => Json::Object(merged_members(x, y, path, notes)),
        (Json::Array(x), Json::Array(y)) => Json::Array(merged_items(x, y, path, notes)),
        _ => {
            let p = match (a, b) {
                (Json::Number(x), Json::Number(y)) if x.is_integer() && y.is_integer() => "{{int}}",
                (Json::Number(_), Json::Number(_)) => "{{number}}",
                (Json::Bool(_), Json::Bool(_)) => "{{bool}}",
                _ => "{{any}}",
            };
            let literal = |v: &Json| !matches!(v, Json::String(s) if s.contains("{{"));
            let undecided = literal(a) && literal(b);
            let (a, b) = (a.to_compact(), b.to_compact());
            notes.push(if undecided {
                format!("{path}: `{a}` in one recording, `{b}` in another, and no variable holds either: written {p}; pin it by hand if it should not vary")
            } else {
                format!("{path}: `{a}` and `{b}` in different recordings: written {p}")
            });
            Json::String(p.to_string())
        }
    }
}

fn merged_members(
    x: &[(String, Json)],
    y: &[(String, Json)],
    path: &mut String,
    notes: &mut Vec<String>,
) -> Vec<(String, Json)> {
    let mut members = Vec::with_capacity(x.len());
    let mut open = false;
    for (name, xv) in x {
        let Some((_, yv)) = y.iter().find(|(n, _)| n == name) else {
            open |= !name.starts_with("sc:");
            notes.push(format!(
                "{path}.{name}: in some recordings only: allowed, not pinned"
            ));
            continue;
        };
        let len = path.len();
        path.push('.');
        path.push_str(name);
        members.push((name.clone(), merged_value(xv, yv, path, notes)));
        path.truncate(len);
    }
    for (name, _) in y.iter().filter(|(n, _)| !x.iter().any(|(m, _)| m == n)) {
        open |= !name.starts_with("sc:");
        notes.push(format!(
            "{path}.{name}: in some recordings only: allowed, not pinned"
        ));
    }
    if open && !members.iter().any(|(n, _)| n == "sc:extra") {
        members.insert(0, ("sc:extra".into(), Json::String("members".into())));
    }
    members
}

/// Items paired with the most alike item of the other array; unpaired items
/// allowed as extras, pairs met in another order matched in any order.
fn merged_items(x: &[Json], y: &[Json], path: &mut String, notes: &mut Vec<String>) -> Vec<Json> {
    let mut markers: Vec<(String, Json)> = Vec::new();
    for m in x.iter().chain(y).filter(|v| is_marker(v)) {
        if let Json::Object(members) = m {
            for (n, v) in members {
                if !markers.iter().any(|(k, _)| k == n) {
                    markers.push((n.clone(), v.clone()));
                }
            }
        }
    }
    let xs: Vec<&Json> = x.iter().filter(|v| !is_marker(v)).collect();
    let mut ys: Vec<Option<&Json>> = y.iter().filter(|v| !is_marker(v)).map(Some).collect();
    let partners = partners(&xs, &ys);
    let (mut items, mut extra, mut reordered, mut last) = (Vec::new(), false, false, None);
    for (i, xi) in xs.into_iter().enumerate() {
        let Some(j) = partners[i] else {
            extra = true;
            notes.push(format!(
                "{path}[{i}]: in some recordings only: allowed, not pinned"
            ));
            continue;
        };
        reordered |= last.is_some_and(|l| j < l);
        last = Some(j);
        let len = path.len();
        path.push_str(&format!("[{i}]"));
        items.push(merged_value(
            xi,
            ys[j].take().expect("unpaired"),
            path,
            notes,
        ));
        path.truncate(len);
    }
    if ys.iter().any(Option::is_some) {
        extra = true;
        notes.push(format!(
            "{path}: more items in some recordings: allowed, not pinned"
        ));
    }
    let mut set = |k: &str, v: &str| {
        if !markers.iter().any(|(n, _)| n == k) {
            markers.push((k.into(), Json::String(v.into())));
        }
    };
    if reordered {
        set("sc:order", "any");
        notes.push(format!(
            "{path}: items in another order in another recording: any order"
        ));
    }
    if extra {
        set("sc:extra", "items");
    }
    if !markers.is_empty() {
        items.insert(0, Json::Object(markers));
    }
    items
}

/// Up to this many items, partners are chosen the most alike pair first
/// (quadratic); beyond it, by position (linear), so a large recording cannot
/// make bless slow.
const PAIRED_BY_LIKENESS: usize = 64;

/// For each item of `xs`, the index of its partner in `ys`, if any.
fn partners(xs: &[&Json], ys: &[Option<&Json>]) -> Vec<Option<usize>> {
    if xs.len().max(ys.len()) > PAIRED_BY_LIKENESS {
        return (0..xs.len()).map(|i| (i < ys.len()).then_some(i)).collect();
    }
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        for (j, y) in ys.iter().enumerate() {
            let score = alike(x, y.expect("all unpaired"));
            if score > 0 {
                pairs.push((score, i, j));
            }
        }
    }
    pairs.sort_by_key(|(score, i, j)| (std::cmp::Reverse(*score), *i, *j));
    let (mut of_x, mut taken) = (vec![None; xs.len()], vec![false; ys.len()]);
    for (_, i, j) in pairs {
        if of_x[i].is_none() && !taken[j] {
            of_x[i] = Some(j);
            taken[j] = true;
        }
    }
    of_x
}

/// How alike two items are: equal members (an object), or equal values.
fn alike(a: &Json, b: &Json) -> usize {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => x.iter().filter(|m| y.contains(m)).count() + 1,
        _ if std::mem::discriminant(a) == std::mem::discriminant(b) => usize::from(a == b) + 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_merge_values_into_typed_placeholders_and_shapes_into_allowances() {
        let m = |a: &str, b: &str| merge(&[("A", a.to_string()), ("B", b.to_string())]).unwrap();
        let (merged, notes) = m(
            r#"{"s": "x", "n": 1, "f": 1.5, "b": true, "same": "k", "l": [1, "a"]}"#,
            r#"{"n": 2, "s": "y", "f": 2, "b": false, "same": "k", "l": [1, "b"]}"#,
        );
        let doc = crate::json::parse(&merged).unwrap();
        assert_eq!(
            doc.to_compact(),
            r#"{"s":"{{any}}","n":"{{int}}","f":"{{number}}","b":"{{bool}}","same":"k","l":[1,"{{any}}"]}"#
        );
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("$.s: `\"x\"` in one") && n.contains("pin it")),
            "{notes:?}"
        );
        let (open, notes) = m(r#"{"a": 1}"#, r#"{"b": 1}"#);
        assert_eq!(
            crate::json::parse(&open).unwrap().to_compact(),
            r#"{"sc:extra":"members"}"#
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        let (longer, _) = m(r#"{"l": [1]}"#, r#"{"l": [1, 2]}"#);
        assert_eq!(
            crate::json::parse(&longer).unwrap().to_compact(),
            r#"{"l":[{"sc:extra":"items"},1]}"#
        );
        let (turned, _) = m(
            r#"{"l": [{"k": 1}, {"k": 2}]}"#,
            r#"{"l": [{"k": 2}, {"k": 1}]}"#,
        );
        assert_eq!(
            crate::json::parse(&turned).unwrap().to_compact(),
            r#"{"l":[{"sc:order":"any"},{"k":1},{"k":2}]}"#
        );
        let (typed, _) = m(r#"{"a": {"b": 1}}"#, r#"{"a": {"b": "1"}}"#);
        assert!(typed.contains(r#""b": "{{any}}""#), "{typed}");
        assert_eq!(m("[1]", "[1]").0, "[1]\n");
    }
}
