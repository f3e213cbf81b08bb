//! Where each run option comes from: the command line, else `sessionconf.toml`
//! (or `--config FILE`), else the built-in default. A named target brings its
//! endpoint, dialect, TLS options and the names of its credential variables.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::{self, ConfigFile, TargetConfig};
use crate::credentials::CredentialVars;
use crate::server::Profile;

use super::args::{RunArgs, SuiteArgs};

/// Longest limit a timeout may have, in seconds (a day).
const MAX_SECONDS: f64 = 86_400.0;

/// What the run takes from the settings besides its options.
pub(crate) struct Settled {
    pub variables: BTreeMap<String, String>,
    /// The named targets to run against, side by side; none: the endpoint
    /// (`--endpoint`, the file's) or the embedded servers.
    pub targets: Vec<NamedTarget>,
}

/// A target of the configuration file, settled.
#[derive(Debug)]
pub(crate) struct NamedTarget {
    pub name: String,
    pub endpoint: Option<String>,
    pub profile: Option<Profile>,
    pub dialect: String,
    pub credential_vars: CredentialVars,
    /// Sessions it may have open at once, when its settings say.
    pub max_sessions: Option<usize>,
    /// Its TLS options: the command line's, else the target's, else the file's.
    pub tls: Tls,
}

/// TLS options of one target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Tls {
    pub insecure: bool,
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// Reads the configuration file and fills in the suite's directories.
/// The suite of a command that runs no targets (`check`, `coverage`,
/// `strength`): its directories and dialects from the options and the
/// configuration file, the file's variable names known.
pub(crate) fn suite_source(
    mut suite: SuiteArgs,
    allow_missing_goldens: bool,
) -> Result<crate::scenario::SuiteSource, String> {
    let file = settle_suite(&mut suite)?;
    Ok(crate::scenario::SuiteSource {
        scenarios_dir: suite.scenarios.unwrap_or_default(),
        golden_dir: suite.golden_dir.unwrap_or_default(),
        dialects: suite.dialects,
        allow_missing_goldens,
        variables: file.vars.keys().cloned().collect(),
    })
}

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

/// Every run option settled; the targets and variables.
pub(crate) fn settle_run(args: &mut RunArgs) -> Result<Settled, String> {
    let file = settle_suite(&mut args.suite)?;
    let cli_tls = Tls {
        insecure: args.insecure,
        cacert: args.cacert.clone(),
        cert: args.cert.clone(),
        key: args.key.clone(),
    };
    let file_tls = Tls {
        insecure: file.insecure.unwrap_or(false),
        cacert: file.cacert.clone(),
        cert: file.cert.clone(),
        key: file.key.clone(),
    };
    let targets = named_targets(args, &file, &cli_tls, &file_tls)?;
    if targets.is_empty() && args.endpoint.is_none() {
        args.endpoint = file.endpoint.clone();
    }
    if args.profiles.is_empty() && targets.is_empty() {
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
    args.max_sessions = args.max_sessions.or(file.max_sessions);
    let zero_sessions = targets.iter().find(|t| t.max_sessions == Some(0));
    if let Some(t) = zero_sessions {
        return Err(format!(
            "target {}: max_sessions = 0: a scenario needs at least one session",
            t.name
        ));
    }
    if args.max_sessions == Some(0) {
        return Err("--max-sessions 0: a scenario needs at least one session".into());
    }
    if args.jobs == Some(0) {
        return Err("--jobs 0: at least one scenario at a time".into());
    }
    args.junit = args.junit.take().or(file.junit.clone());
    args.json = args.json.take().or(file.json.clone());
    args.html = args.html.take().or(file.html.clone());
    args.insecure |= file_tls.insecure;
    args.cacert = args.cacert.take().or(file_tls.cacert);
    args.cert = args.cert.take().or(file_tls.cert);
    args.key = args.key.take().or(file_tls.key);
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
    Ok(Settled { variables, targets })
}

/// The targets `--target` (repeatable), `--all-targets` or the file's `target`
/// name, each with its dialect and TLS options; the suite's dialects become
/// theirs.
fn named_targets(
    args: &mut RunArgs,
    file: &ConfigFile,
    cli_tls: &Tls,
    file_tls: &Tls,
) -> Result<Vec<NamedTarget>, String> {
    let names: Vec<String> = if args.all_targets {
        if file.targets.is_empty() {
            return Err("--all-targets: the configuration file has no [targets]".into());
        }
        file.targets.keys().cloned().collect()
    } else if !args.target.is_empty() {
        args.target.clone()
    } else {
        file.target.iter().cloned().collect()
    };
    if let (Some(endpoint), Some(name)) = (&args.endpoint, names.first()) {
        return Err(format!(
            "--endpoint {endpoint} and --target {name}: a target is an endpoint already; give one of them"
        ));
    }
    if let (Some(profile), Some(name)) = (args.profiles.first(), names.first()) {
        return Err(format!(
            "--profile {profile} and --target {name}: a target names its own profile in the configuration file"
        ));
    }
    let mut targets = Vec::new();
    for name in names {
        let target = if name.contains("://") {
            url_target(&name, &args.suite.dialects, cli_tls, file_tls, &targets)?
        } else {
            let config = file
                .target(&name)
                .map_err(|why| format!("--target {name}: {why}"))?;
            settle_target(&name, config, cli_tls, file_tls)?
        };
        let name = target.name.clone();
        let wanted = &args.suite.dialects;
        if !wanted.is_empty() && !wanted.contains(&target.dialect) {
            if args.all_targets {
                continue;
            }
            return Err(format!(
                "--target {name} runs dialect {}, not {}",
                target.dialect,
                wanted.join(", ")
            ));
        }
        if targets.iter().any(|t: &NamedTarget| t.name == name) {
            return Err(format!("--target {name} is given twice"));
        }
        targets.push(target);
    }
    if args.all_targets && targets.is_empty() {
        return Err(format!(
            "--all-targets: no target of the configuration file runs {}",
            args.suite.dialects.join(", ")
        ));
    }
    if !targets.is_empty() && args.suite.dialects.is_empty() {
        let dialects: std::collections::BTreeSet<&String> =
            targets.iter().map(|t| &t.dialect).collect();
        args.suite.dialects = dialects.into_iter().cloned().collect();
    }
    Ok(targets)
}

/// `--target URL`: an endpoint not in the configuration file, of the one
/// `--dialect`, named by its host and port, with the usual credential variables.
fn url_target(
    url: &str,
    dialects: &[String],
    cli: &Tls,
    file: &Tls,
    earlier: &[NamedTarget],
) -> Result<NamedTarget, String> {
    let parsed =
        crate::harness::parse_endpoint(url).map_err(|e| e.replacen("--endpoint", "--target", 1))?;
    let [dialect] = dialects else {
        return Err(format!(
            "--target {parsed}: an endpoint needs its dialect: give one --dialect"
        ));
    };
    let host = parsed.host_str().unwrap_or("endpoint");
    let mut name = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let base = name.clone();
    let mut n = 1;
    while earlier.iter().any(|t| t.name == name) {
        n += 1;
        name = format!("{base}-{n}");
    }
    Ok(NamedTarget {
        name,
        endpoint: Some(url.to_string()),
        profile: None,
        dialect: dialect.clone(),
        credential_vars: CredentialVars::default(),
        max_sessions: None,
        tls: Tls {
            insecure: cli.insecure || file.insecure,
            cacert: cli.cacert.clone().or(file.cacert.clone()),
            cert: cli.cert.clone().or(file.cert.clone()),
            key: cli.key.clone().or(file.key.clone()),
        },
    })
}

/// One target's dialect (its own, or its profile's) and TLS options.
fn settle_target(
    name: &str,
    target: &TargetConfig,
    cli: &Tls,
    file: &Tls,
) -> Result<NamedTarget, String> {
    let profile = match &target.profile {
        Some(p) => Some(Profile::parse(p).ok_or_else(|| {
            let all: Vec<_> = Profile::ALL.iter().map(|p| p.name()).collect();
            format!(
                "target {name}: profile = {p:?}: expected one of {}{}",
                all.join(", "),
                crate::suggest::did_you_mean(p, all.iter().copied())
            )
        })?),
        None => None,
    };
    let dialect = match (&target.dialect, profile) {
        (Some(d), Some(p)) if d != p.dialect().name() => {
            return Err(format!(
                "target {name}: profile {} plays dialect {}, not {d}",
                p.name(),
                p.dialect().name()
            ))
        }
        (Some(d), _) => d.clone(),
        (None, Some(p)) => p.dialect().name().to_string(),
        (None, None) => return Err(format!("target {name}: no dialect")),
    };
    Ok(NamedTarget {
        name: name.to_string(),
        endpoint: target.endpoint.clone(),
        profile,
        dialect,
        credential_vars: target_credentials(target),
        max_sessions: target.max_sessions,
        tls: Tls {
            insecure: cli.insecure || target.insecure.unwrap_or(false) || file.insecure,
            cacert: cli
                .cacert
                .clone()
                .or(target.cacert.clone())
                .or(file.cacert.clone()),
            cert: cli
                .cert
                .clone()
                .or(target.cert.clone())
                .or(file.cert.clone()),
            key: cli.key.clone().or(target.key.clone()).or(file.key.clone()),
        },
    })
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
            Some((name, value)) if crate::placeholder::is_variable_name(name) => {
                vars.insert(name.to_string(), value.to_string());
            }
            _ => return Err(format!("--var {pair}: expected NAME=VALUE")),
        }
    }
    if let Some(builtin) = vars
        .keys()
        .find(|k| crate::scenario::BUILTIN_VARIABLES.contains(&k.as_str()))
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
        let crate::cli::Command::Run(mut run) =
            crate::cli::Cli::try_parse_from(argv).unwrap().command
        else {
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
        let [lab] = settled.targets.as_slice() else {
            panic!("{:?}", settled.targets)
        };
        assert!(lab.tls.insecure, "the target's insecure holds");
        assert!(!run.insecure, "only for that target");
        assert_eq!(lab.endpoint.as_deref(), Some("https://em01:9398/api/"));
        assert_eq!(run.suite.dialects, ["veeam-em"]);
        assert_eq!(lab.credential_vars, CredentialVars::default());
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
