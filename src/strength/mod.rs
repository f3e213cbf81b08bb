//! What a suite can catch: it runs against the embedded reference server once
//! per fault (each departing from one documented requirement) and once per
//! benign variant (a way the vendors' servers really write the same answers,
//! and each other version the vendor documents). A strong suite fails on every
//! fault and passes on every variant. `sessionconf strength` renders it.

mod covering;
pub mod render;
mod run;

use serde::Serialize;

use crate::outcome::Failure;

pub use covering::{Checks, Covering, Miss, StepRan};
pub use run::{measure, StrengthConfig};

/// A trial that failed (or left a session open) in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failed {
    /// The trial (or `DIALECT::probe`).
    pub trial: String,
    /// The step that failed first, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The requirements that step covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<String>,
    /// Sessions the server still serves after the trial.
    #[serde(skip_serializing_if = "is_zero")]
    pub sessions_left_open: usize,
    /// What the failed step found, as the run reports it (a golden's summary,
    /// then its differences): kept for a false alarm and a failing baseline,
    /// where it is what the user has to fix; a caught fault's is expected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differed: Vec<Failure>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.trial)?;
        if let Some(step) = &self.step {
            write!(f, " step `{step}`")?;
        }
        if self.sessions_left_open > 0 {
            write!(f, ", {} session(s) left open", self.sessions_left_open)?;
        }
        Ok(())
    }
}

/// What one fault did to the suite.
#[derive(Debug, Clone, Serialize)]
pub struct FaultResult {
    /// The fault's name (`--fault`).
    pub name: String,
    /// The dialect whose server it broke.
    pub dialect: String,
    /// The version the server played.
    pub profile: String,
    /// The documented requirement it departs from.
    pub requirement: String,
    /// Whether a step of the suite cites that requirement.
    pub requirement_covered: bool,
    /// Whether a step that cites it ran against this server (not skipped,
    /// its scenario applicable).
    pub requirement_checked: bool,
    /// Whether the requirement holds on the version the server plays (a
    /// tenant requirement does not without Cloud Connect): a fault of one
    /// that does not is not counted.
    pub applies: bool,
    /// Whether a trial failed (or left a session open) against it.
    pub caught: bool,
    /// The trials that caught it.
    pub caught_by: Vec<Failed>,
    /// Why a fault that applies went uncaught.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missed: Option<Miss>,
    /// For a missed fault: each step that cites its requirement, what it
    /// checks and whether it ran against the broken server.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covering: Vec<Covering>,
}

/// What one benign variant did to the suite.
#[derive(Debug, Clone, Serialize)]
pub struct VariantResult {
    /// The variant's name (`--variant`), or `version PROFILE`.
    pub name: String,
    /// The dialect whose server wrote it.
    pub dialect: String,
    /// The version the server played.
    pub profile: String,
    /// Whether a trial failed (or left a session open) against it.
    pub false_alarm: bool,
    /// The trials that failed against it.
    pub alarms: Vec<Failed>,
}

/// The suite against the unbroken server it measures from.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    /// The dialect.
    pub dialect: String,
    /// The version the server played.
    pub profile: String,
    /// The trials that failed against it (none, for a measure to mean anything).
    pub failed: Vec<Failed>,
}

/// The strength of a suite.
#[derive(Debug, Clone, Serialize)]
pub struct Strength {
    /// Each dialect's run against its unbroken server.
    pub baseline: Vec<Baseline>,
    /// Each fault, caught or missed.
    pub faults: Vec<FaultResult>,
    /// Each variant, passed or false alarm.
    pub variants: Vec<VariantResult>,
}

impl Strength {
    /// Whether the suite passed against every unbroken server: otherwise a
    /// fault's failure proves nothing, and no fault is counted caught.
    pub fn baseline_clean(&self) -> bool {
        self.baseline.iter().all(|b| b.failed.is_empty())
    }

    /// Faults caught and variants without alarm, over all of them (0 to 1);
    /// 0 when the baseline fails.
    pub fn score(&self) -> f64 {
        let total = self.faults.len() + self.variants.len();
        if total == 0 || !self.baseline_clean() {
            return 0.0;
        }
        let faults = self.faults.iter().filter(|f| f.applies);
        let total = faults.clone().count() + self.variants.len();
        if total == 0 {
            return 0.0;
        }
        let good = faults.filter(|f| f.caught).count()
            + self.variants.iter().filter(|v| !v.false_alarm).count();
        good as f64 / total as f64
    }

    /// Every fault caught, no variant alarmed, on a clean baseline.
    pub fn passed(&self) -> bool {
        self.baseline_clean()
            && self.faults.iter().all(|f| f.caught || !f.applies)
            && self.variants.iter().all(|v| !v.false_alarm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strength(caught: &[bool], alarms: &[bool], baseline_failed: bool) -> Strength {
        Strength {
            baseline: vec![Baseline {
                dialect: "d".into(),
                profile: "p".into(),
                failed: if baseline_failed {
                    vec![Failed {
                        trial: "t".into(),
                        step: None,
                        breaks: vec![],
                        sessions_left_open: 1,
                        differed: vec![],
                    }]
                } else {
                    vec![]
                },
            }],
            faults: caught
                .iter()
                .map(|c| FaultResult {
                    name: "f".into(),
                    dialect: "d".into(),
                    profile: "p".into(),
                    requirement: "d.r".into(),
                    requirement_covered: true,
                    requirement_checked: true,
                    applies: true,
                    caught: *c,
                    caught_by: vec![],
                    missed: None,
                    covering: vec![],
                })
                .collect(),
            variants: alarms
                .iter()
                .map(|a| VariantResult {
                    name: "v".into(),
                    dialect: "d".into(),
                    profile: "p".into(),
                    false_alarm: *a,
                    alarms: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn the_score_counts_faults_caught_and_variants_passed() {
        let s = strength(&[true, true, false], &[false], false);
        assert_eq!(s.score(), 0.75);
        assert!(!s.passed());
        let s = strength(&[true], &[false, true], false);
        assert!((s.score() - 2.0 / 3.0).abs() < 1e-9);
        assert!(!s.passed());
        let s = strength(&[true], &[false], false);
        assert_eq!(s.score(), 1.0);
        assert!(s.passed());
    }

    #[test]
    fn a_failed_trial_says_its_step_and_sessions_only_when_there_are_some() {
        let mut f = Failed {
            trial: "d::s".into(),
            step: Some("logon".into()),
            breaks: vec!["d.r".into()],
            sessions_left_open: 0,
            differed: vec![],
        };
        assert_eq!(f.to_string(), "d::s step `logon`");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"trial": "d::s", "step": "logon", "breaks": ["d.r"]})
        );
        f.sessions_left_open = 2;
        f.step = None;
        f.breaks.clear();
        assert_eq!(f.to_string(), "d::s, 2 session(s) left open");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"trial": "d::s", "sessions_left_open": 2})
        );
    }

    #[test]
    fn a_fault_whose_requirement_does_not_hold_on_the_version_is_not_counted() {
        let mut s = strength(&[true, false], &[false], false);
        assert!(!s.passed());
        s.faults[1].applies = false;
        assert!(s.passed());
        assert_eq!(s.score(), 1.0);
    }

    #[test]
    fn a_failing_baseline_proves_nothing() {
        let s = strength(&[true], &[false], true);
        assert!(!s.baseline_clean());
        assert_eq!(s.score(), 0.0);
        assert!(!s.passed());
        assert_eq!(strength(&[], &[], false).score(), 0.0);
    }
}
