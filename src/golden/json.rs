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
        return Verdict {
            differences: Vec::new(),
            summary: String::new(),
            diff: String::new(),
            bindings: comparison.bindings,
            recorded: None,
        };
    }
    let golden_text = to_pretty(&compare::shown(expected));
    let actual_text = to_pretty(&comparison.normalized);
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(&golden_text, &actual_text)
        .unified_diff()
        .context_radius(3)
        .header(label, "actual (normalized toward the golden)")
        .to_string();
    Verdict {
        summary: format!(
            "response differs from golden {label} in {n} place{}{}:",
            if n == 1 { "" } else { "s" },
            if n > listed {
                format!(" (the first {listed} listed)")
            } else {
                String::new()
            }
        ),
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
    to_pretty(&templatized(actual, None, bindings, recording))
}

fn templatized(
    value: &Json,
    member: Option<&str>,
    bindings: &Bindings,
    recording: Recording,
) -> Json {
    match value {
        Json::String(s) => {
            let mut t = crate::placeholder::templatize(s, bindings);
            for secret in recording.secrets.iter().filter(|s| !s.is_empty()) {
                t = t.replace(secret.as_str(), "{{any}}");
            }
            if let Some(rule) =
                member.and_then(|m| recording.volatile.iter().find_map(|r| r.for_attribute(m)))
            {
                super::volatile::written(&mut t, Some(rule));
            }
            Json::String(t)
        }
        Json::Number(n)
            if member.is_some_and(|m| {
                recording
                    .volatile
                    .iter()
                    .any(|r| r.for_attribute(m).is_some())
            }) =>
        {
            let _ = n;
            Json::String(
                if n.is_integer() {
                    "{{int}}"
                } else {
                    "{{number}}"
                }
                .to_string(),
            )
        }
        Json::Array(items) => Json::Array(
            items
                .iter()
                .map(|i| templatized(i, member, bindings, recording))
                .collect(),
        ),
        Json::Object(members) => Json::Object(
            members
                .iter()
                .map(|(n, v)| (n.clone(), templatized(v, Some(n), bindings, recording)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Several uses' goldens as one: the same text, or a conflict (merging JSON
/// uses that differ is not done; the golden is written by hand).
pub(super) fn merge(texts: &[(&str, String)]) -> Result<String, String> {
    let (first_by, first) = texts.first().ok_or("no use recorded it")?;
    match texts.iter().find(|(_, t)| t != first) {
        None => Ok(first.clone()),
        Some((by, _)) => Err(format!(
            "its uses disagree: {first_by} and {by} recorded different documents; write this golden by hand (\"{{{{any}}}}\", \"sc:extra\" and \"sc:order\" say what may vary)"
        )),
    }
}
