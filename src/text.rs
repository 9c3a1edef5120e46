//! Text of the values logscrub reads and writes, shared by the detectors and the actions: hex
//! digits, and IPv4 / IPv6 addresses written as RFC 5952 text without the formatting machinery.
//!
//! A leaf: it imports nothing of the crate.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Lowercase hex digits, by value.
pub const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Whether `b` is a hex digit (either case).
#[inline]
pub fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// The value of every byte as a hex digit (either case), 0xff for the others.
static HEX_VALUE: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => 0xff,
        };
        b += 1;
    }
    table
};

/// The value of a hex digit (either case). A table look-up: the IPv6 parser runs it for every
/// digit of every address.
#[inline]
pub fn hex_value(b: u8) -> Option<u8> {
    let v = HEX_VALUE[usize::from(b)];
    (v < 16).then_some(v)
}

/// Writes `bytes` as lowercase hex digits into `out`, two per byte (`out` is twice as long).
pub fn write_hex(bytes: &[u8], out: &mut [u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        out[2 * i] = HEX_DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = HEX_DIGITS[usize::from(b & 0xf)];
    }
}

/// The decimal text of every octet value: up to three digits, then the number of digits.
static OCTET_TEXT: [[u8; 4]; 256] = {
    let mut table = [[0u8; 4]; 256];
    let mut i = 0;
    while i < 256 {
        let o = i as u8;
        table[i] = match o {
            100.. => [b'0' + o / 100, b'0' + o / 10 % 10, b'0' + o % 10, 3],
            10.. => [b'0' + o / 10, b'0' + o % 10, 0, 2],
            _ => [b'0' + o, 0, 0, 1],
        };
        i += 1;
    }
    table
};

/// Writes an address of either family: [`write_ipv4`] or [`write_ipv6`].
pub fn write_ip(a: IpAddr, out: &mut Vec<u8>) {
    match a {
        IpAddr::V4(a) => write_ipv4(a, out),
        IpAddr::V6(a) => write_ipv6(a, out),
    }
}

/// Dotted decimal, without going through the formatter. Built on the stack from a table of the
/// octets' texts and appended once (this runs for every address).
pub fn write_ipv4(a: Ipv4Addr, out: &mut Vec<u8>) {
    let (text, len) = ipv4_text(a);
    out.extend_from_slice(&text[..len]);
}

/// The dotted decimal text of `a`, in the first `len` bytes of the array.
pub fn ipv4_text(a: Ipv4Addr) -> ([u8; 16], usize) {
    let mut text = [0u8; 16];
    let mut n = 0;
    for (i, o) in a.octets().into_iter().enumerate() {
        if i > 0 {
            text[n] = b'.';
            n += 1;
        }
        // All four bytes are copied; the count after the digits is overwritten by what follows.
        let entry = OCTET_TEXT[usize::from(o)];
        text[n..n + 4].copy_from_slice(&entry);
        n += usize::from(entry[3]);
    }
    (text, n)
}

/// RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups (the
/// first of equals) compressed to `::`, IPv4-mapped addresses as `::ffff:a.b.c.d`. Same text as
/// std's `Display`, without the formatting machinery.
pub fn write_ipv6(a: Ipv6Addr, out: &mut Vec<u8>) {
    if let Some(v4) = a.to_ipv4_mapped() {
        out.extend_from_slice(b"::ffff:");
        return write_ipv4(v4, out);
    }
    let g = a.segments();
    // Longest run of zero groups.
    let (mut best, mut best_len, mut run, mut run_len) = (0, 0, 0, 0);
    for (i, &x) in g.iter().enumerate() {
        if x == 0 {
            if run_len == 0 {
                run = i;
            }
            run_len += 1;
            if run_len > best_len {
                best = run;
                best_len = run_len;
            }
        } else {
            run_len = 0;
        }
    }
    if best_len < 2 {
        best_len = 0;
        best = 8;
    }
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.extend_from_slice(b"::");
            i += best_len;
            continue;
        }
        if i > 0 && i != best + best_len {
            out.push(b':');
        }
        write_hex16(g[i], out);
        i += 1;
    }
}

/// A 16-bit group in lowercase hex without leading zeros.
pub fn write_hex16(x: u16, out: &mut Vec<u8>) {
    let mut started = false;
    for shift in [12, 8, 4, 0] {
        let d = (x >> shift) & 0xf;
        if d != 0 || started || shift == 0 {
            out.push(HEX_DIGITS[usize::from(d)]);
            started = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_digits_of_either_case_and_nothing_else() {
        for b in 0..=255u8 {
            let want = (b as char).to_digit(16).map(|d| d as u8);
            assert_eq!(hex_value(b), want, "{b:#x}");
            assert_eq!(is_hex(b), want.is_some(), "{b:#x}");
        }
        let mut out = [0u8; 6];
        write_hex(&[0x00, 0xaf, 0x19], &mut out);
        assert_eq!(&out, b"00af19");
    }

    #[test]
    fn ipv4_text_is_what_std_displays() {
        let mut x: u32 = 0x9e37_79b9;
        let mut out = b"kept ".to_vec();
        for i in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            // Octets of one, two and three digits in every position, and the extremes.
            let a = match i {
                0 => Ipv4Addr::UNSPECIFIED,
                1 => Ipv4Addr::BROADCAST,
                _ => Ipv4Addr::from(x & [0x0f0f_0f0f, 0x7f7f_7f7f, u32::MAX][i as usize % 3]),
            };
            out.truncate(5);
            write_ipv4(a, &mut out);
            assert_eq!(&out[..5], b"kept ");
            assert_eq!(std::str::from_utf8(&out[5..]).unwrap(), a.to_string());
        }
    }

    #[test]
    fn ipv6_text_is_what_std_displays() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mostly sparse addresses, so zero runs of every length and position occur.
            let mut g = [0u16; 8];
            for (k, seg) in g.iter_mut().enumerate() {
                if (x >> (k * 3)) & 0b11 == 0 {
                    *seg = (x >> (k * 7 % 48)) as u16 & if i % 3 == 0 { 0xf } else { 0xffff };
                }
            }
            if i % 50 == 0 {
                g = [0, 0, 0, 0, 0, 0xffff, g[6], g[7]];
            }
            let a = Ipv6Addr::from(g);
            let mut out = Vec::new();
            write_ipv6(a, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), a.to_string(), "{g:?}");
        }
    }
}
