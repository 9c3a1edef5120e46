//! The `logscrub` binary: read the command line (merged with its configuration file), dispatch to
//! a command, and turn how it ended into an exit status. Everything that can be tested without a
//! terminal lives in the library; this only wires it up and talks to the user.
//!
//! - [`cli`]: flags, the configuration file, their resolution into a plan, `--print-config`.
//! - [`commands`]: one module per command (the scrub itself, reveal, check, keygen, completions,
//!   man).
//! - [`progress`], [`signals`], [`report_file`]: the progress bar, SIGINT/SIGTERM/SIGHUP, and
//!   where the JSON report goes.
//! - [`exit`]: how a run ended, as an exit status.

mod cli;
mod commands;
mod exit;
mod progress;
mod report_file;
mod signals;

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let exit = match cli::parse_args(&argv) {
        Ok(parsed) => commands::dispatch(&parsed),
        // --help and --version
        Err(cli::ArgsError::Clap(e, _)) if !e.use_stderr() => e.exit(),
        Err(e) => commands::scrub::could_not_start(&e, cli::report_of(&argv).as_deref()),
    };
    exit.into()
}
