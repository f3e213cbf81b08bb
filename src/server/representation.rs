//! Resource representations the reference server sends, written as XML in a
//! configurable style (so the suite can be shown to pass whatever the server's
//! prefixes, attribute order or indentation).

use std::fmt::Write;

#[derive(Debug, Clone, Default)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: Option<String>,
    pub children: Vec<Node>,
}

impl Node {
    pub fn new(name: &str) -> Node {
        Node {
            name: name.to_string(),
            ..Node::default()
        }
    }

    pub fn attr(mut self, name: &str, value: impl Into<String>) -> Node {
        self.attrs.push((name.to_string(), value.into()));
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Node {
        self.text = Some(text.into());
        self
    }

    pub fn child(mut self, child: Node) -> Node {
        self.children.push(child);
        self
    }

    pub fn children(mut self, children: impl IntoIterator<Item = Node>) -> Node {
        self.children.extend(children);
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How representations are written; every style means the same document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Style {
    /// Write elements with this prefix instead of a default namespace.
    pub prefix: Option<String>,
    /// Indent with two spaces and put each element on its own line.
    pub indent: bool,
    /// Write attributes in the other order than the version's own (9.5
    /// Enterprise Manager writes Rel first, newer versions Href first).
    pub reverse_attributes: bool,
    /// Declare the xsd and xsi namespaces on the root, as newer servers do.
    pub schema_namespaces: bool,
    /// Write an XML declaration.
    pub declaration: bool,
    /// Add the links a newer server version has, and one no documented version
    /// lists (content a suite must tolerate).
    pub extra_links: bool,
    /// List links in reverse order (no document fixes their order).
    pub reverse_links: bool,
    /// List sessions in reverse order (no document fixes their order).
    pub reverse_lists: bool,
    /// Indent JSON.
    pub json_indent: bool,
    /// Write JSON object members in reverse order (JSON objects are unordered).
    pub json_reverse_members: bool,
}

/// A JSON value as text, in `style`.
pub fn json_text(value: &serde_json::Value, style: &Style) -> String {
    fn reversed(value: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .rev()
                    .map(|(k, v)| (k.clone(), reversed(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    let value = if style.json_reverse_members {
        std::borrow::Cow::Owned(reversed(value))
    } else {
        std::borrow::Cow::Borrowed(value)
    };
    if style.json_indent {
        serde_json::to_string_pretty(&*value).expect("JSON serializes")
    } else {
        value.to_string()
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes `root` in `namespace` (none when empty).
pub fn to_xml(root: &Node, namespace: &str, style: &Style) -> String {
    let mut out = String::new();
    if style.declaration {
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        if style.indent {
            out.push('\n');
        }
    }
    write_node(&mut out, root, namespace, style, 0, true);
    if style.indent {
        out.push('\n');
    }
    out
}

fn write_node(
    out: &mut String,
    node: &Node,
    namespace: &str,
    style: &Style,
    depth: usize,
    root: bool,
) {
    let name = match &style.prefix {
        Some(p) if !namespace.is_empty() => format!("{p}:{}", node.name),
        _ => node.name.clone(),
    };
    if style.indent && !root {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    }
    let _ = write!(out, "<{name}");
    if root && !namespace.is_empty() {
        match &style.prefix {
            Some(p) => {
                let _ = write!(out, " xmlns:{p}=\"{}\"", escape(namespace));
            }
            None => {
                let _ = write!(out, " xmlns=\"{}\"", escape(namespace));
            }
        }
        if style.schema_namespaces {
            out.push_str(" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"");
        }
    }
    let attrs: Vec<&(String, String)> = if style.reverse_attributes {
        node.attrs.iter().rev().collect()
    } else {
        node.attrs.iter().collect()
    };
    for (k, v) in attrs {
        let _ = write!(out, " {k}=\"{}\"", escape(v));
    }
    if node.children.is_empty() && node.text.is_none() {
        out.push_str(" />");
        return;
    }
    out.push('>');
    if let Some(text) = &node.text {
        out.push_str(&escape(text));
    }
    for child in &node.children {
        write_node(out, child, namespace, style, depth + 1, false);
    }
    if style.indent && !node.children.is_empty() {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    }
    let _ = write!(out, "</{name}>");
}
