//! Reports of a run: the console text of a failure, JUnit XML and JSON.

pub mod console;
pub mod json;
pub mod junit;
pub mod outcome;

pub use outcome::{Phase, ScenarioOutcome, Status, StepOutcome};
