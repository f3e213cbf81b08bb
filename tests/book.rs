//! The manual (README.md and the book in docs/book/src/) cannot drift from the
//! tool: every code block in it is read here and checked by what it is.
//!
//! What a block is comes from its fence and its first line:
//!
//! - ```` ```yaml ```` whose first line is `# scenarios/DIALECT/NAME.yaml`: a
//!   scenario, written into a suite of its own, checked (`sessionconf check`)
//!   and run against the embedded reference server (`sessionconf run`); it
//!   must pass. `# scenarios/DIALECT/fragments/NAME.yaml` or
//!   `# src/knowledge/VENDOR/fragments/NAME.yaml`: a fragment, run through a
//!   scenario that uses it. `# scenarios/DIALECT/knowledge/versions.yaml`: a
//!   suite's knowledge, beside a copy of the shipped scenarios of that dialect,
//!   checked and run. `# .github/workflows/...` or `# .gitlab-ci.yml`: a CI job
//!   whose `run:` and `script:` lines are commands, as in a `sh` block.
//! - ```` ```xml ```` whose first line is `<!-- golden/PATH.xml -->`, or
//!   ```` ```json golden=golden/PATH.json ````: a golden, which must compile.
//! - ```` ```sh ````: commands, one a line (`\` continues one). Every
//!   `sessionconf ...` or `cargo run -- ...` is parsed by the command line's own
//!   parser, and run in a copy of the shipped suite (`suite=scenarios-only`:
//!   its scenarios alone) where it must exit 0; `export` and `mkdir` are done;
//!   `review` runs with `--accept` (off a terminal it asks nothing); other
//!   programs (`cargo test`, `git`, `mdbook`, ...) are known by name and not run.
//! - ```` ```text ```` whose first line is `$ COMMAND`: a command, as in `sh`,
//!   and its output; `text layout`: every path it names exists; `text output`:
//!   output shown, not compared.
//! - ```` ```toml ```` whose first line is `# sessionconf.toml`: a
//!   configuration, read by `sessionconf run --config FILE --list`.
//! - ```` ```rust in=FILE ````: the text is in FILE (a crate CI builds).
//!
//! What cannot run says so in its fence, and is counted: `no-run` (commands
//! parsed, not run: a real server's endpoint), `no-test` (shown, not checked),
//! `excerpt` (part of a file: it parses as YAML). A block of any other kind
//! fails the test, so nothing is skipped silently.

mod support;

use support::copy_tree;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use clap::Parser;
use support::Output;

const BIN: &str = env!("CARGO_BIN_EXE_sessionconf");

/// How many blocks are shown and not run or not checked, by mark. A change
/// here is a change in what the manual proves: say why in the commit.
const UNTESTED: [(&str, usize); 4] = [("excerpt", 4), ("no-run", 7), ("no-test", 2), ("output", 5)];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One fenced code block of a Markdown file.
#[derive(Debug, Clone)]
struct Block {
    file: String,
    line: usize,
    lang: String,
    attrs: Vec<String>,
    text: String,
}

impl Block {
    fn has(&self, attr: &str) -> bool {
        self.attrs.iter().any(|a| a == attr)
    }
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find_map(|a| a.strip_prefix(key)?.strip_prefix('='))
    }
    fn first_line(&self) -> &str {
        self.text.lines().next().unwrap_or("")
    }
    fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// The manual's files: README.md, then the book's chapters in SUMMARY's order.
fn manual() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    files.extend(chapters().into_iter().map(|c| book_src().join(c)));
    files
}

fn book_src() -> PathBuf {
    root().join("docs/book/src")
}

/// The chapter files SUMMARY.md links, in order.
fn chapters() -> Vec<String> {
    let summary = std::fs::read_to_string(book_src().join("SUMMARY.md")).unwrap();
    links(&summary)
        .into_iter()
        .filter(|l| l.ends_with(".md"))
        .collect()
}

/// The targets of the Markdown links `[text](target)` in `text`.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        if let Some(end) = rest.find(')') {
            found.push(rest[..end].to_string());
        }
    }
    found
}

fn blocks_of(path: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(path).unwrap();
    let file = path
        .strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                let mut words = info.split([' ', ',']).filter(|w| !w.is_empty());
                open = Some(Block {
                    file: file.clone(),
                    line: n + 1,
                    lang: words.next().unwrap_or("").to_string(),
                    attrs: words.map(str::to_string).collect(),
                    text: String::new(),
                });
            }
            (Some(_), Some("")) => blocks.push(open.take().unwrap()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "{file}: a code block is not closed");
    blocks
}

fn all_blocks() -> Vec<Block> {
    manual().iter().flat_map(|p| blocks_of(p)).collect()
}

/// What a block is, and so how it is checked.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Scenario {
        path: String,
    },
    Fragment {
        dialect: String,
        name: String,
    },
    Knowledge {
        dialect: String,
    },
    /// A part of a file the tool ships, abridged: what it shows is in the file.
    Abridged {
        path: String,
    },
    CiJob,
    Golden {
        path: String,
    },
    Commands,
    Session,
    Layout,
    Config,
    InFile {
        path: String,
    },
    Untested(&'static str),
}

fn classify(b: &Block) -> Result<Kind, String> {
    for mark in ["excerpt", "no-test", "output"] {
        if b.has(mark) {
            return Ok(Kind::Untested(mark));
        }
    }
    let first = b.first_line();
    let marker = first
        .strip_prefix("# ")
        .map(|m| m.split([',', ' ']).next().unwrap_or(""));
    let kind = match (b.lang.as_str(), marker) {
        ("yaml", Some(m)) if m.starts_with(".github/workflows/") || m == ".gitlab-ci.yml" => {
            Kind::CiJob
        }
        ("yaml", Some(m)) if m.starts_with("scenarios/") || m.starts_with("src/knowledge/") => {
            yaml_kind(m).ok_or_else(|| {
                format!(
                    "{}: `{m}` names no scenario, fragment or knowledge file",
                    b.at()
                )
            })?
        }
        ("xml", _) if first.starts_with("<!-- golden/") => Kind::Golden {
            path: first
                .trim_start_matches("<!-- ")
                .trim_end_matches(" -->")
                .to_string(),
        },
        ("json", _) if b.attr("golden").is_some() => Kind::Golden {
            path: b.attr("golden").unwrap().to_string(),
        },
        ("sh", _) => Kind::Commands,
        ("text", _) if first.starts_with("$ ") => Kind::Session,
        ("text", _) if b.has("layout") => Kind::Layout,
        ("toml", Some("sessionconf.toml")) => Kind::Config,
        ("rust", _) if b.attr("in").is_some() => Kind::InFile {
            path: b.attr("in").unwrap().to_string(),
        },
        _ => {
            return Err(format!(
                "{}: a ```{} block the tests do not know: give it a marker \
                 (tests/book.rs says which) or mark it `excerpt`, `no-test` or `output`",
                b.at(),
                b.lang
            ))
        }
    };
    Ok(kind)
}

/// A YAML block's kind from the path its first line names.
fn yaml_kind(marker: &str) -> Option<Kind> {
    let parts: Vec<&str> = marker.split('/').collect();
    let file = parts.last()?.strip_suffix(".yaml")?;
    match parts.as_slice() {
        ["scenarios", _, _] => Some(Kind::Scenario {
            path: marker.to_string(),
        }),
        ["scenarios", dialect, "fragments", _] => Some(Kind::Fragment {
            dialect: dialect.to_string(),
            name: file.to_string(),
        }),
        ["src", "knowledge", vendor, "fragments", _] => Some(Kind::Fragment {
            dialect: vendor.replace('_', "-"),
            name: file.to_string(),
        }),
        ["scenarios", dialect, "knowledge", "versions.yaml"] => Some(Kind::Knowledge {
            dialect: dialect.to_string(),
        }),
        ["src", "knowledge", _, "knowledge.yaml"] => Some(Kind::Abridged {
            path: marker.to_string(),
        }),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Running sessionconf.

fn sessionconf(dir: &Path, args: &[String], envs: &[(String, String)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars() {
        if k.starts_with("SESSIONCONF_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    support::wait(cmd.spawn().unwrap(), Duration::from_secs(300))
}

fn words(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// A working directory for a block's commands: a copy of the shipped suite,
/// or of its scenarios alone.
fn workspace(with_goldens: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("scenarios"), &dir.path().join("scenarios"));
    if with_goldens {
        copy_tree(&root().join("golden"), &dir.path().join("golden"));
    }
    dir
}

fn said(out: &Output) -> String {
    format!("exit {}\n{}{}", out.code, out.stdout, out.stderr)
}

// ---------------------------------------------------------------------------
// Command lines.

/// A command line split as a shell splits it: quotes, backslashes, a comment
/// after `#`.
fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// The command lines of a `sh` block: `\` at a line's end continues it.
fn command_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if let Some(cont) = line.strip_suffix('\\') {
            current.push_str(cont);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let words = shell_words(&current);
        if !words.is_empty() {
            lines.push(current.clone());
        }
        current.clear();
    }
    lines
}

/// One command of the manual, as the tests take it.
#[derive(Debug)]
enum Step {
    /// `sessionconf ARGS` or `cargo run -- ARGS` (the arguments after the program).
    Sessionconf(Vec<String>),
    /// Variables for the commands after it.
    Export(Vec<(String, String)>),
    Mkdir(String),
    /// A program the tests know and do not run, and why.
    Other,
}

/// Programs the manual shows that these tests do not run, and why.
const OTHERS: [(&str, &str); 7] = [
    ("cargo test", "the tests themselves (CI runs them)"),
    ("cargo install", "installs a program"),
    ("cargo bench", "the benchmarks (measured, not asserted)"),
    ("cargo nextest", "another test runner"),
    ("mdbook", "builds this book (CI does)"),
    ("git", "version control"),
    (
        "cd examples/cargo-test && cargo test",
        "the example crate (CI runs it)",
    ),
];

/// A command line's steps (env assignments first), or why it is not known.
fn parse_line(line: &str) -> Result<(Vec<(String, String)>, Step), String> {
    let mut words = shell_words(line);
    let mut env = Vec::new();
    if words.first().map(String::as_str) == Some("export") {
        let pairs = words[1..].iter().filter_map(|w| assignment(w)).collect();
        return Ok((env, Step::Export(pairs)));
    }
    while let Some((k, v)) = words.first().and_then(|w| assignment(w)) {
        env.push((k, v));
        words.remove(0);
    }
    let joined = words.join(" ");
    if words.first().map(String::as_str) == Some("sessionconf") {
        return Ok((env, Step::Sessionconf(words[1..].to_vec())));
    }
    if joined.starts_with("cargo run") {
        let dashes = words
            .iter()
            .position(|w| w == "--")
            .ok_or_else(|| format!("`{line}`: `cargo run` without `--`"))?;
        return Ok((env, Step::Sessionconf(words[dashes + 1..].to_vec())));
    }
    if words.first().map(String::as_str) == Some("mkdir") && words.len() == 2 {
        return Ok((env, Step::Mkdir(words[1].clone())));
    }
    for (prefix, _why) in OTHERS {
        if joined.starts_with(prefix) {
            return Ok((env, Step::Other));
        }
    }
    Err(format!("`{line}`: a program these tests do not know"))
}

fn assignment(word: &str) -> Option<(String, String)> {
    let (k, v) = word.split_once('=')?;
    (!k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
    .then(|| (k.to_string(), v.to_string()))
}

/// What came of a block's commands.
#[derive(Default)]
struct Ran {
    parsed: usize,
    ran: usize,
    others: usize,
    problems: Vec<String>,
}

/// Parses every command of `lines`, and runs them in `dir` unless `run` is false.
fn commands(at: &str, lines: &[String], dir: Option<&Path>, ran: &mut Ran) {
    let mut env: Vec<(String, String)> = Vec::new();
    for line in lines {
        let (mut line_env, step) = match parse_line(line) {
            Ok(s) => s,
            Err(e) => {
                ran.problems.push(format!("{at}: {e}"));
                continue;
            }
        };
        match step {
            Step::Export(pairs) => env.extend(pairs),
            Step::Other => ran.others += 1,
            Step::Mkdir(d) => {
                if let Some(dir) = dir {
                    std::fs::create_dir_all(dir.join(d)).unwrap();
                }
            }
            Step::Sessionconf(mut args) => {
                let argv = std::iter::once("sessionconf".to_string()).chain(args.iter().cloned());
                if let Err(e) = sessionconf::cli::Cli::try_parse_from(argv) {
                    ran.problems
                        .push(format!("{at}: `{line}` does not parse:\n{e}"));
                    continue;
                }
                ran.parsed += 1;
                let Some(dir) = dir else { continue };
                if args.first().map(String::as_str) == Some("serve") {
                    ran.problems.push(format!(
                        "{at}: `{line}` serves until Ctrl-C: mark the block `no-run`"
                    ));
                    continue;
                }
                if args.first().map(String::as_str) == Some("review") && args.len() == 1 {
                    args.push("--accept".into());
                }
                line_env.extend(env.iter().cloned());
                let out = sessionconf(dir, &args, &line_env);
                ran.ran += 1;
                if out.code != 0 {
                    ran.problems.push(format!(
                        "{at}: `{line}` in {}: {}",
                        dir.display(),
                        said(&out)
                    ));
                }
            }
        }
    }
}

/// The commands a CI job runs: GitHub's `run:` and GitLab's `script:` lines.
fn ci_commands(text: &str) -> Vec<String> {
    fn walk(v: &serde_yaml::Value, out: &mut Vec<String>) {
        match v {
            serde_yaml::Value::Mapping(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        (Some("run"), serde_yaml::Value::String(s)) => out.extend(command_lines(s)),
                        (Some("script"), serde_yaml::Value::Sequence(lines)) => out.extend(
                            lines
                                .iter()
                                .filter_map(|l| l.as_str())
                                .flat_map(command_lines),
                        ),
                        _ => walk(v, out),
                    }
                }
            }
            serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
    let mut out = Vec::new();
    walk(&doc, &mut out);
    out
}

// ---------------------------------------------------------------------------
// The tests.

#[test]
fn every_block_of_the_manual_is_of_a_kind_the_tests_check_and_the_untested_are_counted() {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for block in all_blocks() {
        match classify(&block) {
            Ok(Kind::Untested(mark)) => *counts.entry(mark.to_string()).or_default() += 1,
            Ok(kind) => {
                let name = format!("{kind:?}");
                let name = name.split([' ', '{', '(']).next().unwrap().to_string();
                *counts.entry(name).or_default() += 1;
                if block.has("no-run") {
                    *counts.entry("no-run".into()).or_default() += 1;
                }
            }
            Err(e) => problems.push(e),
        }
    }
    eprintln!("the manual's blocks, by kind: {counts:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (mark, expected) in UNTESTED {
        assert_eq!(
            counts.get(mark).copied().unwrap_or(0),
            expected,
            "blocks marked `{mark}`: update UNTESTED in tests/book.rs when the manual shows more or fewer"
        );
    }
}

#[test]
fn every_scenario_fragment_and_knowledge_file_of_the_manual_loads_and_passes() {
    let mut problems = Vec::new();
    let mut ran = 0;
    let goldens = root().join("golden");
    for block in all_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let suite = dir.path();
        let dialect = match classify(&block) {
            Ok(Kind::Scenario { path }) => {
                write(suite, &path, &block.text);
                path.split('/').nth(1).unwrap().to_string()
            }
            Ok(Kind::Fragment { dialect, name }) => {
                write(
                    suite,
                    &format!("scenarios/{dialect}/fragments/{name}.yaml"),
                    &block.text,
                );
                write(
                    suite,
                    &format!("scenarios/{dialect}/uses-{name}.yaml"),
                    &format!("name: uses-{name}\nsteps:\n  - use: {name}\n"),
                );
                dialect
            }
            Ok(Kind::Knowledge { dialect }) => {
                copy_tree(
                    &root().join("scenarios").join(&dialect),
                    &suite.join("scenarios").join(&dialect),
                );
                write(
                    suite,
                    &format!("scenarios/{dialect}/knowledge/versions.yaml"),
                    &block.text,
                );
                dialect
            }
            Ok(Kind::Untested("excerpt")) if block.lang == "yaml" => {
                if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(&block.text) {
                    problems.push(format!("{}: an excerpt that is not YAML: {e}", block.at()));
                }
                continue;
            }
            _ => continue,
        };
        let suite_args = |command: &str| {
            words(&[
                command,
                "--scenarios",
                suite.join("scenarios").to_str().unwrap(),
                "--golden-dir",
                goldens.to_str().unwrap(),
                "--dialect",
                &dialect,
            ])
        };
        let out = sessionconf(suite, &suite_args("check"), &[]);
        if out.code != 0 {
            problems.push(format!("{}: check: {}", block.at(), said(&out)));
            continue;
        }
        if block.has("no-run") {
            continue;
        }
        let out = sessionconf(suite, &suite_args("run"), &[]);
        ran += 1;
        if out.code != 0 {
            problems.push(format!("{}: run: {}", block.at(), said(&out)));
        }
    }
    eprintln!("{ran} scenario, fragment and knowledge blocks ran");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(ran >= 8, "only {ran} blocks ran");
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn every_golden_of_the_manual_compiles() {
    let mut compiled = 0;
    for block in all_blocks() {
        if let Ok(Kind::Golden { path }) = classify(&block) {
            let golden = sessionconf::golden::Golden::compile(Path::new(&path), &block.text);
            assert!(golden.is_ok(), "{}: {:?}", block.at(), golden.err());
            compiled += 1;
        }
    }
    assert!(compiled >= 2, "{compiled} goldens");
}

#[test]
fn every_command_of_the_manual_parses_and_the_ones_that_run_offline_pass() {
    let mut ran = Ran::default();
    for block in all_blocks() {
        let (lines, with_goldens) = match classify(&block) {
            Ok(Kind::Commands) => (
                command_lines(&block.text),
                block.attr("suite") != Some("scenarios-only"),
            ),
            Ok(Kind::Session) => {
                let line = block.first_line().strip_prefix("$ ").unwrap().to_string();
                (vec![line], true)
            }
            Ok(Kind::CiJob) => (ci_commands(&block.text), true),
            _ => continue,
        };
        let space = (!block.has("no-run")).then(|| workspace(with_goldens));
        commands(
            &block.at(),
            &lines,
            space.as_ref().map(|s| s.path()),
            &mut ran,
        );
    }
    eprintln!(
        "commands: {} parsed, {} ran, {} other programs not run",
        ran.parsed, ran.ran, ran.others
    );
    assert!(ran.problems.is_empty(), "{}", ran.problems.join("\n\n"));
    assert!(ran.ran >= 8, "only {} commands ran", ran.ran);
}

#[test]
fn every_configuration_of_the_manual_is_read() {
    let mut read = 0;
    for block in all_blocks() {
        if classify(&block) != Ok(Kind::Config) {
            continue;
        }
        let space = workspace(true);
        write(space.path(), "sessionconf.toml", &block.text);
        // The certificates it names, so that reading them succeeds.
        let config: toml::Table = block.text.parse().unwrap();
        for target in config
            .get("targets")
            .and_then(|t| t.as_table())
            .into_iter()
            .flat_map(|t| t.values())
        {
            if let Some(file) = target.get("cacert").and_then(|f| f.as_str()) {
                let cert =
                    rcgen::generate_simple_self_signed(vec!["em13.lab".to_string()]).unwrap();
                write(space.path(), file, &cert.cert.pem());
            }
        }
        let out = sessionconf(space.path(), &words(&["run", "--list"]), &[]);
        assert_eq!(out.code, 0, "{}: {}", block.at(), said(&out));
        read += 1;
    }
    assert!(read >= 2, "{read} configurations");
}

#[test]
fn the_files_the_manual_quotes_hold_what_it_shows() {
    for block in all_blocks() {
        match classify(&block) {
            Ok(Kind::InFile { path }) => {
                let file = std::fs::read_to_string(root().join(&path)).unwrap();
                assert!(file.contains(&block.text), "{}: not in {path}", block.at());
            }
            Ok(Kind::Abridged { path }) => {
                let real = std::fs::read_to_string(root().join(&path)).unwrap();
                let real: serde_yaml::Value = serde_yaml::from_str(&real).unwrap();
                let shown: serde_yaml::Value = serde_yaml::from_str(&block.text).unwrap();
                assert!(
                    abridges(&shown, &real),
                    "{}: what it shows is not in {path}",
                    block.at()
                );
            }
            Ok(Kind::Layout) => {
                for line in block.text.lines() {
                    let Some(path) = line.split_whitespace().next() else {
                        continue;
                    };
                    if !line.starts_with(' ') && (path.ends_with('/') || path.contains('.')) {
                        assert!(
                            root().join(path).exists(),
                            "{}: the layout names {path}, which does not exist",
                            block.at()
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether `shown` is `real` with parts left out: every member it has, the
/// same; every item, one of the real ones; a text ending in `...`, the start
/// of the real one.
fn abridges(shown: &serde_yaml::Value, real: &serde_yaml::Value) -> bool {
    use serde_yaml::Value;
    match (shown, real) {
        (Value::Mapping(s), Value::Mapping(r)) => s
            .iter()
            .all(|(k, v)| r.get(k).is_some_and(|rv| abridges(v, rv))),
        (Value::Sequence(s), Value::Sequence(r)) => {
            s.iter().all(|item| r.iter().any(|ri| abridges(item, ri)))
        }
        (Value::String(s), Value::String(r)) => match s.strip_suffix("...") {
            Some(start) => r.starts_with(start.trim_end()),
            None => s == r,
        },
        (s, r) => s == r,
    }
}

#[test]
fn every_chapter_is_in_the_summary_and_every_link_of_the_manual_leads_somewhere() {
    let listed = chapters();
    for entry in std::fs::read_dir(book_src()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "SUMMARY.md" {
            assert!(listed.contains(&name), "SUMMARY.md does not list {name}");
        }
    }
    let mut files = manual();
    files.push(root().join("docs/vendors.md"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for link in links(&text) {
            if link.starts_with("http") || link.starts_with('#') {
                continue;
            }
            let path = link.split('#').next().unwrap();
            assert!(
                file.parent().unwrap().join(path).exists(),
                "{}: the link {link} leads nowhere",
                file.display()
            );
        }
    }
}

#[test]
fn the_readme_is_short_and_opens_with_the_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.lines().count() <= 200,
        "README.md has grown past 200 lines"
    );
    let two = "```sh\ncargo run -- run     # the shipped suite against the embedded reference servers\ncargo test           #";
    assert!(
        readme.contains(two),
        "README.md no longer shows the two commands"
    );
    assert!(readme.contains("mdbook serve docs/book"));
}
