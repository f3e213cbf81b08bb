//! `sessionconf load`: one trial many times at once.

use std::sync::Arc;
use std::time::Duration;

use crate::harness::{self, signals};
use crate::run::{ClientOptions, RunOptions};
use crate::scenario::{load_selected, SuiteSource};

use super::args::*;
use super::check::config_errors;
use super::serve::options;
use super::usage;

pub(crate) fn load(mut args: LoadArgs) -> u8 {
    if args.iterations == 0 || args.concurrency == 0 {
        return usage("--iterations and --concurrency are at least 1");
    }
    if let Err(e) = super::settings::settle_suite(&mut args.suite) {
        return usage(e);
    }
    let timeout = match super::settings::seconds("--timeout", args.timeout, 30.0) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let thresholds = match load_thresholds(&args) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    let scenario = match load_one(&args) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let client = ClientOptions {
        timeout: Duration::from_secs_f64(timeout),
        insecure: args.insecure,
        cacert: args.cacert.clone(),
        ..ClientOptions::default()
    };
    if let Err(e) = crate::run::client::check(&client) {
        return usage(e);
    }
    let interrupted = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (options, embedded) = match load_target(&args, &scenario.dialect, &client, &interrupted) {
        Ok(t) => t,
        Err(e) => return usage(e),
    };
    signals::stop_on_signals(interrupted, options.open_sessions.clone());
    let open = embedded.as_ref().map(|e| {
        move || {
            e.servers
                .iter()
                .map(|(s, _)| s.open_sessions())
                .sum::<usize>()
        }
    });
    let report = crate::run::load_test::run_load_within(
        &scenario,
        &options,
        (args.concurrency, args.iterations),
        open.as_ref().map(|f| f as &dyn Fn() -> usize),
        thresholds,
    );
    print!("{}", report.render());
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report).expect("the report serializes");
        if let Err(e) = crate::report::write_text(path, "load", &text) {
            return usage(e);
        }
    }
    if report.passed() {
        0
    } else {
        1
    }
}

/// `--max-p99` and `--max-error-rate`, each within its range.
pub(crate) fn load_thresholds(
    args: &LoadArgs,
) -> Result<crate::run::load_test::Thresholds, String> {
    if let Some(ms) = args.max_p99.filter(|ms| !(ms.is_finite() && *ms > 0.0)) {
        return Err(format!(
            "--max-p99 {ms}: expected a number of milliseconds above 0"
        ));
    }
    if let Some(rate) = args
        .max_error_rate
        .filter(|r| !(r.is_finite() && (0.0..=1.0).contains(r)))
    {
        return Err(format!(
            "--max-error-rate {rate}: expected a fraction from 0 to 1"
        ));
    }
    Ok(crate::run::load_test::Thresholds {
        max_p99_ms: args.max_p99,
        max_error_rate: args.max_error_rate,
    })
}

/// The scenario `--scenario DIALECT::NAME` names; `Err` is the exit code.
pub(crate) fn load_one(args: &LoadArgs) -> Result<crate::scenario::LoadedScenario, u8> {
    let Some((dialect, _)) = args.scenario.split_once("::") else {
        return Err(usage(format!(
            "--scenario {}: expected DIALECT::NAME",
            args.scenario
        )));
    };
    let source = SuiteSource {
        scenarios_dir: args.suite.scenarios.clone().unwrap_or_default(),
        golden_dir: args.suite.golden_dir.clone().unwrap_or_default(),
        dialects: vec![dialect.to_string()],
        allow_missing_goldens: false,
        variables: Vec::new(),
    };
    let named = |_: &str, id: &str| is_trial_of(&args.scenario, id);
    let loaded = load_selected(&source, Some(&named))
        .map_err(|errors| config_errors(&errors))?
        .loaded;
    let trials: Vec<String> = loaded
        .iter()
        .filter(|s| s.id.starts_with(&format!("{}[", args.scenario)))
        .map(|s| s.id.clone())
        .collect();
    loaded
        .into_iter()
        .find(|s| s.id == args.scenario)
        .ok_or_else(|| {
            usage(if trials.is_empty() {
                format!(
                    "--scenario {}: no such scenario (see `sessionconf run --list`)",
                    args.scenario
                )
            } else {
                format!(
                    "--scenario {}: the scenario has a matrix; name one of its trials: {}",
                    args.scenario,
                    trials.join(", ")
                )
            })
        })
}

/// Whether `id` is the trial `scenario` names, or one of its matrix's.
fn is_trial_of(scenario: &str, id: &str) -> bool {
    id.strip_prefix(scenario)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
}

/// Where `load` sends its flows: the endpoint with the user's credentials, or an
/// embedded reference server with its own.
pub(crate) fn load_target(
    args: &LoadArgs,
    dialect: &str,
    client: &ClientOptions,
    interrupted: &Arc<std::sync::atomic::AtomicBool>,
) -> Result<(Arc<RunOptions>, Option<harness::Embedded>), String> {
    let Some(endpoint) = &args.endpoint else {
        let dialects = std::iter::once(dialect.to_string()).collect();
        let servers = harness::Embedded::start(&dialects, &[], &Default::default())?;
        let url = servers.servers[0].0.base_url();
        let url = reqwest::Url::parse(&url).map_err(|e| e.to_string())?;
        return Ok((options(url, client, false, interrupted), Some(servers)));
    };
    let url = harness::parse_endpoint(endpoint)?;
    let (credentials, _) =
        crate::credentials::Credentials::for_endpoint(endpoint).map_err(|e| e.to_string())?;
    let mut options = RunOptions::new(url);
    options.client = client.clone();
    options.credentials = credentials;
    options.interrupted = interrupted.clone();
    Ok((Arc::new(options), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_names_itself_and_its_matrix_trials_only() {
        assert!(is_trial_of("d::list", "d::list"));
        assert!(is_trial_of("d::list", "d::list[format=xml]"));
        assert!(is_trial_of("d::list[format=xml]", "d::list[format=xml]"));
        assert!(!is_trial_of("d::list", "d::list-sessions"));
        assert!(!is_trial_of("d::list", "d::lis"));
        assert!(!is_trial_of("d::list[format=xml]", "d::list[format=json]"));
    }
}
