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

/// Looks for addresses in the chain of dotted numbers around the dot at `dot` (a `.`, or the
/// `%` of an encoded dot), not starting before `lo`. Calls `found` with the span of each address
/// in the chain, in order, and returns where scanning may resume: the end of the chain.
///
/// A chain splits into runs of valid octets at every number that cannot be one (`3000`, `8490`).
/// A run of four is one address; a longer run is read from its right end, in windows of four
/// (`app1.203.0.113.77.nip.io` holds `203.0.113.77`, an SNMP OID ends in the address it is
/// about, `1.2.3.4.5.6.7.8` holds two), so what is left of it before its first address has fewer
/// than four numbers and is no address either. Digits that end a pseudonym (`ip4-…`, 16 hex
/// digits) are part of it, not of a chain: a pseudonym followed by `.1.3.227` is no address.
///
/// The fast pass marks the first plain dot of a chain, so from a plain dot only the number
/// before it belongs to the chain; an encoded dot may stand anywhere in one (`1.2.3%2E4`), so from
/// there the walk back takes numbers and dots of either kind.
pub(crate) fn find_at(text: &[u8], dot: usize, lo: usize, mut found: impl FnMut(Span)) -> usize {
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
    // Most chains are one plain address: the general walk below finds the same.
    let glued = ends_pseudonym(text, start + number_at(text, start).1);
    if text[dot] == b'.' && !glued {
        if let Some((addr, len)) = parse_prefix(&text[start..]) {
            let end = start + len;
            let sep = dot_len(text, end);
            if sep == 0 || !text.get(end + sep).is_some_and(u8::is_ascii_digit) {
                found(Span {
                    start,
                    end,
                    kind: Kind::Ipv4,
                    addr: Some(IpAddr::V4(addr)),
                });
                return end;
            }
        }
    }
    // Walk the chain n.n.n...; a run of valid octets is emitted when it ends.
    let mut run_start = start; // first byte of the current run of valid octets
    let mut valid = 0usize; // octets in it
    let mut i = start;
    loop {
        let (value, len) = number_at(text, i);
        if len == 0 {
            emit_run(text, run_start, valid, &mut found);
            return i.max(dot + 1);
        }
        let octet = len <= 3 && value <= 255 && !(i == start && glued);
        if octet {
            if valid == 0 {
                run_start = i;
            }
            valid += 1;
        } else {
            emit_run(text, run_start, valid, &mut found);
            valid = 0;
        }
        let j = i + len;
        let sep = dot_len(text, j);
        if sep > 0 && text.get(j + sep).is_some_and(u8::is_ascii_digit) {
            i = j + sep;
        } else {
            emit_run(text, run_start, valid, &mut found);
            return j.max(dot + 1);
        }
    }
}

/// Emits the addresses of the run of `n` valid octets at `start`: windows of four from its right
/// end, left to right.
fn emit_run(text: &[u8], start: usize, n: usize, found: &mut impl FnMut(Span)) {
    if n < 4 {
        return;
    }
    // Skip the numbers left over before the first window.
    let mut i = start;
    for _ in 0..n % 4 {
        i = next_number(text, i);
    }
    for _ in 0..n / 4 {
        let from = i;
        let mut end = i;
        for k in 0..4 {
            end = i + number_at(text, i).1;
            if k < 3 {
                i = next_number(text, i);
            }
        }
        let addr = parse(&text[from..end]).map(IpAddr::V4);
        found(Span {
            start: from,
            end,
            kind: Kind::Ipv4,
            addr,
        });
        i = after_number(text, end);
    }
}

/// The start of the number after the one at `i` in a chain (past its separator).
fn next_number(text: &[u8], i: usize) -> usize {
    after_number(text, i + number_at(text, i).1)
}

/// The start of the next number after the separator at `j`.
fn after_number(text: &[u8], j: usize) -> usize {
    j + dot_len(text, j)
}

/// Whether the text before `end` is a pseudonym (`ip4-`, `ip6-` or `email-` and 16 lower-case
/// hex digits): logscrub's own output, whose hex digits glue to nothing after them.
pub(crate) fn ends_pseudonym(text: &[u8], end: usize) -> bool {
    const HEX: usize = 16;
    if end < HEX + 4 {
        return false;
    }
    let digits = &text[end - HEX..end];
    if !digits
        .iter()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return false;
    }
    if text
        .get(end)
        .is_some_and(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return false;
    }
    let head = &text[..end - HEX];
    head.ends_with(b"ip4-") || head.ends_with(b"ip6-") || head.ends_with(b"email-")
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
                lo = find_at(t, p, lo, |s| {
                    out.push(&text[s.start..s.end]);
                    if let Some(a) = s.addr {
                        assert_eq!(parse(&t[s.start..s.end]).map(IpAddr::V4), Some(a));
                    }
                });
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

    /// Leak found by an audit: in a chain of more than four dotted numbers the first window of
    /// four was taken, so `app1.203.0.113.77.nip.io` was masked to `app1.203.0.0.77` (the host
    /// octet kept, a network octet zeroed). The address is the rightmost window.
    #[test]
    fn a_long_chain_is_read_from_its_right_end() {
        assert_eq!(found("app1.203.0.113.77.nip.io"), ["203.0.113.77"]);
        assert_eq!(found("eth0.0.0.0.1"), ["0.0.0.1"]);
        assert_eq!(
            found("oid 1.3.6.1.2.1.4.20.1.1.192.168.1.10 x"),
            ["6.1.2.1", "4.20.1.1", "192.168.1.10"]
        );
        assert_eq!(found("1.2.3.4.5.6.7.8.9"), ["2.3.4.5", "6.7.8.9"]);
        assert_eq!(found("a.b.1.2.3.4.5.x"), ["2.3.4.5"]);
        assert_eq!(found("192.0.2.169.8490"), ["192.0.2.169"]);
        assert_eq!(found("1.2.3.4.5000.6.7.8.9.10"), ["1.2.3.4", "7.8.9.10"]);
        assert_eq!(found("v=1%2E2%2E3%2E4%2E5"), ["2%2E3%2E4%2E5"]);
    }

    /// Found by the fixed-point property: a pseudonym's hex digits glued to a following
    /// `.1.3.227` formed a new address on a second scrub.
    #[test]
    fn a_pseudonym_glues_to_no_address() {
        assert!(found("ip4-0123456789abcd12.1.3.227").is_empty());
        assert!(found("email-0123456789abcd12.1.3.227").is_empty());
        assert_eq!(found("ip4-0123456789abcd12.1.3.227.4"), ["1.3.227.4"]);
        // Sixteen hex digits without the prefix are no pseudonym.
        assert_eq!(found("x0123456789abcd12.1.3.227"), ["12.1.3.227"]);
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
        assert_eq!(found("a%2E1%2E2%2E3%2E4%2E5"), ["2%2E3%2E4%2E5"]);
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
