//! `sessionconf check`: every scenario, golden and vendor knowledge validated,
//! no network; `--unreferenced` lists the goldens nothing uses.

use crate::error::ConfigError;
use crate::harness::{self};

use super::args::*;
use super::usage;

pub(crate) fn config_errors(errors: &[ConfigError]) -> u8 {
    for e in errors {
        eprintln!("error: {e}");
    }
    eprintln!(
        "{} configuration error{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    2
}

pub(crate) fn check(check: CheckArgs) -> u8 {
    let source = match super::settings::suite_source(check.suite, false) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    match harness::validate(&source) {
        Ok(valid) => {
            println!("{}", valid_line(&valid, &source.golden_dir));
            match check.unreferenced {
                Some(mode) => list_unreferenced(&source.golden_dir, &valid, mode),
                None => 0,
            }
        }
        Err(errors) => config_errors(&errors),
    }
}

/// `3 scenarios and 8 goldens are valid, ...`, counting what the user
/// sees: scenario files (not the trials a matrix makes of one) and the
/// suite's goldens (not those shipped with the tool's fragments and knowledge).
fn valid_line(valid: &harness::Validated, golden_dir: &std::path::Path) -> String {
    let files: std::collections::BTreeSet<&std::path::Path> =
        valid.scenarios.iter().map(|s| s.file.as_path()).collect();
    let goldens = valid
        .goldens
        .iter()
        .filter(|g| g.starts_with(golden_dir))
        .count();
    format!(
        "{} and {} are valid, and each dialect's vendor knowledge",
        crate::words::counted(files.len(), "scenario"),
        crate::words::counted(goldens, "golden"),
    )
}

/// `check --unreferenced`: golden files nothing uses, one per line.
pub(crate) fn list_unreferenced(
    golden_dir: &std::path::Path,
    valid: &harness::Validated,
    mode: Unreferenced,
) -> u8 {
    let found = match crate::golden::unreferenced::unreferenced(
        golden_dir,
        &valid.dialects,
        &valid.goldens,
    ) {
        Ok(f) => f,
        Err(e) => return usage(format!("cannot list the goldens: {e}")),
    };
    for path in &found {
        println!("unreferenced: {}", path.display());
    }
    println!(
        "{} unreferenced golden{}",
        found.len(),
        if found.len() == 1 { "" } else { "s" }
    );
    u8::from(mode == Unreferenced::Reject && !found.is_empty())
}
