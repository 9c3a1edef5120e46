//! A tiny harness for running the real `logscrub` binary, in the spirit of fd's
//! `tests/testenv` and hyperfine's `tests/common.rs`, plus the independent checks the
//! integration tests share: a leak checker for IP addresses and emails, a small JSON
//! parser, gzip helpers, byte-level line helpers and generated input. Beside it: key files
//! ([`keys`]), the JSON run report ([`report`]) and a CLF time reader ([`timestamps`]).
//!
//! Nothing here uses logscrub's library code: the checks must stay independent of it.

pub mod keys;
pub mod report;
pub mod timestamps;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_logscrub");

/// A run that takes longer than this is killed and the test fails (instead of hanging).
const TIMEOUT: Duration = Duration::from_secs(120);

/// Absolute path of a file under `testdata/`.
pub fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

/// Raw bytes of a file under `testdata/`.
pub fn read_testdata(rel: &str) -> Vec<u8> {
    let path = testdata(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Bytes of a file under `testdata/`, decompressed when they start with the gzip magic.
pub fn read_testdata_plain(rel: &str) -> Vec<u8> {
    let raw = read_testdata(rel);
    if is_gzip(&raw) {
        gunzip(&raw)
    } else {
        raw
    }
}

// ---------------------------------------------------------------------------------------
// Running the binary

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub args: Vec<String>,
}

impl Run {
    /// Asserts exit status 0 and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &[u8] {
        assert_eq!(
            self.code,
            Some(0),
            "logscrub {:?} failed; stderr:\n{}",
            self.args,
            self.stderr
        );
        &self.stdout
    }

    /// Asserts exit status 2 and a stderr line that starts with `logscrub: ` and names `name`.
    #[track_caller]
    pub fn fails_naming(&self, name: &str) {
        assert_eq!(
            self.code,
            Some(2),
            "logscrub {:?}: expected exit 2; stderr:\n{}",
            self.args,
            self.stderr
        );
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("logscrub: "))
            .collect();
        assert!(
            errors.iter().any(|l| l.contains(name)),
            "logscrub {:?}: no stderr line `logscrub: ...` naming {name:?}; stderr:\n{}",
            self.args,
            self.stderr
        );
    }
}

/// A command line for the binary under test; run it with [`Cmd::run`].
pub struct Cmd {
    cmd: Command,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
}

/// Starts building a run of the binary.
pub fn logscrub() -> Cmd {
    let mut cmd = Command::new(BIN);
    // Keep the environment from changing behaviour (colours, backtraces in messages).
    cmd.env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .env_remove("LOGSCRUB_KEY_FILE");
    Cmd {
        cmd,
        args: Vec::new(),
        stdin: None,
    }
}

impl Cmd {
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.cmd.env_remove(key);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.args.push(arg.as_ref().to_string_lossy().into_owned());
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    /// Bytes fed on stdin. Without this, stdin is empty (`/dev/null`).
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    /// Runs to completion (killing it after [`TIMEOUT`]) and collects its output.
    pub fn run(mut self) -> Run {
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("cannot start logscrub");
        let writer = self.stdin.take().map(|bytes| {
            let mut pipe = child.stdin.take().unwrap();
            // The binary may stop reading early (e.g. on an error): ignore EPIPE.
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            })
        });
        let mut out_pipe = child.stdout.take().unwrap();
        let mut err_pipe = child.stderr.take().unwrap();
        let out = std::thread::spawn(move || {
            let mut v = Vec::new();
            out_pipe.read_to_end(&mut v).map(|_| v)
        });
        let err = std::thread::spawn(move || {
            let mut v = Vec::new();
            err_pipe.read_to_end(&mut v).map(|_| v)
        });
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait failed") {
                break status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("logscrub {:?} ran longer than {TIMEOUT:?}", self.args);
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        if let Some(w) = writer {
            w.join().unwrap();
        }
        Run {
            code: status.code(),
            stdout: out.join().unwrap().expect("reading stdout"),
            stderr: String::from_utf8_lossy(&err.join().unwrap().expect("reading stderr"))
                .into_owned(),
            args: self.args,
        }
    }
}

/// Output of `logscrub testdata/<rel>` with default options, computed once per file for
/// the whole test binary (the big real logs are slow in debug builds).
pub fn default_output(rel: &str) -> Arc<Vec<u8>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Vec<u8>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().unwrap().get(rel) {
        return Arc::clone(hit);
    }
    let out = Arc::new(logscrub().arg(testdata(rel)).run().ok().to_vec());
    cache
        .lock()
        .unwrap()
        .insert(rel.to_string(), Arc::clone(&out));
    out
}

/// Sorted file names in a directory.
pub fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("cannot create a temp dir")
}

pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

// ---------------------------------------------------------------------------------------
// gzip

pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompresses every member of a gzip stream.
pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("invalid gzip data");
    out
}

/// One gzip member holding `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

// ---------------------------------------------------------------------------------------
// Lines and bytes

/// Lines without their `\n` (a `\r` stays); a final line without `\n` counts as a line.
pub fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n').collect()
}

/// Lines in `bytes` counted independently: newlines, plus a last line without one.
pub fn count_lines(bytes: &[u8]) -> u64 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    n + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

/// Readable form of bytes for assertion messages.
pub fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// Replaces, in one left-to-right pass, every occurrence of each `from` with its `to`
/// (at a given position the first matching pair wins).
pub fn replace_all(haystack: &[u8], pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    'outer: while i < haystack.len() {
        for (from, to) in pairs {
            if haystack[i..].starts_with(from.as_bytes()) {
                out.extend_from_slice(to.as_bytes());
                i += from.len();
                continue 'outer;
            }
        }
        out.push(haystack[i]);
        i += 1;
    }
    out
}

/// Asserts two outputs are identical, reporting the first differing line.
#[track_caller]
pub fn assert_same_bytes(actual: &[u8], expected: &[u8], what: &str) {
    if actual == expected {
        return;
    }
    let (a, e) = (lines(actual), lines(expected));
    for (n, (la, le)) in a.iter().zip(e.iter()).enumerate() {
        if la != le {
            panic!(
                "{what}: line {} differs\n  actual:   {}\n  expected: {}",
                n + 1,
                shorten(la),
                shorten(le)
            );
        }
    }
    panic!(
        "{what}: outputs differ in length or line ends: actual {} bytes / {} lines (ends with \\n: {}), \
         expected {} bytes / {} lines (ends with \\n: {})",
        actual.len(),
        a.len(),
        actual.ends_with(b"\n"),
        expected.len(),
        e.len(),
        expected.ends_with(b"\n")
    );
}

fn shorten(line: &[u8]) -> String {
    if line.len() <= 600 {
        show(line)
    } else {
        format!(
            "{} …({} bytes)… {}",
            show(&line[..300]),
            line.len(),
            show(&line[line.len() - 300..])
        )
    }
}

// ---------------------------------------------------------------------------------------
// Generated input

/// A text of about `mb` MiB of log lines with an address on each.
pub fn big_text(mb: usize) -> Vec<u8> {
    let mut text = Vec::with_capacity(mb << 20);
    let mut i = 0u32;
    while text.len() < mb << 20 {
        text.extend_from_slice(
            format!(
                "198.51.{}.{} - - [24/Nov/2026:10:00:00 +0000] \"GET /p/{i} HTTP/1.1\" 200 512 \"-\" \"agent {}\"\n",
                i % 200,
                i % 251,
                i.wrapping_mul(2654435761)
            )
            .as_bytes(),
        );
        i += 1;
    }
    text
}

// ---------------------------------------------------------------------------------------
// Independent leak check for IP addresses

/// Candidate IP-like texts the checker flags in real logs that are not addresses, each with
/// a piece of its line that must be present for the exemption to apply.
pub const NOT_ADDRESSES: &[(&str, &str)] = &[
    // A version number inside an Openwave User-Agent (elastic 2015 log).
    ("6.2.3.3", "UP.Browser/6.2.3.3.c.1.101"),
    // Part of an opaque Google tracking token (elastic 2015 log).
    ("1.3.39.9", ".partner..1.3.39.9gJeQ"),
];

/// Every token of `text` holding an IP address that keeps bits beyond the given prefixes,
/// as `line N: <address> in <token>`. Independent of logscrub's detectors: split each line on
/// every byte that cannot be part of an address (keep `[0-9A-Fa-f.:]`), then try each token,
/// the token without a trailing `:port`, without a trailing `.`, and each run of exactly four
/// dot-separated numbers inside it, with `std::net::IpAddr`.
pub fn ip_leaks(text: &[u8], v4_prefix: u32, v6_prefix: u32) -> Vec<String> {
    let mut leaks = Vec::new();
    for (n, line) in lines(text).into_iter().enumerate() {
        for token in line
            .split(|b| !(b.is_ascii_hexdigit() || *b == b'.' || *b == b':'))
            .filter(|t| t.len() >= 2)
        {
            let token = std::str::from_utf8(token).unwrap(); // ASCII by construction
            for cand in ip_candidates(token) {
                let Ok(addr) = cand.parse::<IpAddr>() else {
                    continue;
                };
                if keeps_host_bits(addr, v4_prefix, v6_prefix)
                    && !NOT_ADDRESSES.iter().any(|(c, ctx)| {
                        *c == cand && line.windows(ctx.len()).any(|w| w == ctx.as_bytes())
                    })
                {
                    leaks.push(format!("line {}: {cand} in {token:?}", n + 1));
                    break; // one report per token
                }
            }
        }
    }
    leaks
}

fn ip_candidates(token: &str) -> Vec<&str> {
    let mut cands = vec![token];
    if let Some((host, port)) = token.rsplit_once(':') {
        if !host.is_empty() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
            cands.push(host);
        }
    }
    if let Some(t) = token.strip_suffix('.') {
        cands.push(t);
    }
    // Runs of exactly four dot-separated decimal numbers, e.g. `1.2.3.4` in `::ffff:1.2.3.4`
    // or in `..1.2.3.4.`; a run of five or more numbers is not an IPv4 address.
    let b = token.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut numbers = 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        while i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            numbers += 1;
        }
        // A run glued to hex letters (`ab1.2.3.4`) is part of something else.
        let glued = (start > 0 && b[start - 1].is_ascii_hexdigit())
            || (i < b.len() && b[i].is_ascii_hexdigit());
        if numbers == 4 && !glued {
            cands.push(&token[start..i]);
        }
    }
    cands
}

fn keeps_host_bits(addr: IpAddr, v4_prefix: u32, v6_prefix: u32) -> bool {
    let v4_host = |v4: std::net::Ipv4Addr| {
        let host_mask = u32::MAX.checked_shr(v4_prefix).unwrap_or(0);
        u32::from(v4) & host_mask != 0
    };
    match addr {
        IpAddr::V4(v4) => v4_host(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_host(v4),
            None => {
                let host_mask = u128::MAX.checked_shr(v6_prefix).unwrap_or(0);
                u128::from(v6) & host_mask != 0
            }
        },
    }
}

// ---------------------------------------------------------------------------------------
// Independent leak check for emails

/// `local@domain` texts in real or hand-made logs that are not email addresses.
pub const NOT_EMAILS: &[&str] = &["icon@2x.png"];

/// Every `local@domain.tld` left in `text` (local part from `[A-Za-z0-9._%+-]`, a domain of
/// dot-separated labels ending in an alphabetic label of two or more letters), as
/// `line N: <match>`, except those in [`NOT_EMAILS`].
pub fn email_leaks(text: &[u8]) -> Vec<String> {
    let mut leaks = Vec::new();
    for (n, line) in lines(text).into_iter().enumerate() {
        for (at, _) in line.iter().enumerate().filter(|(_, b)| **b == b'@') {
            let is_local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
            let is_domain = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
            let mut start = at;
            while start > 0 && is_local(line[start - 1]) {
                start -= 1;
            }
            let mut end = at + 1;
            while end < line.len() && is_domain(line[end]) {
                end += 1;
            }
            let domain = &line[at + 1..end];
            let domain = trim_end(domain, b".-");
            if start == at || !domain_like(domain) {
                continue;
            }
            let found = String::from_utf8_lossy(&line[start..at + 1 + domain.len()]).into_owned();
            if !NOT_EMAILS.contains(&found.as_str()) {
                leaks.push(format!("line {}: {found}", n + 1));
            }
        }
    }
    leaks
}

fn trim_end<'a>(mut s: &'a [u8], chars: &[u8]) -> &'a [u8] {
    while let Some((last, rest)) = s.split_last() {
        if chars.contains(last) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn domain_like(domain: &[u8]) -> bool {
    let labels: Vec<&[u8]> = domain.split(|b| *b == b'.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic))
}

// ---------------------------------------------------------------------------------------
// A small JSON parser (RFC 8259 syntax), enough to check that output lines stay valid JSON
// with the same structure.

#[derive(Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// Parses one JSON text (surrounding whitespace allowed); `Err` says where it failed.
pub fn parse_json(bytes: &[u8]) -> Result<Json, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut p = JsonParser {
        s: text.as_bytes(),
        i: 0,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(v)
}

struct JsonParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn err(&self, what: &str) -> String {
        format!("{what} at byte {}", self.i)
    }
    fn ws(&mut self) {
        while self.i < self.s.len() && b" \t\r\n".contains(&self.s[self.i]) {
            self.i += 1;
        }
    }
    fn eat(&mut self, lit: &str) -> Result<(), String> {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(self.err(&format!("expected {lit}")))
        }
    }
    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > 128 {
            return Err(self.err("nested too deep"));
        }
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Json::Obj(members));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    self.eat(":")?;
                    self.ws();
                    members.push((key, self.value(depth + 1)?));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Obj(members));
                        }
                        _ => return Err(self.err("expected , or }")),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => return Err(self.err("expected , or ]")),
                    }
                }
            }
            Some(b'"') => Ok(Json::Str(self.string()?)),
            Some(b't') => self.eat("true").map(|_| Json::Bool(true)),
            Some(b'f') => self.eat("false").map(|_| Json::Bool(false)),
            Some(b'n') => self.eat("null").map(|_| Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err("expected a value")),
        }
    }
    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        self.i - start
    }
    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        if self.s[self.i] == b'-' {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("bad number")),
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.err("bad fraction"));
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("bad exponent"));
            }
        }
        Ok(Json::Num(
            String::from_utf8(self.s[start..self.i].to_vec()).unwrap(),
        ))
    }
    fn string(&mut self) -> Result<String, String> {
        self.eat("\"")?;
        let mut out = String::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err(self.err("unterminated string"));
            };
            match b {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let Some(&e) = self.s.get(self.i + 1) else {
                        return Err(self.err("bad escape"));
                    };
                    self.i += 2;
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                            out.push('\\');
                            out.push(e as char);
                        }
                        b'u' => {
                            let hex = self
                                .s
                                .get(self.i..self.i + 4)
                                .ok_or_else(|| self.err("bad \\u"))?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(self.err("bad \\u"));
                            }
                            out.push_str("\\u");
                            out.push_str(std::str::from_utf8(hex).unwrap());
                            self.i += 4;
                        }
                        _ => return Err(self.err("bad escape")),
                    }
                }
                0x00..=0x1f => return Err(self.err("control character in string")),
                _ => {
                    // Copy one UTF-8 character (the input was checked to be UTF-8).
                    let len = match b {
                        0x00..=0x7f => 1,
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        _ => 4,
                    };
                    out.push_str(std::str::from_utf8(&self.s[self.i..self.i + len]).unwrap());
                    self.i += len;
                }
            }
        }
    }
}

/// `Ok` when both values have the same structure: same kinds, same object keys in the same
/// order, same numbers, booleans and nulls. String values may differ.
pub fn same_shape(a: &Json, b: &Json, path: &str) -> Result<(), String> {
    match (a, b) {
        (Json::Str(_), Json::Str(_)) => Ok(()),
        (Json::Arr(x), Json::Arr(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(i, (x, y))| same_shape(x, y, &format!("{path}[{i}]"))),
        (Json::Obj(x), Json::Obj(y)) if x.len() == y.len() => {
            x.iter().zip(y).try_for_each(|((kx, vx), (ky, vy))| {
                if kx != ky {
                    return Err(format!("{path}: key {kx:?} became {ky:?}"));
                }
                same_shape(vx, vy, &format!("{path}.{kx}"))
            })
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a:?} became {b:?}")),
    }
}
