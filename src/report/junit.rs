//! JUnit XML: one test suite per dialect, one test case per scenario.

use std::collections::BTreeMap;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::console;
use super::outcome::ScenarioOutcome;

pub fn render(outcomes: &[ScenarioOutcome]) -> String {
    let mut report = Report::new("sessionconf");
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    let mut total = Duration::ZERO;
    for outcome in outcomes {
        let time = Duration::from_secs_f64(outcome.duration_ms / 1000.0);
        total += time;
        let status = if outcome.passed() {
            TestCaseStatus::success()
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let first = outcome
                .steps
                .iter()
                .find_map(|s| {
                    s.failures
                        .first()
                        .map(|f| format!("step `{}`: {f}", s.name))
                })
                .unwrap_or_else(|| "failed".into());
            status.set_message(first);
            status.set_description(console::render(outcome, false));
            status
        };
        let mut case = TestCase::new(outcome.id.as_str(), status);
        case.set_classname(outcome.dialect.as_str());
        case.set_time(time);
        suites
            .entry(outcome.dialect.as_str())
            .or_insert_with(|| TestSuite::new(outcome.dialect.as_str()))
            .add_test_case(case);
    }
    report.set_time(total);
    report.add_test_suites(suites.into_values());
    report
        .to_string()
        .expect("a JUnit report of strings serializes")
}
