//! What the suite knows of a dialect's versions, kept as data beside its goldens
//! (`golden/DIALECT/versions.yaml`): how to read a server's version and
//! capabilities from the probe (`golden/DIALECT/probe.yaml`, a scenario run once
//! per target), and the known deviations: behaviour the vendor's own servers
//! show that departs from its documents, each with the versions it applies to
//! and its source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ConfigError;
use crate::scenario::model::Expect;
use crate::scenario::{load_scenario, GoldenEntry, LoadedScenario};
use crate::version::VersionRange;

/// A dialect's version data.
#[derive(Debug, Clone, Default)]
pub struct VersionData {
    /// The scenario that learns what the server is.
    pub probe: Option<LoadedScenario>,
    /// How to read facts from the probe's variables.
    pub facts: FactRules,
    /// Known deviations.
    pub deviations: Vec<Deviation>,
    /// Values the vendor documents as changing per request: bless writes placeholders.
    pub volatile: Vec<super::volatile::Volatile>,
}

/// Which probe variables say what.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactRules {
    /// The variable holding the version, or the list of versions the server
    /// accepts (the newest is the one it speaks).
    pub version: Option<String>,
    /// Version names the server always accepts besides those it lists (`latest`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A capability is present when the probe captured its variable.
    #[serde(default)]
    pub capabilities: BTreeMap<String, String>,
}

/// A behaviour the vendor's servers show that its documents do not.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deviation {
    /// A short name.
    pub id: String,
    /// The scenario and step it shows in.
    pub scenario: String,
    /// The step's name.
    pub step: String,
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersions {
    #[serde(default)]
    facts: FactRules,
    #[serde(default)]
    deviations: Vec<Deviation>,
    #[serde(default)]
    volatile: Vec<super::volatile::Volatile>,
}

/// Reads `golden/DIALECT/versions.yaml` and `probe.yaml`; both are optional.
/// With `allow_missing` (bless), a known deviation's golden may not exist yet:
/// a bless that sees the deviation records it.
pub fn load(
    golden_dir: &Path,
    dialect: &str,
    allow_missing: bool,
) -> Result<VersionData, Vec<ConfigError>> {
    let dir = golden_dir.join(dialect);
    let probe_file = dir.join("probe.yaml");
    let probe = probe_file
        .exists()
        .then(|| load_scenario(&probe_file, dialect, golden_dir, false))
        .transpose()?;
    let file = dir.join("versions.yaml");
    if !file.exists() {
        return Ok(VersionData {
            probe,
            ..VersionData::default()
        });
    }
    let text = std::fs::read_to_string(&file)
        .map_err(|e| vec![ConfigError::file(&file, format!("cannot read: {e}"))])?;
    let raw: RawVersions = serde_yaml::from_str(&text).map_err(|e| {
        let at = e.location().map(|l| (l.line() as u32, l.column() as u32));
        vec![match at {
            Some((line, col)) => ConfigError::at(&file, line, col, e.to_string()),
            None => ConfigError::file(&file, e.to_string()),
        }]
    })?;
    let problems: Vec<ConfigError> = raw
        .volatile
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.problem().map(|p| (i, p)))
        .map(|(i, p)| ConfigError::file(&file, format!("volatile value {}: {p}", i + 1)))
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut deviations = raw.deviations;
    for d in &mut deviations {
        let Some(named) = &d.expect.golden else {
            continue;
        };
        // A golden without extension: one file per representation, as in scenarios.
        let files = crate::representation::golden_files(named);
        let per_representation = files.len() > 1;
        for rel in files {
            let path = golden_dir.join(&rel);
            let expected = match crate::golden::Golden::load(&path) {
                Ok(g) => Some(std::sync::Arc::new(g)),
                Err(_) if (allow_missing || per_representation) && !path.exists() => None,
                Err(e) => return Err(vec![e]),
            };
            if expected.is_some() || allow_missing {
                d.goldens.insert(rel, GoldenEntry { path, expected });
            }
        }
        if d.goldens.is_empty() && !allow_missing {
            return Err(vec![ConfigError::file(
                &file,
                format!(
                    "deviation `{}`: golden {} has no file ({}.xml or .json)",
                    d.id,
                    named.display(),
                    golden_dir.join(named).display()
                ),
            )]);
        }
    }
    Ok(VersionData {
        probe,
        facts: raw.facts,
        deviations,
        volatile: raw.volatile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_without_version_data_is_still_run() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d");
        std::fs::create_dir_all(&dialect).unwrap();
        std::fs::write(
            dialect.join("probe.yaml"),
            "name: probe\nsteps:\n  - name: root\n    request: { path: \"\" }\n",
        )
        .unwrap();
        let data = load(dir.path(), "d", false).unwrap();
        assert_eq!(data.probe.unwrap().scenario.name, "probe");
        assert!(data.deviations.is_empty());
        assert!(load(dir.path(), "none", false).unwrap().probe.is_none());
    }

    #[test]
    fn version_data_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d");
        std::fs::create_dir_all(&dialect).unwrap();
        std::fs::write(dialect.join("versions.yaml"), "facts:\n  versoin: v\n").unwrap();
        let errors = load(dir.path(), "d", false).unwrap_err();
        assert!(
            errors[0].to_string().contains("versions.yaml:2:"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_deviations_golden_may_be_missing_only_for_bless() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d");
        std::fs::create_dir_all(&dialect).unwrap();
        let deviation = "deviations:\n  - id: x\n    scenario: s\n    step: t\n    documented: a\n    observed: b\n    source: c\n    expect: { status: 500, golden: d/error-500.xml }\n";
        std::fs::write(dialect.join("versions.yaml"), deviation).unwrap();
        let data = load(dir.path(), "d", true).unwrap();
        let entry = &data.deviations[0].goldens[std::path::Path::new("d/error-500.xml")];
        assert!(entry.expected.is_none());
        let errors = load(dir.path(), "d", false).unwrap_err();
        assert!(
            errors[0].to_string().contains("error-500.xml"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_deviations_golden_without_extension_has_a_file_per_representation() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d");
        std::fs::create_dir_all(&dialect).unwrap();
        let deviation = "deviations:\n  - id: x\n    scenario: s\n    step: t\n    documented: a\n    observed: b\n    source: c\n    expect: { status: 500, golden: d/error-500 }\n";
        std::fs::write(dialect.join("versions.yaml"), deviation).unwrap();
        let keys = |data: &VersionData| -> Vec<(String, bool)> {
            data.deviations[0]
                .goldens
                .iter()
                .map(|(k, e)| (k.display().to_string(), e.expected.is_some()))
                .collect()
        };
        // Neither exists: an error, unless bless will record them.
        let errors = load(dir.path(), "d", false).unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .contains("deviation `x`: golden d/error-500 has no file"),
            "{}",
            errors[0]
        );
        let data = load(dir.path(), "d", true).unwrap();
        assert_eq!(
            keys(&data),
            [
                ("d/error-500.json".into(), false),
                ("d/error-500.xml".into(), false)
            ]
        );
        // One exists: it alone is there to judge by (bless may add the other).
        std::fs::write(dialect.join("error-500.json"), "{}").unwrap();
        let data = load(dir.path(), "d", false).unwrap();
        assert_eq!(keys(&data), [("d/error-500.json".into(), true)]);
        let data = load(dir.path(), "d", true).unwrap();
        assert_eq!(
            keys(&data),
            [
                ("d/error-500.json".into(), true),
                ("d/error-500.xml".into(), false)
            ]
        );
        // One that does not read is an error, not a missing file.
        std::fs::write(dialect.join("error-500.json"), "{").unwrap();
        assert!(load(dir.path(), "d", false).is_err());
        assert!(load(dir.path(), "d", true).is_err());
    }

    #[test]
    fn volatile_values_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d");
        std::fs::create_dir_all(&dialect).unwrap();
        let rule =
            "volatile:\n  - attribute: loginTime\n    placeholder: \"{{int}}\"\n    source: docs\n";
        std::fs::write(dialect.join("versions.yaml"), rule).unwrap();
        let data = load(dir.path(), "d", false).unwrap();
        assert_eq!(data.volatile[0].for_attribute("loginTime"), Some("{{int}}"));
        let bad = rule.replace("{{int}}", "{{user}}");
        std::fs::write(dialect.join("versions.yaml"), bad).unwrap();
        let errors = load(dir.path(), "d", false).unwrap_err();
        let said = errors[0].to_string();
        assert!(
            said.contains("versions.yaml") && said.contains("volatile value 1"),
            "{said}"
        );
    }
}
