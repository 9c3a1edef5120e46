//! The `logscrub` binary: read the command line (merged with its configuration file), dispatch to
//! a command, and turn how it ended into an exit status. Everything that can be tested without a
//! terminal lives in the library; this only wires it up and talks to the user.
//!
//! - [`cli`]: flags, the configuration file, their resolution into a plan, `--print-config`.
//! - [`commands`]: one module per command (the scrub itself, reveal, check, keygen, completions,
//!   man).
//! - [`progress`], [`signals`], [`report_file`]: the progress bar, SIGINT/SIGTERM/SIGHUP, and
//!   where the JSON report goes.

mod cli;
mod commands;
mod progress;
mod report_file;
mod signals;

use std::ffi::OsString;
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

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let exit = match cli::parse_args(&argv) {
        Ok(parsed) => commands::dispatch(&parsed),
        // --help and --version
        Err(cli::ArgsError::Clap(e)) if !e.use_stderr() => e.exit(),
        Err(e) => commands::scrub::could_not_start(&e, cli::report_of(&argv).as_deref()),
    };
    exit.into()
}
