//! `logscrub man [COMMAND]`: the man page (roff) of logscrub or of one of its commands.

use clap::CommandFactory;
use logscrub::error::Error;

use super::fail;
use crate::cli::Cli;
use crate::exit::Exit;

/// Prints the page of `command` (`None`: logscrub's own); a closed stdout is no failure.
pub fn run(command: Option<&str>) -> Exit {
    match man_page(command, &mut std::io::stdout()) {
        Ok(()) => Exit::Ok,
        Err(e) => match Error::write("<stdout>", e) {
            Error::BrokenPipe => Exit::Ok,
            e => fail(&e),
        },
    }
}

/// The man page of `logscrub` (`None`) or of one of its commands, as roff.
fn man_page(command: Option<&str>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // As clap_mangen's own generate_to: `help` is no command with a page of its own.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => cmd
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| std::io::Error::other(format!("no man page for {name}")))?,
    };
    clap_mangen::Man::new(page)
        .source(format!("logscrub {}", env!("CARGO_PKG_VERSION")))
        .render(out)
}
