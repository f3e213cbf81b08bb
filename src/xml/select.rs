//! A small XPath-like selector language over the parsed tree, namespace-insensitive
//! (names match local names; prefixes are ignored):
//!
//! - `/A/B` children, `//B` descendants at any depth, `*` any element
//! - predicates: `[2]` position among the matches under one parent,
//!   `[@Rel]`, `[@Rel='Delete']`, `[Name='x']` (a child's text),
//!   `[user/@userName='x']` (a child's attribute)
//! - a last step `@Href` selects an attribute, `text()` an element's text

use std::fmt;

use super::tree::{Document, Node, CHILD};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    source: String,
    steps: Vec<Step>,
    target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Axis {
    Child,
    Descendant,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    axis: Axis,
    name: Option<String>,
    predicates: Vec<Predicate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Predicate {
    Position(usize),
    HasAttr(String),
    AttrEquals(String, String),
    ChildEquals(String, String),
    ChildAttrEquals(String, String, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Elements,
    Attribute(String),
    Text,
}

/// A selector that could not be read; `offset` is a byte offset into it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("selector `{selector}`: {message} at offset {offset}")]
pub struct SelectorError {
    pub selector: String,
    pub offset: usize,
    pub message: String,
}

/// One selected item: an element, or the string value of an attribute or text.
#[derive(Debug, Clone)]
pub enum Selected<'a, 'i> {
    Element(Node<'a, 'i>),
    Value(String),
}

impl Selected<'_, '_> {
    /// The string value: an element's text content (its own text, then its
    /// descendants' in document order; indentation is not text), or the attribute
    /// or text itself.
    pub fn value(&self) -> String {
        match self {
            Selected::Element(node) => {
                let mut out = String::new();
                string_value(*node, &mut out);
                out
            }
            Selected::Value(v) => v.clone(),
        }
    }
}

/// XPath's string value of an element: all the text under it, in document
/// order (an element's own text segments stand between its children).
fn string_value(node: Node, out: &mut String) {
    let text = node.text_as_written().unwrap_or_default();
    let mut segments = text.split(CHILD);
    out.push_str(segments.next().unwrap_or_default());
    for child in node.children() {
        string_value(child, out);
        out.push_str(segments.next().unwrap_or_default());
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

struct Parser<'s> {
    source: &'s str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> SelectorError {
        SelectorError {
            selector: self.source.to_string(),
            offset: self.pos,
            message: message.into(),
        }
    }

    fn rest(&self) -> &str {
        &self.source[self.pos..]
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.rest().starts_with(' ') {
            self.pos += 1;
        }
    }

    fn name(&mut self) -> Result<String, SelectorError> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error("expected a name"));
        }
        let qualified = rest[..len].to_string();
        self.pos += len;
        // Prefixes are ignored: names match by local name.
        Ok(qualified
            .rsplit(':')
            .next()
            .unwrap_or(&qualified)
            .to_string())
    }

    fn literal(&mut self) -> Result<String, SelectorError> {
        let quote = match self.rest().chars().next() {
            Some(q @ ('\'' | '"')) => q,
            _ => return Err(self.error("expected a quoted value")),
        };
        self.pos += 1;
        let end = self
            .rest()
            .find(quote)
            .ok_or_else(|| self.error("unterminated quoted value"))?;
        let value = self.rest()[..end].to_string();
        self.pos += end + 1;
        Ok(value)
    }

    fn predicate(&mut self) -> Result<Predicate, SelectorError> {
        self.skip_spaces();
        let predicate = if self.eat("@") {
            let name = self.name()?;
            self.skip_spaces();
            if self.eat("=") {
                self.skip_spaces();
                Predicate::AttrEquals(name, self.literal()?)
            } else {
                Predicate::HasAttr(name)
            }
        } else if self.rest().starts_with(|c: char| c.is_ascii_digit()) {
            let len = self
                .rest()
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(self.rest().len());
            let n: usize = self.rest()[..len]
                .parse()
                .map_err(|_| self.error("position is too large"))?;
            if n == 0 {
                return Err(self.error("positions start at 1"));
            }
            self.pos += len;
            Predicate::Position(n)
        } else {
            let name = self.name()?;
            let attribute = if self.eat("/@") {
                Some(self.name()?)
            } else {
                None
            };
            self.skip_spaces();
            if !self.eat("=") {
                return Err(self.error("expected `=` after a child name in a predicate"));
            }
            self.skip_spaces();
            let value = self.literal()?;
            match attribute {
                Some(attribute) => Predicate::ChildAttrEquals(name, attribute, value),
                None => Predicate::ChildEquals(name, value),
            }
        };
        self.skip_spaces();
        if !self.eat("]") {
            return Err(self.error("expected `]`"));
        }
        Ok(predicate)
    }
}

impl Selector {
    pub fn parse(source: &str) -> Result<Selector, SelectorError> {
        let mut p = Parser {
            source: source.trim(),
            pos: 0,
        };
        let mut steps = Vec::new();
        let mut target = Target::Elements;
        if !p.rest().starts_with('/') {
            return Err(p.error("a selector starts with `/` or `//`"));
        }
        while !p.rest().is_empty() {
            let axis = if p.eat("//") {
                Axis::Descendant
            } else if p.eat("/") {
                Axis::Child
            } else {
                return Err(p.error("expected `/` or `//`"));
            };
            if p.eat("@") {
                if axis == Axis::Descendant {
                    // `//@x` is every such attribute under the current elements.
                    steps.push(Step {
                        axis: Axis::Descendant,
                        name: None,
                        predicates: Vec::new(),
                    });
                }
                target = Target::Attribute(p.name()?);
                break;
            }
            if p.eat("text()") {
                target = Target::Text;
                break;
            }
            let name = if p.eat("*") { None } else { Some(p.name()?) };
            let mut predicates = Vec::new();
            while p.eat("[") {
                predicates.push(p.predicate()?);
            }
            steps.push(Step {
                axis,
                name,
                predicates,
            });
        }
        if !p.rest().is_empty() {
            return Err(p.error("unexpected text after an attribute or text() step"));
        }
        if steps.is_empty() && target == Target::Elements {
            return Err(p.error("the selector selects nothing"));
        }
        Ok(Selector {
            source: source.trim().to_string(),
            steps,
            target,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn select<'a, 'i>(&self, doc: &'a Document<'i>) -> Vec<Selected<'a, 'i>> {
        // `None` is the document itself, whose only child is the root element.
        let mut context: Vec<Option<Node>> = vec![None];
        for step in &self.steps {
            let mut next: Vec<Node> = Vec::new();
            for node in &context {
                let parents: Vec<Option<Node>> = match (step.axis.clone(), node) {
                    (Axis::Child, _) => vec![*node],
                    (Axis::Descendant, None) => std::iter::once(None)
                        .chain(doc.descendants().map(Some))
                        .collect(),
                    (Axis::Descendant, Some(n)) => std::iter::once(Some(*n))
                        .chain(n.descendants().map(Some))
                        .collect(),
                };
                for parent in parents {
                    let children: Vec<Node> = match parent {
                        None => vec![doc.root_element()],
                        Some(p) => p.children().collect(),
                    };
                    let mut matched: Vec<Node> = children
                        .into_iter()
                        .filter(|c| step.name.as_deref().is_none_or(|n| c.local_name() == n))
                        .collect();
                    for predicate in &step.predicates {
                        matched = apply(predicate, matched);
                    }
                    next.extend(matched);
                }
            }
            // `//` from several contexts can reach a node twice.
            next.sort_by_key(|n| n.id());
            next.dedup_by_key(|n| n.id());
            context = next.into_iter().map(Some).collect();
        }
        let elements = context.into_iter().flatten();
        match &self.target {
            Target::Elements => elements.map(Selected::Element).collect(),
            Target::Attribute(name) => elements
                .filter_map(|n| {
                    n.attributes()
                        .find(|a| plain(a, name))
                        .map(|a| Selected::Value(a.value().to_string()))
                })
                .collect(),
            // Each text node its own value, as XPath's `text()` selects them.
            Target::Text => elements
                .flat_map(|n| n.text_as_written().unwrap_or_default().split(CHILD))
                .filter(|t| !t.is_empty())
                .map(|t| Selected::Value(t.to_string()))
                .collect(),
        }
    }
}

/// Whether `a` is the attribute `@name` selects: as in XPath, an unprefixed
/// name is an attribute in no namespace (`p:Rel` is another attribute).
fn plain(a: &crate::xml::tree::Attribute, name: &str) -> bool {
    a.name() == name && a.namespace().is_none()
}

fn apply<'a, 'i>(predicate: &Predicate, nodes: Vec<Node<'a, 'i>>) -> Vec<Node<'a, 'i>> {
    match predicate {
        Predicate::Position(n) => nodes.into_iter().nth(n - 1).into_iter().collect(),
        Predicate::HasAttr(name) => nodes
            .into_iter()
            .filter(|n| n.attributes().any(|a| plain(&a, name)))
            .collect(),
        Predicate::AttrEquals(name, value) => nodes
            .into_iter()
            .filter(|n| {
                n.attributes()
                    .any(|a| plain(&a, name) && a.value() == value)
            })
            .collect(),
        Predicate::ChildEquals(name, value) => nodes
            .into_iter()
            .filter(|n| {
                n.children()
                    .any(|c| c.local_name() == name && Selected::Element(c).value() == *value)
            })
            .collect(),
        Predicate::ChildAttrEquals(name, attribute, value) => nodes
            .into_iter()
            .filter(|n| {
                n.children().filter(|c| c.local_name() == name).any(|c| {
                    c.attributes()
                        .any(|a| plain(&a, attribute) && a.value() == value)
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<v:LogonSession xmlns:v="urn:v" Href="h"><v:Links>
        <v:Link Rel="Up" Href="u"/><v:Link Rel="Down" Href="d1"/><v:Link Rel="Down" Href="d2"/>
        <v:Link Rel="Delete" Href="x"/></v:Links><v:UserName>A\b</v:UserName></v:LogonSession>"#;

    #[test]
    fn an_unprefixed_attribute_name_selects_the_attribute_in_no_namespace() {
        let doc = r#"<L xmlns:p="urn:p"><Link p:Rel="Up" Rel="Delete" Href="d"/><Link p:Rel="Delete" Href="x"/></L>"#;
        let pick = |sel: &str| values_in(doc, sel);
        assert_eq!(pick("/L/Link/@Rel"), ["Delete"]);
        assert_eq!(pick("/L/Link[@Rel='Delete']/@Href"), ["d"]);
        assert_eq!(pick("/L/Link[@Rel]/@Href"), ["d"]);
    }

    #[test]
    fn mixed_content_values_and_text_nodes_are_in_document_order() {
        let doc = "<a>x<b>1</b>y<c/>z</a>";
        assert_eq!(values_in(doc, "/a"), ["x1yz"]);
        assert_eq!(values_in(doc, "/a/text()"), ["x", "y", "z"]);
        assert_eq!(values_in("<a><b>1</b>y</a>", "/a"), ["1y"]);
        assert_eq!(values_in("<a><b>1</b>y</a>", "/a/text()"), ["y"]);
    }

    #[test]
    fn whitespace_only_text_of_a_childless_element_is_selected_as_xpath_does() {
        assert_eq!(values_in("<a><b> </b></a>", "/a/b/text()"), [" "]);
        assert_eq!(values_in("<a><b>&#32;&#9;</b></a>", "/a/b/text()"), [" \t"]);
        assert_eq!(values_in("<a><b> </b></a>", "/a/b"), [" "]);
        assert_eq!(values_in("<a><b> </b></a>", "/a"), [" "]);
        // Indentation between child elements is not text.
        assert_eq!(
            values_in("<a>\n  <b/>\n</a>", "/a/text()"),
            Vec::<String>::new()
        );
        assert_eq!(
            values_in("<a><b></b></a>", "/a/b/text()"),
            Vec::<String>::new()
        );
        // Also when the indentation holds a reference.
        assert_eq!(
            values_in("<a><b/>&#32;\n</a>", "/a/text()"),
            Vec::<String>::new()
        );
    }

    fn values(sel: &str) -> Vec<String> {
        values_in(DOC, sel)
    }

    fn values_in(doc: &str, sel: &str) -> Vec<String> {
        let doc = crate::xml::parse(doc).unwrap();
        Selector::parse(sel)
            .unwrap()
            .select(&doc)
            .iter()
            .map(|s| s.value())
            .collect()
    }

    #[test]
    fn paths_predicates_and_targets() {
        assert_eq!(
            values("/LogonSession/Links/Link[@Rel='Delete']/@Href"),
            ["x"]
        );
        assert_eq!(values("//Link[@Rel='Down'][2]/@Href"), ["d2"]);
        assert_eq!(values("//Link/@Href").len(), 4);
        assert_eq!(values("/LogonSession/UserName"), ["A\\b"]);
        assert_eq!(values("/LogonSession/UserName/text()"), ["A\\b"]);
        assert_eq!(values("/LogonSession/@Href"), ["h"]);
        assert_eq!(values("/v:LogonSession/*/Link[1]/@Rel"), ["Up"]);
        assert_eq!(values("/LogonSession[UserName='A\\b']/@Href"), ["h"]);
        assert!(values("/Nope").is_empty());
        assert_eq!(values("//@Rel").len(), 4);
    }

    #[test]
    fn a_predicate_on_a_childs_attribute_picks_the_elements_whose_child_has_it() {
        let doc = r#"<L><sessions sessionId="1"><user userName="a"/></sessions>
            <sessions sessionId="2"><user userName="b"/><user userName="c"/></sessions>
            <sessions sessionId="3" userName="b"/><sessions sessionId="4"><other userName="b"/></sessions></L>"#;
        let pick = |sel: &str| values_in(doc, sel);
        assert_eq!(pick("//sessions[user/@userName='b']/@sessionId"), ["2"]);
        assert_eq!(pick("//sessions[user/@userName='c']/@sessionId"), ["2"]);
        assert_eq!(pick("//sessions[user/@userName = 'a']/@sessionId"), ["1"]);
        assert!(pick("//sessions[user/@userName='z']/@sessionId").is_empty());
        assert!(Selector::parse("//sessions[user/@userName]").is_err());
        assert!(Selector::parse("//sessions[user/@='b']").is_err());
    }

    #[test]
    fn bad_selectors_say_where() {
        for bad in [
            "Link",
            "/Link[",
            "/Link[@Rel=Delete]",
            "/Link[0]",
            "/@x/y",
            "/",
        ] {
            assert!(Selector::parse(bad).is_err(), "{bad} should not parse");
        }
        let err = Selector::parse("/A/B[@x='1'").unwrap_err();
        assert!(err.to_string().contains("expected `]`"), "{err}");
    }
}
