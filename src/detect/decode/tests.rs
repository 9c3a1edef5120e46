use super::*;
use crate::detect::{runs::RunEdges, runs::SpanFinder, Kind};

fn found(line: &str) -> Vec<(Kind, &str)> {
    let mut f = SpanFinder::default();
    f.find(line.as_bytes(), &RunEdges::default());
    f.spans()
        .iter()
        .map(|s| (s.kind, &line[s.start..s.end]))
        .collect()
}

#[test]
fn escapes_decode_to_their_characters() {
    let dec = |s: &str| {
        let mut out = Vec::new();
        decode_all(s.as_bytes(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    };
    assert_eq!(dec("jane%40example.com"), "jane@example.com");
    assert_eq!(dec("jane%252540example.com"), "jane@example.com");
    assert_eq!(dec(r"jane\u0040example\u002ecom"), "jane@example.com");
    assert_eq!(
        dec("jane&#64;x&#x2E;org &commat; &period;"),
        "jane@x.org @ ."
    );
    assert_eq!(dec(r"ren\xc3\xa9e \n\t\/"), "renée \n\t/");
    assert_eq!(dec("100% &nope; &#; \\q %zz"), "100% &nope; &#; \\q %zz");
}

#[test]
fn addresses_after_an_escape_are_found() {
    assert_eq!(
        found("q=from%20198.51.100.23&x"),
        [(Kind::Ipv4, "198.51.100.23")]
    );
    assert_eq!(
        found("xff=10.0.0.1%2C%20203.0.113.77 y"),
        [(Kind::Ipv4, "10.0.0.1"), (Kind::Ipv4, "203.0.113.77")]
    );
    assert_eq!(
        found("a=%22203.0.113.77%22"),
        [(Kind::Ipv4, "203.0.113.77")]
    );
    assert_eq!(found("a=%28192.0.2.77%29"), [(Kind::Ipv4, "192.0.2.77")]);
    assert_eq!(found("x=%3Dfe80::1 "), [(Kind::Ipv6, "fe80::1")]);
    assert_eq!(found("x=%2C2001::1 "), [(Kind::Ipv6, "2001::1")]);
}

#[test]
fn encoded_addresses_and_emails_are_found_whole() {
    for (line, want) in [
        ("ip=2001%3Adb8%3A%3A1&x", "2001%3Adb8%3A%3A1"),
        ("ip=2001%3adb8%3a%3a1&x", "2001%3adb8%3a%3a1"),
        ("ip=2001:db8%3A%3A1&x", "2001:db8%3A%3A1"),
    ] {
        assert_eq!(found(line), [(Kind::Ipv6, want)], "{line}");
    }
    assert_eq!(
        found("r=http%3a%2f%2f%5b2001%3adb8%3a%3a1%5d%3a8080"),
        [(Kind::Ipv6, "2001%3adb8%3a%3a1")]
    );
    for (line, want) in [
        (r#"{"m":"jane\u0040example.com"}"#, r"jane\u0040example.com"),
        ("m=jane&#64;example.com", "jane&#64;example.com"),
        ("m=jane&#x40;example.com", "jane&#x40;example.com"),
        ("m=jane&commat;example.com", "jane&commat;example.com"),
        (
            r#"{"m":"jane\u0040example\u002ecom"}"#,
            r"jane\u0040example\u002ecom",
        ),
        ("m=jane%252540example.com", "jane%252540example.com"),
        ("m=jane%40%65xample.com", "jane%40%65xample.com"),
        (
            "m=ren%C3%A9e.dupont%40example.fr",
            "ren%C3%A9e.dupont%40example.fr",
        ),
        ("m=jos%E9%40example.es", "jos%E9%40example.es"),
        (r#"{"m":"ren\u00e9e@example.fr"}"#, r"ren\u00e9e@example.fr"),
        (r"m=ren\xc3\xa9e@example.fr", r"ren\xc3\xa9e@example.fr"),
    ] {
        assert_eq!(found(line), [(Kind::Email, want)], "{line}");
    }
}

/// Found by the independent check's differential test (fuzzed lines, every action).
#[test]
fn differential_finds() {
    let mut f = SpanFinder::default();
    let text = b" 0.0.0.100%300:0:1:1::0:0%eth0 ";
    f.find(text, &RunEdges::default());
    assert!(
        f.spans().iter().any(|s| s.start <= 11 && s.end >= 25),
        "{:?}",
        f.spans()
    );
    assert_eq!(
        found("x=:443ab62%3A447d%3A728c%3A2985%3A1344%3A9a8%3Abaec%3Ae1aa%3A32116 y"),
        [(
            Kind::Ipv6,
            "ab62%3A447d%3A728c%3A2985%3A1344%3A9a8%3Abaec%3Ae1aa"
        )]
    );
    assert_eq!(
        found(r#"x=":443"jane.d%6Fe"@ma%69%6C.e%78amp%6Ce.%63%6F.%75k y"#),
        [(
            Kind::Email,
            r#""jane.d%6Fe"@ma%69%6C.e%78amp%6Ce.%63%6F.%75k"#
        )]
    );
    assert_eq!(
        found("a=%2824c1:5e22::baadq=x"),
        [(Kind::Ipv6, "24c1:5e22::baad")]
    );
    // An escape's digits are the escape's where the view reads an address after it, and an
    // address's own where it reads none (`0.0.0.100%300:0:1:1::0:0%eth0` holds `%30`).
    assert_eq!(
        found("a=%29::ffff:57.115.16.181:443 "),
        [(Kind::Ipv6, "::ffff:57.115.16.181")]
    );
    assert_eq!(
        found("a=q=from%20\"jane.doe\"@example.com x"),
        [(Kind::Email, "\"jane.doe\"@example.com")]
    );
    assert_eq!(
        found("x=\\/ren\u{e9}e&#x40;b\u{fc}cher.example.de:443 "),
        [(Kind::Email, "ren\u{e9}e&#x40;b\u{fc}cher.example.de")]
    );
}

#[test]
fn text_without_escapes_or_candidates_is_left() {
    assert!(found("GET /a%20b/c%2Fd?x=1&y=2 HTTP/1.1").is_empty());
    assert!(found(r#"{"ua":"Mozilla\/5.0 \"x\""}"#).is_empty());
    assert!(found("&amp;&lt;&gt; %41%42 \\x41").is_empty());
}
