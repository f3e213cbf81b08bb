//! A golden document compiled once: names resolved, placeholders parsed,
//! directives read, positions kept for error messages.

use super::directives::Directives;
use super::plan::SiblingPlan;
use super::QName;
use std::sync::Arc;

use crate::placeholder::pattern::Pattern;

/// An attribute of a compiled golden.
#[derive(Debug, Clone)]
pub struct ExpectedAttr {
    /// Its name.
    pub name: QName,
    /// Its value, placeholders and all.
    pub value: Pattern,
}

/// An element of a compiled golden.
#[derive(Debug, Clone)]
pub struct ExpectedElement {
    /// Its name.
    pub name: QName,
    /// Its attributes, directives left out.
    pub attrs: Vec<ExpectedAttr>,
    /// Its text, when it has any.
    pub text: Option<Pattern>,
    /// Its child elements.
    pub children: Vec<ExpectedElement>,
    /// What it leaves open (`sc:order`, `sc:extra`, `sc:name`).
    pub directives: Directives,
    /// For an element whose attributes are all literal, with no extra attributes
    /// allowed: a hash of its name and attributes, independent of their order, that
    /// a matching actual element has too (unordered matching buckets siblings by it).
    pub signature: Option<u64>,
    /// For an element whose children may come in any order: how to tell them apart.
    pub plan: Option<Arc<SiblingPlan>>,
}

/// A `{{NAME}}` a golden refers to, and where (line, column).
pub type Variable = (String, u32, u32);

/// A golden that is not well-formed or says something the comparator cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct GoldenSyntaxError {
    /// The line of the mistake.
    pub line: u32,
    /// Its column.
    pub col: u32,
    /// What is wrong.
    pub message: String,
}

impl ExpectedElement {
    /// Whether `{{origin}}` appears anywhere in it.
    pub fn uses_origin(&self) -> bool {
        self.attrs.iter().any(|a| a.value.uses_origin())
            || self.text.as_ref().is_some_and(Pattern::uses_origin)
            || self.children.iter().any(ExpectedElement::uses_origin)
    }
}

impl ExpectedElement {
    /// The golden with every element in namespace `from` moved to `to`: what
    /// a response that puts the same elements in another namespace (another
    /// version of the schema) is compared with below the difference in name.
    pub fn in_namespace(&self, from: Option<&str>, to: Option<&str>) -> ExpectedElement {
        let name = if self.name.ns() == from {
            QName::new(to, self.name.local())
        } else {
            self.name.clone()
        };
        let mut moved = ExpectedElement {
            name,
            attrs: self.attrs.clone(),
            text: self.text.clone(),
            children: self
                .children
                .iter()
                .map(|c| c.in_namespace(from, to))
                .collect(),
            directives: self.directives,
            signature: None,
            plan: self.plan.clone(),
        };
        // The signature hashes the name: it must be the moved one's.
        if self.signature.is_some() {
            moved.signature = Some(super::siblings::expected_signature(&moved));
        }
        moved
    }
}
