//! What a running scenario carries from step to step: its client and cookies,
//! variables, responses and their links, and its deadline. Every phase of a
//! step reads or writes it; the scenario module drives the steps over it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use super::exchange::Exchange;
use super::vars::Variables;
use super::RunOptions;

/// What a running scenario carries from step to step.
pub struct ScenarioState {
    pub client: reqwest::Client,
    /// This scenario's cookies (requests with `cookies: false` neither send nor keep any).
    pub cookies: Arc<reqwest::cookie::Jar>,
    pub options: Arc<RunOptions>,
    /// The scenario's name, by which known deviations find their steps.
    pub scenario_name: String,
    /// The trial's name, `DIALECT::NAME[...]`.
    pub trial: String,
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
    /// When the scenario's steps must have ended (`--scenario-timeout`); none
    /// in `finally`, whose steps each have the exchange timeout.
    pub deadline: Option<Instant>,
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
