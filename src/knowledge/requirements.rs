//! The requirements a vendor's documents state, each with an id scenario steps
//! cite (`covers:`), the versions and capabilities it holds for, and its source.
//! What a suite proves is read against this catalogue (`sessionconf coverage`),
//! and what the reference server breaks on purpose names its entries
//! (`sessionconf strength`).

use std::path::Path;

use serde::Deserialize;

use crate::error::ConfigError;
use crate::scenario::model::Needs;
use crate::version::VersionRange;

/// One documented requirement.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// `VENDOR.AREA.NAME`, e.g. `em.logon.status-201`.
    pub id: String,
    /// What it requires, in our words.
    pub text: String,
    /// Where the vendor writes it (document, page, section).
    pub source: String,
    /// Where it holds; everywhere when left out.
    #[serde(default)]
    pub requires: RequirementScope,
}

/// The servers a requirement holds on.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequirementScope {
    /// Capabilities the server must show (`cloud-connect`).
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// API versions it holds for.
    pub versions: Option<VersionRange>,
}

impl Requirement {
    /// What a server must be for the requirement to hold there, in the form
    /// scenarios' requirements take (so one judge decides both).
    pub fn needs(&self) -> Needs {
        Needs {
            capabilities: self.requires.capabilities.clone(),
            accounts: Vec::new(),
            versions: self.requires.versions.clone(),
            api_version: None,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    #[serde(default)]
    requirements: Vec<Requirement>,
}

/// Whether `id` reads as a requirement id: lowercase words of letters, digits
/// and `-`, joined by dots, at least two.
pub fn is_id(id: &str) -> bool {
    let words: Vec<&str> = id.split('.').collect();
    words.len() >= 2
        && words.iter().all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// One catalogue file, read and checked: ids well formed and one of a kind.
pub(super) fn parse(file: &Path, text: &str) -> Result<Vec<Requirement>, Vec<ConfigError>> {
    checked(file, Some(text), super::read_yaml(file, text)?)
}

/// The tool's own catalogue, from its JSON twin (see `super::built_in_json`).
pub(super) fn parse_built_in(
    file: &Path,
    json: &str,
) -> Result<Vec<Requirement>, Vec<ConfigError>> {
    checked(file, None, super::read_json(file, json)?)
}

fn checked(
    file: &Path,
    text: Option<&str>,
    raw: RawCatalogue,
) -> Result<Vec<Requirement>, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in &raw.requirements {
        let error = |message: String| super::about_id(file, text, &r.id, message);
        if !is_id(&r.id) {
            errors.push(error(format!(
                "requirement `{}`: an id is lowercase words joined by dots (`em.logon.status-201`)",
                r.id
            )));
        } else if !seen.insert(r.id.as_str()) {
            errors.push(error(format!("requirement `{}` is written twice", r.id)));
        }
        if r.text.trim().is_empty() || r.source.trim().is_empty() {
            errors.push(error(format!(
                "requirement `{}` needs a `text` and a `source`",
                r.id
            )));
        }
    }
    if errors.is_empty() {
        Ok(raw.requirements)
    } else {
        Err(errors)
    }
}

/// The suite's requirements over the tool's: one of the same id replaces it.
pub(super) fn merge(base: Vec<Requirement>, own: Vec<Requirement>) -> Vec<Requirement> {
    let mut all = base;
    for r in own {
        match all.iter_mut().find(|b| b.id == r.id) {
            Some(b) => *b = r,
            None => all.push(r),
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dotted_lowercase_words() {
        assert!(is_id("em.logon.status-201"));
        assert!(is_id("cv.login"));
        for bad in [
            "em",
            "em..x",
            "Em.logon",
            "em.logon status",
            ".em.x",
            "em.x.",
        ] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_catalogue_refuses_bad_and_repeated_ids_and_missing_sources() {
        let file = Path::new("r.yaml");
        let text = "requirements:\n  - { id: a.b, text: t, source: s }\n  - { id: a.b, text: t, source: s }\n  - { id: Bad, text: t, source: s }\n  - { id: c.d, text: t, source: ' ' }\n";
        let errors = parse(file, text).unwrap_err();
        let messages: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("`a.b` is written twice"));
        assert!(messages[1].contains("`Bad`"));
        assert!(messages[2].contains("`c.d` needs a `text` and a `source`"));
        let err = parse(file, "requirements:\n  - { id: a.b }\n").unwrap_err();
        assert_eq!(err[0].line, Some(2), "{err:?}");
    }

    #[test]
    fn a_requirement_holds_where_its_scope_says() {
        let text = "requirements:\n  - id: a.b\n    text: t\n    source: s\n    requires: { capabilities: [cloud-connect], versions: \">= v1_7\" }\n";
        let parsed = parse(Path::new("r.yaml"), text).unwrap();
        let needs = parsed[0].needs();
        assert_eq!(needs.capabilities, ["cloud-connect"]);
        assert_eq!(
            needs.versions,
            Some(VersionRange::parse(">= v1_7").unwrap())
        );
        assert!(needs.accounts.is_empty() && needs.api_version.is_none());
    }

    #[test]
    fn the_suite_replaces_by_id_and_adds() {
        let r = |id: &str, text: &str| Requirement {
            id: id.into(),
            text: text.into(),
            source: "s".into(),
            requires: RequirementScope::default(),
        };
        let merged = merge(
            vec![r("a.b", "old"), r("a.c", "kept")],
            vec![r("a.b", "new"), r("a.d", "added")],
        );
        let texts: Vec<(&str, &str)> = merged
            .iter()
            .map(|r| (r.id.as_str(), r.text.as_str()))
            .collect();
        assert_eq!(texts, [("a.b", "new"), ("a.c", "kept"), ("a.d", "added")]);
    }
}
