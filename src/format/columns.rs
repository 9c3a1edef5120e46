//! Times of the column formats that are not CLF: W3C extended (IIS, Azure, CloudFront), ELB/ALB,
//! Squid native, Cloud Storage usage logs, HAProxy and Envoy.
//!
//! - **W3C extended**: a `#Fields: date time c-ip …` header line names the columns of the lines
//!   after it and `#Date: 2002-05-02 17:42:15` gives the date of lines with a `time` column but no
//!   `date` one; both are header lines (kept, never judged). Columns are separated by spaces (IIS)
//!   or tabs (CloudFront). Times are UTC, as the W3C draft says. Without a `#Fields:` header in
//!   sight, a line whose first two columns are `yyyy-mm-dd` and `HH:MM:SS[.frac]` is read as
//!   `date time`, the order of IIS's, Azure's and CloudFront's defaults.
//! - **ELB/ALB**: the first RFC 3339 column among the first three (`2015-05-13T23:39:43.945958Z` is
//!   the first column of a Classic Load Balancer line, the second of an ALB one after `http`).
//! - **Squid native**: a first column `1286536309.581`, epoch seconds with milliseconds.
//! - **Cloud Storage usage logs** (CSV): a first column `"1591299599912000"`, epoch microseconds;
//!   their header line `"time_micros","c_ip",…` is a header line.
//! - **HAProxy** `[06/Feb/2009:12:14:14.655]` (CLF without an offset, read as UTC: HAProxy writes
//!   its host's local time and does not say which) and **Envoy** `[2016-04-15T20:17:00.310Z]`: the
//!   first `[` holding either shape.

use memchr::memchr;

use crate::time::{clf_layout, clf_value, epoch_prefix, month, rfc3339, DayCache, Zone};

/// The column map set by W3C header lines, valid for the lines after them.
#[derive(Clone, Debug, Default)]
pub(crate) struct W3c {
    /// From `#Fields:`: the indexes of the `date` and `time` columns.
    date_col: Option<usize>,
    time_col: Option<usize>,
    /// A `#Fields:` header was seen.
    mapped: bool,
    /// From `#Date:`: `yyyy-mm-dd`.
    date: Option<[u8; 10]>,
}

/// Whether `line` (its first non-blank byte at `line[0]`) is a header line; W3C headers update `w3c`.
#[inline]
pub(crate) fn header(line: &[u8], w3c: &mut W3c) -> bool {
    if line.starts_with(b"\"time_micros\",") {
        return true;
    }
    let Some(rest) = line.strip_prefix(b"#") else {
        return false;
    };
    if let Some(fields) = rest.strip_prefix(b"Fields:") {
        *w3c = W3c {
            date: w3c.date,
            mapped: true,
            ..W3c::default()
        };
        for (i, name) in columns(fields).enumerate() {
            match name {
                b"date" => w3c.date_col = Some(i),
                b"time" => w3c.time_col = Some(i),
                _ => {}
            }
        }
        return true;
    }
    if let Some(date) = rest.strip_prefix(b"Date:") {
        w3c.date = header_date(columns(date).next().unwrap_or_default());
        return true;
    }
    [
        &b"Version:"[..],
        b"Software:",
        b"Remark:",
        b"Start-Date:",
        b"End-Date:",
    ]
    .iter()
    .any(|h| rest.starts_with(h))
}

/// The date of a `#Date:` header as `yyyy-mm-dd`: written so, or `dd-Mon-yyyy` as in the W3C
/// draft's own example (`#Date: 12-Jan-1996 00:00:00`).
fn header_date(d: &[u8]) -> Option<[u8; 10]> {
    if d.len() == 11 && d[2] == b'-' && d[6] == b'-' {
        let m = month(&d[3..6])?;
        let mut out = *b"yyyy-mm-dd";
        out[..4].copy_from_slice(&d[7..]);
        out[5] = b'0' + (m / 10) as u8;
        out[6] = b'0' + (m % 10) as u8;
        out[8..].copy_from_slice(&d[..2]);
        return Some(out);
    }
    d.try_into().ok()
}

/// The columns of `s`, separated by runs of spaces and tabs.
#[inline]
fn columns(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|&b| b == b' ' || b == b'\t' || b == b'\r' || b == b'\n')
        .filter(|c| !c.is_empty())
}

/// `date` (`yyyy-mm-dd`) and `time` (`HH:MM:SS`, any fraction ignored) as UTC.
#[inline]
fn date_time(date: &[u8], time: &[u8], cache: &mut DayCache<10>) -> Option<i64> {
    if date.len() != 10 || time.len() < 8 || (time.len() > 8 && time[8] != b'.') {
        return None;
    }
    let mut buf = [b'T'; 19];
    buf[..10].copy_from_slice(date);
    buf[11..].copy_from_slice(&time[..8]);
    rfc3339(&buf, Zone::DefaultUtc, cache)
}

/// The time of a line of a column format, the W3C map first when one is set.
#[inline]
pub(crate) fn find(
    line: &[u8],
    w3c: &W3c,
    iso: &mut DayCache<10>,
    clf: &mut DayCache<16>,
) -> Option<i64> {
    if w3c.mapped {
        if let Some(t) = mapped(line, w3c, iso) {
            return Some(t);
        }
    }
    // Not by the map: a line of another format after a W3C file (concatenated logs).
    leading(line, iso).or_else(|| bracketed(line, iso, clf))
}

/// The time of a W3C line by its `#Fields:` map.
fn mapped(line: &[u8], w3c: &W3c, iso: &mut DayCache<10>) -> Option<i64> {
    let time_col = w3c.time_col?;
    let (mut date, mut time) = (None, None);
    for (i, c) in columns(line).enumerate() {
        if Some(i) == w3c.date_col {
            date = Some(c);
        }
        if i == time_col {
            time = Some(c);
        }
        if time.is_some() && (date.is_some() || w3c.date_col.is_none()) {
            break;
        }
    }
    let date = match date {
        Some(d) => d,
        None if w3c.date_col.is_none() => &w3c.date.as_ref()?[..],
        None => return None,
    };
    date_time(date, time?, iso)
}

/// The time in the first columns of a line: `date time`, an RFC 3339 column among the first
/// three, a Squid epoch or a Cloud Storage `"micros"`.
fn leading(line: &[u8], iso: &mut DayCache<10>) -> Option<i64> {
    let first = *line.first()?;
    if first == b'"' {
        let end = 1 + memchr(b'"', &line[1..])?;
        let digits = &line[1..end];
        if line.get(end + 1) != Some(&b',') || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        return epoch_prefix(digits)
            .filter(|&(_, n)| n == digits.len())
            .map(|(t, _)| t);
    }
    if !first.is_ascii_alphanumeric() {
        return None;
    }
    let mut cols = columns(line);
    let c0 = cols.next()?;
    if c0.len() == 10 && c0[4] == b'-' {
        return date_time(c0, cols.next()?, iso);
    }
    if c0.len() >= 12 && c0.contains(&b'.') && c0.iter().all(|&b| b.is_ascii_digit() || b == b'.') {
        let (t, n) = epoch_prefix(c0)?;
        return (n == c0.len()).then_some(t);
    }
    [c0].into_iter()
        .chain(cols.take(2))
        .find(|c| c.len() >= 20 && c[10] == b'T' && c[4] == b'-')
        .and_then(|c| rfc3339(c, Zone::DefaultUtc, iso))
}

/// The time in the first `[` that holds a HAProxy or Envoy timestamp.
fn bracketed(line: &[u8], iso: &mut DayCache<10>, clf: &mut DayCache<16>) -> Option<i64> {
    let mut from = 0;
    while let Some(p) = memchr(b'[', &line[from..]) {
        let at = from + p + 1;
        let rest = &line[at..];
        from = at;
        let Some(close) = memchr(b']', &rest[..rest.len().min(40)]) else {
            continue;
        };
        let inner = &rest[..close];
        if inner.len() >= 20 && inner[2] == b'/' {
            // HAProxy: `dd/Mon/yyyy:HH:MM:SS[.mmm]` as UTC.
            let mut buf = [0u8; 26];
            let tail = &inner[20..];
            if !(tail.is_empty() || tail[0] == b'.' && tail[1..].iter().all(u8::is_ascii_digit)) {
                return None;
            }
            buf[..20].copy_from_slice(&inner[..20]);
            buf[20..].copy_from_slice(b" +0000");
            let layout = clf_layout(&buf)?;
            return clf_value(&buf, layout, clf);
        }
        if inner.len() >= 20 && inner[4] == b'-' && inner[10] == b'T' {
            return rfc3339(inner, Zone::DefaultUtc, iso);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::unix_seconds;

    fn t(w3c: &W3c, line: &[u8]) -> Option<i64> {
        find(
            line,
            w3c,
            &mut DayCache::default(),
            &mut DayCache::default(),
        )
    }

    #[test]
    fn w3c_headers_set_the_map() {
        let mut w = W3c::default();
        assert!(header(
            b"#Software: Microsoft Internet Information Services 6.0",
            &mut w
        ));
        assert!(header(b"#Date: 2002-05-02 17:42:15", &mut w));
        assert!(header(b"#Fields: time c-ip cs-method cs-uri-stem", &mut w));
        assert_eq!(
            t(&w, b"17:42:15 172.16.255.255 GET /default.htm"),
            unix_seconds(2002, 5, 2, 17, 42, 15, 0)
        );
        assert!(header(b"#Fields: c-ip date time", &mut w));
        assert_eq!(
            t(&w, b"172.16.255.255 2002-05-03 01:02:03.5"),
            unix_seconds(2002, 5, 3, 1, 2, 3, 0)
        );
        // Mapped columns that do not hold a date and a time: no time by the map (the leading
        // `date time` columns are read as such).
        assert_eq!(t(&w, b"2002-05-03 x 172.16.255.255"), None);
        assert_eq!(t(&w, b"172.16.255.255 2002-05-03"), None);
        assert!(!header(b"#comment", &mut w));
        // The W3C draft's own date form.
        assert!(header(b"#Date: 12-Jan-1996 00:00:00", &mut w));
        assert!(header(b"#Fields: time cs-method cs-uri", &mut w));
        assert_eq!(
            t(&w, b"12:21:16 GET /foo/bar.html"),
            unix_seconds(1996, 1, 12, 12, 21, 16, 0)
        );
        // A line the map cannot read is read as whatever it is.
        assert_eq!(
            t(
                &w,
                b"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817"
            ),
            unix_seconds(2015, 5, 13, 23, 39, 43, 0)
        );
        assert!(!header(b"17:42:15 x", &mut w));
        assert!(header(b"\"time_micros\",\"c_ip\"", &mut w));
    }

    #[test]
    fn leading_columns() {
        let w = W3c::default();
        for (line, want) in [
            (
                &b"2019-12-04\t21:02:31\tLAX1\t392"[..],
                unix_seconds(2019, 12, 4, 21, 2, 31, 0),
            ),
            (
                b"2002-05-24 20:18:01 172.224.24.114 - 206.73.118.24 80 GET",
                unix_seconds(2002, 5, 24, 20, 18, 1, 0),
            ),
            (
                b"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817",
                unix_seconds(2015, 5, 13, 23, 39, 43, 0),
            ),
            (
                b"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188",
                unix_seconds(2018, 7, 2, 22, 23, 0, 0),
            ),
            (
                b"1286536309.581    185 192.0.2.1 TCP_MISS/200",
                Some(1_286_536_309),
            ),
            (
                b"\"1591299599912000\",\"192.0.2.4\",\"1\"",
                Some(1_591_299_599),
            ),
            (
                b"192.0.2.1:33317 [06/Feb/2009:12:14:14.655] http-in",
                unix_seconds(2009, 2, 6, 12, 14, 14, 0),
            ),
            (
                b"[2016-04-15T20:17:00.310Z] \"POST /api/v1/locations HTTP/2\" 204",
                unix_seconds(2016, 4, 15, 20, 17, 0, 0),
            ),
        ] {
            assert_eq!(t(&w, line), want, "{}", String::from_utf8_lossy(line));
        }
        for line in [
            &b"2019-12-04 junk"[..],
            b"2019-13-04 21:02:31",
            b"1286536309 185",
            b"12.5 x",
            b"\"159129959991200x\",\"a\"",
            b"a b c 2018-07-02T22:23:00.186641Z",
            b"x [06/Feb/2009:12:14:14.6x5]",
            b"x [06/Feb/2009:25:14:14]",
            b"x [2016-04-15T20:17:00.310Q]",
            b"",
        ] {
            assert_eq!(t(&w, line), None, "{}", String::from_utf8_lossy(line));
        }
    }
}
