//! The two representations both APIs serve (XML, and JSON when asked with
//! `Accept: application/json`), and how a step's golden and selectors follow
//! the one its request asked for: a `golden:` path without an extension names
//! `PATH.xml` and `PATH.json`, and a `select: { xml: ..., json: ... }` has a
//! form for each. One scenario then runs in both through a matrix over Accept.

use std::fmt;
use std::path::{Path, PathBuf};

/// A representation of a resource.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Representation {
    /// `application/xml`, what both APIs send unless asked otherwise.
    #[default]
    Xml,
    /// `application/json`.
    Json,
}

impl Representation {
    /// Both, in the order messages list them.
    pub const ALL: [Representation; 2] = [Representation::Xml, Representation::Json];

    /// The golden file extension, which is also the name scenarios use (`xml`, `json`).
    pub fn ext(self) -> &'static str {
        match self {
            Representation::Xml => "xml",
            Representation::Json => "json",
        }
    }

    /// What a request's `Accept` header asks for: one of the two, or `None`
    /// when it names neither or both (then the response says what it is).
    pub fn asked(accept: &str) -> Option<Representation> {
        let accept = accept.to_ascii_lowercase();
        let names = |word: &str| {
            accept
                .split(',')
                .any(|range| media_subtype(range).is_some_and(|s| is_subtype(s, word)))
        };
        match (names("xml"), names("json")) {
            (true, false) => Some(Representation::Xml),
            (false, true) => Some(Representation::Json),
            _ => None,
        }
    }

    /// What a response is: its `Content-Type` when that names XML or JSON,
    /// else the body's first character (`<`, or `{` or `[`), else `None`.
    pub fn of_response(content_type: Option<&str>, body: &str) -> Option<Representation> {
        if let Some(declared) = content_type.and_then(Representation::asked) {
            return Some(declared);
        }
        match body
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .chars()
            .next()
        {
            Some('<') => Some(Representation::Xml),
            Some('{' | '[') => Some(Representation::Json),
            _ => None,
        }
    }

    /// The golden file a step's `golden:` path names in this representation:
    /// the path itself when it has an extension, else `PATH.EXT`.
    pub fn golden_path(self, rel: &Path) -> PathBuf {
        if follows_representation(rel) {
            let mut name = rel.as_os_str().to_owned();
            name.push(".");
            name.push(self.ext());
            PathBuf::from(name)
        } else {
            rel.to_path_buf()
        }
    }

    /// The representation a golden file is in, by its extension (`.json`, else XML).
    pub fn of_golden(path: &Path) -> Representation {
        if path.extension().is_some_and(|e| e == "json") {
            Representation::Json
        } else {
            Representation::Xml
        }
    }
}

impl fmt::Display for Representation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Representation::Xml => "XML",
            Representation::Json => "JSON",
        })
    }
}

/// Whether a `golden:` path names one file per representation (it has no extension).
pub fn follows_representation(rel: &Path) -> bool {
    rel.extension().is_none()
}

/// The golden files a `golden:` path may name: itself, or one per representation.
pub fn golden_files(rel: &Path) -> Vec<PathBuf> {
    if follows_representation(rel) {
        Representation::ALL
            .iter()
            .map(|r| r.golden_path(rel))
            .collect()
    } else {
        vec![rel.to_path_buf()]
    }
}

/// `xml` in `application/xml; charset=utf-8`.
fn media_subtype(range: &str) -> Option<&str> {
    let essence = range.split(';').next()?.trim();
    essence.split_once('/').map(|(_, sub)| sub)
}

/// `xml`, `json`, or a structured suffix (`atom+xml`, `problem+json`).
fn is_subtype(subtype: &str, word: &str) -> bool {
    subtype == word || subtype.rsplit_once('+').is_some_and(|(_, s)| s == word)
}

#[cfg(test)]
mod tests {
    use super::Representation::{Json, Xml};
    use super::*;

    #[test]
    fn accept_asks_for_one_representation_or_leaves_it_to_the_server() {
        assert_eq!(Representation::asked("application/json"), Some(Json));
        assert_eq!(Representation::asked("Application/JSON; q=1"), Some(Json));
        assert_eq!(Representation::asked("application/xml"), Some(Xml));
        assert_eq!(Representation::asked("text/xml"), Some(Xml));
        assert_eq!(
            Representation::asked("application/problem+json"),
            Some(Json)
        );
        assert_eq!(
            Representation::asked("application/xml, application/json"),
            None
        );
        assert_eq!(Representation::asked("*/*"), None);
        assert_eq!(Representation::asked("text/plain"), None);
        // The word alone is not a media type; nor is a subtype that merely contains it.
        assert_eq!(Representation::asked("json"), None);
        assert_eq!(Representation::asked("application/jsonx"), None);
        assert_eq!(Representation::asked("application/x-xml-ish"), None);
    }

    #[test]
    fn a_response_is_what_its_content_type_says_else_what_its_body_starts_with() {
        let of = Representation::of_response;
        assert_eq!(
            of(Some("application/json; charset=utf-8"), "<A/>"),
            Some(Json)
        );
        assert_eq!(of(Some("application/xml"), "{}"), Some(Xml));
        assert_eq!(of(Some("text/plain"), " \n<A/>"), Some(Xml));
        assert_eq!(of(None, "\u{feff}{\"a\": 1}"), Some(Json));
        assert_eq!(of(None, "[1]"), Some(Json));
        assert_eq!(of(None, "User logged out"), None);
        assert_eq!(of(None, ""), None);
    }

    #[test]
    fn a_golden_path_without_extension_names_one_file_per_representation() {
        let rel = Path::new("veeam-em/logon-session");
        assert!(follows_representation(rel));
        assert_eq!(
            Json.golden_path(rel),
            Path::new("veeam-em/logon-session.json")
        );
        assert_eq!(
            Xml.golden_path(rel),
            Path::new("veeam-em/logon-session.xml")
        );
        assert_eq!(
            golden_files(rel),
            [
                PathBuf::from("veeam-em/logon-session.xml"),
                PathBuf::from("veeam-em/logon-session.json")
            ]
        );
        let fixed = Path::new("veeam-em/logon-session.xml");
        assert!(!follows_representation(fixed));
        assert_eq!(Json.golden_path(fixed), fixed);
        assert_eq!(golden_files(fixed), [fixed.to_path_buf()]);
        assert_eq!(Representation::of_golden(Path::new("a/b.json")), Json);
        assert_eq!(Representation::of_golden(Path::new("a/b.xml")), Xml);
        assert_eq!(Json.to_string(), "JSON");
        assert_eq!(Xml.ext(), "xml");
    }
}
