//! The detectors over arbitrary bytes.
//!
//! - [`find_spans`]: every span is non-empty, in bounds, sorted, non-overlapping and never holds a
//!   newline; a [`Detector`] reused across inputs (as a worker keeps one) finds what a fresh one
//!   finds.
//! - Each span is what its kind says: an IPv4 span is a dotted quad by the documented rule (std's,
//!   plus leading zeros, dots perhaps URL-encoded), an IPv6 span parses (or is a merge with an overlapping address), an email
//!   span holds an at-sign (`@`, `%40` or `%2540`).
//! - The exact parsers agree with `std::net` on the whole input: whatever std reads, they read the
//!   same; whatever they read beyond std is a zero-padded dotted quad (documented).
#![no_main]

use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use logscrub::detect::{find_spans, ipv4, ipv6, Detector, Kind, Span};

thread_local! {
    static REUSED: RefCell<(Detector, Vec<Span>)> = RefCell::new((Detector::new(), Vec::new()));
}

fuzz_target!(|data: &[u8]| {
    let spans = find_spans(data);
    check_spans(data, &spans);
    REUSED.with(|r| {
        let (detector, out) = &mut *r.borrow_mut();
        detector.find(data, out);
        assert_eq!(*out, spans, "a reused detector differs from a fresh one");
    });
    check_parsers(data);
});

/// Whether `text` is an IPv6 address merged with what is glued after it: two addresses sharing the
/// middle colon of `:::` (`0:::15:0`), or an address and the groups left of another it took the
/// first groups of (`A8::8:28:2:28:2:28:2:2`). It holds only hex digits and colons, and starts
/// with an address.
fn merged_v6(text: &[u8]) -> bool {
    text.iter().all(|&b| b.is_ascii_hexdigit() || b == b':')
        && (2..text.len()).any(|i| ipv6::parse(&text[..i]).is_some())
}

fn check_spans(data: &[u8], spans: &[Span]) {
    let mut prev_end = 0;
    for s in spans {
        assert!(s.start < s.end, "empty span {s:?}");
        assert!(
            s.end <= data.len(),
            "span {s:?} beyond {} bytes",
            data.len()
        );
        assert!(
            s.start >= prev_end,
            "span {s:?} overlaps or precedes the one before"
        );
        prev_end = s.end;
        let text = &data[s.start..s.end];
        // The address a span carries is the one its bytes spell (the actions trust it).
        if let Some(addr) = s.addr {
            let read = match s.kind {
                Kind::Ipv4 => ipv4::parse(text).map(IpAddr::V4),
                Kind::Ipv6 => ipv6::parse(text).map(IpAddr::V6),
                Kind::Email => None,
            };
            assert_eq!(read, Some(addr), "span {s:?} carries another address");
        }
        assert!(!text.contains(&b'\n'), "span {s:?} crosses a newline");
        match s.kind {
            Kind::Ipv4 => {
                // Dots may be URL-encoded, singly or doubly (`21%2E0.10.1`).
                let a = ipv4::parse_encoded(text).map(|(a, _)| a);
                assert!(a.is_some(), "IPv4 span {} does not parse", show(text));
                assert_eq!(
                    a,
                    decimal_quad(&decode_dots(text)),
                    "IPv4 span {}",
                    show(text)
                );
            }
            Kind::Ipv6 => {
                // A span merged with an overlapping IPv4 address, whose dots may be URL-encoded,
                // may extend past the IPv6 text (`1:2:3:4:5:6:7:8.1.2.3`, `9%2e0%2e0%2e1::8`),
                // and one merged with what is glued after it holds more (see `merged_v6`);
                // otherwise it parses as a whole.
                assert!(
                    ipv6::parse(text).is_some()
                        || decode_dots(text).contains(&b'.')
                        || merged_v6(text),
                    "IPv6 span {} does not parse",
                    show(text)
                );
            }
            Kind::Email => {
                assert!(
                    text.contains(&b'@') || contains(text, b"%40") || contains(text, b"%2540"),
                    "email span {} has no at-sign",
                    show(text)
                );
            }
        }
    }
}

fn check_parsers(data: &[u8]) {
    let v4 = ipv4::parse(data);
    match std_v4(data) {
        Some(a) => assert_eq!(v4, Some(a), "std reads {} as {a}", show(data)),
        None => assert_eq!(v4, decimal_quad(data), "IPv4 parse of {}", show(data)),
    }
    let v6 = ipv6::parse(data);
    match std_v6(data) {
        Some(a) => assert_eq!(v6, Some(a), "std reads {} as {a}", show(data)),
        None => assert_eq!(v6, v6_zero_padded(data), "IPv6 parse of {}", show(data)),
    }
}

fn show(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn std_v4(s: &[u8]) -> Option<Ipv4Addr> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

fn std_v6(s: &[u8]) -> Option<Ipv6Addr> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// The documented IPv4 rule, independent of the parser: four dot-separated runs of 1–3 decimal
/// digits, each at most 255, leading zeros read as decimal (`010.1.2.3` is 10.1.2.3).
/// `s` with `%2E` and `%252E` (either case) read as the dots they encode.
fn decode_dots(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let len = match rest {
            [b'%', b'2', b'E' | b'e', ..] => 3,
            [b'%', b'2', b'5', b'2', b'E' | b'e', ..] => 5,
            _ => 0,
        };
        if len > 0 {
            out.push(b'.');
            i += len;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

fn decimal_quad(s: &[u8]) -> Option<Ipv4Addr> {
    let mut o = [0u8; 4];
    let mut parts = s.split(|&b| b == b'.');
    for octet in &mut o {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let v = p.iter().fold(0u32, |v, &b| v * 10 + u32::from(b - b'0'));
        *octet = u8::try_from(v).ok()?;
    }
    parts.next().is_none().then(|| Ipv4Addr::from(o))
}

/// An IPv6 address that std rejects only because its embedded IPv4 is zero-padded: the rule of
/// [`decimal_quad`] carries over to the embedded form.
fn v6_zero_padded(s: &[u8]) -> Option<Ipv6Addr> {
    let colon = s.iter().rposition(|&b| b == b':')?;
    let v4 = decimal_quad(&s[colon + 1..])?;
    let mut canon = s[..=colon].to_vec();
    canon.extend_from_slice(v4.to_string().as_bytes());
    std_v6(&canon)
}
