//! Accepted and rejected forms of each pattern, and the judges' verdicts.

use super::*;

/// The candidates of `text` under `policy`: (kind, text, leaks).
fn hits_with(text: &[u8], policy: &Policy) -> Vec<(Kind, String, bool)> {
    let mut hits = Vec::new();
    Patterns::default().scan(text, policy, &mut hits);
    hits.iter()
        .map(|h| {
            let t = String::from_utf8_lossy(&text[h.start..h.end]).into_owned();
            (h.kind, t, h.leaks)
        })
        .collect()
}

/// The leaking candidates of `text` under the default policy.
fn leaks(text: &[u8]) -> Vec<(Kind, String)> {
    hits_with(text, &Policy::default())
        .into_iter()
        .filter(|h| h.2)
        .map(|(k, t, _)| (k, t))
        .collect()
}

fn one(kind: Kind, text: &str) -> Vec<(Kind, String)> {
    vec![(kind, text.to_string())]
}

#[test]
fn ipv4_anywhere_and_glued_to_letters() {
    use Kind::Ipv4;
    assert_eq!(leaks(b"203.0.113.77 - -"), one(Ipv4, "203.0.113.77"));
    assert_eq!(leaks(b"ip203.0.113.77x"), one(Ipv4, "203.0.113.77"));
    assert_eq!(leaks(b"[203.0.113.77]:443"), one(Ipv4, "203.0.113.77"));
    assert_eq!(leaks(b"010.001.002.003"), one(Ipv4, "010.001.002.003"));
    assert_eq!(leaks(b"a,10.0.0.1,b"), one(Ipv4, "10.0.0.1"));
    // Not octets: more than three digits or above 255.
    assert!(leaks(b"1203.0.113.77 203.0.113.256 1.2.3").is_empty());
}

#[test]
fn ipv4_with_zero_host_bits_passes() {
    assert!(leaks(b"Chrome/121.0.0.0 203.0.113.0 ::ffff:192.0.2.0").is_empty());
    let p = Policy {
        ipv4_prefix: 16,
        ..Policy::default()
    };
    assert!(hits_with(b"203.0.113.0", &p)[0].2);
    assert!(!hits_with(b"203.0.0.0", &p)[0].2);
    let all = Policy {
        ipv4_prefix: 32,
        ..Policy::default()
    };
    assert!(!hits_with(b"203.0.113.77", &all)[0].2);
}

#[test]
fn long_dotted_runs_are_judged_by_every_window_and_pass_when_the_rightmost_is_masked() {
    use Kind::Ipv4;
    assert_eq!(
        leaks(b"app1.203.0.113.77.nip.io"),
        one(Ipv4, "1.203.0.113.77")
    );
    assert_eq!(leaks(b"eth0.0.0.0.1"), one(Ipv4, "0.0.0.0.1"));
    let oid = "1.3.6.1.2.1.4.20.1.1.192.0.2.77";
    assert_eq!(leaks(oid.as_bytes()), one(Ipv4, oid));
    // An address in the middle: the rightmost window (0.2.77.5) leaks too.
    assert_eq!(leaks(b"x.192.0.2.77.5"), one(Ipv4, "192.0.2.77.5"));
    // What a mask leaves: the rightmost window zeroed.
    assert!(leaks(b"app1.203.0.113.0.nip.io 1.3.6.1.2.1.4.20.1.1.192.0.2.0").is_empty());
    // What redact or hash leaves: the rightmost window replaced.
    assert!(leaks(b"1.3.6.1.2.1.4.20.1.1.[ipv4] 1.3.6.1.2.ip4-0123456789abcdef").is_empty());
    // ...but four numbers before a marker are an address of their own.
    assert_eq!(leaks(b"203.0.113.7.[ipv4]"), one(Ipv4, "203.0.113.7"));
    // A number that is no octet splits a run into stretches judged apart.
    assert_eq!(leaks(b"1.2.3.4.300.5.6.7.0"), one(Ipv4, "1.2.3.4"));
}

#[test]
fn pseudonyms_are_consumed_so_glued_text_forms_no_address() {
    assert!(leaks(b"ip4-0123456789abcdef.1.3.227").is_empty());
    assert!(leaks(b"ip4-0123456789abcde9.1.3.227 ip6-0123456789abcdef::1").is_empty());
    assert!(leaks(b"email-0123456789abcdef ip6-ffffffffffffffff:1:2").is_empty());
    // Not a pseudonym (upper case, too short): its digits are text.
    assert_eq!(
        leaks(b"ip4-0123456789ABCDE9.1.3.227"),
        one(Kind::Ipv4, "9.1.3.227")
    );
}

#[test]
fn ipv6_in_every_form() {
    use Kind::Ipv6;
    for a in [
        "2001:db8:85a3:8d3:1319:8a2e:370:7348",
        "2001:db8::1",
        "::1",
        "fe80::1ff:fe23:4567:890a",
        "::ffff:192.0.2.77",
        "2001:DB8::A",
        "64:ff9b::192.0.2.33",
    ] {
        assert_eq!(leaks(a.as_bytes()), one(Ipv6, a), "{a}");
        assert_eq!(leaks(format!("[{a}]:443").as_bytes()), one(Ipv6, a), "{a}");
    }
    assert_eq!(leaks(b"fe80::1%eth0"), one(Ipv6, "fe80::1"));
    // Glued to letters, `_`, an escape's letter: found when it has three groups or more.
    assert_eq!(
        leaks(b"ip_fe80::1ff:fe23:4567:890a"),
        one(Ipv6, "fe80::1ff:fe23:4567:890a")
    );
    assert_eq!(
        leaks(b"x2001:db8:85a3:8d3:1319:8a2e:370:7348y"),
        one(Ipv6, "2001:db8:85a3:8d3:1319:8a2e:370:7348")
    );
    assert_eq!(leaks(b"n2001:db8::1n"), one(Ipv6, "2001:db8::1"));
    // Glued to hex letters: the groups are the last four digits before the first colon and the
    // first four after the last.
    assert_eq!(
        leaks(b"id2001:db8:85a3:8d3:1319:8a2e:370:7348"),
        one(Ipv6, "2001:db8:85a3:8d3:1319:8a2e:370:7348")
    );
    assert_eq!(
        leaks(b"2001:db8:85a3:8d3:1319:8a2e:370:7348feed"),
        one(Ipv6, "2001:db8:85a3:8d3:1319:8a2e:370:7348")
    );
    assert_eq!(leaks(b"abc2001:db8::42"), one(Ipv6, "2001:db8::42"));
    // A port glued before a full address with its port: found raw, and its masked form passes.
    assert_eq!(
        leaks(b":443c46e:e069:c79b:9b41:205f:738:a855:7219:57144"),
        one(Ipv6, "c46e:e069:c79b:9b41:205f:738:a855:7219")
    );
    assert!(
        leaks(b":443c46e:e069:c79b:0:0:0:0:0:57144 :443602:e456:36ee:0:0:0:0:0:15972").is_empty()
    );
    // ...also after a dot.
    assert!(leaks(b"x=.d11:5cb1:5e73:0:0:0:0:0:39482").is_empty());
    assert_eq!(
        leaks(b"x=.d11:5cb1:5e73:1:0:0:0:0:39482"),
        one(Ipv6, "d11:5cb1:5e73:1:0:0:0:0")
    );
    // Lists, and addresses joined by dots.
    assert_eq!(leaks(b"2001:db8::1,fe80::2").len(), 2);
    assert_eq!(
        leaks(b"2001:db8::.2001:db8::2 ::.::ffff:1."),
        [
            (Ipv6, "2001:db8::2".to_string()),
            (Ipv6, "::ffff:1".to_string())
        ]
    );
}

#[test]
fn code_times_macs_and_sql_casts_are_not_addresses() {
    for t in [
        "std::vector<int>",
        "a::text",
        "Foo::Bar::baz",
        "x::int8 col::bigint '1'::date",
        "00:1a:2b:3c:4d:5e",
        "[10/Oct/2000:13:55:36 -0700]",
        "12:34:56.789",
        "u8::MAX Vec::<u8>::new",
    ] {
        assert!(
            leaks(t.as_bytes()).is_empty(),
            "{t}: {:?}",
            leaks(t.as_bytes())
        );
    }
}

#[test]
fn ipv6_with_zero_host_bits_passes_also_with_a_port() {
    assert!(leaks(b"2001:db8:85a3:: [2001:db8:85a3::]:443 ::").is_empty());
    assert!(leaks(b"2001:db8:85a3:0:0:0:0:0:443").is_empty());
    // The raw form of the same with its port: the address is the first eight groups.
    assert_eq!(
        leaks(b"2001:db8:85a3:8d3:1319:8a2e:370:7348:443"),
        one(Kind::Ipv6, "2001:db8:85a3:8d3:1319:8a2e:370:7348")
    );
    let p = Policy {
        ipv6_prefix: 128,
        ..Policy::default()
    };
    assert!(!hits_with(b"2001:db8::1", &p)[0].2);
}

#[test]
fn an_ipv4_in_a_colon_run_without_an_ipv6_is_still_found() {
    assert_eq!(leaks(b"203.0.113.7:8080:x"), one(Kind::Ipv4, "203.0.113.7"));
    assert_eq!(leaks(b"10:20:203.0.113.7"), one(Kind::Ipv4, "203.0.113.7"));
}

#[test]
fn emails_of_every_shape() {
    use Kind::Email;
    for e in [
        "jane@example.com",
        "o'brien@example.ie",
        "\"jane.doe\"@example.com",
        "jane.doe+tag@sub.example.co.uk",
        "x@b\u{fc}cher.example.de",
        "ren\u{e9}e@example.fr",
        "jane@example.xn--p1ai",
        "jane@пример.рф",
    ] {
        assert_eq!(leaks(e.as_bytes()), one(Email, e), "{e}");
    }
    assert_eq!(leaks(b"jos\xe9@example.es").len(), 1);
    assert_eq!(
        leaks(b"?to=jane@example.com&x"),
        one(Email, "jane@example.com")
    );
    assert_eq!(
        leaks(b"to=a@b.org.cc@d.org"),
        [
            (Email, "a@b.org.cc".to_string()),
            (Email, "@d.org".to_string())
        ]
    );
    // A local part of any length.
    let long = format!("{}@example.com", "a".repeat(5000));
    assert_eq!(leaks(long.as_bytes()), one(Email, &long));
    // Not emails: no local part, no dotted domain.
    for t in [
        "@example.com",
        "[email]@example.com",
        "jane@localhost",
        "a@b.12",
        "x@ y.z",
        "a@b.c",
        "/static/icon@2x.png",
        "a=@org.apache.commons.io.IOUtils",
        "forums/@ADMINconfig.php",
    ] {
        assert!(leaks(t.as_bytes()).is_empty(), "{t}");
    }
}
