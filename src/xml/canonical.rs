//! The canonical owned tree: what the pretty printer writes, for goldens and diffs.

use super::directives::Directives;
use super::expected::ExpectedElement;
use super::tree::Node;
use super::QName;

/// An element as it is compared, printed and recorded.
#[derive(Debug, Clone)]
pub struct Element<'e> {
    /// Its name.
    pub name: QName,
    /// Its attributes, in the order they are written.
    pub attrs: Vec<(QName, String)>,
    /// Its text, whitespace between elements left out.
    pub text: Option<String>,
    /// Its child elements.
    pub children: Vec<Element<'e>>,
    /// The golden directives it carries (written back by bless).
    pub directives: Directives,
    /// A subtree that matched its golden whole: it is printed as the golden
    /// wrote it, and not copied (the other fields are empty). A mismatch in one
    /// session of ten thousand copies one session, not ten thousand.
    pub golden: Option<&'e ExpectedElement>,
}

impl PartialEq for Element<'_> {
    fn eq(&self, other: &Self) -> bool {
        let same_golden = match (self.golden, other.golden) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_golden
            && self.name == other.name
            && self.attrs == other.attrs
            && self.text == other.text
            && self.children == other.children
            && self.directives == other.directives
    }
}

impl Eq for Element<'_> {}

impl<'e> Element<'e> {
    /// A parsed document as it is, attributes sorted by name so that two documents
    /// that differ only in attribute order or prefixes print the same.
    pub fn from_node(node: Node) -> Element<'e> {
        let mut attrs: Vec<(QName, String)> = node
            .attributes()
            .map(|a| (QName::of_attr(&a), a.value().to_string()))
            .collect();
        attrs.sort();
        Element {
            name: QName::of_node(node),
            attrs,
            text: node.text().map(str::to_string),
            children: node.children().map(Element::from_node).collect(),
            directives: Directives::default(),
            golden: None,
        }
    }

    /// A golden as written: placeholders as their text, directives kept.
    pub fn from_expected(expected: &'e ExpectedElement) -> Element<'e> {
        let mut element = Element::shallow(expected);
        element.children = expected
            .children
            .iter()
            .map(Element::from_expected)
            .collect();
        element
    }

    /// One level of a golden copied, its children by reference: for printing a
    /// large golden without copying all of it at once.
    pub fn shallow(expected: &'e ExpectedElement) -> Element<'e> {
        Element {
            name: expected.name.clone(),
            attrs: expected
                .attrs
                .iter()
                .map(|a| (a.name.clone(), a.value.raw().to_string()))
                .collect(),
            text: expected.text.as_ref().map(|t| t.raw().to_string()),
            children: expected.children.iter().map(Element::golden).collect(),
            directives: expected.directives,
            golden: None,
        }
    }

    /// A golden subtree by reference: what `from_expected` would build, uncopied.
    pub fn golden(expected: &'e ExpectedElement) -> Element<'e> {
        Element {
            name: no_name(),
            attrs: Vec::new(),
            text: None,
            children: Vec::new(),
            directives: expected.directives,
            golden: Some(expected),
        }
    }

    /// The element with every golden subtree it refers to copied in: it then
    /// outlives the golden (a golden made for one comparison, such as one
    /// moved to the response's namespace).
    pub fn detached<'x>(self) -> Element<'x> {
        let element = match self.golden {
            Some(golden) => Element::from_expected(golden),
            None => self,
        };
        Element {
            name: element.name,
            attrs: element.attrs,
            text: element.text,
            children: element
                .children
                .into_iter()
                .map(Element::detached)
                .collect(),
            directives: element.directives,
            golden: None,
        }
    }

    /// Calls `f` on this element and every descendant built from a response.
    /// Golden subtrees are not visited: they hold only what the golden wrote.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Element<'e>)) {
        if self.golden.is_some() {
            return;
        }
        f(self);
        for child in &mut self.children {
            child.walk_mut(f);
        }
    }
}

/// The name a golden reference carries: none, shared (a reference costs no allocation).
fn no_name() -> QName {
    static EMPTY: std::sync::OnceLock<QName> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| QName::new(None, "")).clone()
}
