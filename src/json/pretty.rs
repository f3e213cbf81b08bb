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

/// `value` as bless writes a golden: as [`to_pretty`], except that an object
/// or array of scalars that fits on a line is written on one, as a person
/// writes a golden (`{"Rel": "Up", "Href": "{{origin}}/api/"}`), so a golden
/// reads at a glance.
pub fn to_golden(value: &Json) -> String {
    let mut out = String::new();
    write_golden(&mut out, value, 0);
    out.push('\n');
    out
}

/// The widest line [`to_golden`] puts an object or array on.
const LINE: usize = 120;

fn write_golden(out: &mut String, value: &Json, depth: usize) {
    if let Some(line) = one_line(value).filter(|l| depth * 2 + l.len() <= LINE) {
        out.push_str(&line);
        return;
    }
    let (open, close, n) = match value {
        Json::Array(items) if !items.is_empty() => ('[', ']', items.len()),
        Json::Object(members) if !members.is_empty() => ('{', '}', members.len()),
        other => return write_compact(out, other),
    };
    out.push(open);
    out.push('\n');
    for i in 0..n {
        out.push_str(&"  ".repeat(depth + 1));
        match value {
            Json::Array(items) => write_golden(out, &items[i], depth + 1),
            Json::Object(members) => {
                push_string(out, &members[i].0);
                out.push_str(": ");
                write_golden(out, &members[i].1, depth + 1);
            }
            _ => unreachable!("a container"),
        }
        out.push_str(if i + 1 < n { ",\n" } else { "\n" });
    }
    out.push_str(&"  ".repeat(depth));
    out.push(close);
}

/// A non-empty object or array of scalars on one line; `None` for anything else.
fn one_line(value: &Json) -> Option<String> {
    let scalar = |v: &Json| !matches!(v, Json::Array(_) | Json::Object(_));
    let mut out = String::new();
    match value {
        Json::Array(items) if !items.is_empty() && items.iter().all(scalar) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_compact(&mut out, item);
            }
            out.push(']');
        }
        Json::Object(members) if !members.is_empty() && members.iter().all(|(_, v)| scalar(v)) => {
            out.push('{');
            for (i, (name, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_string(&mut out, name);
                out.push_str(": ");
                write_compact(&mut out, v);
            }
            out.push('}');
        }
        _ => return None,
    }
    Some(out)
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

    #[test]
    fn a_golden_puts_small_objects_of_scalars_on_one_line_and_reads_back_the_same() {
        let text = r#"{"sc:extra":"members","L":[{"sc:order":"any","sc:extra":"items"},{"Rel":"Up","Href":"{{origin}}/api/"}],"n":{"deep":{"x":1}},"e":[],"long":{"a":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}"#;
        let value = crate::json::parse(text).unwrap();
        let golden = to_golden(&value);
        assert_eq!(
            golden,
            "{\n  \"sc:extra\": \"members\",\n  \"L\": [\n    {\"sc:order\": \"any\", \"sc:extra\": \"items\"},\n    {\"Rel\": \"Up\", \"Href\": \"{{origin}}/api/\"}\n  ],\n  \"n\": {\n    \"deep\": {\"x\": 1}\n  },\n  \"e\": [],\n  \"long\": {\n    \"a\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n  }\n}\n"
        );
        assert_eq!(crate::json::parse(&golden).unwrap(), value);
    }
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
