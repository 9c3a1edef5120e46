//! One module per command; [`dispatch`] picks the one the command line names.

pub mod aggregate;
pub mod check;
pub mod completions;
pub mod forget;
pub mod keygen;
pub mod man;
pub mod reveal;
pub mod scrub;
pub mod subject;

use crate::cli::{print_config, Command, Parsed};
use crate::exit::Exit;

/// Runs what `parsed` asks for.
pub fn dispatch(parsed: &Parsed) -> Exit {
    let cli = &parsed.cli;
    match &cli.command {
        Some(Command::Keygen { output }) => keygen::run(output.as_deref()),
        Some(Command::Reveal(args)) => reveal::run(args, cli.quiet, cli.progress.into()),
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Aggregate(args)) => aggregate::run(args),
        Some(Command::Completions { shell }) => completions::run(*shell),
        Some(Command::Man { command }) => man::run(command.as_deref()),
        Some(Command::Forget(args)) => forget::run(args),
        Some(Command::Subject(args)) => subject::run(args),
        None if cli.print_config => match parsed.plan() {
            Ok(_) => {
                print!("{}", print_config::effective_toml(&parsed.matches));
                Exit::Ok
            }
            Err(e) => fail(&e),
        },
        None => scrub::run(
            parsed.plan(),
            cli.report.as_deref(),
            cli.quiet,
            cli.progress.into(),
            &parsed.origins,
        ),
    }
}

/// Prints `e` as one line on stderr and returns the error status.
pub fn fail(e: &dyn std::fmt::Display) -> Exit {
    eprintln!("logscrub: {e}");
    Exit::Error
}
