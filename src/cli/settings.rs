//! Where each run option comes from: the command line, else `sessionconf.toml`
//! (or `--config FILE`), else the built-in default. A named target brings its
//! endpoint, dialect, TLS options and the names of its credential variables.

use std::collections::BTreeMap;
use std::path::PathBuf;

use sessionconf::config::{self, ConfigFile, TargetConfig};
use sessionconf::credentials::CredentialVars;

use crate::{RunArgs, SuiteArgs};

/// Longest limit a timeout may have, in seconds (a day).
const MAX_SECONDS: f64 = 86_400.0;

/// What the run takes from the settings besides its options.
pub(crate) struct Settled {
    pub credential_vars: CredentialVars,
    pub variables: BTreeMap<String, String>,
}

/// Reads the configuration file and fills in the suite's directories.
pub(crate) fn settle_suite(suite: &mut SuiteArgs) -> Result<ConfigFile, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let file = config::find(suite.config.as_deref(), &cwd)
        .map_err(|e| e.to_string())?
        .map(|(_, file)| file)
        .unwrap_or_default();
    fill(&mut suite.scenarios, &file.scenarios, "scenarios");
    fill(&mut suite.golden_dir, &file.golden_dir, "golden");
    if suite.dialects.is_empty() {
        suite.dialects = file.dialects.clone().unwrap_or_default();
    }
    Ok(file)
}

fn fill(value: &mut Option<PathBuf>, from_file: &Option<PathBuf>, default: &str) {
    if value.is_none() {
        *value = Some(from_file.clone().unwrap_or_else(|| PathBuf::from(default)));
    }
}

/// Every run option settled; the target, variables and credential variables.
pub(crate) fn settle_run(args: &mut RunArgs) -> Result<Settled, String> {
    let file = settle_suite(&mut args.suite)?;
    let target_name = args.target.clone().or(file.target.clone());
    let mut credential_vars = CredentialVars::default();
    if let Some(name) = &target_name {
        let target = file
            .target(name)
            .map_err(|why| format!("--target {name}: {why}"))?;
        apply_target(args, name, target)?;
        credential_vars = target_credentials(target);
    } else if args.endpoint.is_none() {
        args.endpoint = file.endpoint.clone();
    }
    if args.profiles.is_empty() {
        args.profiles = file.profiles.clone().unwrap_or_default();
    }
    if args.tags.is_empty() {
        args.tags = file.tags.clone().unwrap_or_default();
    }
    if args.reports.is_empty() {
        args.reports = file.reports.clone().unwrap_or_default();
    }
    args.filter = args.filter.take().or(file.filter.clone());
    args.jobs = args.jobs.or(file.jobs);
    args.junit = args.junit.take().or(file.junit.clone());
    args.json = args.json.take().or(file.json.clone());
    args.insecure |= file.insecure.unwrap_or(false);
    args.cacert = args.cacert.take().or(file.cacert.clone());
    args.cert = args.cert.take().or(file.cert.clone());
    args.key = args.key.take().or(file.key.clone());
    args.max_body_bytes = args.max_body_bytes.or(file.max_body_bytes);
    args.timeout = Some(seconds("--timeout", args.timeout.or(file.timeout), 30.0)?);
    args.connect_timeout = Some(seconds(
        "--connect-timeout",
        args.connect_timeout.or(file.connect_timeout),
        10.0,
    )?);
    args.scenario_timeout = Some(seconds(
        "--scenario-timeout",
        args.scenario_timeout.or(file.scenario_timeout),
        300.0,
    )?);
    let variables = variables(args, &file)?;
    Ok(Settled {
        credential_vars,
        variables,
    })
}

/// A target's endpoint, dialect and TLS options, unless the command line says otherwise.
fn apply_target(args: &mut RunArgs, name: &str, target: &TargetConfig) -> Result<(), String> {
    if let Some(endpoint) = &args.endpoint {
        return Err(format!(
            "--endpoint {endpoint} and --target {name}: a target is an endpoint already; give one of them"
        ));
    }
    args.endpoint = Some(target.endpoint.clone());
    match args.suite.dialects.as_slice() {
        [] => args.suite.dialects = vec![target.dialect.clone()],
        [one] if *one == target.dialect => {}
        other => {
            return Err(format!(
                "--target {name} runs dialect {}, not {}",
                target.dialect,
                other.join(", ")
            ))
        }
    }
    args.insecure |= target.insecure.unwrap_or(false);
    args.cacert = args.cacert.take().or(target.cacert.clone());
    args.cert = args.cert.take().or(target.cert.clone());
    args.key = args.key.take().or(target.key.clone());
    Ok(())
}

fn target_credentials(target: &TargetConfig) -> CredentialVars {
    let default = CredentialVars::default();
    let pick = |named: &Option<String>, fallback: String| named.clone().unwrap_or(fallback);
    CredentialVars {
        user: pick(&target.user_env, default.user),
        password: pick(&target.password_env, default.password),
        tenant_user: pick(&target.tenant_user_env, default.tenant_user),
        tenant_password: pick(&target.tenant_password_env, default.tenant_password),
    }
}

/// A limit in seconds: finite, above zero, at most a day.
pub(crate) fn seconds(option: &str, value: Option<f64>, default: f64) -> Result<f64, String> {
    let value = value.unwrap_or(default);
    if value.is_finite() && (0.001..=MAX_SECONDS).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{option} {value}: expected a number of seconds from 0.001 to {MAX_SECONDS}"
        ))
    }
}

/// The file's `[vars]`, its `vars_file`, `--vars-file`, then `--var`: later ones win.
fn variables(args: &RunArgs, file: &ConfigFile) -> Result<BTreeMap<String, String>, String> {
    let mut vars = file.vars.clone();
    for path in file.vars_file.iter().chain(&args.vars_file) {
        vars.extend(config::read_vars_file(path).map_err(|e| e.to_string())?);
    }
    for pair in &args.vars {
        match pair.split_once('=') {
            Some((name, value)) if sessionconf::placeholder::is_variable_name(name) => {
                vars.insert(name.to_string(), value.to_string());
            }
            _ => return Err(format!("--var {pair}: expected NAME=VALUE")),
        }
    }
    if let Some(builtin) = vars
        .keys()
        .find(|k| sessionconf::scenario::BUILTIN_VARIABLES.contains(&k.as_str()))
    {
        return Err(format!(
            "variable `{builtin}` is built in (the credentials come from their environment variables)"
        ));
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_finite_positive_and_at_most_a_day() {
        assert_eq!(seconds("--timeout", None, 30.0), Ok(30.0));
        assert_eq!(seconds("--timeout", Some(0.001), 30.0), Ok(0.001));
        assert_eq!(
            seconds("--timeout", Some(MAX_SECONDS), 30.0),
            Ok(MAX_SECONDS)
        );
        for bad in [
            f64::INFINITY,
            f64::NAN,
            0.0,
            -1.0,
            1e30,
            0.0009,
            MAX_SECONDS + 1.0,
        ] {
            let err = seconds("--timeout", Some(bad), 30.0).unwrap_err();
            assert!(err.contains("from 0.001 to 86400"), "{err}");
        }
    }
}

#[cfg(test)]
mod settle_tests {
    use super::*;
    use clap::Parser;

    fn settle(config: &str, args: &[&str]) -> Result<(RunArgs, Settled), String> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sessionconf.toml");
        std::fs::write(&file, config).unwrap();
        let mut argv = vec!["sessionconf", "run", "--config", file.to_str().unwrap()];
        argv.extend(args);
        let crate::Command::Run(mut run) = crate::Cli::try_parse_from(argv).unwrap().command else {
            panic!("not a run");
        };
        let settled = settle_run(&mut run)?;
        Ok((run, settled))
    }

    const LAB: &str = "[targets.lab]\nendpoint = \"https://em01:9398/api/\"\ndialect = \"veeam-em\"\ninsecure = true\n";

    #[test]
    fn the_file_and_a_target_fill_what_the_command_line_leaves_out() {
        let (run, _) = settle("insecure = true\n", &[]).unwrap();
        assert!(run.insecure, "the file's insecure holds");
        let (run, settled) = settle(LAB, &["--target", "lab"]).unwrap();
        assert!(run.insecure, "the target's insecure holds");
        assert_eq!(run.endpoint.as_deref(), Some("https://em01:9398/api/"));
        assert_eq!(run.suite.dialects, ["veeam-em"]);
        assert_eq!(settled.credential_vars, CredentialVars::default());
        let (run, _) = settle(LAB, &["--target", "lab", "--dialect", "veeam-em"]).unwrap();
        assert_eq!(run.suite.dialects, ["veeam-em"]);
        let why = settle(LAB, &["--target", "lab", "--dialect", "commvault"])
            .err()
            .unwrap();
        assert!(
            why.contains("runs dialect veeam-em, not commvault"),
            "{why}"
        );
    }

    #[test]
    fn variables_have_names() {
        let (_, settled) =
            settle("[vars]\na = \"1\"\n", &["--var", "b=2", "--var", "a=3"]).unwrap();
        assert_eq!(
            settled.variables,
            [("a".into(), "3".into()), ("b".into(), "2".into())].into()
        );
        let why = settle("", &["--var", "not a name=1"]).err().unwrap();
        assert!(why.contains("expected NAME=VALUE"), "{why}");
    }
}
