//! The command line, over the library: `sessionconf`'s commands, where each
//! option comes from, and each command's run. The binary is `main` and nothing else.

// Each command's options are documented by its help text (`sessionconf COMMAND
// --help`), which clap takes from these definitions.
#[allow(missing_docs)]
mod args;
mod check;
mod coverage;
mod diff;
mod load;
pub(crate) mod review;
mod run;
mod serve;
pub(crate) mod settings;
mod strength;
mod test_main;

use std::process::ExitCode;

use clap::{Args, FromArgMatches, Parser, Subcommand};

pub use args::*;
pub use review::ReviewArgs;
pub use test_main::test_main;

// The whole command line; its help text is its documentation.
#[allow(missing_docs)]
#[derive(Parser)]
#[command(
    name = "sessionconf",
    version,
    about = "Conformance tests for backup platforms' session-management REST APIs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[allow(missing_docs)]
#[derive(Subcommand)]
pub enum Command {
    /// Run the suite against an endpoint (by default, the embedded reference server).
    Run(RunArgs),
    /// Run the suite and record every differing or missing golden (same as `run --bless`).
    Bless(RunArgs),
    /// Run every scenario against two targets and compare their responses step by step.
    Compare(RunArgs),
    /// Validate every scenario and golden without touching the network.
    Check(CheckArgs),
    /// Each documented requirement, the steps that check it, and on which versions it holds.
    Coverage(CoverageArgs),
    /// Run the suite against the reference server broken on purpose (each fault must
    /// fail it) and written in benign variants (each must pass it). A false alarm
    /// shows what differed; a missed fault says why and what to add.
    Strength(StrengthArgs),
    /// Accept or reject the pending goldens `bless --pending` wrote, showing each change.
    Review(ReviewArgs),
    /// Compare a captured response with a golden, offline, with the same rules as `run`.
    Diff(DiffArgs),
    /// Serve the reference server for a dialect until Ctrl-C.
    Serve(ServeArgs),
    /// Run one scenario many times at once and report throughput, latency and leftovers.
    Load(LoadArgs),
    /// Print the JSON Schema of scenario files (or of fragments), for editors.
    Schema(SchemaArgs),
}

/// Reads the command line and runs the command it names: what the
/// `sessionconf` binary does.
pub fn main() -> ExitCode {
    let cli = parse(std::env::args_os().collect());
    let code = match cli.command {
        Command::Run(args) => run::run(args, false),
        Command::Bless(args) => run::run(args, true),
        Command::Compare(args) => run::compare(args),
        Command::Check(args) => check::check(args),
        Command::Coverage(args) => coverage::coverage(args),
        Command::Strength(args) => strength::strength(args),
        Command::Review(args) => review::review(args),
        Command::Diff(args) => diff::diff(args),
        Command::Serve(args) => serve::serve(args),
        Command::Load(args) => load::load(args),
        Command::Schema(args) => {
            let kind = if args.fragment {
                crate::scenario::SchemaKind::Fragment
            } else {
                crate::scenario::SchemaKind::Scenario
            };
            print!("{}", crate::scenario::schema(kind));
            0
        }
    };
    ExitCode::from(code)
}

/// The command line read. clap's description of every command costs about
/// half a millisecond to build, as much as a short run's requests, so the
/// commands a run is timed by are first read by their own description alone;
/// whatever that does not take (help, a mistake, another command) is read by
/// the whole description, so what a user sees is the same.
fn parse(argv: Vec<std::ffi::OsString>) -> Cli {
    quick_matches(&argv)
        .and_then(|m| Cli::from_arg_matches(&m).ok())
        .unwrap_or_else(|| Cli::parse_from(argv))
}

/// The command line's matches by the description of its command alone, for
/// the commands that run scenarios; `None` for anything else.
fn quick_matches(argv: &[std::ffi::OsString]) -> Option<clap::ArgMatches> {
    quick_command(argv.get(1)?.to_str()?)?
        .try_get_matches_from(argv)
        .ok()
}

/// `sessionconf` with the command `name` alone, when it is one read quickly.
fn quick_command(name: &str) -> Option<clap::Command> {
    let command = match name {
        "run" => RunArgs::augment_args(clap::Command::new("run")),
        "bless" => RunArgs::augment_args(clap::Command::new("bless")),
        "compare" => RunArgs::augment_args(clap::Command::new("compare")),
        "load" => LoadArgs::augment_args(clap::Command::new("load")),
        _ => return None,
    };
    Some(clap::Command::new("sessionconf").subcommand(command))
}

pub(crate) fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    2
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn argv(line: &str) -> Vec<std::ffi::OsString> {
        line.split_whitespace().map(Into::into).collect()
    }

    #[test]
    fn the_quick_reading_is_the_whole_reading() {
        for line in [
            "sessionconf run",
            "sessionconf run --endpoint http://127.0.0.1:1/api/ --dialect veeam-em -- --exact a::b",
            "sessionconf run --jobs 3 --max-sessions 2 --tag sessions --junit r.xml -- --list",
            "sessionconf bless --pending --filter logon",
            "sessionconf compare --target a --target b --verbose",
            "sessionconf load --scenario veeam-em::logout --iterations 3 --concurrency 1",
        ] {
            let quick = quick_matches(&argv(line)).expect(line);
            let whole = Cli::command().try_get_matches_from(argv(line)).unwrap();
            // The top level differs only in what it could have matched.
            assert_eq!(quick.subcommand(), whole.subcommand(), "{line}");
        }
    }

    #[test]
    fn help_mistakes_and_other_commands_are_left_to_the_whole_reading() {
        for line in [
            "sessionconf",
            "sessionconf --version",
            "sessionconf run --help",
            "sessionconf run --no-such-option",
            "sessionconf run --jobs many",
            "sessionconf load",
            "sessionconf check",
            "sessionconf serve --dialect veeam-em",
        ] {
            assert!(quick_matches(&argv(line)).is_none(), "{line}");
        }
    }

    #[test]
    fn each_quick_command_takes_the_arguments_the_whole_one_takes() {
        let whole = Cli::command();
        for name in ["run", "bless", "compare", "load"] {
            let quick = quick_command(name).unwrap();
            let args = |c: &clap::Command| -> Vec<String> {
                let c = c.find_subcommand(name).unwrap();
                c.get_arguments().map(|a| format!("{a:?}")).collect()
            };
            assert_eq!(args(&quick), args(&whole), "{name}");
        }
        assert!(quick_command("check").is_none());
    }
}
