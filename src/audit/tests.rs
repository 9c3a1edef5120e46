//! The audit over whole inputs: decoding, line numbers, windows of long lines, chunk sizes,
//! expected kinds.

use super::*;

fn audit_with(text: &[u8], policy: &Policy, size: usize) -> (Vec<(u64, Kind, String)>, Summary) {
    let mut chunks = Chunker::new(text, size);
    let mut out = Vec::new();
    let summary = audit(
        &mut chunks,
        &Patterns::default(),
        policy,
        3,
        |f: &Finding| {
            out.push((f.line, f.kind, String::from_utf8_lossy(f.text).into_owned()));
            Ok(())
        },
    )
    .unwrap_or_else(|_| panic!("audit failed"));
    assert_eq!(summary.findings as usize, out.len());
    (out, summary)
}

fn found(text: &[u8]) -> Vec<(u64, Kind, String)> {
    audit_with(text, &Policy::default(), CHUNK).0
}

#[test]
fn findings_carry_their_line_and_raw_text() {
    let text = b"203.0.113.0 - - ok\n2001:db8:85a3:: x ::ffff:192.0.2.0\n\
                 203.0.113.7 - bob@example.com\n[2001:db8::1]:443 ::ffff:192.0.2.9\n[ipv4] email-0123456789abcdef\n";
    assert_eq!(
        found(text),
        [
            (3, Kind::Ipv4, "203.0.113.7".into()),
            (3, Kind::Email, "bob@example.com".into()),
            (4, Kind::Ipv6, "2001:db8::1".into()),
            (4, Kind::Ipv6, "::ffff:192.0.2.9".into()),
        ]
    );
}

#[test]
fn encoded_forms_are_found_and_reported_raw() {
    let cases: &[(&[u8], Kind, &str)] = &[
        (b"q=from%20198.51.100.23", Kind::Ipv4, "198.51.100.23"),
        (b"%22203.0.113.77%22", Kind::Ipv4, "203.0.113.77"),
        (b"ip=203%2E0%2E113%2E77", Kind::Ipv4, "203%2E0%2E113%2E77"),
        (b"%3Dfe80::1 x", Kind::Ipv6, "fe80::1"),
        (b"%2C2001::1", Kind::Ipv6, "2001::1"),
        (b"2001%3Adb8%3A%3A1", Kind::Ipv6, "2001%3Adb8%3A%3A1"),
        (b"2001:db8%3a%3a1", Kind::Ipv6, "2001:db8%3a%3a1"),
        (
            b"http%3a%2f%2f%5b2001%3adb8%3a%3a1%5d%3a8080",
            Kind::Ipv6,
            "2001%3adb8%3a%3a1",
        ),
        (br#""a\n2001:db8::1\nb""#, Kind::Ipv6, "2001:db8::1"),
        (
            br"jane\u0040example\u002ecom",
            Kind::Email,
            r"jane\u0040example\u002ecom",
        ),
        (b"jane&#64;example.com", Kind::Email, "jane&#64;example.com"),
        (
            b"jane&#x40;example.com",
            Kind::Email,
            "jane&#x40;example.com",
        ),
        (
            b"jane&commat;example&period;com",
            Kind::Email,
            "jane&commat;example&period;com",
        ),
        (
            b"jane%252540example.com",
            Kind::Email,
            "jane%252540example.com",
        ),
        (b"jane%40%65xample.com", Kind::Email, "jane%40%65xample.com"),
        (
            b"to=ren%C3%A9e.dupont%40example.fr",
            Kind::Email,
            "ren%C3%A9e.dupont%40example.fr",
        ),
        (b"jos%E9%40example.es", Kind::Email, "jos%E9%40example.es"),
        (
            br"ren\u00e9e@example.fr",
            Kind::Email,
            r"ren\u00e9e@example.fr",
        ),
        (
            br"ren\xc3\xa9e@example.fr",
            Kind::Email,
            r"ren\xc3\xa9e@example.fr",
        ),
        (
            br#"\"jane.doe\"@example.com"#,
            Kind::Email,
            r#"\"jane.doe\"@example.com"#,
        ),
    ];
    for (line, kind, text) in cases {
        let got = found(line);
        assert_eq!(
            got,
            [(1, *kind, text.to_string())],
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    // What the raw text shows is judged too: `%2547::1` decodes to `G::1` but shows `2547::1`.
    assert_eq!(
        found(b" 0.0.0.0%2547::1 "),
        [(1, Kind::Ipv6, "2547::1".to_string())]
    );
    // Both addresses of a list after an escape.
    assert_eq!(found(b"xff=10.0.0.1%2C%20203.0.113.77").len(), 2);
}

#[test]
fn invalid_utf8_and_no_final_newline_are_read() {
    let mut text = b"\xff\xfe 203.0.113.7\n".to_vec();
    text.extend(b"x\n".repeat(100));
    text.extend_from_slice(b"last 198.51.100.23");
    let (got, summary) = audit_with(&text, &Policy::default(), CHUNK);
    assert_eq!(
        got,
        [
            (1, Kind::Ipv4, "203.0.113.7".into()),
            (102, Kind::Ipv4, "198.51.100.23".into())
        ]
    );
    assert_eq!(summary.lines, 102);
}

#[test]
fn line_numbers_and_findings_do_not_depend_on_the_chunk_size() {
    let mut text = Vec::new();
    for i in 0..3000u32 {
        text.extend_from_slice(
            format!(
                "{i} 203.0.{}.{} u{i}@example.org 2001:db8::{:x} -\n",
                i % 256,
                i % 250 + 1,
                i + 1
            )
            .as_bytes(),
        );
    }
    let whole = found(&text);
    assert_eq!(whole.len(), 9000);
    assert_eq!(whole[8997].0, 3000);
    for size in [2 * OVERLAP, 2 * OVERLAP + 77, 300_000] {
        assert_eq!(
            audit_with(&text, &Policy::default(), size).0,
            whole,
            "{size}"
        );
    }
}

/// A line longer than a chunk is searched in overlapping windows: a candidate at any offset
/// across a cut is found exactly once.
#[test]
fn a_candidate_across_a_window_cut_is_found_once_at_every_offset() {
    let size = 2 * OVERLAP;
    // The first window ends at `size`, the second starts at `size - OVERLAP`, and what is anchored
    // after `size - OVERLAP / 2` is the second's.
    for cut in [size - OVERLAP / 2, size - OVERLAP, size] {
        for item in ["203.0.113.77", "jane@example.com", "2001:db8::7"] {
            for start in cut - item.len() - 2..=cut + 2 {
                let mut line = vec![b' '; 3 * size];
                line[start..start + item.len()].copy_from_slice(item.as_bytes());
                line.push(b'\n');
                let got = audit_with(&line, &Policy::default(), size).0;
                assert_eq!(got.len(), 1, "{item} at {start}, cut {cut}: {got:?}");
                assert_eq!(got[0].2, item, "{item} at {start}");
            }
        }
    }
}

#[test]
fn a_local_part_longer_than_a_window_is_still_an_email() {
    let size = 2 * OVERLAP;
    let mut line = vec![b'a'; 3 * size];
    line.extend_from_slice(b"@example.com\n");
    let got = audit_with(&line, &Policy::default(), size).0;
    assert_eq!(got.len(), 1);
    assert!(got[0].2.ends_with("aaa@example.com"));
}

#[test]
fn expected_kinds_are_counted_not_reported() {
    let text = b"203.0.113.7 2001:db8::1 jane@example.com 203.0.113.0\n";
    let enc = Policy {
        ips_expected: true,
        ..Policy::default()
    };
    let (got, s) = audit_with(text, &enc, CHUNK);
    assert_eq!(got, [(1, Kind::Email, "jane@example.com".into())]);
    assert_eq!((s.expected_ips, s.expected_emails), (2, 0));
    let keep_all = Policy {
        ips_expected: true,
        emails_expected: true,
        ..Policy::default()
    };
    let (got, s) = audit_with(text, &keep_all, CHUNK);
    assert!(got.is_empty());
    assert_eq!((s.expected_ips, s.expected_emails, s.findings), (2, 1, 0));
}

#[test]
fn policies_judge_host_bits() {
    let p = Policy::default();
    assert!(p.ipv4_leaks(0xCB00_7101) && !p.ipv4_leaks(0xCB00_7100));
    let zero = Policy {
        ipv4_prefix: 0,
        ipv6_prefix: 0,
        ..p
    };
    assert!(zero.ipv4_leaks(1) && !zero.ipv4_leaks(0));
    assert!(zero.ipv6_leaks("::2".parse().unwrap()));
    let full = Policy {
        ipv4_prefix: 32,
        ipv6_prefix: 128,
        ..p
    };
    assert!(!full.ipv4_leaks(u32::MAX) && !full.ipv6_leaks(std::net::Ipv6Addr::from(u128::MAX)));
    assert!(p.ipv6_leaks("::ffff:192.0.2.1".parse().unwrap()));
    assert!(!p.ipv6_leaks("::ffff:192.0.2.0".parse().unwrap()));
}
