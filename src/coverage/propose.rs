//! What a step that cites nothing appears to check: the requirements whose
//! request (method, path, documented answer) it sends. A suite written
//! without `covers:` counts nothing as covered; this shows, step by step, what
//! to cite, in a form to paste. It is a proposal: the user keeps the ids the
//! step's checks show.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::knowledge::Requirement;
use crate::scenario::model::Step;
use crate::scenario::LoadedScenario;

/// A step that cites nothing, and what its request appears to check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The dialect.
    pub dialect: String,
    /// The scenario file.
    pub file: String,
    /// The scenario's name.
    pub scenario: String,
    /// The step's name.
    pub step: String,
    /// What it sends, as the scenario writes it (`POST sessionMngr/?v=${version}`);
    /// `None` when its URL is known only when it runs (`url:`, `link:`).
    pub sends: Option<String>,
    /// The requirements whose request it sends, in catalogue order.
    pub covers: Vec<String>,
}

impl Proposal {
    /// `covers: [em.logon.status-201, em.logon.session-header]`, to paste under the step.
    pub fn to_paste(&self) -> String {
        format!("covers: [{}]", self.covers.join(", "))
    }
}

/// For each step of `scenarios` that cites no requirement (once however many
/// trials share it): the requirements of its dialect's catalogue whose
/// request it sends. Steps whose URL is known only when they run have no
/// proposal, and say so.
pub fn propose(
    scenarios: &[LoadedScenario],
    catalogues: &BTreeMap<String, Vec<Requirement>>,
) -> Vec<Proposal> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for trial in scenarios {
        let Some(catalogue) = catalogues.get(&trial.dialect) else {
            continue;
        };
        let s = &trial.scenario;
        for step in s.steps.iter().chain(&s.finally) {
            if !step.cited.is_empty() || !seen.insert((trial.file.clone(), step.name.clone())) {
                continue;
            }
            let sends = sent(step);
            let covers = match &sends {
                Some((method, path)) => matching(catalogue, method, path.trim_matches('"'), step),
                None => Vec::new(),
            };
            if sends.is_some() && covers.is_empty() {
                continue;
            }
            out.push(Proposal {
                dialect: trial.dialect.clone(),
                file: trial.file.display().to_string(),
                scenario: s.name.clone(),
                step: step.name.clone(),
                sends: sends.map(|(m, p)| format!("{m} {p}")),
                covers,
            });
        }
    }
    out
}

/// The method and path a step sends, as written, when it has a `path:`.
fn sent(step: &Step) -> Option<(String, String)> {
    let path = step.request.path.as_ref()?.raw();
    // The base URL itself is written `""` in a scenario: said so, not as nothing.
    let path = if path.is_empty() { "\"\"" } else { path };
    Some((step.request.method.0.clone(), path.to_string()))
}

/// The ids of `catalogue` whose request the step sends and whose documented
/// answer it expects.
fn matching(catalogue: &[Requirement], method: &str, path: &str, step: &Step) -> Vec<String> {
    let expected = step.expect.status.as_ref();
    catalogue
        .iter()
        .filter(|r| {
            r.request
                .as_ref()
                .is_some_and(|q| q.is_sent_by(method, path, expected))
        })
        .map(|r| r.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn catalogue() -> BTreeMap<String, Vec<Requirement>> {
        let text = "requirements:\n  - { id: d.logon.ok, text: t, source: s, request: { methods: [POST], path: login/, status: 201 } }\n  - { id: d.logon.refused, text: t, source: s, request: { methods: [POST], path: login/, status: 401 } }\n  - { id: d.list.own, text: t, source: s, request: { methods: [GET], path: sessions } }\n  - { id: d.any.namespace, text: t, source: s }\n";
        let file = Path::new("r.yaml");
        let parsed = crate::knowledge::requirements::parse(file, text).unwrap();
        BTreeMap::from([("d".to_string(), parsed)])
    }

    const SCENARIO: &str = "name: s\nmatrix:\n  format: [xml, json]\nsteps:\n  - name: logon\n    request: { method: POST, path: \"login/?v=${format}\" }\n    expect: { status: 201 }\n  - name: list\n    covers: [d.list.own]\n    request: { path: sessions }\n  - name: again\n    request: { path: sessions }\n  - name: other\n    request: { path: elsewhere }\nfinally:\n  - name: logout\n    request: { method: DELETE, url: \"${base_url}x\" }\n";

    #[test]
    fn a_step_that_cites_nothing_is_offered_the_requirements_of_its_request() {
        let trials = crate::scenario::load_trials_source(
            Path::new("s.yaml"),
            SCENARIO,
            "d",
            Path::new("g"),
            true,
        )
        .unwrap();
        let proposals = propose(&trials, &catalogue());
        let said: Vec<(String, Option<String>, String)> = proposals
            .iter()
            .map(|p| (p.step.clone(), p.sends.clone(), p.to_paste()))
            .collect();
        // Once for both trials; not the status the step does not expect; not
        // a step that cites; nothing for a request no requirement names.
        assert_eq!(
            said,
            [
                (
                    "logon".to_string(),
                    Some("POST login/?v=${format}".to_string()),
                    "covers: [d.logon.ok]".to_string()
                ),
                (
                    "again".to_string(),
                    Some("GET sessions".to_string()),
                    "covers: [d.list.own]".to_string()
                ),
                ("logout".to_string(), None, "covers: []".to_string()),
            ]
        );
        assert!(propose(&trials, &BTreeMap::new()).is_empty());
    }
}
