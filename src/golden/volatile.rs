//! Values a vendor documents as changing from one request to the next (login
//! times, last-access times), kept as data in each vendor's knowledge (`src/knowledge/`).
//! Bless writes them as placeholders: a golden recorded with the literal time
//! would fail against the same server a second later.

use serde::Deserialize;

/// One documented volatile value: an attribute or an element's text, by local name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volatile {
    /// An attribute of any element with this local name.
    #[serde(default)]
    pub attribute: Option<String>,
    /// The text of any element with this local name.
    #[serde(default)]
    pub element: Option<String>,
    /// What bless writes instead of the value: `{{int}}`, `{{any}}`, ...
    pub placeholder: String,
    /// Where the vendor documents it.
    pub source: String,
}

/// The placeholders a volatile value may be written as: those that stand for
/// any value of a shape, not a variable.
const SHAPES: [&str; 3] = ["{{any}}", "{{int}}", "{{uuid}}"];

impl Volatile {
    /// Why this rule cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let targets = self.attribute.is_some() as u8 + self.element.is_some() as u8;
        if targets != 1 {
            return Some("a volatile value names exactly one of `attribute` or `element`".into());
        }
        if !SHAPES.contains(&self.placeholder.as_str()) {
            return Some(format!(
                "placeholder `{}` is not one of {}",
                self.placeholder,
                SHAPES.join(", ")
            ));
        }
        None
    }

    /// The placeholder for attribute `local`, when this rule names it.
    pub fn for_attribute(&self, local: &str) -> Option<&str> {
        (self.attribute.as_deref() == Some(local)).then_some(self.placeholder.as_str())
    }

    /// The placeholder for the text of element `local`, when this rule names it.
    pub fn for_element(&self, local: &str) -> Option<&str> {
        (self.element.as_deref() == Some(local)).then_some(self.placeholder.as_str())
    }
}

/// `value` as bless writes it: `placeholder`, unless the golden already
/// wrote it as one placeholder (`{{any}}`, `{{int}}`). A value that only holds
/// one among its text (a message naming a session's `{{uuid}}`) is still
/// the volatile value, and is replaced whole.
pub fn written(value: &mut String, placeholder: Option<&str>) {
    if let Some(p) = placeholder {
        let one =
            value.starts_with("{{") && value.ends_with("}}") && value.matches("{{").count() == 1;
        if !one {
            *value = p.to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(attribute: Option<&str>, element: Option<&str>, placeholder: &str) -> Volatile {
        Volatile {
            attribute: attribute.map(str::to_string),
            element: element.map(str::to_string),
            placeholder: placeholder.into(),
            source: "docs".into(),
        }
    }

    #[test]
    fn a_rule_names_one_place_and_a_shape() {
        assert_eq!(rule(Some("loginTime"), None, "{{int}}").problem(), None);
        assert_eq!(rule(None, Some("CreationTime"), "{{any}}").problem(), None);
        assert!(rule(None, None, "{{int}}")
            .problem()
            .unwrap()
            .contains("exactly one"));
        assert!(rule(Some("a"), Some("b"), "{{int}}").problem().is_some());
        let p = rule(Some("a"), None, "{{user}}").problem().unwrap();
        assert!(p.contains("`{{user}}`") && p.contains("{{int}}"), "{p}");
    }

    #[test]
    fn a_rule_applies_only_to_its_name_and_only_to_literals() {
        let r = rule(Some("loginTime"), None, "{{int}}");
        assert_eq!(r.for_attribute("loginTime"), Some("{{int}}"));
        assert_eq!(r.for_attribute("logoutTime"), None);
        assert_eq!(r.for_element("loginTime"), None);
        let e = rule(None, Some("Time"), "{{any}}");
        assert_eq!(e.for_element("Time"), Some("{{any}}"));
        assert_eq!(e.for_attribute("Time"), None);
        let mut v = "1795469584".to_string();
        written(&mut v, Some("{{int}}"));
        assert_eq!(v, "{{int}}");
        let mut kept = "{{any}}".to_string();
        written(&mut kept, Some("{{int}}"));
        assert_eq!(kept, "{{any}}");
        let mut message = "Logon session '{{uuid}}' was not found.".to_string();
        written(&mut message, Some("{{any}}"));
        assert_eq!(message, "{{any}}");
        let mut other = "17".to_string();
        written(&mut other, None);
        assert_eq!(other, "17");
    }
}
