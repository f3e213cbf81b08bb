//! The checker every scenario, fragment and matrix is checked with: where
//! mistakes are, what a step may refer to, and the goldens and fragments read
//! so far. Its checks are written beside what they check (load, fragment,
//! matrix), each module adding to it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::model::Fragment;
use super::positions::{NodePath, Positions, Seg};
use super::GoldenEntry;
use crate::error::ConfigError;

/// A fragment file read and checked, as every use of it starts from.
pub(super) type Checked = (Fragment, Vec<ConfigError>, BTreeMap<PathBuf, GoldenEntry>);

/// Where `golden:` paths are, whether a missing one may be recorded, and the
/// goldens compiled and fragments checked so far: each file is read once per
/// run, however many steps name it.
pub(super) struct GoldenSource<'g> {
    pub dir: &'g Path,
    pub allow_missing: bool,
    pub compiled: std::cell::RefCell<BTreeMap<PathBuf, Arc<crate::golden::Golden>>>,
    pub fragments: std::cell::RefCell<BTreeMap<PathBuf, std::rc::Rc<Checked>>>,
}

impl GoldenSource<'_> {
    pub(super) fn new(dir: &Path, allow_missing: bool) -> GoldenSource<'_> {
        GoldenSource {
            dir,
            allow_missing,
            compiled: Default::default(),
            fragments: Default::default(),
        }
    }

    pub(super) fn load(&self, path: &Path) -> Result<Arc<crate::golden::Golden>, ConfigError> {
        if let Some(golden) = self.compiled.borrow().get(path) {
            return Ok(golden.clone());
        }
        let golden = Arc::new(crate::golden::Golden::load(path)?);
        self.compiled
            .borrow_mut()
            .insert(path.to_path_buf(), golden.clone());
        Ok(golden)
    }

    /// A golden that ships with the tool, compiled once per load like the others.
    pub(super) fn load_built_in(
        &self,
        path: &Path,
        text: &str,
    ) -> Result<Arc<crate::golden::Golden>, ConfigError> {
        if let Some(golden) = self.compiled.borrow().get(path) {
            return Ok(golden.clone());
        }
        let golden = Arc::new(crate::golden::Golden::compile(path, text)?);
        self.compiled
            .borrow_mut()
            .insert(path.to_path_buf(), golden.clone());
        Ok(golden)
    }
}

/// Where a scenario's `use` finds fragments: the suite's directory first, then
/// the tool's fragments of the dialect.
#[derive(Clone)]
pub(super) struct FragmentDirs {
    /// `scenarios/DIALECT/fragments`.
    pub dir: PathBuf,
    /// Whose built-in fragments stand in for those the suite lacks.
    pub dialect: String,
}

/// Checks what the YAML types alone cannot, and says where each mistake is.
pub(super) struct Checker<'a> {
    pub file: &'a Path,
    pub positions: Positions<'a>,
    pub errors: Vec<ConfigError>,
    /// Where `use` finds fragments; `None` inside a fragment, which uses none.
    pub fragments: Option<FragmentDirs>,
    /// Inside a fragment the tool ships: its dialect, whose built-in goldens
    /// stand in for those the suite's golden directory lacks.
    pub built_in_goldens: Option<&'static str>,
    /// Variables every scenario and fragment has: the built-in ones and the run's.
    pub globals: BTreeSet<String>,
}

/// Appends segments to a path.
pub(super) fn at(base: &[Seg], more: impl IntoIterator<Item = Seg>) -> NodePath {
    base.iter().cloned().chain(more).collect()
}

/// Where a step's checks start, and what it may refer to.
pub(super) struct StepScope<'s> {
    /// `steps[i]` or `finally[i]`.
    pub(super) path: NodePath,
    /// Steps whose links it may follow.
    pub(super) linkable: &'s [String],
    /// Variables it may use.
    pub(super) known: &'s mut BTreeSet<String>,
}

impl Checker<'_> {
    pub(super) fn error(&mut self, path: &[Seg], message: String) {
        let (line, col) = self.positions.at(path);
        self.errors
            .push(ConfigError::at(self.file, line, col, message));
    }

    pub(super) fn error_within(&mut self, path: &[Seg], needle: &str, message: String) {
        let (line, col) = self.positions.within(path, needle);
        self.errors
            .push(ConfigError::at(self.file, line, col, message));
    }
}
