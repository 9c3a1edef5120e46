//! Files that appear only when complete: written under a temporary name beside their target and
//! renamed over it at the end, so a reader never sees a partial file and a failed run leaves the
//! old one in place.
//!
//! Every temporary file is on a process-wide list while it exists, so that whoever handles a
//! signal that ends the process can remove them ([`remove_unfinished`]): a run that is killed
//! leaves nothing behind either.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tempfile::NamedTempFile;

/// The temporary files that exist now.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A file being written under a temporary name beside its target. Dropping it without
/// [`AtomicFile::commit`] removes the temporary file and leaves the target untouched.
#[derive(Debug)]
pub struct AtomicFile {
    temp: NamedTempFile,
    target: PathBuf,
    _listed: Listed,
}

impl AtomicFile {
    /// Starts a file that will replace `target`, named `PREFIX` + random + `SUFFIX` in the same
    /// directory (so the rename stays on one file system). A symlinked `target` is followed: the
    /// file it names is replaced and the link stays.
    pub fn create(target: &Path, prefix: &str, suffix: &str) -> io::Result<AtomicFile> {
        let real = fs::canonicalize(target).ok();
        let target = real.as_deref().unwrap_or(target);
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(prefix)
            .suffix(suffix)
            .tempfile_in(dir)?;
        let listed = Listed::new(temp.path());
        Ok(AtomicFile {
            temp,
            target: target.to_path_buf(),
            _listed: listed,
        })
    }

    /// The target this file replaces when committed (symlinks resolved).
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Sets the permission bits of the file to be (`0o640`, say).
    pub fn set_mode(&self, mode: u32) -> io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(self.temp.path(), fs::Permissions::from_mode(mode))
    }

    /// The open temporary file, to write into.
    pub fn file(&self) -> &File {
        self.temp.as_file()
    }

    /// Syncs the file and renames it over its target.
    pub fn commit(self) -> io::Result<()> {
        self.temp.as_file().sync_all()?;
        self.temp
            .persist(&self.target)
            .map(drop)
            .map_err(|e| e.error)
    }
}

/// Removes every temporary file that exists now and returns how many there were. For a signal
/// handler about to end the process: the files of the run it stops are never renamed into place.
pub fn remove_unfinished() -> usize {
    let temps = UNFINISHED.lock().unwrap_or_else(|e| e.into_inner());
    for p in temps.iter() {
        let _ = fs::remove_file(p);
    }
    temps.len()
}

/// A temporary file's place on the list, given up when dropped.
#[derive(Debug)]
struct Listed(PathBuf);

impl Listed {
    fn new(path: &Path) -> Listed {
        UNFINISHED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_path_buf());
        Listed(path.to_path_buf())
    }
}

impl Drop for Listed {
    fn drop(&mut self) {
        let mut temps = UNFINISHED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = temps.iter().position(|p| *p == self.0) {
            temps.swap_remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn listed(p: &Path) -> bool {
        UNFINISHED.lock().unwrap().iter().any(|t| t == p)
    }

    #[test]
    fn appears_only_on_commit_and_is_listed_until_then() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.log");
        let file = AtomicFile::create(&target, ".out.log.", ".logscrub-tmp").unwrap();
        let temp = file.temp.path().to_path_buf();
        assert!(listed(&temp));
        file.file().write_all(b"text\n").unwrap();
        assert!(!target.exists());
        file.commit().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"text\n");
        assert!(!temp.exists() && !listed(&temp));
    }

    #[test]
    fn dropped_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.log");
        fs::write(&target, b"old").unwrap();
        let file = AtomicFile::create(&target, ".x.", ".logscrub-tmp").unwrap();
        let temp = file.temp.path().to_path_buf();
        file.file().write_all(b"new").unwrap();
        drop(file);
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert!(!temp.exists() && !listed(&temp));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_symlinked_target_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.log");
        let link = dir.path().join("link.log");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let file = AtomicFile::create(&link, ".x.", "").unwrap();
        file.file().write_all(b"new").unwrap();
        file.commit().unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }
}
