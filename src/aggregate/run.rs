//! Reading inputs into one tally: per file, the calling thread reads and frames chunks
//! ([`crate::framing`], gzip sniffed by [`crate::input`]) and hands each to a worker of a rayon
//! pool; a worker borrows a slot (a tally and its scratch space) from the file's pool, counts the
//! chunk's lines into it and gives both back. At most `2 × threads` chunks are in flight (their
//! buffers circulate), which bounds memory. When the file is read, its slots merge into the
//! run's tally: merging does not depend on order, so the tables are the same for every thread
//! count and chunk size.
//!
//! A line longer than a chunk arrives cut over several chunks; the reader joins its pieces
//! (keeping at most [`MAX_LINE`] + 1 bytes) and counts it itself, so it is judged whole, or as
//! too long, whatever the chunk size.

use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::framing::Framer;
use crate::input::{self, InputSpec};
use crate::pipeline::Meter;

use super::tally::{LineCounts, Tally};
use super::{Aggregator, Scratch, MAX_LINE};

/// What became of one input.
#[derive(Debug)]
pub struct InputOutcome {
    /// Its name: the path, or `<stdin>`.
    pub input: String,
    /// Lines read and skipped (what was read before any failure).
    pub lines: LineCounts,
    /// Bytes taken from the file (compressed bytes for gzip).
    pub read_bytes: u64,
    /// Text bytes read.
    pub bytes_in: u64,
    /// Why it failed, if it did.
    pub error: Option<Error>,
    /// Wall-clock time spent on it.
    pub duration: Duration,
}

#[derive(Default)]
struct Slot {
    tally: Tally,
    scratch: Scratch,
}

/// Counts every input into one tally. The tally holds every input that was read to its end;
/// an input that failed is in the outcomes with its error (and the caller publishes nothing).
pub fn run(
    agg: &Arc<Aggregator>,
    inputs: &[InputSpec],
    threads: usize,
    chunk_size: usize,
    meter: &Meter,
) -> (Tally, Vec<InputOutcome>) {
    let pool = (threads > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads.min(crate::pipeline::MAX_WORKERS))
                .thread_name(|i| format!("aggregate-{i}"))
                .build()
                .ok()
        })
        .flatten();
    let bound = agg.config().exact_limit;
    let mut total = Tally::default();
    let mut outcomes = Vec::new();
    for input in inputs {
        let start = Instant::now();
        let slots: Arc<Mutex<Vec<Slot>>> = Arc::default();
        let mut reader_slot = Slot::default();
        let mut read_bytes = 0;
        let mut bytes_in = 0;
        let result = read_file(
            agg,
            input,
            pool.as_ref(),
            threads,
            chunk_size,
            meter,
            &slots,
            &mut reader_slot,
            &mut read_bytes,
            &mut bytes_in,
        );
        meter.files_read.fetch_add(1, Ordering::Relaxed);
        let mut file = reader_slot.tally;
        for slot in std::mem::take(&mut *slots.lock().unwrap_or_else(|e| e.into_inner())) {
            file.merge(slot.tally, bound);
        }
        let lines = file.lines;
        if result.is_ok() {
            total.merge(file, bound);
        }
        meter.files_done.fetch_add(1, Ordering::Relaxed);
        outcomes.push(InputOutcome {
            input: input.display(),
            lines,
            read_bytes,
            bytes_in,
            error: result.err(),
            duration: start.elapsed(),
        });
    }
    (total, outcomes)
}

/// A line cut over chunks, being joined.
#[derive(Default)]
struct LongLine {
    bytes: Vec<u8>,
    active: bool,
}

impl LongLine {
    fn push(&mut self, piece: &[u8]) {
        self.active = true;
        let room = (MAX_LINE + 1).saturating_sub(self.bytes.len());
        self.bytes
            .extend_from_slice(&piece[..piece.len().min(room)]);
    }

    fn finish(&mut self, agg: &Aggregator, slot: &mut Slot) {
        if self.active {
            let line = self.bytes.strip_suffix(b"\n").unwrap_or(&self.bytes);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            agg.add_line(line, &mut slot.scratch, &mut slot.tally);
        }
        self.bytes.clear();
        self.active = false;
    }
}

#[allow(clippy::too_many_arguments)]
fn read_file(
    agg: &Arc<Aggregator>,
    input: &InputSpec,
    pool: Option<&rayon::ThreadPool>,
    threads: usize,
    chunk_size: usize,
    meter: &Meter,
    slots: &Arc<Mutex<Vec<Slot>>>,
    reader: &mut Slot,
    read_bytes: &mut u64,
    bytes_in: &mut u64,
) -> Result<()> {
    let name = input.display();
    let opened = input::open_metered(input, Some(Arc::clone(&meter.read)))?;
    let consumed = Arc::clone(&opened.consumed);
    let gzip = opened.gzip;
    let mut framer = Framer::new(opened.reader, chunk_size).live(opened.live_fd);
    let depth = (threads * 2).max(2);
    let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();
    for _ in 0..depth {
        let _ = free_tx.send(Vec::new());
    }
    let mut long = LongLine::default();
    let result = (|| -> Result<()> {
        loop {
            if let Some(signal) = meter.stopped() {
                return Err(Error::Interrupted {
                    path: name.clone(),
                    signal,
                });
            }
            let mut buf = free_rx.recv().unwrap_or_default();
            let info = framer.next_chunk(&mut buf).map_err(|e| Error::Read {
                path: name.clone(),
                offset: framer.offset(),
                compressed: gzip.then(|| consumed.load(Ordering::Relaxed)),
                source: e,
            });
            let info = match info {
                Ok(Some(info)) => info,
                Ok(None) => {
                    let _ = free_tx.send(buf);
                    break;
                }
                Err(e) => {
                    let _ = free_tx.send(buf);
                    return Err(e);
                }
            };
            *bytes_in += buf.len() as u64;
            // The piece that ends a line begun in earlier chunks.
            let mut start = 0;
            if info.continues.as_ref().is_some_and(|j| j.head.is_some()) {
                match memchr::memchr(b'\n', &buf) {
                    Some(i) => {
                        long.push(&buf[..=i]);
                        long.finish(agg, reader);
                        start = i + 1;
                    }
                    None => {
                        long.push(&buf);
                        start = buf.len();
                    }
                }
            }
            // The piece that starts a line ending in later chunks (or the last line of input
            // without a newline).
            let mut end = buf.len();
            if !buf.ends_with(b"\n") && start < buf.len() {
                end = memchr::memrchr(b'\n', &buf[start..]).map_or(start, |i| start + i + 1);
                long.push(&buf[end..]);
            }
            match pool {
                None => {
                    agg.add_lines(&buf[start..end], &mut reader.scratch, &mut reader.tally);
                    let _ = free_tx.send(buf);
                }
                Some(pool) => {
                    let (agg, slots, free_tx) =
                        (Arc::clone(agg), Arc::clone(slots), free_tx.clone());
                    pool.spawn(move || {
                        let taken = slots.lock().unwrap_or_else(|e| e.into_inner()).pop();
                        let mut slot = taken.unwrap_or_default();
                        agg.add_lines(&buf[start..end], &mut slot.scratch, &mut slot.tally);
                        slots.lock().unwrap_or_else(|e| e.into_inner()).push(slot);
                        let _ = free_tx.send(buf);
                    });
                }
            }
        }
        // Input ended inside a line: it is the last line, without its newline.
        long.finish(agg, reader);
        Ok(())
    })();
    // Every buffer comes back (so every chunk handed out is counted) before the file's slots
    // are merged.
    for _ in 0..depth {
        let _ = free_rx.recv();
    }
    *read_bytes = consumed.load(Ordering::Relaxed);
    result
}
