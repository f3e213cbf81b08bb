//! The reference servers a run without an endpoint starts, one per dialect, each
//! playing a profile, and the sessions they saw left open.

use std::collections::BTreeSet;

use crate::server::{start, Dialect, Profile, RunningServer, ServerOptions};

/// The embedded reference servers of a run.
pub struct Embedded {
    /// Each running server, with the version it plays.
    pub servers: Vec<(RunningServer, Profile)>,
}

impl Embedded {
    /// Starts a server for each dialect on 127.0.0.1. `profiles` names the
    /// version each plays; a dialect none of them names plays its newest.
    pub fn start(dialects: &BTreeSet<String>, profiles: &[Profile]) -> Result<Embedded, String> {
        let mut servers = Vec::new();
        for name in dialects {
            let dialect = Dialect::parse(name).ok_or_else(|| {
                format!(
                    "there is no embedded reference server for dialect `{name}`: pass --endpoint"
                )
            })?;
            let profile = profiles
                .iter()
                .copied()
                .find(|p| p.dialect() == dialect)
                .unwrap_or(Profile::newest(dialect));
            let mut options = ServerOptions::new(dialect);
            options.profile = profile;
            let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let server = start(dialect, options, bind)
                .map_err(|e| format!("cannot start the {name} reference server: {e}"))?;
            servers.push((server, profile));
        }
        Ok(Embedded { servers })
    }

    /// Sessions a run left open, per dialect: every scenario must log out in `finally`.
    pub fn leaks(&self) -> Vec<String> {
        self.servers
            .iter()
            .filter(|(s, _)| s.open_sessions() > 0)
            .map(|(s, p)| {
                format!(
                    "{} session(s) left open on the embedded {} server ({}): a scenario does not log out in `finally`",
                    s.open_sessions(),
                    s.dialect.name(),
                    p.name()
                )
            })
            .collect()
    }
}
