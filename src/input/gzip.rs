//! gzip as `gzip -d` reads it: every member to the end (RFC 1952), each checked against its CRC-32
//! and length; trailing zero bytes after the last member ignored (tape and block-device padding,
//! which `gzip -d` accepts with a warning), and counted so the caller can say so; any other bytes
//! after a member are an error, as they are for `gzip -d`.
//!
//! Header fields are skipped, not kept: `FEXTRA` up to its 16-bit length, and `FNAME` and `FCOMMENT`
//! up to [`MAX_HEADER_FIELD`] bytes each (flate2's own reader stops at 64 KiB; `gzip -d` has no
//! bound). A longer one is an error naming the bound. The header CRC (`FHCRC`) is skipped.

use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use flate2::{Crc, Decompress, FlushDecompress, Status};

/// The longest `FNAME` or `FCOMMENT` header field accepted: 1 MiB.
pub const MAX_HEADER_FIELD: usize = 1 << 20;

/// The flags of a member header.
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
const RESERVED: u8 = 0xe0;

/// Whether the first bytes of a stream are a gzip member header: the magic bytes, the deflate
/// method and no reserved flag. `head` holds up to 10 bytes; fewer than 4 is never a header.
pub(crate) fn is_header(head: &[u8]) -> bool {
    matches!(head, [0x1f, 0x8b, 8, flg, ..] if flg & RESERVED == 0)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Header,
    Body,
    Done,
}

/// The decompressed text of a gzip stream of one or more members.
pub(crate) struct Members<R> {
    inner: R,
    state: State,
    inflate: Decompress,
    crc: Crc,
    /// Zero bytes found after the last member.
    padding: Arc<AtomicU64>,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

fn truncated() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "gzip data ends inside a member",
    )
}

impl<R: BufRead> Members<R> {
    /// Reads the gzip stream `inner`, counting trailing zero padding into `padding`.
    pub(crate) fn new(inner: R, padding: Arc<AtomicU64>) -> Self {
        Members {
            inner,
            state: State::Header,
            inflate: Decompress::new(false),
            crc: Crc::new(),
            padding,
        }
    }

    /// Exactly `buf.len()` bytes, or a truncation error.
    fn take(&mut self, buf: &mut [u8]) -> io::Result<()> {
        let mut got = 0;
        while got < buf.len() {
            let avail = self.inner.fill_buf()?;
            if avail.is_empty() {
                return Err(truncated());
            }
            let n = avail.len().min(buf.len() - got);
            buf[got..got + n].copy_from_slice(&avail[..n]);
            self.inner.consume(n);
            got += n;
        }
        Ok(())
    }

    /// Skips `n` bytes.
    fn skip(&mut self, mut n: usize) -> io::Result<()> {
        while n > 0 {
            let avail = self.inner.fill_buf()?.len();
            if avail == 0 {
                return Err(truncated());
            }
            let k = avail.min(n);
            self.inner.consume(k);
            n -= k;
        }
        Ok(())
    }

    /// Skips a zero-terminated header field of at most [`MAX_HEADER_FIELD`] bytes.
    fn skip_field(&mut self, what: &str) -> io::Result<()> {
        let mut len = 0;
        loop {
            let avail = self.inner.fill_buf()?;
            if avail.is_empty() {
                return Err(truncated());
            }
            match memchr::memchr(0, avail) {
                Some(i) => {
                    len += i;
                    self.inner.consume(i + 1);
                    break;
                }
                None => {
                    len += avail.len();
                    let n = avail.len();
                    self.inner.consume(n);
                }
            }
            if len > MAX_HEADER_FIELD {
                break;
            }
        }
        if len > MAX_HEADER_FIELD {
            return Err(invalid(&format!(
                "gzip header {what} longer than {} KiB, the most logscrub accepts",
                MAX_HEADER_FIELD >> 10
            )));
        }
        Ok(())
    }

    /// Reads a member header.
    fn header(&mut self) -> io::Result<()> {
        let mut h = [0u8; 10];
        self.take(&mut h)?;
        if !is_header(&h) {
            return Err(invalid("invalid gzip header"));
        }
        let flags = h[3];
        if flags & FEXTRA != 0 {
            let mut xlen = [0u8; 2];
            self.take(&mut xlen)?;
            self.skip(usize::from(u16::from_le_bytes(xlen)))?;
        }
        if flags & FNAME != 0 {
            self.skip_field("file name (FNAME)")?;
        }
        if flags & FCOMMENT != 0 {
            self.skip_field("comment (FCOMMENT)")?;
        }
        if flags & FHCRC != 0 {
            self.skip(2)?;
        }
        self.inflate.reset(false);
        self.crc.reset();
        Ok(())
    }

    /// Checks a member's trailer, then finds what follows it.
    fn trailer(&mut self) -> io::Result<State> {
        let mut t = [0u8; 8];
        self.take(&mut t)?;
        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
        if crc != self.crc.sum() || size != self.crc.amount() {
            return Err(invalid("gzip member fails its CRC-32 or length check"));
        }
        let avail = self.inner.fill_buf()?;
        match avail.first() {
            None => Ok(State::Done),
            Some(0) => {
                // Zero padding to the end, or garbage.
                let mut zeros = 0u64;
                loop {
                    let avail = self.inner.fill_buf()?;
                    if avail.is_empty() {
                        break;
                    }
                    let n = avail.iter().take_while(|&&b| b == 0).count();
                    let all = n == avail.len();
                    self.inner.consume(n);
                    zeros += n as u64;
                    if !all {
                        return Err(invalid("trailing garbage after the gzip data"));
                    }
                }
                self.padding.fetch_add(zeros, Ordering::Relaxed);
                Ok(State::Done)
            }
            Some(0x1f) => Ok(State::Header),
            Some(_) => Err(invalid("trailing garbage after the gzip data")),
        }
    }
}

impl<R: BufRead> Read for Members<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.state {
                State::Done => return Ok(0),
                State::Header => {
                    self.header()?;
                    self.state = State::Body;
                }
                State::Body => {
                    let input = self.inner.fill_buf()?;
                    let eof = input.is_empty();
                    let (in0, out0) = (self.inflate.total_in(), self.inflate.total_out());
                    let status = self
                        .inflate
                        .decompress(input, buf, FlushDecompress::None)
                        .map_err(|e| invalid(&format!("corrupt deflate data: {e}")))?;
                    let used = (self.inflate.total_in() - in0) as usize;
                    let made = (self.inflate.total_out() - out0) as usize;
                    self.inner.consume(used);
                    self.crc.update(&buf[..made]);
                    if status == Status::StreamEnd {
                        self.state = self.trailer()?;
                    } else if made == 0 && (eof || used == 0) {
                        return Err(truncated());
                    }
                    if made > 0 {
                        return Ok(made);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::{Compression, GzBuilder};
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read(bytes: &[u8]) -> (io::Result<Vec<u8>>, u64) {
        let padding = Arc::new(AtomicU64::new(0));
        let mut m = Members::new(io::BufReader::with_capacity(7, bytes), Arc::clone(&padding));
        let mut out = vec![];
        let r = m.read_to_end(&mut out).map(|_| out);
        (r, padding.load(Ordering::Relaxed))
    }

    #[test]
    fn members_and_zero_padding() {
        let two = [gz(b"first\n"), gz(b"second\n")].concat();
        assert_eq!(read(&two).0.unwrap(), b"first\nsecond\n");
        let mut padded = two.clone();
        padded.extend([0u8; 1000]);
        let (text, pad) = read(&padded);
        assert_eq!((text.unwrap(), pad), (b"first\nsecond\n".to_vec(), 1000));
        let mut garbage = padded.clone();
        garbage.push(b'x');
        assert!(read(&garbage)
            .0
            .unwrap_err()
            .to_string()
            .contains("trailing garbage"));
        let mut junk = two.clone();
        junk.extend(b"junk");
        assert!(read(&junk)
            .0
            .unwrap_err()
            .to_string()
            .contains("trailing garbage"));
        let mut bad_member = two.clone();
        bad_member.extend(b"\x1f\x8b\x09\x00\x00\x00\x00\x00\x00\x03");
        assert!(read(&bad_member)
            .0
            .unwrap_err()
            .to_string()
            .contains("invalid gzip header"));
    }

    #[test]
    fn long_header_fields_within_the_bound() {
        let name = vec![b'n'; 200_000];
        let comment = vec![b'c'; 100_000];
        let mut e = GzBuilder::new()
            .filename(name)
            .comment(comment)
            .extra(vec![7u8; 60_000])
            .write(Vec::new(), Compression::fast());
        e.write_all(b"text\n").unwrap();
        let bytes = e.finish().unwrap();
        assert_eq!(read(&bytes).0.unwrap(), b"text\n");
        let mut e = GzBuilder::new()
            .filename(vec![b'n'; MAX_HEADER_FIELD + 1])
            .write(Vec::new(), Compression::fast());
        e.write_all(b"text\n").unwrap();
        let err = read(&e.finish().unwrap()).0.unwrap_err().to_string();
        assert!(
            err.contains("file name (FNAME) longer than 1024 KiB"),
            "{err}"
        );
    }

    #[test]
    fn damage_and_truncation_are_errors() {
        let good = gz(&b"203.0.113.7 - - [24/Nov/2026:13:55:36 -0700] x\n".repeat(100));
        for cut in [3, 10, 11, good.len() / 2, good.len() - 8, good.len() - 1] {
            assert!(read(&good[..cut]).0.is_err(), "cut at {cut}");
        }
        let mut bad_crc = good.clone();
        let n = bad_crc.len();
        bad_crc[n - 6] ^= 1;
        assert!(read(&bad_crc).0.unwrap_err().to_string().contains("CRC-32"));
    }

    #[test]
    fn header_sniffing() {
        assert!(is_header(&gz(b"x")[..10]));
        assert!(!is_header(b"\x1f\x8b"));
        assert!(!is_header(b"\x1f\x8b\x07\x00"));
        assert!(!is_header(b"\x1f\x8b\x08\x20"));
        assert!(!is_header(b"\x1f\x8bplain text"));
    }
}
