//! Reports of a run, each a renderer of one [`RunSummary`]: the console text,
//! JUnit XML, JSON. Adding a format is one new module and one line in [`FORMATS`].

pub mod console;
pub mod html;
pub mod json;
pub mod junit;
pub mod progress;
pub mod requirements;
pub mod tally;

use std::path::{Path, PathBuf};

pub use crate::outcome::{Failure, FailureKind, Phase, ScenarioOutcome, Status, StepOutcome};

/// What a run found, as every report sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunSummary {
    /// The servers the run talked to, and what it learned of each.
    pub targets: Vec<TargetInfo>,
    /// Every scenario that ran, sorted by id.
    pub scenarios: Vec<ScenarioOutcome>,
    /// Scenarios an interrupt kept from running.
    pub not_run: Vec<String>,
    /// Whether the run was interrupted.
    pub interrupted: bool,
}

/// A server a dialect's scenarios ran against.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TargetInfo {
    /// The target's name (trials and report rows carry it).
    pub name: String,
    /// The dialect.
    pub dialect: String,
    /// Its API base URL.
    pub endpoint: String,
    /// The reference server profile, when the run started one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The API version the server speaks, as detected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Capabilities the server showed.
    pub capabilities: Vec<String>,
    /// Capabilities the run did not read (no trial needed them, or the probe
    /// failed): unknown, neither shown nor absent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capabilities_unread: Vec<String>,
    /// Known deviations of the server's version that no step showed (stale
    /// knowledge, or a server that answered as documented).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deviations_unseen: Vec<String>,
    /// The sessions the probe opened, as checked after it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probe_sessions: Vec<crate::outcome::SessionEnd>,
    /// Each documented requirement of its vendor, as the run found it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<requirements::RequirementVerdict>,
}

impl RunSummary {
    /// How many sessions scenarios left open on the servers, as the servers
    /// showed them.
    pub fn sessions_left_open(&self) -> usize {
        let by_scenarios = self
            .scenarios
            .iter()
            .flat_map(|s| &s.steps)
            .flat_map(|s| &s.failures)
            .filter(|f| f.kind == FailureKind::SessionLeftOpen)
            .count();
        by_scenarios + self.probe_sessions(crate::outcome::SessionState::Open)
    }

    /// How many sessions the run could not check (a server that serves any token).
    pub fn sessions_unchecked(&self) -> usize {
        let unknown = crate::outcome::SessionState::Unknown;
        let by_scenarios = self
            .scenarios
            .iter()
            .flat_map(|s| &s.sessions)
            .filter(|s| s.state == unknown)
            .count();
        by_scenarios + self.probe_sessions(unknown)
    }

    fn probe_sessions(&self, state: crate::outcome::SessionState) -> usize {
        self.targets
            .iter()
            .flat_map(|t| &t.probe_sessions)
            .filter(|s| s.state == state)
            .count()
    }

    /// `N`, or `unknown` with what is known when some sessions could not be checked.
    pub fn sessions_left_open_text(&self) -> String {
        let open = self.sessions_left_open();
        match self.sessions_unchecked() {
            0 => open.to_string(),
            unchecked => format!(
                "unknown ({open} seen open, {unchecked} that could not be checked: the server serves a made-up token or did not answer)"
            ),
        }
    }

    /// How many scenarios have each verdict.
    pub fn count(&self, status: Status) -> usize {
        self.scenarios.iter().filter(|s| s.status == status).count()
    }
}

/// One report format.
pub trait Report: Send + Sync {
    /// The format's name, as `--report NAME=FILE` and error messages use it.
    fn name(&self) -> &'static str;
    /// The whole report.
    fn render(&self, summary: &RunSummary) -> String;
}

/// Makes a report of one format.
pub type MakeReport = fn() -> Box<dyn Report>;

/// Every report format, by name.
pub const FORMATS: &[(&str, MakeReport)] = &[
    ("junit", || Box::new(junit::Junit)),
    ("json", || Box::new(json::Json)),
    ("html", || Box::new(html::Html)),
];

/// The format called `name`.
pub fn format(name: &str) -> Option<Box<dyn Report>> {
    FORMATS.iter().find(|(n, _)| *n == name).map(|(_, f)| f())
}

/// A report to write when the run ends.
pub struct ReportFile {
    /// Its format.
    pub report: Box<dyn Report>,
    /// Where to write it.
    pub path: PathBuf,
}

impl ReportFile {
    /// The report of format `name` written to `path`.
    pub fn new(name: &str, path: &Path) -> Option<ReportFile> {
        Some(ReportFile {
            report: format(name)?,
            path: path.to_path_buf(),
        })
    }
}

/// A report that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write the {format} report: {source}")]
pub struct ReportError {
    /// The report's format.
    pub format: &'static str,
    /// Where it was to go.
    pub path: String,
    /// Why it could not.
    pub source: std::io::Error,
}

/// Writes one report's text atomically.
pub fn write_text(path: &Path, format: &'static str, text: &str) -> Result<(), ReportError> {
    crate::atomic_file::write(path, text).map_err(|source| ReportError {
        format,
        path: path.display().to_string(),
        source,
    })
}

/// Writes every report atomically; returns the ones that could not be written.
pub fn write_all(files: &[ReportFile], summary: &RunSummary) -> Vec<ReportError> {
    files
        .iter()
        .filter_map(|f| write_text(&f.path, f.report.name(), &f.report.render(summary)).err())
        .collect()
}
