//! The requirements a vendor's documents state, each with an id scenario steps
//! cite (`covers:`), the versions and capabilities it holds for, and its source.
//! What a suite proves is read against this catalogue (`sessionconf coverage`),
//! and what the reference server breaks on purpose names its entries
//! (`sessionconf strength`).

use std::path::Path;

use serde::Deserialize;

use crate::error::ConfigError;
use crate::scenario::model::{Method, Needs, StatusSet};
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
    /// The request whose answer shows it, when one request does: `coverage`
    /// proposes the requirement for a step that sends it and cites nothing.
    pub request: Option<ShownBy>,
}

/// The request a requirement is about (method and path shape below the API
/// base URL, as a known deviation names its exchange) and its documented answer.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShownBy {
    /// The methods; any when left out.
    #[serde(default)]
    pub methods: Vec<Method>,
    /// The path, segment by segment; `{name}` stands for any one segment.
    pub path: String,
    /// The documented answer; any when left out.
    pub status: Option<StatusSet>,
}

impl ShownBy {
    /// Whether a step that sends `method` to `path` (as the scenario writes
    /// it: a `${...}` segment may be anything) and expects `expected` (any
    /// 2xx when it says nothing) sends this request and expects this answer.
    pub fn is_sent_by(&self, method: &str, path: &str, expected: Option<&StatusSet>) -> bool {
        let method = self.methods.is_empty()
            || self
                .methods
                .iter()
                .any(|m| m.0.eq_ignore_ascii_case(method));
        let status = match (&self.status, expected) {
            (None, _) => true,
            (Some(documented), Some(wanted)) => documented.0.iter().any(|s| wanted.allows(*s)),
            (Some(documented), None) => documented.0.iter().any(|s| (200..300).contains(s)),
        };
        method && status && super::deviation::path_matches(&self.path, path)
    }

    /// `POST sessionMngr/`.
    pub fn describe(&self) -> String {
        let methods: Vec<&str> = self.methods.iter().map(|m| m.0.as_str()).collect();
        let methods = if methods.is_empty() {
            "any method".to_string()
        } else {
            methods.join("|")
        };
        format!("{methods} {}", self.path)
    }
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
pub(crate) fn parse(file: &Path, text: &str) -> Result<Vec<Requirement>, Vec<ConfigError>> {
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
    fn a_requirement_is_shown_by_the_request_and_answer_it_names() {
        let text = "requirements:\n  - id: a.b\n    text: t\n    source: s\n    request: { methods: [GET], path: \"logonSessions/{id}\", status: 404 }\n  - id: a.c\n    text: t\n    source: s\n    request: { methods: [GET], path: logonSessions }\n";
        let parsed = parse(Path::new("r.yaml"), text).unwrap();
        let (by_id, listing) = (
            parsed[0].request.as_ref().unwrap(),
            parsed[1].request.as_ref().unwrap(),
        );
        let s404 = StatusSet(vec![404]);
        let s200 = StatusSet(vec![200]);
        assert!(by_id.is_sent_by("GET", "logonSessions/0000-1", Some(&s404)));
        // A segment the scenario fills from a variable may be the id.
        assert!(by_id.is_sent_by("get", "logonSessions/${id}", Some(&s404)));
        assert!(!by_id.is_sent_by("GET", "logonSessions/1", Some(&s200)));
        assert!(!by_id.is_sent_by("GET", "logonSessions/1", None));
        assert!(!by_id.is_sent_by("DELETE", "logonSessions/1", Some(&s404)));
        assert!(!by_id.is_sent_by("GET", "logonSessions", Some(&s404)));
        // No documented answer: any the step expects; the query is no part of the path.
        assert!(listing.is_sent_by("GET", "logonSessions?x=1", None));
        assert!(listing.is_sent_by("GET", "logonSessions", Some(&s404)));
        assert_eq!(by_id.describe(), "GET logonSessions/{id}");
    }

    #[test]
    fn the_suite_replaces_by_id_and_adds() {
        let r = |id: &str, text: &str| Requirement {
            id: id.into(),
            text: text.into(),
            source: "s".into(),
            requires: RequirementScope::default(),
            request: None,
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
