//! The sessions a run has opened on servers and not yet closed, so that a run
//! stopped at once (a second interrupt) can still name them for the user to end.

use std::sync::{Arc, Mutex};

/// One session a scenario opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSession {
    /// The trial, `DIALECT::NAME[...]`.
    pub trial: String,
    /// The step that opened it.
    pub step: String,
    /// The variable holding its token.
    pub variable: String,
    /// What else that step captured that is not secret (a session id, its URL).
    pub details: Vec<(String, String)>,
}

/// The run's open sessions, shared by every scenario and the signal watcher.
#[derive(Debug, Clone, Default)]
pub struct OpenSessions(Arc<Mutex<Vec<OpenSession>>>);

impl OpenSessions {
    /// A session is open.
    pub fn opened(&self, session: OpenSession) {
        self.lock().push(session);
    }

    /// The session `trial` keeps in `variable` is closed.
    pub fn closed(&self, trial: &str, variable: &str) {
        self.lock()
            .retain(|s| !(s.trial == trial && s.variable == variable));
    }

    /// One line per open session.
    pub fn describe(&self) -> Vec<String> {
        self.lock()
            .iter()
            .map(|s| {
                let details: Vec<String> =
                    s.details.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!(
                    "{}: session `{}` opened by step `{}`{}",
                    s.trial,
                    s.variable,
                    s.step,
                    if details.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", details.join(", "))
                    }
                )
            })
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<OpenSession>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_named_until_closed() {
        let open = OpenSessions::default();
        let session = |trial: &str, variable: &str| OpenSession {
            trial: trial.into(),
            step: "logon".into(),
            variable: variable.into(),
            details: vec![("session_id".into(), "42".into())],
        };
        open.opened(session("d::a", "token"));
        open.opened(session("d::a", "second"));
        open.opened(session("d::b", "token"));
        open.closed("d::a", "token");
        assert_eq!(
            open.describe(),
            [
                "d::a: session `second` opened by step `logon` (session_id=42)",
                "d::b: session `token` opened by step `logon` (session_id=42)"
            ]
        );
    }
}
