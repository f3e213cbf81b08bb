//! JUnit XML: one test suite per dialect, one test case per scenario. A known
//! deviation passes with a `sessionconf.status` property and the reason in its
//! output; a not-applicable scenario and one an interrupt kept from running are
//! skipped with the reason.

use std::collections::BTreeMap;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::{console, Report, RunSummary, ScenarioOutcome, Status};

/// The JUnit XML report.
pub struct Junit;

impl Report for Junit {
    fn name(&self) -> &'static str {
        "junit"
    }

    fn render(&self, summary: &RunSummary) -> String {
        let mut report = quick_junit::Report::new("sessionconf");
        let mut suites: BTreeMap<String, TestSuite> = BTreeMap::new();
        let mut total = Duration::ZERO;
        let mut cases: Vec<(String, TestCase)> = Vec::new();
        for outcome in &summary.scenarios {
            total += Duration::from_secs_f64(outcome.duration_ms / 1000.0);
            cases.push((outcome.dialect.clone(), case(outcome)));
        }
        for id in &summary.not_run {
            let mut status = TestCaseStatus::skipped();
            status.set_message("not run: the run was interrupted");
            let dialect = id.split("::").next().unwrap_or("").to_string();
            let mut case = TestCase::new(id.as_str(), status);
            case.set_classname(dialect.as_str());
            cases.push((dialect, case));
        }
        for (dialect, case) in cases {
            suites
                .entry(dialect.clone())
                .or_insert_with(|| TestSuite::new(dialect.as_str()))
                .add_test_case(case);
        }
        report.set_time(total);
        report.add_test_suites(suites.into_values());
        report
            .to_string()
            .expect("a JUnit report of strings serializes")
    }
}

fn case(outcome: &ScenarioOutcome) -> TestCase {
    let status = match outcome.status {
        Status::Failed => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(first_failure(outcome));
            status.set_description(console::render(outcome, false));
            status
        }
        Status::NotApplicable | Status::Skipped => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!(
                "not applicable: {}",
                outcome.note.as_deref().unwrap_or("")
            ));
            status
        }
        Status::Passed | Status::KnownDeviation => TestCaseStatus::success(),
    };
    let mut case = TestCase::new(outcome.id.as_str(), status);
    case.set_classname(outcome.dialect.as_str());
    case.set_time(Duration::from_secs_f64(outcome.duration_ms / 1000.0));
    case.add_property(Property::new("sessionconf.status", outcome.status.label()));
    if outcome.status == Status::KnownDeviation {
        case.set_system_out(console::render(outcome, false));
    }
    case
}

fn first_failure(outcome: &ScenarioOutcome) -> String {
    outcome
        .steps
        .iter()
        .find_map(|s| {
            s.failures
                .first()
                .map(|f| format!("step `{}`: {f}", s.name))
        })
        .unwrap_or_else(|| "failed".into())
}
