//! XML: the compiled golden tree, the comparator, selectors, and canonical pretty output.

pub(crate) mod align;
pub mod canonical;
pub mod compare;
mod compile;
pub(crate) mod directives;
pub mod expected;
mod hash;
mod labels;
pub mod merge;
mod plan;
pub mod pretty;
pub(crate) mod select;
pub(crate) mod siblings;
pub mod tree;

/// An element or attribute name as the comparator sees it: namespace URI plus
/// local name. Shared, not copied: a golden names `Link` ten thousand times.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName(std::sync::Arc<Names>);

#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Names {
    ns: Option<Box<str>>,
    local: Box<str>,
}

impl QName {
    /// A name; an empty namespace is no namespace.
    pub fn new(ns: Option<&str>, local: &str) -> QName {
        QName(std::sync::Arc::new(Names {
            ns: ns.filter(|n| !n.is_empty()).map(Into::into),
            local: local.into(),
        }))
    }

    /// The name of an element of a response.
    pub fn of_node(node: tree::Node) -> QName {
        QName::new(node.namespace(), node.local_name())
    }

    /// The name of an attribute of a response.
    pub fn of_attr(attr: &tree::Attribute) -> QName {
        QName::new(attr.namespace(), attr.name())
    }

    /// The namespace URI; `None` for no namespace.
    pub fn ns(&self) -> Option<&str> {
        self.0.ns.as_deref()
    }

    /// The local name.
    pub fn local(&self) -> &str {
        &self.0.local
    }

    /// Whether this is the name with namespace `ns` and local name `local`.
    pub fn is(&self, ns: Option<&str>, local: &str) -> bool {
        self.local() == local && self.ns() == ns.filter(|n| !n.is_empty())
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ns() {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local()),
            None => f.write_str(self.local()),
        }
    }
}

/// 1-based line and column (in characters) of byte offsets in a text. Offsets
/// asked for in increasing order cost only the text between them, so positions
/// for a whole document cost one pass (roxmltree's `text_pos_at` rescans from the
/// start each time, which is quadratic on a large golden).
pub struct Positions<'t> {
    text: &'t str,
    offset: usize,
    line: u32,
    col: u32,
}

impl<'t> Positions<'t> {
    /// Positions in `text`, computed as they are asked for.
    pub fn new(text: &'t str) -> Positions<'t> {
        Positions {
            text,
            offset: 0,
            line: 1,
            col: 1,
        }
    }

    /// The line and column reached so far.
    pub fn here(&self) -> (u32, u32) {
        (self.line, self.col)
    }

    /// Line and column (1-based) of a byte offset; cheapest when offsets come in increasing order.
    pub fn at(&mut self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.offset {
            *self = Positions::new(self.text);
        }
        for c in self.text[self.offset..offset].chars() {
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
        self.offset = offset;
        (self.line, self.col)
    }
}

/// Parses a response (or any document the comparator reads as the actual side).
pub fn parse(text: &str) -> Result<tree::Document<'_>, tree::XmlError> {
    tree::parse(text)
}

pub use tree::{decode, parse_as, Encoding};
