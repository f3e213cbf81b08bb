//! Ordered children (schema sequences): aligned by identity before they are
//! compared (see [`crate::xml::align`]), so a missing, extra or moved child is
//! one difference and the children around it meet their true counterparts.
//!
//! A golden child's identity is its name and the values it pins: literal
//! attributes, attributes whose placeholders are all bound (`{{session_id}}`
//! once captured), and the pinned text of a child it has once (a session's
//! `<SessionId>`). Its own text is not part of it: a `<UserName>` with
//! another value is the same element with another text.

use super::super::align::{align, pair_runs, Step};
use super::super::hash::{hash_of, FastMap};
use super::super::labels::{Label, Path};
use super::{DifferenceKind, Walker};
use crate::placeholder::Bindings;
use crate::xml::canonical::Element;
use crate::xml::expected::ExpectedElement;
use crate::xml::tree::Node;
use crate::xml::QName;

/// The most kinds of pinned values (attribute names, child names) one
/// sibling list's identities use; a golden that pins more is told apart by
/// the first ones only.
const KINDS: usize = 64;
/// The most children a golden child's pinned child texts are looked for in.
const CHILD_TEXTS: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Attribute,
    ChildText,
}

/// A value a golden child pins: its kind, its hash, whether it is an attribute.
type Pinned = (u32, u64, bool);

/// The identities of a golden's ordered children and of a response's, as
/// name ids and hashed values, so aligning compares integers. A hash
/// collision can only pair two children that differ, which then says so.
pub(super) struct Identities<'g> {
    names: FastMap<(Option<&'g str>, &'g str), u32>,
    kinds: FastMap<(Kind, Option<&'g str>, &'g str), u32>,
    /// Per golden child: its name id, and its pinned values as (kind, hash,
    /// whether the kind is an attribute).
    golden: Vec<(u32, Vec<Pinned>)>,
    /// Per response child: its name id (`u32::MAX` for a name the golden has not).
    actual_names: Vec<u32>,
    /// Per response child, `actual_values[starts[j]..starts[j + 1]]`: its values of the kinds.
    starts: Vec<usize>,
    actual_values: Vec<(u32, u64)>,
}

impl<'g> Identities<'g> {
    pub(super) fn new(
        expected: &'g ExpectedElement,
        children: &[Node],
        bindings: &Bindings,
    ) -> Identities<'g> {
        let mut ids = Identities {
            names: FastMap::default(),
            kinds: FastMap::default(),
            golden: Vec::with_capacity(expected.children.len()),
            actual_names: Vec::with_capacity(children.len()),
            starts: Vec::with_capacity(children.len() + 1),
            actual_values: Vec::new(),
        };
        for child in &expected.children {
            let next = ids.names.len() as u32;
            let name = *ids
                .names
                .entry((child.name.ns(), child.name.local()))
                .or_insert(next);
            let fields = ids.pinned(child, bindings);
            ids.golden.push((name, fields));
        }
        for node in children {
            let name = ids.names.get(&(node.namespace(), node.local_name()));
            ids.actual_names.push(name.copied().unwrap_or(u32::MAX));
            ids.starts.push(ids.actual_values.len());
            if name.is_some() {
                ids.read(*node);
            }
        }
        ids.starts.push(ids.actual_values.len());
        ids
    }

    fn kind(&mut self, kind: Kind, name: &'g QName) -> Option<u32> {
        let next = self.kinds.len() as u32;
        if self.kinds.len() >= KINDS {
            return self.kinds.get(&(kind, name.ns(), name.local())).copied();
        }
        Some(
            *self
                .kinds
                .entry((kind, name.ns(), name.local()))
                .or_insert(next),
        )
    }

    /// The values `child` pins, as (kind, hash of the value).
    fn pinned(&mut self, child: &'g ExpectedElement, bindings: &Bindings) -> Vec<Pinned> {
        let mut fields = Vec::new();
        for attr in &child.attrs {
            if let Some(value) = attr.value.resolved(bindings) {
                if let Some(kind) = self.kind(Kind::Attribute, &attr.name) {
                    fields.push((kind, hash_of(&[&value]), true));
                }
            }
        }
        if child.children.len() <= CHILD_TEXTS {
            for c in &child.children {
                let once = child.children.iter().filter(|o| o.name == c.name).count() == 1;
                let value = c.text.as_ref().and_then(|t| t.resolved(bindings));
                if let (true, Some(value)) = (once, value) {
                    if let Some(kind) = self.kind(Kind::ChildText, &c.name) {
                        fields.push((kind, hash_of(&[&value]), false));
                    }
                }
            }
        }
        fields
    }

    /// A response child's values of the kinds: each attribute once, the
    /// first child of each name: linear in the child.
    fn read(&mut self, node: Node) {
        for a in node.attributes() {
            if let Some(&kind) = self.kinds.get(&(Kind::Attribute, a.namespace(), a.name())) {
                self.actual_values.push((kind, hash_of(&[a.value()])));
            }
        }
        let start = self.actual_values.len();
        for c in node.children() {
            let key = (Kind::ChildText, c.namespace(), c.local_name());
            if let Some(&kind) = self.kinds.get(&key) {
                let seen = self.actual_values[start..].iter().any(|(k, _)| *k == kind);
                if !seen {
                    let text = c.text().unwrap_or("");
                    self.actual_values.push((kind, hash_of(&[text])));
                }
            }
        }
    }

    fn value_of(&self, j: usize, kind: u32) -> Option<u64> {
        let values = &self.actual_values[self.starts[j]..self.starts[j + 1]];
        values.iter().find(|(k, _)| *k == kind).map(|(_, h)| *h)
    }

    /// Whether golden child `i` and response child `j` have the same identity.
    pub(super) fn same(&self, i: usize, j: usize) -> bool {
        let (name, fields) = &self.golden[i];
        *name == self.actual_names[j]
            && fields
                .iter()
                .all(|&(kind, hash, _)| self.value_of(j, kind) == Some(hash))
    }

    /// Whether response child `j` has golden child `i`'s name and the
    /// attributes it pins (its pinned child texts may differ): a child that
    /// may stand in for it and be compared, not an unrelated sibling.
    pub(super) fn may_be(&self, i: usize, j: usize) -> bool {
        let (name, fields) = &self.golden[i];
        *name == self.actual_names[j]
            && fields
                .iter()
                .filter(|f| f.2)
                .all(|&(kind, hash, _)| self.value_of(j, kind) == Some(hash))
    }

    /// Whether `i` and `j` can be one another (the same name), and then
    /// how much they share: one, and one more for each pinned value.
    pub(super) fn score(&self, i: usize, j: usize) -> Option<u32> {
        let (name, fields) = &self.golden[i];
        (*name == self.actual_names[j]).then(|| {
            let shared = fields
                .iter()
                .filter(|&&(kind, hash, _)| self.value_of(j, kind) == Some(hash))
                .count();
            1 + shared as u32
        })
    }
}

/// What became of each child once aligned: `moved` golden children were
/// found elsewhere, whole.
struct Placement {
    steps: Vec<Step>,
    moved: Vec<(usize, usize)>,
}

impl<'s> Walker<'s> {
    /// Schema sequences: children aligned by identity, in order.
    pub(super) fn walk_aligned<'e>(
        &mut self,
        expected: &'e ExpectedElement,
        children: &[Node],
        parent: &Path,
    ) -> Vec<Element<'e>> {
        let ids = Identities::new(expected, children, &self.bindings);
        let aligned = self.align_whole(expected, children, &ids);
        if aligned.by_position {
            self.note(
                |labels| parent.render(labels),
                |at| format!("the children of {at} differ in too many places to align exactly: aligned by looking a few children ahead"),
            );
        }
        let steps = pair_runs(aligned.steps, |i, j| ids.score(i, j));
        let placement = self.find_moves(expected, children, &ids, steps);
        let mut placed: Vec<(usize, Element<'e>)> = Vec::with_capacity(children.len());
        for step in placement.steps {
            match step {
                Step::Pair(i, j) => {
                    let path = Path::Child(parent, Label::Expected(&expected.children, i));
                    placed.push((
                        j,
                        self.walk_child(&expected.children[i], children[j], &path),
                    ));
                }
                Step::Missing(i) => self.missing(&expected.children, i, parent),
                Step::Unexpected(j) => {
                    let element = self.unexpected(expected, children, j, parent);
                    placed.push((j, element));
                }
            }
        }
        for (i, j) in placement.moved {
            let path = Path::Child(parent, Label::Expected(&expected.children, i));
            self.differ(
                |labels| path.render(labels),
                DifferenceKind::Order,
                Some((i + 1).to_string()),
                Some((j + 1).to_string()),
            );
            placed.push((j, Element::golden(&expected.children[i])));
        }
        placed.sort_by_key(|(j, _)| *j);
        placed.into_iter().map(|(_, e)| e).collect()
    }

    /// Aligns children that match whole, so that of two children with one
    /// identity the one that differs is the one reported. Matching whole is
    /// tried only between children with the same identity, remembered, and
    /// at most [`PROBES`] times for each response child (then its identity
    /// decides): a hostile list costs each child a few looks, not one per
    /// golden child.
    fn align_whole(
        &mut self,
        expected: &ExpectedElement,
        children: &[Node],
        ids: &Identities,
    ) -> super::super::align::Alignment {
        const PROBES: u8 = 8;
        let mut known: FastMap<(usize, usize), bool> = FastMap::default();
        let mut probed = vec![0u8; children.len()];
        align(expected.children.len(), children.len(), |i, j| {
            if !ids.same(i, j) {
                return false;
            }
            if let Some(&whole) = known.get(&(i, j)) {
                return whole;
            }
            if probed[j] >= PROBES {
                return true;
            }
            probed[j] += 1;
            let whole = self.probe(&expected.children[i], children[j]);
            known.insert((i, j), whole);
            whole
        })
    }

    /// A golden child left missing that is whole among the unexpected ones,
    /// with its identity, was moved: one difference, not two. Each looks at
    /// a few namesakes only, so a hostile list stays linear.
    fn find_moves(
        &mut self,
        expected: &ExpectedElement,
        children: &[Node],
        ids: &Identities,
        steps: Vec<Step>,
    ) -> Placement {
        const LOOKED_AT: usize = 16;
        let mut by_name: FastMap<u32, Vec<usize>> = FastMap::default();
        for step in &steps {
            if let Step::Unexpected(j) = *step {
                by_name.entry(ids.actual_names[j]).or_default().push(j);
            }
        }
        let mut moved = Vec::new();
        let mut taken: FastMap<usize, ()> = FastMap::default();
        for step in &steps {
            let Step::Missing(i) = *step else { continue };
            let Some(list) = by_name.get_mut(&ids.golden[i].0) else {
                continue;
            };
            let found = list
                .iter()
                .take(LOOKED_AT)
                .position(|&j| ids.same(i, j) && self.probe(&expected.children[i], children[j]));
            if let Some(k) = found {
                let j = list.remove(k);
                taken.insert(j, ());
                moved.push((i, j));
            }
        }
        let missing_moved: FastMap<usize, ()> = moved.iter().map(|&(i, _)| (i, ())).collect();
        let steps = steps
            .into_iter()
            .filter(|s| match *s {
                Step::Missing(i) => !missing_moved.contains_key(&i),
                Step::Unexpected(j) => !taken.contains_key(&j),
                Step::Pair(..) => true,
            })
            .collect();
        Placement { steps, moved }
    }

    /// Ordered, with extras allowed: the golden's children must appear in this
    /// order among others. Each is the next child that matches it whole, else
    /// the child after that that may stand in for it and shares the most with
    /// it (then compared); else it is missing, and the children after it are
    /// still looked for where it would have been.
    pub(super) fn walk_subsequence<'e>(
        &mut self,
        expected: &'e ExpectedElement,
        children: &[Node],
        parent: &Path,
    ) -> Vec<Element<'e>> {
        let ids = Identities::new(expected, children, &self.bindings);
        let mut out = Vec::new();
        let mut next = 0;
        for (i, e) in expected.children.iter().enumerate() {
            let path = Path::Child(parent, Label::Expected(&expected.children, i));
            let found = (next..children.len())
                .find(|&j| self.probe(e, children[j]))
                .or_else(|| stand_in(&ids, i, next..children.len()));
            match found {
                Some(j) => {
                    out.push(self.walk(e, children[j], &path));
                    next = j + 1;
                }
                None => self.missing(&expected.children, i, parent),
            }
        }
        let left_out = children.len().saturating_sub(out.len());
        self.left_out(parent, left_out, "children", "element");
        out
    }
}

/// The response child among `among` that may stand in for golden child `i`
/// (its name, its pinned attributes) and shares the most pinned values with
/// it, the first of those; among the first few only, so a hostile list of
/// namesakes stays linear.
fn stand_in(ids: &Identities, i: usize, among: std::ops::Range<usize>) -> Option<usize> {
    const LOOKED_AT: usize = 64;
    among
        .filter(|&j| ids.may_be(i, j))
        .take(LOOKED_AT)
        .max_by_key(|&j| (ids.score(i, j), std::cmp::Reverse(j)))
}
