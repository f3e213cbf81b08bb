//! A machine-readable report of a run.

use serde::Serialize;

use super::outcome::ScenarioOutcome;

#[derive(Serialize)]
struct Report<'a> {
    tool: &'static str,
    version: &'static str,
    endpoint: &'a str,
    passed: usize,
    failed: usize,
    scenarios: &'a [ScenarioOutcome],
}

pub fn render(endpoint: &str, outcomes: &[ScenarioOutcome]) -> String {
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    let report = Report {
        tool: "sessionconf",
        version: env!("CARGO_PKG_VERSION"),
        endpoint,
        passed,
        failed: outcomes.len() - passed,
        scenarios: outcomes,
    };
    let mut text = serde_json::to_string_pretty(&report).expect("the report serializes");
    text.push('\n');
    text
}
