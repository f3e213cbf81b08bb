//! Coverage as the console shows it, as JSON, and as an HTML table.

use std::fmt::Write;

use super::propose::Proposal;
use super::{Coverage, Row};
use crate::report::html::esc;

/// One line per requirement (what checks it, where it holds), dialect by
/// dialect, then the requirements nothing checks.
pub fn console(coverage: &Coverage) -> String {
    let mut out = String::new();
    let mut dialects: Vec<&str> = coverage
        .requirements
        .iter()
        .map(|r| r.dialect.as_str())
        .collect();
    dialects.dedup();
    for dialect in dialects {
        let rows: Vec<&Row> = coverage
            .requirements
            .iter()
            .filter(|r| r.dialect == dialect)
            .collect();
        let covered = rows.iter().filter(|r| !r.covered_by.is_empty()).count();
        let _ = writeln!(
            out,
            "{dialect}: {}, {covered} covered",
            crate::words::counted(rows.len(), "requirement")
        );
        if covered == 0 {
            // Every row would be a `-`, and the list of what is not covered
            // below names each with its text: one list is enough.
            out.push_str("  no step cites a requirement: a requirement is covered only by a step that names it in `covers:`\n");
            write_proposals(&mut out, coverage, dialect);
            continue;
        }
        for r in rows {
            let mark = if r.covered_by.is_empty() { "-" } else { "+" };
            let steps: Vec<String> = r
                .covered_by
                .iter()
                .map(|c| format!("{}/{}", c.scenario, c.step))
                .collect();
            let _ = writeln!(out, "  {mark} {}  {}", r.id, profiles(r));
            if !steps.is_empty() {
                let _ = writeln!(out, "      covered by {}", steps.join(", "));
            }
        }
        write_proposals(&mut out, coverage, dialect);
    }
    let uncovered: Vec<&Row> = coverage.uncovered().collect();
    if uncovered.is_empty() {
        out.push_str("every requirement is covered by a step\n");
    } else {
        let _ = writeln!(out, "not covered ({}):", uncovered.len());
        for r in uncovered {
            let _ = writeln!(out, "  {}: {} ({})", r.id, r.text, r.source);
        }
    }
    out
}

/// The steps of `dialect` that cite nothing: each with the ids its request
/// appears to check, as a line to paste under it; then, in a suite that
/// cites nothing yet, those whose URL is known only when they run. Where
/// steps already cite, only what is still uncovered is offered: a suite that
/// covers everything is not told to cite its clean-up steps.
fn write_proposals(out: &mut String, coverage: &Coverage, dialect: &str) {
    let uncovered: Vec<&str> = coverage
        .uncovered()
        .filter(|r| r.dialect == dialect)
        .map(|r| r.id.as_str())
        .collect();
    let citing_nothing = coverage
        .requirements
        .iter()
        .all(|r| r.dialect != dialect || r.covered_by.is_empty());
    let (sent, at_run_time): (Vec<Proposal>, Vec<Proposal>) = coverage
        .proposals
        .iter()
        .filter(|p| p.dialect == dialect)
        .map(|p| Proposal {
            covers: p
                .covers
                .iter()
                .filter(|id| uncovered.contains(&id.as_str()))
                .cloned()
                .collect(),
            ..p.clone()
        })
        .filter(|p| !p.covers.is_empty() || (p.sends.is_none() && citing_nothing))
        .partition(|p| p.sends.is_some());
    if !sent.is_empty() {
        out.push_str("  steps that cite nothing, and the uncovered requirements their requests appear to check (paste under the step the ids its checks show):\n");
    }
    for p in sent {
        let sends = p.sends.as_deref().unwrap_or_default();
        let _ = writeln!(out, "    {} step `{}` ({sends}):", p.file, p.step);
        let _ = writeln!(out, "      {}", p.to_paste());
    }
    if !at_run_time.is_empty() {
        let steps: Vec<String> = at_run_time
            .iter()
            .map(|p| format!("{} step `{}`", p.file, p.step))
            .collect();
        let _ = writeln!(
            out,
            "  steps that cite nothing and send to a URL known only when they run (`url:`, `link:`), to cite by hand: {}",
            steps.join(", ")
        );
    }
}

/// `checked on A, B; not checked on C; not applicable on D`.
fn profiles(r: &Row) -> String {
    let names = |keep: &dyn Fn(&super::ProfileCell) -> bool| -> Vec<&str> {
        r.profiles
            .iter()
            .filter(|c| keep(c))
            .map(|c| c.profile.as_str())
            .collect()
    };
    let parts = [
        ("checked on", names(&|c| c.applies && c.checked)),
        ("not checked on", names(&|c| c.applies && !c.checked)),
        ("not applicable on", names(&|c| !c.applies)),
    ];
    parts
        .iter()
        .filter(|(_, n)| !n.is_empty())
        .map(|(what, n)| format!("{what} {}", n.join(" ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `{"requirements": [...], "uncovered": [...], "covered", "total"}`.
pub fn json(coverage: &Coverage) -> String {
    let uncovered: Vec<&str> = coverage.uncovered().map(|r| r.id.as_str()).collect();
    let value = serde_json::json!({
        "tool": "sessionconf",
        "version": env!("CARGO_PKG_VERSION"),
        "total": coverage.requirements.len(),
        "covered": coverage.requirements.len() - uncovered.len(),
        "requirements": coverage.requirements,
        "uncovered": uncovered,
        "proposals": coverage.proposals,
    });
    let mut text = serde_json::to_string_pretty(&value).expect("coverage serializes");
    text.push('\n');
    text
}

/// A page holding the requirements table; loads nothing.
pub fn html(coverage: &Coverage) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>sessionconf coverage</title>\n<style>body{font-family:system-ui,sans-serif;margin:1.5em} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top} td.covered{background:#e6f6e6} td.uncovered{background:#fde8e8} td.na{color:#888}</style>\n</head>\n<body>\n<h1>Requirements covered</h1>\n",
    );
    write_table(&mut out, coverage);
    out.push_str("</body>\n</html>\n");
    out
}

/// The requirements table: id, what it requires, its source, the steps that
/// check it, and a column per profile.
pub fn write_table(out: &mut String, coverage: &Coverage) {
    let mut columns: Vec<&str> = Vec::new();
    for cell in coverage.requirements.iter().flat_map(|r| &r.profiles) {
        if !columns.contains(&cell.profile.as_str()) {
            columns.push(&cell.profile);
        }
    }
    out.push_str("<table class=\"requirements\">\n<tr><th>requirement</th><th>dialect</th><th>requires</th><th>source</th><th>covered by</th>");
    for c in &columns {
        let _ = write!(out, "<th>{}</th>", esc(c));
    }
    out.push_str("</tr>\n");
    for r in &coverage.requirements {
        let class = if r.covered_by.is_empty() {
            "uncovered"
        } else {
            "covered"
        };
        let steps: Vec<String> = r
            .covered_by
            .iter()
            .map(|c| esc(&format!("{}/{}", c.scenario, c.step)))
            .collect();
        let _ = write!(
            out,
            "<tr data-requirement=\"{}\"><td class=\"{class}\"><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&r.id),
            esc(&r.id),
            esc(&r.dialect),
            esc(&r.text),
            esc(&r.source),
            if steps.is_empty() { "<em>nothing</em>".to_string() } else { steps.join("<br>") },
        );
        for c in &columns {
            let cell = r.profiles.iter().find(|p| p.profile == *c);
            let (class, text) = match cell {
                None => ("na", ""),
                Some(p) if !p.applies => ("na", "n/a"),
                Some(p) if p.checked => ("covered", "checked"),
                Some(_) => ("uncovered", "not checked"),
            };
            let _ = write!(out, "<td class=\"{class}\">{text}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}
