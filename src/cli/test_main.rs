//! The suite as a crate's `cargo test` target (`harness = false`): the same
//! run as `sessionconf run`, its settings from the crate's `sessionconf.toml`
//! and the environment, its filters and listing from libtest's arguments, so
//! `cargo test NAME`, `-- --list`, `--exact`, `--skip`, `--ignored` and
//! `cargo nextest run` behave as they do for any test.

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use super::args::RunArgs;

/// What each environment variable sets, as the option of `sessionconf run`
/// it stands for (a list splits on commas where the option repeats).
const SETTINGS: [(&str, &str, Kind); 18] = [
    ("SESSIONCONF_ENDPOINT", "--endpoint", Kind::Value),
    ("SESSIONCONF_DIALECT", "--dialect", Kind::List),
    ("SESSIONCONF_TARGET", "--target", Kind::List),
    ("SESSIONCONF_PROFILE", "--profile", Kind::List),
    ("SESSIONCONF_TAG", "--tag", Kind::List),
    ("SESSIONCONF_TIMEOUT", "--timeout", Kind::Value),
    ("SESSIONCONF_MAX_SESSIONS", "--max-sessions", Kind::Value),
    ("SESSIONCONF_OTHERS", "--others", Kind::Switch),
    ("SESSIONCONF_CHURN", "--churn", Kind::Value),
    (
        "SESSIONCONF_SCENARIO_TIMEOUT",
        "--scenario-timeout",
        Kind::Value,
    ),
    ("SESSIONCONF_INSECURE", "--insecure", Kind::Switch),
    ("SESSIONCONF_CACERT", "--cacert", Kind::Value),
    ("SESSIONCONF_CERT", "--cert", Kind::Value),
    ("SESSIONCONF_KEY", "--key", Kind::Value),
    ("SESSIONCONF_JUNIT", "--junit", Kind::Value),
    ("SESSIONCONF_JSON", "--json", Kind::Value),
    ("SESSIONCONF_HTML", "--html", Kind::Value),
    ("SESSIONCONF_VERBOSE", "--verbose", Kind::Switch),
];

#[derive(Clone, Copy)]
enum Kind {
    Value,
    List,
    Switch,
}

/// `sessionconf run`'s options, read alone.
#[derive(Parser)]
#[command(name = "sessionconf")]
struct Options {
    #[command(flatten)]
    run: RunArgs,
}

/// Runs the suite of the crate in `dir` as its test binary's trials: its
/// `sessionconf.toml` (or, without one, `scenarios/` and `golden/` there),
/// the environment's `SESSIONCONF_*` settings, and libtest's arguments from
/// the command line. Without an endpoint or a target, it runs against the
/// embedded reference servers. A setting that is wrong is said, naming it,
/// with exit 2. [`test_main!`](macro@crate::test_main) calls it with the crate's directory.
pub fn test_main(dir: &Path) -> ExitCode {
    let libtest = libtest_mimic::Arguments::from_args();
    ExitCode::from(run_tests(dir, libtest, |name| std::env::var(name).ok()))
}

/// The run of [`test_main`], with its arguments and settings given; the exit code.
fn run_tests(
    dir: &Path,
    libtest: libtest_mimic::Arguments,
    read: impl Fn(&str) -> Option<String>,
) -> u8 {
    match options(dir, read) {
        Ok(args) => super::run::run_as(args, Some(libtest)),
        Err(e) => super::usage(e),
    }
}

/// The run's options: the crate's configuration or directories, then each
/// setting `read` gives.
fn options(dir: &Path, read: impl Fn(&str) -> Option<String>) -> Result<RunArgs, String> {
    let config = dir.join(crate::config::FILE_NAME);
    let mut argv: Vec<String> = vec!["sessionconf".into()];
    if config.is_file() {
        argv.extend(["--config".into(), config.display().to_string()]);
    } else {
        for (option, sub) in [("--scenarios", "scenarios"), ("--golden-dir", "golden")] {
            argv.extend([option.into(), dir.join(sub).display().to_string()]);
        }
    }
    for (var, option, kind) in SETTINGS {
        let Some(value) = read(var).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let given = given(option, kind, &value).map_err(|why| format!("{var}={value}: {why}"))?;
        // Each setting is read alone first, so that an error names it.
        let alone = ["sessionconf".to_string()].into_iter().chain(given.clone());
        if let Err(e) = Options::try_parse_from(alone) {
            return Err(format!("{var}={value}: {}", first_line(&e.to_string())));
        }
        argv.extend(given);
    }
    Options::try_parse_from(&argv)
        .map(|o| o.run)
        .map_err(|e| first_line(&e.to_string()))
}

/// `message` with each option of `sessionconf run` that a `SESSIONCONF_*`
/// variable sets named as that variable: under `cargo test` the user has no
/// command line, so "choose one with --dialect" would name a knob they lack.
pub(crate) fn in_env_terms(message: &str) -> String {
    let mut out = message.to_string();
    for (var, option, _) in SETTINGS {
        out = replace_option(&out, option, var);
    }
    out
}

/// `text` with the whole word `option` (not `--tag` in `--tags`) replaced.
fn replace_option(text: &str, option: &str, by: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(option) {
        let after = &rest[i + option.len()..];
        let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-');
        out.push_str(&rest[..i]);
        out.push_str(if whole { by } else { option });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The option and its values for one setting.
fn given(option: &str, kind: Kind, value: &str) -> Result<Vec<String>, String> {
    Ok(match kind {
        Kind::Value => vec![option.into(), value.into()],
        Kind::List => value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .flat_map(|v| [option.to_string(), v.to_string()])
            .collect(),
        Kind::Switch => match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => vec![option.into()],
            "0" | "false" | "no" | "off" => Vec::new(),
            _ => return Err("expected 1 or 0 (true or false)".into()),
        },
    })
}

/// clap's message without its usage lines.
fn first_line(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(settings: &[(&str, &str)]) -> Result<RunArgs, String> {
        let dir = Path::new("/crate");
        options(dir, |name| {
            settings
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn without_a_configuration_the_crates_directories_are_the_suite() {
        let args = with(&[]).unwrap();
        assert_eq!(
            args.suite.scenarios.as_deref(),
            Some(Path::new("/crate/scenarios"))
        );
        assert_eq!(
            args.suite.golden_dir.as_deref(),
            Some(Path::new("/crate/golden"))
        );
        assert!(args.endpoint.is_none() && args.target.is_empty());
    }

    #[test]
    fn each_setting_reaches_its_option() {
        let args = with(&[
            ("SESSIONCONF_ENDPOINT", "https://em01:9398/api/"),
            ("SESSIONCONF_DIALECT", "veeam-em"),
            ("SESSIONCONF_PROFILE", "em-12, em-13"),
            ("SESSIONCONF_TIMEOUT", "5"),
            ("SESSIONCONF_INSECURE", "true"),
            ("SESSIONCONF_JSON", "run.json"),
            ("SESSIONCONF_VERBOSE", "0"),
        ])
        .unwrap();
        assert_eq!(args.endpoint.as_deref(), Some("https://em01:9398/api/"));
        assert_eq!(args.suite.dialects, ["veeam-em"]);
        assert_eq!(args.profiles, ["em-12", "em-13"]);
        assert_eq!(args.timeout, Some(5.0));
        assert!(args.insecure);
        assert!(!args.verbose);
        assert_eq!(args.json.as_deref(), Some(Path::new("run.json")));
    }

    #[test]
    fn a_crates_suite_is_listed_and_a_wrong_setting_stops_it_with_exit_2() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let list = || libtest_mimic::Arguments {
            list: true,
            ..Default::default()
        };
        assert_eq!(run_tests(root, list(), |_| None), 0);
        let bad = |name: &str| (name == "SESSIONCONF_TIMEOUT").then(|| "soon".to_string());
        assert_eq!(run_tests(root, list(), bad), 2);
        let nowhere = tempfile::tempdir().unwrap();
        assert_eq!(run_tests(nowhere.path(), list(), |_| None), 2);
    }

    #[test]
    fn the_entry_reads_the_environment() {
        // Only this test sets a SESSIONCONF_* setting the entry reads.
        std::env::set_var("SESSIONCONF_SCENARIO_TIMEOUT", "never");
        let code = test_main(Path::new(env!("CARGO_MANIFEST_DIR")));
        std::env::remove_var("SESSIONCONF_SCENARIO_TIMEOUT");
        assert_eq!(code, ExitCode::from(2));
    }

    #[test]
    fn an_error_names_the_variable_not_the_flag() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |name: &str| {
            (name == "SESSIONCONF_ENDPOINT").then(|| "http://127.0.0.1:9/api/".to_string())
        };
        let list = libtest_mimic::Arguments {
            list: true,
            ..Default::default()
        };
        let args = options(root, read).unwrap();
        let Ok(Err(crate::harness::RunError::Usage(why))) =
            super::super::run::execute_as(args, Some(list))
        else {
            panic!("the shipped suite has two dialects: one endpoint is refused");
        };
        assert_eq!(
            why,
            "SESSIONCONF_ENDPOINT is one server, but the suite has several dialects (commvault, veeam-em): choose one with SESSIONCONF_DIALECT"
        );
    }

    #[test]
    fn options_become_variables_as_whole_words_only() {
        assert_eq!(
            in_env_terms("choose one with --dialect, or --tag x (--tags, --endpoint-ish stay)"),
            "choose one with SESSIONCONF_DIALECT, or SESSIONCONF_TAG x (--tags, --endpoint-ish stay)"
        );
        assert_eq!(
            in_env_terms("--scenario-timeout and --timeout"),
            "SESSIONCONF_SCENARIO_TIMEOUT and SESSIONCONF_TIMEOUT"
        );
    }

    #[test]
    fn a_wrong_setting_is_named() {
        let why = with(&[("SESSIONCONF_TIMEOUT", "soon")]).err().unwrap();
        assert!(
            why.starts_with("SESSIONCONF_TIMEOUT=soon: invalid value 'soon' for '--timeout"),
            "{why}"
        );
        let why = with(&[("SESSIONCONF_INSECURE", "maybe")]).err().unwrap();
        assert_eq!(
            why,
            "SESSIONCONF_INSECURE=maybe: expected 1 or 0 (true or false)"
        );
    }
}
