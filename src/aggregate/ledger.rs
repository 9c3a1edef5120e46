//! The ledger (`--ledger DIR`): what was published for each day, as a digest, so that a day is
//! never published twice with different figures. Two tables of the same day that differ by one
//! person let a partner subtract them and learn about that person; so a run that would publish a
//! different table for a day already in the ledger is refused before anything is written.
//!
//! `DIR/YYYY-MM-DD.sha256` holds the digest of the day's published rows
//! ([`super::tables::Tables::digest`]): counts only, nothing per person. Each is written through
//! a temporary file and renamed into place, after the tables themselves.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::output::AtomicFile;

/// Why the ledger refuses, or cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// A day already published with other figures.
    #[error("{path}: {date} was already published with different figures; publishing it again would let a partner subtract the two tables and single a visitor out. Nothing was written. Publish the earlier tables for {date} again, leave its lines out, or use a new ledger")]
    Changed {
        /// The day.
        date: String,
        /// Its ledger entry.
        path: PathBuf,
    },
    /// The directory or an entry cannot be read or written.
    #[error("{path}: ledger: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A ledger directory and the entries a run will add to it.
#[derive(Debug)]
pub struct Ledger {
    new: Vec<(PathBuf, String)>,
}

impl Ledger {
    /// Checks `days` (date, digest) against the ledger in `dir` (created if missing): an error
    /// for the first day whose entry holds another digest. Days not in it yet are remembered for
    /// [`Ledger::commit`].
    pub fn check<'a>(
        dir: &Path,
        days: impl IntoIterator<Item = (&'a str, String)>,
    ) -> Result<Ledger, LedgerError> {
        std::fs::create_dir_all(dir).map_err(|source| LedgerError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut new = Vec::new();
        for (date, digest) in days {
            let path = dir.join(format!("{date}.sha256"));
            match std::fs::read_to_string(&path) {
                Ok(old) if old.trim() == digest => {}
                Ok(_) => {
                    return Err(LedgerError::Changed {
                        date: date.to_string(),
                        path,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => new.push((path, digest)),
                Err(source) => return Err(LedgerError::Io { path, source }),
            }
        }
        Ok(Ledger { new })
    }

    /// The days this run adds.
    pub fn added(&self) -> usize {
        self.new.len()
    }

    /// Writes the new entries, each atomically.
    pub fn commit(self) -> Result<(), LedgerError> {
        for (path, digest) in self.new {
            let io = |source| LedgerError::Io {
                path: path.clone(),
                source,
            };
            let file = AtomicFile::create(&path, ".logscrub-ledger.", "").map_err(io)?;
            file.set_mode(0o644).map_err(io)?;
            let mut f: &std::fs::File = file.file();
            writeln!(f, "{digest}").map_err(io)?;
            file.commit().map_err(io)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_figures_pass_and_different_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::check(dir.path(), [("2026-11-24", "aa".to_string())]).unwrap();
        assert_eq!(l.added(), 1);
        l.commit().unwrap();
        let again = Ledger::check(dir.path(), [("2026-11-24", "aa".to_string())]).unwrap();
        assert_eq!(again.added(), 0);
        let e = Ledger::check(
            dir.path(),
            [
                ("2026-11-25", "cc".to_string()),
                ("2026-11-24", "bb".to_string()),
            ],
        )
        .unwrap_err();
        assert!(
            matches!(&e, LedgerError::Changed { date, .. } if date == "2026-11-24"),
            "{e}"
        );
        assert!(!dir.path().join("2026-11-25.sha256").exists());
    }
}
