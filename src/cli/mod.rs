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

use clap::{Parser, Subcommand};

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
    /// fail it) and written in benign variants (each must pass it).
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
    let cli = Cli::parse();
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

pub(crate) fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    2
}
