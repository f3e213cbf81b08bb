//! Every requirement id a step cites must be in its dialect's catalogue: a
//! mistyped id would make a requirement look covered when nothing checks it.

use std::collections::BTreeMap;

use crate::error::ConfigError;
use crate::knowledge::Requirement;
use crate::scenario::LoadedScenario;

/// An error, at the file and line where it is written, for each cited id the
/// dialect's catalogue lacks (each place once, however many trials share it).
pub fn check(
    scenarios: &[LoadedScenario],
    catalogues: &BTreeMap<String, Vec<Requirement>>,
) -> Vec<ConfigError> {
    let empty = Vec::new();
    let mut errors: Vec<ConfigError> = Vec::new();
    for scenario in scenarios {
        let catalogue = catalogues.get(&scenario.dialect).unwrap_or(&empty);
        let ids = || catalogue.iter().map(|r| r.id.as_str());
        let steps = scenario.scenario.steps.iter();
        for step in steps.chain(scenario.scenario.finally.iter()) {
            for (cover, at) in step.cited.iter().zip(&step.covers_at) {
                let id = &cover.id;
                if ids().any(|known| known == id) {
                    continue;
                }
                let error = ConfigError::at(
                    &at.file,
                    at.line,
                    at.col,
                    format!(
                        "step `{}`: `{id}` is no requirement of {}{}; `sessionconf coverage` lists them, a suite adds its own in scenarios/{}/knowledge/requirements.yaml",
                        step.name,
                        scenario.dialect,
                        crate::suggest::did_you_mean(id, ids()),
                        scenario.dialect,
                    ),
                );
                let same_place = |e: &ConfigError| {
                    (&e.file, e.line, e.col) == (&error.file, error.line, error.col)
                };
                if !errors.iter().any(same_place) {
                    errors.push(error);
                }
            }
        }
    }
    errors
}
