//! Tests of the time finder over every format.

use super::*;
use crate::time::unix_seconds;
use proptest::prelude::*;
use std::io::{BufRead, BufReader, Read};

const T: Option<i64> = Some(1_795_553_736); // 2026-11-24T20:55:36Z
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn finder(format: Format) -> TimeFinder {
    TimeFinder::new(format, &[])
}

fn testdata(path: &str) -> Vec<u8> {
    let full = format!("{}/testdata/{path}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = vec![];
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    } else {
        raw
    }
}

fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn format_decides_where_to_look() {
    let clf_line = b"1.2.3.4 - - [24/Nov/2026:13:55:36 -0700] \"GET / HTTP/1.1\" 200 5";
    let json_line = br#"  {"time":"2026-11-24T20:55:36Z","msg":"[01/Jan/2030:00:00:00 +0000]"}"#;
    let syslog_json = br#"Nov 24 20:55:36 web nginx: {"time":"2026-11-24T20:55:36Z"}"#;
    let mut auto = finder(Format::Auto);
    assert_eq!(auto.find(clf_line), T);
    assert_eq!(auto.find(json_line), T);
    assert_eq!(auto.find(b"\xEF\xBB\xBF{\"ts\":1795553736}"), T);
    // Issue 16: JSON behind a syslog prefix is read under auto too.
    assert_eq!(auto.find(syslog_json), T);
    let mut clf = finder(Format::Clf);
    assert_eq!(clf.find(clf_line), T);
    assert_eq!(clf.find(json_line), Some(1_893_456_000));
    let mut json = finder(Format::Json);
    assert_eq!(json.find(json_line), T);
    assert_eq!(json.find(syslog_json), T);
    assert_eq!(json.find(clf_line), None);
    let mut text = finder(Format::Text);
    assert_eq!(text.find(clf_line), None);
    assert_eq!(text.find(json_line), None);
}

#[test]
fn custom_time_field() {
    let mut f = TimeFinder::new(Format::Auto, &["t".to_string()]);
    assert_eq!(
        f.find(br#"{"time":"2030-01-01T00:00:00Z","t":"2026-11-24T22:55:36.0353436+02:00"}"#),
        T
    );
    assert_eq!(f.find(br#"{"time":"2026-11-24T20:55:36Z"}"#), None);
}

#[test]
fn format_names() {
    for (s, f) in [
        ("auto", Format::Auto),
        ("clf", Format::Clf),
        ("json", Format::Json),
        ("text", Format::Text),
        ("iis", Format::W3c),
        ("cloudfront", Format::W3c),
        ("alb", Format::Elb),
        ("s3", Format::Clf),
        ("journald", Format::Json),
        ("envoy", Format::Bracketed),
        ("cloudstorage", Format::CloudStorage),
        ("squid", Format::Squid),
    ] {
        assert_eq!(s.parse::<Format>(), Ok(f));
    }
    let err = "CLF".parse::<Format>().unwrap_err();
    assert!(
        err.contains("'CLF'") && err.contains("auto, clf, common") && err.ends_with("envoy, text"),
        "{err}"
    );
}

/// Every line of the elastic 2015 sample (10,000 combined lines, gzip) is from May 2015.
#[test]
fn real_elastic_2015_all_in_may_2015() {
    let data = testdata("access/elastic_apache_logs_2015.log.gz");
    let (may, june) = (
        unix_seconds(2015, 5, 1, 0, 0, 0, 0).unwrap(),
        unix_seconds(2015, 6, 1, 0, 0, 0, 0).unwrap(),
    );
    let mut auto = finder(Format::Auto);
    let mut clf = finder(Format::Clf);
    let all = lines(&data);
    assert_eq!(all.len(), 10_000);
    for (n, line) in all.iter().enumerate() {
        let t = auto.find(line);
        assert!(
            t.is_some_and(|t| (may..june).contains(&t)),
            "line {}: {t:?}",
            n + 1
        );
        assert_eq!(clf.find(line), t);
    }
}

/// The other real CLF samples: every line has a time, equal to an uncached parse.
#[test]
fn real_clf_samples_all_dated() {
    for path in [
        "access/crowdsec_hub_tests_clf_lines.log",
        "access/honeynet_redhat71_httpd_2004.log.gz",
        "access/lnav/logfile_access_log.0",
        "access/lnav/logfile_bad_access_log.0",
        "access/elastic_beats/apache_darwin-2.4.23.log",
        "access/elastic_beats/apache_ssl-request.log",
        "access/elastic_beats/apache_test.log",
        "access/elastic_beats/nginx_access.log",
        "access/elastic_beats/nginx_test-with-host.log",
        "access/elastic_beats/nginx_test.log",
    ] {
        let data = testdata(path);
        let mut cached = finder(Format::Auto);
        for (n, line) in lines(&data).iter().enumerate() {
            let t = cached.find(line);
            assert!(t.is_some(), "{path}:{}", n + 1);
            assert_eq!(finder(Format::Clf).find(line), t, "{path}:{}", n + 1);
        }
    }
    let ssl = testdata("access/elastic_beats/apache_ssl-request.log");
    let first = lines(&ssl)[0];
    assert_eq!(
        finder(Format::Auto).find(first),
        unix_seconds(2018, 8, 10, 9, 45, 56, 7200)
    );
}

/// The crowdsec JSON sample: 253 of 267 lines have a default-named time key; the 14 Grafana
/// lines keep theirs in `"t"` and are found with `--time-field t`.
#[test]
fn real_crowdsec_json() {
    let data = testdata("json/crowdsec_hub_tests_json_lines.jsonl");
    let all = lines(&data);
    assert_eq!(all.len(), 267);
    let mut auto = finder(Format::Auto);
    let mut with_t = TimeFinder::new(Format::Json, &["t".to_string()]);
    let (lo, hi) = (
        unix_seconds(2020, 1, 1, 0, 0, 0, 0).unwrap(),
        unix_seconds(2027, 1, 1, 0, 0, 0, 0).unwrap(),
    );
    let mut undated = 0;
    for (n, line) in all.iter().enumerate() {
        match auto.find(line) {
            Some(t) => assert!((lo..hi).contains(&t), "line {}: {t}", n + 1),
            None => {
                undated += 1;
                assert!(line.windows(5).any(|w| w == br#","t":"#), "line {}", n + 1);
                assert!(
                    with_t.find(line).is_some_and(|t| (lo..hi).contains(&t)),
                    "line {}",
                    n + 1
                );
            }
        }
    }
    assert_eq!(undated, 14);
    // Spot checks of each value form in the file.
    let mut f = finder(Format::Json);
    let check = |f: &mut TimeFinder, needle: &[u8], want: Option<i64>| {
        let line = all
            .iter()
            .find(|l| l.windows(needle.len()).any(|w| w == needle))
            .unwrap();
        assert_eq!(f.find(line), want, "{}", String::from_utf8_lossy(needle));
    };
    check(
        &mut f,
        br#""time":"2022-02-16T12:31:49+02:00""#,
        unix_seconds(2022, 2, 16, 10, 31, 49, 0),
    );
    check(
        &mut f,
        br#""timestamp": "2023-10-17T17:31:29.487016""#,
        unix_seconds(2023, 10, 17, 17, 31, 29, 0),
    );
    check(&mut f, br#""ts":1693840791.7564995"#, Some(1_693_840_791));
    check(
        &mut f,
        br#""time":"2022-04-15T12:58:36.195Z""#,
        unix_seconds(2022, 4, 15, 12, 58, 36, 0),
    );
    check(
        &mut f,
        br#""time":"2025-09-14T17:00:05.200""#,
        unix_seconds(2025, 9, 14, 17, 0, 5, 0),
    );
}

// ---- The cache against a straightforward reference ----

/// Unix seconds by counting days one year and one month at a time.
fn reference(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, off: i64) -> i64 {
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let year_days = |y: i64| if leap(y) { 366 } else { 365 };
    let month_days = [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut days: i64 = 0;
    if y >= 1970 {
        days += (1970..y).map(year_days).sum::<i64>();
    } else {
        days -= (y..1970).map(year_days).sum::<i64>();
    }
    days += month_days[..mo as usize - 1].iter().sum::<i64>();
    days += i64::from(d) - 1;
    days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s.min(59)) - off
}

#[derive(Clone, Debug)]
struct Stamp {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    off: i64,
    style: u8,
}

impl Stamp {
    fn expected(&self) -> i64 {
        reference(self.y, self.mo, self.d, self.h, self.mi, self.s, self.off)
    }

    fn line(&self) -> Vec<u8> {
        let (y, mo, d, h, mi, s) = (self.y, self.mo, self.d, self.h, self.mi, self.s);
        let sign = if self.off < 0 { '-' } else { '+' };
        let (oh, om) = (self.off.abs() / 3600, self.off.abs() % 3600 / 60);
        let mon = MONTHS[mo as usize - 1];
        match self.style % 6 {
            0 => format!(r#"192.0.2.1 - - [{d:02}/{mon}/{y:04}:{h:02}:{mi:02}:{s:02} {sign}{oh:02}{om:02}] "GET / HTTP/1.1" 200 5"#),
            1 => format!(r#"[2001:db8::1]:443 - - [{d:02}/{mon}/{y:04}:{h:02}:{mi:02}:{s:02} {sign}{oh:02}{om:02}] "GET /""#),
            2 => format!("[{d:02}/{mon}/{y:04}:{h:02}:{mi:02}:{s:02} {sign}{oh:02}{om:02}] 192.0.2.1 TLSv1.2"),
            3 => format!(r#"{{"ts":"{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.5{sign}{oh:02}:{om:02}"}}"#),
            4 => format!(r#"{{"a":{{"time":"{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{sign}{oh:02}{om:02}"}}}}"#),
            _ => format!(r#"{{"time_local":"{d:02}/{mon}/{y:04}:{h:02}:{mi:02}:{s:02} {sign}{oh:02}{om:02}"}}"#),
        }
        .into_bytes()
    }
}

/// A few dates and offsets, so that consecutive stamps often share them (cache hits) and often
/// do not (misses).
fn stamps() -> impl Strategy<Value = Vec<Stamp>> {
    let date = (1600i64..2500, 1u32..=12, 0u32..31)
        .prop_map(|(y, mo, d)| (y, mo, 1 + d % crate::time::days_in_month(y, mo)));
    let offset = (any::<bool>(), 0i64..=23, 0i64..60).prop_map(|(west, h, m)| {
        if west {
            -(h * 3600 + m * 60)
        } else {
            h * 3600 + m * 60
        }
    });
    (
        prop::collection::vec(date, 1..4),
        prop::collection::vec(offset, 1..3),
    )
        .prop_flat_map(|(dates, offsets)| {
            let stamp = (
                0..dates.len(),
                0..offsets.len(),
                0u32..24,
                0u32..60,
                0u32..=60,
                any::<u8>(),
            )
                .prop_map(move |(di, oi, h, mi, s, style)| {
                    let (y, mo, d) = dates[di];
                    Stamp {
                        y,
                        mo,
                        d,
                        h,
                        mi,
                        s,
                        off: offsets[oi],
                        style,
                    }
                });
            prop::collection::vec(stamp, 1..60)
        })
}

proptest! {
    #[test]
    fn cached_equals_uncached_and_reference(stamps in stamps()) {
        let mut cached = finder(Format::Auto);
        for st in &stamps {
            let line = st.line();
            let want = Some(st.expected());
            prop_assert_eq!(cached.find(&line), want, "{}", String::from_utf8_lossy(&line));
            prop_assert_eq!(finder(Format::Auto).find(&line), want);
            prop_assert_eq!(unix_seconds(st.y, st.mo, st.d, st.h, st.mi, st.s, st.off), want);
        }
    }

    /// Corrupted lines: the cache never changes an answer, and nothing panics.
    #[test]
    fn cached_equals_uncached_on_corrupted_lines(
        stamps in stamps(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut cached = finder(Format::Auto);
        for (n, st) in stamps.iter().enumerate() {
            let mut line = st.line();
            if n % 2 == 1 {
                for (at, byte) in &edits {
                    let i = at.index(line.len());
                    line[i] = *byte;
                }
            }
            prop_assert_eq!(cached.find(&line), finder(Format::Auto).find(&line), "{:?}", String::from_utf8_lossy(&line));
        }
    }

    #[test]
    fn arbitrary_bytes_do_not_panic(line in prop::collection::vec(any::<u8>(), 0..200)) {
        for format in [Format::Auto, Format::Clf, Format::Json, Format::Text] {
            let _ = finder(format).find(&line);
        }
    }
}

#[test]
fn reads_lines_with_and_without_line_ends() {
    let data = b"1.2.3.4 - - [24/Nov/2026:13:55:36 -0700] \"GET /\"\r\n{\"time\":\"2026-11-24T20:55:36Z\"}\n";
    let mut f = finder(Format::Auto);
    for line in BufReader::new(&data[..]).split(b'\n') {
        let line = line.unwrap();
        assert_eq!(f.find(&line), T);
    }
    for line in data.split_inclusive(|&b| b == b'\n') {
        assert_eq!(f.find(line), T);
    }
}
