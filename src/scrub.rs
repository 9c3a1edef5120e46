//! Scrubbing one chunk of lines: read each line's time when something needs it (a retention
//! window, pseudonyms that rotate by date), judge it, find spans of personal data, and write the
//! kept lines with every span replaced.

use std::cell::RefCell;

use crate::action::{ActionCache, Actions};
use crate::detect::{Detector, Span};
use crate::format::{Format, TimeFinder};
use crate::framing::LINE_HEAD;
use crate::report::{Fate, Stats};
use crate::retention::{Undated, Window};

/// Per-worker scratch space, reused from chunk to chunk so the hot path does not allocate.
#[derive(Default)]
pub struct Scratch {
    detector: Detector,
    spans: Vec<Span>,
    actions: ActionCache,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The retention policy of a run.
#[derive(Clone, Copy, Debug)]
pub struct Retention {
    pub window: Window,
    pub undated: Undated,
}

impl Retention {
    /// The fate of a line with time `time`.
    pub fn judge(&self, time: Option<i64>) -> Fate {
        match (time, self.undated) {
            (Some(t), _) if self.window.keeps(t) => Fate::Keep,
            (Some(_), _) => Fate::DropTooOld,
            (None, Undated::Keep) => Fate::KeepUndated,
            (None, Undated::Drop) => Fate::DropUndated,
        }
    }
}

/// What a chunk left open: the fate of its last line when that line has no newline (yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tail(pub Option<Fate>);

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
    /// `continues` is the head of the line the chunk starts inside of, when it continues a line
    /// begun in an earlier chunk. Whole lines are counted at their newline; the fate of a last line
    /// without one is returned, for the caller to count at the end of the stream.
    pub fn scrub_chunk(
        &self,
        chunk: &[u8],
        continues: Option<&[u8]>,
        out: &mut Vec<u8>,
        scratch: &mut Scratch,
        stats: &mut Stats,
    ) -> Tail {
        let Scratch {
            detector,
            spans,
            actions,
        } = scratch;
        detector.find(chunk, spans);
        out.reserve(chunk.len());
        let start_len = out.len();
        stats.bytes_in += chunk.len() as u64;
        let tail = match self.per_line() {
            false => {
                self.write_spans(chunk, 0, spans, self.now, actions, out, stats);
                let lines = memchr::memchr_iter(b'\n', chunk).count() as u64;
                stats.lines_in += lines;
                stats.lines_out += lines;
                Tail((!chunk.is_empty() && !chunk.ends_with(b"\n")).then_some(Fate::Keep))
            }
            true => self.scrub_lines(chunk, continues, spans, actions, out, stats),
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
        actions: &mut ActionCache,
        out: &mut Vec<u8>,
        stats: &mut Stats,
    ) -> Tail {
        let mut finder = self.finder.clone();
        let by_line = self.actions.needs_time();
        let mut first = 0; // index of the first span not yet written or skipped
        let mut kept_from = 0; // start of the run of kept lines not yet written
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
                    &chunk[kept_from..start],
                    kept_from,
                    &spans[first..run_end],
                    self.now,
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
                        &chunk[start..end],
                        start,
                        &spans[run_end..line_end],
                        t,
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
            &chunk[kept_from..],
            kept_from,
            &spans[first..],
            self.now,
            actions,
            out,
            stats,
        );
        tail
    }

    /// Writes `text` (which starts at `offset` in the chunk the spans refer to) with its spans
    /// replaced; `t` is the time of the line(s).
    #[allow(clippy::too_many_arguments)]
    fn write_spans(
        &self,
        text: &[u8],
        offset: usize,
        spans: &[Span],
        t: i64,
        actions: &mut ActionCache,
        out: &mut Vec<u8>,
        stats: &mut Stats,
    ) {
        let mut pos = 0;
        for span in spans {
            let (s, e) = (span.start - offset, span.end - offset);
            out.extend_from_slice(&text[pos..s]);
            self.actions.write(actions, t, span.kind, &text[s..e], out);
            stats.count(span.kind);
            pos = e;
        }
        out.extend_from_slice(&text[pos..]);
    }

    /// [`Scrubber::scrub_chunk`] with this thread's scratch space.
    pub fn scrub_chunk_local(
        &self,
        chunk: &[u8],
        continues: Option<&[u8]>,
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
        count_tail(&mut stats, tail);
        (out, stats)
    }
}

/// Counts the last line of a stream when it had no newline.
pub fn count_tail(stats: &mut Stats, tail: Tail) {
    if let Tail(Some(fate)) = tail {
        // `stats` covers the whole stream here, so the line's number is in the stream.
        stats.count_line(fate, stats.lines_in + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windowed(undated: Undated) -> Scrubber {
        // now = 2026-11-25T00:00:00Z, max age 1 day
        let retention = Retention {
            window: Window::new(1_795_564_800, 86_400),
            undated,
        };
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
