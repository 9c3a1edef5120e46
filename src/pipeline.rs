//! Running inputs through the scrubber: the sequential path (the oracle, and `-j 1`) and the ordered
//! parallel path.
//!
//! Parallel, per file: the calling thread reads and frames chunks; for each chunk it first queues a
//! one-shot receiver for the writer, then hands the chunk to a rayon worker; a writer thread awaits
//! the receivers in turn, so output order is input order by construction. The queue is bounded
//! (twice the worker count), which bounds memory whatever the input's size. Buffers travel back
//! from the writer to the reader for reuse. Several files run at once, each with its own reader and
//! writer, sharing one worker pool and the run's [`Scratch`] spaces, which a worker borrows for a
//! chunk and gives back: they live as long as the run, no longer.

use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::forget::{EntryHits, Hits};
use crate::framing::{ChunkInfo, Framer};
use crate::input;
use crate::output::{Encoding, Reopen, Sink, Target};
use crate::plan::{FileJob, Plan};
use crate::scrub::{Scratch, Scrubber};
use crate::stats::{Stats, Tail};

/// The outcome of one file. `stats` holds what was done before any failure; when a file target
/// failed, its lines count as `failed` (its output was discarded), so the accounting still holds.
#[derive(Debug)]
pub struct FileOutcome {
    /// The input's name: its path, or `<stdin>`.
    pub input: String,
    /// The output's name: its path, or `<stdout>`.
    pub output: String,
    /// What was done to the file. When a file target ([`Target::File`]) failed, the lines it had
    /// written count as `failed` ([`Stats::discard_output`]).
    pub stats: Stats,
    /// Why the file failed, if it did. [`Error::BrokenPipe`] (stdout closed by its reader) ends
    /// the run but is no failure.
    pub error: Option<Error>,
    /// Wall-clock time spent on the file.
    pub duration: Duration,
    /// Bytes taken from the input file (compressed bytes for gzip).
    pub read_bytes: u64,
    /// With `--forget`: the lines dropped per entry of the list, in list order.
    pub forgotten: Option<Vec<EntryHits>>,
}

/// What a run shares with its caller while it goes on: counters a progress display can watch, a
/// flag that stops it, and requests to reopen its append outputs.
#[derive(Debug, Default)]
pub struct Meter {
    /// Bytes taken from all inputs (compressed bytes for gzip).
    pub read: Arc<AtomicU64>,
    /// Files whose input is read to its end, or given up on: what is left of them is finishing
    /// their output (flushing, syncing and renaming a file target into place). A file is counted
    /// here before it is counted in [`Meter::files_done`], so `files_read - files_done` files are
    /// being finished.
    pub files_read: AtomicUsize,
    /// Files finished, well or not.
    pub files_done: AtomicUsize,
    /// Set it to a signal's number to stop the run: each input stops before its next chunk with
    /// [`Error::Interrupted`], and its output is dropped (a file target is never renamed into
    /// place).
    pub stop: Arc<AtomicI32>,
    /// Ask it ([`Reopen::ask`]) to make every append output ([`Target::Append`]) reopen its file
    /// by name before it writes its next chunk, after the line in progress: the run goes on
    /// (see [`crate::output::append`]).
    pub reopen: Arc<Reopen>,
}

impl Meter {
    /// The signal the run was stopped by, if it was.
    pub fn stopped(&self) -> Option<i32> {
        stop_signal(&self.stop)
    }
}

/// The signal number in `stop`, if one was set.
fn stop_signal(stop: &AtomicI32) -> Option<i32> {
    match stop.load(Ordering::Relaxed) {
        0 => None,
        s => Some(s),
    }
}

/// The scratch spaces of one run, lent to whichever worker scrubs the next chunk. Never more are
/// made than chunks are scrubbed at once.
#[derive(Debug, Default)]
struct ScratchPool(Mutex<Vec<Scratch>>);

impl ScratchPool {
    /// Runs `f` with a scratch space of the pool.
    fn with<T>(&self, f: impl FnOnce(&mut Scratch) -> T) -> T {
        let taken = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut scratch = taken.unwrap_or_default();
        let result = f(&mut scratch);
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(scratch);
        result
    }
}

/// Chunks alive at once over all files, whatever the thread count: queued between a file's
/// reader and writer, being read, and being written. With the default 512 KiB chunks, each with
/// its scrubbed text and gzip member beside it, that is under 30 MiB of buffers.
const MAX_IN_FLIGHT: usize = 16;

/// Workers at most: more could never all have a chunk to work on, and each keeps per-thread
/// state (deflate tables, caches).
pub const MAX_WORKERS: usize = MAX_IN_FLIGHT;

/// Files scrubbed side by side at most (each has its own reader, writer and queue).
const MAX_SIDE_BY_SIDE: usize = 4;

/// The queue depth of each of `side_by_side` files for `threads` workers: twice the workers, so
/// none waits for the reader, but at least two per file and, counting the chunk each file's
/// reader and writer hold, within [`MAX_IN_FLIGHT`] in all.
fn queue_depth(threads: usize, side_by_side: usize) -> usize {
    let share = MAX_IN_FLIGHT / side_by_side.max(1);
    (threads * 2).min(share.saturating_sub(2)).max(2)
}

/// Scrubs every job of `plan`; outcomes are in job order. Files writing to stdout run one after the
/// other; files writing to their own outputs run side by side.
pub fn run(plan: &Plan, jobs: &[FileJob], meter: &Meter) -> Vec<FileOutcome> {
    let scrubber = Arc::new(plan.scrubber());
    let pool = if plan.threads > 1 {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(plan.threads.min(MAX_WORKERS))
            .thread_name(|i| format!("scrub-{i}"))
            .build()
        {
            Ok(p) => Some(p),
            Err(e) => {
                return jobs
                    .iter()
                    .map(|j| FileOutcome {
                        input: j.input.display(),
                        output: j.output.display(),
                        stats: Stats::default(),
                        error: Some(Error::Usage(format!(
                            "cannot start {} worker threads: {e}",
                            plan.threads
                        ))),
                        duration: Duration::ZERO,
                        read_bytes: 0,
                        forgotten: None,
                    })
                    .collect();
            }
        }
    } else {
        None
    };
    let to_stdout = jobs.iter().any(|j| j.output == Target::Stdout);
    let side_by_side = if to_stdout || pool.is_none() {
        1
    } else {
        plan.threads.min(jobs.len()).min(MAX_SIDE_BY_SIDE)
    };
    let depth = queue_depth(plan.threads, side_by_side);
    let workers = pool.as_ref().map(|pool| Workers {
        pool,
        depth,
        scratch: Arc::default(),
    });
    let one = |job: &FileJob| {
        let outcome = run_file(plan, &scrubber, workers.as_ref(), job, meter);
        meter.files_done.fetch_add(1, Ordering::Relaxed);
        outcome
    };
    if side_by_side <= 1 {
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in jobs {
            let outcome = one(job);
            // A closed stdout ends the run: nobody reads the rest.
            let stop = matches!(outcome.error, Some(Error::BrokenPipe));
            outcomes.push(outcome);
            if stop {
                break;
            }
        }
        return outcomes;
    }
    let next = AtomicUsize::new(0);
    let mut outcomes: Vec<Option<FileOutcome>> = jobs.iter().map(|_| None).collect();
    let slots: Vec<std::sync::Mutex<&mut Option<FileOutcome>>> =
        outcomes.iter_mut().map(std::sync::Mutex::new).collect();
    std::thread::scope(|s| {
        for _ in 0..side_by_side {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let outcome = one(job);
                **slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
            });
        }
    });
    drop(slots);
    outcomes.into_iter().flatten().collect()
}

/// Scrubs one file from its input to its output, timing it and keeping its counters whatever
/// happens.
fn run_file(
    plan: &Plan,
    scrubber: &Arc<Scrubber>,
    workers: Option<&Workers>,
    job: &FileJob,
    meter: &Meter,
) -> FileOutcome {
    let start = Instant::now();
    let name = job.input.display();
    let mut stats = Stats::default();
    let mut hits = Hits::default();
    let mut read_bytes = 0;
    let mut counted_read = false;
    let result = (|| -> Result<()> {
        let opened = input::open_metered(&job.input, Some(Arc::clone(&meter.read)))?;
        let source = Source {
            name: &name,
            gzip: opened.gzip,
            consumed: Arc::clone(&opened.consumed),
            stop: &meter.stop,
        };
        let framer = Framer::new(opened.reader, plan.chunk_size).live(opened.live_fd);
        let sink = Sink::create(&job.output, plan.level, opened.mode)
            .map(|sink| sink.reopen_when(&meter.reopen));
        let result = sink.and_then(|sink| match workers {
            None => sequential_into(scrubber, framer, sink, &source, (&mut stats, &mut hits)),
            Some(workers) => {
                let counts = (&mut stats, &mut hits);
                parallel_into(scrubber, workers, framer, sink, &source, counts)
            }
        });
        read_bytes = opened.consumed.load(Ordering::Relaxed);
        stats.gzip_padding = opened.padding.load(Ordering::Relaxed);
        // The input is done with; the output is finished (synced and renamed) next.
        meter.files_read.fetch_add(1, Ordering::Relaxed);
        counted_read = true;
        let sink = result?;
        // The safety valve fails the file before its output is renamed into place.
        if let Some(forget) = scrubber.forget() {
            forget.check_valve(&name, &hits, stats.lines_in)?;
        }
        // Too many lines without a time: the format is likely not the one assumed (issue 16).
        if let Some(e) = plan.undated_check(&name, &stats) {
            return Err(e);
        }
        sink.finish()
    })();
    if !counted_read {
        meter.files_read.fetch_add(1, Ordering::Relaxed);
    }
    let error = result.err();
    // A file target is dropped unfinished; stdout and an append file keep what was written.
    if error.is_some() && matches!(job.output, Target::File(_)) {
        stats.discard_output();
    }
    FileOutcome {
        input: name,
        output: job.output.display(),
        stats,
        error,
        duration: start.elapsed(),
        read_bytes,
        forgotten: scrubber.forget().map(|f| f.entry_hits(&hits)),
    }
}

/// The parallel path's workers: the pool, each file's queue depth, and the run's scratch spaces.
struct Workers<'a> {
    pool: &'a rayon::ThreadPool,
    depth: usize,
    scratch: Arc<ScratchPool>,
}

/// Where chunks come from, for error messages.
struct Source<'a> {
    name: &'a str,
    gzip: bool,
    /// Bytes consumed from the file (compressed, for gzip).
    consumed: Arc<AtomicU64>,
    /// Set when the run is to stop (see [`Meter::stop`]).
    stop: &'a AtomicI32,
}

impl<'a> Source<'a> {
    /// A source that is never stopped.
    fn anonymous(name: &'a str) -> Source<'a> {
        static NEVER: AtomicI32 = AtomicI32::new(0);
        Source {
            name,
            gzip: false,
            consumed: Arc::default(),
            stop: &NEVER,
        }
    }
}

/// The sequential path: read, scrub, write, one chunk at a time.
pub fn scrub_sequential<R: std::io::Read>(
    scrubber: &Scrubber,
    framer: Framer<R>,
    sink: Sink,
    name: &str,
) -> Result<(Stats, Sink)> {
    let mut stats = Stats::default();
    let counts = (&mut stats, &mut Hits::default());
    let sink = sequential_into(scrubber, framer, sink, &Source::anonymous(name), counts)?;
    Ok((stats, sink))
}

/// The sequential path, adding to `stats` (and the forget list's `hits`) chunk by chunk (so they
/// hold what was done before an error).
fn sequential_into<R: std::io::Read>(
    scrubber: &Scrubber,
    mut framer: Framer<R>,
    mut sink: Sink,
    source: &Source,
    (stats, hits): (&mut Stats, &mut Hits),
) -> Result<Sink> {
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut scratch = Scratch::default();
    let mut tail = Tail(None);
    while let Some(info) = read_chunk(&mut framer, &mut buf, source)? {
        out.clear();
        let mut chunk_stats = Stats::default();
        let continues = info.continues.as_deref();
        let chunk_tail =
            scrubber.scrub_chunk(&buf, continues, &mut out, &mut scratch, &mut chunk_stats);
        sink.write_text(&out)?;
        sink.flush()?;
        *stats += chunk_stats;
        hits.add(&scratch.take_forget_hits());
        tail = chunk_tail;
    }
    stats.count_tail(tail);
    Ok(sink)
}

fn read_chunk<R: std::io::Read>(
    framer: &mut Framer<R>,
    buf: &mut Vec<u8>,
    source: &Source,
) -> Result<Option<ChunkInfo>> {
    if let Some(signal) = stop_signal(source.stop) {
        return Err(Error::Interrupted {
            path: source.name.to_string(),
            signal,
        });
    }
    framer.next_chunk(buf).map_err(|e| Error::Read {
        path: source.name.to_string(),
        offset: framer.offset(),
        compressed: source.gzip.then(|| source.consumed.load(Ordering::Relaxed)),
        source: e,
    })
}

/// A chunk's buffers, which travel from the reader to a worker, to the writer and back.
#[derive(Default)]
struct Buffers {
    /// The chunk as read.
    input: Vec<u8>,
    /// The scrubbed text.
    output: Vec<u8>,
    /// The scrubbed text as a gzip member, for gzip sinks.
    packed: Vec<u8>,
}

struct Done {
    buffers: Buffers,
    /// Why encoding failed, if it did.
    error: Option<std::io::Error>,
    stats: Stats,
    tail: Tail,
    /// The forget list's entries of the lines dropped as forgotten.
    forget_hits: Vec<u32>,
}

/// The parallel path (see the module docs).
pub fn scrub_parallel<R: std::io::Read>(
    scrubber: &Arc<Scrubber>,
    pool: &rayon::ThreadPool,
    depth: usize,
    framer: Framer<R>,
    sink: Sink,
    name: &str,
) -> Result<(Stats, Sink)> {
    let mut stats = Stats::default();
    let workers = Workers {
        pool,
        depth,
        scratch: Arc::default(),
    };
    let source = Source::anonymous(name);
    let counts = (&mut stats, &mut Hits::default());
    let sink = parallel_into(scrubber, &workers, framer, sink, &source, counts)?;
    Ok((stats, sink))
}

/// The parallel path, adding to `stats` what was written (so they hold what was done before an
/// error).
fn parallel_into<R: std::io::Read>(
    scrubber: &Arc<Scrubber>,
    workers: &Workers,
    mut framer: Framer<R>,
    mut sink: Sink,
    source: &Source,
    (stats, hits): (&mut Stats, &mut Hits),
) -> Result<Sink> {
    let (order_tx, order_rx) = mpsc::sync_channel::<Receiver<Done>>(workers.depth.max(1));
    let (free_tx, free_rx) = mpsc::channel::<Buffers>();
    let encoding = sink.encoding();
    std::thread::scope(|s| {
        let writer = s.spawn(move || -> (Stats, Hits, Result<Sink>) {
            let mut stats = Stats::default();
            let mut hits = Hits::default();
            let mut tail = Tail(None);
            for rx in order_rx {
                let Ok(done) = rx.recv() else { break };
                if let Some(e) = done.error {
                    return (stats, hits, Err(Error::write(sink.name(), e)));
                }
                let bytes = match encoding {
                    Encoding::Plain => &done.buffers.output,
                    Encoding::Gzip { .. } => &done.buffers.packed,
                };
                if let Err(e) = sink.write_encoded(bytes).and_then(|()| sink.flush()) {
                    return (stats, hits, Err(e));
                }
                stats += done.stats;
                hits.add(&done.forget_hits);
                tail = done.tail;
                let _ = free_tx.send(done.buffers);
            }
            stats.count_tail(tail);
            (stats, hits, Ok(sink))
        });
        let read_result = (|| -> Result<()> {
            loop {
                let mut buffers = free_rx.try_recv().unwrap_or_default();
                let Some(info) = read_chunk(&mut framer, &mut buffers.input, source)? else {
                    return Ok(());
                };
                let (tx, rx): (SyncSender<Done>, Receiver<Done>) = mpsc::sync_channel(1);
                if order_tx.send(rx).is_err() {
                    return Ok(()); // the writer stopped; its error is reported below
                }
                let scrubber = Arc::clone(scrubber);
                let scratch = Arc::clone(&workers.scratch);
                workers.pool.spawn(move || {
                    let mut stats = Stats::default();
                    let Buffers {
                        input,
                        output,
                        packed,
                    } = &mut buffers;
                    output.clear();
                    let continues = info.continues.as_deref();
                    let (tail, forget_hits) = scratch.with(|scratch| {
                        let tail =
                            scrubber.scrub_chunk(input, continues, output, scratch, &mut stats);
                        (tail, scratch.take_forget_hits())
                    });
                    let error = encoding.encode(output, packed).err();
                    let _ = tx.send(Done {
                        buffers,
                        error,
                        stats,
                        tail,
                        forget_hits,
                    });
                });
            }
        })();
        drop(order_tx);
        let (written, forgotten, sink) = writer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        *stats += written;
        hits.add_all(forgotten);
        // A write error comes first: after it, the reader may only have stopped early.
        let sink = sink?;
        read_result?;
        Ok(sink)
    })
}

#[cfg(test)]
mod tests;
