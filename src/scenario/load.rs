//! Finding scenario files, reading them, and checking what the YAML types alone
//! cannot: references between steps, variables, body files and goldens.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::model::{Scenario, Step};
use super::positions::{NodePath, Positions, Seg};
use super::template::Template;
use super::BUILTIN_VARIABLES;
use crate::error::ConfigError;

/// Where the suite is and which part of it to load.
#[derive(Debug, Clone)]
pub struct SuiteSource {
    /// The directory with one subdirectory of scenarios per dialect.
    pub scenarios_dir: PathBuf,
    /// The directory that `golden:` paths are relative to.
    pub golden_dir: PathBuf,
    /// Dialect directories to load; all of them when empty.
    pub dialects: Vec<String>,
    /// Bless records goldens that do not exist yet.
    pub allow_missing_goldens: bool,
}

/// A golden a scenario refers to; `expected` is `None` only when it is missing and bless will write it.
#[derive(Debug, Clone)]
pub struct GoldenEntry {
    /// Where the golden is (or will be written).
    pub path: PathBuf,
    /// The compiled golden; `None` only when it is missing and bless will write it.
    pub expected: Option<Arc<crate::golden::Golden>>,
}

/// A scenario read and checked, with its goldens compiled.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// `dialect::name`, the test name.
    pub id: String,
    /// Its dialect (the scenarios subdirectory it is in).
    pub dialect: String,
    /// The scenario file.
    pub file: PathBuf,
    pub(crate) scenario: Scenario,
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
        positions: Positions::of(source),
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

/// Checks what the YAML types alone cannot, and says where each mistake is.
struct Checker<'a> {
    file: &'a Path,
    positions: Positions<'a>,
    errors: Vec<ConfigError>,
}

/// Appends segments to a path.
fn at(base: &[Seg], more: impl IntoIterator<Item = Seg>) -> NodePath {
    base.iter().cloned().chain(more).collect()
}

/// Where a step's checks start, and what it may refer to.
struct StepScope<'s> {
    /// `steps[i]` or `finally[i]`.
    path: NodePath,
    /// Steps whose links it may follow.
    linkable: &'s [String],
    /// Variables it may use.
    known: &'s mut BTreeSet<String>,
}

impl Checker<'_> {
    fn error(&mut self, path: &[Seg], message: String) {
        let (line, col) = self.positions.at(path);
        self.errors
            .push(ConfigError::at(self.file, line, col, message));
    }

    fn error_within(&mut self, path: &[Seg], needle: &str, message: String) {
        let (line, col) = self.positions.within(path, needle);
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
                &["name".into()],
                "a scenario name is not empty and has no `::`".into(),
            );
        }
        if scenario.steps.is_empty() {
            self.error(&["steps".into()], "a scenario has at least one step".into());
        }
        let mut known: BTreeSet<String> = BUILTIN_VARIABLES.iter().map(|s| s.to_string()).collect();
        for (name, template) in &scenario.vars {
            let path = vec!["vars".into(), name.as_str().into()];
            self.check_template(None, &path, &format!("var {name}"), template, &known);
            known.insert(name.clone());
        }
        let goldens = self.check_steps(scenario, known, golden_dir, allow_missing_goldens);
        self.check_sessions(scenario);
        if self.errors.is_empty() {
            Ok(goldens)
        } else {
            Err(std::mem::take(&mut self.errors))
        }
    }

    /// Every step in order: the body's steps see what earlier steps captured,
    /// `finally` steps see every capture (they run whatever happened).
    fn check_steps(
        &mut self,
        scenario: &mut Scenario,
        mut known: BTreeSet<String>,
        golden_dir: &Path,
        allow_missing_goldens: bool,
    ) -> BTreeMap<PathBuf, GoldenEntry> {
        let mut goldens = BTreeMap::new();
        let mut names = BTreeSet::new();
        let base_dir = self.file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let all_main: Vec<String> = scenario.steps.iter().map(|s| s.name.clone()).collect();
        let mut finally_known = known.clone();
        finally_known.extend(
            scenario
                .steps
                .iter()
                .flat_map(|s| s.capture.keys().cloned()),
        );
        let sections = [
            ("steps", &mut scenario.steps),
            ("finally", &mut scenario.finally),
        ];
        for (section, steps) in sections {
            for (index, step) in steps.iter_mut().enumerate() {
                let path: NodePath = vec![section.into(), index.into()];
                if !names.insert(step.name.clone()) {
                    self.error(
                        &at(&path, ["name".into()]),
                        format!("step name `{}` is used twice", step.name),
                    );
                }
                let in_finally = section == "finally";
                let mut scope = StepScope {
                    path,
                    linkable: if in_finally {
                        &all_main
                    } else {
                        &all_main[..index]
                    },
                    known: if in_finally {
                        &mut finally_known
                    } else {
                        &mut known
                    },
                };
                self.check_request(step, &mut scope, &base_dir);
                let golden = self.check_golden(step, &scope, golden_dir, allow_missing_goldens);
                goldens.extend(golden);
                scope.known.extend(step.capture.keys().cloned());
            }
        }
        goldens
    }

    /// The request's target, link, body and templates, and the step's captures.
    fn check_request(&mut self, step: &mut Step, scope: &mut StepScope, base_dir: &Path) {
        let name = step.name.clone();
        let here = Some(name.as_str());
        let request_path = at(&scope.path, ["request".into()]);
        let request = &mut step.request;
        let targets = [
            request.path.is_some(),
            request.url.is_some(),
            request.link.is_some(),
        ];
        if targets.iter().filter(|b| **b).count() != 1 {
            self.error(
                &request_path,
                format!("step `{name}`: a request has exactly one of `path`, `url` or `link`"),
            );
        }
        if let Some(link) = request
            .link
            .as_ref()
            .filter(|l| !scope.linkable.contains(&l.step))
        {
            self.error(
                &at(&request_path, ["link".into(), "step".into()]),
                format!(
                    "step `{name}`: link from `{}`, which is not an earlier step; earlier steps: {}",
                    link.step,
                    scope.linkable.join(", ")
                ),
            );
        }
        self.read_body_file(&name, request, &request_path, base_dir);
        let templates: Vec<(String, NodePath, Template)> = request
            .templates()
            .into_iter()
            .chain(step.expect.templates())
            .map(|(field, path, t)| (field, at(&scope.path, path), t.clone()))
            .collect();
        for (field, path, template) in &templates {
            self.check_template(here, path, field, template, scope.known);
        }
        for (var, capture) in &step.capture {
            match &capture.exclude {
                Some(list) if !scope.known.contains(list) => self.error(
                    &at(&scope.path, ["capture".into(), var.as_str().into(), "exclude".into()]),
                    format!("step `{name}`: capture `{var}` excludes `{list}`, which is not captured before"),
                ),
                _ => {}
            }
        }
    }

    /// Reads `body_file` (relative to the scenario) into the request's body.
    fn read_body_file(
        &mut self,
        name: &str,
        request: &mut super::model::Request,
        request_path: &[Seg],
        base_dir: &Path,
    ) {
        if request.body.is_some() && request.body_file.is_some() {
            self.error(
                &at(request_path, ["body_file".into()]),
                format!("step `{name}`: a request has `body` or `body_file`, not both"),
            );
        }
        let Some(rel) = &request.body_file else {
            return;
        };
        let file_path = at(request_path, ["body_file".into()]);
        let path = base_dir.join(rel);
        match std::fs::read_to_string(&path) {
            Ok(text) => match Template::parse(&text) {
                Ok(t) => request.body = Some(t),
                Err(e) => self.error(&file_path, format!("{}: {e}", path.display())),
            },
            Err(e) => self.error(
                &file_path,
                format!(
                    "step `{name}`: cannot read body file {}: {e}",
                    path.display()
                ),
            ),
        }
    }

    /// The step's golden, compiled, with every placeholder naming a known variable.
    fn check_golden(
        &mut self,
        step: &Step,
        scope: &StepScope,
        golden_dir: &Path,
        allow_missing_goldens: bool,
    ) -> Option<(PathBuf, GoldenEntry)> {
        let rel = step.expect.golden.as_ref()?;
        let name = &step.name;
        let path = golden_dir.join(rel);
        let mut known = scope.known.clone();
        known.extend(step.capture.keys().cloned());
        match crate::golden::Golden::load(&path) {
            Ok(expected) => {
                for (var, line, col) in expected.variables() {
                    if !known.contains(&var) {
                        self.errors.push(ConfigError::at(
                            &path,
                            line,
                            col,
                            format!(
                                "placeholder `{{{{{var}}}}}` names no variable of step `{name}` in {}; known: {}",
                                self.file.display(),
                                known.iter().cloned().collect::<Vec<_>>().join(", ")
                            ),
                        ));
                    }
                }
                let expected = Some(Arc::new(expected));
                Some((rel.clone(), GoldenEntry { path, expected }))
            }
            Err(_) if allow_missing_goldens && !path.exists() => Some((
                rel.clone(),
                GoldenEntry {
                    path,
                    expected: None,
                },
            )),
            Err(e) => {
                self.error(
                    &at(&scope.path, ["expect".into(), "golden".into()]),
                    format!("step `{name}`: golden {e}"),
                );
                None
            }
        }
    }

    /// A step that opens a session names a variable it captures; some `finally`
    /// step closes it, so a failed scenario still logs out.
    fn check_sessions(&mut self, scenario: &Scenario) {
        let opened: Vec<(usize, &str, &str)> = scenario
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, s.name.as_str(), s.opens_session.as_deref()?)))
            .collect();
        for (index, step, var) in &opened {
            let path: NodePath = vec!["steps".into(), (*index).into(), "opens_session".into()];
            if !scenario.steps[*index].capture.contains_key(*var) {
                self.error(
                    &path,
                    format!("step `{step}`: opens_session `{var}` names no capture of this step"),
                );
            }
            if !scenario
                .finally
                .iter()
                .any(|s| s.closes_session.as_deref() == Some(*var))
            {
                self.error(&path, format!(
                    "step `{step}` opens session `{var}`, but no `finally` step has `closes_session: {var}`: a failed scenario would leave it open"
                ));
            }
        }
        let sections = [("steps", &scenario.steps), ("finally", &scenario.finally)];
        for (section, steps) in sections {
            for (index, step) in steps.iter().enumerate() {
                let Some(var) = &step.closes_session else {
                    continue;
                };
                if !opened.iter().any(|(_, _, v)| v == var) {
                    self.error(
                        &[section.into(), index.into(), "closes_session".into()],
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
        path: &[Seg],
        field: &str,
        template: &Template,
        known: &BTreeSet<String>,
    ) {
        for var in template.variables() {
            if !known.contains(var) {
                let known_list: Vec<&str> = known.iter().map(String::as_str).collect();
                let message = format!(
                    "{}{field}: unknown variable `{var}`; known here: {}",
                    step.map(|s| format!("step `{s}`: ")).unwrap_or_default(),
                    known_list.join(", ")
                );
                self.error_within(path, &format!("${{{var}}}"), message);
            }
        }
    }
}
