//! Each documented requirement of a target's vendor as this run found it:
//! broken (a failed step names it), known deviation (a known deviation stood
//! in for its check), held (a step that checks it passed), unknown (its steps
//! failed for other reasons), or not run.

use serde::Serialize;

use crate::knowledge::Requirement;
use crate::outcome::{ScenarioOutcome, Status};

/// A requirement on one target, as the run found it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementVerdict {
    /// Its id.
    pub id: String,
    /// What it requires.
    pub text: String,
    /// Where the vendor writes it.
    pub source: String,
    /// `broken`, `known deviation`, `held`, `unknown` or `not run`.
    pub verdict: &'static str,
    /// The steps that check it, as `TRIAL step NAME`.
    pub steps: Vec<String>,
}

/// Each requirement of `catalogue` against the outcomes of one target.
pub fn verdicts<'a>(
    catalogue: &[Requirement],
    outcomes: impl Iterator<Item = &'a ScenarioOutcome> + Clone,
) -> Vec<RequirementVerdict> {
    catalogue
        .iter()
        .map(|r| {
            let citing = outcomes.clone().flat_map(|o| {
                o.steps
                    .iter()
                    .filter(|s| s.covers.contains(&r.id))
                    .map(move |s| (o, s))
            });
            let mut steps = Vec::new();
            let (mut broken, mut deviates, mut held, mut unknown) = (false, false, false, false);
            for (o, s) in citing {
                steps.push(format!("{} step {}", o.id, s.name));
                match s.status {
                    _ if s.deviates.contains(&r.id) => deviates = true,
                    Status::Passed | Status::KnownDeviation => held = true,
                    Status::Failed if s.breaks.iter().any(|b| b.id == r.id) => broken = true,
                    Status::Failed => unknown = true,
                    _ => {}
                }
            }
            let verdict = match (broken, deviates, held, unknown) {
                (true, ..) => "broken",
                (_, true, ..) => "known deviation",
                (_, _, true, _) => "held",
                (.., true) => "unknown",
                _ => "not run",
            };
            RequirementVerdict {
                id: r.id.clone(),
                text: r.text.clone(),
                source: r.source.clone(),
                verdict,
                steps,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Broken, Phase, StepOutcome};

    fn requirement(id: &str) -> Requirement {
        Requirement {
            id: id.into(),
            text: format!("{id} text"),
            source: "s".into(),
            requires: Default::default(),
            request: None,
        }
    }

    fn step(covers: &[&str], status: Status, breaks: &[&str], deviates: &[&str]) -> StepOutcome {
        let mut s = StepOutcome::new("st", Phase::Steps);
        s.covers = covers.iter().map(|c| c.to_string()).collect();
        s.status = status;
        s.breaks = breaks
            .iter()
            .map(|b| Broken {
                id: b.to_string(),
                text: String::new(),
            })
            .collect();
        s.deviates = deviates.iter().map(|d| d.to_string()).collect();
        s
    }

    fn outcome(steps: Vec<StepOutcome>) -> ScenarioOutcome {
        ScenarioOutcome {
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
            steps,
            sessions: Vec::new(),
            duration_ms: 0.0,
        }
    }

    #[test]
    fn broken_outranks_a_deviation_which_outranks_held_then_unknown_then_not_run() {
        let catalogue: Vec<Requirement> =
            ["a.broken", "a.deviates", "a.held", "a.unknown", "a.not-run"]
                .into_iter()
                .map(requirement)
                .collect();
        let outcomes = [outcome(vec![
            step(
                &["a.broken", "a.held", "a.unknown"],
                Status::Failed,
                &["a.broken"],
                &[],
            ),
            step(&["a.broken", "a.held"], Status::Passed, &[], &[]),
            step(
                &["a.deviates", "a.held"],
                Status::KnownDeviation,
                &[],
                &["a.deviates"],
            ),
            step(&["a.deviates"], Status::Passed, &[], &[]),
        ])];
        let found = verdicts(&catalogue, outcomes.iter());
        let got: Vec<(&str, &str)> = found.iter().map(|v| (v.id.as_str(), v.verdict)).collect();
        assert_eq!(
            got,
            [
                ("a.broken", "broken"),
                ("a.deviates", "known deviation"),
                ("a.held", "held"),
                ("a.unknown", "unknown"),
                ("a.not-run", "not run"),
            ]
        );
        assert_eq!(found[2].steps.len(), 3);
        assert_eq!(found[2].steps[0], "d::s step st");
        assert_eq!(found[0].text, "a.broken text");
    }
}
