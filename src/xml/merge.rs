//! Two recorded goldens of one shape as one: what they share is kept, a value
//! that differs becomes `{{any}}`. Bless uses it for a golden several steps
//! share; two shapes are a conflict for a person to settle, never guessed at.

use super::canonical::Element;

/// What a value that differs between uses is written as.
const VARIES: &str = "{{any}}";

/// `a` and `b` as one element, or the path where their shapes differ (names,
/// attribute names, directives, presence of text or number of children).
pub fn merge<'e>(a: Element<'e>, b: Element<'e>) -> Result<Element<'e>, String> {
    let path = format!("/{}", a.name.local());
    merge_at(a, b, &path)
}

fn merge_at<'e>(mut a: Element<'e>, b: Element<'e>, path: &str) -> Result<Element<'e>, String> {
    if a.name != b.name || a.directives != b.directives {
        return Err(format!(
            "{path} (<{}> and <{}>)",
            a.name.local(),
            b.name.local()
        ));
    }
    let mut b_attrs = b.attrs;
    a.attrs.sort_by(|x, y| x.0.cmp(&y.0));
    b_attrs.sort_by(|x, y| x.0.cmp(&y.0));
    let a_names = a.attrs.iter().map(|(n, _)| n);
    if !a_names.eq(b_attrs.iter().map(|(n, _)| n)) {
        return Err(format!("{path} (its attributes)"));
    }
    for ((_, va), (_, vb)) in a.attrs.iter_mut().zip(b_attrs) {
        agree(va, &vb);
    }
    a.text = match (a.text, b.text) {
        (Some(mut ta), Some(tb)) => {
            agree(&mut ta, &tb);
            Some(ta)
        }
        (None, None) => None,
        _ => return Err(format!("{path} (text in one, none in the other)")),
    };
    if a.children.len() != b.children.len() {
        return Err(format!(
            "{path} ({} child elements in one, {} in the other)",
            a.children.len(),
            b.children.len()
        ));
    }
    let pairs = std::mem::take(&mut a.children).into_iter().zip(b.children);
    for (i, (ca, cb)) in pairs.enumerate() {
        let at = format!("{path}/{}[{}]", ca.name.local(), i + 1);
        a.children.push(merge_at(ca, cb, &at)?);
    }
    Ok(a)
}

fn agree(kept: &mut String, other: &str) {
    if kept != other {
        *kept = VARIES.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::expected::ExpectedElement;
    use crate::xml::pretty::{to_pretty_string, GoldenMarkers};

    fn merged(a: &str, b: &str) -> Result<String, String> {
        let (a, b) = (
            ExpectedElement::compile(a).unwrap(),
            ExpectedElement::compile(b).unwrap(),
        );
        merge(Element::from_expected(&a), Element::from_expected(&b))
            .map(|e| to_pretty_string(&e, GoldenMarkers::Keep))
    }

    #[test]
    fn shared_values_stay_and_differing_ones_become_any() {
        let out = merged(
            r#"<E xmlns="urn:v" Code="401" Message="Login failed"><M>x</M><N>same</N></E>"#,
            r#"<E xmlns="urn:v" Message="Session ended" Code="401"><M>y</M><N>same</N></E>"#,
        )
        .unwrap();
        assert!(out.contains(r#"Code="401""#), "{out}");
        assert!(out.contains(r#"Message="{{any}}""#), "{out}");
        assert!(
            out.contains("<M>{{any}}</M>") && out.contains("<N>same</N>"),
            "{out}"
        );
    }

    #[test]
    fn identical_goldens_merge_to_themselves() {
        let g = r#"<s:E xmlns:s="urn:sessionconf:golden" xmlns="urn:v" A="{{int}}"><C s:extra="attributes" B="1"/></s:E>"#;
        let compiled = ExpectedElement::compile(g).unwrap();
        let own = to_pretty_string(&Element::from_expected(&compiled), GoldenMarkers::Keep);
        assert_eq!(merged(g, g).unwrap(), own);
        assert!(own.contains("extra=\"attributes\""), "{own}");
    }

    #[test]
    fn different_shapes_are_a_conflict_named_by_path() {
        let two = merged("<L><S/><S/></L>", "<L><S/></L>").unwrap_err();
        assert!(
            two.contains("/L") && two.contains("2 child elements in one, 1"),
            "{two}"
        );
        let name = merged("<L><S/></L>", "<L><T/></L>").unwrap_err();
        assert!(name.starts_with("/L/S[1]"), "{name}");
        let attrs = merged(r#"<L a="1"/>"#, r#"<L b="1"/>"#).unwrap_err();
        assert!(attrs.contains("attributes"), "{attrs}");
        let text = merged("<L>t</L>", "<L/>").unwrap_err();
        assert!(text.contains("text in one"), "{text}");
        let marker = merged(
            r#"<L xmlns:sc="urn:sessionconf:golden" sc:order="any"><S/></L>"#,
            "<L><S/></L>",
        );
        assert!(marker.is_err());
        let root = merged("<L/>", "<M/>").unwrap_err();
        assert!(root.contains("<L> and <M>"), "{root}");
    }
}
