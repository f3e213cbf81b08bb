//! How the unordered children of a golden element are told apart: the data
//! the golden's compiler keeps per element (`siblings` works it out and uses it).

/// A field of an expected child that the golden pins to a literal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldRef {
    /// The child's attribute at this index.
    Attribute(usize),
    Text,
    /// The text of the child's child at this index, the only one of its name.
    ChildText(usize),
}

/// How an element's unordered children are told apart, worked out once per
/// golden. Elements whose children are alike (every session's `Links`) have
/// equal plans, which the compiler keeps once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SiblingPlan {
    /// Per child: its literal fields, most distinctive first, as (field id, the
    /// field, hash of its value). Same-named siblings share ids for the same field.
    pub(crate) fields: Vec<Box<[(usize, FieldRef, u64)]>>,
    pub(crate) field_ids: usize,
}
