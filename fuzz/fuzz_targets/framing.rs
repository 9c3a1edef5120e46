//! Line framing: the [`Framer`] over arbitrary bytes with a fuzzer-chosen chunk size and read size,
//! and the chunks scrubbed one by one as the sequential pipeline does.
//!
//! Input: `[size_lo, size_hi, read, mode, repeat, split]` then a body. The chunk size is 1–256
//! when the top bit of `size_hi` is set, else 1–9000; `read` caps each read of the source (0: no
//! cap), so chunks fill in short reads as from a pipe; with `repeat` > 0 the first `split` bytes
//! of the body are repeated into a long run (up to 32 KiB), the shape that makes the framer cut
//! inside a token run. `mode` picks the actions and, with a chunk size of at least
//! [`LINE_HEAD`] + [`SAFE_CUT_WINDOW`], a retention window.
//!
//! - The chunks concatenate to the input, each is non-empty, starts at the offset it reports, and
//!   stays within the memory bound (the chunk size, or one piece plus its reach for a token run).
//! - A chunk that does not end at a newline is the last one, or ends after a byte no address or
//!   email can contain, or was cut inside a long token run (and says so in its joins); the chunk
//!   after it knows the line's head.
//! - Scrubbing the chunks in turn gives byte for byte the output and the counters of scrubbing the
//!   whole text at once.
//!
//! Below that chunk size a retention run may judge an over-long line by a shorter head (the first
//! piece of the line), so there only the actions are fuzzed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logscrub::action::{Actions, EmailAction, IpAction};
use logscrub::detect::runs::{PIECE, REACH};
use logscrub::format::{Format, TimeFinder};
use logscrub::framing::{Framer, LINE_HEAD, SAFE_CUT_WINDOW};
use logscrub::retention::{Retention, Undated};
use logscrub::scrub::{Scratch, Scrubber};
use logscrub::stats::{Stats, Tail};

/// A source that hands out at most `cap` bytes per read.
struct Trickle<'a> {
    data: &'a [u8],
    cap: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.cap).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Bytes that an address or email can be made of or glued to (the framer's token bytes).
fn in_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b".:%@[]!#$*+^_~-`{|}".contains(&b)
}

fuzz_target!(|data: &[u8]| {
    let Some((&[lo, hi, read, mode, repeat, split], body)) = data.split_first_chunk::<6>() else {
        return;
    };
    let chunk_size = if hi & 0x80 != 0 {
        1 + usize::from(lo)
    } else {
        1 + usize::from(u16::from_le_bytes([lo, hi])) % 9000
    };
    let cap = if read == 0 {
        usize::MAX
    } else {
        usize::from(read)
    };
    let text = if repeat == 0 {
        body.to_vec()
    } else {
        let k = usize::from(split).min(body.len()).max(1).min(body.len());
        let (unit, rest) = body.split_at(k);
        let mut t = unit.repeat((usize::from(repeat) * 64).min((32 << 10) / unit.len().max(1)));
        t.extend_from_slice(rest);
        t
    };

    let actions = match mode % 3 {
        0 => Actions::default(),
        1 => Actions {
            ip: IpAction::Redact,
            ..Actions::default()
        },
        _ => Actions {
            ip: IpAction::Keep,
            email: EmailAction::Keep,
            ..Actions::default()
        },
    };
    let mut scrubber = Scrubber::new(actions);
    if mode / 3 % 3 != 0 && chunk_size >= LINE_HEAD + SAFE_CUT_WINDOW {
        // now = 2026-11-25T00:00:00Z, keep one day; undated lines kept or dropped.
        let undated = if mode / 3 % 3 == 1 {
            Undated::Keep
        } else {
            Undated::Drop
        };
        let retention = Retention::new(86_400, 1_795_564_800, undated);
        scrubber = scrubber.with_retention(Some(retention), TimeFinder::new(Format::Auto, &[]));
    }

    let mut framer = Framer::new(Trickle { data: &text, cap }, chunk_size);
    let mut buf = Vec::new();
    let mut chunks: Vec<(Vec<u8>, bool)> = Vec::new(); // bytes, cut inside a token run
    let mut out = Vec::new();
    let mut scratch = Scratch::default();
    let mut stats = Stats::default();
    let mut tail = Tail(None);
    let mut offset = 0u64;
    let mut after_cut_in_line = false;
    while let Some(info) = framer.next_chunk(&mut buf).unwrap() {
        assert!(!buf.is_empty(), "empty chunk");
        assert_eq!(info.offset, offset, "chunk offset");
        assert!(
            buf.len() <= chunk_size.max(PIECE + REACH),
            "chunk of {} bytes, chunk size {chunk_size}",
            buf.len()
        );
        let joins = info.continues.as_deref();
        if after_cut_in_line {
            assert!(
                joins.is_some_and(|j| j.head.is_some()),
                "continuation without the line's head"
            );
        }
        offset += buf.len() as u64;
        after_cut_in_line = !buf.ends_with(b"\n");
        chunks.push((buf.clone(), joins.is_some_and(|j| j.runs.after.is_some())));
        let mut chunk_stats = Stats::default();
        tail = scrubber.scrub_chunk(&buf, joins, &mut out, &mut scratch, &mut chunk_stats);
        stats += chunk_stats;
    }
    stats.count_tail(tail);
    assert_eq!(framer.offset(), text.len() as u64);

    let joined: Vec<u8> = chunks.iter().flat_map(|(c, _)| c.iter().copied()).collect();
    assert!(joined == text, "chunks do not rejoin to the input");
    if let Some(((_, _), init)) = chunks.split_last() {
        for (c, in_run) in init {
            let last = *c.last().unwrap();
            assert!(
                last == b'\n' || !in_token(last) || *in_run,
                "chunk cut after token byte {:?} outside a run (chunk size {chunk_size})",
                last as char
            );
        }
    }

    let (whole, whole_stats) = scrubber.scrub_to_vec(&text);
    assert!(
        out == whole,
        "chunk size {chunk_size}, read cap {cap}: framed output differs from the whole text's"
    );
    assert_eq!(
        stats, whole_stats,
        "chunk size {chunk_size}: counters differ"
    );
});
