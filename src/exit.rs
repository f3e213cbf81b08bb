//! The exit codes of `sessionconf`, in one place.

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything passed (known deviations and not-applicable scenarios included).
    Passed = 0,
    /// A scenario failed, or `diff` found a difference.
    Failed = 1,
    /// A usage, configuration, scenario, golden or report error.
    Usage = 2,
    /// The run left a session open on the server (a real server caps
    /// sessions), or ended another client's session on an embedded server.
    SessionsLeftOpen = 3,
    /// Ctrl-C or SIGTERM.
    Interrupted = 130,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_ones() {
        let codes: Vec<u8> = [
            Exit::Passed,
            Exit::Failed,
            Exit::Usage,
            Exit::SessionsLeftOpen,
            Exit::Interrupted,
        ]
        .into_iter()
        .map(Exit::code)
        .collect();
        assert_eq!(codes, [0, 1, 2, 3, 130]);
        assert_eq!(
            std::process::ExitCode::from(Exit::SessionsLeftOpen),
            std::process::ExitCode::from(3)
        );
    }
}
