//! Progress on a terminal for a run longer than a moment: a bar per target
//! with its trials done and failures so far. Never when output is piped, in
//! CI, with `NO_COLOR`, or with `--format terse` (a person who asked for
//! terse output, or a machine reading it, does not want it).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::outcome::Status;

/// How long a run goes before its progress shows: a short run never flickers.
const QUIET_FOR: Duration = Duration::from_millis(400);

/// What decides whether progress is drawn.
#[derive(Debug, Clone, Copy, Default)]
pub struct Where {
    /// Standard error is a terminal.
    pub stderr_terminal: bool,
    /// Standard output is a terminal (the harness's lines go there).
    pub stdout_terminal: bool,
    /// The CI variable is set.
    pub ci: bool,
    /// `NO_COLOR` is set.
    pub no_color: bool,
    /// `--format terse` (or `--quiet`) was asked for.
    pub terse: bool,
    /// Only listing.
    pub listing: bool,
}

impl Where {
    /// This process's terminal and environment.
    pub fn here(args: &libtest_mimic::Arguments) -> Where {
        use std::io::IsTerminal;
        let set = |v: &str| {
            std::env::var_os(v).is_some_and(|x| !x.is_empty() && x != "false" && x != "0")
        };
        Where {
            stderr_terminal: std::io::stderr().is_terminal(),
            stdout_terminal: std::io::stdout().is_terminal(),
            ci: set("CI"),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            terse: args.quiet || matches!(args.format, Some(libtest_mimic::FormatSetting::Terse)),
            listing: args.list,
        }
    }

    /// Whether progress is drawn.
    pub fn wants_progress(self) -> bool {
        self.stderr_terminal
            && self.stdout_terminal
            && !self.ci
            && !self.no_color
            && !self.terse
            && !self.listing
    }
}

/// The bars of a run, one per target.
pub struct Progress {
    multi: MultiProgress,
    bars: BTreeMap<String, (ProgressBar, AtomicUsize)>,
    finished: Arc<AtomicBool>,
}

impl Progress {
    /// Bars for `targets` (name, trials), drawn on standard error once the
    /// run has gone on for a moment; hidden with `draw: false` (tests).
    pub fn start(targets: &[(String, u64)], draw: bool) -> Progress {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::hidden());
        let width = targets.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        let style = ProgressStyle::with_template(&format!(
            "{{prefix:>{width}}} [{{bar:30}}] {{pos}}/{{len}} trials{{msg}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bars = targets
            .iter()
            .map(|(name, count)| {
                let bar = multi.add(ProgressBar::new(*count));
                bar.set_style(style.clone());
                bar.set_prefix(name.clone());
                (name.clone(), (bar, AtomicUsize::new(0)))
            })
            .collect();
        let finished = Arc::new(AtomicBool::new(false));
        if draw {
            let (multi, finished) = (multi.clone(), finished.clone());
            std::thread::spawn(move || {
                std::thread::sleep(QUIET_FOR);
                if !finished.load(Ordering::SeqCst) {
                    multi.set_draw_target(ProgressDrawTarget::stderr());
                }
            });
        }
        Progress {
            multi,
            bars,
            finished,
        }
    }

    /// One trial of `target` ended with `status`.
    pub fn done(&self, target: &str, status: Status) {
        let Some((bar, failed)) = self.bars.get(target) else {
            return;
        };
        if status == Status::Failed {
            let n = failed.fetch_add(1, Ordering::SeqCst) + 1;
            bar.set_message(format!(", {n} failed"));
        }
        bar.inc(1);
        // Off the terminal before the harness prints its summary.
        if self
            .bars
            .values()
            .all(|(b, _)| b.length().is_some_and(|n| b.position() >= n))
        {
            self.finish();
        }
    }

    /// Trials done and failed so far on `target`.
    pub fn counts(&self, target: &str) -> Option<(u64, usize)> {
        self.bars
            .get(target)
            .map(|(bar, failed)| (bar.position(), failed.load(Ordering::SeqCst)))
    }

    /// Prints `text` on standard error above the bars.
    pub fn eprint(&self, text: &str) {
        self.multi.suspend(|| eprint!("{text}"));
    }

    /// Takes the bars off the terminal.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::SeqCst);
        for (bar, _) in self.bars.values() {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_on_a_terminal_outside_ci_without_no_color_or_terse() {
        let terminal = Where {
            stderr_terminal: true,
            stdout_terminal: true,
            ..Where::default()
        };
        assert!(terminal.wants_progress());
        for not in [
            Where {
                stderr_terminal: false,
                ..terminal
            },
            Where {
                stdout_terminal: false,
                ..terminal
            },
            Where {
                ci: true,
                ..terminal
            },
            Where {
                no_color: true,
                ..terminal
            },
            Where {
                terse: true,
                ..terminal
            },
            Where {
                listing: true,
                ..terminal
            },
        ] {
            assert!(!not.wants_progress(), "{not:?}");
        }
    }

    #[test]
    fn each_target_counts_its_trials_and_failures() {
        let p = Progress::start(&[("em12".into(), 3), ("em13".into(), 2)], false);
        p.done("em12", Status::Passed);
        p.done("em12", Status::Failed);
        p.done("em13", Status::KnownDeviation);
        p.done("elsewhere", Status::Failed);
        assert_eq!(p.counts("em12"), Some((2, 1)));
        assert_eq!(p.counts("em13"), Some((1, 0)));
        assert_eq!(p.counts("elsewhere"), None);
        p.finish();
    }

    #[test]
    fn arguments_for_terse_output_turn_it_off() {
        let args = |list: &[&str]| {
            libtest_mimic::Arguments::from_iter(std::iter::once("x").chain(list.iter().copied()))
        };
        assert!(Where::here(&args(&["--format", "terse"])).terse);
        assert!(Where::here(&args(&["--quiet"])).terse);
        assert!(!Where::here(&args(&[])).terse);
        assert!(Where::here(&args(&["--list"])).listing);
    }
}
