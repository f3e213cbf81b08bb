//! Running scenarios over HTTP: variables, requests, captures, links, checks.

mod capture;
mod certificate;
mod checks;
pub mod client;
pub(crate) mod exchange;
mod golden_check;
pub mod load_test;
pub mod open_sessions;
pub mod record;
pub(crate) mod redact;
mod request;
pub(crate) mod scenario;
mod session_check;
pub(crate) mod state;
mod step;
mod tls;
pub mod transcript;
pub(crate) mod vars;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub use client::ClientOptions;
pub use scenario::run_scenario;

use crate::credentials::Credentials;

/// How long a scenario's steps may take unless told otherwise.
pub const DEFAULT_SCENARIO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// What every scenario of a run shares.
#[derive(Debug)]
pub struct RunOptions {
    /// The API base URL as its users know it, ending in `/`.
    pub base_url: reqwest::Url,
    /// The target's name, in outcomes and in the names of sessions left open.
    pub target: String,
    /// Whether the run has several targets (trial names then start with the target's).
    pub several_targets: bool,
    /// HTTP client settings.
    pub client: ClientOptions,
    /// Limit on a scenario's steps; its `finally` steps then still run, each
    /// within the exchange timeout.
    pub scenario_timeout: std::time::Duration,
    /// Record differing or missing goldens instead of failing.
    pub bless: bool,
    /// The accounts scenarios log on with.
    pub credentials: Credentials,
    /// Set on Ctrl-C or SIGTERM: scenarios stop after the current step and run their `finally` steps.
    pub interrupted: Arc<AtomicBool>,
    /// Known deviations of the target's vendor.
    pub deviations: Arc<Vec<crate::knowledge::Deviation>>,
    /// The ids of the known deviations this target showed in the run.
    pub deviations_seen: std::sync::Mutex<std::collections::BTreeSet<String>>,
    /// How the target's vendor tells an ended session, and its other ways to end one.
    pub session_rules: Option<Arc<crate::knowledge::SessionRules>>,
    /// The target's API version, when known: deviations apply by it.
    pub version: Option<crate::version::Version>,
    /// Sessions the run's scenarios hold open, named if the run is stopped at once.
    pub open_sessions: open_sessions::OpenSessions,
    /// Variables of the run (`--var`), which override a scenario's own.
    pub variables: std::collections::BTreeMap<String, String>,
    /// What bless observed, written at the end of the run (shared by every target).
    pub bless_book: Arc<crate::golden::book::BlessBook>,
    /// Where every response is kept whole, when the run asks (`compare`).
    pub transcript: Option<Arc<transcript::Transcript>>,
    /// Values the target's vendor documents as volatile: bless writes placeholders.
    pub volatile: Arc<Vec<crate::golden::volatile::Volatile>>,
    /// What the target's vendor fixes and what varies: bless writes that contract.
    pub contract: Arc<crate::golden::contract::Contract>,
    /// The documented requirements of the target's vendor: a failed step names
    /// those it covers.
    pub requirements: Arc<Vec<crate::knowledge::Requirement>>,
}

impl RunOptions {
    /// Options for a run against `base_url`, with the credentials of the environment.
    pub fn new(base_url: reqwest::Url) -> RunOptions {
        RunOptions {
            base_url: normalize_base(base_url),
            target: String::new(),
            several_targets: false,
            client: ClientOptions::default(),
            scenario_timeout: DEFAULT_SCENARIO_TIMEOUT,
            bless: false,
            credentials: Credentials::from_env(),
            interrupted: Arc::new(AtomicBool::new(false)),
            deviations: Arc::default(),
            deviations_seen: Default::default(),
            session_rules: None,
            version: None,
            variables: std::collections::BTreeMap::new(),
            bless_book: Arc::default(),
            volatile: Arc::default(),
            contract: Arc::default(),
            requirements: Arc::default(),
            transcript: None,
            open_sessions: Default::default(),
        }
    }

    /// This thread's HTTP client for the run; an error (a bad certificate file)
    /// is the same for every scenario.
    pub fn http(&self) -> Result<reqwest::Client, String> {
        client::for_thread(&self.client, self.base_url.scheme() == "https")
    }

    /// Whether Ctrl-C or SIGTERM has asked the run to stop.
    pub fn is_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    /// The known deviations about `exchange` on this target's version.
    pub(crate) fn deviations_about<'a>(
        &'a self,
        exchange: crate::knowledge::deviation::Exchanged<'a>,
    ) -> impl Iterator<Item = &'a crate::knowledge::Deviation> + 'a {
        self.deviations
            .iter()
            .filter(move |d| d.is_about(&exchange))
    }

    /// The known deviations that apply to this target's version and that no
    /// step of the run showed: knowledge that may be stale, or a server that
    /// answered as documented.
    pub fn deviations_unseen(&self) -> Vec<String> {
        let seen = self
            .deviations_seen
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        self.deviations
            .iter()
            .filter(|d| d.applies_to(self.version.as_ref()) && !seen.contains(&d.id))
            .map(|d| d.id.clone())
            .collect()
    }
}

/// Paths in scenarios are relative to the base URL, so it must end in `/`
/// (`https://em01:9398/api` and `https://em01:9398/api/` mean the same).
pub fn normalize_base(mut url: reqwest::Url) -> reqwest::Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}
