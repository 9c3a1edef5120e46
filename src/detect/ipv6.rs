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

use std::net::{IpAddr, Ipv6Addr};

use super::{is_word, Kind, Span};
use crate::text::{hex_value, is_hex};

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
                    Some(_) => n < 7,
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

/// Looks for an address around the colon at `colon`, not starting before `lo`. `follows` says
/// that `lo` is the end of an address just found: what stands there separates the two and glues
/// nothing to the next one (`1:2:3:4:5:6:7:8:1:2:3:4:5:6:7:8` is two addresses, so is
/// `2001:db8::1.2001:db8::2`). Returns the address span (if any) and where scanning may resume:
/// the end of the address, so a run may hold any number of them; with none, the end of the part of
/// the run the address would have been in (up to its next dot), which is judged as a whole.
///
/// Linear time: the walk back stops at `lo`; each try reads at most one address (45 bytes) and
/// starts at a colon not tried before (the walk forward stops at the first address found, and
/// when there is none, ends where scanning resumes).
pub(crate) fn find_at(
    text: &[u8],
    colon: usize,
    lo: usize,
    follows: bool,
) -> (Option<Span>, usize) {
    let mut start = colon;
    while start > lo && (is_hex(text[start - 1]) || text[start - 1] == b':') {
        start -= 1;
    }
    let follows = follows && start == lo;
    // Right after an address, colons three in a row may be the end of one and the start of the
    // next (`1:::1`): the next one may take the last two (the spans overlap and merge).
    let mut shared = false;
    if follows {
        // Skip the colons that separate the two, keeping a `::` that starts the next one
        // (`1:::2::2` is `1::`, `:`, `2::2`; `1::1:::2` is `1::1`, `:`, `::2`).
        let after = text[start..].iter().take_while(|&&b| b == b':').count();
        shared = after == 1 && text[..start].ends_with(b"::");
        start += if after >= 2 { after - 2 } else { after };
    }
    let glued = !follows && start > 0 && is_word(text[start - 1]);
    // First try the run as it stands. Glued to a word (`ip_fe80::1ff:fe23:4567:890a`, the `n` of
    // a JSON `\n`), or to hex letters that make its first group too long (`a2001:db8:…`), only
    // an address of enough groups counts (privacy first, as for IPv4), never a name like
    // `std::vector`, `a::text` or `Foo::Bar`.
    let head = text[start..]
        .iter()
        .take(13)
        .take_while(|&&b| is_hex(b))
        .count();
    // Those are tried last, after the starts at each colon: a key glued before the address
    // (`time:2001:db8::1`, `IPv6:…`) is not part of it.
    let glued_start = || match (glued, head) {
        (true, 0..=4) => accept(text, start).filter(|s| strong(&text[s.start..s.end])),
        (_, 5..=12) if !super::ipv4::ends_pseudonym(text, start + head) => {
            accept(text, start + head - 4).filter(|s| strong(&text[s.start..s.end]))
        }
        _ => None,
    };
    // A first group of three or four hex digits is the address's (`addr2001:db8::7`,
    // `_faaa:0::1`, `_100:0::1`, `x2a9:ffaf:…:b7af:3273`), so is the tail of a longer hex run
    // (`id2001:db8::1`); one or two are rather the end of a key (`time:`, `IPv6:`, `wlan0:`).
    let digit_led = head >= 3;
    let mut found = match (glued, head) {
        (false, 0..=4) => accept(text, start),
        (true, 0..=4) | (_, 5..=12) if digit_led => glued_start(),
        _ => None,
    };
    if found.is_none() && shared {
        found = accept(text, lo - 1);
    }
    // Groups left over after an address that ends in a group are what remains of another that it
    // took the first groups of (`::1:0:0:1:0:0:0` + `:` + `0:0:0:0:0:0:0:1`): they are replaced
    // too, in one span with the address before them (the two overlap: the last groups of both
    // form an address).
    let ends_in_group = || text[..lo].iter().rev().find(|&&b| !is_hex(b)) == Some(&b':');
    if found.is_none() && follows && lo > 0 && is_hex(text[lo - 1]) && ends_in_group() {
        found = leftover(text, start).map(|end| Span::new(lo - 1, end, Kind::Ipv6));
    }
    // Then try after each colon of this part of the run (up to its next dot), in turn: an address
    // may start at any group (`[192.0.2.1]:10000:::1` holds `::1`, `com:::1` too), or at a `::`
    // after a colon, but never right after a `::` (it would take the `::` too). So a `::` glued
    // to a word is a name (`Foo::Bar`, `std::vector`): what follows it is tried only from its
    // next group on.
    let mut q = start;
    while found.is_none() && q < text.len() && text[q] != b'.' && in_run(text[q]) {
        if text[q] == b':' {
            let starts = match &text[q + 1..text.len().min(q + 4)] {
                [b':', b':', b':', ..] => false,
                [b':', b':', ..] => true,
                [b':', ..] => false,
                _ => q == 0 || text[q - 1] != b':',
            };
            if starts {
                found = accept(text, q + 1);
                // A group too long to be one may end in the first of the address
                // (`:443ab62:447d:…`, a port glued on).
                let h = text[q + 1..]
                    .iter()
                    .take(13)
                    .take_while(|&&b| is_hex(b))
                    .count();
                if found.is_none() && (5..=12).contains(&h) {
                    let from = q + 1 + h - 4;
                    if !super::ipv4::ends_pseudonym(text, q + 1 + h) {
                        found = accept(text, from).filter(|s| strong(&text[s.start..s.end]));
                    }
                }
            }
        }
        q += 1;
    }
    if found.is_none() {
        found = glued_start();
    }
    match found {
        Some(span) => (Some(span), span.end),
        // Nothing here: the rest of this part of the run holds no address either.
        None => (None, q.max(colon + 1)),
    }
}

/// The end of two or more groups (`hex{1,4}` joined by single colons, the last two perhaps as a
/// dotted quad) starting at `start` and ending at a word boundary, if there are.
fn leftover(text: &[u8], start: usize) -> Option<usize> {
    let (mut i, mut ends) = (start, [start; 2]);
    let mut groups = 0;
    loop {
        if let Some((_, len)) = super::ipv4::parse_prefix(&text[i..]) {
            return Some(i + len);
        }
        let digits = text[i..].iter().take(5).take_while(|&&b| is_hex(b)).count();
        if digits == 0 || digits > 4 {
            break;
        }
        i += digits;
        groups += 1;
        ends = [ends[1], i];
        if text.get(i) == Some(&b':') && text.get(i + 1).is_some_and(|&b| is_hex(b)) {
            i += 1;
        } else {
            break;
        }
    }
    // Without a boundary after the last group (`:0:1:bob`), end before it.
    if text.get(ends[1]).is_some_and(|&b| is_word(b)) {
        groups -= 1;
        ends[1] = ends[0];
    }
    (groups >= 2).then_some(ends[1])
}

/// Whether the address text `s` has enough groups to be an address even when glued to a word:
/// all eight, or two or more around a `::` (a dotted quad counts as two), and a decimal digit.
/// Names have one group, or no digit (`std::vector`, `a::text`, `x::int`, `std::bad:cafe`).
fn strong(s: &[u8]) -> bool {
    let groups: usize = s
        .split(|&b| b == b':')
        .filter(|g| !g.is_empty())
        .map(|g| if g.contains(&b'.') { 2 } else { 1 })
        .sum();
    let gap = s.windows(2).any(|w| w == b"::");
    s.iter().any(u8::is_ascii_digit) && (groups == 8 || (gap && groups >= 2))
}

/// Whether the address text `s` is all eight groups, without `::`.
fn full(s: &[u8]) -> bool {
    !s.windows(2).any(|w| w == b"::") && s.iter().filter(|&&b| b == b':').count() == 7
}

/// The address starting at `start`, if it is one, holds a hex digit and ends at a word boundary.
/// When the longest address does not end at a boundary because its last group is the start of a
/// word (`2001:db8::1:bob`), the address up to the colon before that group is tried instead, and so
/// on (at most eight times: an address has at most eight groups).
fn accept(text: &[u8], start: usize) -> Option<Span> {
    // The parser reads at most one address (45 bytes) whatever the limit.
    let mut limit = text.len();
    loop {
        let (addr, len) = parse_prefix(&text[start..limit])?;
        let end = start + len;
        let has_digit = text[start..end].iter().any(|&b| b != b':');
        let boundary = match text.get(end).copied() {
            None => true,
            // A `::` and a word after it are a name's (`a::b::c`); but a third colon starts the
            // next address, and a bare `::` ends this one (`2001:db8::1::`).
            Some(b':') => {
                text.get(end + 1) != Some(&b':')
                    || !text.get(end + 2).is_some_and(|&b| b != b':' && is_word(b))
            }
            Some(b) => !is_word(b),
        };
        // Glued to a word after it (`…:7348y`, the `n` of a JSON `\n`): an address of enough
        // groups still counts, when its last group did not stop short of a longer hex run.
        // A last group of letters only is rather the start of the word (`2001:db8::1:bob`),
        // unless it is all there is after the `::` (`24c1:5e22::baadq`: without it the host
        // part would be lost) or the address has all eight groups.
        let last = text[start..end]
            .rsplit(|&b| b == b':')
            .next()
            .unwrap_or_default();
        let glued_end = !boundary
            && has_digit
            && text.get(end).is_some_and(|&b| b != b':' && !is_hex(b))
            && (last.iter().any(u8::is_ascii_digit)
                || full(&text[start..end])
                || text[start..end - last.len()].ends_with(b"::"))
            && strong(&text[start..end]);
        if has_digit && (boundary || glued_end) {
            return Some(Span {
                start,
                end,
                kind: Kind::Ipv6,
                addr: Some(IpAddr::V6(addr)),
            });
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
            if groups < 2 || parse(&text[start..=limit]).is_none() {
                return None;
            }
            // A dotted quad after it is the tail of an address glued to this one, too long to
            // be its own (`0.0.0.1:1` + `:` + `0:1:0:1:1::0.1.0.0`): it goes with it.
            let tail = super::ipv4::parse_prefix(&text[limit + 1..]).map_or(0, |(_, len)| len);
            return Some(Span::new(start, limit + 1 + tail, Kind::Ipv6));
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
        let (mut lo, mut follows) = (0, false);
        for p in 0..t.len() {
            if t[p] == b':' && p >= lo {
                let (span, resume) = find_at(t, p, lo, follows);
                if let Some(s) = span {
                    out.push(&text[s.start..s.end]);
                    if let Some(a) = s.addr {
                        assert_eq!(parse(&t[s.start..s.end]).map(IpAddr::V6), Some(a));
                    }
                }
                (lo, follows) = (resume, span.is_some());
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
        // The last group glued to a word right after `::` is the host part (issue 14, privacy
        // first: `24c1:5e22::baadq` lost `baad` when the address ended at the `::`).
        assert_eq!(found("2001:db8:1:2::Ag@"), ["2001:db8:1:2::A"]);
        assert_eq!(found("(24c1:5e22::baadq=x"), ["24c1:5e22::baad"]);
        // Still not addresses.
        assert!(found("std::bad:cafe").is_empty());
        assert!(found("d::Ag").is_empty());
    }

    /// Found by fuzzing (`fuzz/fuzz_targets/scrub.rs`, idempotence): after an address that ends
    /// before its run does, the rest of the run was never searched, so a second address glued on
    /// by a colon stayed in clear (`::C:C::` → `[ipv6]:C::`, which a second pass then redacted).
    #[test]
    fn the_rest_of_a_run_after_an_address_is_searched_too() {
        // Since a bare `::` after an address ends it (rather than making a name of it), the
        // fuzzer's case is one address; either way no group is left in clear.
        assert_eq!(found("~J~::C:C::~"), ["::C:C"]);
        assert_eq!(found("~J~::C:C::C~"), ["::C", "C::C"]);
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

    /// Leak found by an audit: `find_at` returned at most one address per run of `[hex:.]` and
    /// resumed at the end of the run, so an address glued to another by `.` or `:` survived
    /// (`2001:db8::1.2001:db8::2` kept `2001:db8::2`, a 4 MB line of `::ffff:1.` kept all but the
    /// first, `1:2:3:4:5:6:7:8:1:2:3:4:5:6:7:8` its second half).
    #[test]
    fn the_second_of_two_glued_addresses_is_found() {
        assert_eq!(
            found("2001:db8::1.2001:db8::2"),
            ["2001:db8::1", "2001:db8::2"]
        );
        assert_eq!(found("::ffff:1.::ffff:1."), ["::ffff:1", "::ffff:1"]);
        assert_eq!(
            found("1:2:3:4:5:6:7:8:1:2:3:4:5:6:7:8"),
            ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"]
        );
        assert_eq!(
            found("::ffff:1.2.3.4.2001:db8::1"),
            ["::ffff:1.2.3.4", "2001:db8::1"]
        );
        // Glued by one colon, the first takes what it can; the rest is searched again.
        assert_eq!(
            found("2001:db8::1:2001:db8::2"),
            ["2001:db8::1:2001", "db8::2"]
        );
        assert_eq!(found("1:::2::2"), ["1::", "2::2"]);
        assert_eq!(found("1::1:::2"), ["1::1", "::2"]);
        assert_eq!(found("1:::::2"), ["1::", "::2"]);
        assert_eq!(found("1:::1"), ["1::", "::1"]);
        // What is left of an address the one before took groups of is replaced with it.
        assert_eq!(
            found("::1:0:0:1:0:0:0:0:0:0:0:0:0:1"),
            ["::1:0:0:1:0:0:0", "0:0:0:0:0:0:0:1"]
        );
        assert_eq!(
            found("1:1:0:0:0:0:1:0:0.1.0.0"),
            ["1:1:0:0:0:0:1:0", "0:0.1.0.0"]
        );
        assert_eq!(found("2001:db8::1:face:book"), ["2001:db8::1:face"]);
        assert_eq!(found("1:1:0:1:0:1:1::0.1.0.0"), ["1:1:0:1:0:1:1::0.1.0.0"]);
        assert_eq!(found(&"::ffff:1.".repeat(1000)).len(), 1000);
        assert_eq!(found(&"1:2:3:4:5:6:7:8:".repeat(1000)).len(), 1000);
        // A run that holds no address still holds none when something follows it.
        assert_eq!(found("a::b::c.2001:db8::1"), ["2001:db8::1"]);
    }

    /// Found by the property tests (`embedded_secrets_never_survive_in_any_context`): an address
    /// followed by a bare `::` was taken for a name like `a::b::c` and shortened by its last group,
    /// which then stood alone (`0::0:0:0:0:1::` kept `::0001`, the whole host part).
    #[test]
    fn an_address_before_a_bare_double_colon_is_found_whole() {
        assert_eq!(found(" 0::0:0:0:0:1:: x"), ["0::0:0:0:0:1"]);
        assert_eq!(found("2001:db8::1::"), ["2001:db8::1"]);
        assert_eq!(found("2001:db8::1::\""), ["2001:db8::1"]);
        // Still names.
        assert!(found("a::b::c").is_empty());
        assert!(found("a::b::c::d").is_empty());
    }

    /// Found while fixing the above: a run starting with a colon glued to a word whose last
    /// letter is not a hex digit (`ip:2001:db8::1`, `client:…`) was never searched at all, and
    /// only the group after the first colon was tried as a start (`[192.0.2.1]:10000:::1`).
    #[test]
    fn an_address_after_a_key_and_a_colon_is_found() {
        assert_eq!(found("ip:2001:db8::1"), ["2001:db8::1"]);
        assert_eq!(found("client:2001:db8:85a3::7 x"), ["2001:db8:85a3::7"]);
        assert_eq!(found("x:1:2:3:4:5:6:7:8"), ["1:2:3:4:5:6:7:8"]);
        assert_eq!(found("host:::1"), ["::1"]);
        assert_eq!(found("[192.0.2.1]:10000:::1"), ["::1"]);
        assert_eq!(found("mac:ab:cd:ef:01:23:45"), Vec::<&str>::new());
    }

    /// Leak found by an audit: an address glued to a letter, `_` or a JSON escape was not found
    /// (IPv4 in the same places was).
    #[test]
    fn an_address_glued_to_a_word_is_found() {
        assert_eq!(
            found(r"2001:db8::1\n2001:db8:85a3:8d3:1319:8a2e:370:7348\nfe80::1ff:fe23:4567:890a"),
            [
                "2001:db8::1",
                "2001:db8:85a3:8d3:1319:8a2e:370:7348",
                "fe80::1ff:fe23:4567:890a"
            ]
        );
        assert_eq!(
            found("ip_fe80::1ff:fe23:4567:890a"),
            ["fe80::1ff:fe23:4567:890a"]
        );
        assert_eq!(
            found("x2001:db8:85a3:8d3:1319:8a2e:370:7348y"),
            ["2001:db8:85a3:8d3:1319:8a2e:370:7348"]
        );
        assert_eq!(
            found("a2001:db8:85a3:8d3:1319:8a2e:370:7348"),
            ["2001:db8:85a3:8d3:1319:8a2e:370:7348"]
        );
        assert_eq!(found("=fe80::1 D2fe80::1"), ["fe80::1", "fe80::1"]);
        assert_eq!(found("addr2001:db8::7x"), ["2001:db8::7"]);
        // Still names, SQL casts and MACs.
        for s in [
            "std::vector",
            "a::text",
            "Foo::Bar::baz",
            "'2026-11-25'::date",
            "x::int4",
            "price::numeric(10,2)",
            "00:1a:2b:3c:4d:5e",
            "mac=00:1a:2b:3c:4d:5ex",
            "ip6-0123456789abcdef:1:2:3:4:5:6:7",
        ] {
            assert!(found(s).is_empty(), "{s}: {:?}", found(s));
        }
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
