//! Selectors in scenarios (`select:` in assertions and captures), of either
//! format: a path starting with `$` is a JSON path over a JSON response, one
//! starting with `/` an XPath-like selector over an XML response.

use std::fmt;

use crate::json::select::{value_of, JsonPath};
use crate::json::Json;
use crate::xml::select::Selector as XmlSelector;
use crate::xml::tree::Document;

/// A selector of either format.
#[derive(Debug, Clone)]
pub enum Selector {
    /// `/A/B[@x='y']/@z`, over XML.
    Xml(XmlSelector),
    /// `$.A[?(@.x=='y')].z`, over JSON.
    Json(JsonPath),
}

/// A response read in the formats a step's selectors and golden need.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parsed<'a, 'i> {
    /// The body as XML, when a step reads it so.
    pub xml: Option<&'a Document<'i>>,
    /// The body as JSON, when a step reads it so.
    pub json: Option<&'a Json>,
    /// The representation the step reads the response as: it picks the
    /// selector form of a `{ xml: ..., json: ... }` selector.
    pub representation: crate::representation::Representation,
}

impl Selector {
    /// Reads a selector; its first character says its format.
    pub fn parse(source: &str) -> Result<Selector, String> {
        if source.trim_start().starts_with('$') {
            JsonPath::parse(source).map(Selector::Json)
        } else {
            XmlSelector::parse(source)
                .map(Selector::Xml)
                .map_err(|e| e.to_string())
        }
    }

    /// The selector as written.
    pub fn source(&self) -> &str {
        match self {
            Selector::Xml(s) => s.source(),
            Selector::Json(p) => p.source(),
        }
    }

    /// Whether it reads JSON.
    pub fn is_json(&self) -> bool {
        matches!(self, Selector::Json(_))
    }

    /// The selected values as text, or why there are none to select from.
    pub fn values(&self, body: Parsed) -> Result<Vec<String>, String> {
        match (self, body) {
            (Selector::Xml(s), Parsed { xml: Some(doc), .. }) => {
                Ok(s.select(doc).iter().map(|v| v.value()).collect())
            }
            (
                Selector::Json(p),
                Parsed {
                    json: Some(doc), ..
                },
            ) => Ok(p.select(doc).into_iter().map(value_of).collect()),
            (Selector::Xml(_), _) => Err("the body is not XML".into()),
            (Selector::Json(_), _) => Err("the body is not JSON".into()),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.source())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_character_says_the_format_and_each_reads_its_own_body() {
        let xml = crate::xml::parse("<A><B>x</B></A>").unwrap();
        let json = crate::json::parse(r#"{"B": "y"}"#).unwrap();
        let body = Parsed {
            xml: Some(&xml),
            json: Some(&json),
            ..Parsed::default()
        };
        let x = Selector::parse("/A/B").unwrap();
        let j = Selector::parse(" $.B").unwrap();
        assert!(!x.is_json() && j.is_json());
        assert_eq!(x.values(body).unwrap(), ["x"]);
        assert_eq!(j.values(body).unwrap(), ["y"]);
        assert_eq!(j.to_string(), "$.B");
        let only_xml = Parsed {
            xml: Some(&xml),
            json: None,
            ..Parsed::default()
        };
        assert_eq!(j.values(only_xml).unwrap_err(), "the body is not JSON");
        assert_eq!(
            x.values(Parsed::default()).unwrap_err(),
            "the body is not XML"
        );
        assert!(Selector::parse("A")
            .unwrap_err()
            .contains("starts with `/`"));
        assert!(Selector::parse("$[").unwrap_err().contains("JSON path"));
    }
}
