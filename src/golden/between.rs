//! Two servers' responses to one step, compared with the golden comparator
//! (`sessionconf compare`). The first server's response becomes a golden as
//! bless would write it: its origin, the values the scenario captured and the
//! values the vendor documents as volatile written back as placeholders, and
//! the lists the step's own golden calls sets marked as sets. The second
//! server's response is judged against it with its own origin and captures.
//! So ids, tokens and origins, expected to differ, never do; prefixes,
//! attribute order and whitespace never count; anything else is a difference.

use std::path::Path;

use super::{volatile::Volatile, Body, Golden, Recording};
use crate::placeholder::Bindings;

/// One server's response to the step.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// The server's name, in what is said.
    pub name: &'a str,
    /// The status code.
    pub status: u16,
    /// The body as received.
    pub body: &'a str,
    /// Secrets it may hold: written as `{{any}}` in the golden made of it, and
    /// never shown.
    pub secrets: &'a [String],
    /// Its origin and the scenario's values after the step.
    pub bindings: &'a Bindings,
}

/// How two responses differ.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepDifference {
    /// Each difference, one line each (paths for XML).
    pub lines: Vec<String>,
    /// A unified diff of the first server's response (as a golden) and the
    /// second's, normalized toward it; empty when there is nothing to show.
    pub diff: String,
}

/// How `b` differs from `a`; `None` when they say the same thing. `likes`
/// are the goldens that may describe the response: the step's own, else
/// (XML) the dialect's golden whose root has the response's root name, says
/// which lists are sets and which values are left open.
pub fn compare_step(
    a: Side,
    b: Side,
    likes: Likes,
    volatile: &[Volatile],
) -> Option<StepDifference> {
    let mut found = StepDifference::default();
    if a.status != b.status {
        found.lines.push(format!(
            "status {} on {}, {} on {}",
            a.status, a.name, b.status, b.name
        ));
    }
    match (a.body.trim().is_empty(), b.body.trim().is_empty()) {
        (true, true) => {}
        (true, false) | (false, true) => {
            let (empty, full) = if a.body.trim().is_empty() {
                (a, b)
            } else {
                (b, a)
            };
            found.lines.push(format!(
                "the body is empty on {}, {} bytes on {}",
                empty.name,
                full.body.len(),
                full.name
            ));
        }
        (false, false) => bodies(a, b, likes, volatile, &mut found),
    }
    if found.lines.is_empty() {
        return None;
    }
    let redact = |text: &mut String| {
        for secret in a.secrets.iter().chain(b.secrets).filter(|s| !s.is_empty()) {
            if text.contains(secret.as_str()) {
                *text = text.replace(secret.as_str(), "<redacted>");
            }
        }
    };
    found.lines.iter_mut().for_each(redact);
    redact(&mut found.diff);
    Some(found)
}

fn bodies(a: Side, b: Side, likes: Likes, volatile: &[Volatile], found: &mut StepDifference) {
    let recording = Recording {
        secrets: a.secrets,
        volatile,
    };
    let (xml_a, xml_b) = (crate::xml::parse(a.body), crate::xml::parse(b.body));
    if let (Ok(doc_a), Ok(doc_b)) = (&xml_a, &xml_b) {
        let root = doc_a.root_element().local_name();
        let like = likes
            .own
            .into_iter()
            .chain(likes.library.iter().copied())
            .find_map(|g| match g {
                Golden::Xml(e, _) if e.name.local() == root => Some(e),
                _ => None,
            });
        let text = match like {
            Some(expected) => super::xml::record_like(doc_a, a.bindings, recording, expected),
            None => super::record(&Body::Xml(doc_a), a.bindings, recording),
        };
        return judged(a, b, (&text, "response.xml"), &Body::Xml(doc_b), found);
    }
    let (json_a, json_b) = (crate::json::parse(a.body), crate::json::parse(b.body));
    if let (Ok(doc_a), Ok(doc_b)) = (&json_a, &json_b) {
        // A JSON document has no root name to find its golden by: only the step's own says.
        let text = match likes.own {
            Some(Golden::Json(expected, _)) => {
                super::json::record_like(expected, doc_a, a.bindings, recording)
            }
            _ => super::record(&Body::Json(doc_a), a.bindings, recording),
        };
        return judged(a, b, (&text, "response.json"), &Body::Json(doc_b), found);
    }
    let readable = |xml: bool, json: bool| xml || json;
    match (
        readable(xml_a.is_ok(), json_a.is_ok()),
        readable(xml_b.is_ok(), json_b.is_ok()),
    ) {
        (true, true) => found.lines.push(format!(
            "the body on {} is {}, on {} {}",
            a.name,
            if xml_a.is_ok() { "XML" } else { "JSON" },
            b.name,
            if xml_b.is_ok() { "XML" } else { "JSON" }
        )),
        (true, false) | (false, true) => {
            let (not, is) = if xml_a.is_ok() || json_a.is_ok() {
                (b.name, a.name)
            } else {
                (a.name, b.name)
            };
            found.lines.push(format!(
                "the body on {not} is neither XML nor JSON, the one on {is} is"
            ));
        }
        (false, false) => text(a, b, found),
    }
}

/// The goldens that may say what a response leaves open: the step's own, and
/// the dialect's (an XML one is found by its root element's name).
#[derive(Debug, Clone, Copy, Default)]
pub struct Likes<'g> {
    /// The step's own golden.
    pub own: Option<&'g Golden>,
    /// The dialect's goldens.
    pub library: &'g [&'g Golden],
}

/// `b`'s body judged against the golden `golden` made of `a`'s.
fn judged(a: Side, b: Side, (golden, name): (&str, &str), body: &Body, found: &mut StepDifference) {
    let label = format!("{} (as a golden)", a.name);
    let verdict = Golden::compile(Path::new(name), golden)
        .map_err(|e| e.to_string())
        .and_then(|g| g.judge(&label, body, b.bindings, None, Default::default()));
    // A verdict that matches has no differences and no diff.
    match verdict {
        Ok(v) => {
            found
                .lines
                .extend(v.differences.iter().map(|d| d.to_string()));
            found.diff = v.diff.replacen(
                "+++ actual (normalized toward the golden)",
                &format!("+++ {} (normalized toward {})", b.name, a.name),
                1,
            );
        }
        Err(why) => found
            .lines
            .push(format!("cannot compare the bodies: {why}")),
    }
}

/// Bodies that are not XML: equal once each one's origin is set aside.
fn text(a: Side, b: Side, found: &mut StepDifference) {
    let plain = |s: &Side| match &s.bindings.origin {
        Some(origin) => s.body.replace(origin.as_str(), "{{origin}}"),
        None => s.body.to_string(),
    };
    let (ta, tb) = (plain(&a), plain(&b));
    if ta != tb {
        found
            .lines
            .push("the bodies differ (neither is XML)".to_string());
        found.diff = similar::TextDiff::from_lines(&ta, &tb)
            .unified_diff()
            .context_radius(3)
            .header(a.name, b.name)
            .to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings(origin: &str, session: &str) -> Bindings {
        let mut b = Bindings {
            origin: Some(origin.to_string()),
            ..Bindings::default()
        };
        b.bind_capture("session_id", session);
        b
    }

    const A: &str = r#"<S xmlns="urn:s" Href="http://a:1/s/11"><Links><L Rel="Up"/><L Rel="Delete" Href="http://a:1/s/11"/></Links><Id>11</Id><Name>x</Name></S>"#;

    fn side<'a>(name: &'a str, body: &'a str, b: &'a Bindings) -> Side<'a> {
        Side {
            name,
            status: 201,
            body,
            bindings: b,
            secrets: &[],
        }
    }

    #[test]
    fn ids_origins_prefixes_and_attribute_order_are_not_differences() {
        let (ba, bb) = (bindings("http://a:1", "11"), bindings("https://b", "22"));
        let b = "<p:S xmlns:p=\"urn:s\" Href=\"https://b/s/22\">\n <p:Links><p:L Rel=\"Up\"/><p:L Href=\"https://b/s/22\" Rel=\"Delete\"/></p:Links>\n <p:Id>22</p:Id><p:Name>x</p:Name></p:S>";
        assert_eq!(
            compare_step(side("A", A, &ba), side("B", b, &bb), Likes::default(), &[]),
            None
        );
    }

    #[test]
    fn a_changed_value_a_missing_link_and_a_status_are_differences_with_paths() {
        let (ba, bb) = (bindings("http://a:1", "11"), bindings("http://b:1", "22"));
        let b = r#"<S xmlns="urn:s" Href="http://b:1/s/22"><Links><L Rel="Up"/></Links><Id>22</Id><Name>y</Name></S>"#;
        let mut second = side("B", b, &bb);
        second.status = 200;
        let d = compare_step(side("A", A, &ba), second, Likes::default(), &[]).unwrap();
        assert_eq!(d.lines[0], "status 201 on A, 200 on B");
        assert!(
            d.lines.contains(
                &"/S/Links/L[@Rel='Delete']: missing element <L Rel='Delete'>".to_string()
            ),
            "{:?}",
            d.lines
        );
        assert!(
            d.lines
                .iter()
                .any(|l| l.contains("/S/Name/text()") && l.contains("\"y\"")),
            "{:?}",
            d.lines
        );
        assert!(
            d.diff
                .contains("-    <L Href=\"{{origin}}/s/{{session_id}}\" Rel=\"Delete\"/>"),
            "{}",
            d.diff
        );
        assert!(
            d.diff.contains("\n+++ B (normalized toward A)\n"),
            "{}",
            d.diff
        );
        assert!(d.diff.starts_with("--- A (as a golden)"), "{}", d.diff);
    }

    #[test]
    fn the_steps_golden_says_which_lists_are_sets_and_which_values_are_open() {
        let (ba, bb) = (bindings("http://a:1", "11"), bindings("http://b:1", "22"));
        let b = r#"<S xmlns="urn:s" Href="http://b:1/s/22"><Links><L Rel="Delete" Href="http://b:1/s/22"/><L Rel="Up"/></Links><Id>22</Id><Name>x</Name></S>"#;
        let compare = |b: &str, library: &[&Golden]| {
            let likes = Likes { own: None, library };
            compare_step(side("A", A, &ba), side("B", b, &bb), likes, &[])
        };
        assert!(compare(b, &[]).is_some(), "links in another order");
        let golden = Golden::compile(
            Path::new("g.xml"),
            r#"<S xmlns="urn:s" xmlns:sc="urn:sessionconf:golden" sc:extra="attributes"><Links sc:order="any" sc:extra="children"/><Id>{{any}}</Id><Name>{{int}}</Name></S>"#,
        )
        .unwrap();
        let other_root = Golden::compile(
            Path::new("o.xml"),
            "<T sc:order=\"any\" xmlns:sc=\"urn:sessionconf:golden\"/>",
        )
        .unwrap();
        assert_eq!(
            compare(b, &[&other_root, &golden]),
            None,
            "the golden of the same root says"
        );
        assert!(compare(b, &[&other_root]).is_some());
        // A value the golden leaves open differs freely; one it does not, or
        // one the first server's value does not meet, still counts.
        let (ba, bb) = (bindings("http://a:1", "11"), bindings("http://b:1", "22"));
        let a7 = A.replace("<Name>x", "<Name>7");
        let b8 = b.replace("<Name>x", "<Name>8");
        assert_eq!(
            compare_step(
                side("A", &a7, &ba),
                side("B", &b8, &bb),
                Likes {
                    own: Some(&golden),
                    library: &[]
                },
                &[]
            ),
            None
        );
        assert!(
            compare(&b.replace("<Name>x", "<Name>z"), &[&golden]).is_some(),
            "x is not an {{int}}"
        );
    }

    #[test]
    fn secrets_never_show_in_what_is_said() {
        let (ba, bb) = (bindings("http://a:1", "11"), bindings("http://b:1", "22"));
        let a = r#"<S xmlns="urn:s" token="tok-one"><Name>x</Name></S>"#;
        let b = r#"<S xmlns="urn:s" token="tok-two"><Name>y</Name><T>tok-two</T></S>"#;
        let (sa, sb) = (
            ["tok-one".to_string(), String::new()],
            ["tok-two".to_string()],
        );
        let first = Side {
            secrets: &sa,
            ..side("A", a, &ba)
        };
        let second = Side {
            secrets: &sb,
            ..side("B", b, &bb)
        };
        let d = compare_step(first, second, Likes::default(), &[]).unwrap();
        let all = format!("{}\n{}", d.lines.join("\n"), d.diff);
        assert!(!all.contains("tok-"), "{all}");
        assert!(all.contains("<redacted>"), "{all}");
        assert!(
            d.lines.iter().any(|l| l.contains("/S/Name/text()")),
            "{:?}",
            d.lines
        );
        assert!(
            !all.contains("<redacted>x") && all.contains("<Name>x</Name>"),
            "an empty secret redacts nothing: {all}"
        );
    }

    #[test]
    fn json_bodies_are_compared_as_json_with_the_steps_golden() {
        let (ba, bb) = (bindings("http://a:1", "11"), bindings("http://b:1", "22"));
        let a = r#"{"Id": "11", "Href": "http://a:1/s/11", "L": [{"Rel": "Up"}, {"Rel": "Delete"}], "n": 1}"#;
        let b = r#"{"n": 1.0, "L": [{"Rel": "Up"}, {"Rel": "Delete"}], "Href": "http://b:1/s/22", "Id": "22"}"#;
        let none = Likes::default();
        assert_eq!(
            compare_step(side("A", a, &ba), side("B", b, &bb), none, &[]),
            None
        );
        let swapped = b.replace(
            r#"[{"Rel": "Up"}, {"Rel": "Delete"}]"#,
            r#"[{"Rel": "Delete"}, {"Rel": "Up"}]"#,
        );
        let d = compare_step(side("A", a, &ba), side("B", &swapped, &bb), none, &[]).unwrap();
        assert!(
            d.lines.iter().all(|l| l.starts_with("$.L[")),
            "{:?}",
            d.lines
        );
        let golden = Golden::compile(Path::new("g.json"), r#"{"sc:extra": "members", "L": [{"sc:order": "any"}, {"Rel": "Up"}, {"Rel": "Delete"}]}"#).unwrap();
        let own = Likes {
            own: Some(&golden),
            library: &[],
        };
        assert_eq!(
            compare_step(side("A", a, &ba), side("B", &swapped, &bb), own, &[]),
            None
        );
        let string_for_number = b.replace("1.0", "\"1\"");
        let d = compare_step(
            side("A", a, &ba),
            side("B", &string_for_number, &bb),
            own,
            &[],
        )
        .unwrap();
        assert_eq!(d.lines, ["$.n: expected 1, found \"1\""]);
        let d = compare_step(side("A", A, &ba), side("B", b, &bb), none, &[]).unwrap();
        assert_eq!(d.lines, ["the body on A is XML, on B JSON"]);
    }

    #[test]
    fn bodies_that_are_empty_or_not_xml() {
        let (ba, bb) = (bindings("http://a:1", "11"), bindings("http://b:1", "22"));
        assert_eq!(
            compare_step(
                side("A", "", &ba),
                side("B", " \n", &bb),
                Likes::default(),
                &[]
            ),
            None
        );
        let d = compare_step(side("A", "", &ba), side("B", A, &bb), Likes::default(), &[]).unwrap();
        assert!(
            d.lines[0].starts_with("the body is empty on A,"),
            "{:?}",
            d.lines
        );
        let d = compare_step(
            side("A", A, &ba),
            side("B", "oops", &bb),
            Likes::default(),
            &[],
        )
        .unwrap();
        assert!(
            d.lines[0].starts_with("the body on B is neither XML nor JSON"),
            "{:?}",
            d.lines
        );
        let same = compare_step(
            side("A", "see http://a:1/x", &ba),
            side("B", "see http://b:1/x", &bb),
            Likes::default(),
            &[],
        );
        assert_eq!(same, None, "plain text compared with each origin set aside");
        let d = compare_step(
            side("A", "one", &ba),
            side("B", "two", &bb),
            Likes::default(),
            &[],
        )
        .unwrap();
        assert!(
            d.diff.contains("-one") && d.diff.contains("+two"),
            "{}",
            d.diff
        );
    }
}
