//! The comparator: a pure function of a compiled golden, an actual document and
//! the bound variables. It lists every difference with its path and builds the
//! actual document normalized toward the golden (placeholders kept where they
//! matched, unordered children in the golden's order, allowed extras left out),
//! which is what the diff shows and what bless writes.

use std::fmt;

mod ordered;

use super::tree::Node;

use super::canonical::Element;
use super::expected::ExpectedElement;
use super::hash::FastMap;
use super::labels::{Label, Labels, Path};
use super::siblings::candidate_lists;
use super::QName;
use crate::placeholder::pattern::{templatize, Pattern};
use crate::placeholder::Bindings;
use crate::stop::Stop;

/// What kind of difference.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// The element has another name.
    ElementName,
    /// An attribute the golden has is missing.
    MissingAttribute,
    /// An attribute the golden does not have and does not allow.
    UnexpectedAttribute,
    /// An attribute's value differs.
    AttributeValue,
    /// The text differs.
    Text,
    /// An element the golden has is missing.
    MissingElement,
    /// An element the golden does not have and does not allow.
    UnexpectedElement,
    /// Children in another order where order matters.
    Order,
    /// The comparison gave up here (interrupted, or out of time): not a verdict.
    Stopped,
    /// JSON: a member the golden has is missing.
    MissingMember,
    /// JSON: a member the golden does not have and does not allow.
    UnexpectedMember,
    /// JSON: a value differs (in type or value).
    Value,
    /// JSON: an array item the golden has is missing.
    MissingItem,
    /// JSON: an array item the golden does not have and does not allow.
    UnexpectedItem,
}

/// One difference between a response and its golden.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// Where: `/LogonSession/Links/Link[@Rel='Delete']/@Href`.
    pub path: String,
    /// What differs.
    pub kind: DifferenceKind,
    /// What the golden says, when it says something.
    pub expected: Option<String>,
    /// What the response has, when it has something.
    pub actual: Option<String>,
}

/// Every difference says the same way what it found: `expected X, found Y`,
/// or `missing ...` / `unexpected ...` for what one side has and the other
/// has not.
impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        let raw = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
        let text = |v: &Option<String>| v.as_deref().map_or("no text".into(), quote);
        match self.kind {
            DifferenceKind::ElementName => {
                let (expected, actual) = (raw(&self.expected), raw(&self.actual));
                write!(f, "{path}: expected element {expected}, found {actual}; ")?;
                if local_of(&expected) == local_of(&actual) {
                    write!(f, "comparison of namespaces stopped at {path}: below it, elements are compared by local name")
                } else {
                    write!(
                        f,
                        "comparison stopped at {path}: nothing below it is compared"
                    )
                }
            }
            DifferenceKind::MissingAttribute => {
                write!(
                    f,
                    "{path}: missing attribute, expected {}",
                    text(&self.expected)
                )
            }
            DifferenceKind::UnexpectedAttribute => {
                write!(
                    f,
                    "{path}: unexpected attribute, found {}",
                    text(&self.actual)
                )
            }
            DifferenceKind::AttributeValue | DifferenceKind::Text => write!(
                f,
                "{path}: expected {}, found {}",
                text(&self.expected),
                text(&self.actual)
            ),
            DifferenceKind::MissingElement => {
                write!(f, "{path}: missing element {}", raw(&self.expected))
            }
            DifferenceKind::UnexpectedElement => {
                write!(f, "{path}: unexpected element {}", raw(&self.actual))
            }
            DifferenceKind::Stopped => write!(
                f,
                "{path}: comparison stopped here, {}",
                self.actual.as_deref().unwrap_or("?")
            ),
            DifferenceKind::Order => write!(
                f,
                "{path}: expected at position {}, found at position {} (moved)",
                raw(&self.expected),
                raw(&self.actual)
            ),
            DifferenceKind::MissingMember
            | DifferenceKind::UnexpectedMember
            | DifferenceKind::Value
            | DifferenceKind::MissingItem
            | DifferenceKind::UnexpectedItem => self.fmt_json(f),
        }
    }
}

/// The local part of a name as [`QName`] displays it (`{urn:v}Link`).
fn local_of(name: &str) -> &str {
    name.rsplit_once('}').map_or(name, |(_, local)| local)
}

impl Difference {
    /// A JSON difference: values are shown as JSON text, so `"1"` and `1` stay apart.
    fn fmt_json(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, expected, actual) = (
            &self.path,
            self.expected.as_deref().unwrap_or("?"),
            self.actual.as_deref().unwrap_or("?"),
        );
        match self.kind {
            DifferenceKind::MissingMember => {
                write!(f, "{path}: missing member, expected {expected}")
            }
            DifferenceKind::UnexpectedMember => {
                write!(f, "{path}: unexpected member, found {actual}")
            }
            DifferenceKind::MissingItem => write!(f, "{path}: missing item {expected}"),
            DifferenceKind::UnexpectedItem => write!(f, "{path}: unexpected item {actual}"),
            _ => write!(f, "{path}: expected {expected}, found {actual}"),
        }
    }
}

/// A golden element as a difference names it: its name and the attributes
/// it pins to a literal value (`<Link Rel='Delete' Type='LogonSession'>`).
fn described_golden(e: &ExpectedElement) -> String {
    let pinned = e
        .attrs
        .iter()
        .filter_map(|a| Some((a.name.local(), a.value.as_literal()?)));
    described(e.name.local(), pinned)
}

/// A response element as a difference names it: its name and its values of
/// the attributes its golden namesakes pin (a link's `Rel` and `Type`).
fn described_actual(parent: &ExpectedElement, node: Node) -> String {
    let namesakes: Vec<&ExpectedElement> = parent
        .children
        .iter()
        .filter(|e| e.name.is(node.namespace(), node.local_name()))
        .take(64)
        .collect();
    let pinned = node.attributes().filter(|a| {
        namesakes.iter().any(|e| {
            e.attrs
                .iter()
                .any(|g| g.value.as_literal().is_some() && g.name.is(a.namespace(), a.name()))
        })
    });
    described(node.local_name(), pinned.map(|a| (a.name(), a.value())))
}

/// `<Name a='1' b='2'>`, at most four attributes, long values cut.
fn described<'v>(name: &str, attrs: impl Iterator<Item = (&'v str, &'v str)>) -> String {
    let mut out = format!("<{name}");
    for (attr, value) in attrs.take(4) {
        let value: String = if value.chars().count() > 60 {
            value.chars().take(60).chain("…".chars()).collect()
        } else {
            value.to_string()
        };
        let quote = if value.contains('\'') { '"' } else { '\'' };
        out.push_str(&format!(" {attr}={quote}{value}{quote}"));
    }
    out.push('>');
    out
}

fn quote(text: &str) -> String {
    // A child element's place in mixed content, as a reader sees it.
    format!("{:?}", text.replace(super::tree::CHILD, "<…>"))
}

/// What a comparison found.
#[derive(Debug, Clone)]
pub struct Comparison<'e> {
    /// The differences, in document order: the first [`LISTED`] of them.
    pub differences: Vec<Difference>,
    /// How many more differences there are beyond those listed.
    pub omitted: usize,
    /// The actual document normalized toward the golden; `None` when they match
    /// (it would be the golden itself, and copying a large golden costs memory).
    pub normalized: Option<Element<'e>>,
    /// The bindings after the comparison: `{{origin}}` is bound once seen.
    pub bindings: Bindings,
    /// What the normalized document leaves out and why (`allowed by
    /// sc:extra="children" at /LogonSessions: 3 other elements left out of
    /// the diff`), and how a list was compared when it was not aligned.
    pub notes: Vec<String>,
}

impl Comparison<'_> {
    /// Whether the response matches.
    pub fn is_match(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Compares an actual document's root element with a compiled golden.
pub fn compare<'e>(
    expected: &'e ExpectedElement,
    actual: Node,
    bindings: &Bindings,
) -> Comparison<'e> {
    compare_until(expected, actual, bindings, Stop::default())
}

/// [`compare`], giving up when `stop` says so: the comparison then fails with a
/// [`DifferenceKind::Stopped`] difference where it stopped.
pub fn compare_until<'e>(
    expected: &'e ExpectedElement,
    actual: Node,
    bindings: &Bindings,
    stop: Stop,
) -> Comparison<'e> {
    let mut walker = Walker::new(bindings, stop);
    // Most comparisons match: prove that first, without building anything, and
    // walk again for paths and the normalized document only when they do not.
    if walker.probe(expected, actual) {
        return Comparison {
            differences: Vec::new(),
            omitted: 0,
            normalized: None,
            bindings: walker.bindings,
            notes: Vec::new(),
        };
    }
    if let Some(found) = with_another_origin(expected, actual, bindings, stop) {
        return found;
    }
    walker.bindings = bindings.clone();
    let normalized = walker.walk_root(expected, actual);
    let mut notes = std::mem::take(&mut walker.notes);
    if walker.notes_omitted > 0 {
        notes.push(format!("... and {} more notes", walker.notes_omitted));
    }
    Comparison {
        differences: walker.differences,
        omitted: walker.omitted,
        normalized: Some(normalized),
        bindings: walker.bindings,
        notes,
    }
}

/// The most origins a mismatch is tried again with.
const ORIGINS_TRIED: usize = 16;

/// `{{origin}}` is bound by the first value that fits it, and inside unordered
/// or extra-allowed matching that can be the wrong one (a link to another
/// server tried first). When the origin was unbound and the comparison failed,
/// each origin the response holds is tried in turn: a match with any of them is
/// a match. Only on that path, and at most [`ORIGINS_TRIED`] times.
fn with_another_origin<'e>(
    expected: &'e ExpectedElement,
    actual: Node,
    bindings: &Bindings,
    stop: Stop,
) -> Option<Comparison<'e>> {
    if bindings.origin.is_some() || !expected.uses_origin() {
        return None;
    }
    let mut seen: Vec<&str> = Vec::new();
    for node in std::iter::once(actual).chain(actual.descendants()) {
        let values = node.attributes().map(|a| a.value()).chain(node.text());
        for origin in values.flat_map(crate::placeholder::origins_in) {
            if !seen.contains(&origin) && seen.len() < ORIGINS_TRIED {
                seen.push(origin);
            }
        }
    }
    seen.into_iter().find_map(|origin| {
        let mut walker = Walker::new(bindings, stop);
        walker.bindings.origin = Some(origin.to_string());
        walker.probe(expected, actual).then(|| Comparison {
            differences: Vec::new(),
            omitted: 0,
            normalized: None,
            bindings: walker.bindings,
            notes: Vec::new(),
        })
    })
}

/// The actual document normalized toward the golden, always by a full walk (what
/// `compare` does when they differ): placeholders kept where values match.
pub fn normalize<'e>(
    expected: &'e ExpectedElement,
    actual: Node,
    bindings: &Bindings,
) -> Element<'e> {
    Walker::new(bindings, Stop::default()).walk_root(expected, actual)
}

fn same_name(expected: &ExpectedElement, actual: Node) -> bool {
    expected.directives.any_name || expected.name.is(actual.namespace(), actual.local_name())
}

struct Walker<'s> {
    bindings: Bindings,
    differences: Vec<Difference>,
    /// Differences found past the listed ones.
    omitted: usize,
    stop: Stop<'s>,
    /// Elements visited, and why the walk gave up, once it has.
    visited: u32,
    stopped: Option<&'static str>,
    stop_said: bool,
    labels: Labels,
    /// What the diff leaves out and why, the first [`NOTES`] of them, and how many more.
    notes: Vec<String>,
    notes_omitted: usize,
    /// Goldens made for this walk (moved to another namespace), kept as long as it runs.
    kept: Vec<std::sync::Arc<ExpectedElement>>,
}

/// How many notes a comparison keeps.
pub const NOTES: usize = 10;

/// How many elements a walk visits between looks at its [`Stop`].
const STOP_EVERY: u32 = 1024;

/// How many differences a comparison lists with their paths; the rest are counted.
pub const LISTED: usize = 100;

impl<'s> Walker<'s> {
    fn new(bindings: &Bindings, stop: Stop<'s>) -> Walker<'s> {
        Walker {
            bindings: bindings.clone(),
            differences: Vec::new(),
            omitted: 0,
            stop,
            visited: 0,
            stopped: None,
            stop_said: false,
            labels: Labels::default(),
            notes: Vec::new(),
            notes_omitted: 0,
            kept: Vec::new(),
        }
    }

    /// Notes something the diff does not show (what the golden allowed, or
    /// how a list was compared); past [`NOTES`] only counts it.
    fn note(
        &mut self,
        path: impl FnOnce(&mut Labels) -> String,
        text: impl FnOnce(&str) -> String,
    ) {
        if self.notes.len() >= NOTES {
            self.notes_omitted += 1;
            return;
        }
        let at = path(&mut self.labels);
        self.notes.push(text(if at.is_empty() { "/" } else { &at }));
    }

    /// Notes the `n` children or attributes of an element the golden allows
    /// (`sc:extra="WHAT"`), which the diff leaves out.
    fn left_out(&mut self, path: &Path, n: usize, what: &str, one: &str) {
        if n == 0 {
            return;
        }
        self.note(
            |labels| path.render(labels),
            |at| {
                format!(
                    "allowed by sc:extra=\"{what}\" at {at}: {n} other {one}{} left out of the diff",
                    if n == 1 { "" } else { "s" }
                )
            },
        );
    }

    /// Whether the walk must give up; looked up every [`STOP_EVERY`] elements,
    /// so a small document never pays for it.
    fn gives_up(&mut self) -> bool {
        if self.stopped.is_none() {
            self.visited += 1;
            if self.visited % STOP_EVERY == 0 {
                self.stopped = self.stop.reason();
            }
        }
        self.stopped.is_some()
    }

    fn walk_root<'e>(&mut self, expected: &'e ExpectedElement, actual: Node) -> Element<'e> {
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
        if self.gives_up() || !same_name(expected, actual) {
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
            let assignment = self.assign(expected, &children);
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

    /// Notes a difference; past [`LISTED`] only counts it, so a document that
    /// differs everywhere costs no more than one that differs a hundred times
    /// (a path is rendered from its siblings, which would make that quadratic).
    fn differ(
        &mut self,
        path: impl FnOnce(&mut Labels) -> String,
        kind: DifferenceKind,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        if self.differences.len() >= LISTED {
            self.omitted += 1;
            return;
        }
        self.differences.push(Difference {
            path: path(&mut self.labels),
            kind,
            expected,
            actual,
        });
    }

    /// An actual element with no golden counterpart, as bless would record it.
    fn recorded<'e>(&self, actual: Node) -> Element<'e> {
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

    fn walk<'e>(
        &mut self,
        expected: &'e ExpectedElement,
        actual: Node,
        path: &Path,
    ) -> Element<'e> {
        if self.gives_up() {
            // Said once, where it happened, and always listed: it is why the
            // verdict is not one. The rest is left as the golden has it.
            if !self.stop_said {
                self.stop_said = true;
                self.differences.push(Difference {
                    path: path.render(&mut self.labels),
                    kind: DifferenceKind::Stopped,
                    expected: None,
                    actual: self.stopped.map(str::to_string),
                });
            }
            return Element::golden(expected);
        }
        if !same_name(expected, actual) {
            return self.renamed(expected, actual, path);
        }
        let attrs = self.walk_attributes(expected, actual, path);
        let actual_text = actual.text().map(str::to_string);
        let text = if self.text_matches(expected.text.as_ref(), actual_text.as_deref()) {
            expected.text.as_ref().map(|t| t.raw().to_string())
        } else {
            self.differ(
                |labels| path.text(labels),
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
            golden: None,
        }
    }

    /// An element with another name than the golden's: one difference. In
    /// another namespace with the same local name (another version of the
    /// schema, or a server that forgot its namespace) what is below is still
    /// compared, with the golden moved to that namespace, so that the diff
    /// shows one changed line and a missing link is still listed. With
    /// another local name nothing below is compared; the element is shown
    /// with its attributes as the golden writes them where they match.
    fn renamed<'e>(
        &mut self,
        expected: &'e ExpectedElement,
        actual: Node,
        path: &Path,
    ) -> Element<'e> {
        self.differ(
            |labels| path.render(labels),
            DifferenceKind::ElementName,
            Some(expected.name.to_string()),
            Some(QName::of_node(actual).to_string()),
        );
        if expected.name.local() == actual.local_name() {
            let moved =
                std::sync::Arc::new(expected.in_namespace(expected.name.ns(), actual.namespace()));
            // Kept to the end of the walk: paths know sibling lists by address.
            self.kept.push(moved.clone());
            return self.walk(&moved, actual, path).detached();
        }
        let mut element = self.recorded(actual);
        let mut scratch = Walker::new(&self.bindings, Stop::default());
        element.attrs = scratch.walk_attributes(expected, actual, path);
        element
    }

    /// The attributes of a same-named element: each difference recorded, and
    /// the attributes normalized toward the golden.
    fn walk_attributes(
        &mut self,
        expected: &ExpectedElement,
        actual: Node,
        path: &Path,
    ) -> Vec<(QName, String)> {
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
                        |labels| path.attribute(labels, &attr.name),
                        DifferenceKind::AttributeValue,
                        Some(attr.value.raw().to_string()),
                        Some(a.value().to_string()),
                    );
                    attrs.push((attr.name.clone(), templatize(a.value(), &self.bindings)));
                }
                None => self.differ(
                    |labels| path.attribute(labels, &attr.name),
                    DifferenceKind::MissingAttribute,
                    Some(attr.value.raw().to_string()),
                    None,
                ),
            }
        }
        let mut left_out = 0;
        for a in actual.attributes() {
            let mentioned = expected
                .attrs
                .iter()
                .any(|e| e.name.is(a.namespace(), a.name()));
            if mentioned {
                continue;
            }
            if expected.directives.extra_attributes {
                left_out += 1;
                continue;
            }
            let name = QName::of_attr(&a);
            self.differ(
                |labels| path.attribute(labels, &name),
                DifferenceKind::UnexpectedAttribute,
                None,
                Some(a.value().to_string()),
            );
            attrs.push((name, templatize(a.value(), &self.bindings)));
        }
        self.left_out(path, left_out, "attributes", "attribute");
        attrs
    }

    /// A child of a differing element: walked for its differences, or, when it
    /// matches whole, the golden's own subtree (what walking would build, without
    /// the cost of building it from the response).
    fn walk_child<'e>(
        &mut self,
        expected: &'e ExpectedElement,
        actual: Node,
        path: &Path,
    ) -> Element<'e> {
        if self.probe(expected, actual) {
            Element::golden(expected)
        } else {
            self.walk(expected, actual, path)
        }
    }

    fn missing(&mut self, siblings: &[ExpectedElement], index: usize, parent: &Path) {
        let path = Path::Child(parent, Label::Expected(siblings, index));
        self.differ(
            |labels| path.render(labels),
            DifferenceKind::MissingElement,
            Some(described_golden(&siblings[index])),
            None,
        );
    }

    /// A response child with no golden counterpart: listed with the values
    /// its golden siblings are told apart by, and recorded for the diff.
    fn unexpected<'e>(
        &mut self,
        parent: &ExpectedElement,
        children: &[Node],
        index: usize,
        at: &Path,
    ) -> Element<'e> {
        let path = Path::Child(at, Label::Actual(children, index));
        self.differ(
            |labels| path.render(labels),
            DifferenceKind::UnexpectedElement,
            None,
            Some(described_actual(parent, children[index])),
        );
        self.recorded(children[index])
    }

    /// Any order: each expected child to a distinct actual child.
    fn walk_unordered<'e>(
        &mut self,
        expected: &'e ExpectedElement,
        children: &[Node],
        parent: &Path,
    ) -> Vec<Element<'e>> {
        let assignment = self.assign(expected, children);
        let mut taken = vec![false; children.len()];
        for j in assignment.iter().flatten() {
            taken[*j] = true;
        }
        let mut out = Vec::with_capacity(expected.children.len());
        for (i, e) in expected.children.iter().enumerate() {
            let path = Path::Child(parent, Label::Expected(&expected.children, i));
            let j = match assignment[i] {
                Some(j) => Some(j),
                // No match: show the differences against the closest leftover, if any.
                None => {
                    let leftover = self.closest_leftover(e, children, &taken);
                    if let Some(j) = leftover {
                        taken[j] = true;
                    }
                    leftover
                }
            };
            match j {
                // Matched whole: normalized toward the golden, it is the golden.
                Some(_) if assignment[i].is_some() => out.push(Element::golden(e)),
                Some(j) => out.push(self.walk(e, children[j], &path)),
                None => self.missing(&expected.children, i, parent),
            }
        }
        if !expected.directives.extra_children {
            for j in (0..children.len()).filter(|&j| !taken[j]) {
                let element = self.unexpected(expected, children, j, parent);
                out.push(element);
            }
        } else {
            let left_out = taken.iter().filter(|t| !**t).count();
            self.left_out(parent, left_out, "children", "element");
        }
        out
    }

    /// The unmatched actual child an unmatched expected child is compared with:
    /// same name, the same value for every literal attribute the golden pins (a
    /// missing `Rel="Delete"` link is missing, not a `Rel="Down"` link that
    /// differs), and most other attributes matching. `None`: it is missing.
    fn closest_leftover(
        &self,
        e: &ExpectedElement,
        children: &[Node],
        taken: &[bool],
    ) -> Option<usize> {
        let agrees = |j: usize| {
            e.attrs.iter().all(|attr| match attr.value.as_literal() {
                Some(literal) => children[j]
                    .attributes()
                    .find(|a| attr.name.is(a.namespace(), a.name()))
                    .is_some_and(|a| a.value() == literal),
                None => true,
            })
        };
        let score = |j: usize| {
            e.attrs
                .iter()
                .filter(|attr| {
                    children[j]
                        .attributes()
                        .find(|a| attr.name.is(a.namespace(), a.name()))
                        .is_some_and(|a| attr.value.matches(a.value(), &mut self.bindings.clone()))
                })
                .count()
        };
        (0..children.len())
            .filter(|&j| !taken[j] && same_name(e, children[j]) && agrees(j))
            // Scoring clones the bindings; a bounded look keeps hostile lists linear.
            .take(64)
            .max_by_key(|&j| (score(j), std::cmp::Reverse(j)))
    }

    /// Multiset matching: a maximum matching of expected to actual children, by a
    /// greedy pass (same position first) and augmenting paths for what is left.
    fn assign(&mut self, parent: &ExpectedElement, actual: &[Node]) -> Vec<Option<usize>> {
        let expected = &parent.children;
        let lists = candidate_lists(parent, actual);
        let candidates: Vec<&[usize]> = (0..expected.len()).map(|i| lists.of(i)).collect();
        let mut owner: Vec<Option<usize>> = vec![None; actual.len()];
        let mut result: Vec<Option<usize>> = vec![None; expected.len()];
        let mut cursors: FastMap<(*const usize, usize), usize> = FastMap::default();

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
        let mut known: FastMap<(usize, usize), bool> = FastMap::default();
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
        known: &mut FastMap<(usize, usize), bool>,
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

/// An actual document recorded as a new golden: values written back as placeholders.
pub fn record<'e>(actual: Node, bindings: &Bindings) -> Element<'e> {
    Walker::new(bindings, Stop::default()).recorded(actual)
}
