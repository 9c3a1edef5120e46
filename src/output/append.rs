//! Live outputs (`--append FILE`): a file opened for appending and written chunk by chunk as the
//! lines are scrubbed, never through a temporary file, and reopened by name when asked, as
//! `nginx -s reopen` reopens its logs, so it can be rotated under a running scrub.
//!
//! Who asks is not this module's business: a [`Reopen`] is bumped from any thread (the binary's
//! signal thread does so on SIGHUP), and the file looks at it before each write. A reopen waits
//! for the end of the line in progress: chunks end after a newline except inside a line longer
//! than a chunk, and the pieces of such a line all go to the file its first piece went to. So no
//! line is ever split between the rotated file and the new one, and none is lost: whatever was
//! written before the reopen is in the old file, everything after it in the new one.
//!
//! A reopen that fails (the directory is gone, permissions changed) is counted and reported to
//! the [`Reopen`]'s notifier; the output keeps going to the file it had open (the rotated one), so
//! nothing is lost, and the next request tries again.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// The permission bits of an append output logscrub creates (before the umask); an existing file
/// keeps its own.
pub const APPEND_MODE: u32 = 0o640;

/// What is called with the error of a failed reopen.
type Notify = Box<dyn Fn(&Error) + Send + Sync>;

/// Requests to reopen append outputs, shared between whoever asks (another thread) and the
/// outputs, with counts of how the reopens went.
#[derive(Default)]
pub struct Reopen {
    asked: AtomicU64,
    reopened: AtomicU64,
    failed: AtomicU64,
    notify: Option<Notify>,
}

impl std::fmt::Debug for Reopen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reopen")
            .field("asked", &self.asked())
            .field("reopened", &self.reopened())
            .field("failed", &self.failed())
            .finish_non_exhaustive()
    }
}

impl Reopen {
    /// Requests that call `notify` with the error of each reopen that fails (the binary prints
    /// it). Without one, failures are only counted ([`Reopen::failed`]).
    pub fn notifying(notify: impl Fn(&Error) + Send + Sync + 'static) -> Reopen {
        Reopen {
            notify: Some(Box::new(notify)),
            ..Reopen::default()
        }
    }

    /// Asks every append output watching this to reopen its file by name before its next write
    /// (after the line it is writing, if it is inside one). Requests that come before the output
    /// got to the first count as one.
    pub fn ask(&self) {
        self.asked.fetch_add(1, Ordering::Relaxed);
    }

    /// Requests made so far.
    pub fn asked(&self) -> u64 {
        self.asked.load(Ordering::Relaxed)
    }

    /// Reopens done so far.
    pub fn reopened(&self) -> u64 {
        self.reopened.load(Ordering::Relaxed)
    }

    /// Reopens that failed so far (the output kept its old file).
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    fn fail(&self, e: &Error) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        if let Some(notify) = &self.notify {
            notify(e);
        }
    }
}

/// A file written at its end, as it goes, and reopened by name when a [`Reopen`] asks.
#[derive(Debug)]
pub struct AppendFile {
    path: PathBuf,
    file: File,
    reopen: Option<Arc<Reopen>>,
    /// The requests already acted on.
    seen: u64,
    /// Whether the last write ended inside a line (a piece of an over-long line).
    mid_line: bool,
}

impl AppendFile {
    /// Opens `path` for appending, creating it with [`APPEND_MODE`] if it does not exist. A
    /// symlink is followed; a device or FIFO is written as it is.
    pub fn open(path: &Path) -> Result<AppendFile> {
        let file = open_append(path).map_err(|source| Error::Append {
            path: path.display().to_string(),
            source,
        })?;
        Ok(AppendFile {
            path: path.to_path_buf(),
            file,
            reopen: None,
            seen: 0,
            mid_line: false,
        })
    }

    /// Reopens the file by name whenever `reopen` is asked to, from now on (requests made before
    /// this call are not acted on: the file was just opened).
    pub fn reopen_when(&mut self, reopen: Arc<Reopen>) {
        self.seen = reopen.asked();
        self.reopen = Some(reopen);
    }

    /// Writes `bytes` whole, at the end of the file, straight to its descriptor (nothing is
    /// buffered here); first reopens the file if asked to and not inside a line.
    pub fn write_chunk(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.reopen_if_asked();
        self.file.write_all(bytes)?;
        self.mid_line = !bytes.ends_with(b"\n");
        Ok(())
    }

    fn reopen_if_asked(&mut self) {
        let Some(reopen) = &self.reopen else { return };
        let asked = reopen.asked();
        if asked == self.seen || self.mid_line {
            return;
        }
        self.seen = asked;
        match open_append(&self.path) {
            Ok(file) => {
                // The old descriptor is closed here; everything written to it is in the old file.
                self.file = file;
                reopen.reopened.fetch_add(1, Ordering::Relaxed);
            }
            Err(source) => reopen.fail(&Error::Reopen {
                path: self.path.display().to_string(),
                source,
            }),
        }
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(APPEND_MODE)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Mutex;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn creates_with_0640_and_appends_to_an_existing_file_keeping_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.log");
        let mut f = AppendFile::open(&new).unwrap();
        f.write_chunk(b"one\n").unwrap();
        assert_eq!(fs::read(&new).unwrap(), b"one\n");
        // The umask may take bits away, never add them.
        assert_eq!(mode(&new) & !APPEND_MODE, 0);
        let old = dir.path().join("old.log");
        fs::write(&old, b"kept\n").unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o600)).unwrap();
        let mut f = AppendFile::open(&old).unwrap();
        f.write_chunk(b"two\n").unwrap();
        f.write_chunk(b"").unwrap();
        assert_eq!(fs::read(&old).unwrap(), b"kept\ntwo\n");
        assert_eq!(mode(&old), 0o600);
        // Only one file each: nothing temporary beside them.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn reopens_by_name_when_asked_so_a_renamed_file_keeps_what_was_written_before() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.log");
        let reopen = Arc::new(Reopen::default());
        reopen.ask(); // before the file watches: not acted on
        let mut f = AppendFile::open(&live).unwrap();
        f.reopen_when(Arc::clone(&reopen));
        f.write_chunk(b"a\n").unwrap();
        fs::rename(&live, dir.path().join("live.log.1")).unwrap();
        f.write_chunk(b"b\n").unwrap(); // not asked yet: still the renamed file
        reopen.ask();
        reopen.ask(); // two requests before the next write: one reopen
        f.write_chunk(b"c\n").unwrap();
        f.write_chunk(b"d\n").unwrap();
        assert_eq!(fs::read(dir.path().join("live.log.1")).unwrap(), b"a\nb\n");
        assert_eq!(fs::read(&live).unwrap(), b"c\nd\n");
        assert_eq!((reopen.reopened(), reopen.failed()), (1, 0));
    }

    #[test]
    fn a_reopen_waits_for_the_end_of_an_over_long_line() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.log");
        let reopen = Arc::new(Reopen::default());
        let mut f = AppendFile::open(&live).unwrap();
        f.reopen_when(Arc::clone(&reopen));
        f.write_chunk(b"whole\nlong line, first piece ").unwrap();
        fs::rename(&live, dir.path().join("live.log.1")).unwrap();
        reopen.ask();
        f.write_chunk(b"second piece ").unwrap();
        f.write_chunk(b"end\nnext").unwrap();
        f.write_chunk(b" line\n").unwrap(); // another line cut in two: the reopen waits again
        assert_eq!(
            fs::read(dir.path().join("live.log.1")).unwrap(),
            b"whole\nlong line, first piece second piece end\nnext line\n"
        );
        assert!(!live.exists(), "reopened before the line in progress ended");
        reopen.ask();
        f.write_chunk(b"after\n").unwrap();
        assert_eq!(fs::read(&live).unwrap(), b"after\n");
    }

    #[test]
    fn a_failed_reopen_is_reported_and_writing_goes_on_to_the_old_file_until_a_reopen_works() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("live.log");
        let rotated = dir.path().join("live.log.1");
        let heard = Arc::new(Mutex::new(Vec::new()));
        let h = Arc::clone(&heard);
        let reopen = Arc::new(Reopen::notifying(move |e| {
            h.lock().unwrap().push(e.to_string())
        }));
        let mut f = AppendFile::open(&live).unwrap();
        f.reopen_when(Arc::clone(&reopen));
        f.write_chunk(b"a\n").unwrap();
        fs::rename(&live, &rotated).unwrap();
        fs::create_dir(&live).unwrap(); // a directory cannot be opened for append, even by root
        reopen.ask();
        f.write_chunk(b"b\n").unwrap();
        f.write_chunk(b"c\n").unwrap(); // no new request: no second attempt, no second message
        assert_eq!(fs::read(&rotated).unwrap(), b"a\nb\nc\n");
        let heard_now = heard.lock().unwrap().clone();
        assert_eq!(heard_now.len(), 1, "{heard_now:?}");
        assert!(
            heard_now[0].starts_with(&format!("{}: cannot reopen: ", live.display())),
            "{heard_now:?}"
        );
        assert_eq!((reopen.reopened(), reopen.failed()), (0, 1));
        fs::remove_dir(&live).unwrap();
        reopen.ask();
        f.write_chunk(b"d\n").unwrap();
        assert_eq!(fs::read(&live).unwrap(), b"d\n");
        assert_eq!((reopen.reopened(), reopen.failed()), (1, 1));
    }

    #[test]
    fn an_unopenable_path_is_a_typed_error_naming_it() {
        let e = AppendFile::open(Path::new("/nonexistent/dir/live.log")).unwrap_err();
        assert!(matches!(e, Error::Append { .. }), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("/nonexistent/dir/live.log: cannot open for append: "),
            "{e}"
        );
    }
}
