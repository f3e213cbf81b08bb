//! Properties of the response parser, the comparator, bless and the loader, over generated documents.

use proptest::prelude::*;

use sessionconf::placeholder::Bindings;
use sessionconf::xml::canonical::Element;
use sessionconf::xml::compare::{compare, record, DifferenceKind};
use sessionconf::xml::expected::ExpectedElement;
use sessionconf::xml::pretty::{to_pretty_string, GoldenMarkers};

#[derive(Debug, Clone)]
struct Tree {
    name: String,
    attrs: Vec<(String, String)>,
    text: Option<String>,
    children: Vec<Tree>,
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 <>&\"'.:/_-]{0,12}",
        Just("ae0dab67-06f0-40e8-8331-047734fc3484".to_string()),
        Just("http://em01:9399/api/logonSessions/ae0dab67-06f0-40e8-8331-047734fc3484".to_string()),
    ]
    // `{{` would be read as a placeholder in a golden.
    .prop_filter("no placeholder syntax", |v| !v.contains("{{"))
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = (
        prop::sample::select(vec!["A", "B", "Link", "SessionId", "x-y"]),
        prop::collection::btree_map(
            prop::sample::select(vec!["Rel", "Href", "Type", "n", "id"]),
            value(),
            0..4,
        ),
        prop::option::of(value().prop_filter("not only whitespace", |t| {
            !sessionconf::xml::tree::is_xml_whitespace(t)
        })),
    )
        .prop_map(|(name, attrs, text)| Tree {
            name: name.to_string(),
            attrs: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            text,
            children: Vec::new(),
        });
    leaf.prop_recursive(4, 40, 6, |inner| {
        (inner.clone(), prop::collection::vec(inner, 0..6)).prop_map(|(mut node, children)| {
            // Mixed content is not generated: indentation would change its text.
            if !children.is_empty() {
                node.text = None;
            }
            node.children = children;
            node
        })
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes a tree in one of many equivalent ways.
fn write(
    tree: &Tree,
    prefix: Option<&str>,
    indent: bool,
    rotate: usize,
    depth: usize,
    out: &mut String,
) {
    let name = match prefix {
        Some(p) => format!("{p}:{}", tree.name),
        None => tree.name.clone(),
    };
    if indent {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    }
    out.push('<');
    out.push_str(&name);
    if depth == 0 {
        match prefix {
            Some(p) => out.push_str(&format!(" xmlns:{p}=\"urn:test\"")),
            None => out.push_str(" xmlns=\"urn:test\""),
        }
    }
    let mut attrs = tree.attrs.clone();
    if !attrs.is_empty() {
        let n = rotate % attrs.len();
        attrs.rotate_left(n);
    }
    for (k, v) in &attrs {
        out.push_str(&format!(" {k}=\"{}\"", escape(v)));
    }
    if tree.text.is_none() && tree.children.is_empty() {
        out.push_str(if rotate % 2 == 0 { "/>" } else { "></" });
        if rotate % 2 == 1 {
            out.push_str(&name);
            out.push('>');
        }
        return;
    }
    out.push('>');
    if let Some(t) = &tree.text {
        if rotate % 3 == 0 && !t.contains("]]>") {
            out.push_str(&format!("<![CDATA[{t}]]>"));
        } else {
            out.push_str(&escape(t));
        }
    }
    for child in &tree.children {
        write(child, prefix, indent, rotate + 1, depth + 1, out);
    }
    if indent && !tree.children.is_empty() {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    }
    out.push_str(&format!("</{name}>"));
}

fn text(tree: &Tree, prefix: Option<&str>, indent: bool, rotate: usize) -> String {
    let mut out = String::new();
    write(tree, prefix, indent, rotate, 0, &mut out);
    out
}

fn matches(golden: &str, actual: &str, bindings: &Bindings) -> Result<(), String> {
    let expected =
        ExpectedElement::compile(golden).map_err(|e| format!("golden: {e}\n{golden}"))?;
    let doc = sessionconf::xml::parse(actual).map_err(|e| format!("actual: {e}"))?;
    let c = compare(&expected, doc.root_element(), bindings);
    if c.is_match() {
        Ok(())
    } else {
        Err(format!(
            "{:#?}\ngolden:\n{golden}\nactual:\n{actual}",
            c.differences
        ))
    }
}

/// The elements of a tree, each as the path of child indexes that leads to it.
fn element_paths(tree: &Tree, at: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(at.clone());
    for (i, child) in tree.children.iter().enumerate() {
        at.push(i);
        element_paths(child, at, out);
        at.pop();
    }
}

fn element_at<'t>(tree: &'t mut Tree, path: &[usize]) -> &'t mut Tree {
    match path.split_first() {
        Some((i, rest)) => element_at(&mut tree.children[*i], rest),
        None => tree,
    }
}

/// The differences a golden written from one tree finds in a response written from another.
fn differences(golden: &Tree, actual: &Tree) -> Vec<sessionconf::xml::compare::Difference> {
    let golden = text(golden, None, false, 0);
    let expected = ExpectedElement::compile(&golden).expect("golden compiles");
    let actual = text(actual, Some("p"), true, 1);
    let doc = sessionconf::xml::parse(&actual).expect("actual parses");
    compare(&expected, doc.root_element(), &Bindings::default()).differences
}

/// A document as roxmltree reads it, in the form the tree parser's is compared in.
fn roxmltree_element(node: roxmltree::Node) -> Element<'static> {
    let mut attrs: Vec<_> = node
        .attributes()
        .map(|a| {
            (
                sessionconf::xml::QName::new(a.namespace(), a.name()),
                a.value().to_string(),
            )
        })
        .collect();
    attrs.sort();
    // Text in its places among the children: each child element a mark,
    // whitespace-only segments empty (the comparator's reading, from XML's).
    let joined: String = node
        .children()
        .filter_map(|c| match c.is_element() {
            true => Some(sessionconf::xml::tree::CHILD.to_string()),
            false => c.text().filter(|_| c.is_text()).map(str::to_string),
        })
        .collect();
    Element {
        name: sessionconf::xml::QName::new(node.tag_name().namespace(), node.tag_name().name()),
        attrs,
        text: sessionconf::xml::tree::mixed_text(&joined),
        children: node
            .children()
            .filter(|c| c.is_element())
            .map(roxmltree_element)
            .collect(),
        directives: Default::default(),
        golden: None,
    }
}

/// The tree parser against roxmltree, a mature parser: the same verdict on
/// well-formedness, and the same elements, attributes and text when both read it.
fn parsers_agree(text: &str) -> Result<(), String> {
    let ours = sessionconf::xml::parse(text);
    // As goldens are read: a DTD is allowed (and its entities, which the tree parser
    // does not expand, are not generated here).
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let theirs = roxmltree::Document::parse_with_options(text, options);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            let (a, b) = (
                Element::from_node(ours.root_element()),
                roxmltree_element(theirs.root_element()),
            );
            if a == b {
                Ok(())
            } else {
                Err(format!("different trees for {text:?}:\n{a:?}\n{b:?}"))
            }
        }
        (Err(_), Err(_)) => Ok(()),
        (Ok(_), Err(e)) => Err(format!("accepted {text:?}, which roxmltree refuses: {e}")),
        // roxmltree takes a namespace URI's references without checking them.
        (Err(e), Ok(_)) if e.message.contains("not a valid codepoint") => Ok(()),
        // What Namespaces in XML 1.0 and XML 1.0 forbid and roxmltree lets pass
        // (`<:b>`, `xmlns:p=""`, `xmlns:xmlns`, `standalone="maybe"`, `<?XML`, a
        // declared encoding the text is not in): only our refusal can be right,
        // and it says which rule.
        (Err(e), Ok(_))
            if e.message.contains("XML 1.0)") || e.message.contains("reads UTF-8 and UTF-16") =>
        {
            Ok(())
        }
        (Err(e), Ok(_)) => Err(format!("refused {text:?}, which roxmltree accepts: {e}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_parser_reads_documents_as_roxmltree_does(t in tree(), prefix in prop::option::of("[a-z]{1,3}"), indent: bool, rotate in 0usize..7) {
        let doc = text(&t, prefix.as_deref(), indent, rotate);
        prop_assert_eq!(parsers_agree(&doc), Ok(()));
    }

    #[test]
    fn the_parser_judges_arbitrary_markup_as_roxmltree_does(text in "(<[a-c:]{0,3}( [a-c:]{1,3}=(\"[a-c&;#0-9<>]{0,4}\"|'[a-c]{0,2}'))?/?>|</[a-c:]{0,3}>|[a-c ]{0,3}|&(amp|lt|#[0-9]{1,3}|#x[0-9a-f]{1,3}|[a-c]{1,3});|<!--[a-c-]{0,3}-->|<!\\[CDATA\\[[a-c\\]>]{0,4}\\]\\]>|<\\?[a-c]{1,3} ?[a-c]{0,2}\\?>| xmlns(:[a-c])?=\"[a-c:]{0,3}\"){1,12}") {
        prop_assert_eq!(parsers_agree(&text), Ok(()));
    }

    #[test]
    fn the_parser_refuses_what_roxmltree_refuses(t in tree(), at in any::<prop::sample::Index>(), edit in prop::sample::select(vec!["", "<", ">", "&", ";", "\"", "'", "=", "/", ":", "x", "#", " ", "&#0;", "&#x41;", "&amp;", "<!--c-->", "<![CDATA[", "]]>", "\u{1}", "\r\n", "xmlns:q='urn:q' q:", "<?pi x?>", "<!DOCTYPE a>", "&#xD800;", "&#x110000;", "&#65", "&e;", " xml:lang='en' ", " xmlns='' ", " xmlns:p='' ", " xmlns:xml='urn:x' ", "\u{feff}", "<a>", "</a>", "\t", "\u{e9}", "\u{fffe}", "-", "--", "<!--", "-->", "?>", "<?xml version='1.0'?>", " xmlns:xmlns='urn:x' ", " xmlns:='urn:x' ", "<:q/>", " :q='1' ", "<?XML x?>", "<? x?>", "<?xml encoding='UTF-8'?>", "<?xml version='1.0' standalone='maybe'?>", "<?xml version='1.0' encoding='UTF-16'?>"]), delete in 0usize..3) {
        let doc = text(&t, Some("p"), true, 2);
        let mut i = at.index(doc.len() + 1);
        while !doc.is_char_boundary(i) {
            i -= 1;
        }
        let end = (i + delete).min(doc.len());
        let end = (end..=doc.len()).find(|&e| doc.is_char_boundary(e)).unwrap_or(doc.len());
        let edited = format!("{}{edit}{}", &doc[..i], &doc[end..]);
        prop_assert_eq!(parsers_agree(&edited), Ok(()));
    }

    #[test]
    fn one_removed_child_is_one_missing_element(t in tree(), at in any::<prop::sample::Index>(), pos in any::<prop::sample::Index>()) {
        let mut paths = Vec::new();
        element_paths(&t, &mut Vec::new(), &mut paths);
        paths.retain(|p| !element_at(&mut t.clone(), p).children.is_empty());
        prop_assume!(!paths.is_empty());
        let mut actual = t.clone();
        let chosen: &Vec<usize> = at.get(&paths);
        let parent = element_at(&mut actual, chosen);
        parent.children.remove(pos.index(parent.children.len()));
        let found = differences(&t, &actual);
        prop_assert_eq!(found.len(), 1, "{:#?}", found);
        prop_assert_eq!(&found[0].kind, &DifferenceKind::MissingElement);
    }

    #[test]
    fn one_inserted_child_is_one_unexpected_element(t in tree(), at in any::<prop::sample::Index>(), pos in any::<prop::sample::Index>(), extra in tree()) {
        let mut paths = Vec::new();
        element_paths(&t, &mut Vec::new(), &mut paths);
        // Text beside a child would be mixed content, which is not generated.
        paths.retain(|p| element_at(&mut t.clone(), p).text.is_none());
        prop_assume!(!paths.is_empty());
        let mut actual = t.clone();
        let chosen: &Vec<usize> = at.get(&paths);
        let parent = element_at(&mut actual, chosen);
        parent.children.insert(pos.index(parent.children.len() + 1), extra);
        let found = differences(&t, &actual);
        prop_assert_eq!(found.len(), 1, "{:#?}", found);
        prop_assert_eq!(&found[0].kind, &DifferenceKind::UnexpectedElement);
    }

    #[test]
    fn the_comparator_is_reflexive(t in tree()) {
        let doc = text(&t, None, false, 0);
        prop_assert_eq!(matches(&doc, &doc, &Bindings::default()), Ok(()));
    }

    #[test]
    fn prefixes_attribute_order_and_indentation_do_not_matter(t in tree(), rotate in 0usize..7) {
        let golden = text(&t, None, false, 0);
        let actual = text(&t, Some("p"), true, rotate);
        prop_assert_eq!(matches(&golden, &actual, &Bindings::default()), Ok(()));
    }

    #[test]
    fn a_blessed_golden_matches_the_response_it_was_recorded_from(t in tree(), id in "[a-z0-9]{4,8}") {
        let actual = text(&t, Some("v"), true, 1);
        let doc = sessionconf::xml::parse(&actual).unwrap();
        let mut bindings = Bindings::default();
        bindings.bind_capture("id", &id);
        bindings.origin = Some("http://em01:9399".into());
        let recorded = to_pretty_string(&record(doc.root_element(), &bindings), GoldenMarkers::Keep);
        prop_assert_eq!(matches(&recorded, &actual, &bindings), Ok(()));
        // And recording through the comparator again changes nothing.
        let expected = ExpectedElement::compile(&recorded).unwrap();
        let again = sessionconf::xml::compare::normalize(&expected, doc.root_element(), &bindings);
        prop_assert_eq!(to_pretty_string(&again, GoldenMarkers::Keep), to_pretty_string(&Element::from_expected(&expected), GoldenMarkers::Keep));
    }

    #[test]
    fn a_response_with_placeholder_syntax_is_blessed_into_a_golden_that_matches_it(v in "[a-z{}' ]{0,16}") {
        let actual = format!("<A x=\"{}\"><B>{}</B></A>", escape(&v), escape(&v));
        let doc = sessionconf::xml::parse(&actual).unwrap();
        let recorded = to_pretty_string(&record(doc.root_element(), &Bindings::default()), GoldenMarkers::Keep);
        prop_assert_eq!(matches(&recorded, &actual, &Bindings::default()), Ok(()));
    }

    #[test]
    fn unordered_goldens_match_their_documents_in_any_order(t in tree(), rotate in 0usize..5) {
        // Every element of the golden takes its children in any order (CDATA
        // sections are left as they are: they may hold a `<`).
        let golden = text(&t, None, false, 1);
        let marked = regex::Regex::new(r"(?s)<!\[CDATA\[.*?\]\]>|<([A-Za-z][A-Za-z-]*)").unwrap()
            .replace_all(&golden, |c: &regex::Captures| match c.get(1) {
                Some(name) => format!(r#"<{} sc:order="any""#, name.as_str()),
                None => c[0].to_string(),
            })
            .replacen(r#"xmlns="urn:test""#, r#"xmlns="urn:test" xmlns:sc="urn:sessionconf:golden""#, 1)
            // Placeholders, so that siblings are told apart by the fields left literal.
            .replace("ae0dab67-06f0-40e8-8331-047734fc3484", "{{uuid}}");
        fn shuffle(t: &Tree, by: usize) -> Tree {
            let mut t = t.clone();
            t.children = t.children.iter().map(|c| shuffle(c, by + 1)).collect();
            t.children.reverse();
            if !t.children.is_empty() {
                let n = by % t.children.len();
                t.children.rotate_left(n);
            }
            t
        }
        let actual = text(&shuffle(&t, rotate), Some("p"), true, rotate);
        prop_assert_eq!(matches(&marked, &actual, &Bindings::default()), Ok(()));
    }

    #[test]
    fn a_golden_printed_by_reference_reads_as_its_copy(t in tree(), prefix in prop::option::of("[a-z]{1,3}")) {
        let golden = text(&t, prefix.as_deref(), true, 3);
        let expected = ExpectedElement::compile(&golden).unwrap();
        for d in [GoldenMarkers::Keep, GoldenMarkers::Drop] {
            prop_assert_eq!(
                to_pretty_string(&Element::golden(&expected), d),
                to_pretty_string(&Element::from_expected(&expected), d)
            );
        }
    }

    #[test]
    fn the_comparator_never_panics(golden in "\\PC{0,80}", actual in "\\PC{0,80}", t in tree()) {
        let doc = text(&t, None, false, 0);
        for (g, a) in [(golden.as_str(), actual.as_str()), (golden.as_str(), doc.as_str()), (doc.as_str(), actual.as_str())] {
            if let (Ok(e), Ok(d)) = (ExpectedElement::compile(g), sessionconf::xml::parse(a)) {
                let _ = compare(&e, d.root_element(), &Bindings::default());
            }
        }
    }

    #[test]
    fn placeholders_never_panic(pattern in "[a-z{}0-9\u{e9}\u{4e2d}-]{0,20}", value in "\\PC{0,40}") {
        if let Ok(p) = sessionconf::placeholder::pattern::Pattern::parse(&pattern) {
            let _ = p.matches(&value, &mut Bindings::default());
        }
        let _ = sessionconf::placeholder::pattern::templatize(&value, &Bindings::default());
    }

    #[test]
    fn the_loader_never_panics(source in "\\PC{0,200}", yamlish in "(name: [a-z]{1,5}\n|steps:\n|  - name: s\n|    request: \\{ path: x \\}\n|    expect: \\{ status: [0-9]{1,4} \\}\n|    capture: \\{ v: \\{ select: '/[A-Z]' \\} \\}\n|finally: \\[\\]\n|  \\$\\{[a-z]{0,3}\n){0,8}") {
        let dir = std::env::temp_dir();
        for text in [source.as_str(), yamlish.as_str()] {
            let _ = sessionconf::scenario::load_scenario_source(&dir.join("p.yaml"), text, "test", &dir, false);
        }
    }
}
