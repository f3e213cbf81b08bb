//! Learning what a target is before the suite runs: the dialect's probe (a
//! scenario the tool ships per vendor, which logs out like any other) reads
//! the version and capabilities, and the vendor's knowledge says which known
//! deviations apply.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::target::Target;
use crate::knowledge::Knowledge;
use crate::run::vars::Value;
use crate::scenario::model::Scenario;
use crate::scenario::LoadedScenario;
use crate::version::Version;

/// Runs the probe against `target` and records what it found: the version,
/// and of the capabilities the vendor's knowledge names, those in `needed`
/// (`None`: all). The probe stops after the last step that reads one of them,
/// so a run no trial of which needs a capability sends what the version needs
/// and no more (on a real server each exchange is 100-500 ms; Enterprise
/// Manager's version needs no session at all). A capability not read is
/// unknown, not absent. A probe that fails leaves the facts unknown: every
/// scenario then runs, none is skipped. Returns the warning a failed probe
/// gives, for the caller to show.
pub(crate) fn learn(
    target: &mut Target,
    data: &Knowledge,
    needed: Option<&BTreeSet<String>>,
) -> Option<String> {
    let options = Arc::get_mut(&mut target.options).expect("the target is not shared yet");
    options.deviations = Arc::new(data.deviations.clone());
    options.volatile = Arc::new(data.volatile.clone());
    options.contract = Arc::new(data.contract.clone());
    options.requirements = Arc::new(data.requirements.clone());
    options.session_rules = data.sessions.clone().map(Arc::new);
    target.facts.unread = data.facts.capabilities.keys().cloned().collect();
    let probe = data.probe.as_ref()?;
    let wanted: BTreeSet<&str> = data
        .facts
        .capabilities
        .iter()
        .filter(|(capability, _)| needed.is_none_or(|n| n.contains(*capability)))
        .map(|(_, var)| var.as_str())
        .chain(data.facts.version.as_deref())
        .collect();
    let probe = trimmed(probe, &wanted)?;
    let (outcome, vars) = crate::run::scenario::run_scenario_with_vars(&probe, &target.options);
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
    let read = captured(&probe.scenario);
    facts
        .unread
        .retain(|capability| !read.contains(data.facts.capabilities[capability].as_str()));
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

/// The capabilities `scenarios` of `dialect` may require: what its probe reads.
pub(crate) fn needed_by(scenarios: &[LoadedScenario], dialect: &str) -> BTreeSet<String> {
    scenarios
        .iter()
        .filter(|s| s.dialect == dialect)
        .flat_map(|s| s.needs.capabilities.iter().cloned())
        .collect()
}

/// The probe cut down to what reads `wanted` variables: its steps up to the
/// last that captures one, and of its `finally` steps those that close a
/// session a kept step opened (all of them when nothing was cut). `None` when
/// no step captures one: the probe is then not sent at all.
fn trimmed(probe: &LoadedScenario, wanted: &BTreeSet<&str>) -> Option<LoadedScenario> {
    let scenario = &probe.scenario;
    let last = scenario
        .steps
        .iter()
        .rposition(|step| step.capture.keys().any(|v| wanted.contains(v.as_str())))?;
    if last + 1 == scenario.steps.len() {
        return Some(probe.clone());
    }
    let steps = scenario.steps[..=last].to_vec();
    let opened: BTreeSet<&str> = steps
        .iter()
        .filter_map(|s| s.opens_session.as_deref())
        .collect();
    let finally = scenario
        .finally
        .iter()
        .filter(|f| {
            f.closes_session
                .as_deref()
                .is_some_and(|v| opened.contains(v))
        })
        .cloned()
        .collect();
    let cut = Scenario {
        steps,
        finally,
        ..(**scenario).clone()
    };
    Some(LoadedScenario {
        scenario: Arc::new(cut),
        ..probe.clone()
    })
}

/// The variables the steps of `scenario` capture.
fn captured(scenario: &Scenario) -> BTreeSet<&str> {
    scenario
        .steps
        .iter()
        .flat_map(|s| s.capture.keys().map(String::as_str))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn knowledge(dialect: &str) -> Knowledge {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::knowledge::load(
            &root.join("scenarios"),
            &root.join("golden"),
            dialect,
            false,
        )
        .unwrap()
    }

    /// The names of the steps and `finally` steps of the probe cut to `wanted`.
    fn kept(dialect: &str, wanted: &[&str]) -> Option<(Vec<String>, Vec<String>)> {
        let data = knowledge(dialect);
        let cut = trimmed(
            data.probe.as_ref().unwrap(),
            &wanted.iter().copied().collect(),
        )?;
        let names = |steps: &[crate::scenario::model::Step]| {
            steps.iter().map(|s| s.name.clone()).collect::<Vec<_>>()
        };
        Some((names(&cut.scenario.steps), names(&cut.scenario.finally)))
    }

    #[test]
    fn the_probe_stops_after_the_last_step_that_reads_what_is_wanted() {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // The version alone needs no session: no logon, so no logout.
        assert_eq!(
            kept("veeam-em", &["versions"]),
            Some((v(&["entry-point"]), v(&[])))
        );
        let all = Some((v(&["entry-point", "logon"]), v(&["logout"])));
        assert_eq!(kept("veeam-em", &["versions", "cloud_connect"]), all);
        assert_eq!(kept("veeam-em", &["cloud_connect"]), all);
        // A cut that keeps a logon keeps the logout of its session.
        assert_eq!(
            kept("commvault", &["token"]),
            Some((v(&["login"]), v(&["logout"])))
        );
        let all = Some((v(&["login", "sessions"]), v(&["logout"])));
        assert_eq!(kept("commvault", &["last_accessed"]), all);
        // Nothing wanted: nothing sent.
        assert_eq!(kept("commvault", &[]), None);
        assert_eq!(kept("veeam-em", &["no-such-variable"]), None);
    }

    #[test]
    fn a_cut_keeps_only_the_finally_steps_of_sessions_it_opened() {
        let text = r#"name: probe
steps:
  - name: first
    request: { path: a }
    capture: { x: { header: X } }
  - name: second
    request: { path: b }
    capture: { y: { header: Y } }
finally:
  - name: cleanup
    request: { path: c }
"#;
        let file = Path::new("probe.yaml");
        let probe =
            crate::scenario::load_scenario_source(file, text, "veeam-em", Path::new("g"), true)
                .unwrap();
        let finally = |wanted: &[&str]| -> Vec<String> {
            let cut = trimmed(&probe, &wanted.iter().copied().collect()).unwrap();
            cut.scenario
                .finally
                .iter()
                .map(|s| s.name.clone())
                .collect()
        };
        // Nothing cut: every `finally` step stays, one that closes nothing too.
        assert_eq!(finally(&["y"]), ["cleanup"]);
        // A cut drops a `finally` step that closes no session a kept step opened.
        assert_eq!(finally(&["x"]), Vec::<String>::new());
    }

    /// What the probe learns of a reference server, reading `needed`; the
    /// warning, the facts and how many logons the server saw.
    fn learned(needed: Option<&[&str]>, password: &str) -> (Option<String>, Target, usize) {
        use crate::server::{start, Dialect, ServerOptions};
        let mut served = ServerOptions::new(Dialect::VeeamEm);
        served.credentials = crate::credentials::Credentials::embedded();
        let server = start(Dialect::VeeamEm, served, ([127, 0, 0, 1], 0).into()).unwrap();
        let mut options = crate::run::RunOptions::new(server.base_url().parse().unwrap());
        options.credentials = crate::credentials::Credentials::embedded();
        options.credentials.password = password.into();
        let mut target = Target {
            dialect: "veeam-em".into(),
            options: Arc::new(options),
            facts: Default::default(),
            profile: None,
            probe_sessions: Vec::new(),
            budget: Default::default(),
        };
        let needed: Option<BTreeSet<String>> =
            needed.map(|n| n.iter().map(|c| c.to_string()).collect());
        let warning = learn(&mut target, &knowledge("veeam-em"), needed.as_ref());
        assert_eq!(server.open_sessions(), 0, "the probe logs out");
        (warning, target, server.issued_tokens().len())
    }

    #[test]
    fn the_probe_logs_on_only_to_read_a_capability_a_trial_needs() {
        let good = crate::credentials::DEFAULT_PASSWORD;
        let (warning, target, logons) = learned(Some(&[]), good);
        assert_eq!(warning, None);
        assert_eq!(logons, 0);
        let facts = &target.facts;
        assert_eq!(
            facts.version.as_ref().map(|v| v.name().to_string()),
            Some("v1_7".into())
        );
        assert!(facts.probed && facts.capabilities.is_empty());
        assert_eq!(facts.unread, ["cloud-connect".to_string()].into());
        for needed in [Some(&["cloud-connect"][..]), None] {
            let (warning, target, logons) = learned(needed, good);
            assert_eq!(warning, None);
            assert_eq!(logons, 1);
            assert_eq!(
                target.facts.capabilities,
                ["cloud-connect".to_string()].into()
            );
            assert!(target.facts.unread.is_empty());
        }
        // A logon the probe needs and cannot make: said, and the facts stay unknown.
        let (warning, target, _) = learned(None, "wrong");
        assert!(warning.unwrap().contains("probe failed"));
        assert!(!target.facts.probed && target.facts.version.is_none());
        assert_eq!(target.facts.unread, ["cloud-connect".to_string()].into());
        // The same credentials do not matter when no logon is needed.
        assert_eq!(learned(Some(&[]), "wrong").0, None);
    }

    #[test]
    fn what_a_run_needs_is_what_its_trials_require() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = crate::scenario::SuiteSource {
            scenarios_dir: root.join("scenarios"),
            golden_dir: root.join("golden"),
            dialects: Vec::new(),
            allow_missing_goldens: false,
            variables: Vec::new(),
        };
        let suite = crate::scenario::load_suite(&source).unwrap();
        let cloud: BTreeSet<String> = ["cloud-connect".to_string()].into();
        assert_eq!(needed_by(&suite, "veeam-em"), cloud);
        let listing: Vec<LoadedScenario> = suite
            .iter()
            .filter(|s| s.id.starts_with("veeam-em::list-sessions"))
            .cloned()
            .collect();
        assert_eq!(listing.len(), 2);
        assert!(needed_by(&listing, "veeam-em").is_empty());
        assert!(needed_by(&suite, "no-such-dialect").is_empty());
    }
}
