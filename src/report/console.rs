//! The text of a scenario's outcome, for a terminal or a log: coloured on a
//! terminal, plain when `NO_COLOR` is set or output goes elsewhere.

use std::fmt::Write;
use std::io::IsTerminal;

use super::{FailureKind, Phase, ScenarioOutcome, Status};
use crate::outcome::{Failure, Message};

/// Whether to colour output written to stdout or stderr.
pub fn use_color(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether to colour what is printed on stdout.
pub fn stdout_color() -> bool {
    use_color(std::io::stdout().is_terminal())
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("{code}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// How much of a body the console shows (reports keep more).
const CONSOLE_BODY: usize = 2000;

/// Every step of a scenario, failures in detail with the response that failed.
pub fn render(outcome: &ScenarioOutcome, color: bool) -> String {
    render_with(outcome, color, false)
}

/// As [`render`]; `verbose` also shows every step's request and response.
pub fn render_with(outcome: &ScenarioOutcome, color: bool, verbose: bool) -> String {
    let mut out = String::new();
    let scenario_verdict = verdict(outcome.status, color);
    let _ = writeln!(
        out,
        "{} {} ({}) in {:.0} ms",
        paint(&outcome.trial, BOLD, color),
        scenario_verdict,
        outcome.file,
        outcome.duration_ms
    );
    if let Some(note) = &outcome.note {
        let _ = writeln!(out, "  {note}");
    }
    for step in &outcome.steps {
        let phase = match step.phase {
            Phase::Steps => "step",
            Phase::Finally => "finally",
        };
        if step.status == Status::NotRun {
            // Never sent: one line, and why.
            let why = step.note.as_deref().unwrap_or("an earlier step failed");
            let _ = writeln!(out, "  {phase} `{}`: not run ({why})", step.name);
            continue;
        }
        let status = match step.status {
            Status::Passed => paint("ok", GREEN, color),
            other => verdict(other, color),
        };
        let request = step.request.as_deref().unwrap_or("(not sent)");
        let response = step
            .response_status
            .map(|s| format!(" -> {s}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {phase} `{}`: {request}{response} {status}",
            step.name
        );
        if let Some(note) = &step.note {
            let _ = writeln!(out, "    {note}");
        }
        if let Some(path) = &step.blessed {
            let _ = writeln!(out, "    blessed {path}");
        }
        for line in failure_lines(&step.failures, usize::MAX, color) {
            let _ = writeln!(out, "{line}");
        }
        for broken in &step.breaks {
            let _ = writeln!(out, "    breaks {}: {}", broken.id, broken.text);
        }
        if let Some(diff) = &step.diff {
            for line in paint_diff(diff, color).lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        if verbose {
            write_message(&mut out, "request", step.sent.as_ref());
        }
        if verbose || step.status == Status::Failed {
            write_message(&mut out, "response", step.received.as_ref());
        }
    }
    out
}

/// A step's failures as the run prints them under the step, one line each:
/// the first `limit`, then how many more (`strength` shows a few of them
/// under a false alarm, in the same words).
pub fn failure_lines(failures: &[Failure], limit: usize, color: bool) -> Vec<String> {
    // A golden's differences are listed under its summary line.
    let indent = |f: &Failure| {
        if f.kind == FailureKind::Difference {
            "      "
        } else {
            "    "
        }
    };
    let mut lines: Vec<String> = failures
        .iter()
        .take(limit)
        .map(|f| format!("{}{}", indent(f), paint(&f.message, RED, color)))
        .collect();
    if let Some(next) = failures.get(limit) {
        let more = failures.len() - limit;
        lines.push(format!("{}and {more} more", indent(next)));
    }
    lines
}

/// A request or response: start line, headers, and the body's first part.
fn write_message(out: &mut String, what: &str, message: Option<&Message>) {
    let Some(m) = message else {
        return;
    };
    let _ = writeln!(out, "    {what}: {}", m.start);
    for (name, value) in &m.headers {
        let _ = writeln!(out, "      {name}: {value}");
    }
    let Some(body) = &m.body else {
        return;
    };
    let (shown, cut) = crate::run::record::cut(body, CONSOLE_BODY);
    for line in shown.lines() {
        let _ = writeln!(out, "      | {line}");
    }
    let omitted = cut + m.omitted_bytes;
    if omitted > 0 {
        let _ = writeln!(out, "      | ... {omitted} more bytes");
    }
}

fn verdict(status: Status, color: bool) -> String {
    match status {
        Status::Passed => paint("passed", GREEN, color),
        Status::Failed => paint("FAILED", RED, color),
        Status::KnownDeviation => paint("known deviation", YELLOW, color),
        other => other.label().to_string(),
    }
}

/// A unified diff with removed lines red and added lines green.
pub fn paint_diff(diff: &str, color: bool) -> String {
    let mut out = String::new();
    for line in diff.lines() {
        let painted = if line.starts_with("+++") || line.starts_with("---") {
            paint(line, BOLD, color)
        } else if line.starts_with('+') {
            paint(line, GREEN, color)
        } else if line.starts_with('-') {
            paint(line, RED, color)
        } else if line.starts_with("@@") {
            paint(line, CYAN, color)
        } else {
            line.to_string()
        };
        out.push_str(&painted);
        out.push('\n');
    }
    out
}

/// What `sessionconf diff` prints for a mismatch.
pub fn render_mismatch(mismatch: &crate::golden::Verdict, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint(&mismatch.summary, RED, color));
    for d in &mismatch.differences {
        let _ = writeln!(out, "  {d}");
    }
    out.push_str(&paint_diff(&mismatch.diff, color));
    out
}

/// The end of a run: each target with what the run learned of it, the matrix
/// of scenarios against targets when there are several, the verdicts per
/// target and area, then the count of each verdict and the sessions left open.
/// Everything, as `--verbose` shows it: see [`render_summary_with`].
pub fn render_summary(summary: &super::RunSummary) -> String {
    render_summary_with(summary, true)
}

/// As [`render_summary`]; without `verbose`, the notes a user cannot act on
/// are left out: what the probe did not learn (an unknown version,
/// capabilities not read) and the known deviations no step showed.
pub fn render_summary_with(summary: &super::RunSummary, verbose: bool) -> String {
    let mut out = String::new();
    let names = super::tally::target_names(summary);
    let several = names.len() > 1;
    for t in &summary.targets {
        let profile = t
            .profile
            .as_deref()
            .map(|p| format!(" (reference server {p})"))
            .unwrap_or_default();
        let name = if several {
            format!("{}: ", t.name)
        } else {
            String::new()
        };
        let learned = learned(t, verbose);
        let _ = writeln!(out, "{name}{}: {}{profile}{learned}", t.dialect, t.endpoint);
        if verbose && !t.deviations_unseen.is_empty() {
            let _ = writeln!(
                out,
                "  known deviations of this version no step showed (stale knowledge, or the server answered as documented): {}",
                t.deviations_unseen.join(", ")
            );
        }
    }
    if several {
        write_matrix(&mut out, &super::tally::matrix(summary));
    }
    write_conformance(&mut out, summary, several);
    let left_open = summary.sessions_left_open_text();
    let _ = writeln!(
        out,
        "{}: {} passed, {} known deviation, {} not applicable, {} failed; sessions left open: {left_open}",
        crate::words::counted(summary.scenarios.len(), "trial"),
        summary.count(Status::Passed),
        summary.count(Status::KnownDeviation),
        summary.count(Status::NotApplicable),
        summary.count(Status::Failed),
    );
    if !summary.not_run.is_empty() {
        let _ = writeln!(out, "not run (interrupted): {}", summary.not_run.join(", "));
    }
    out
}

/// `, API version V, capabilities: C` as far as the probe learned them. Quiet,
/// what it did not learn is left out (an unknown version, capabilities not
/// read: nothing a user can act on); verbose, it is said.
fn learned(t: &super::TargetInfo, verbose: bool) -> String {
    let mut out = String::new();
    match t.version.as_deref() {
        Some(v) => out.push_str(&format!(", API version {v}")),
        None if verbose => out.push_str(", API version unknown"),
        None => {}
    }
    if verbose || t.capabilities_unread.is_empty() {
        out.push_str(&format!(", capabilities: {}", capabilities_line(t)));
    } else if !t.capabilities.is_empty() {
        out.push_str(&format!(", capabilities: {}", t.capabilities.join(", ")));
    }
    out
}

/// The capabilities a target showed, then those the run did not read: unknown,
/// so said apart from absent ones.
pub(crate) fn capabilities_line(t: &super::TargetInfo) -> String {
    let shown = if t.capabilities.is_empty() {
        "none".to_string()
    } else {
        t.capabilities.join(", ")
    };
    if t.capabilities_unread.is_empty() {
        shown
    } else {
        format!("{shown} ({} not read)", t.capabilities_unread.join(", "))
    }
}

/// Scenarios down, targets across, a word per cell.
fn write_matrix(out: &mut String, matrix: &super::tally::Matrix) {
    let first = matrix
        .rows
        .iter()
        .map(|r| r.0.len())
        .max()
        .unwrap_or(0)
        .max(8);
    let widths: Vec<usize> = matrix.targets.iter().map(|t| t.len().max(10)).collect();
    let mut line = format!("{:first$}", "scenario");
    for (t, w) in matrix.targets.iter().zip(&widths) {
        let _ = write!(line, "  {t:w$}");
    }
    let _ = writeln!(out, "\n{}", line.trim_end());
    for (id, cells) in &matrix.rows {
        line = format!("{id:first$}");
        for (c, w) in cells.iter().zip(&widths) {
            let _ = write!(line, "  {:w$}", c.word());
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
}

/// Per target, each area's verdicts.
fn write_conformance(out: &mut String, summary: &super::RunSummary, several: bool) {
    let rows = super::tally::conformance(summary);
    if rows.is_empty() {
        return;
    }
    out.push_str("by area (passed/failed/known deviation/not applicable):");
    let mut current: Option<&str> = None;
    for row in &rows {
        if current != Some(row.target.as_str()) {
            current = Some(row.target.as_str());
            if several {
                let _ = write!(out, "\n  {}:", row.target);
            } else {
                out.push_str("\n ");
            }
        }
        let t = row.tally;
        let _ = write!(
            out,
            " {} {}/{}/{}/{}",
            row.area, t.passed, t.failed, t.known_deviation, t.not_applicable
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Failure, StepOutcome};
    use crate::report::{RunSummary, TargetInfo};

    fn message(start: &str, body: Option<String>, omitted_bytes: usize) -> Message {
        Message {
            start: start.into(),
            headers: vec![("content-type".into(), "application/xml".into())],
            body,
            omitted_bytes,
        }
    }

    fn scenario(steps: Vec<StepOutcome>) -> ScenarioOutcome {
        ScenarioOutcome {
            id: "d::s".into(),
            target: "embedded".into(),
            trial: "d::s".into(),
            name: "s".into(),
            dialect: "d".into(),
            file: "s.yaml".into(),
            description: String::new(),
            tags: Vec::new(),
            status: Status::Failed,
            note: None,
            steps,
            sessions: Vec::new(),
            duration_ms: 1.0,
        }
    }

    #[test]
    fn a_failed_steps_response_is_shown_and_verbose_shows_every_exchange() {
        let mut ok = StepOutcome::new("logon", Phase::Steps);
        ok.sent = Some(message("POST http://h/login", Some("<Login/>".into()), 0));
        ok.received = Some(message("201 Created", Some("<Session/>".into()), 0));
        let mut failed = StepOutcome::new("list", Phase::Steps);
        failed.fail(Failure::new(
            FailureKind::Status,
            "status 400, expected 200",
        ));
        failed.sent = Some(message("GET http://h/list", None, 0));
        let long = format!("<Error>{}</Error>\nsecond line", "x".repeat(3000));
        failed.received = Some(message("400 Bad Request", Some(long), 10));
        let outcome = scenario(vec![ok, failed]);
        let text = render(&outcome, false);
        assert!(text.contains("    response: 400 Bad Request\n      content-type: application/xml\n      | <Error>xxx"), "{text}");
        // The console shows the first 2000 bytes; the rest, and what the report left out, is counted.
        assert!(
            text.contains(&format!(
                "      | ... {} more bytes",
                3000 + 15 - 2000 + 10 + 12
            )),
            "{text}"
        );
        assert!(!text.contains("second line"), "{text}");
        assert!(
            !text.contains("201 Created") && !text.contains("request:"),
            "{text}"
        );
        assert_eq!(text.matches("more bytes").count(), 1, "{text}");
        let verbose = render_with(&outcome, false, true);
        // Only the long body is cut.
        assert_eq!(verbose.matches("more bytes").count(), 1, "{verbose}");
        for shown in [
            "request: POST http://h/login",
            "      | <Login/>",
            "response: 201 Created",
            "request: GET http://h/list",
        ] {
            assert!(verbose.contains(shown), "{shown}: {verbose}");
        }
    }

    #[test]
    fn the_summary_names_targets_counts_and_what_did_not_run() {
        let target = |caps: &[&str], unread: &[&str]| TargetInfo {
            name: "embedded".into(),
            dialect: "veeam-em".into(),
            endpoint: "http://h/api/".into(),
            profile: Some("em-12".into()),
            version: Some("v1_7".into()),
            capabilities: caps.iter().map(|c| c.to_string()).collect(),
            capabilities_unread: unread.iter().map(|c| c.to_string()).collect(),
            deviations_unseen: Vec::new(),
            probe_sessions: Vec::new(),
            requirements: Vec::new(),
        };
        let mut step = crate::outcome::StepOutcome::new("sessions", crate::outcome::Phase::Finally);
        step.fail(crate::outcome::Failure::new(
            FailureKind::SessionLeftOpen,
            "left open",
        ));
        step.fail(crate::outcome::Failure::new(
            FailureKind::Status,
            "status 500",
        ));
        let leaking = ScenarioOutcome {
            id: "veeam-em::leak".into(),
            target: "embedded".into(),
            trial: "veeam-em::leak".into(),
            name: "leak".into(),
            dialect: "veeam-em".into(),
            file: "leak.yaml".into(),
            description: String::new(),
            tags: Vec::new(),
            status: Status::Failed,
            note: None,
            steps: vec![step],
            sessions: Vec::new(),
            duration_ms: 1.0,
        };
        let summary = RunSummary {
            targets: vec![
                target(&[], &[]),
                target(&["cloud-connect", "nas"], &[]),
                target(&["nas"], &["cloud-connect", "tape"]),
            ],
            scenarios: vec![leaking],
            not_run: vec!["veeam-em::a".into()],
            interrupted: true,
        };
        let text = render_summary(&summary);
        assert!(text.contains("veeam-em: http://h/api/ (reference server em-12), API version v1_7, capabilities: none\n"), "{text}");
        assert!(
            text.contains("capabilities: cloud-connect, nas\n"),
            "{text}"
        );
        // Not read is unknown: said apart from what the server did not show.
        assert!(
            text.contains("capabilities: nas (cloud-connect, tape not read)\n"),
            "{text}"
        );
        assert!(text.contains("1 trial: 0 passed, 0 known deviation, 0 not applicable, 1 failed; sessions left open: 1"), "{text}");
        // Quiet, what the probe did not learn is left out, what it did is said.
        let quiet = render_summary_with(&summary, false);
        assert!(
            quiet.contains("(reference server em-12), API version v1_7, capabilities: none\n"),
            "{quiet}"
        );
        assert!(
            quiet.contains("API version v1_7, capabilities: nas\n") && !quiet.contains("not read"),
            "{quiet}"
        );
        assert!(
            text.contains("not run (interrupted): veeam-em::a"),
            "{text}"
        );
        let quiet = RunSummary {
            not_run: Vec::new(),
            ..summary
        };
        assert!(!render_summary(&quiet).contains("not run"));
    }

    #[test]
    fn steps_not_run_are_a_line_each_with_why() {
        let mut failed = StepOutcome::new("logon", Phase::Steps);
        failed.fail(Failure::new(FailureKind::Status, "status 500"));
        let outcome = scenario(vec![
            failed,
            StepOutcome::not_run("list", Phase::Steps, "an earlier step failed"),
            StepOutcome::not_run("end", Phase::Finally, "the scenario could not start"),
        ]);
        let text = render(&outcome, false);
        assert!(
            text.ends_with("  step `list`: not run (an earlier step failed)\n  finally `end`: not run (the scenario could not start)\n"),
            "{text}"
        );
    }
}
