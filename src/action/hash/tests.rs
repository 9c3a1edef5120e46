use super::*;
use crate::detect::find_spans;
use std::process::{Command, Stdio};

const MASTER: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn master() -> Key {
    Key::from_hex(MASTER.as_bytes()).unwrap()
}

fn shared(rotation: Rotation) -> Arc<Pseudonyms> {
    Arc::new(Pseudonyms::new(&master(), rotation))
}

fn v4(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn v6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

fn text(out: Vec<u8>) -> String {
    String::from_utf8(out).unwrap()
}

fn cached_v4(c: &mut PseudonymCache, t: i64, a: &str) -> String {
    let mut out = Vec::new();
    c.ipv4(t, v4(a), &mut out);
    text(out)
}

fn cached_v6(c: &mut PseudonymCache, t: i64, a: &str) -> String {
    let mut out = Vec::new();
    c.ipv6(t, v6(a), &mut out);
    text(out)
}

fn cached_email(c: &mut PseudonymCache, t: i64, a: &str) -> String {
    let mut out = Vec::new();
    c.email(t, a.as_bytes(), &mut out);
    text(out)
}

/// Unix time of a UTC civil time.
fn utc(y: i64, m: u32, d: u32, hh: i64, mm: i64, ss: i64) -> i64 {
    days_from_civil(y, m, d) * DAY + hh * 3600 + mm * 60 + ss
}

/// HMAC-SHA256 by the `openssl` command line, as the README tells a user to run it; `None`
/// (with a note) when `openssl` is not installed.
fn openssl_hmac(hexkey: &str, message: &[u8]) -> Option<String> {
    let child = Command::new("openssl")
        .args(["dgst", "-sha256", "-mac", "HMAC", "-macopt"])
        .arg(format!("hexkey:{hexkey}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("note: skipping the openssl cross-check: cannot run openssl: {e}");
            return None;
        }
    };
    child.stdin.take().unwrap().write_all(message).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "openssl failed: {output:?}");
    // `SHA2-256(stdin)= 5d1a…` (OpenSSL 3) or `(stdin)= 5d1a…` (1.1).
    let line = String::from_utf8(output.stdout).unwrap();
    let hex = line.split_whitespace().last().unwrap().to_string();
    assert_eq!(hex.len(), 64, "{line}");
    Some(hex)
}

#[test]
fn form_of_pseudonyms() {
    let mut c = PseudonymCache::new(shared(Rotation::Never));
    for (p, marker) in [
        (cached_v4(&mut c, 0, "203.0.113.7"), "ip4-"),
        (cached_v6(&mut c, 0, "2001:db8::1"), "ip6-"),
        (cached_email(&mut c, 0, "jane@example.org"), "email-"),
    ] {
        let hex = p.strip_prefix(marker).unwrap();
        assert_eq!(hex.len(), DIGEST_HEX_DIGITS, "{p}");
        assert!(
            hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "{p}"
        );
    }
}

#[test]
fn agrees_with_openssl_without_rotation() {
    let p = shared(Rotation::Never);
    let mut c = PseudonymCache::new(p.clone());
    let cases: [(String, &str, &str); 5] = [
        (cached_v4(&mut c, 0, "203.0.113.7"), "ip4-", "203.0.113.7"),
        (
            cached_v6(&mut c, 0, "2001:DB8:0:0::1"),
            "ip6-",
            "2001:db8::1",
        ),
        (
            cached_v6(&mut c, 0, "::ffff:203.0.113.7"),
            "ip4-",
            "203.0.113.7",
        ),
        (
            cached_email(&mut c, 0, "Jane%40Example.ORG"),
            "email-",
            "jane@example.org",
        ),
        (
            cached_email(&mut c, 0, "a%2Bb%40x.org"),
            "email-",
            "a+b@x.org",
        ),
    ];
    for (pseudonym, marker, canonical) in cases {
        let Some(full) = openssl_hmac(MASTER, canonical.as_bytes()) else {
            return;
        };
        assert_eq!(pseudonym, format!("{marker}{}", &full[..16]), "{canonical}");
        assert_eq!(hex_of(&p.forever.digest(canonical.as_bytes())), full);
    }
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn agrees_with_openssl_in_two_steps_with_daily_rotation() {
    let p = shared(Rotation::Daily);
    let t = utc(2026, 11, 25, 13, 45, 0);
    let mut c = PseudonymCache::new(p.clone());
    let ip = cached_v4(&mut c, t, "198.51.100.23");
    let mail = cached_email(&mut c, t, "Jane.Doe%40Example.org");
    // Step 1: the day's key. Step 2: the pseudonym under it.
    let Some(day_key) = openssl_hmac(MASTER, b"logscrub period 2026-11-25") else {
        return;
    };
    let ip_hmac = openssl_hmac(&day_key, b"198.51.100.23").unwrap();
    assert_eq!(ip, format!("ip4-{}", &ip_hmac[..16]));
    let mail_hmac = openssl_hmac(&day_key, b"jane.doe@example.org").unwrap();
    assert_eq!(mail, format!("email-{}", &mail_hmac[..16]));
    // And monthly: `logscrub period 2026-11`.
    let p = shared(Rotation::Monthly);
    let mut c = PseudonymCache::new(p);
    let ip = cached_v4(&mut c, t, "198.51.100.23");
    let month_key = openssl_hmac(MASTER, b"logscrub period 2026-11").unwrap();
    let ip_hmac = openssl_hmac(&month_key, b"198.51.100.23").unwrap();
    assert_eq!(ip, format!("ip4-{}", &ip_hmac[..16]));
}

#[test]
fn digest_matches_rfc_4231_test_case_2() {
    // Key "Jefe" is not 32 bytes, so go through the HMAC directly.
    let mut mac = HmacSha256::new_from_slice(b"Jefe").unwrap();
    mac.update(b"what do ya want for nothing?");
    assert_eq!(
        hex_of(&mac.finalize().into_bytes()),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn period_labels() {
    let mut buf = [0u8; 64];
    let daily = shared(Rotation::Daily);
    let t = utc(2026, 11, 25, 0, 0, 0);
    let n = daily.period_label(daily.period(t), &mut buf).unwrap();
    assert_eq!(&buf[..n], b"logscrub period 2026-11-25");
    let n = daily.period_label(daily.period(-1), &mut buf).unwrap();
    assert_eq!(&buf[..n], b"logscrub period 1969-12-31");
    let monthly = shared(Rotation::Monthly);
    let n = monthly.period_label(monthly.period(t), &mut buf).unwrap();
    assert_eq!(&buf[..n], b"logscrub period 2026-11");
    assert_eq!(monthly.period(utc(1970, 1, 31, 23, 59, 59)), 0);
    assert_eq!(monthly.period(utc(1970, 2, 1, 0, 0, 0)), 1);
    assert_eq!(monthly.period(-1), -1);
    assert!(shared(Rotation::Never).period_label(0, &mut buf).is_none());
}

#[test]
fn period_ranges_hold_exactly_their_times() {
    for rotation in [Rotation::Daily, Rotation::Monthly] {
        let p = shared(rotation);
        for t in [
            0,
            -1,
            utc(2024, 2, 29, 12, 0, 0),
            utc(2026, 12, 31, 23, 59, 59),
            utc(2027, 1, 1, 0, 0, 0),
            i64::MAX,
            i64::MIN,
        ] {
            let period = p.period(t);
            let (first, last) = p.period_range(period);
            assert!(first <= t && t <= last, "{rotation:?} {t}");
            if first > i64::MIN {
                assert_eq!(p.period(first - 1), period - 1, "{rotation:?} {t}");
            }
            if last < i64::MAX {
                assert_eq!(p.period(last + 1), period + 1, "{rotation:?} {t}");
            }
        }
    }
    assert_eq!(
        shared(Rotation::Never).period_range(0),
        (i64::MIN, i64::MAX)
    );
}

#[test]
fn deterministic_across_caches_and_runs() {
    for rotation in [Rotation::Never, Rotation::Daily, Rotation::Monthly] {
        let mut a = PseudonymCache::new(shared(rotation));
        let mut b = PseudonymCache::new(shared(rotation));
        let t = utc(2026, 3, 4, 5, 6, 7);
        for _ in 0..3 {
            assert_eq!(
                cached_v4(&mut a, t, "192.0.2.1"),
                cached_v4(&mut b, t, "192.0.2.1")
            );
            assert_eq!(
                cached_v6(&mut a, t, "2001:db8::5"),
                cached_v6(&mut b, t, "2001:db8::5")
            );
            assert_eq!(
                cached_email(&mut a, t, "bob@example.com"),
                cached_email(&mut b, t, "bob@example.com")
            );
        }
    }
}

#[test]
fn different_keys_and_values_give_different_pseudonyms() {
    let other =
        Key::from_hex(b"100102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f").unwrap();
    let mut a = PseudonymCache::new(shared(Rotation::Never));
    let mut b = PseudonymCache::new(Arc::new(Pseudonyms::new(&other, Rotation::Never)));
    assert_ne!(
        cached_v4(&mut a, 0, "192.0.2.1"),
        cached_v4(&mut b, 0, "192.0.2.1")
    );
    assert_ne!(
        cached_v6(&mut a, 0, "2001:db8::1"),
        cached_v6(&mut b, 0, "2001:db8::1")
    );
    assert_ne!(
        cached_email(&mut a, 0, "a@b.co"),
        cached_email(&mut b, 0, "a@b.co")
    );
    assert_ne!(
        cached_v4(&mut a, 0, "192.0.2.1"),
        cached_v4(&mut a, 0, "192.0.2.2")
    );
    // The same 32 bits as IPv4 and as IPv6 are different addresses.
    assert_ne!(
        cached_v4(&mut a, 0, "0.0.0.1")[4..],
        cached_v6(&mut a, 0, "::1")[4..]
    );
}

#[test]
fn daily_rotation_changes_at_midnight_utc() {
    let before = utc(2026, 11, 24, 23, 59, 59);
    let midnight = utc(2026, 11, 25, 0, 0, 0);
    let end = utc(2026, 11, 25, 23, 59, 59);
    let mut daily = PseudonymCache::new(shared(Rotation::Daily));
    let mut never = PseudonymCache::new(shared(Rotation::Never));
    for (c, changes) in [(&mut daily, true), (&mut never, false)] {
        let a = cached_v4(c, before, "192.0.2.1");
        let b = cached_v4(c, midnight, "192.0.2.1");
        assert_eq!(a != b, changes);
        assert_eq!(cached_v4(c, end, "192.0.2.1"), b);
        let a = cached_email(c, before, "a@b.co");
        let b = cached_email(c, midnight, "a@b.co");
        assert_eq!(a != b, changes);
        assert_eq!(cached_email(c, end, "a@b.co"), b);
    }
}

#[test]
fn monthly_rotation_changes_at_the_first_of_the_month() {
    let mut c = PseudonymCache::new(shared(Rotation::Monthly));
    let jan_end = cached_v4(&mut c, utc(2026, 1, 31, 23, 59, 59), "192.0.2.1");
    let feb_first = cached_v4(&mut c, utc(2026, 2, 1, 0, 0, 0), "192.0.2.1");
    let feb_end = cached_v4(&mut c, utc(2026, 2, 28, 23, 59, 59), "192.0.2.1");
    let mar_first = cached_v4(&mut c, utc(2026, 3, 1, 0, 0, 0), "192.0.2.1");
    assert_ne!(jan_end, feb_first);
    assert_eq!(feb_first, feb_end);
    assert_ne!(feb_end, mar_first);
    let dec = cached_v4(&mut c, utc(2025, 12, 31, 23, 59, 59), "192.0.2.1");
    assert_ne!(dec, jan_end);
    assert_eq!(
        cached_v4(&mut c, utc(2026, 1, 1, 0, 0, 0), "192.0.2.1"),
        jan_end
    );
}

#[test]
fn mapped_ipv6_is_its_ipv4() {
    for rotation in [Rotation::Never, Rotation::Daily] {
        let p = shared(rotation);
        let mut c = PseudonymCache::new(p.clone());
        let t = 1_700_000_000;
        let plain = cached_v4(&mut c, t, "203.0.113.7");
        assert_eq!(cached_v6(&mut c, t, "::ffff:203.0.113.7"), plain);
        assert_eq!(cached_v6(&mut c, t, "::FFFF:cb00:7107"), plain);
        let mut out = Vec::new();
        p.period_key(p.period(t))
            .ipv6(v6("::ffff:203.0.113.7"), &mut out);
        assert_eq!(text(out), plain);
        // IPv4-compatible (deprecated) and NAT64 forms are other addresses.
        assert_ne!(cached_v6(&mut c, t, "::203.0.113.7"), plain);
        assert_ne!(cached_v6(&mut c, t, "64:ff9b::203.0.113.7"), plain);
    }
}

#[test]
fn ipv6_canonical_text_is_rfc_5952() {
    let mut c = PseudonymCache::new(shared(Rotation::Never));
    let want = cached_v6(&mut c, 0, "2001:db8::1");
    for form in [
        "2001:DB8::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001",
        "2001:db8:0::0:1",
    ] {
        assert_eq!(cached_v6(&mut c, 0, form), want, "{form}");
    }
}

#[test]
fn email_canonical_form() {
    let canon = |s: &str| {
        let mut out = b"x".to_vec();
        write_canonical_email(s.as_bytes(), &mut out);
        text(out[1..].to_vec())
    };
    assert_eq!(canon("Jane%40Example.ORG"), "jane@example.org");
    assert_eq!(canon("a%2Bb%40x.org"), "a+b@x.org");
    assert_eq!(canon("a%2bb%40X.org"), "a+b@x.org");
    assert_eq!(canon("%4A@x.org"), "j@x.org");
    // Every level of encoding, every escape, Unicode case and IDNA: one person, one form.
    assert_eq!(canon("a%2540x.org"), "a@x.org");
    assert_eq!(canon("a%252540x.org"), "a@x.org");
    assert_eq!(canon("jane\\u0040Example.com"), "jane@example.com");
    assert_eq!(canon("jane&#64;example.com"), "jane@example.com");
    assert_eq!(canon("\"Jane.Doe\"@example.com"), "jane.doe@example.com");
    assert_eq!(canon("RENÉE@BÜCHER.de"), "renée@xn--bcher-kva.de");
    assert_eq!(
        canon("ren%C3%A9e@xn--bcher-kva.de"),
        "renée@xn--bcher-kva.de"
    );
    assert_eq!(canon("a%4@x.org"), "a%4@x.org");
    assert_eq!(canon("a%zz@x.org%"), "a%zz@x.org%");
    assert_eq!(canon("Ünï@x.org"), "ünï@x.org");
    assert_eq!(
        String::from_utf8_lossy(&{
            let mut out = Vec::new();
            write_canonical_email(b"jos\xe9@example.es", &mut out);
            out
        }),
        "josé@example.es"
    );

    let mut c = PseudonymCache::new(shared(Rotation::Never));
    let jane = cached_email(&mut c, 0, "jane@example.org");
    assert_eq!(cached_email(&mut c, 0, "Jane%40Example.ORG"), jane);
    assert_eq!(cached_email(&mut c, 0, "JANE@EXAMPLE.ORG"), jane);
    assert_eq!(
        cached_email(&mut c, 0, "a%2Bb%40x.org"),
        cached_email(&mut c, 0, "a+b@x.org")
    );
    assert_ne!(cached_email(&mut c, 0, "jane@example.com"), jane);
}

/// A deterministic stream of test values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn cache_gives_what_uncached_computation_gives() {
    for rotation in [Rotation::Never, Rotation::Daily, Rotation::Monthly] {
        let p = shared(rotation);
        let mut c = PseudonymCache::new(p.clone());
        let mut rng = Rng(0x243f_6a88_85a3_08d3);
        // A small pool of values (hits), a large one (evictions), times over four days and two
        // months that go back and forth (period changes in both directions).
        let base = utc(2026, 1, 30, 22, 0, 0);
        let long = "a".repeat(60);
        for i in 0..30_000u32 {
            let r = rng.next();
            let pool = if i % 3 == 0 { 1 << 20 } else { 40 };
            let t = base + (r >> 40) as i64 % (4 * DAY);
            let uncached = p.period_key(p.period(t));
            let mut got = b"prefix ".to_vec();
            let mut want = got.clone();
            let v = (r % pool) as u32;
            match i % 4 {
                0 => {
                    let a = Ipv4Addr::from(v);
                    c.ipv4(t, a, &mut got);
                    uncached.ipv4(a, &mut want);
                }
                1 => {
                    let a = Ipv6Addr::from(u128::from(v) << 64 | 0x2001_0db8 << 96 | 7);
                    c.ipv6(t, a, &mut got);
                    uncached.ipv6(a, &mut want);
                }
                2 => {
                    let a = Ipv4Addr::from(v).to_ipv6_mapped();
                    c.ipv6(t, a, &mut got);
                    uncached.ipv6(a, &mut want);
                }
                _ => {
                    // Long ones bypass the table; `.co` and `.com` make one the prefix of
                    // another.
                    let e = match v % 7 {
                        0 => format!("{long}{v}@example.org"),
                        1 | 2 => {
                            format!("u{}@example.co{}", v % 97, "m".repeat(v as usize % 2))
                        }
                        _ => format!("User{v}%40Example.org"),
                    };
                    c.email(t, e.as_bytes(), &mut got);
                    uncached.email(e.as_bytes(), &mut want);
                }
            }
            assert_eq!(text(got), text(want), "{rotation:?} i={i}");
        }
    }
}

#[test]
fn values_sharing_a_set_do_not_share_a_pseudonym() {
    let p = shared(Rotation::Never);
    let key = p.period_key(0);
    let uncached = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut out = Vec::new();
        f(&mut out);
        text(out)
    };
    // An email cached, then a prefix of it in the same set.
    let (long, short) = (0..)
        .map(|n| (format!("u{n}@example.com"), format!("u{n}@example.co")))
        .find(|(l, s)| email_set(l.as_bytes()) == email_set(s.as_bytes()))
        .unwrap();
    let mut c = PseudonymCache::new(p.clone());
    cached_email(&mut c, 0, &long);
    let want = uncached(&|out| key.email(short.as_bytes(), out));
    assert_eq!(cached_email(&mut c, 0, &short), want, "{long} then {short}");
    assert_eq!(
        cached_email(&mut c, 0, &long),
        uncached(&|out| key.email(long.as_bytes(), out))
    );
    // An IPv4 `n` is `[n, 0]`; the IPv6 `n << 64` is too: the family tells them apart.
    let n = 0x0a00_0001u32;
    let six = Ipv6Addr::from(u128::from(n) << 64);
    let mut c = PseudonymCache::new(p.clone());
    let mut out = Vec::new();
    c.ipv4(0, Ipv4Addr::from(n), &mut out);
    out.clear();
    c.ipv6(0, six, &mut out);
    assert_eq!(text(out), uncached(&|out| key.ipv6(six, out)));
    // Four IPv4 addresses in one set of two, in every order of use: evictions and promotions.
    let set = ip_set([u64::from(n), 0]);
    let same: Vec<Ipv4Addr> = (n..)
        .filter(|&m| ip_set([u64::from(m), 0]) == set)
        .take(4)
        .map(Ipv4Addr::from)
        .collect();
    let mut c = PseudonymCache::new(p.clone());
    for k in [0, 1, 2, 0, 1, 1, 3, 2, 0, 3, 3, 1, 0, 2, 2, 0] {
        let mut out = Vec::new();
        c.ipv4(0, same[k], &mut out);
        assert_eq!(text(out), uncached(&|out| key.ipv4(same[k], out)), "{k}");
    }
}

#[test]
fn pseudonyms_survive_a_second_scrub() {
    let mut c = PseudonymCache::new(shared(Rotation::Daily));
    let mut rng = Rng(0x1319_8a2e_0370_7344);
    let mut pseudonyms = Vec::new();
    for i in 0..3000 {
        let r = rng.next();
        let t = (r >> 33) as i64;
        let mut out = Vec::new();
        match i % 3 {
            0 => c.ipv4(t, Ipv4Addr::from(r as u32), &mut out),
            1 => c.ipv6(t, Ipv6Addr::from(u128::from(r) * 0x1_0000_0001), &mut out),
            _ => c.email(t, format!("u{r}@example.org").as_bytes(), &mut out),
        }
        pseudonyms.push(text(out));
    }
    // Every digit-only tail and every run of hex letters appears in some sample.
    let contexts = [
        "{} - - [25/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5",
        "[{}]:443",
        "{}:8080",
        "{}.",
        "for={};proto=https",
        "{\"client\":\"{}\",\"user\":\"{}\"}",
        "GET /unsubscribe?to={}&x=1",
        "mailto:{}",
        "{}, {}, {}",
        "{}{}",
        "{}:{}",
        "{}.{}.{}.{}",
        "{}@{}",
    ];
    let mut i = 0;
    for ctx in contexts {
        for _ in 0..pseudonyms.len() {
            let line = ctx
                .split("{}")
                .enumerate()
                .map(|(k, part)| {
                    if k == 0 {
                        part.to_string()
                    } else {
                        i += 1;
                        format!("{}{part}", pseudonyms[i % pseudonyms.len()])
                    }
                })
                .collect::<String>();
            // `{}@{}` is the one context where a pseudonym is a local part, e.g. of a
            // pseudonymised domain: the detector needs a dotted domain, so it must find none.
            assert_eq!(find_spans(line.as_bytes()), vec![], "{line}");
        }
    }
}

#[test]
fn secrets_stay_out_of_debug() {
    let p = shared(Rotation::Daily);
    let c = PseudonymCache::new(p.clone());
    for s in [
        format!("{p:?}"),
        format!("{c:?}"),
        format!("{:?}", p.period_key(5)),
    ] {
        assert!(s.contains("redacted"), "{s}");
        assert!(!s.contains("0a0b") && !s.contains("[0, 1, 2"), "{s}");
    }
}

#[test]
fn shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Pseudonyms>();
    fn send<T: Send>() {}
    send::<PseudonymCache>();
}
