//! Strength as the console shows it, and as JSON.

use std::fmt::Write;

use super::{Covering, Failed, FaultResult, Miss, Strength, VariantResult};

/// How many of a failed step's lines a false alarm shows.
const DIFFERED_SHOWN: usize = 4;
/// How many covering steps a missed fault lists.
const COVERING_SHOWN: usize = 3;

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
            write_differed(&mut out, f);
        }
    }
    let _ = writeln!(out, "faults:");
    for f in &strength.faults {
        write_fault(&mut out, f);
    }
    let _ = writeln!(out, "variants:");
    for v in &strength.variants {
        write_variant(&mut out, v);
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

/// One fault: caught (by which trial), missed (and why, with a hint), or
/// not counted.
fn write_fault(out: &mut String, f: &FaultResult) {
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
    if let Some(by) = naming.or(f.caught_by.first()) {
        let _ = writeln!(out, ": {by}{}", and_more(f.caught_by.len() - 1));
        return;
    }
    if !f.applies {
        let _ = writeln!(out, ": that requirement does not hold on {}", f.profile);
        return;
    }
    write_missed(out, f);
}

/// Why a fault was missed, the steps that cite its requirement, and what to add.
fn write_missed(out: &mut String, f: &FaultResult) {
    let r = &f.requirement;
    let (why, hint) = match f.missed.unwrap_or(Miss::of(&f.covering)) {
        Miss::Uncovered => (
            "no step covers that requirement".to_string(),
            format!("cite it (`covers: [{r}]`) on a step whose status, golden or `body:` assertion shows it"),
        ),
        Miss::NotRun => (
            format!("the steps that cover it did not run against {}", f.profile),
            format!("cover {r} in a trial that runs on {}, or measure with the `--profile` those steps apply to", f.profile),
        ),
        Miss::Unchecked => (
            "a step that covers it ran but does not check it".to_string(),
            unchecked_hint(f),
        ),
    };
    let _ = writeln!(out, ": {why}");
    for c in f.covering.iter().take(COVERING_SHOWN) {
        let _ = writeln!(out, "    {}", covering_line(c));
    }
    if f.covering.len() > COVERING_SHOWN {
        let _ = writeln!(
            out,
            "    and {} more step(s)",
            f.covering.len() - COVERING_SHOWN
        );
    }
    let _ = writeln!(out, "    hint: {hint}");
}

/// What to add when the steps that ran check only what the fault leaves alone.
fn unchecked_hint(f: &FaultResult) -> String {
    let r = &f.requirement;
    let ran = f.covering.iter().filter(|c| c.ran.ran());
    if ran.clone().all(|c| c.checks.status_only()) {
        format!("they check only the status, and it held: add a golden, a `body:` assertion or a `headers:` check that shows what {r} requires, on a step that cites it")
    } else {
        format!("their checks held against the fault: pin what {r} requires in the golden (a value, not a placeholder or `sc:extra`) or add a `body:` assertion on it")
    }
}

/// `TRIAL step `NAME`: ran and passed; checks status 201 only; cites it for status`.
fn covering_line(c: &Covering) -> String {
    let mut line = format!("{} step `{}`: {}", c.trial, c.step, c.ran.label());
    if let Some(note) = &c.note {
        let _ = write!(line, " ({note})");
    }
    let _ = write!(line, "; checks {}", c.checks.describe());
    if c.cites != "step" {
        let _ = write!(line, "; cites it for `{}`", c.cites);
    }
    line
}

/// One variant: passed, or a false alarm with what differed.
fn write_variant(out: &mut String, v: &VariantResult) {
    let verdict = if v.false_alarm { "ALARM" } else { "passed" };
    let _ = write!(
        out,
        "  {verdict:<7} {} ({}, {})",
        v.name, v.dialect, v.profile
    );
    // A trial with a failed step says more than a session count.
    let shown = v.alarms.iter().find(|a| !a.differed.is_empty());
    match shown.or(v.alarms.first()) {
        Some(a) => {
            let _ = writeln!(out, ": {a}{}", and_more(v.alarms.len() - 1));
            write_differed(out, a);
        }
        None => out.push('\n'),
    }
}

/// The failed step's first lines, in the run's own words.
fn write_differed(out: &mut String, failed: &Failed) {
    let lines = crate::report::console::failure_lines(&failed.differed, DIFFERED_SHOWN, false);
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}

fn and_more(more: usize) -> String {
    if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Failure, FailureKind};
    use crate::strength::{Checks, StepRan};

    fn fault(missed: Miss, covering: Vec<Covering>) -> FaultResult {
        FaultResult {
            name: "no-session-cookie".into(),
            dialect: "veeam-em".into(),
            profile: "em-13".into(),
            requirement: "em.logon.session-cookie".into(),
            requirement_covered: missed != Miss::Uncovered,
            requirement_checked: missed == Miss::Unchecked,
            applies: true,
            caught: false,
            caught_by: vec![],
            missed: Some(missed),
            covering,
        }
    }

    fn step(ran: StepRan, checks: Checks, note: Option<&str>) -> Covering {
        Covering {
            trial: "veeam-em::pinned".into(),
            step: "logon".into(),
            cites: "status".into(),
            checks,
            ran,
            note: note.map(str::to_string),
        }
    }

    fn status(code: u16) -> Checks {
        Checks {
            status: vec![code],
            captures: vec!["token".into()],
            ..Checks::default()
        }
    }

    fn text(f: &FaultResult) -> String {
        let mut out = String::new();
        write_fault(&mut out, f);
        out
    }

    #[test]
    fn a_fault_no_step_covers_says_so_and_to_cite_it() {
        let out = text(&fault(Miss::Uncovered, vec![]));
        assert_eq!(
            out,
            "  MISSED  no-session-cookie (veeam-em, em-13) breaks em.logon.session-cookie: no step covers that requirement\n    hint: cite it (`covers: [em.logon.session-cookie]`) on a step whose status, golden or `body:` assertion shows it\n"
        );
    }

    #[test]
    fn a_fault_a_status_only_step_covers_names_the_step_and_asks_for_more_checks() {
        let out = text(&fault(
            Miss::Unchecked,
            vec![step(StepRan::Passed, status(201), None)],
        ));
        assert_eq!(
            out,
            "  MISSED  no-session-cookie (veeam-em, em-13) breaks em.logon.session-cookie: a step that covers it ran but does not check it\n    veeam-em::pinned step `logon`: ran and passed; checks status 201 only; cites it for `status`\n    hint: they check only the status, and it held: add a golden, a `body:` assertion or a `headers:` check that shows what em.logon.session-cookie requires, on a step that cites it\n"
        );
        // A step with a golden and assertions is told to tighten them instead.
        let checks = Checks {
            golden: Some("veeam-em/logon-session".into()),
            body: vec!["/LogonSession/SessionId".into()],
            ..status(201)
        };
        let mut whole = step(StepRan::Passed, checks, None);
        whole.cites = "step".into();
        let out = text(&fault(Miss::Unchecked, vec![whole]));
        assert!(out.contains("`logon`: ran and passed; checks status 201, golden veeam-em/logon-session, body /LogonSession/SessionId\n"), "{out}");
        assert!(out.contains("hint: their checks held against the fault: pin what em.logon.session-cookie requires in the golden"), "{out}");
    }

    #[test]
    fn a_fault_whose_covering_steps_did_not_run_says_why_and_counts_the_rest() {
        let covering = (0..5)
            .map(|_| {
                step(
                    StepRan::NotApplicable,
                    status(201),
                    Some("needs capability cloud-connect"),
                )
            })
            .collect();
        let out = text(&fault(Miss::NotRun, covering));
        assert!(
            out.contains(": the steps that cover it did not run against em-13\n"),
            "{out}"
        );
        assert!(out.contains("    veeam-em::pinned step `logon`: not applicable (needs capability cloud-connect); checks status 201 only; cites it for `status`\n"), "{out}");
        assert_eq!(
            out.matches("not applicable (").count(),
            COVERING_SHOWN,
            "{out}"
        );
        assert!(out.contains("    and 2 more step(s)\n"), "{out}");
        assert!(
            out.contains("hint: cover em.logon.session-cookie in a trial that runs on em-13"),
            "{out}"
        );
    }

    #[test]
    fn an_alarm_shows_the_failed_step_as_the_run_prints_it_cut_to_a_few_lines() {
        let mut differed = vec![Failure::new(
            FailureKind::Golden,
            "response differs from golden veeam-em/logon-sessions.xml in 5 places:",
        )];
        differed.extend((0..5).map(|i| {
            Failure::new(
                FailureKind::Difference,
                format!("/LogonSessions/LogonSession[{i}]: unexpected element \"<LogonSession>\""),
            )
        }));
        let alarm = |trial: &str| Failed {
            trial: trial.into(),
            step: Some("list".into()),
            breaks: vec![],
            sessions_left_open: 0,
            differed: differed.clone(),
        };
        let variant = VariantResult {
            name: "others-open".into(),
            dialect: "veeam-em".into(),
            profile: "em-13".into(),
            false_alarm: true,
            // A probe's session left open has no step: the trial that failed one is shown.
            alarms: vec![
                Failed {
                    trial: "veeam-em::probe".into(),
                    step: None,
                    breaks: vec![],
                    sessions_left_open: 1,
                    differed: vec![],
                },
                alarm("veeam-em::pinned"),
                alarm("veeam-em::other"),
            ],
        };
        let mut out = String::new();
        write_variant(&mut out, &variant);
        assert_eq!(
            out,
            "  ALARM   others-open (veeam-em, em-13): veeam-em::pinned step `list` and 2 more
    response differs from golden veeam-em/logon-sessions.xml in 5 places:
      /LogonSessions/LogonSession[0]: unexpected element \"<LogonSession>\"
      /LogonSessions/LogonSession[1]: unexpected element \"<LogonSession>\"
      /LogonSessions/LogonSession[2]: unexpected element \"<LogonSession>\"
      and 2 more
"
        );
        // The same lines as the run's console prints under the step.
        let mut ran = crate::outcome::StepOutcome::new("list", crate::outcome::Phase::Steps);
        ran.failures = differed[..DIFFERED_SHOWN].to_vec();
        ran.status = crate::outcome::Status::Failed;
        let outcome = crate::outcome::ScenarioOutcome {
            id: "veeam-em::pinned".into(),
            target: "embedded".into(),
            trial: "veeam-em::pinned".into(),
            name: "pinned".into(),
            dialect: "veeam-em".into(),
            file: "pinned.yaml".into(),
            description: String::new(),
            tags: vec![],
            status: crate::outcome::Status::Failed,
            note: None,
            steps: vec![ran],
            sessions: vec![],
            duration_ms: 1.0,
        };
        let run = crate::report::console::render(&outcome, false);
        for line in out.lines().skip(1).take(DIFFERED_SHOWN) {
            assert!(run.contains(&format!("{line}\n")), "{line} not in\n{run}");
        }
        let json: serde_json::Value = serde_json::from_str(&json(&Strength {
            baseline: vec![],
            faults: vec![],
            variants: vec![variant],
        }))
        .unwrap();
        let listed = &json["variants"][0]["alarms"][1]["differed"];
        assert_eq!(listed.as_array().unwrap().len(), 6, "{listed}");
        assert_eq!(listed[1]["kind"], "difference");
    }
}
