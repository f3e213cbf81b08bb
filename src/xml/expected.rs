//! A golden document compiled once: names resolved, placeholders parsed,
//! directives read, positions kept for error messages.

use super::directives::{self, Directives};
use super::siblings::{expected_signature, SiblingPlan};
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
        super::tree::parse_as(text, encoding).map_err(|e| GoldenSyntaxError {
            line: e.line,
            col: e.col,
            message: format!("not well-formed XML: {}", e.message),
        })?;
        let options = roxmltree::ParsingOptions {
            // Goldens have no DTD, but one copied from a response might; entities are
            // still never expanded beyond roxmltree's own limits.
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
            let pos = e.pos();
            GoldenSyntaxError {
                line: pos.row,
                col: pos.col,
                message: format!("not well-formed XML: {e}"),
            }
        })?;
        compile_element(&mut Positions::new(text), doc.root_element(), 0)
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

fn compile_element(
    positions: &mut Positions,
    node: roxmltree::Node,
    depth: usize,
) -> Result<ExpectedElement, GoldenSyntaxError> {
    let (line, col) = positions.at(node.range().start);
    // Responses are refused past this depth, so a golden this deep could never match.
    if depth >= super::tree::MAX_DEPTH {
        return Err(GoldenSyntaxError {
            line,
            col,
            message: format!("elements nested more than {} deep", super::tree::MAX_DEPTH),
        });
    }
    let (directives, attrs) = compile_attributes(positions, node, depth)?;
    let text = match element_text(node).as_deref() {
        Some(text) => Some(Pattern::parse(text).map_err(|e| {
            let (line, col) = text_position(positions, node, e.offset);
            GoldenSyntaxError {
                line,
                col,
                message: format!("text of <{}>: {e}", node.tag_name().name()),
            }
        })?),
        None => None,
    };
    never_compared(text.as_ref(), node.tag_name().name(), (line, col))?;
    let children = node
        .children()
        .filter(|c| c.is_element())
        .map(|c| compile_element(positions, c, depth + 1))
        .collect::<Result<Vec<_>, _>>()?;
    let mut element = ExpectedElement {
        name: QName::new(node.tag_name().namespace(), node.tag_name().name()),
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
    positions: &mut Positions,
    node: roxmltree::Node,
    depth: usize,
) -> Result<(Directives, Vec<ExpectedAttr>), GoldenSyntaxError> {
    let mut directives = Directives::default();
    let mut attrs = Vec::new();
    for attr in node.attributes() {
        let (aline, acol) = positions.at(attr.range().start);
        let error = |message: String| GoldenSyntaxError {
            line: aline,
            col: acol,
            message,
        };
        if let Some(why) = mistyped_directive(node, &attr) {
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
fn mistyped_directive(node: roxmltree::Node, attr: &roxmltree::Attribute) -> Option<String> {
    let ns = attr.namespace()?;
    if ns == directives::NAMESPACE {
        return None;
    }
    let prefix = node.lookup_prefix(ns).unwrap_or_default();
    let near = crate::suggest::closest(ns, [directives::NAMESPACE]).is_some();
    (prefix == directives::PREFIX || near).then(|| {
        format!(
            "attribute {prefix}:{} is in namespace `{ns}`, not `{}`: golden directives are read only from that one (a typo?)",
            attr.name(),
            directives::NAMESPACE
        )
    })
}

/// Where the mistake at `offset` of an element's text is: exact when the text
/// is one node written without references, else where its first text starts.
fn text_position(positions: &mut Positions, node: roxmltree::Node, offset: usize) -> (u32, u32) {
    let mut texts = node
        .children()
        .filter(|c| c.is_text() && c.text().is_some_and(|t| !super::tree::is_xml_whitespace(t)));
    let Some(first) = texts.next() else {
        return positions.at(node.range().start);
    };
    let range = first.range();
    let written = positions.text.get(range.clone());
    let exact = texts.next().is_none() && written == first.text();
    positions.at(range.start + if exact { offset } else { 0 })
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

/// An element's text children joined, or `None` when that is only whitespace:
/// what the comparator reads as an element's text on the actual side too.
fn element_text<'a>(node: roxmltree::Node<'a, '_>) -> Option<std::borrow::Cow<'a, str>> {
    let mixed = node.children().any(|c| c.is_element())
        && node.children().any(|c| {
            c.text()
                .is_some_and(|t| c.is_text() && !super::tree::is_xml_whitespace(t))
        });
    if mixed {
        // Text in its places among the children, as responses are read.
        let mut joined = String::new();
        for child in node.children() {
            if child.is_element() {
                joined.push(super::tree::CHILD);
            } else if let Some(t) = child.text().filter(|_| child.is_text()) {
                joined.push_str(t);
            }
        }
        return super::tree::mixed_text(&joined).map(std::borrow::Cow::Owned);
    }
    let mut texts = node
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text());
    let first = texts.next()?;
    let text = match texts.next() {
        None => std::borrow::Cow::Borrowed(first),
        Some(second) => {
            let mut joined = String::from(first);
            joined.push_str(second);
            texts.for_each(|t| joined.push_str(t));
            std::borrow::Cow::Owned(joined)
        }
    };
    if super::tree::is_xml_whitespace(&text) {
        None
    } else {
        Some(text)
    }
}
