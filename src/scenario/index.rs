//! The trial names a scenario file makes, read without loading the file, so
//! that a run whose filter selects a few trials (nextest runs one per process)
//! checks and compiles only their files. The names come from the same matrix
//! code a load uses; when a quick look at the top-level keys cannot be sure of
//! them, the file's `name` and `matrix` are read as YAML, and when that fails
//! too the file is loaded as if selected, so its error is still reported.

use std::path::Path;

use serde::Deserialize;

use super::model::Matrix;
use super::yaml::parse_yaml;

/// A scenario file's name and the ids of its trials (`DIALECT::NAME[...]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Head {
    pub name: String,
    pub ids: Vec<String>,
}

/// The trial ids a load of `text` would make, or `None` when only loading
/// it can tell (it does not read, or its name is one a load refuses).
pub(super) fn head(file: &Path, text: &str, dialect: &str) -> Option<Head> {
    // A matrix block that does not read alone (an alias of an anchor
    // elsewhere in the file) is read with the whole file.
    let quick = top_level(text).and_then(|quick| match quick.matrix {
        Some(block) => plain_matrix(block)
            .or_else(|| Some(parse_yaml::<MatrixOnly>(file, block).ok()?.matrix))
            .map(|m| (quick.name.to_string(), m)),
        None => Some((quick.name.to_string(), Matrix::default())),
    });
    let (name, matrix) = match quick {
        Some(found) => found,
        None => {
            let whole = parse_yaml::<NameAndMatrix>(file, text).ok()?;
            (whole.name, whole.matrix)
        }
    };
    if name.trim().is_empty() || name.contains("::") {
        return None;
    }
    let ids = super::matrix::combinations(&matrix)
        .iter()
        .map(|combo| super::matrix::trial_id(dialect, &name, combo))
        .collect();
    Some(Head { name, ids })
}

#[derive(Deserialize)]
struct MatrixOnly {
    #[serde(default)]
    matrix: Matrix,
}

#[derive(Deserialize)]
struct NameAndMatrix {
    name: String,
    #[serde(default)]
    matrix: Matrix,
}

/// The `name` value and the `matrix:` block's text, read line by line.
#[derive(Debug, PartialEq, Eq)]
struct Quick<'t> {
    name: &'t str,
    matrix: Option<&'t str>,
}

/// Reads the top-level keys of a block mapping: lines at column 0 are keys,
/// comments or `- ` entries, as long as no line leaves a quoted scalar or a
/// flow collection open (then a later line at column 0 might be inside it).
/// Anything else (documents, anchors, quoted keys or keys after a tab or a
/// byte-order mark, a name that is not plain) is `None`, and the file is read
/// as YAML instead.
fn top_level(text: &str) -> Option<Quick<'_>> {
    let mut name = None;
    let mut matrix: Option<(usize, Option<usize>)> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if !line_is_closed(line) {
            return None;
        }
        let Some(first) = line.bytes().next() else {
            continue;
        };
        if matches!(first, b' ' | b'#') || line == "-" || line.starts_with("- ") {
            continue;
        }
        let (key, value) = key_and_value(line)?;
        if let Some((_, end @ None)) = &mut matrix {
            *end = Some(start);
        }
        match key {
            "name" if name.is_none() => name = Some(plain_name(value)?),
            "matrix" if matrix.is_none() => matrix = Some((start, None)),
            "name" | "matrix" => return None,
            _ => {}
        }
    }
    let matrix = matrix.map(|(from, to)| &text[from..to.unwrap_or(text.len())]);
    Some(Quick {
        name: name?,
        matrix,
    })
}

/// A matrix block written as `VAR: [value, ...]` lines of plain values (the
/// form nearly every scenario uses), read without a YAML parser; any other
/// form is `None` and read as YAML.
fn plain_matrix(block: &str) -> Option<Matrix> {
    let mut lines = block.lines().map(|l| l.trim_end_matches('\r'));
    let first = lines.next()?;
    if !matches!(without_comment(first).trim_end(), "matrix:") {
        return None;
    }
    let mut matrix = Matrix::default();
    for line in lines {
        let content = without_comment(line).trim();
        if content.is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            return None;
        }
        let (name, values) = content.split_once(": ")?;
        let simple = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if name.is_empty() || !name.chars().all(simple) || name == "exclude" {
            return None;
        }
        let list = values.trim().strip_prefix('[')?.strip_suffix(']')?;
        let values = list
            .split(',')
            .map(|v| {
                Some(super::model::MatrixValue {
                    label: plain_name(v)?.to_string(),
                    vars: Default::default(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        if matrix.dimensions.insert(name.to_string(), values).is_some() {
            return None;
        }
    }
    Some(matrix)
}

/// A line less a comment (` #` or `#` at its start), for lines with no quotes.
fn without_comment(line: &str) -> &str {
    if line.contains(['"', '\'']) {
        return line;
    }
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// `key: value` at column 0 with a key of letters, digits, `_` and `-`.
fn key_and_value(line: &str) -> Option<(&str, &str)> {
    let colon = line.find(':')?;
    let (key, rest) = (&line[..colon], &line[colon + 1..]);
    let simple = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if key.is_empty() || !key.chars().all(simple) || key.starts_with('-') {
        return None;
    }
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest))
}

/// A name written plain (letters first, then letters, digits, `_`, `-`, `.`),
/// less a trailing comment; a value YAML might read as something other than
/// that text (`null`, `yes`, a number, quotes, an anchor) is `None`.
fn plain_name(value: &str) -> Option<&str> {
    let value = match value.find(" #") {
        Some(i) => &value[..i],
        None => value,
    }
    .trim();
    let mut chars = value.chars();
    let first = chars.next()?;
    let plain = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let special = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(value));
    (plain && !special).then_some(value)
}

/// Whether a line closes every quoted scalar and flow collection it opens. A
/// quote opens a scalar only where a scalar starts (a quote inside plain text,
/// as in `it's`, is text); ` #` outside quotes starts a comment.
fn line_is_closed(line: &str) -> bool {
    let b = line.as_bytes();
    if !b.iter().any(|c| matches!(c, b'"' | b'\'' | b'[' | b'{')) {
        return true;
    }
    let mut depth = 0usize;
    let mut at_start = true;
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        let blank_or_end = next.is_none_or(|n| n == b' ');
        match b[i] {
            b'#' if i == 0 || b[i - 1] == b' ' => break,
            b' ' => {}
            quote @ (b'"' | b'\'') if at_start => match closing_quote(b, i + 1, quote) {
                Some(end) => {
                    i = end;
                    at_start = false;
                }
                None => return false,
            },
            b'[' | b'{' if at_start || depth > 0 => {
                depth += 1;
                at_start = true;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                at_start = false;
            }
            b',' if depth > 0 => at_start = true,
            b':' if blank_or_end || (depth > 0 && matches!(next, Some(b',' | b']' | b'}'))) => {
                at_start = true
            }
            b'-' | b'?' if at_start && blank_or_end => {}
            _ => at_start = false,
        }
        i += 1;
    }
    depth == 0
}

/// Where the quoted scalar opened just before `from` ends (its closing
/// quote's index), if it ends on this line.
fn closing_quote(b: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(text: &str) -> Option<(String, Option<String>)> {
        top_level(text).map(|q| (q.name.to_string(), q.matrix.map(str::to_string)))
    }

    #[test]
    fn reads_the_name_and_the_matrix_block_of_a_plain_file() {
        let text = "# a comment\nname: list-sessions # trailing\ndescription: it's \"fine\"\n\
                    matrix:\n  # formats\n  format: [xml, json]\n\
                    steps:\n- name: inner\n  request: { path: x }\n";
        let (name, matrix) = quick(text).unwrap();
        assert_eq!(name, "list-sessions");
        assert_eq!(
            matrix.as_deref(),
            Some("matrix:\n  # formats\n  format: [xml, json]\n")
        );
        let found = head(Path::new("s.yaml"), text, "d").unwrap();
        assert_eq!(
            found.ids,
            [
                "d::list-sessions[format=xml]",
                "d::list-sessions[format=json]"
            ]
        );
        let last = "steps: []\nmatrix: { api: [v1, v2] }";
        assert_eq!(
            quick(&format!("name: a\n{last}")).unwrap().1.as_deref(),
            Some("matrix: { api: [v1, v2] }")
        );
    }

    #[test]
    fn is_unsure_of_whatever_could_hide_or_change_a_top_level_key() {
        for text in [
            "description: \"open\nname: hidden\"\nname: real\n",
            "description: 'open\nname: hidden'\nname: real\n",
            "tags: [a,\nname: hidden]\nname: real\n",
            "tags: {a: 1,\nname: hidden}\nname: real\n",
            "name: a\nname: b\n",
            "name: a\nmatrix: {}\nmatrix: {}\n",
            "name: null\n",
            "name: Yes\n",
            "name: 12\n",
            "name: \"quoted\"\n",
            "name: &anchor a\n",
            "name: a::b\n",
            "\"name\": a\n",
            "name : a\n",
            "---\nname: a\n",
            "%YAML 1.2\n---\nname: a\n",
            "name:\ta\n",
            "\u{feff}name: a\n",
            "<<: *base\nname: a\n",
            "description: no name\n",
        ] {
            assert_eq!(quick(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_file_the_quick_look_is_unsure_of_is_read_as_yaml() {
        let text = "name: \"list\"\nmatrix:\n  format: &f [xml]\nother: *f\n";
        assert!(quick(text).is_none());
        let found = head(Path::new("s.yaml"), text, "d").unwrap();
        assert_eq!(found.name, "list");
        assert_eq!(found.ids, ["d::list[format=xml]"]);
        // A matrix that needs an anchor from elsewhere in the file.
        let text = "base: &f [xml, json]\nname: list\nmatrix:\n  format: *f\nsteps: []\n";
        assert_eq!(head(Path::new("s.yaml"), text, "d").unwrap().ids.len(), 2);
        // What only a load can tell is left to the load.
        assert_eq!(head(Path::new("s.yaml"), "name: [\n", "d"), None);
        assert_eq!(head(Path::new("s.yaml"), "name: a::b\n", "d"), None);
        assert_eq!(head(Path::new("s.yaml"), "name: \"\"\n", "d"), None);
        assert_eq!(head(Path::new("s.yaml"), "steps: []\n", "d"), None);
    }

    #[test]
    fn quotes_and_flows_that_close_on_their_line_are_fine() {
        for line in [
            "name: a",
            "  - { name: administrator, user: \"${user}\" }",
            "  description: it's plain text with 'quotes' inside",
            "  x: \"escaped \\\" quote\"",
            "  y: 'doubled '' quote'",
            "  z: [a, [b, c], {d: e}] # comment with an open [ and a '",
            "# don't",
            "  url: http://host:80/a?b=[c]",
        ] {
            assert!(line_is_closed(line), "{line}");
        }
        for line in [
            "  a: \"open",
            "  a: 'open",
            "  - [a,",
            "  b: {c: d,",
            "  x: \"ends with a backslash \\\"",
        ] {
            assert!(!line_is_closed(line), "{line}");
        }
    }

    #[test]
    fn every_shipped_scenario_is_named_at_a_glance_as_its_load_names_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dialect in ["veeam-em", "commvault"] {
            let dir = root.join("scenarios").join(dialect);
            let mut files = Vec::new();
            super::super::load::collect_yaml(&dir, &mut files).unwrap();
            for file in files {
                let text = std::fs::read_to_string(&file).unwrap();
                let quick = top_level(&text);
                assert!(quick.is_some(), "{}: not read at a glance", file.display());
                let loaded =
                    super::super::load_trials(&file, dialect, &root.join("golden"), true).unwrap();
                let ids: Vec<String> = loaded.into_iter().map(|t| t.id).collect();
                assert_eq!(head(&file, &text, dialect).unwrap().ids, ids);
                let crlf = text.replace('\n', "\r\n");
                assert_eq!(
                    head(&file, &crlf, dialect).unwrap().ids,
                    ids,
                    "{}",
                    file.display()
                );
                seen += 1;
            }
        }
        assert!(seen >= 17, "{seen}");
    }

    #[test]
    fn a_plain_matrix_reads_as_yaml_reads_it_and_anything_else_is_left_to_yaml() {
        let labels = |m: &Matrix| -> Vec<String> {
            super::super::matrix::combinations(m)
                .iter()
                .map(|c| super::super::matrix::label(c))
                .collect()
        };
        for block in [
            "matrix:\n  format: [xml, json]\n",
            "matrix: # why\n  # formats\n  api: [latest, v1_5] # two\n\n  format: [xml]\r\n",
        ] {
            let quick = plain_matrix(block).unwrap_or_else(|| panic!("{block:?}"));
            let yaml = parse_yaml::<MatrixOnly>(Path::new("m"), block)
                .unwrap()
                .matrix;
            assert_eq!(labels(&quick), labels(&yaml), "{block:?}");
        }
        for block in [
            "matrix: { format: [xml] }\n",
            "matrix:\n  format: [1, 2]\n",
            "matrix:\n  format: [\"xml\"]\n",
            "matrix:\n  format: [xml, null]\n",
            "matrix:\n  format: []\n",
            "matrix:\n  format:\n    - xml\n",
            "matrix:\n  account:\n    - { name: a, user: u }\n",
            "matrix:\n  format: [xml]\n  exclude: [{ format: xml }]\n",
            "matrix:\n  format: [xml]\n  format: [json]\n",
            "matrix:\n  : [xml]\n",
            "matrix:\n  format: [xml]\n  exclude: [xml]\n",
            "matrix:\n  for-mat: [xml]\n",
            "matrix:\n  format: &f [xml]\n",
            "matrix:\nformat: [xml]\n",
        ] {
            assert!(plain_matrix(block).is_none(), "{block:?}");
        }
    }
}
