//! The golden's compiler: its XML read as responses are read, its `sc:`
//! directives and placeholders checked, names and values kept once, and each
//! unordered element's sibling plan worked out.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::directives::{self, Directives};
use super::expected::{ExpectedAttr, ExpectedElement, GoldenSyntaxError, Variable};
use super::plan::SiblingPlan;
use super::siblings::expected_signature;
use super::tree::{Attribute, Node};
use super::{Positions, QName};
use crate::placeholder::pattern::{Pattern, PatternError};

impl ExpectedElement {
    /// Compiles a golden's text: well-formed XML, valid directives and placeholders.
    pub fn compile(text: &str) -> Result<ExpectedElement, GoldenSyntaxError> {
        ExpectedElement::compile_as(text, super::tree::Encoding::Utf8).map(|(e, _)| e)
    }

    /// Compiles a golden decoded from `encoding`, with the variables it names.
    pub fn compile_as(
        text: &str,
        encoding: super::tree::Encoding,
    ) -> Result<(ExpectedElement, Vec<Variable>), GoldenSyntaxError> {
        // Held to the rules responses are held to first: Namespaces in XML, the
        // declaration, and no entity a DTD declares, so a golden can neither be
        // looser than the responses it judges nor expand a few kilobytes of
        // entities into gigabytes (roxmltree would expand them).
        let doc = super::tree::parse_as(text, encoding).map_err(|e| GoldenSyntaxError {
            line: e.line,
            col: e.col,
            message: format!("not well-formed XML: {}", e.message),
        })?;
        let mut golden = Source::new(text);
        let root = compile_element(&mut golden, doc.root_element(), 0)?;
        Ok((root, golden.variables))
    }
}

/// The golden's text, for positions (every name the tree gives is a slice of
/// it), and what compiling has made so far: each name and value is kept once.
struct Source<'t, 'd> {
    text: &'t str,
    positions: Positions<'t>,
    names: HashMap<(Option<&'d str>, &'d str), QName>,
    values: HashMap<&'d str, Pattern>,
    plans: HashSet<Arc<SiblingPlan>>,
    variables: Vec<Variable>,
}

impl<'t, 'd> Source<'t, 'd> {
    fn new(text: &'t str) -> Source<'t, 'd> {
        Source {
            text,
            positions: Positions::new(text),
            names: HashMap::new(),
            values: HashMap::new(),
            plans: HashSet::new(),
            variables: Vec::new(),
        }
    }

    fn name(&mut self, ns: Option<&'d str>, local: &'d str) -> QName {
        self.names
            .entry((ns, local))
            .or_insert_with(|| QName::new(ns, local))
            .clone()
    }

    fn plan(&mut self, plan: SiblingPlan) -> Arc<SiblingPlan> {
        if let Some(kept) = self.plans.get(&plan) {
            return kept.clone();
        }
        let plan = Arc::new(plan);
        self.plans.insert(plan.clone());
        plan
    }

    /// `raw` as a pattern, its variables noted at `at`.
    fn value(&mut self, raw: &'d str, at: (u32, u32)) -> Result<Pattern, PatternError> {
        let pattern = match self.values.get(raw) {
            Some(p) => p.clone(),
            None => {
                let p = Pattern::parse(raw)?;
                self.values.insert(raw, p.clone());
                p
            }
        };
        let (line, col) = at;
        self.variables
            .extend(pattern.variables().map(|v| (v.to_string(), line, col)));
        Ok(pattern)
    }

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
        // Names are always slices of the text; were one not, the position
        // reached so far is near it (and going back would rescan the text).
        let Some(offset) = self.offset_of(local) else {
            return self.positions.here();
        };
        let (start, _) = self.prefix_before(offset);
        self.positions.at(start)
    }
}

fn compile_element<'d>(
    golden: &mut Source<'_, 'd>,
    node: Node<'d, '_>,
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
        Some(text) => Some(golden.value(text, (line, col)).map_err(|e| {
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
        name: golden.name(node.namespace(), node.local_name()),
        attrs,
        text,
        children,
        directives,
        signature: None,
        plan: None,
    };
    let exact = !element.directives.extra_attributes
        && element.attrs.iter().all(|a| a.value.as_literal().is_some());
    if exact {
        element.signature = Some(expected_signature(&element));
    }
    if element.directives.any_order {
        element.plan = Some(golden.plan(SiblingPlan::new(&element.children)));
    }
    Ok(element)
}

/// An element's directives and its other attributes as patterns, each error
/// at the attribute's own position.
fn compile_attributes<'d>(
    golden: &mut Source<'_, 'd>,
    node: Node<'d, '_>,
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
        let value = golden
            .value(attr.value(), (aline, acol))
            .map_err(|e| error(format!("attribute {}: {e}", attr.name())))?;
        attrs.push(ExpectedAttr {
            name: golden.name(attr.namespace(), attr.name()),
            value,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_values_and_plans_written_many_times_are_kept_once() {
        let links = r#"<Links sc:order="any"><Link Rel="a" Href="{{origin}}/x"/><Link Rel="b" Href="{{origin}}/y"/></Links>"#;
        let golden =
            format!(r#"<S xmlns:sc="urn:sessionconf:golden"><L>{links}</L><L>{links}</L></S>"#);
        let root = ExpectedElement::compile(&golden).unwrap();
        let (one, two) = (&root.children[0].children[0], &root.children[1].children[0]);
        let same = |a: &str, b: &str| std::ptr::eq(a.as_ptr(), b.as_ptr());
        assert!(Arc::ptr_eq(
            one.plan.as_ref().unwrap(),
            two.plan.as_ref().unwrap()
        ));
        let (a, b) = (&one.children[0], &two.children[0]);
        assert!(same(a.name.local(), b.name.local()));
        assert!(same(a.attrs[0].name.local(), b.attrs[0].name.local()));
        assert!(same(a.attrs[1].value.raw(), b.attrs[1].value.raw()));
        // Different values are different patterns.
        assert!(!same(
            a.attrs[0].value.raw(),
            one.children[1].attrs[0].value.raw()
        ));
        assert_eq!(one.children[1].attrs[0].value.raw(), "b");
    }

    #[test]
    fn a_name_that_is_not_a_slice_of_the_golden_is_placed_where_reading_is() {
        let text = "<a>\n  <b x='1'/></a>";
        let mut golden = Source::new(text);
        assert_eq!(golden.name_at(&text[9..10]), (2, 6));
        let elsewhere = String::from("x");
        assert_eq!(golden.name_at(&elsewhere), (2, 6));
        assert_eq!(golden.name_at(&text[1..2]), (1, 2));
    }

    #[test]
    fn variables_are_named_where_they_stand() {
        let text =
            "<a x=\"{{v}}\">\n <b>{{w}} and {{v}}</b>\n <p:c xmlns:p=\"urn:p\" p:y=\"{{u}}\"/></a>";
        let (_, variables) =
            ExpectedElement::compile_as(text, super::super::Encoding::Utf8).unwrap();
        let at = |name: &str, line, col| (name.to_string(), line, col);
        assert_eq!(
            variables,
            [at("v", 1, 4), at("w", 2, 2), at("v", 2, 2), at("u", 3, 23)]
        );
    }
}
