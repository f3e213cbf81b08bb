//! Arrays in order: items aligned before they are compared, as XML's ordered
//! children are (see [`crate::xml::align`]), so one missing, extra or moved
//! item is one difference. An item's identity is its type and, for an
//! object, the members the golden pins to a literal value (or to bound
//! variables only); the alignment prefers items that fit whole.

use std::collections::HashMap;

use super::super::expected::{Expected, ExpectedArray};
use super::super::value::Json;
use super::{fits, push_item, shown, MemberIndex, Walker};
use crate::placeholder::Bindings;
use crate::xml::align::{align, pair_runs, Step};
use crate::xml::compare::DifferenceKind;

/// What a golden value pinned to one value says of a response value:
/// `None` when the golden leaves it open.
fn pinned(want: &Expected, got: &Json, bindings: &Bindings) -> Option<bool> {
    match want {
        Expected::String(p) => {
            let value = p.resolved(bindings)?;
            Some(matches!(got, Json::String(s) if *s == *value))
        }
        Expected::Number(n) => Some(matches!(got, Json::Number(g) if g == n)),
        Expected::Bool(b) => Some(matches!(got, Json::Bool(g) if g == b)),
        Expected::Null => Some(matches!(got, Json::Null)),
        _ => None,
    }
}

/// The golden items' identities against the response's, each response
/// object's members indexed once.
struct Identities<'a> {
    indexes: Vec<Option<MemberIndex<'a>>>,
}

impl<'a> Identities<'a> {
    fn new(actual: &'a [Json]) -> Identities<'a> {
        let indexes = actual
            .iter()
            .map(|a| match a {
                Json::Object(members) => Some(MemberIndex::of(members)),
                _ => None,
            })
            .collect();
        Identities { indexes }
    }

    /// `None` when `want` and `got` are not of one kind; else how many of the
    /// golden's pinned members `got` has, and whether it has all of them.
    fn shared(&self, want: &Expected, got: &Json, j: usize, b: &Bindings) -> Option<(u32, bool)> {
        match (want, got) {
            (Expected::Object(o), Json::Object(members)) => {
                let index = self.indexes[j].as_ref()?;
                let (mut shared, mut all) = (0, true);
                for (name, value) in &o.members {
                    let found = index.get(members, name).map(|i| &members[i].1);
                    match found.map_or(Some(false), |g| pinned(value, g, b)) {
                        Some(true) => shared += 1,
                        Some(false) => all = false,
                        None => {}
                    }
                }
                Some((shared, all))
            }
            (Expected::Object(_), _) | (_, Json::Object(_)) => None,
            (Expected::Array(_), Json::Array(_)) => Some((0, true)),
            (Expected::Array(_), _) | (_, Json::Array(_)) => None,
            (scalar, got) => Some((0, pinned(scalar, got, b).unwrap_or(true))),
        }
    }
}

impl Walker {
    /// An array in document order: items aligned, then each pair compared;
    /// a golden item found whole elsewhere is one difference (moved). With
    /// `"sc:extra": "items"`, more items may follow the golden's.
    pub(super) fn ordered_array(
        &mut self,
        expected: &ExpectedArray,
        actual: &[Json],
        path: &mut String,
    ) -> Json {
        let steps = self.align_items(expected, actual);
        let (moved_from, moved_to) = self.item_moves(expected, actual, &steps);
        let last_pair = steps
            .iter()
            .filter_map(|s| match *s {
                Step::Pair(_, j) => Some(j),
                Step::Unexpected(j) if moved_to.contains_key(&j) => Some(j),
                _ => None,
            })
            .max();
        // The set's key names an item when the golden has one (`Rel`), else its index.
        let key = expected.key.as_deref();
        let label = |_: usize| key;
        let mut normalized = self.array_start(expected, actual.len());
        let mut left_out = 0;
        for step in steps {
            let len = path.len();
            match step {
                Step::Pair(e, a) => {
                    push_item(path, label(e), &actual[a], a);
                    let v = self.value(&expected.items[e], &actual[a], path);
                    if self.build {
                        normalized.push(v);
                    }
                }
                Step::Missing(e) => {
                    let item = shown(&expected.items[e]);
                    push_item(path, label(e), &item, e);
                    let (kind, found) = match moved_from.get(&e) {
                        Some(a) => (DifferenceKind::Order, Some((a + 1).to_string())),
                        None => (DifferenceKind::MissingItem, None),
                    };
                    let expected = match kind {
                        DifferenceKind::Order => (e + 1).to_string(),
                        _ => item.to_compact(),
                    };
                    self.note(path, kind, Some(expected), found);
                }
                Step::Unexpected(a) => match moved_to.get(&a) {
                    Some(&e) => {
                        // It fits: compared for its normalized form only.
                        let v = self.value(&expected.items[e], &actual[a], path);
                        if self.build {
                            normalized.push(v);
                        }
                    }
                    None if expected.extra && last_pair.is_none_or(|l| a > l) => left_out += 1,
                    None => {
                        push_item(path, key, &actual[a], a);
                        let found = Some(actual[a].to_compact());
                        self.note(path, DifferenceKind::UnexpectedItem, None, found);
                        if self.build {
                            normalized.push(self.as_found(&actual[a]));
                        }
                    }
                },
            }
            path.truncate(len);
        }
        self.left_out(path, left_out, "items", "item");
        self.keep(|| Json::Array(normalized))
    }

    /// The alignment of an ordered array's items: by identity and whole
    /// fit (tried at most [`PROBES`] times per response item, remembered),
    /// then runs of edits paired by kind and shared pinned members.
    fn align_items(&mut self, expected: &ExpectedArray, actual: &[Json]) -> Vec<Step> {
        const PROBES: u8 = 8;
        let ids = Identities::new(actual);
        let items = &expected.items;
        let mut known: HashMap<(usize, usize), bool> = HashMap::new();
        let mut probed = vec![0u8; actual.len()];
        let aligned = align(items.len(), actual.len(), |i, j| {
            let same = ids.shared(&items[i], &actual[j], j, &self.bindings);
            if !same.is_some_and(|(_, all)| all) {
                return false;
            }
            if let Some(&whole) = known.get(&(i, j)) {
                return whole;
            }
            if probed[j] >= PROBES {
                return true;
            }
            probed[j] += 1;
            let whole = self.fits_here(&items[i], &actual[j]);
            known.insert((i, j), whole);
            whole
        });
        let bindings = self.bindings.clone();
        pair_runs(aligned.steps, |i, j| {
            let (shared, _) = ids.shared(&items[i], &actual[j], j, &bindings)?;
            Some(1 + shared)
        })
    }

    /// Golden items missing that fit an unexpected item whole (with their
    /// identity, among the first few unexpected ones left: a hostile array
    /// costs each missing item a few looks): moved, golden to response index
    /// and back.
    fn item_moves(
        &mut self,
        expected: &ExpectedArray,
        actual: &[Json],
        steps: &[Step],
    ) -> (HashMap<usize, usize>, HashMap<usize, usize>) {
        const LOOKED_AT: usize = 16;
        let ids = Identities::new(actual);
        let unexpected: Vec<usize> = steps
            .iter()
            .filter_map(|s| match *s {
                Step::Unexpected(j) => Some(j),
                _ => None,
            })
            .collect();
        let (mut from, mut to) = (HashMap::new(), HashMap::new());
        for step in steps {
            let Step::Missing(i) = *step else { continue };
            let item = &expected.items[i];
            let found = unexpected
                .iter()
                .copied()
                .filter(|j| !to.contains_key(j))
                .take(LOOKED_AT)
                .find(|&j| {
                    let same = ids.shared(item, &actual[j], j, &self.bindings);
                    same.is_some_and(|(_, all)| all)
                        && fits(item, &actual[j], &mut self.bindings.clone())
                });
            if let Some(j) = found {
                from.insert(i, j);
                to.insert(j, i);
            }
        }
        (from, to)
    }
}
