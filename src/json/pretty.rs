//! JSON written the way goldens and diffs show it: two spaces of indentation,
//! one member or item per line, members in the order given.

use super::expected::Expected;
use super::value::{push_string, write_compact, Json};

/// `value` pretty-printed, ending with a newline.
pub fn to_pretty(value: &Json) -> String {
    let mut out = String::new();
    write_pretty(&mut out, value, 0);
    out.push('\n');
    out
}

fn write_pretty(out: &mut String, value: &Json, depth: usize) {
    let indent = |out: &mut String, depth: usize| {
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    match value {
        Json::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(out, depth + 1);
                write_pretty(out, item, depth + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(out, depth);
            out.push(']');
        }
        Json::Object(members) if !members.is_empty() => {
            out.push_str("{\n");
            for (i, (name, v)) in members.iter().enumerate() {
                indent(out, depth + 1);
                push_string(out, name);
                out.push_str(": ");
                write_pretty(out, v, depth + 1);
                out.push_str(if i + 1 < members.len() { ",\n" } else { "\n" });
            }
            indent(out, depth);
            out.push('}');
        }
        other => write_compact(out, other),
    }
}

/// The golden as bless and review write it: placeholders and markers kept.
pub fn written(expected: &Expected) -> String {
    to_pretty(&with_markers(expected))
}

fn with_markers(expected: &Expected) -> Json {
    let marker = |name: &str, value: &str| (name.to_string(), Json::String(value.to_string()));
    match expected {
        Expected::Array(a) => {
            let mut items = Vec::with_capacity(a.items.len() + 1);
            let mut markers = Vec::new();
            if a.any_order {
                markers.push(marker("sc:order", "any"));
            }
            if a.extra {
                markers.push(marker("sc:extra", "items"));
            }
            if !markers.is_empty() {
                items.push(Json::Object(markers));
            }
            items.extend(a.items.iter().map(with_markers));
            Json::Array(items)
        }
        Expected::Object(o) => {
            let mut members = Vec::with_capacity(o.members.len() + 1);
            if o.extra {
                members.push(marker("sc:extra", "members"));
            }
            members.extend(o.members.iter().map(|(n, v)| (n.clone(), with_markers(v))));
            Json::Object(members)
        }
        other => super::compare::shown(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::expected::compile;
    use crate::json::value::parse;

    #[test]
    fn pretty_and_compact_forms() {
        let doc = parse(r#"{"a":[1,{"b":null}],"c":{},"d":[],"e":"q\"\n"}"#).unwrap();
        assert_eq!(
            to_pretty(&doc),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": [],\n  \"e\": \"q\\\"\\n\"\n}\n"
        );
        assert_eq!(
            doc.to_compact(),
            r#"{"a":[1,{"b":null}],"c":{},"d":[],"e":"q\"\n"}"#
        );
        assert_eq!(
            parse(&to_pretty(&doc)).unwrap(),
            doc,
            "what is printed reads back the same"
        );
    }

    #[test]
    fn a_golden_is_written_with_its_markers_and_placeholders() {
        let text = r#"{"sc:extra":"members","L":[{"sc:order":"any","sc:extra":"items"},{"n":"{{int}}"}],"s":"{{origin}}/x"}"#;
        let (e, _) = compile(text).unwrap();
        let written = written(&e);
        assert_eq!(parse(&written).unwrap(), parse(text).unwrap());
        let (again, _) = compile(&written).unwrap();
        assert_eq!(
            super::written(&again),
            written,
            "written goldens are stable"
        );
    }
}
