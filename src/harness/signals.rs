//! Ctrl-C and SIGTERM: finish what is in flight, log out, stop.

use std::sync::Arc;

/// On Ctrl-C or SIGTERM, sets `flag`: scenarios in flight stop after their current
/// step and run their `finally` steps, the rest are not started, and the reports
/// of what finished are written. A second signal ends the process at once.
pub fn stop_on_signals(flag: Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::Ordering;
    let spawned = std::thread::Builder::new().name("sessionconf-signals".into()).spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        runtime.block_on(async move {
            #[cfg(unix)]
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            loop {
                #[cfg(unix)]
                let got = match term.as_mut() {
                    Some(t) => tokio::select! { r = tokio::signal::ctrl_c() => r.is_ok(), r = t.recv() => r.is_some() },
                    None => tokio::signal::ctrl_c().await.is_ok(),
                };
                #[cfg(not(unix))]
                let got = tokio::signal::ctrl_c().await.is_ok();
                if !got {
                    return;
                }
                if flag.swap(true, Ordering::SeqCst) {
                    eprintln!("interrupted again: stopping now");
                    std::process::exit(130);
                }
                eprintln!("interrupted: finishing the steps in flight and logging out (again to stop at once)");
            }
        });
    });
    if let Err(e) = spawned {
        eprintln!("warning: cannot watch for Ctrl-C: {e}");
    }
}
