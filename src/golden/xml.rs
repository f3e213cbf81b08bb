//! XML goldens: compiled with their positions, judged by the comparator, and
//! recorded canonical and pretty-printed.

use std::path::Path;

use super::Verdict;
use crate::error::ConfigError;
use crate::placeholder::Bindings;
use crate::xml::canonical::Element;
use crate::xml::compare;
use crate::xml::expected::ExpectedElement;
use crate::xml::pretty::{to_pretty_string, GoldenMarkers};

pub(super) fn compile(path: &Path, text: &str) -> Result<ExpectedElement, ConfigError> {
    ExpectedElement::compile(text).map_err(|e| ConfigError::at(path, e.line, e.col, e.message))
}

pub(super) fn judge(
    label: &str,
    expected: &ExpectedElement,
    doc: &crate::xml::tree::Document,
    bindings: &Bindings,
    record: Option<&[String]>,
) -> Verdict {
    let comparison = compare::compare(expected, doc.root_element(), bindings);
    let n = comparison.differences.len();
    if n == 0 {
        return Verdict {
            differences: Vec::new(),
            summary: String::new(),
            diff: String::new(),
            bindings: comparison.bindings,
            recorded: None,
        };
    }
    let normalized = comparison
        .normalized
        .unwrap_or_else(|| Element::from_expected(expected));
    // Bless writes the response and shows no diff: do not print both documents for one.
    let diff = match record {
        Some(_) => String::new(),
        None => {
            let golden_text = to_pretty_string(&Element::golden(expected), GoldenMarkers::Drop);
            let actual_text = to_pretty_string(&normalized, GoldenMarkers::Drop);
            similar::TextDiff::from_lines(&golden_text, &actual_text)
                .unified_diff()
                .context_radius(3)
                .header(label, "actual (normalized toward the golden)")
                .to_string()
        }
    };
    Verdict {
        summary: format!(
            "response differs from golden {label} in {n} place{}:",
            if n == 1 { "" } else { "s" }
        ),
        differences: comparison.differences,
        diff,
        bindings: comparison.bindings,
        recorded: record.map(|secrets| written(normalized, secrets)),
    }
}

pub(super) fn record(
    doc: &crate::xml::tree::Document,
    bindings: &Bindings,
    secrets: &[String],
) -> String {
    written(compare::record(doc.root_element(), bindings), secrets)
}

/// The golden text bless writes: directives kept, and a secret the response
/// echoed (that no capture named) written as `{{any}}`.
fn written(mut element: Element, secrets: &[String]) -> String {
    element.walk_mut(&mut |e| {
        let scrub = |v: &mut String| {
            for s in secrets {
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
    to_pretty_string(&element, GoldenMarkers::Keep)
}
