//! Ctrl-C and SIGTERM: finish what is in flight, log out, stop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::run::open_sessions::OpenSessions;

/// Signals this close to the first are the same request: a CI runner or
/// `timeout -s INT` signals the process and its group at once.
const SAME_REQUEST: Duration = Duration::from_secs(1);

/// What a signal asks for, given when the first one came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Stop gracefully: steps in flight finish, `finally` steps log out.
    Finish,
    /// The first request, said again (the process group's copy): nothing new.
    Same,
    /// A second request: stop at once.
    StopNow,
}

/// What the signal arriving at `now` means, the first having come at `first`.
pub(crate) fn judge(first: Option<Instant>, now: Instant) -> Verdict {
    match first {
        None => Verdict::Finish,
        Some(first) if now.saturating_duration_since(first) < SAME_REQUEST => Verdict::Same,
        Some(_) => Verdict::StopNow,
    }
}

/// On Ctrl-C or SIGTERM, sets `flag`: scenarios in flight stop after their current
/// step and run their `finally` steps, the rest are not started, and the reports
/// of what finished are written. A second signal, a second or more after the
/// first, ends the process at once, naming the sessions still open.
pub fn stop_on_signals(flag: Arc<AtomicBool>, sessions: OpenSessions) {
    let spawned = std::thread::Builder::new()
        .name("sessionconf-signals".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(watch(flag, sessions));
        });
    if let Err(e) = spawned {
        eprintln!("warning: cannot watch for Ctrl-C: {e}");
    }
}

async fn watch(flag: Arc<AtomicBool>, sessions: OpenSessions) {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let mut first = None;
    loop {
        #[cfg(unix)]
        let got = match term.as_mut() {
            Some(t) => {
                tokio::select! { r = tokio::signal::ctrl_c() => r.is_ok(), r = t.recv() => r.is_some() }
            }
            None => tokio::signal::ctrl_c().await.is_ok(),
        };
        #[cfg(not(unix))]
        let got = tokio::signal::ctrl_c().await.is_ok();
        if !got {
            return;
        }
        let now = Instant::now();
        match judge(first, now) {
            Verdict::Finish => {
                first = Some(now);
                flag.store(true, Ordering::SeqCst);
                eprintln!("interrupted: finishing the steps in flight and logging out (interrupt again to stop at once)");
            }
            Verdict::Same => {}
            Verdict::StopNow => {
                eprintln!("interrupted again: stopping now");
                let open = sessions.describe();
                if !open.is_empty() {
                    eprintln!("sessions still open on the server (end them there):");
                    for line in open {
                        eprintln!("  {line}");
                    }
                }
                std::process::exit(130);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_within_a_second_are_one_request() {
        let start = Instant::now();
        assert_eq!(judge(None, start), Verdict::Finish);
        assert_eq!(judge(Some(start), start), Verdict::Same);
        assert_eq!(
            judge(Some(start), start + Duration::from_millis(999)),
            Verdict::Same
        );
        assert_eq!(judge(Some(start), start + SAME_REQUEST), Verdict::StopNow);
        assert_eq!(
            judge(Some(start), start + Duration::from_secs(5)),
            Verdict::StopNow
        );
    }
}
