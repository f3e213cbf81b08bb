//! Properties of the JSON comparator over generated documents: a document
//! matches itself as a golden; member order, whitespace and the spelling of a
//! number never make a difference; a recorded golden passes the response it
//! was recorded from; nothing panics on arbitrary text.

use proptest::prelude::*;

use sessionconf::json::compare::compare;
use sessionconf::json::expected::compile;
use sessionconf::json::pretty::to_pretty;
use sessionconf::json::value::Number;
use sessionconf::json::{parse, Json};
use sessionconf::placeholder::Bindings;
use sessionconf::xml::compare::DifferenceKind;

/// Strings without braces (which a golden reads as placeholders) and member
/// names that are not markers.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.\\-\\\\\"é/:]{0,12}"
}

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9_ ]{0,8}"
}

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-1_000_000i64..1_000_000).prop_map(|n| Json::Number(Number::from_f64(n as f64))),
        (-1000.0f64..1000.0).prop_map(|f| Json::Number(Number::from_f64((f * 8.0).round() / 8.0))),
        text().prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::btree_map(name(), inner, 0..6)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// The same document written another way: members reversed, numbers spelled
/// with an exponent or a fraction.
fn respelled(value: &Json) -> String {
    match value {
        Json::Number(n) => {
            let text = n.to_string();
            if text.contains('.') || text.contains('e') {
                format!("{text}e0")
            } else {
                format!("{text}.0")
            }
        }
        Json::Array(items) => format!(
            "[ {} ]",
            items
                .iter()
                .map(respelled)
                .collect::<Vec<_>>()
                .join(" ,\n ")
        ),
        Json::Object(members) => format!(
            "{{\n{}}}",
            members
                .iter()
                .rev()
                .map(|(n, v)| format!("{} :\t{}", serde_json::to_string(n).unwrap(), respelled(v)))
                .collect::<Vec<_>>()
                .join(",\n")
        ),
        other => other.to_compact(),
    }
}

fn differences(golden: &str, actual: &Json) -> Vec<String> {
    let (expected, _) = compile(golden).unwrap();
    compare(&expected, actual, &Bindings::default())
        .differences
        .iter()
        .map(|d| d.to_string())
        .collect()
}

/// The arrays of a document, each as the path of indexes that leads to it.
fn array_paths(value: &Json, at: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    let children: Vec<&Json> = match value {
        Json::Array(items) => {
            out.push(at.clone());
            items.iter().collect()
        }
        Json::Object(members) => members.iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    for (i, child) in children.into_iter().enumerate() {
        at.push(i);
        array_paths(child, at, out);
        at.pop();
    }
}

fn array_at<'v>(value: &'v mut Json, path: &[usize]) -> &'v mut Vec<Json> {
    match (value, path.split_first()) {
        (Json::Array(items), None) => items,
        (Json::Array(items), Some((i, rest))) => array_at(&mut items[*i], rest),
        (Json::Object(members), Some((i, rest))) => array_at(&mut members[*i].1, rest),
        _ => unreachable!("a path to an array"),
    }
}

/// The kinds of the differences between a golden written from one document and another.
fn kinds(golden: &Json, actual: &Json) -> Vec<DifferenceKind> {
    let (expected, _) = compile(&to_pretty(golden)).unwrap();
    compare(&expected, actual, &Bindings::default())
        .differences
        .into_iter()
        .map(|d| d.kind)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn one_item_removed_from_an_array_is_one_missing_item(doc in json(), at in any::<prop::sample::Index>(), pos in any::<prop::sample::Index>()) {
        let mut paths = Vec::new();
        array_paths(&doc, &mut Vec::new(), &mut paths);
        paths.retain(|p| !array_at(&mut doc.clone(), p).is_empty());
        prop_assume!(!paths.is_empty());
        let mut actual = doc.clone();
        let chosen: &Vec<usize> = at.get(&paths);
        let items = array_at(&mut actual, chosen);
        items.remove(pos.index(items.len()));
        prop_assert_eq!(kinds(&doc, &actual), vec![DifferenceKind::MissingItem]);
    }

    #[test]
    fn one_item_inserted_into_an_array_is_one_unexpected_item(doc in json(), at in any::<prop::sample::Index>(), pos in any::<prop::sample::Index>(), extra in json()) {
        let mut paths = Vec::new();
        array_paths(&doc, &mut Vec::new(), &mut paths);
        prop_assume!(!paths.is_empty());
        let mut actual = doc.clone();
        let chosen: &Vec<usize> = at.get(&paths);
        let items = array_at(&mut actual, chosen);
        items.insert(pos.index(items.len() + 1), extra);
        prop_assert_eq!(kinds(&doc, &actual), vec![DifferenceKind::UnexpectedItem]);
    }

    #[test]
    fn a_document_matches_itself(doc in json()) {
        prop_assert_eq!(differences(&to_pretty(&doc), &doc), Vec::<String>::new());
    }

    #[test]
    fn order_whitespace_and_number_spelling_never_count(doc in json()) {
        let other = parse(&respelled(&doc)).unwrap();
        prop_assert_eq!(&other, &other.clone());
        prop_assert_eq!(differences(&to_pretty(&doc), &other), Vec::<String>::new());
        prop_assert_eq!(differences(&respelled(&doc), &doc), Vec::<String>::new());
    }

    #[test]
    fn a_changed_leaf_is_found(doc in json(), replacement in text()) {
        // Replace the first string or number found with a string that differs.
        let mut changed = doc.clone();
        if change_first(&mut changed, &replacement) {
            prop_assert!(!differences(&to_pretty(&doc), &changed).is_empty());
        }
    }

    #[test]
    fn a_recorded_golden_passes_what_it_was_recorded_from(doc in json()) {
        let recording = sessionconf::golden::Recording { secrets: &[], volatile: &[] };
        let golden = sessionconf::golden::record(&sessionconf::golden::Body::Json(&doc), &Bindings::default(), recording);
        prop_assert_eq!(differences(&golden, &doc), Vec::<String>::new());
    }

    #[test]
    fn nothing_panics_on_arbitrary_text(text in ".{0,200}") {
        let _ = parse(&text);
        let _ = compile(&text);
    }
}

fn change_first(value: &mut Json, replacement: &str) -> bool {
    match value {
        Json::String(s) => {
            *s = format!("{s}{replacement}x");
            true
        }
        Json::Number(n) => {
            *value = Json::String(n.to_string());
            true
        }
        Json::Array(items) => items.iter_mut().any(|i| change_first(i, replacement)),
        Json::Object(members) => members
            .iter_mut()
            .any(|(_, v)| change_first(v, replacement)),
        _ => false,
    }
}
