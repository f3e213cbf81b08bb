//! Golden files: reading and compiling them, judging a response against one,
//! recording one (bless), and each dialect's version data. The runner, bless,
//! `diff`, `check` and the reports use [`Golden`] without knowing the format; a
//! new format is one module here and one variant of [`Golden`] and [`Body`].

pub mod between;
pub mod bless;
pub mod book;
pub mod contract;
mod json;
pub mod listing;
pub mod review;
pub mod unreferenced;
pub mod volatile;
mod xml;

use std::path::Path;

use crate::error::ConfigError;
use crate::placeholder::Bindings;
pub use crate::xml::compare::{Difference, DifferenceKind};

/// A compiled golden.
#[derive(Debug)]
pub enum Golden {
    /// An XML document (`.xml`), and the variables it names with their positions.
    Xml(
        crate::xml::expected::ExpectedElement,
        Vec<crate::xml::expected::Variable>,
    ),
    /// A JSON document (`.json`), and the variables it names with their positions.
    Json(
        crate::json::expected::Expected,
        Vec<crate::json::expected::Variable>,
    ),
}

/// A response body read in a golden's format.
pub enum Body<'d> {
    /// An XML document.
    Xml(&'d crate::xml::tree::Document<'d>),
    /// A JSON document.
    Json(&'d crate::json::Json),
}

impl Verdict {
    /// A response that matches: nothing to say, nothing to record.
    fn matched(bindings: Bindings) -> Verdict {
        Verdict {
            differences: Vec::new(),
            summary: String::new(),
            diff: String::new(),
            bindings,
            recorded: None,
        }
    }

    /// What a differing verdict says first: how many places, how many listed.
    fn summary(label: &str, listed: usize, n: usize) -> String {
        format!(
            "response differs from golden {label} in {n} place{}{}:",
            if n == 1 { "" } else { "s" },
            if n > listed {
                format!(" (the first {listed} listed)")
            } else {
                String::new()
            }
        )
    }
}

/// The unified diff of a golden and the response normalized toward it, both
/// printed; past 2 s the diff is coarser, never slower (a response unlike its
/// golden in every line must not stall the report), and it keeps its first
/// [`DIFF_LINES`] lines.
fn golden_diff(label: &str, golden_text: &str, actual_text: &str) -> String {
    let text = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_lines(golden_text, actual_text)
        .unified_diff()
        .context_radius(3)
        .header(label, "actual (normalized toward the golden)")
        .to_string();
    cut_lines(text, DIFF_LINES)
}

/// A diff with what it leaves out said below it, a line each (`allowed by
/// sc:extra="children" at /LogonSessions: 3 other elements left out of the
/// diff`): what the golden allowed is not shown, but is not hidden either.
fn with_notes(mut diff: String, notes: &[String]) -> String {
    for note in notes {
        diff.push_str(note);
        diff.push('\n');
    }
    diff
}

/// How many lines of a diff a verdict keeps: enough to read, not a second copy
/// of a document that differs everywhere.
const DIFF_LINES: usize = 400;

fn cut_lines(text: String, keep: usize) -> String {
    let Some((at, _)) = text.match_indices('\n').nth(keep - 1) else {
        return text;
    };
    let more = text[at + 1..].lines().count();
    if more == 0 {
        return text;
    }
    format!("{}... ({more} more lines of diff)\n", &text[..at + 1])
}

/// What judging a response against a golden found.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Every difference, with its path; none when the response matches.
    pub differences: Vec<Difference>,
    /// One line saying how many places differ.
    pub summary: String,
    /// The unified diff of the golden and the response normalized toward it
    /// (empty when the verdict was asked for bless, which records instead).
    pub diff: String,
    /// The bindings after the comparison (`{{origin}}` bound once seen).
    pub bindings: Bindings,
    /// The response normalized toward the golden, as bless writes it (when asked for).
    pub recorded: Option<String>,
}

impl Verdict {
    /// Whether the response matches the golden.
    pub fn is_match(&self) -> bool {
        self.differences.is_empty()
    }
}

/// What bless needs besides the response to write a golden.
#[derive(Debug, Clone, Copy)]
pub struct Recording<'r> {
    /// Secrets the response may echo: written as `{{any}}`.
    pub secrets: &'r [String],
    /// The dialect's documented volatile values: written as their placeholders.
    pub volatile: &'r [volatile::Volatile],
}

fn not_a_golden(path: &Path) -> ConfigError {
    ConfigError::file(
        path,
        "a golden is an .xml or a .json file (the extension says its format)",
    )
}

impl Golden {
    /// Reads and compiles a golden; its format is its extension. Every error
    /// names the file, line and column.
    pub fn load(path: &Path) -> Result<Golden, ConfigError> {
        let bytes = std::fs::read(path)
            .map_err(|e| ConfigError::file(path, format!("cannot read golden: {e}")))?;
        let (text, encoding) = crate::xml::decode(&bytes)
            .map_err(|e| ConfigError::file(path, format!("cannot read golden: {e}")))?;
        Golden::compile_as(path, &text, encoding)
    }

    /// Compiles a golden's `text`; `path` says its format and names it in errors.
    pub fn compile(path: &Path, text: &str) -> Result<Golden, ConfigError> {
        Golden::compile_as(path, text, crate::xml::Encoding::Utf8)
    }

    fn compile_as(
        path: &Path,
        text: &str,
        encoding: crate::xml::Encoding,
    ) -> Result<Golden, ConfigError> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("xml") => xml::compile(path, text, encoding).map(|(e, v)| Golden::Xml(e, v)),
            Some("json") => json::compile(path, text).map(|(e, v)| Golden::Json(e, v)),
            _ => Err(not_a_golden(path)),
        }
    }

    /// The golden as bless writes it: canonical, placeholders and markers kept.
    pub fn written(&self) -> String {
        match self {
            Golden::Xml(e, _) => xml::written_golden(e),
            Golden::Json(e, _) => json::written_golden(e),
        }
    }

    /// Whether the golden pins nothing at all: a root of any name, with
    /// nothing in it but allowances. A response always matches it.
    pub fn pins_nothing(&self) -> bool {
        match self {
            Golden::Xml(e, _) => {
                e.directives.any_name
                    && e.attrs.is_empty()
                    && e.text.as_ref().is_none_or(|t| t.raw() == "{{any}}")
                    && e.children.is_empty()
            }
            Golden::Json(crate::json::expected::Expected::Object(o), _) => {
                o.members.is_empty() && o.extra
            }
            Golden::Json(crate::json::expected::Expected::Array(a), _) => {
                a.items.is_empty() && a.extra
            }
            Golden::Json(..) => false,
        }
    }

    /// The variables its `{{NAME}}` placeholders name, with line and column.
    pub fn variables(&self) -> Vec<(String, u32, u32)> {
        match self {
            Golden::Xml(_, variables) => variables.clone(),
            Golden::Json(_, variables) => variables
                .iter()
                .map(|v| (v.name.clone(), v.line, v.col))
                .collect(),
        }
    }

    /// Judges `body` against this golden. `record` asks for the text bless would write.
    pub fn judge(
        &self,
        label: &str,
        body: &Body,
        bindings: &Bindings,
        record: Option<Recording>,
        stop: crate::stop::Stop,
    ) -> Result<Verdict, String> {
        match (self, body) {
            (Golden::Xml(expected, _), Body::Xml(doc)) => {
                Ok(xml::judge(label, expected, doc, bindings, record, stop))
            }
            (Golden::Json(expected, _), Body::Json(doc)) => {
                let mut verdict = json::judge(label, expected, doc, bindings);
                if let (Some(r), false) = (record, verdict.differences.is_empty()) {
                    verdict.recorded = Some(json::record_toward(expected, doc, bindings, r));
                }
                Ok(verdict)
            }
            (Golden::Xml(..), Body::Json(_)) => {
                Err(format!("golden {label} is XML, and the response is JSON"))
            }
            (Golden::Json(..), Body::Xml(_)) => {
                Err(format!("golden {label} is JSON, and the response is XML"))
            }
        }
    }

    /// Judges a response given as text (`sessionconf diff`): read in the golden's format.
    pub fn judge_text(
        &self,
        label: &str,
        text: &str,
        encoding: crate::xml::Encoding,
        bindings: &Bindings,
    ) -> Result<Verdict, String> {
        match self {
            Golden::Xml(..) => {
                let doc = crate::xml::parse_as(text, encoding).map_err(|e| {
                    format!("{}:{}: not well-formed XML: {}", e.line, e.col, e.message)
                })?;
                self.judge(label, &Body::Xml(&doc), bindings, None, Default::default())
            }
            Golden::Json(..) => {
                let doc = crate::json::parse(text)
                    .map_err(|e| format!("{e}: not a JSON document this tool reads"))?;
                self.judge(label, &Body::Json(&doc), bindings, None, Default::default())
            }
        }
    }
}

/// A new golden recorded from a response that has none yet, with the bound
/// values written back as their placeholders.
pub fn record(body: &Body, bindings: &Bindings, recording: Recording) -> String {
    match body {
        Body::Xml(doc) => xml::record(doc, bindings, recording),
        Body::Json(doc) => json::record(doc, bindings, recording),
    }
}

/// One golden from what several uses recorded (`(who, text)`, at least one):
/// what they share is kept, what differs is generalized (see
/// [`crate::xml::merge`]), with a line for each thing generalized.
pub fn merge(path: &Path, texts: &[(&str, String)]) -> Result<(String, Vec<String>), String> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("xml") => xml::merge(path, texts),
        Some("json") => json::merge(texts),
        _ => Err(not_a_golden(path).to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_diff_is_cut_and_says_how_much_is_left_out() {
        let text: String = (1..=10).map(|i| format!("line {i}\n")).collect();
        let cut = super::cut_lines(text.clone(), 4);
        assert_eq!(
            cut,
            "line 1\nline 2\nline 3\nline 4\n... (6 more lines of diff)\n"
        );
        assert_eq!(super::cut_lines(text.clone(), 10), text);
        assert_eq!(super::cut_lines(text.clone(), 11), text);
    }
}
