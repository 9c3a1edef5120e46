//! Typed errors. Each names the file (and where known the byte offset) and says what to do.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot open: {source}")]
    Open { path: String, source: io::Error },

    #[error("{path}: read failed at byte {offset} of its (decompressed) text: {source}")]
    Read {
        path: String,
        offset: u64,
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
}

impl Error {
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

pub type Result<T, E = Error> = std::result::Result<T, E>;
