//! What a suite proves: each documented requirement of the vendors' catalogues
//! (`src/knowledge/*/requirements.yaml`, a suite's own over them), the steps
//! that check it (`covers:`), and on which of the reference server's versions
//! it holds and is checked. `sessionconf coverage` renders it.

pub mod citations;
pub mod propose;
pub mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::harness::Facts;
use crate::knowledge::Requirement;
use crate::scenario::LoadedScenario;

/// Every requirement of a suite's dialects, and what checks it.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// One row per requirement, dialect by dialect, in catalogue order.
    pub requirements: Vec<Row>,
    /// The steps that cite nothing, and the requirements their requests
    /// appear to check.
    pub proposals: Vec<propose::Proposal>,
}

/// One requirement and what checks it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Its id.
    pub id: String,
    /// The dialect whose catalogue holds it.
    pub dialect: String,
    /// What it requires.
    pub text: String,
    /// Where the vendor writes it.
    pub source: String,
    /// The API versions it holds for, when not all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    /// Capabilities a server needs for it to hold.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    /// The steps that check it.
    pub covered_by: Vec<CoveringStep>,
    /// Per reference server version: whether it holds there, and whether a
    /// step that checks it runs there.
    pub profiles: Vec<ProfileCell>,
}

/// A step that checks a requirement.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CoveringStep {
    /// The scenario's name.
    pub scenario: String,
    /// The step's name.
    pub step: String,
}

/// A requirement on one version the reference server plays.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileCell {
    /// The profile's name (`em-13`).
    pub profile: String,
    /// The requirement holds on that version.
    pub applies: bool,
    /// A trial that covers it applies there, so a run there checks it.
    pub checked: bool,
}

/// A version the suite can run against, with what its probe found.
pub struct ProfileFacts {
    /// The profile's name.
    pub profile: String,
    /// Its dialect.
    pub dialect: String,
    /// What the probe found (version, capabilities, accounts).
    pub facts: Facts,
}

impl Coverage {
    /// Whether a step checks `id`.
    pub fn covers(&self, id: &str) -> bool {
        self.requirements
            .iter()
            .any(|r| r.id == id && !r.covered_by.is_empty())
    }

    /// The requirements no step checks.
    pub fn uncovered(&self) -> impl Iterator<Item = &Row> {
        self.requirements.iter().filter(|r| r.covered_by.is_empty())
    }
}

/// The coverage of `scenarios` (every trial) against each dialect's
/// catalogue, and per profile of `profiles` whether each requirement holds
/// and is checked there.
pub fn compute(
    scenarios: &[LoadedScenario],
    catalogues: &BTreeMap<String, Vec<Requirement>>,
    profiles: &[ProfileFacts],
) -> Coverage {
    let mut requirements = Vec::new();
    for (dialect, catalogue) in catalogues {
        let trials: Vec<&LoadedScenario> =
            scenarios.iter().filter(|s| &s.dialect == dialect).collect();
        for r in catalogue {
            let citing: Vec<(&LoadedScenario, &str)> = trials
                .iter()
                .flat_map(|t| citing_steps(t, &r.id).map(move |step| (*t, step)))
                .collect();
            let mut covered_by: Vec<CoveringStep> = citing
                .iter()
                .map(|(t, step)| CoveringStep {
                    scenario: t.scenario.name.clone(),
                    step: step.to_string(),
                })
                .collect();
            covered_by.sort();
            covered_by.dedup();
            let needs = r.needs();
            let cells = profiles
                .iter()
                .filter(|p| &p.dialect == dialect)
                .map(|p| ProfileCell {
                    profile: p.profile.clone(),
                    applies: p.facts.admits(&needs).is_ok(),
                    checked: citing.iter().any(|(t, _)| p.facts.admits(&t.needs).is_ok()),
                })
                .collect();
            requirements.push(Row {
                id: r.id.clone(),
                dialect: dialect.clone(),
                text: r.text.clone(),
                source: r.source.clone(),
                versions: r.requires.versions.as_ref().map(|v| v.to_string()),
                capabilities: r.requires.capabilities.clone(),
                covered_by,
                profiles: cells,
            });
        }
    }
    Coverage {
        requirements,
        proposals: propose::propose(scenarios, catalogues),
    }
}

/// The names of the steps of `trial` that cite `id`.
fn citing_steps<'t>(trial: &'t LoadedScenario, id: &'t str) -> impl Iterator<Item = &'t str> {
    let s = &trial.scenario;
    s.steps
        .iter()
        .chain(&s.finally)
        .filter(move |step| step.cited.iter().any(|c| c.id == id))
        .map(|step| step.name.as_str())
}
