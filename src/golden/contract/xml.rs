//! The contract applied to a recorded XML golden.

use super::names::Names;
use super::{placeholders_in, set_note, Contract};
use crate::xml::canonical::Element;
use crate::xml::expected::ExpectedElement;
use crate::xml::pretty::{to_pretty_string, GoldenMarkers};

pub(super) fn apply(
    text: &str,
    contract: &Contract,
    names: &Names,
) -> Result<(String, Vec<String>), String> {
    let compiled = ExpectedElement::compile(text).map_err(|e| e.message)?;
    let mut root = Element::from_expected(&compiled);
    let mut notes = Vec::new();
    let mut named = std::collections::BTreeSet::new();
    name_values(&mut root, names, &mut named);
    for (value, placeholder) in named {
        notes.push(format!(
            "`{value}` written `{placeholder}` (the variable's value, not the contract)"
        ));
    }
    let path = format!("/{}", root.name.local());
    shape(&mut root, contract, names, &path, true, &mut notes);
    Ok((to_pretty_string(&root, GoldenMarkers::Keep), notes))
}

fn name_values(
    e: &mut Element,
    names: &Names,
    named: &mut std::collections::BTreeSet<(String, String)>,
) {
    let mut rename = |v: &mut String| {
        if let Some((written, _)) = names.name(v) {
            named.insert((names_shown(v, names), written.clone()));
            *v = written;
        }
    };
    for (_, v) in &mut e.attrs {
        rename(v);
    }
    if let Some(t) = &mut e.text {
        rename(t);
    }
    for child in &mut e.children {
        name_values(child, names, named);
    }
}

/// A value as a note shows it: a secret never (names never hold one, but a
/// note must not be where that assumption breaks).
fn names_shown(value: &str, names: &Names) -> String {
    let mut shown = value.to_string();
    for s in names.context.secrets.iter().filter(|s| !s.is_empty()) {
        shown = shown.replace(s.as_str(), "<redacted>");
    }
    shown
}

fn attr<'a>(e: &'a Element, name: &str) -> Option<&'a str> {
    e.attrs
        .iter()
        .find(|(n, _)| n.ns().is_none() && n.local() == name)
        .map(|(_, v)| v.as_str())
}

fn shape(
    e: &mut Element,
    contract: &Contract,
    names: &Names,
    path: &str,
    root: bool,
    notes: &mut Vec<String>,
) {
    open(e, contract, path, root, notes);
    optional(e, contract, path, root, notes);
    sets(e, contract, names, path, notes);
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for child in &mut e.children {
        let n = seen.entry(child.name.local().to_string()).or_default();
        *n += 1;
        let at = format!("{path}/{}[{n}]", child.name.local());
        shape(child, contract, names, &at, false, notes);
    }
}

/// An attribute's value, or for a child element of that name its text: what
/// a rule's `when` reads.
fn values(e: &Element) -> impl Fn(&str) -> Option<String> {
    let attrs: Vec<(String, String)> = e
        .attrs
        .iter()
        .filter(|(n, _)| n.ns().is_none())
        .map(|(n, v)| (n.local().to_string(), v.clone()))
        .chain(e.children.iter().map(|c| {
            (
                c.name.local().to_string(),
                c.text.clone().unwrap_or_default(),
            )
        }))
        .collect();
    move |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
}

fn open(e: &mut Element, contract: &Contract, path: &str, root: bool, notes: &mut Vec<String>) {
    let local = e.name.local().to_string();
    let value_of = values(e);
    let Some(rule) = contract.open_for(&local, root, &value_of) else {
        return;
    };
    let d = &mut e.directives;
    if !(d.extra_attributes && d.extra_children) {
        d.extra_attributes = true;
        d.extra_children = true;
        notes.push(format!(
            "{path}: other attributes and children allowed (newer versions add them; source: {})",
            rule.source
        ));
    }
    if rule.name && root && !d.any_name {
        d.any_name = true;
        notes.push(format!(
            "{path}: the root's name is not compared (no document publishes it; source: {})",
            rule.source
        ));
    }
}

fn optional(e: &mut Element, contract: &Contract, path: &str, root: bool, notes: &mut Vec<String>) {
    let local = e.name.local().to_string();
    let value_of = values(e);
    let rules: Vec<_> = contract.optional_for(&local, root, &value_of).collect();
    for rule in rules {
        for member in &rule.members {
            let before = (e.attrs.len(), e.children.len());
            e.attrs
                .retain(|(n, _)| !(n.ns().is_none() && n.local() == member));
            e.children.retain(|c| c.name.local() != member);
            e.directives.extra_attributes = true;
            e.directives.extra_children |= before.1 != e.children.len();
            let removed = before != (e.attrs.len(), e.children.len());
            notes.push(super::optional_note(path, member, removed, &rule.source));
        }
    }
}

/// Each group of children a set rule names keeps the items the rule keeps;
/// the parent then matches its children in any order and allows others.
fn sets(e: &mut Element, contract: &Contract, names: &Names, path: &str, notes: &mut Vec<String>) {
    let mut groups: Vec<String> = Vec::new();
    for c in &e.children {
        let local = c.name.local();
        if contract.set_of_items(local).is_some() && !groups.iter().any(|g| g == local) {
            groups.push(local.to_string());
        }
    }
    for item in groups {
        let rule = contract.set_of_items(&item).expect("grouped by a rule");
        let of_item: Vec<usize> = (0..e.children.len())
            .filter(|i| e.children[*i].name.local() == item)
            .collect();
        let (kept, by_account) = chosen(&e.children, &of_item, rule, names);
        let total = of_item.len();
        let mut index = 0;
        e.children.retain(|c| {
            let i = index;
            index += 1;
            c.name.local() != item || kept.contains(&i)
        });
        e.directives.any_order = true;
        e.directives.extra_children = true;
        notes.push(set_note(path, &item, (kept.len(), total, by_account), rule));
    }
}

/// The indexes of the items a rule keeps, among `of_item`.
fn chosen(
    children: &[Element],
    of_item: &[usize],
    rule: &super::SetRule,
    names: &Names,
) -> (Vec<usize>, bool) {
    let placeholders_of = |i: usize| {
        let mut found = Vec::new();
        placeholders(&children[i], &mut found);
        found
    };
    let value_of = |i: usize, k: &str| attr(&children[i], k).map(str::to_string);
    super::choose(
        of_item,
        rule,
        names.context.bindings,
        placeholders_of,
        value_of,
    )
}

fn placeholders(e: &Element, out: &mut Vec<String>) {
    for (_, v) in &e.attrs {
        placeholders_in(v, out);
    }
    if let Some(t) = &e.text {
        placeholders_in(t, out);
    }
    for c in &e.children {
        placeholders(c, out);
    }
}
