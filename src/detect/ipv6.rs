//! IPv6 addresses in every RFC 4291 text form: the exact parser and the in-text detector.
//!
//! Forms: full (`2001:db8:0:0:1:0:0:1`), `::`-compressed, an embedded IPv4 in the last 32 bits
//! (`::ffff:192.0.2.1`), either case. In text an address may carry a zone id (`fe80::1%eth0`), stand
//! in brackets with a port (`[2001:db8::1]:443`) or be followed by `:port` without brackets
//! (`2001:db8::1234:58430`, where `58430` cannot be a group). The zone, brackets and port are not part
//! of the span.
//!
//! Not addresses: a bare `::` (`')::html`, `foo :: bar`), `::` glued to a word (`std::vector`,
//! `Foo::Bar`), times (`13:55:36`) and MAC addresses (six groups, no `::`).

use std::net::Ipv6Addr;

use super::{hex_value, is_hex, is_word};

/// Parses `s` as a whole IPv6 address (no zone, brackets or port).
pub fn parse(s: &[u8]) -> Option<Ipv6Addr> {
    match parse_prefix(s) {
        Some((addr, len)) if len == s.len() => Some(addr),
        _ => None,
    }
}

/// The longest prefix of `s` that is a complete IPv6 address, and its length.
pub(crate) fn parse_prefix(s: &[u8]) -> Option<(Ipv6Addr, usize)> {
    let mut groups = [0u16; 8];
    let mut n = 0usize; // groups parsed
    let mut gap: Option<usize> = None; // index in `groups` where `::` stands
                                       // The longest complete address so far: (groups in it, its gap, its length).
    let mut best: Option<(usize, Option<usize>, usize)> = None;
    let mut i = 0usize;
    if s.starts_with(b"::") {
        gap = Some(0);
        i = 2;
        best = Some((0, gap, 2));
    }
    loop {
        let mut digits = 0;
        let mut value = 0u16;
        while digits < 5 {
            match s.get(i + digits).and_then(|&b| hex_value(b)) {
                Some(v) => {
                    value = (value << 4) | u16::from(v);
                    digits += 1;
                }
                None => break,
            }
        }
        if digits == 0 {
            break;
        }
        if s.get(i + digits) == Some(&b'.') {
            // Embedded IPv4: only as the last 32 bits.
            let fits = if gap.is_some() {
                n + 2 <= 7
            } else {
                n + 2 == 8
            };
            if fits {
                if let Some((v4, len)) = super::ipv4::parse_prefix(&s[i..]) {
                    let o = v4.octets();
                    groups[n] = u16::from_be_bytes([o[0], o[1]]);
                    groups[n + 1] = u16::from_be_bytes([o[2], o[3]]);
                    best = Some((n + 2, gap, i + len));
                    break;
                }
            }
            // Not an embedded IPv4 (`2001:db8::1.` ending a sentence): the digits are a last
            // group, and the address ends before the dot.
            if digits <= 4 && n < 8 {
                groups[n] = value;
                let complete = match gap {
                    None => n + 1 == 8,
                    Some(_) => n + 1 <= 7,
                };
                if complete {
                    best = Some((n + 1, gap, i + digits));
                }
            }
            break;
        }
        if digits > 4 || n == 8 {
            break;
        }
        groups[n] = value;
        n += 1;
        i += digits;
        let complete = match gap {
            None => n == 8,
            Some(_) => n <= 7,
        };
        if complete {
            best = Some((n, gap, i));
        }
        if s[i..].starts_with(b"::") {
            if gap.is_some() || n > 7 {
                break;
            }
            gap = Some(n);
            i += 2;
            best = Some((n, gap, i));
        } else if s.get(i) == Some(&b':') && s.get(i + 1).is_some_and(|b| is_hex(*b)) {
            i += 1;
        } else {
            break;
        }
    }
    best.map(|(n, gap, len)| (assemble(&groups, n, gap), len))
}

/// Builds the address from `n` parsed groups with the `::` gap (if any) at `gap`.
fn assemble(groups: &[u16; 8], n: usize, gap: Option<usize>) -> Ipv6Addr {
    let mut out = [0u16; 8];
    match gap {
        None => out.copy_from_slice(groups),
        Some(g) => {
            out[..g].copy_from_slice(&groups[..g]);
            let tail = n - g;
            out[8 - tail..].copy_from_slice(&groups[g..n]);
        }
    }
    Ipv6Addr::from(out)
}

fn in_run(b: u8) -> bool {
    is_hex(b) || b == b':' || b == b'.'
}

/// Looks for an address in the run of `[0-9A-Fa-f:.]` around the colon at `colon`, not starting
/// before `lo`. Returns the address span (if any) and where scanning may resume: the address's
/// end, so that the rest of the run is searched too (`2001:db8::1:2001:db8::2` holds two), or,
/// when there is none, the end of the run's hex digits and colons: a dot ends the part judged
/// here (`Foo::B.::1` is a name, then an address).
pub(crate) fn find_at(text: &[u8], colon: usize, lo: usize) -> (Option<(usize, usize)>, usize) {
    let mut start = colon;
    while start > lo && (is_hex(text[start - 1]) || text[start - 1] == b':') {
        start -= 1;
    }
    // `start == lo` only where an address found before ends (a run's end is never hex or `:`):
    // its last byte is not a word this run is glued to.
    let glued = start > lo && is_word(text[start - 1]);
    // First try the run as it stands; when it is glued to a word (`IPv6:2001:db8::1`,
    // `time:2001:db8::1`, `host:2001:db8::1`) or does not parse, try again after its first single
    // colon. A `::` glued to a word is a name (`std::vector`, `Foo::Bar`): never tried again.
    if !glued {
        if let Some(span) = accept(text, start) {
            return (Some(span), span.1);
        }
    }
    let c = text[start..]
        .iter()
        .take_while(|&&b| in_run(b))
        .position(|&b| b == b':');
    if let Some(c) = c {
        let after = start + c + 1;
        if text.get(after) != Some(&b':') {
            if let Some(span) = accept(text, after) {
                return (Some(span), span.1);
            }
        }
    }
    let mut end = colon;
    while end < text.len() && (is_hex(text[end]) || text[end] == b':') {
        end += 1;
    }
    (None, end)
}

/// The address starting at `start`, if it is one, holds a hex digit and ends at a word boundary.
/// When the longest address does not end at a boundary because its last group is the start of a
/// word (`2001:db8::1:bob`), the address up to the colon before that group is tried instead, and so
/// on (at most eight times: an address has at most eight groups).
fn accept(text: &[u8], start: usize) -> Option<(usize, usize)> {
    // No address reaches past its run of `[0-9A-Fa-f:.]`, so the text's end bounds the first try.
    let mut limit = text.len();
    loop {
        let (_, len) = parse_prefix(&text[start..limit])?;
        let end = start + len;
        let has_digit = text[start..end].iter().any(|&b| b != b':');
        let boundary = match text.get(end).copied() {
            None => true,
            Some(b':') => text.get(end + 1) != Some(&b':'),
            Some(b) => !is_word(b),
        };
        if has_digit && boundary {
            return Some((start, end));
        }
        if !has_digit {
            return None;
        }
        // Shorten to before the last single colon of the address.
        limit = start + text[start..end].iter().rposition(|&b| b == b':')?;
        if limit > start && text[limit - 1] == b':' {
            // That colon is half of `::`, and the last group is glued to a word
            // (`2001:db8:1:2::Ag@…`). With two groups or more before the `::` this is an address
            // ending in `::`; with fewer it is a name (`std::vector`, `Foo::Bar`).
            let groups = text[start..limit - 1].split(|&b| b == b':').count();
            return (groups >= 2 && parse(&text[start..=limit]).is_some())
                .then_some((start, limit + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn found(text: &str) -> Vec<&str> {
        let t = text.as_bytes();
        let mut out = vec![];
        let mut lo = 0;
        for p in 0..t.len() {
            if t[p] == b':' && p >= lo {
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
    fn parses_every_form() {
        for s in [
            "2001:db8:85a3:8d3:1319:8a2e:370:7348",
            "2001:DB8::1",
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "::ffff:192.0.2.1",
            "1:2:3:4:5:6:1.2.3.4",
            "64:ff9b::198.51.100.7",
            "2a03:0000:10ff:f00f:0000:0000:0:8000",
        ] {
            assert_eq!(
                parse(s.as_bytes()),
                Some(Ipv6Addr::from_str(s).unwrap()),
                "{s}"
            );
        }
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "",
            ":",
            ":::",
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "12345::",
            "1:2:3:4::5:6:7:8",
            ":1::",
            "1:",
            "g::",
            "::1.2.3",
            "1:2:3:4:5:6:7:1.2.3.4",
            "::ffff:1.2.3.256",
        ] {
            assert_eq!(parse(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn longest_prefix_stops_at_group_boundary() {
        assert_eq!(parse_prefix(b"2001:db8::1234:58430").map(|p| p.1), Some(14));
        assert_eq!(
            parse_prefix(b"2a02:a33c:4538:1:bcf4:5264:e01c:f215:50718").map(|p| p.1),
            Some(36)
        );
        assert_eq!(parse_prefix(b"::1:").map(|p| p.1), Some(3));
    }

    #[test]
    fn finds_in_text() {
        assert_eq!(found("[2001:db8::1]:443"), ["2001:db8::1"]);
        assert_eq!(found("fe80::1%eth0 x"), ["fe80::1"]);
        assert_eq!(found("[IPv6:2001:DB8::1]"), ["2001:DB8::1"]);
        assert_eq!(found("2001:db8::1234:58430"), ["2001:db8::1234"]);
        assert_eq!(found("a 200:: b"), ["200::"]);
        assert_eq!(found("::1, ::ffff:10.0.0.1"), ["::1", "::ffff:10.0.0.1"]);
        assert_eq!(found("from=1:2:3:4:5:6:7:8,"), ["1:2:3:4:5:6:7:8"]);
    }

    /// Leaks found by the property tests (tests/props.rs): an address followed by a dot, or by a
    /// colon and a word starting with hex letters, was not found at all.
    #[test]
    fn an_address_before_a_dot_or_a_hex_word_is_still_found() {
        assert_eq!(found("x 2001:db8::1. y"), ["2001:db8::1"]);
        assert_eq!(found("::1."), ["::1"]);
        assert_eq!(found("0:0:0:0:0:ffff:0:735."), ["0:0:0:0:0:ffff:0:735"]);
        assert_eq!(found("2001:db8:85a3::1:2:3."), ["2001:db8:85a3::1:2:3"]);
        assert_eq!(found("x 2001:db8::1:bob y"), ["2001:db8::1"]);
        assert_eq!(found("1::1:bo"), ["1::1"]);
        assert_eq!(found("2001:db8::1:face:book"), ["2001:db8::1:face"]);
        // The last group glued to a word after `::`: the address up to the `::` is found.
        assert_eq!(found("2001:db8:1:2::Ag@"), ["2001:db8:1:2::"]);
        // Still not addresses.
        assert!(found("std::bad:cafe").is_empty());
        assert!(found("d::Ag").is_empty());
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/scrub.rs`, idempotence): after an address that ends
    /// before its run does, the rest of the run was never searched, so a second address glued on
    /// by a colon stayed in clear (`::C:C::` → `[ipv6]:C::`, which a second pass then redacted).
    #[test]
    fn the_rest_of_a_run_after_an_address_is_searched_too() {
        assert_eq!(found("~J~::C:C::~"), ["::C", "C::"]);
        assert_eq!(
            found("2001:db8::1:2001:db8::2"),
            ["2001:db8::1:2001", "db8::2"]
        );
        assert_eq!(found("1::1:1::1"), ["1::1", "1::1"]);
        // Still one address where the rest is a port or a word.
        assert_eq!(found("2001:db8::1234:58430 x"), ["2001:db8::1234"]);
        assert_eq!(found("x 2001:db8::1:bob y"), ["2001:db8::1"]);
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/scrub.rs`, idempotence): a run glued to a word that
    /// ends in a letter past `f` (`host:`, `ip:`, `PP:`) was not tried again after its colon, so
    /// `client:2001:db8::1` stayed in clear; `time:` (ending in hex `e`) was.
    #[test]
    fn an_address_after_a_word_and_a_colon_is_found() {
        assert_eq!(found("host:2001:db8::1 x"), ["2001:db8::1"]);
        assert_eq!(found("ip:2001:db8::1"), ["2001:db8::1"]);
        assert_eq!(found("PP:C:C435::C"), ["C:C435::C"]);
        assert_eq!(found("time:2001:db8::1"), ["2001:db8::1"]);
        // A `::` glued to a word is still a name.
        assert!(found("Foo::Bar").is_empty());
        assert!(found("x:y::1").is_empty());
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/scrub.rs`, idempotence): when a run held no address
    /// (`GP::B`, a name), the search resumed past the whole run, dots included, so an address after
    /// a dot in it (`.::B`) was never looked at.
    #[test]
    fn an_address_after_a_dot_in_a_run_without_one_is_found() {
        assert_eq!(found("GP::B.::B*:"), ["::B"]);
        assert_eq!(found("Foo::B.2001:db8::1 x"), ["2001:db8::1"]);
        assert!(found("std::vector.size").is_empty());
    }

    #[test]
    fn leaves_non_addresses() {
        for s in [
            "std::vector",
            "')::html",
            "a :: b",
            "Foo::Bar",
            "13:55:36",
            "ab:ab:ab:ab:ab:ab",
            "10/Oct/2026:08:32:31 +0000",
            "std::bad_alloc",
            "a::b::c",
        ] {
            assert!(found(s).is_empty(), "{s}: {:?}", found(s));
        }
    }
}
