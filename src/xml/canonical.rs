//! The canonical owned tree: what the pretty printer writes, for goldens and diffs.

use super::directives::Directives;
use super::expected::ExpectedElement;
use super::tree::Node;
use super::QName;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: QName,
    pub attrs: Vec<(QName, String)>,
    pub text: Option<String>,
    pub children: Vec<Element>,
    pub directives: Directives,
}

impl Element {
    /// A parsed document as it is, attributes sorted by name so that two documents
    /// that differ only in attribute order or prefixes print the same.
    pub fn from_node(node: Node) -> Element {
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
        }
    }

    /// A golden as written: placeholders as their text, directives kept.
    pub fn from_expected(expected: &ExpectedElement) -> Element {
        Element {
            name: expected.name.clone(),
            attrs: expected
                .attrs
                .iter()
                .map(|a| (a.name.clone(), a.value.raw().to_string()))
                .collect(),
            text: expected.text.as_ref().map(|t| t.raw().to_string()),
            children: expected
                .children
                .iter()
                .map(Element::from_expected)
                .collect(),
            directives: expected.directives,
        }
    }

    /// Calls `f` on this element and every descendant.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Element)) {
        f(self);
        for child in &mut self.children {
            child.walk_mut(f);
        }
    }
}
