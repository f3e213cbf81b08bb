//! A JSON golden, compiled: the vendor's document with placeholders in its
//! strings and a few `sc:` markers, all of it valid JSON.
//!
//! - A string holds placeholders as in XML: `"{{origin}}/api/logonSessions/{{session_id}}"`.
//! - A string that is exactly `"{{int}}"`, `"{{number}}"` or `"{{bool}}"` stands
//!   for a JSON integer, any number, or a boolean (not a string: `"1"` and `1`
//!   are different things, and a server that sends one for the other fails).
//! - `"sc:extra": "members"` in an object: it may have members the golden does not name.
//! - An array whose first item is a marker object, `{"sc:order": "any"}` and/or
//!   `{"sc:extra": "items"}`: its items may come in any order (matched as a
//!   multiset), and it may have more items than the golden's.

use std::sync::Arc;

use super::value::{parse, Json, JsonError, Number};
use crate::placeholder::Pattern;

/// What the golden expects of a value.
#[derive(Debug, Clone)]
pub enum Expected {
    /// `null`.
    Null,
    /// This boolean.
    Bool(bool),
    /// This number, by value.
    Number(Number),
    /// A string matching this pattern.
    String(Pattern),
    /// A value of a type, whatever its value (`"{{int}}"`, `"{{number}}"`, `"{{bool}}"`).
    Typed(Typed),
    /// An array.
    Array(Arc<ExpectedArray>),
    /// An object.
    Object(Arc<ExpectedObject>),
}

/// A type placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// A whole number.
    Int,
    /// Any number.
    Number,
    /// `true` or `false`.
    Bool,
}

impl Typed {
    /// The placeholder as the golden writes it.
    pub fn raw(self) -> &'static str {
        match self {
            Typed::Int => "{{int}}",
            Typed::Number => "{{number}}",
            Typed::Bool => "{{bool}}",
        }
    }

    /// What it stands for, in a difference: `{{int}}` is a JSON number, not the string.
    pub fn described(self) -> &'static str {
        match self {
            Typed::Int => "{{int}} (a whole number)",
            Typed::Number => "{{number}} (a number)",
            Typed::Bool => "{{bool}} (true or false)",
        }
    }
}

/// An expected array.
#[derive(Debug, Clone)]
pub struct ExpectedArray {
    /// Its items, markers left out.
    pub items: Vec<Expected>,
    /// Items may come in any order.
    pub any_order: bool,
    /// More items than the golden's may be there.
    pub extra: bool,
    /// The member whose literal string tells every item apart (`Rel`, else
    /// `Type`, ...): a set's items are paired and named by it.
    pub key: Option<String>,
    /// In a set without such a member: for each item, the first of its members
    /// whose literal value no other item has (a `Links` set: `Rel` for Up and
    /// Delete, `Type` for a Down link), to name it in a difference.
    pub labels: Vec<Option<String>>,
}

/// An expected object.
#[derive(Debug, Clone)]
pub struct ExpectedObject {
    /// Its members in the golden's order, markers left out.
    pub members: Vec<(String, Expected)>,
    /// Members the golden does not name may be there.
    pub extra: bool,
}

/// A `{{NAME}}` a golden refers to, where it first does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The variable's name.
    pub name: String,
    /// 1-based line of its first use.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// Compiles a JSON golden's text.
pub fn compile(text: &str) -> Result<(Expected, Vec<Variable>), JsonError> {
    let json = parse(text)?;
    let mut names = Vec::new();
    let expected = expect(&json, &mut names).map_err(|message| {
        let (line, col) = position_of(text, &message.1);
        JsonError {
            line,
            col,
            message: message.0,
        }
    })?;
    let mut variables: Vec<Variable> = Vec::new();
    for name in names {
        if variables.iter().all(|v| v.name != name) {
            let (line, col) = position_of(text, &format!("{{{{{name}}}}}"));
            variables.push(Variable { name, line, col });
        }
    }
    Ok((expected, variables))
}

/// Where `needle` first is in `text` (1-based), or the start: serde keeps no
/// positions, so a golden's mistake is found by its text.
fn position_of(text: &str, needle: &str) -> (u32, u32) {
    let Some(at) = (!needle.is_empty()).then(|| text.find(needle)).flatten() else {
        return (1, 1);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(at, |nl| at - nl - 1) + 1;
    (line as u32, col as u32)
}

/// A mistake in a golden, and text to locate it by.
type Mistake = (String, String);

fn expect(json: &Json, names: &mut Vec<String>) -> Result<Expected, Mistake> {
    Ok(match json {
        Json::Null => Expected::Null,
        Json::Bool(b) => Expected::Bool(*b),
        Json::Number(n) => Expected::Number(n.clone()),
        Json::String(s) => string(s, names)?,
        Json::Array(items) => Expected::Array(Arc::new(array(items, names)?)),
        Json::Object(members) => Expected::Object(Arc::new(object(members, names)?)),
    })
}

fn string(s: &str, names: &mut Vec<String>) -> Result<Expected, Mistake> {
    for typed in [Typed::Int, Typed::Number, Typed::Bool] {
        if s == typed.raw() {
            return Ok(Expected::Typed(typed));
        }
    }
    let pattern = Pattern::parse(s).map_err(|e| (format!("in \"{s}\": {e}"), s.to_string()))?;
    names.extend(pattern.variables().map(str::to_string));
    Ok(Expected::String(pattern))
}

fn array(items: &[Json], names: &mut Vec<String>) -> Result<ExpectedArray, Mistake> {
    let mut array = ExpectedArray {
        items: Vec::new(),
        any_order: false,
        extra: false,
        key: None,
        labels: Vec::new(),
    };
    let mut rest = items;
    if let Some((Json::Object(marker), tail)) = items.split_first() {
        if !marker.is_empty() && marker.iter().all(|(n, _)| n.starts_with("sc:")) {
            for (name, value) in marker {
                match (name.as_str(), value) {
                    ("sc:order", Json::String(v)) if v == "any" => array.any_order = true,
                    ("sc:order", Json::String(v)) if v == "document" => array.any_order = false,
                    ("sc:extra", Json::String(v)) if v == "items" => array.extra = true,
                    _ => return Err(marker_mistake(name, value, "in an array's first item: {\"sc:order\": \"any\"} or {\"sc:extra\": \"items\"}")),
                }
            }
            rest = tail;
        }
    }
    for item in rest {
        array.items.push(expect(item, names)?);
    }
    // Once per golden, not once per response array compared with it.
    array.key = key_member(&array.items).map(str::to_string);
    if array.key.is_none() && array.any_order {
        array.labels = item_labels(&array.items);
    }
    Ok(array)
}

/// The first member of the first item whose value is a literal string in
/// every item, different in each.
fn key_member(items: &[Expected]) -> Option<&str> {
    let Some(Expected::Object(first)) = items.first() else {
        return None;
    };
    first.members.iter().map(|(n, _)| n.as_str()).find(|name| {
        let mut values = std::collections::HashSet::new();
        items
            .iter()
            .all(|item| literals(item).any(|(n, v)| n == *name && values.insert(v)))
    })
}

/// For each item, its first member whose literal value no other item has.
fn item_labels(items: &[Expected]) -> Vec<Option<String>> {
    let mut counts: std::collections::HashMap<(&str, &str), usize> = Default::default();
    for pair in items.iter().flat_map(literals) {
        *counts.entry(pair).or_default() += 1;
    }
    items
        .iter()
        .map(|item| {
            literals(item)
                .find(|pair| counts[pair] == 1)
                .map(|(name, _)| name.to_string())
        })
        .collect()
}

/// An object item's members whose values are literal strings.
fn literals(item: &Expected) -> impl Iterator<Item = (&str, &str)> {
    let members = match item {
        Expected::Object(o) => o.members.as_slice(),
        _ => &[],
    };
    members.iter().filter_map(|(n, v)| match v {
        Expected::String(p) => Some((n.as_str(), p.as_literal()?)),
        _ => None,
    })
}

fn object(members: &[(String, Json)], names: &mut Vec<String>) -> Result<ExpectedObject, Mistake> {
    let mut object = ExpectedObject {
        members: Vec::new(),
        extra: false,
    };
    for (name, value) in members {
        if let Some(directive) = name.strip_prefix("sc:") {
            match (directive, value) {
                ("extra", Json::String(v)) if v == "members" => object.extra = true,
                _ => {
                    return Err(marker_mistake(
                        name,
                        value,
                        "in an object: \"sc:extra\": \"members\"",
                    ))
                }
            }
            continue;
        }
        object.members.push((name.clone(), expect(value, names)?));
    }
    Ok(object)
}

fn marker_mistake(name: &str, value: &Json, expected: &str) -> Mistake {
    (
        format!(
            "\"{name}\": {} is not a marker; expected {expected}",
            value.to_compact()
        ),
        format!("\"{name}\""),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_type_placeholders_are_read() {
        let (e, vars) = compile(
            r#"{"sc:extra": "members", "Links": [{"sc:order": "any", "sc:extra": "items"}, {"Rel": "Up"}],
                "Id": "{{session_id}}", "n": "{{int}}", "ok": "{{bool}}", "x": "{{number}}", "s": "{{any}}1"}"#,
        )
        .unwrap();
        let Expected::Object(o) = e else { panic!() };
        assert!(o.extra);
        let names: Vec<&str> = o.members.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Links", "Id", "n", "ok", "x", "s"]);
        let Expected::Array(links) = &o.members[0].1 else {
            panic!()
        };
        assert!(links.any_order && links.extra && links.items.len() == 1);
        assert!(matches!(o.members[2].1, Expected::Typed(Typed::Int)));
        assert!(matches!(o.members[3].1, Expected::Typed(Typed::Bool)));
        assert!(matches!(o.members[4].1, Expected::Typed(Typed::Number)));
        assert!(matches!(&o.members[5].1, Expected::String(p) if p.raw() == "{{any}}1"));
        assert_eq!(
            vars,
            [Variable {
                name: "session_id".into(),
                line: 2,
                col: 24
            }]
        );
        let (_, vars) = compile(r#"{"a": "{{x}}", "b": "{{y}}/{{x}}", "c": "{{x}}"}"#).unwrap();
        let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            ["x", "y"],
            "each variable once, where it is first used"
        );
    }

    #[test]
    fn a_wrong_marker_or_placeholder_is_located() {
        let e = compile("{\n  \"a\": 1,\n  \"sc:order\": \"any\"\n}").unwrap_err();
        assert_eq!((e.line, e.col), (3, 3), "{e}");
        assert!(e.message.contains("\"sc:extra\": \"members\""), "{e}");
        for wrong in [
            r#"[{"sc:extra": "all"}]"#,
            r#"{"sc:extra": "everything"}"#,
            r#"{"sc:extra": true}"#,
        ] {
            assert!(
                compile(wrong)
                    .unwrap_err()
                    .message
                    .contains("is not a marker"),
                "{wrong}"
            );
        }
        let (e, _) = compile(r#"[{"sc:order": "document"}, 1]"#).unwrap();
        assert!(matches!(e, Expected::Array(a) if !a.any_order && a.items.len() == 1));
        let e = compile("[{\"sc:order\": \"some\"}]").unwrap_err();
        assert!(
            e.message.contains("\"sc:order\": \"some\" is not a marker"),
            "{e}"
        );
        let e = compile("{\"a\": \"x{{nope\"}").unwrap_err();
        assert!(e.message.starts_with("in \"x{{nope\""), "{e}");
        assert_eq!((e.line, e.col), (1, 8), "at the value");
        let e = compile("{\"a\": 1, \"a\": 2}").unwrap_err();
        assert!(e.message.contains("named twice"), "{e}");
        // An object of markers only as a first item is a marker; with data it
        // is an item, and a marker among an item's members is a mistake.
        assert!(compile("[{\"sc:order\": \"any\", \"Rel\": \"Up\"}]").is_err());
    }
}
