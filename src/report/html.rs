//! One self-contained HTML file a person opens from a CI artifact: the matrix
//! of scenarios against targets first, the verdicts per target and area, then
//! per target and scenario each step with its request, status, differences
//! and the coloured diff. Its style and script are inline and its content
//! security policy forbids loading anything, so it opens offline and cannot
//! call out. Every string comes redacted from the outcome model and is escaped
//! here.

use std::fmt::Write;

use super::requirements::RequirementVerdict;
use super::tally::{self, Cell};
use super::{Report, RunSummary, ScenarioOutcome, Status, StepOutcome, TargetInfo};
use crate::outcome::{Message, Phase};

/// The HTML report.
pub struct Html;

impl Report for Html {
    fn name(&self) -> &'static str {
        "html"
    }

    fn render(&self, summary: &RunSummary) -> String {
        let mut out = String::with_capacity(16 * 1024);
        out.push_str(HEAD);
        write_header(&mut out, summary);
        write_filters(&mut out, summary);
        write_matrix(&mut out, summary);
        write_conformance(&mut out, summary);
        write_targets(&mut out, summary);
        write_requirements(&mut out, summary);
        for name in tally::target_names(summary) {
            let _ = writeln!(
                out,
                "<section class=\"target\" data-target=\"{}\"><h2>{}</h2>",
                esc(&name),
                esc(&name)
            );
            for s in summary.scenarios.iter().filter(|s| s.target == name) {
                write_scenario(&mut out, s);
            }
            out.push_str("</section>\n");
        }
        if !summary.not_run.is_empty() {
            out.push_str("<h2>Not run (interrupted)</h2>\n<ul class=\"not-run\">");
            for name in &summary.not_run {
                let _ = write!(out, "<li>{}</li>", esc(name));
            }
            out.push_str("</ul>\n");
        }
        let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
        out
    }
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sessionconf report</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: .2em .6em; text-align: left; }
th { background: #f3f3f3; }
td.passed { background: #e3f6e3; } td.failed { background: #fbdada; font-weight: bold; }
td.known_deviation { background: #fff2c6; } td.not_applicable, td.not_run, td.other_dialect { color: #777; }
details.scenario { border: 1px solid #ddd; margin: .4em 0; padding: .3em .6em; }
details.scenario.failed { border-color: #d33; }
summary { cursor: pointer; }
.verdict { font-weight: bold; } .verdict.failed { color: #b00; } .verdict.passed { color: #080; }
.verdict.known_deviation { color: #960; }
.step { margin: .4em 0 .4em 1em; } .step.failed > .line { color: #b00; } .step.not_run > .line { color: #777; }
.note { color: #555; margin-left: 1em; }
ul.differences { margin: .2em 0; font-family: ui-monospace, monospace; }
pre { background: #f8f8f8; padding: .4em; overflow-x: auto; }
td.broken { background: #fde8e8; } td.held { background: #e6f6e6; } td.not-run, td.unknown { color: #888; } td.known-deviation { background: #fff4d6; }
pre.diff .del { color: #b00; background: #fde8e8; display: block; }
pre.diff .add { color: #070; background: #e6f6e6; display: block; }
pre.diff .hunk { color: #06c; display: block; } pre.diff .file { font-weight: bold; display: block; }
.filters { position: sticky; top: 0; background: #fff; padding: .4em 0; border-bottom: 1px solid #ddd; }
[hidden] { display: none !important; }
</style>
</head>
<body>
"#;

/// Shows only failed trials and one target's, from the controls or the
/// address's fragment (`#failed`, `#target=NAME`, both with `&`), so a
/// link to a filtered view can be shared.
const SCRIPT: &str = r#"
(function () {
  var failedOnly = document.getElementById('failed-only');
  var target = document.getElementById('target-filter');
  function apply() {
    var t = target.value, f = failedOnly.checked;
    document.querySelectorAll('section.target').forEach(function (s) {
      s.hidden = t !== '' && s.dataset.target !== t;
    });
    document.querySelectorAll('details.scenario').forEach(function (d) {
      d.hidden = (f && d.dataset.status !== 'failed') || (t !== '' && d.dataset.target !== t);
    });
    document.querySelectorAll('#matrix [data-target]').forEach(function (c) {
      c.hidden = t !== '' && c.dataset.target !== t;
    });
    document.querySelectorAll('#matrix tbody tr').forEach(function (r) {
      var cells = Array.prototype.filter.call(r.querySelectorAll('td[data-target]'), function (c) { return !c.hidden; });
      r.hidden = f && !cells.some(function (c) { return c.classList.contains('failed'); });
    });
    document.querySelectorAll('#conformance tbody tr').forEach(function (r) {
      r.hidden = t !== '' && r.dataset.target !== t;
    });
  }
  var wanted = location.hash.replace(/^#/, '').split('&');
  wanted.forEach(function (w) {
    if (w === 'failed') failedOnly.checked = true;
    if (w.indexOf('target=') === 0) target.value = decodeURIComponent(w.slice(7));
  });
  failedOnly.addEventListener('change', apply);
  target.addEventListener('change', apply);
  apply();
  document.body.dataset.ready = 'true';
})();
"#;

/// Text for an element's content or a quoted attribute.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A status as a class name and `data-status` value.
fn class(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::KnownDeviation => "known_deviation",
        Status::NotApplicable => "not_applicable",
        Status::Skipped => "skipped",
        Status::NotRun => "not_run",
    }
}

/// The anchor of a scenario on a target: one of a kind, since every
/// character but a letter or digit is written as `_` and its code.
fn anchor(target: &str, id: &str) -> String {
    let mut a = String::from("t-");
    for (i, text) in [target, id].into_iter().enumerate() {
        if i > 0 {
            a.push('-');
        }
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                a.push(c);
            } else {
                let _ = write!(a, "_{:x}_", c as u32);
            }
        }
    }
    a
}

fn write_header(out: &mut String, summary: &RunSummary) {
    let left_open = summary.sessions_left_open_text();
    let _ = writeln!(
        out,
        "<h1>sessionconf: {} trials</h1>\n<p id=\"totals\">{} passed, {} failed, {} known deviation, {} not applicable; sessions left open: {left_open}{}</p>",
        summary.scenarios.len(),
        summary.count(Status::Passed),
        summary.count(Status::Failed),
        summary.count(Status::KnownDeviation),
        summary.count(Status::NotApplicable),
        if summary.interrupted { "; the run was interrupted" } else { "" },
    );
}

fn write_filters(out: &mut String, summary: &RunSummary) {
    out.push_str("<div class=\"filters\"><label><input type=\"checkbox\" id=\"failed-only\"> failed only</label> <label>target <select id=\"target-filter\"><option value=\"\">all</option>");
    for name in tally::target_names(summary) {
        let _ = write!(out, "<option>{}</option>", esc(&name));
    }
    out.push_str("</select></label></div>\n");
}

fn write_matrix(out: &mut String, summary: &RunSummary) {
    let matrix = tally::matrix(summary);
    if matrix.rows.is_empty() {
        return;
    }
    out.push_str("<h2>Matrix</h2>\n<table id=\"matrix\"><thead><tr><th>scenario</th>");
    for t in &matrix.targets {
        let _ = write!(out, "<th data-target=\"{}\">{}</th>", esc(t), esc(t));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (id, cells) in &matrix.rows {
        let _ = write!(out, "<tr><th>{}</th>", esc(id));
        for (t, cell) in matrix.targets.iter().zip(cells) {
            let word = esc(cell.word());
            let (class_name, linked) = match cell {
                Cell::Verdict(s) => (class(*s), true),
                Cell::NotRun => ("not_run", false),
                Cell::OtherDialect => ("other_dialect", false),
            };
            let _ = write!(
                out,
                "<td class=\"{class_name}\" data-target=\"{}\">",
                esc(t)
            );
            if linked {
                let _ = write!(out, "<a href=\"#{}\">{word}</a>", anchor(t, id));
            } else {
                out.push_str(&word);
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

fn write_conformance(out: &mut String, summary: &RunSummary) {
    let rows = tally::conformance(summary);
    if rows.is_empty() {
        return;
    }
    out.push_str("<h2>By conformance area</h2>\n<table id=\"conformance\"><thead><tr><th>target</th><th>area</th><th>passed</th><th>failed</th><th>known deviation</th><th>not applicable</th></tr></thead><tbody>\n");
    for row in rows {
        let t = row.tally;
        let _ = writeln!(
            out,
            "<tr data-target=\"{0}\"><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td></tr>",
            esc(&row.target),
            row.area,
            t.passed,
            t.failed,
            t.known_deviation,
            t.not_applicable
        );
    }
    out.push_str("</tbody></table>\n");
}

fn write_targets(out: &mut String, summary: &RunSummary) {
    if summary.targets.is_empty() {
        return;
    }
    // A column only when some target has something in it.
    let unseen = summary
        .targets
        .iter()
        .any(|t| !t.deviations_unseen.is_empty());
    out.push_str("<h2>Targets</h2>\n<table id=\"targets\"><thead><tr><th>target</th><th>dialect</th><th>endpoint</th><th>reference server</th><th>API version</th><th>capabilities</th>");
    if unseen {
        out.push_str("<th>known deviations no step showed</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for t in &summary.targets {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&t.name),
            esc(&t.dialect),
            esc(&t.endpoint),
            esc(t.profile.as_deref().unwrap_or("")),
            esc(t.version.as_deref().unwrap_or("unknown")),
            esc(&super::console::capabilities_line(t)),
        );
        if unseen {
            let _ = write!(out, "<td>{}</td>", esc(&t.deviations_unseen.join(", ")));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// Each documented requirement, what checks it and its verdict on each
/// target of its dialect: the coverage table, with this run's verdicts.
/// Requirements no step of this suite cites are folded away below it, and
/// when none is cited the table is left out for a line that says so: a suite
/// without `covers:` would otherwise open with a row per requirement, each
/// `not run`.
fn write_requirements(out: &mut String, summary: &RunSummary) {
    let with: Vec<&TargetInfo> = summary
        .targets
        .iter()
        .filter(|t| !t.requirements.is_empty())
        .collect();
    if with.is_empty() {
        return;
    }
    let mut rows: Vec<(&str, &RequirementVerdict)> = Vec::new();
    for t in &with {
        for r in &t.requirements {
            if !rows
                .iter()
                .any(|(d, seen)| *d == t.dialect && seen.id == r.id)
            {
                rows.push((&t.dialect, r));
            }
        }
    }
    // Cited on some target of its dialect.
    let cited = |(dialect, r): &(&str, &RequirementVerdict)| {
        with.iter().any(|t| {
            t.dialect == *dialect
                && (t.requirements.iter()).any(|v| v.id == r.id && !v.steps.is_empty())
        })
    };
    let (checked, unchecked): (Vec<_>, Vec<_>) = rows.into_iter().partition(cited);
    out.push_str("<h2>Requirements</h2>\n");
    if checked.is_empty() {
        let _ = writeln!(
            out,
            "<p id=\"requirements-none\">No step of this suite cites a documented requirement (<code>covers:</code>): {} requirement(s) not checked.</p>",
            unchecked.len()
        );
        return;
    }
    requirements_table(out, "requirements", &with, &checked);
    if !unchecked.is_empty() {
        let _ = writeln!(
            out,
            "<details id=\"requirements-unchecked\"><summary>{} requirement(s) no step of this suite cites</summary>",
            unchecked.len()
        );
        requirements_table(out, "requirements-uncited", &with, &unchecked);
        out.push_str("</details>\n");
    }
}

/// A table of requirements, a verdict column per target.
fn requirements_table(
    out: &mut String,
    id: &str,
    with: &[&TargetInfo],
    rows: &[(&str, &RequirementVerdict)],
) {
    let _ = write!(out, "<table id=\"{id}\"><thead><tr><th>requirement</th><th>dialect</th><th>requires</th><th>source</th><th>checked by</th>");
    for t in with {
        let _ = write!(out, "<th>{} ({})</th>", esc(&t.name), esc(&t.dialect));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (dialect, r) in rows {
        let _ = write!(
            out,
            "<tr data-requirement=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{} step(s)</td>",
            esc(&r.id),
            esc(&r.id),
            esc(dialect),
            esc(&r.text),
            esc(&r.source),
            r.steps.len()
        );
        for t in with {
            let verdict = t
                .requirements
                .iter()
                .find(|v| t.dialect == *dialect && v.id == r.id)
                .map_or("", |v| v.verdict);
            let _ = write!(
                out,
                "<td class=\"{}\">{verdict}</td>",
                verdict.replace(' ', "-")
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

fn write_scenario(out: &mut String, s: &ScenarioOutcome) {
    let status = class(s.status);
    let _ = writeln!(
        out,
        "<details class=\"scenario {status}\" id=\"{}\" data-target=\"{}\" data-status=\"{status}\"{}><summary><span class=\"id\">{}</span> <span class=\"verdict {status}\">{}</span> <span class=\"file\">{}</span> {:.0} ms</summary>",
        anchor(&s.target, &s.id),
        esc(&s.target),
        if s.status == Status::Failed { " open" } else { "" },
        esc(&s.trial),
        esc(s.status.label()),
        esc(&s.file),
        s.duration_ms
    );
    if !s.description.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", esc(&s.description));
    }
    if let Some(note) = &s.note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(note));
    }
    for step in &s.steps {
        write_step(out, step);
    }
    out.push_str("</details>\n");
}

fn write_step(out: &mut String, step: &StepOutcome) {
    let status = class(step.status);
    let phase = match step.phase {
        Phase::Steps => "step",
        Phase::Finally => "finally",
    };
    if step.status == Status::NotRun {
        // Never sent: a row that says so, and why.
        let _ = writeln!(
            out,
            "<div class=\"step {status}\" data-step=\"{}\"><div class=\"line\">{phase} <code>{}</code>: <span class=\"verdict {status}\">not run</span> <span class=\"why\">({})</span></div></div>",
            esc(&step.name),
            esc(&step.name),
            esc(step.note.as_deref().unwrap_or("an earlier step failed"))
        );
        return;
    }
    let response = step
        .response_status
        .map(|s| format!(" &rarr; {s}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<div class=\"step {status}\" data-step=\"{}\"><div class=\"line\">{phase} <code>{}</code>: {}{response} <span class=\"verdict {status}\">{}</span></div>",
        esc(&step.name),
        esc(&step.name),
        esc(step.request.as_deref().unwrap_or("(not sent)")),
        esc(if step.status == Status::Passed { "ok" } else { step.status.label() })
    );
    if let Some(note) = &step.note {
        let _ = writeln!(out, "<div class=\"note\">{}</div>", esc(note));
    }
    if let Some(path) = &step.blessed {
        let _ = writeln!(out, "<div class=\"note\">blessed {}</div>", esc(path));
    }
    if !step.failures.is_empty() {
        out.push_str("<ul class=\"differences\">");
        for f in &step.failures {
            let _ = write!(out, "<li>{}</li>", esc(&f.message));
        }
        out.push_str("</ul>\n");
    }
    for broken in &step.breaks {
        let _ = writeln!(
            out,
            "<div class=\"breaks\">breaks <code>{}</code>: {}</div>",
            esc(&broken.id),
            esc(&broken.text)
        );
    }
    if let Some(diff) = &step.diff {
        write_diff(out, diff);
    }
    write_message(out, "request", step.sent.as_ref(), false);
    write_message(
        out,
        "response",
        step.received.as_ref(),
        step.status == Status::Failed,
    );
    out.push_str("</div>\n");
}

/// A unified diff, each line classed by what it is.
fn write_diff(out: &mut String, diff: &str) {
    out.push_str("<pre class=\"diff\">");
    for line in diff.lines() {
        let kind = if line.starts_with("+++") || line.starts_with("---") {
            "file"
        } else if line.starts_with('+') {
            "add"
        } else if line.starts_with('-') {
            "del"
        } else if line.starts_with("@@") {
            "hunk"
        } else {
            "same"
        };
        let _ = write!(out, "<span class=\"{kind}\">{}</span>", esc(line));
        if kind == "same" {
            out.push('\n');
        }
    }
    out.push_str("</pre>\n");
}

/// A request or response, folded unless it is a failed step's response.
fn write_message(out: &mut String, what: &str, message: Option<&Message>, open: bool) {
    let Some(m) = message else {
        return;
    };
    let _ = write!(
        out,
        "<details class=\"{what}\"{}><summary>{what}: {}</summary><pre>",
        if open { " open" } else { "" },
        esc(&m.start)
    );
    for (name, value) in &m.headers {
        let _ = writeln!(out, "{}: {}", esc(name), esc(value));
    }
    if let Some(body) = &m.body {
        let shown = if m.omitted_bytes == 0 {
            pretty(body)
        } else {
            None
        };
        let _ = write!(out, "\n{}", esc(shown.as_deref().unwrap_or(body)));
        if m.omitted_bytes > 0 {
            let _ = write!(out, "\n... {} more bytes", m.omitted_bytes);
        }
    }
    out.push_str("</pre></details>\n");
}

/// Stands for [`REDACTED`] while a body is parsed: `<redacted>` in XML text
/// would read as an element and the body would not parse.
const REDACTED_MARK: &str = "\u{e000}redacted\u{e001}";

/// A body pretty-printed as the diff prints it (XML canonical, two spaces of
/// indentation; JSON one member per line), so a person can read a response
/// that came as one long line. `None` when it is neither XML nor JSON that
/// parses: the body is then shown as it came.
fn pretty(body: &str) -> Option<String> {
    use crate::run::redact::REDACTED;
    let trimmed = body.trim_start_matches('\u{feff}').trim_start();
    let text = if trimmed.starts_with('<') {
        let marked = body.replace(REDACTED, REDACTED_MARK);
        let doc = crate::xml::parse(&marked).ok()?;
        let root = crate::xml::canonical::Element::from_node(doc.root_element());
        crate::xml::pretty::to_pretty_string(&root, crate::xml::pretty::GoldenMarkers::Drop)
            .replace(REDACTED_MARK, REDACTED)
    } else if trimmed.starts_with(['{', '[']) {
        crate::json::pretty::to_pretty(&crate::json::value::parse(body).ok()?)
    } else {
        return None;
    };
    Some(text.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Failure, FailureKind};

    fn summary() -> RunSummary {
        let mut failed_step = StepOutcome::new("logon", Phase::Steps);
        failed_step.request = Some("POST http://h/api/sessionMngr/?v=latest".into());
        failed_step.response_status = Some(201);
        failed_step.fail(Failure::new(
            FailureKind::Difference,
            "/LogonSession/Links/Link[@Rel='Delete']: missing element \"<Link>\"",
        ));
        failed_step.diff = Some(
            "--- g.xml\n+++ actual\n@@ -1,2 +1,1 @@\n <A>\n-  <Link Rel=\"Delete\"/>\n".into(),
        );
        failed_step.received = Some(Message {
            start: "201 Created".into(),
            headers: vec![("X-RestSvcSessionId".into(), "<redacted>".into())],
            body: Some("<A/>".into()),
            omitted_bytes: 0,
        });
        let scenario = |target: &str, status: Status, steps: Vec<StepOutcome>| ScenarioOutcome {
            id: "veeam-em::admin-logon".into(),
            target: target.into(),
            trial: format!("{target}/veeam-em::admin-logon"),
            name: "admin-logon".into(),
            dialect: "veeam-em".into(),
            file: "scenarios/veeam-em/admin-logon.yaml".into(),
            description: "An administrator logs on & out.".into(),
            tags: vec!["logon".into()],
            status,
            note: None,
            steps,
            sessions: Vec::new(),
            duration_ms: 3.0,
        };
        let info = |name: &str| TargetInfo {
            name: name.into(),
            dialect: "veeam-em".into(),
            endpoint: "http://h/api/".into(),
            requirements: vec![crate::report::requirements::RequirementVerdict {
                id: "em.logon.delete-link".into(),
                text: "A Delete <link>".into(),
                source: "EM docs".into(),
                verdict: if name == "em13" { "broken" } else { "held" },
                steps: vec!["veeam-em::admin-logon step logon".into()],
            }],
            ..Default::default()
        };
        RunSummary {
            targets: vec![info("em12"), info("em13")],
            scenarios: vec![
                scenario(
                    "em12",
                    Status::Passed,
                    vec![StepOutcome::new("logon", Phase::Steps)],
                ),
                scenario("em13", Status::Failed, vec![failed_step]),
            ],
            not_run: Vec::new(),
            interrupted: false,
        }
    }

    #[test]
    fn the_requirements_table_has_a_verdict_per_target() {
        let html = Html.render(&summary());
        let row = html
            .split("data-requirement=\"em.logon.delete-link\">")
            .nth(1)
            .unwrap();
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("A Delete &lt;link&gt;"), "{row}");
        assert!(
            row.contains("<td class=\"held\">held</td><td class=\"broken\">broken</td>"),
            "{row}"
        );
        assert!(html.contains("<th>em12 (veeam-em)</th><th>em13 (veeam-em)</th>"));
    }

    #[test]
    fn the_report_is_one_file_that_loads_nothing() {
        let html = Html.render(&summary());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(
            html.contains("default-src 'none'"),
            "a policy that forbids loading"
        );
        for external in ["src=", "<link", "http-equiv=\"refresh\"", "@import", "url("] {
            assert!(!html.contains(external), "{external} would load something");
        }
    }

    #[test]
    fn targets_show_the_known_deviations_no_step_showed() {
        let mut summary = summary();
        summary.targets[1].deviations_unseen = vec!["session-lookup-500".into()];
        let html = Html.render(&summary);
        assert!(html.contains("<td>session-lookup-500</td></tr>"), "{html}");
        assert_eq!(html.matches("<td>session-lookup-500</td>").count(), 1);
    }

    #[test]
    fn the_matrix_links_each_verdict_to_its_scenario() {
        let html = Html.render(&summary());
        let matrix =
            &html[html.find("id=\"matrix\"").unwrap()..html.find("id=\"conformance\"").unwrap()];
        assert!(
            matrix.contains("<th data-target=\"em12\">em12</th><th data-target=\"em13\">em13</th>"),
            "{matrix}"
        );
        assert!(matrix.contains("<td class=\"passed\" data-target=\"em12\"><a href=\"#t-em12-veeam_2d_em_3a__3a_admin_2d_logon\">passed</a></td>"), "{matrix}");
        assert!(matrix.contains("<td class=\"failed\" data-target=\"em13\"><a href=\"#t-em13-veeam_2d_em_3a__3a_admin_2d_logon\">FAILED</a></td>"), "{matrix}");
        assert!(html.contains("id=\"t-em13-veeam_2d_em_3a__3a_admin_2d_logon\" data-target=\"em13\" data-status=\"failed\" open>"));
        assert!(html.contains("<span class=\"id\">em13/veeam-em::admin-logon</span>"));
    }

    #[test]
    fn steps_show_differences_the_coloured_diff_and_the_redacted_response_escaped() {
        let html = Html.render(&summary());
        assert!(html.contains("<li>/LogonSession/Links/Link[@Rel=&#39;Delete&#39;]: missing element &quot;&lt;Link&gt;&quot;</li>"));
        assert!(html.contains("<span class=\"del\">-  &lt;Link Rel=&quot;Delete&quot;/&gt;</span>"));
        assert!(html.contains("<span class=\"hunk\">@@ -1,2 +1,1 @@</span>"));
        assert!(html.contains("<span class=\"same\"> &lt;A&gt;</span>\n"));
        assert!(html.contains("<details class=\"response\" open><summary>response: 201 Created</summary><pre>X-RestSvcSessionId: &lt;redacted&gt;\n\n&lt;A/&gt;</pre>"));
        assert!(html.contains("<p>An administrator logs on &amp; out.</p>"));
        assert!(html.contains("<tr data-target=\"em13\"><td>em13</td><td>logon</td><td>0</td><td>1</td><td>0</td><td>0</td></tr>"));
        assert!(html.contains("<p id=\"totals\">1 passed, 1 failed, 0 known deviation, 0 not applicable; sessions left open: 0</p>"));
    }

    #[test]
    fn escaping_covers_every_character_html_gives_meaning() {
        assert_eq!(
            esc("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            anchor("a b", "d::x[y=1]"),
            "t-a_20_b-d_3a__3a_x_5b_y_3d_1_5d_"
        );
        assert_ne!(anchor("a-b", "c"), anchor("a", "b-c"));
    }

    /// The response of the failed step, with `body`.
    fn with_body(body: &str, omitted_bytes: usize) -> String {
        let mut summary = summary();
        let step = &mut summary.scenarios[1].steps[0];
        let received = step.received.as_mut().unwrap();
        received.body = Some(body.into());
        received.omitted_bytes = omitted_bytes;
        let html = Html.render(&summary);
        let start = html.find("<details class=\"response\" open>").unwrap();
        let end = start + html[start..].find("</pre>").unwrap();
        html[start..end].to_string()
    }

    #[test]
    fn bodies_are_pretty_printed_when_they_parse_and_shown_as_they_came_when_not() {
        let xml = with_body(
            "<S xmlns=\"urn:x\"><Links><Link Rel=\"Up\"/></Links><Id><redacted></Id></S>",
            0,
        );
        assert!(
            xml.ends_with("\n\n&lt;S xmlns=&quot;urn:x&quot;&gt;\n  &lt;Links&gt;\n    &lt;Link Rel=&quot;Up&quot;/&gt;\n  &lt;/Links&gt;\n  &lt;Id&gt;&lt;redacted&gt;&lt;/Id&gt;\n&lt;/S&gt;"),
            "{xml}"
        );
        let json = with_body("{\"a\":[1,{\"b\":\"<redacted>\"}]}", 0);
        assert!(
            json.ends_with("\n\n{\n  &quot;a&quot;: [\n    1,\n    {\n      &quot;b&quot;: &quot;&lt;redacted&gt;&quot;\n    }\n  ]\n}"),
            "{json}"
        );
        // Not XML that parses, not JSON, or only the first part of a body: as it came.
        for body in ["<A><B></A>", "plain text", "{\"a\": "] {
            assert!(
                with_body(body, 0).ends_with(&format!("\n\n{}", esc(body))),
                "{body}"
            );
        }
        let cut = with_body("<A><B/></A>", 10);
        assert!(
            cut.ends_with("\n\n&lt;A&gt;&lt;B/&gt;&lt;/A&gt;\n... 10 more bytes"),
            "{cut}"
        );
    }

    #[test]
    fn requirements_no_step_cites_are_folded_and_the_table_left_out_when_none_is() {
        let mut summary = summary();
        for t in &mut summary.targets {
            t.requirements
                .push(crate::report::requirements::RequirementVerdict {
                    id: "em.uncited".into(),
                    text: "Nobody checks this".into(),
                    source: "EM docs".into(),
                    verdict: "not run",
                    steps: Vec::new(),
                });
        }
        let html = Html.render(&summary);
        let table = &html[html.find("<table id=\"requirements\">").unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        assert!(
            table.contains("em.logon.delete-link") && !table.contains("em.uncited"),
            "{table}"
        );
        assert!(html.contains("<details id=\"requirements-unchecked\"><summary>1 requirement(s) no step of this suite cites</summary>\n<table id=\"requirements-uncited\">"), "{html}");
        assert!(
            html.contains("<tr data-requirement=\"em.uncited\">"),
            "{html}"
        );
        // A suite without `covers:`: one line, no table of rows that each say `not run`.
        for t in &mut summary.targets {
            t.requirements.retain(|r| r.id == "em.uncited");
        }
        let html = Html.render(&summary);
        assert!(html.contains("<p id=\"requirements-none\">No step of this suite cites a documented requirement (<code>covers:</code>): 1 requirement(s) not checked.</p>"), "{html}");
        assert!(!html.contains("<table id=\"requirements"), "{html}");
        assert!(!html.contains("data-requirement="), "{html}");
    }

    #[test]
    fn empty_sections_are_left_out() {
        let mut summary = summary();
        let html = Html.render(&summary);
        assert!(
            !html.contains("known deviations no step showed"),
            "no target has one"
        );
        summary.targets.clear();
        summary.scenarios.clear();
        let html = Html.render(&summary);
        for section in [
            "id=\"matrix\"",
            "id=\"conformance\"",
            "id=\"targets\"",
            "<h2>Requirements",
        ] {
            assert!(!html.contains(section), "{section}: {html}");
        }
        assert!(html.contains("<p id=\"totals\">0 passed"), "{html}");
    }

    #[test]
    fn a_step_not_run_is_a_row_that_says_why() {
        let mut summary = summary();
        summary.scenarios[1].steps.push(StepOutcome::not_run(
            "list",
            Phase::Steps,
            "an earlier step failed",
        ));
        let html = Html.render(&summary);
        assert!(html.contains("<div class=\"step not_run\" data-step=\"list\"><div class=\"line\">step <code>list</code>: <span class=\"verdict not_run\">not run</span> <span class=\"why\">(an earlier step failed)</span></div></div>"), "{html}");
    }
}
