//! Scrubbing one chunk of whole lines: find spans, write the text with every span replaced.

use std::cell::RefCell;

use crate::action::Actions;
use crate::detect::{Detector, Span};
use crate::report::Stats;

/// Per-worker scratch space, reused from chunk to chunk so the hot path does not allocate.
#[derive(Default)]
pub struct Scratch {
    detector: Detector,
    spans: Vec<Span>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The immutable scrubbing state shared by all workers.
#[derive(Clone, Debug)]
pub struct Scrubber {
    actions: Actions,
}

impl Scrubber {
    pub fn new(actions: Actions) -> Self {
        Scrubber { actions }
    }

    /// Appends the scrubbed `chunk` to `out` and counts what was done. Lines are counted by their
    /// newlines; the caller accounts for a last line without one.
    pub fn scrub_chunk(&self, chunk: &[u8], out: &mut Vec<u8>, scratch: &mut Scratch, stats: &mut Stats) {
        let Scratch { detector, spans } = scratch;
        detector.find(chunk, spans);
        out.reserve(chunk.len());
        let start_len = out.len();
        let mut pos = 0;
        for span in spans.iter() {
            out.extend_from_slice(&chunk[pos..span.start]);
            self.actions.write(span.kind, &chunk[span.start..span.end], out);
            stats.count(span.kind);
            pos = span.end;
        }
        out.extend_from_slice(&chunk[pos..]);
        let lines = memchr::memchr_iter(b'\n', chunk).count() as u64;
        stats.lines_in += lines;
        stats.lines_out += lines;
        stats.bytes_in += chunk.len() as u64;
        stats.bytes_out += (out.len() - start_len) as u64;
    }

    /// [`Scrubber::scrub_chunk`] with this thread's scratch space.
    pub fn scrub_chunk_local(&self, chunk: &[u8], out: &mut Vec<u8>, stats: &mut Stats) {
        SCRATCH.with(|s| self.scrub_chunk(chunk, out, &mut s.borrow_mut(), stats));
    }

    /// Scrubs a whole text at once (tests, benches, small inputs).
    pub fn scrub_to_vec(&self, text: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        self.scrub_chunk(text, &mut out, &mut Scratch::default(), &mut Stats::default());
        out
    }
}
