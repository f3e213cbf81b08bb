//! A selector or a request body written once, or once per representation
//! (`{ xml: ..., json: ... }`): the same step then sends and reads XML or JSON,
//! each with its own form, so one scenario runs in both through a matrix over
//! Accept. A selector's form follows the request's Accept, a body's its Content-Type.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

use crate::representation::Representation;

/// What may be written per representation.
pub trait Form {
    /// Why this cannot be the form for `representation`, if it cannot.
    fn unfit_for(&self, representation: Representation) -> Option<&'static str>;
}

/// Whether a selector reads JSON (a JSON path) or XML.
pub trait ReadsJson {
    /// `true` for a JSON path (`$...`).
    fn reads_json(&self) -> bool;
}

/// A selector is the form for the representation it reads.
impl<T: ReadsJson> Form for T {
    fn unfit_for(&self, representation: Representation) -> Option<&'static str> {
        match (representation, self.reads_json()) {
            (Representation::Json, false) => Some("a JSON path (`$...`)"),
            (Representation::Xml, true) => Some("an XML selector (`/...`)"),
            _ => None,
        }
    }
}

/// One form for every representation, or a form for each.
#[derive(Debug, Clone)]
pub enum Forms<T> {
    /// One selector; its own syntax says what it reads.
    One(T),
    /// A form per representation; a representation without one has no selector.
    Each {
        /// Used when the request asked for XML.
        xml: Option<T>,
        /// Used when the request asked for JSON.
        json: Option<T>,
    },
}

impl<T> Forms<T> {
    /// The form a response in `representation` is read with.
    pub fn pick(&self, representation: Representation) -> Option<&T> {
        match (self, representation) {
            (Forms::One(t), _) => Some(t),
            (Forms::Each { xml, .. }, Representation::Xml) => xml.as_ref(),
            (Forms::Each { json, .. }, Representation::Json) => json.as_ref(),
        }
    }

    /// Every form written.
    pub fn all(&self) -> Vec<&T> {
        match self {
            Forms::One(t) => vec![t],
            Forms::Each { xml, json } => xml.iter().chain(json).collect(),
        }
    }

    /// Every form written, to rewrite.
    pub fn all_mut(&mut self) -> Vec<&mut T> {
        match self {
            Forms::One(t) => vec![t],
            Forms::Each { xml, json } => xml.iter_mut().chain(json).collect(),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Forms<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Forms::One(t) => t.fmt(f),
            Forms::Each { xml, json } => {
                let forms: Vec<String> = [("xml", xml), ("json", json)]
                    .into_iter()
                    .filter_map(|(name, form)| form.as_ref().map(|t| format!("{name}: {t}")))
                    .collect();
                write!(f, "{{ {} }}", forms.join(", "))
            }
        }
    }
}

impl<'de, T: Deserialize<'de> + Form> Deserialize<'de> for Forms<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_yaml::Value::deserialize(d)?;
        let serde_yaml::Value::Mapping(map) = value else {
            return T::deserialize(value)
                .map(Forms::One)
                .map_err(D::Error::custom);
        };
        let mut forms: [Option<T>; 2] = [None, None];
        for (key, form) in map {
            let (slot, representation) = match key.as_str() {
                Some("xml") => (0, Representation::Xml),
                Some("json") => (1, Representation::Json),
                _ => {
                    return Err(D::Error::custom(format!(
                        "one form per representation: `xml` and `json`, not `{}`",
                        serde_yaml::to_string(&key).unwrap_or_default().trim()
                    )))
                }
            };
            let name = representation.ext();
            let form =
                T::deserialize(form).map_err(|e| D::Error::custom(format!("{name}: {e}")))?;
            if let Some(wants) = form.unfit_for(representation) {
                return Err(D::Error::custom(format!("the `{name}` form is {wants}")));
            }
            forms[slot] = Some(form);
        }
        let [xml, json] = forms;
        if xml.is_none() && json.is_none() {
            return Err(D::Error::custom(
                "one form per representation: an `xml` form, a `json` form or both",
            ));
        }
        Ok(Forms::Each { xml, json })
    }
}

impl<T: JsonSchema> JsonSchema for Forms<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Forms_{}", T::schema_name()).into()
    }

    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        let one = gen.subschema_for::<T>();
        json_schema!({
            "description": "One form, or one per representation (`xml`, `json`): a selector's form follows the request's Accept header, a body's its Content-Type.",
            "oneOf": [
                one,
                {
                    "type": "object",
                    "properties": { "xml": one, "json": one },
                    "additionalProperties": false,
                    "minProperties": 1
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::select::Selector;

    fn read(yaml: &str) -> Result<Forms<Selector>, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn one_selector_serves_every_representation_and_a_map_one_each() {
        let one = read("/A/B").unwrap();
        assert_eq!(one.pick(Representation::Json).unwrap().source(), "/A/B");
        assert_eq!(one.all().len(), 1);
        let each = read("{ xml: /A/B, json: $.B }").unwrap();
        assert_eq!(each.pick(Representation::Xml).unwrap().source(), "/A/B");
        assert_eq!(each.pick(Representation::Json).unwrap().source(), "$.B");
        assert_eq!(each.all().len(), 2);
        assert_eq!(each.to_string(), "{ xml: /A/B, json: $.B }");
        let only_json = read("{ json: $.B }").unwrap();
        assert!(only_json.pick(Representation::Xml).is_none());
        assert_eq!(only_json.to_string(), "{ json: $.B }");
    }

    #[test]
    fn a_body_has_a_form_for_either_and_every_form_is_rewritten() {
        use crate::scenario::template::Template;
        let mut body: Forms<Template> =
            serde_yaml::from_str("{ xml: '<A u=\"${u}\"/>', json: '{\"u\": \"${u}\"}' }").unwrap();
        for t in body.all_mut() {
            *t = t
                .substitute(&|name: &str| (name == "u").then(|| Template::var("renamed")))
                .unwrap();
        }
        assert_eq!(
            body.pick(Representation::Xml).unwrap().raw(),
            "<A u=\"${renamed}\"/>"
        );
        assert_eq!(
            body.pick(Representation::Json).unwrap().raw(),
            "{\"u\": \"${renamed}\"}"
        );
    }

    #[test]
    fn each_form_reads_its_own_representation() {
        assert!(read("{ xml: $.B }")
            .unwrap_err()
            .contains("the `xml` form is an XML selector"));
        assert!(read("{ json: /A }")
            .unwrap_err()
            .contains("the `json` form is a JSON path"));
        assert!(read("{ yaml: /A }")
            .unwrap_err()
            .contains("`xml` and `json`, not `yaml`"));
        assert!(read("{}")
            .unwrap_err()
            .contains("an `xml` form, a `json` form or both"));
        assert!(read("{ json: '$[' }").unwrap_err().starts_with("json: "));
    }
}
