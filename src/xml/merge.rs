//! Recordings of one golden as one, learned as Diffy learns noise from two
//! instances of known-good output: what they share is kept; what differs
//! between responses that are all correct is generalized (a value that differs
//! becomes a placeholder of its type, an attribute or child that only some
//! have is allowed instead of pinned, children met in different orders match
//! in any order). Nothing is refused: each generalization is said in a note.

use super::canonical::Element;

/// `a` and `b` as one element, and a line for each thing generalized.
pub fn merge<'e>(a: Element<'e>, b: Element<'e>) -> (Element<'e>, Vec<String>) {
    let mut notes = Vec::new();
    let path = format!("/{}", a.name.local());
    let merged = merge_at(a, b, &path, true, &mut notes);
    (merged, notes)
}

fn merge_at<'e>(
    mut a: Element<'e>,
    b: Element<'e>,
    path: &str,
    root: bool,
    notes: &mut Vec<String>,
) -> Element<'e> {
    if a.name != b.name && root {
        a.directives.any_name = true;
        notes.push(format!(
            "{path}: the root is <{}> in one recording and <{}> in another: its name is not compared",
            a.name.local(),
            b.name.local()
        ));
    }
    a.directives.any_order |= b.directives.any_order;
    a.directives.extra_children |= b.directives.extra_children;
    a.directives.extra_attributes |= b.directives.extra_attributes;
    a.directives.any_name |= b.directives.any_name;
    attributes(&mut a, b.attrs, path, notes);
    a.text = match (a.text.take(), b.text) {
        (Some(mut ta), Some(tb)) => {
            agree(&mut ta, &tb, &format!("{path}/text()"), notes);
            Some(ta)
        }
        (None, None) => None,
        (Some(t), None) | (None, Some(t)) => {
            notes.push(format!(
                "{path}: has text (`{}`) in one recording and none in another: written {{{{any}}}}",
                shown(&t)
            ));
            Some("{{any}}".into())
        }
    };
    let children = std::mem::take(&mut a.children);
    a.children = paired_children(&mut a.directives, children, b.children, path, notes);
    a
}

fn attributes(
    a: &mut Element,
    b_attrs: Vec<(super::QName, String)>,
    path: &str,
    notes: &mut Vec<String>,
) {
    let mut b_attrs = b_attrs;
    let mut kept = Vec::with_capacity(a.attrs.len());
    for (name, mut value) in std::mem::take(&mut a.attrs) {
        match b_attrs.iter().position(|(n, _)| *n == name) {
            Some(i) => {
                let (_, other) = b_attrs.swap_remove(i);
                agree(
                    &mut value,
                    &other,
                    &format!("{path}/@{}", name.local()),
                    notes,
                );
                kept.push((name, value));
            }
            None => {
                a.directives.extra_attributes = true;
                notes.push(format!(
                    "{path}/@{}: in some recordings only: allowed, not pinned",
                    name.local()
                ));
            }
        }
    }
    for (name, _) in b_attrs {
        a.directives.extra_attributes = true;
        notes.push(format!(
            "{path}/@{}: in some recordings only: allowed, not pinned",
            name.local()
        ));
    }
    a.attrs = kept;
}

/// Pairs children of one name, the most alike first; a child without a
/// partner is allowed as an extra, and partners met in another order make the
/// order free.
fn paired_children<'e>(
    directives: &mut super::directives::Directives,
    a: Vec<Element<'e>>,
    b: Vec<Element<'e>>,
    path: &str,
    notes: &mut Vec<String>,
) -> Vec<Element<'e>> {
    let partners = partners(&a, &b);
    let mut b: Vec<Option<Element<'e>>> = b.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(a.len());
    let mut last = None;
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    for (i, child) in a.into_iter().enumerate() {
        let n = seen.entry(child.name.local().to_string()).or_default();
        *n += 1;
        let at = format!("{path}/{}[{n}]", child.name.local());
        let Some(j) = partners[i] else {
            directives.extra_children = true;
            notes.push(format!(
                "{at}: in some recordings only: allowed, not pinned"
            ));
            continue;
        };
        if last.is_some_and(|l| j < l) && !directives.any_order {
            directives.any_order = true;
            notes.push(format!(
                "{path}: children in another order in another recording: any order"
            ));
        }
        last = Some(j);
        let other = b[j].take().expect("each partner once");
        out.push(merge_at(child, other, &at, false, notes));
    }
    for c in b.into_iter().flatten() {
        directives.extra_children = true;
        notes.push(format!(
            "{path}/{}: in some recordings only: allowed, not pinned",
            c.name.local()
        ));
    }
    out
}

/// Up to this many children, partners are chosen the most alike pair first
/// (quadratic); beyond it, in document order by name (linear), so a large
/// recording cannot make bless slow.
const PAIRED_BY_LIKENESS: usize = 64;

/// For each child of `a`, the index of its partner in `b`, if any.
fn partners(a: &[Element], b: &[Element]) -> Vec<Option<usize>> {
    let mut of_a = vec![None; a.len()];
    let mut taken = vec![false; b.len()];
    if a.len().max(b.len()) <= PAIRED_BY_LIKENESS {
        let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
        for (i, x) in a.iter().enumerate() {
            for (j, y) in b.iter().enumerate().filter(|(_, y)| y.name == x.name) {
                pairs.push((alike(x, y), i, j));
            }
        }
        pairs.sort_by_key(|(score, i, j)| (std::cmp::Reverse(*score), *i, *j));
        for (_, i, j) in pairs {
            if of_a[i].is_none() && !taken[j] {
                of_a[i] = Some(j);
                taken[j] = true;
            }
        }
        return of_a;
    }
    let mut next: std::collections::HashMap<&super::QName, usize> = Default::default();
    for (i, x) in a.iter().enumerate() {
        let from = next.entry(&x.name).or_default();
        if let Some(j) = (*from..b.len()).find(|j| b[*j].name == x.name) {
            of_a[i] = Some(j);
            *from = j + 1;
        }
    }
    of_a
}

/// How alike two elements of one name are: equal attribute values and text.
fn alike(a: &Element, b: &Element) -> usize {
    let attrs = a.attrs.iter().filter(|x| b.attrs.contains(x)).count();
    attrs + usize::from(a.text.is_some() && a.text == b.text)
}

/// A value the recordings disagree on, written as the placeholder of what
/// they have in common; one that is a literal in each is said, since only a
/// person can tell noise from a value that should have been pinned.
fn agree(kept: &mut String, other: &str, at: &str, notes: &mut Vec<String>) {
    if kept == other {
        return;
    }
    let both = |f: fn(&str) -> bool| f(kept) && f(other);
    let placeholder = if both(|v| !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit())) {
        "{{int}}"
    } else if both(crate::placeholder::pattern::is_uuid) {
        "{{uuid}}"
    } else {
        "{{any}}"
    };
    if !kept.contains("{{") && !other.contains("{{") {
        notes.push(format!(
            "{at}: `{}` in one recording, `{}` in another, and no variable holds either: written {placeholder}; pin it by hand if it should not vary",
            shown(kept),
            shown(other)
        ));
    } else {
        notes.push(format!(
            "{at}: `{}` and `{}` in different recordings: written {placeholder}",
            shown(kept),
            shown(other)
        ));
    }
    *kept = placeholder.to_string();
}

fn shown(v: &str) -> String {
    const MAX: usize = 40;
    match v.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &v[..at]),
        None => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::expected::ExpectedElement;
    use crate::xml::pretty::{to_pretty_string, GoldenMarkers};

    fn merged(a: &str, b: &str) -> (String, Vec<String>) {
        let (a, b) = (
            ExpectedElement::compile(a).unwrap(),
            ExpectedElement::compile(b).unwrap(),
        );
        let (e, notes) = merge(Element::from_expected(&a), Element::from_expected(&b));
        (to_pretty_string(&e, GoldenMarkers::Keep), notes)
    }

    #[test]
    fn shared_values_stay_and_differing_ones_become_typed_placeholders() {
        let (out, notes) = merged(
            r#"<E xmlns="urn:v" Code="401" N="3" Message="Login failed"><M>x</M><N>same</N></E>"#,
            r#"<E xmlns="urn:v" Message="Session ended" N="12" Code="401"><M>y</M><N>same</N></E>"#,
        );
        assert!(out.contains(r#"Code="401""#), "{out}");
        assert!(out.contains(r#"Message="{{any}}""#), "{out}");
        assert!(out.contains(r#"N="{{int}}""#), "{out}");
        assert!(
            out.contains("<M>{{any}}</M>") && out.contains("<N>same</N>"),
            "{out}"
        );
        assert!(
            notes.iter().any(
                |n| n.starts_with("/E/@Message: `Login failed` in one recording")
                    && n.contains("pin it by hand")
            ),
            "{notes:?}"
        );
        assert!(
            notes.iter().any(|n| n.starts_with("/E/M[1]/text()")),
            "{notes:?}"
        );
    }

    #[test]
    fn identical_goldens_merge_to_themselves_and_say_nothing() {
        let g = r#"<s:E xmlns:s="urn:sessionconf:golden" xmlns="urn:v" A="{{int}}"><C s:extra="attributes" B="1"/></s:E>"#;
        let compiled = ExpectedElement::compile(g).unwrap();
        let own = to_pretty_string(&Element::from_expected(&compiled), GoldenMarkers::Keep);
        assert_eq!(merged(g, g), (own.clone(), vec![]));
        assert!(own.contains("extra=\"attributes\""), "{own}");
    }

    #[test]
    fn shapes_that_differ_are_generalized_not_refused() {
        let (two, notes) = merged("<L><S a='1'/><S a='2'/></L>", "<L><S a='2'/></L>");
        assert!(
            two.contains(r#"extra="children""#) && two.contains(r#"<S a="2"/>"#),
            "{two}"
        );
        assert!(!two.contains(r#"a="1""#), "{two}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("/L/S[1]: in some recordings only")),
            "{notes:?}"
        );
        let (attrs, _) = merged(r#"<L a="1"/>"#, r#"<L b="1"/>"#);
        assert!(
            attrs.contains(r#"extra="attributes""#)
                && !attrs.contains(" a=")
                && !attrs.contains(" b="),
            "{attrs}"
        );
        let (order, notes) = merged("<L><A/><B/></L>", "<L><B/><A/></L>");
        assert!(order.contains(r#"order="any""#), "{order}");
        assert!(
            notes.iter().any(|n| n.contains("another order")),
            "{notes:?}"
        );
        let (root, notes) = merged("<L/>", "<M/>");
        assert!(root.contains(r#"name="any""#), "{root}");
        assert!(
            notes[0].contains("<L> in one recording and <M>"),
            "{notes:?}"
        );
        let (marker, _) = merged(
            r#"<L xmlns:sc="urn:sessionconf:golden" sc:order="any"><S/></L>"#,
            "<L><S/></L>",
        );
        assert!(marker.contains(r#"order="any""#), "{marker}");
        let (text, _) = merged("<L>t</L>", "<L/>");
        assert!(text.contains("<L>{{any}}</L>"), "{text}");
    }
}
