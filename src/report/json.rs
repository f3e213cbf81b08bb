//! A machine-readable report of a run: every scenario, step and failure as data.

use serde::Serialize;

use super::{Report, RunSummary, Status};

/// The JSON report.
pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    tool: &'static str,
    version: &'static str,
    passed: usize,
    failed: usize,
    known_deviations: usize,
    not_applicable: usize,
    /// Sessions the servers still held at the end, as checked; `null` when
    /// some could not be checked (then `sessions_unchecked` says how many).
    sessions_left_open: Option<usize>,
    sessions_unchecked: usize,
    /// Each session still open: its trial, id and what was tried.
    open_sessions: Vec<OpenSession<'a>>,
    /// Per target and conformance area.
    conformance: Vec<super::tally::AreaTally>,
    /// Scenarios down, targets across.
    matrix: super::tally::Matrix,
    #[serde(flatten)]
    summary: &'a RunSummary,
}

/// A session a trial left open.
#[derive(Serialize)]
struct OpenSession<'a> {
    trial: std::borrow::Cow<'a, str>,
    target: &'a str,
    #[serde(flatten)]
    session: &'a crate::outcome::SessionEnd,
}

fn open_sessions(summary: &RunSummary) -> Vec<OpenSession<'_>> {
    let probes = summary.targets.iter().flat_map(|t| {
        t.probe_sessions.iter().map(move |session| {
            (
                format!("{}::probe", t.dialect).into(),
                t.name.as_str(),
                session,
            )
        })
    });
    summary
        .scenarios
        .iter()
        .flat_map(|s| {
            s.sessions
                .iter()
                .map(move |session| (s.trial.as_str().into(), s.target.as_str(), session))
        })
        .chain(probes)
        .filter(|(_, _, session)| session.state != crate::outcome::SessionState::Closed)
        .map(|(trial, target, session)| OpenSession {
            trial,
            target,
            session,
        })
        .collect()
}

impl Report for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn render(&self, summary: &RunSummary) -> String {
        let doc = Document {
            tool: "sessionconf",
            version: env!("CARGO_PKG_VERSION"),
            passed: summary.count(Status::Passed),
            failed: summary.count(Status::Failed),
            known_deviations: summary.count(Status::KnownDeviation),
            not_applicable: summary.count(Status::NotApplicable),
            sessions_left_open: (summary.sessions_unchecked() == 0)
                .then(|| summary.sessions_left_open()),
            sessions_unchecked: summary.sessions_unchecked(),
            open_sessions: open_sessions(summary),
            conformance: super::tally::conformance(summary),
            matrix: super::tally::matrix(summary),
            summary,
        };
        let mut text = serde_json::to_string_pretty(&doc).expect("the report serializes");
        text.push('\n');
        text
    }
}
