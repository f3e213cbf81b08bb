//! Ways the vendors' servers really differ in how they write the same answer
//! (prefixes, indentation, attribute, link and member order, newer versions'
//! additions) and in what else goes on while a suite runs (other clients'
//! sessions): a suite must pass on each, or it raises false alarms on real
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
    /// Other clients' sessions open from the start (`--others`).
    OthersOpen,
    /// Another client logs on and off every 20 ms (`--churn 20`).
    Churn,
}

/// How often the churn variant's client logs on or off: far busier than a
/// real client, so its sessions come and go within a trial.
const CHURN_EVERY: std::time::Duration = std::time::Duration::from_millis(20);

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
        Variant::OthersOpen,
        Variant::Churn,
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
            Variant::OthersOpen => "others-open",
            Variant::Churn => "churn",
        }
    }

    /// What the variant changes, in a sentence (`serve --variant list` and
    /// an unknown name show it beside the name).
    pub fn describe(self) -> &'static str {
        match self {
            Variant::XmlPrefixed => {
                "Elements written with a namespace prefix (`<v:LogonSession xmlns:v=...>`)."
            }
            Variant::XmlIndented => "XML indented, one element per line.",
            Variant::AttributeOrder => "Attributes in the other order than the version's own.",
            Variant::SchemaNamespaces => "xsd and xsi namespace declarations on the root.",
            Variant::XmlDeclaration => "An XML declaration before the root.",
            Variant::ExtraLinks => {
                "The links of newer versions, and one no documented version lists."
            }
            Variant::LinkOrder => "Links in reverse order.",
            Variant::ListOrder => "Listed sessions in reverse order.",
            Variant::JsonIndented => "JSON indented.",
            Variant::JsonMemberOrder => "JSON object members in reverse order.",
            Variant::OthersOpen => "Other clients' sessions open from the start (as `--others`).",
            Variant::Churn => "Another client logs on and off every 20 ms (as `--churn 20`).",
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

    /// Makes `options` write (or behave) this way.
    pub fn apply(self, options: &mut ServerOptions) {
        match self {
            Variant::OthersOpen => options.company.others = true,
            Variant::Churn => options.company.churn = Some(CHURN_EVERY),
            written => written.restyle(&mut options.style),
        }
    }

    fn restyle(self, style: &mut super::Style) {
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
            Variant::OthersOpen | Variant::Churn => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_changes_the_style_or_the_company_and_parses_back() {
        for v in Variant::ALL {
            assert_eq!(Variant::parse(v.name()), Some(*v));
            let mut options = ServerOptions::new(Dialect::VeeamEm);
            let before = (options.style.clone(), options.company.clone());
            v.apply(&mut options);
            let after = (options.style.clone(), options.company.clone());
            assert_ne!(after, before, "{}", v.name());
        }
        assert!(Variant::OthersOpen.applies_to(Dialect::Commvault));
        assert!(Variant::Churn.applies_to(Dialect::VeeamEm));
        assert_eq!(Variant::parse("nope"), None);
        assert!(!Variant::XmlPrefixed.applies_to(Dialect::Commvault));
        assert!(Variant::SchemaNamespaces.applies_to(Dialect::Commvault));
        assert!(!Variant::SchemaNamespaces.applies_to(Dialect::VeeamEm));
        assert!(Variant::ListOrder.applies_to(Dialect::VeeamEm));
    }
}
