//! The validated, immutable plan of a run, and the jobs (input → output) it implies.
//!
//! Everything the flags say is checked and turned into types here, before any input is read.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::action::Actions;
use crate::error::{Error, Result};
use crate::forget::Forget;
use crate::format::{Format, LogFormat, TimeFinder};
use crate::input::InputSpec;
use crate::output::Target;
use crate::retention::Retention;
use crate::scrub::Scrubber;
use crate::stats::Stats;
use std::sync::Arc;

/// Default bytes per chunk.
pub const DEFAULT_CHUNK_SIZE: usize = 512 << 10;

/// Default of `--undated-threshold`: the share of an input's lines, in percent, that may lack a
/// readable time under `--max-age` before the input fails.
pub const DEFAULT_UNDATED_THRESHOLD: u8 = 50;

/// Default gzip level of `.gz` outputs.
pub const DEFAULT_LEVEL: u32 = 6;

/// Everything a run needs to know, resolved once.
#[derive(Clone, Debug)]
pub struct Plan {
    /// What replaces each kind of personal data.
    pub actions: Actions,
    /// Worker threads; 1 runs everything on the calling thread.
    pub threads: usize,
    /// Bytes per chunk, the unit of work of a worker (see [`crate::framing::Framer::new`]).
    pub chunk_size: usize,
    /// gzip level for `.gz` outputs.
    pub level: u32,
    /// The inputs, in order; their outputs follow from [`Plan::output`] ([`Plan::jobs`]).
    pub inputs: Vec<InputSpec>,
    /// `-o`: the output file (one input, unless it ends in `/` or is a directory) or directory.
    pub output: Option<PathBuf>,
    /// `--append`: the live output file of the one input, appended to as lines come and reopened
    /// on request ([`Target::Append`]); instead of [`Plan::output`].
    pub append: Option<PathBuf>,
    /// How lines are laid out (where their time is).
    pub format: Format,
    /// JSON keys holding the time; empty means the common names.
    pub time_fields: Vec<String>,
    /// `--log-format`: a custom format read instead of [`Plan::format`].
    pub log_format: Option<LogFormat>,
    /// The retention window, when `--max-age` is given.
    pub retention: Option<Retention>,
    /// With a window that drops undated lines by default (`--undated drop` not given
    /// explicitly): the largest share of an input's lines, in percent, that may lack a readable
    /// time; above it the input fails ([`Plan::undated_check`]).
    pub undated_limit: Option<u8>,
    /// "Now" of the run in Unix seconds UTC (`--now`, or the clock read once at start).
    pub now: i64,
    /// The forget list (`--forget`): lines holding one of its entries are dropped.
    pub forget: Option<Arc<Forget>>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            actions: Actions::default(),
            threads: default_threads(),
            chunk_size: DEFAULT_CHUNK_SIZE,
            level: DEFAULT_LEVEL,
            inputs: vec![InputSpec::Stdin],
            output: None,
            append: None,
            format: Format::Auto,
            time_fields: Vec::new(),
            log_format: None,
            retention: None,
            undated_limit: None,
            now: 0,
            forget: None,
        }
    }
}

/// The default number of worker threads: the parallelism the system reports
/// ([`std::thread::available_parallelism`]), or 1 when it cannot tell.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One input and where its scrubbed text goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileJob {
    /// Where the text is read from.
    pub input: InputSpec,
    /// Where its scrubbed text goes.
    pub output: Target,
}

impl Plan {
    /// Checks the combination of settings; called before any input is read.
    pub fn validate(&self) -> Result<()> {
        if let Some(bad) = self
            .time_fields
            .iter()
            .find(|f| f.is_empty() || f.contains(['"', '\\']))
        {
            let problem =
                "give a JSON key name as written between its quotes, without quotes or backslashes";
            return Err(Error::Setting {
                message: format!("--time-field {bad:?}: {problem}"),
                culprits: vec![("time-field", format!("{bad:?}: {problem}"))],
            });
        }
        if self.retention.is_some() && self.format == Format::Text {
            return Err(Error::Setting {
                message: "--max-age needs each line's time, but --format text reads none: use --format auto, clf or json".into(),
                culprits: vec![
                    ("max-age", "needs each line's time, but format text reads none: use format auto, clf or json".into()),
                    ("format", "text reads no time, but max-age needs each line's time: use auto, clf or json".into()),
                ],
            });
        }
        self.check_append()
    }

    /// With `--append`: no `--output`, no `.gz` name, one input.
    fn check_append(&self) -> Result<()> {
        if let Some(append) = &self.append {
            if self.output.is_some() {
                return Err(Error::Usage(
                    "--append and --output both say where the output goes: give one".into(),
                ));
            }
            if append.extension().is_some_and(|e| e == "gz") {
                let problem = "a live output is written as plain text, never gzip: give a name \
                               without .gz, and let logrotate compress the rotated files";
                return Err(Error::Setting {
                    message: format!("--append {}: {problem}", append.display()),
                    culprits: vec![("append", format!("{}: {problem}", append.display()))],
                });
            }
            if self.inputs.len() != 1 {
                return Err(Error::Usage(format!(
                    "--append takes one input (a pipe, a FIFO, `tail -F`), not {}: run one \
                     logscrub per live log",
                    self.inputs.len()
                )));
            }
        }
        Ok(())
    }

    /// The name of the format lines are read as, for messages.
    fn format_name(&self) -> &'static str {
        match self.log_format {
            Some(_) => "--log-format",
            None => self.format.name(),
        }
    }

    /// The error failing an input whose counters show more undated lines dropped than
    /// [`Plan::undated_limit`] allows; `None` when the input passes.
    pub fn undated_check(&self, path: &str, stats: &Stats) -> Option<Error> {
        let limit = self.undated_limit?;
        let over = u128::from(stats.dropped_undated) * 100
            > u128::from(stats.lines_in) * u128::from(limit);
        (over && stats.dropped_undated > 0).then(|| Error::Undated {
            path: path.to_string(),
            format: self.format_name(),
            undated: stats.dropped_undated,
            lines: stats.lines_in,
            limit,
            first: stats.first_undated.unwrap_or(1),
        })
    }

    /// The scrubber of this plan: actions, retention window, how times are read, "now".
    pub fn scrubber(&self) -> Scrubber {
        Scrubber::new(self.actions.clone())
            .with_retention(
                self.retention,
                TimeFinder::new(self.format, &self.time_fields)
                    .with_now(self.now)
                    .with_log_format(self.log_format.clone()),
            )
            .with_now(self.now)
            .with_forget(self.forget.clone())
    }

    /// The jobs of this plan. Checks, before anything is read, that outputs are usable and that no
    /// output would overwrite an input.
    pub fn jobs(&self) -> Result<Vec<FileJob>> {
        let jobs: Vec<FileJob> = match (&self.output, self.inputs.as_slice()) {
            _ if self.append.is_some() => {
                self.check_append()?;
                self.inputs
                    .iter()
                    .zip(&self.append)
                    .map(|(input, live)| FileJob {
                        input: input.clone(),
                        output: Target::Append(live.clone()),
                    })
                    .collect()
            }
            (None, inputs) => inputs
                .iter()
                .map(|i| FileJob {
                    input: i.clone(),
                    output: Target::Stdout,
                })
                .collect(),
            (Some(path), [one]) if !names_a_directory(path) => vec![FileJob {
                input: one.clone(),
                output: Target::File(path.clone()),
            }],
            (Some(dir), inputs) => {
                let mut seen = HashSet::new();
                let mut jobs = Vec::with_capacity(inputs.len());
                for input in inputs {
                    let InputSpec::Path(p) = input else {
                        return Err(Error::Usage(
                            "stdin cannot be written into an output directory: give -o a file name"
                                .into(),
                        ));
                    };
                    let Some(name) = p.file_name() else {
                        return Err(Error::Usage(format!(
                            "{}: input has no file name",
                            p.display()
                        )));
                    };
                    if !seen.insert(name.to_owned()) {
                        return Err(Error::Usage(format!(
                            "two inputs are named {}; their outputs would collide in {}",
                            Path::new(name).display(),
                            dir.display()
                        )));
                    }
                    jobs.push(FileJob {
                        input: input.clone(),
                        output: Target::File(dir.join(name)),
                    });
                }
                if !dir.exists() {
                    fs::create_dir_all(dir).map_err(|source| Error::OutputDir {
                        path: dir.clone(),
                        source,
                    })?;
                }
                jobs
            }
        };
        for job in &jobs {
            if let Target::File(out) | Target::Append(out) = &job.output {
                for input in &self.inputs {
                    if let InputSpec::Path(inp) = input {
                        if same_file(out, inp) {
                            return Err(Error::OutputIsInput {
                                path: out.clone(),
                                input: inp.display().to_string(),
                            });
                        }
                    }
                }
            }
        }
        Ok(jobs)
    }
}

/// Whether `-o PATH` means a directory for a single input: it ends in `/` or is one already.
fn names_a_directory(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().ends_with(b"/") || path.is_dir()
}

/// Whether two paths name the same existing file (same device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_input_one_file_many_inputs_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.log");
        let b = dir.path().join("sub/b.log.1.gz");
        fs::create_dir_all(b.parent().unwrap()).unwrap();
        fs::write(&a, "x").unwrap();
        fs::write(&b, "x").unwrap();
        let out = dir.path().join("out");
        let plan = Plan {
            inputs: vec![InputSpec::Path(a.clone())],
            output: Some(out.clone()),
            ..Plan::default()
        };
        assert_eq!(plan.jobs().unwrap()[0].output, Target::File(out.clone()));
        // A trailing slash makes it a directory, created, for one input too.
        let slashed = dir.path().join("new/");
        let plan = Plan {
            inputs: vec![InputSpec::Path(a.clone())],
            output: Some(slashed.clone()),
            ..Plan::default()
        };
        assert_eq!(
            plan.jobs().unwrap()[0].output,
            Target::File(slashed.join("a.log"))
        );
        assert!(slashed.is_dir());
        let plan = Plan {
            inputs: vec![InputSpec::Path(a), InputSpec::Path(b)],
            output: Some(out.clone()),
            ..Plan::default()
        };
        let jobs = plan.jobs().unwrap();
        assert_eq!(jobs[1].output, Target::File(out.join("b.log.1.gz")));
        assert!(out.is_dir());
    }

    #[test]
    fn refuses_to_overwrite_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.log");
        fs::write(&a, "x").unwrap();
        let plan = Plan {
            inputs: vec![InputSpec::Path(a.clone())],
            output: Some(a.clone()),
            ..Plan::default()
        };
        assert!(matches!(plan.jobs(), Err(Error::OutputIsInput { .. })));
        // Into a directory that holds the input.
        let plan = Plan {
            inputs: vec![InputSpec::Path(a.clone()), InputSpec::Path(a.clone())],
            output: Some(dir.path().to_path_buf()),
            ..Plan::default()
        };
        assert!(plan.jobs().is_err());
    }

    #[test]
    fn append_is_one_live_target_for_one_input_plain_and_never_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.log");
        let plan = Plan {
            append: Some(live.clone()),
            ..Plan::default()
        };
        plan.validate().unwrap();
        assert_eq!(
            plan.jobs().unwrap(),
            [FileJob {
                input: InputSpec::Stdin,
                output: Target::Append(live.clone()),
            }]
        );
        let refused = |plan: Plan, says: &str| {
            let e = plan.validate().unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
            let e = plan.jobs().unwrap_err().to_string();
            assert!(e.contains(says), "jobs() checks too: {e}");
        };
        refused(
            Plan {
                output: Some(dir.path().join("o.log")),
                ..plan.clone()
            },
            "give one",
        );
        refused(
            Plan {
                append: Some(dir.path().join("live.log.gz")),
                ..plan.clone()
            },
            "never gzip",
        );
        refused(
            Plan {
                inputs: vec![InputSpec::Stdin, InputSpec::Path("a.log".into())],
                ..plan.clone()
            },
            "one input",
        );
        // Appending to its own input would read its own output forever.
        fs::write(&live, "x\n").unwrap();
        let plan = Plan {
            inputs: vec![InputSpec::Path(live.clone())],
            ..plan
        };
        assert!(matches!(plan.jobs(), Err(Error::OutputIsInput { .. })));
    }
}
