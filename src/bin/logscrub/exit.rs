//! How a run ended, and the exit status that says so (documented in `--help` and the man page).

use std::process::ExitCode;

/// How a run ended; the exit status is its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: every input was scrubbed; or `check` found nothing.
    Ok,
    /// 1: `check` found personal data.
    Found,
    /// 2: a usage, configuration or input error (other inputs were still processed), or the
    /// report could not be written.
    Error,
    /// 128 + n: stopped by signal n.
    Signal(i32),
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Ok => 0,
            Exit::Found => 1,
            Exit::Error => 2,
            Exit::Signal(n) => u8::try_from(128 + n).unwrap_or(2),
        })
    }
}
