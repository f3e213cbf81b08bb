//! Finding scenario files, reading them, and checking what the YAML types alone
//! cannot: references between steps, variables, body files and goldens.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::checker::{at, Checker, FragmentDirs, GoldenSource, StepScope};
use super::model::{Needs, Scenario, Step};
use super::positions::{NodePath, Positions, Seg};
use super::template::Template;
use super::yaml::parse_yaml;
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
    /// Variables the run gives every scenario (`--var`), besides the built-in ones.
    pub variables: Vec<String>,
}

/// A golden a scenario refers to; `expected` is `None` only when it is missing and bless will write it.
#[derive(Debug, Clone)]
pub struct GoldenEntry {
    /// Where the golden is (or will be written).
    pub path: PathBuf,
    /// The compiled golden; `None` only when it is missing and bless will write it.
    pub expected: Option<Arc<crate::golden::Golden>>,
    /// It ships with the tool (`path` is `<built-in>/...`): bless never writes it.
    pub built_in: bool,
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
    pub(crate) scenario: Arc<Scenario>,
    /// Its variables: the matrix combination's, then the scenario's own.
    pub(crate) vars: indexmap::IndexMap<String, Template>,
    /// What this trial needs of the server and the run.
    pub(crate) needs: Needs,
    /// Keyed by the path as the scenario writes it.
    pub goldens: BTreeMap<PathBuf, GoldenEntry>,
}

impl LoadedScenario {
    /// How many sessions the scenario may hold open at once: one per step
    /// that opens one (its fragments' included).
    pub fn sessions_opened(&self) -> usize {
        let s = &self.scenario;
        s.steps
            .iter()
            .chain(&s.finally)
            .filter(|step| step.opens_session.is_some())
            .count()
    }
}

/// Loads every scenario of the chosen dialects; reports every error, not just the first.
pub fn load_suite(source: &SuiteSource) -> Result<Vec<LoadedScenario>, Vec<ConfigError>> {
    load_selected(source, None).map(|s| s.loaded)
}

/// Which trials a run wants, by dialect and trial id (`DIALECT::NAME[...]`).
pub type Wanted<'a> = &'a dyn Fn(&str, &str) -> bool;

/// The trials of a suite a run selects, loaded, and the others, named only.
#[derive(Debug, Default)]
pub struct Selected {
    /// The scenarios of every file with a selected trial (all their trials).
    pub loaded: Vec<LoadedScenario>,
    /// The trials of files not loaded: none of them is selected.
    pub unloaded: Vec<Unloaded>,
}

/// A trial of a file a run did not load, because it selects none of its trials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unloaded {
    /// Its dialect.
    pub dialect: String,
    /// `dialect::name[...]`.
    pub id: String,
}

/// Loads the files of the chosen dialects that have a trial `wanted` selects
/// (every file without `wanted`); a file with none is only named, so its
/// mistakes are reported by `check` and by runs that select it, not here.
/// Scenario names are one of a kind across every file either way.
pub fn load_selected(
    source: &SuiteSource,
    wanted: Option<Wanted>,
) -> Result<Selected, Vec<ConfigError>> {
    let dir = &source.scenarios_dir;
    let chosen = chosen_dialects(source)?;
    let mut selected = Selected::default();
    let mut errors = Vec::new();
    let golden = GoldenSource::new(&source.golden_dir, source.allow_missing_goldens);
    for dialect in chosen {
        let mut files = Vec::new();
        collect_yaml(&dir.join(&dialect), &mut files).map_err(|e| vec![e])?;
        files.sort();
        let mut names = BTreeMap::new();
        for file in files {
            let text = match std::fs::read_to_string(&file) {
                Ok(text) => text,
                Err(e) => {
                    errors.push(ConfigError::file(
                        &file,
                        format!("cannot read scenario: {e}"),
                    ));
                    continue;
                }
            };
            let head = wanted.and_then(|w| Some((super::index::head(&file, &text, &dialect)?, w)));
            let name = match head {
                Some((head, w)) if !head.ids.iter().any(|id| w(&dialect, id)) => {
                    selected
                        .unloaded
                        .extend(head.ids.into_iter().map(|id| Unloaded {
                            dialect: dialect.clone(),
                            id,
                        }));
                    Some(head.name)
                }
                _ => match trials_from(&file, &text, &dialect, &golden, &source.variables) {
                    Ok(trials) => {
                        let name = trials.first().map(|t| t.scenario.name.clone());
                        selected.loaded.extend(trials);
                        name
                    }
                    Err(mut e) => {
                        errors.append(&mut e);
                        continue;
                    }
                },
            };
            let Some(name) = name else { continue };
            if let Some(other) = names.insert(name.clone(), file.clone()) {
                errors.push(ConfigError::file(
                    &file,
                    format!("scenario name `{name}` is also used by {}", other.display()),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(selected)
    } else {
        Err(errors)
    }
}

/// The dialect directories to load: those asked for, each of which must exist, or all.
fn chosen_dialects(source: &SuiteSource) -> Result<Vec<String>, Vec<ConfigError>> {
    let dir = &source.scenarios_dir;
    let available = dialect_dirs(dir).map_err(|e| vec![e])?;
    if source.dialects.is_empty() {
        return Ok(available);
    }
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
    Ok(source.dialects.clone())
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

pub(super) fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ConfigError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| ConfigError::file(dir, format!("cannot read directory: {e}")))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // Fragments are steps to reuse, and a suite's knowledge of its
            // vendor is no scenario either.
            if path
                .file_name()
                .is_some_and(|n| n != "fragments" && n != crate::knowledge::SUITE_DIR)
            {
                collect_yaml(&path, out)?;
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one scenario file without a matrix and checks it against the goldens in `golden_dir`.
pub fn load_scenario(
    file: &Path,
    dialect: &str,
    golden_dir: &Path,
    allow_missing_goldens: bool,
) -> Result<LoadedScenario, Vec<ConfigError>> {
    let trials = load_trials(file, dialect, golden_dir, allow_missing_goldens)?;
    one_trial(file, trials)
}

/// Reads one scenario file: one trial per combination of its matrix (one without).
pub fn load_trials(
    file: &Path,
    dialect: &str,
    golden_dir: &Path,
    allow_missing_goldens: bool,
) -> Result<Vec<LoadedScenario>, Vec<ConfigError>> {
    let source = std::fs::read_to_string(file).map_err(|e| {
        vec![ConfigError::file(
            file,
            format!("cannot read scenario: {e}"),
        )]
    })?;
    load_trials_source(file, &source, dialect, golden_dir, allow_missing_goldens)
}

/// Reads a scenario without a matrix from its text; `file` names it in errors and anchors `body_file` paths.
pub fn load_scenario_source(
    file: &Path,
    source: &str,
    dialect: &str,
    golden_dir: &Path,
    allow_missing_goldens: bool,
) -> Result<LoadedScenario, Vec<ConfigError>> {
    let trials = load_trials_source(file, source, dialect, golden_dir, allow_missing_goldens)?;
    one_trial(file, trials)
}

fn one_trial(
    file: &Path,
    mut trials: Vec<LoadedScenario>,
) -> Result<LoadedScenario, Vec<ConfigError>> {
    match trials.len() {
        1 => Ok(trials.remove(0)),
        n => Err(vec![ConfigError::file(
            file,
            format!("the scenario's matrix makes {n} trials; load it with the suite"),
        )]),
    }
}

/// Reads a scenario from its text: one trial per combination of its matrix.
pub fn load_trials_source(
    file: &Path,
    source: &str,
    dialect: &str,
    golden_dir: &Path,
    allow_missing_goldens: bool,
) -> Result<Vec<LoadedScenario>, Vec<ConfigError>> {
    let golden = GoldenSource::new(golden_dir, allow_missing_goldens);
    trials_from(file, source, dialect, &golden, &[])
}

/// A scenario the tool ships, from the JSON twin of its YAML: read without a
/// YAML parser and with no positions, so a run's start pays for neither. A
/// mistake in it would be found by the tests, which keep the twin the same
/// document as the YAML and load the YAML with positions.
pub(crate) fn load_built_in_json(
    file: &Path,
    json: &str,
    dialect: &str,
    golden_dir: &Path,
) -> Result<LoadedScenario, Vec<ConfigError>> {
    let scenario: Scenario = serde_json::from_str(json).map_err(|e| {
        vec![ConfigError::file(
            file,
            format!("its JSON twin does not read: {e}"),
        )]
    })?;
    let golden = GoldenSource::new(golden_dir, false);
    let trials = trials_of(file, scenario, Positions::of(""), dialect, &golden, &[])?;
    one_trial(file, trials)
}

/// A scenario's trials, given the run's own variables.
fn trials_from(
    file: &Path,
    source: &str,
    dialect: &str,
    golden: &GoldenSource,
    variables: &[String],
) -> Result<Vec<LoadedScenario>, Vec<ConfigError>> {
    let scenario: Scenario = parse_yaml(file, source).map_err(|e| vec![e])?;
    trials_of(
        file,
        scenario,
        Positions::of(source),
        dialect,
        golden,
        variables,
    )
}

/// The trials of a scenario read from `file`, checked with `positions`.
fn trials_of(
    file: &Path,
    mut scenario: Scenario,
    positions: Positions<'_>,
    dialect: &str,
    golden: &GoldenSource,
    variables: &[String],
) -> Result<Vec<LoadedScenario>, Vec<ConfigError>> {
    let mut globals: BTreeSet<String> = BUILTIN_VARIABLES.iter().map(|s| s.to_string()).collect();
    globals.extend(variables.iter().cloned());
    let mut checker = Checker {
        file,
        positions,
        errors: Vec::new(),
        fragments: Some(FragmentDirs {
            dir: fragments_dir(file, dialect),
            dialect: dialect.to_string(),
        }),
        built_in_goldens: None,
        globals,
    };
    let goldens = checker.check(&mut scenario, golden)?;
    let mut trials = Vec::new();
    let combinations = super::matrix::combinations(&scenario.matrix);
    let made: Vec<_> = combinations
        .iter()
        .map(|combo| {
            let mut vars = super::matrix::variables(combo);
            vars.extend(scenario.vars.clone());
            let id = super::matrix::trial_id(dialect, &scenario.name, combo);
            (id, checker.needs(&scenario.requires, combo), vars)
        })
        .collect();
    // The trials share one scenario; each has its own variables.
    let scenario = Arc::new(scenario);
    for (id, needs, vars) in made {
        trials.push(LoadedScenario {
            id,
            dialect: dialect.to_string(),
            file: file.to_path_buf(),
            scenario: scenario.clone(),
            vars,
            needs,
            goldens: goldens.clone(),
        });
    }
    if checker.errors.is_empty() {
        Ok(trials)
    } else {
        // A requirement that does not read is wrong in every combination; say it once.
        let mut once: Vec<ConfigError> = Vec::new();
        for e in checker.errors {
            if !once.contains(&e) {
                once.push(e);
            }
        }
        Err(once)
    }
}

/// Where a dialect's fragments are: `fragments/` in its scenarios directory
/// (the nearest ancestor of the scenario named like the dialect).
fn fragments_dir(file: &Path, dialect: &str) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("."));
    let dialect_dir = parent
        .ancestors()
        .find(|d| d.file_name().is_some_and(|n| n == dialect))
        .unwrap_or(parent);
    dialect_dir.join("fragments")
}

/// `./a.xml` and `a.xml` are one file, compiled once.
fn normal_golden_path(rel: &Path) -> PathBuf {
    rel.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// Why a `golden:` path would leave the golden directory, if it would.
fn outside_golden_dir(rel: &Path) -> Option<&'static str> {
    use std::path::Component;
    rel.components().find_map(|c| match c {
        Component::Normal(_) | Component::CurDir => None,
        Component::ParentDir => Some("has `..`"),
        Component::RootDir | Component::Prefix(_) => Some("is absolute"),
    })
}

impl Checker<'_> {
    fn check(
        &mut self,
        scenario: &mut Scenario,
        goldens: &GoldenSource,
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
        let mut known = self.globals.clone();
        self.check_matrix(&scenario.matrix);
        let from_matrix = super::matrix::variable_names(&scenario.matrix);
        let mut earlier = known.clone();
        for (name, value) in scenario
            .matrix
            .dimensions
            .iter()
            .flat_map(|(n, vs)| vs.iter().map(move |v| (n, v)))
        {
            for (key, t) in &value.vars {
                let path = vec!["matrix".into(), name.as_str().into()];
                self.check_template(None, &path, &format!("matrix {name} {key}"), t, &earlier);
            }
        }
        earlier.extend(from_matrix.iter().cloned());
        known = earlier;
        for (name, template) in &scenario.vars {
            let path = vec!["vars".into(), name.as_str().into()];
            self.check_template(None, &path, &format!("var {name}"), template, &known);
            known.insert(name.clone());
        }
        // Sessions are checked where they are written: the scenario's own steps
        // here, a fragment's in the fragment.
        let (own_steps, own_finally) = (scenario.steps.clone(), scenario.finally.clone());
        let goldens = self.check_steps(&mut scenario.steps, &mut scenario.finally, known, goldens);
        let from_fragments: BTreeSet<String> = scenario
            .steps
            .iter()
            .filter_map(|s| s.opens_session.clone())
            .collect();
        self.check_sessions(&own_steps, &own_finally, &from_fragments);
        if self.errors.is_empty() {
            Ok(goldens)
        } else {
            Err(std::mem::take(&mut self.errors))
        }
    }

    /// Every step in order: the body's steps see what earlier steps captured,
    /// `finally` steps see every capture (they run whatever happened). A `use`
    /// step becomes its fragment's steps, and the fragment's `finally` steps
    /// join the scenario's, last-in first-out.
    pub(super) fn check_steps(
        &mut self,
        steps: &mut Vec<Step>,
        finally: &mut Vec<Step>,
        mut known: BTreeSet<String>,
        goldens: &GoldenSource,
    ) -> BTreeMap<PathBuf, GoldenEntry> {
        let mut compiled = BTreeMap::new();
        let mut names = BTreeSet::new();
        let mut main: Vec<Step> = Vec::new();
        let mut deferred: Vec<Vec<Step>> = Vec::new();
        for (index, mut step) in std::mem::take(steps).into_iter().enumerate() {
            let path: NodePath = vec!["steps".into(), index.into()];
            if step.uses.is_some() {
                if let Some(used) = self.expand_use(&step, &path, &known, goldens) {
                    self.new_names(&mut names, &path, &used);
                    for s in &used.steps {
                        known.extend(s.capture.keys().cloned());
                    }
                    main.extend(used.steps);
                    deferred.push(used.finally);
                    compiled.extend(used.goldens);
                }
                continue;
            }
            let linkable: Vec<String> = main.iter().map(|s| s.name.clone()).collect();
            let mut scope = StepScope {
                path,
                linkable: &linkable,
                known: &mut known,
            };
            compiled.extend(self.check_step(&mut step, &mut scope, &mut names, goldens));
            main.push(step);
        }
        let linkable: Vec<String> = main.iter().map(|s| s.name.clone()).collect();
        let mut own_finally = Vec::new();
        for (index, mut step) in std::mem::take(finally).into_iter().enumerate() {
            let path: NodePath = vec!["finally".into(), index.into()];
            if step.uses.is_some() {
                self.error(
                    &at(&path, ["use".into()]),
                    "`use` stands among `steps`; a fragment brings its own `finally` steps".into(),
                );
                continue;
            }
            let mut scope = StepScope {
                path,
                linkable: &linkable,
                known: &mut known,
            };
            compiled.extend(self.check_step(&mut step, &mut scope, &mut names, goldens));
            own_finally.push(step);
        }
        own_finally.extend(deferred.into_iter().rev().flatten());
        *steps = main;
        *finally = own_finally;
        compiled
    }

    /// One step the file itself writes (not a `use`).
    fn check_step(
        &mut self,
        step: &mut Step,
        scope: &mut StepScope,
        names: &mut BTreeSet<String>,
        goldens: &GoldenSource,
    ) -> Vec<(PathBuf, GoldenEntry)> {
        if step.name.trim().is_empty() {
            self.error(
                &scope.path,
                "a step needs a `name` (or `use` to put a fragment here)".into(),
            );
        } else {
            self.unique_name(names, &at(&scope.path, ["name".into()]), &step.name);
        }
        for key in ["with", "as"] {
            let path = at(&scope.path, [key.into()]);
            if self.positions.has(&path) {
                self.error(&path, format!("`{key}` belongs to a `use` step"));
            }
        }
        self.read_covers(step, &scope.path);
        let base_dir = self.file.parent().unwrap_or(Path::new(".")).to_path_buf();
        self.check_request(step, scope, &base_dir);
        let golden = self.check_golden(step, scope, goldens);
        scope.known.extend(step.capture.keys().cloned());
        golden
    }

    /// The requirements a step cites, read, each with where it is written.
    fn read_covers(&mut self, step: &mut Step, path: &[Seg]) {
        step.cited.clear();
        step.covers_at.clear();
        for (i, entry) in step.covers.iter().enumerate() {
            let at_entry = at(path, ["covers".into(), i.into()]);
            match entry.read() {
                Ok(cover) => {
                    let (line, col) = self.positions.at(&at_entry);
                    step.cited.push(cover);
                    step.covers_at.push(super::model::Cited {
                        file: self.file.to_path_buf(),
                        line,
                        col,
                    });
                }
                Err(e) => self.error(&at_entry, format!("step `{}`: {e}", step.name)),
            }
        }
    }

    /// A fragment's step names must be new to the scenario; a second use of one
    /// fragment needs `as:`.
    fn new_names(
        &mut self,
        names: &mut BTreeSet<String>,
        path: &[Seg],
        used: &super::fragment::Placed,
    ) {
        let placed: Vec<&str> = used
            .steps
            .iter()
            .chain(&used.finally)
            .map(|s| s.name.as_str())
            .collect();
        let clashes: Vec<&str> = placed
            .iter()
            .copied()
            .filter(|n| names.contains(*n))
            .collect();
        if !clashes.is_empty() {
            self.error(
                &at(path, ["use".into()]),
                format!(
                    "the fragment's steps {} have the names of earlier steps; `as: NAME` keeps two uses of a fragment apart",
                    clashes.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        names.extend(placed.into_iter().map(str::to_string));
    }

    pub(super) fn unique_name(&mut self, names: &mut BTreeSet<String>, path: &[Seg], name: &str) {
        if !names.insert(name.to_string()) {
            self.error(path, format!("step name `{name}` is used twice"));
        }
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
        let templates: Vec<(String, NodePath, Template)> = step
            .request
            .templates()
            .into_iter()
            .chain(step.expect.templates())
            .chain(step.capture_templates())
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
                Ok(t) => request.body = Some(super::model::Forms::One(t)),
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

    /// The step's goldens, compiled, with every placeholder naming a known
    /// variable: the one its `golden:` names, or one per representation for a
    /// path without extension (at least one exists; bless records the others).
    fn check_golden(
        &mut self,
        step: &Step,
        scope: &StepScope,
        goldens: &GoldenSource,
    ) -> Vec<(PathBuf, GoldenEntry)> {
        let Some(rel) = step.expect.golden.as_ref() else {
            return Vec::new();
        };
        let name = &step.name;
        let here = at(&scope.path, ["expect".into(), "golden".into()]);
        if let Some(why) = outside_golden_dir(rel) {
            self.error(
                &here,
                format!("step `{name}`: golden {} {why}; a golden path stays inside the golden directory", rel.display()),
            );
            return Vec::new();
        }
        let files = crate::representation::golden_files(rel);
        if files.len() == 1 {
            return self
                .compile_golden(step, scope, goldens, rel)
                .into_iter()
                .collect();
        }
        let mut compiled = Vec::new();
        let mut found = false;
        for file in &files {
            let normal = normal_golden_path(file);
            let exists = goldens.dir.join(&normal).exists()
                || self.built_in_golden(goldens, &normal).is_some();
            found |= exists;
            // A missing one is compiled as missing, for bless to record.
            if exists || goldens.allow_missing {
                compiled.extend(self.compile_golden(step, scope, goldens, file));
            }
        }
        if !found && !goldens.allow_missing {
            let named: Vec<String> = files
                .iter()
                .map(|f| goldens.dir.join(f).display().to_string())
                .collect();
            self.error(
                &here,
                format!(
                    "step `{name}`: golden {} names one file per representation ({}), and none exists; `sessionconf bless` records them from the server",
                    rel.display(),
                    named.join(", ")
                ),
            );
        }
        compiled
    }

    /// One golden file, compiled, with every placeholder naming a known variable.
    fn compile_golden(
        &mut self,
        step: &Step,
        scope: &StepScope,
        goldens: &GoldenSource,
        rel: &Path,
    ) -> Option<(PathBuf, GoldenEntry)> {
        let name = &step.name;
        let normal = normal_golden_path(rel);
        let built_in = self.built_in_golden(goldens, &normal);
        let from_tool = built_in.is_some();
        let (path, loaded) = match built_in {
            Some((path, text)) => {
                let loaded = goldens.load_built_in(&path, text);
                (path, loaded)
            }
            None => {
                let path = goldens.dir.join(&normal);
                let loaded = goldens.load(&path);
                (path, loaded)
            }
        };
        let built_in = from_tool;
        match loaded {
            Ok(expected) => {
                self.check_placeholders(step, scope, &path, &expected);
                let expected = Some(expected);
                let entry = GoldenEntry {
                    path,
                    expected,
                    built_in,
                };
                Some((rel.to_path_buf(), entry))
            }
            Err(_) if goldens.allow_missing && !path.exists() => Some((
                rel.to_path_buf(),
                GoldenEntry {
                    path,
                    expected: None,
                    built_in,
                },
            )),
            Err(e) => {
                let why = if built_in || path.exists() {
                    format!("step `{name}`: golden {e}")
                } else {
                    format!("step `{name}`: golden {} does not exist; `sessionconf bless` records it from the server", path.display())
                };
                self.error(&at(&scope.path, ["expect".into(), "golden".into()]), why);
                None
            }
        }
    }

    /// In a fragment the tool ships, the tool's golden for `rel` when the
    /// suite's golden directory has none: the suite's own comes first, as its
    /// knowledge does.
    fn built_in_golden(
        &self,
        goldens: &GoldenSource,
        rel: &Path,
    ) -> Option<(PathBuf, &'static str)> {
        let dialect = self.built_in_goldens?;
        if goldens.dir.join(rel).exists() {
            return None;
        }
        crate::knowledge::fragments::golden(dialect, rel)
    }

    /// Every placeholder of a golden names a variable the step knows.
    fn check_placeholders(
        &mut self,
        step: &Step,
        scope: &StepScope,
        path: &Path,
        expected: &crate::golden::Golden,
    ) {
        let name = &step.name;
        let mut known = scope.known.clone();
        known.extend(step.capture.keys().cloned());
        for (var, line, col) in expected.variables() {
            if !known.contains(&var) {
                self.errors.push(ConfigError::at(
                    path,
                    line,
                    col,
                    format!(
                        "placeholder `{{{{{var}}}}}` names no variable of step `{name}` in {}{}; known: {}",
                        self.file.display(),
                        crate::suggest::did_you_mean(&var, known.iter().map(String::as_str)),
                        known.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }

    /// A step that opens a session names a variable it captures; some `finally`
    /// step closes it, so a failed scenario still logs out.
    pub(super) fn check_sessions(
        &mut self,
        steps: &[Step],
        finally: &[Step],
        opened_elsewhere: &BTreeSet<String>,
    ) {
        let opened: Vec<(usize, &str, &str)> = steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i, s.name.as_str(), s.opens_session.as_deref()?)))
            .collect();
        for (index, step, var) in &opened {
            let path: NodePath = vec!["steps".into(), (*index).into(), "opens_session".into()];
            if !steps[*index].capture.contains_key(*var) {
                self.error(
                    &path,
                    format!("step `{step}`: opens_session `{var}` names no capture of this step"),
                );
            }
            if !finally
                .iter()
                .any(|s| s.closes_session.as_deref() == Some(*var))
            {
                self.error(&path, format!(
                    "step `{step}` opens session `{var}`, but no `finally` step has `closes_session: {var}`: a failed scenario would leave it open"
                ));
            }
        }
        let sections = [("steps", steps), ("finally", finally)];
        for (section, steps) in sections {
            for (index, step) in steps.iter().enumerate() {
                let Some(var) = &step.closes_session else {
                    continue;
                };
                if !opened.iter().any(|(_, _, v)| v == var) && !opened_elsewhere.contains(var) {
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

    pub(super) fn check_template(
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
                let hint = crate::suggest::did_you_mean(var, known_list.iter().copied());
                let message = format!(
                    "{}{field}: unknown variable `{var}`{hint}; known here: {}",
                    step.map(|s| format!("step `{s}`: ")).unwrap_or_default(),
                    known_list.join(", ")
                );
                self.error_within(path, &format!("${{{var}}}"), message);
            }
        }
    }
}
