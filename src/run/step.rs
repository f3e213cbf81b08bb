//! One step: build the request, send it, capture values, check expectations.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use super::exchange::{self, Exchange, Outgoing};
use super::scenario::{FoundLink, ScenarioState};
use super::vars::Value;
use crate::golden::bless;
use crate::report::{Phase, Status, StepOutcome};
use crate::scenario::model::{Capture, CaptureSource, Check, Step, TextCheck};
use crate::scenario::GoldenEntry;
use crate::xml::canonical::Element;
use crate::xml::compare;

/// Why a request could not be built.
enum Unbuilt {
    /// An input is missing because an earlier step failed: a `finally` step is skipped.
    Unavailable(String),
    Invalid(String),
}

pub fn run_step(
    state: &mut ScenarioState,
    step: &Step,
    phase: Phase,
    goldens: &BTreeMap<PathBuf, GoldenEntry>,
) -> StepOutcome {
    let started = Instant::now();
    let mut outcome = StepOutcome {
        name: step.name.clone(),
        phase,
        status: Status::Passed,
        request: None,
        response_status: None,
        failures: Vec::new(),
        diff: None,
        note: None,
        blessed: None,
        duration_ms: 0.0,
    };
    let outgoing = match prepare(state, step) {
        Ok(o) => o,
        Err(Unbuilt::Unavailable(why)) if phase == Phase::Finally => {
            outcome.status = Status::Skipped;
            outcome.note = Some(state.redact(&why));
            return outcome;
        }
        Err(Unbuilt::Unavailable(why) | Unbuilt::Invalid(why)) => {
            outcome.status = Status::Failed;
            outcome.failures.push(state.redact(&why));
            return outcome;
        }
    };
    outcome.request = Some(state.redact(&format!("{} {}", outgoing.method, outgoing.url)));
    let jar = step.request.cookies.then_some(state.cookies.as_ref());
    let result = exchange::send(
        &state.client,
        jar,
        &outgoing,
        state.options.client.max_body_bytes,
        state.options.client.timeout.as_secs_f64(),
    );
    let exchange = match result {
        Ok(e) => e,
        Err(why) => {
            outcome.status = Status::Failed;
            outcome.failures.push(state.redact(&why));
            outcome.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
            return outcome;
        }
    };
    learn_secrets(state, &exchange);
    outcome.response_status = Some(exchange.status);
    let mut failures = Vec::new();
    check_and_capture(state, step, &exchange, goldens, &mut failures, &mut outcome);
    state.responses.insert(step.name.clone(), exchange);
    outcome.failures = failures.iter().map(|f| state.redact(f)).collect();
    if let Some(diff) = outcome.diff.take() {
        outcome.diff = Some(state.redact(&diff));
    }
    if !outcome.failures.is_empty() {
        outcome.status = Status::Failed;
    }
    outcome.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    outcome
}

/// Tokens and session cookies a server hands out are secret from the moment they arrive.
fn learn_secrets(state: &ScenarioState, exchange: &Exchange) {
    for (name, value) in &exchange.headers {
        if name.eq_ignore_ascii_case("set-cookie") {
            if let Some((_, v)) = value.split(';').next().and_then(|p| p.split_once('=')) {
                state.vars.redactor.add(v.trim());
            }
        } else if super::redact::is_secret_header(name) {
            state.vars.redactor.add(value.trim());
        }
    }
}

fn prepare(state: &ScenarioState, step: &Step) -> Result<Outgoing, Unbuilt> {
    let request = &step.request;
    let expand = |t| state.vars.expand(t).map_err(Unbuilt::Unavailable);
    let mut url = if let Some(path) = &request.path {
        let path = expand(path)?;
        state
            .options
            .base_url
            .join(path.trim_start_matches('/'))
            .map_err(|e| Unbuilt::Invalid(format!("path `{path}` does not make a URL: {e}")))?
    } else if let Some(url) = &request.url {
        let text = expand(url)?;
        reqwest::Url::parse(&text)
            .map_err(|e| Unbuilt::Invalid(format!("`{text}` is not an absolute URL: {e}")))?
    } else if let Some(link) = &request.link {
        follow_link(state, &link.step, &link.rel, link.link_type.as_deref())?
    } else {
        return Err(Unbuilt::Invalid("the request has no target".into()));
    };
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, t) in &request.query {
            pairs.append_pair(k, &expand(t)?);
        }
    }
    let mut headers = Vec::new();
    for (name, t) in &request.headers {
        headers.push((name.clone(), expand(t)?));
    }
    if let Some(auth) = &request.auth {
        use base64::Engine;
        let user = expand(&auth.basic.user)?;
        let password = expand(&auth.basic.password)?;
        state.vars.redactor.add(&password);
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        state.vars.redactor.add(&token);
        headers.push(("Authorization".into(), format!("Basic {token}")));
    }
    let body = match &request.body {
        Some(t) => Some(expand(t)?),
        None => None,
    };
    let method = reqwest::Method::from_bytes(request.method.0.as_bytes())
        .map_err(|_| Unbuilt::Invalid(format!("`{}` is not an HTTP method", request.method.0)))?;
    Ok(Outgoing {
        method,
        url,
        headers,
        body,
    })
}

/// The `Href` of the `Link` with this `Rel` (and `Type`) in an earlier response:
/// the vendor tells clients to follow links rather than build URLs.
fn follow_link(
    state: &ScenarioState,
    from: &str,
    rel: &str,
    link_type: Option<&str>,
) -> Result<reqwest::Url, Unbuilt> {
    let wanted = match link_type {
        Some(t) => format!("Link Rel='{rel}' Type='{t}'"),
        None => format!("Link Rel='{rel}'"),
    };
    let exchange = state.responses.get(from).ok_or_else(|| {
        Unbuilt::Unavailable(format!(
            "step `{from}` has no response to take a {wanted} from"
        ))
    })?;
    let parsed;
    let links = match state.links.get(from) {
        Some(links) => links,
        None => {
            let doc = crate::xml::parse(&exchange.body).map_err(|e| {
                Unbuilt::Unavailable(format!(
                    "the response of step `{from}` is not XML ({e}), so it has no {wanted}"
                ))
            })?;
            parsed = links_of(&doc);
            &parsed
        }
    };
    let href = links
        .iter()
        .find(|l| {
            l.rel.as_deref() == Some(rel)
                && link_type.is_none_or(|t| l.link_type.as_deref() == Some(t))
        })
        .and_then(|l| l.href.as_deref())
        .ok_or_else(|| {
            Unbuilt::Unavailable(format!(
                "the response of step `{from}` has no {wanted} with an Href"
            ))
        })?;
    exchange.url.join(href).map_err(|e| {
        Unbuilt::Invalid(format!(
            "{wanted} has Href `{href}`, which is not a URL: {e}"
        ))
    })
}

fn links_of(doc: &crate::xml::tree::Document) -> Vec<FoundLink> {
    doc.descendants()
        .filter(|n| n.local_name() == "Link")
        .map(|n| FoundLink {
            rel: n.attribute("Rel").map(str::to_string),
            link_type: n.attribute("Type").map(str::to_string),
            href: n.attribute("Href").map(str::to_string),
        })
        .collect()
}

fn check_and_capture(
    state: &mut ScenarioState,
    step: &Step,
    exchange: &Exchange,
    goldens: &BTreeMap<PathBuf, GoldenEntry>,
    failures: &mut Vec<String>,
    outcome: &mut StepOutcome,
) {
    let expect = &step.expect;
    match &expect.status {
        Some(set) if !set.allows(exchange.status) => {
            failures.push(format!("status {}, expected {set}", exchange.status))
        }
        None if !(200..300).contains(&exchange.status) => {
            failures.push(format!("status {}, expected a 2xx status", exchange.status))
        }
        _ => {}
    }
    if (300..400).contains(&exchange.status) {
        if let Some(location) = exchange.header_values("location").first() {
            failures.push(format!(
                "redirect to {location} was not followed (sessionconf never follows redirects)"
            ));
        }
    }
    for (name, check) in &expect.headers {
        let values = exchange.header_values(name);
        let joined = values.join(", ");
        let shown = if super::redact::is_secret_header(name) {
            super::redact::REDACTED.to_string()
        } else {
            joined.clone()
        };
        match check {
            TextCheck::Present(true) | TextCheck::Absent(false) if values.is_empty() => {
                failures.push(format!("header {name} is missing"))
            }
            TextCheck::Absent(true) | TextCheck::Present(false) if !values.is_empty() => failures
                .push(format!(
                    "header {name} is present ({shown}), expected it absent"
                )),
            TextCheck::Equals(t) => match state.vars.expand(t) {
                Ok(want) if values.is_empty() => {
                    failures.push(format!("header {name} is missing, expected {want:?}"))
                }
                Ok(want) if joined != want => {
                    failures.push(format!("header {name} is {shown:?}, expected {want:?}"))
                }
                Ok(_) => {}
                Err(e) => failures.push(format!("header {name}: {e}")),
            },
            TextCheck::Matches(re) if values.is_empty() => failures.push(format!(
                "header {name} is missing, expected it to match /{}/",
                re.0
            )),
            TextCheck::Matches(re) if !re.0.is_match(&joined) => failures.push(format!(
                "header {name} is {shown:?}, which does not match /{}/",
                re.0
            )),
            _ => {}
        }
    }

    if let Some(check) = &expect.text {
        let body = exchange.body.as_str();
        match check {
            TextCheck::Present(true) | TextCheck::Absent(false) if body.is_empty() => {
                failures.push("the body is empty, expected text".into())
            }
            TextCheck::Absent(true) | TextCheck::Present(false) if !body.is_empty() => failures
                .push(format!(
                    "the body is {:?}, expected it empty",
                    excerpt(body)
                )),
            TextCheck::Equals(t) => match state.vars.expand(t) {
                Ok(want) if body != want => failures.push(format!(
                    "the body is {:?}, expected {want:?}",
                    excerpt(body)
                )),
                Ok(_) => {}
                Err(e) => failures.push(format!("expected text: {e}")),
            },
            TextCheck::Matches(re) if !re.0.is_match(body) => failures.push(format!(
                "the body {:?} does not match /{}/",
                excerpt(body),
                re.0
            )),
            _ => {}
        }
    }
    let needs_xml = expect.golden.is_some()
        || !expect.body.is_empty()
        || step
            .capture
            .values()
            .any(|c| matches!(c.source, CaptureSource::Select(_)));
    let parsed = if needs_xml {
        Some(parse_body(exchange))
    } else {
        None
    };
    let doc = match &parsed {
        Some(Ok(doc)) => Some(doc),
        Some(Err(why)) => {
            failures.push(why.clone());
            None
        }
        None => None,
    };

    state.links.remove(&step.name);
    if let Some(doc) = doc {
        if state.link_sources.contains(&step.name) {
            state.links.insert(step.name.clone(), links_of(doc));
        }
    }

    // Captures first: the golden of this very response may name them.
    for (name, capture) in &step.capture {
        match capture_value(state, name, capture, exchange, doc) {
            Ok(value) => {
                let secret = capture.secret || is_secret_capture(state, name, &value);
                state.vars.capture(name, value, secret);
            }
            Err(_) if capture.optional => {}
            Err(why) => failures.push(format!("capture `{name}`: {why}")),
        }
    }

    if let Some(doc) = doc {
        for assertion in &expect.body {
            let selector = match &assertion.select.fixed {
                Some(s) => s.clone(),
                None => match state
                    .vars
                    .expand(&assertion.select.template)
                    .map(|t| crate::xml::select::Selector::parse(&t).map_err(|e| e.to_string()))
                {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) | Err(e) => {
                        failures.push(format!("selector `{}`: {e}", assertion.select));
                        continue;
                    }
                },
            };
            let selected = selector.select(doc);
            let sel = selector.source();
            let single = || match selected.as_slice() {
                [one] => Ok(one.value()),
                [] => Err(format!("`{sel}` selects nothing")),
                many => Err(format!(
                    "`{sel}` selects {} nodes, expected one",
                    many.len()
                )),
            };
            match &assertion.check {
                Check::Exists if selected.is_empty() => {
                    failures.push(format!("`{sel}` selects nothing, expected it to exist"))
                }
                Check::Absent if !selected.is_empty() => failures.push(format!(
                    "`{sel}` selects {} nodes, expected none",
                    selected.len()
                )),
                Check::Count(n) if selected.len() != *n => failures.push(format!(
                    "`{sel}` selects {} nodes, expected {n}",
                    selected.len()
                )),
                Check::Equals(t) => match (single(), state.vars.expand(t)) {
                    (Ok(got), Ok(want)) if got != want => {
                        failures.push(format!("`{sel}` is {got:?}, expected {want:?}"))
                    }
                    (Err(e), _) | (_, Err(e)) => failures.push(e),
                    _ => {}
                },
                Check::Matches(re) => match single() {
                    Ok(got) if !re.0.is_match(&got) => failures.push(format!(
                        "`{sel}` is {got:?}, which does not match /{}/",
                        re.0
                    )),
                    Err(e) => failures.push(e),
                    _ => {}
                },
                _ => {}
            }
        }
    }

    if let (Some(rel), Some(doc)) = (&expect.golden, doc) {
        let entry = &goldens[rel];
        check_golden(state, rel, entry, doc, failures, outcome);
    }
}

fn parse_body(exchange: &Exchange) -> Result<crate::xml::tree::Document<'_>, String> {
    if let Some(e) = &exchange.body_error {
        return Err(format!("expected an XML body: {e}"));
    }
    if exchange.body.trim().is_empty() {
        return Err("expected an XML body, got an empty one".into());
    }
    crate::xml::parse(&exchange.body).map_err(|e| {
        let content_type = exchange
            .header_values("content-type")
            .first()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        format!("the response body{content_type} is not well-formed XML: {e}")
    })
}

/// A captured value is secret when it is named as one, or when it is all or part of
/// a secret already seen (token headers and cookie values are learned as they arrive),
/// so a piece cut from a token is secret and a cookie's `Path` is not.
fn is_secret_capture(state: &ScenarioState, name: &str, value: &Value) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("token") || lower.contains("password") {
        return true;
    }
    let secrets = state.vars.redactor.secrets();
    let is_part_of_a_secret =
        |v: &String| !v.is_empty() && secrets.iter().any(|s| s.contains(v.as_str()));
    match value {
        Value::One(v) => is_part_of_a_secret(v),
        Value::Many(vs) => vs.iter().any(is_part_of_a_secret),
    }
}

fn capture_value(
    state: &ScenarioState,
    name: &str,
    capture: &Capture,
    exchange: &Exchange,
    doc: Option<&crate::xml::tree::Document>,
) -> Result<Value, String> {
    let (mut values, from) = match &capture.source {
        CaptureSource::Select(sel) => match doc {
            Some(doc) => (
                sel.select(doc)
                    .iter()
                    .map(|s| s.value())
                    .collect::<Vec<_>>(),
                format!("`{sel}`"),
            ),
            None => return Err("the body is not XML".into()),
        },
        CaptureSource::Header(h) => (
            exchange
                .header_values(h)
                .into_iter()
                .map(str::to_string)
                .collect(),
            format!("header {h}"),
        ),
        CaptureSource::Cookie(c) => (exchange.cookie_values(c), format!("cookie {c}")),
        CaptureSource::Body => (vec![exchange.body.clone()], "the body".to_string()),
    };
    if let Some(re) = &capture.regex {
        values = values
            .iter()
            .filter_map(|v| {
                let caps = re.0.captures(v)?;
                Some(caps.get(1).or_else(|| caps.get(0))?.as_str().to_string())
            })
            .collect();
    }
    if let Some(list) = &capture.exclude {
        let excluded: Vec<String> = match state.vars.get(list) {
            Some(Value::Many(vs)) => vs.clone(),
            Some(Value::One(v)) => vec![v.clone()],
            None => return Err(format!("`{list}` to exclude has no value")),
        };
        values.retain(|v| !excluded.contains(v));
    }
    if capture.all {
        return Ok(Value::Many(values));
    }
    match values.len() {
        1 => Ok(Value::One(values.pop().expect("one value"))),
        0 => Err(format!("{from} gives no value{}", if capture.regex.is_some() { " matching the regex" } else { "" })),
        n => Err(format!("{from} gives {n} values for `{name}`; narrow the selector or capture them with `all: true`")),
    }
}

fn check_golden(
    state: &mut ScenarioState,
    rel: &std::path::Path,
    entry: &GoldenEntry,
    doc: &crate::xml::tree::Document,
    failures: &mut Vec<String>,
    outcome: &mut StepOutcome,
) {
    let bindings = state.vars.bindings(state.origin.as_deref());
    let Some(expected) = &entry.expected else {
        // A golden that does not exist yet: bless records the response as it is.
        let recorded = compare::record(
            doc.root_element(),
            &bindings_with_endpoint_origin(state, bindings),
        );
        bless_golden(state, entry, recorded, failures, outcome);
        return;
    };
    let comparison = compare::compare(expected, doc.root_element(), &bindings);
    if comparison.bindings.origin.is_some() {
        state.origin = comparison.bindings.origin.clone();
    }
    if comparison.is_match() {
        return;
    }
    if state.options.bless {
        let normalized = comparison
            .normalized
            .unwrap_or_else(|| Element::from_expected(expected));
        bless_golden(state, entry, normalized, failures, outcome);
        return;
    }
    let mismatch = crate::golden::mismatch(&rel.display().to_string(), expected, &comparison);
    failures.push(mismatch.summary);
    failures.extend(mismatch.differences);
    outcome.diff = Some(mismatch.diff);
}

/// Without a golden to say where the origin is, the endpoint's own origin is the best guess.
fn bindings_with_endpoint_origin(
    state: &ScenarioState,
    mut bindings: crate::xml::Bindings,
) -> crate::xml::Bindings {
    if bindings.origin.is_none() {
        let base = &state.options.base_url;
        bindings.origin = Some(base.origin().ascii_serialization());
    }
    bindings
}

fn bless_golden(
    state: &ScenarioState,
    entry: &GoldenEntry,
    mut element: Element,
    failures: &mut Vec<String>,
    outcome: &mut StepOutcome,
) {
    // A secret the response echoed and no capture named must not reach the golden.
    let secrets = state.vars.redactor.secrets();
    element.walk_mut(&mut |e| {
        let scrub = |v: &mut String| {
            for s in &secrets {
                if v.contains(s.as_str()) {
                    *v = v.replace(s.as_str(), "{{any}}");
                }
            }
        };
        e.attrs.iter_mut().for_each(|(_, v)| scrub(v));
        if let Some(t) = &mut e.text {
            scrub(t);
        }
    });
    match bless::write(&entry.path, &element) {
        Ok(()) => outcome.blessed = Some(entry.path.display().to_string()),
        Err(e) => failures.push(e.to_string()),
    }
}

/// The start of a long body, for a failure message.
fn excerpt(body: &str) -> String {
    const LIMIT: usize = 200;
    match body.char_indices().nth(LIMIT) {
        Some((i, _)) => format!("{}...", &body[..i]),
        None => body.to_string(),
    }
}
