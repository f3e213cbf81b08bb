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
    pub deviations: Arc<Vec<crate::golden::versions::Deviation>>,
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
            version: None,
            variables: std::collections::BTreeMap::new(),
            bless_book: Arc::default(),
            volatile: Arc::default(),
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

    /// The known deviations that apply to `step` of `scenario` on this target's version.
    pub(crate) fn deviations_for<'a>(
        &'a self,
        scenario: &'a str,
        step: &'a str,
    ) -> impl Iterator<Item = &'a crate::golden::versions::Deviation> + 'a {
        self.deviations.iter().filter(move |d| {
            d.scenario == scenario
                && d.step == step
                && match (&d.versions, &self.version) {
                    (Some(range), Some(v)) => range.contains(v),
                    (Some(_), None) => false,
                    (None, _) => true,
                }
        })
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
