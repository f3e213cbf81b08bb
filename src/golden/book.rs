//! The goldens a bless will write, gathered over the whole run and written at
//! its end. A golden several steps use (one error body for four scenarios) is
//! written once from all of them: what they share is pinned, what varies
//! becomes a placeholder, and it is written only if every one of those
//! responses passes against it; otherwise the conflict is reported and the
//! file is left as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::Golden;
use crate::placeholder::Bindings;

/// One use of a golden during a bless.
#[derive(Debug, Clone)]
pub struct Observation {
    /// Which trial and step, for messages.
    pub by: String,
    /// The golden this use would write; `None` when the existing golden passed as it is.
    pub recorded: Option<String>,
    /// The response body, to hold the golden that is written against it.
    pub body: String,
    /// What the body was decoded from.
    pub encoding: crate::xml::Encoding,
    /// The bindings the response was judged with.
    pub bindings: Bindings,
    /// The run's secrets when it was seen: a message about it never shows them.
    pub secrets: Vec<String>,
    /// What the vendor fixes and what varies: the recording is written as that contract.
    pub contract: Arc<super::contract::Contract>,
    /// In a fragment's step, the names its golden may use; empty otherwise.
    pub scope: Vec<String>,
}

#[derive(Debug, Default)]
struct Entry {
    existing: Option<Arc<Golden>>,
    observations: Vec<Observation>,
    /// Where its recordings came from, when not from the run's own servers.
    provenance: Vec<String>,
}

/// Observations by golden path, shared by every scenario of a run.
#[derive(Debug, Default)]
pub struct BlessBook {
    entries: Mutex<BTreeMap<PathBuf, Entry>>,
    /// Write each golden beside the old one as a pending file, for review.
    pending: bool,
}

/// What the end of a bless did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Goldens written that did not exist.
    pub new: Vec<PathBuf>,
    /// Goldens rewritten.
    pub changed: Vec<PathBuf>,
    /// Goldens not written, each with a line saying why.
    pub not_written: Vec<(PathBuf, String)>,
    /// New and changed goldens were written as pending files beside them.
    pub pending: bool,
    /// What bless decided for each golden it wrote, a line each.
    pub decided: Vec<(PathBuf, Vec<String>)>,
}

impl BlessBook {
    /// A book whose goldens are written as pending files beside the old ones
    /// (`sessionconf review` accepts or rejects them), never over them.
    pub fn pending() -> BlessBook {
        BlessBook {
            pending: true,
            ..BlessBook::default()
        }
    }

    /// Notes a use of the golden at `path` (`existing` when it exists).
    pub fn observe(&self, path: &Path, existing: Option<Arc<Golden>>, observation: Observation) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.entry(path.to_path_buf()).or_default();
        if entry.existing.is_none() {
            entry.existing = existing;
        }
        entry.observations.push(observation);
    }

    /// Whether some use of the golden at `path` was noted.
    pub fn observed(&self, path: &Path) -> bool {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(path)
            .is_some_and(|e| !e.observations.is_empty())
    }

    /// Takes the uses of the golden at `path` that `other` noted, saying where
    /// they came from (`provenance`); whether there were any.
    pub fn adopt(&self, other: &BlessBook, path: &Path, provenance: &str) -> bool {
        let taken = {
            let mut theirs = other.entries.lock().unwrap_or_else(|e| e.into_inner());
            theirs.remove(path)
        };
        let Some(taken) = taken.filter(|t| t.observations.iter().any(|o| o.recorded.is_some()))
        else {
            return false;
        };
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.entry(path.to_path_buf()).or_default();
        entry.observations.extend(taken.observations);
        entry.provenance.push(provenance.to_string());
        true
    }

    /// Writes every golden some use recorded, each from all of its uses.
    pub fn settle(&self) -> Settled {
        let entries = std::mem::take(&mut *self.entries.lock().unwrap_or_else(|e| e.into_inner()));
        let mut settled = Settled {
            pending: self.pending,
            ..Settled::default()
        };
        for (path, entry) in entries {
            if entry.observations.iter().all(|o| o.recorded.is_none()) {
                continue;
            }
            let existed = entry.existing.is_some();
            let to = if self.pending {
                super::review::pending_path(&path)
            } else {
                path.clone()
            };
            match settle_one(&path, &to, entry) {
                Ok(notes) => {
                    if self.pending {
                        write_why(&to, &notes);
                    }
                    if !notes.is_empty() {
                        settled.decided.push((path.clone(), notes));
                    }
                    if existed {
                        settled.changed.push(path);
                    } else {
                        settled.new.push(path);
                    }
                }
                Err(why) => {
                    let line = format!("{}: not written: {why}", path.display());
                    settled.not_written.push((path, line));
                }
            }
        }
        settled
    }
}

/// How many of the generalizations learned from recordings are said, per
/// golden: enough to read, not one per item of a long list.
const MOST_LEARNED: usize = 40;

/// A note on a value bless could not decide, with the golden's line that
/// holds it, for the person who will pin it.
fn with_line(note: String, golden: &str) -> String {
    if !note.ends_with("should not vary") {
        return note;
    }
    let at = note.split(':').next().unwrap_or_default();
    let last = at.rsplit(['/', '.']).next().unwrap_or_default();
    let name = last.trim_start_matches('@');
    let name = name.split('[').next().unwrap_or_default();
    let wanted = if name == "text()" {
        let element = at.rsplit('/').nth(1).unwrap_or_default();
        format!("<{}>", element.split('[').next().unwrap_or_default())
    } else if last.starts_with('@') {
        format!("{name}=\"")
    } else {
        format!("\"{name}\": ")
    };
    match golden.lines().position(|l| l.contains(&wanted)) {
        Some(i) => format!("{note} (line {})", i + 1),
        None => note,
    }
}

/// Beside a pending golden, what bless decided in it, for `review` to show;
/// one left from an earlier bless of the same golden is replaced or removed.
fn write_why(pending: &Path, notes: &[String]) {
    let why = super::review::why_path(pending);
    if notes.is_empty() {
        let _ = std::fs::remove_file(&why);
    } else {
        let _ = crate::atomic_file::write(&why, &(notes.join("\n") + "\n"));
    }
}

/// Writes each use's recording as the contract, merges them, holds the result
/// against every use, and writes it to `to` (the golden's path, or its pending
/// file). Returns what was decided, a line each.
fn settle_one(path: &Path, to: &Path, entry: Entry) -> Result<Vec<String>, String> {
    let mut texts: Vec<(&str, String)> = Vec::new();
    let mut notes: Vec<String> = entry.provenance.clone();
    if let Some(existing) = &entry.existing {
        if let Some(passed) = entry.observations.iter().find(|o| o.recorded.is_none()) {
            texts.push((&passed.by, existing.written()));
        }
    }
    for o in &entry.observations {
        let Some(text) = &o.recorded else { continue };
        let context = super::contract::Context {
            bindings: &o.bindings,
            scope: &o.scope,
            secrets: &o.secrets,
        };
        let (text, said) = super::contract::apply(path, text, &o.contract, context)
            .map_err(|e| format!("{}: {e}", o.by))?;
        for line in said {
            if !notes.contains(&line) {
                notes.push(line);
            }
        }
        if !texts.iter().any(|(_, t)| *t == text) {
            texts.push((&o.by, text));
        }
    }
    let (merged, learned) = super::merge(path, &texts)?;
    if texts.len() > 1 {
        notes.push(format!(
            "learned from {} recordings that differ (of {} uses):",
            texts.len(),
            entry.observations.len()
        ));
        let more = learned.len().saturating_sub(MOST_LEARNED);
        let said = learned.into_iter().take(MOST_LEARNED);
        notes.extend(said.map(|l| format!("  {}", with_line(l, &merged))));
        if more > 0 {
            notes.push(format!("  and {more} more"));
        }
    }
    let label = path.display().to_string();
    let golden = Golden::compile(path, &merged).map_err(|e| e.to_string())?;
    if golden.pins_nothing() {
        // A golden every response matches is a check that cannot fail: from
        // recordings that share nothing, or a list with nothing of the caller's.
        return Err(match &texts[..] {
            [(a, _), (b, _), ..] => format!("its uses disagree: {a} and {b} share nothing, and a golden of what they share would check nothing; give them goldens of their own"),
            _ => "what the vendor fixes in it is nothing (a list with no entry of the caller's?), and a golden of that would check nothing; write it by hand".into(),
        });
    }
    for o in &entry.observations {
        let verdict = golden.judge_text(&label, &o.body, o.encoding, &o.bindings)?;
        if let Some(first) = verdict.differences.first() {
            // A path names siblings by their attribute values, which may be secret.
            let at = o
                .secrets
                .iter()
                .filter(|s| !s.is_empty())
                .fold(first.path.clone(), |p, s| {
                    p.replace(s.as_str(), "<redacted>")
                });
            return Err(format!(
                "what its {} uses share still fails {} at {at}; write this golden by hand",
                entry.observations.len(),
                o.by,
            ));
        }
    }
    super::bless::write_text(to, &merged).map_err(|e| e.to_string())?;
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn use_of(by: &str, recorded: Option<&str>, body: &str) -> Observation {
        Observation {
            by: by.into(),
            recorded: recorded.map(str::to_string),
            body: body.into(),
            encoding: crate::xml::Encoding::Utf8,
            bindings: Bindings::default(),
            secrets: vec!["s3cret".into()],
            contract: Arc::default(),
            scope: Vec::new(),
        }
    }

    #[test]
    fn a_golden_shared_by_uses_that_differ_in_a_value_is_written_once_with_a_placeholder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("error.xml");
        let book = BlessBook::default();
        let a = r#"<Error Code="401" Message="Login failed"/>"#;
        let b = r#"<Error Code="401" Message="Session ended"/>"#;
        book.observe(&path, None, use_of("one", Some(a), a));
        book.observe(&path, None, use_of("two", Some(b), b));
        book.observe(&path, None, use_of("three", Some(a), a));
        let settled = book.settle();
        assert_eq!(settled.new, vec![path.clone()]);
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.contains(r#"Code="401""#) && written.contains(r#"Message="{{any}}""#));
        assert_eq!(book.settle(), Settled::default(), "settled once");
    }

    #[test]
    fn an_existing_golden_that_some_uses_pass_is_kept_true_for_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.xml");
        std::fs::write(&path, r#"<E A="1"><N>x</N></E>"#).unwrap();
        let golden = Arc::new(Golden::load(&path).unwrap());
        let book = BlessBook::default();
        let passes = r#"<E A="1"><N>x</N></E>"#;
        let differs = r#"<E A="2"><N>x</N></E>"#;
        book.observe(&path, Some(golden.clone()), use_of("pass", None, passes));
        book.observe(&path, Some(golden), use_of("fail", Some(differs), differs));
        let settled = book.settle();
        assert_eq!(settled.changed, vec![path.clone()]);
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(
            written.contains(r#"A="{{int}}""#) && written.contains("<N>x</N>"),
            "{written}"
        );
    }

    #[test]
    fn uses_of_different_shapes_are_generalized_and_the_golden_passes_each() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.xml");
        let book = BlessBook::default();
        let two = "<L><S a='1'/><S a='2'/></L>";
        let one = "<L><S a='2'/></L>";
        book.observe(&path, None, use_of("first", Some(two), two));
        book.observe(&path, None, use_of("second", Some(one), one));
        let settled = book.settle();
        assert_eq!(settled.new, vec![path.clone()]);
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(
            written.contains(r#"<S a="2"/>"#) && written.contains("extra=\"children\""),
            "{written}"
        );
        let (p, decided) = &settled.decided[0];
        assert_eq!(p, &path);
        assert!(
            decided[0].contains("learned from 2 recordings"),
            "{decided:?}"
        );
        assert!(
            decided
                .iter()
                .any(|d| d.contains("/L/S[1]: in some recordings only")),
            "{decided:?}"
        );
    }

    #[test]
    fn uses_that_share_nothing_are_not_merged_into_a_golden_that_checks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.xml");
        let book = BlessBook::default();
        let (a, b) = ("<A x=\"1\"><B/></A>", "<C>t</C>");
        book.observe(&path, None, use_of("one", Some(a), a));
        book.observe(&path, None, use_of("two", Some(b), b));
        let settled = book.settle();
        assert!(!path.exists());
        let why = &settled.not_written[0].1;
        assert!(why.contains("one and two share nothing"), "{why}");
        let json = dir.path().join("shared.json");
        book.observe(
            &json,
            None,
            use_of("one", Some(r#"{"a": 1}"#), r#"{"a": 1}"#),
        );
        book.observe(
            &json,
            None,
            use_of("two", Some(r#"{"b": 1}"#), r#"{"b": 1}"#),
        );
        assert!(book.settle().not_written[0].1.contains("share nothing"));
        assert!(!json.exists());
    }

    #[test]
    fn a_long_list_that_differs_everywhere_is_merged_by_position_and_said_in_brief() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.json");
        let list = |tag: &str| {
            let items: Vec<String> = (0..200)
                .map(|i| format!(r#"{{"n": "{tag}{i}"}}"#))
                .collect();
            format!(r#"{{"l": [{}]}}"#, items.join(","))
        };
        let book = BlessBook::default();
        let (a, b) = (list("a"), list("b"));
        book.observe(&path, None, use_of("one", Some(&a), &a));
        book.observe(&path, None, use_of("two", Some(&b), &b));
        let settled = book.settle();
        let notes = &settled.decided[0].1;
        assert_eq!(notes.len(), 1 + MOST_LEARNED + 1, "{notes:?}");
        assert_eq!(notes.last().unwrap(), "  and 160 more");
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            written.matches(r#""n": "{{any}}""#).count(),
            200,
            "paired by position"
        );
    }

    #[test]
    fn another_books_uses_are_adopted_with_where_they_came_from() {
        let dir = tempfile::tempdir().unwrap();
        let (path, other_path) = (dir.path().join("e.xml"), dir.path().join("o.xml"));
        let (book, elsewhere) = (BlessBook::default(), BlessBook::default());
        assert!(!book.observed(&path));
        let e = "<E A=\"1\"/>";
        elsewhere.observe(&path, None, use_of("there", Some(e), e));
        elsewhere.observe(&other_path, None, use_of("passed", None, e));
        assert!(elsewhere.observed(&path) && !book.observed(&path));
        assert!(
            !book.adopt(&elsewhere, &other_path, "x"),
            "nothing recorded there"
        );
        assert!(book.adopt(&elsewhere, &path, "recorded from em-12"));
        assert!(book.observed(&path) && !elsewhere.observed(&path));
        assert!(!book.adopt(&elsewhere, &path, "again"), "taken once");
        let settled = book.settle();
        assert_eq!(settled.new, vec![path.clone()]);
        assert_eq!(settled.decided[0].1, ["recorded from em-12"]);
    }

    #[test]
    fn what_the_contract_decides_is_said_once_and_one_recording_learns_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.xml");
        let contract: super::super::contract::Contract =
            serde_yaml::from_str("sets:\n  - items: [S]\n    keep: [{ k: a }]\n    source: docs\n")
                .unwrap();
        let book = BlessBook::default();
        let list = "<L><S k=\"a\"/><S k=\"b\"/></L>";
        for by in ["one", "two"] {
            let mut o = use_of(by, Some(list), list);
            o.contract = Arc::new(contract.clone());
            book.observe(&path, None, o);
        }
        let settled = book.settle();
        let notes = &settled.decided[0].1;
        assert_eq!(
            notes.len(),
            1,
            "one note, no learning from one recording: {notes:?}"
        );
        assert!(notes[0].contains("kept 1 of 2 <S>"), "{notes:?}");
        let two = dir.path().join("two.xml");
        let (a, b) = ("<E A=\"1\"/>", "<E A=\"2\"/>");
        book.observe(&two, None, use_of("one", Some(a), a));
        book.observe(&two, None, use_of("two", Some(b), b));
        let notes = &book.settle().decided[0].1;
        assert_eq!(notes.len(), 2, "no `and 0 more`: {notes:?}");
    }

    #[test]
    fn a_single_recording_of_which_the_contract_keeps_nothing_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.xml");
        let contract: super::super::contract::Contract = serde_yaml::from_str(
            "sets:\n  - items: [S]\n    own: true\n    source: docs\nopen:\n  - of: [/]\n    name: true\n    source: docs\n",
        )
        .unwrap();
        let book = BlessBook::default();
        let list = "<L><S k=\"someone else's\"/></L>";
        let mut o = use_of("one", Some(list), list);
        o.contract = Arc::new(contract);
        book.observe(&path, None, o);
        let settled = book.settle();
        assert!(!path.exists());
        assert!(
            settled.not_written[0].1.contains("would check nothing"),
            "{settled:?}"
        );
    }

    #[test]
    fn an_undecided_value_is_said_with_its_line_in_either_format() {
        let xml = "<E>\n  <N a=\"{{any}}\"/>\n  <T>{{any}}</T>\n</E>\n";
        let pin = "; pin it by hand if it should not vary";
        let note = |at: &str| format!("{at}: `1` in one recording, `2` in another{pin}");
        assert!(with_line(note("/E/N[1]/@a"), xml).ends_with("(line 2)"));
        assert!(with_line(note("/E/T[1]/text()"), xml).ends_with("(line 3)"));
        let json = "{\n  \"s\": {\n    \"n\": \"{{any}}\"\n  }\n}\n";
        assert!(with_line(note("$.s.n"), json).ends_with("(line 3)"));
        assert_eq!(with_line("other".into(), json), "other");
    }

    #[test]
    fn a_pending_bless_writes_what_it_decided_beside_the_pending_golden() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.xml");
        let book = BlessBook::pending();
        let (a, b) = ("<E A=\"x\"/>", "<E A=\"y\"/>");
        book.observe(&path, None, use_of("one", Some(a), a));
        book.observe(&path, None, use_of("two", Some(b), b));
        let settled = book.settle();
        assert!(!path.exists(), "pending, not written over");
        let pending = super::super::review::pending_path(&path);
        let why = std::fs::read_to_string(super::super::review::why_path(&pending)).unwrap();
        assert!(
            why.contains("/E/@A: `x` in one recording, `y` in another"),
            "{why}"
        );
        assert_eq!(settled.decided[0].1.join("\n") + "\n", why);
    }

    #[test]
    fn a_golden_that_fails_one_of_its_uses_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.xml");
        std::fs::write(&path, "<E A=\"old\"/>").unwrap();
        let golden = Arc::new(Golden::load(&path).unwrap());
        let book = BlessBook::default();
        // A use whose recording does not describe its own response: the check
        // against every response is the last word.
        book.observe(
            &path,
            Some(golden),
            use_of("odd", Some("<E A=\"1\"/>"), "<E A=\"2\"/>"),
        );
        let settled = book.settle();
        let (_, why) = &settled.not_written[0];
        assert!(why.contains("fails odd at /E/@A"), "{why}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "<E A=\"old\"/>");
    }

    #[test]
    fn a_secret_in_the_path_of_a_refusal_is_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.xml");
        let book = BlessBook::default();
        let recorded = r#"<L><S T="s3cret" v="1"/><S T="b" v="1"/></L>"#;
        let body = r#"<L><S T="s3cret" v="2"/><S T="b" v="1"/></L>"#;
        book.observe(&path, None, use_of("odd", Some(recorded), body));
        let (_, why) = &book.settle().not_written[0];
        assert!(
            why.contains("[@T='<redacted>']/@v") && !why.contains("s3cret"),
            "{why}"
        );
    }

    #[test]
    fn goldens_every_use_passed_are_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.xml");
        std::fs::write(&path, "<E/>").unwrap();
        let golden = Arc::new(Golden::load(&path).unwrap());
        let book = BlessBook::default();
        book.observe(&path, Some(golden), use_of("pass", None, "<E/>"));
        assert_eq!(book.settle(), Settled::default());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "<E/>");
    }
}
