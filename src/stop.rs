//! When long work on a response gives up: the user interrupted the run, or the
//! scenario's time limit passed. A comparison of tens of megabytes checks this
//! as it goes, so neither waits for it to finish.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What makes long work stop; the default never does.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stop<'a> {
    /// Set when the run is interrupted (Ctrl-C, SIGTERM).
    pub interrupted: Option<&'a AtomicBool>,
    /// When the scenario's time runs out.
    pub deadline: Option<Instant>,
}

impl Stop<'_> {
    /// Why the work must stop now, if it must.
    pub fn reason(&self) -> Option<&'static str> {
        if self.interrupted.is_some_and(|i| i.load(Ordering::Relaxed)) {
            return Some("the run was interrupted");
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Some("the scenario's time limit (--scenario-timeout) ran out");
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn stops_on_an_interrupt_or_a_passed_deadline_only() {
        assert_eq!(Stop::default().reason(), None);
        let flag = AtomicBool::new(false);
        let later = Instant::now() + Duration::from_secs(3600);
        let stop = Stop {
            interrupted: Some(&flag),
            deadline: Some(later),
        };
        assert_eq!(stop.reason(), None);
        flag.store(true, Ordering::Relaxed);
        assert!(stop.reason().unwrap().contains("interrupted"));
        let passed = Stop {
            interrupted: None,
            deadline: Some(Instant::now()),
        };
        assert!(passed.reason().unwrap().contains("--scenario-timeout"));
    }
}
