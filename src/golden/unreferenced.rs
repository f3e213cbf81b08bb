//! Goldens no scenario, probe or known deviation names: left behind by a
//! renamed step or a deleted scenario, they mislead a reader and are never
//! judged. `check --unreferenced` lists them; `=reject` fails CI on them.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// The extensions golden files have (one per format).
const GOLDEN_EXTENSIONS: [&str; 2] = ["xml", "json"];

/// Golden files under `golden_dir/DIALECT/` for each of `dialects` that are
/// not in `referenced`, sorted. Unreadable directories are said as errors.
pub fn unreferenced(
    golden_dir: &Path,
    dialects: &BTreeSet<String>,
    referenced: &BTreeSet<PathBuf>,
) -> Result<Vec<PathBuf>, String> {
    let referenced: BTreeSet<PathBuf> = referenced.iter().map(|p| normal(p)).collect();
    let mut found = Vec::new();
    for dialect in dialects {
        let dir = golden_dir.join(dialect);
        if dir.is_dir() {
            walk(&dir, &mut found)?;
        }
    }
    found.retain(|p| !referenced.contains(&normal(p)));
    found.sort();
    Ok(found)
}

/// Every golden file under `dir`, depth first; symbolic links are not followed.
fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        let path = entry.path();
        if kind.is_dir() {
            walk(&path, found)?;
        } else if kind.is_file() && is_golden(&path) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_golden(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| GOLDEN_EXTENSIONS.contains(&e))
}

/// The path without `.` components, so `golden/./a.xml` and `golden/a.xml` are one.
fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goldens_nothing_names_are_listed_per_dialect() {
        let dir = tempfile::tempdir().unwrap();
        let g = dir.path();
        for f in [
            "d/used.xml",
            "d/sub/old.xml",
            "d/notes.txt",
            "d/stale.xml",
            "other/x.xml",
        ] {
            let path = g.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "<a/>").unwrap();
        }
        let dialects = BTreeSet::from(["d".to_string()]);
        let referenced = BTreeSet::from([g.join("./d/used.xml")]);
        let found = unreferenced(g, &dialects, &referenced).unwrap();
        assert_eq!(found, [g.join("d/stale.xml"), g.join("d/sub/old.xml")]);
        let none = BTreeSet::from(["absent".to_string()]);
        assert!(unreferenced(g, &none, &referenced).unwrap().is_empty());
    }
}
