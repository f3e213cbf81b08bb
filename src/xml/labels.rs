//! How a difference's path names each step: `Link[@Rel='Delete']` by the first
//! attribute that tells the element apart from its same-named siblings, else
//! `Link[3]`, or just `Link` when it has none. A list of siblings is looked at
//! once, the first time a path through it is named, so a hundred differences
//! among 160,000 siblings cost one pass over them, not a hundred.

use super::expected::ExpectedElement;
use super::hash::{hash_of, FastMap};
use super::tree::Node;
use super::QName;

/// Where a difference is, named only when one is listed.
pub(super) enum Path<'p, 'a, 'i> {
    Root,
    Child(&'p Path<'p, 'a, 'i>, Label<'p, 'a, 'i>),
}

pub(super) enum Label<'p, 'a, 'i> {
    Top(&'p ExpectedElement),
    Expected(&'p [ExpectedElement], usize),
    Actual(&'p [Node<'a, 'i>], usize),
}

impl Path<'_, '_, '_> {
    pub(super) fn render(&self, labels: &mut Labels) -> String {
        match self {
            Path::Root => String::new(),
            Path::Child(parent, label) => {
                let head = parent.render(labels);
                format!("{head}/{}", label.render(labels))
            }
        }
    }

    pub(super) fn attribute(&self, labels: &mut Labels, name: &QName) -> String {
        format!("{}/@{}", self.render(labels), name.local())
    }

    pub(super) fn text(&self, labels: &mut Labels) -> String {
        format!("{}/text()", self.render(labels))
    }
}

/// The sibling lists looked at so far in one comparison. A golden's lists are
/// known by their address (the golden outlives the comparison); a response's
/// by their first element, whose id is unique in the document.
#[derive(Default)]
pub(super) struct Labels {
    lists: FastMap<(bool, usize, usize), Siblings>,
}

/// One sibling list, counted: how many siblings have each name and each
/// (name, attribute, value), and each sibling's position among those of its
/// name. Values are counted by hash: a collision can only make a value look
/// shared, and then the label is a position, which is still right.
struct Siblings {
    names: FastMap<QName, u32>,
    values: FastMap<u64, u32>,
    positions: Vec<u32>,
}

impl Siblings {
    fn count<'x, A>(siblings: impl Iterator<Item = (QName, A)>) -> Siblings
    where
        A: Iterator<Item = (&'x str, &'x str)>,
    {
        let mut counted = Siblings {
            names: FastMap::default(),
            values: FastMap::default(),
            positions: Vec::new(),
        };
        for (name, attrs) in siblings {
            for (attr, value) in attrs {
                *counted
                    .values
                    .entry(value_key(&name, attr, value))
                    .or_insert(0) += 1;
            }
            let seen = counted.names.entry(name).or_insert(0);
            *seen += 1;
            counted.positions.push(*seen);
        }
        counted
    }

    /// The label of the sibling at `index`, named `local`, with `attrs`.
    fn label<'x>(
        &self,
        index: usize,
        name: &QName,
        mut attrs: impl Iterator<Item = (&'x str, &'x str)>,
    ) -> String {
        let local = name.local();
        if self.names.get(name).copied().unwrap_or(0) <= 1 {
            return local.to_string();
        }
        let telling = attrs.find(|(attr, value)| {
            !value.contains('\'') && self.values.get(&value_key(name, attr, value)) == Some(&1)
        });
        match telling {
            Some((attr, value)) => format!("{local}[@{attr}='{value}']"),
            None => format!("{local}[{}]", self.positions[index]),
        }
    }
}

fn value_key(name: &QName, attr: &str, value: &str) -> u64 {
    hash_of(&[name.ns().unwrap_or(""), name.local(), attr, value])
}

/// A golden element's attributes that can tell it apart: the literal ones.
fn literal_attrs(e: &ExpectedElement) -> impl Iterator<Item = (&str, &str)> {
    e.attrs
        .iter()
        .filter_map(|a| Some((a.name.local(), a.value.as_literal()?)))
}

fn actual_attrs<'d>(n: &Node<'d, '_>) -> impl Iterator<Item = (&'d str, &'d str)> {
    n.attributes().map(|a| (a.name(), a.value()))
}

impl Label<'_, '_, '_> {
    fn render(&self, labels: &mut Labels) -> String {
        match self {
            Label::Top(e) => e.name.local().to_string(),
            Label::Expected(siblings, index) => {
                let key = (true, siblings.as_ptr() as usize, siblings.len());
                let counted = labels.lists.entry(key).or_insert_with(|| {
                    Siblings::count(siblings.iter().map(|e| (e.name.clone(), literal_attrs(e))))
                });
                let me = &siblings[*index];
                counted.label(*index, &me.name, literal_attrs(me))
            }
            Label::Actual(siblings, index) => {
                let first = siblings.first().map_or(0, |n| n.id() as usize);
                let counted = labels
                    .lists
                    .entry((false, first, siblings.len()))
                    .or_insert_with(|| {
                        Siblings::count(
                            siblings
                                .iter()
                                .map(|n| (QName::of_node(*n), actual_attrs(n))),
                        )
                    });
                let me = &siblings[*index];
                counted.label(*index, &QName::of_node(*me), actual_attrs(me))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actual_labels(doc: &str) -> Vec<String> {
        let doc = crate::xml::parse(doc).unwrap();
        let children: Vec<Node> = doc.root_element().children().collect();
        let mut labels = Labels::default();
        let root = Path::Root;
        (0..children.len())
            .map(|i| Path::Child(&root, Label::Actual(&children, i)).render(&mut labels))
            .collect()
    }

    #[test]
    fn a_response_step_is_told_apart_by_a_value_of_its_own_else_by_position() {
        let labels = actual_labels(
            r#"<r><L R="a" T="x"/><L R="a" T="y"/><L R="b" T="y"/><M/><L R="it's" T="x"/><L R="b" T="y"/></r>"#,
        );
        assert_eq!(
            labels,
            [
                "/L[1]", // R and T are both shared
                "/L[2]", "/L[3]", "/M",    // the only one of its name
                "/L[4]", // a value with a quote is never written into a label
                "/L[5]",
            ]
        );
        let labels =
            actual_labels(r#"<r><L R="a"/><L R="b" T="z"/><p:L xmlns:p="urn:p" R="a"/></r>"#);
        // The first unshared attribute, in the element's order; another namespace is another name.
        assert_eq!(labels, ["/L[@R='a']", "/L[@R='b']", "/L"]);
    }

    #[test]
    fn a_golden_step_is_told_apart_by_its_literal_values_only() {
        let golden = crate::xml::expected::ExpectedElement::compile(
            r#"<r><L H="{{any}}" R="a"/><L H="{{any}}" R="b"/><L H="x" R="b"/></r>"#,
        )
        .unwrap();
        let mut labels = Labels::default();
        let root = Path::Root;
        let named: Vec<String> = (0..3)
            .map(|i| {
                let path = Path::Child(&root, Label::Expected(&golden.children, i));
                path.attribute(&mut labels, &golden.children[i].attrs[0].name)
            })
            .collect();
        assert_eq!(named, ["/L[@R='a']/@H", "/L[2]/@H", "/L[@H='x']/@H"]);
        let top = Path::Child(&root, Label::Top(&golden));
        assert_eq!(top.text(&mut labels), "/r/text()");
    }
}
