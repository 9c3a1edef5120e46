//! Opening inputs: a path or stdin, gzip recognised by its magic bytes (not its name), multi-member
//! gzip read to the end, anything else passed through as text.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;

use flate2::bufread::MultiGzDecoder;

use crate::error::{Error, Result};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const READ_BUFFER: usize = 256 * 1024;

/// Where an input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSpec {
    Stdin,
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
    pub reader: Box<dyn Read + Send>,
    /// Whether the stream is gzip.
    pub gzip: bool,
    /// For live plain input (a pipe or terminal): the descriptor to poll for waiting data.
    pub live_fd: Option<i32>,
    /// The file's mode bits, to give its output the same.
    pub mode: Option<u32>,
}

/// Opens `spec`, sniffing gzip from the first two bytes.
pub fn open(spec: &InputSpec) -> Result<Opened> {
    let name = spec.display();
    let open_err = |source| Error::Open {
        path: name.clone(),
        source,
    };
    let (raw, live_fd, mode): (Box<dyn Read + Send>, Option<i32>, Option<u32>) = match spec {
        InputSpec::Stdin => {
            let live = stdin_is_live().then_some(0);
            (Box::new(io::stdin()), live, None)
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
            (
                Box::new(file),
                None,
                Some(meta.permissions().mode() & 0o777),
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
            source,
        })?;
    let gzip = head == GZIP_MAGIC;
    let stream = Cursor::new(head).chain(raw);
    let reader: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(BufReader::with_capacity(
            READ_BUFFER,
            stream,
        )))
    } else {
        Box::new(stream)
    };
    Ok(Opened {
        reader,
        gzip,
        live_fd: if gzip { None } else { live_fd },
        mode,
    })
}

/// stdin is a pipe, socket or terminal (data may trickle in), not a regular file.
fn stdin_is_live() -> bool {
    let Ok(meta) = File::open("/dev/stdin").and_then(|f| f.metadata()) else {
        return false;
    };
    let t = meta.file_type();
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
