//! Output sinks: stdout, or a file written under a temporary name beside its target and renamed
//! into place only when everything was written. A name ending in `.gz` gets gzip.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Where output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Stdout,
    File(PathBuf),
}

impl Target {
    pub fn display(&self) -> String {
        match self {
            Target::Stdout => "<stdout>".to_string(),
            Target::File(p) => p.display().to_string(),
        }
    }

    /// Whether this target is written as gzip.
    pub fn is_gzip(&self) -> bool {
        matches!(self, Target::File(p) if p.extension().is_some_and(|e| e == "gz"))
    }
}

enum Writer {
    Memory(Vec<u8>),
    Stdout(io::Stdout),
    Plain(File),
    Gzip(GzEncoder<File>),
}

/// An open output. Dropping it without [`Sink::finish`] leaves the target untouched and removes
/// the temporary file.
pub struct Sink {
    name: String,
    writer: Writer,
    temp: Option<(NamedTempFile, PathBuf)>,
    /// Keeps the temporary file on the list a signal clears (see [`crate::signals`]).
    _guard: Option<crate::signals::TempGuard>,
}

impl Sink {
    /// Opens `target`; a file target gets `mode` (the input's permission bits) when given.
    pub fn create(target: &Target, level: u32, mode: Option<u32>) -> Result<Sink> {
        let name = target.display();
        let path = match target {
            Target::Stdout => {
                return Ok(Sink {
                    name,
                    writer: Writer::Stdout(io::stdout()),
                    temp: None,
                    _guard: None,
                })
            }
            Target::File(p) => p,
        };
        let err = |source| Error::Write {
            path: name.clone(),
            source,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{file_name}."))
            .suffix(".logscrub-tmp")
            .tempfile_in(dir)
            .map_err(err)?;
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(temp.path(), fs::Permissions::from_mode(mode)).map_err(err)?;
        }
        let file = temp.as_file().try_clone().map_err(err)?;
        let writer = if target.is_gzip() {
            Writer::Gzip(GzEncoder::new(file, Compression::new(level)))
        } else {
            Writer::Plain(file)
        };
        Ok(Sink {
            name,
            writer,
            _guard: Some(crate::signals::TempGuard::new(temp.path())),
            temp: Some((temp, path.clone())),
        })
    }

    /// A sink that collects the output in memory (tests, benches, library use).
    pub fn memory() -> Sink {
        Sink {
            name: "<memory>".to_string(),
            writer: Writer::Memory(Vec::new()),
            temp: None,
            _guard: None,
        }
    }

    /// The bytes collected by a [`Sink::memory`] sink (empty for any other).
    pub fn into_memory(self) -> Vec<u8> {
        match self.writer {
            Writer::Memory(v) => v,
            _ => Vec::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn write_all(&mut self, data: &[u8]) -> Result<()> {
        let r = match &mut self.writer {
            Writer::Memory(v) => {
                v.extend_from_slice(data);
                Ok(())
            }
            Writer::Stdout(s) => s.write_all(data),
            Writer::Plain(f) => f.write_all(data),
            Writer::Gzip(g) => g.write_all(data),
        };
        r.map_err(|e| Error::write(&self.name, e))
    }

    /// Pushes what was written so far to its reader (stdout only: files are renamed at the end).
    pub fn flush(&mut self) -> Result<()> {
        match &mut self.writer {
            Writer::Stdout(s) => s.flush().map_err(|e| Error::write(&self.name, e)),
            _ => Ok(()),
        }
    }

    /// Completes the output: flushes, finishes gzip, syncs and renames the file into place.
    pub fn finish(self) -> Result<()> {
        let name = self.name;
        let err = |e| Error::write(&name, e);
        let file = match self.writer {
            Writer::Memory(_) => return Ok(()),
            Writer::Stdout(mut s) => return s.flush().map_err(err),
            Writer::Plain(f) => f,
            Writer::Gzip(g) => g.finish().map_err(err)?,
        };
        file.sync_all().map_err(err)?;
        drop(file);
        if let Some((temp, target)) = self.temp {
            temp.persist(&target).map_err(|e| err(e.error))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_appears_only_on_finish_and_no_temp_remains() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.log");
        let mut s = Sink::create(&Target::File(path.clone()), 6, None).unwrap();
        s.write_all(b"hello\n").unwrap();
        assert!(!path.exists());
        s.finish().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"hello\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropped_sink_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.log.gz");
        let mut s = Sink::create(&Target::File(path.clone()), 6, None).unwrap();
        s.write_all(b"partial").unwrap();
        drop(s);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn gz_name_means_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.gz");
        let mut s = Sink::create(&Target::File(path.clone()), 1, Some(0o640)).unwrap();
        s.write_all(b"x\n").unwrap();
        s.finish().unwrap();
        let mut d = flate2::read::GzDecoder::new(File::open(&path).unwrap());
        let mut text = String::new();
        std::io::Read::read_to_string(&mut d, &mut text).unwrap();
        assert_eq!(text, "x\n");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
