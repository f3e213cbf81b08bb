//! `sessionconf coverage`: each documented requirement, the steps that check
//! it, and per reference server version whether it holds and is checked there.

use crate::harness;

use super::args::*;
use super::usage;

pub(crate) fn coverage(args: CoverageArgs) -> u8 {
    let source = match super::settings::suite_source(args.suite, true) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let valid = match harness::validate(&source) {
        Ok(v) => v,
        Err(errors) => return super::check::config_errors(&errors),
    };
    let profiles = match harness::probe_profiles(&source, &valid.dialects) {
        Ok(p) => p,
        Err(e) => return usage(e.to_string()),
    };
    let coverage = crate::coverage::compute(&valid.scenarios, &valid.catalogues, &profiles);
    print!("{}", crate::coverage::render::console(&coverage));
    let files = [
        (
            args.json,
            "json",
            crate::coverage::render::json as fn(&_) -> String,
        ),
        (args.html, "html", crate::coverage::render::html),
    ];
    for (path, format, render) in files {
        let Some(path) = path else { continue };
        if let Err(e) = crate::report::write_text(&path, format, &render(&coverage)) {
            eprintln!("error: {e}");
            return 2;
        }
    }
    0
}
