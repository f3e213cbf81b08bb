//! After a scenario: each session it opened, checked on the server. A session
//! counts as ended only when the server refuses its token; while the server
//! still serves it (and refuses a made-up token, so serving means something),
//! the vendor's other documented ways to end a session are tried, each checked
//! again. What the server showed, not what the steps assumed, is the verdict.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::state::ScenarioState;
use super::step::run_step;
use super::vars::Value;
use crate::knowledge::SessionRules;
use crate::outcome::{Phase, SessionEnd, SessionState, Status, StepOutcome};
use crate::scenario::model::{Request, Step};
use crate::scenario::GoldenEntry;

/// A token no server issued: a server that serves it serves any token, so its
/// answer to a real one says nothing of the session.
const MADE_UP_TOKEN: &str = "QSDK 00000000000000000000000000000000made-up-by-sessionconf";

/// One session a scenario opened: the variable holding its token.
pub(crate) struct Opened {
    pub variable: String,
}

impl Opened {
    /// A token in `PREFIXtoken` has its id in `PREFIXsession_id` and its
    /// Href in `PREFIXsession_href` (a fragment used `as: admin` makes
    /// `admin_token`, `admin_session_id`, `admin_session_href`).
    fn prefix(&self) -> String {
        match self.variable.strip_suffix("token") {
            Some(prefix) => prefix.to_string(),
            None => format!("{}_", self.variable),
        }
    }
}

/// Checks `session` on the server, ending it by the vendor's other ways while
/// it is open; the steps sent are added to `steps`.
pub(crate) fn check_session(
    state: &mut ScenarioState,
    rules: &SessionRules,
    session: &Opened,
    steps: &mut Vec<StepOutcome>,
) -> SessionEnd {
    let saved = state.vars.clone();
    let session_id = bind(state, session);
    let mut tried = Vec::new();
    let var = &session.variable;
    let mut seen = check(state, rules, var, steps, &mut tried);
    for way in &rules.end {
        if seen != SessionState::Open {
            break;
        }
        if let Some(missing) = missing_variable(state, &way.request) {
            tried.push(format!(
                "{}: not tried (needs `{missing}`, which the scenario did not capture)",
                way.name
            ));
            continue;
        }
        let sent = send(state, &format!("end-{var}-by-{}", way.name), &way.request);
        tried.push(format!("{}: {}", way.name, answer(&sent)));
        steps.push(sent);
        seen = check(state, rules, var, steps, &mut tried);
    }
    state.vars = saved;
    SessionEnd {
        variable: session.variable.clone(),
        session_id,
        state: seen,
        tried,
    }
}

/// The check's variables for this session; its id, when the scenario has one.
fn bind(state: &mut ScenarioState, session: &Opened) -> Option<String> {
    let one = |state: &ScenarioState, name: &str| match state.vars.get(name) {
        Some(Value::One(v)) => Some(v.clone()),
        _ => None,
    };
    let prefix = session.prefix();
    let token = one(state, &session.variable).unwrap_or_default();
    state.vars.set("token", Value::One(token), true);
    let mut id = None;
    for name in ["session_id", "session_href"] {
        match one(state, &format!("{prefix}{name}")) {
            Some(v) => {
                if name == "session_id" {
                    id = Some(v.clone());
                }
                state.vars.set(name, Value::One(v), false);
            }
            None => state.vars.unset(name),
        }
    }
    id
}

/// The check request with the session's token: refused is closed; served is
/// open only if a made-up token is refused.
fn check(
    state: &mut ScenarioState,
    rules: &SessionRules,
    var: &str,
    steps: &mut Vec<StepOutcome>,
    tried: &mut Vec<String>,
) -> SessionState {
    let sent = send(state, &format!("check-{var}-ended"), &rules.check);
    tried.push(format!("check: {}", answer(&sent)));
    let seen = match sent.response_status {
        Some(401) => SessionState::Closed,
        Some(200..=299) => SessionState::Open,
        _ => SessionState::Unknown,
    };
    steps.push(sent);
    if seen != SessionState::Open {
        return seen;
    }
    let token = state.vars.get("token").cloned();
    state
        .vars
        .set("token", Value::One(MADE_UP_TOKEN.into()), false);
    let made_up = send(
        state,
        &format!("check-{var}-against-made-up-token"),
        &rules.check,
    );
    tried.push(format!("check with a made-up token: {}", answer(&made_up)));
    let told = made_up.response_status == Some(401);
    steps.push(made_up);
    if let Some(token) = token {
        state.vars.set("token", token, true);
    }
    if told {
        SessionState::Open
    } else {
        tried.push("the server does not refuse a made-up token, so whether the session ended cannot be told".into());
        SessionState::Unknown
    }
}

/// The first variable `request` names that the session does not have.
fn missing_variable(state: &ScenarioState, request: &Request) -> Option<String> {
    let templates = request
        .path
        .iter()
        .chain(&request.url)
        .chain(request.headers.values())
        .chain(request.body.iter().flat_map(|b| b.all()));
    templates
        .flat_map(|t| t.variables())
        .find(|v| state.vars.get(v).is_none())
        .map(str::to_string)
}

/// Sends `request` as a `finally` step; its answer is information, never a
/// failure of its own (the verdict is the session's state).
fn send(state: &mut ScenarioState, name: &str, request: &Request) -> StepOutcome {
    let step = Step {
        name: name.to_string(),
        request: request.clone(),
        expect: Default::default(),
        capture: BTreeMap::new(),
        opens_session: None,
        closes_session: None,
        uses: None,
        with: Default::default(),
        prefix: None,
        golden_names: Vec::new(),
        covers: Vec::new(),
        cited: Vec::new(),
        covers_at: Vec::new(),
    };
    let goldens: BTreeMap<PathBuf, GoldenEntry> = BTreeMap::new();
    let mut outcome = run_step(state, &step, Phase::Finally, &goldens);
    let transport = outcome
        .failures
        .iter()
        .find(|f| f.kind == crate::outcome::FailureKind::Transport)
        .map(|f| f.message.clone());
    outcome.failures.clear();
    outcome.status = Status::Passed;
    outcome.note = transport;
    outcome
}

/// `METHOD URL -> status`, or why nothing came back.
fn answer(sent: &StepOutcome) -> String {
    let request = sent.request.as_deref().unwrap_or("(not sent)");
    match (sent.response_status, &sent.note) {
        (Some(status), _) => format!("{request} -> {status}"),
        (None, Some(why)) => format!("{request} -> no answer ({why})"),
        (None, None) => format!("{request} -> no answer"),
    }
}
