//! XML: the compiled golden tree, the comparator, selectors, and canonical pretty output.

pub mod canonical;
pub mod compare;
pub mod directives;
pub mod expected;
pub mod pattern;
pub mod pretty;
pub mod select;

use std::collections::{BTreeMap, BTreeSet};

/// Variables a comparison may refer to, and the origin it has seen so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bindings {
    pub vars: BTreeMap<String, String>,
    /// The `scheme://host:port` that `{{origin}}` stands for, once seen.
    pub origin: Option<String>,
    /// Variables whose values bless writes back as `{{NAME}}`.
    pub templatized: BTreeSet<String>,
}

impl Bindings {
    pub fn bind(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_string(), value.to_string());
    }

    /// A captured value: goldens may name it, and bless writes it back as its placeholder.
    pub fn bind_capture(&mut self, name: &str, value: &str) {
        self.bind(name, value);
        self.templatized.insert(name.to_string());
    }
}

/// An element or attribute name as the comparator sees it: namespace URI plus local name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    pub ns: Option<String>,
    pub local: String,
}

impl QName {
    pub fn new(ns: Option<&str>, local: &str) -> QName {
        QName {
            ns: ns.filter(|n| !n.is_empty()).map(str::to_string),
            local: local.to_string(),
        }
    }

    pub fn of_node(node: roxmltree::Node) -> QName {
        let name = node.tag_name();
        QName::new(name.namespace(), name.name())
    }

    pub fn of_attr(attr: &roxmltree::Attribute) -> QName {
        QName::new(attr.namespace(), attr.name())
    }

    pub fn is(&self, ns: Option<&str>, local: &str) -> bool {
        self.local == local && self.ns.as_deref() == ns.filter(|n| !n.is_empty())
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.ns {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// The text of an element as the comparator sees it: its text and CDATA children
/// joined, or `None` when that is only whitespace (indentation between elements).
pub fn element_text(node: roxmltree::Node) -> Option<String> {
    let mut text = String::new();
    for child in node.children().filter(|c| c.is_text()) {
        text.push_str(child.text().unwrap_or_default());
    }
    if text.trim().is_empty() {
        None
    } else {
        Some(text)
    }
}

/// 1-based line and column of a byte offset in a parsed document.
pub fn position(doc: &roxmltree::Document, offset: usize) -> (u32, u32) {
    let pos = doc.text_pos_at(offset);
    (pos.row, pos.col)
}

/// Options for parsing documents the tool did not write (responses, goldens).
pub fn parsing_options<'a>() -> roxmltree::ParsingOptions<'a> {
    roxmltree::ParsingOptions {
        // Vendor documents have no DTD, but a server under test might send one;
        // entities are still never expanded beyond roxmltree's own limits.
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    }
}

pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    roxmltree::Document::parse_with_options(text, parsing_options())
}
