//! What a run found, scenario by scenario and step by step: the one model the
//! runner produces and every report renders. A failure stays data (kind, path,
//! expected, actual) until a report turns it into text. Every string here is
//! already redacted: reports write it as it is.

use std::fmt;

use serde::Serialize;

use crate::golden::{Difference, DifferenceKind};

/// Whether a step ran in the scenario's body or in its `finally` steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The scenario's steps, in order until one fails.
    Steps,
    /// The steps that always run (logout).
    Finally,
}

/// The verdict on a step or a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Everything the step or scenario expects held.
    Passed,
    /// The server did what a recorded known deviation says it does, not what the
    /// vendor documents: reported, not failed.
    KnownDeviation,
    /// The scenario needs something the server or the run does not have.
    NotApplicable,
    /// A step was not sent (a `finally` step whose inputs are missing).
    Skipped,
    /// A step of the scenario's body that was never reached: an earlier step
    /// failed, the scenario's time ran out or the run was interrupted. Only a
    /// step has it; reports list such steps so a reader sees what went unchecked.
    NotRun,
    /// Something the scenario expects did not hold.
    Failed,
}

impl Status {
    /// Whether this verdict fails a run.
    pub fn is_failure(self) -> bool {
        self == Status::Failed
    }

    /// The word reports use for it.
    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::KnownDeviation => "known deviation",
            Status::NotApplicable => "not applicable",
            Status::Skipped => "skipped",
            Status::NotRun => "not run",
            Status::Failed => "FAILED",
        }
    }
}

/// What kind of expectation a failure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The scenario could not start (a variable, the HTTP client).
    Setup,
    /// The request could not be built.
    Request,
    /// The request could not be sent or its response read.
    Transport,
    /// The response status.
    Status,
    /// A response header.
    Header,
    /// The body as text.
    Text,
    /// The body is not what a check could read (not XML, empty).
    Body,
    /// A selector assertion.
    Assertion,
    /// A capture found no value, or too many.
    Capture,
    /// The response differs from its golden; `differences` follow as their own failures.
    Golden,
    /// One difference from the golden, at `path`.
    Difference,
    /// A golden could not be recorded.
    Bless,
    /// The run was interrupted.
    Interrupted,
    /// The scenario ran out of its time (`--scenario-timeout`).
    TimeLimit,
    /// A session the scenario opened was not closed.
    SessionLeftOpen,
}

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// What kind of expectation.
    pub kind: FailureKind,
    /// For a golden difference, what differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<DifferenceKind>,
    /// Where: a header name, a selector, an XML path, a capture name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// What the scenario or golden expects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What the server did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// The whole failure in a sentence.
    pub message: String,
}

impl Failure {
    /// A failure described by its message alone.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            difference: None,
            path: None,
            expected: None,
            actual: None,
            message: message.into(),
        }
    }

    /// Where the failure is.
    pub fn at(mut self, path: impl Into<String>) -> Failure {
        self.path = Some(path.into());
        self
    }

    /// What was expected and what was found.
    pub fn values(mut self, expected: Option<String>, actual: Option<String>) -> Failure {
        self.expected = expected;
        self.actual = actual;
        self
    }

    /// One difference the comparator found.
    pub fn from_difference(d: &Difference) -> Failure {
        Failure {
            kind: FailureKind::Difference,
            difference: Some(d.kind.clone()),
            path: Some(d.path.clone()),
            expected: d.expected.clone(),
            actual: d.actual.clone(),
            message: d.to_string(),
        }
    }

    /// The same failure with every string passed through `redact`.
    pub fn redacted(self, redact: impl Fn(&str) -> String) -> Failure {
        let opt = |v: Option<String>| v.map(|v| redact(&v));
        Failure {
            kind: self.kind,
            difference: self.difference,
            path: opt(self.path),
            expected: opt(self.expected),
            actual: opt(self.actual),
            message: redact(&self.message),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An HTTP request or response as reports show it: secrets redacted, the body
/// cut at a limit so a huge response cannot swell a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// `METHOD URL` for a request, the status code and reason for a response.
    pub start: String,
    /// Headers in order; secret values are `<redacted>`.
    pub headers: Vec<(String, String)>,
    /// The body, or its first part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// How many bytes of the body are left out.
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted_bytes: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One step as it ran.
#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    /// The step's name in the scenario.
    pub name: String,
    /// Body or `finally`.
    pub phase: Phase,
    /// The verdict.
    pub status: Status,
    /// `METHOD URL` as sent.
    pub request: Option<String>,
    /// The response's status code.
    pub response_status: Option<u16>,
    /// The request as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<Message>,
    /// The response as received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<Message>,
    /// Every expectation that did not hold, in the order checked.
    pub failures: Vec<Failure>,
    /// Unified diff of the golden and the normalized response.
    pub diff: Option<String>,
    /// Why a step was skipped, or which known deviation it showed.
    pub note: Option<String>,
    /// A golden this step wrote.
    pub blessed: Option<String>,
    /// The documented requirements the step checks (`covers:`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
    /// The documented requirements whose check a known deviation stood in for
    /// (those the step covers by its status, or as a whole).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deviates: Vec<String>,
    /// The documented requirements a failed step breaks (those it covers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<Broken>,
    /// How long the step took.
    pub duration_ms: f64,
}

/// A documented requirement a failed step breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// Its id (`em.logon.status-201`).
    pub id: String,
    /// What it requires; empty when the catalogue the run has lacks it.
    pub text: String,
}

impl StepOutcome {
    /// A step that has not run yet.
    pub fn new(name: &str, phase: Phase) -> StepOutcome {
        StepOutcome {
            name: name.to_string(),
            phase,
            status: Status::Passed,
            request: None,
            response_status: None,
            sent: None,
            received: None,
            failures: Vec::new(),
            diff: None,
            note: None,
            blessed: None,
            covers: Vec::new(),
            deviates: Vec::new(),
            breaks: Vec::new(),
            duration_ms: 0.0,
        }
    }

    /// A step that was never sent, and why (`an earlier step failed`).
    pub fn not_run(name: &str, phase: Phase, why: &str) -> StepOutcome {
        let mut step = StepOutcome::new(name, phase);
        step.status = Status::NotRun;
        step.note = Some(why.to_string());
        step
    }

    /// Records a failure and marks the step failed.
    pub fn fail(&mut self, failure: Failure) {
        self.failures.push(failure);
        self.status = Status::Failed;
    }
}

/// One scenario as it ran.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioOutcome {
    /// `dialect::name`.
    pub id: String,
    /// The target it ran against (a name of the configuration file, `embedded`,
    /// or the endpoint's host).
    pub target: String,
    /// The trial's name: the id, after the target's name when the run has several targets.
    pub trial: String,
    /// The scenario's name.
    pub name: String,
    /// Its dialect directory.
    pub dialect: String,
    /// The scenario file.
    pub file: String,
    /// What the scenario is about.
    pub description: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// The verdict.
    pub status: Status,
    /// Why the scenario was not applicable, or which known deviations it met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every step that ran or was skipped, and those of its body it never
    /// reached (`not_run`), in the scenario's order, then its `finally` steps.
    pub steps: Vec<StepOutcome>,
    /// Each session the scenario opened, as the server showed it at the end.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<SessionEnd>,
    /// How long the scenario took.
    pub duration_ms: f64,
}

/// A session a scenario opened, as checked on the server after the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionEnd {
    /// The variable holding its token (the token itself is never kept).
    pub variable: String,
    /// Its id, when the scenario captured one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// What the server showed.
    pub state: SessionState,
    /// What was sent to check or end it, in order, with the answers.
    pub tried: Vec<String>,
}

/// Whether a session is still open on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// The server refused its token.
    Closed,
    /// The server still served its token, and refused a made-up one.
    Open,
    /// The run could not tell (the server serves any token, or did not answer).
    Unknown,
}

impl ScenarioOutcome {
    /// Whether the scenario did not fail (passed, known deviation or not applicable).
    pub fn passed(&self) -> bool {
        !self.status.is_failure()
    }

    /// The verdict from the steps: failed if any failed, a known deviation if any showed one.
    pub fn settle(&mut self) {
        self.status = self
            .steps
            .iter()
            .map(|s| match s.status {
                // A step not run is said, not judged: the step that stopped
                // the scenario carries the verdict.
                Status::Skipped | Status::NotApplicable | Status::NotRun => Status::Passed,
                other => other,
            })
            .max()
            .unwrap_or(Status::Passed)
            .max(self.status);
    }
}

/// A trial's name: `TARGET/dialect::name` when a run has several targets (the
/// same scenario runs once per target), else the scenario's id.
pub fn trial_name(target: &str, id: &str, several_targets: bool) -> String {
    if several_targets {
        format!("{target}/{id}")
    } else {
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_failure_text() {
        let labels: Vec<&str> = [
            Status::Passed,
            Status::KnownDeviation,
            Status::NotApplicable,
            Status::Skipped,
            Status::NotRun,
            Status::Failed,
        ]
        .into_iter()
        .map(Status::label)
        .collect();
        assert_eq!(
            labels,
            [
                "passed",
                "known deviation",
                "not applicable",
                "skipped",
                "not run",
                "FAILED"
            ]
        );
        let failure = Failure::new(FailureKind::Status, "status 500, expected 404");
        assert_eq!(failure.to_string(), "status 500, expected 404");
        assert!(Status::Failed.is_failure() && !Status::KnownDeviation.is_failure());
    }

    #[test]
    fn steps_not_run_are_said_but_do_not_decide_the_verdict() {
        let step = StepOutcome::not_run("list", Phase::Steps, "an earlier step failed");
        assert_eq!(step.status, Status::NotRun);
        assert_eq!(step.note.as_deref(), Some("an earlier step failed"));
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json["status"], "not_run");
        let mut failed = StepOutcome::new("logon", Phase::Steps);
        failed.fail(Failure::new(FailureKind::Status, "status 500"));
        let mut outcome = ScenarioOutcome {
            id: "d::s".into(),
            target: "t".into(),
            trial: "d::s".into(),
            name: "s".into(),
            dialect: "d".into(),
            file: String::new(),
            description: String::new(),
            tags: Vec::new(),
            status: Status::Passed,
            note: None,
            steps: vec![StepOutcome::new("a", Phase::Steps), step.clone()],
            sessions: Vec::new(),
            duration_ms: 0.0,
        };
        outcome.settle();
        assert_eq!(outcome.status, Status::Passed);
        outcome.steps.insert(1, failed);
        outcome.settle();
        assert_eq!(outcome.status, Status::Failed);
    }
}
