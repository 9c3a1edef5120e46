//! Typed errors. Each names the file (and where known the byte offset) and says what to do.

use std::io;
use std::path::PathBuf;

/// Why a run, or one input of it, failed. The message (`Display`) names the file and says what to
/// do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input cannot be opened (missing, unreadable, a directory).
    #[error("{path}: cannot open: {source}")]
    Open {
        /// The input's name: its path, or `<stdin>`.
        path: String,
        /// Why it cannot be opened.
        source: io::Error,
    },

    /// Reading an input failed after it was opened: an I/O error, or corrupt or truncated gzip.
    #[error("{path}: {}", read_error_text(*offset, *compressed, source))]
    Read {
        /// The input's name: its path, or `<stdin>`.
        path: String,
        /// Offset in the (decompressed) text.
        offset: u64,
        /// For gzip: offset in the compressed file.
        compressed: Option<u64>,
        /// The error from the read (or from the gzip decoder).
        source: io::Error,
    },

    /// Under `--max-age`, more than the allowed share of an input's lines had no readable time and
    /// would have been dropped (`--undated drop` not given explicitly): the input's format is
    /// probably not the one assumed. The output file is not written.
    #[error(
        "{path}: {undated} of {lines} lines have no readable time as format {format} (more than \
         {limit} %); the first is line {first}. Nothing was written for it: choose the format \
         with --format (or --time-field), or pass --undated drop to drop such \
         lines anyway (--undated keep keeps them)"
    )]
    Undated {
        /// The input's name.
        path: String,
        /// The `--format` name the lines were read as.
        format: &'static str,
        /// Lines without a readable time.
        undated: u64,
        /// All lines of the input.
        lines: u64,
        /// The allowed share, in percent (`--undated-threshold`).
        limit: u8,
        /// The first line without a readable time (1-based).
        first: u64,
    },

    /// Creating or writing an output failed. A stdout closed by its reader is
    /// [`Error::BrokenPipe`] instead (see [`Error::write`]).
    #[error("{path}: write failed: {source}")]
    Write {
        /// The output's name: its path, or `<stdout>`.
        path: String,
        /// The error from creating or writing it.
        source: io::Error,
    },

    /// An append output (`--append FILE`) cannot be opened for appending.
    #[error("{path}: cannot open for append: {source}")]
    Append {
        /// The output's path.
        path: String,
        /// Why it cannot be opened.
        source: io::Error,
    },

    /// An append output could not be reopened by name when asked (SIGHUP, after a rotation). The
    /// output keeps going to the file it had open (the rotated one), so no line is lost; the
    /// next request tries again.
    #[error("{path}: cannot reopen: {source}")]
    Reopen {
        /// The output's path.
        path: String,
        /// Why it cannot be opened again.
        source: io::Error,
    },

    /// The reader of stdout went away (`logscrub big.gz | head`): not a failure of ours.
    #[error("stdout closed")]
    BrokenPipe,

    /// An output would be the same file (device and inode) as one of the inputs. Found before
    /// anything is read.
    #[error("{}: refusing to write over input {input}; choose another --output", path.display())]
    OutputIsInput {
        /// The output's path.
        path: PathBuf,
        /// The input it would overwrite, as given.
        input: String,
    },

    /// The output directory (`-o DIR`) does not exist and cannot be created.
    #[error("{}: cannot use as output directory: {source}", path.display())]
    OutputDir {
        /// The directory.
        path: PathBuf,
        /// Why it cannot be created.
        source: io::Error,
    },

    /// Inputs, outputs or flags that cannot go together (stdin into an output directory, two
    /// inputs of one name, a prefix out of range), or a worker pool that cannot start. Holds the
    /// whole message.
    #[error("{0}")]
    Usage(String),

    /// The JSON report cannot be written (checked before any input is read, and at the end).
    #[error("{}: cannot write the report: {source}", path.display())]
    Report {
        /// The report's path.
        path: PathBuf,
        /// Why it cannot be written.
        source: io::Error,
    },

    /// The run was stopped by SIGINT, SIGTERM or SIGHUP before this input was done. What became
    /// of its output depends on the target: see [`Error::for_target`].
    #[error("{path}: stopped by {}", signal_name(*signal))]
    Interrupted {
        /// The input's name: its path, or `<stdin>`.
        path: String,
        /// The number of the signal (`libc::SIGINT`, …); see [`signal_name`].
        signal: i32,
    },

    /// A setting that passed its flag's parser but not the checks made when the plan is built
    /// (a key file that cannot be read, `--max-age` with `--format text`). `message` names the
    /// flags; each culprit is a setting to blame with the text that follows `FILE:LINE: KEY: `
    /// when that setting came from the configuration file
    /// (`Origins::locate` of the binary).
    #[error("{message}")]
    Setting {
        /// The whole message, naming the flags (`--max-age`, `--format`).
        message: String,
        /// Each setting to blame: its name as a flag without `--` and as a configuration key
        /// (`"max-age"`), and what to say about it.
        culprits: Vec<(&'static str, String)>,
    },

    /// The forget list's safety valve: one entry took more than the allowed share of a file's lines
    /// (a shared gateway address, a version number read as an address). Nothing is written for
    /// the file.
    #[error("{input}: {entry} matches {hits} of {lines} lines, more than {share}% and more than 10: \
             nothing was written for this file. An entry on that many lines is likely a shared \
             address (a gateway, a proxy) or a browser's version number read as an address: correct \
             the entry, or raise --forget-max-share")]
    ForgetValve {
        /// The input's name.
        input: String,
        /// The entry, as `LIST:LINE`.
        entry: String,
        /// Lines of the input holding it.
        hits: u64,
        /// Lines of the input.
        lines: u64,
        /// The share allowed, in percent.
        share: f64,
    },

    /// A configuration file that cannot be read or holds a bad key or value.
    #[error("{}{}{}{message}", path.display(), line.map(|l| format!(":{l}: ")).unwrap_or_else(|| ": ".into()), key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// The 1-based line of the problem, when it has one.
        line: Option<usize>,
        /// The key at fault, when one is.
        key: Option<String>,
        /// What is wrong, and what to do.
        message: String,
    },
}

impl Error {
    /// The message of this error for an input whose scrubbed text went to a target written as it
    /// goes, named `kept` (`stdout`, an append file: see [`crate::output::Target::kept_on_stop`]),
    /// or to a file that is dropped on failure (`None`): an interrupted input says what became of
    /// its output.
    pub fn for_target(&self, kept: Option<&str>) -> String {
        match (self, kept) {
            (Error::Interrupted { .. }, Some(kept)) => format!(
                "{self}; {kept} has every line read before it, the rest of the input was not read"
            ),
            (Error::Interrupted { .. }, None) => format!("{self}; its output was not written"),
            _ => self.to_string(),
        }
    }

    /// Wraps an error from writing to `path`, recognising a closed stdout.
    pub fn write(path: &str, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::BrokenPipe {
            Error::BrokenPipe
        } else {
            Error::Write {
                path: path.to_string(),
                source,
            }
        }
    }
}

/// The name of a signal that stops a run (`SIGINT`, `SIGTERM`, `SIGHUP`).
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

fn read_error_text(offset: u64, compressed: Option<u64>, source: &io::Error) -> String {
    match compressed {
        Some(c) => format!(
            "corrupt or truncated gzip near compressed byte {c} (after {offset} bytes of text): \
             {source}"
        ),
        None => format!("read failed at byte {offset}: {source}"),
    }
}

/// A result whose error is an [`Error`] unless another is named.
pub type Result<T, E = Error> = std::result::Result<T, E>;
