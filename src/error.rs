//! Configuration errors: a scenario, golden or option the run cannot use (exit 2).

use std::fmt;
use std::path::{Path, PathBuf};

/// A mistake in a file the user wrote, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The file the mistake is in.
    pub file: PathBuf,
    /// Its line (1-based), when known.
    pub line: Option<u32>,
    /// Its column (1-based), when known.
    pub col: Option<u32>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl ConfigError {
    /// A mistake at a line and column of `file`.
    pub fn at(file: &Path, line: u32, col: u32, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: file.to_path_buf(),
            line: Some(line),
            col: Some(col),
            message: message.into(),
        }
    }

    /// A mistake in `file` as a whole.
    pub fn file(file: &Path, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: file.to_path_buf(),
            line: None,
            col: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.col {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// 1-based line and column of a byte offset in `source`.
pub fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, col as u32)
}
