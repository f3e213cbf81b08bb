//! What sessionconf knows of each vendor's servers, built into the tool, one
//! module per vendor: how to read a server's version and capabilities (the
//! probe, a scenario run once per target), how to make sure a session is
//! ended, the known deviations (behaviour the vendor's own servers show that
//! departs from its documents, each with the versions it applies to and its
//! source), and the values it documents as volatile. Every suite, a user's own
//! included, gets it; a suite may add to it or override it in
//! `SCENARIOS/DIALECT/knowledge/` (`versions.yaml`, `probe.yaml`). Each vendor's
//! logon ships here too, as a fragment any suite may `use:` ([`fragments`]).

mod commvault;
pub mod deviation;
pub(crate) mod fragments;
pub mod requirements;
pub mod sessions;
mod terms;
mod veeam_em;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ConfigError;
use crate::scenario::{load_scenario_source, GoldenEntry, LoadedScenario};
pub use deviation::Deviation;
pub use requirements::Requirement;
pub use sessions::SessionRules;

/// A vendor's knowledge as the tool ships it.
pub(crate) struct BuiltIn {
    /// The dialect (the scenarios directory's name).
    pub dialect: &'static str,
    /// Facts, session rules, deviations, volatile values (the `versions.yaml`
    /// form), as the JSON twin of its `knowledge.yaml`.
    pub knowledge_json: &'static str,
    /// The probe scenario, as the JSON twin of its `probe.yaml`.
    pub probe_json: &'static str,
    /// The documented requirements, as the JSON twin of its `requirements.yaml`.
    pub requirements_json: &'static str,
    /// The goldens its known deviations name, by file name.
    pub goldens: &'static [(&'static str, &'static str)],
    /// The fragments a suite's `use:` finds when it has none of that name:
    /// name, YAML, and the JSON twin read at start-up.
    pub fragments: &'static [(&'static str, &'static str, &'static str)],
    /// The goldens its fragments name, by file name (a fragment writes
    /// `DIALECT/NAME`, a path in a golden directory).
    pub fragment_goldens: &'static [(&'static str, &'static str)],
}

/// Every vendor the tool knows.
const BUILT_IN: [&BuiltIn; 2] = [&veeam_em::BUILT_IN, &commvault::BUILT_IN];

/// The name of the directory under a suite's dialect directory that holds its own knowledge.
pub const SUITE_DIR: &str = "knowledge";

/// What a run knows of a dialect's servers.
#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    /// The scenario that learns what the server is.
    pub probe: Option<LoadedScenario>,
    /// How to read facts from the probe's variables.
    pub facts: FactRules,
    /// How to check that a session is ended, and the other ways to end it.
    pub sessions: Option<SessionRules>,
    /// Known deviations.
    pub deviations: Vec<Deviation>,
    /// Values the vendor documents as changing per request: bless writes placeholders.
    pub volatile: Vec<crate::golden::volatile::Volatile>,
    /// What a golden keeps and what it leaves open: bless writes goldens by it.
    pub contract: crate::golden::contract::Contract,
    /// The documented requirements steps may cite.
    pub requirements: Vec<Requirement>,
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

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawKnowledge {
    facts: Option<FactRules>,
    sessions: Option<SessionRules>,
    #[serde(default)]
    deviations: Vec<Deviation>,
    #[serde(default)]
    volatile: Vec<crate::golden::volatile::Volatile>,
    #[serde(default)]
    contract: crate::golden::contract::Contract,
}

/// Where a suite keeps its own knowledge of `dialect`.
pub fn suite_dir(scenarios_dir: &Path, dialect: &str) -> PathBuf {
    scenarios_dir.join(dialect).join(SUITE_DIR)
}

/// The tool's knowledge of `dialect`, with the suite's own (in
/// `SCENARIOS/DIALECT/knowledge/`) over it. A dialect the tool does not know
/// has only what the suite says. With `allow_missing` (bless), a known
/// deviation's golden may not exist yet: a bless that sees the deviation records it.
/// Each of the suite's files is read on its own, so one mistake is one
/// error, and every file's mistakes are said at once.
pub fn load(
    scenarios_dir: &Path,
    golden_dir: &Path,
    dialect: &str,
    allow_missing: bool,
) -> Result<Knowledge, Vec<ConfigError>> {
    let built_in = BUILT_IN.iter().find(|b| b.dialect == dialect);
    let own = suite_dir(scenarios_dir, dialect);
    let mut errors = Vec::new();
    let raw = versions(built_in, &own, dialect).unwrap_or_else(|e| {
        errors.extend(e);
        RawKnowledge::default()
    });
    let probe = probe(built_in, &own, dialect, golden_dir).unwrap_or_else(|e| {
        errors.extend(e);
        None
    });
    let requirements = catalogue(scenarios_dir, dialect).unwrap_or_else(|e| {
        errors.extend(e);
        Vec::new()
    });
    let mut deviations = raw.deviations;
    for d in &mut deviations {
        let compiled = match built_in.filter(|_| d.built_in) {
            Some(b) => compile_built_in_goldens(d, b),
            None => compile_goldens(d, golden_dir, allow_missing),
        };
        errors.extend(compiled.err().into_iter().flatten());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Knowledge {
        probe,
        facts: raw.facts.unwrap_or_default(),
        sessions: raw.sessions,
        deviations,
        volatile: raw.volatile,
        contract: raw.contract,
        requirements,
    })
}

/// The tool's facts, session rules, deviations, volatile values and
/// contract of `dialect`, with the suite's `versions.yaml` over them.
fn versions(
    built_in: Option<&&BuiltIn>,
    own: &Path,
    dialect: &str,
) -> Result<RawKnowledge, Vec<ConfigError>> {
    let mut raw = match built_in {
        Some(b) => {
            let file = built_in_path(dialect, "knowledge.yaml");
            checked(&file, None, read_json(&file, b.knowledge_json)?)?
        }
        None => RawKnowledge::default(),
    };
    for d in &mut raw.deviations {
        d.built_in = true;
    }
    let own_file = own.join("versions.yaml");
    if own_file.exists() {
        let text = std::fs::read_to_string(&own_file)
            .map_err(|e| vec![ConfigError::file(&own_file, format!("cannot read: {e}"))])?;
        raw = merge(raw, parse(&own_file, &text)?);
    }
    Ok(raw)
}

/// The suite's probe (`probe.yaml`), else the tool's.
fn probe(
    built_in: Option<&&BuiltIn>,
    own: &Path,
    dialect: &str,
    golden_dir: &Path,
) -> Result<Option<LoadedScenario>, Vec<ConfigError>> {
    let own_probe = own.join("probe.yaml");
    if own_probe.exists() {
        let text = std::fs::read_to_string(&own_probe)
            .map_err(|e| vec![ConfigError::file(&own_probe, format!("cannot read: {e}"))])?;
        return load_scenario_source(&own_probe, &text, dialect, golden_dir, false).map(Some);
    }
    built_in
        .map(|b| {
            let file = built_in_path(dialect, "probe.yaml");
            crate::scenario::load_built_in_json(&file, b.probe_json, dialect, golden_dir)
        })
        .transpose()
}

/// The tool's requirements of `dialect` with the suite's own
/// (`SCENARIOS/DIALECT/knowledge/requirements.yaml`) over them. Read apart
/// from the rest of the knowledge, so that a mistake elsewhere does not make
/// every requirement a step cites look unknown.
pub fn catalogue(
    scenarios_dir: &Path,
    dialect: &str,
) -> Result<Vec<Requirement>, Vec<ConfigError>> {
    let built_in = BUILT_IN.iter().find(|b| b.dialect == dialect);
    let base = match built_in {
        Some(b) => {
            let file = built_in_path(dialect, "requirements.yaml");
            requirements::parse_built_in(&file, b.requirements_json)?
        }
        None => Vec::new(),
    };
    let own_file = suite_dir(scenarios_dir, dialect).join("requirements.yaml");
    if !own_file.exists() {
        return Ok(base);
    }
    let text = std::fs::read_to_string(&own_file)
        .map_err(|e| vec![ConfigError::file(&own_file, format!("cannot read: {e}"))])?;
    Ok(requirements::merge(
        base,
        requirements::parse(&own_file, &text)?,
    ))
}

/// How errors name a file that ships inside the tool.
fn built_in_path(dialect: &str, file: &str) -> PathBuf {
    PathBuf::from(format!("<built-in>/{dialect}/{file}"))
}

/// One knowledge file, read and checked.
fn parse(file: &Path, text: &str) -> Result<RawKnowledge, Vec<ConfigError>> {
    checked(file, Some(text), read_yaml(file, text)?)
}

/// A YAML file of knowledge read into `T`; an error says where, and what the
/// key there expects in the user's terms (not the tool's type names).
fn read_yaml<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<T, Vec<ConfigError>> {
    crate::scenario::parse_yaml(file, text).map_err(|mut e| {
        e.message = terms::in_user_terms(&e.message);
        vec![e]
    })
}

/// An error about the entry `id` of `file`, at the line that names it when
/// the text is at hand (a suite's file), else about the file.
fn about_id(file: &Path, text: Option<&str>, id: &str, message: String) -> ConfigError {
    match text.and_then(|t| terms::place_of_id(t, id)) {
        Some((line, col)) => ConfigError::at(file, line, col, message),
        None => ConfigError::file(file, message),
    }
}

/// The JSON twin of a built-in YAML file read into `T`. The tool's own
/// knowledge is written in YAML and shipped as the same document in JSON,
/// which reads about twenty times faster at every start; a test keeps the
/// two the same document.
fn read_json<T: serde::de::DeserializeOwned>(
    file: &Path,
    json: &str,
) -> Result<T, Vec<ConfigError>> {
    serde_json::from_str(json)
        .map_err(|e| vec![ConfigError::file(file, format!("its JSON twin: {e}"))])
}

fn checked(
    file: &Path,
    text: Option<&str>,
    raw: RawKnowledge,
) -> Result<RawKnowledge, Vec<ConfigError>> {
    let volatile = raw.volatile.iter().enumerate().filter_map(|(i, v)| {
        v.problem()
            .map(|p| format!("volatile value {}: {p}", i + 1))
    });
    let contract = raw.contract.problems();
    let deviations = raw
        .deviations
        .iter()
        .filter_map(|d| Some(about_id(file, text, &d.id, d.problem()?)));
    let problems: Vec<ConfigError> = volatile
        .chain(contract)
        .map(|p| ConfigError::file(file, p))
        .chain(deviations)
        .collect();
    if problems.is_empty() {
        Ok(raw)
    } else {
        Err(problems)
    }
}

/// The suite's knowledge over the tool's: facts and session rules it gives
/// replace the tool's; a deviation or volatile value replaces the one of the
/// same id or attribute, or is added.
fn merge(base: RawKnowledge, own: RawKnowledge) -> RawKnowledge {
    let mut deviations = base.deviations;
    for d in own.deviations {
        deviations.retain(|b| b.id != d.id);
        deviations.push(d);
    }
    let mut volatile = base.volatile;
    for v in own.volatile {
        volatile.retain(|b| (&b.attribute, &b.element) != (&v.attribute, &v.element));
        volatile.push(v);
    }
    RawKnowledge {
        facts: own.facts.or(base.facts),
        sessions: own.sessions.or(base.sessions),
        deviations,
        volatile,
        contract: base.contract.extended(own.contract),
    }
}

/// The goldens a built-in deviation's `expect` names, compiled from the
/// files that ship with the tool (a golden without extension: each form there is).
fn compile_built_in_goldens(d: &mut Deviation, built_in: &BuiltIn) -> Result<(), Vec<ConfigError>> {
    let Some(named) = &d.expect.golden else {
        return Ok(());
    };
    for rel in crate::representation::golden_files(named) {
        let Some((_, text)) = built_in
            .goldens
            .iter()
            .find(|(name, _)| Path::new(name) == rel)
        else {
            continue;
        };
        let path = built_in_path(built_in.dialect, &rel.display().to_string());
        let golden = crate::golden::Golden::compile(&path, text).map_err(|e| vec![e])?;
        let expected = Some(std::sync::Arc::new(golden));
        let entry = GoldenEntry {
            path,
            expected,
            built_in: true,
        };
        d.goldens.insert(rel, entry);
    }
    Ok(())
}

/// The goldens a deviation's `expect` names, compiled from the golden directory.
fn compile_goldens(
    d: &mut Deviation,
    golden_dir: &Path,
    allow_missing: bool,
) -> Result<(), Vec<ConfigError>> {
    let Some(named) = &d.expect.golden else {
        return Ok(());
    };
    // A golden without extension: one file per representation, as in scenarios.
    for rel in crate::representation::golden_files(named) {
        let path = golden_dir.join(&rel);
        // A missing file is no golden: the check below says so, unless bless
        // records it (a golden without extension needs only one form).
        let expected = match crate::golden::Golden::load(&path) {
            Ok(g) => Some(std::sync::Arc::new(g)),
            Err(_) if !path.exists() => None,
            Err(e) => return Err(vec![e]),
        };
        if expected.is_some() || allow_missing {
            let entry = GoldenEntry {
                path,
                expected,
                built_in: false,
            };
            d.goldens.insert(rel, entry);
        }
    }
    if d.goldens.is_empty() && !allow_missing {
        return Err(vec![ConfigError::file(
            &golden_dir.join(named),
            format!(
                "deviation `{}`: golden {} has no file ({}.xml or .json)",
                d.id,
                named.display(),
                golden_dir.join(named).display()
            ),
        )]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_probe_without_version_data_is_still_run() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d").join(SUITE_DIR);
        std::fs::create_dir_all(&dialect).unwrap();
        std::fs::write(
            dialect.join("probe.yaml"),
            "name: probe\nsteps:\n  - name: root\n    request: { path: \"\" }\n",
        )
        .unwrap();
        let data = load(dir.path(), dir.path(), "d", false).unwrap();
        assert_eq!(data.probe.unwrap().scenario.name, "probe");
        assert!(data.deviations.is_empty());
        assert!(load(dir.path(), dir.path(), "none", false)
            .unwrap()
            .probe
            .is_none());
    }

    #[test]
    fn version_data_errors_name_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d").join(SUITE_DIR);
        std::fs::create_dir_all(&dialect).unwrap();
        std::fs::write(dialect.join("versions.yaml"), "facts:\n  versoin: v\n").unwrap();
        let errors = load(dir.path(), dir.path(), "d", false).unwrap_err();
        assert!(
            errors[0].to_string().contains("knowledge/versions.yaml:2:"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_deviations_golden_may_be_missing_only_for_bless() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d").join(SUITE_DIR);
        std::fs::create_dir_all(&dialect).unwrap();
        let deviation = "deviations:\n  - id: x\n    step: t\n    documented: a\n    observed: b\n    source: c\n    expect: { status: 500, golden: d/error-500.xml }\n";
        std::fs::write(dialect.join("versions.yaml"), deviation).unwrap();
        let data = load(dir.path(), dir.path(), "d", true).unwrap();
        let entry = &data.deviations[0].goldens[std::path::Path::new("d/error-500.xml")];
        assert!(entry.expected.is_none());
        let errors = load(dir.path(), dir.path(), "d", false).unwrap_err();
        assert!(
            errors[0].to_string().contains("error-500.xml"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_deviations_golden_without_extension_has_a_file_per_representation() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d").join(SUITE_DIR);
        std::fs::create_dir_all(&dialect).unwrap();
        let deviation = "deviations:\n  - id: x\n    step: t\n    documented: a\n    observed: b\n    source: c\n    expect: { status: 500, golden: d/error-500 }\n";
        std::fs::write(dialect.join("versions.yaml"), deviation).unwrap();
        let keys = |data: &Knowledge| -> Vec<(String, bool)> {
            data.deviations[0]
                .goldens
                .iter()
                .map(|(k, e)| (k.display().to_string(), e.expected.is_some()))
                .collect()
        };
        // Neither exists: an error, unless bless will record them.
        let errors = load(dir.path(), dir.path(), "d", false).unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .contains("deviation `x`: golden d/error-500 has no file"),
            "{}",
            errors[0]
        );
        let data = load(dir.path(), dir.path(), "d", true).unwrap();
        assert_eq!(
            keys(&data),
            [
                ("d/error-500.json".into(), false),
                ("d/error-500.xml".into(), false)
            ]
        );
        // One exists: it alone is there to judge by (bless may add the other).
        std::fs::write(dir.path().join("d").join("error-500.json"), "{}").unwrap();
        let data = load(dir.path(), dir.path(), "d", false).unwrap();
        assert_eq!(keys(&data), [("d/error-500.json".into(), true)]);
        let data = load(dir.path(), dir.path(), "d", true).unwrap();
        assert_eq!(
            keys(&data),
            [
                ("d/error-500.json".into(), true),
                ("d/error-500.xml".into(), false)
            ]
        );
        // One that does not read is an error, not a missing file.
        std::fs::write(dir.path().join("d").join("error-500.json"), "{").unwrap();
        assert!(load(dir.path(), dir.path(), "d", false).is_err());
        assert!(load(dir.path(), dir.path(), "d", true).is_err());
    }

    #[test]
    fn volatile_values_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let dialect = dir.path().join("d").join(SUITE_DIR);
        std::fs::create_dir_all(&dialect).unwrap();
        let rule =
            "volatile:\n  - attribute: loginTime\n    placeholder: \"{{int}}\"\n    source: docs\n";
        std::fs::write(dialect.join("versions.yaml"), rule).unwrap();
        let data = load(dir.path(), dir.path(), "d", false).unwrap();
        assert_eq!(data.volatile[0].for_attribute("loginTime"), Some("{{int}}"));
        let bad = rule.replace("{{int}}", "{{user}}");
        std::fs::write(dialect.join("versions.yaml"), bad).unwrap();
        let errors = load(dir.path(), dir.path(), "d", false).unwrap_err();
        let said = errors[0].to_string();
        assert!(
            said.contains("versions.yaml") && said.contains("volatile value 1"),
            "{said}"
        );
    }

    #[test]
    fn the_tool_knows_each_vendor_without_a_file_of_the_suite() {
        let dir = tempfile::tempdir().unwrap();
        let em = load(dir.path(), dir.path(), "veeam-em", false).unwrap();
        assert_eq!(em.probe.unwrap().scenario.name, "probe");
        assert_eq!(em.facts.version.as_deref(), Some("versions"));
        assert_eq!(em.deviations[0].id, "session-lookup-500");
        // Its goldens ship with it, in both representations.
        let goldens: Vec<String> = em.deviations[0]
            .goldens
            .iter()
            .map(|(rel, g)| format!("{} {}", rel.display(), g.expected.is_some()))
            .collect();
        assert_eq!(goldens, ["error-500.json true", "error-500.xml true"]);
        assert!(em.sessions.unwrap().end[0].name == "delete-session-href");
        let cv = load(dir.path(), dir.path(), "commvault", false).unwrap();
        assert!(cv
            .facts
            .capabilities
            .contains_key("session-last-accessed-time"));
        assert_eq!(cv.volatile.len(), 10);
        assert_eq!(cv.contract.sets[0].items, ["sessions"]);
        let names: Vec<String> = cv
            .sessions
            .unwrap()
            .end
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["delete-sessions", "logout"]);
        let unknown = load(dir.path(), dir.path(), "other", false).unwrap();
        assert!(unknown.probe.is_none() && unknown.sessions.is_none());
        assert!(unknown.deviations.is_empty());
    }

    #[test]
    fn a_suite_adds_to_the_tools_knowledge_and_overrides_it() {
        let dir = tempfile::tempdir().unwrap();
        let own = suite_dir(dir.path(), "veeam-em");
        std::fs::create_dir_all(&own).unwrap();
        let replaced = "deviations:\n  - id: session-lookup-500\n    step: t\n    documented: a\n    observed: b\n    source: mine\n    expect: { status: 501 }\n  - id: extra\n    step: u\n    documented: a\n    observed: b\n    source: c\n    expect: {}\nfacts:\n  capabilities: { nas: nas_link }\nvolatile:\n  - attribute: loginTime\n    placeholder: \"{{any}}\"\n    source: mine\n";
        std::fs::write(own.join("versions.yaml"), replaced).unwrap();
        let k = load(dir.path(), dir.path(), "veeam-em", false).unwrap();
        let ids: Vec<(&str, &str)> = k
            .deviations
            .iter()
            .map(|d| (d.id.as_str(), d.source.as_str()))
            .collect();
        assert_eq!(ids, [("session-lookup-500", "mine"), ("extra", "c")]);
        assert_eq!(k.facts.capabilities.keys().collect::<Vec<_>>(), ["nas"]);
        let em_volatile: Vec<Option<&str>> = k
            .volatile
            .iter()
            .map(|v| v.for_attribute("loginTime"))
            .collect();
        assert_eq!(em_volatile, [None, Some("{{any}}")]);
        // What the suite leaves out stays the tool's.
        assert!(k.sessions.is_some());
        assert_eq!(k.probe.as_ref().unwrap().scenario.name, "probe");
        std::fs::write(
            own.join("probe.yaml"),
            "name: my-probe\nsteps:\n  - name: root\n    request: { path: \"\" }\n",
        )
        .unwrap();
        let k = load(dir.path(), dir.path(), "veeam-em", false).unwrap();
        assert_eq!(k.probe.unwrap().scenario.name, "my-probe");
    }

    #[test]
    fn a_suites_volatile_value_replaces_the_tools_of_the_same_attribute() {
        let dir = tempfile::tempdir().unwrap();
        let own = suite_dir(dir.path(), "commvault");
        std::fs::create_dir_all(&own).unwrap();
        let rule = "volatile:\n  - attribute: loginTime\n    placeholder: \"{{any}}\"\n    source: mine\n  - element: Stamp\n    placeholder: \"{{any}}\"\n    source: mine\n";
        std::fs::write(own.join("versions.yaml"), rule).unwrap();
        let k = load(dir.path(), dir.path(), "commvault", false).unwrap();
        assert_eq!(k.volatile.len(), 11);
        let login: Vec<&str> = k
            .volatile
            .iter()
            .filter_map(|v| v.for_attribute("loginTime"))
            .collect();
        assert_eq!(login, ["{{any}}"]);
    }

    #[test]
    fn a_deviation_about_everything_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let own = suite_dir(dir.path(), "d");
        std::fs::create_dir_all(&own).unwrap();
        let loose = "deviations:\n  - id: x\n    documented: a\n    observed: b\n    source: c\n    expect: {}\n";
        std::fs::write(own.join("versions.yaml"), loose).unwrap();
        let errors = load(dir.path(), dir.path(), "d", false).unwrap_err();
        let said = errors[0].to_string();
        assert!(
            said.contains("versions.yaml") && said.contains("`x`"),
            "{said}"
        );
    }
}

#[cfg(test)]
mod twins {
    use super::*;

    /// Each built-in YAML file's JSON twin is the same document: after an
    /// edit of the YAML, `SESSIONCONF_REGENERATE=1 cargo test --lib twins`
    /// writes the twin anew.
    #[test]
    fn each_built_in_json_twin_is_its_yaml() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/knowledge");
        let mut stale = Vec::new();
        for b in BUILT_IN {
            let dir = root.join(b.dialect.replace('-', "_"));
            let fragments = b
                .fragments
                .iter()
                .map(|(n, _, j)| (format!("fragments/{n}"), *j));
            let files = [
                ("knowledge".to_string(), b.knowledge_json),
                ("requirements".to_string(), b.requirements_json),
                ("probe".to_string(), b.probe_json),
            ];
            for (name, json) in files.into_iter().chain(fragments) {
                let yaml = std::fs::read_to_string(dir.join(format!("{name}.yaml"))).unwrap();
                let from_yaml: serde_json::Value = serde_yaml::from_str(&yaml).unwrap();
                let twin: serde_json::Value = serde_json::from_str(json).unwrap();
                if twin != from_yaml {
                    let path = dir.join(format!("{name}.json"));
                    if std::env::var_os("SESSIONCONF_REGENERATE").is_some() {
                        let text = serde_json::to_string_pretty(&from_yaml).unwrap() + "\n";
                        std::fs::write(&path, text).unwrap();
                    }
                    stale.push(path.display().to_string());
                }
            }
        }
        assert!(
            stale.is_empty(),
            "out of date (SESSIONCONF_REGENERATE=1 cargo test --lib twins rewrites them): {stale:?}"
        );
    }

    #[test]
    fn each_built_in_probe_loads_from_its_twin_as_from_its_yaml() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for b in BUILT_IN {
            let file = built_in_path(b.dialect, "probe.yaml");
            let dir = root.join("src/knowledge").join(b.dialect.replace('-', "_"));
            let yaml = std::fs::read_to_string(dir.join("probe.yaml")).unwrap();
            let golden = root.join("golden");
            let from_yaml = load_scenario_source(&file, &yaml, b.dialect, &golden, false).unwrap();
            let from_json =
                crate::scenario::load_built_in_json(&file, b.probe_json, b.dialect, &golden)
                    .unwrap();
            assert_eq!(
                format!("{from_json:?}"),
                format!("{from_yaml:?}"),
                "{}",
                b.dialect
            );
        }
        let broken =
            crate::scenario::load_built_in_json(&file_of("probe"), "{", "veeam-em", Path::new("g"));
        let text = format!("{:?}", broken.unwrap_err());
        assert!(
            text.contains("probe.yaml") && text.contains("JSON twin"),
            "{text}"
        );
    }

    fn file_of(name: &str) -> std::path::PathBuf {
        built_in_path("veeam-em", &format!("{name}.yaml"))
    }

    #[test]
    fn a_twin_that_does_not_read_is_an_error_naming_the_file() {
        let file = built_in_path("veeam-em", "requirements.yaml");
        let errors = requirements::parse_built_in(&file, "{ not json").unwrap_err();
        let text = errors[0].to_string();
        assert!(
            text.contains("<built-in>/veeam-em/requirements.yaml") && text.contains("JSON twin"),
            "{text}"
        );
    }
}
