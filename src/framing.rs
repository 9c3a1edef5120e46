//! Cutting a byte stream into chunks of whole lines.
//!
//! A [`Framer`] reads into a reusable buffer and hands out chunks that end at a newline; the partial
//! last line is carried over to the next chunk. Two cases cut elsewhere:
//! - **A line longer than the chunk size** is cut after the last byte, within the last
//!   [`SAFE_CUT_WINDOW`] bytes, that no address or email can contain (a space, a quote, a slash…),
//!   so memory stays bounded and no personal data is split across two chunks. Such a chunk does not
//!   end with a newline; the line goes on in the next one.
//! - **A run of token bytes longer than that window** (`a.b.c.1.2.3.4…`, `aaaa@aaaa…`) has no such
//!   byte. It is cut at a multiple of [`PIECE`] bytes from the run's start, where such runs are
//!   searched piece by piece anyway, and the chunks on either side get the run's bytes across the
//!   cut in [`Joins::runs`], so they judge the pieces there exactly as an uncut run would be
//!   judged. [`crate::detect::runs`] owns both the cutting and the search.
//! - **Live input** (a pipe or terminal, as in `tail -f access.log | logscrub`): when a read has
//!   brought complete lines and nothing more is waiting, the chunk is cut at once so lines show
//!   promptly.

use std::io::{self, Read};
use std::sync::Arc;

use crate::detect::runs::{in_token, RunCuts, RunEdges, PIECE, REACH};

/// How far back from the end of a full buffer a safe cut point is looked for.
pub const SAFE_CUT_WINDOW: usize = 4096;

/// How much of the start of an over-long line is kept for the chunks that continue it.
pub const LINE_HEAD: usize = 4096;

/// Reads newline-aligned chunks from `R`.
pub struct Framer<R> {
    src: R,
    chunk_size: usize,
    carry: Vec<u8>,
    eof: bool,
    /// A read error held back while the complete lines read before it are handed out.
    failed: Option<io::Error>,
    /// Bytes handed out so far (offset of the next chunk in the decompressed stream).
    offset: u64,
    /// Set for live input: the file descriptor to ask whether more data is waiting.
    live_fd: Option<i32>,
    /// When the last chunk was cut inside an over-long line: that line's first bytes.
    head: Option<Arc<[u8]>>,
    /// Where long token runs are cut, and what the chunks around each cut learn of the run.
    runs: RunCuts,
}

/// Where a chunk stands in its stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkInfo {
    /// Byte offset of the chunk's first byte in the (decompressed) stream.
    pub offset: u64,
    /// Set when the chunk touches its neighbours inside a line (a line longer than the chunk
    /// size): what it needs to know about them.
    pub continues: Option<Arc<Joins>>,
}

/// What a chunk cut inside a line needs to know about the bytes beyond its ends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Joins {
    /// When the chunk starts inside a line begun in an earlier chunk: the first [`LINE_HEAD`]
    /// bytes of that line, so the continuation can be judged as the line's start was (its
    /// timestamp, say).
    pub head: Option<Arc<[u8]>>,
    /// The bytes of a long token run across the chunk's ends, when it was cut inside one.
    pub runs: RunEdges,
}

impl<R: Read> Framer<R> {
    /// A framer reading `src` in chunks of at most `chunk_size` bytes (at least 1) that end after
    /// a newline where they can (see the module docs for the other cuts). With a `chunk_size`
    /// under [`PIECE`] + [`REACH`] bytes, a chunk cut inside a long token run may be longer.
    pub fn new(src: R, chunk_size: usize) -> Self {
        Framer {
            src,
            chunk_size: chunk_size.max(1),
            carry: Vec::new(),
            eof: false,
            failed: None,
            offset: 0,
            live_fd: None,
            head: None,
            runs: RunCuts::default(),
        }
    }

    /// Cut chunks as soon as input pauses on `fd` (see the module docs).
    pub fn live(mut self, fd: Option<i32>) -> Self {
        self.live_fd = fd;
        self
    }

    /// Bytes read and handed out so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Fills `buf` (its old contents are discarded) with the next chunk. `Ok(None)` at the end of
    /// the stream. On a read error, the complete lines read before it come first as a chunk, and
    /// the error with the next call.
    pub fn next_chunk(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<ChunkInfo>> {
        // Reads go straight into `buf`. Its old length is kept as "already initialised" space, so a
        // recycled buffer is zero-filled only where it grows, not on every read.
        if let Some(e) = self.failed.take() {
            buf.clear();
            return Err(e);
        }
        // A buffer grown for a long token run may leave more than a chunk behind.
        let mut size = self.chunk_size.max(self.carry.len());
        if buf.len() < size {
            buf.resize(size, 0);
        }
        let mut filled = self.carry.len();
        buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        loop {
            if filled >= size {
                match self.cut(&buf[..filled], true) {
                    Some(end) => {
                        filled = end;
                        break;
                    }
                    None => {
                        // A token run with no piece boundary far enough in yet (only when the
                        // buffer is smaller than PIECE + REACH): read a little more.
                        size = if filled < PIECE + REACH {
                            PIECE + REACH
                        } else {
                            filled + PIECE
                        };
                        buf.resize(size, 0);
                        continue;
                    }
                }
            }
            if self.eof {
                if filled == 0 {
                    buf.clear();
                    return Ok(None);
                }
                break;
            }
            let n = match self.src.read(&mut buf[filled..size]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => match memchr::memrchr(b'\n', &buf[..filled]) {
                    // The complete lines read before the damage (a truncated gzip) go out first;
                    // the error comes with the next call. The broken last line is not handed
                    // out: a cut-off address would not be recognised.
                    Some(i) => {
                        filled = i + 1;
                        self.failed = Some(e);
                        self.eof = true;
                        break;
                    }
                    None => {
                        buf.clear();
                        return Err(e);
                    }
                },
            };
            if n == 0 {
                self.eof = true;
                continue;
            }
            let old = filled;
            filled += n;
            if let Some(fd) = self.live_fd {
                if memchr::memchr(b'\n', &buf[old..filled]).is_some() && !data_waiting(fd) {
                    if let Some(end) = self.cut(&buf[..filled], false) {
                        filled = end;
                        break;
                    }
                }
            }
        }
        buf.truncate(filled);
        let continues = self.head.take();
        if !buf.ends_with(b"\n") {
            // Cut inside a line: remember its head for the chunks that continue it.
            self.head = Some(continues.clone().unwrap_or_else(|| {
                let start = memchr::memrchr(b'\n', buf).map_or(0, |i| i + 1);
                Arc::from(&buf[start..buf.len().min(start + LINE_HEAD)])
            }));
        }
        let joins = Joins {
            head: continues,
            runs: self.runs.edges(),
        };
        let info = ChunkInfo {
            offset: self.offset,
            continues: (joins != Joins::default()).then(|| Arc::new(joins)),
        };
        self.offset += filled as u64;
        Ok(Some(info))
    }

    /// Where the chunk in `data` ends: after its last newline, or with `full` and no newline at a
    /// safe point. What follows the end is moved into `carry`. `None`: no newline and not `full`,
    /// or a long token run that needs more bytes before it can be cut.
    fn cut(&mut self, data: &[u8], full: bool) -> Option<usize> {
        let end = match memchr::memrchr(b'\n', data).map(|i| i + 1) {
            None if !full => return None,
            None => safe_cut(data),
            end => end,
        };
        let end = match end {
            Some(end) => {
                self.runs.outside();
                end
            }
            None => self.runs.cut(data, self.offset)?,
        };
        self.carry.extend_from_slice(&data[end..]);
        Some(end)
    }
}

/// A cut point in a full buffer without newlines: after the last byte in the final window that no
/// token can contain. `None` when there is none.
fn safe_cut(buf: &[u8]) -> Option<usize> {
    let from = buf.len().saturating_sub(SAFE_CUT_WINDOW);
    let window = &buf[from..];
    // Where it can, after a byte that ends the decoded view around an escape
    // (`crate::detect::decode`), so no view is cut.
    window
        .iter()
        .rposition(|&b| !in_token(b) && crate::detect::decode::ends_region(b))
        .or_else(|| window.iter().rposition(|&b| !in_token(b)))
        .map(|i| from + i + 1)
}

/// Whether `fd` has data ready right now.
fn data_waiting(fd: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    let r = unsafe { libc::poll(&mut pfd, 1, 0) };
    r > 0 && (pfd.revents & libc::POLLIN) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Yields `data` in reads of at most `step` bytes, then fails.
    struct FailsAfter<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for FailsAfter<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "damaged"));
            }
            let n = self.data.len().min(self.step).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn complete_lines_read_before_an_error_come_out_before_it() {
        let data = b"one 203.0.113.7\ntwo\nthree, cut off at 198.51.1";
        let mut framer = Framer::new(FailsAfter { data, step: 7 }, 1 << 16);
        let mut buf = Vec::new();
        let info = framer.next_chunk(&mut buf).unwrap().unwrap();
        assert_eq!(info.offset, 0);
        assert_eq!(buf, b"one 203.0.113.7\ntwo\n");
        let err = framer.next_chunk(&mut buf).unwrap_err();
        assert_eq!(err.to_string(), "damaged");
        assert_eq!(framer.offset(), 20);
        assert!(buf.is_empty());
    }

    #[test]
    fn an_error_before_any_complete_line_comes_at_once() {
        let mut framer = Framer::new(
            FailsAfter {
                data: b"no newline",
                step: 4,
            },
            1 << 16,
        );
        let mut buf = Vec::new();
        assert!(framer.next_chunk(&mut buf).is_err());
        assert!(buf.is_empty());
    }

    fn chunks(input: &[u8], size: usize) -> Vec<Vec<u8>> {
        let mut f = Framer::new(input, size);
        let mut out = vec![];
        let mut buf = vec![];
        while let Some(info) = f.next_chunk(&mut buf).unwrap() {
            assert_eq!(
                info.offset as usize,
                out.iter().map(Vec::len).sum::<usize>()
            );
            out.push(buf.clone());
        }
        out
    }

    #[test]
    fn chunks_end_at_newlines_and_rejoin_to_the_input() {
        let input = b"one\ntwo two\nthree\n\nfour";
        for size in 1..30 {
            let cs = chunks(input, size);
            assert_eq!(cs.concat(), input, "size {size}");
            for c in &cs[..cs.len() - 1] {
                // Either a newline end, or a cut inside an over-long line at a non-token byte.
                assert!(
                    c.ends_with(b"\n") || !in_token(*c.last().unwrap()) || c.len() >= size,
                    "size {size}: {c:?}"
                );
            }
        }
    }

    #[test]
    fn empty_input_has_no_chunks() {
        assert!(chunks(b"", 10).is_empty());
    }

    #[test]
    fn long_lines_are_cut_outside_tokens() {
        let line = b"aaaa 1.2.3.4 bbbb 10.0.0.1 cc".repeat(50);
        let cs = chunks(&line, 64);
        assert_eq!(cs.concat(), line);
        for c in &cs[..cs.len() - 1] {
            assert_eq!(*c.last().unwrap(), b' ');
        }
    }

    #[test]
    fn continuation_chunks_carry_the_head_of_their_line() {
        let long = [
            b"[01/Jan/2026:00:00:00 +0000] ".as_slice(),
            &b"x y ".repeat(100),
            b"\nnext\n",
        ]
        .concat();
        let mut f = Framer::new(&long[..], 64);
        let mut buf = vec![];
        let first = f.next_chunk(&mut buf).unwrap().unwrap();
        assert_eq!(first.continues, None);
        let mut seen = 0;
        while let Some(info) = f.next_chunk(&mut buf).unwrap() {
            if buf == b"next\n" {
                assert_eq!(info.continues, None);
            } else {
                let joins = info.continues.expect("continuation");
                let head = joins.head.as_ref().expect("line head");
                assert!(
                    head.starts_with(b"[01/Jan/2026:00:00:00 +0000] x y"),
                    "{head:?}"
                );
                seen += 1;
            }
        }
        assert!(seen > 3);
    }

    #[test]
    fn a_token_run_is_cut_at_piece_boundaries_with_its_bytes_across_the_cut() {
        // Regression: a run with no byte that no token can hold was cut anywhere, splitting an
        // address between two chunks.
        let mut line = b"xy ".to_vec();
        line.extend(b"a.b.c.1.2.3.4.".iter().cycle().take(20 * PIECE));
        line.extend(b" end\n");
        let size = 3 * PIECE - 72;
        let mut f = Framer::new(&line[..], size);
        let mut buf = vec![];
        let mut offset = 0;
        let mut cuts = 0;
        while let Some(info) = f.next_chunk(&mut buf).unwrap() {
            assert_eq!(info.offset, offset);
            let joins = info.continues.as_deref().cloned().unwrap_or_default();
            if let Some(before) = &joins.runs.before {
                // The run starts after "xy ".
                assert_eq!(before.run_offset as u64, offset - 3);
                assert_eq!(before.run_offset % PIECE, 0);
                let n = before.bytes.len();
                assert_eq!(n, (PIECE + REACH).min(before.run_offset));
                assert_eq!(
                    &before.bytes[..],
                    &line[offset as usize - n..offset as usize]
                );
            }
            if let Some(after) = &joins.runs.after {
                let end = offset as usize + buf.len();
                assert_eq!(&after[..], &line[end..end + after.len()]);
                assert!(after.len() == REACH || line[end + after.len()] == b' ');
                cuts += 1;
            }
            assert!(buf.len() <= size);
            offset += buf.len() as u64;
        }
        assert_eq!(offset as usize, line.len());
        assert!(cuts >= 6, "{cuts}");
    }

    #[test]
    fn a_run_in_a_tiny_chunk_size_grows_the_buffer_just_enough() {
        let line = vec![b'a'; 10 * PIECE];
        let cs = chunks(&line, 100);
        assert_eq!(cs.concat(), line);
        assert!(cs.iter().all(|c| c.len() <= PIECE + REACH));
        assert!(cs[..cs.len() - 1].iter().all(|c| c.len() % PIECE == 0));
    }
}
