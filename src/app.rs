//! What the binary runs, wired from the library's parts: a scrub (or reveal) run with its progress
//! bar, summaries, JSON report and exit code, and the `check` audit.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::CommandFactory;

use crate::action::{Actions, Prefix};
use crate::audit as check;
use crate::cli::{ArgsError, CheckArgs, Cli};
use crate::config_file::{self, Origins};
use crate::error::{Error, Result};
use crate::input::InputSpec;
use crate::output::AtomicFile;
use crate::output::Target;
use crate::pipeline::{self, FileOutcome, Meter};
use crate::plan::{FileJob, Plan};
use crate::progress::{self, Progress};
use crate::report::{self, RunReport};
use crate::stats::Stats;

/// Every input scrubbed; or `check` found nothing.
pub const EXIT_OK: u8 = 0;
/// `check` found personal data.
pub const EXIT_FOUND: u8 = 1;
/// A usage, configuration or input error (other inputs were still processed).
pub const EXIT_ERROR: u8 = 2;

/// Prints `e` as one line on stderr and returns the error exit code.
pub fn fail(e: &dyn std::fmt::Display) -> u8 {
    eprintln!("logscrub: {e}");
    EXIT_ERROR
}

/// A run whose command line or configuration file is wrong: the error on stderr, and when a
/// report was asked for (`report_to`), a report saying why, with no files. Returns the exit code.
pub fn could_not_start(e: &ArgsError, report_to: Option<&Path>) -> u8 {
    let (why, code) = match e {
        ArgsError::Clap(e) => {
            let _ = e.print();
            // clap's first line, without its "error: ".
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            let why = first.strip_prefix("error: ").unwrap_or(first).to_string();
            (why, u8::try_from(e.exit_code()).unwrap_or(EXIT_ERROR))
        }
        ArgsError::Config(e) => (e.to_string(), fail(e)),
    };
    if let Some(path) = report_to {
        let mut report = RunReport::new(&[], &[], now_secs(), std::time::Duration::ZERO);
        report.fail(why);
        if let Err(e) = ReportFile::open(path).and_then(|r| r.write(&report)) {
            fail(&e);
        }
    }
    code
}

/// A scrub (or reveal) run: every job of the plan, then summaries, the report and the exit code.
/// `show` and `quiet` decide the progress bar ([`progress::wanted`]); `origins` say which
/// settings came from the configuration file, for errors about them.
pub fn scrub(
    plan: Result<Plan>,
    report_to: Option<&Path>,
    quiet: bool,
    show: progress::When,
    origins: &Origins,
) -> u8 {
    let started = now_secs();
    let clock = Instant::now();
    let jobs = |plan: Plan| match plan.jobs() {
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
        EXIT_ERROR
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
    if let Err(e) = crate::signals::install() {
        eprintln!("logscrub: cannot handle SIGINT/SIGTERM ({e}); an interrupted run may leave temporary files");
    }
    let meter = Arc::new(Meter::default());
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
    if let Some(sig) = crate::signals::interrupted() {
        return u8::try_from(128 + sig).unwrap_or(EXIT_ERROR);
    }
    let failed = outcomes.iter().any(|o| {
        o.error
            .as_ref()
            .is_some_and(|e| !matches!(e, Error::BrokenPipe))
    });
    if failed || report_failed {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}

/// One line per failed input, and unless quiet, what retention and rotation did.
fn summarise(plan: &Plan, jobs: &[FileJob], outcomes: &[FileOutcome], quiet: bool) {
    let mut total = Stats::default();
    let mut done = 0;
    for (job, o) in jobs.iter().zip(outcomes) {
        match &o.error {
            Some(e) => eprintln!("logscrub: {}", e.for_target(job.output == Target::Stdout)),
            None if quiet => {}
            None => {
                if let Some(r) = &plan.retention {
                    for line in report::retention_summary(&o.input, &o.stats, r) {
                        eprintln!("logscrub: {line}");
                    }
                } else if plan.actions.needs_time() {
                    if let Some(line) = report::rotation_summary(&o.input, &o.stats, plan.now) {
                        eprintln!("logscrub: {line}");
                    }
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

/// Where the JSON report goes: stderr (`-`), a device or FIFO (written into, never replaced), or
/// a file, written atomically through a temporary file beside it that is made when the run
/// starts, so that a report that could not be written stops the run before any input is read.
enum ReportFile {
    Stderr,
    /// An existing path that is not a regular file (`/dev/null`, a FIFO): opened only at the end,
    /// as opening a FIFO waits for its reader.
    Device(PathBuf),
    File(AtomicFile),
}

impl ReportFile {
    /// Checks that a report can be written at `path` ("-": stderr).
    fn open(path: &Path) -> Result<ReportFile> {
        if path == Path::new("-") {
            return Ok(ReportFile::Stderr);
        }
        let err = |source| Error::Report {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(err(std::io::Error::other(
                    "is a directory; give a file name",
                )))
            }
            Ok(m) if !m.is_file() => return Ok(ReportFile::Device(path.to_path_buf())),
            _ => {}
        }
        // A symlink is followed, as for outputs: the file it names is replaced and the link stays.
        AtomicFile::create(path, ".logscrub-report.", "")
            .map(ReportFile::File)
            .map_err(err)
    }

    /// Writes `report` and renames it into place.
    fn write(self, report: &RunReport) -> Result<()> {
        let json = report.to_json();
        match self {
            ReportFile::Stderr => {
                let _ = std::io::stderr().write_all(json.as_bytes());
                Ok(())
            }
            ReportFile::Device(path) => std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .and_then(|mut f| f.write_all(json.as_bytes()))
                .map_err(|source| Error::Report { path, source }),
            ReportFile::File(file) => {
                let path = file.target().to_path_buf();
                let mut f: &std::fs::File = file.file();
                f.write_all(json.as_bytes())
                    .and_then(|()| file.commit())
                    .map_err(|source| Error::Report { path, source })
            }
        }
    }
}

/// `logscrub check`: findings on stdout like grep, a count on stderr, exit 1 if any.
pub fn run_check(args: &CheckArgs) -> u8 {
    let actions = match check_actions(args) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let inputs: Vec<InputSpec> = if args.files.is_empty() {
        vec![InputSpec::Stdin]
    } else {
        args.files.iter().map(|f| InputSpec::from_arg(f)).collect()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut findings, mut files_with, mut failed) = (0u64, 0usize, false);
    for input in &inputs {
        let name = input.display();
        let result = check::check_input(input, &actions, |f| {
            if args.count {
                return Ok(());
            }
            writeln!(
                out,
                "{name}:{}: {}: {}",
                f.line,
                check::kind_name(f.kind),
                String::from_utf8_lossy(f.text)
            )
            .map_err(|e| Error::write("<stdout>", e))
        });
        match result {
            Ok(n) => {
                if args.count {
                    let _ = writeln!(out, "{name}: {n}");
                }
                findings += n;
                files_with += usize::from(n > 0);
            }
            Err(Error::BrokenPipe) => return EXIT_FOUND,
            Err(e) => {
                let _ = out.flush();
                eprintln!("logscrub: {e}");
                failed = true;
            }
        }
    }
    if let Err(e) = out.flush() {
        if !matches!(Error::write("<stdout>", e), Error::BrokenPipe) {
            failed = true;
        }
    }
    if findings > 0 {
        eprintln!(
            "logscrub: check: {findings} finding(s) of personal data in {files_with} of {} input(s)",
            inputs.len()
        );
    }
    match (failed, findings) {
        (true, _) => EXIT_ERROR,
        (false, 0) => EXIT_OK,
        (false, _) => EXIT_FOUND,
    }
}

/// The prefixes of `check`: its flags, else the config file's, else the defaults.
fn check_actions(args: &CheckArgs) -> Result<Actions> {
    let mut v4 = Actions::default().ipv4_prefix.len();
    let mut v6 = Actions::default().ipv6_prefix.len();
    if let Some(path) = &args.config {
        for s in config_file::load(path, &Cli::command())? {
            match (
                s.key.as_str(),
                s.values.first().and_then(|v| v.parse::<u8>().ok()),
            ) {
                ("ipv4-prefix", Some(n)) => v4 = n,
                ("ipv6-prefix", Some(n)) => v6 = n,
                _ => {}
            }
        }
    }
    let v4 = args.ipv4_prefix.unwrap_or(v4);
    let v6 = args.ipv6_prefix.unwrap_or(v6);
    Ok(Actions {
        ipv4_prefix: Prefix::new(v4)
            .ok_or_else(|| Error::Usage("--ipv4-prefix must be 0-32".into()))?,
        ipv6_prefix: Prefix::new(v6)
            .ok_or_else(|| Error::Usage("--ipv6-prefix must be 0-128".into()))?,
        ..Actions::default()
    })
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
