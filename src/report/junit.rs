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
        let several = super::tally::target_names(summary).len() > 1;
        // A suite per dialect, per target and dialect when there are several targets.
        let suite_of =
            |target: &str, dialect: &str| crate::outcome::trial_name(target, dialect, several);
        let mut cases: Vec<(String, TestCase)> = Vec::new();
        for outcome in &summary.scenarios {
            total += Duration::from_secs_f64(outcome.duration_ms / 1000.0);
            let suite = suite_of(&outcome.target, &outcome.dialect);
            cases.push((suite.clone(), case(outcome, &suite)));
        }
        for name in &summary.not_run {
            let mut status = TestCaseStatus::skipped();
            status.set_message("not run: the run was interrupted");
            // `TARGET/dialect::name` or `dialect::name`.
            let suite = name.split("::").next().unwrap_or("").to_string();
            let mut case = TestCase::new(name.as_str(), status);
            case.set_classname(suite.as_str());
            cases.push((suite, case));
        }
        for (suite, case) in cases {
            suites
                .entry(suite.clone())
                .or_insert_with(|| TestSuite::new(suite.as_str()))
                .add_test_case(case);
        }
        for (name, suite) in suites.iter_mut() {
            let of_suite = summary
                .scenarios
                .iter()
                .filter(|s| suite_of(&s.target, &s.dialect) == *name);
            for (area, t) in super::tally::areas(of_suite) {
                suite.add_property(Property::new(
                    format!("sessionconf.area.{area}"),
                    format!(
                        "{} passed, {} failed, {} known deviation, {} not applicable",
                        t.passed, t.failed, t.known_deviation, t.not_applicable
                    ),
                ));
            }
        }
        report.set_time(total);
        report.add_test_suites(suites.into_values());
        report
            .to_string()
            .expect("a JUnit report of strings serializes")
    }
}

fn case(outcome: &ScenarioOutcome, suite: &str) -> TestCase {
    let status = match outcome.status {
        Status::Failed => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(failure_message(outcome));
            // The whole console text: every step, the steps not run among them.
            status.set_description(console::render(outcome, false));
            status
        }
        Status::NotApplicable | Status::Skipped | Status::NotRun => {
            let mut status = TestCaseStatus::skipped();
            let word = match outcome.status {
                Status::NotRun => "not run",
                _ => "not applicable",
            };
            let note = outcome.note.as_deref().unwrap_or("");
            // The runner's note may already start with the word.
            let message = if note.starts_with(word) {
                note.to_string()
            } else {
                format!("{word}: {note}")
            };
            status.set_message(message);
            status
        }
        Status::Passed | Status::KnownDeviation => TestCaseStatus::success(),
    };
    let mut case = TestCase::new(outcome.trial.as_str(), status);
    case.set_classname(suite);
    case.add_property(Property::new("sessionconf.target", outcome.target.as_str()));
    case.set_time(Duration::from_secs_f64(outcome.duration_ms / 1000.0));
    case.add_property(Property::new("sessionconf.status", outcome.status.label()));
    if outcome.status == Status::KnownDeviation {
        case.set_system_out(console::render(outcome, false));
    }
    case
}

/// How many failures of a step the message names before `and N more`.
const MESSAGE_FAILURES: usize = 3;
/// The longest one of them gets in the message, in characters.
const MESSAGE_ITEM: usize = 240;
/// The longest the message gets, in characters: CI pages show it on one line.
const MESSAGE_LIMIT: usize = 1000;

/// The one line a CI page shows of a failed scenario (GitLab and Jenkins fold
/// the failure text away): the first failed step, what failed with the first
/// few differences, and the requirements it breaks.
pub fn failure_message(outcome: &ScenarioOutcome) -> String {
    let Some(step) = outcome.steps.iter().find(|s| !s.failures.is_empty()) else {
        return "failed".into();
    };
    let items: Vec<String> = step
        .failures
        .iter()
        .take(MESSAGE_FAILURES + 1)
        .map(|f| one_line(&f.message, MESSAGE_ITEM))
        .collect();
    let mut text = format!("step `{}`: {}", step.name, items[0]);
    for (item, previous) in items[1..].iter().zip(&items).take(MESSAGE_FAILURES) {
        // A golden's summary ends with a colon: its differences follow it.
        text.push_str(if previous.ends_with(':') { " " } else { "; " });
        text.push_str(item);
    }
    let more = step.failures.len().saturating_sub(MESSAGE_FAILURES + 1);
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    let breaks: Vec<&str> = step.breaks.iter().map(|b| b.id.as_str()).collect();
    let breaks = if breaks.is_empty() {
        String::new()
    } else {
        let ids = one_line(&breaks.join(", "), MESSAGE_LIMIT / 4);
        format!(" (breaks {ids})")
    };
    // What the step breaks is kept whole; the failures give way.
    let room = MESSAGE_LIMIT.saturating_sub(breaks.chars().count());
    format!("{}{breaks}", one_line(&text, room))
}

/// `text` on one line (a value with a line break would split the message) and
/// at most `limit` characters, ending with `…` when cut.
fn one_line(text: &str, limit: usize) -> String {
    let flat: String = text
        .split(|c: char| c.is_control())
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if flat.chars().count() <= limit {
        return flat;
    }
    let mut cut: String = flat.chars().take(limit.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Failure, FailureKind, Phase, StepOutcome};

    fn scenario(id: &str, status: Status, note: Option<&str>) -> ScenarioOutcome {
        ScenarioOutcome {
            id: id.into(),
            target: "embedded".into(),
            trial: id.into(),
            name: id.split("::").nth(1).unwrap().into(),
            dialect: "d".into(),
            file: "f.yaml".into(),
            description: String::new(),
            tags: Vec::new(),
            status,
            note: note.map(str::to_string),
            steps: Vec::new(),
            sessions: Vec::new(),
            duration_ms: 1500.0,
        }
    }

    #[test]
    fn every_verdict_has_its_junit_form() {
        let mut failed = scenario("d::failed", Status::Failed, None);
        let mut step = StepOutcome::new("get", Phase::Steps);
        step.fail(Failure::new(
            FailureKind::Status,
            "status 500, expected 404",
        ));
        failed.steps.push(step);
        let summary = RunSummary {
            targets: Vec::new(),
            scenarios: vec![
                failed,
                scenario(
                    "d::deviates",
                    Status::KnownDeviation,
                    Some("known deviation `x`"),
                ),
                scenario("d::na", Status::NotApplicable, Some("the server lacks `c`")),
            ],
            not_run: vec!["d::later".into()],
            interrupted: true,
        };
        assert_eq!(Junit.name(), "junit");
        let xml = Junit.render(&summary);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let case = |name: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
                .unwrap_or_else(|| panic!("{name} in {xml}"))
        };
        let failure = case("d::failed")
            .children()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert_eq!(
            failure.attribute("message"),
            Some("step `get`: status 500, expected 404")
        );
        assert_eq!(case("d::failed").attribute("time"), Some("1.500"));
        let deviates = case("d::deviates");
        assert!(deviates
            .children()
            .all(|n| !n.has_tag_name("failure") && !n.has_tag_name("skipped")));
        assert!(xml.contains("value=\"known deviation\""), "{xml}");
        let skipped = |name: &str| {
            case(name)
                .children()
                .find(|n| n.has_tag_name("skipped"))
                .and_then(|n| n.attribute("message"))
                .map(str::to_string)
        };
        assert_eq!(
            skipped("d::na").as_deref(),
            Some("not applicable: the server lacks `c`")
        );
        assert_eq!(
            skipped("d::later").as_deref(),
            Some("not run: the run was interrupted")
        );
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .unwrap();
        assert_eq!(suite.attribute("tests"), Some("4"));
        let property = |node: roxmltree::Node, name: &str| {
            node.descendants()
                .find(|n| n.has_tag_name("property") && n.attribute("name") == Some(name))
                .and_then(|n| n.attribute("value"))
                .map(str::to_string)
        };
        assert_eq!(
            property(suite, "sessionconf.area.other").as_deref(),
            Some("0 passed, 1 failed, 1 known deviation, 1 not applicable")
        );
        assert_eq!(
            property(case("d::failed"), "sessionconf.target").as_deref(),
            Some("embedded")
        );
    }

    #[test]
    fn several_targets_have_a_suite_each_and_trial_names() {
        let mut one = scenario("d::a", Status::Passed, None);
        one.tags = vec!["logon".into()];
        let mut other = one.clone();
        one.target = "em12".into();
        one.trial = "em12/d::a".into();
        other.target = "em13".into();
        other.trial = "em13/d::a".into();
        other.status = Status::Failed;
        let summary = RunSummary {
            targets: Vec::new(),
            scenarios: vec![one, other],
            not_run: vec!["em13/d::b".into()],
            interrupted: true,
        };
        let xml = Junit.render(&summary);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let suites: Vec<(&str, Vec<&str>)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|s| {
                let cases = s
                    .children()
                    .filter(|n| n.has_tag_name("testcase"))
                    .filter_map(|n| n.attribute("name"))
                    .collect();
                (s.attribute("name").unwrap(), cases)
            })
            .collect();
        assert_eq!(
            suites,
            [
                ("em12/d", vec!["em12/d::a"]),
                ("em13/d", vec!["em13/d::a", "em13/d::b"])
            ]
        );
        assert!(xml.contains("name=\"sessionconf.area.logon\" value=\"0 passed, 1 failed, 0 known deviation, 0 not applicable\""), "{xml}");
    }

    /// A step whose golden differs in `n` places, breaking `em.logon.delete-link`.
    fn golden_failure(n: usize) -> ScenarioOutcome {
        use crate::outcome::Broken;
        let mut failed = scenario("d::logon", Status::Failed, None);
        failed.steps.push(StepOutcome::new("entry", Phase::Steps));
        let mut step = StepOutcome::new("logon", Phase::Steps);
        step.fail(Failure::new(
            FailureKind::Golden,
            format!("response differs from golden veeam-em/logon-session.xml in {n} place(s):"),
        ));
        for i in 0..n {
            step.fail(
                Failure::new(
                    FailureKind::Difference,
                    format!(
                        "/LogonSession/Links/Link[@Rel='Delete'][{i}]: missing element \"<Link>\""
                    ),
                )
                .at(format!("/LogonSession/Links/Link[{i}]")),
            );
        }
        step.breaks = vec![Broken {
            id: "em.logon.delete-link".into(),
            text: "A Delete link".into(),
        }];
        failed.steps.push(step);
        failed.steps.push(StepOutcome::not_run(
            "list",
            Phase::Steps,
            "an earlier step failed",
        ));
        failed
    }

    #[test]
    fn the_message_names_the_step_its_first_differences_and_what_it_breaks() {
        assert_eq!(
            failure_message(&golden_failure(1)),
            "step `logon`: response differs from golden veeam-em/logon-session.xml in 1 place(s): /LogonSession/Links/Link[@Rel='Delete'][0]: missing element \"<Link>\" (breaks em.logon.delete-link)"
        );
        assert_eq!(
            failure_message(&golden_failure(5)),
            "step `logon`: response differs from golden veeam-em/logon-session.xml in 5 place(s): /LogonSession/Links/Link[@Rel='Delete'][0]: missing element \"<Link>\"; /LogonSession/Links/Link[@Rel='Delete'][1]: missing element \"<Link>\"; /LogonSession/Links/Link[@Rel='Delete'][2]: missing element \"<Link>\"; and 2 more (breaks em.logon.delete-link)"
        );
        // Failures that are not a golden's are joined the same way, a value's
        // line breaks flattened.
        let mut other = scenario("d::o", Status::Failed, None);
        let mut step = StepOutcome::new("get", Phase::Steps);
        step.fail(Failure::new(
            FailureKind::Status,
            "status 500, expected 200",
        ));
        step.fail(Failure::new(FailureKind::Header, "header `X`:\n  missing"));
        other.steps.push(step);
        assert_eq!(
            failure_message(&other),
            "step `get`: status 500, expected 200; header `X`: missing"
        );
    }

    #[test]
    fn the_message_is_one_escaped_attribute_of_bounded_length_and_the_text_lists_steps_not_run() {
        let mut huge = golden_failure(2);
        huge.steps[1].failures[1].message = format!("/a: expected \"{}\"", "x".repeat(5000));
        let message = failure_message(&huge);
        assert!(message.contains("xxx…; /LogonSession"), "{message}");
        assert!(message.chars().count() < MESSAGE_ITEM + 250, "{message}");
        // However long its parts, the message is bounded; what it breaks stays.
        huge.steps[1].name = "s".repeat(3000);
        let message = failure_message(&huge);
        assert_eq!(message.chars().count(), MESSAGE_LIMIT, "{message}");
        assert!(
            message.ends_with("s… (breaks em.logon.delete-link)"),
            "{message}"
        );
        let summary = RunSummary {
            targets: Vec::new(),
            scenarios: vec![golden_failure(1)],
            not_run: Vec::new(),
            interrupted: false,
        };
        let xml = Junit.render(&summary);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert_eq!(
            failure.attribute("message"),
            Some(failure_message(&golden_failure(1)).as_str())
        );
        assert!(
            xml.contains("missing element &quot;&lt;Link&gt;&quot;"),
            "{xml}"
        );
        let text = failure.text().unwrap_or("");
        assert!(
            text.contains("  step `list`: not run (an earlier step failed)\n"),
            "{text}"
        );
    }
}
