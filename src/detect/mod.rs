//! Detectors: where personal data stands in a text.
//!
//! [`Detector::find`] reports every IPv4 address, IPv6 address and email in a text (one line or many;
//! no match ever crosses a newline) as sorted, non-overlapping [`Span`]s. It first marks candidate
//! positions in one fast pass (`scan`), then runs the exact detectors ([`ipv4`], [`ipv6`], [`email`])
//! only there. Each detector keeps its own resume point, so every byte is examined a bounded number
//! of times whatever the input: no quadratic blow-up on a line of ten thousand `::` or `@`.
//!
//! Where two matches overlap (an address inside an email's local part, an IPv6 literal inside
//! `user@[…]`) they merge into one span of the stronger kind (email over IPv6 over IPv4), so nothing
//! is left half-replaced.

use std::net::IpAddr;

pub mod decode;
pub mod email;
pub mod ipv4;
pub mod ipv6;
pub mod runs;
mod scan;

#[cfg(test)]
mod vector_tests;

/// What a span holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An IPv4 dotted quad, its dots possibly URL-encoded (see [`ipv4`]).
    Ipv4,
    /// An IPv6 address in any RFC 4291 text form, without zone, brackets or port (see [`ipv6`]).
    Ipv6,
    /// An email address, possibly URL-encoded (see [`email`]).
    Email,
}

/// A byte range `start..end` of the text holding personal data of one kind.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    /// Offset of the span's first byte in the text.
    pub start: usize,
    /// Offset just past the span's last byte.
    pub end: usize,
    /// What the span holds.
    pub kind: Kind,
    /// The address the detector read from the span's bytes, when the span is exactly one address
    /// as it stands (not a merge of overlapping finds, nor URL-encoded): the action uses it
    /// instead of parsing the text again. It follows from the bytes, so equality ignores it.
    pub addr: Option<IpAddr>,
}

impl Span {
    /// A span with no address read from it (the action parses its text).
    pub const fn new(start: usize, end: usize, kind: Kind) -> Self {
        Span {
            start,
            end,
            kind,
            addr: None,
        }
    }
}

impl PartialEq for Span {
    fn eq(&self, other: &Self) -> bool {
        (self.start, self.end, self.kind) == (other.start, other.end, other.kind)
    }
}

impl Eq for Span {}

/// Finds personal data in texts. Keep one per worker: it holds scratch space reused across calls.
#[derive(Debug, Default, Clone)]
pub struct Detector {
    /// Candidate bits, one word per 64 bytes of the text being searched.
    marks: Vec<u64>,
}

impl Detector {
    /// A detector with no scratch space yet (the same as [`Detector::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Clears `out` and fills it with the spans of `text`, sorted and non-overlapping.
    pub fn find(&mut self, text: &[u8], out: &mut Vec<Span>) {
        out.clear();
        scan::mark(text, &mut self.marks);
        // Resume points: a detector never looks again at bytes it has already judged.
        let (mut v4_lo, mut v6_lo, mut mail_lo) = (0usize, 0usize, 0usize);
        // Whether `v6_lo` and `mail_lo` are the end of a match just found (the next one may follow
        // at once).
        let (mut v6_follows, mut mail_follows) = (false, false);
        let mut k = 0;
        while k < self.marks.len() {
            let mut word = self.marks[k];
            while word != 0 {
                let p = k * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                let found = match text[p] {
                    b'.' if p >= v4_lo => {
                        v4_lo = ipv4::find_at(text, p, v4_lo, |s| push_merged(out, s));
                        None
                    }
                    b':' if p >= v6_lo => {
                        let (span, resume) = ipv6::find_at(text, p, v6_lo, v6_follows);
                        (v6_lo, v6_follows) = (resume, span.is_some());
                        // An address glued on by a colon may hold no candidate of its own (in
                        // `1:::1:0:0:1:1:0.1.0.0` its `::` is shared with `1::`): the colon after
                        // this one becomes a candidate.
                        if let Some(Span { end, .. }) =
                            span.filter(|s| text.get(s.end) == Some(&b':'))
                        {
                            let bit = 1u64 << (end % 64);
                            match end / 64 {
                                b if b == k => word |= bit,
                                b => self.marks[b] |= bit,
                            }
                        }
                        span
                    }
                    b'@' if p >= mail_lo => {
                        let (span, resume) = email::find_at(text, p, 1, mail_lo, mail_follows);
                        (mail_lo, mail_follows) = (resume, span.is_some());
                        span.map(|(start, end)| Span::new(start, end, Kind::Email))
                    }
                    b'%' if p >= mail_lo
                        && (text[p..].starts_with(b"%40") || text[p..].starts_with(b"%2540")) =>
                    {
                        let at_len = if text[p + 1] == b'4' { 3 } else { 5 };
                        let (span, resume) = email::find_at(text, p, at_len, mail_lo, mail_follows);
                        (mail_lo, mail_follows) = (resume, span.is_some());
                        span.map(|(start, end)| Span::new(start, end, Kind::Email))
                    }
                    // An encoded dot (`203%2E0%2E113%2E77`): the `%2` of `%2E` and `%252E`.
                    b'%' if p >= v4_lo && ipv4::dot_len(text, p) > 0 => {
                        v4_lo = ipv4::find_at(text, p, v4_lo, |s| push_merged(out, s));
                        None
                    }
                    _ => None,
                };
                if let Some(span) = found {
                    push_merged(out, span);
                }
                // Candidates below every resume point are of no use to any detector.
                let lo = v4_lo.min(v6_lo).min(mail_lo);
                if lo > p + 1 {
                    if lo / 64 > k {
                        k = lo / 64;
                        word = self.marks.get(k).copied().unwrap_or(0);
                    }
                    word &= !0u64 << (lo % 64);
                }
            }
            k += 1;
        }
    }
}

/// Appends `span`, merging it with the spans it overlaps.
pub(crate) fn push_merged(out: &mut Vec<Span>, mut span: Span) {
    while let Some(last) = out.last() {
        if last.end <= span.start {
            break;
        }
        span.start = span.start.min(last.start);
        span.end = span.end.max(last.end);
        span.kind = span.kind.max(last.kind);
        span.addr = None;
        out.pop();
    }
    out.push(span);
}

/// All spans of `text`; a convenience over [`Detector::find`].
pub fn find_spans(text: &[u8]) -> Vec<Span> {
    let mut out = Vec::new();
    Detector::new().find(text, &mut out);
    out
}

pub(crate) fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// A byte that glues to a token: letters, digits, `_`.
pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(Kind, &str)> {
        find_spans(line.as_bytes())
            .iter()
            .map(|s| (s.kind, &line[s.start..s.end]))
            .collect()
    }

    #[test]
    fn finds_every_kind_in_a_combined_line() {
        let line = r#"203.0.113.77, 2001:db8::7 - - [10/Oct/2026:08:32:31 +0000] "GET /?m=bob%40example.com HTTP/1.1" 200 5 "mailto:Ann@Example.org" "Mozilla/5.0 rv:1.8.1.1pre Chrome/120.0.6099.109""#;
        assert_eq!(
            texts(line),
            [
                (Kind::Ipv4, "203.0.113.77"),
                (Kind::Ipv6, "2001:db8::7"),
                (Kind::Email, "bob%40example.com"),
                (Kind::Email, "Ann@Example.org"),
                (Kind::Ipv4, "1.8.1.1"),
            ]
        );
    }

    #[test]
    fn overlapping_matches_merge_into_the_stronger_kind() {
        assert_eq!(
            texts("1.2.3.4@example.com"),
            [(Kind::Email, "1.2.3.4@example.com")]
        );
        assert_eq!(
            texts("x dimka511@[301:fd1:86e3:521c::13]:80"),
            [(Kind::Email, "dimka511@[301:fd1:86e3:521c::13]")]
        );
        assert_eq!(
            texts("::ffff:192.0.2.1"),
            [(Kind::Ipv6, "::ffff:192.0.2.1")]
        );
    }

    #[test]
    fn doubly_url_encoded_emails_are_found() {
        assert_eq!(
            texts("/r?next=%2Fu%3Fm%3Djane%2540example.org"),
            [(Kind::Email, "jane%2540example.org")]
        );
        assert_eq!(texts("%20 %2F %25 %2540 x%2540y"), []);
    }

    #[test]
    fn never_crosses_a_newline() {
        assert_eq!(texts("a 1.2.3\n4.5 b@c\nd.com"), []);
        assert_eq!(
            texts("1.2.3.4\n::1\n"),
            [(Kind::Ipv4, "1.2.3.4"), (Kind::Ipv6, "::1")]
        );
    }

    #[test]
    fn hostile_repetitions_finish_and_find_nothing_false() {
        for unit in ["::", "@", "1.", "%40", "a:"] {
            let line = unit.repeat(10_000);
            let spans = find_spans(line.as_bytes());
            assert!(spans.len() <= 10_000);
        }
        assert_eq!(find_spans("::".repeat(10_000).as_bytes()), []);
        assert_eq!(find_spans("@".repeat(10_000).as_bytes()), []);
    }
}
