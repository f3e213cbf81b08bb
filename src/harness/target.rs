//! A server a dialect's scenarios run against, and what the run knows of it:
//! its API version, the capabilities it showed, the accounts the run has.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::report::TargetInfo;
use crate::run::RunOptions;
use crate::scenario::model::{Account, Needs};
use crate::version::Version;

/// A target of the run: one server (an endpoint), or the embedded reference
/// servers of a run without one, each dialect's scenarios against its server.
pub(crate) struct Group {
    /// Its name in trial names, reports and the matrix.
    pub name: String,
    /// Each dialect's server.
    pub targets: BTreeMap<String, Target>,
    /// The reference servers it started, when it has no endpoint.
    pub embedded: Option<super::Embedded>,
}

/// One dialect's server.
pub(crate) struct Target {
    pub dialect: String,
    pub options: Arc<RunOptions>,
    pub facts: Facts,
    /// The reference server profile, when the run started one.
    pub profile: Option<String>,
    /// The sessions the probe opened, as checked after it.
    pub probe_sessions: Vec<crate::outcome::SessionEnd>,
    /// The sessions its trials may have open at once.
    pub budget: Arc<super::budget::Budget>,
}

impl Target {
    pub fn info(&self, name: &str) -> TargetInfo {
        TargetInfo {
            name: name.to_string(),
            dialect: self.dialect.clone(),
            endpoint: self.options.base_url.to_string(),
            profile: self.profile.clone(),
            version: self.facts.version.as_ref().map(|v| v.name().to_string()),
            capabilities: self.facts.capabilities.iter().cloned().collect(),
            capabilities_unread: self.facts.unread.iter().cloned().collect(),
            deviations_unseen: self.options.deviations_unseen(),
            probe_sessions: self.probe_sessions.clone(),
            requirements: Vec::new(),
        }
    }
}

/// What decides which scenarios apply to a target.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The API version, when the probe found one.
    pub version: Option<Version>,
    /// Capabilities the probe saw.
    pub capabilities: BTreeSet<String>,
    /// Accounts the run has credentials for, besides the administrator.
    pub accounts: BTreeSet<Account>,
    /// Whether the probe ran (without it, capabilities are unknown, not absent).
    pub probed: bool,
    /// The capabilities the vendor's knowledge names that the probe did not
    /// read (no trial of the run needed them, or the probe failed): unknown.
    pub unread: BTreeSet<String>,
    /// The API versions the server offers (`?v=` values), when the probe read them.
    pub offered: Option<BTreeSet<String>>,
}

impl Facts {
    /// `Ok` when a scenario with `requires` applies; otherwise why not.
    pub fn admits(&self, requires: &Needs) -> Result<(), String> {
        if requires
            .accounts
            .iter()
            .any(|a| *a == Account::Tenant && !self.accounts.contains(a))
        {
            return Err("the run has no second account (set SESSIONCONF_TENANT_USER and SESSIONCONF_TENANT_PASSWORD)".to_string());
        }
        if let (Some(wanted), Some(offered)) = (&requires.api_version, &self.offered) {
            if !offered.contains(wanted) {
                let list: Vec<&str> = offered.iter().map(String::as_str).collect();
                return Err(format!(
                    "the server does not offer API version {wanted} (it offers {})",
                    list.join(", ")
                ));
            }
        }
        if self.probed {
            if let Some(c) = requires
                .capabilities
                .iter()
                .find(|c| !self.unread.contains(*c) && !self.capabilities.contains(*c))
            {
                return Err(format!("the server does not show the capability `{c}`"));
            }
        }
        match (&requires.versions, &self.version) {
            (Some(range), Some(v)) if !range.contains(v) => Err(format!(
                "the server speaks API version {v}, and the scenario applies to {range}"
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::VersionRange;

    fn requires(capabilities: &[&str], tenant: bool, versions: Option<&str>) -> Needs {
        Needs {
            capabilities: capabilities.iter().map(|c| c.to_string()).collect(),
            accounts: if tenant {
                vec![Account::Tenant]
            } else {
                Vec::new()
            },
            versions: versions.map(|v| VersionRange::parse(v).unwrap()),
            api_version: None,
        }
    }

    fn facts(version: Option<&str>, capabilities: &[&str], tenant: bool) -> Facts {
        Facts {
            version: version.and_then(Version::parse),
            capabilities: capabilities.iter().map(|c| c.to_string()).collect(),
            accounts: if tenant {
                [Account::Tenant].into()
            } else {
                BTreeSet::new()
            },
            probed: true,
            unread: BTreeSet::new(),
            offered: None,
        }
    }

    #[test]
    fn a_scenario_applies_only_where_its_requirements_hold() {
        let v17 = facts(Some("v1_7"), &["cloud-connect"], true);
        assert!(v17.admits(&requires(&[], false, None)).is_ok());
        assert!(v17
            .admits(&requires(&["cloud-connect"], true, Some(">= v1_5")))
            .is_ok());
        let why = v17
            .admits(&requires(&[], false, Some("< v1_7")))
            .unwrap_err();
        assert!(why.contains("v1_7") && why.contains("< v1_7"), "{why}");
        let why = v17.admits(&requires(&["nas"], false, None)).unwrap_err();
        assert!(why.contains("`nas`"), "{why}");
        let no_tenant = facts(Some("v1_7"), &["cloud-connect"], false);
        let why = no_tenant.admits(&requires(&[], true, None)).unwrap_err();
        assert!(why.contains("SESSIONCONF_TENANT_USER"), "{why}");
    }

    #[test]
    fn a_capability_not_read_is_unknown_and_the_scenario_runs() {
        let mut f = facts(Some("v1_7"), &[], false);
        let why = f.admits(&requires(&["cloud-connect"], false, None));
        assert!(why.unwrap_err().contains("`cloud-connect`"));
        f.unread.insert("cloud-connect".into());
        assert!(f.admits(&requires(&["cloud-connect"], false, None)).is_ok());
        // Another capability, read and not shown, still does not apply.
        assert!(f.admits(&requires(&["nas"], false, None)).is_err());
    }

    #[test]
    fn a_version_the_server_does_not_offer_does_not_apply() {
        let mut f = facts(Some("v1_7"), &[], false);
        let wants = |v: &str| Needs {
            api_version: Some(v.to_string()),
            accounts: vec![Account::Administrator],
            ..Needs::default()
        };
        // Unknown offers: everything applies.
        assert!(f.admits(&wants("v1_2")).is_ok());
        f.offered = Some(["latest", "v1_5", "v1_7"].map(String::from).into());
        assert!(f.admits(&wants("v1_5")).is_ok());
        assert!(f.admits(&wants("latest")).is_ok());
        let why = f.admits(&wants("v1_2")).unwrap_err();
        assert!(
            why.contains("v1_2") && why.contains("latest, v1_5, v1_7"),
            "{why}"
        );
    }

    #[test]
    fn unknown_facts_do_not_make_a_scenario_inapplicable() {
        // The probe failed: capabilities and version are unknown, so the scenario runs.
        let unknown = Facts {
            accounts: [Account::Tenant].into(),
            ..Facts::default()
        };
        assert!(unknown
            .admits(&requires(&["cloud-connect"], true, Some(">= v1_5")))
            .is_ok());
    }
}
