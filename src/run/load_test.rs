//! Load: one scenario run many times at once, to see how session management holds
//! up under concurrency: flows per second, latency per step, errors, sessions left.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{run_scenario, RunOptions};
use crate::outcome::{Phase, Status};
use crate::scenario::LoadedScenario;

/// Latencies of one step over every flow.
#[derive(Debug, Clone, Serialize)]
pub struct StepLatency {
    /// The step (`finally NAME` for a `finally` step).
    pub step: String,
    /// How many times it ran.
    pub count: usize,
    /// Median, in milliseconds.
    pub p50_ms: f64,
    /// 90th percentile, in milliseconds.
    pub p90_ms: f64,
    /// 99th percentile, in milliseconds.
    pub p99_ms: f64,
    /// Slowest, in milliseconds.
    pub max_ms: f64,
}

/// What `sessionconf load` measured.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// The scenario, as `DIALECT::NAME`.
    pub scenario: String,
    /// Flows at once.
    pub concurrency: usize,
    /// Flows run.
    pub flows: usize,
    /// Flows that failed.
    pub failed_flows: usize,
    /// Wall time of the whole load.
    pub seconds: f64,
    /// Flows completed per second.
    pub flows_per_second: f64,
    /// Latencies per step, in the scenario's order.
    pub steps: Vec<StepLatency>,
    /// The first few distinct failure messages.
    pub errors: Vec<String>,
    /// Sessions still open on the endpoint afterwards, where that can be known.
    pub sessions_left_open: Option<usize>,
    /// Whole flows: their latency, from the first step to the last `finally` step.
    pub flow_latency: StepLatency,
    /// Limits the run was given, and which of them it broke.
    pub thresholds: Thresholds,
    /// Each limit broken, in words.
    pub breaches: Vec<String>,
}

/// Limits that make `load` fail, so it can guard a CI job.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Thresholds {
    /// The slowest 1 % of whole flows may take at most this long, in milliseconds.
    pub max_p99_ms: Option<f64>,
    /// At most this fraction of flows may fail (0 to 1).
    pub max_error_rate: Option<f64>,
}

impl Thresholds {
    /// What a report breaks of these limits.
    fn breaches(&self, flows: usize, failed: usize, flow_latency: &StepLatency) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(max) = self.max_p99_ms.filter(|max| flow_latency.p99_ms > *max) {
            out.push(format!(
                "p99 of whole flows is {:.2} ms, above --max-p99 {max}",
                flow_latency.p99_ms
            ));
        }
        let rate = if flows == 0 {
            0.0
        } else {
            failed as f64 / flows as f64
        };
        if let Some(max) = self.max_error_rate.filter(|max| rate > *max) {
            out.push(format!(
                "{failed} of {flows} flows failed ({rate:.3}), above --max-error-rate {max}"
            ));
        }
        out
    }
}

impl LoadReport {
    /// Whether the load passed: no session left open, and either no flow failed
    /// or, with `--max-error-rate`, not more than it allows; no limit broken.
    pub fn passed(&self) -> bool {
        let failures_allowed = self.thresholds.max_error_rate.is_some() || self.failed_flows == 0;
        failures_allowed && self.sessions_left_open.unwrap_or(0) == 0 && self.breaches.is_empty()
    }

    /// The report as text for a terminal.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{}: {} flows, {} concurrent, {:.2} s, {:.1} flows/s, {} failed\n",
            self.scenario,
            self.flows,
            self.concurrency,
            self.seconds,
            self.flows_per_second,
            self.failed_flows
        );
        out.push_str(&format!(
            "  {:<32} {:>7} {:>9} {:>9} {:>9} {:>9}\n",
            "step", "count", "p50 ms", "p90 ms", "p99 ms", "max ms"
        ));
        for s in self.steps.iter().chain(std::iter::once(&self.flow_latency)) {
            out.push_str(&format!(
                "  {:<32} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>9.2}\n",
                s.step, s.count, s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms
            ));
        }
        match self.sessions_left_open {
            Some(n) => out.push_str(&format!("  sessions left open: {n}\n")),
            None => out.push_str("  sessions left open: unknown (not the embedded server)\n"),
        }
        for e in &self.errors {
            out.push_str(&format!("  error: {e}\n"));
        }
        for b in &self.breaches {
            out.push_str(&format!("  limit broken: {b}\n"));
        }
        out
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Runs `scenario` `iterations` times on `concurrency` threads. `open_sessions`
/// tells how many sessions the endpoint still has, when that can be known.
pub fn run_load(
    scenario: &LoadedScenario,
    options: &Arc<RunOptions>,
    concurrency: usize,
    iterations: usize,
    open_sessions: Option<&dyn Fn() -> usize>,
) -> LoadReport {
    run_load_within(
        scenario,
        options,
        (concurrency, iterations),
        open_sessions,
        Thresholds::default(),
    )
}

/// As [`run_load`], judged against `thresholds`.
pub fn run_load_within(
    scenario: &LoadedScenario,
    options: &Arc<RunOptions>,
    (concurrency, iterations): (usize, usize),
    open_sessions: Option<&dyn Fn() -> usize>,
    thresholds: Thresholds,
) -> LoadReport {
    let concurrency = concurrency.clamp(1, iterations.max(1));
    let next = AtomicUsize::new(0);
    let tally = Tally::default();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..concurrency {
            scope.spawn(|| {
                while next.fetch_add(1, Ordering::SeqCst) < iterations {
                    if options.is_interrupted() {
                        break;
                    }
                    tally.record(&run_scenario(scenario, options));
                }
            });
        }
    });
    let Tally {
        latencies,
        flow_samples,
        failed,
        errors,
    } = tally;
    let elapsed = started.elapsed().max(Duration::from_micros(1));
    let flows = iterations.min(next.load(Ordering::SeqCst));
    let mut rows: Vec<(String, (usize, Vec<f64>))> = latencies
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .collect();
    rows.sort_by_key(|(_, (first, _))| *first);
    let steps = rows
        .into_iter()
        .map(|(step, (_, samples))| latency(step, samples))
        .collect();
    let flow_latency = latency(
        "whole flow".to_string(),
        flow_samples.into_inner().unwrap_or_else(|e| e.into_inner()),
    );
    let failed_flows = failed.load(Ordering::SeqCst);
    let breaches = thresholds.breaches(flows, failed_flows, &flow_latency);
    LoadReport {
        flow_latency,
        thresholds,
        breaches,
        scenario: scenario.id.clone(),
        concurrency,
        flows,
        failed_flows,
        seconds: elapsed.as_secs_f64(),
        flows_per_second: flows as f64 / elapsed.as_secs_f64(),
        steps,
        errors: errors.into_inner().unwrap_or_else(|e| e.into_inner()),
        sessions_left_open: open_sessions.map(|f| f()),
    }
}

/// What the flows of a load measured, as they finish.
#[derive(Default)]
struct Tally {
    /// By step label: where it first stood in a flow, and its samples. A step
    /// stands at another index in a flow that failed early; it is one row still.
    latencies: Mutex<BTreeMap<String, (usize, Vec<f64>)>>,
    flow_samples: Mutex<Vec<f64>>,
    failed: AtomicUsize,
    errors: Mutex<Vec<String>>,
}

impl Tally {
    fn record(&self, outcome: &crate::outcome::ScenarioOutcome) {
        let mut lat = self.latencies.lock().unwrap_or_else(|e| e.into_inner());
        for (i, step) in outcome.steps.iter().enumerate() {
            // Neither was sent: no latency to count.
            if matches!(step.status, Status::Skipped | Status::NotRun) {
                continue;
            }
            let label = match step.phase {
                Phase::Steps => step.name.clone(),
                Phase::Finally => format!("finally {}", step.name),
            };
            let entry = lat.entry(label).or_insert((i, Vec::new()));
            entry.0 = entry.0.min(i);
            entry.1.push(step.duration_ms);
        }
        drop(lat);
        self.flow_samples
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(outcome.duration_ms);
        if outcome.passed() {
            return;
        }
        self.failed.fetch_add(1, Ordering::SeqCst);
        let mut errs = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        for step in outcome.steps.iter().filter(|s| s.status == Status::Failed) {
            let message = format!("step `{}`: {}", step.name, join_failures(&step.failures));
            if errs.len() < 5 && !errs.contains(&message) {
                errs.push(message);
            }
        }
    }
}

fn latency(step: String, mut samples: Vec<f64>) -> StepLatency {
    samples.sort_by(f64::total_cmp);
    StepLatency {
        step,
        count: samples.len(),
        p50_ms: percentile(&samples, 50.0),
        p90_ms: percentile(&samples, 90.0),
        p99_ms: percentile(&samples, 99.0),
        max_ms: samples.last().copied().unwrap_or(0.0),
    }
}

fn join_failures(failures: &[crate::outcome::Failure]) -> String {
    let texts: Vec<&str> = failures.iter().map(|f| f.message.as_str()).collect();
    texts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flows(p99_ms: f64) -> StepLatency {
        StepLatency {
            step: "whole flow".into(),
            count: 10,
            p50_ms: 1.0,
            p90_ms: 1.0,
            p99_ms,
            max_ms: p99_ms,
        }
    }

    #[test]
    fn a_limit_is_broken_only_when_passed() {
        let limits = Thresholds {
            max_p99_ms: Some(50.0),
            max_error_rate: Some(0.2),
        };
        // At the limit is within it.
        assert!(limits.breaches(10, 2, &flows(50.0)).is_empty());
        let broken = limits.breaches(10, 3, &flows(50.5));
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert!(
            broken[0].contains("50.50 ms, above --max-p99 50"),
            "{broken:?}"
        );
        assert!(
            broken[1].contains("3 of 10 flows failed (0.300)"),
            "{broken:?}"
        );
        // No flows: no failure rate to break.
        assert!(limits.breaches(0, 0, &flows(0.0)).is_empty());
        assert!(Thresholds::default()
            .breaches(10, 10, &flows(1e9))
            .is_empty());
    }
}
