//! The reference servers a run without an endpoint starts, one per dialect, each
//! playing a profile (and with the company asked for), and the sessions they
//! saw left open or ended by someone not their owner.

use std::collections::BTreeSet;

use crate::server::{start, Company, Dialect, Profile, RunningServer, ServerOptions};

/// The embedded reference servers of a run.
pub struct Embedded {
    /// Each running server, with the version it plays.
    pub servers: Vec<(RunningServer, Profile)>,
}

impl Embedded {
    /// Starts a server for each dialect on 127.0.0.1, each with `company`.
    /// `profiles` names the version each plays; a dialect none of them names
    /// plays its newest.
    pub fn start(
        dialects: &BTreeSet<String>,
        profiles: &[Profile],
        company: &Company,
    ) -> Result<Embedded, String> {
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
            options.company = company.clone();
            let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let server = start(dialect, options, bind)
                .map_err(|e| format!("cannot start the {name} reference server: {e}"))?;
            servers.push((server, profile));
        }
        Ok(Embedded { servers })
    }

    /// Sessions a run left open, per dialect (every scenario must log out in
    /// `finally`), and other clients' sessions it ended (a scenario must end
    /// only sessions it can show are its own). The other clients' open
    /// sessions are not the run's and are not counted.
    pub fn leaks(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (server, profile) in &self.servers {
            let on = format!(
                "the embedded {} server ({})",
                server.dialect.name(),
                profile.name()
            );
            let open = server.open_sessions();
            if open > 0 {
                found.push(format!(
                    "{open} session(s) left open on {on}: a scenario does not log out in `finally`"
                ));
            }
            let ended = server.company_sessions_ended();
            if ended > 0 {
                found.push(format!(
                    "{ended} session(s) of other clients ended on {on}: a scenario ends a session it did not open"
                ));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn client() -> reqwest::blocking::Client {
        crate::run::client::install_crypto_provider();
        reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
    }

    /// Logs on to the Enterprise Manager server as the environment's
    /// administrator: its token and the session list it sees.
    fn admin_list(http: &reqwest::blocking::Client, base: &str) -> (String, String) {
        let creds = crate::credentials::Credentials::from_env();
        let logon = http
            .post(format!("{base}sessionMngr/?v=latest"))
            .basic_auth(&creds.user, Some(&creds.password))
            .send()
            .unwrap();
        assert_eq!(logon.status(), 201);
        let token = logon.headers()["X-RestSvcSessionId"]
            .to_str()
            .unwrap()
            .to_string();
        let list = http
            .get(format!("{base}logonSessions"))
            .header("X-RestSvcSessionId", &token)
            .send()
            .unwrap()
            .text()
            .unwrap();
        (token, list)
    }

    #[test]
    fn company_sessions_are_listed_and_are_not_the_runs_leaks_unless_it_ends_one() {
        let dialects = BTreeSet::from(["veeam-em".to_string()]);
        let company = Company {
            others: true,
            churn: None,
        };
        let embedded = Embedded::start(&dialects, &[Profile::Em13], &company).unwrap();
        let server = &embedded.servers[0].0;
        let base = server.base_url();
        // Another administrator, the tenant (em-13 has Cloud Connect), the
        // suite's administrator elsewhere.
        assert_eq!(server.company_sessions(), 3);
        assert_eq!(server.open_sessions(), 0);
        let http = client();
        let (token, list) = admin_list(&http, &base);
        assert!(list.contains(r"\Backup Operator</UserName>"), "{list}");
        let own = list.matches(r"\Administrator</UserName>").count();
        assert_eq!(
            own, 2,
            "the caller's and its account's other session: {list}"
        );
        assert_eq!(
            server.open_sessions(),
            1,
            "only the caller's is the suite's"
        );
        assert_eq!(embedded.leaks().len(), 1, "{:?}", embedded.leaks());
        let delete = |id: &str| {
            let url = format!("{base}logonSessions/{id}");
            let answer = http.delete(url).header("X-RestSvcSessionId", &token);
            answer.send().unwrap().status()
        };
        let own_id = |list: &str| {
            let tail = list.split("<SessionId>").nth(1).unwrap();
            tail.split('<').next().unwrap().to_string()
        };
        // The list is oldest first: the company's sessions come before the caller's.
        let (_, list) = admin_list(&http, &base);
        let other = own_id(&list);
        assert_eq!(delete(&other), 204);
        assert_eq!(server.company_sessions_ended(), 1);
        let leaks = embedded.leaks().join("\n");
        assert!(
            leaks.contains("1 session(s) of other clients ended"),
            "{leaks}"
        );
    }
}
