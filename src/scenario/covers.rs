//! What a step's `covers:` says: the documented requirements it checks, each
//! for the whole step or for one kind of check (`status`, `header NAME`,
//! `golden PATH...`), so that a failure names only the requirements it really
//! breaks.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::outcome::{Failure, FailureKind};

/// One entry of `covers:` as written: `ID`, or `{ID: WHERE}`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CoverEntry {
    /// A requirement any failure of the step's checks breaks.
    Whole(String),
    /// A requirement one kind of check shows: `status`, `text`, `body`,
    /// `golden`, `header NAME...`, `capture NAME...`, or `golden PATH...`
    /// (a difference at one of these paths or below; `=PATH` for that path
    /// only), paths in either form (`/LogonSession/Links`, `$.Links`).
    Scoped(BTreeMap<String, String>),
}

/// A requirement a step checks, and which of its failures break it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// The requirement's id.
    pub id: String,
    /// The failures that break it.
    pub scope: Scope,
}

/// The failures that break a cited requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Any failure of the step's checks (not one of sending or setup).
    Step,
    /// The status.
    Status,
    /// The body as text.
    Text,
    /// A selector assertion, or a body no check could read.
    Body,
    /// These headers (any case).
    Header(Vec<String>),
    /// These captures.
    Capture(Vec<String>),
    /// An element whose name is right in another namespace.
    Namespace,
    /// A difference from the golden at one of these paths (all of them when empty).
    Golden(Vec<PathPattern>),
}

/// A golden path a scoped requirement watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    path: String,
    exact: bool,
}

impl PathPattern {
    fn matches(&self, path: &str) -> bool {
        match path.strip_prefix(self.path.as_str()) {
            Some("") => true,
            Some(rest) => !self.exact && rest.starts_with(['/', '[', '.', '@']),
            None => false,
        }
    }
}

impl CoverEntry {
    /// The entry read: its requirement and scope, or why it cannot be.
    pub fn read(&self) -> Result<Cover, String> {
        match self {
            CoverEntry::Whole(id) => Ok(Cover {
                id: id.clone(),
                scope: Scope::Step,
            }),
            CoverEntry::Scoped(map) if map.len() == 1 => {
                let (id, scope) = map.iter().next().expect("one entry");
                Ok(Cover {
                    id: id.clone(),
                    scope: parse_scope(scope).map_err(|e| format!("`{id}: {scope}`: {e}"))?,
                })
            }
            CoverEntry::Scoped(_) => {
                Err("a `covers` entry is `ID` or `ID: WHERE`, one requirement per entry".into())
            }
        }
    }
}

fn parse_scope(text: &str) -> Result<Scope, String> {
    let mut words = text.split_whitespace();
    let kind = words.next().unwrap_or_default();
    let rest: Vec<String> = words.map(str::to_string).collect();
    let bare = |scope: Scope| match rest.is_empty() {
        true => Ok(scope),
        false => Err(format!("`{kind}` takes nothing after it")),
    };
    let named = |what: &str| match rest.is_empty() {
        true => Err(format!("`{kind}` names the {what}")),
        false => Ok(rest.clone()),
    };
    match kind {
        "status" => bare(Scope::Status),
        "namespace" => bare(Scope::Namespace),
        "text" => bare(Scope::Text),
        "body" => bare(Scope::Body),
        "header" => Ok(Scope::Header(named("headers")?)),
        "capture" => Ok(Scope::Capture(named("captures")?)),
        "golden" => Ok(Scope::Golden(
            rest.iter()
                .map(|p| match p.strip_prefix('=') {
                    Some(exact) => PathPattern { path: exact.into(), exact: true },
                    None => PathPattern { path: p.clone(), exact: false },
                })
                .collect(),
        )),
        other => Err(format!(
            "`{other}` is not a check: status, text, body, namespace, golden, header NAME, capture NAME"
        )),
    }
}

impl Cover {
    /// Whether `failure` breaks the requirement.
    pub fn broken_by(&self, failure: &Failure) -> bool {
        use crate::xml::compare::DifferenceKind;
        let path = failure.path.as_deref().unwrap_or_default();
        // A comparison that gave up is no verdict on anything.
        if failure.difference == Some(DifferenceKind::Stopped) {
            return false;
        }
        match (&self.scope, failure.kind) {
            (Scope::Step, kind) => matches!(
                kind,
                FailureKind::Status
                    | FailureKind::Header
                    | FailureKind::Text
                    | FailureKind::Body
                    | FailureKind::Assertion
                    | FailureKind::Capture
                    | FailureKind::Golden
                    | FailureKind::Difference
            ),
            (Scope::Status, FailureKind::Status) | (Scope::Text, FailureKind::Text) => true,
            (Scope::Body, FailureKind::Assertion | FailureKind::Body) => true,
            (Scope::Header(names), FailureKind::Header) => {
                names.iter().any(|n| n.eq_ignore_ascii_case(path))
            }
            (Scope::Capture(names), FailureKind::Capture) => names.iter().any(|n| n == path),
            (Scope::Namespace, FailureKind::Difference) => only_namespace_differs(failure),
            (Scope::Golden(paths), FailureKind::Golden) => paths.is_empty(),
            (Scope::Golden(paths), FailureKind::Difference) => {
                paths.is_empty() || paths.iter().any(|p| p.matches(path))
            }
            _ => false,
        }
    }
}

/// An element name difference where the local names agree: `{a}X` for `{b}X`.
fn only_namespace_differs(failure: &Failure) -> bool {
    use crate::xml::compare::DifferenceKind;
    let local = |name: &str| name.rsplit('}').next().unwrap_or(name).to_string();
    let namespace = |name: &str| {
        name.strip_prefix('{')
            .and_then(|n| n.split_once('}'))
            .map(|(ns, _)| ns.to_string())
    };
    match (&failure.expected, &failure.actual) {
        (Some(e), Some(a)) if failure.difference == Some(DifferenceKind::ElementName) => {
            local(e) == local(a) && namespace(e) != namespace(a)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(kind: FailureKind, path: Option<&str>) -> Failure {
        Failure {
            kind,
            difference: None,
            path: path.map(str::to_string),
            expected: None,
            actual: None,
            message: "m".into(),
        }
    }

    fn cover(id: &str, scope: &str) -> Cover {
        let entry = CoverEntry::Scoped([(id.to_string(), scope.to_string())].into());
        entry.read().unwrap()
    }

    #[test]
    fn a_scoped_requirement_is_broken_only_by_its_check() {
        let status = cover("a.b", "status");
        assert!(status.broken_by(&failure(FailureKind::Status, None)));
        assert!(!status.broken_by(&failure(FailureKind::Difference, Some("/A"))));
        let header = cover("a.b", "header Set-Cookie");
        assert!(header.broken_by(&failure(FailureKind::Header, Some("set-cookie"))));
        assert!(!header.broken_by(&failure(FailureKind::Header, Some("X-Other"))));
        let up = cover(
            "a.b",
            "golden /S/Links/Link[@Rel='Up'] $.Links[?(@.Rel=='Up')]",
        );
        assert!(up.broken_by(&failure(
            FailureKind::Difference,
            Some("/S/Links/Link[@Rel='Up']")
        )));
        assert!(up.broken_by(&failure(
            FailureKind::Difference,
            Some("/S/Links/Link[@Rel='Up']/@Href")
        )));
        assert!(up.broken_by(&failure(
            FailureKind::Difference,
            Some("$.Links[?(@.Rel=='Up')].Href")
        )));
        assert!(!up.broken_by(&failure(
            FailureKind::Difference,
            Some("/S/Links/Link[@Rel='Upper']")
        )));
        assert!(
            !up.broken_by(&failure(FailureKind::Golden, None)),
            "the summary line names no path"
        );
        let root = cover("a.b", "golden =/S");
        assert!(root.broken_by(&failure(FailureKind::Difference, Some("/S"))));
        assert!(!root.broken_by(&failure(FailureKind::Difference, Some("/S/Links"))));
        let any_golden = cover("a.b", "golden");
        assert!(any_golden.broken_by(&failure(FailureKind::Golden, None)));
        let capture = cover("a.b", "capture token");
        assert!(capture.broken_by(&failure(FailureKind::Capture, Some("token"))));
        assert!(!capture.broken_by(&failure(FailureKind::Capture, Some("other"))));
        let body = cover("a.b", "body");
        assert!(body.broken_by(&failure(FailureKind::Assertion, Some("//x"))));
        assert!(cover("a.b", "text").broken_by(&failure(FailureKind::Text, None)));
    }

    #[test]
    fn a_namespace_requirement_is_broken_by_a_name_in_another_namespace_only() {
        use crate::xml::compare::DifferenceKind;
        let ns = cover("a.b", "namespace");
        let named = |expected: &str, actual: &str, kind| Failure {
            difference: Some(kind),
            expected: Some(expected.into()),
            actual: Some(actual.into()),
            ..failure(FailureKind::Difference, Some("/S"))
        };
        assert!(ns.broken_by(&named("{urn:a}S", "{urn:b}S", DifferenceKind::ElementName)));
        assert!(!ns.broken_by(&named(
            "{urn:a}S",
            "{urn:a}Error",
            DifferenceKind::ElementName
        )));
        // Another element altogether, whatever its namespace, is not the namespace's fault.
        assert!(!ns.broken_by(&named(
            "{urn:a}S",
            "{urn:b}Error",
            DifferenceKind::ElementName
        )));
        assert!(!ns.broken_by(&named("{urn:a}S", "{urn:b}S", DifferenceKind::Text)));
        let stopped = Failure {
            difference: Some(DifferenceKind::Stopped),
            ..failure(FailureKind::Difference, Some("/S"))
        };
        assert!(!cover("a.b", "golden").broken_by(&stopped));
    }

    #[test]
    fn a_whole_step_requirement_is_broken_by_any_check_but_not_by_the_network() {
        let whole = CoverEntry::Whole("a.b".into()).read().unwrap();
        assert!(whole.broken_by(&failure(FailureKind::Status, None)));
        assert!(whole.broken_by(&failure(FailureKind::Difference, Some("/x"))));
        for kind in [
            FailureKind::Transport,
            FailureKind::Setup,
            FailureKind::Request,
            FailureKind::TimeLimit,
            FailureKind::Interrupted,
        ] {
            assert!(!whole.broken_by(&failure(kind, None)), "{kind:?}");
        }
    }

    #[test]
    fn a_where_that_does_not_read_is_refused() {
        let read = |s: &str| CoverEntry::Scoped([("a.b".to_string(), s.to_string())].into()).read();
        assert!(read("statuss")
            .unwrap_err()
            .contains("`statuss` is not a check"));
        assert!(read("status 201")
            .unwrap_err()
            .contains("takes nothing after it"));
        assert!(read("header").unwrap_err().contains("names the headers"));
        let two = CoverEntry::Scoped(
            [
                ("a.b".into(), "status".into()),
                ("c.d".into(), "text".into()),
            ]
            .into(),
        );
        assert!(two
            .read()
            .unwrap_err()
            .contains("one requirement per entry"));
    }
}
