//! The timestamp of a Common/Combined Log Format line: `[24/Nov/2026:13:55:36 -0700]`.
//!
//! The timestamp is the first `[` followed by the *shape* `dd/Mon/yyyy:HH:MM:SS[.frac] ±zzzz]`,
//! wherever it stands: after the client and ident fields (`1.2.3.4 - - [..]`), after a bracketed
//! IPv6 client (`[2001:db8::1]:443 - - [..]`, whose `[` does not have the shape), or at the very
//! start (Apache's ssl_request log, `[..] 1.2.3.4 TLSv1.2 ..`). If that first timestamp-shaped
//! field holds impossible values (`[29/Feb/2026:..]`, `[24/Foo/2026:..]`) the line has no readable
//! time: the search does not go on into the request or the user agent, where any client can write
//! a timestamp of their choosing.

use memchr::memchr;

use crate::time::{clf_layout, clf_value, DayCache};

/// The line's CLF timestamp as Unix seconds UTC.
#[inline]
pub(crate) fn find(line: &[u8], cache: &mut DayCache<16>) -> Option<i64> {
    probe(line, cache).flatten()
}

/// `None` when the line has no CLF-shaped timestamp (so another format may be tried); else the
/// value of the first one (`Some(None)` when its values are impossible).
#[inline]
pub(crate) fn probe(line: &[u8], cache: &mut DayCache<16>) -> Option<Option<i64>> {
    let mut from = 0;
    while let Some(p) = memchr(b'[', &line[from..]) {
        let at = from + p + 1;
        let rest = &line[at..];
        if let Some(layout) = clf_layout(rest) {
            if rest.get(layout.end) == Some(&b']') {
                return Some(clf_value(rest, layout, cache));
            }
        }
        from = at;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(line: &[u8]) -> Option<i64> {
        find(line, &mut DayCache::default())
    }

    const T: Option<i64> = Some(1_795_553_736); // 2026-11-24T20:55:36Z

    #[test]
    fn combined_line() {
        assert_eq!(
            t(br#"203.0.113.7 - alice [24/Nov/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl/8.0""#),
            T
        );
        assert_eq!(
            t(b"203.0.113.7 - - [25/Nov/2026:02:25:36 +0530] \"GET / HTTP/1.1\" 200 5\r\n"),
            T
        );
    }

    #[test]
    fn skips_bracketed_ipv6_client() {
        assert_eq!(
            t(br#"[2001:db8::1]:443 - - [24/Nov/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 5"#),
            T
        );
        assert_eq!(
            t(br#"[::1] [x] [] [24/Nov] [24/Nov/2026:13:55:36 -0700]"#),
            T
        );
    }

    #[test]
    fn ssl_request_line_starts_with_the_time() {
        assert_eq!(
            t(br#"[24/Nov/2026:13:55:36 -0700] 172.30.0.119 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 "GET / HTTP/1.1" 1375"#),
            T
        );
    }

    #[test]
    fn malformed_first_timestamp_makes_the_line_undated() {
        assert_eq!(
            t(br#"1.2.3.4 - - [24/Foo/2026:13:55:36 -0700] "GET /?[24/Nov/2026:13:55:36 -0700]""#),
            None
        );
        assert_eq!(
            t(br#"1.2.3.4 - - [29/Feb/2026:13:55:36 -0700] "GET /""#),
            None
        );
        assert_eq!(
            t(br#"1.2.3.4 - - [29/Feb/2024:13:55:36 -0700] "GET /""#),
            Some(1_709_240_136)
        );
    }

    #[test]
    fn needs_the_closing_bracket() {
        assert_eq!(
            t(b"1.2.3.4 - - [24/Nov/2026:13:55:36 -0700 \"GET /\""),
            None
        );
        assert_eq!(t(b"1.2.3.4 - - [24/Nov/2026:13:55:36 -0700"), None);
        assert_eq!(t(b"1.2.3.4 - - 24/Nov/2026:13:55:36 -0700]"), None);
    }

    #[test]
    fn non_utf8_bytes_around() {
        assert_eq!(
            t(b"\xff\xfe[\x80 1.2.3.4 - - [24/Nov/2026:13:55:36 -0700]\xc3\x28 \"\x90\x00\""),
            T
        );
        assert_eq!(t(b"1.2.3.4 - - [24/N\xc3\xb6v/2026:13:55:36 -0700]"), None);
    }

    #[test]
    fn no_time() {
        for line in [
            &b""[..],
            b"[",
            b"[[[[",
            b"hello world",
            b"1.2.3.4 - - [] \"GET /\"",
            b"[24/Nov/2026:13:55:36 -0700",
        ] {
            assert_eq!(t(line), None, "{line:?}");
        }
    }
}
