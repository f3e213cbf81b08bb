//! What every report format says of a run as a whole: the matrix of scenarios
//! against targets, and per target and conformance area how many trials
//! passed, failed, deviated as known, or did not apply.

use serde::Serialize;

use super::{RunSummary, Status};

/// The conformance areas, in the order reports show them.
pub const AREAS: [&str; 5] = ["logon", "sessions", "logoff", "tenant", "other"];

/// A scenario's conformance area, from its tags: a tenant's flow is `tenant`
/// whatever else it does; ending sessions (`logoff`, `logout`) comes before
/// listing them (`sessions`), which comes before `logon`.
pub fn area(tags: &[String]) -> &'static str {
    let has = |t: &str| tags.iter().any(|tag| tag == t);
    if has("tenant") {
        "tenant"
    } else if has("logoff") || has("logout") {
        "logoff"
    } else if has("sessions") {
        "sessions"
    } else if has("logon") {
        "logon"
    } else {
        "other"
    }
}

/// How many trials had each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Did what a recorded known deviation says.
    pub known_deviation: usize,
    /// Did not apply to the target.
    pub not_applicable: usize,
}

impl Tally {
    fn add(&mut self, status: Status) {
        match status {
            // A scenario is never skipped or not run as a whole (those are a
            // step's verdicts); were one, it failed nothing.
            Status::Passed | Status::Skipped | Status::NotRun => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::KnownDeviation => self.known_deviation += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    /// Every trial counted.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.known_deviation + self.not_applicable
    }
}

/// One target's trials of one area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaTally {
    /// The target's name.
    pub target: String,
    /// The conformance area.
    pub area: &'static str,
    /// Its verdicts.
    #[serde(flatten)]
    pub tally: Tally,
}

/// The targets of a run by name, in the order the run lists them.
pub fn target_names(summary: &RunSummary) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for t in &summary.targets {
        if !names.contains(&t.name) {
            names.push(t.name.clone());
        }
    }
    for s in &summary.scenarios {
        if !names.contains(&s.target) {
            names.push(s.target.clone());
        }
    }
    names
}

/// Per target and area, the areas a target had trials in.
pub fn conformance(summary: &RunSummary) -> Vec<AreaTally> {
    let mut rows = Vec::new();
    for target in target_names(summary) {
        let of_target = summary.scenarios.iter().filter(|s| s.target == target);
        for (area, tally) in areas(of_target) {
            rows.push(AreaTally {
                target: target.clone(),
                area,
                tally,
            });
        }
    }
    rows
}

/// The verdicts of `scenarios` per area, in the order of [`AREAS`], the
/// areas they have trials in.
pub fn areas<'a>(
    scenarios: impl Iterator<Item = &'a crate::outcome::ScenarioOutcome>,
) -> Vec<(&'static str, Tally)> {
    let mut tallies = [Tally::default(); AREAS.len()];
    for s in scenarios {
        let a = area(&s.tags);
        if let Some(i) = AREAS.iter().position(|x| *x == a) {
            tallies[i].add(s.status);
        }
    }
    AREAS
        .into_iter()
        .zip(tallies)
        .filter(|(_, t)| t.total() > 0)
        .collect()
}

/// Scenarios down, targets across.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    /// The columns.
    pub targets: Vec<String>,
    /// Each scenario's id and its cell on each target.
    pub rows: Vec<(String, Vec<Cell>)>,
}

/// A scenario on a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    /// It ran (or did not apply): the verdict.
    Verdict(Status),
    /// The target runs its dialect, but an interrupt kept it from running.
    NotRun,
    /// The target runs another dialect.
    OtherDialect,
}

impl Cell {
    /// The cell's word: short enough for a column.
    pub fn word(self) -> &'static str {
        match self {
            Cell::Verdict(Status::Passed) | Cell::Verdict(Status::Skipped) => "passed",
            Cell::Verdict(Status::Failed) => "FAILED",
            Cell::Verdict(Status::KnownDeviation) => "known dev.",
            Cell::Verdict(Status::NotApplicable) => "n/a",
            Cell::NotRun | Cell::Verdict(Status::NotRun) => "not run",
            Cell::OtherDialect => "-",
        }
    }
}

/// The run as a matrix; scenarios in id order.
pub fn matrix(summary: &RunSummary) -> Matrix {
    let targets = target_names(summary);
    let mut ids: Vec<(&str, &str)> = summary
        .scenarios
        .iter()
        .map(|s| (s.id.as_str(), s.dialect.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup_by(|a, b| a.0 == b.0);
    let runs = |target: &str, dialect: &str| {
        summary
            .targets
            .iter()
            .any(|t| t.name == target && t.dialect == dialect)
    };
    let mut rows: Vec<(String, Vec<Cell>)> = ids
        .iter()
        .map(|(id, dialect)| {
            let cells = targets
                .iter()
                .map(|t| {
                    if runs(t, dialect) {
                        Cell::NotRun
                    } else {
                        Cell::OtherDialect
                    }
                })
                .collect();
            (id.to_string(), cells)
        })
        .collect();
    for s in &summary.scenarios {
        let row = ids.binary_search_by(|(id, _)| id.cmp(&s.id.as_str()));
        let col = targets.iter().position(|t| *t == s.target);
        if let (Ok(row), Some(col)) = (row, col) {
            rows[row].1[col] = Cell::Verdict(s.status);
        }
    }
    Matrix { targets, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::ScenarioOutcome;

    fn outcome(id: &str, target: &str, tags: &[&str], status: Status) -> ScenarioOutcome {
        ScenarioOutcome {
            id: id.into(),
            target: target.into(),
            trial: String::new(),
            name: id.split("::").nth(1).unwrap_or(id).into(),
            dialect: "d".into(),
            file: String::new(),
            description: String::new(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            status,
            note: None,
            steps: Vec::new(),
            sessions: Vec::new(),
            duration_ms: 0.0,
        }
    }

    fn summary() -> RunSummary {
        let info = |name: &str, dialect: &str| crate::report::TargetInfo {
            name: name.into(),
            dialect: dialect.into(),
            ..Default::default()
        };
        RunSummary {
            targets: vec![info("old", "d"), info("new", "d"), info("cv", "c")],
            scenarios: vec![
                outcome("d::logon", "old", &["logon"], Status::Passed),
                outcome("d::logon", "new", &["logon"], Status::Failed),
                outcome(
                    "d::tenant",
                    "new",
                    &["logon", "tenant"],
                    Status::NotApplicable,
                ),
                outcome(
                    "d::logout",
                    "old",
                    &["logout", "sessions"],
                    Status::KnownDeviation,
                ),
                outcome("d::probe", "old", &["negative"], Status::Passed),
            ],
            not_run: Vec::new(),
            interrupted: false,
        }
    }

    #[test]
    fn areas_come_from_tags_in_order_of_precedence() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(area(&tags(&["logon", "tenant"])), "tenant");
        assert_eq!(area(&tags(&["sessions", "logoff"])), "logoff");
        assert_eq!(area(&tags(&["logout"])), "logoff");
        assert_eq!(area(&tags(&["logon", "sessions"])), "sessions");
        assert_eq!(area(&tags(&["logon"])), "logon");
        assert_eq!(area(&tags(&["negative"])), "other");
    }

    #[test]
    fn the_matrix_has_a_cell_per_scenario_and_target() {
        let m = matrix(&summary());
        assert_eq!(m.targets, ["old", "new", "cv"]);
        let row = |id: &str| m.rows.iter().find(|r| r.0 == id).unwrap().1.clone();
        let v = Cell::Verdict;
        let other = Cell::OtherDialect;
        assert_eq!(
            row("d::logon"),
            [v(Status::Passed), v(Status::Failed), other]
        );
        assert_eq!(
            row("d::tenant"),
            [Cell::NotRun, v(Status::NotApplicable), other]
        );
        assert_eq!(
            row("d::logout"),
            [v(Status::KnownDeviation), Cell::NotRun, other]
        );
        let ids: Vec<&str> = m.rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(ids, ["d::logon", "d::logout", "d::probe", "d::tenant"]);
        let words: Vec<&str> = row("d::tenant").iter().map(|c| c.word()).collect();
        assert_eq!(words, ["not run", "n/a", "-"]);
        assert_eq!(v(Status::Failed).word(), "FAILED");
        assert_eq!(v(Status::KnownDeviation).word(), "known dev.");
    }

    #[test]
    fn conformance_counts_each_target_and_area() {
        let rows = conformance(&summary());
        let find = |t: &str, a: &str| {
            rows.iter()
                .find(|r| r.target == t && r.area == a)
                .map(|r| r.tally)
        };
        let one = |f: fn(&mut Tally)| {
            let mut t = Tally::default();
            f(&mut t);
            Some(t)
        };
        assert_eq!(find("old", "logon"), one(|t| t.passed = 1));
        assert_eq!(find("old", "logoff"), one(|t| t.known_deviation = 1));
        assert_eq!(find("old", "other"), one(|t| t.passed = 1));
        assert_eq!(find("new", "logon"), one(|t| t.failed = 1));
        assert_eq!(find("new", "tenant"), one(|t| t.not_applicable = 1));
        assert_eq!(
            find("new", "sessions"),
            None,
            "areas without trials are left out"
        );
        assert_eq!(rows.len(), 5);
        let order: Vec<(&str, &str)> = rows.iter().map(|r| (r.target.as_str(), r.area)).collect();
        assert_eq!(
            order,
            [
                ("old", "logon"),
                ("old", "logoff"),
                ("old", "other"),
                ("new", "logon"),
                ("new", "tenant")
            ]
        );
    }
}
