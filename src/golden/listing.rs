//! What a bless did to the goldens a run used: written new, changed, left
//! alone, and not recorded (with why), so nothing changes unseen.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::book::Settled;
use crate::outcome::{FailureKind, ScenarioOutcome};
use crate::scenario::LoadedScenario;

/// The goldens of a bless, sorted into what happened to them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BlessListing {
    /// Goldens that did not exist and were written.
    pub new: Vec<String>,
    /// Goldens that existed and were rewritten.
    pub changed: Vec<String>,
    /// Goldens that exist and that the run did not touch (they passed, or were not reached).
    pub left_alone: Vec<String>,
    /// Why a golden was not recorded, one line each.
    pub not_recorded: Vec<String>,
    /// New and changed goldens are pending files, waiting for review.
    pub pending: bool,
    /// What bless decided in each golden it wrote (by the path shown), a line each.
    pub decided: Vec<(String, Vec<String>)>,
}

impl BlessListing {
    /// Sorts the goldens `scenarios` name by what the end of the bless wrote
    /// (`settled`) and why `outcomes` recorded nothing.
    pub fn of(
        scenarios: &[LoadedScenario],
        outcomes: &[ScenarioOutcome],
        settled: &Settled,
    ) -> BlessListing {
        let existing: BTreeSet<PathBuf> = scenarios
            .iter()
            .flat_map(|s| s.goldens.values())
            // The tool's own goldens are not the suite's to bless or to list.
            .filter(|g| g.expected.is_some() && !g.built_in)
            .map(|g| g.path.clone())
            .collect();
        let show = |p: &PathBuf| p.display().to_string();
        let touched: BTreeSet<&PathBuf> = (settled.changed.iter())
            .chain(settled.not_written.iter().map(|(p, _)| p))
            .collect();
        let mut not_recorded: Vec<String> = outcomes
            .iter()
            .flat_map(|o| o.steps.iter().map(move |s| (o, s)))
            .flat_map(|(o, s)| {
                s.failures
                    .iter()
                    .filter(|f| f.kind == FailureKind::Bless)
                    .map(move |f| format!("{} step `{}`: {}", o.id, s.name, f.message))
            })
            .collect();
        not_recorded.extend(settled.not_written.iter().map(|(_, why)| why.clone()));
        // A golden nothing reached (its step did not run, or showed a known
        // deviation instead) is still missing: say so rather than leave it out.
        let missing = scenarios
            .iter()
            .flat_map(|s| s.goldens.values())
            .filter(|g| g.expected.is_none())
            .map(|g| &g.path)
            .collect::<BTreeSet<_>>();
        let refused: Vec<&str> = outcomes
            .iter()
            .flat_map(|o| o.steps.iter().flat_map(|s| s.failures.iter()))
            .filter(|f| f.kind == FailureKind::Bless)
            .filter_map(|f| f.path.as_deref())
            .collect();
        let recorded = |p: &PathBuf| {
            settled.new.contains(p)
                || settled.not_written.iter().any(|(q, _)| q == p)
                || refused.iter().any(|r| p.ends_with(r))
        };
        let unreached: Vec<String> = missing
            .into_iter()
            .filter(|p| !recorded(p))
            .map(|p| format!("{}: no response of this run reached it", show(p)))
            .collect();
        not_recorded.extend(unreached);
        let written = |p: &PathBuf| {
            if settled.pending {
                show(&super::review::pending_path(p))
            } else {
                show(p)
            }
        };
        BlessListing {
            decided: (settled.decided.iter())
                .map(|(p, notes)| (written(p), notes.clone()))
                .collect(),
            new: settled.new.iter().map(written).collect(),
            changed: settled.changed.iter().map(written).collect(),
            pending: settled.pending,
            left_alone: existing
                .iter()
                .filter(|p| !touched.contains(p))
                .map(show)
                .collect(),
            not_recorded,
        }
    }

    /// The listing as text for the end of a bless.
    pub fn render(&self) -> String {
        let mut out = format!(
            "bless: {} new, {} changed, {} left alone, {} not recorded{}\n",
            self.new.len(),
            self.changed.len(),
            self.left_alone.len(),
            self.not_recorded.len(),
            if self.pending && self.new.len() + self.changed.len() > 0 {
                "; new and changed goldens are pending files: `sessionconf review` shows, accepts or rejects them"
            } else {
                ""
            }
        );
        for (label, list) in [
            ("new", &self.new),
            ("changed", &self.changed),
            ("left alone", &self.left_alone),
            ("not recorded", &self.not_recorded),
        ] {
            for item in list {
                out.push_str(&format!("  {label}: {item}\n"));
                let notes = self.decided.iter().find(|(p, _)| p == item);
                for note in notes.into_iter().flat_map(|(_, n)| n) {
                    out.push_str(&format!("    {note}\n"));
                }
            }
        }
        out
    }
}
