//! The timestamp parsers: CLF, RFC 3339 / ISO 8601 (in JSON and as `--now`) and epoch numbers.
//!
//! Byte 0 picks a mode; the rest is its input.
//! - **Any line** (modes 0, 4–255): no format panics on it; a [`TimeFinder`] that has read earlier
//!   lines (its date cache filled) answers as a fresh one does, also with a `\n` or `\r\n`
//!   appended (the documented "a trailing line end may be included or not"); `parse_now` never
//!   panics, and when it accepts an RFC 3339 text the JSON reader reads the same time from it.
//! - **Fields** (mode 1): year, month, day, time, offset and layout chosen by the fuzzer, in or out
//!   of range, written as CLF, JSON RFC 3339 (`T`/`t`/space, every zone form), JSON CLF text or
//!   `--now`. The result is `None` exactly when a field is out of range, and otherwise equals an
//!   independent reference (days counted with the Gregorian leap rule, not the library's
//!   `days_from_civil`).
//! - **Epoch** (mode 2): a `u64` as a JSON number or string, with a fraction or an exponent; the
//!   result follows the documented unit bands (seconds from 10^8, milliseconds from 10^11,
//!   microseconds from 10^14, nanoseconds from 10^17).
//! - **Round trip** (mode 3): a Unix time and an offset, written as CLF and RFC 3339 local time,
//!   read back to the same Unix time.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use logscrub::format::{Format, TimeFinder};
use logscrub::retention::parse_now;
use logscrub::time::unix_seconds;

const FORMATS: [Format; 4] = [Format::Auto, Format::Clf, Format::Json, Format::Text];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

thread_local! {
    /// One finder per format, kept across inputs so its date cache holds earlier inputs' dates.
    static CACHED: RefCell<Vec<TimeFinder>> =
        RefCell::new(FORMATS.iter().map(|&f| TimeFinder::new(f, &[])).collect());
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode {
        1 => fields(rest),
        2 => epoch(rest),
        3 => round_trip(rest),
        _ => any_line(rest),
    }
});

/// What every finder says about `line`, fresh and cached.
fn find_all(line: &[u8]) -> [Option<i64>; 4] {
    let fresh = FORMATS.map(|f| TimeFinder::new(f, &[]).find(line));
    CACHED.with(|c| {
        for (k, finder) in c.borrow_mut().iter_mut().enumerate() {
            assert_eq!(
                finder.find(line),
                fresh[k],
                "{:?}: cached differs from fresh on {}",
                FORMATS[k],
                show(line)
            );
        }
    });
    fresh
}

fn any_line(line: &[u8]) {
    let plain = find_all(line);
    if !line.ends_with(b"\n") {
        for end in [&b"\n"[..], b"\r\n"] {
            let with_end = [line, end].concat();
            assert_eq!(
                find_all(&with_end),
                plain,
                "a line end changes the time of {}",
                show(line)
            );
        }
    }
    if let Ok(s) = std::str::from_utf8(line) {
        if let Ok(t) = parse_now(s) {
            let digits = s.strip_prefix('@').unwrap_or(s);
            if !digits.bytes().all(|b| b.is_ascii_digit()) && !s.contains(['"', '\\']) {
                let json = format!(r#"{{"time":"{s}"}}"#);
                assert_eq!(
                    TimeFinder::new(Format::Json, &[]).find(json.as_bytes()),
                    Some(t),
                    "--now {s:?} is {t}, the JSON reader disagrees"
                );
            }
        }
    }
}

/// Days from 1970-01-01 to `y-mo-d`, by the Gregorian leap rule: days before year `y` since year
/// 0, plus the days of the months before `mo`, minus the same count for 1970.
fn reference_days(y: i64, mo: u32, d: u32) -> i64 {
    let before_year = |y: i64| {
        let p = y - 1; // years 0..y-1 (y >= 1); year 0 is a leap year
        if y == 0 {
            0
        } else {
            365 * y + p.div_euclid(4) - p.div_euclid(100) + p.div_euclid(400) + 1
        }
    };
    let in_year: u32 = (1..mo).map(|m| days_in(y, m)).sum::<u32>() + d - 1;
    before_year(y) - before_year(1970) + i64::from(in_year)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(y: i64, mo: u32) -> u32 {
    [
        31,
        28 + u32::from(is_leap(y)),
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
    ][mo as usize - 1]
}

/// Byte `i` of `b`, or 0 past its end.
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn fields(b: &[u8]) {
    let y = i64::from(u16::from_le_bytes([at(b, 0), at(b, 1)]) % 10_000);
    let mo = u32::from(at(b, 2) % 14); // 0 and 13 are out of range
    let d = u32::from(at(b, 3) % 33);
    let h = u32::from(at(b, 4) % 26);
    let mi = u32::from(at(b, 5) % 62);
    let s = u32::from(at(b, 6) % 62);
    let (oh, om) = (u32::from(at(b, 7) % 26), u32::from(at(b, 8) % 62));
    let west = at(b, 9) & 1 == 1;
    let style = at(b, 10);
    let frac = "123456789"[..usize::from(at(b, 11) % 10)].to_string();
    let dot = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };

    let valid_date = (1..=12).contains(&mo) && d >= 1 && d <= days_in(y, mo);
    let valid = valid_date && h <= 23 && mi <= 59 && s <= 60 && oh <= 23 && om <= 59;
    let off = i64::from(oh * 3600 + om * 60) * if west { -1 } else { 1 };
    let expected = valid.then(|| {
        reference_days(y, mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s.min(59)) - off
    });
    // `unix_seconds` takes the offset in seconds: only its total is bounded (±23:59).
    let total_ok = off.abs() <= 23 * 3600 + 59 * 60;
    let fields_ok = valid_date && h <= 23 && mi <= 59 && s <= 60 && total_ok;
    assert_eq!(
        unix_seconds(y, mo, d, h, mi, s, off),
        fields_ok.then(|| {
            reference_days(y, mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s.min(59)) - off
        }),
        "unix_seconds({y}, {mo}, {d}, {h}, {mi}, {s}, {off})"
    );

    let sign = if west { '-' } else { '+' };
    let mon = if (1..=12).contains(&mo) {
        MONTHS[mo as usize - 1]
    } else {
        "Foo"
    };
    let clf = format!("{d:02}/{mon}/{y:04}:{h:02}:{mi:02}:{s:02}{dot} {sign}{oh:02}{om:02}");
    let date = format!("{y:04}-{mo:02}-{d:02}");
    let tod = format!("{h:02}:{mi:02}:{s:02}");
    let sep = ["T", "t", " "][usize::from(style / 8 % 3)];
    let (zone, zone_off) = match style % 6 {
        0 => ("Z".to_string(), Some(0)),
        1 => ("z".to_string(), Some(0)),
        2 => (format!("{sign}{oh:02}:{om:02}"), Some(off)),
        3 => (format!("{sign}{oh:02}{om:02}"), Some(off)),
        4 => (
            format!("{sign}{oh:02}"),
            Some(i64::from(oh * 3600) * if west { -1 } else { 1 }),
        ),
        _ => (String::new(), None),
    };
    let iso = format!("{date}{sep}{tod}{dot}{zone}");
    // The ISO forms carry their own offset (or none): their expected value.
    let zone_valid = match style % 6 {
        2 | 3 => oh <= 23 && om <= 59,
        4 => oh <= 23,
        _ => true,
    };
    let iso_valid = valid_date && h <= 23 && mi <= 59 && s <= 60 && zone_valid;
    let iso_expected = iso_valid.then(|| {
        reference_days(y, mo, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s.min(59))
            - zone_off.unwrap_or(0)
    });

    let mut finder = TimeFinder::new(Format::Auto, &[]);
    let line = format!(r#"192.0.2.1 - - [{clf}] "GET / HTTP/1.1" 200 5"#);
    assert_eq!(finder.find(line.as_bytes()), expected, "{line}");
    let line = format!(r#"{{"time_local":"{clf}"}}"#);
    assert_eq!(finder.find(line.as_bytes()), expected, "{line}");
    let line = format!(r#"{{"a":{{"@timestamp":"{iso}"}}}}"#);
    assert_eq!(finder.find(line.as_bytes()), iso_expected, "{line}");
    // `--now` wants a zone.
    let now = parse_now(&iso).ok();
    assert_eq!(
        now,
        iso_expected.filter(|_| zone_off.is_some()),
        "--now {iso}"
    );
}

fn epoch(b: &[u8]) {
    let mut raw = [0u8; 8];
    for (k, r) in raw.iter_mut().enumerate() {
        *r = at(b, k);
    }
    // Bias towards the interesting magnitudes: shift the value down by a fuzzer-chosen amount.
    let v = u64::from_le_bytes(raw) >> (at(b, 8) % 64);
    let style = at(b, 9);
    let unit = |w: u64| match w {
        w if w < 100_000_000 => None,
        w if w < 100_000_000_000 => Some(w),
        w if w < 100_000_000_000_000 => Some(w / 1_000),
        w if w < 100_000_000_000_000_000 => Some(w / 1_000_000),
        w => Some(w / 1_000_000_000),
    };
    let (text, expected) = match style % 4 {
        0 => (v.to_string(), unit(v)),
        1 => (format!("{v}.{}", at(b, 10)), unit(v)),
        2 => {
            // `v` with its last k digits moved behind the point, then an exponent of k.
            let k = usize::from(at(b, 10) % 4);
            let digits = v.to_string();
            let split = digits.len().saturating_sub(k).max(1);
            let (int, frac) = digits.split_at(split);
            let exp = frac.len();
            let text = if frac.is_empty() {
                format!("{int}e0")
            } else {
                format!("{int}.{frac}e{exp}")
            };
            (text, unit(v))
        }
        _ => {
            // An exponent that scales `v` up by 10^k, when that still fits a u64.
            let k = u32::from(at(b, 10) % 5);
            let scaled = 10u64.checked_pow(k).and_then(|p| v.checked_mul(p));
            (format!("{v}e{k}"), scaled.and_then(unit))
        }
    };
    let expected = expected.and_then(|t| i64::try_from(t).ok());
    let mut finder = TimeFinder::new(Format::Json, &[]);
    for line in [
        format!(r#"{{"ts":{text}}}"#),
        format!(r#"{{"ts":"{text}","x":1}}"#),
    ] {
        assert_eq!(finder.find(line.as_bytes()), expected, "{line}");
    }
}

/// Year, month and day of day number `days` since 1970-01-01, by searching with
/// [`reference_days`].
fn civil(days: i64) -> (i64, u32, u32) {
    // A first guess at or below the year, then up.
    let mut y = 1970
        + if days >= 0 {
            days / 366
        } else {
            days.div_euclid(365) - 1
        };
    while reference_days(y + 1, 1, 1) <= days {
        y += 1;
    }
    let mut mo = 1;
    while mo < 12 && reference_days(y, mo + 1, 1) <= days {
        mo += 1;
    }
    let d = (days - reference_days(y, mo, 1)) as u32 + 1;
    (y, mo, d)
}

fn round_trip(b: &[u8]) {
    // Any second of the years 0000–9999 (those with four digits), any offset up to ±23:59.
    let lo = reference_days(0, 1, 1) * 86_400 + 86_400; // local time stays in year 0 or later
    let hi = reference_days(9999, 12, 31) * 86_400 - 86_400;
    let mut raw = [0u8; 8];
    for (k, r) in raw.iter_mut().enumerate() {
        *r = at(b, k);
    }
    let t = lo + (u64::from_le_bytes(raw) % (hi - lo) as u64) as i64;
    let off_min = i64::from(u16::from_le_bytes([at(b, 8), at(b, 9)]) % (2 * 1439 + 1)) - 1439;
    let off = off_min * 60;
    let local = t + off;
    let (y, mo, d) = civil(local.div_euclid(86_400));
    let sod = local.rem_euclid(86_400);
    let (h, mi, s) = (sod / 3600, sod % 3600 / 60, sod % 60);
    let sign = if off < 0 { '-' } else { '+' };
    let (oh, om) = (off.abs() / 3600, off.abs() % 3600 / 60);
    let mon = MONTHS[mo as usize - 1];
    let mut finder = TimeFinder::new(Format::Auto, &[]);
    let clf = format!("[{d:02}/{mon}/{y:04}:{h:02}:{mi:02}:{s:02} {sign}{oh:02}{om:02}]");
    assert_eq!(finder.find(clf.as_bytes()), Some(t), "{clf}");
    let iso = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{sign}{oh:02}:{om:02}");
    assert_eq!(parse_now(&iso), Ok(t), "{iso}");
    let json = format!(r#"{{"ts":"{iso}"}}"#);
    assert_eq!(finder.find(json.as_bytes()), Some(t), "{json}");
}

fn show(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}
