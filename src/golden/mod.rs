//! Golden files: reading and compiling them, and writing them (bless).

pub mod bless;
pub mod versions;

use std::path::Path;

use crate::error::ConfigError;
use crate::xml::expected::ExpectedElement;

/// Reads and compiles a golden; every error names the file, line and column.
pub fn load(path: &Path) -> Result<ExpectedElement, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::file(path, format!("cannot read golden: {e}")))?;
    ExpectedElement::compile(&text).map_err(|e| ConfigError::at(path, e.line, e.col, e.message))
}

/// How a response differs from its golden, ready to report.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub summary: String,
    pub differences: Vec<String>,
    /// Unified diff of the golden and the response normalized toward it.
    pub diff: String,
}

pub fn mismatch(
    label: &str,
    expected: &ExpectedElement,
    comparison: &crate::xml::compare::Comparison,
) -> Mismatch {
    use crate::xml::canonical::Element;
    use crate::xml::pretty::{to_pretty_string, Directives};
    let n = comparison.differences.len();
    let golden_text = to_pretty_string(&Element::golden(expected), Directives::Drop);
    let actual_text = match &comparison.normalized {
        Some(normalized) => to_pretty_string(normalized, Directives::Drop),
        None => golden_text.clone(),
    };
    let diff = similar::TextDiff::from_lines(&golden_text, &actual_text)
        .unified_diff()
        .context_radius(3)
        .header(label, "actual (normalized toward the golden)")
        .to_string();
    Mismatch {
        summary: format!(
            "response differs from golden {label} in {n} place{}:",
            if n == 1 { "" } else { "s" }
        ),
        differences: comparison
            .differences
            .iter()
            .map(|d| format!("  {d}"))
            .collect(),
        diff,
    }
}
