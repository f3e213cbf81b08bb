//! The `sessionconf` command: the library's command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    sessionconf::cli::main()
}
