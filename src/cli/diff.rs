//! `sessionconf diff`: a captured response against a golden, offline.

use crate::placeholder::Bindings;

use super::args::*;
use super::usage;

pub(crate) fn diff(args: DiffArgs) -> u8 {
    let golden = match crate::golden::Golden::load(&args.golden) {
        Ok(e) => e,
        Err(e) => return usage(e),
    };
    let bytes = match std::fs::read(&args.actual) {
        Ok(t) => t,
        Err(e) => return usage(format!("{}: cannot read: {e}", args.actual.display())),
    };
    let (text, encoding) = match crate::xml::decode(&bytes) {
        Ok(t) => t,
        Err(e) => return usage(format!("{}: cannot read: {e}", args.actual.display())),
    };
    let mut bindings = Bindings::default();
    for pair in &args.vars {
        match pair.split_once('=') {
            Some((name, value)) if crate::placeholder::is_variable_name(name) => {
                bindings.bind_capture(name, value)
            }
            _ => return usage(format!("--var {pair}: expected NAME=VALUE")),
        }
    }
    for (var, line, col) in golden.variables() {
        if !bindings.vars.contains_key(&var) {
            return usage(format!(
                "{}:{line}:{col}: placeholder `{{{{{var}}}}}` has no value: pass --var {var}=VALUE",
                args.golden.display()
            ));
        }
    }
    let label = args.golden.display().to_string();
    let verdict = match golden.judge_text(&label, &text, encoding, &bindings) {
        Ok(v) => v,
        Err(e) => return usage(format!("{}:{e}", args.actual.display())),
    };
    if verdict.is_match() {
        println!("{} matches {}", args.actual.display(), label);
        return 0;
    }
    let color = crate::report::console::stdout_color();
    print!(
        "{}",
        crate::report::console::render_mismatch(&verdict, color)
    );
    1
}
