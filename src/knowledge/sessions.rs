//! How a vendor's session is known to be ended, and its other documented ways
//! to end one: a run checks every session it opened after its scenario, and
//! counts only what the server confirms.

use serde::Deserialize;

use crate::scenario::model::Request;

/// The checks and remedies for sessions a scenario opened. Requests may name
/// `${token}` (the session's token), `${session_id}` and `${session_href}`
/// (the scenario's `PREFIXsession_id` and `PREFIXsession_href` for a token in
/// `PREFIXtoken`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRules {
    /// A cheap authenticated request: 401 once the session has ended, 2xx while it is open.
    pub check: Request,
    /// Ways to end a session still open, tried in order, each checked.
    #[serde(default)]
    pub end: Vec<EndWay>,
}

/// One way to end a session.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndWay {
    /// Its name in reports.
    pub name: String,
    /// The request.
    pub request: Request,
}
