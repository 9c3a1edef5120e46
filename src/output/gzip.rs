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

/// The output room given to each call of deflate at level 0 (stored blocks).
const STORED_ROOM: usize = 64 << 10;

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
            let status = if level == 0 {
                // Stored blocks are cut to the room left in the output, so level 0 gets a fixed
                // room: the member then depends on the text alone, not on the capacity a
                // recycled buffer happens to have (which differs with the thread count).
                let at = out.len();
                out.resize(at + STORED_ROOM, 0);
                let before = deflate.total_out();
                let status = deflate
                    .compress(rest, &mut out[at..], FlushCompress::Finish)
                    .map_err(io::Error::other)?;
                out.truncate(at + (deflate.total_out() - before) as usize);
                status
            } else {
                // Room for a typical log's ratio; grows (amortised) where text compresses less.
                // Compressed blocks do not depend on the room.
                out.reserve(rest.len() / 4 + 1024);
                deflate
                    .compress_vec(rest, out, FlushCompress::Finish)
                    .map_err(io::Error::other)?
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: at level 0 a member's stored blocks followed the spare capacity of the output
    /// buffer, and workers recycle buffers, so `--level 0` with `-j 2` was not reproducible.
    #[test]
    fn a_member_does_not_depend_on_the_capacity_of_its_buffer_at_any_level() {
        let text: Vec<u8> = (0..300_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        for level in 0..=9 {
            let mut fresh = Vec::new();
            member(&text, level, &mut fresh).unwrap();
            for room in [1, 4096, 70_000, 1 << 20, 3 << 20] {
                let mut recycled = Vec::with_capacity(room);
                member(&text, level, &mut recycled).unwrap();
                assert_eq!(recycled, fresh, "level {level}, a buffer of {room} bytes");
            }
        }
    }
}
