//! gzip members (RFC 1952): each scrubbed chunk becomes one complete member, compressed on the
//! worker that scrubbed it, so that the writer only concatenates them.

use std::cell::RefCell;
use std::io;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

thread_local! {
    /// Each thread's deflate state, kept between chunks: a fresh one costs an allocation and
    /// clearing its tables, which is worth saving once per chunk.
    static DEFLATE: RefCell<Option<(u32, Compress)>> = const { RefCell::new(None) };
}

/// Writes into `out` one complete gzip member (header, raw deflate, CRC-32 and size) holding
/// `text`. The header has no name and no time, so the bytes depend on the text and level only.
pub(super) fn member(text: &[u8], level: u32, out: &mut Vec<u8>) -> io::Result<()> {
    // Extra flags as gzip sets them: 2 for the slowest level, 4 for the fastest; OS 255: unknown.
    let xfl = match level {
        9 => 2,
        1 => 4,
        _ => 0,
    };
    out.clear();
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 255]);
    DEFLATE.with(|cell| -> io::Result<()> {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_some_and(|(l, _)| *l != level) {
            *slot = None;
        }
        let (_, deflate) =
            slot.get_or_insert_with(|| (level, Compress::new(Compression::new(level), false)));
        deflate.reset();
        loop {
            let consumed = deflate.total_in() as usize;
            let rest = text.get(consumed..).unwrap_or_default();
            // Room for a typical log's ratio; grows (amortised) where text compresses less.
            out.reserve(rest.len() / 4 + 1024);
            let status = deflate
                .compress_vec(rest, out, FlushCompress::Finish)
                .map_err(io::Error::other)?;
            if status == Status::StreamEnd {
                return Ok(());
            }
        }
    })?;
    let mut crc = Crc::new();
    crc.update(text);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE is the length modulo 2^32 (RFC 1952).
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    Ok(())
}
