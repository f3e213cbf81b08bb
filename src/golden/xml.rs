//! XML goldens: compiled with their positions, judged by the comparator, and
//! recorded canonical and pretty-printed.

use std::collections::HashMap;
use std::path::Path;

use super::volatile;
use super::{Recording, Verdict};
use crate::error::ConfigError;
use crate::placeholder::Bindings;
use crate::xml::canonical::Element;
use crate::xml::compare;
use crate::xml::expected::ExpectedElement;
use crate::xml::pretty::{to_pretty_string, to_pretty_string_sized, GoldenMarkers};

pub(super) fn compile(
    path: &Path,
    text: &str,
    encoding: crate::xml::Encoding,
) -> Result<(ExpectedElement, Vec<crate::xml::expected::Variable>), ConfigError> {
    ExpectedElement::compile_as(text, encoding)
        .map_err(|e| ConfigError::at(path, e.line, e.col, e.message))
}

pub(super) fn judge(
    label: &str,
    expected: &ExpectedElement,
    doc: &crate::xml::tree::Document,
    bindings: &Bindings,
    record: Option<Recording>,
    stop: crate::stop::Stop,
) -> Verdict {
    let comparison = compare::compare_until(expected, doc.root_element(), bindings, stop);
    let listed = comparison.differences.len();
    let n = listed + comparison.omitted;
    if n == 0 {
        return Verdict::matched(comparison.bindings);
    }
    let normalized = comparison
        .normalized
        .unwrap_or_else(|| Element::from_expected(expected));
    // Bless writes the response and shows no diff: do not print both documents
    // for one; nor when the comparison stopped (there is no verdict to show).
    let stopped = comparison
        .differences
        .iter()
        .any(|d| d.kind == compare::DifferenceKind::Stopped);
    let diff = match record {
        _ if stopped => String::new(),
        Some(_) => String::new(),
        None => {
            // Both print to about the response's size (they are being compared).
            let size = doc.text_len() + doc.text_len() / 8;
            let golden_text =
                to_pretty_string_sized(&Element::golden(expected), GoldenMarkers::Drop, size);
            let actual_text = to_pretty_string_sized(&normalized, GoldenMarkers::Drop, size);
            super::with_notes(
                super::golden_diff(label, &golden_text, &actual_text),
                &comparison.notes,
            )
        }
    };
    Verdict {
        summary: super::Verdict::summary(label, listed, n),
        differences: comparison.differences,
        diff,
        bindings: comparison.bindings,
        recorded: record.map(|r| written(normalized, r)),
    }
}

pub(super) fn record(
    doc: &crate::xml::tree::Document,
    bindings: &Bindings,
    recording: Recording,
) -> String {
    written(compare::record(doc.root_element(), bindings), recording)
}

/// As [`record`], read through the step's golden `like`: every list it calls
/// a set (`sc:order="any"`) is marked a set, and a value its placeholders
/// leave open (`{{any}}\{{user}}`) that the response's value meets is written
/// as the golden writes it. Elements are found by the names on the way to
/// them; a name path the golden has twice says nothing.
pub(super) fn record_like(
    doc: &crate::xml::tree::Document,
    bindings: &Bindings,
    recording: Recording,
    like: &ExpectedElement,
) -> String {
    let mut slots = HashMap::new();
    collect_slots(like, &mut String::new(), &mut slots);
    let mut element = compare::record(doc.root_element(), bindings);
    apply_slots(&mut element, &mut String::new(), &slots, bindings);
    written(element, recording)
}

/// What the golden says of the element at one name path.
struct Slot<'g> {
    any_order: bool,
    text: Option<&'g crate::placeholder::Pattern>,
    attrs: Vec<(&'g str, &'g crate::placeholder::Pattern)>,
}

fn collect_slots<'g>(
    e: &'g ExpectedElement,
    path: &mut String,
    slots: &mut HashMap<String, Option<Slot<'g>>>,
) {
    let len = path.len();
    path.push('/');
    path.push_str(e.name.local());
    let open = |p: &&crate::placeholder::Pattern| p.as_literal().is_none();
    let slot = Slot {
        any_order: e.directives.any_order,
        text: e.text.as_ref().filter(open),
        attrs: e
            .attrs
            .iter()
            .filter(|a| a.name.ns().is_none() && open(&&a.value))
            .map(|a| (a.name.local(), &a.value))
            .collect(),
    };
    slots
        .entry(path.clone())
        .and_modify(|s| *s = None)
        .or_insert(Some(slot));
    for child in &e.children {
        collect_slots(child, path, slots);
    }
    path.truncate(len);
}

fn apply_slots(
    e: &mut Element,
    path: &mut String,
    slots: &HashMap<String, Option<Slot>>,
    bindings: &Bindings,
) {
    let len = path.len();
    path.push('/');
    path.push_str(e.name.local());
    if let Some(Some(slot)) = slots.get(path.as_str()) {
        e.directives.any_order |= slot.any_order;
        // A value the recording already wrote with placeholders is left as it is.
        let meets = |p: &crate::placeholder::Pattern, v: &str| {
            !v.contains("{{") && p.matches(v, &mut bindings.clone())
        };
        if let (Some(p), Some(t)) = (slot.text, e.text.as_mut()) {
            if meets(p, t) {
                *t = p.raw().to_string();
            }
        }
        for (name, v) in &mut e.attrs {
            let golden = slot
                .attrs
                .iter()
                .find(|(n, _)| name.ns().is_none() && *n == name.local());
            if let Some((_, p)) = golden.filter(|(_, p)| meets(p, v)) {
                *v = p.raw().to_string();
            }
        }
    }
    for child in &mut e.children {
        apply_slots(child, path, slots, bindings);
    }
    path.truncate(len);
}

pub(super) fn written_golden(expected: &ExpectedElement) -> String {
    to_pretty_string(&Element::from_expected(expected), GoldenMarkers::Keep)
}

/// The golden text bless writes: directives kept, a secret the response echoed
/// (that no capture named) written as `{{any}}`, and a value the vendor
/// documents as volatile as its placeholder.
fn written(mut element: Element, recording: Recording) -> String {
    element.walk_mut(&mut |e| {
        let scrub = |v: &mut String| {
            for s in recording.secrets.iter().filter(|s| !s.is_empty()) {
                if v.contains(s.as_str()) {
                    *v = v.replace(s.as_str(), "{{any}}");
                }
            }
        };
        for (name, v) in &mut e.attrs {
            scrub(v);
            let rule = recording
                .volatile
                .iter()
                .find_map(|r| r.for_attribute(name.local()));
            volatile::written(v, rule);
        }
        if let Some(t) = &mut e.text {
            scrub(t);
            let rule = recording
                .volatile
                .iter()
                .find_map(|r| r.for_element(e.name.local()));
            volatile::written(t, rule);
        }
    });
    to_pretty_string(&element, GoldenMarkers::Keep)
}

/// Several uses' goldens as one (see [`super::merge`]).
pub(super) fn merge(
    path: &Path,
    texts: &[(&str, String)],
) -> Result<(String, Vec<String>), String> {
    let compiled = texts
        .iter()
        .map(|(by, text)| compile(path, text, crate::xml::Encoding::Utf8).map(|(c, _)| (*by, c)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let mut all = compiled.iter().map(|(_, c)| Element::from_expected(c));
    let mut merged = all.next().ok_or("no use recorded it")?;
    let mut notes = Vec::new();
    for next in all {
        let (m, said) = crate::xml::merge::merge(merged, next);
        merged = m;
        notes.extend(said);
    }
    Ok((to_pretty_string(&merged, GoldenMarkers::Keep), notes))
}
