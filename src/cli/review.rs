//! `sessionconf review`: each pending golden's change, accepted or rejected
//! one by one on a terminal, or all at once with `--accept` / `--reject`.

use std::io::{BufRead, IsTerminal, Write};

use crate::golden::review::{self, Pending};
use clap::Args;

use super::args::SuiteArgs;

// Documented by its help text (`sessionconf review --help`).
#[allow(missing_docs)]
#[derive(Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub suite: SuiteArgs,
    /// Accept every pending golden (they replace the goldens).
    #[arg(long, conflicts_with = "reject")]
    pub accept: bool,
    /// Reject every pending golden (they are removed; the goldens stay).
    #[arg(long)]
    pub reject: bool,
    /// Review only pending goldens whose path contains one of these.
    pub filters: Vec<String>,
}

/// What to do with one pending golden.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Choice {
    Accept,
    Reject,
    Skip,
    Quit,
}

/// Reviews the pending goldens: 0 none is left, 1 some are left (skipped, or
/// not decided off a terminal), 2 one could not be read, accepted or removed.
pub(crate) fn review(mut args: ReviewArgs) -> u8 {
    if let Err(e) = super::settings::settle_suite(&mut args.suite) {
        return super::usage(e);
    }
    let dir = args.suite.golden_dir.clone().unwrap_or_default();
    let all = match review::find(&dir) {
        Ok(p) => p,
        Err(e) => return super::usage(e),
    };
    let chosen: Vec<Pending> = all
        .into_iter()
        .filter(|p| {
            let shown = p.golden.display().to_string();
            args.filters.is_empty() || args.filters.iter().any(|f| shown.contains(f.as_str()))
        })
        .collect();
    if chosen.is_empty() {
        eprintln!("no pending goldens under {}", dir.display());
        return 0;
    }
    let interactive = !args.accept && !args.reject && std::io::stdin().is_terminal();
    let color = crate::report::console::stdout_color();
    let (mut left, mut errors) = (0, 0);
    let mut stdin = std::io::stdin().lock();
    for (i, p) in chosen.iter().enumerate() {
        match review::diff(p) {
            Ok(d) => print!("{}", crate::report::console::paint_diff(&d, color)),
            Err(e) => {
                eprintln!("error: {e}");
                errors += 1;
                continue;
            }
        }
        let choice = if args.accept {
            Choice::Accept
        } else if args.reject {
            Choice::Reject
        } else if interactive {
            ask(&mut stdin, i + 1, chosen.len())
        } else {
            Choice::Skip
        };
        let done = match choice {
            Choice::Accept => review::accept(p).map(|()| "accepted"),
            Choice::Reject => review::reject(p).map(|()| "rejected"),
            Choice::Skip => Ok("left pending"),
            Choice::Quit => {
                left += chosen.len() - i;
                break;
            }
        };
        match done {
            Ok(word) => {
                println!("{word}: {}", p.golden.display());
                left += usize::from(choice == Choice::Skip);
            }
            Err(e) => {
                eprintln!("error: {e}");
                errors += 1;
            }
        }
    }
    conclude(left, errors, interactive)
}

fn conclude(left: usize, errors: usize, interactive: bool) -> u8 {
    if errors > 0 {
        return 2;
    }
    if left > 0 {
        let how = if interactive {
            ""
        } else {
            " (not a terminal: --accept or --reject decides)"
        };
        eprintln!("{left} pending golden(s) left{how}");
        return 1;
    }
    0
}

/// Asks on the terminal until the answer is one of the choices; the end of
/// input quits.
fn ask(input: &mut impl BufRead, n: usize, of: usize) -> Choice {
    loop {
        print!("[{n}/{of}] a accept, r reject, s skip, q quit: ");
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return Choice::Quit,
            Ok(_) => {}
        }
        match line.trim() {
            "a" | "accept" => return Choice::Accept,
            "r" | "reject" => return Choice::Reject,
            "s" | "skip" | "" => return Choice::Skip,
            "q" | "quit" => return Choice::Quit,
            _ => println!("a, r, s or q"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_until_one_is_a_choice_and_the_end_quits() {
        let mut input = std::io::Cursor::new("x\na\n");
        assert!(ask(&mut input, 1, 2) == Choice::Accept);
        let mut input = std::io::Cursor::new("reject\n\nq\n");
        assert!(ask(&mut input, 1, 2) == Choice::Reject);
        assert!(ask(&mut input, 2, 2) == Choice::Skip, "an empty line skips");
        assert!(ask(&mut input, 2, 2) == Choice::Quit);
        assert!(
            ask(&mut input, 2, 2) == Choice::Quit,
            "the end of input quits"
        );
    }

    #[test]
    fn the_exit_code_says_whether_anything_is_left() {
        assert_eq!(conclude(0, 0, true), 0);
        assert_eq!(conclude(2, 0, false), 1);
        assert_eq!(conclude(0, 1, true), 2);
        assert_eq!(conclude(3, 1, true), 2);
    }
}
