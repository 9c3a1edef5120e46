//! `logscrub check`: an independent leak audit of scrubbed output.
//!
//! The audit shares no detection code with the scrubber: it has its own decoder ([`decode`]:
//! percent-encoding at any depth, JSON, Apache and HTML escapes) and its own patterns
//! ([`patterns`]: a memchr prefilter, then `regex` patterns compiled once per run and small judges), and it is deliberately over-eager, so
//! a blind spot of the scrubber is not also one of the audit. It reads only [`crate::input`]
//! (files, stdin, gzip) and cuts lines itself.
//!
//! A finding is every email and every IP address whose host bits beyond the [`Policy`]'s prefixes
//! are not zero. What logscrub writes passes: masked addresses (host bits zero), the markers
//! `[ipv4]` `[ipv6]` `[email]`, and the pseudonyms `ip4-`/`ip6-`/`email-` + 16 hex digits, also
//! when text is glued to them. When the policy expects addresses (`--ip encrypt` or `keep`) or
//! emails (`--email keep`) they are counted as seen, not reported.
//!
//! Input is read in chunks of whole lines; a line longer than a chunk is searched in windows that
//! overlap by [`OVERLAP`] bytes, each candidate owned by one window, so memory stays bounded.
//! Chunks are searched in parallel (rayon) while the next batch is read, and the findings come
//! out in input order.

pub mod decode;
pub mod patterns;

use std::io::Read;
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::input::{self, InputSpec};
use decode::View;
use patterns::{Hit, Patterns};

/// What kind of personal data a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An IPv4 address (or a dotted run holding one).
    Ipv4,
    /// An IPv6 address.
    Ipv6,
    /// An email address.
    Email,
}

impl Kind {
    /// The name of a kind in findings.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Email => "email",
        }
    }
}

/// What the audit judges by: the prefixes whose bits may be non-zero, and which kinds the scrub's
/// actions leave in the output on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Leading bits of an IPv4 address that may be non-zero (0-32).
    pub ipv4_prefix: u8,
    /// Leading bits of an IPv6 address that may be non-zero (0-128).
    pub ipv6_prefix: u8,
    /// Addresses are expected (`--ip encrypt` or `--ip keep`): counted, not findings.
    pub ips_expected: bool,
    /// Emails are expected (`--email keep`): counted, not findings.
    pub emails_expected: bool,
}

impl Default for Policy {
    /// The scrub's defaults: /24 and /48, nothing expected.
    fn default() -> Self {
        Policy {
            ipv4_prefix: 24,
            ipv6_prefix: 48,
            ips_expected: false,
            emails_expected: false,
        }
    }
}

impl Policy {
    /// Whether the IPv4 address `a` has host bits set beyond the prefix.
    pub fn ipv4_leaks(&self, a: u32) -> bool {
        let host = u32::MAX
            .checked_shr(u32::from(self.ipv4_prefix))
            .unwrap_or(0);
        a & host != 0
    }

    /// Whether the IPv6 address `a` has host bits set beyond the prefix; an IPv4-mapped one
    /// (`::ffff:a.b.c.d`) is judged as its IPv4 address.
    pub fn ipv6_leaks(&self, a: std::net::Ipv6Addr) -> bool {
        if let Some(v4) = a.to_ipv4_mapped() {
            return self.ipv4_leaks(u32::from(v4));
        }
        let host = u128::MAX
            .checked_shr(u32::from(self.ipv6_prefix))
            .unwrap_or(0);
        u128::from(a) & host != 0
    }

    fn expected(&self, kind: Kind) -> bool {
        match kind {
            Kind::Email => self.emails_expected,
            Kind::Ipv4 | Kind::Ipv6 => self.ips_expected,
        }
    }
}

/// One piece of personal data found by the audit.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding<'a> {
    /// 1-based line number in the input.
    pub line: u64,
    /// What it is.
    pub kind: Kind,
    /// Its raw bytes as they stand in the input, encoding and all.
    pub text: &'a [u8],
}

/// What an audit of one input saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Findings (reported).
    pub findings: u64,
    /// Addresses seen that the policy expects (not findings).
    pub expected_ips: u64,
    /// Emails seen that the policy expects (not findings).
    pub expected_emails: u64,
    /// Lines read.
    pub lines: u64,
}

/// Bytes a window of a long line shares with the next, so a candidate across the cut is seen
/// whole by the window that owns it.
pub const OVERLAP: usize = 64 * 1024;
/// The default chunk size.
pub const CHUNK: usize = 1 << 20;

/// Audits one input, calling `found` for each finding in input order. `found` may stop the audit
/// by returning an error (a closed stdout, say).
pub fn check_input(
    spec: &InputSpec,
    policy: &Policy,
    found: impl FnMut(&Finding) -> Result<()>,
) -> Result<Summary> {
    let name = spec.display();
    let opened = input::open(spec)?;
    let (gzip, consumed) = (opened.gzip, std::sync::Arc::clone(&opened.consumed));
    let mut chunks = Chunker::new(opened.reader, CHUNK);
    let patterns = Patterns::default();
    let threads = rayon::current_num_threads();
    audit(&mut chunks, &patterns, policy, threads * 2, found).map_err(|e| match e {
        Failure::Read(source) => Error::Read {
            path: name.clone(),
            offset: chunks.offset,
            compressed: gzip.then(|| consumed.load(Ordering::Relaxed)),
            source,
        },
        Failure::Stop(e) => e,
    })
}

/// Why an audit stopped.
#[derive(Debug)]
pub enum Failure {
    /// Reading the input failed.
    Read(std::io::Error),
    /// The finding callback stopped it.
    Stop(Error),
}

/// A buffer and how much of it holds input (a recycled buffer is not zeroed again).
#[derive(Debug, Default)]
struct Filled {
    bytes: Vec<u8>,
    len: usize,
}

impl Filled {
    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }
}

impl std::ops::Deref for Filled {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// One piece of input: whole lines, or a window of a line longer than a chunk.
#[derive(Debug, Default)]
pub struct Chunk {
    bytes: Filled,
    /// It starts inside a line whose previous window owns the candidates anchored in the first
    /// half of the overlap.
    continues: bool,
    /// It ends inside a line (a window): candidates anchored in the last half of the overlap
    /// belong to the next window.
    cut: bool,
}

/// Cuts a reader into chunks of whole lines, and lines longer than a chunk into windows.
pub struct Chunker<R> {
    src: R,
    size: usize,
    carry: Vec<u8>,
    carry_continues: bool,
    eof: bool,
    spare: Vec<Vec<u8>>,
    /// Bytes read from the source so far.
    pub offset: u64,
}

impl<R: Read> Chunker<R> {
    /// A chunker reading `src` in chunks of about `size` bytes (at least 2 × [`OVERLAP`]).
    pub fn new(src: R, size: usize) -> Self {
        Chunker {
            src,
            size: size.max(2 * OVERLAP),
            carry: Vec::new(),
            carry_continues: false,
            eof: false,
            spare: Vec::new(),
            offset: 0,
        }
    }

    /// Gives a searched chunk's buffer back, to be read into again.
    pub fn recycle(&mut self, chunk: Chunk) {
        if self.spare.len() < 64 {
            self.spare.push(chunk.bytes.bytes);
        }
    }

    /// The next chunk, or `None` at the end.
    pub fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        let mut bytes = self.spare.pop().unwrap_or_default();
        let mut len = self.carry.len();
        // A recycled buffer keeps its length: only a new one is zeroed.
        if bytes.len() < self.size.max(len) {
            bytes.resize(self.size.max(len), 0);
        }
        bytes[..len].copy_from_slice(&self.carry);
        self.carry.clear();
        while len < self.size && !self.eof {
            match self.src.read(&mut bytes[len..]) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    len += n;
                    self.offset += n as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let mut bytes = Filled { bytes, len };
        if bytes.is_empty() {
            return Ok(None);
        }
        let continues = std::mem::take(&mut self.carry_continues);
        if self.eof {
            return Ok(Some(Chunk {
                bytes,
                continues,
                cut: false,
            }));
        }
        match memchr::memrchr(b'\n', &bytes) {
            Some(nl) => {
                self.carry.extend_from_slice(&bytes[nl + 1..]);
                bytes.truncate(nl + 1);
                Ok(Some(Chunk {
                    bytes,
                    continues,
                    cut: false,
                }))
            }
            None => {
                // A window of a long line: the next one starts OVERLAP bytes before its end.
                self.carry
                    .extend_from_slice(&bytes[bytes.len() - OVERLAP..]);
                self.carry_continues = true;
                Ok(Some(Chunk {
                    bytes,
                    continues,
                    cut: true,
                }))
            }
        }
    }
}

/// One finding of a chunk: its line within the chunk and its raw span in the chunk.
#[derive(Debug)]
struct Found {
    line: u64,
    kind: Kind,
    start: usize,
    end: usize,
}

/// What a chunk's search gave.
#[derive(Debug, Default)]
struct Searched {
    found: Vec<Found>,
    expected_ips: u64,
    expected_emails: u64,
    newlines: u64,
}

/// Audits every chunk of `chunks`, `batch` chunks at a time searched in parallel while the next
/// batch is read; findings go to `found` in input order.
pub fn audit<R: Read + Send>(
    chunks: &mut Chunker<R>,
    patterns: &Patterns,
    policy: &Policy,
    batch: usize,
    mut found: impl FnMut(&Finding) -> Result<()>,
) -> std::result::Result<Summary, Failure> {
    let read_batch = |chunks: &mut Chunker<R>| -> std::io::Result<Vec<Chunk>> {
        let mut out = Vec::with_capacity(batch);
        while out.len() < batch.max(1) {
            match chunks.next_chunk()? {
                Some(c) => out.push(c),
                None => break,
            }
        }
        Ok(out)
    };
    let mut summary = Summary::default();
    let mut line: u64 = 1;
    let mut last_byte = b'\n';
    let mut current = read_batch(chunks).map_err(Failure::Read)?;
    while !current.is_empty() {
        let (searched, next) = rayon::join(
            || {
                current
                    .par_iter()
                    .map(|c| search_chunk(c, patterns, policy))
                    .collect::<Vec<_>>()
            },
            || read_batch(chunks),
        );
        for (chunk, s) in current.iter().zip(&searched) {
            for f in &s.found {
                summary.findings += 1;
                found(&Finding {
                    line: line + f.line,
                    kind: f.kind,
                    text: &chunk.bytes[f.start..f.end],
                })
                .map_err(Failure::Stop)?;
            }
            summary.expected_ips += s.expected_ips;
            summary.expected_emails += s.expected_emails;
            line += s.newlines;
            summary.lines += s.newlines;
            // The overlap of a window is read again by the next one, and it holds no newline.
            last_byte = *chunk.bytes.last().unwrap_or(&last_byte);
        }
        for chunk in current {
            chunks.recycle(chunk);
        }
        current = next.map_err(Failure::Read)?;
    }
    summary.lines += u64::from(last_byte != b'\n');
    Ok(summary)
}

/// The line of a position, from the chunk's newline positions, for positions that only grow.
struct Lines<'a> {
    newlines: &'a [usize],
    next: usize,
}

impl Lines<'_> {
    /// The 0-based line of the chunk that position `p` (not before the last one asked) is on.
    fn of(&mut self, p: usize) -> u64 {
        while self.next < self.newlines.len() && self.newlines[self.next] < p {
            self.next += 1;
        }
        self.next as u64
    }
}

/// Searches one chunk. The lines that hold an escape that decodes are searched in their decoded
/// view, one by one; the rest of the chunk in one pass (no candidate crosses a newline).
fn search_chunk(chunk: &Chunk, patterns: &Patterns, policy: &Policy) -> Searched {
    let mut out = Searched::default();
    let bytes = &chunk.bytes[..];
    let newlines: Vec<usize> = memchr::memchr_iter(b'\n', bytes).collect();
    let first_nl = newlines.first().copied().unwrap_or(bytes.len());
    // A window owns the candidates whose anchor is more than half the overlap from its cut
    // ends, so each one it reports has that much context around it.
    let owned_until = if chunk.cut {
        bytes.len() - OVERLAP / 2
    } else {
        usize::MAX
    };
    let owned = |anchor: usize| {
        let earlier = chunk.continues && anchor < first_nl && anchor <= OVERLAP / 2;
        !earlier && anchor <= owned_until
    };
    let mut found = Vec::new();
    let mut keep = |h: &Hit, (start, end): (usize, usize), line: u64, out: &mut Searched| {
        if !h.leaks {
            return;
        }
        if policy.expected(h.kind) {
            match h.kind {
                Kind::Email => out.expected_emails += 1,
                _ => out.expected_ips += 1,
            }
            return;
        }
        found.push(Found {
            line,
            kind: h.kind,
            start,
            end,
        });
    };
    // The raw spans of the candidates found in decoded views, in order.
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let mut view = View::default();
    let mut hits: Vec<Hit> = Vec::new();
    let mut lines = Lines {
        newlines: &newlines,
        next: 0,
    };
    let mut next = 0;
    for p in memchr::memchr3_iter(b'%', b'\\', b'&', bytes) {
        if p < next {
            continue; // in a line already looked at
        }
        let start = memchr::memrchr(b'\n', &bytes[..p]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[p..]).map_or(bytes.len(), |i| p + i);
        next = end + 1;
        if !view.decode(&bytes[start..end]) {
            continue;
        }
        let line = lines.of(start);
        hits.clear();
        patterns.scan(&view.bytes, policy, &mut hits);
        for h in &hits {
            let anchor = start + view.raw_range(h.anchor, h.anchor + 1).0;
            let (a, b) = view.raw_range(h.start, h.end);
            covered.push((start + a, start + b));
            if owned(anchor) {
                keep(h, (start + a, start + b), line, &mut out);
            }
        }
    }
    hits.clear();
    patterns.scan(bytes, policy, &mut hits);
    let mut lines = Lines {
        newlines: &newlines,
        next: 0,
    };
    // In a decoded line, what the raw text shows is judged too (over-eager: `%2547::1` shows
    // `2547::1`), unless it overlaps a candidate of the view, which was judged there.
    let mut covers = covered.iter().peekable();
    for h in &hits {
        while covers.next_if(|&&(_, end)| end <= h.start).is_some() {}
        if covers.peek().is_some_and(|&&(start, _)| start < h.end) || !owned(h.anchor) {
            continue; // judged in the decoded view
        }
        let line = lines.of(h.start);
        keep(h, (h.start, h.end), line, &mut out);
    }
    // The decoded lines' findings came first: into input order.
    found.sort_by_key(|f| (f.start, f.end));
    out.found = found;
    out.newlines = newlines.len() as u64;
    out
}

#[cfg(test)]
mod tests;
