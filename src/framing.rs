//! Cutting a byte stream into chunks of whole lines.
//!
//! A [`Framer`] reads into a reusable buffer and hands out chunks that end at a newline; the partial
//! last line is carried over to the next chunk. Two cases cut elsewhere:
//! - **A line longer than the chunk size** is cut after the last byte, within the last
//!   [`SAFE_CUT_WINDOW`] bytes, that no address or email can contain (a space, a quote, a slash…),
//!   so memory stays bounded and no personal data is split across two chunks. Such a chunk does not
//!   end with a newline; the line goes on in the next one.
//! - **Live input** (a pipe or terminal, as in `tail -f access.log | logscrub`): when a read has
//!   brought complete lines and nothing more is waiting, the chunk is cut at once so lines show
//!   promptly.

use std::io::{self, Read};
use std::sync::Arc;

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
    /// Bytes handed out so far (offset of the next chunk in the decompressed stream).
    offset: u64,
    /// Set for live input: the file descriptor to ask whether more data is waiting.
    live_fd: Option<i32>,
    /// When the last chunk was cut inside an over-long line: that line's first bytes.
    head: Option<Arc<[u8]>>,
}

/// Where a chunk stands in its stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkInfo {
    /// Byte offset of the chunk's first byte in the (decompressed) stream.
    pub offset: u64,
    /// Set when the chunk starts inside a line begun in an earlier chunk (a line longer than the
    /// chunk size): the first [`LINE_HEAD`] bytes of that line, so the continuation can be judged
    /// as the line's start was (its timestamp, say).
    pub continues: Option<Arc<[u8]>>,
}

impl<R: Read> Framer<R> {
    pub fn new(src: R, chunk_size: usize) -> Self {
        Framer {
            src,
            chunk_size: chunk_size.max(1),
            carry: Vec::new(),
            eof: false,
            offset: 0,
            live_fd: None,
            head: None,
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
    /// the stream.
    pub fn next_chunk(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<ChunkInfo>> {
        // Reads go straight into `buf`. Its old length is kept as "already initialised" space, so a
        // recycled buffer is zero-filled only where it grows, not on every read.
        let size = self.chunk_size;
        if buf.len() < size {
            buf.resize(size, 0);
        }
        let mut filled = self.carry.len();
        buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        loop {
            if filled >= size {
                filled = self.cut(&buf[..filled], true).unwrap_or(filled);
                break;
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
                Err(e) => {
                    buf.clear();
                    return Err(e);
                }
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
        let info = ChunkInfo {
            offset: self.offset,
            continues,
        };
        self.offset += filled as u64;
        Ok(Some(info))
    }

    /// Where the chunk in `data` ends: after its last newline, or with `full` and no newline at a
    /// safe point. What follows the end is moved into `carry`. `None`: no newline and not `full`.
    fn cut(&mut self, data: &[u8], full: bool) -> Option<usize> {
        let end = match memchr::memrchr(b'\n', data) {
            Some(i) => i + 1,
            None if full => safe_cut(data),
            None => return None,
        };
        self.carry.extend_from_slice(&data[end..]);
        Some(end)
    }
}

/// A cut point in a full buffer without newlines: after the last byte in the final window that no
/// token can contain, or the whole buffer when there is none (nothing that long is personal data).
fn safe_cut(buf: &[u8]) -> usize {
    let from = buf.len().saturating_sub(SAFE_CUT_WINDOW);
    buf[from..]
        .iter()
        .rposition(|&b| !in_token(b))
        .map_or(buf.len(), |i| from + i + 1)
}

/// Bytes that can be part of an address or email (or glue to one).
fn in_token(b: u8) -> bool {
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
        )
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
                let head = info.continues.expect("continuation");
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
    fn a_line_without_any_cut_point_is_cut_at_the_size() {
        let line = vec![b'a'; 10_000];
        let cs = chunks(&line, 1000);
        assert_eq!(cs.len(), 10);
        assert!(cs.iter().all(|c| c.len() == 1000));
    }
}
