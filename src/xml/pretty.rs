//! Canonical, pretty-printed XML: two-space indentation, the root's namespace as
//! the default one, other namespaces with generated prefixes declared on the root.

use std::collections::BTreeMap;

use indexmap::IndexSet;

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::canonical::Element;
use super::directives;
use super::tree::CHILD;

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Whether the golden directives (`sc:order`, `sc:extra`, `sc:name`) are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoldenMarkers {
    /// Written, for a golden (bless).
    Keep,
    /// Left out, for a diff.
    Drop,
}

/// Canonical pretty XML of `root`: two-space indentation, namespaces declared on the root.
pub fn to_pretty_string(root: &Element, markers: GoldenMarkers) -> String {
    to_pretty_string_sized(root, markers, 0)
}

/// [`to_pretty_string`] into a buffer of `capacity` bytes to start with: a
/// large document grown by doubling would hold up to twice its size.
pub fn to_pretty_string_sized(root: &Element, markers: GoldenMarkers, capacity: usize) -> String {
    // The root's name decides the default namespace: it must be at hand.
    let shallow;
    let root = match root.golden {
        Some(golden) => {
            shallow = Element::shallow(golden);
            &shallow
        }
        None => root,
    };
    let prefixes = assign_prefixes(root, markers);
    let mut writer = Writer::new_with_indent(Vec::with_capacity(capacity), b' ', 2);
    write_element(&mut writer, root, &prefixes, root.name.ns(), true, markers);
    let mut out = String::from_utf8(writer.into_inner()).expect("writer emits UTF-8");
    out.push('\n');
    out
}

/// Prefix for every namespace other than the root's default; attributes in a
/// namespace always need one, even in the default namespace.
fn assign_prefixes(root: &Element, markers: GoldenMarkers) -> BTreeMap<String, String> {
    let mut prefixes = BTreeMap::new();
    let mut next = 1;
    let mut need = |ns: &str, prefixes: &mut BTreeMap<String, String>| {
        if ns == XML_NAMESPACE || prefixes.contains_key(ns) {
            return;
        }
        let prefix = if ns == directives::NAMESPACE {
            directives::PREFIX.to_string()
        } else {
            let p = format!("ns{next}");
            next += 1;
            p
        };
        prefixes.insert(ns.to_string(), prefix);
    };
    let mut order = IndexSet::new();
    collect_namespaces(root, root.name.ns(), &mut order, markers);
    for ns in order {
        need(&ns, &mut prefixes);
    }
    prefixes
}

/// Every namespace the document uses besides `default`, in the order first
/// used: a set, since a hostile response can use a namespace per element.
fn collect_namespaces(
    element: &Element,
    default: Option<&str>,
    out: &mut IndexSet<String>,
    markers: GoldenMarkers,
) {
    if let Some(golden) = element.golden {
        let copied = Element::shallow(golden);
        return collect_namespaces(&copied, default, out, markers);
    }
    let mut note = |ns: &str| {
        if !out.contains(ns) {
            out.insert(ns.to_string());
        }
    };
    if let Some(ns) = element.name.ns().filter(|ns| Some(*ns) != default) {
        note(ns);
    }
    for ns in element.attrs.iter().filter_map(|(name, _)| name.ns()) {
        note(ns);
    }
    if markers == GoldenMarkers::Keep && !element.directives.is_empty() {
        note(directives::NAMESPACE);
    }
    for child in &element.children {
        collect_namespaces(child, default, out, markers);
    }
}

fn qualified(ns: Option<&str>, local: &str, prefixes: &BTreeMap<String, String>) -> String {
    match ns {
        Some(XML_NAMESPACE) => format!("xml:{local}"),
        Some(ns) => match prefixes.get(ns) {
            Some(p) => format!("{p}:{local}"),
            None => local.to_string(),
        },
        None => local.to_string(),
    }
}

fn write_element(
    writer: &mut Writer<Vec<u8>>,
    element: &Element,
    prefixes: &BTreeMap<String, String>,
    default: Option<&str>,
    is_root: bool,
    markers: GoldenMarkers,
) {
    if let Some(golden) = element.golden {
        // Copied one level at a time, while it is written.
        let copied = Element::shallow(golden);
        return write_element(writer, &copied, prefixes, default, is_root, markers);
    }
    let ns = element.name.ns();
    let name = if ns == default {
        element.name.local().to_string()
    } else {
        qualified(ns, element.name.local(), prefixes)
    };
    let mut start = BytesStart::new(name.as_str());
    if is_root {
        if let Some(d) = default {
            start.push_attribute(("xmlns", d));
        }
        for (uri, prefix) in prefixes {
            start.push_attribute((format!("xmlns:{prefix}").as_str(), uri.as_str()));
        }
    }
    // An element outside any namespace under a default namespace must undeclare it.
    let mut child_default = default;
    if ns.is_none() && default.is_some() {
        start.push_attribute(("xmlns", ""));
        child_default = None;
    }
    if markers == GoldenMarkers::Keep {
        for (local, value) in element.directives.attributes() {
            let key = format!("{}:{local}", directives::PREFIX);
            start.push_attribute((key.as_str(), value.as_str()));
        }
    }
    for (attr, value) in &element.attrs {
        let key = qualified(attr.ns(), attr.local(), prefixes);
        start.push_attribute((key.as_str(), value.as_str()));
    }
    let io = "writing to a Vec cannot fail";
    if element.text.is_none() && element.children.is_empty() {
        writer.write_event(Event::Empty(start)).expect(io);
        return;
    }
    writer.write_event(Event::Start(start)).expect(io);
    // Mixed content: each text segment before the child it precedes. The
    // indentation the writer adds between them is whitespace-only text, which
    // reading drops, so the positions survive pretty printing.
    let mut segments = element.text.as_deref().map(|t| t.split(CHILD));
    let mut segment = |writer: &mut Writer<Vec<u8>>| {
        if let Some(text) = segments.as_mut().and_then(Iterator::next) {
            if !text.is_empty() {
                writer
                    .write_event(Event::Text(BytesText::new(text)))
                    .expect(io);
            }
        }
    };
    segment(writer);
    for child in &element.children {
        write_element(writer, child, prefixes, child_default, false, markers);
        segment(writer);
    }
    writer
        .write_event(Event::End(BytesEnd::new(name.as_str())))
        .expect(io);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(text: &str) -> String {
        let doc = crate::xml::parse(text).unwrap();
        to_pretty_string(&Element::from_node(doc.root_element()), GoldenMarkers::Keep)
    }

    #[test]
    fn prefixes_and_attribute_order_are_canonical() {
        let a = pretty(r#"<v:A xmlns:v="urn:x" b="2" a="1"><v:B>t</v:B></v:A>"#);
        let b = pretty("<A xmlns=\"urn:x\" a=\"1\"   b=\"2\">\n  <B>t</B>\n</A>");
        assert_eq!(a, b);
        assert_eq!(a, "<A xmlns=\"urn:x\" a=\"1\" b=\"2\">\n  <B>t</B>\n</A>\n");
    }

    #[test]
    fn unqualified_child_under_default_namespace_is_undeclared() {
        let out = pretty(r#"<A xmlns="urn:x"><B xmlns=""/></A>"#);
        assert_eq!(out, "<A xmlns=\"urn:x\">\n  <B xmlns=\"\"/>\n</A>\n");
        let again = pretty(&out);
        assert_eq!(again, out);
    }

    #[test]
    fn other_namespaces_get_prefixes_declared_on_the_root_in_order_of_use() {
        let out = pretty(
            r#"<A xmlns="urn:x" xmlns:q="urn:q" xmlns:p="urn:p"><p:B q:a="1" p:b="2"/><q:C/><B/></A>"#,
        );
        assert_eq!(
            out,
            "<A xmlns=\"urn:x\" xmlns:ns1=\"urn:p\" xmlns:ns2=\"urn:q\">\n  <ns1:B ns1:b=\"2\" ns2:a=\"1\"/>\n  <ns2:C/>\n  <B/>\n</A>\n"
        );
        assert_eq!(pretty(&out), out);
    }

    #[test]
    fn golden_markers_are_declared_only_when_kept() {
        let golden = crate::xml::expected::ExpectedElement::compile(
            r#"<A xmlns:sc="urn:sessionconf:golden" sc:order="any"><B/></A>"#,
        )
        .unwrap();
        let element = Element::from_expected(&golden);
        assert_eq!(
            to_pretty_string(&element, GoldenMarkers::Keep),
            "<A xmlns:sc=\"urn:sessionconf:golden\" sc:order=\"any\">\n  <B/>\n</A>\n"
        );
        assert_eq!(
            to_pretty_string(&element, GoldenMarkers::Drop),
            "<A>\n  <B/>\n</A>\n"
        );
    }

    #[test]
    fn text_is_escaped() {
        let out = pretty(r#"<A x="&quot;&lt;">a &amp; b</A>"#);
        let doc = crate::xml::parse(&out).unwrap();
        assert_eq!(doc.root_element().text(), Some("a & b"));
        assert_eq!(doc.root_element().attribute("x"), Some("\"<"));
    }
}
