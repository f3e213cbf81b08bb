//! Pending goldens: what `bless --pending` wrote beside the goldens instead
//! of over them, and the review that accepts (the pending file replaces the
//! golden) or rejects (the pending file is removed) each one. The change is
//! shown as a diff of the two goldens in their canonical form, so layout does
//! not hide or fake a change; placeholders and markers are kept as written.

use std::path::{Path, PathBuf};

/// What a pending file's name adds to its golden's.
pub const SUFFIX: &str = ".pending";

/// Most pending files one review reads: a directory with more is refused
/// rather than read without end.
const MOST: usize = 100_000;

/// A golden waiting for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The pending file.
    pub pending: PathBuf,
    /// The golden it would replace (which may not exist yet).
    pub golden: PathBuf,
}

/// What a pending file's name adds for the file beside it that says what
/// bless decided in it (what it generalized and why), one line each.
pub const WHY: &str = ".why";

/// The file saying what bless decided in the pending file `pending`.
pub fn why_path(pending: &Path) -> PathBuf {
    let mut name = pending.as_os_str().to_owned();
    name.push(WHY);
    PathBuf::from(name)
}

/// The pending file of the golden at `golden`.
pub fn pending_path(golden: &Path) -> PathBuf {
    let mut name = golden.as_os_str().to_owned();
    name.push(SUFFIX);
    PathBuf::from(name)
}

/// Every pending file under `dir`, sorted by path.
pub fn find(dir: &Path) -> Result<Vec<Pending>, String> {
    find_at_most(dir, MOST)
}

fn find_at_most(dir: &Path, most: usize) -> Result<Vec<Pending>, String> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| format!("{}: cannot read: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: cannot read: {e}", d.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            if kind.is_dir() {
                dirs.push(path);
            } else if let Some(golden) = path
                .to_str()
                .and_then(|p| p.strip_suffix(SUFFIX))
                .filter(|g| !g.ends_with('/'))
            {
                found.push(Pending {
                    golden: PathBuf::from(golden),
                    pending: path,
                });
                if found.len() > most {
                    return Err(format!(
                        "{}: more than {most} pending goldens; is this the goldens directory?",
                        dir.display()
                    ));
                }
            }
        }
    }
    found.sort_by(|a, b| a.pending.cmp(&b.pending));
    Ok(found)
}

/// The pending golden, compiled (it must be one the suite can use).
fn compile(p: &Pending) -> Result<super::Golden, String> {
    let text = std::fs::read_to_string(&p.pending)
        .map_err(|e| format!("{}: cannot read: {e}", p.pending.display()))?;
    // Its format is its golden's; errors name the pending file.
    super::Golden::compile(&p.golden, &text).map_err(|e| {
        let mut located = e;
        located.file = p.pending.clone();
        located.to_string()
    })
}

/// The change as a unified diff of the canonical goldens: the old one (empty
/// when the golden is new) to the pending one.
pub fn diff(p: &Pending) -> Result<String, String> {
    let new = compile(p)?.written();
    let old = if p.golden.exists() {
        super::Golden::load(&p.golden)
            .map_err(|e| e.to_string())?
            .written()
    } else {
        String::new()
    };
    let old_label = p.golden.display().to_string();
    let new_label = p.pending.display().to_string();
    let diff = similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&old_label, &new_label)
        .to_string();
    Ok(format!("{}{diff}", decided(p)))
}

/// What bless decided in the pending golden, as lines to read before its diff.
fn decided(p: &Pending) -> String {
    let Ok(text) = std::fs::read_to_string(why_path(&p.pending)) else {
        return String::new();
    };
    let mut out = format!("bless decided in {}:\n", p.golden.display());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// The file of what bless decided goes with its pending golden.
fn forget_why(p: &Pending) {
    let _ = std::fs::remove_file(why_path(&p.pending));
}

/// The pending golden replaces the golden, in one rename (a golden is always
/// old or new); one that does not compile is refused and left for a look.
pub fn accept(p: &Pending) -> Result<(), String> {
    compile(p)?;
    forget_why(p);
    std::fs::rename(&p.pending, &p.golden).map_err(|e| {
        format!(
            "{}: cannot move over {}: {e}",
            p.pending.display(),
            p.golden.display()
        )
    })
}

/// The pending golden is removed; the golden stays as it was.
pub fn reject(p: &Pending) -> Result<(), String> {
    forget_why(p);
    std::fs::remove_file(&p.pending)
        .map_err(|e| format!("{}: cannot remove: {e}", p.pending.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "<A xmlns=\"urn:a\">\n  <B>{{any}}</B>\n</A>\n";

    fn lab() -> (tempfile::TempDir, Pending, Pending) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("d/sub")).unwrap();
        let changed = dir.path().join("d/a.xml");
        std::fs::write(&changed, OLD).unwrap();
        // A layout change alone, and one real change that keeps a placeholder.
        std::fs::write(
            pending_path(&changed),
            "<A xmlns=\"urn:a\"><B>{{any}}</B><C>{{int}}</C></A>",
        )
        .unwrap();
        let new = dir.path().join("d/sub/b.xml");
        std::fs::write(pending_path(&new), "<N/>").unwrap();
        std::fs::write(dir.path().join("d/other.txt"), "x").unwrap();
        let p = |g: PathBuf| Pending {
            pending: pending_path(&g),
            golden: g,
        };
        (dir, p(changed), p(new))
    }

    #[test]
    fn pending_files_are_found_under_the_directory_in_order() {
        let (dir, changed, new) = lab();
        assert_eq!(find(dir.path()).unwrap(), [changed, new]);
        assert_eq!(
            pending_path(Path::new("g/x.xml")),
            Path::new("g/x.xml.pending")
        );
        assert!(find(&dir.path().join("nowhere"))
            .unwrap_err()
            .contains("cannot read"));
        assert_eq!(find_at_most(dir.path(), 2).unwrap().len(), 2);
        let why = find_at_most(dir.path(), 1).unwrap_err();
        assert!(why.contains("more than 1 pending goldens"), "{why}");
    }

    #[test]
    fn the_diff_is_of_canonical_goldens_with_placeholders_kept() {
        let (_dir, changed, new) = lab();
        let d = diff(&changed).unwrap();
        assert!(d.contains("+  <C>{{int}}</C>"), "{d}");
        assert!(!d.contains("-  <B>"), "a layout change is no change: {d}");
        assert!(
            d.starts_with(&format!("--- {}", changed.golden.display())),
            "{d}"
        );
        assert!(
            d.contains(&format!("+++ {}", changed.pending.display())),
            "{d}"
        );
        let d = diff(&new).unwrap();
        assert!(d.contains("+<N/>"), "a new golden is all added: {d}");
    }

    #[test]
    fn accept_replaces_the_golden_and_reject_leaves_it() {
        let (_dir, changed, new) = lab();
        let pending_text = std::fs::read_to_string(&changed.pending).unwrap();
        accept(&changed).unwrap();
        assert_eq!(
            std::fs::read_to_string(&changed.golden).unwrap(),
            pending_text
        );
        assert!(!changed.pending.exists());
        reject(&new).unwrap();
        assert!(!new.pending.exists() && !new.golden.exists());
        assert!(reject(&new).unwrap_err().contains("cannot remove"));
    }

    #[test]
    fn what_bless_decided_is_shown_before_the_diff_and_goes_with_the_pending_file() {
        let (_dir, changed, new) = lab();
        let why = why_path(&changed.pending);
        std::fs::write(&why, "/A/C: kept 1 of 3 <C>\n").unwrap();
        let d = diff(&changed).unwrap();
        assert!(
            d.starts_with(&format!(
                "bless decided in {}:\n  /A/C: kept 1 of 3 <C>\n--- ",
                changed.golden.display()
            )),
            "{d}"
        );
        assert!(!diff(&new).unwrap().contains("bless decided"));
        accept(&changed).unwrap();
        assert!(!why.exists(), "accepted with its golden");
        let why_new = why_path(&new.pending);
        std::fs::write(&why_new, "x\n").unwrap();
        reject(&new).unwrap();
        assert!(!why_new.exists(), "rejected with its golden");
        assert_eq!(
            why_path(Path::new("a.xml.pending")),
            Path::new("a.xml.pending.why")
        );
    }

    #[test]
    fn a_pending_golden_that_does_not_compile_is_not_accepted() {
        let (_dir, changed, _) = lab();
        std::fs::write(&changed.pending, "<A>\n  <B>{{nope</B>\n</A>").unwrap();
        let why = accept(&changed).unwrap_err();
        assert!(
            why.starts_with(&changed.pending.display().to_string()),
            "{why}"
        );
        assert!(why.contains(":2:"), "located: {why}");
        assert_eq!(std::fs::read_to_string(&changed.golden).unwrap(), OLD);
        assert!(changed.pending.exists(), "left for a look");
    }
}
