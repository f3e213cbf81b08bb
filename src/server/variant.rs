//! Ways the vendors' servers really differ in how they write the same answer
//! (prefixes, indentation, attribute, link and member order, newer versions'
//! additions): a suite must pass on each, or it raises false alarms on real
//! servers (`serve --variant`, `sessionconf strength`).

use super::{Dialect, ServerOptions};

/// A benign way to write the same answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Variant {
    /// Elements written with a namespace prefix (`<v:LogonSession xmlns:v=...>`).
    XmlPrefixed,
    /// XML indented, one element per line.
    XmlIndented,
    /// Attributes in the other order than the version's own.
    AttributeOrder,
    /// xsd and xsi namespace declarations on the root.
    SchemaNamespaces,
    /// An XML declaration before the root.
    XmlDeclaration,
    /// The links of newer versions, and one no documented version lists.
    ExtraLinks,
    /// Links in reverse order.
    LinkOrder,
    /// Listed sessions in reverse order.
    ListOrder,
    /// JSON indented.
    JsonIndented,
    /// JSON object members in reverse order.
    JsonMemberOrder,
}

impl Variant {
    /// Every variant.
    pub const ALL: &'static [Variant] = &[
        Variant::XmlPrefixed,
        Variant::XmlIndented,
        Variant::AttributeOrder,
        Variant::SchemaNamespaces,
        Variant::XmlDeclaration,
        Variant::ExtraLinks,
        Variant::LinkOrder,
        Variant::ListOrder,
        Variant::JsonIndented,
        Variant::JsonMemberOrder,
    ];

    /// Its name, as `--variant` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Variant::XmlPrefixed => "xml-prefixed",
            Variant::XmlIndented => "xml-indented",
            Variant::AttributeOrder => "attribute-order",
            Variant::SchemaNamespaces => "schema-namespaces",
            Variant::XmlDeclaration => "xml-declaration",
            Variant::ExtraLinks => "extra-links",
            Variant::LinkOrder => "link-order",
            Variant::ListOrder => "list-order",
            Variant::JsonIndented => "json-indented",
            Variant::JsonMemberOrder => "json-member-order",
        }
    }

    /// The variant called `name`.
    pub fn parse(name: &str) -> Option<Variant> {
        Variant::ALL.iter().copied().find(|v| v.name() == name)
    }

    /// Whether the variant changes anything in `dialect`'s answers: Commvault's
    /// XML has no namespace to prefix and no links; Enterprise Manager from
    /// 9.5 U4 on always declares xsd and xsi.
    pub fn applies_to(self, dialect: Dialect) -> bool {
        match self {
            Variant::XmlPrefixed | Variant::ExtraLinks | Variant::LinkOrder => {
                dialect == Dialect::VeeamEm
            }
            Variant::SchemaNamespaces => dialect == Dialect::Commvault,
            _ => true,
        }
    }

    /// Makes `options` write this way.
    pub fn apply(self, options: &mut ServerOptions) {
        let style = &mut options.style;
        match self {
            Variant::XmlPrefixed => style.prefix = Some("v".into()),
            Variant::XmlIndented => style.indent = true,
            Variant::AttributeOrder => style.reverse_attributes = true,
            Variant::SchemaNamespaces => style.schema_namespaces = true,
            Variant::XmlDeclaration => style.declaration = true,
            Variant::ExtraLinks => style.extra_links = true,
            Variant::LinkOrder => style.reverse_links = true,
            Variant::ListOrder => style.reverse_lists = true,
            Variant::JsonIndented => style.json_indent = true,
            Variant::JsonMemberOrder => style.json_reverse_members = true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_changes_the_style_and_parses_back() {
        for v in Variant::ALL {
            assert_eq!(Variant::parse(v.name()), Some(*v));
            let mut options = ServerOptions::new(Dialect::VeeamEm);
            let before = options.style.clone();
            v.apply(&mut options);
            assert_ne!(options.style, before, "{}", v.name());
        }
        assert_eq!(Variant::parse("nope"), None);
        assert!(!Variant::XmlPrefixed.applies_to(Dialect::Commvault));
        assert!(Variant::SchemaNamespaces.applies_to(Dialect::Commvault));
        assert!(!Variant::SchemaNamespaces.applies_to(Dialect::VeeamEm));
        assert!(Variant::ListOrder.applies_to(Dialect::VeeamEm));
    }
}
