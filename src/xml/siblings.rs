//! Unordered matching's index: for each expected child of an `sc:order="any"`
//! element, the actual siblings that could match it, so that matching thousands
//! of siblings probes a handful of candidates each instead of all of them.
//!
//! A golden pins some things about a child to literal values (an attribute, its
//! text, the text of its only child of some name). An actual child that matches
//! has each of them with exactly that value, so narrowing by them never loses a
//! match. Which fields tell the siblings apart best is worked out once, when the
//! golden is compiled (`SiblingPlan`); each comparison then indexes the actual
//! siblings by the hash of one field's value at a time (a collision only widens
//! the candidate list: every candidate is still probed).

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use super::expected::ExpectedElement;
use super::hash::{hash_of, FastMap};
use super::plan::{FieldRef, SiblingPlan};
use super::tree::Node;
use super::QName;
use crate::placeholder::pattern::Pattern;

/// The same field of same-named siblings.
#[derive(PartialEq, Eq, Hash)]
enum FieldKind<'e> {
    Attribute(&'e QName),
    Text,
    ChildText(&'e QName),
}

impl SiblingPlan {
    pub fn new(children: &[ExpectedElement]) -> SiblingPlan {
        let mut ids: HashMap<(&QName, FieldKind), usize> = HashMap::new();
        let mut values: HashSet<(usize, &str)> = HashSet::new();
        let mut distinct: Vec<usize> = Vec::new();
        let mut fields = Vec::with_capacity(children.len());
        for child in children {
            let mut list = Vec::new();
            // A child the signature places needs no fields.
            if child.signature.is_none() {
                for (kind, field, value) in literal_fields(child) {
                    let next = distinct.len();
                    let id = *ids.entry((&child.name, kind)).or_insert(next);
                    if id == next {
                        distinct.push(0);
                    }
                    if values.insert((id, value)) {
                        distinct[id] += 1;
                    }
                    list.push((id, field, hash_of(&[value])));
                }
            }
            fields.push(list);
        }
        let fields = fields
            .into_iter()
            .map(|mut list: Vec<_>| {
                list.sort_by_key(|(id, _, _)| Reverse(distinct[*id]));
                list.into_boxed_slice()
            })
            .collect();
        SiblingPlan {
            fields,
            field_ids: distinct.len(),
        }
    }
}

/// The fields `e` pins to a literal value.
fn literal_fields(e: &ExpectedElement) -> Vec<(FieldKind<'_>, FieldRef, &str)> {
    let mut out = Vec::new();
    for (i, a) in e.attrs.iter().enumerate() {
        if let Some(v) = a.value.as_literal() {
            out.push((FieldKind::Attribute(&a.name), FieldRef::Attribute(i), v));
        }
    }
    if let Some(v) = e.text.as_ref().and_then(Pattern::as_literal) {
        out.push((FieldKind::Text, FieldRef::Text, v));
    }
    // A child's text pins its parent only when the parent allows no extra children
    // and has one child of that name: then a match has exactly one such child too.
    // Sessions told apart only by their `<UserName>` are what this is for.
    if e.directives.extra_children || e.children.len() > 16 {
        return out;
    }
    for (i, c) in e.children.iter().enumerate() {
        let Some(v) = c.text.as_ref().and_then(Pattern::as_literal) else {
            continue;
        };
        if e.children.iter().filter(|o| o.name == c.name).count() == 1 {
            out.push((FieldKind::ChildText(&c.name), FieldRef::ChildText(i), v));
        }
    }
    out
}

/// Reads a field of an actual element, as the expected child `e` names it.
fn read<'a>(field: FieldRef, e: &ExpectedElement, node: Node<'a, '_>) -> Option<&'a str> {
    match field {
        FieldRef::Attribute(i) => {
            let name = &e.attrs[i].name;
            node.attributes()
                .find(|a| name.is(a.namespace(), a.name()))
                .map(|a| a.value())
        }
        FieldRef::Text => node.text(),
        FieldRef::ChildText(i) => {
            let name = &e.children[i].name;
            node.children()
                .find(|c| name.is(c.namespace(), c.local_name()))?
                .text()
        }
    }
}

/// Candidates for one expected child: a slice of one of the shared index arrays.
#[derive(Clone, Copy)]
struct Candidates {
    array: usize,
    start: usize,
    end: usize,
}

/// For each expected child, the actual children that could match it.
pub struct CandidateLists {
    /// Index arrays of actual children: one per name, one per indexed field.
    arrays: Vec<Vec<usize>>,
    lists: Vec<Candidates>,
}

impl CandidateLists {
    pub fn of(&self, expected: usize) -> &[usize] {
        let c = self.lists[expected];
        &self.arrays[c.array][c.start..c.end]
    }
}

/// Same name, then the signature when the child has one, else its fields in the
/// plan's order until one narrows the list to a single child. Each index is one
/// array sorted by hash, so a candidate list is a slice of it.
pub fn candidate_lists(parent: &ExpectedElement, actual: &[Node<'_, '_>]) -> CandidateLists {
    let expected = &parent.children;
    let empty_plan = SiblingPlan::default();
    let plan = parent.plan.as_deref().unwrap_or(&empty_plan);
    let (mut arrays, mut hashes, by_name) = name_groups(actual);
    let mut by_signature: FastMap<usize, usize> = FastMap::default();
    let mut by_field: Vec<Option<usize>> = vec![None; plan.field_ids];
    // Siblings mostly share a name: look it up again only when it changes.
    let mut last: Option<(&QName, Option<usize>)> = None;
    let mut lists = Vec::with_capacity(expected.len());
    for (i, e) in expected.iter().enumerate() {
        let named = match last {
            Some((name, found)) if *name == e.name => found,
            _ => {
                let found = by_name.get(&(e.name.ns(), e.name.local())).copied();
                last = Some((&e.name, found));
                found
            }
        };
        let Some(named) = named else {
            lists.push(Candidates {
                array: 0,
                start: 0,
                end: 0,
            });
            continue;
        };
        let mut best = Candidates {
            array: named,
            start: 0,
            end: arrays[named].len(),
        };
        if best.end - best.start > 1 {
            if let Some(signature) = e.signature {
                let array = match by_signature.get(&named) {
                    Some(&array) => array,
                    None => {
                        let array = index(&mut arrays, &mut hashes, named, |j| {
                            Some(actual_signature(actual[j]))
                        });
                        by_signature.insert(named, array);
                        array
                    }
                };
                narrow(&mut best, &hashes, array, signature);
            } else if let Some(fields) = plan.fields.get(i) {
                for &(id, field, hash) in fields {
                    if best.end - best.start <= 1 {
                        break;
                    }
                    let array = match by_field[id] {
                        Some(array) => array,
                        None => {
                            let array = index(&mut arrays, &mut hashes, named, |j| {
                                read(field, e, actual[j]).map(|v| hash_of(&[v]))
                            });
                            by_field[id] = Some(array);
                            array
                        }
                    };
                    narrow(&mut best, &hashes, array, hash);
                }
            }
        }
        lists.push(best);
    }
    if arrays.is_empty() {
        arrays.push(Vec::new());
    }
    CandidateLists { arrays, lists }
}

/// The actual children grouped by name: one array of positions per name, an
/// empty hash list beside each (hashes are for the indexes made later), and
/// which array holds each name.
#[allow(clippy::type_complexity)]
fn name_groups<'a>(
    actual: &'a [Node<'_, '_>],
) -> (
    Vec<Vec<usize>>,
    Vec<Vec<u64>>,
    FastMap<(Option<&'a str>, &'a str), usize>,
) {
    let mut arrays: Vec<Vec<usize>> = Vec::new();
    let mut hashes: Vec<Vec<u64>> = Vec::new();
    let mut by_name: FastMap<(Option<&str>, &str), usize> = FastMap::default();
    for (j, node) in actual.iter().enumerate() {
        let next = arrays.len();
        let array = *by_name
            .entry((node.namespace(), node.local_name()))
            .or_insert_with(|| {
                arrays.push(Vec::new());
                hashes.push(Vec::new());
                next
            });
        arrays[array].push(j);
    }
    (arrays, hashes, by_name)
}

/// A new index of the actual children in array `among`, sorted by the hash `of`
/// gives them (children it gives none are left out: they cannot match).
fn index(
    arrays: &mut Vec<Vec<usize>>,
    hashes: &mut Vec<Vec<u64>>,
    among: usize,
    of: impl Fn(usize) -> Option<u64>,
) -> usize {
    let mut pairs: Vec<(u64, usize)> = arrays[among]
        .iter()
        .filter_map(|&j| Some((of(j)?, j)))
        .collect();
    pairs.sort_unstable();
    hashes.push(pairs.iter().map(|(h, _)| *h).collect());
    arrays.push(pairs.into_iter().map(|(_, j)| j).collect());
    arrays.len() - 1
}

/// Narrows `best` to the children of index `array` whose hash is `hash`, if fewer.
fn narrow(best: &mut Candidates, hashes: &[Vec<u64>], array: usize, hash: u64) {
    let sorted = &hashes[array];
    let start = sorted.partition_point(|h| *h < hash);
    let end = start + sorted[start..].partition_point(|h| *h == hash);
    if end - start < best.end - best.start {
        *best = Candidates { array, start, end };
    }
}

/// Name plus attributes, independent of attribute order (a sum of per-attribute hashes).
fn signature<'s>(
    name: (Option<&str>, &str),
    attrs: impl Iterator<Item = (Option<&'s str>, &'s str, &'s str)>,
) -> u64 {
    let mut sig = hash_of(&[name.0.unwrap_or(""), name.1]);
    for (ns, local, value) in attrs {
        sig = sig.wrapping_add(hash_of(&[ns.unwrap_or(""), local, value]));
    }
    sig
}

/// The signature of an expected element whose attributes are all literal.
pub fn expected_signature(e: &ExpectedElement) -> u64 {
    signature(
        (e.name.ns(), e.name.local()),
        e.attrs.iter().map(|a| {
            let value = a.value.as_literal().unwrap_or(a.value.raw());
            (a.name.ns(), a.name.local(), value)
        }),
    )
}

fn actual_signature(node: Node) -> u64 {
    signature(
        (node.namespace(), node.local_name()),
        node.attributes()
            .map(|a| (a.namespace(), a.name(), a.value())),
    )
}
