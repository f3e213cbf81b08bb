//! Comparing a JSON response with its compiled golden: a pure function of the
//! two and the bound variables. Members in any order; arrays in order unless
//! the golden says `{"sc:order": "any"}` (then a multiset, items bucketed by
//! the member that tells the golden's items apart, such as `Rel`); extras only
//! where the golden allows them; numbers by value; `null`, an absent member,
//! `"1"` and `1` four different things. Each difference has a JSON path
//! (`$.Links[?(@.Rel=='Delete')].Href`), and the response comes back
//! normalized toward the golden for the diff.

use std::collections::HashMap;

mod ordered;

use super::expected::{Expected, ExpectedArray, ExpectedObject, Typed};
use super::value::Json;
use crate::placeholder::Bindings;
use crate::xml::compare::{Difference, DifferenceKind};

/// How many differences are listed; the rest are counted.
pub const LISTED: usize = 100;

/// What a comparison found.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The first [`LISTED`] differences, in document order.
    pub differences: Vec<Difference>,
    /// How many more there were.
    pub omitted: usize,
    /// The response normalized toward the golden: placeholders where values
    /// matched, members in the golden's order, a set's items in the golden's
    /// order, allowed extras left out.
    pub normalized: Json,
    /// The bindings after the comparison (the origin, once seen).
    pub bindings: Bindings,
    /// What the normalized response leaves out and why (`allowed by
    /// "sc:extra": "members" at $: 2 other members left out of the diff`).
    pub notes: Vec<String>,
}

/// Compares `actual` with `expected`. The normalized response is built only
/// when there are differences to show (a second walk): a response that
/// passes is never copied.
pub fn compare(expected: &Expected, actual: &Json, bindings: &Bindings) -> Comparison {
    let walk = |build: bool| {
        let mut walker = Walker {
            bindings: bindings.clone(),
            differences: Vec::new(),
            omitted: 0,
            build,
            record: false,
            notes: Vec::new(),
            notes_omitted: 0,
        };
        let normalized = walker.value(expected, actual, &mut String::from("$"));
        (walker, normalized)
    };
    let (mut walker, mut normalized) = walk(false);
    if !walker.differences.is_empty() {
        (walker, normalized) = walk(true);
    }
    let mut notes = std::mem::take(&mut walker.notes);
    if walker.notes_omitted > 0 {
        notes.push(format!("... and {} more notes", walker.notes_omitted));
    }
    Comparison {
        differences: walker.differences,
        omitted: walker.omitted,
        normalized,
        bindings: walker.bindings,
        notes,
    }
}

/// The golden bless writes from `actual` when it differs from `expected`:
/// the response normalized toward the golden with the golden's markers kept,
/// its placeholders where they still match, and what differs recorded with
/// bound values and the origin written back as placeholders.
pub fn record(expected: &Expected, actual: &Json, bindings: &Bindings) -> Json {
    let mut walker = Walker {
        bindings: bindings.clone(),
        differences: Vec::new(),
        omitted: 0,
        build: true,
        record: true,
        notes: Vec::new(),
        notes_omitted: 0,
    };
    walker.value(expected, actual, &mut String::from("$"))
}

/// `actual` whole as a golden, read through `like` (the step's golden): bound
/// values and the origin as placeholders; each array `like` calls a set
/// marked a set; a value `like` leaves open (`{{any}}`, `{{int}}`) that the
/// response's value meets written as `like` writes it. Unlike [`record`],
/// what `like` allows as extra is kept: two servers are compared on all of it.
pub fn record_like(like: &Expected, actual: &Json, bindings: &Bindings) -> Json {
    like_value(Some(like), actual, bindings)
}

fn like_value(like: Option<&Expected>, actual: &Json, bindings: &Bindings) -> Json {
    match (like, actual) {
        (Some(Expected::Object(e)), Json::Object(members)) => Json::Object(
            members
                .iter()
                .map(|(n, v)| {
                    let inner = e.members.iter().find(|(m, _)| m == n).map(|(_, x)| x);
                    (n.clone(), like_value(inner, v, bindings))
                })
                .collect(),
        ),
        (Some(Expected::Array(e)), Json::Array(items)) => {
            let key = e.key.as_deref();
            let mut out = Vec::with_capacity(items.len() + 1);
            if e.any_order {
                out.push(Json::Object(vec![Walker::marker("sc:order", "any")]));
            }
            for (i, item) in items.iter().enumerate() {
                let inner = if e.any_order {
                    let wanted = key.and_then(|k| item.member(k)).and_then(string_of);
                    e.items
                        .iter()
                        .find(|x| {
                            wanted.is_some() && key.and_then(|k| literal_member(x, k)) == wanted
                        })
                        .or(e.items.first())
                } else {
                    e.items.get(i)
                };
                out.push(like_value(inner, item, bindings));
            }
            Json::Array(out)
        }
        (Some(open @ (Expected::String(_) | Expected::Typed(_))), _)
            if !matches!(open, Expected::String(p) if p.as_literal().is_some())
                && !matches!(actual, Json::String(s) if templatized(actual, bindings) != Json::String(s.clone()))
                && fits(open, actual, &mut bindings.clone()) =>
        {
            normalized_scalar(open, actual)
        }
        _ => templatized(actual, bindings),
    }
}

/// `value` with every bound value and the origin in its strings written as placeholders.
pub fn templatized(value: &Json, bindings: &Bindings) -> Json {
    match value {
        Json::String(s) => Json::String(crate::placeholder::templatize(s, bindings)),
        Json::Array(items) => Json::Array(items.iter().map(|i| templatized(i, bindings)).collect()),
        Json::Object(members) => Json::Object(
            members
                .iter()
                .map(|(n, v)| (n.clone(), templatized(v, bindings)))
                .collect(),
        ),
        other => other.clone(),
    }
}

struct Walker {
    bindings: Bindings,
    differences: Vec<Difference>,
    omitted: usize,
    /// Whether to build the normalized response (else `null` stands for it).
    build: bool,
    /// Whether the normalized response is a golden to write: markers kept,
    /// what differs with placeholders for bound values.
    record: bool,
    /// What the diff leaves out, the first few, and how many more.
    notes: Vec<String>,
    notes_omitted: usize,
}

impl Walker {
    fn note(
        &mut self,
        path: &str,
        kind: DifferenceKind,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        if self.differences.len() < LISTED {
            self.differences.push(Difference {
                path: path.to_string(),
                kind,
                expected,
                actual,
            });
        } else {
            self.omitted += 1;
        }
    }

    /// Compares one value; returns it normalized.
    fn value(&mut self, expected: &Expected, actual: &Json, path: &mut String) -> Json {
        match (expected, actual) {
            (Expected::Object(e), Json::Object(a)) => self.object(e, a, path),
            (Expected::Array(e), Json::Array(a)) => self.array(e, a, path),
            _ if fits(expected, actual, &mut self.bindings) => {
                self.keep(|| normalized_scalar(expected, actual))
            }
            _ => {
                let shown = match expected {
                    Expected::Typed(t) => t.described().to_string(),
                    _ => shown(expected).to_compact(),
                };
                self.note(
                    path,
                    DifferenceKind::Value,
                    Some(shown),
                    Some(actual.to_compact()),
                );
                self.keep(|| self.as_found(actual))
            }
        }
    }

    /// A value as found in the response: recorded with placeholders for bound values.
    fn as_found(&self, actual: &Json) -> Json {
        if self.record {
            templatized(actual, &self.bindings)
        } else {
            actual.clone()
        }
    }

    fn marker(name: &str, value: &str) -> (String, Json) {
        (name.to_string(), Json::String(value.to_string()))
    }

    /// `make()` when building the normalized response, else `null` for it.
    fn keep(&self, make: impl FnOnce() -> Json) -> Json {
        if self.build {
            make()
        } else {
            Json::Null
        }
    }

    fn object(
        &mut self,
        expected: &ExpectedObject,
        actual: &[(String, Json)],
        path: &mut String,
    ) -> Json {
        let index = MemberIndex::of(actual);
        let mut normalized = Vec::with_capacity(if self.build { actual.len() + 1 } else { 0 });
        if self.record && expected.extra {
            normalized.push(Self::marker("sc:extra", "members"));
        }
        let mut seen = vec![false; actual.len()];
        for (name, e) in &expected.members {
            let len = path.len();
            push_member(path, name);
            match index.get(actual, name) {
                Some(i) => {
                    seen[i] = true;
                    let v = self.value(e, &actual[i].1, path);
                    if self.build {
                        normalized.push((name.clone(), v));
                    }
                }
                None => self.note(
                    path,
                    DifferenceKind::MissingMember,
                    Some(shown(e).to_compact()),
                    None,
                ),
            }
            path.truncate(len);
        }
        let mut left_out = 0;
        for (i, (name, value)) in actual.iter().enumerate() {
            if seen[i] {
                continue;
            }
            if expected.extra {
                left_out += 1;
                continue;
            }
            let len = path.len();
            push_member(path, name);
            self.note(
                path,
                DifferenceKind::UnexpectedMember,
                None,
                Some(value.to_compact()),
            );
            path.truncate(len);
            if self.build {
                normalized.push((name.clone(), self.as_found(value)));
            }
        }
        self.left_out(path, left_out, "members", "member");
        self.keep(|| Json::Object(normalized))
    }

    fn array(&mut self, expected: &ExpectedArray, actual: &[Json], path: &mut String) -> Json {
        let key = expected.key.as_deref();
        let label = |e: usize| expected.labels.get(e).and_then(|l| l.as_ref());
        if !expected.any_order {
            return self.ordered_array(expected, actual, path);
        }
        let (pairs, fitted) = self.pair_unordered(expected, actual, key);
        let mut normalized = self.array_start(expected, actual.len());
        let mut left_out = 0;
        for (e, a) in pairs {
            let len = path.len();
            match (e, a) {
                // Pairing found it fits: nothing to list, and nothing to build yet.
                (Some(e), Some(_)) if !self.build && fitted.get(e) == Some(&true) => {}
                (Some(e), Some(a)) => {
                    push_item(path, key.or(label(e).map(String::as_str)), &actual[a], a);
                    let v = self.value(&expected.items[e], &actual[a], path);
                    if self.build {
                        normalized.push(v);
                    }
                }
                (Some(e), None) => {
                    let item = shown(&expected.items[e]);
                    push_item(path, key.or(label(e).map(String::as_str)), &item, e);
                    self.note(
                        path,
                        DifferenceKind::MissingItem,
                        Some(item.to_compact()),
                        None,
                    );
                }
                (None, Some(a)) if !expected.extra => {
                    push_item(path, key, &actual[a], a);
                    self.note(
                        path,
                        DifferenceKind::UnexpectedItem,
                        None,
                        Some(actual[a].to_compact()),
                    );
                    if self.build {
                        normalized.push(self.as_found(&actual[a]));
                    }
                }
                (None, Some(_)) => left_out += 1,
                _ => {}
            }
            path.truncate(len);
        }
        self.left_out(path, left_out, "items", "item");
        self.keep(|| Json::Array(normalized))
    }

    /// The normalized array to fill: with its markers when it is a golden to write.
    fn array_start(&self, expected: &ExpectedArray, len: usize) -> Vec<Json> {
        let mut normalized = Vec::with_capacity(if self.build { len + 1 } else { 0 });
        if self.record && (expected.any_order || expected.extra) {
            let mut markers = Vec::new();
            if expected.any_order {
                markers.push(Self::marker("sc:order", "any"));
            }
            if expected.extra {
                markers.push(Self::marker("sc:extra", "items"));
            }
            normalized.push(Json::Object(markers));
        }
        normalized
    }

    /// Notes the `n` members or items the golden allows (`"sc:extra": "WHAT"`)
    /// that the diff leaves out; said once, by the walk that builds the diff.
    fn left_out(&mut self, path: &str, n: usize, what: &str, one: &str) {
        if n == 0 || !self.build || self.record {
            return;
        }
        if self.notes.len() >= crate::xml::compare::NOTES {
            self.notes_omitted += 1;
            return;
        }
        self.notes.push(format!(
            "allowed by \"sc:extra\": \"{what}\" at {path}: {n} other {one}{} left out of the diff",
            if n == 1 { "" } else { "s" }
        ));
    }

    /// Pairs a set's golden items with the response's: each golden item takes
    /// the first free response item it fits among those with its key value;
    /// a golden item that fits none is paired with the first free one with its
    /// key value (its differences are then listed), or is missing. Strict
    /// golden items choose before those that allow extras, so an open item
    /// does not take what only a strict one fits.
    fn pair_unordered(
        &mut self,
        expected: &ExpectedArray,
        actual: &[Json],
        key: Option<&str>,
    ) -> Pairing {
        let mut buckets: HashMap<Option<&str>, Vec<usize>> = HashMap::new();
        for (i, item) in actual.iter().enumerate() {
            let value = key.and_then(|k| item.member(k)).and_then(string_of);
            buckets.entry(value).or_default().push(i);
        }
        let mut order: Vec<usize> = (0..expected.items.len()).collect();
        order.sort_by_key(|&e| allows_extra(&expected.items[e]));
        let mut taken = vec![false; actual.len()];
        let mut first_free = 0;
        let mut found_for = vec![None; expected.items.len()];
        let mut fitted = vec![false; expected.items.len()];
        for e in order {
            let item = &expected.items[e];
            let wanted = key.and_then(|k| literal_member(item, k));
            while first_free < actual.len() && taken[first_free] {
                first_free += 1;
            }
            let candidates: Box<dyn Iterator<Item = usize>> = match wanted {
                Some(v) => Box::new(buckets.get(&Some(v)).into_iter().flatten().copied()),
                None => Box::new(first_free..actual.len()),
            };
            let (mut first, mut hit) = (None, None);
            for a in candidates.filter(|&a| !taken[a]) {
                first = first.or(Some(a));
                if self.fits_here(item, &actual[a]) {
                    hit = Some(a);
                    break;
                }
            }
            // With a key, a golden item that fits none is compared with its
            // namesake; without one, with the free item most like it.
            fitted[e] = hit.is_some();
            let found = match (hit, wanted) {
                (Some(a), _) => Some(a),
                (None, Some(_)) => first,
                (None, None) => self.most_like(item, actual, &taken, first_free),
            };
            if let Some(a) = found {
                taken[a] = true;
            }
            found_for[e] = found;
        }
        let mut pairs: Vec<(Option<usize>, Option<usize>)> = found_for
            .into_iter()
            .enumerate()
            .map(|(e, a)| (Some(e), a))
            .collect();
        pairs.extend(
            (0..actual.len())
                .filter(|&a| !taken[a])
                .map(|a| (None, Some(a))),
        );
        (pairs, fitted)
    }

    /// The free response item that shares the most members with a golden
    /// object that fits none, among the first few (a failing response only):
    /// its differences say more than "missing item". Only an item with the
    /// golden's literal values (its identity: a link's Rel and Type) is
    /// taken, so a missing link is never blamed on another one.
    fn most_like(
        &mut self,
        item: &Expected,
        actual: &[Json],
        taken: &[bool],
        first_free: usize,
    ) -> Option<usize> {
        const LOOKED_AT: usize = 64;
        let Expected::Object(golden) = item else {
            return None;
        };
        let mut best: Option<(usize, usize)> = None;
        for a in (first_free..actual.len())
            .filter(|&a| !taken[a])
            .take(LOOKED_AT)
        {
            let Json::Object(members) = &actual[a] else {
                continue;
            };
            // Indexed: a hostile item with many members costs its length once.
            let index = MemberIndex::of(members);
            let value_of = |name: &str| index.get(members, name).map(|i| &members[i].1);
            let same_identity = golden.members.iter().all(|(name, want)| match want {
                Expected::String(p) => p
                    .as_literal()
                    .is_none_or(|literal| value_of(name).and_then(string_of) == Some(literal)),
                _ => true,
            });
            if !same_identity {
                continue;
            }
            // A scratch copy: only a real pairing may bind the origin.
            let mut scratch = self.bindings.clone();
            let shared = golden
                .members
                .iter()
                .filter(|(name, want)| {
                    value_of(name).is_some_and(|got| fits(want, got, &mut scratch))
                })
                .count();
            if shared > 0 && best.is_none_or(|(most, _)| shared > most) {
                best = Some((shared, a));
            }
        }
        best.map(|(_, a)| a)
    }

    /// Whether `item` fits `actual`, binding the origin only when it does.
    fn fits_here(&mut self, item: &Expected, actual: &Json) -> bool {
        // Only an unbound origin is ever bound by a match: with one bound,
        // a candidate that fails leaves the bindings as they were.
        if self.bindings.origin.is_some() {
            return fits(item, actual, &mut self.bindings);
        }
        let mut scratch = self.bindings.clone();
        let fit = fits(item, actual, &mut scratch);
        if fit {
            self.bindings = scratch;
        }
        fit
    }
}

/// A set's golden items paired with the response's items (by index; `None`
/// for one without a partner), and which golden items fit their partner.
type Pairing = (Vec<(Option<usize>, Option<usize>)>, Vec<bool>);

/// Whether a golden item allows more than it names.
fn allows_extra(item: &Expected) -> bool {
    match item {
        Expected::Object(o) => o.extra,
        Expected::Array(a) => a.extra,
        _ => false,
    }
}

/// Whether `actual` matches `expected` as a whole, without listing anything.
fn fits(expected: &Expected, actual: &Json, bindings: &mut Bindings) -> bool {
    match (expected, actual) {
        (Expected::Null, Json::Null) => true,
        (Expected::Bool(e), Json::Bool(a)) => e == a,
        (Expected::Number(e), Json::Number(a)) => e == a,
        (Expected::String(p), Json::String(a)) => p.matches(a, bindings),
        (Expected::Typed(Typed::Int), Json::Number(a)) => a.is_integer(),
        (Expected::Typed(Typed::Number), Json::Number(_)) => true,
        (Expected::Typed(Typed::Bool), Json::Bool(_)) => true,
        (Expected::Object(e), Json::Object(a)) => {
            let index = MemberIndex::of(a);
            (e.extra || a.len() == e.members.len())
                && e.members
                    .iter()
                    .all(|(n, ev)| index.get(a, n).is_some_and(|i| fits(ev, &a[i].1, bindings)))
        }
        (Expected::Array(e), Json::Array(a)) => {
            if e.any_order {
                let mut scratch = Walker {
                    bindings: bindings.clone(),
                    differences: Vec::new(),
                    omitted: 0,
                    build: false,
                    record: false,
                    notes: Vec::new(),
                    notes_omitted: 0,
                };
                scratch.array(e, a, &mut String::new());
                let fits = scratch.differences.is_empty() && scratch.omitted == 0;
                if fits {
                    *bindings = scratch.bindings;
                }
                fits
            } else {
                (a.len() == e.items.len() || (e.extra && a.len() >= e.items.len()))
                    && e.items.iter().zip(a).all(|(ei, ai)| fits(ei, ai, bindings))
            }
        }
        _ => false,
    }
}

/// Where an object's members are: looked up one by one in a small object (the
/// usual: a link has three), through a map in a large one, so a hostile
/// object of many members costs no more than its size.
enum MemberIndex<'a> {
    Scan,
    Map(HashMap<&'a str, usize>),
}

impl<'a> MemberIndex<'a> {
    const SMALL: usize = 16;

    fn of(members: &'a [(String, Json)]) -> MemberIndex<'a> {
        if members.len() <= Self::SMALL {
            MemberIndex::Scan
        } else {
            MemberIndex::Map(
                members
                    .iter()
                    .enumerate()
                    .map(|(i, (n, _))| (n.as_str(), i))
                    .collect(),
            )
        }
    }

    fn get(&self, members: &[(String, Json)], name: &str) -> Option<usize> {
        match self {
            MemberIndex::Scan => members.iter().position(|(n, _)| n == name),
            MemberIndex::Map(map) => map.get(name).copied(),
        }
    }
}

/// A scalar that matched, as the golden writes it (a placeholder, or a
/// literal with its quoting: `{{'{{'}}`), so the diff shows no change there.
fn normalized_scalar(expected: &Expected, actual: &Json) -> Json {
    match expected {
        Expected::String(p) => Json::String(p.raw().to_string()),
        Expected::Typed(t) => Json::String(t.raw().to_string()),
        _ => actual.clone(),
    }
}

/// The golden as JSON: placeholders as written, markers left out.
pub fn shown(expected: &Expected) -> Json {
    match expected {
        Expected::Null => Json::Null,
        Expected::Bool(b) => Json::Bool(*b),
        Expected::Number(n) => Json::Number(n.clone()),
        Expected::String(p) => Json::String(p.raw().to_string()),
        Expected::Typed(t) => Json::String(t.raw().to_string()),
        Expected::Array(a) => Json::Array(a.items.iter().map(shown).collect()),
        Expected::Object(o) => Json::Object(
            o.members
                .iter()
                .map(|(n, v)| (n.clone(), shown(v)))
                .collect(),
        ),
    }
}

fn literal_member<'e>(item: &'e Expected, name: &str) -> Option<&'e str> {
    match item {
        Expected::Object(o) => {
            o.members
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| match v {
                    Expected::String(p) => p.as_literal(),
                    _ => None,
                })
        }
        _ => None,
    }
}

fn string_of(value: &Json) -> Option<&str> {
    match value {
        Json::String(s) => Some(s),
        _ => None,
    }
}

fn push_member(path: &mut String, name: &str) {
    let plain = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        path.push('.');
        path.push_str(name);
    } else {
        path.push_str(&format!("[{}]", quoted(name)));
    }
}

/// An item by the value of its set's key member, else by its index.
fn push_item(path: &mut String, key: Option<&str>, item: &Json, index: usize) {
    match key.and_then(|k| Some((k, item.member(k).and_then(string_of)?))) {
        Some((k, v)) => path.push_str(&format!("[?(@.{k}=={})]", quoted(v))),
        None => path.push_str(&format!("[{index}]")),
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::expected::compile;
    use crate::json::value::parse;

    fn run(golden: &str, actual: &str) -> Comparison {
        let (e, _) = compile(golden).unwrap();
        let mut b = Bindings::default();
        b.bind_capture("id", "42");
        compare(&e, &parse(actual).unwrap(), &b)
    }

    fn lines(golden: &str, actual: &str) -> Vec<String> {
        run(golden, actual)
            .differences
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn a_set_item_without_a_common_key_is_named_by_its_own_distinguishing_member() {
        let g = r#"{"Links": [{"sc:order": "any"},
            {"Rel": "Up", "Type": "A"},
            {"Rel": "Down", "Type": "B"},
            {"Rel": "Down", "Type": "C"},
            {"Rel": "Delete"}]}"#;
        assert_eq!(
            lines(
                g,
                r#"{"Links": [{"Rel": "Delete"}, {"Rel": "Down", "Type": "B"}, {"Rel": "Up", "Type": "A"}]}"#
            ),
            [r#"$.Links[?(@.Type=='C')]: missing item {"Rel":"Down","Type":"C"}"#]
        );
        assert_eq!(
            lines(
                g,
                r#"{"Links": [{"Rel": "Delete", "x": 1}, {"Rel": "Down", "Type": "B"}, {"Rel": "Up", "Type": "A"}, {"Rel": "Down", "Type": "C"}]}"#
            ),
            [r#"$.Links[?(@.Rel=='Delete')].x: unexpected member, found 1"#],
            "an item with the golden's literals and a member more is its namesake"
        );
        // In order, an item is its place, whatever could name it.
        assert_eq!(
            lines(
                r#"[{"Rel": "Up", "Type": "A"}, {"Rel": "Down", "Type": "A"}, {"Rel": "Down", "Type": "B"}]"#,
                r#"[{"Rel": "Up", "Type": "A"}, {"Rel": "Down", "Type": "A"}, {"Rel": "Down", "Type": "B", "x": 1}]"#
            ),
            ["$[2].x: unexpected member, found 1"]
        );
        // Only the golden's own items are labelled: in order, by index.
        assert_eq!(
            lines(
                r#"[{"Rel": "Up"}, {"Rel": "Up"}]"#,
                r#"[{"Rel": "Up"}, {"Rel": "Dn"}]"#
            ),
            ["$[1].Rel: expected \"Up\", found \"Dn\""]
        );
    }

    #[test]
    fn a_set_item_that_fits_nothing_is_compared_with_the_free_item_most_like_it() {
        let g = r#"{"sessions": [{"sc:order": "any", "sc:extra": "items"},
            {"sessionId": "{{any}}", "consoleType": "{{int}}", "user": "{{name}}"}]}"#;
        let bound = |name: &str| {
            let mut b = Bindings::default();
            b.bind("name", name);
            b
        };
        let found = |actual: &str| -> Vec<String> {
            let (golden, _) = compile(g).unwrap();
            compare(&golden, &parse(actual).unwrap(), &bound("me"))
                .differences
                .iter()
                .map(|d| d.to_string())
                .collect()
        };
        // Another user's session shares one member; mine shares two.
        assert_eq!(
            found(
                r#"{"sessions": [{"sessionId": "a", "user": "other"},
                    {"consoleType": 5, "user": "me"}]}"#
            ),
            ["$.sessions[1].sessionId: missing member, expected \"{{any}}\""]
        );
        // Two as like it: the first.
        assert_eq!(
            found(r#"{"sessions": [{"user": "me"}, {"user": "me"}]}"#),
            [
                "$.sessions[0].sessionId: missing member, expected \"{{any}}\"",
                "$.sessions[0].consoleType: missing member, expected \"{{int}}\""
            ]
        );
        // Nothing shares a member: the golden item is missing.
        assert_eq!(
            found(r#"{"sessions": [{"z": 1}]}"#),
            [
                r#"$.sessions[0]: missing item {"sessionId":"{{any}}","consoleType":"{{int}}","user":"{{name}}"}"#
            ]
        );
        // A literal the golden names must match for an item to stand in.
        let g = r#"[{"sc:order": "any", "sc:extra": "items"}, {"Rel": "Up", "Type": "X"},
            {"Rel": "Down", "Type": "X"}, {"Rel": "Down", "Type": "Cloud", "Href": "{{any}}"}]"#;
        let (golden, _) = compile(g).unwrap();
        let actual = parse(
            r#"[{"Rel": "Up", "Type": "X"}, {"Rel": "Down", "Type": "X"}, {"Rel": "Down", "Type": "Agents", "Href": "h"}]"#,
        )
        .unwrap();
        let shown: Vec<String> = compare(&golden, &actual, &Bindings::default())
            .differences
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            shown,
            [
                r#"$[?(@.Type=='Cloud')]: missing item {"Rel":"Down","Type":"Cloud","Href":"{{any}}"}"#
            ]
        );
    }

    #[test]
    fn member_order_whitespace_and_number_spelling_do_not_count() {
        let g = r#"{"a": 1, "b": {"c": [true, null, 2.5]}, "d": "x"}"#;
        assert!(lines(
            g,
            "{\"d\":\"x\",\n \"b\": {\"c\": [true, null, 25e-1]}, \"a\": 1.0}"
        )
        .is_empty());
    }

    #[test]
    fn null_absent_a_string_and_a_number_are_four_things() {
        let g = r#"{"Status": null, "n": 1}"#;
        assert_eq!(
            lines(g, r#"{"n": 1}"#),
            ["$.Status: missing member, expected null"]
        );
        assert_eq!(
            lines(g, r#"{"Status": "null", "n": 1}"#),
            ["$.Status: expected null, found \"null\""]
        );
        assert_eq!(
            lines(g, r#"{"Status": null, "n": "1"}"#),
            ["$.n: expected 1, found \"1\""]
        );
        assert_eq!(
            lines(g, r#"{"Status": null, "n": 1, "x": 0}"#),
            ["$.x: unexpected member, found 0"]
        );
        assert!(lines(r#"{"sc:extra": "members", "n": 1}"#, r#"{"n": 1, "x": 0}"#).is_empty());
    }

    #[test]
    fn placeholders_stand_for_strings_and_typed_ones_for_other_types() {
        let g = r#"{"Id": "{{id}}", "Href": "{{origin}}/s/{{id}}", "t": "{{int}}", "ok": "{{bool}}", "x": "{{number}}"}"#;
        let c = run(
            g,
            r#"{"Id": "42", "Href": "https://h:1/s/42", "t": 17, "ok": false, "x": 0.5}"#,
        );
        assert!(c.differences.is_empty(), "{:?}", c.differences);
        assert_eq!(c.bindings.origin.as_deref(), Some("https://h:1"));
        assert_eq!(
            c.normalized,
            Json::Null,
            "a response that passes is not copied"
        );
        let failing =
            r#"{"Id": "43", "Href": "https://h:1/s/42", "t": "17", "ok": "false", "x": 1.5}"#;
        let c = run(g, failing);
        let member = |n: &str| c.normalized.member(n).cloned();
        assert_eq!(
            member("x"),
            Some(Json::String("{{number}}".into())),
            "matched: the placeholder"
        );
        assert_eq!(
            member("Href"),
            Some(Json::String("{{origin}}/s/{{id}}".into()))
        );
        assert_eq!(
            member("t"),
            Some(Json::String("17".into())),
            "differs: as it is"
        );
        let l = lines(g, failing);
        assert_eq!(
            l,
            [
                "$.Id: expected \"{{id}}\", found \"43\"",
                "$.t: expected {{int}} (a whole number), found \"17\"",
                "$.ok: expected {{bool}} (true or false), found \"false\""
            ]
        );
        assert_eq!(
            lines(r#"{"t": "{{int}}"}"#, r#"{"t": 1.5}"#),
            ["$.t: expected {{int}} (a whole number), found 1.5"]
        );
    }

    const LINKS: &str = r#"{"Links": [{"sc:order": "any"},
        {"Rel": "Up", "Href": "{{origin}}/api/"},
        {"Rel": "Delete", "Href": "{{origin}}/api/logonSessions/{{id}}"}]}"#;

    #[test]
    fn a_set_is_matched_in_any_order_and_named_by_its_key() {
        let swapped = r#"{"Links": [{"Rel": "Delete", "Href": "http://h/api/logonSessions/42"}, {"Rel": "Up", "Href": "http://h/api/"}]}"#;
        assert!(lines(LINKS, swapped).is_empty());
        let elsewhere = swapped.replace("logonSessions/42", "logonSessions/7");
        assert_eq!(
            lines(LINKS, &elsewhere),
            ["$.Links[?(@.Rel=='Delete')].Href: expected \"{{origin}}/api/logonSessions/{{id}}\", found \"http://h/api/logonSessions/7\""]
        );
        let gone = r#"{"Links": [{"Rel": "Up", "Href": "http://h/api/"}]}"#;
        assert_eq!(
            lines(LINKS, gone),
            ["$.Links[?(@.Rel=='Delete')]: missing item {\"Rel\":\"Delete\",\"Href\":\"{{origin}}/api/logonSessions/{{id}}\"}"]
        );
        let more = r#"{"Links": [{"Rel": "Up", "Href": "http://h/api/"}, {"Rel": "Delete", "Href": "http://h/api/logonSessions/42"}, {"Rel": "Alternate", "Href": "x"}]}"#;
        assert_eq!(lines(LINKS, more), ["$.Links[?(@.Rel=='Alternate')]: unexpected item {\"Rel\":\"Alternate\",\"Href\":\"x\"}"]);
        assert!(lines(
            &LINKS.replace("\"any\"}", "\"any\", \"sc:extra\": \"items\"}"),
            more
        )
        .is_empty());
        // In document order, another order is one difference: the item that moved.
        let ordered = LINKS.replace("{\"sc:order\": \"any\"},", "");
        assert_eq!(
            lines(&ordered, swapped),
            ["$.Links[?(@.Rel=='Up')]: expected at position 1, found at position 2 (moved)"]
        );
    }

    #[test]
    fn a_recorded_golden_keeps_markers_and_matching_placeholders() {
        let (e, _) = compile(&format!(
            "{{\"sc:extra\": \"members\", \"L\": {}}}",
            &LINKS[10..LINKS.len() - 1]
        ))
        .unwrap();
        let mut b = Bindings::default();
        b.bind_capture("id", "42");
        let actual = parse(r#"{"L": [{"Rel": "Delete", "Href": "http://h/api/logonSessions/42?x"}, {"Rel": "Up", "Href": "http://h/api/"}], "More": "http://h/x"}"#).unwrap();
        let recorded = record(&e, &actual, &b).to_compact();
        assert_eq!(
            recorded,
            r#"{"sc:extra":"members","L":[{"sc:order":"any"},{"Rel":"Up","Href":"{{origin}}/api/"},{"Rel":"Delete","Href":"{{origin}}/api/logonSessions/{{id}}?x"}]}"#
        );
        let (again, _) = compile(&recorded).unwrap();
        assert!(
            compare(&again, &actual, &b).differences.is_empty(),
            "the recorded golden passes"
        );
    }

    #[test]
    fn the_response_is_normalized_toward_the_golden() {
        let c = run(
            LINKS,
            r#"{"Links": [{"Href": "http://h/api/logonSessions/42", "Rel": "Delete"}, {"Rel": "Up", "Href": "http://h/api/", "Extra": 1}]}"#,
        );
        assert_eq!(
            c.normalized.to_compact(),
            r#"{"Links":[{"Rel":"Up","Href":"{{origin}}/api/","Extra":1},{"Rel":"Delete","Href":"{{origin}}/api/logonSessions/{{id}}"}]}"#
        );
        assert_eq!(c.differences.len(), 1);
    }

    #[test]
    fn sets_of_the_same_shape_are_paired_one_to_one_and_paths_quote_odd_names() {
        let g = r#"[{"sc:order": "any"}, {"n": "{{int}}"}, {"n": "{{int}}"}, {"n": "{{int}}"}]"#;
        assert!(lines(g, r#"[{"n": 1}, {"n": 2}, {"n": 3}]"#).is_empty());
        assert_eq!(
            lines(g, r#"[{"n": 1}, {"n": 2}]"#),
            ["$[2]: missing item {\"n\":\"{{int}}\"}"]
        );
        assert_eq!(
            lines(r#"{"a b": 1, "9": 2}"#, r#"{"a b": 2, "9": 2}"#),
            ["$['a b']: expected 1, found 2"]
        );
        assert_eq!(
            lines(r#"{"9": 1}"#, r#"{"9": 2}"#),
            ["$['9']: expected 1, found 2"]
        );
    }

    #[test]
    fn ordered_arrays_pair_items_by_place() {
        assert_eq!(lines("[1, 2, 3]", "[1, 2]"), ["$[2]: missing item 3"]);
        assert_eq!(lines("[1, 2]", "[1, 2, 3]"), ["$[2]: unexpected item 3"]);
        assert_eq!(
            lines("[1, 2]", "[2, 1]"),
            ["$[0]: expected at position 1, found at position 2 (moved)"]
        );
        // One item missing from the middle, or one more: one difference, and
        // the items after it are compared with their own counterparts.
        let links = r#"[{"Rel": "Down", "Type": "A"}, {"Rel": "Down", "Type": "B"}, {"Rel": "Down", "Type": "C"}, {"Rel": "Up", "Type": "D"}]"#;
        assert_eq!(
            lines(
                links,
                r#"[{"Rel": "Down", "Type": "A"}, {"Rel": "Down", "Type": "C"}, {"Rel": "Up", "Type": "D"}]"#
            ),
            [r#"$[?(@.Type=='B')]: missing item {"Rel":"Down","Type":"B"}"#]
        );
        assert_eq!(
            lines(
                links,
                r#"[{"Rel": "Down", "Type": "A"}, {"Rel": "Down", "Type": "X"}, {"Rel": "Down", "Type": "B"}, {"Rel": "Down", "Type": "C"}, {"Rel": "Up", "Type": "D"}]"#
            ),
            [r#"$[?(@.Type=='X')]: unexpected item {"Rel":"Down","Type":"X"}"#]
        );
        // An item whose pinned value changed in place is that item, differing.
        assert_eq!(
            lines(
                links,
                r#"[{"Rel": "Down", "Type": "A"}, {"Rel": "Down", "Type": "X"}, {"Rel": "Down", "Type": "C"}, {"Rel": "Up", "Type": "D"}]"#
            ),
            [r#"$[?(@.Type=='X')].Type: expected "B", found "X""#]
        );
        // Extras may follow the golden's items, not come between them.
        let open = r#"[{"sc:extra": "items"}, 1, 2]"#;
        assert!(lines(open, "[1, 2, 3, 4]").is_empty());
        assert_eq!(lines(open, "[1, 3, 2]"), ["$[1]: unexpected item 3"]);
        assert!(lines(r#"[{"sc:extra": "items"}, 1]"#, "[1, 2]").is_empty());
    }

    #[test]
    fn set_items_without_a_key_are_matched_by_their_whole_value() {
        let g = r#"[{"sc:order": "any"}, {"a": [1, [true]]}, {"a": [2, [false]]}]"#;
        assert!(lines(g, r#"[{"a": [2, [false]]}, {"a": [1, [true]]}]"#).is_empty());
        let nested =
            r#"{"s": [{"sc:order": "any"}, {"k": [{"sc:order": "any"}, 1, 2]}, {"k": [3]}]}"#;
        assert!(lines(nested, r#"{"s": [{"k": [3]}, {"k": [2, 1]}]}"#).is_empty());
        assert_eq!(
            lines(nested, r#"{"s": [{"k": [3]}, {"k": [2, 4]}]}"#).len(),
            2
        );
    }

    #[test]
    fn set_items_are_paired_by_their_shape_when_no_member_tells_them_apart() {
        // Each golden item fits one response item only: an object of another
        // size, an array of another length, or a shorter one than an
        // open-ended golden array, must not be taken for it.
        let objects =
            r#"[{"sc:order": "any"}, {"n": "{{int}}"}, {"n": "{{int}}", "m": "{{int}}"}]"#;
        assert!(lines(objects, r#"[{"n": 1, "m": 2}, {"n": 3}]"#).is_empty());
        let arrays = r#"[{"sc:order": "any"}, [1], [1, 2]]"#;
        assert!(lines(arrays, "[[1, 2], [1]]").is_empty());
        let open = r#"[{"sc:order": "any"}, [{"sc:extra": "items"}, 1, 2], [1]]"#;
        assert!(lines(open, "[[1], [1, 2, 3]]").is_empty());
        let open_arrays = r#"[{"sc:order": "any"}, [{"sc:extra": "items"}, 1], [1]]"#;
        assert!(lines(open_arrays, "[[1], [1, 2]]").is_empty());
        let open_objects = r#"[{"sc:order": "any"}, {"sc:extra": "members", "n": 1}, {"n": 1}]"#;
        assert!(lines(open_objects, r#"[{"n": 1}, {"n": 1, "x": 0}]"#).is_empty());
    }

    #[test]
    fn a_response_read_through_a_golden_keeps_everything_and_marks_what_is_open() {
        let like = |golden: &str, actual: &str| {
            let (e, _) = compile(golden).unwrap();
            let mut b = Bindings::default();
            b.bind_capture("id", "42");
            record_like(&e, &parse(actual).unwrap(), &b).to_compact()
        };
        assert_eq!(
            like(
                r#"{"n": "{{int}}", "s": "{{any}}x", "l": "lit"}"#,
                r#"{"n": 5, "s": "abx", "l": "other", "more": 1}"#
            ),
            r#"{"n":"{{int}}","s":"{{any}}x","l":"other","more":1}"#,
            "open values as the golden writes them; a literal and an extra member as found"
        );
        assert_eq!(
            like(r#"{"n": "{{int}}"}"#, r#"{"n": "5"}"#),
            r#"{"n":"5"}"#,
            "a value the placeholder does not fit"
        );
        assert_eq!(
            like(r#"{"Id": "{{any}}"}"#, r#"{"Id": "42"}"#),
            r#"{"Id":"{{id}}"}"#,
            "a captured value stays itself"
        );
        assert_eq!(
            like(
                r#"[{"sc:order": "any"}, {"Rel": "Up", "n": "{{int}}"}, {"Rel": "Down", "n": 1}]"#,
                r#"[{"Rel": "Down", "n": 2}, {"Rel": "Up", "n": 7}]"#
            ),
            r#"[{"sc:order":"any"},{"Rel":"Down","n":2},{"Rel":"Up","n":"{{int}}"}]"#,
            "a set's item read through its namesake"
        );
        assert_eq!(
            like(r#"["{{int}}", 1]"#, "[3, 4]"),
            r#"["{{int}}",4]"#,
            "in order, by place"
        );
    }

    #[test]
    fn differences_past_the_listed_ones_are_counted() {
        let n = LISTED + 20;
        let golden = format!("[{}]", vec!["1"; n].join(","));
        let actual = format!("[{}]", vec!["2"; n].join(","));
        let c = run(&golden, &actual);
        assert_eq!((c.differences.len(), c.omitted), (LISTED, 20));
    }
}
