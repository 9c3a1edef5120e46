//! Typed errors. Each names the file (and where known the byte offset) and says what to do.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot open: {source}")]
    Open { path: String, source: io::Error },

    #[error("{path}: {}", read_error_text(*offset, *compressed, source))]
    Read {
        path: String,
        /// Offset in the (decompressed) text.
        offset: u64,
        /// For gzip: offset in the compressed file.
        compressed: Option<u64>,
        source: io::Error,
    },

    #[error("{path}: write failed: {source}")]
    Write { path: String, source: io::Error },

    /// The reader of stdout went away (`logscrub big.gz | head`): not a failure of ours.
    #[error("stdout closed")]
    BrokenPipe,

    #[error("{}: refusing to write over input {input}; choose another --output", path.display())]
    OutputIsInput { path: PathBuf, input: String },

    #[error("{}: cannot use as output directory: {source}", path.display())]
    OutputDir { path: PathBuf, source: io::Error },

    #[error("{0}")]
    Usage(String),

    /// The JSON report cannot be written (checked before any input is read, and at the end).
    #[error("{}: cannot write the report: {source}", path.display())]
    Report { path: PathBuf, source: io::Error },

    /// The run was stopped by SIGINT, SIGTERM or SIGHUP before this input was done. What became
    /// of its output depends on the target: see [`Error::for_target`].
    #[error("{path}: stopped by {}", signal_name(*signal))]
    Interrupted { path: String, signal: i32 },

    /// A setting that passed its flag's parser but not the checks made when the plan is built
    /// (a key file that cannot be read, `--max-age` with `--format text`). `message` names the
    /// flags; each culprit is a setting to blame with the text that follows `FILE:LINE: KEY: `
    /// when that setting came from the configuration file
    /// (`Origins::locate` of the binary).
    #[error("{message}")]
    Setting {
        message: String,
        culprits: Vec<(&'static str, String)>,
    },

    /// A configuration file that cannot be read or holds a bad key or value.
    #[error("{}{}{}{message}", path.display(), line.map(|l| format!(":{l}: ")).unwrap_or_else(|| ": ".into()), key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default())]
    Config {
        path: PathBuf,
        line: Option<usize>,
        key: Option<String>,
        message: String,
    },
}

impl Error {
    /// The message of this error for an input whose scrubbed text went to stdout (`to_stdout`)
    /// or to a file: an interrupted input says what became of its output.
    pub fn for_target(&self, to_stdout: bool) -> String {
        match self {
            Error::Interrupted { .. } if to_stdout => format!(
                "{self}; stdout has every line read before it, the rest of the input was not read"
            ),
            Error::Interrupted { .. } => format!("{self}; its output was not written"),
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

pub type Result<T, E = Error> = std::result::Result<T, E>;
