//! A golden some version can show and the run's servers cannot (Enterprise
//! Manager 13 answers 500 where the documents say 404, a known deviation, so
//! the 404 body is never seen there) is recorded from the embedded reference
//! server playing the vendor's other versions. Only goldens the run left
//! missing are taken from there: what the run's own servers showed is theirs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::golden::book::BlessBook;
use crate::scenario::{LoadedScenario, SuiteSource};
use crate::server::{Dialect, Profile, ServerOptions};

/// Records the goldens `used` names that no use of the run reached, from the
/// reference server's versions not in `played`, into `book`.
pub(super) fn record_missing(
    source: &SuiteSource,
    used: &[LoadedScenario],
    book: &BlessBook,
    played: &BTreeMap<String, BTreeSet<Profile>>,
) {
    let missing: BTreeSet<PathBuf> = used
        .iter()
        .flat_map(|s| s.goldens.values())
        .filter(|g| g.expected.is_none() && !book.observed(&g.path))
        .map(|g| g.path.clone())
        .collect();
    let dialects: BTreeSet<&str> = used.iter().map(|s| s.dialect.as_str()).collect();
    for dialect in dialects {
        let Some(d) = Dialect::parse(dialect) else {
            continue;
        };
        let mut wanted: BTreeSet<PathBuf> = missing.clone();
        let scenarios: Vec<LoadedScenario> = used
            .iter()
            .filter(|s| {
                s.dialect == dialect && s.goldens.values().any(|g| wanted.contains(&g.path))
            })
            .cloned()
            .collect();
        let others = Profile::of(d).filter(|p| !played.get(dialect).is_some_and(|s| s.contains(p)));
        for profile in others {
            if scenarios.is_empty() || wanted.is_empty() {
                break;
            }
            let Some(found) = recorded_on(source, &scenarios, d, profile) else {
                continue;
            };
            let said = format!(
                "recorded from the reference server playing {}: no server of this run showed it",
                profile.name()
            );
            wanted.retain(|path| !book.adopt(&found, path, &said));
        }
    }
}

/// What a bless of `scenarios` against the reference server playing
/// `profile` noted; `None` when the server or the run could not start.
fn recorded_on(
    source: &SuiteSource,
    scenarios: &[LoadedScenario],
    dialect: Dialect,
    profile: Profile,
) -> Option<BlessBook> {
    let mut options = ServerOptions::new(dialect);
    options.profile = profile;
    let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let server = crate::server::start(dialect, options, bind).ok()?;
    let url = reqwest::Url::parse(&server.base_url()).ok()?;
    let book = Arc::new(BlessBook::default());
    let mut run = crate::run::RunOptions::new(url);
    run.bless = true;
    run.bless_book = book.clone();
    run.target = format!("reference {}", profile.name());
    super::run_against_quietly(scenarios, source, dialect.name(), run).ok()?;
    drop(server);
    Arc::try_unwrap(book).ok()
}
