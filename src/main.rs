//! The `logscrub` binary: parse flags, resolve the plan, run, report, choose the exit code.

use std::process::ExitCode;

use clap::Parser;
use logscrub::cli::{Cli, Command};
use logscrub::error::Error;
use logscrub::key;
use logscrub::pipeline;
use logscrub::report::{self, Stats};

const EXIT_FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let plan = match &cli.command {
        Some(Command::Keygen { output }) => {
            return match key::keygen(output.as_deref()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("logscrub: {e}");
                    ExitCode::from(EXIT_FAILURE)
                }
            };
        }
        Some(Command::Reveal(args)) => args.plan(),
        None => cli.plan(),
    };
    let jobs = match plan.and_then(|plan| plan.jobs().map(|jobs| (plan, jobs))) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("logscrub: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let (plan, jobs) = jobs;
    let mut failed = false;
    let mut total = Stats::default();
    let mut done = 0;
    for outcome in pipeline::run(&plan, &jobs) {
        match outcome.result {
            Ok(stats) => {
                if let Some(r) = &plan.retention {
                    for line in report::retention_summary(&outcome.input, &stats, r) {
                        eprintln!("logscrub: {line}");
                    }
                } else if plan.actions.needs_time() {
                    if let Some(line) = report::rotation_summary(&outcome.input, &stats, plan.now) {
                        eprintln!("logscrub: {line}");
                    }
                }
                total += stats;
                done += 1;
            }
            Err(Error::BrokenPipe) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("logscrub: {e}");
                failed = true;
            }
        }
    }
    if let (Some(r), true) = (&plan.retention, done > 1) {
        eprintln!(
            "logscrub: {}",
            report::retention_summary("total", &total, r)[0]
        );
    }
    if failed {
        ExitCode::from(EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    }
}
