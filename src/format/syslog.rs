//! A syslog prefix in front of a log line: RFC 3164 (`<34>Nov 25 13:55:36 host tag: …`, the
//! `<PRI>` optional) and RFC 5424 (`<165>1 2003-10-11T22:14:15.003Z host app proc msgid [sd] …`).
//!
//! [`split`] returns the message after the prefix, so the line's own format is read there, and the
//! prefix's time, the fallback when the message has none:
//! - RFC 5424's timestamp is RFC 3339 with its zone;
//! - RFC 3164's `Mmm dd HH:MM:SS` has neither year nor zone. It is read as UTC, and its year is
//!   inferred from "now" (`--now`, or the clock): the latest year in which the time is at most a
//!   day after now (a December line read on 1 January is from last year). Without a "now" the
//!   prefix gives no time.
//!
//! The message of RFC 3164 starts after the first `": "` within [`TAG_REACH`] bytes of the
//! timestamp (after `host tag:` or `host tag[pid]:`), or right after the timestamp when there is
//! none.

use crate::time::{civil_from_days, month, rfc3339, unix_seconds, DayCache, Zone};

/// How far after an RFC 3164 timestamp the `": "` ending the host and tag is looked for.
pub(crate) const TAG_REACH: usize = 256;

/// The message after a syslog prefix, and the prefix's time; `None` when `line` has no prefix.
#[inline]
pub(crate) fn split<'a>(
    line: &'a [u8],
    now: Option<i64>,
    cache: &mut DayCache<10>,
) -> Option<(&'a [u8], Option<i64>)> {
    let mut rest = line;
    if rest.first() == Some(&b'<') {
        let digits = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=3).contains(&digits) || rest.get(1 + digits) != Some(&b'>') {
            return None;
        }
        rest = &rest[2 + digits..];
        if let Some(r) = rest.strip_prefix(b"1 ") {
            return rfc5424(r, cache);
        }
    }
    rfc3164(rest, now)
}

/// The RFC 5424 header after `<PRI>1 `: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA.
fn rfc5424<'a>(s: &'a [u8], cache: &mut DayCache<10>) -> Option<(&'a [u8], Option<i64>)> {
    let mut fields = [&b""[..]; 5];
    let mut rest = s;
    for f in &mut fields {
        let end = memchr::memchr(b' ', rest)?;
        *f = &rest[..end];
        rest = &rest[end + 1..];
    }
    let time = match fields[0] {
        b"-" => None,
        ts => Some(rfc3339(ts, Zone::Required, cache)?),
    };
    // STRUCTURED-DATA: `-` or one or more `[id k="v" …]`, where `\]`, `\"` and `\\` are escaped
    // inside values.
    if let Some(r) = rest.strip_prefix(b"-") {
        rest = r;
    } else {
        while rest.first() == Some(&b'[') {
            let mut i = 1;
            let mut quoted = false;
            loop {
                match (quoted, rest.get(i)?) {
                    (true, b'\\') => i += 1,
                    (_, b'"') => quoted = !quoted,
                    (false, b']') => break,
                    _ => {}
                }
                i += 1;
            }
            rest = &rest[i + 1..];
        }
    }
    let msg = rest.strip_prefix(b" ").unwrap_or(rest);
    Some((msg.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(msg), time))
}

/// The RFC 3164 header `Mmm dd HH:MM:SS ` (day space-padded: `Nov  5`), then `host tag: `.
fn rfc3164(s: &[u8], now: Option<i64>) -> Option<(&[u8], Option<i64>)> {
    let head = s.get(..16)?;
    let mon = month(&head[..3])?;
    let day = match (head[4], head[5]) {
        (b' ', d @ b'1'..=b'9') => u32::from(d - b'0'),
        (a @ b'0'..=b'3', b @ b'0'..=b'9') => u32::from(a - b'0') * 10 + u32::from(b - b'0'),
        _ => return None,
    };
    let digit = |i: usize| head[i].is_ascii_digit();
    if head[3] != b' '
        || head[6] != b' '
        || head[9] != b':'
        || head[12] != b':'
        || head[15] != b' '
        || ![7, 8, 10, 11, 13, 14].into_iter().all(digit)
    {
        return None;
    }
    let two = |i: usize| u32::from(head[i] - b'0') * 10 + u32::from(head[i + 1] - b'0');
    let (h, mi, sec) = (two(7), two(10), two(13));
    // Impossible values (`Nov 32`, `25:00:00`) are no prefix; 2000 was a leap year.
    unix_seconds(2000, mon, day, h, mi, sec, 0)?;
    let time = now.and_then(|now| infer_year(now, mon, day, h, mi, sec));
    let after = &s[16..];
    let reach = &after[..after.len().min(TAG_REACH)];
    let msg = match memchr::memmem::find(reach, b": ") {
        Some(i) => &after[i + 2..],
        None => after,
    };
    Some((msg, time))
}

/// The time of `mon day h:mi:sec` (UTC) in the latest year where it is at most a day after `now`.
fn infer_year(now: i64, mon: u32, day: u32, h: u32, mi: u32, sec: u32) -> Option<i64> {
    let (year, _, _) = civil_from_days(now.div_euclid(86_400));
    // Eight years back reaches a 29 February from any year.
    (year - 8..=year + 1)
        .rev()
        .filter_map(|y| unix_seconds(y, mon, day, h, mi, sec, 0))
        .find(|&t| t <= now + 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-25T00:00:00Z
    const NOW: i64 = 1_795_564_800;

    fn sp(line: &[u8], now: Option<i64>) -> Option<(&[u8], Option<i64>)> {
        split(line, now, &mut DayCache::default())
    }

    #[test]
    fn rfc3164_message_and_inferred_year() {
        let (msg, t) = sp(b"Nov 24 20:55:36 web nginx: {\"time\":1}", Some(NOW)).unwrap();
        assert_eq!(msg, b"{\"time\":1}");
        assert_eq!(t, Some(1_795_553_736));
        let (msg, _) = sp(
            b"<34>Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655]",
            Some(NOW),
        )
        .unwrap();
        assert_eq!(msg, b"10.0.1.2:33317 [06/Feb/2009:12:14:14.655]");
        // A day ahead of now is still this year; more is last year.
        assert_eq!(
            sp(b"Nov 26 00:00:00 h t: x", Some(NOW)).unwrap().1,
            unix_seconds(2026, 11, 26, 0, 0, 0, 0)
        );
        assert_eq!(
            sp(b"Nov 26 00:00:01 h t: x", Some(NOW)).unwrap().1,
            unix_seconds(2025, 11, 26, 0, 0, 1, 0)
        );
        assert_eq!(
            sp(b"Dec 31 23:59:59 h t: x", Some(NOW)).unwrap().1,
            unix_seconds(2025, 12, 31, 23, 59, 59, 0)
        );
        // 29 February: the last leap year.
        assert_eq!(
            sp(b"Feb 29 10:00:00 h t: x", Some(NOW)).unwrap().1,
            unix_seconds(2024, 2, 29, 10, 0, 0, 0)
        );
        // No now: the message, without a time.
        assert_eq!(
            sp(b"Nov 24 20:55:36 web nginx: x", None).unwrap(),
            (&b"x"[..], None)
        );
        // No tag: the message starts after the timestamp.
        assert_eq!(sp(b"Nov 24 20:55:36 x y z", None).unwrap().0, b"x y z");
    }

    #[test]
    fn rfc5424_message_and_time() {
        // RFC 5424 section 6.5, examples 1 and 3.
        let (msg, t) = sp(
            b"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xEF\xBB\xBF'su root' failed",
            None,
        )
        .unwrap();
        assert_eq!(msg, b"'su root' failed");
        assert_eq!(t, unix_seconds(2003, 10, 11, 22, 14, 15, 0));
        let (msg, t) = sp(
            br#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Appl\]ication" eventID="1011"][x@1 a="b"] An application event"#,
            None,
        )
        .unwrap();
        assert_eq!(msg, b"An application event");
        assert_eq!(t, unix_seconds(2003, 10, 11, 22, 14, 15, 0));
        let (msg, t) = sp(b"<165>1 - host app - - - hello", None).unwrap();
        assert_eq!((msg, t), (&b"hello"[..], None));
    }

    #[test]
    fn not_syslog() {
        for line in [
            &b"203.0.113.7 - - [24/Nov/2026:13:55:36 -0700] \"GET /\""[..],
            b"Nov 24 2026 20:55:36 x",
            b"Nov 32 20:55:36 h t: x",
            b"Foo 24 20:55:36 h t: x",
            b"<1234>Nov 24 20:55:36 h t: x",
            b"<34>1 2003-10-11T22:14:15.003Z short",
            b"<34>1 2003-13-11T22:14:15.003Z h a p m - x",
            b"<34>1 2003-10-11T22:14:15.003Z h a p m [unclosed x",
            b"",
        ] {
            assert!(
                sp(line, Some(NOW)).is_none(),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }
}
