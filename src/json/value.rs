//! A JSON document as it is compared: members in the order written, numbers
//! by value, and a document with a member named twice refused (what such a
//! document means depends on who reads it).

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, compared by value.
    Number(Number),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in the order written.
    Object(Vec<(String, Json)>),
}

/// A JSON number: `1`, `1.0` and `1e0` are the same number.
#[derive(Debug, Clone)]
pub struct Number {
    /// An integer too large for a float keeps its exact value.
    int: Option<i128>,
    float: f64,
}

impl Number {
    /// The number `value`.
    pub fn from_f64(value: f64) -> Number {
        let int = (value.fract() == 0.0 && value.abs() < 9.0e15).then_some(value as i128);
        Number { int, float: value }
    }

    fn from_int(value: i128) -> Number {
        Number {
            int: Some(value),
            float: value as f64,
        }
    }

    /// Whether it is a whole number.
    pub fn is_integer(&self) -> bool {
        self.int.is_some()
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self.int, other.int) {
            (Some(a), Some(b)) => a == b,
            _ => self.float == other.float,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.int {
            Some(i) => write!(f, "{i}"),
            None => match serde_json::Number::from_f64(self.float) {
                Some(n) => write!(f, "{n}"),
                None => write!(f, "null"),
            },
        }
    }
}

impl Json {
    /// The member `name` of an object.
    pub fn member(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as JSON text on one line.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        write_compact(&mut out, self);
        out
    }
}

/// `value` on one line.
pub(crate) fn write_compact(out: &mut String, value: &Json) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => push_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(out, item);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (name, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, name);
                out.push(':');
                write_compact(out, v);
            }
            out.push('}');
        }
    }
}

/// `s` as a JSON string literal.
pub(crate) fn push_string(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).expect("a string serializes"));
}

/// Why a text is not a JSON document this tool reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Reads a JSON document: one value, duplicate member names refused, nesting
/// at most 128 deep (serde_json's limit), numbers by value.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Json>(text).map_err(|e| {
        let message = e.to_string();
        // serde_json ends its message with the position; it is said apart.
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        JsonError {
            line: e.line() as u32,
            col: e.column() as u32,
            message,
        }
    })
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(Number::from_int(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(Number::from_int(v.into())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(Number::from_f64(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members: Vec<(String, Json)> = Vec::new();
        let mut names = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if !names.insert(name.clone()) {
                return Err(de::Error::custom(format!(
                    "the member \"{name}\" is named twice in one object"
                )));
            }
            members.push((name, map.next_value()?));
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_equal_by_value_and_types_are_kept_apart() {
        let n = |t: &str| match parse(t).unwrap() {
            Json::Number(n) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(n("1"), n("1.0"));
        assert_eq!(n("1"), n("1e0"));
        assert_eq!(n("-0.5"), n("-5e-1"));
        assert_ne!(n("1"), n("2"));
        assert_ne!(
            n("9007199254740993"),
            n("9007199254740992"),
            "exact above 2^53"
        );
        assert!(n("3").is_integer() && n("3.0").is_integer() && !n("3.5").is_integer());
        assert_ne!(parse("1").unwrap(), parse("\"1\"").unwrap());
        assert_ne!(parse("null").unwrap(), parse("\"null\"").unwrap());
        assert_eq!(n("1.50").to_string(), "1.5");
        assert_eq!(n("2e1").to_string(), "20");
    }

    #[test]
    fn members_keep_their_order_and_strings_are_unescaped() {
        let doc = parse(r#"{"b": 1, "a": "x\u0041\n", "c": [true, null]}"#).unwrap();
        let Json::Object(members) = &doc else {
            panic!()
        };
        let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(doc.member("a"), Some(&Json::String("xA\n".into())));
        assert_eq!(
            doc.member("c"),
            Some(&Json::Array(vec![Json::Bool(true), Json::Null]))
        );
        assert_eq!(doc.member("d"), None);
    }

    #[test]
    fn a_member_named_twice_or_a_broken_document_is_located() {
        let e = parse("{\n  \"a\": 1,\n  \"a\": 2\n}").unwrap_err();
        assert!(e.message.contains("\"a\" is named twice"), "{e}");
        assert_eq!(e.line, 3, "{e}");
        let e = parse("{\"a\": [1, 2,]}").unwrap_err();
        assert_eq!((e.line, e.col), (1, 13), "{e}");
        assert!(!e.message.contains(" at line "), "{e}");
        assert!(parse("[1] [2]").is_err(), "one value");
        assert!(parse(&"[".repeat(200)).is_err(), "nesting is bounded");
        assert_eq!(parse("\u{feff}{}").unwrap(), Json::Object(Vec::new()));
    }
}
