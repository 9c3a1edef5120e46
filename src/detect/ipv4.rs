//! IPv4 dotted quads: the exact parser and the in-text detector.
//!
//! Privacy wins over tidiness here: a valid dotted quad is an address wherever it stands, glued to
//! letters (`rv:1.8.1.1pre`) or followed by a `.port` (`192.0.2.169.8490`). Octets are 1–3 decimal
//! digits up to 255; leading zeros are accepted (`010.1.2.3` reads as 10.1.2.3), because some daemons
//! zero-pad and a padded address is still personal data. In text the dots may be URL-encoded
//! (`203%2E0%2E113%2E77`, doubly `%252E`, or some of them only): [`parse_encoded`] reads such a
//! span.

use std::net::{IpAddr, Ipv4Addr};

use super::{Kind, Span};

/// Parses `s` as a whole dotted quad.
pub fn parse(s: &[u8]) -> Option<Ipv4Addr> {
    match parse_prefix(s) {
        Some((addr, len)) if len == s.len() => Some(addr),
        _ => None,
    }
}

/// Parses `s` as a whole dotted quad as found in text, whose dots may be URL-encoded (`%2E` or
/// `%2e`, doubly `%252E`); returns the address and its three separators, as they stand.
pub fn parse_encoded(s: &[u8]) -> Option<(Ipv4Addr, [&[u8]; 3])> {
    let mut octets = [0u8; 4];
    let mut seps: [&[u8]; 3] = [b""; 3];
    let mut i = 0;
    for (n, octet) in octets.iter_mut().enumerate() {
        if n > 0 {
            let len = dot_len(s, i);
            if len == 0 {
                return None;
            }
            seps[n - 1] = &s[i..i + len];
            i += len;
        }
        let (value, run) = number_at(s, i);
        if run == 0 || run > 3 || value > 255 {
            return None;
        }
        *octet = value as u8;
        i += run;
    }
    (i == s.len()).then_some((Ipv4Addr::from(octets), seps))
}

/// The length of the dot at `s[i..]`: 1 for `.`, 3 for `%2E`, 5 for `%252E` (either case), else 0.
pub(crate) fn dot_len(s: &[u8], i: usize) -> usize {
    match s.get(i..).unwrap_or_default() {
        [b'.', ..] => 1,
        [b'%', b'2', b'E' | b'e', ..] => 3,
        [b'%', b'2', b'5', b'2', b'E' | b'e', ..] => 5,
        _ => 0,
    }
}

/// Parses a dotted quad at the start of `s`; returns it and its length. No octet may be followed
/// by another digit (`1.2.3.4567` is not `1.2.3.456`). Octet by octet, without a loop over bytes:
/// this runs for every address found.
pub(crate) fn parse_prefix(s: &[u8]) -> Option<(Ipv4Addr, usize)> {
    let mut octets = [0u8; 4];
    let mut i = 0;
    for (n, octet) in octets.iter_mut().enumerate() {
        if n > 0 {
            if s.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let (value, len) = octet_at(s, i)?;
        *octet = value;
        i += len;
    }
    Some((Ipv4Addr::from(octets), i))
}

/// The octet of 1–3 decimal digits at `s[i..]` and its length; `None` when there is no digit, a
/// fourth one follows, or its value exceeds 255.
#[inline(always)]
fn octet_at(s: &[u8], i: usize) -> Option<(u8, usize)> {
    let digit = |j: usize| {
        s.get(j)
            .map(|b| b.wrapping_sub(b'0'))
            .filter(|&d| d <= 9)
            .map(u32::from)
    };
    let d0 = digit(i)?;
    let Some(d1) = digit(i + 1) else {
        return Some((d0 as u8, 1));
    };
    let Some(d2) = digit(i + 2) else {
        return Some(((d0 * 10 + d1) as u8, 2));
    };
    let value = d0 * 100 + d1 * 10 + d2;
    (value <= 255 && digit(i + 3).is_none()).then_some((value as u8, 3))
}

/// The decimal run at `s[i..]`: its value (only meaningful up to 3 digits: longer runs wrap) and
/// its length.
#[inline]
fn number_at(s: &[u8], i: usize) -> (u32, usize) {
    let mut j = i;
    let mut v = 0u32;
    while let Some(&b) = s.get(j) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v.wrapping_mul(10).wrapping_add(u32::from(d));
        j += 1;
    }
    (v, j - i)
}

/// Looks for an address in the chain of dotted numbers around the dot at `dot` (a `.`, or the
/// `%` of an encoded dot), not starting before `lo`. Returns the span of the first window of four
/// valid octets, and where scanning may resume (the end of the address, or the end of the chain
/// when there is none).
///
/// The fast pass marks the first plain dot of a chain, so from a plain dot only the number
/// before it belongs to the chain; an encoded dot may stand anywhere in one (`1.2.3%2E4`), so from
/// there the walk back takes numbers and dots of either kind.
pub(crate) fn find_at(text: &[u8], dot: usize, lo: usize) -> (Option<Span>, usize) {
    let mut start = dot;
    loop {
        while start > lo && text[start - 1].is_ascii_digit() {
            start -= 1;
        }
        let before = (text[dot] == b'%' && start > lo)
            .then(|| {
                [1, 3, 5]
                    .into_iter()
                    .find(|&n| start >= lo + n && dot_len(text, start - n) == n)
            })
            .flatten();
        match before {
            Some(n) if start - n > lo && text[start - n - 1].is_ascii_digit() => start -= n,
            _ => break,
        }
    }
    // Most chains are one plain address from their start: the general walk below finds the same.
    if text[dot] == b'.' {
        if let Some((addr, len)) = parse_prefix(&text[start..]) {
            let span = Span {
                start,
                end: start + len,
                kind: Kind::Ipv4,
                addr: Some(IpAddr::V4(addr)),
            };
            return (Some(span), start + len);
        }
    }
    // Walk the chain n.n.n...; `starts` holds the starts of the last consecutive valid octets.
    let mut starts = [0usize; 4];
    let mut valid = 0usize;
    let mut i = start;
    loop {
        let (value, run) = number_at(text, i);
        if run == 0 {
            return (None, i.max(dot + 1));
        }
        if run <= 3 && value <= 255 {
            starts[valid % 4] = i;
            valid += 1;
            if valid >= 4 {
                let span = Span::new(starts[valid % 4], i + run, Kind::Ipv4);
                return (Some(span), i + run);
            }
        } else {
            valid = 0;
        }
        let j = i + run;
        let sep = dot_len(text, j);
        if sep > 0 && text.get(j + sep).is_some_and(u8::is_ascii_digit) {
            i = j + sep;
        } else {
            return (None, j.max(dot + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let t = text.as_bytes();
        let mut out = vec![];
        let mut lo = 0;
        for (p, &b) in t.iter().enumerate() {
            if (b == b'.' || (b == b'%' && dot_len(t, p) > 0)) && p >= lo {
                let (span, resume) = find_at(t, p, lo);
                if let Some(s) = span {
                    out.push(&text[s.start..s.end]);
                    if let Some(a) = s.addr {
                        assert_eq!(parse(&t[s.start..s.end]).map(IpAddr::V4), Some(a));
                    }
                }
                lo = resume;
            }
        }
        out
    }

    /// The byte-by-byte reading of a quad that `parse_prefix` unrolls.
    fn parse_prefix_by_bytes(s: &[u8]) -> Option<(Ipv4Addr, usize)> {
        let mut octets = [0u8; 4];
        let (mut n, mut value, mut digits, mut len) = (0usize, 0u32, 0u32, 0);
        for &b in s {
            match b {
                b'0'..=b'9' if digits < 3 => {
                    value = value * 10 + u32::from(b - b'0');
                    digits += 1;
                }
                b'0'..=b'9' => return None,
                b'.' if n < 3 => {
                    if digits == 0 || value > 255 {
                        return None;
                    }
                    octets[n] = value as u8;
                    n += 1;
                    (value, digits) = (0, 0);
                }
                _ => break,
            }
            len += 1;
        }
        if n < 3 || digits == 0 || value > 255 {
            return None;
        }
        octets[3] = value as u8;
        Some((Ipv4Addr::from(octets), len))
    }

    #[test]
    fn the_unrolled_parser_reads_what_the_byte_loop_reads() {
        let alphabet = b"0123456789012345.....x";
        let mut x: u32 = 0x9e37_79b9;
        let mut agreed_on_some = 0;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let len = (x % 20) as usize;
            let s: Vec<u8> = (0..len)
                .map(|i| alphabet[(x.rotate_left(i as u32 * 3) % alphabet.len() as u32) as usize])
                .collect();
            let want = parse_prefix_by_bytes(&s);
            assert_eq!(parse_prefix(&s), want, "{}", String::from_utf8_lossy(&s));
            agreed_on_some += usize::from(want.is_some());
        }
        assert!(
            agreed_on_some > 1000,
            "only {agreed_on_some} quads generated"
        );
    }

    #[test]
    fn parses_dotted_quads() {
        assert_eq!(parse(b"192.0.2.1"), Some(Ipv4Addr::new(192, 0, 2, 1)));
        assert_eq!(parse(b"0.0.0.0"), Some(Ipv4Addr::new(0, 0, 0, 0)));
        assert_eq!(parse(b"255.255.255.255"), Some(Ipv4Addr::BROADCAST));
        assert_eq!(parse(b"010.001.02.3"), Some(Ipv4Addr::new(10, 1, 2, 3)));
        for bad in [
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.",
            "1.2.3.4567",
            "1..2.3",
            "a.b.c.d",
            "",
            "1.2.3.-4",
            "0x1.2.3.4",
        ] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn finds_in_text() {
        assert_eq!(found("203.0.113.77 - - x"), ["203.0.113.77"]);
        assert_eq!(found("rv:1.8.1.1pre"), ["1.8.1.1"]);
        assert_eq!(found("192.0.2.169.8490"), ["192.0.2.169"]);
        assert_eq!(found("[10.0.0.1]:80,10.0.0.2"), ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(found("3000.1.2.3.4"), ["1.2.3.4"]);
        assert_eq!(found("1.2.3.4.5.6.7.8"), ["1.2.3.4", "5.6.7.8"]);
    }

    /// Leak found by an audit: an address with URL-encoded dots (`?ip=203%2E0%2E113%2E77`) was
    /// not found at all.
    #[test]
    fn an_address_with_encoded_dots_is_found() {
        assert_eq!(found("?ip=203%2E0%2E113%2E77&x"), ["203%2E0%2E113%2E77"]);
        assert_eq!(found("203%2e0%2e113%2e77"), ["203%2e0%2e113%2e77"]);
        assert_eq!(
            found("r=203%252E0%252E113%252E77"),
            ["203%252E0%252E113%252E77"]
        );
        assert_eq!(found("1.2.3%2E4 5%2E6.7.8"), ["1.2.3%2E4", "5%2E6.7.8"]);
        assert_eq!(found("a%2E1%2E2%2E3%2E4%2E5"), ["1%2E2%2E3%2E4"]);
        for s in [
            "%2E1%2E2%2E3",
            "1%2E2%2E3",
            "1%2F2%2F3%2F4",
            "1%2E%2E2%2E3%2E4",
            "256%2E1%2E1%2E1",
        ] {
            assert!(found(s).is_empty(), "{s}");
        }
        assert_eq!(
            parse_encoded(b"203%2E0.113%252e77"),
            Some((
                Ipv4Addr::new(203, 0, 113, 77),
                [&b"%2E"[..], b".", b"%252e"]
            ))
        );
        assert_eq!(
            parse_encoded(b"1.2.3.4"),
            Some((Ipv4Addr::new(1, 2, 3, 4), [&b"."[..]; 3]))
        );
        assert_eq!(parse_encoded(b"1%2E2%2E3"), None);
        assert_eq!(parse_encoded(b"1%2E2%2E3%2E4%2E"), None);
    }

    #[test]
    fn leaves_non_addresses() {
        for s in [
            "Chrome/120.0.6099.109",
            "2026.11.25",
            "1.2.3",
            "Firefox/3.6.13",
            "1.2.3.256",
            "13:55:36",
        ] {
            assert!(found(s).is_empty(), "{s}");
        }
    }
}
