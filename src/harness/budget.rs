//! A target's session budget: real servers cap the sessions a user may hold,
//! so a run never holds more at once than the budget allows, however many
//! scenarios run side by side.

use std::sync::{Condvar, Mutex};

/// Sessions a target may have open at once, handed out to trials.
#[derive(Debug)]
pub(crate) struct Budget {
    size: usize,
    free: Mutex<usize>,
    freed: Condvar,
}

/// Sessions taken from a budget, given back when dropped.
pub(crate) struct Taken<'b> {
    budget: &'b Budget,
    count: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(super::DEFAULT_MAX_SESSIONS)
    }
}

impl Budget {
    /// A budget of `size` sessions (at least one).
    pub fn new(size: usize) -> Budget {
        let size = size.max(1);
        Budget {
            size,
            free: Mutex::new(size),
            freed: Condvar::new(),
        }
    }

    /// How many sessions it allows at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Waits until `count` sessions are free and takes them. A scenario that
    /// opens more than the whole budget takes all of it (it runs alone). The
    /// wait is bounded: every holder is a trial, itself bounded by the
    /// scenario timeout.
    pub fn take(&self, count: usize) -> Taken<'_> {
        let count = count.min(self.size);
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free < count {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= count;
        Taken {
            budget: self,
            count,
        }
    }
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        if self.count == 0 {
            return;
        }
        let mut free = self.budget.free.lock().unwrap_or_else(|e| e.into_inner());
        *free += self.count;
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn never_more_than_the_budget_at_once() {
        let budget = Arc::new(Budget::new(3));
        let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let (done, finished) = std::sync::mpsc::channel();
        for i in 0..12 {
            let (budget, now, peak) = (budget.clone(), now.clone(), peak.clone());
            let done = done.clone();
            std::thread::spawn(move || {
                let want = 1 + i % 2;
                {
                    let _taken = budget.take(want);
                    let held = now.fetch_add(want, Ordering::SeqCst) + want;
                    peak.fetch_max(held, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    now.fetch_sub(want, Ordering::SeqCst);
                }
                let _ = done.send(());
            });
        }
        // A budget that never gives sessions back fails here, not by hanging.
        for _ in 0..12 {
            finished
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("every trial gets its sessions within the time");
        }
        let peak = peak.load(Ordering::SeqCst);
        assert!(peak <= 3, "{peak}");
        assert!(peak >= 2, "the budget lets trials run side by side: {peak}");
        assert_eq!(*budget.free.lock().unwrap(), 3, "every session given back");
    }

    #[test]
    fn a_scenario_wanting_more_than_the_budget_takes_it_all_and_none_takes_nothing() {
        let budget = Budget::new(2);
        {
            let _all = budget.take(5);
            assert_eq!(*budget.free.lock().unwrap(), 0);
            let _none = budget.take(0);
        }
        assert_eq!(*budget.free.lock().unwrap(), 2);
        assert_eq!(budget.size(), 2);
        assert_eq!(Budget::new(0).size(), 1);
    }
}
