//! Learning what a target is before the suite runs: the dialect's probe (a
//! scenario the tool ships per vendor, which logs out like any other) reads
//! the version and capabilities, and the vendor's knowledge says which known
//! deviations apply.

use std::sync::Arc;

use super::target::Target;
use crate::knowledge::Knowledge;
use crate::run::vars::Value;
use crate::version::Version;

/// Runs the probe against `target` and records what it found. A probe that
/// fails leaves the facts unknown: every scenario then runs, none is skipped.
/// Returns the warning a failed probe gives, for the caller to show.
pub(crate) fn learn(target: &mut Target, data: &Knowledge) -> Option<String> {
    let options = Arc::get_mut(&mut target.options).expect("the target is not shared yet");
    options.deviations = Arc::new(data.deviations.clone());
    options.volatile = Arc::new(data.volatile.clone());
    options.requirements = Arc::new(data.requirements.clone());
    options.session_rules = data.sessions.clone().map(Arc::new);
    let Some(probe) = &data.probe else {
        return None;
    };
    let (outcome, vars) = crate::run::scenario::run_scenario_with_vars(probe, &target.options);
    target.probe_sessions = outcome.sessions.clone();
    // What the probe learned rests on its steps; a logout that failed after
    // them is said, and its session counted, but does not unlearn the facts.
    let learned = outcome
        .steps
        .iter()
        .filter(|s| s.phase == crate::outcome::Phase::Steps)
        .all(|s| s.status != crate::outcome::Status::Failed);
    let warning = (!outcome.passed()).then(|| {
        let lost = if learned {
            "its logout failed"
        } else {
            "so the server's version and capabilities are unknown"
        };
        format!(
            "warning: the {} probe failed, {lost}:\n{}",
            target.dialect,
            crate::report::console::render(&outcome, false)
        )
    });
    if !learned {
        return warning;
    }
    let facts = &mut target.facts;
    facts.probed = true;
    let values = |name: &str| -> Vec<String> {
        match vars.get(name) {
            Some(Value::One(v)) => vec![v.clone()],
            Some(Value::Many(vs)) => vs.clone(),
            None => Vec::new(),
        }
    };
    if let Some(var) = &data.facts.version {
        let listed = values(var);
        facts.version = listed.iter().filter_map(|v| Version::parse(v)).max();
        let mut offered: std::collections::BTreeSet<String> = listed.into_iter().collect();
        offered.extend(data.facts.aliases.iter().cloned());
        facts.offered = Some(offered);
    }
    for (capability, var) in &data.facts.capabilities {
        if !values(var).is_empty() {
            facts.capabilities.insert(capability.clone());
        }
    }
    let options = Arc::get_mut(&mut target.options).expect("the target is not shared yet");
    options.version = target.facts.version.clone();
    warning
}
