//! A known deviation: behaviour a vendor's own servers show that departs from
//! its documents. It describes the exchange (method, path shape, the documented
//! answer a step expects), not the scenario that first met it, so it holds in
//! every step of every suite, a user's own included.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::scenario::model::{Expect, Method, StatusSet};
use crate::scenario::GoldenEntry;
use crate::version::{Version, VersionRange};

/// A behaviour the vendor's servers show that its documents do not.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// A short name.
    pub id: String,
    /// The requests it shows in.
    pub request: Option<RequestShape>,
    /// The documented answers: it applies where a step expects one of these.
    pub documented_status: Option<StatusSet>,
    /// Narrows it to one scenario (a suite's own deviation may).
    pub scenario: Option<String>,
    /// Narrows it to one step name.
    pub step: Option<String>,
    /// The versions that show it; all when left out.
    pub versions: Option<VersionRange>,
    /// What the documents say.
    pub documented: String,
    /// What the servers do.
    pub observed: String,
    /// Where this is recorded.
    pub source: String,
    /// The expectations the observed behaviour meets, instead of the step's own.
    pub expect: Expect,
    /// The goldens `expect` names, compiled.
    #[serde(skip)]
    pub goldens: BTreeMap<PathBuf, GoldenEntry>,
    /// Whether it ships with the tool (its goldens too: bless never writes them).
    #[serde(skip)]
    pub built_in: bool,
}

/// The requests a deviation shows in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestShape {
    /// The methods; any when left out.
    #[serde(default)]
    pub methods: Vec<Method>,
    /// The path below the API base URL, segment by segment; `{name}` stands
    /// for any one segment (`logonSessions/{id}`). The query is not part of it.
    pub path: Option<String>,
}

/// One exchange of a step, as a deviation is matched against it.
#[derive(Debug, Clone, Copy)]
pub struct Exchanged<'a> {
    /// The scenario's name.
    pub scenario: &'a str,
    /// The step's name.
    pub step: &'a str,
    /// The request's method.
    pub method: &'a str,
    /// The request's path below the API base URL, when it is below it.
    pub path: Option<&'a str>,
    /// The statuses the step expects.
    pub expected: Option<&'a StatusSet>,
    /// The server's API version, when known.
    pub version: Option<&'a Version>,
}

impl Deviation {
    /// Whether the deviation is about this exchange (whether the response shows
    /// it is decided by `expect`). One that names no request, scenario or step
    /// would be about every exchange, and is refused when loaded.
    pub fn is_about(&self, exchange: &Exchanged) -> bool {
        let named =
            |wanted: &Option<String>, actual: &str| wanted.as_deref().is_none_or(|w| w == actual);
        named(&self.scenario, exchange.scenario)
            && named(&self.step, exchange.step)
            && self.applies_to(exchange.version)
            && self.request.as_ref().is_none_or(|r| r.matches(exchange))
            && self.documented_status.as_ref().is_none_or(|documented| {
                exchange
                    .expected
                    .is_some_and(|wanted| documented.0.iter().any(|s| wanted.allows(*s)))
            })
    }

    /// Whether a server of `version` shows it (an unknown version: only a
    /// deviation of every version).
    pub fn applies_to(&self, version: Option<&Version>) -> bool {
        match (&self.versions, version) {
            (Some(range), Some(v)) => range.contains(v),
            (Some(_), None) => false,
            (None, _) => true,
        }
    }

    /// Why the deviation cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.request.is_none() && self.scenario.is_none() && self.step.is_none() {
            return Some(format!(
                "known deviation `{}` names no `request`, `scenario` or `step`, so it would excuse any failure",
                self.id
            ));
        }
        None
    }
}

impl RequestShape {
    fn matches(&self, exchange: &Exchanged) -> bool {
        let method = self.methods.is_empty()
            || self
                .methods
                .iter()
                .any(|m| m.0.eq_ignore_ascii_case(exchange.method));
        method
            && match (&self.path, exchange.path) {
                (None, _) => true,
                (Some(shape), Some(path)) => path_matches(shape, path),
                (Some(_), None) => false,
            }
    }
}

/// Whether `path` (below the base URL, no query) has the shape `shape`. A
/// segment of `path` that holds `${...}` is a step's path as written, filled
/// only when it runs: it may be any segment (a sent path never holds one).
pub(crate) fn path_matches(shape: &str, path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let wanted: Vec<&str> = shape.trim_matches('/').split('/').collect();
    let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
    wanted.len() == actual.len()
        && wanted.iter().zip(&actual).all(|(w, a)| {
            if (w.starts_with('{') && w.ends_with('}')) || a.contains("${") {
                !a.is_empty()
            } else {
                w.eq_ignore_ascii_case(a)
            }
        })
}

/// The path of `url` below `base`, when it is below it.
pub fn below<'u>(base: &str, url: &'u str) -> Option<&'u str> {
    url.strip_prefix(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deviation(yaml: &str) -> Deviation {
        serde_yaml::from_str(yaml).unwrap()
    }

    const LOOKUP: &str = "id: d\nrequest: { methods: [GET, DELETE], path: \"logonSessions/{id}\" }\ndocumented_status: [403, 404]\nversions: \">= v1_7\"\ndocumented: a\nobserved: b\nsource: c\nexpect: { status: 500 }\n";

    fn exchange<'a>(
        method: &'a str,
        path: Option<&'a str>,
        expected: &'a StatusSet,
        version: Option<&'a Version>,
    ) -> Exchanged<'a> {
        Exchanged {
            scenario: "any",
            step: "any",
            method,
            path,
            expected: Some(expected),
            version,
        }
    }

    #[test]
    fn a_deviation_is_about_an_exchange_of_its_shape_wherever_it_is() {
        let d = deviation(LOOKUP);
        let v17 = Version::parse("v1_7").unwrap();
        let v16 = Version::parse("v1_6").unwrap();
        let s404 = StatusSet(vec![404]);
        let s403_404 = StatusSet(vec![403, 404]);
        let s200 = StatusSet(vec![200]);
        let id = Some("logonSessions/0000-1");
        assert!(d.is_about(&exchange("GET", id, &s404, Some(&v17))));
        assert!(d.is_about(&exchange("delete", id, &s403_404, Some(&v17))));
        // Another version, method, path, or a step that expects success: not about it.
        assert!(!d.is_about(&exchange("GET", id, &s404, Some(&v16))));
        assert!(!d.is_about(&exchange("GET", id, &s404, None)));
        assert!(!d.is_about(&exchange("POST", id, &s404, Some(&v17))));
        assert!(!d.is_about(&exchange("GET", Some("logonSessions"), &s404, Some(&v17))));
        assert!(!d.is_about(&exchange(
            "GET",
            Some("logonSessions/1/x"),
            &s404,
            Some(&v17)
        )));
        assert!(!d.is_about(&exchange("GET", Some("backupServers/1"), &s404, Some(&v17))));
        assert!(!d.is_about(&exchange("GET", None, &s404, Some(&v17))));
        assert!(!d.is_about(&exchange("GET", id, &s200, Some(&v17))));
        // A segment is a placeholder only between braces.
        let half: Deviation = deviation(&LOOKUP.replace("{id}", "{id"));
        assert!(!half.is_about(&exchange("GET", id, &s404, Some(&v17))));
        // The query is no part of the path; segments compare without case.
        assert!(d.is_about(&exchange(
            "GET",
            Some("LogonSessions/1?v=latest"),
            &s404,
            Some(&v17)
        )));
    }

    #[test]
    fn a_deviation_may_be_narrowed_to_a_scenario_and_step() {
        let d = deviation(&format!("{LOOKUP}scenario: s\nstep: t\n"));
        let v17 = Version::parse("v1_7").unwrap();
        let s404 = StatusSet(vec![404]);
        let mut e = exchange("GET", Some("logonSessions/1"), &s404, Some(&v17));
        assert!(!d.is_about(&e));
        e.scenario = "s";
        assert!(!d.is_about(&e));
        e.step = "t";
        assert!(d.is_about(&e));
    }

    #[test]
    fn a_deviation_about_nothing_in_particular_is_refused() {
        let d =
            deviation("id: d\ndocumented: a\nobserved: b\nsource: c\nexpect: { status: 500 }\n");
        assert!(d.problem().unwrap().contains("would excuse any failure"));
        assert!(deviation(LOOKUP).problem().is_none());
        let by_step =
            deviation("id: d\nstep: t\ndocumented: a\nobserved: b\nsource: c\nexpect: {}\n");
        assert!(by_step.problem().is_none());
    }

    #[test]
    fn a_path_below_the_base() {
        assert_eq!(
            below("http://h/api/", "http://h/api/logonSessions/1"),
            Some("logonSessions/1")
        );
        assert_eq!(below("http://h/api/", "http://other/api/x"), None);
    }
}
