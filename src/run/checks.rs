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

/// Every selector assertion of the step, on the parsed body.
pub(crate) fn assertions(
    assertions: &[Assertion],
    doc: &crate::xml::tree::Document,
    vars: &Variables,
) -> Vec<Failure> {
    assertions
        .iter()
        .filter_map(|a| assertion(a, doc, vars))
        .collect()
}

fn assertion(
    assertion: &Assertion,
    doc: &crate::xml::tree::Document,
    vars: &Variables,
) -> Option<Failure> {
    let selector = match &assertion.select.fixed {
        Some(s) => s.clone(),
        None => match vars
            .expand(&assertion.select.template)
            .and_then(|t| crate::xml::select::Selector::parse(&t).map_err(|e| e.to_string()))
        {
            Ok(s) => s,
            Err(e) => {
                return Some(
                    Failure::new(
                        FailureKind::Assertion,
                        format!("selector `{}`: {e}", assertion.select),
                    )
                    .at(assertion.select.to_string()),
                )
            }
        },
    };
    let selected = selector.select(doc);
    let sel = selector.source();
    let count = selected.len();
    let fail = |message: String, expected: String, actual: Option<String>| {
        Some(
            Failure::new(FailureKind::Assertion, message)
                .at(sel)
                .values(Some(expected), actual),
        )
    };
    let single = || match selected.as_slice() {
        [one] => Ok(one.value()),
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
