//! Scrubbing one chunk of lines: read each line's time when something needs it (a retention
//! policy, pseudonyms that rotate by date), judge it, find spans of personal data, and write the
//! kept lines with every span replaced.
//!
//! Spans are found chunk by chunk with [`SpanFinder`], which searches long token runs piece by
//! piece so that what is found never depends on where the framer cut the stream (see
//! [`crate::detect::runs`]).

use crate::action::{ActionCache, Actions};
use crate::detect::runs::SpanFinder;
use crate::detect::{Kind, Span};
use crate::forget::{Forget, ForgetScratch, Hit};
use crate::format::{Format, TimeFinder};
use crate::framing::{Joins, LINE_HEAD};
use crate::retention::{Fate, Retention};
use crate::stats::{Stats, Tail};
use std::sync::Arc;

/// Per-worker scratch space, reused from chunk to chunk so the hot path does not allocate. Make
/// one per worker and run ([`Scratch::default`]); nothing in it outlives the run it serves.
#[derive(Debug, Default)]
pub struct Scratch {
    finder: SpanFinder,
    actions: ActionCache,
    forget: ForgetScratch,
}

impl Scratch {
    /// The forget list's entries of the lines dropped as forgotten since the last call, an entry
    /// once per line (see [`crate::forget::Hits::add`]).
    pub fn take_forget_hits(&mut self) -> Vec<u32> {
        self.forget.take_hits()
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
    /// The forget list: lines holding one of its entries are dropped.
    forget: Option<Arc<Forget>>,
}

impl Scrubber {
    /// A scrubber applying `actions` to every line, with no retention policy.
    pub fn new(actions: Actions) -> Self {
        Scrubber {
            actions,
            retention: None,
            finder: TimeFinder::new(Format::Auto, &[]),
            now: 0,
            forget: None,
        }
    }

    /// Sets the forget list: a line holding one of its entries is dropped whole.
    pub fn with_forget(mut self, forget: Option<Arc<Forget>>) -> Self {
        self.forget = forget;
        self
    }

    /// The forget list of this scrubber, if it has one.
    pub fn forget(&self) -> Option<&Arc<Forget>> {
        self.forget.as_ref()
    }

    /// Sets the retention policy and how line times are read.
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

    /// The actions this scrubber applies.
    pub fn actions(&self) -> &Actions {
        &self.actions
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
    /// count at the end of the stream ([`Stats::count_tail`]).
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
        let Scratch {
            finder,
            actions,
            forget,
        } = scratch;
        finder.find(chunk, &joins.runs);
        let forgetting = match &self.forget {
            Some(list) => {
                let mut times = self.finder.clone();
                let head = joins.head.as_deref();
                let time_of = |start: usize| {
                    let end = memchr::memchr(b'\n', &chunk[start..])
                        .map_or(chunk.len(), |i| start + i + 1);
                    let line_head = match head {
                        Some(head) if start == 0 => head,
                        _ => &chunk[start..end.min(start + LINE_HEAD)],
                    };
                    times.find(line_head).unwrap_or(self.now)
                };
                let (spans, spill) = (finder.spans(), finder.spill());
                list.scan_continued(chunk, head, spans, spill, time_of, forget);
                !forget.hits().is_empty()
            }
            None => false,
        };
        out.reserve(chunk.len());
        let start_len = out.len();
        stats.bytes_in += chunk.len() as u64;
        let mut writer = Writer {
            actions: &self.actions,
            cache: actions,
            spill: finder.spill(),
            chunk,
            after: joins.runs.after.as_deref().unwrap_or_default(),
            skip: finder.skip(),
            out,
            stats,
        };
        let spans = finder.spans();
        let tail = match self.per_line() || forgetting {
            false => {
                writer.write(chunk, writer.skip, spans, self.now);
                let lines = memchr::memchr_iter(b'\n', chunk).count() as u64;
                writer.stats.lines_in += lines;
                writer.stats.lines_out += lines;
                Tail((!chunk.is_empty() && !chunk.ends_with(b"\n")).then_some(Fate::Keep))
            }
            true => {
                let head = joins.head.as_deref();
                self.scrub_lines(
                    chunk,
                    head,
                    spans,
                    &mut writer,
                    forgetting.then_some(forget),
                )
            }
        };
        stats.bytes_out += (out.len() - start_len) as u64;
        tail
    }

    /// The per-line path: each line's time is read from its first [`LINE_HEAD`] bytes (the same
    /// bytes whatever the chunking), then the line is judged and written or dropped. Without
    /// rotation, runs of kept lines are written in one go, so a window that keeps everything costs
    /// little more than judging.
    fn scrub_lines(
        &self,
        chunk: &[u8],
        continues: Option<&[u8]>,
        spans: &[Span],
        w: &mut Writer,
        mut forget: Option<&mut ForgetScratch>,
    ) -> Tail {
        let mut hits: &[Hit] = forget.as_deref().map_or(&[], |f| f.hits());
        let mut taken: Vec<usize> = Vec::new();
        let mut finder = self.finder.clone();
        let by_line = self.actions.needs_time();
        let mut first = 0; // index of the first span not yet written or skipped
        let mut kept_from = w.skip; // start of the run of kept lines not yet written
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
            let mut fate = match (&self.retention, time) {
                // A format's header line (W3C `#Fields:`) is kept whatever the window.
                (Some(_), None) if finder.header() => Fate::Keep,
                (Some(r), _) => r.judge(time),
                (None, Some(_)) => Fate::Keep,
                (None, None) => Fate::KeepUndated,
            };
            // The forget list's hits are sorted by line: skip those of lines before this one.
            let skipped = hits.iter().take_while(|h| h.line_start < start).count();
            hits = &hits[skipped..];
            if fate.keeps() && hits.first().is_some_and(|h| h.line_start == start) {
                fate = Fate::DropForgotten;
                // A line's entries count once, with its last piece (the one with its newline).
                if chunk[end - 1] == b'\n' {
                    taken.push(start);
                }
            }
            if !fate.keeps() || by_line {
                // Write the run of kept lines before this one.
                let run_end = first + spans_before(&spans[first..], start);
                w.write(&chunk[..start], kept_from, &spans[first..run_end], self.now);
                let line_end = run_end + spans_before(&spans[run_end..], end);
                if fate.keeps() {
                    let t = time.unwrap_or(self.now);
                    let from = start.max(w.skip);
                    w.write(&chunk[..end], from, &spans[run_end..line_end], t);
                }
                first = line_end;
                kept_from = end;
            }
            if chunk[end - 1] == b'\n' {
                line_no += 1;
                w.stats.count_line(fate, line_no);
            } else {
                tail = Tail(Some(fate));
            }
            start = end;
        }
        w.write(chunk, kept_from, &spans[first..], self.now);
        if let Some(forget) = forget.as_mut() {
            for start in taken {
                forget.take_line(start);
            }
        }
        tail
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

/// How many of `spans` start before `offset`.
fn spans_before(spans: &[Span], offset: usize) -> usize {
    spans.iter().take_while(|s| s.start < offset).count()
}

/// Where a chunk's scrubbed text goes, with what writing it needs.
struct Writer<'a> {
    actions: &'a Actions,
    cache: &'a mut ActionCache,
    /// The whole text of a span that crosses the chunk's end.
    spill: &'a [u8],
    /// The chunk being written, and the bytes after it when it ends inside a long token run.
    chunk: &'a [u8],
    after: &'a [u8],
    /// Where the chunk's output starts (past a span the chunk before it replaced).
    skip: usize,
    out: &'a mut Vec<u8>,
    stats: &'a mut Stats,
}

impl Writer<'_> {
    /// Writes `text[from..]` with its spans (offsets in `text`, none before `from`) replaced; `t`
    /// is the time of the line(s). A span that ends beyond `text` is the one crossing the chunk's
    /// end: its whole text is the spill.
    fn write(&mut self, text: &[u8], from: usize, spans: &[Span], t: i64) {
        let mut pos = from.min(text.len());
        for span in spans {
            let (s, e) = (span.start, span.end);
            self.out.extend_from_slice(&text[pos..s]);
            let whole = if e <= text.len() {
                &text[s..e]
            } else {
                self.spill
            };
            let at = self.out.len();
            self.actions
                .write_span(self.cache, t, span, whole, self.out);
            // (Text an action left as it stood, under keep or as a zero-host address, stays
            // byte for byte.)
            if span.kind == Kind::Ipv6 && self.out[at..] != *whole {
                let next = match e.checked_sub(self.chunk.len()) {
                    None => self.chunk.get(e..).unwrap_or_default(),
                    Some(past) => self.after.get(past..).unwrap_or_default(),
                };
                if colon_next(next) {
                    uncompress_before_port(self.out, at);
                }
                // Glued after a word, a first group written short would be read as the end of
                // the word, or take a hex digit of it in: all four digits go out.
                let glued = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
                if s > 0 && self.chunk.get(s - 1).is_some_and(glued) {
                    pad_first_group(self.out, at);
                }
            }
            self.stats.count(span.kind);
            pos = e.min(text.len());
        }
        self.out.extend_from_slice(&text[pos..]);
    }
}

/// Whether `next` starts with a colon, plain or escaped (`%3A`, `%253A`, `\u003a`, `&colon;`).
fn colon_next(next: &[u8]) -> bool {
    match next.first() {
        Some(b':') => true,
        Some(b'%' | b'\\' | b'&') => {
            let mut decoded = Vec::new();
            crate::detect::decode::decode_all(&next[..next.len().min(16)], &mut decoded);
            decoded.first() == Some(&b':')
        }
        _ => false,
    }
}

/// The replacement written at `out[at..]`, when it is an IPv6 address whose first group has
/// fewer than four digits, gets its leading zeros (`0d5d:…`), so that the word it is glued after
/// (`id` + `0d5d:…`, the `n` of a JSON `\n`) stays out of it when read again.
fn pad_first_group(out: &mut Vec<u8>, at: usize) {
    let written = &out[at..];
    let digits = written.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 || digits >= 4 || written.get(digits) != Some(&b':') {
        return;
    }
    let pad = 4 - digits;
    out.splice(at..at, std::iter::repeat(b'0').take(pad));
}

/// An unbracketed IPv6 address followed by `:port` (HAProxy's `2001:db8:85a3:8d3:1319:8a2e:370:7348:443`)
/// whose replacement, written at `out[at..]`, is an address with `::` in it is rewritten with all
/// eight groups, so its port stays a port (`2001:db8:85a3:0:0:0:0:0:443`, not
/// `2001:db8:85a3:::443`, which reads as another address).
fn uncompress_before_port(out: &mut Vec<u8>, at: usize) {
    let written = &out[at..];
    // A mapped address keeps its dotted tail (`::ffff:192.0.2.0:80` reads back as it was).
    if written.contains(&b'.') || !written.windows(2).any(|w| w == b"::") {
        return;
    }
    let Some(addr) = crate::detect::ipv6::parse(written) else {
        return;
    };
    out.truncate(at);
    for (i, g) in addr.segments().iter().enumerate() {
        if i > 0 {
            out.push(b':');
        }
        crate::text::write_hex16(*g, out);
    }
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
