//! Long token runs: texts like `a.b.c.1.2.3.4…` or `aaaa@aaaa…` for megabytes, with no byte that
//! no address or email can hold ([`in_token`]), so there is no safe place to cut them and no
//! bound on what one search would have to look at.
//!
//! A run longer than [`PIECE`] bytes is searched in pieces of [`PIECE`] bytes counted from the
//! run's start. Each piece is searched in a window reaching [`REACH`] bytes into its neighbours;
//! it keeps the spans that start inside it, from the end of the previous piece's last span on. So
//! what is found at any byte depends only on the run's bytes within a few KiB of it and on its
//! distance from the run's start, never on where the stream was cut: the framer may cut such a
//! run at a piece boundary ([`RunCuts`]), and the chunk after the cut, given the run's bytes
//! before it ([`RunEdges`]), repeats the previous piece's search to know where the span that
//! crosses the cut ends. A span that crosses the end of a chunk is replaced, whole, by the chunk
//! it starts in. Every byte is searched at most three times (window overlap, and the repeated
//! piece), so the cost stays linear.
//!
//! This module owns all of it: the constants, where the framer cuts a run, and the search of a
//! chunk ([`SpanFinder`]) that both the scrubber and the audit use.

use super::decode::Views;
use super::{Detector, Kind, Span};

/// Token runs longer than this are searched in pieces of this many bytes from the run's start.
pub const PIECE: usize = 64 << 10;

/// How far the detection window of a piece reaches into its neighbours: longer than any address
/// or email (a local part of 16 KiB too), so one that straddles a piece boundary is seen whole.
pub const REACH: usize = 16 << 10;

/// Bytes that can be part of an address or email (or glue to one). No detector reads across any
/// other byte, so a text can be cut after one without changing what is found.
pub fn in_token(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'.' | b':'
                | b'%'
                | b'@'
                | b'['
                | b']'
                | b'!'
                | b'#'
                | b'$'
                | b'*'
                | b'+'
                | b'^'
                | b'_'
                | b'~'
                | b'-'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
        )
}

/// The part of a long token run before a chunk that starts inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunBefore {
    /// Offset of the chunk's first byte in the run (a multiple of [`PIECE`]).
    pub run_offset: usize,
    /// The run's last bytes before the chunk: at most [`PIECE`] + [`REACH`], all of the run
    /// when it is shorter.
    pub bytes: Vec<u8>,
}

/// What a chunk cut inside a long token run gets of the run's bytes beyond its ends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunEdges {
    /// When the chunk starts inside a long token run.
    pub before: Option<RunBefore>,
    /// When the chunk ends inside a long token run: the run's next bytes (at most [`REACH`];
    /// fewer when the run ends sooner).
    pub after: Option<Vec<u8>>,
}

impl RunEdges {
    /// Whether the chunk touches a run at neither end.
    pub fn is_empty(&self) -> bool {
        self.before.is_none() && self.after.is_none()
    }
}

/// The framer's side: where a buffer with no newline and no safe cut point is cut inside the long
/// token run it ends in, and what the chunks on either side of each cut learn of the run.
#[derive(Debug, Default)]
pub struct RunCuts {
    /// When the last chunk was cut inside a long token run: the run's start in the stream.
    run_start: Option<u64>,
    /// When the last chunk was cut inside a long token run: the next chunk's
    /// [`RunEdges::before`].
    before: Option<RunBefore>,
    /// When the chunk being cut ends inside a long token run: its [`RunEdges::after`], and what
    /// the chunk after it gets as [`RunEdges::before`].
    after: Option<Vec<u8>>,
    next_before: Option<RunBefore>,
}

impl RunCuts {
    /// The chunk being cut ends at a newline or a safe point: outside any run.
    pub fn outside(&mut self) {
        self.run_start = None;
    }

    /// Cuts `data`, the full buffer of the chunk at stream offset `offset`, that ends in a token
    /// run longer than any safe-cut window, at the last piece boundary of the run that leaves
    /// [`REACH`] bytes after it, and records the run's bytes across the cut for both chunks.
    /// `None` when no boundary is far enough in yet.
    pub fn cut(&mut self, data: &[u8], offset: u64) -> Option<usize> {
        // The run's start: after the buffer's last non-token byte or newline, else where the run
        // that the last chunk was cut inside began, else the buffer's start.
        let start = match data.iter().rposition(|&b| !in_token(b)) {
            Some(i) => offset + i as u64 + 1,
            None => self.run_start.unwrap_or(offset),
        };
        let end = offset + data.len() as u64;
        let last = end.checked_sub(REACH as u64)?;
        let boundary = start + (last.saturating_sub(start)) / PIECE as u64 * PIECE as u64;
        if boundary <= offset || boundary <= start {
            return None;
        }
        let cut = (boundary - offset) as usize;
        let after = &data[cut..cut + REACH];
        let run_end = after.iter().position(|&b| !in_token(b)).unwrap_or(REACH);
        self.after = Some(after[..run_end].to_vec());
        // The run's bytes before the cut, with those the last chunk passed on when the run began
        // before this buffer.
        let from = start.max(offset);
        let mut bytes = match (&self.before, start < offset) {
            (Some(b), true) => b.bytes.clone(),
            _ => Vec::new(),
        };
        bytes.extend_from_slice(&data[(from - offset) as usize..cut]);
        let keep = PIECE + REACH;
        if bytes.len() > keep {
            bytes.drain(..bytes.len() - keep);
        }
        self.next_before = Some(RunBefore {
            run_offset: (boundary - start) as usize,
            bytes,
        });
        self.run_start = Some(start);
        Some(cut)
    }

    /// The edges of the chunk just cut; the next chunk starts inside the run when this one was
    /// cut inside it.
    pub fn edges(&mut self) -> RunEdges {
        let edges = RunEdges {
            before: self.before.take(),
            after: self.after.take(),
        };
        self.before = self.next_before.take();
        edges
    }
}

/// The search side: the spans of a chunk, with long token runs searched piece by piece. Keep one
/// per worker: it holds scratch space reused from chunk to chunk.
#[derive(Debug, Default)]
pub struct SpanFinder {
    detector: Detector,
    spans: Vec<Span>,
    /// Spans of one piece's window.
    found: Vec<Span>,
    /// The chunk's spans, rebuilt with those of its long runs.
    rebuilt: Vec<Span>,
    /// A run with its neighbours' bytes across the chunk's ends.
    run: Vec<u8>,
    /// The whole text of a span that crosses the end of the chunk.
    spill: Vec<u8>,
    /// Where the chunk's output starts: past a span the chunk before it replaced.
    skip: usize,
    /// The long runs of the chunk (searched piece by piece; their escapes are not decoded).
    long: Vec<(usize, usize)>,
    /// The decoded views around escapes.
    views: Views,
}

impl SpanFinder {
    /// Finds what is replaced in `chunk`, whose runs continue beyond its ends as `edges` say.
    pub fn find(&mut self, chunk: &[u8], edges: &RunEdges) {
        self.detector.find(chunk, &mut self.spans);
        self.long.clear();
        self.skip = self.long_runs(chunk, edges);
        self.views.apply(chunk, &mut self.spans, &self.long);
    }

    /// The spans of the last chunk searched, sorted, in chunk offsets. The last one may end
    /// beyond the chunk (it crosses the chunk's end): its whole text is [`SpanFinder::spill`]. A
    /// span that the chunk before replaced and that reaches into this one is not among them.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The whole text of the last span, when it crosses the chunk's end; empty otherwise.
    pub fn spill(&self) -> &[u8] {
        &self.spill
    }

    /// Where the chunk's output starts: past the end of a span that the chunk before it
    /// replaced whole (0 when none reaches into this one).
    pub fn skip(&self) -> usize {
        self.skip
    }

    /// Replaces the spans of token runs longer than [`PIECE`] by those found piece by piece.
    /// Returns where the chunk's output starts; fills `spill` with the text of a span that
    /// crosses the chunk's end.
    fn long_runs(&mut self, chunk: &[u8], edges: &RunEdges) -> usize {
        let SpanFinder {
            detector,
            spans,
            found,
            rebuilt,
            run,
            spill,
            long,
            ..
        } = self;
        spill.clear();
        rebuilt.clear();
        let n = chunk.len();
        let mut skip = 0;
        let mut any = false;
        let mut next = 0; // first span of `spans` not yet moved to `rebuilt`
        let mut seen = 0; // end of the last run looked at

        // A run longer than PIECE holds a multiple of PIECE / 2; the runs through the chunk's ends
        // are long when the framer cut them.
        let last = edges.after.is_some().then(|| n.saturating_sub(1));
        let probes = (0..n).step_by(PIECE / 2).chain(last);
        for q in probes {
            if q < seen || q >= n || !in_token(chunk[q]) {
                continue;
            }
            let mut a = q;
            while a > seen && in_token(chunk[a - 1]) {
                a -= 1;
            }
            let mut b = q + 1;
            while b < n && in_token(chunk[b]) {
                b += 1;
            }
            seen = b;
            let before = edges.before.as_ref().filter(|_| a == 0);
            let after = edges.after.as_deref().filter(|_| b == n);
            if b - a <= PIECE && before.is_none() && after.is_none() {
                continue;
            }
            any = true;
            long.push((a, b));
            while next < spans.len() && spans[next].start < a {
                rebuilt.push(spans[next]);
                next += 1;
            }
            while next < spans.len() && spans[next].start < b {
                next += 1;
            }
            // The run's bytes, with its neighbours' across the chunk's ends.
            let (lead, from) = before.map_or((0, 0), |r| (r.bytes.len(), r.run_offset));
            let text: &[u8] = if before.is_some() || after.is_some() {
                run.clear();
                run.extend_from_slice(before.map_or(&[][..], |r| &r.bytes[..]));
                run.extend_from_slice(&chunk[a..b]);
                run.extend_from_slice(after.unwrap_or_default());
                run
            } else {
                &chunk[a..b]
            };
            let k = rebuilt.len();
            let window = Run {
                text,
                base: from - lead,
            };
            let start = window.pieces(detector, found, from, from + (b - a), rebuilt);
            if before.is_some() {
                skip = start - lead;
            }
            for span in &mut rebuilt[k..] {
                if span.end - lead + a > n {
                    spill.extend_from_slice(&text[span.start..span.end]);
                }
                span.start = span.start - lead + a;
                span.end = span.end - lead + a;
            }
        }
        if any {
            rebuilt.extend_from_slice(&spans[next..]);
            std::mem::swap(spans, rebuilt);
        }
        skip
    }
}

/// The bytes of a long token run held for its search: `text` holds the run's bytes from run
/// offset `base` on, enough of them for every window searched.
struct Run<'a> {
    text: &'a [u8],
    base: usize,
}

impl Run<'_> {
    /// Appends to `out` (in `text` coordinates) the spans of the pieces that start at run offsets
    /// `from..to`. `from` is a piece boundary. Returns where the output of `from..` starts in
    /// `text`: past the span that the piece before `from` keeps, when it reaches that far.
    fn pieces(
        &self,
        detector: &mut Detector,
        found: &mut Vec<Span>,
        from: usize,
        to: usize,
        out: &mut Vec<Span>,
    ) -> usize {
        let Run { text, base } = *self;
        let mut kept_end = from - base; // no span starts before this
        let mut skip = kept_end;
        // The piece before `from` is searched again only to learn where its last span ends.
        let mut g = if from >= PIECE { from - PIECE } else { from };
        while g < to {
            let w0 = g.saturating_sub(REACH).max(base) - base;
            let w1 = (g + PIECE + REACH - base).min(text.len());
            let (p0, p1) = (g - base, (g + PIECE - base).min(text.len()));
            detector.find(&text[w0..w1], found);
            for s in found.iter() {
                let (mut start, end) = (s.start + w0, s.end + w0);
                // An email cut off by the window's start (a local part of more than REACH bytes)
                // is the piece's that holds its end, which replaces all of it in the piece.
                let cut_off = s.kind == Kind::Email && s.start == 0 && w0 > 0;
                let owned = match cut_off {
                    true => end > p0 && end - 1 < p1,
                    false => start >= p0 && start < p1,
                };
                if !owned || end <= kept_end {
                    continue;
                }
                if cut_off {
                    // Not before the piece: a chunk may start there, and what is before it is
                    // the chunk before's, which never saw the `@`.
                    start = p0;
                }
                if g >= from {
                    // A span cut short by the one before no longer holds the address read.
                    let addr = s.addr.filter(|_| start >= kept_end);
                    out.push(Span {
                        start: start.max(kept_end),
                        end,
                        kind: s.kind,
                        addr,
                    });
                }
                kept_end = end;
            }
            if g < from {
                skip = kept_end;
            }
            g += PIECE;
        }
        skip
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_token_holds_every_byte_of_a_local_part() {
        for b in b"{_test_}|`~!#$%*+^-.@[]:" {
            assert!(in_token(*b), "{}", *b as char);
        }
        for b in b" \"'/=?&<>()\t\n\\" {
            assert!(!in_token(*b), "{}", *b as char);
        }
    }

    /// Leak found by an audit: a local part longer than a piece's reach before its `@` was cut
    /// off by every window that saw the `@`, so no piece kept the email and all of it stayed.
    #[test]
    fn an_email_with_a_local_part_of_any_length_is_found_whole() {
        for len in [300, 1300, 2000, 5000, REACH - 100, PIECE + 10] {
            let mut run = b"x ".to_vec();
            run.extend(b"a".repeat(len));
            run.extend_from_slice(b"@example.com y");
            let mut finder = SpanFinder::default();
            finder.find(&run, &RunEdges::default());
            assert_eq!(
                finder.spans(),
                &[Span::new(2, 2 + len + 12, Kind::Email)],
                "{len}"
            );
        }
    }

    #[test]
    fn a_short_text_has_the_detector_spans_and_no_skip_or_spill() {
        let text = b"from 203.0.113.7 and jane@example.org";
        let mut finder = SpanFinder::default();
        finder.find(text, &RunEdges::default());
        assert_eq!(finder.spans(), &super::super::find_spans(text)[..]);
        assert_eq!((finder.skip(), finder.spill()), (0, &b""[..]));
    }

    #[test]
    fn an_address_in_a_long_run_is_found_whatever_its_distance_from_the_start() {
        for lead in [0, 1, PIECE - 5, PIECE, 3 * PIECE + 700] {
            let mut run = b"x".repeat(lead);
            run.extend_from_slice(b".203.0.113.7.");
            run.extend(b"y".repeat(3 * PIECE));
            let mut finder = SpanFinder::default();
            finder.find(&run, &RunEdges::default());
            let texts: Vec<&[u8]> = finder
                .spans()
                .iter()
                .map(|s| &run[s.start..s.end])
                .collect();
            assert!(texts.contains(&&b"203.0.113.7"[..]), "{lead}: {texts:?}");
        }
    }
}
