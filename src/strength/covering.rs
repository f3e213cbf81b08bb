//! Why a fault went uncaught: no step cites its requirement, the steps that
//! cite it did not run against the broken server, or they ran and what they
//! check does not show what the fault changes.

use serde::Serialize;

use crate::outcome::{Phase, ScenarioOutcome, Status, StepOutcome};
use crate::scenario::covers::CoverEntry;
use crate::scenario::model::Step;
use crate::scenario::LoadedScenario;

/// Why a fault that applies was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Miss {
    /// No step of the suite cites the requirement (`covers:`).
    Uncovered,
    /// Steps cite it, but none of them ran against this server (its
    /// scenario not applicable, the step skipped or not reached).
    NotRun,
    /// A step that cites it ran and passed: what it checks does not show
    /// what the fault changes.
    Unchecked,
}

impl Miss {
    /// The kind of miss, from the steps that cite the requirement.
    pub fn of(covering: &[Covering]) -> Miss {
        if covering.is_empty() {
            Miss::Uncovered
        } else if covering.iter().any(|c| c.ran.ran()) {
            Miss::Unchecked
        } else {
            Miss::NotRun
        }
    }
}

/// A step that cites a fault's requirement, as it ran against the fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Covering {
    /// The trial.
    pub trial: String,
    /// The step.
    pub step: String,
    /// The check `covers:` cites the requirement for (`status`,
    /// `golden PATH...`), or `step` for the step as a whole.
    pub cites: String,
    /// What the step checks.
    pub checks: Checks,
    /// Whether it ran.
    pub ran: StepRan,
    /// Why it did not run, or which known deviation it showed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a step's `expect:` (and `capture:`) checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Checks {
    /// The statuses it accepts; empty for any 2xx.
    pub status: Vec<u16>,
    /// The headers it checks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    /// Whether it checks the body as text.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub text: bool,
    /// The golden it compares the body with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub golden: Option<String>,
    /// The selectors of its `body:` assertions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<String>,
    /// The values it captures (a capture that finds nothing fails the step).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<String>,
}

impl Checks {
    /// What `step` checks.
    pub fn of(step: &Step) -> Checks {
        let expect = &step.expect;
        Checks {
            status: expect
                .status
                .as_ref()
                .map(|s| s.0.clone())
                .unwrap_or_default(),
            headers: expect.headers.keys().cloned().collect(),
            text: expect.text.is_some(),
            golden: expect.golden.as_ref().map(|g| g.display().to_string()),
            body: expect
                .body
                .iter()
                .filter_map(|a| a.select.all().first().map(|s| s.to_string()))
                .collect(),
            captures: step.capture.keys().cloned().collect(),
        }
    }

    /// Whether nothing but the status is checked: a capture reads a value,
    /// it does not judge it.
    pub fn status_only(&self) -> bool {
        self.headers.is_empty() && !self.text && self.golden.is_none() && self.body.is_empty()
    }

    /// `status 201 only`, or `status 200, golden veeam-em/x, body /A, /B`.
    pub fn describe(&self) -> String {
        let status = match self.status.as_slice() {
            [] => "any 2xx status".to_string(),
            codes => {
                let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
                format!("status {}", codes.join(" or "))
            }
        };
        if self.status_only() {
            return format!("{status} only");
        }
        let mut parts = vec![status];
        if !self.headers.is_empty() {
            parts.push(format!("header {}", self.headers.join(", ")));
        }
        if self.text {
            parts.push("text".into());
        }
        if let Some(golden) = &self.golden {
            parts.push(format!("golden {golden}"));
        }
        if !self.body.is_empty() {
            parts.push(format!("body {}", self.body.join(", ")));
        }
        parts.join(", ")
    }
}

/// How a covering step fared against the broken server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRan {
    /// It ran and its checks held.
    Passed,
    /// It ran and showed a known deviation, which stood in for its check.
    KnownDeviation,
    /// It ran and failed.
    Failed,
    /// It was not sent (a `finally` step whose inputs are missing).
    Skipped,
    /// Its scenario does not apply to this server.
    NotApplicable,
    /// Its trial stopped before it, or did not run.
    NotReached,
}

impl StepRan {
    /// Whether the step was sent and judged.
    pub fn ran(self) -> bool {
        matches!(
            self,
            StepRan::Passed | StepRan::KnownDeviation | StepRan::Failed
        )
    }

    /// The words the console uses.
    pub fn label(self) -> &'static str {
        match self {
            StepRan::Passed => "ran and passed",
            StepRan::KnownDeviation => "ran, a known deviation",
            StepRan::Failed => "ran and failed",
            StepRan::Skipped => "skipped",
            StepRan::NotApplicable => "not applicable",
            StepRan::NotReached => "not reached",
        }
    }
}

/// Each step of `dialect`'s trials that cites `requirement`, with how it
/// fared in `outcomes`.
pub(super) fn covering(
    requirement: &str,
    dialect: &str,
    scenarios: &[LoadedScenario],
    outcomes: &[ScenarioOutcome],
) -> Vec<Covering> {
    let mut found = Vec::new();
    for trial in scenarios.iter().filter(|t| t.dialect == dialect) {
        let outcome = outcomes.iter().find(|o| o.id == trial.id);
        let s = &trial.scenario;
        let phased = (s.steps.iter().map(|st| (st, Phase::Steps)))
            .chain(s.finally.iter().map(|st| (st, Phase::Finally)));
        for (step, phase) in phased {
            let Some(cites) = cites(step, requirement) else {
                continue;
            };
            let ran = outcome.and_then(|o| {
                o.steps
                    .iter()
                    .find(|r| r.name == step.name && r.phase == phase)
            });
            let (ran, note) = fared(outcome, ran);
            found.push(Covering {
                trial: trial.id.clone(),
                step: step.name.clone(),
                cites,
                checks: Checks::of(step),
                ran,
                note,
            });
        }
    }
    found
}

/// The check `step` cites `requirement` for, if it cites it.
fn cites(step: &Step, requirement: &str) -> Option<String> {
    step.covers.iter().find_map(|entry| match entry {
        CoverEntry::Whole(id) if id == requirement => Some("step".to_string()),
        CoverEntry::Scoped(map) => map.get(requirement).cloned(),
        CoverEntry::Whole(_) => None,
    })
}

fn fared(
    outcome: Option<&ScenarioOutcome>,
    step: Option<&StepOutcome>,
) -> (StepRan, Option<String>) {
    let Some(outcome) = outcome else {
        return (StepRan::NotReached, Some("the trial did not run".into()));
    };
    let Some(step) = step else {
        return match outcome.status {
            Status::NotApplicable => (StepRan::NotApplicable, outcome.note.clone()),
            _ => (StepRan::NotReached, None),
        };
    };
    let ran = match step.status {
        Status::Passed => StepRan::Passed,
        Status::KnownDeviation => StepRan::KnownDeviation,
        Status::Failed => StepRan::Failed,
        Status::Skipped => StepRan::Skipped,
        Status::NotApplicable => StepRan::NotApplicable,
        Status::NotRun => StepRan::NotReached,
    };
    (ran, step.note.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covering(ran: StepRan) -> Covering {
        Covering {
            trial: "d::s".into(),
            step: "a".into(),
            cites: "step".into(),
            checks: Checks::default(),
            ran,
            note: None,
        }
    }

    #[test]
    fn a_miss_is_unchecked_once_one_covering_step_ran() {
        assert_eq!(Miss::of(&[]), Miss::Uncovered);
        let idle = [
            StepRan::Skipped,
            StepRan::NotApplicable,
            StepRan::NotReached,
        ];
        let not_run: Vec<Covering> = idle.into_iter().map(covering).collect();
        assert_eq!(Miss::of(&not_run), Miss::NotRun);
        for ran in [StepRan::Passed, StepRan::KnownDeviation] {
            let mut some = not_run.clone();
            some.push(covering(ran));
            assert_eq!(Miss::of(&some), Miss::Unchecked, "{ran:?}");
        }
    }

    #[test]
    fn checks_say_status_only_unless_something_reads_the_response() {
        let mut checks = Checks {
            captures: vec!["token".into()],
            ..Checks::default()
        };
        assert_eq!(checks.describe(), "any 2xx status only");
        checks.status = vec![200, 204];
        assert_eq!(checks.describe(), "status 200 or 204 only");
        checks.headers = vec!["Set-Cookie".into()];
        assert!(!checks.status_only());
        assert_eq!(checks.describe(), "status 200 or 204, header Set-Cookie");
    }
}
