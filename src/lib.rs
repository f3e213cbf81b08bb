//! sessionconf: a conformance test harness for backup platforms' session-management REST APIs.
//!
//! A scenario is loaded ([`scenario`]), run over HTTP ([`run`]), its XML responses
//! compared ([`xml`]) with goldens ([`golden`]), and the outcome reported ([`report`]).

#![warn(missing_docs)]

mod atomic_file;
pub mod config;
pub mod credentials;
pub mod error;
pub mod exit;
pub mod golden;
pub mod harness;
pub mod json;
pub mod knowledge;
pub mod outcome;
pub mod placeholder;
pub mod report;
pub mod representation;
pub mod run;
pub mod scenario;
pub mod select;
pub mod server;
pub mod stop;
pub mod suggest;
pub mod version;
pub mod xml;
