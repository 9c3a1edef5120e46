//! `logscrub completions SHELL`: a completion script on stdout.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::exit::Exit;

/// Prints the completion script of `shell`.
pub fn run(shell: clap_complete::Shell) -> Exit {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "logscrub",
        &mut std::io::stdout(),
    );
    Exit::Ok
}
