//! A golden document compiled once: names resolved, placeholders parsed,
//! directives read, positions kept for error messages.

use super::directives::{self, Directives};
use super::siblings::{expected_signature, SiblingPlan};
use super::tree::{Attribute, Node};
use super::{Positions, QName};
use crate::placeholder::pattern::Pattern;

/// An attribute of a compiled golden.
#[derive(Debug, Clone)]
pub struct ExpectedAttr {
    /// Its name.
    pub name: QName,
    /// Its value, placeholders and all.
    pub value: Pattern,
    /// Where it is in the golden (line).
    pub line: u32,
    /// Where it is in the golden (column).
    pub col: u32,
}

/// An element of a compiled golden.
#[derive(Debug, Clone)]
pub struct ExpectedElement {
    /// Its name.
    pub name: QName,
    /// Its attributes, directives left out.
    pub attrs: Vec<ExpectedAttr>,
    /// Its text, when it has any.
    pub text: Option<Pattern>,
    /// Its child elements.
    pub children: Vec<ExpectedElement>,
    /// What it leaves open (`sc:order`, `sc:extra`, `sc:name`).
    pub directives: Directives,
    /// Where it is in the golden (line).
    pub line: u32,
    /// Where it is in the golden (column).
    pub col: u32,
    /// For an element whose attributes are all literal, with no extra attributes
    /// allowed: a hash of its name and attributes, independent of their order, that
    /// a matching actual element has too (unordered matching buckets siblings by it).
    pub signature: Option<u64>,
    /// For an element whose children may come in any order: how to tell them apart.
    pub plan: Option<SiblingPlan>,
}

/// A golden that is not well-formed or says something the comparator cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct GoldenSyntaxError {
    /// The line of the mistake.
    pub line: u32,
    /// Its column.
    pub col: u32,
    /// What is wrong.
    pub message: String,
}

impl ExpectedElement {
    /// Compiles a golden's text: well-formed XML, valid directives and placeholders.
    pub fn compile(text: &str) -> Result<ExpectedElement, GoldenSyntaxError> {
        ExpectedElement::compile_as(text, super::tree::Encoding::Utf8)
    }

    /// Compiles a golden decoded from `encoding`.
    pub fn compile_as(
        text: &str,
        encoding: super::tree::Encoding,
    ) -> Result<ExpectedElement, GoldenSyntaxError> {
        // Held to the rules responses are held to first: Namespaces in XML, the
        // declaration, and no entity a DTD declares, so a golden can neither be
        // looser than the responses it judges nor expand a few kilobytes of
        // entities into gigabytes (roxmltree would expand them).
        let doc = super::tree::parse_as(text, encoding).map_err(|e| GoldenSyntaxError {
            line: e.line,
            col: e.col,
            message: format!("not well-formed XML: {}", e.message),
        })?;
        let mut golden = Source {
            text,
            positions: Positions::new(text),
        };
        compile_element(&mut golden, doc.root_element(), 0)
    }

    /// Whether `{{origin}}` appears anywhere in it.
    pub fn uses_origin(&self) -> bool {
        self.attrs.iter().any(|a| a.value.uses_origin())
            || self.text.as_ref().is_some_and(Pattern::uses_origin)
            || self.children.iter().any(ExpectedElement::uses_origin)
    }

    /// Every `{{NAME}}` the golden refers to, with where it stands.
    pub fn variables(&self) -> Vec<(String, u32, u32)> {
        let mut out = Vec::new();
        self.collect_variables(&mut out);
        out
    }

    fn collect_variables(&self, out: &mut Vec<(String, u32, u32)>) {
        for attr in &self.attrs {
            out.extend(
                attr.value
                    .variables()
                    .map(|v| (v.to_string(), attr.line, attr.col)),
            );
        }
        if let Some(text) = &self.text {
            out.extend(
                text.variables()
                    .map(|v| (v.to_string(), self.line, self.col)),
            );
        }
        for child in &self.children {
            child.collect_variables(out);
        }
    }
}

/// The golden's text, for positions: every name the tree gives is a slice of it.
struct Source<'t> {
    text: &'t str,
    positions: Positions<'t>,
}

impl Source<'_> {
    /// Where `piece` starts in the text, if it is a slice of it.
    fn offset_of(&self, piece: &str) -> Option<usize> {
        let at = (piece.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize)?;
        (at + piece.len() <= self.text.len()).then_some(at)
    }

    /// The prefix written before the local name at `offset` (`sc` of `sc:order`)
    /// and where the qualified name starts.
    fn prefix_before(&self, offset: usize) -> (usize, &str) {
        let before = &self.text[..offset];
        let Some(head) = before.strip_suffix(':') else {
            return (offset, "");
        };
        let start = head
            .rfind(['<', ' ', '\t', '\r', '\n'])
            .map_or(0, |i| i + 1);
        (start, &head[start..])
    }

    /// Line and column of the name `local` as written (its prefix included).
    fn name_at(&mut self, local: &str) -> (u32, u32) {
        let offset = self.offset_of(local).unwrap_or(0);
        let (start, _) = self.prefix_before(offset);
        self.positions.at(start)
    }
}

fn compile_element(
    golden: &mut Source,
    node: Node,
    depth: usize,
) -> Result<ExpectedElement, GoldenSyntaxError> {
    // The element's position is its `<`, just before its qualified name.
    let (line, col) = golden.name_at(node.local_name());
    let col = col.saturating_sub(1).max(1);
    // Responses are refused past this depth, so a golden this deep could never match.
    if depth >= super::tree::MAX_DEPTH {
        return Err(GoldenSyntaxError {
            line,
            col,
            message: format!("elements nested more than {} deep", super::tree::MAX_DEPTH),
        });
    }
    let (directives, attrs) = compile_attributes(golden, node, depth)?;
    let text = match node.text() {
        Some(text) => Some(Pattern::parse(text).map_err(|e| {
            // Exact when the text is written as it reads (a slice of the golden).
            let (line, col) = match golden.offset_of(text) {
                Some(at) => golden.positions.at(at + e.offset),
                None => (line, col),
            };
            GoldenSyntaxError {
                line,
                col,
                message: format!("text of <{}>: {e}", node.local_name()),
            }
        })?),
        None => None,
    };
    never_compared(text.as_ref(), node.local_name(), (line, col))?;
    let children = node
        .children()
        .map(|c| compile_element(golden, c, depth + 1))
        .collect::<Result<Vec<_>, _>>()?;
    let mut element = ExpectedElement {
        name: QName::new(node.namespace(), node.local_name()),
        attrs,
        text,
        children,
        directives,
        line,
        col,
        signature: None,
        plan: None,
    };
    let exact = !element.directives.extra_attributes
        && element.attrs.iter().all(|a| a.value.as_literal().is_some());
    if exact {
        element.signature = Some(expected_signature(&element));
    }
    if element.directives.any_order {
        element.plan = Some(SiblingPlan::new(&element.children));
    }
    Ok(element)
}

/// An element's directives and its other attributes as patterns, each error
/// at the attribute's own position.
fn compile_attributes(
    golden: &mut Source,
    node: Node,
    depth: usize,
) -> Result<(Directives, Vec<ExpectedAttr>), GoldenSyntaxError> {
    let mut directives = Directives::default();
    let mut attrs = Vec::new();
    for attr in node.attributes() {
        let (aline, acol) = golden.name_at(attr.name());
        let error = |message: String| GoldenSyntaxError {
            line: aline,
            col: acol,
            message,
        };
        if let Some(why) = mistyped_directive(golden, &attr) {
            return Err(error(why));
        }
        if attr.namespace() == Some(directives::NAMESPACE) {
            directives.apply(attr.name(), attr.value()).map_err(error)?;
            // Only the root can leave its name open: siblings are told apart by name.
            if directives.any_name && depth > 0 {
                return Err(error(
                    "sc:name=\"any\" is allowed on the root element only".into(),
                ));
            }
            continue;
        }
        let value = Pattern::parse(attr.value())
            .map_err(|e| error(format!("attribute {}: {e}", attr.name())))?;
        attrs.push(ExpectedAttr {
            name: QName::new(attr.namespace(), attr.name()),
            value,
            line: aline,
            col: acol,
        });
    }
    Ok((directives, attrs))
}

/// An attribute that looks meant as a directive but is not in its namespace:
/// prefix `sc` bound elsewhere, or a namespace a typo away from ours. Read as
/// an ordinary attribute it would silently pin what `sc:order` meant to free.
fn mistyped_directive(golden: &Source, attr: &Attribute) -> Option<String> {
    let ns = attr.namespace()?;
    if ns == directives::NAMESPACE {
        return None;
    }
    let offset = golden.offset_of(attr.name()).unwrap_or(0);
    let (_, prefix) = golden.prefix_before(offset);
    let near = crate::suggest::closest(ns, [directives::NAMESPACE]).is_some();
    (prefix == directives::PREFIX || near).then(|| {
        format!(
            "attribute {prefix}:{} is in namespace `{ns}`, not `{}`: golden directives are read only from that one (a typo?)",
            attr.name(),
            directives::NAMESPACE
        )
    })
}

/// Whitespace-only text is not compared on either side (it is indentation
/// between elements), so `{{''}}` or `{{' '}}` could never match anything:
/// refused here rather than failing against every response.
fn never_compared(
    text: Option<&Pattern>,
    name: &str,
    (line, col): (u32, u32),
) -> Result<(), GoldenSyntaxError> {
    match text.and_then(Pattern::as_literal) {
        Some(only) if super::tree::is_xml_whitespace(only) => Err(GoldenSyntaxError {
            line,
            col,
            message: format!(
                "text of <{name}> is whitespace only (`{{{{''}}}}` or `{{{{' '}}}}`), which is never compared: write <{name}/> for an element without text"
            ),
        }),
        _ => Ok(()),
    }
}
