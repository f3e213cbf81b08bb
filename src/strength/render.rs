//! Strength as the console shows it, and as JSON.

use std::fmt::Write;

use super::Strength;

/// Each fault caught or missed (with the trial that caught it), each variant
/// passed or alarmed, and the score.
pub fn console(strength: &Strength) -> String {
    let mut out = String::new();
    for b in strength.baseline.iter().filter(|b| !b.failed.is_empty()) {
        let _ = writeln!(
            out,
            "the suite fails against the unbroken {} server ({}): no fault can be counted caught; fix these first (`sessionconf run --profile {}`):",
            b.dialect, b.profile, b.profile
        );
        for f in &b.failed {
            let _ = writeln!(out, "  {f}");
        }
    }
    let _ = writeln!(out, "faults:");
    for f in &strength.faults {
        let verdict = match (f.applies, f.caught) {
            (false, _) => "n/a",
            (true, true) => "caught",
            (true, false) => "MISSED",
        };
        let _ = write!(
            out,
            "  {verdict:<7} {} ({}, {}) breaks {}",
            f.name, f.dialect, f.profile, f.requirement
        );
        // The trial whose failed step names the fault's requirement says most.
        let naming = f
            .caught_by
            .iter()
            .find(|c| c.breaks.contains(&f.requirement));
        match naming.or(f.caught_by.first()) {
            Some(by) => {
                let more = f.caught_by.len() - 1;
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                let _ = writeln!(out, ": {by}{more}");
            }
            None if !f.applies => {
                let _ = writeln!(out, ": that requirement does not hold on {}", f.profile);
            }
            None if !f.requirement_covered => {
                let _ = writeln!(out, ": no step covers that requirement");
            }
            None if !f.requirement_checked => {
                let _ = writeln!(out, ": no step that covers it ran against {}", f.profile);
            }
            None => {
                let _ = writeln!(out, ": the steps that cover it did not fail");
            }
        }
    }
    let _ = writeln!(out, "variants:");
    for v in &strength.variants {
        let verdict = if v.false_alarm { "ALARM" } else { "passed" };
        let _ = write!(
            out,
            "  {verdict:<7} {} ({}, {})",
            v.name, v.dialect, v.profile
        );
        match v.alarms.first() {
            Some(a) => {
                let _ = writeln!(out, ": {a}");
            }
            None => out.push('\n'),
        }
    }
    let counted: Vec<_> = strength.faults.iter().filter(|f| f.applies).collect();
    let caught = counted.iter().filter(|f| f.caught).count();
    let quiet = strength.variants.iter().filter(|v| !v.false_alarm).count();
    let _ = writeln!(
        out,
        "{caught}/{} faults caught, {quiet}/{} variants passed without a false alarm; score {:.2}",
        counted.len(),
        strength.variants.len(),
        strength.score()
    );
    out
}

/// `{"faults": [...], "variants": [...], "baseline": [...], "score", "passed"}`.
pub fn json(strength: &Strength) -> String {
    let value = serde_json::json!({
        "tool": "sessionconf",
        "version": env!("CARGO_PKG_VERSION"),
        "score": (strength.score() * 1000.0).round() / 1000.0,
        "passed": strength.passed(),
        "baseline": strength.baseline,
        "faults": strength.faults,
        "variants": strength.variants,
    });
    let mut text = serde_json::to_string_pretty(&value).expect("strength serializes");
    text.push('\n');
    text
}
