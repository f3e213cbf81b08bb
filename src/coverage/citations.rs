//! Every requirement id a step cites must be in its dialect's catalogue: a
//! mistyped id would make a requirement look covered when nothing checks it.

use std::collections::BTreeMap;

use crate::error::ConfigError;
use crate::knowledge::Requirement;
use crate::scenario::LoadedScenario;

/// An error, at the file and line where it is written, for each cited id the
/// dialect's catalogue lacks (each place once, however many trials share it).
/// A dialect missing from `catalogues` is one whose catalogue did not load:
/// that error is said already, and every id it cites would only repeat it.
pub fn check(
    scenarios: &[LoadedScenario],
    catalogues: &BTreeMap<String, Vec<Requirement>>,
) -> Vec<ConfigError> {
    let mut errors: Vec<ConfigError> = Vec::new();
    for scenario in scenarios {
        let Some(catalogue) = catalogues.get(&scenario.dialect) else {
            continue;
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn requirement(id: &str) -> Requirement {
        Requirement {
            id: id.into(),
            text: "t".into(),
            source: "s".into(),
            requires: Default::default(),
            request: None,
        }
    }

    fn trials(yaml: &str) -> Vec<LoadedScenario> {
        crate::scenario::load_trials_source(Path::new("s.yaml"), yaml, "d", Path::new("g"), true)
            .unwrap()
    }

    const SCENARIO: &str = "name: s\nmatrix:\n  format: [xml, json]\nsteps:\n  - name: a\n    covers: [d.known, d.knwon]\n    request: { path: x }\n  - name: b\n    covers:\n      - d.other: status\n    request: { path: y }\n";

    #[test]
    fn each_unknown_id_is_refused_once_at_its_place_with_the_nearest_id() {
        let catalogues = BTreeMap::from([(
            "d".to_string(),
            vec![requirement("d.known"), requirement("d.other")],
        )]);
        let errors = check(&trials(SCENARIO), &catalogues);
        assert_eq!(errors.len(), 1, "two trials share the place: {errors:?}");
        let e = &errors[0];
        assert_eq!((e.line, e.col), (Some(6), Some(23)));
        assert!(
            e.message
                .contains("step `a`: `d.knwon` is no requirement of d; did you mean `d.known`?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_dialect_without_a_catalogue_knows_no_id() {
        let empty = BTreeMap::from([("d".to_string(), Vec::new())]);
        let errors = check(&trials(SCENARIO), &empty);
        let places: Vec<(Option<u32>, Option<u32>)> =
            errors.iter().map(|e| (e.line, e.col)).collect();
        assert_eq!(
            places,
            [
                (Some(6), Some(14)),
                (Some(6), Some(23)),
                (Some(10), Some(9))
            ]
        );
        let all = BTreeMap::from([(
            "d".to_string(),
            ["d.known", "d.knwon", "d.other"].map(requirement).to_vec(),
        )]);
        assert!(check(&trials(SCENARIO), &all).is_empty());
        // A catalogue that did not load: its error is said, not every citation.
        assert!(check(&trials(SCENARIO), &BTreeMap::new()).is_empty());
    }
}
