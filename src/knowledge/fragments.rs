//! The fragments the tool ships beside its knowledge of each vendor
//! (Enterprise Manager's `logon`, Commvault's `login`) and the goldens they
//! name, so a suite of one's own logs on with `use: logon` without a copy of
//! either. A suite's `scenarios/DIALECT/fragments/NAME.yaml` comes before the
//! tool's fragment of that name, and a golden in the suite's golden directory
//! before the tool's golden of that path, as a suite's knowledge comes before
//! the tool's. Bless never writes a built-in golden.

use std::path::{Path, PathBuf};

use super::{built_in_path, BUILT_IN};

/// A fragment the tool ships.
#[derive(Debug, Clone)]
pub(crate) struct BuiltInFragment {
    /// How errors name it: `<built-in>/DIALECT/fragments/NAME.yaml`.
    pub file: PathBuf,
    /// Its dialect, whose built-in goldens its steps may name.
    pub dialect: &'static str,
    /// The JSON twin of its YAML, read at every start (no YAML parser).
    pub json: &'static str,
    /// Its YAML, read only to locate a mistake the twin cannot (it has no lines).
    pub yaml: &'static str,
}

/// The tool's fragment `name` of `dialect`, if it ships one.
pub(crate) fn fragment(dialect: &str, name: &str) -> Option<BuiltInFragment> {
    let built_in = BUILT_IN.iter().find(|b| b.dialect == dialect)?;
    let (_, yaml, json) = built_in.fragments.iter().find(|(n, _, _)| *n == name)?;
    Some(BuiltInFragment {
        file: built_in_path(dialect, &format!("fragments/{name}.yaml")),
        dialect: built_in.dialect,
        json,
        yaml,
    })
}

/// The names of the fragments the tool ships for `dialect`, sorted.
pub(crate) fn names(dialect: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = BUILT_IN
        .iter()
        .filter(|b| b.dialect == dialect)
        .flat_map(|b| b.fragments.iter().map(|(n, _, _)| *n))
        .collect();
    names.sort_unstable();
    names
}

/// A golden a built-in fragment of `dialect` names, by the path the fragment
/// writes (`veeam-em/logon-session.xml`, relative to a golden directory):
/// where errors say it is (`<built-in>/veeam-em/logon-session.xml`) and its text.
pub(crate) fn golden(dialect: &str, rel: &Path) -> Option<(PathBuf, &'static str)> {
    let built_in = BUILT_IN.iter().find(|b| b.dialect == dialect)?;
    let (name, text) = built_in
        .fragment_goldens
        .iter()
        .find(|(name, _)| Path::new(dialect).join(name) == rel)?;
    Some((built_in_path(dialect, name), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vendor_ships_its_logon_and_the_goldens_it_names() {
        assert_eq!(names("veeam-em"), ["logon"]);
        assert_eq!(names("commvault"), ["login"]);
        assert!(names("other").is_empty());
        let logon = fragment("veeam-em", "logon").unwrap();
        assert_eq!(
            logon.file,
            Path::new("<built-in>/veeam-em/fragments/logon.yaml")
        );
        assert!(logon.yaml.contains("golden: veeam-em/logon-session"));
        assert!(fragment("veeam-em", "login").is_none());
        assert!(fragment("commvault", "logon").is_none());
        let (path, text) = golden("veeam-em", Path::new("veeam-em/logon-session.json")).unwrap();
        assert_eq!(path, Path::new("<built-in>/veeam-em/logon-session.json"));
        assert!(text.contains("\"SessionId\""));
        let (path, _) = golden("commvault", Path::new("commvault/login.xml")).unwrap();
        assert_eq!(path, Path::new("<built-in>/commvault/login.xml"));
        // A golden is the dialect's own, at the path its fragment writes.
        assert!(golden("commvault", Path::new("veeam-em/logon-session.xml")).is_none());
        assert!(golden("veeam-em", Path::new("logon-session.xml")).is_none());
        assert!(golden("veeam-em", Path::new("veeam-em/error-500.xml")).is_none());
    }
}
