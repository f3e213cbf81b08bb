//! What a run found, scenario by scenario and step by step. Every string here is
//! already redacted: reports write it as it is.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Steps,
    Finally,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    pub name: String,
    pub phase: Phase,
    pub status: Status,
    /// `METHOD URL` as sent.
    pub request: Option<String>,
    pub response_status: Option<u16>,
    pub failures: Vec<String>,
    /// Unified diff of the golden and the normalized response.
    pub diff: Option<String>,
    /// Why a step was skipped.
    pub note: Option<String>,
    /// A golden this step wrote.
    pub blessed: Option<String>,
    pub duration_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioOutcome {
    pub id: String,
    pub name: String,
    pub dialect: String,
    pub file: String,
    pub description: String,
    pub tags: Vec<String>,
    pub status: Status,
    pub steps: Vec<StepOutcome>,
    pub duration_ms: f64,
}

impl ScenarioOutcome {
    pub fn passed(&self) -> bool {
        self.status == Status::Passed
    }
}
