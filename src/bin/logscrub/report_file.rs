//! Where the JSON report goes: stderr (`-`), a device or FIFO (written into, never replaced), or a
//! file, written atomically through a temporary file beside it that is made when the run starts,
//! so that a report that could not be written stops the run before any input is read.

use std::io::Write;
use std::path::{Path, PathBuf};

use logscrub::error::{Error, Result};
use logscrub::output::AtomicFile;
use logscrub::report::RunReport;

/// Where the JSON report goes: stderr (`-`), a device or FIFO (written into, never replaced), or
/// a file, written atomically through a temporary file beside it that is made when the run
/// starts, so that a report that could not be written stops the run before any input is read.
pub enum ReportFile {
    Stderr,
    /// An existing path that is not a regular file (`/dev/null`, a FIFO): opened only at the end,
    /// as opening a FIFO waits for its reader.
    Device(PathBuf),
    File(AtomicFile),
}

impl ReportFile {
    /// Checks that a report can be written at `path` ("-": stderr).
    pub fn open(path: &Path) -> Result<ReportFile> {
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
    pub fn write(self, report: &RunReport) -> Result<()> {
        self.write_json(&report.to_json())
    }

    /// Writes the JSON text of a report (another command's) and renames it into place.
    pub fn write_json(self, json: &str) -> Result<()> {
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
