//! Scrubbing one chunk of lines: read each line's time when something needs it (a retention
//! window, pseudonyms that rotate by date), judge it, find spans of personal data, and write the
//! kept lines with every span replaced.
//!
//! # Long token runs
//! A run of bytes that can belong to a token (see [`crate::framing`]) longer than [`PIECE`] bytes
//! (`a.b.c.1.2.3.4…` for megabytes) is scanned in pieces of [`PIECE`] bytes counted from the run's
//! start. Each piece is searched in a window reaching [`REACH`] bytes into its neighbours; it keeps
//! the spans that start inside it, from the end of the previous piece's last span on. So what is
//! found at any byte depends only on the run's bytes within a few KiB of it and on its distance
//! from the run's start, never on where the framer cut the stream: the framer may cut such a run
//! at a piece boundary, and the chunk after the cut, given the run's bytes before it, repeats the
//! previous piece's search to know where the span that crosses the cut ends. A span that crosses
//! the end of a chunk is replaced, whole, by the chunk it starts in. Every byte is searched at most
//! three times (window overlap, and the repeated piece), so the cost stays linear.

use std::cell::RefCell;

use crate::action::{ActionCache, Actions};
use crate::detect::{Detector, Span};
use crate::format::{Format, TimeFinder};
use crate::framing::{in_token, Joins, LINE_HEAD, PIECE, REACH};
use crate::retention::{Fate, Retention};
use crate::stats::{Stats, Tail};

/// Per-worker scratch space, reused from chunk to chunk so the hot path does not allocate.
#[derive(Default)]
pub struct Scratch {
    detector: Detector,
    spans: Vec<Span>,
    actions: ActionCache,
    /// Long runs: spans of one piece, the chunk's spans rebuilt, a run with its neighbours' bytes.
    piece: Vec<Span>,
    rebuilt: Vec<Span>,
    run: Vec<u8>,
    /// The whole text of a span that crosses the end of the chunk.
    spill: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    /// What [`Scrubber::scrub_chunk`] replaces in `chunk` (with `continues` as there): its spans,
    /// sorted, in chunk offsets, and the whole text of the last one when it crosses the chunk's
    /// end (it ends beyond the chunk). A span that the chunk before replaced and that reaches
    /// into this one is not among them. `logscrub check` audits exactly these.
    pub fn chunk_spans(&mut self, chunk: &[u8], continues: Option<&Joins>) -> (&[Span], &[u8]) {
        let no_joins = Joins::default();
        self.find_spans(chunk, continues.unwrap_or(&no_joins));
        (&self.spans, &self.spill)
    }

    /// Fills `spans` with what is replaced in `chunk`: the detector's spans, with those of long
    /// token runs found piece by piece. Returns where the chunk's output starts; fills `spill`
    /// with the text of a span that crosses the chunk's end.
    fn find_spans(&mut self, chunk: &[u8], joins: &Joins) -> usize {
        let Scratch {
            detector,
            spans,
            piece,
            rebuilt,
            run,
            spill,
            ..
        } = self;
        detector.find(chunk, spans);
        long_runs(chunk, joins, detector, spans, piece, rebuilt, run, spill)
    }
}

/// The immutable scrubbing state shared by all workers.
#[derive(Clone, Debug)]
pub struct Scrubber {
    actions: Actions,
    retention: Option<Retention>,
    /// Reads line times (for retention and rotating pseudonyms); each chunk works on a copy.
    finder: TimeFinder,
    /// "Now" of the run: the time used for lines without one when pseudonyms rotate.
    now: i64,
}

impl Scrubber {
    pub fn new(actions: Actions) -> Self {
        Scrubber {
            actions,
            retention: None,
            finder: TimeFinder::new(Format::Auto, &[]),
            now: 0,
        }
    }

    /// Sets the retention window and how line times are read.
    pub fn with_retention(mut self, retention: Option<Retention>, finder: TimeFinder) -> Self {
        self.retention = retention;
        self.finder = finder;
        self
    }

    /// Sets the run's "now".
    pub fn with_now(mut self, now: i64) -> Self {
        self.now = now;
        self
    }

    /// Whether lines are read one by one (for their time) rather than a chunk at a time.
    fn per_line(&self) -> bool {
        self.retention.is_some() || self.actions.needs_time()
    }

    /// Appends the scrubbed `chunk` to `out` and counts what was done.
    ///
    /// `continues` is set when the chunk was cut inside a line: the head of the line it starts
    /// inside of, and the bytes of a long token run across either of its ends. Whole lines are
    /// counted at their newline; the fate of a last line without one is returned, for the caller to
    /// count at the end of the stream.
    pub fn scrub_chunk(
        &self,
        chunk: &[u8],
        continues: Option<&Joins>,
        out: &mut Vec<u8>,
        scratch: &mut Scratch,
        stats: &mut Stats,
    ) -> Tail {
        let no_joins = Joins::default();
        let joins = continues.unwrap_or(&no_joins);
        let skip = scratch.find_spans(chunk, joins);
        let Scratch {
            spans,
            actions,
            spill,
            ..
        } = scratch;
        let edges = Edges { skip, spill };
        out.reserve(chunk.len());
        let start_len = out.len();
        stats.bytes_in += chunk.len() as u64;
        let tail = match self.per_line() {
            false => {
                self.write_spans(chunk, skip, spans, self.now, &edges, actions, out, stats);
                let lines = memchr::memchr_iter(b'\n', chunk).count() as u64;
                stats.lines_in += lines;
                stats.lines_out += lines;
                Tail((!chunk.is_empty() && !chunk.ends_with(b"\n")).then_some(Fate::Keep))
            }
            true => self.scrub_lines(
                chunk,
                joins.head.as_deref(),
                spans,
                &edges,
                actions,
                out,
                stats,
            ),
        };
        stats.bytes_out += (out.len() - start_len) as u64;
        tail
    }

    /// The per-line path: each line's time is read from its first [`LINE_HEAD`] bytes (the same
    /// bytes whatever the chunking), then the line is judged and written or dropped. Without
    /// rotation, runs of kept lines are written in one go, so a window that keeps everything costs
    /// little more than judging.
    #[allow(clippy::too_many_arguments)]
    fn scrub_lines(
        &self,
        chunk: &[u8],
        continues: Option<&[u8]>,
        spans: &[Span],
        edges: &Edges,
        actions: &mut ActionCache,
        out: &mut Vec<u8>,
        stats: &mut Stats,
    ) -> Tail {
        let mut finder = self.finder.clone();
        let by_line = self.actions.needs_time();
        let mut first = 0; // index of the first span not yet written or skipped
        let mut kept_from = edges.skip; // start of the run of kept lines not yet written
        let mut line_no = 0;
        let mut start = 0;
        let mut newlines = memchr::memchr_iter(b'\n', chunk);
        let mut tail = Tail(None);
        while start < chunk.len() {
            let end = newlines.next().map_or(chunk.len(), |i| i + 1);
            let head = match continues {
                Some(head) if start == 0 => head,
                _ => &chunk[start..end.min(start + LINE_HEAD)],
            };
            let time = finder.find(head);
            let fate = match (&self.retention, time) {
                (Some(r), _) => r.judge(time),
                (None, Some(_)) => Fate::Keep,
                (None, None) => Fate::KeepUndated,
            };
            if !fate.keeps() || by_line {
                // Write the run of kept lines before this one.
                let run_end = first
                    + spans[first..]
                        .iter()
                        .take_while(|s| s.start < start)
                        .count();
                self.write_spans(
                    &chunk[..start],
                    kept_from,
                    &spans[first..run_end],
                    self.now,
                    edges,
                    actions,
                    out,
                    stats,
                );
                let line_end = run_end
                    + spans[run_end..]
                        .iter()
                        .take_while(|s| s.start < end)
                        .count();
                if fate.keeps() {
                    let t = time.unwrap_or(self.now);
                    self.write_spans(
                        &chunk[..end],
                        start.max(edges.skip),
                        &spans[run_end..line_end],
                        t,
                        edges,
                        actions,
                        out,
                        stats,
                    );
                }
                first = line_end;
                kept_from = end;
            }
            if chunk[end - 1] == b'\n' {
                line_no += 1;
                stats.count_line(fate, line_no);
            } else {
                tail = Tail(Some(fate));
            }
            start = end;
        }
        self.write_spans(
            chunk,
            kept_from,
            &spans[first..],
            self.now,
            edges,
            actions,
            out,
            stats,
        );
        tail
    }

    /// Writes `text[from..]` with its spans (offsets in `text`, none before `from`) replaced; `t`
    /// is the time of the line(s). A span that ends beyond `text` is the one crossing the chunk's
    /// end: its whole text is `edges.spill`.
    #[allow(clippy::too_many_arguments)]
    fn write_spans(
        &self,
        text: &[u8],
        from: usize,
        spans: &[Span],
        t: i64,
        edges: &Edges,
        actions: &mut ActionCache,
        out: &mut Vec<u8>,
        stats: &mut Stats,
    ) {
        let mut pos = from.min(text.len());
        for span in spans {
            let (s, e) = (span.start, span.end);
            out.extend_from_slice(&text[pos..s]);
            let whole = if e <= text.len() {
                &text[s..e]
            } else {
                edges.spill
            };
            self.actions.write_span(actions, t, span, whole, out);
            stats.count(span.kind);
            pos = e.min(text.len());
        }
        out.extend_from_slice(&text[pos..]);
    }

    /// [`Scrubber::scrub_chunk`] with this thread's scratch space.
    pub fn scrub_chunk_local(
        &self,
        chunk: &[u8],
        continues: Option<&Joins>,
        out: &mut Vec<u8>,
        stats: &mut Stats,
    ) -> Tail {
        SCRATCH.with(|s| self.scrub_chunk(chunk, continues, out, &mut s.borrow_mut(), stats))
    }

    /// Scrubs a whole text at once (tests, benches, small inputs); the counts include a last line
    /// without a newline.
    pub fn scrub_to_vec(&self, text: &[u8]) -> (Vec<u8>, Stats) {
        let mut out = Vec::with_capacity(text.len());
        let mut stats = Stats::default();
        let tail = self.scrub_chunk(text, None, &mut out, &mut Scratch::default(), &mut stats);
        stats.count_tail(tail);
        (out, stats)
    }
}

/// Where a chunk's output starts (past a span the chunk before it replaced), and the whole text of
/// a span that crosses the chunk's end.
struct Edges<'a> {
    skip: usize,
    spill: &'a [u8],
}

/// Replaces the spans of token runs longer than [`PIECE`] in `spans` by those found piece by piece
/// (see the module docs). Returns where the chunk's output starts; fills `spill` with the text of a
/// span that crosses the chunk's end.
#[allow(clippy::too_many_arguments)]
fn long_runs(
    chunk: &[u8],
    joins: &Joins,
    detector: &mut Detector,
    spans: &mut Vec<Span>,
    found: &mut Vec<Span>,
    rebuilt: &mut Vec<Span>,
    ext: &mut Vec<u8>,
    spill: &mut Vec<u8>,
) -> usize {
    spill.clear();
    rebuilt.clear();
    let n = chunk.len();
    let mut skip = 0;
    let mut any = false;
    let mut next = 0; // first span of `spans` not yet moved to `rebuilt`
    let mut seen = 0; // end of the last run looked at

    // A run longer than PIECE holds a multiple of PIECE / 2; the runs through the chunk's ends are
    // long when the framer cut them.
    let last = joins.after.is_some().then(|| n.saturating_sub(1));
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
        let before = joins.before.as_ref().filter(|_| a == 0);
        let after = joins.after.as_deref().filter(|_| b == n);
        if b - a <= PIECE && before.is_none() && after.is_none() {
            continue;
        }
        any = true;
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
            ext.clear();
            ext.extend_from_slice(before.map_or(&[][..], |r| &r.bytes[..]));
            ext.extend_from_slice(&chunk[a..b]);
            ext.extend_from_slice(after.unwrap_or_default());
            ext
        } else {
            &chunk[a..b]
        };
        let base = from - lead;
        let k = rebuilt.len();
        let start = pieces(detector, found, text, base, from, from + (b - a), rebuilt);
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

/// Appends to `out` (in `text` coordinates) the spans of the pieces of a long token run that start
/// at run offsets `from..to`; `text` holds the run's bytes from run offset `base`, enough of them
/// for every window. `from` is a piece boundary. Returns where the output of `from..` starts in
/// `text`: past the span that the piece before `from` keeps, when it reaches that far.
#[allow(clippy::too_many_arguments)]
fn pieces(
    detector: &mut Detector,
    found: &mut Vec<Span>,
    text: &[u8],
    base: usize,
    from: usize,
    to: usize,
    out: &mut Vec<Span>,
) -> usize {
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
            let (start, end) = (s.start + w0, s.end + w0);
            if start < p0 || start >= p1 || end <= kept_end {
                continue;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::IpAction;
    use crate::retention::Undated;

    fn windowed(undated: Undated) -> Scrubber {
        // now = 2026-11-25T00:00:00Z, max age 1 day
        let retention = Retention::new(86_400, 1_795_564_800, undated);
        Scrubber::new(Actions::default())
            .with_retention(Some(retention), TimeFinder::new(Format::Auto, &[]))
    }

    const LINES: &str = "\
1.2.3.4 - - [24/Nov/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n\
1.2.3.5 - - [23/Nov/2026:23:59:59 +0000] \"GET / HTTP/1.1\" 200 1\n\
no time here 10.0.0.1\n\
{\"ts\":1795996800,\"ip\":\"2001:db8::1\"}\n\
1.2.3.6 - - [24/Nov/2026:01:00:00 +0100] \"GET / HTTP/1.1\" 200 1";

    #[test]
    fn drops_old_and_undated_lines_and_counts_them() {
        let s = windowed(Undated::Drop);
        let (out, stats) = s.scrub_to_vec(LINES.as_bytes());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1.2.3.0 - - [24/Nov/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n{\"ts\":1795996800,\"ip\":\"2001:db8::\"}\n\
             1.2.3.0 - - [24/Nov/2026:01:00:00 +0100] \"GET / HTTP/1.1\" 200 1"
        );
        assert_eq!(
            (
                stats.lines_in,
                stats.lines_out,
                stats.too_old,
                stats.dropped_undated
            ),
            (5, 3, 1, 1)
        );
        assert_eq!(stats.first_undated, Some(3));
        assert_eq!(stats.ipv4, 2, "addresses of dropped lines are not counted");
    }

    #[test]
    fn undated_keep_keeps_and_counts() {
        let s = windowed(Undated::Keep);
        let (out, stats) = s.scrub_to_vec(LINES.as_bytes());
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("no time here 10.0.0.0\n"));
        assert_eq!(
            (
                stats.lines_in,
                stats.lines_out,
                stats.undated,
                stats.dropped_undated
            ),
            (5, 4, 1, 0)
        );
    }

    /// Leak found by an audit: an address with URL-encoded dots was not found; now it is, and
    /// masked in its own encoding.
    #[test]
    fn an_address_with_encoded_dots_is_masked_in_its_own_encoding() {
        let line = b"GET /?ip=203%2E0%2E113%2E77&r=198%252e51%252e100%252e9&m=1.2.3%2E4 x\n";
        let scrub = |actions: Actions| Scrubber::new(actions).scrub_to_vec(line).0;
        let masked = scrub(Actions::default());
        assert_eq!(
            String::from_utf8_lossy(&masked),
            "GET /?ip=203%2E0%2E113%2E0&r=198%252e51%252e100%252e0&m=1.2.3%2E0 x\n"
        );
        assert_eq!(
            Scrubber::new(Actions::default()).scrub_to_vec(&masked).0,
            masked
        );
        let redacted = scrub(Actions {
            ip: IpAction::Redact,
            ..Actions::default()
        });
        assert_eq!(
            String::from_utf8_lossy(&redacted),
            "GET /?ip=[ipv4]&r=[ipv4]&m=[ipv4] x\n"
        );
        let kept = scrub(Actions {
            ip: IpAction::Keep,
            ..Actions::default()
        });
        assert_eq!(kept, line);
    }

    #[test]
    fn an_unterminated_last_line_is_counted_once() {
        let s = windowed(Undated::Drop);
        let (out, stats) = s.scrub_to_vec(b"undated last line");
        assert_eq!(
            (
                out.len(),
                stats.lines_in,
                stats.dropped_undated,
                stats.first_undated
            ),
            (0, 1, 1, Some(1))
        );
        let (_, stats) = Scrubber::new(Actions::default()).scrub_to_vec(b"a\nb");
        assert_eq!((stats.lines_in, stats.lines_out), (2, 2));
    }
}
