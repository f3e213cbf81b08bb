//! Writing goldens: atomically, and never in CI unless forced.

use std::path::Path;

/// Why a golden was not written.
#[derive(Debug, thiserror::Error)]
pub enum BlessError {
    /// The file system refused.
    #[error("{path}: cannot write golden: {source}")]
    Io {
        /// The golden's path.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The CI environment variable is set and `--force` was not given.
    #[error("refusing to bless in CI (the CI environment variable is set); pass --force to write goldens anyway")]
    InCi,
}

/// Whether goldens may be written here: not in CI unless forced.
pub fn allowed(force: bool) -> Result<(), BlessError> {
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    if in_ci && !force {
        Err(BlessError::InCi)
    } else {
        Ok(())
    }
}

/// Writes a golden's text at `path`: a temporary file in the same directory
/// renamed over it, so a golden is always either old or new.
pub fn write_text(path: &Path, text: &str) -> Result<(), BlessError> {
    crate::atomic_file::write(path, text).map_err(|source| BlessError::Io {
        path: path.display().to_string(),
        source,
    })
}
