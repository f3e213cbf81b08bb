//! One scenario: its steps in order until one fails, then its `finally` steps, always.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use super::exchange::Exchange;
use super::step::run_step;
use super::vars::{Value, Variables};
use super::RunOptions;
use crate::report::{Phase, ScenarioOutcome, Status, StepOutcome};
use crate::scenario::LoadedScenario;

/// What a running scenario carries from step to step.
pub struct ScenarioState {
    pub client: reqwest::blocking::Client,
    /// This scenario's cookies (requests with `cookies: false` neither send nor keep any).
    pub cookies: Arc<reqwest::cookie::Jar>,
    pub options: Arc<RunOptions>,
    pub vars: Variables,
    /// The `{{origin}}` the server reported first; the same everywhere after.
    pub origin: Option<String>,
    /// Responses by step name, for link following.
    pub responses: HashMap<String, Exchange>,
    /// Steps whose links a later request follows.
    pub link_sources: HashSet<String>,
    /// The links of those steps' responses, kept when the response was parsed for
    /// its checks so that following one does not parse it again.
    pub links: HashMap<String, Vec<FoundLink>>,
}

/// A `Link` element of a response.
#[derive(Debug, Clone)]
pub struct FoundLink {
    pub rel: Option<String>,
    pub link_type: Option<String>,
    pub href: Option<String>,
}

impl ScenarioState {
    pub fn redact(&self, text: &str) -> String {
        self.vars.redactor.redact(text)
    }
}

pub fn run_scenario(loaded: &LoadedScenario, options: &Arc<RunOptions>) -> ScenarioOutcome {
    let started = Instant::now();
    let scenario = &loaded.scenario;
    let mut outcome = ScenarioOutcome {
        id: loaded.id.clone(),
        name: scenario.name.clone(),
        dialect: loaded.dialect.clone(),
        file: loaded.file.display().to_string(),
        description: scenario.description.clone(),
        tags: scenario.tags.clone(),
        status: Status::Passed,
        steps: Vec::new(),
        duration_ms: 0.0,
    };
    let failed_setup = |why: String, mut outcome: ScenarioOutcome| {
        outcome.status = Status::Failed;
        outcome.steps.push(StepOutcome {
            name: "setup".into(),
            phase: Phase::Steps,
            status: Status::Failed,
            request: None,
            response_status: None,
            failures: vec![why],
            diff: None,
            note: None,
            blessed: None,
            duration_ms: 0.0,
        });
        outcome
    };
    let client = match options.http() {
        Ok(c) => c.clone(),
        Err(why) => return failed_setup(why, outcome),
    };
    let mut vars = Variables::default();
    let c = &options.credentials;
    vars.set("user", Value::One(c.user.clone()), false);
    vars.set("password", Value::One(c.password.clone()), true);
    vars.set("tenant_user", Value::One(c.tenant_user.clone()), false);
    vars.set(
        "tenant_password",
        Value::One(c.tenant_password.clone()),
        true,
    );
    vars.set("base_url", Value::One(options.base_url.to_string()), false);
    for (name, template) in &scenario.vars {
        match vars.expand(template) {
            Ok(v) => {
                // A value made from a secret is a secret.
                let secret = vars.redactor.redact(&v) != v;
                vars.set(name, Value::One(v), secret)
            }
            Err(why) => {
                let why = vars.redactor.redact(&format!("var `{name}`: {why}"));
                return failed_setup(why, outcome);
            }
        }
    }
    let mut state = ScenarioState {
        client,
        cookies: Arc::default(),
        options: options.clone(),
        vars,
        origin: None,
        responses: HashMap::new(),
        link_sources: scenario
            .steps
            .iter()
            .chain(&scenario.finally)
            .filter_map(|s| Some(s.request.link.as_ref()?.step.clone()))
            .collect(),
        links: HashMap::new(),
    };
    for (index, step) in scenario.steps.iter().enumerate() {
        let result = run_step(&mut state, step, Phase::Steps, &loaded.goldens);
        let failed = result.status == Status::Failed;
        outcome.steps.push(result);
        if failed {
            break;
        }
        if options.is_interrupted() && index + 1 < scenario.steps.len() {
            // Stop here, but still log out below: a run must not leave sessions open.
            if let Some(last) = outcome.steps.last_mut() {
                last.status = Status::Failed;
                last.failures
                    .push("interrupted: the remaining steps were not run".into());
            }
            break;
        }
    }
    // Always: a logon must be logged out, whatever happened before.
    for step in &scenario.finally {
        outcome
            .steps
            .push(run_step(&mut state, step, Phase::Finally, &loaded.goldens));
    }
    if outcome.steps.iter().any(|s| s.status == Status::Failed) {
        outcome.status = Status::Failed;
    }
    outcome.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    outcome
}
