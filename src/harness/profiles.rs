//! What each version the embedded reference server plays shows to the probe:
//! the facts that decide, per version, which requirements hold and which
//! trials run there (`sessionconf coverage`).

use std::collections::BTreeSet;
use std::sync::Arc;

use super::target::Target;
use super::{Facts, RunError};
use crate::coverage::ProfileFacts;
use crate::scenario::model::Account;
use crate::scenario::SuiteSource;
use crate::server::{start, Dialect, Profile, ServerOptions};

/// Each profile of each of `dialects` that has a reference server, started
/// on 127.0.0.1 and probed as a run would (with both accounts), then stopped.
pub fn probe_profiles(
    source: &SuiteSource,
    dialects: &BTreeSet<String>,
) -> Result<Vec<ProfileFacts>, RunError> {
    let mut found = Vec::new();
    for name in dialects {
        let Some(dialect) = Dialect::parse(name) else {
            continue;
        };
        let data = crate::knowledge::load(&source.scenarios_dir, &source.golden_dir, name, true)
            .map_err(RunError::Config)?;
        for profile in Profile::of(dialect) {
            let mut options = ServerOptions::new(dialect);
            options.profile = profile;
            let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let server = start(dialect, options, bind).map_err(|e| {
                RunError::Usage(format!("cannot start the {name} reference server: {e}"))
            })?;
            let url = reqwest::Url::parse(&server.base_url())
                .map_err(|e| RunError::Usage(e.to_string()))?;
            let mut facts = Facts::default();
            facts.accounts.insert(Account::Tenant);
            let mut target = Target {
                dialect: name.clone(),
                options: Arc::new(crate::run::RunOptions::new(url)),
                facts,
                profile: Some(profile.name().to_string()),
                probe_sessions: Vec::new(),
                budget: Default::default(),
            };
            if let Some(warning) = super::probe::learn(&mut target, &data, None) {
                eprintln!("{warning}");
            }
            found.push(ProfileFacts {
                profile: profile.name().to_string(),
                dialect: name.clone(),
                facts: target.facts,
            });
        }
    }
    Ok(found)
}
