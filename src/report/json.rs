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
    /// Per target and conformance area.
    conformance: Vec<super::tally::AreaTally>,
    /// Scenarios down, targets across.
    matrix: super::tally::Matrix,
    #[serde(flatten)]
    summary: &'a RunSummary,
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
            conformance: super::tally::conformance(summary),
            matrix: super::tally::matrix(summary),
            summary,
        };
        let mut text = serde_json::to_string_pretty(&doc).expect("the report serializes");
        text.push('\n');
        text
    }
}
