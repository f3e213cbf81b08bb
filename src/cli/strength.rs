//! `sessionconf strength`: the suite against every fault and benign variant
//! of the reference server; exit 0 when every fault is caught and no variant
//! alarms, 1 otherwise.

use crate::server::Profile;
use crate::strength::{measure, render, StrengthConfig};

use super::args::*;
use super::usage;

pub(crate) fn strength(args: StrengthArgs) -> u8 {
    let source = match super::settings::suite_source(args.suite, false) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let profile = match args.profile.as_deref().map(|p| (p, Profile::parse(p))) {
        None => None,
        Some((_, Some(p))) => Some(p),
        Some((name, None)) => {
            let names: Vec<&str> = Profile::ALL.iter().map(|p| p.name()).collect();
            return usage(format!(
                "--profile {name}: expected one of {}",
                names.join(", ")
            ));
        }
    };
    if args.jobs == Some(0) {
        return usage("--jobs 0: at least one run at a time");
    }
    let company = match args.company.company() {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let config = StrengthConfig {
        source,
        profile,
        company,
        jobs: args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        }),
        progress: progress_wanted(),
    };
    let strength = match measure(&config) {
        Ok(s) => s,
        Err(crate::harness::RunError::Config(errors)) => {
            return super::check::config_errors(&errors)
        }
        Err(e) => return usage(e.to_string()),
    };
    print!("{}", render::console(&strength));
    if let Some(path) = &args.json {
        if let Err(e) = crate::report::write_text(path, "json", &render::json(&strength)) {
            eprintln!("error: {e}");
            return 2;
        }
    }
    if strength.passed() {
        0
    } else {
        1
    }
}

/// A bar on a terminal, never in CI or with NO_COLOR.
fn progress_wanted() -> bool {
    let args = libtest_mimic::Arguments::default();
    crate::report::progress::Where::here(&args).wants_progress()
}
