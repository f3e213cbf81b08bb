//! One step, in phases: build the request, send it, learn its secrets, capture
//! values, check status, headers, text, assertions and the golden. Every phase
//! returns its failures as data; this module only puts them in order.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use super::exchange::{self, Exchange};
use super::request::{links_of, prepare, Unbuilt};
use super::state::ScenarioState;
use super::{capture, checks, golden_check};
use crate::outcome::{Failure, FailureKind, Phase, Status, StepOutcome};
use crate::representation::Representation;
use crate::scenario::model::{CaptureSource, Expect, Step};
use crate::scenario::GoldenEntry;

/// Runs `step` and says how it went; keeps the run's list of open sessions.
pub(crate) fn run_step(
    state: &mut ScenarioState,
    step: &Step,
    phase: Phase,
    goldens: &BTreeMap<PathBuf, GoldenEntry>,
) -> StepOutcome {
    let mut outcome = exchange_and_check(state, step, phase, goldens);
    track_sessions(state, step, &outcome);
    use crate::scenario::covers::Scope;
    for cover in &step.cited {
        if !outcome.covers.contains(&cover.id) {
            outcome.covers.push(cover.id.clone());
        }
        // A known deviation stands in for the step's documented status.
        let by_status = matches!(cover.scope, Scope::Status | Scope::Step);
        if outcome.status == Status::KnownDeviation
            && by_status
            && !outcome.deviates.contains(&cover.id)
        {
            outcome.deviates.push(cover.id.clone());
        }
    }
    if outcome.status == Status::Failed {
        outcome.breaks = broken(&state.options.requirements, &step.cited, &outcome.failures);
    }
    outcome
}

/// The cited requirements one of `failures` breaks, each once, with what it requires.
fn broken(
    catalogue: &[crate::knowledge::Requirement],
    cited: &[crate::scenario::covers::Cover],
    failures: &[crate::outcome::Failure],
) -> Vec<crate::outcome::Broken> {
    let mut broken: Vec<crate::outcome::Broken> = Vec::new();
    for cover in cited {
        if broken.iter().any(|b| b.id == cover.id) || !failures.iter().any(|f| cover.broken_by(f)) {
            continue;
        }
        let text = catalogue
            .iter()
            .find(|r| r.id == cover.id)
            .map(|r| r.text.clone());
        broken.push(crate::outcome::Broken {
            id: cover.id.clone(),
            text: text.unwrap_or_default(),
        });
    }
    broken
}

/// A session is open once its variable has a value, closed once a step that closes it passes.
fn track_sessions(state: &ScenarioState, step: &Step, outcome: &StepOutcome) {
    use super::open_sessions::OpenSession;
    use super::vars::Value;
    let registry = &state.options.open_sessions;
    if let Some(var) = step
        .opens_session
        .as_ref()
        .filter(|v| state.vars.get(v).is_some())
    {
        let details = step
            .capture
            .keys()
            .filter(|k| *k != var)
            .filter_map(|k| match state.vars.get(k) {
                Some(Value::One(v)) if state.redact(v) == *v => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect();
        registry.opened(OpenSession {
            trial: state.trial.clone(),
            step: step.name.clone(),
            variable: var.clone(),
            details,
        });
    }
    if let Some(var) = &step.closes_session {
        if matches!(outcome.status, Status::Passed | Status::KnownDeviation) {
            registry.closed(&state.trial, var);
        }
    }
}

fn exchange_and_check(
    state: &mut ScenarioState,
    step: &Step,
    phase: Phase,
    goldens: &BTreeMap<PathBuf, GoldenEntry>,
) -> StepOutcome {
    let started = Instant::now();
    let mut outcome = StepOutcome::new(&step.name, phase);
    let mut note = None;
    let outgoing = match prepare(state, step, phase, &mut note) {
        Ok(o) => o,
        Err(Unbuilt::Unavailable(why)) if phase == Phase::Finally => {
            outcome.status = Status::Skipped;
            outcome.note = Some(state.redact(&why));
            return outcome;
        }
        Err(Unbuilt::Unavailable(why) | Unbuilt::Invalid(why)) => {
            outcome.fail(Failure::new(FailureKind::Request, state.redact(&why)));
            return outcome;
        }
    };
    outcome.note = note.map(|n| state.redact(&n));
    outcome.request = Some(state.redact(&format!("{} {}", outgoing.method, outgoing.url)));
    outcome.sent = Some(super::record::request(state, &outgoing));
    let jar = step.request.cookies.then_some(state.cookies.as_ref());
    let sent = exchange::send(&state.client, jar, &outgoing, limits(state));
    let asked = outgoing
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("accept"))
        .find_map(|(_, value)| Representation::asked(value));
    match sent {
        Ok(exchange) => {
            learn_secrets(state, &exchange);
            outcome.response_status = Some(exchange.status);
            let exchange = Received { exchange, asked };
            let bless = state.options.bless;
            let mut failures =
                check_response(state, step, &exchange, (goldens, bless), &mut outcome);
            if !failures.is_empty() {
                let sent = (outgoing.method.as_str(), outgoing.url.as_str());
                if let Some(note) = known_deviation(state, step, sent, &exchange, &mut outcome) {
                    failures.clear();
                    outcome.diff = None;
                    outcome.status = Status::KnownDeviation;
                    outcome.note = Some(note);
                }
            }
            // After the captures: a value captured as secret is redacted here too.
            outcome.received = Some(super::record::response(state, &exchange));
            keep(state, step, &exchange, goldens);
            state.responses.insert(step.name.clone(), exchange.exchange);
            for f in failures {
                let redacted = f.redacted(|t| state.redact(t));
                outcome.fail(redacted);
            }
            outcome.diff = outcome.diff.take().map(|d| state.redact(&d));
        }
        Err(why) => outcome.fail(Failure::new(FailureKind::Transport, state.redact(&why))),
    }
    outcome.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    outcome
}

/// A response, and the representation its request asked for (its Accept header).
struct Received {
    exchange: Exchange,
    asked: Option<Representation>,
}

impl std::ops::Deref for Received {
    type Target = Exchange;
    fn deref(&self) -> &Exchange {
        &self.exchange
    }
}

impl Received {
    /// What the step reads the response as: what it asked for, else what the
    /// response says it is, else XML (both APIs' default).
    fn representation(&self) -> Representation {
        self.asked
            .or_else(|| Representation::of_response(self.content_type(), &self.body))
            .unwrap_or_default()
    }

    fn content_type(&self) -> Option<&str> {
        self.header_values("content-type").first().copied()
    }

    /// The golden file the step's `golden:` names for this response.
    fn golden(&self, expect: &Expect) -> Option<PathBuf> {
        let rel = expect.golden.as_ref()?;
        Some(self.representation().golden_path(rel))
    }
}

/// The response whole, for a run that keeps a transcript.
fn keep(
    state: &ScenarioState,
    step: &Step,
    exchange: &Received,
    goldens: &BTreeMap<PathBuf, GoldenEntry>,
) {
    let Some(transcript) = &state.options.transcript else {
        return;
    };
    let mut bindings = state.vars.bindings(state.origin.as_deref());
    if bindings.origin.is_none() {
        bindings.origin = Some(state.options.base_url.origin().ascii_serialization());
    }
    transcript.keep(super::transcript::Exchanged {
        trial: state.trial.clone(),
        step: step.name.clone(),
        status: exchange.status,
        body: exchange.body.clone(),
        secrets: state.vars.redactor.secrets(),
        bindings,
        golden: exchange
            .golden(&step.expect)
            .and_then(|g| goldens.get(&g)?.expected.clone()),
    });
}

/// The exchange's limits: the exchange timeout, or what is left of the
/// scenario's time when that is less (a step in flight is stopped with it).
fn limits(state: &ScenarioState) -> exchange::Limits {
    let options = &state.options.client;
    let mut limits = exchange::Limits {
        max_body_bytes: options.max_body_bytes,
        timeout: options.timeout,
        timeout_option: "--timeout",
    };
    if let Some(deadline) = state.deadline {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left < limits.timeout {
            limits.timeout = left.max(std::time::Duration::from_millis(1));
            limits.timeout_option = "--scenario-timeout";
        }
    }
    limits
}

/// The first known deviation whose expectations the response meets, described.
/// The step's own checks failed; a response that meets neither the documented
/// nor a known behaviour still fails.
fn known_deviation(
    state: &mut ScenarioState,
    step: &Step,
    (method, url): (&str, &str),
    exchange: &Received,
    outcome: &mut StepOutcome,
) -> Option<String> {
    let options = state.options.clone();
    let scenario = state.scenario_name.clone();
    let about = crate::knowledge::deviation::Exchanged {
        scenario: &scenario,
        step: &step.name,
        method,
        path: crate::knowledge::deviation::below(options.base_url.as_str(), url),
        expected: step.expect.status.as_ref(),
        version: options.version.as_ref(),
    };
    for d in options.deviations_about(about) {
        let mut alternative = step.clone();
        alternative.expect = d.expect.clone();
        let mut scratch = StepOutcome::new(&step.name, Phase::Steps);
        // The goldens that ship with the tool are never blessed.
        let goldens = (&d.goldens, options.bless && !d.built_in);
        if check_response(state, &alternative, exchange, goldens, &mut scratch).is_empty() {
            outcome.blessed = scratch.blessed;
            options
                .deviations_seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(d.id.clone());
            return Some(format!(
                "known deviation `{}`: documented {}; observed {} (source: {})",
                d.id, d.documented, d.observed, d.source
            ));
        }
    }
    None
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

/// Captures, then every check of `expect`, in the order a reader expects them.
fn check_response(
    state: &mut ScenarioState,
    step: &Step,
    exchange: &Received,
    (goldens, bless): (&BTreeMap<PathBuf, GoldenEntry>, bool),
    outcome: &mut StepOutcome,
) -> Vec<Failure> {
    let expect = &step.expect;
    let mut failures = checks::status(expect, exchange);
    failures.extend(checks::headers(expect, exchange, &state.vars));
    failures.extend(checks::text(expect, exchange, &state.vars));
    let representation = exchange.representation();
    let golden = exchange.golden(expect);
    let (wants_xml, wants_json) = formats(step, golden.as_deref(), representation);
    if wants_xml || wants_json {
        failures.extend(checks::representation(
            exchange.asked,
            exchange.content_type(),
            &exchange.body,
        ));
    }
    let xml = wants_xml.then(|| parse_body(exchange));
    let json = wants_json.then(|| parse_json(exchange));
    let unreadable = [
        xml.as_ref().and_then(|r| r.as_ref().err()),
        json.as_ref().and_then(|r| r.as_ref().err()),
    ];
    failures.extend(unreadable.into_iter().flatten().cloned());
    let parsed = crate::select::Parsed {
        xml: xml.as_ref().and_then(|r| r.as_ref().ok()),
        json: json.as_ref().and_then(|r| r.as_ref().ok()),
        representation,
    };
    state.links.remove(&step.name);
    if state.link_sources.contains(&step.name) {
        let links = match parsed {
            crate::select::Parsed { xml: Some(doc), .. } => Some(links_of(doc)),
            crate::select::Parsed {
                json: Some(doc), ..
            } => Some(super::request::json_links(doc)),
            _ => None,
        };
        state.links.extend(links.map(|l| (step.name.clone(), l)));
    }
    // Captures first: the golden of this very response may name them.
    failures.extend(capture::capture_all(state, step, exchange, parsed));
    if unreadable.iter().all(Option::is_none) {
        failures.extend(checks::assertions(&expect.body, parsed, &state.vars));
    }
    note_unchecked(expect, representation, outcome);
    let Some(rel) = &golden else {
        return failures;
    };
    let body = match Representation::of_golden(rel) {
        Representation::Json => parsed.json.map(crate::golden::Body::Json),
        Representation::Xml => parsed.xml.map(crate::golden::Body::Xml),
    };
    let Some(entry) = goldens.get(rel) else {
        failures.push(golden_check::no_golden(rel, representation));
        return failures;
    };
    if let Some(body) = body {
        // A golden is recorded only from a response whose other checks passed:
        // a failed logon must not become the logon's golden. One that ships
        // with the tool is its contract, never rewritten by a server's answer.
        let may_bless = bless && failures.is_empty() && !entry.built_in;
        let judged = golden_check::Judged {
            rel,
            entry,
            body: &body,
            text: &exchange.body,
            encoding: exchange.encoding,
            names: &step.golden_names,
        };
        failures.extend(golden_check::check_golden(
            state, judged, may_bless, outcome,
        ));
    }
    failures
}

/// Says which assertions have no form for the response's representation, so
/// a check left out is never mistaken for one that passed.
fn note_unchecked(expect: &Expect, representation: Representation, outcome: &mut StepOutcome) {
    let unchecked: Vec<String> = expect
        .body
        .iter()
        .filter(|a| a.select.pick(representation).is_none())
        .map(|a| format!("`{}`", a.select))
        .collect();
    if unchecked.is_empty() {
        return;
    }
    let said = format!(
        "not checked on this {representation} response (no `{}` form): {}",
        representation.ext(),
        unchecked.join(", ")
    );
    outcome.note = Some(match outcome.note.take() {
        Some(before) => format!("{before}; {said}"),
        None => said,
    });
}

/// Which formats a step reads its response in (XML, JSON): its golden's, and
/// its selectors' for the representation (a path starting with `$` reads JSON).
fn formats(
    step: &Step,
    golden: Option<&std::path::Path>,
    representation: Representation,
) -> (bool, bool) {
    let expect: &Expect = &step.expect;
    let mut formats = (false, false);
    let mut note = |json: bool| {
        if json {
            formats.1 = true;
        } else {
            formats.0 = true;
        }
    };
    if let Some(golden) = golden {
        note(Representation::of_golden(golden) == Representation::Json);
    }
    use crate::scenario::model::ReadsJson;
    for form in expect
        .body
        .iter()
        .filter_map(|a| a.select.pick(representation))
    {
        note(form.reads_json());
    }
    for c in step.capture.values() {
        if let CaptureSource::Select(forms) = &c.source {
            if let Some(s) = forms.pick(representation) {
                note(s.reads_json());
            }
        }
    }
    formats
}

fn parse_json(exchange: &Exchange) -> Result<crate::json::Json, Failure> {
    let body_failure = |m: String| Failure::new(FailureKind::Body, m);
    if let Some(e) = &exchange.body_error {
        return Err(body_failure(format!("expected a JSON body: {e}")));
    }
    crate::json::parse(&exchange.body).map_err(|e| {
        body_failure(format!(
            "the response body is not a JSON document this tool reads: {e}"
        ))
    })
}

fn parse_body(exchange: &Exchange) -> Result<crate::xml::tree::Document<'_>, Failure> {
    let body_failure = |m: String| Failure::new(FailureKind::Body, m);
    if let Some(e) = &exchange.body_error {
        return Err(body_failure(format!("expected an XML body: {e}")));
    }
    if exchange.body.trim().is_empty() {
        return Err(body_failure(
            "expected an XML body, got an empty one".into(),
        ));
    }
    crate::xml::parse_as(&exchange.body, exchange.encoding).map_err(|e| {
        let content_type = exchange
            .header_values("content-type")
            .first()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        body_failure(format!(
            "the response body{content_type} is not well-formed XML: {e}"
        ))
    })
}
