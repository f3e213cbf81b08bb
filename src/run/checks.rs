//! Checking a response against a step's `expect`: status, headers, the body as
//! text, and selector assertions. Each check returns its failures as data.

use super::exchange::Exchange;
use super::vars::Variables;
use crate::outcome::{Failure, FailureKind};
use crate::scenario::model::{Assertion, Check, Expect, TextCheck};

/// The status code against the expected set (any 2xx when none is given), and a
/// redirect, which is never followed.
pub(crate) fn status(expect: &Expect, exchange: &Exchange) -> Vec<Failure> {
    let mut failures = Vec::new();
    let got = exchange.status;
    let wanted = match &expect.status {
        Some(set) if !set.allows(got) => Some(set.to_string()),
        None if !(200..300).contains(&got) => Some("a 2xx status".to_string()),
        _ => None,
    };
    if let Some(wanted) = wanted {
        failures.push(
            Failure::new(
                FailureKind::Status,
                format!("status {got}, expected {wanted}"),
            )
            .values(Some(wanted), Some(got.to_string())),
        );
    }
    if (300..400).contains(&got) {
        if let Some(location) = exchange.header_values("location").first() {
            failures.push(
                Failure::new(
                    FailureKind::Status,
                    format!(
                        "redirect to {location} was not followed (sessionconf never follows redirects)"
                    ),
                )
                .at("Location"),
            );
        }
    }
    failures
}

/// Every header check of the step.
pub(crate) fn headers(expect: &Expect, exchange: &Exchange, vars: &Variables) -> Vec<Failure> {
    let mut failures = Vec::new();
    for (name, check) in &expect.headers {
        let values = exchange.header_values(name);
        let joined = (!values.is_empty()).then(|| values.join(", "));
        let shown = if super::redact::is_secret_header(name) {
            super::redact::REDACTED.to_string()
        } else {
            joined.clone().unwrap_or_default()
        };
        let subject = Subject {
            kind: FailureKind::Header,
            name: format!("header {name}"),
            path: name.clone(),
            shown,
        };
        failures.extend(text_check(&subject, joined.as_deref(), check, vars));
    }
    failures
}

/// The body as text.
pub(crate) fn text(expect: &Expect, exchange: &Exchange, vars: &Variables) -> Vec<Failure> {
    let Some(check) = &expect.text else {
        return Vec::new();
    };
    let body = exchange.body.as_str();
    let subject = Subject {
        kind: FailureKind::Text,
        name: "the body".into(),
        path: "body".into(),
        shown: excerpt(body),
    };
    text_check(&subject, (!body.is_empty()).then_some(body), check, vars)
        .into_iter()
        .collect()
}

/// What a text check looks at, for its messages.
struct Subject {
    kind: FailureKind,
    /// `header X` or `the body`.
    name: String,
    path: String,
    /// The value as a report may show it (redacted, cut short).
    shown: String,
}

/// One `equals` / `matches` / `present` / `absent` check on a value that may be absent.
fn text_check(
    subject: &Subject,
    value: Option<&str>,
    check: &TextCheck,
    vars: &Variables,
) -> Option<Failure> {
    let Subject {
        kind, name, shown, ..
    } = subject;
    let fail = |message: String, expected: Option<String>| {
        Some(
            Failure::new(*kind, message)
                .at(subject.path.clone())
                .values(expected, value.map(|_| shown.clone())),
        )
    };
    match (check, value) {
        (TextCheck::Present(true) | TextCheck::Absent(false), None) => {
            fail(format!("{name} is missing"), Some("present".into()))
        }
        (TextCheck::Absent(true) | TextCheck::Present(false), Some(_)) => fail(
            format!("{name} is present ({shown:?}), expected it absent"),
            Some("absent".into()),
        ),
        (TextCheck::Equals(t), _) => match (vars.expand(t), value) {
            (Err(e), _) => fail(format!("{name}: {e}"), None),
            (Ok(want), None) => fail(format!("{name} is missing, expected {want:?}"), Some(want)),
            (Ok(want), Some(got)) if got != want => fail(
                format!("{name} is {shown:?}, expected {want:?}"),
                Some(want),
            ),
            _ => None,
        },
        (TextCheck::Matches(re), None) => fail(
            format!("{name} is missing, expected it to match /{}/", re.0),
            Some(format!("/{}/", re.0)),
        ),
        (TextCheck::Matches(re), Some(got)) if !re.0.is_match(got) => fail(
            format!("{name} is {shown:?}, which does not match /{}/", re.0),
            Some(format!("/{}/", re.0)),
        ),
        _ => None,
    }
}

/// A request that asked for one representation (its Accept header) gets a
/// response in it: a JSON client handed XML is broken however right the XML is.
pub(crate) fn representation(
    asked: Option<crate::representation::Representation>,
    content_type: Option<&str>,
    body: &str,
) -> Option<Failure> {
    use crate::representation::Representation;
    let asked = asked?;
    let got = Representation::of_response(content_type, body)?;
    if got == asked {
        return None;
    }
    let why = match content_type {
        Some(t) if Representation::asked(t).is_some() => format!("Content-Type `{t}`"),
        _ => "its body".to_string(),
    };
    Some(
        Failure::new(
            FailureKind::Body,
            format!("the request asked for {asked} (Accept) and the response is {got} ({why})"),
        )
        .values(Some(asked.to_string()), Some(got.to_string())),
    )
}

/// Every selector assertion of the step, on the parsed body. One written
/// only for the other representation (`select: { json: ... }` on an XML
/// response) checks what that representation documents, and is left out.
pub(crate) fn assertions(
    assertions: &[Assertion],
    doc: crate::select::Parsed,
    vars: &Variables,
) -> Vec<Failure> {
    assertions
        .iter()
        .filter(|a| a.select.pick(doc.representation).is_some())
        .filter_map(|a| assertion(a, doc, vars))
        .collect()
}

/// The assertion's selector for the response's representation, its variables expanded.
fn selector_of(
    assertion: &Assertion,
    representation: crate::representation::Representation,
    vars: &Variables,
) -> Result<crate::select::Selector, Failure> {
    let fail = |message: String| {
        Failure::new(FailureKind::Assertion, message).at(assertion.select.to_string())
    };
    let Some(form) = assertion.select.pick(representation) else {
        return Err(fail(format!(
            "selector `{}` has no form for {representation} responses",
            assertion.select
        )));
    };
    if let Some(s) = &form.fixed {
        return Ok(s.clone());
    }
    vars.expand(&form.template)
        .and_then(|t| crate::select::Selector::parse(&t))
        .map_err(|e| fail(format!("selector `{form}`: {e}")))
}

fn assertion(
    assertion: &Assertion,
    doc: crate::select::Parsed,
    vars: &Variables,
) -> Option<Failure> {
    let selector = match selector_of(assertion, doc.representation, vars) {
        Ok(s) => s,
        Err(failure) => return Some(failure),
    };
    let sel = selector.source();
    let selected = match selector.values(doc) {
        Ok(values) => values,
        Err(why) => {
            return Some(Failure::new(FailureKind::Assertion, format!("`{sel}`: {why}")).at(sel))
        }
    };
    let count = selected.len();
    let fail = |message: String, expected: String, actual: Option<String>| {
        Some(
            Failure::new(FailureKind::Assertion, message)
                .at(sel)
                .values(Some(expected), actual),
        )
    };
    let single = || match selected.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!("`{sel}` selects nothing")),
        many => Err(format!(
            "`{sel}` selects {} nodes, expected one",
            many.len()
        )),
    };
    match &assertion.check {
        Check::Exists if count == 0 => fail(
            format!("`{sel}` selects nothing, expected it to exist"),
            "at least one node".into(),
            Some("0".into()),
        ),
        Check::Absent if count > 0 => fail(
            format!("`{sel}` selects {count} nodes, expected none"),
            "0".into(),
            Some(count.to_string()),
        ),
        Check::Count(n) if count != *n => fail(
            format!("`{sel}` selects {count} nodes, expected {n}"),
            n.to_string(),
            Some(count.to_string()),
        ),
        Check::Equals(t) => match (single(), vars.expand(t)) {
            (Ok(got), Ok(want)) if got != want => fail(
                format!("`{sel}` is {got:?}, expected {want:?}"),
                want,
                Some(got),
            ),
            (Err(e), _) | (_, Err(e)) => Some(Failure::new(FailureKind::Assertion, e).at(sel)),
            _ => None,
        },
        Check::Matches(re) => match single() {
            Ok(got) if !re.0.is_match(&got) => fail(
                format!("`{sel}` is {got:?}, which does not match /{}/", re.0),
                format!("/{}/", re.0),
                Some(got),
            ),
            Err(e) => Some(Failure::new(FailureKind::Assertion, e).at(sel)),
            _ => None,
        },
        _ => None,
    }
}

/// The start of a long body, for a failure message.
pub(crate) fn excerpt(body: &str) -> String {
    const LIMIT: usize = 200;
    match body.char_indices().nth(LIMIT) {
        Some((i, _)) => format!("{}...", &body[..i]),
        None => body.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::vars::Value;

    fn expect(yaml: &str) -> Expect {
        serde_yaml::from_str(yaml).expect("the expectation parses")
    }

    fn exchange(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            url: "http://h/api/x".parse().unwrap(),
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
            body_error: None,
            encoding: crate::xml::Encoding::Utf8,
        }
    }

    fn vars() -> Variables {
        let mut vars = Variables::default();
        vars.set("id", Value::One("42".into()), false);
        vars
    }

    fn messages(failures: &[Failure]) -> Vec<String> {
        failures.iter().map(|f| f.message.clone()).collect()
    }

    #[test]
    fn a_response_in_the_other_representation_than_asked_fails() {
        use crate::representation::Representation::{Json, Xml};
        let wrong = representation(Some(Json), Some("application/xml"), "<A/>").unwrap();
        assert_eq!(
            wrong.message,
            "the request asked for JSON (Accept) and the response is XML (Content-Type `application/xml`)"
        );
        assert_eq!(wrong.kind, FailureKind::Body);
        assert_eq!(
            (wrong.expected.as_deref(), wrong.actual.as_deref()),
            (Some("JSON"), Some("XML"))
        );
        let sniffed = representation(Some(Xml), None, " {\"a\": 1}").unwrap();
        assert!(
            sniffed.message.ends_with("is JSON (its body)"),
            "{}",
            sniffed.message
        );
        let html = representation(Some(Json), Some("text/html"), "<html/>").unwrap();
        assert!(
            html.message.ends_with("is XML (its body)"),
            "{}",
            html.message
        );
        assert!(representation(Some(Json), Some("application/json"), "{}").is_none());
        assert!(representation(None, Some("application/xml"), "<A/>").is_none());
        assert!(representation(Some(Json), Some("text/plain"), "User logged out").is_none());
    }

    #[test]
    fn a_selector_per_representation_checks_the_responses_form_and_skips_the_missing_one() {
        let xml = crate::xml::parse("<L><S>a</S></L>").unwrap();
        let json = crate::json::parse(r#"{"S": ["a"]}"#).unwrap();
        let e = expect(
            "body:\n - select: { xml: /L/S, json: '$.S[*]' }\n   count: 2\n - select: { json: $.S }\n   absent: true",
        );
        let as_xml = crate::select::Parsed {
            xml: Some(&xml),
            ..crate::select::Parsed::default()
        };
        let as_json = crate::select::Parsed {
            json: Some(&json),
            representation: crate::representation::Representation::Json,
            ..crate::select::Parsed::default()
        };
        assert_eq!(
            messages(&assertions(&e.body, as_xml, &vars())),
            ["`/L/S` selects 1 nodes, expected 2"],
            "the JSON-only assertion is left out for XML"
        );
        assert_eq!(
            messages(&assertions(&e.body, as_json, &vars())),
            [
                "`$.S[*]` selects 1 nodes, expected 2",
                "`$.S` selects 1 nodes, expected none"
            ]
        );
    }

    #[test]
    fn status_against_the_expected_set_or_any_2xx() {
        let ok = exchange(204, &[], "");
        assert!(status(&expect("status: [200, 204]"), &ok).is_empty());
        assert!(status(&expect("{}"), &ok).is_empty());
        let f = status(&expect("status: 201"), &ok);
        assert_eq!(messages(&f), ["status 204, expected 201"]);
        assert_eq!(
            (f[0].expected.as_deref(), f[0].actual.as_deref()),
            (Some("201"), Some("204"))
        );
        let f = status(&expect("{}"), &exchange(500, &[], ""));
        assert_eq!(messages(&f), ["status 500, expected a 2xx status"]);
        let redirect = exchange(302, &[("Location", "http://elsewhere/")], "");
        let f = status(&expect("status: 302"), &redirect);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0]
            .message
            .contains("redirect to http://elsewhere/ was not followed"));
        // A 3xx without Location is only a status.
        assert!(status(&expect("status: 304"), &exchange(304, &[], "")).is_empty());
    }

    #[test]
    fn header_checks_say_what_is_wrong_and_hide_secret_values() {
        let e = exchange(200, &[("X-Id", "42"), ("X-RestSvcSessionId", "tok-1")], "");
        let check = |yaml: &str| messages(&headers(&expect(yaml), &e, &vars()));
        assert!(check("headers: { X-Id: { present: true }, X-None: { absent: true } }").is_empty());
        assert!(
            check("headers: { X-Id: { equals: \"${id}\" }, X-Id2: { present: false } }").is_empty()
        );
        assert!(check("headers: { X-Id: { matches: \"^4\" } }").is_empty());
        assert_eq!(
            check("headers: { X-None: { present: true } }"),
            ["header X-None is missing"]
        );
        assert_eq!(
            check("headers: { X-Id: { absent: true } }"),
            ["header X-Id is present (\"42\"), expected it absent"]
        );
        assert_eq!(
            check("headers: { X-None: { equals: \"${id}\" } }"),
            ["header X-None is missing, expected \"42\""]
        );
        assert_eq!(
            check("headers: { X-Id: { equals: \"43\" } }"),
            ["header X-Id is \"42\", expected \"43\""]
        );
        assert_eq!(
            check("headers: { X-None: { matches: \"x\" } }"),
            ["header X-None is missing, expected it to match /x/"]
        );
        assert_eq!(
            check("headers: { X-RestSvcSessionId: { matches: \"^nope\" } }"),
            ["header X-RestSvcSessionId is \"<redacted>\", which does not match /^nope/"]
        );
        let unknown = check("headers: { X-Id: { equals: \"${nobody}\" } }");
        assert!(unknown[0].starts_with("header X-Id: "), "{unknown:?}");
    }

    #[test]
    fn text_checks_on_the_body() {
        let check = |body: &str, yaml: &str| {
            messages(&text(&expect(yaml), &exchange(200, &[], body), &vars()))
        };
        assert!(check("User logged out", "text: { equals: User logged out }").is_empty());
        assert!(check("", "text: { absent: true }").is_empty());
        assert!(check("x", "{}").is_empty());
        assert_eq!(
            check("", "text: { present: true }"),
            ["the body is missing"]
        );
        assert_eq!(
            check("oops", "text: { absent: true }"),
            ["the body is present (\"oops\"), expected it absent"]
        );
        assert_eq!(
            check("oops", "text: { matches: \"^User\" }"),
            ["the body is \"oops\", which does not match /^User/"]
        );
        let long = "y".repeat(300);
        let f = check(&long, "text: { equals: z }");
        assert!(f[0].contains("...\", expected \"z\""), "{f:?}");
    }

    #[test]
    fn assertions_select_and_check() {
        let body = r#"<L><S Id="1">a</S><S Id="2">b</S></L>"#;
        let doc = crate::xml::parse(body).unwrap();
        let check = |yaml: &str| {
            let e = expect(yaml);
            messages(&assertions(
                &e.body,
                crate::select::Parsed {
                    xml: Some(&doc),
                    json: None,
                    ..crate::select::Parsed::default()
                },
                &vars(),
            ))
        };
        let passing = r#"body:
  - { select: /L/S, count: 2 }
  - { select: "/L/S[@Id='1']", exists: true }
  - { select: /L/T, absent: true }
  - { select: "/L/S[@Id='2']/text()", equals: b }
  - { select: "/L/S[@Id='${id}']", absent: true }
  - { select: "/L/S[1]/@Id", matches: "^1$" }
"#;
        assert_eq!(check(passing), Vec::<String>::new());
        assert_eq!(
            check("body: [{ select: /L/T, exists: true }]"),
            ["`/L/T` selects nothing, expected it to exist"]
        );
        assert_eq!(
            check("body: [{ select: /L/S, absent: true }]"),
            ["`/L/S` selects 2 nodes, expected none"]
        );
        assert_eq!(
            check("body: [{ select: /L/S, count: 3 }]"),
            ["`/L/S` selects 2 nodes, expected 3"]
        );
        assert_eq!(
            check("body: [{ select: \"/L/S[@Id='1']/text()\", equals: b }]"),
            ["`/L/S[@Id='1']/text()` is \"a\", expected \"b\""]
        );
        assert_eq!(
            check("body: [{ select: \"/L/S[1]/@Id\", matches: \"^2$\" }]"),
            ["`/L/S[1]/@Id` is \"1\", which does not match /^2$/"]
        );
        assert_eq!(
            check("body: [{ select: /L/S, equals: a }]"),
            ["`/L/S` selects 2 nodes, expected one"]
        );
        assert_eq!(
            check("body: [{ select: /L/T, matches: a }]"),
            ["`/L/T` selects nothing"]
        );
        let bad = check("body: [{ select: \"/L/S[@Id='${nobody}']\", exists: true }]");
        assert!(
            bad[0].starts_with("selector `/L/S[@Id='${nobody}']`"),
            "{bad:?}"
        );
    }
}
