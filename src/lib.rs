//! sessionconf: a conformance test harness for backup platforms' session-management REST APIs.
//!
//! A scenario is loaded ([`scenario`]), run over HTTP ([`run`]), its XML responses
//! compared ([`xml`]) with goldens ([`golden`]), and the outcome reported ([`report`]).

#![warn(missing_docs)]

mod atomic_file;
pub mod cli;
pub(crate) mod config;
pub mod coverage;
pub mod credentials;
pub mod error;
pub mod exit;
pub mod golden;
pub mod harness;
pub mod json;
pub(crate) mod knowledge;
pub mod outcome;
pub mod placeholder;
pub mod report;
pub(crate) mod representation;
pub mod run;
pub mod scenario;
pub(crate) mod select;
pub mod server;
pub mod stop;
pub mod strength;
pub(crate) mod suggest;
pub(crate) mod version;
pub(crate) mod words;
pub mod xml;

pub use cli::test_main;

/// The whole suite of the calling crate as its `cargo test` target: put
/// `fn main() -> std::process::ExitCode { sessionconf::test_main!() }` in a
/// test file whose `[[test]]` says `harness = false`. It reads the crate's
/// `sessionconf.toml` (or its `scenarios/` and `golden/`), the `SESSIONCONF_*`
/// environment settings, and libtest's arguments; see [`test_main()`](fn@crate::test_main).
#[macro_export]
macro_rules! test_main {
    () => {
        $crate::test_main(::std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
    };
}
