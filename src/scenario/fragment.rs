//! Fragments: steps to reuse, in `scenarios/DIALECT/fragments/NAME.yaml`, with
//! parameters and `finally` steps, or, when the suite has no file of that
//! name, the tool's fragment of the dialect (`src/knowledge/*/fragments/`).
//! A scenario's `use: NAME` step stands for them; the loader checks the
//! fragment in its own file (so an error names the fragment's line and the
//! scenario that used it) and then puts its steps in the scenario, parameters
//! filled in and, with `as:`, names prefixed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::checker::{at, Checked, Checker, FragmentDirs, GoldenSource};
use super::model::{Fragment, GoldenName, Step};
use super::positions::{NodePath, Positions};
use super::template::Template;
use crate::error::ConfigError;
use crate::knowledge::fragments::BuiltInFragment;
use crate::scenario::GoldenEntry;

/// A fragment's steps as they stand in one scenario.
pub(crate) struct Placed {
    pub steps: Vec<Step>,
    pub finally: Vec<Step>,
    pub goldens: BTreeMap<PathBuf, GoldenEntry>,
}

/// How a use names what the fragment captures and calls its steps.
struct Naming<'u> {
    prefix: Option<&'u str>,
}

impl Naming<'_> {
    fn var(&self, name: &str) -> String {
        match self.prefix {
            Some(p) => format!("{p}_{name}"),
            None => name.to_string(),
        }
    }

    fn step(&self, name: &str) -> String {
        match self.prefix {
            Some(p) => format!("{p}.{name}"),
            None => name.to_string(),
        }
    }
}

impl Checker<'_> {
    /// Checks a `use` step and the fragment it names, and returns the fragment's
    /// steps as they stand in this scenario; `None` after an error.
    pub(super) fn expand_use(
        &mut self,
        step: &Step,
        path: &NodePath,
        known: &BTreeSet<String>,
        goldens: &GoldenSource,
    ) -> Option<Placed> {
        let name = step.uses.clone().unwrap_or_default();
        let Some(dirs) = self.fragments.clone() else {
            self.error(
                &at(path, ["use".into()]),
                "a fragment cannot use another fragment".into(),
            );
            return None;
        };
        self.check_use_step(step, path)?;
        let found = self.find_fragment(&dirs, &name, path)?;
        let (line, _) = self.positions.at(&at(path, ["use".into()]));
        let used_by = format!("used by {}:{line}", self.file.display());
        let (mut fragment, errors, compiled) =
            check_fragment(&found, goldens, &used_by, &self.globals);
        let parsed = !fragment.steps.is_empty() || !fragment.finally.is_empty();
        if !errors.is_empty() {
            self.errors.extend(errors);
            // Still put its steps in place when it was read: a missing golden
            // should be one error, not one for every capture the steps make.
            if !parsed {
                return None;
            }
        }
        let params = self.bind_params(step, path, &fragment, known)?;
        let naming = Naming {
            prefix: step.prefix.as_deref(),
        };
        match place(&mut fragment, &params, &naming) {
            Ok(()) => Some(Placed {
                steps: fragment.steps,
                finally: fragment.finally,
                goldens: compiled,
            }),
            Err(why) => {
                self.error(
                    &at(path, ["with".into()]),
                    format!("use of `{name}`: {why}"),
                );
                None
            }
        }
    }

    /// A `use` step has `use`, `with` and `as`, and nothing a step of its own has.
    fn check_use_step(&mut self, step: &Step, path: &NodePath) -> Option<()> {
        let before = self.errors.len();
        for key in [
            "name",
            "request",
            "expect",
            "capture",
            "opens_session",
            "closes_session",
            "covers",
        ] {
            let key_path = at(path, [key.into()]);
            if self.positions.has(&key_path) {
                self.error(
                    &key_path,
                    format!("a `use` step has only `use`, `with` and `as`; `{key}` belongs in the fragment"),
                );
            }
        }
        let name = step.uses.as_deref().unwrap_or_default();
        if !crate::placeholder::is_variable_name(name) {
            self.error(
                &at(path, ["use".into()]),
                format!("`{name}` is not a fragment name (letters, digits, `_`, `-`)"),
            );
        }
        if let Some(prefix) = &step.prefix {
            if !crate::placeholder::is_variable_name(prefix) {
                self.error(
                    &at(path, ["as".into()]),
                    format!("`as: {prefix}` is not a name (letters, digits, `_`, `-`)"),
                );
            }
        }
        (self.errors.len() == before).then_some(())
    }

    /// The suite's fragment `name`, else the tool's; an error at the `use`
    /// naming both sets of fragments when neither has it.
    fn find_fragment(&mut self, dirs: &FragmentDirs, name: &str, path: &NodePath) -> Option<Found> {
        let file = dirs.dir.join(format!("{name}.yaml"));
        if file.is_file() {
            return Some(Found::Suite(file));
        }
        if let Some(built_in) = crate::knowledge::fragments::fragment(&dirs.dialect, name) {
            return Some(Found::BuiltIn(built_in));
        }
        let suite = fragment_names(&dirs.dir);
        let tool = crate::knowledge::fragments::names(&dirs.dialect);
        let candidates = suite.iter().map(String::as_str).chain(tool.iter().copied());
        let hint = crate::suggest::did_you_mean(name, candidates);
        let list = |names: Vec<&str>| match names.is_empty() {
            true => "none".to_string(),
            false => names.join(", "),
        };
        self.error(
            &at(path, ["use".into()]),
            format!(
                "no fragment `{name}`: the suite has no {} and the tool ships none of that name for {} (the suite's fragments: {}; the tool's: {}){hint}",
                file.display(),
                dirs.dialect,
                list(suite.iter().map(String::as_str).collect()),
                list(tool),
            ),
        );
        None
    }

    /// The value of every parameter for this use: `with`, else the default.
    fn bind_params(
        &mut self,
        step: &Step,
        path: &NodePath,
        fragment: &Fragment,
        known: &BTreeSet<String>,
    ) -> Option<BTreeMap<String, Template>> {
        let before = self.errors.len();
        let name = step.uses.as_deref().unwrap_or_default();
        for (key, template) in &step.with {
            let key_path = at(path, ["with".into(), key.as_str().into()]);
            if !fragment.params.contains_key(key) {
                let hint =
                    crate::suggest::did_you_mean(key, fragment.params.keys().map(String::as_str));
                let params: Vec<&str> = fragment.params.keys().map(String::as_str).collect();
                self.error(
                    &key_path,
                    format!(
                        "fragment `{name}` has no parameter `{key}`{hint} (it has: {})",
                        if params.is_empty() {
                            "none".to_string()
                        } else {
                            params.join(", ")
                        }
                    ),
                );
            }
            self.check_template(None, &key_path, &format!("with {key}"), template, known);
        }
        let mut values = BTreeMap::new();
        for (param, default) in &fragment.params {
            match step.with.get(param).or(default.as_ref()) {
                Some(t) => {
                    values.insert(param.clone(), t.clone());
                }
                None => self.error(
                    &at(path, ["use".into()]),
                    format!("fragment `{name}` needs `with: {{ {param}: ... }}` (the parameter has no default)"),
                ),
            }
        }
        (self.errors.len() == before).then_some(values)
    }
}

fn fragment_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".yaml").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// A fragment a `use` names: the suite's file, or one the tool ships.
pub(super) enum Found {
    Suite(PathBuf),
    BuiltIn(BuiltInFragment),
}

impl Found {
    /// The file errors name, and the fragment's key in the load's cache.
    fn file(&self) -> &Path {
        match self {
            Found::Suite(file) => file,
            Found::BuiltIn(built_in) => &built_in.file,
        }
    }
}

/// Reads and checks a fragment in its own file, as if it were a scenario whose
/// variables are the built-in ones and its parameters: checked once per load, however many uses name it; each use's errors
/// say which use it was.
fn check_fragment(
    found: &Found,
    goldens: &GoldenSource,
    used_by: &str,
    globals: &BTreeSet<String>,
) -> Checked {
    let file = found.file();
    let cached = goldens.fragments.borrow().get(file).cloned();
    let checked = cached.unwrap_or_else(|| {
        let checked = std::rc::Rc::new(read_found(found, goldens, globals));
        goldens
            .fragments
            .borrow_mut()
            .insert(file.to_path_buf(), checked.clone());
        checked
    });
    let (fragment, errors, compiled) = (*checked).clone();
    let errors = errors
        .into_iter()
        .map(|mut e| {
            e.message = format!("{} (fragment {used_by})", e.message);
            e
        })
        .collect();
    (fragment, errors, compiled)
}

/// The fragment, read and checked. A built-in one is read from its JSON twin,
/// which costs no YAML parser at start-up; were it to have a mistake (a
/// suite's golden of the same path may bring one), it is read again from its
/// YAML, whose lines say where.
fn read_found(found: &Found, goldens: &GoldenSource, globals: &BTreeSet<String>) -> Checked {
    match found {
        Found::BuiltIn(b) => {
            let read = |source| read_fragment(&b.file, source, goldens, Some(b.dialect), globals);
            let from_twin = read(Source::Json(b.json));
            if from_twin.1.is_empty() {
                from_twin
            } else {
                read(Source::Yaml(b.yaml))
            }
        }
        Found::Suite(file) => match std::fs::read_to_string(file) {
            Ok(text) => read_fragment(file, Source::Yaml(&text), goldens, None, globals),
            Err(e) => {
                let error = ConfigError::file(file, format!("cannot read fragment: {e}"));
                (empty_fragment(), vec![error], BTreeMap::new())
            }
        },
    }
}

/// A fragment's text: YAML as written, or a built-in one's JSON twin.
enum Source<'s> {
    Yaml(&'s str),
    Json(&'s str),
}

fn empty_fragment() -> Fragment {
    Fragment {
        description: String::new(),
        params: IndexMap::new(),
        steps: Vec::new(),
        finally: Vec::new(),
    }
}

/// Reads and checks a fragment's text; `built_in` is the dialect of one the
/// tool ships, whose goldens stand in for those the suite lacks.
fn read_fragment(
    file: &Path,
    source: Source,
    goldens: &GoldenSource,
    built_in: Option<&'static str>,
    globals: &BTreeSet<String>,
) -> Checked {
    let (parsed, yaml) = match source {
        Source::Yaml(text) => (super::yaml::parse_yaml(file, text), text),
        Source::Json(text) => {
            let parsed = serde_json::from_str(text)
                .map_err(|e| ConfigError::file(file, format!("its JSON twin does not read: {e}")));
            (parsed, "")
        }
    };
    let mut fragment: Fragment = match parsed {
        Ok(f) => f,
        Err(e) => return (empty_fragment(), vec![e], BTreeMap::new()),
    };
    let mut checker = Checker {
        file,
        positions: Positions::of(yaml),
        errors: Vec::new(),
        fragments: None,
        built_in_goldens: built_in,
        globals: globals.clone(),
    };
    let compiled = checker.check_fragment(&mut fragment, goldens);
    (fragment, checker.errors, compiled)
}

impl Checker<'_> {
    fn check_fragment(
        &mut self,
        fragment: &mut Fragment,
        goldens: &GoldenSource,
    ) -> BTreeMap<PathBuf, GoldenEntry> {
        if fragment.steps.is_empty() && fragment.finally.is_empty() {
            self.error(&["steps".into()], "a fragment has at least one step".into());
        }
        let builtins = self.globals.clone();
        for (name, default) in &fragment.params {
            let path: NodePath = vec!["params".into(), name.as_str().into()];
            if !crate::placeholder::is_variable_name(name) {
                self.error(
                    &path,
                    format!("`{name}` is not a parameter name (letters, digits, `_`, `-`)"),
                );
            }
            if let Some(t) = default {
                self.check_template(None, &path, &format!("param {name}"), t, &builtins);
            }
        }
        let mut known = builtins;
        known.extend(fragment.params.keys().cloned());
        let (own_steps, own_finally) = (fragment.steps.clone(), fragment.finally.clone());
        let compiled = self.check_steps(&mut fragment.steps, &mut fragment.finally, known, goldens);
        self.check_sessions(&own_steps, &own_finally, &BTreeSet::new());
        for (section, steps) in [("steps", &fragment.steps), ("finally", &fragment.finally)] {
            for (index, step) in steps.iter().enumerate() {
                if let Some(param) = step
                    .capture
                    .keys()
                    .find(|c| fragment.params.contains_key(*c))
                {
                    let path: NodePath = vec![
                        section.into(),
                        index.into(),
                        "capture".into(),
                        param.as_str().into(),
                    ];
                    self.error(
                        &path,
                        format!("`{param}` is a parameter; a capture needs another name"),
                    );
                }
            }
        }
        compiled
    }
}

/// Puts the fragment's steps in the scenario: parameters filled in, captures and
/// step names prefixed, and what its goldens' names stand for recorded.
fn place(
    fragment: &mut Fragment,
    params: &BTreeMap<String, Template>,
    naming: &Naming,
) -> Result<(), String> {
    let captures: BTreeSet<String> = fragment
        .steps
        .iter()
        .chain(&fragment.finally)
        .flat_map(|s| s.capture.keys().cloned())
        .collect();
    let replace = |name: &str| -> Option<Template> {
        if let Some(t) = params.get(name) {
            return Some(t.clone());
        }
        (naming.prefix.is_some() && captures.contains(name))
            .then(|| Template::var(&naming.var(name)))
    };
    let mut golden_names: Vec<GoldenName> = params
        .iter()
        .map(|(name, value)| GoldenName {
            name: name.clone(),
            value: value.clone(),
            captured: false,
        })
        .collect();
    golden_names.extend(captures.iter().map(|c| GoldenName {
        name: c.clone(),
        value: Template::var(&naming.var(c)),
        captured: true,
    }));
    for step in fragment.steps.iter_mut().chain(&mut fragment.finally) {
        for template in step.templates_mut() {
            *template = template.substitute(&replace)?;
        }
        rename(step, naming);
        step.golden_names = golden_names.clone();
    }
    Ok(())
}

/// Renames what a step calls by name: itself, its captures and sessions, the step it links from.
fn rename(step: &mut Step, naming: &Naming) {
    step.name = naming.step(&step.name);
    step.capture = std::mem::take(&mut step.capture)
        .into_iter()
        .map(|(name, mut capture)| {
            capture.exclude = capture.exclude.map(|list| naming.var(&list));
            (naming.var(&name), capture)
        })
        .collect();
    for session in [&mut step.opens_session, &mut step.closes_session] {
        *session = session.as_deref().map(|v| naming.var(v));
    }
    if let Some(link) = &mut step.request.link {
        link.step = naming.step(&link.step);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globals() -> BTreeSet<String> {
        crate::scenario::BUILTIN_VARIABLES
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Each fragment the tool ships reads from its JSON twin as from its YAML
    /// (but for the lines of its `covers`, which only the YAML has), without
    /// a mistake, its goldens the tool's own.
    #[test]
    fn each_built_in_fragment_reads_from_its_twin_as_from_its_yaml() {
        let empty = tempfile::tempdir().unwrap();
        for (dialect, name) in [("veeam-em", "logon"), ("commvault", "login")] {
            let b = crate::knowledge::fragments::fragment(dialect, name).unwrap();
            let read = |source| {
                let goldens = GoldenSource::new(empty.path(), false);
                let (mut fragment, errors, compiled) =
                    read_fragment(&b.file, source, &goldens, Some(b.dialect), &globals());
                assert!(errors.is_empty(), "{dialect}/{name}: {errors:?}");
                for step in fragment.steps.iter_mut().chain(&mut fragment.finally) {
                    step.covers_at.clear();
                }
                format!("{fragment:?} {compiled:?}")
            };
            let from_twin = read(Source::Json(b.json));
            assert_eq!(from_twin, read(Source::Yaml(b.yaml)), "{dialect}/{name}");
            assert!(
                from_twin.contains(&format!("<built-in>/{dialect}/"))
                    && from_twin.contains("built_in: true"),
                "{from_twin}"
            );
        }
    }

    #[test]
    fn a_mistake_in_a_built_in_fragment_names_its_file_and_line() {
        // A capture named like a parameter, on line 6 of the YAML.
        let yaml = "params:\n  token: x\nsteps:\n  - name: a\n    request: { path: p }\n    capture: { token: { header: T } }\n";
        let json = r#"{"params": {"token": "x"}, "steps": [{"name": "a", "request": {"path": "p"}, "capture": {"token": {"header": "T"}}}]}"#;
        let found = Found::BuiltIn(BuiltInFragment {
            file: PathBuf::from("<built-in>/veeam-em/fragments/x.yaml"),
            dialect: "veeam-em",
            json,
            yaml,
        });
        let dir = tempfile::tempdir().unwrap();
        let goldens = GoldenSource::new(dir.path(), false);
        let (_, errors, _) = check_fragment(&found, &goldens, "used by s.yaml:3", &globals());
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].starts_with("<built-in>/veeam-em/fragments/x.yaml:6:")
                && said[0].contains("`token` is a parameter")
                && said[0].ends_with("(fragment used by s.yaml:3)"),
            "{said:?}"
        );
        // A twin that does not read is said as the twin's mistake.
        let broken = Found::BuiltIn(BuiltInFragment {
            json: "{",
            yaml: "{",
            ..match found {
                Found::BuiltIn(b) => b,
                Found::Suite(_) => unreachable!(),
            }
        });
        let goldens = GoldenSource::new(dir.path(), false);
        let (_, errors, _) = check_fragment(&broken, &goldens, "used by s.yaml:3", &globals());
        assert!(
            errors[0]
                .to_string()
                .contains("<built-in>/veeam-em/fragments/x.yaml"),
            "{errors:?}"
        );
    }
}
