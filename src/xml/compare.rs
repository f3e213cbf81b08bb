//! The comparator: a pure function of a compiled golden, an actual document and
//! the bound variables. It lists every difference with its path and builds the
//! actual document normalized toward the golden (placeholders kept where they
//! matched, unordered children in the golden's order, allowed extras left out),
//! which is what the diff shows and what bless writes.

use std::collections::HashMap;
use std::fmt;

use super::tree::Node;

use super::canonical::Element;
use super::expected::ExpectedElement;
use super::pattern::{templatize, Pattern};
use super::{Bindings, QName};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    ElementName,
    MissingAttribute,
    UnexpectedAttribute,
    AttributeValue,
    Text,
    MissingElement,
    UnexpectedElement,
    Order,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    pub path: String,
    pub kind: DifferenceKind,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<String>| v.as_deref().map(quote).unwrap_or_default();
        match self.kind {
            DifferenceKind::ElementName => write!(
                f,
                "{}: element is {}, expected {}",
                self.path,
                show(&self.actual),
                show(&self.expected)
            ),
            DifferenceKind::MissingAttribute => write!(
                f,
                "{}: missing attribute, expected {}",
                self.path,
                show(&self.expected)
            ),
            DifferenceKind::UnexpectedAttribute => write!(
                f,
                "{}: unexpected attribute {}",
                self.path,
                show(&self.actual)
            ),
            DifferenceKind::AttributeValue | DifferenceKind::Text => write!(
                f,
                "{}: expected {}, found {}",
                self.path,
                match &self.expected {
                    Some(e) => quote(e),
                    None => "no text".into(),
                },
                match &self.actual {
                    Some(a) => quote(a),
                    None => "no text".into(),
                }
            ),
            DifferenceKind::MissingElement => {
                write!(f, "{}: missing element {}", self.path, show(&self.expected))
            }
            DifferenceKind::UnexpectedElement => write!(
                f,
                "{}: unexpected element {}",
                self.path,
                show(&self.actual)
            ),
            DifferenceKind::Order => write!(
                f,
                "{}: out of order: expected as child {}, found as child {}",
                self.path,
                self.expected.as_deref().unwrap_or("?"),
                self.actual.as_deref().unwrap_or("?")
            ),
        }
    }
}

fn quote(text: &str) -> String {
    format!("{text:?}")
}

/// What a comparison found.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub differences: Vec<Difference>,
    /// The actual document normalized toward the golden; `None` when they match
    /// (it would be the golden itself, and copying a large golden costs memory).
    pub normalized: Option<Element>,
    /// The bindings after the comparison: `{{origin}}` is bound once seen.
    pub bindings: Bindings,
}

impl Comparison {
    pub fn is_match(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Compares an actual document's root element with a compiled golden.
pub fn compare(expected: &ExpectedElement, actual: Node, bindings: &Bindings) -> Comparison {
    let mut walker = Walker {
        bindings: bindings.clone(),
        differences: Vec::new(),
    };
    // Most comparisons match: prove that first, without building anything, and
    // walk again for paths and the normalized document only when they do not.
    if walker.probe(expected, actual) {
        return Comparison {
            differences: Vec::new(),
            normalized: None,
            bindings: walker.bindings,
        };
    }
    walker.bindings = bindings.clone();
    let normalized = walker.walk_root(expected, actual);
    Comparison {
        differences: walker.differences,
        normalized: Some(normalized),
        bindings: walker.bindings,
    }
}

/// The actual document normalized toward the golden, always by a full walk (what
/// `compare` does when they differ): placeholders kept where values match.
pub fn normalize(expected: &ExpectedElement, actual: Node, bindings: &Bindings) -> Element {
    Walker {
        bindings: bindings.clone(),
        differences: Vec::new(),
    }
    .walk_root(expected, actual)
}

/// Where a difference is, rendered only when one is reported.
enum Path<'p, 'a, 'i> {
    Root,
    Child(&'p Path<'p, 'a, 'i>, Label<'p, 'a, 'i>),
}

enum Label<'p, 'a, 'i> {
    Top(&'p ExpectedElement),
    Expected(&'p [ExpectedElement], usize),
    Actual(&'p [Node<'a, 'i>], usize),
}

impl Path<'_, '_, '_> {
    fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Child(parent, label) => format!("{}/{}", parent.render(), label.render()),
        }
    }

    fn attribute(&self, name: &QName) -> String {
        format!("{}/@{}", self.render(), name.local)
    }

    fn text(&self) -> String {
        format!("{}/text()", self.render())
    }
}

impl Label<'_, '_, '_> {
    fn render(&self) -> String {
        match self {
            Label::Top(e) => e.name.local.clone(),
            Label::Expected(siblings, index) => {
                let describe = |e: &ExpectedElement| {
                    let attrs = e
                        .attrs
                        .iter()
                        .filter_map(|a| {
                            Some((a.name.local.clone(), a.value.as_literal()?.to_string()))
                        })
                        .collect();
                    (e.name.clone(), attrs)
                };
                let all: Vec<_> = siblings.iter().map(describe).collect();
                step_label(&all, *index)
            }
            Label::Actual(siblings, index) => {
                let all: Vec<_> = siblings
                    .iter()
                    .map(|n| {
                        let attrs = n
                            .attributes()
                            .map(|a| (a.name().to_string(), a.value().to_string()))
                            .collect();
                        (QName::of_node(*n), attrs)
                    })
                    .collect();
                step_label(&all, *index)
            }
        }
    }
}

type Described = (QName, Vec<(String, String)>);

/// `Name`, `Name[@Attr='value']` with the first attribute that tells it apart
/// from its same-named siblings, or `Name[k]`.
fn step_label(siblings: &[Described], index: usize) -> String {
    let (name, attrs) = &siblings[index];
    let same: Vec<usize> = (0..siblings.len())
        .filter(|&i| siblings[i].0 == *name)
        .collect();
    if same.len() == 1 {
        return name.local.clone();
    }
    for (attr, value) in attrs {
        let shared = same
            .iter()
            .any(|&i| i != index && siblings[i].1.iter().any(|(a, v)| a == attr && v == value));
        if !shared && !value.contains('\'') {
            return format!("{}[@{attr}='{value}']", name.local);
        }
    }
    let position = same.iter().position(|&i| i == index).unwrap_or(0) + 1;
    format!("{}[{position}]", name.local)
}

fn same_name(expected: &ExpectedElement, actual: Node) -> bool {
    expected.name.is(actual.namespace(), actual.local_name())
}

struct Walker {
    bindings: Bindings,
    differences: Vec<Difference>,
}

impl Walker {
    fn walk_root(&mut self, expected: &ExpectedElement, actual: Node) -> Element {
        let root = Path::Root;
        self.walk(expected, actual, &Path::Child(&root, Label::Top(expected)))
    }

    fn text_matches(&mut self, expected: Option<&Pattern>, actual: Option<&str>) -> bool {
        match (expected, actual) {
            (None, None) => true,
            (None, Some(_)) => false,
            (Some(p), a) => p.matches(a.unwrap_or(""), &mut self.bindings),
        }
    }

    /// Whether `actual` matches `expected` entirely. A failed probe leaves the bindings as they were.
    fn probe(&mut self, expected: &ExpectedElement, actual: Node) -> bool {
        // Only an unbound origin can change during a probe.
        let was_unbound = self.bindings.origin.is_none();
        let ok = self.probe_inner(expected, actual);
        if !ok && was_unbound {
            self.bindings.origin = None;
        }
        ok
    }

    fn probe_inner(&mut self, expected: &ExpectedElement, actual: Node) -> bool {
        if !same_name(expected, actual) {
            return false;
        }
        for attr in &expected.attrs {
            let found = actual
                .attributes()
                .find(|a| attr.name.is(a.namespace(), a.name()));
            match found {
                Some(a) if attr.value.matches(a.value(), &mut self.bindings) => {}
                _ => return false,
            }
        }
        if !expected.directives.extra_attributes
            && actual.attributes().len() != expected.attrs.len()
        {
            return false;
        }
        if !self.text_matches(expected.text.as_ref(), actual.text()) {
            return false;
        }
        let children: Vec<Node> = actual.children().collect();
        let extra = expected.directives.extra_children;
        if !extra && children.len() != expected.children.len() {
            return false;
        }
        if expected.directives.any_order {
            let assignment = self.assign(&expected.children, &children);
            assignment.iter().all(Option::is_some)
        } else if !extra {
            expected
                .children
                .iter()
                .zip(&children)
                .all(|(e, a)| self.probe(e, *a))
        } else {
            // Leftmost embedding is optimal for a subsequence match.
            let mut next = 0;
            expected.children.iter().all(|e| {
                match (next..children.len()).find(|&j| self.probe(e, children[j])) {
                    Some(j) => {
                        next = j + 1;
                        true
                    }
                    None => false,
                }
            })
        }
    }

    fn differ(
        &mut self,
        path: String,
        kind: DifferenceKind,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        self.differences.push(Difference {
            path,
            kind,
            expected,
            actual,
        });
    }

    /// An actual element with no golden counterpart, as bless would record it.
    fn recorded(&self, actual: Node) -> Element {
        let mut element = Element::from_node(actual);
        let bindings = &self.bindings;
        element.walk_mut(&mut |e| {
            for (_, value) in &mut e.attrs {
                *value = templatize(value, bindings);
            }
            if let Some(text) = &mut e.text {
                *text = templatize(text, bindings);
            }
        });
        element
    }

    fn walk(&mut self, expected: &ExpectedElement, actual: Node, path: &Path) -> Element {
        if !same_name(expected, actual) {
            self.differ(
                path.render(),
                DifferenceKind::ElementName,
                Some(expected.name.to_string()),
                Some(QName::of_node(actual).to_string()),
            );
            return self.recorded(actual);
        }
        let mut attrs = Vec::with_capacity(expected.attrs.len());
        for attr in &expected.attrs {
            let found = actual
                .attributes()
                .find(|a| attr.name.is(a.namespace(), a.name()));
            match found {
                Some(a) if attr.value.matches(a.value(), &mut self.bindings) => {
                    attrs.push((attr.name.clone(), attr.value.raw().to_string()));
                }
                Some(a) => {
                    self.differ(
                        path.attribute(&attr.name),
                        DifferenceKind::AttributeValue,
                        Some(attr.value.raw().to_string()),
                        Some(a.value().to_string()),
                    );
                    attrs.push((attr.name.clone(), templatize(a.value(), &self.bindings)));
                }
                None => self.differ(
                    path.attribute(&attr.name),
                    DifferenceKind::MissingAttribute,
                    Some(attr.value.raw().to_string()),
                    None,
                ),
            }
        }
        for a in actual.attributes() {
            let mentioned = expected
                .attrs
                .iter()
                .any(|e| e.name.is(a.namespace(), a.name()));
            if mentioned || expected.directives.extra_attributes {
                continue;
            }
            let name = QName::of_attr(&a);
            self.differ(
                path.attribute(&name),
                DifferenceKind::UnexpectedAttribute,
                None,
                Some(format!("{}=\"{}\"", a.name(), a.value())),
            );
            attrs.push((name, templatize(a.value(), &self.bindings)));
        }

        let actual_text = actual.text().map(str::to_string);
        let text = if self.text_matches(expected.text.as_ref(), actual_text.as_deref()) {
            expected.text.as_ref().map(|t| t.raw().to_string())
        } else {
            self.differ(
                path.text(),
                DifferenceKind::Text,
                expected.text.as_ref().map(|t| t.raw().to_string()),
                actual_text.clone(),
            );
            actual_text.map(|t| templatize(&t, &self.bindings))
        };

        let children: Vec<Node> = actual.children().collect();
        let normalized_children = if expected.directives.any_order {
            self.walk_unordered(expected, &children, path)
        } else if expected.directives.extra_children {
            self.walk_subsequence(expected, &children, path)
        } else {
            self.walk_aligned(expected, &children, path)
        };
        Element {
            name: expected.name.clone(),
            attrs,
            text,
            children: normalized_children,
            directives: expected.directives,
        }
    }

    fn missing(
        &mut self,
        expected: &ExpectedElement,
        siblings: &[ExpectedElement],
        index: usize,
        parent: &Path,
    ) {
        let path = Path::Child(parent, Label::Expected(siblings, index));
        self.differ(
            path.render(),
            DifferenceKind::MissingElement,
            Some(format!("<{}>", expected.name.local)),
            None,
        );
    }

    fn unexpected(&mut self, children: &[Node], index: usize, parent: &Path) -> Element {
        let path = Path::Child(parent, Label::Actual(children, index));
        self.differ(
            path.render(),
            DifferenceKind::UnexpectedElement,
            None,
            Some(format!("<{}>", children[index].local_name())),
        );
        self.recorded(children[index])
    }

    /// Schema sequences: children align by name, in order.
    fn walk_aligned(
        &mut self,
        expected: &ExpectedElement,
        children: &[Node],
        parent: &Path,
    ) -> Vec<Element> {
        let e_names: Vec<QName> = expected.children.iter().map(|e| e.name.clone()).collect();
        let a_names: Vec<QName> = children.iter().map(|n| QName::of_node(*n)).collect();
        let mut out = Vec::with_capacity(children.len());
        if e_names == a_names {
            for (i, (e, a)) in expected.children.iter().zip(children).enumerate() {
                let path = Path::Child(parent, Label::Expected(&expected.children, i));
                out.push(self.walk(e, *a, &path));
            }
            return out;
        }
        let mut missing = Vec::new();
        let mut unexpected = Vec::new();
        let mut pairs = Vec::new();
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, &e_names, &a_names) {
            let (tag, old, new) = op.as_tag_tuple();
            match tag {
                similar::DiffTag::Equal => pairs.extend(old.zip(new)),
                similar::DiffTag::Delete => missing.extend(old),
                similar::DiffTag::Insert => unexpected.extend(new),
                similar::DiffTag::Replace => {
                    let common = old.len().min(new.len());
                    pairs.extend(old.clone().zip(new.clone()).take(common));
                    missing.extend(old.skip(common));
                    unexpected.extend(new.skip(common));
                }
            }
        }
        // A child that is missing in one place and unexpected in another is out of order.
        let mut moved = Vec::new();
        missing.retain(|&i| {
            let found = unexpected
                .iter()
                .position(|&j| self.probe(&expected.children[i], children[j]));
            match found {
                Some(k) => {
                    moved.push((i, unexpected.remove(k)));
                    false
                }
                None => true,
            }
        });
        let mut placed: Vec<(usize, Element)> = Vec::new();
        for (i, j) in pairs {
            let path = Path::Child(parent, Label::Expected(&expected.children, i));
            placed.push((j, self.walk(&expected.children[i], children[j], &path)));
        }
        for (i, j) in moved {
            let path = Path::Child(parent, Label::Expected(&expected.children, i));
            self.differ(
                path.render(),
                DifferenceKind::Order,
                Some((i + 1).to_string()),
                Some((j + 1).to_string()),
            );
            placed.push((j, self.walk(&expected.children[i], children[j], &path)));
        }
        for i in missing {
            self.missing(&expected.children[i], &expected.children, i, parent);
        }
        for j in unexpected {
            let element = self.unexpected(children, j, parent);
            placed.push((j, element));
        }
        placed.sort_by_key(|(j, _)| *j);
        out.extend(placed.into_iter().map(|(_, e)| e));
        out
    }

    /// Ordered, with extras allowed: the golden's children must appear in this order among others.
    fn walk_subsequence(
        &mut self,
        expected: &ExpectedElement,
        children: &[Node],
        parent: &Path,
    ) -> Vec<Element> {
        let mut out = Vec::new();
        let mut next = 0;
        for (i, e) in expected.children.iter().enumerate() {
            let path = Path::Child(parent, Label::Expected(&expected.children, i));
            let found = (next..children.len())
                .find(|&j| self.probe(e, children[j]))
                .or_else(|| (next..children.len()).find(|&j| same_name(e, children[j])));
            match found {
                Some(j) => {
                    out.push(self.walk(e, children[j], &path));
                    next = j + 1;
                }
                None => self.missing(e, &expected.children, i, parent),
            }
        }
        out
    }

    /// Any order: each expected child to a distinct actual child.
    fn walk_unordered(
        &mut self,
        expected: &ExpectedElement,
        children: &[Node],
        parent: &Path,
    ) -> Vec<Element> {
        let assignment = self.assign(&expected.children, children);
        let mut taken = vec![false; children.len()];
        for j in assignment.iter().flatten() {
            taken[*j] = true;
        }
        let mut out = Vec::with_capacity(expected.children.len());
        for (i, e) in expected.children.iter().enumerate() {
            let path = Path::Child(parent, Label::Expected(&expected.children, i));
            let j = match assignment[i] {
                Some(j) => Some(j),
                // No match: show the differences against a same-named leftover, if any.
                None => {
                    let leftover =
                        (0..children.len()).find(|&j| !taken[j] && same_name(e, children[j]));
                    if let Some(j) = leftover {
                        taken[j] = true;
                    }
                    leftover
                }
            };
            match j {
                Some(j) => out.push(self.walk(e, children[j], &path)),
                None => self.missing(e, &expected.children, i, parent),
            }
        }
        if !expected.directives.extra_children {
            for j in (0..children.len()).filter(|&j| !taken[j]) {
                let element = self.unexpected(children, j, parent);
                out.push(element);
            }
        }
        out
    }

    /// Multiset matching: a maximum matching of expected to actual children, by a
    /// greedy pass (same position first) and augmenting paths for what is left.
    fn assign(&mut self, expected: &[ExpectedElement], actual: &[Node]) -> Vec<Option<usize>> {
        let (arrays, lists) = candidate_lists(expected, actual);
        let candidates: Vec<&[usize]> = lists
            .iter()
            .map(|c| &arrays[c.array][c.start..c.end])
            .collect();
        let mut owner: Vec<Option<usize>> = vec![None; actual.len()];
        let mut result: Vec<Option<usize>> = vec![None; expected.len()];
        let mut cursors: FxMap<(*const usize, usize), usize> = FxMap::default();

        for i in 0..expected.len() {
            let list = candidates[i];
            // Documents mostly come in the golden's order: try the same position first.
            if i < actual.len()
                && owner[i].is_none()
                && (list.len() <= 16 && list.contains(&i)
                    || list.len() > 16 && same_name(&expected[i], actual[i]))
                && self.probe(&expected[i], actual[i])
            {
                owner[i] = Some(i);
                result[i] = Some(i);
                continue;
            }
            // Candidates only ever get taken in this pass, so a taken prefix of a
            // long shared list is skipped for good.
            let start = if list.len() > 16 {
                let cursor = cursors.entry((list.as_ptr(), list.len())).or_insert(0);
                while *cursor < list.len() && owner[list[*cursor]].is_some() {
                    *cursor += 1;
                }
                *cursor
            } else {
                0
            };
            for &j in &list[start..] {
                if owner[j].is_none() && self.probe(&expected[i], actual[j]) {
                    owner[j] = Some(i);
                    result[i] = Some(j);
                    break;
                }
            }
        }

        // What the greedy pass left: augmenting paths, remembering every probe.
        let mut known: FxMap<(usize, usize), bool> = FxMap::default();
        for i in 0..expected.len() {
            if result[i].is_none() {
                let mut visited = vec![false; actual.len()];
                self.augment(
                    i,
                    expected,
                    actual,
                    &candidates,
                    &mut owner,
                    &mut result,
                    &mut visited,
                    &mut known,
                );
            }
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn augment(
        &mut self,
        i: usize,
        expected: &[ExpectedElement],
        actual: &[Node],
        candidates: &[&[usize]],
        owner: &mut [Option<usize>],
        result: &mut [Option<usize>],
        visited: &mut [bool],
        known: &mut FxMap<(usize, usize), bool>,
    ) -> bool {
        for &j in candidates[i].iter() {
            if visited[j] {
                continue;
            }
            let ok = match known.get(&(i, j)) {
                Some(ok) => *ok,
                None => {
                    let ok = self.probe(&expected[i], actual[j]);
                    known.insert((i, j), ok);
                    ok
                }
            };
            if !ok {
                continue;
            }
            visited[j] = true;
            let free = match owner[j] {
                None => true,
                Some(other) => self.augment(
                    other, expected, actual, candidates, owner, result, visited, known,
                ),
            };
            if free {
                owner[j] = Some(i);
                result[i] = Some(j);
                return true;
            }
        }
        false
    }
}

/// A fast hasher for the comparator's own short-lived maps and signatures (SipHash,
/// std's default, guards against hostile keys; these keys come from one comparison,
/// and a collision costs only a probe). Sixteen bytes per folded 64x64-bit multiply,
/// as wyhash and foldhash do.
#[derive(Default)]
struct FoldHasher(u64);

const K0: u64 = 0xa076_1d64_78bd_642f;
const K1: u64 = 0xe703_7ed1_a0b4_28db;

fn fold(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Up to eight bytes as a little-endian word, without a call to memcpy.
fn word(bytes: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(bytes) {
        Ok(eight) => u64::from_le_bytes(eight),
        Err(_) => bytes
            .iter()
            .rev()
            .fold(0u64, |word, &b| (word << 8) | u64::from(b)),
    }
}

impl std::hash::Hasher for FoldHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(16);
        for chunk in &mut chunks {
            let (lo, hi) = chunk.split_at(8);
            self.0 = fold(word(lo) ^ K0 ^ self.0, word(hi) ^ K1);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let (lo, hi) = rest.split_at(rest.len().min(8));
            self.0 = fold(word(lo) ^ K0 ^ self.0, word(hi) ^ K1 ^ rest.len() as u64);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = fold(self.0 ^ n as u64 ^ K0, K1);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FoldHasher>>;

/// Candidates for one expected child: a slice of one of the shared index arrays.
#[derive(Clone, Copy)]
struct Candidates {
    array: usize,
    start: usize,
    end: usize,
}

/// For each expected child, the actual children that could match it: same name,
/// and the same value for a literal attribute. Attributes are tried in order of
/// how many distinct values the golden's siblings give them (an `Href` tells
/// links apart, a `Rel` hardly), until one narrows the list to a single child.
/// Each index is one array sorted by the indexed value, so a candidate list is a
/// slice of it.
fn candidate_lists<'a, 'e>(
    expected: &'e [ExpectedElement],
    actual: &[Node<'a, '_>],
) -> (Vec<Vec<usize>>, Vec<Candidates>) {
    type Key<'k> = (Option<&'k str>, &'k str);
    let mut arrays: Vec<Vec<usize>> = Vec::new();
    // Parallel to `arrays`: the sorted values of an attribute index (empty for a name list).
    let mut values: Vec<Vec<&'a str>> = Vec::new();
    let mut by_name: FxMap<Key<'a>, usize> = FxMap::default();
    for (j, node) in actual.iter().enumerate() {
        let next = arrays.len();
        let array = *by_name
            .entry((node.namespace(), node.local_name()))
            .or_insert_with(|| {
                arrays.push(Vec::new());
                values.push(Vec::new());
                next
            });
        arrays[array].push(j);
    }
    // An expected child whose attributes are all literal, with no extra attributes
    // allowed, matches only an actual child with exactly those attributes: bucket
    // both sides by a signature that does not depend on attribute order.
    let exact = |e: &ExpectedElement| e.signature.is_some();
    let mut by_signature: Option<(usize, Vec<u64>)> = None;
    // How well each attribute tells the golden's siblings apart, judged on a sample.
    // Keys are (sibling group, attribute namespace, attribute local name): cheap to hash.
    type AttrKey<'k> = (usize, Option<&'k str>, &'k str);
    // Siblings mostly share a name: look it up again only when it changes.
    let mut last: Option<(&QName, Option<usize>)> = None;
    let mut group = |e: &'e ExpectedElement| match last {
        Some((name, found)) if name.local == e.name.local && name.ns == e.name.ns => found,
        _ => {
            let found = by_name
                .get(&(e.name.ns.as_deref(), e.name.local.as_str()))
                .copied();
            last = Some((&e.name, found));
            found
        }
    };
    let mut seen: FxMap<(AttrKey, &str), ()> = FxMap::default();
    let mut distinct: FxMap<AttrKey, usize> = FxMap::default();
    // Only siblings that the signature cannot place need the sample.
    let sampled = if expected.iter().all(exact) { 0 } else { 32 };
    for e in expected.iter().take(sampled) {
        let Some(g) = group(e) else { continue };
        for attr in &e.attrs {
            if let Some(v) = attr.value.as_literal() {
                let key = (g, attr.name.ns.as_deref(), attr.name.local.as_str());
                if seen.insert((key, v), ()).is_none() {
                    *distinct.entry(key).or_default() += 1;
                }
            }
        }
    }
    let mut by_attr: FxMap<AttrKey, usize> = FxMap::default();
    let mut lists = Vec::with_capacity(expected.len());
    let mut attrs: Vec<(&QName, &str, usize)> = Vec::new();
    for e in expected {
        let Some(named) = group(e) else {
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
        if best.end - best.start <= 1 {
            lists.push(best);
            continue;
        }
        if exact(e) {
            let (array, sigs) = by_signature.get_or_insert_with(|| {
                let mut pairs: Vec<(u64, usize)> = (0..actual.len())
                    .map(|j| (actual_signature(actual[j]), j))
                    .collect();
                pairs.sort_unstable();
                let array = arrays.len();
                arrays.push(pairs.iter().map(|(_, j)| *j).collect());
                values.push(Vec::new());
                (array, pairs.into_iter().map(|(s, _)| s).collect())
            });
            let sig = e.signature.unwrap_or_default();
            let start = sigs.partition_point(|s| *s < sig);
            let end = start + sigs[start..].partition_point(|s| *s == sig);
            lists.push(Candidates {
                array: *array,
                start,
                end,
            });
            continue;
        }
        attrs.clear();
        attrs.extend(e.attrs.iter().filter_map(|a| {
            let v = a.value.as_literal()?;
            let key = (named, a.name.ns.as_deref(), a.name.local.as_str());
            Some((&a.name, v, distinct.get(&key).copied().unwrap_or(0)))
        }));
        attrs.sort_by_key(|(_, _, d)| std::cmp::Reverse(*d));
        for &(attr, value, _) in &attrs {
            if best.end - best.start <= 1 {
                break;
            }
            let next = arrays.len();
            let key = (named, attr.ns.as_deref(), attr.local.as_str());
            let array = *by_attr.entry(key).or_insert_with(|| {
                let mut pairs: Vec<(&'a str, usize)> = arrays[named]
                    .iter()
                    .filter_map(|&j| {
                        let a = actual[j]
                            .attributes()
                            .find(|a| attr.is(a.namespace(), a.name()))?;
                        Some((a.value(), j))
                    })
                    .collect();
                pairs.sort_unstable();
                values.push(pairs.iter().map(|(v, _)| *v).collect());
                arrays.push(pairs.into_iter().map(|(_, j)| j).collect());
                next
            });
            let sorted = &values[array];
            let start = sorted.partition_point(|v| *v < value);
            let end = start + sorted[start..].partition_point(|v| *v == value);
            if end - start < best.end - best.start {
                best = Candidates { array, start, end };
            }
        }
        lists.push(best);
    }
    if arrays.is_empty() {
        arrays.push(Vec::new());
    }
    (arrays, lists)
}

fn hash_of(parts: &[&str]) -> u64 {
    use std::hash::Hasher;
    let mut h = FoldHasher::default();
    for p in parts {
        h.write(p.as_bytes());
        h.write_usize(p.len());
    }
    h.finish()
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

pub(crate) fn expected_signature(e: &ExpectedElement) -> u64 {
    signature(
        (e.name.ns.as_deref(), &e.name.local),
        e.attrs
            .iter()
            .map(|a| (a.name.ns.as_deref(), a.name.local.as_str(), a.value.raw())),
    )
}

fn actual_signature(node: Node) -> u64 {
    signature(
        (node.namespace(), node.local_name()),
        node.attributes()
            .map(|a| (a.namespace(), a.name(), a.value())),
    )
}

/// An actual document recorded as a new golden: values written back as placeholders.
pub fn record(actual: Node, bindings: &Bindings) -> Element {
    Walker {
        bindings: bindings.clone(),
        differences: Vec::new(),
    }
    .recorded(actual)
}
