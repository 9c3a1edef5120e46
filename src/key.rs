//! The secret key of keyed pseudonyms: loading it, checking it, making a fresh one.
//!
//! A key file holds 32 bytes written as 64 hex characters (either case), optionally followed by one
//! newline (`\n` or `\r\n`); nothing else. It is named by `--key-file FILE`, else by the environment
//! variable `LOGSCRUB_KEY_FILE`, never given on the command line itself. `logscrub keygen > FILE`
//! makes one from `/dev/urandom` and restricts the file to its owner (mode 0600). On Unix, a key
//! file that its group or others may read, write or execute (any bit of `mode & 0o077`) is refused
//! before any of it is read ([`KeyError::TooOpen`]), as ssh refuses such a private key.
//!
//! A key is never printed, logged or put in a report: [`Key`] has no `Display`, its `Debug` is
//! `Key(<redacted>)`, and no [`KeyError`] message holds any of the file's text, only its path,
//! lengths and positions. Its bytes are zeroed when it is dropped, and so is the buffer a key file
//! is read into.

use crate::text::{hex_value, write_hex};
use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The environment variable naming the key file when `--key-file` is not given.
pub const KEY_FILE_ENV: &str = "LOGSCRUB_KEY_FILE";

/// Hex characters in a key file.
pub const KEY_HEX_LEN: usize = 64;

/// 32 secret bytes.
#[derive(Clone)]
pub struct Key {
    bytes: [u8; 32],
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        wipe(&mut self.bytes);
    }
}

/// What is wrong with a key file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// No characters besides a final newline.
    Empty,
    /// Holds this many characters (besides a final newline), all hex, fewer than 64.
    TooShort(usize),
    /// The character at this 1-based position is not a hex digit.
    NotHex(usize),
    /// More than 64 characters besides a final newline.
    TooLong,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            KeyProblem::Empty => f.write_str("is empty"),
            KeyProblem::TooShort(n) => {
                write!(
                    f,
                    "is too short: {n} hex characters, expected {KEY_HEX_LEN}"
                )
            }
            KeyProblem::NotHex(i) => write!(f, "character {i} is not a hex digit (0-9, a-f)"),
            KeyProblem::TooLong => write!(
                f,
                "is too long: more than {KEY_HEX_LEN} characters before the end or a final newline"
            ),
        }
    }
}

/// Where a key file was named: `--key-file` or [`KEY_FILE_ENV`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFile {
    /// The key file's path, as given.
    pub path: PathBuf,
    /// Whether the path came from [`KEY_FILE_ENV`] rather than `--key-file`.
    pub from_env: bool,
}

impl fmt::Display for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key file {}", self.path.display())?;
        if self.from_env {
            write!(f, " (from {KEY_FILE_ENV})")?;
        }
        Ok(())
    }
}

/// Why there is no usable key. Messages name the file, say what is wrong and what to do, and never
/// hold any of the key file's text.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// No key file is named: neither `--key-file` nor [`KEY_FILE_ENV`] is given.
    #[error(
        "no key: pass --key-file FILE or set {KEY_FILE_ENV}=FILE; make a key with `logscrub keygen > FILE`"
    )]
    Missing,

    /// [`KEY_FILE_ENV`] is set to the empty string.
    #[error("{KEY_FILE_ENV} is set but empty: set it to the path of a key file, or pass --key-file FILE")]
    EnvEmpty,

    /// The key file cannot be opened or read.
    #[error("{file}: cannot read: {source}; make a key with `logscrub keygen > {}`", file.path.display())]
    Read {
        /// The key file.
        file: KeyFile,
        /// Why it cannot be read.
        source: io::Error,
    },

    /// The key file may be read, written or executed by its group or by others (some bit of
    /// `mode & 0o077` is set): refused before any of it is read, as ssh refuses such a private key.
    /// Only on Unix.
    #[error(
        "{file}: permissions {mode:04o} are too open: a key file must be readable by its owner \
         only; run `chmod 600 {}`",
        file.path.display()
    )]
    TooOpen {
        /// The key file.
        file: KeyFile,
        /// Its permission bits (`st_mode & 0o7777`).
        mode: u32,
    },

    /// A key file's text is not a key. `file` is `None` for text not read from a file.
    #[error("{}", invalid_message(file.as_ref(), *problem))]
    Invalid {
        /// The key file the text was read from; `None` for text parsed directly
        /// ([`Key::from_hex`], [`Key::from_file_bytes`]).
        file: Option<KeyFile>,
        /// What is wrong with the text.
        problem: KeyProblem,
    },

    /// [`keygen`]: the file to write the key to exists already; it is left as it is.
    #[error(
        "{}: already exists; refusing to overwrite a key (pseudonyms made with it could no longer \
         be recomputed): choose another path or remove the file first",
        path.display()
    )]
    Exists {
        /// The file.
        path: PathBuf,
    },

    /// [`keygen`] to standard output: standard output is a regular file that already holds data.
    #[error(
        "standard output is a file that is not empty; write the key to a new file: `logscrub keygen > FILE`"
    )]
    StdoutNotEmpty,

    /// [`keygen`]: the key cannot be written (or its file not created or restricted to mode 0600).
    /// A key file left half-written is removed.
    #[error("{}: cannot write the key: {source}", where_written(path.as_deref()))]
    Write {
        /// The file written to; `None` for standard output.
        path: Option<PathBuf>,
        /// Why the write failed.
        source: io::Error,
    },

    /// [`keygen`]: `/dev/urandom` cannot be read. Holds the error.
    #[error("cannot read random bytes from /dev/urandom: {0}")]
    Random(io::Error),
}

fn invalid_message(file: Option<&KeyFile>, problem: KeyProblem) -> String {
    let what = match file {
        Some(file) => file.to_string(),
        None => "key".to_string(),
    };
    let target = file.map_or_else(|| "FILE".to_string(), |f| f.path.display().to_string());
    format!(
        "{what} {problem}; a key file holds {KEY_HEX_LEN} hex characters (32 bytes) and at most a \
         final newline: make one with `logscrub keygen > {target}`"
    )
}

fn where_written(path: Option<&Path>) -> String {
    match path {
        Some(p) => p.display().to_string(),
        None => "standard output".to_string(),
    }
}

impl Key {
    /// Parses exactly 64 hex characters (either case), optionally followed by `\n` or `\r\n`.
    /// Errors say which of empty, too short, not hex (at which position) or too long; never what
    /// the text was.
    pub fn from_hex(text: &[u8]) -> Result<Key, KeyError> {
        let invalid = |problem| KeyError::Invalid {
            file: None,
            problem,
        };
        let text = text
            .strip_suffix(b"\r\n")
            .or_else(|| text.strip_suffix(b"\n"))
            .unwrap_or(text);
        if text.is_empty() {
            return Err(invalid(KeyProblem::Empty));
        }
        let mut key = Key { bytes: [0; 32] };
        for (i, &c) in text.iter().take(KEY_HEX_LEN).enumerate() {
            let Some(nibble) = hex_value(c) else {
                return Err(invalid(KeyProblem::NotHex(i + 1)));
            };
            key.bytes[i / 2] |= nibble << if i % 2 == 0 { 4 } else { 0 };
        }
        match text.len() {
            n if n < KEY_HEX_LEN => Err(invalid(KeyProblem::TooShort(n))),
            KEY_HEX_LEN => Ok(key),
            _ => Err(invalid(KeyProblem::TooLong)),
        }
    }

    /// The contents of a key file: 64 hex characters (see [`Key::from_hex`]), or exactly 32 raw
    /// bytes as some tools write them (`head -c 32 /dev/urandom > key`). Raw bytes that are all
    /// hex digits are read as a too-short hex key, not as raw: 32 hex characters are a common
    /// mistake (a 128-bit key), and taking them as raw bytes would hide it.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Key, KeyError> {
        if bytes.len() == 32 && !bytes.iter().all(|b| b.is_ascii_hexdigit()) {
            let mut key = Key { bytes: [0; 32] };
            key.bytes.copy_from_slice(bytes);
            return Ok(key);
        }
        Key::from_hex(bytes)
    }

    /// The 32 secret bytes, for keying a cipher or an HMAC. Never print, log or report them.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// 32 bytes from `/dev/urandom`.
    pub fn generate() -> io::Result<Key> {
        let mut key = Key { bytes: [0; 32] };
        File::open("/dev/urandom")?.read_exact(&mut key.bytes)?;
        Ok(key)
    }

    /// The 64 lowercase hex characters of a key file, without the newline. Only for writing a key
    /// file: never print, log or report it.
    pub fn to_hex_for_keygen(&self) -> String {
        let mut hex = [0u8; KEY_HEX_LEN];
        write_hex(&self.bytes, &mut hex);
        let s = hex.iter().map(|&b| char::from(b)).collect();
        wipe(&mut hex);
        s
    }
}

/// Zeroes `buf` in a way the compiler may not elide as a dead store.
fn wipe(buf: &mut [u8]) {
    for b in buf.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference to a byte.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// The key named by `--key-file` if given, else by `$LOGSCRUB_KEY_FILE` (pass
/// `std::env::var_os(KEY_FILE_ENV)`), else an error saying how to provide one. On Unix, a file its
/// group or others have any access to is refused with [`KeyError::TooOpen`] before it is read.
pub fn load(flag: Option<&Path>, env: Option<OsString>) -> Result<Key, KeyError> {
    let file = match (flag, env) {
        (Some(path), _) => KeyFile {
            path: path.to_path_buf(),
            from_env: false,
        },
        (None, Some(env)) if env.is_empty() => return Err(KeyError::EnvEmpty),
        (None, Some(env)) => KeyFile {
            path: PathBuf::from(env),
            from_env: true,
        },
        (None, None) => return Err(KeyError::Missing),
    };
    // Enough for a key and a CRLF, and one byte more to tell "too long"; never reads a huge file.
    let mut buf = [0u8; KEY_HEX_LEN + 3];
    let mut opened = match File::open(&file.path) {
        Ok(f) => f,
        Err(source) => return Err(KeyError::Read { file, source }),
    };
    // The mode of the file opened, not of the path again: nothing can swap it in between.
    if let Some(mode) = too_open(&opened).map_err(|source| KeyError::Read {
        file: file.clone(),
        source,
    })? {
        return Err(KeyError::TooOpen { file, mode });
    }
    let result = match read_up_to(&mut opened, &mut buf) {
        Ok(n) => Key::from_file_bytes(&buf[..n]).map_err(|e| match e {
            KeyError::Invalid { problem, .. } => KeyError::Invalid {
                file: Some(file),
                problem,
            },
            other => other,
        }),
        Err(source) => Err(KeyError::Read { file, source }),
    };
    wipe(&mut buf);
    result
}

/// The permission bits of `file` when its group or others have any access to it (`mode & 0o077`
/// is not zero); `None` when only its owner has. Always `None` where there are no Unix modes.
fn too_open(file: &File) -> io::Result<Option<u32>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode() & 0o7777;
        Ok((mode & 0o077 != 0).then_some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(None)
    }
}

/// Reads until `buf` is full or the end of the input; returns how many bytes were read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Writes a fresh key and a newline to `path`, created with mode 0600 (an existing file is never
/// overwritten), or to standard output when `None`. When standard output is a regular file
/// (`logscrub keygen > key`), it must be empty and is restricted to mode 0600 before the key is
/// written.
pub fn keygen(path: Option<&Path>) -> Result<(), KeyError> {
    let key = Key::generate().map_err(KeyError::Random)?;
    let mut text = key.to_hex_for_keygen().into_bytes();
    text.push(b'\n');
    let result = match path {
        Some(path) => write_new_file(path, &text),
        None => write_stdout(&text),
    };
    wipe(&mut text);
    result
}

fn write_new_file(path: &Path, text: &[u8]) -> Result<(), KeyError> {
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|source| match source.kind() {
        io::ErrorKind::AlreadyExists => KeyError::Exists {
            path: path.to_path_buf(),
        },
        _ => KeyError::Write {
            path: Some(path.to_path_buf()),
            source,
        },
    })?;
    file.write_all(text)
        .and_then(|()| file.sync_all())
        .map_err(|source| {
            // Leave no half-written key behind.
            let _ = std::fs::remove_file(path);
            KeyError::Write {
                path: Some(path.to_path_buf()),
                source,
            }
        })
}

fn write_stdout(text: &[u8]) -> Result<(), KeyError> {
    let write_err = |source| KeyError::Write { path: None, source };
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let file = File::from(lock.as_fd().try_clone_to_owned().map_err(write_err)?);
        restrict_if_file(&file)?;
    }
    lock.write_all(text)
        .and_then(|()| lock.flush())
        .map_err(write_err)
}

/// When `out` is a regular file: refuses it unless empty, and sets its mode to 0600. Pipes and
/// terminals are left as they are.
#[cfg(unix)]
fn restrict_if_file(out: &File) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let write_err = |source| KeyError::Write { path: None, source };
    let meta = out.metadata().map_err(write_err)?;
    if !meta.is_file() {
        return Ok(());
    }
    if meta.len() > 0 {
        return Err(KeyError::StdoutNotEmpty);
    }
    out.set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(write_err)
}

#[cfg(test)]
mod raw_key_tests {
    use super::*;

    #[test]
    fn thirty_two_raw_bytes_are_a_key_but_thirty_two_hex_characters_are_too_short() {
        let raw: Vec<u8> = (0u8..32).collect();
        assert_eq!(Key::from_file_bytes(&raw).unwrap().bytes()[..], raw[..]);
        let hex = [b'a'; 32];
        assert!(matches!(
            Key::from_file_bytes(&hex),
            Err(KeyError::Invalid {
                problem: KeyProblem::TooShort(32),
                ..
            })
        ));
        let full = "ab".repeat(32);
        assert_eq!(
            Key::from_file_bytes(full.as_bytes()).unwrap().bytes(),
            &[0xab; 32]
        );
    }
}

#[cfg(test)]
mod tests;
