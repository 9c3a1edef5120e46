//! The `logscrub` binary: parse flags, resolve the plan, run, report, choose the exit code.

use std::process::ExitCode;

use clap::Parser;
use logscrub::cli::Cli;
use logscrub::error::Error;
use logscrub::pipeline;

const EXIT_FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let jobs = match cli.plan().and_then(|plan| plan.jobs().map(|jobs| (plan, jobs))) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("logscrub: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let (plan, jobs) = jobs;
    let mut failed = false;
    for outcome in pipeline::run(&plan, &jobs) {
        match outcome.result {
            Ok(_) => {}
            Err(Error::BrokenPipe) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("logscrub: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    }
}
