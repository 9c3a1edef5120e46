//! `logscrub aggregate`: flags (and the shared configuration file) into an
//! [`logscrub::aggregate::Config`], the inputs counted by the library, then the tables, the plot
//! and the ledger written atomically, a summary on stderr and the report.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::CommandFactory;
use logscrub::aggregate::fields::Unparsable;
use logscrub::aggregate::ledger::Ledger;
use logscrub::aggregate::run::InputOutcome;
use logscrub::aggregate::tables::{self, Tables};
use logscrub::aggregate::{self, plot, Aggregator, Bots, Config};
use logscrub::error::Error;
use logscrub::format::Format;
use logscrub::input::InputSpec;
use logscrub::key::{self, Key};
use logscrub::output::AtomicFile;
use logscrub::pipeline::Meter;
use logscrub::plan::{default_threads, DEFAULT_CHUNK_SIZE};

use super::fail;
use crate::cli::args::{AggregateArgs, BotsArg, LogFormatArg, ProgressArg, TableArg, TableFormat};
use crate::cli::{config_file, Cli};
use crate::exit::Exit;
use crate::progress::{self, Progress};
use crate::report_file::ReportFile;
use crate::signals;

/// The settings of a run, flags over the configuration file.
struct Resolved {
    config: Config,
    key: Key,
    threads: usize,
    quiet: bool,
    progress: ProgressArg,
}

/// Reads the shared configuration file's keys that apply (format, time-field, key-file, threads,
/// quiet, progress) where the flags leave them at their defaults.
fn resolve(args: &AggregateArgs) -> Result<Resolved, String> {
    let (mut format, mut time_fields, mut key_file) = (
        args.log_format,
        args.time_field.clone(),
        args.key_file.clone(),
    );
    let (mut threads, mut quiet, mut progress) = (args.threads, args.quiet, args.progress);
    if let Some(path) = &args.config {
        let settings = config_file::load(path, &Cli::command()).map_err(|e| e.to_string())?;
        for s in settings {
            let first = s.values.first().cloned().unwrap_or_default();
            let at = format!("{}:{}: {}", path.display(), s.line, s.key);
            match s.key.as_str() {
                "format" if format == LogFormatArg::Auto => {
                    format = match first.as_str() {
                        "auto" => LogFormatArg::Auto,
                        "clf" => LogFormatArg::Clf,
                        "json" => LogFormatArg::Json,
                        _ => return Err(format!("{at}: aggregate reads auto, clf or json lines")),
                    }
                }
                "time-field" if time_fields.is_empty() => time_fields = s.values.clone(),
                "key-file" if key_file.is_none() => key_file = Some(PathBuf::from(first)),
                "threads" if threads.is_none() => threads = first.parse().ok(),
                "quiet" if !quiet => quiet = true,
                "progress" if progress == ProgressArg::Auto => {
                    progress = match first.as_str() {
                        "always" => ProgressArg::Always,
                        "never" => ProgressArg::Never,
                        _ => ProgressArg::Auto,
                    }
                }
                _ => {}
            }
        }
    }
    let tz_offset = aggregate::parse_tz(&args.tz).map_err(|e| format!("--tz: {e}"))?;
    let path_rules = args
        .path_rule
        .iter()
        .map(|r| r.parse().map_err(|e| format!("--path-rule: {e}")))
        .collect::<Result<Vec<_>, String>>()?;
    let lower = |v: &Vec<String>| v.iter().map(|s| s.trim().to_ascii_lowercase()).collect();
    let defaults = Config::default();
    let config = Config {
        min_visitors: args.min_visitors,
        exact_limit: args.exact_limit,
        max_paths: args.max_paths as usize,
        bots: match args.bots {
            BotsArg::Exclude => Bots::Exclude,
            BotsArg::Include => Bots::Include,
            BotsArg::Only => Bots::Only,
        },
        static_ext: args
            .static_ext
            .as_ref()
            .map(&lower)
            .unwrap_or(defaults.static_ext),
        bot_tokens: args
            .bot_tokens
            .as_ref()
            .map(lower)
            .unwrap_or(defaults.bot_tokens),
        path_rules,
        tz_offset,
        format: match format {
            LogFormatArg::Auto => Format::Auto,
            LogFormatArg::Clf => Format::Clf,
            LogFormatArg::Json => Format::Json,
        },
        time_fields,
    };
    let key = match &key_file {
        Some(path) => key::load(Some(path), None).map_err(|e| e.to_string())?,
        None => Key::generate().map_err(|e| format!("cannot make a random key: {e}"))?,
    };
    Ok(Resolved {
        config,
        key,
        threads: threads.map_or_else(default_threads, |t| t as usize),
        quiet,
        progress,
    })
}

/// A file to write, prepared before it is written.
struct Output {
    file: AtomicFile,
    bytes: Vec<u8>,
}

impl Output {
    fn new(path: &Path, bytes: Vec<u8>) -> Result<Output, Error> {
        let file = AtomicFile::create(path, ".logscrub-aggregate.", "")
            .map_err(|e| Error::write(&path.display().to_string(), e))?;
        file.set_mode(0o644)
            .map_err(|e| Error::write(&path.display().to_string(), e))?;
        Ok(Output { file, bytes })
    }

    fn commit(self) -> Result<(), Error> {
        let name = self.file.target().display().to_string();
        let mut f: &std::fs::File = self.file.file();
        f.write_all(&self.bytes)
            .and_then(|()| self.file.commit())
            .map_err(|e| Error::write(&name, e))
    }
}

/// `logscrub aggregate`.
pub fn run(args: &AggregateArgs) -> Exit {
    let clock = Instant::now();
    let r = match resolve(args) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let plot_path = plot_path(args);
    let plot_kind = match plot_path.as_deref().map(plot::Kind::of).transpose() {
        Ok(k) => k,
        Err(e) => return fail(&e),
    };
    let agg = match Aggregator::new(r.config, r.key) {
        Ok(a) => Arc::new(a),
        Err(e) => return fail(&e),
    };
    let report = match args.report.as_deref().map(ReportFile::open).transpose() {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if let Some(dir) = &args.output {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(&format!(
                "{}: cannot make the output directory: {e}",
                dir.display()
            ));
        }
    }
    let inputs: Vec<InputSpec> = if args.files.is_empty() {
        vec![InputSpec::Stdin]
    } else {
        args.files.iter().map(|f| InputSpec::from_arg(f)).collect()
    };
    let meter = Arc::new(Meter::default());
    if let Err(e) = signals::install(Arc::clone(&meter.stop), None) {
        eprintln!("logscrub: cannot handle SIGINT/SIGTERM ({e}); an interrupted run may leave temporary files");
    }
    let to_stdout = args.output.is_none();
    let bar = progress::wanted(r.progress.into(), r.quiet, to_stdout)
        .then(|| Progress::start(Arc::clone(&meter), total_size(&inputs), inputs.len()));
    let chunk = args.chunk_size.unwrap_or(DEFAULT_CHUNK_SIZE);
    let (tally, outcomes) = aggregate::run::run(&agg, &inputs, r.threads, chunk, &meter);
    if let Some(b) = bar {
        b.finish();
    }
    let config = agg.config();
    let failed = outcomes.iter().any(|o| o.error.is_some());
    for o in outcomes.iter().filter_map(|o| o.error.as_ref()) {
        eprintln!("logscrub: {o}");
    }
    let tables = (!failed).then(|| tables::build(tally, config));
    let mut error = None;
    if let Some(t) = &tables {
        if let Err(e) = publish(args, t, config.exact_limit, plot_kind) {
            eprintln!("logscrub: {e}");
            error = Some(e);
        }
    } else {
        error = Some("an input failed: nothing was published".to_string());
        eprintln!("logscrub: an input failed: nothing was published");
    }
    if !r.quiet {
        summarise(&outcomes, tables.as_ref());
    }
    let mut report_failed = false;
    if let Some(report) = report {
        let json = report_json(&outcomes, tables.as_ref(), error.as_deref(), clock);
        if let Err(e) = report.write_json(&json) {
            report_failed = true;
            fail(&e);
        }
    }
    if let Some(sig) = meter.stopped() {
        return Exit::Signal(sig);
    }
    if error.is_some() || report_failed {
        Exit::Error
    } else {
        Exit::Ok
    }
}

/// Where the plot goes: `--plot`, else `visitors.svg` in the `-o` directory, else nowhere.
fn plot_path(args: &AggregateArgs) -> Option<std::path::PathBuf> {
    args.plot
        .clone()
        .or_else(|| args.output.as_ref().map(|dir| dir.join("visitors.svg")))
}

/// Checks the ledger, then writes the tables, the plot and the ledger entries (in that order,
/// each atomically); nothing at all when the ledger refuses or a file cannot be prepared.
fn publish(
    args: &AggregateArgs,
    t: &Tables,
    bound: usize,
    plot_kind: Option<plot::Kind>,
) -> Result<(), String> {
    let ledger = match &args.ledger {
        Some(dir) => Some(
            Ledger::check(dir, t.dates().map(|d| (d, t.digest(d, bound))))
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let plot_path = plot_path(args);
    let picture = match (&plot_path, plot_kind) {
        (Some(path), Some(kind)) => Some((
            path,
            plot::render(t, args.plot_top as usize, kind).map_err(|e| e.to_string())?,
        )),
        _ => None,
    };
    let mut outputs = Vec::new();
    let prepare = |path: &Path, bytes: Vec<u8>| Output::new(path, bytes).map_err(|e| e.to_string());
    match (&args.output, args.format) {
        (Some(dir), TableFormat::Csv) => {
            outputs.push(prepare(&dir.join("pages.csv"), t.pages_csv().into_bytes())?);
            outputs.push(prepare(&dir.join("days.csv"), t.days_csv().into_bytes())?);
        }
        (Some(dir), TableFormat::Json) => {
            outputs.push(prepare(&dir.join("tables.json"), t.json().into_bytes())?);
        }
        (None, _) => {}
    }
    if let Some((path, bytes)) = picture {
        outputs.push(prepare(path, bytes)?);
    }
    if args.output.is_none() {
        let text = match (args.format, args.table) {
            (TableFormat::Json, _) => t.json(),
            (TableFormat::Csv, TableArg::Pages) => t.pages_csv(),
            (TableFormat::Csv, TableArg::Days) => t.days_csv(),
        };
        let mut out = std::io::stdout().lock();
        if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            match Error::write("<stdout>", e) {
                Error::BrokenPipe => {}
                e => return Err(e.to_string()),
            }
        }
    }
    for o in outputs {
        o.commit().map_err(|e| e.to_string())?;
    }
    if let Some(l) = ledger {
        l.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Lines read, skipped per reason, days and rows published, on stderr.
fn summarise(outcomes: &[InputOutcome], tables: Option<&Tables>) {
    let mut lines = aggregate::tally::LineCounts::default();
    for o in outcomes {
        lines += o.lines;
    }
    let reasons: Vec<String> = Unparsable::ALL
        .iter()
        .filter(|r| lines.unparsable[r.index()] > 0)
        .map(|r| format!("{}: {}", r.name(), lines.unparsable[r.index()]))
        .collect();
    let skipped = if reasons.is_empty() {
        String::new()
    } else {
        format!(" ({})", reasons.join(", "))
    };
    eprintln!(
        "logscrub: aggregate: {} line(s) read, {} counted, {} skipped{skipped}",
        lines.lines,
        lines.counted,
        lines.skipped()
    );
    if let Some(t) = tables {
        let partial = t.days.iter().filter(|d| d.partial).count();
        eprintln!(
            "logscrub: aggregate: {} day(s) published ({partial} partial, {} withheld), {} page row(s), {} row(s) pooled into (other)",
            t.days.len(),
            t.withheld.days,
            t.pages.len(),
            t.withheld.pooled_rows
        );
    }
}

/// The run report: counts only.
fn report_json(
    outcomes: &[InputOutcome],
    tables: Option<&Tables>,
    error: Option<&str>,
    clock: Instant,
) -> String {
    let skipped = |l: &aggregate::tally::LineCounts| -> serde_json::Map<String, serde_json::Value> {
        Unparsable::ALL
            .iter()
            .map(|r| (r.name().to_string(), l.unparsable[r.index()].into()))
            .collect()
    };
    let mut total = aggregate::tally::LineCounts::default();
    let files: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            total += o.lines;
            serde_json::json!({
                "path": o.input,
                "status": if o.error.is_some() { "failed" } else { "ok" },
                "error": o.error.as_ref().map(|e| e.to_string()),
                "duration_secs": o.duration.as_secs_f64(),
                "read_bytes": o.read_bytes,
                "bytes_in": o.bytes_in,
                "lines_in": o.lines.lines,
                "lines_counted": o.lines.counted,
                "skipped": skipped(&o.lines),
            })
        })
        .collect();
    let published = tables.map(|t| {
        serde_json::json!({
            "days": t.days.len(),
            "partial_days": t.days.iter().filter(|d| d.partial).count(),
            "page_rows": t.pages.len(),
            "withheld_days": t.withheld.days,
            "pooled_rows": t.withheld.pooled_rows,
            "dropped_other_rows": t.withheld.dropped_other_rows,
        })
    });
    let report = serde_json::json!({
        "logscrub": env!("CARGO_PKG_VERSION"),
        "command": "aggregate",
        "status": if error.is_some() { "failed" } else { "ok" },
        "error": error,
        "duration_secs": clock.elapsed().as_secs_f64(),
        "files": files,
        "total": {
            "lines_in": total.lines,
            "lines_counted": total.counted,
            "skipped": skipped(&total),
        },
        "published": published,
    });
    let mut s = serde_json::to_string_pretty(&report).expect("a report serializes");
    s.push('\n');
    s
}

/// The total size of the inputs, when every one is a regular file.
fn total_size(inputs: &[InputSpec]) -> Option<u64> {
    inputs
        .iter()
        .map(|i| match i {
            InputSpec::Path(p) => std::fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
            InputSpec::Stdin => None,
        })
        .sum()
}
