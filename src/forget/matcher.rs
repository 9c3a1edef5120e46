//! Finding, in one chunk, the lines that hold an entry: the detectors' spans looked up one by one,
//! then user fields and pseudonym tokens when the list has entries that need them. Nothing is
//! allocated once the scratch space has grown; a chunk without a hit costs one look-up per span.

use std::net::IpAddr;
use std::sync::Arc;

use crate::action::hash::DIGEST_HEX_DIGITS;
use crate::action::{Pseudonyms, Rotation};
use crate::detect::{ipv4, ipv6, Kind, Span};

use super::list::{write_canonical_email_fully, Marker};
use super::{fields, ip_key, pseudonym_key, Forget, PeriodSet};

/// What matched a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum By {
    /// An IP address (or its encryption).
    Ip,
    /// An email address.
    Email,
    /// The user field.
    User,
    /// A pseudonym: a `pseudonym:` entry, or an entry's pseudonym made with the key.
    Pseudonym,
}

impl By {
    /// The name in an export's `matched_by`.
    pub fn name(self) -> &'static str {
        match self {
            By::Ip => "ip",
            By::Email => "email",
            By::User => "user",
            By::Pseudonym => "pseudonym",
        }
    }
}

/// One entry found on one line of a chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Offset in the chunk of the line's first byte.
    pub line_start: usize,
    /// The entry's index.
    pub entry: u32,
    /// What matched.
    pub by: By,
}

/// Per-worker scratch space of the matcher (in [`crate::scrub::Scratch`]).
#[derive(Debug, Default)]
pub struct ForgetScratch {
    /// Hits of the chunk scanned last, sorted by line, an (entry, by) once per line.
    hits: Vec<Hit>,
    /// The entries of the lines the scrub dropped as forgotten, an entry once per line.
    taken: Vec<u32>,
    canon: Vec<u8>,
    tmp: Vec<u8>,
    /// The last period's pseudonym set this worker used.
    period: Option<(i64, Arc<PeriodSet>)>,
    /// Pseudonym tokens of the chunk: offset and key.
    tokens: Vec<(usize, u64)>,
    /// For a chunk that starts inside a line: the spans and hits of that line's head.
    detector: crate::detect::Detector,
    head_spans: Vec<Span>,
    head_hits: Vec<Hit>,
}

impl ForgetScratch {
    /// The hits of the chunk scanned last.
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }

    /// Records that the line at `line_start` was dropped as forgotten: its entries count.
    pub fn take_line(&mut self, line_start: usize) {
        let from = self.hits.partition_point(|h| h.line_start < line_start);
        let mut last = None;
        for h in self.hits[from..]
            .iter()
            .take_while(|h| h.line_start == line_start)
        {
            if last != Some(h.entry) {
                self.taken.push(h.entry);
                last = Some(h.entry);
            }
        }
    }

    /// The entries of the lines dropped since the last call (one per line and entry), for the
    /// file's [`super::Hits`].
    pub fn take_hits(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.taken)
    }
}

impl Forget {
    /// [`Forget::scan`] for a chunk that may start inside a line cut by the framer (a line longer
    /// than a chunk), whose first [`crate::framing::LINE_HEAD`] bytes are `head`: when the head
    /// holds an entry, the chunk's first line (the rest of that line) is a hit too, so every piece
    /// of the line after the one holding the entry is dropped with it.
    pub fn scan_continued(
        &self,
        chunk: &[u8],
        head: Option<&[u8]>,
        spans: &[Span],
        spill: &[u8],
        mut time_of: impl FnMut(usize) -> i64,
        scratch: &mut ForgetScratch,
    ) {
        let Some(head) = head else {
            return self.scan(chunk, spans, spill, time_of, scratch);
        };
        let mut head_spans = std::mem::take(&mut scratch.head_spans);
        head_spans.clear();
        scratch.detector.find(head, &mut head_spans);
        let t = time_of(0);
        self.scan(head, &head_spans, b"", |_| t, scratch);
        scratch.head_spans = head_spans;
        scratch.head_hits.clear();
        scratch.head_hits.extend(scratch.hits.iter().map(|h| Hit {
            line_start: 0,
            ..*h
        }));
        self.scan(chunk, spans, spill, time_of, scratch);
        scratch.hits.append(&mut scratch.head_hits);
        scratch.hits.sort_unstable();
        scratch.hits.dedup();
    }

    /// Finds the lines of `chunk` that hold an entry, into `scratch` ([`ForgetScratch::hits`]).
    /// `spans` are the detectors' spans of the chunk and `spill` the whole text of one that
    /// crosses its end; `time_of(line_start)` is the time of a line (Unix seconds; the run's "now"
    /// for a line without one), asked only when pseudonyms rotate.
    pub fn scan(
        &self,
        chunk: &[u8],
        spans: &[Span],
        spill: &[u8],
        mut time_of: impl FnMut(usize) -> i64,
        scratch: &mut ForgetScratch,
    ) {
        scratch.hits.clear();
        let has_addr = !self.ips.is_empty() || !self.emails.is_empty();
        if has_addr {
            for span in spans.iter().filter(|s| s.start < chunk.len()) {
                let text = if span.end <= chunk.len() {
                    &chunk[span.start..span.end]
                } else {
                    spill
                };
                if let Some((entry, by)) = self.span_entry(span, text, scratch) {
                    let line_start = line_start(chunk, span.start);
                    scratch.hits.push(Hit {
                        line_start,
                        entry,
                        by,
                    });
                }
            }
        }
        if !self.users.is_empty() {
            self.scan_users(chunk, &mut scratch.hits);
        }
        let keyed = self
            .keyed
            .as_ref()
            .filter(|_| !self.ip_entries.is_empty() || !self.emails.is_empty());
        if keyed.is_some() || !self.pseudonyms.is_empty() {
            self.scan_pseudonyms(chunk, keyed, &mut time_of, scratch);
        }
        scratch.hits.sort_unstable();
        scratch.hits.dedup();
    }

    /// The entry a span names, if it names one.
    pub fn span_entry(
        &self,
        span: &Span,
        text: &[u8],
        scratch: &mut ForgetScratch,
    ) -> Option<(u32, By)> {
        let addr = match (span.kind, span.addr) {
            (Kind::Email, _) => {
                if self.emails.is_empty() {
                    return None;
                }
                write_canonical_email_fully(text, &mut scratch.canon, &mut scratch.tmp);
                return self.emails.get(&scratch.canon[..]).map(|&i| (i, By::Email));
            }
            (_, Some(a)) => a,
            (Kind::Ipv4, None) => match ipv4::parse(text) {
                Some(a) => IpAddr::V4(a),
                None => IpAddr::V4(ipv4::parse_encoded(text)?.0),
            },
            (Kind::Ipv6, None) => IpAddr::V6(ipv6::parse(text)?),
        };
        self.ips.get(ip_key(addr)).map(|i| (i, By::Ip))
    }

    /// The entry a user name names, if it names one.
    pub fn user_entry(&self, name: &[u8]) -> Option<u32> {
        self.users.get(name).copied()
    }

    fn scan_users(&self, chunk: &[u8], hits: &mut Vec<Hit>) {
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', chunk).chain(std::iter::once(chunk.len())) {
            let line = &chunk[start..nl];
            fields::each_user(line, |r| {
                if let Some(&entry) = self.users.get(&line[r]) {
                    hits.push(Hit {
                        line_start: start,
                        entry,
                        by: By::User,
                    });
                }
            });
            start = nl + 1;
            if start >= chunk.len() {
                break;
            }
        }
    }

    /// Pseudonym tokens, in chunk order, looked up among the `pseudonym:` entries and, with the
    /// key, among the entries' pseudonyms of the token's line's period (one time read per line).
    fn scan_pseudonyms(
        &self,
        chunk: &[u8],
        keyed: Option<&Arc<Pseudonyms>>,
        time_of: &mut impl FnMut(usize) -> i64,
        scratch: &mut ForgetScratch,
    ) {
        // One pass over the hyphens (a few per line), each looked at for a marker before it.
        scratch.tokens.clear();
        for q in memchr::memchr_iter(b'-', chunk) {
            let marker = Marker::ALL.into_iter().find(|m| {
                let text = m.text();
                q + 1 >= text.len() && chunk[q + 1 - text.len()..=q] == *text
            });
            let Some(marker) = marker else {
                continue;
            };
            let p = q + 1 - marker.text().len();
            if let Some(hex) = token_at(chunk, p, marker.text().len()) {
                scratch.tokens.push((p, pseudonym_key(marker, &hex)));
            }
        }
        // The line of the last token: its start, its end, and its period (read once a line).
        let (mut start, mut end) = (0, 0);
        let mut line_period: Option<i64> = None;
        for i in 0..scratch.tokens.len() {
            let (p, key) = scratch.tokens[i];
            if p >= end {
                start = line_start(chunk, p).max(end);
                end = memchr::memchr(b'\n', &chunk[p..]).map_or(chunk.len(), |n| p + n + 1);
                line_period = None;
            }
            let mut found = self.pseudonyms.get(key);
            if let (None, Some(pseudonyms)) = (found, keyed) {
                let period = *line_period.get_or_insert_with(|| match pseudonyms.rotation() {
                    Rotation::Never => 0,
                    _ => pseudonyms.period(time_of(start)),
                });
                // The worker keeps the set it used last: no shared counter is touched per line.
                if scratch.period.as_ref().map(|(q, _)| *q) != Some(period) {
                    scratch.period = Some((period, self.period_set(pseudonyms, period)));
                }
                found = scratch.period.as_ref().and_then(|(_, set)| set.get(key));
            }
            if let Some(entry) = found {
                scratch.hits.push(Hit {
                    line_start: start,
                    entry,
                    by: By::Pseudonym,
                });
            }
        }
    }
}

/// The hex digits of a pseudonym token whose marker (of `len` bytes) starts at `p`: a whole
/// token, not glued to letters or digits on either side.
fn token_at(chunk: &[u8], p: usize, len: usize) -> Option<[u8; DIGEST_HEX_DIGITS]> {
    if p > 0 && chunk[p - 1].is_ascii_alphanumeric() {
        return None;
    }
    let hex = chunk.get(p + len..p + len + DIGEST_HEX_DIGITS)?;
    if !hex.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    if chunk
        .get(p + len + DIGEST_HEX_DIGITS)
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut out = [0u8; DIGEST_HEX_DIGITS];
    out.copy_from_slice(hex);
    Some(out)
}

/// The offset of the first byte of the line holding offset `at`.
fn line_start(chunk: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &chunk[..at]).map_or(0, |i| i + 1)
}
