//! The `logscrub` binary: parse flags (merged with the config file), resolve the plan, run, report,
//! choose the exit code.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::CommandFactory;
use logscrub::app;
use logscrub::cli::{self, ArgsError, Cli, Command};
use logscrub::config_file::Origins;
use logscrub::error::Error;
use logscrub::key;

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let parsed = match cli::parse_args(argv.clone()) {
        Ok(p) => p,
        // --help and --version
        Err(ArgsError::Clap(e)) if !e.use_stderr() => e.exit(),
        Err(e) => {
            return ExitCode::from(app::could_not_start(&e, cli::report_of(&argv).as_deref()))
        }
    };
    let cli = &parsed.cli;
    match &cli.command {
        Some(Command::Keygen { output }) => match key::keygen(output.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        },
        Some(Command::Reveal(args)) => ExitCode::from(app::scrub(
            args.plan(),
            None,
            cli.quiet,
            cli.progress.into(),
            &Origins::default(),
        )),
        Some(Command::Check(args)) => ExitCode::from(app::run_check(args)),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "logscrub",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Some(Command::Man { command }) => {
            match cli::man_page(command.as_deref(), &mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => match Error::write("<stdout>", e) {
                    Error::BrokenPipe => ExitCode::SUCCESS,
                    e => fail(&e),
                },
            }
        }
        None if cli.print_config => match parsed.plan() {
            Ok(_) => {
                print!("{}", cli::effective_toml(&parsed.matches));
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        None => ExitCode::from(app::scrub(
            parsed.plan(),
            cli.report.as_deref(),
            cli.quiet,
            cli.progress.into(),
            &parsed.origins,
        )),
    }
}

fn fail(e: &dyn std::fmt::Display) -> ExitCode {
    ExitCode::from(app::fail(e))
}
