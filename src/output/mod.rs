//! Output sinks: stdout, a file written under a temporary name beside its target and renamed
//! into place only when everything was written (a name ending in `.gz` gets gzip), or a live file
//! appended to as lines come and reopened by name when asked ([`append`]).
//!
//! gzip output is a multi-member file (RFC 1952 §2.2): each scrubbed chunk is compressed on its own
//! into one complete member, so workers compress chunks in parallel and the writer only
//! concatenates them in order, as pigz does. `zcat`, `gzip -d` and logscrub itself read the members
//! as one text. The members depend only on the chunks, so the file is byte-identical for every
//! thread count.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Result};

pub mod append;
mod atomic;
mod gzip;

pub use append::{AppendFile, Reopen};
pub use atomic::{remove_unfinished, AtomicFile};

/// Where output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Standard output.
    Stdout,
    /// The file at this path: written under a temporary name beside it and renamed into place at
    /// the end (a device or FIFO is written in place). A name ending in `.gz` gets gzip.
    File(PathBuf),
    /// The file at this path, appended to as lines are scrubbed and never replaced (`--append`):
    /// always plain text, created with mode [`append::APPEND_MODE`] if missing, and reopened by
    /// name when a [`Reopen`] asks (see [`append`]).
    Append(PathBuf),
}

impl Target {
    /// The name used in messages and reports: the path, or `<stdout>`.
    pub fn display(&self) -> String {
        match self {
            Target::Stdout => "<stdout>".to_string(),
            Target::File(p) | Target::Append(p) => p.display().to_string(),
        }
    }

    /// The name to give, in the message about an input stopped part-way, of a target that holds
    /// every line scrubbed before the stop: `stdout`, or an append file. `None` for a file target,
    /// which is dropped unfinished.
    pub fn kept_on_stop(&self) -> Option<String> {
        match self {
            Target::Stdout => Some("stdout".to_string()),
            Target::Append(p) => Some(p.display().to_string()),
            Target::File(_) => None,
        }
    }

    /// Whether this target is written as gzip (a `.gz` file target; an append target never is).
    pub fn is_gzip(&self) -> bool {
        matches!(self, Target::File(p) if p.extension().is_some_and(|e| e == "gz"))
    }
}

/// How scrubbed text is encoded on its way into a sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// As it is.
    Plain,
    /// Each chunk as one gzip member, compressed at this level (0-9).
    Gzip {
        /// The deflate level, 0 (stored) to 9 (smallest); the sinks cap it at 9.
        level: u32,
    },
}

impl Encoding {
    /// Encodes one chunk of text for a sink of this encoding: `text` itself when plain; otherwise
    /// `packed` is filled with a gzip member holding `text` (nothing for an empty `text`: an empty
    /// member adds nothing but bytes) and returned.
    pub fn encode<'a>(self, text: &'a [u8], packed: &'a mut Vec<u8>) -> io::Result<&'a [u8]> {
        match self {
            Encoding::Plain => Ok(text),
            Encoding::Gzip { .. } if text.is_empty() => {
                packed.clear();
                Ok(packed)
            }
            Encoding::Gzip { level } => {
                gzip::member(text, level, packed)?;
                Ok(packed)
            }
        }
    }
}

enum Writer {
    Memory(Vec<u8>),
    Stdout(io::Stdout),
    /// A device or FIFO, written in place.
    File(File),
    /// A regular file, written beside its target and renamed over it at the end.
    Atomic(AtomicFile),
    /// A live file, appended to as it goes.
    Append(AppendFile),
}

/// An open output. Dropping it without [`Sink::finish`] leaves the target untouched and removes
/// the temporary file.
pub struct Sink {
    name: String,
    writer: Writer,
    encoding: Encoding,
    /// Whether anything was written: a gzip file gets at least one member, so it is valid gzip.
    wrote: bool,
    /// Where [`Sink::write_text`] encodes.
    packed: Vec<u8>,
}

impl Sink {
    /// Opens `target`; a file target gets `mode` (the input's permission bits) when given.
    pub fn create(target: &Target, level: u32, mode: Option<u32>) -> Result<Sink> {
        let name = target.display();
        let path = match target {
            Target::Stdout => {
                return Ok(Sink::direct(
                    name,
                    Writer::Stdout(io::stdout()),
                    Encoding::Plain,
                ))
            }
            Target::File(p) => p,
            Target::Append(p) => {
                let file = AppendFile::open(p)?;
                return Ok(Sink::direct(name, Writer::Append(file), Encoding::Plain));
            }
        };
        let err = |source| Error::Write {
            path: name.clone(),
            source,
        };
        let encoding = if target.is_gzip() {
            Encoding::Gzip {
                level: level.min(9),
            }
        } else {
            Encoding::Plain
        };
        // A device, FIFO or socket (`/dev/null`, `/dev/full`, a named pipe) is written directly:
        // renaming a file over it would replace it. A symlink is followed, so the file it names
        // is replaced and the link stays.
        let path = match fs::canonicalize(path) {
            Ok(real) => {
                let meta = fs::metadata(&real).map_err(err)?;
                if !meta.is_file() && !meta.is_dir() {
                    let file = fs::OpenOptions::new()
                        .write(true)
                        .open(&real)
                        .map_err(err)?;
                    return Ok(Sink::direct(name, Writer::File(file), encoding));
                }
                real
            }
            Err(_) => path.clone(),
        };
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file =
            AtomicFile::create(&path, &format!(".{file_name}."), ".logscrub-tmp").map_err(err)?;
        if let Some(mode) = mode {
            file.set_mode(mode).map_err(err)?;
        }
        Ok(Sink::direct(name, Writer::Atomic(file), encoding))
    }

    /// A sink written as it goes, with nothing to rename at the end.
    fn direct(name: String, writer: Writer, encoding: Encoding) -> Sink {
        Sink {
            name,
            writer,
            encoding,
            wrote: false,
            packed: Vec::new(),
        }
    }

    /// A sink that collects the output in memory (tests, benches, library use).
    pub fn memory() -> Sink {
        Sink::direct(
            "<memory>".to_string(),
            Writer::Memory(Vec::new()),
            Encoding::Plain,
        )
    }

    /// A memory sink that gzips, member by member, as a `.gz` file target does.
    pub fn memory_gzip(level: u32) -> Sink {
        Sink {
            encoding: Encoding::Gzip {
                level: level.min(9),
            },
            ..Sink::memory()
        }
    }

    /// The bytes collected by a [`Sink::memory`] or [`Sink::memory_gzip`] sink (empty for any
    /// other). Unlike [`Sink::finish`], adds no empty gzip member.
    pub fn into_memory(self) -> Vec<u8> {
        match self.writer {
            Writer::Memory(v) => v,
            _ => Vec::new(),
        }
    }

    /// Makes an append sink reopen its file by name whenever `reopen` is asked to (see
    /// [`append`]); any other sink is left as it is.
    pub fn reopen_when(mut self, reopen: &Arc<Reopen>) -> Sink {
        if let Writer::Append(file) = &mut self.writer {
            file.reopen_when(Arc::clone(reopen));
        }
        self
    }

    /// The name of the target in messages: its path, `<stdout>` or `<memory>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How text must be encoded for [`Sink::write_encoded`].
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Writes one chunk of scrubbed text, encoding it here (the sequential path).
    pub fn write_text(&mut self, text: &[u8]) -> Result<()> {
        let mut packed = std::mem::take(&mut self.packed);
        let r = self
            .encoding
            .encode(text, &mut packed)
            .map_err(|e| Error::write(&self.name, e))
            .and_then(|bytes| self.write_encoded(bytes));
        self.packed = packed;
        r
    }

    /// Writes bytes already encoded by [`Encoding::encode`] with this sink's encoding (the
    /// parallel path, where workers encode).
    pub fn write_encoded(&mut self, bytes: &[u8]) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.wrote = true;
        let r = match &mut self.writer {
            Writer::Memory(v) => {
                v.extend_from_slice(bytes);
                Ok(())
            }
            Writer::Stdout(s) => s.write_all(bytes),
            Writer::File(f) => f.write_all(bytes),
            Writer::Atomic(a) => {
                let mut f: &File = a.file();
                f.write_all(bytes)
            }
            Writer::Append(a) => a.write_chunk(bytes),
        };
        r.map_err(|e| Error::write(&self.name, e))
    }

    /// Pushes what was written so far to its reader (stdout only: an append file is written
    /// unbuffered, other files are renamed at the end).
    pub fn flush(&mut self) -> Result<()> {
        match &mut self.writer {
            Writer::Stdout(s) => s.flush().map_err(|e| Error::write(&self.name, e)),
            _ => Ok(()),
        }
    }

    /// Completes the output: flushes, syncs and renames the file into place. A gzip output that
    /// got no text gets one empty member, so it is still a valid (empty) gzip file.
    pub fn finish(mut self) -> Result<()> {
        if !self.wrote {
            if let Encoding::Gzip { level } = self.encoding {
                let mut member = Vec::new();
                gzip::member(b"", level, &mut member).map_err(|e| Error::write(&self.name, e))?;
                self.write_encoded(&member)?;
            }
        }
        let name = self.name;
        let err = |e| Error::write(&name, e);
        match self.writer {
            Writer::Memory(_) => Ok(()),
            Writer::Stdout(mut s) => s.flush().map_err(err),
            // A device or FIFO written directly has nothing to sync or rename.
            // Nor does a live file: every chunk is already in it.
            Writer::File(_) | Writer::Append(_) => Ok(()),
            Writer::Atomic(file) => file.commit().map_err(err),
        }
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
        s.write_text(b"hello\n").unwrap();
        assert!(!path.exists());
        s.finish().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"hello\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_append_target_is_written_as_it_goes_plain_even_when_named_gz() {
        let dir = tempfile::tempdir().unwrap();
        // The plan refuses a .gz name for --append; the sink itself writes plain text regardless.
        let path = dir.path().join("live.log.gz");
        let mut s = Sink::create(&Target::Append(path.clone()), 6, Some(0o600)).unwrap();
        assert_eq!(s.encoding(), Encoding::Plain);
        s.write_text(b"one\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one\n");
        s.write_text(b"two\n").unwrap();
        drop(s); // unfinished: what was written stays
        assert_eq!(fs::read(&path).unwrap(), b"one\ntwo\n");
        let reopen = Arc::new(Reopen::default());
        let mut s = Sink::create(&Target::Append(path.clone()), 6, None)
            .unwrap()
            .reopen_when(&reopen);
        fs::rename(&path, dir.path().join("rotated")).unwrap();
        reopen.ask();
        s.write_text(b"three\n").unwrap();
        s.finish().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three\n");
        assert_eq!(fs::read(dir.path().join("rotated")).unwrap(), b"one\ntwo\n");
    }

    #[test]
    fn dropped_sink_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.log.gz");
        let mut s = Sink::create(&Target::File(path.clone()), 6, None).unwrap();
        s.write_text(b"partial").unwrap();
        drop(s);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    fn gunzip_all(bytes: &[u8]) -> Vec<u8> {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes), &mut text)
            .unwrap();
        text
    }

    /// Bytes that compress poorly (xorshift64), so a member is larger than its text.
    fn noise(n: usize) -> Vec<u8> {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    }

    #[test]
    fn gzip_members_each_decode_alone_and_concatenate_to_the_whole_text() {
        let texts: [&[u8]; 3] = [b"first chunk\n", &[b'a'; 100_000], b"\xff\x00 last\n"];
        let mut file = Vec::new();
        for text in texts {
            let mut packed = Vec::new();
            let member = Encoding::Gzip { level: 6 }
                .encode(text, &mut packed)
                .unwrap();
            // A single-member decoder stops at the member's end: each is complete on its own.
            let mut alone = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(member), &mut alone)
                .unwrap();
            assert_eq!(alone, text);
            file.extend_from_slice(member);
        }
        assert_eq!(gunzip_all(&file), texts.concat());
    }

    #[test]
    fn every_level_gives_the_same_member_on_any_thread_and_round_trips() {
        let text =
            [
                &b"203.0.113.0 - - [25/Nov/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200\n"
                    .repeat(500)[..],
                &noise(70_000),
            ]
            .concat();
        for level in 0..=9 {
            let mut here = Vec::new();
            Encoding::Gzip { level }.encode(&text, &mut here).unwrap();
            // Again on this thread (its deflate state reused) and on a fresh thread.
            let mut again = Vec::new();
            Encoding::Gzip { level }.encode(&text, &mut again).unwrap();
            let there = std::thread::scope(|s| {
                s.spawn(|| {
                    let mut v = Vec::new();
                    Encoding::Gzip { level }.encode(&text, &mut v).unwrap();
                    v
                })
                .join()
                .unwrap()
            });
            assert_eq!(here, again, "level {level}");
            assert_eq!(here, there, "level {level}");
            assert_eq!(gunzip_all(&here), text, "level {level}");
        }
    }

    #[test]
    fn incompressible_text_grows_the_member_buffer_and_still_round_trips() {
        let text = noise(1 << 20);
        let mut packed = Vec::new();
        let member = Encoding::Gzip { level: 6 }
            .encode(&text, &mut packed)
            .unwrap();
        assert!(member.len() > text.len());
        assert_eq!(gunzip_all(member), text);
    }

    #[test]
    fn plain_encoding_is_the_text_itself_and_empty_text_is_no_member() {
        let mut packed = vec![1, 2, 3];
        assert_eq!(Encoding::Plain.encode(b"abc", &mut packed).unwrap(), b"abc");
        assert!(Encoding::Gzip { level: 6 }
            .encode(b"", &mut packed)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_gzip_file_that_got_no_text_is_a_valid_empty_gzip_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.log.gz");
        let mut s = Sink::create(&Target::File(path.clone()), 6, None).unwrap();
        s.write_text(b"").unwrap();
        s.finish().unwrap();
        let bytes = fs::read(&path).unwrap();
        assert_eq!(&bytes[..2], b"\x1f\x8b");
        assert_eq!(gunzip_all(&bytes), b"");
    }

    #[test]
    fn gz_name_means_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.gz");
        let mut s = Sink::create(&Target::File(path.clone()), 1, Some(0o640)).unwrap();
        s.write_text(b"x\n").unwrap();
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
