//! The contract applied to a recorded JSON golden. An object is named by the
//! member that holds it (an array's items by the array's member), the root `/`.

use super::names::Names;
use super::{placeholders_in, set_note, Contract, SetRule};
use crate::json::pretty::to_pretty;
use crate::json::Json;

pub(super) fn apply(
    text: &str,
    contract: &Contract,
    names: &Names,
) -> Result<(String, Vec<String>), String> {
    let mut root = crate::json::parse(text).map_err(|e| e.to_string())?;
    let mut notes = Vec::new();
    let mut named = std::collections::BTreeSet::new();
    name_values(&mut root, names, &mut named);
    for (value, placeholder) in named {
        notes.push(format!(
            "`{value}` written `{placeholder}` (the variable's value, not the contract)"
        ));
    }
    shape(&mut root, "/", contract, names, "$", &mut notes);
    Ok((to_pretty(&root), notes))
}

fn name_values(
    v: &mut Json,
    names: &Names,
    named: &mut std::collections::BTreeSet<(String, String)>,
) {
    match v {
        Json::String(s) => {
            if let Some((written, _)) = names.name(s) {
                named.insert((s.clone(), written.clone()));
                *s = written;
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| name_values(i, names, named)),
        Json::Object(members) => members
            .iter_mut()
            .for_each(|(_, m)| name_values(m, names, named)),
        _ => {}
    }
}

fn is_marker(v: &Json) -> bool {
    matches!(v, Json::Object(m) if !m.is_empty() && m.iter().all(|(n, _)| n.starts_with("sc:")))
}

fn marker(members: &mut Vec<(String, Json)>, name: &str, value: &str) {
    if members.iter().any(|(n, _)| n == name) {
        return;
    }
    members.insert(0, (name.to_string(), Json::String(value.to_string())));
}

fn shape(
    v: &mut Json,
    name: &str,
    contract: &Contract,
    names: &Names,
    path: &str,
    notes: &mut Vec<String>,
) {
    match v {
        Json::Object(members) => {
            object(members, name, contract, path, notes);
            for (n, m) in members.iter_mut().filter(|(n, _)| !n.starts_with("sc:")) {
                let at = format!("{path}.{n}");
                if let (Json::Array(items), Some(rule)) = (&mut *m, contract.set_of_array(n)) {
                    set(items, rule, names, &at, notes);
                }
                shape(m, n, contract, names, &at, notes);
            }
        }
        Json::Array(items) => {
            for (i, item) in items.iter_mut().enumerate().filter(|(_, i)| !is_marker(i)) {
                shape(item, name, contract, names, &format!("{path}[{i}]"), notes);
            }
        }
        _ => {}
    }
}

fn object(
    members: &mut Vec<(String, Json)>,
    name: &str,
    contract: &Contract,
    path: &str,
    notes: &mut Vec<String>,
) {
    let root = name == "/";
    let snapshot: Vec<(String, Option<String>)> = members
        .iter()
        .map(|(n, v)| (n.clone(), Some(scalar(v).unwrap_or_default())))
        .collect();
    let value_of = move |k: &str| {
        snapshot
            .iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.clone())
    };
    if let Some(rule) = contract.open_for(name, root, &value_of) {
        if !members.iter().any(|(n, _)| n == "sc:extra") {
            notes.push(format!(
                "{path}: other members allowed (newer versions add them; source: {})",
                rule.source
            ));
        }
        marker(members, "sc:extra", "members");
    }
    let rules: Vec<_> = contract.optional_for(name, root, &value_of).collect();
    for rule in rules {
        for member in &rule.members {
            let before = members.len();
            members.retain(|(n, _)| n != member);
            marker(members, "sc:extra", "members");
            let removed = before != members.len();
            notes.push(super::optional_note(path, member, removed, &rule.source));
        }
    }
}

fn scalar(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(_) | Json::Bool(_) => Some(v.to_compact()),
        _ => None,
    }
}

fn set(items: &mut Vec<Json>, rule: &SetRule, names: &Names, path: &str, notes: &mut Vec<String>) {
    let real: Vec<usize> = (0..items.len())
        .filter(|i| !is_marker(&items[*i]))
        .collect();
    let (kept, by_account) = chosen(items, &real, rule, names);
    let total = real.len();
    let mut index = 0;
    items.retain(|item| {
        let i = index;
        index += 1;
        is_marker(item) || kept.contains(&i)
    });
    match items.first_mut() {
        Some(Json::Object(m)) if m.iter().all(|(n, _)| n.starts_with("sc:")) && !m.is_empty() => {
            m.retain(|(n, _)| n != "sc:order" && n != "sc:extra");
            m.insert(0, ("sc:order".into(), Json::String("any".into())));
            m.insert(1, ("sc:extra".into(), Json::String("items".into())));
        }
        _ => items.insert(
            0,
            Json::Object(vec![
                ("sc:order".into(), Json::String("any".into())),
                ("sc:extra".into(), Json::String("items".into())),
            ]),
        ),
    }
    notes.push(set_note(
        path,
        "items",
        (kept.len(), total, by_account),
        rule,
    ));
}

fn member<'j>(v: &'j Json, name: &str) -> Option<&'j Json> {
    match v {
        Json::Object(m) => m.iter().find(|(n, _)| n == name).map(|(_, v)| v),
        _ => None,
    }
}

fn chosen(items: &[Json], real: &[usize], rule: &SetRule, names: &Names) -> (Vec<usize>, bool) {
    let placeholders_of = |i: usize| {
        let mut found = Vec::new();
        placeholders(&items[i], &mut found);
        found
    };
    let value_of = |i: usize, k: &str| member(&items[i], k).and_then(scalar);
    super::choose(
        real,
        rule,
        names.context.bindings,
        placeholders_of,
        value_of,
    )
}

fn placeholders(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::String(s) => placeholders_in(s, out),
        Json::Array(items) => items.iter().for_each(|i| placeholders(i, out)),
        Json::Object(m) => m.iter().for_each(|(_, v)| placeholders(v, out)),
        _ => {}
    }
}
