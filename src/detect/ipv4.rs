//! IPv4 dotted quads: the exact parser and the in-text detector.
//!
//! Privacy wins over tidiness here: a valid dotted quad is an address wherever it stands, glued to
//! letters (`rv:1.8.1.1pre`) or followed by a `.port` (`192.0.2.169.8490`). Octets are 1–3 decimal
//! digits up to 255; leading zeros are accepted (`010.1.2.3` reads as 10.1.2.3), because some daemons
//! zero-pad and a padded address is still personal data.

use std::net::Ipv4Addr;

/// Parses `s` as a whole dotted quad.
pub fn parse(s: &[u8]) -> Option<Ipv4Addr> {
    match parse_prefix(s) {
        Some((addr, len)) if len == s.len() => Some(addr),
        _ => None,
    }
}

/// Parses a dotted quad at the start of `s`; returns it and its length. The fourth octet must not be
/// followed by another digit (`1.2.3.4567` is not `1.2.3.456`).
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
        let (value, run) = number_at(s, i);
        if run == 0 || run > 3 || value > 255 {
            return None;
        }
        *octet = value as u8;
        i += run;
    }
    Some((Ipv4Addr::from(octets), i))
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

/// Looks for an address in the chain of dotted numbers around the dot at `dot`, not starting
/// before `lo`. Returns the span of the first window of four valid octets, and where scanning may
/// resume (the end of the address, or the end of the chain when there is none).
pub(crate) fn find_at(text: &[u8], dot: usize, lo: usize) -> (Option<(usize, usize)>, usize) {
    let mut start = dot;
    while start > lo && text[start - 1].is_ascii_digit() {
        start -= 1;
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
                return (Some((starts[valid % 4], i + run)), i + run);
            }
        } else {
            valid = 0;
        }
        let j = i + run;
        if text.get(j) == Some(&b'.') && text.get(j + 1).is_some_and(u8::is_ascii_digit) {
            i = j + 1;
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
            if b == b'.' && p >= lo {
                let (span, resume) = find_at(t, p, lo);
                if let Some((s, e)) = span {
                    out.push(&text[s..e]);
                }
                lo = resume;
            }
        }
        out
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
