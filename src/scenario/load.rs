//! Finding scenario files, reading them, and checking what the YAML types alone
//! cannot: references between steps, variables, body files and goldens.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::model::{Scenario, Step};
use super::template::Template;
use super::BUILTIN_VARIABLES;
use crate::error::{line_col, ConfigError};
use crate::xml::expected::ExpectedElement;

/// Where the suite is and which part of it to load.
#[derive(Debug, Clone)]
pub struct SuiteSource {
    pub scenarios_dir: PathBuf,
    pub golden_dir: PathBuf,
    /// Dialect directories to load; all of them when empty.
    pub dialects: Vec<String>,
    /// Bless records goldens that do not exist yet.
    pub allow_missing_goldens: bool,
}

/// A golden a scenario refers to; `expected` is `None` only when it is missing and bless will write it.
#[derive(Debug, Clone)]
pub struct GoldenEntry {
    pub path: PathBuf,
    pub expected: Option<Arc<ExpectedElement>>,
}

#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// `dialect::name`, the test name.
    pub id: String,
    pub dialect: String,
    pub file: PathBuf,
    pub scenario: Scenario,
    /// Keyed by the path as the scenario writes it.
    pub goldens: BTreeMap<PathBuf, GoldenEntry>,
}

/// Loads every scenario of the chosen dialects; reports every error, not just the first.
pub fn load_suite(source: &SuiteSource) -> Result<Vec<LoadedScenario>, Vec<ConfigError>> {
    let dir = &source.scenarios_dir;
    let available = dialect_dirs(dir).map_err(|e| vec![e])?;
    let chosen: Vec<String> = if source.dialects.is_empty() {
        available.clone()
    } else {
        for d in &source.dialects {
            if !available.contains(d) {
                return Err(vec![ConfigError::file(
                    &dir.join(d),
                    format!(
                        "no such dialect directory; the suite has: {}",
                        if available.is_empty() {
                            "none".to_string()
                        } else {
                            available.join(", ")
                        }
                    ),
                )]);
            }
        }
        source.dialects.clone()
    };
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for dialect in chosen {
        let mut files = Vec::new();
        collect_yaml(&dir.join(&dialect), &mut files).map_err(|e| vec![e])?;
        files.sort();
        let mut ids = BTreeMap::new();
        for file in files {
            match load_scenario(
                &file,
                &dialect,
                &source.golden_dir,
                source.allow_missing_goldens,
            ) {
                Ok(s) => {
                    if let Some(other) = ids.insert(s.id.clone(), file.clone()) {
                        errors.push(ConfigError::file(
                            &file,
                            format!(
                                "scenario name `{}` is also used by {}",
                                s.scenario.name,
                                other.display()
                            ),
                        ));
                    } else {
                        loaded.push(s);
                    }
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(errors)
    }
}

fn dialect_dirs(dir: &Path) -> Result<Vec<String>, ConfigError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ConfigError::file(dir, format!("cannot read the scenarios directory: {e}")))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    Ok(out)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ConfigError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ConfigError::file(dir, format!("cannot read directory: {e}")))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one scenario file and checks it against the goldens in `golden_dir`.
pub fn load_scenario(
    file: &Path,
    dialect: &str,
    golden_dir: &Path,
    allow_missing_goldens: bool,
) -> Result<LoadedScenario, Vec<ConfigError>> {
    let source = std::fs::read_to_string(file).map_err(|e| {
        vec![ConfigError::file(
            file,
            format!("cannot read scenario: {e}"),
        )]
    })?;
    load_scenario_source(file, &source, dialect, golden_dir, allow_missing_goldens)
}

/// Reads a scenario from its text; `file` names it in errors and anchors `body_file` paths.
pub fn load_scenario_source(
    file: &Path,
    source: &str,
    dialect: &str,
    golden_dir: &Path,
    allow_missing_goldens: bool,
) -> Result<LoadedScenario, Vec<ConfigError>> {
    let mut scenario: Scenario =
        serde_yaml::from_str(source).map_err(|e| vec![yaml_error(file, &e)])?;
    let mut checker = Checker {
        file,
        source,
        errors: Vec::new(),
    };
    checker
        .check(&mut scenario, golden_dir, allow_missing_goldens)
        .map(|goldens| LoadedScenario {
            id: format!("{dialect}::{}", scenario.name),
            dialect: dialect.to_string(),
            file: file.to_path_buf(),
            scenario,
            goldens,
        })
}

fn yaml_error(file: &Path, error: &serde_yaml::Error) -> ConfigError {
    let message = error.to_string();
    // The location is reported in its own fields; drop serde_yaml's copy of it.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    match error.location() {
        Some(loc) => ConfigError::at(file, loc.line() as u32, loc.column() as u32, message),
        None => ConfigError::file(file, message),
    }
}

struct Checker<'a> {
    file: &'a Path,
    source: &'a str,
    errors: Vec<ConfigError>,
}

impl Checker<'_> {
    /// Where `needle` first stands after the line that names `step`, for errors
    /// found after parsing (serde keeps no positions).
    fn locate(&self, step: Option<&str>, needle: &str) -> (u32, u32) {
        let start = step
            .and_then(|name| {
                self.source
                    .match_indices("name:")
                    .find(|(i, _)| {
                        let line_end = self.source[*i..]
                            .find('\n')
                            .map_or(self.source.len(), |e| i + e);
                        self.source[i + 5..line_end]
                            .trim()
                            .trim_matches(['"', '\''])
                            == name
                    })
                    .map(|(i, _)| i)
            })
            .unwrap_or(0);
        let found = self.source[start..]
            .find(needle)
            .map(|i| start + i)
            .unwrap_or(start);
        line_col(self.source, found)
    }

    fn error(&mut self, step: Option<&str>, needle: &str, message: String) {
        let (line, col) = self.locate(step, needle);
        self.errors
            .push(ConfigError::at(self.file, line, col, message));
    }

    fn check(
        &mut self,
        scenario: &mut Scenario,
        golden_dir: &Path,
        allow_missing_goldens: bool,
    ) -> Result<BTreeMap<PathBuf, GoldenEntry>, Vec<ConfigError>> {
        if scenario.name.trim().is_empty() || scenario.name.contains("::") {
            self.error(
                None,
                "name:",
                "a scenario name is not empty and has no `::`".into(),
            );
        }
        if scenario.steps.is_empty() {
            self.error(None, "steps:", "a scenario has at least one step".into());
        }
        let mut known: BTreeSet<String> = BUILTIN_VARIABLES.iter().map(|s| s.to_string()).collect();
        for (name, template) in &scenario.vars {
            self.check_template(None, &format!("var {name}"), template, &known);
            known.insert(name.clone());
        }
        let mut goldens = BTreeMap::new();
        let mut names = BTreeSet::new();
        let base_dir = self.file.parent().unwrap_or(Path::new(".")).to_path_buf();

        let main_count = scenario.steps.len();
        let all_main: Vec<String> = scenario.steps.iter().map(|s| s.name.clone()).collect();
        let main_captures: BTreeSet<String> = scenario
            .steps
            .iter()
            .flat_map(|s| s.capture.keys().cloned())
            .collect();
        let mut finally_known = known.clone();
        finally_known.extend(main_captures);

        for (index, step) in scenario
            .steps
            .iter_mut()
            .chain(scenario.finally.iter_mut())
            .enumerate()
        {
            let in_finally = index >= main_count;
            if !names.insert(step.name.clone()) {
                self.error(
                    Some(&step.name),
                    "name:",
                    format!("step name `{}` is used twice", step.name),
                );
            }
            let linkable: &[String] = if in_finally {
                &all_main
            } else {
                &all_main[..index]
            };
            let scope = if in_finally {
                &mut finally_known
            } else {
                &mut known
            };
            self.check_step(
                step,
                linkable,
                scope,
                &base_dir,
                golden_dir,
                allow_missing_goldens,
                &mut goldens,
            );
        }
        self.check_sessions(scenario);
        if self.errors.is_empty() {
            Ok(goldens)
        } else {
            Err(std::mem::take(&mut self.errors))
        }
    }

    /// A step that opens a session names a variable it captures; some `finally`
    /// step closes it, so a failed scenario still logs out.
    fn check_sessions(&mut self, scenario: &Scenario) {
        let opened: Vec<(&str, &str)> = scenario
            .steps
            .iter()
            .filter_map(|s| Some((s.name.as_str(), s.opens_session.as_deref()?)))
            .collect();
        for (step, var) in &opened {
            let own = scenario.steps.iter().find(|s| s.name == *step);
            if !own.is_some_and(|s| s.capture.contains_key(*var)) {
                self.error(
                    Some(step),
                    "opens_session:",
                    format!("step `{step}`: opens_session `{var}` names no capture of this step"),
                );
            }
            if !scenario
                .finally
                .iter()
                .any(|s| s.closes_session.as_deref() == Some(*var))
            {
                self.error(Some(step), "opens_session:", format!(
                    "step `{step}` opens session `{var}`, but no `finally` step has `closes_session: {var}`: a failed scenario would leave it open"
                ));
            }
        }
        for step in scenario.steps.iter().chain(&scenario.finally) {
            if let Some(var) = &step.closes_session {
                if !opened.iter().any(|(_, v)| v == var) {
                    self.error(
                        Some(&step.name),
                        "closes_session:",
                        format!(
                            "step `{}`: closes_session `{var}` names no session a step opens",
                            step.name
                        ),
                    );
                }
            }
        }
    }

    fn check_template(
        &mut self,
        step: Option<&str>,
        field: &str,
        template: &Template,
        known: &BTreeSet<String>,
    ) {
        for var in template.variables() {
            if !known.contains(var) {
                let mut known_list: Vec<&str> = known.iter().map(String::as_str).collect();
                known_list.sort();
                let message = format!(
                    "{}{field}: unknown variable `{var}`; known here: {}",
                    step.map(|s| format!("step `{s}`: ")).unwrap_or_default(),
                    known_list.join(", ")
                );
                self.error(step, &format!("${{{var}"), message);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_step(
        &mut self,
        step: &mut Step,
        linkable: &[String],
        known: &mut BTreeSet<String>,
        base_dir: &Path,
        golden_dir: &Path,
        allow_missing_goldens: bool,
        goldens: &mut BTreeMap<PathBuf, GoldenEntry>,
    ) {
        let name = step.name.clone();
        let here = Some(name.as_str());
        let request = &mut step.request;
        let targets = [
            request.path.is_some(),
            request.url.is_some(),
            request.link.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if targets != 1 {
            self.error(
                here,
                "request:",
                format!("step `{name}`: a request has exactly one of `path`, `url` or `link`"),
            );
        }
        if let Some(link) = &request.link {
            if !linkable.contains(&link.step) {
                self.error(
                    here,
                    "link:",
                    format!(
                        "step `{name}`: link from `{}`, which is not an earlier step; earlier steps: {}",
                        link.step,
                        linkable.join(", ")
                    ),
                );
            }
        }
        if request.body.is_some() && request.body_file.is_some() {
            self.error(
                here,
                "body",
                format!("step `{name}`: a request has `body` or `body_file`, not both"),
            );
        }
        if let Some(rel) = &request.body_file {
            let path = base_dir.join(rel);
            match std::fs::read_to_string(&path) {
                Ok(text) => match Template::parse(&text) {
                    Ok(t) => request.body = Some(t),
                    Err(e) => self.error(here, "body_file:", format!("{}: {e}", path.display())),
                },
                Err(e) => self.error(
                    here,
                    "body_file:",
                    format!(
                        "step `{name}`: cannot read body file {}: {e}",
                        path.display()
                    ),
                ),
            }
        }
        for (field, template) in request.templates() {
            self.check_template(here, &field, template, known);
        }
        for (field, template) in step.expect.templates() {
            self.check_template(here, &field, template, known);
        }
        for (var, capture) in &step.capture {
            if let Some(list) = &capture.exclude {
                if !known.contains(list) {
                    self.error(
                        here,
                        &format!("exclude: {list}"),
                        format!("step `{name}`: capture `{var}` excludes `{list}`, which is not captured before"),
                    );
                }
            }
        }
        let captures: BTreeSet<String> = step.capture.keys().cloned().collect();
        if let Some(rel) = &step.expect.golden {
            let path = golden_dir.join(rel);
            let mut scope = known.clone();
            scope.extend(captures.iter().cloned());
            match crate::golden::load(&path) {
                Ok(expected) => {
                    for (var, line, col) in expected.variables() {
                        if !scope.contains(&var) {
                            self.errors.push(ConfigError::at(
                                &path,
                                line,
                                col,
                                format!(
                                    "placeholder `{{{{{var}}}}}` names no variable of step `{name}` in {}; known: {}",
                                    self.file.display(),
                                    scope.iter().cloned().collect::<Vec<_>>().join(", ")
                                ),
                            ));
                        }
                    }
                    goldens.insert(
                        rel.clone(),
                        GoldenEntry {
                            path,
                            expected: Some(Arc::new(expected)),
                        },
                    );
                }
                Err(_) if allow_missing_goldens && !path.exists() => {
                    goldens.insert(
                        rel.clone(),
                        GoldenEntry {
                            path,
                            expected: None,
                        },
                    );
                }
                Err(e) => {
                    let (line, col) = self.locate(here, "golden:");
                    self.errors.push(ConfigError::at(
                        self.file,
                        line,
                        col,
                        format!("step `{name}`: golden {}", e),
                    ));
                }
            }
        }
        known.extend(captures);
    }
}
