//! The scrub itself (and `reveal`, which is a scrub that decrypts): every job of the plan, with its
//! progress bar, the summaries on stderr, the JSON report and the exit status.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use logscrub::error::{Error, Result};
use logscrub::input::InputSpec;
use logscrub::output::{Reopen, Target};
use logscrub::pipeline::{self, FileOutcome, Meter};
use logscrub::plan::{FileJob, Plan};
use logscrub::report::{self, RunReport};
use logscrub::stats::Stats;

use super::fail;
use crate::cli::config_file::Origins;
use crate::cli::resolve::clock_now;
use crate::cli::ArgsError;
use crate::exit::Exit;
use crate::progress::{self, Progress};
use crate::report_file::ReportFile;
use crate::signals;

/// A run whose command line or configuration file is wrong: the error as one line on stderr, and
/// when a report was asked for (`report_to`), a report saying why (the same line), with no files.
pub fn could_not_start(e: &ArgsError, report_to: Option<&Path>) -> Exit {
    // One line, for a usage mistake as for a bad configuration file.
    let why = e.to_string();
    let code = fail(&why);
    if let Some(path) = report_to {
        let mut report = RunReport::new(&[], &[], clock_now(), std::time::Duration::ZERO);
        report.fail(why);
        if let Err(e) = ReportFile::open(path).and_then(|r| r.write(&report)) {
            fail(&e);
        }
    }
    code
}

/// A scrub (or reveal) run: every job of the plan, then summaries, the report and the exit status.
/// `show` and `quiet` decide the progress bar ([`progress::wanted`]); `origins` say which
/// settings came from the configuration file, for errors about them.
pub fn run(
    plan: Result<Plan>,
    report_to: Option<&Path>,
    quiet: bool,
    show: progress::When,
    origins: &Origins,
) -> Exit {
    run_jobs(plan, Plan::jobs, report_to, quiet, show, origins)
}

/// [`run`] with the jobs made by `make_jobs` instead of [`Plan::jobs`] (`logscrub forget
/// --in-place` writes over its inputs, which a scrub refuses).
pub fn run_jobs(
    plan: Result<Plan>,
    make_jobs: impl FnOnce(&Plan) -> Result<Vec<FileJob>>,
    report_to: Option<&Path>,
    quiet: bool,
    show: progress::When,
    origins: &Origins,
) -> Exit {
    let started = clock_now();
    let clock = Instant::now();
    let jobs = |plan: Plan| match make_jobs(&plan) {
        Ok(jobs) => Ok((plan, jobs)),
        Err(e) => Err(origins.blame("output", e)),
    };
    let could_not_start = |e: Error, report: Option<Result<ReportFile>>| {
        fail(&e);
        if let Some(report) = report {
            let mut r = RunReport::new(&[], &[], started, clock.elapsed());
            r.fail(e.to_string());
            if let Err(e) = report.and_then(|report| report.write(&r)) {
                fail(&origins.blame("report", e));
            }
        }
        Exit::Error
    };
    let plan = match plan {
        Ok(plan) => plan,
        Err(e) => return could_not_start(e, report_to.map(ReportFile::open)),
    };
    // The report must be writable before any input is read.
    let report = match report_to.map(ReportFile::open).transpose() {
        Ok(r) => r,
        Err(e) => return fail(&origins.blame("report", e)),
    };
    let (plan, jobs) = match jobs(plan) {
        Ok(x) => x,
        Err(e) => return could_not_start(e, report.map(Ok)),
    };
    // A reopen that fails is reported at once; the output keeps its old file (see
    // `logscrub::output::append`).
    let meter = Arc::new(Meter {
        // Not eprintln!, which panics (in the writer thread) when stderr is gone.
        reopen: Arc::new(Reopen::notifying(|e| {
            let _ = writeln!(std::io::stderr(), "logscrub: {e}");
        })),
        ..Meter::default()
    });
    let live = jobs.iter().any(|j| matches!(j.output, Target::Append(_)));
    let reopen = live.then(|| Arc::clone(&meter.reopen));
    if let Err(e) = signals::install(Arc::clone(&meter.stop), reopen) {
        eprintln!("logscrub: cannot handle SIGINT/SIGTERM ({e}); an interrupted run may leave temporary files");
    }
    let to_stdout = jobs.iter().any(|j| j.output == Target::Stdout);
    let progress = progress::wanted(show, quiet, to_stdout)
        .then(|| Progress::start(Arc::clone(&meter), total_size(&jobs), jobs.len()));
    let outcomes = pipeline::run(&plan, &jobs, &meter);
    if let Some(p) = progress {
        p.finish();
    }
    let closed = outcomes
        .iter()
        .any(|o| matches!(o.error, Some(Error::BrokenPipe)));
    if !closed {
        summarise(&plan, &jobs, &outcomes, quiet);
    }
    let mut report_failed = false;
    if let Some(report) = report {
        let r = RunReport::new(&outcomes, &jobs, started, clock.elapsed());
        if let Err(e) = report.write(&r) {
            report_failed = true;
            fail(&origins.blame("report", e));
        }
    }
    if let Some(sig) = meter.stopped() {
        return Exit::Signal(sig);
    }
    let failed = outcomes.iter().any(|o| {
        o.error
            .as_ref()
            .is_some_and(|e| !matches!(e, Error::BrokenPipe))
    });
    if failed || report_failed {
        Exit::Error
    } else {
        Exit::Ok
    }
}

/// One line per failed input, and unless quiet, what retention and rotation did.
fn summarise(plan: &Plan, jobs: &[FileJob], outcomes: &[FileOutcome], quiet: bool) {
    let mut total = Stats::default();
    let mut done = 0;
    for (job, o) in jobs.iter().zip(outcomes) {
        match &o.error {
            Some(e) => eprintln!(
                "logscrub: {}",
                e.for_target(job.output.kept_on_stop().as_deref())
            ),
            None if quiet => {}
            None => {
                if let Some(line) = report::padding_note(&o.input, &o.stats) {
                    eprintln!("logscrub: {line}");
                }
                if let Some(r) = &plan.retention {
                    for line in report::retention_summary(&o.input, &o.stats, r) {
                        eprintln!("logscrub: {line}");
                    }
                } else if plan.actions.needs_time() {
                    if let Some(line) = report::rotation_summary(&o.input, &o.stats, plan.now) {
                        eprintln!("logscrub: {line}");
                    }
                }
                if let Some(hits) = &o.forgotten {
                    eprintln!(
                        "logscrub: {}",
                        report::forget_summary(&o.input, &o.stats, hits)
                    );
                }
                total += o.stats;
                done += 1;
            }
        }
    }
    if let (Some(r), true, false) = (&plan.retention, done > 1, quiet) {
        eprintln!(
            "logscrub: {}",
            report::retention_summary("total", &total, r)[0]
        );
    }
}

/// The total size of the inputs, when every one is a regular file.
fn total_size(jobs: &[FileJob]) -> Option<u64> {
    jobs.iter()
        .map(|j| match &j.input {
            InputSpec::Path(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
            InputSpec::Stdin => None,
        })
        .sum()
}
