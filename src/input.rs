//! Opening inputs: a path or stdin, gzip recognised by its header (not its name), multi-member
//! gzip read to the end as `gzip -d` reads it (`gzip.rs`: zero padding after it ignored and
//! counted, long header fields accepted up to a bound), anything else passed through as text. A
//! file that starts with the magic bytes `1f 8b` but not with a valid gzip header (deflate method,
//! no reserved flags) is text.

mod gzip;

pub use gzip::MAX_HEADER_FIELD;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const READ_BUFFER: usize = 256 * 1024;

/// Where an input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSpec {
    /// Standard input (`-` on the command line).
    Stdin,
    /// The file at this path.
    Path(PathBuf),
}

impl InputSpec {
    /// `-` means stdin.
    pub fn from_arg(arg: &std::ffi::OsStr) -> Self {
        if arg == "-" {
            InputSpec::Stdin
        } else {
            InputSpec::Path(PathBuf::from(arg))
        }
    }

    /// The name used in messages and reports.
    pub fn display(&self) -> String {
        match self {
            InputSpec::Stdin => "<stdin>".to_string(),
            InputSpec::Path(p) => p.display().to_string(),
        }
    }
}

/// An opened input, ready to be framed.
pub struct Opened {
    /// The input's text: decompressed when the input is gzip, as it is otherwise.
    pub reader: Box<dyn Read + Send>,
    /// Whether the stream is gzip.
    pub gzip: bool,
    /// For live plain input (a pipe or terminal): the descriptor to poll for waiting data.
    pub live_fd: Option<i32>,
    /// The file's mode bits, to give its output the same.
    pub mode: Option<u32>,
    /// The file's size, when it is a regular file.
    pub size: Option<u64>,
    /// Bytes taken from the file so far: compressed bytes for gzip (the position of a corrupt
    /// member), the text itself otherwise. Also added to the run's meter, for the progress bar.
    pub consumed: Arc<AtomicU64>,
    /// For gzip: the zero bytes of padding found after the last member, once read to the end.
    pub padding: Arc<AtomicU64>,
}

/// Counts what is consumed from the source, into the file's counter and the run's.
struct Counted<R> {
    inner: R,
    file: Arc<AtomicU64>,
    run: Option<Arc<AtomicU64>>,
}

impl<R> Counted<R> {
    fn add(&self, n: usize) {
        self.file.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(run) = &self.run {
            run.fetch_add(n as u64, Ordering::Relaxed);
        }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.add(n);
        Ok(n)
    }
}

/// For gzip: counts what the decoder has consumed, not what was read ahead into the buffer, so a
/// corrupt member is located to within one inflate step.
impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.add(amt);
        self.inner.consume(amt);
    }
}

/// Opens `spec`, sniffing gzip from the first two bytes.
pub fn open(spec: &InputSpec) -> Result<Opened> {
    open_metered(spec, None)
}

/// [`open`], also adding every byte consumed from the source to `run` (the progress meter).
pub fn open_metered(spec: &InputSpec, run: Option<Arc<AtomicU64>>) -> Result<Opened> {
    let name = spec.display();
    let open_err = |source| Error::Open {
        path: name.clone(),
        source,
    };
    let (raw, live_fd, mode, size): (Box<dyn Read + Send>, _, _, _) = match spec {
        InputSpec::Stdin => {
            let live = stdin_is_live().then_some(0);
            (Box::new(io::stdin()), live, None, None)
        }
        InputSpec::Path(p) => {
            let file = File::open(p).map_err(open_err)?;
            let meta = file.metadata().map_err(open_err)?;
            if meta.is_dir() {
                return Err(open_err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "is a directory",
                )));
            }
            use std::os::unix::fs::PermissionsExt;
            use std::os::unix::io::AsRawFd;
            // A FIFO given by name (`logscrub --append out.log /run/access.fifo`) is as live as
            // one on stdin. The descriptor lives as long as the reader that owns the file.
            let live = is_live(meta.file_type()).then(|| file.as_raw_fd());
            (
                Box::new(file),
                live,
                Some(meta.permissions().mode() & 0o777),
                meta.is_file().then_some(meta.len()),
            )
        }
    };
    let mut raw = raw;
    let mut head = Vec::with_capacity(2);
    (&mut raw)
        .take(2)
        .read_to_end(&mut head)
        .map_err(|source| Error::Read {
            path: name.clone(),
            offset: 0,
            compressed: None,
            source,
        })?;
    // The rest of a header only after the magic bytes, so a live input's short first line is
    // never waited on.
    if head == GZIP_MAGIC {
        (&mut raw)
            .take(8)
            .read_to_end(&mut head)
            .map_err(|source| Error::Read {
                path: name.clone(),
                offset: 0,
                compressed: None,
                source,
            })?;
    }
    let gzip = gzip::is_header(&head);
    let stream = Cursor::new(head).chain(raw);
    let consumed = Arc::new(AtomicU64::new(0));
    let padding = Arc::new(AtomicU64::new(0));
    let reader: Box<dyn Read + Send> = if gzip {
        Box::new(gzip::Members::new(
            Counted {
                inner: BufReader::with_capacity(READ_BUFFER, stream),
                file: Arc::clone(&consumed),
                run,
            },
            Arc::clone(&padding),
        ))
    } else {
        Box::new(Counted {
            inner: stream,
            file: Arc::clone(&consumed),
            run,
        })
    };
    Ok(Opened {
        reader,
        gzip,
        live_fd: if gzip { None } else { live_fd },
        mode,
        size,
        consumed,
        padding,
    })
}

/// stdin is a pipe, socket or terminal (data may trickle in), not a regular file. Asked of a
/// duplicate of the descriptor itself: opening `/dev/stdin` fails for a socket (so a socket was
/// never live) and may block on a FIFO that has lost its writer.
fn stdin_is_live() -> bool {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .and_then(|fd| File::from(fd).metadata())
        .is_ok_and(|meta| is_live(meta.file_type()))
}

/// Whether a file of this type may have data trickle in: a pipe, socket or terminal.
fn is_live(t: std::fs::FileType) -> bool {
    t.is_fifo() || t.is_socket() || t.is_char_device()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_path(bytes: &[u8], name: &str) -> (bool, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut o = open(&InputSpec::Path(path)).unwrap();
        let mut out = vec![];
        o.reader.read_to_end(&mut out).unwrap();
        (o.gzip, out)
    }

    #[test]
    fn gzip_is_sniffed_not_named() {
        assert_eq!(
            read_path(&gz(b"a\nb\n"), "noext"),
            (true, b"a\nb\n".to_vec())
        );
        assert_eq!(read_path(b"plain\n", "x.gz"), (false, b"plain\n".to_vec()));
        assert_eq!(read_path(b"", "empty"), (false, vec![]));
        assert_eq!(read_path(b"\x1f", "one"), (false, b"\x1f".to_vec()));
        // The magic bytes without a valid header: text, every byte of it.
        for plain in [
            &b"\x1f\x8b"[..],
            b"\x1f\x8bhello\n",
            b"\x1f\x8b\x08\xffxxxxxxxx\n",
        ] {
            assert_eq!(read_path(plain, "x.gz"), (false, plain.to_vec()));
        }
    }

    #[test]
    fn multi_member_gzip_is_read_to_the_end() {
        let both = [gz(b"first\n"), gz(b"second\n")].concat();
        assert_eq!(
            read_path(&both, "m.gz"),
            (true, b"first\nsecond\n".to_vec())
        );
    }

    #[test]
    fn consumed_counts_source_bytes_for_plain_and_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"203.0.113.7 - - x\n".repeat(5000);
        let packed = gz(&text);
        for (name, bytes) in [("p.log", &text[..]), ("z.gz", &packed[..])] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let run = Arc::new(AtomicU64::new(0));
            let mut o = open_metered(&InputSpec::Path(path), Some(Arc::clone(&run))).unwrap();
            assert_eq!(o.size, Some(bytes.len() as u64));
            let mut out = vec![];
            o.reader.read_to_end(&mut out).unwrap();
            assert_eq!(out, text);
            // The two sniffed bytes are not counted again; everything else is, once.
            assert_eq!(
                o.consumed.load(Ordering::Relaxed),
                bytes.len() as u64,
                "{name}"
            );
            assert_eq!(run.load(Ordering::Relaxed), bytes.len() as u64, "{name}");
        }
    }

    #[test]
    fn missing_file_names_itself() {
        let e = open(&InputSpec::Path("/nonexistent/x.log".into()))
            .err()
            .unwrap();
        assert!(
            e.to_string().starts_with("/nonexistent/x.log: cannot open"),
            "{e}"
        );
    }
}
