//! Civil time arithmetic and the timestamp grammars, over bytes; [`format_utc`] writes a time back.
//! A leaf: it imports nothing of the crate.
//!
//! Three grammars, each strict about values and never assuming UTF-8:
//! - CLF: `dd/Mon/yyyy:HH:MM:SS ±zzzz`, optionally with a fraction after the seconds
//!   (`13:55:36.123`, Apache's `%{msec_frac}t`). Month names are the twelve English
//!   three-letter abbreviations in any case.
//! - RFC 3339 / ISO 8601: `yyyy-mm-dd` then `T`, `t` or a space, `HH:MM:SS`, an optional fraction
//!   after `.` or `,`, then `Z`/`z`, `±HH:MM`, `±HHMM` or `±HH`. Without a zone the time is read as
//!   UTC when the caller allows it (log values), and rejected when it does not (`--now`).
//! - Epoch numbers: decimal, optional fraction and exponent (`1700000000`, `1700000000.123`,
//!   `1.7e9`). The unit is decided by magnitude: below 10^8 is not a time, then seconds below 10^11,
//!   milliseconds below 10^14, microseconds below 10^17, nanoseconds up to `u64::MAX`. The first
//!   three bands each cover 1973-03-03 to 5138-11-16, nanoseconds 1973-03-03 to 2554-07-21, so no
//!   plausible log time is ambiguous.
//!
//! Fixed-width fields only: years have exactly four digits, months, days, hours, minutes, seconds
//! and offset parts exactly two; two-digit years (`24/Nov/26`) and unpadded fields are rejected.
//! A seconds field of 60 (a leap second) is accepted and read as 59, so the time stays inside its
//! minute (and day) and sorts before the next minute. Fractions are truncated: results are whole
//! seconds, rounded towards the past.

/// Largest accepted UTC offset: ±23:59.
pub(crate) const MAX_OFFSET_SECS: i64 = 23 * 3600 + 59 * 60;

/// Years accepted by [`unix_seconds`]: enough for any log, small enough that no arithmetic overflows.
const MAX_YEAR_ABS: i64 = 1_000_000;

/// Civil date/time with a UTC offset → Unix seconds (proleptic Gregorian calendar).
///
/// `offset_secs` is the zone's offset east of UTC (`-0700` is `-25200`); the result is UTC.
/// `None` unless `1 <= month <= 12`, the day exists in that month (29 February only in leap years),
/// `h <= 23`, `m <= 59`, `s <= 60`, `|offset_secs| <= 23:59` and `|year| <= 1_000_000`.
/// A leap second (`s == 60`) is read as 59.
pub fn unix_seconds(
    year: i64,
    month: u32,
    day: u32,
    h: u32,
    m: u32,
    s: u32,
    offset_secs: i64,
) -> Option<i64> {
    if !(-MAX_YEAR_ABS..=MAX_YEAR_ABS).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || h > 23
        || m > 59
        || s > 60
        || !(-MAX_OFFSET_SECS..=MAX_OFFSET_SECS).contains(&offset_secs)
    {
        return None;
    }
    let secs = i64::from(h * 3600 + m * 60 + s.min(59));
    Some(days_from_civil(year, month, day) * 86_400 + secs - offset_secs)
}

/// Year, month (1..=12) and day (1..=31) of a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, the inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Days since 1970-01-01 of a valid civil date (Howard Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = i64::from((month + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

pub(crate) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The one-entry cache behind "parse the date once": consecutive log lines almost always share
/// their date (and offset), so the bytes of the last date are kept with the Unix seconds of its
/// midnight, and a line whose date bytes are equal only parses its time of day.
#[derive(Clone, Debug, Default)]
pub(crate) struct DayCache<const N: usize> {
    last: Option<([u8; N], i64)>,
}

impl<const N: usize> DayCache<N> {
    /// The base seconds for `key`, from the cache or from `compute` (which must be a pure function
    /// of `key`); a `None` from `compute` is not cached.
    #[inline]
    fn get(&mut self, key: [u8; N], compute: impl FnOnce() -> Option<i64>) -> Option<i64> {
        match self.last {
            Some((k, base)) if k == key => Some(base),
            _ => {
                let base = compute()?;
                self.last = Some((key, base));
                Some(base)
            }
        }
    }
}

/// The two-digit number at `s[i..i + 2]`.
#[inline]
fn d2(s: &[u8], i: usize) -> Option<u32> {
    match s.get(i..i + 2)? {
        &[a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some(u32::from(a - b'0') * 10 + u32::from(b - b'0')),
        _ => None,
    }
}

/// The four-digit number at `s[i..i + 4]`.
#[inline]
fn d4(s: &[u8], i: usize) -> Option<u32> {
    Some(d2(s, i)? * 100 + d2(s, i + 2)?)
}

/// The month number of an English three-letter abbreviation, in any case.
pub(crate) fn month(abbr: &[u8]) -> Option<u32> {
    let &[a, b, c] = abbr else { return None };
    // `| 0x20` lower-cases letters and maps no non-letter byte onto a letter.
    Some(match &[a | 0x20, b | 0x20, c | 0x20] {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    })
}

/// Seconds since midnight of `HH:MM:SS`, validated (a leap second reads as 59).
#[inline]
fn time_of_day(h: u32, m: u32, s: u32) -> Option<i64> {
    (h <= 23 && m <= 59 && s <= 60).then(|| i64::from(h * 3600 + m * 60 + s.min(59)))
}

/// The byte layout of a CLF timestamp `dd/Mon/yyyy:HH:MM:SS[.frac] ±zzzz` at the start of a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ClfLayout {
    /// Index of the offset's sign.
    offset_at: usize,
    /// Index just past the offset.
    pub(crate) end: usize,
}

/// Checks that `s` starts with the *shape* of a CLF timestamp (digits, letters and separators in
/// their places), not its values: a shape with impossible values is a malformed timestamp, which
/// callers report as such instead of searching on.
#[inline]
pub(crate) fn clf_layout(s: &[u8]) -> Option<ClfLayout> {
    const DIGITS: [usize; 12] = [0, 1, 7, 8, 9, 10, 12, 13, 15, 16, 18, 19];
    let head = s.get(..20)?;
    if head[2] != b'/'
        || head[6] != b'/'
        || head[11] != b':'
        || head[14] != b':'
        || head[17] != b':'
    {
        return None;
    }
    if !DIGITS.iter().all(|&i| head[i].is_ascii_digit())
        || !head[3..6].iter().all(u8::is_ascii_alphabetic)
    {
        return None;
    }
    let mut i = 20;
    if s.get(i) == Some(&b'.') {
        let run = s[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run == 0 {
            return None;
        }
        i += 1 + run;
    }
    match s.get(i..i + 6)? {
        &[b' ', b'+' | b'-', a, b, c, d] if [a, b, c, d].iter().all(u8::is_ascii_digit) => {
            Some(ClfLayout {
                offset_at: i + 1,
                end: i + 6,
            })
        }
        _ => None,
    }
}

/// The value of a CLF timestamp whose layout [`clf_layout`] has checked. The date and offset
/// (`dd/Mon/yyyy` + `±zzzz`) go through `cache`; only `HH:MM:SS` is parsed on a hit.
#[inline]
pub(crate) fn clf_value(s: &[u8], layout: ClfLayout, cache: &mut DayCache<16>) -> Option<i64> {
    let o = layout.offset_at;
    let mut key = [0u8; 16];
    key[..11].copy_from_slice(&s[..11]);
    key[11..].copy_from_slice(&s[o..o + 5]);
    let base = cache.get(key, || {
        let hours = d2(s, o + 1)?;
        let minutes = d2(s, o + 3)?;
        if hours > 23 || minutes > 59 {
            return None;
        }
        let offset = i64::from(hours * 3600 + minutes * 60);
        let offset = if s[o] == b'-' { -offset } else { offset };
        unix_seconds(
            i64::from(d4(s, 7)?),
            month(&s[3..6])?,
            d2(s, 0)?,
            0,
            0,
            0,
            offset,
        )
    })?;
    Some(base + time_of_day(d2(s, 12)?, d2(s, 15)?, d2(s, 18)?)?)
}

/// Whether a timestamp without a zone is accepted (and read as UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Zone {
    /// `2023-10-17T17:39:46` is UTC: log values, where some writers omit the zone.
    DefaultUtc,
    /// A zone (`Z` or an offset) must be present: user input such as `--now`.
    Required,
}

/// The whole of `s` as an RFC 3339 / ISO 8601 date-time; the date goes through `cache`.
#[inline]
pub(crate) fn rfc3339(s: &[u8], zone: Zone, cache: &mut DayCache<10>) -> Option<i64> {
    let head = s.get(..19)?;
    if head[4] != b'-'
        || head[7] != b'-'
        || !matches!(head[10], b'T' | b't' | b' ')
        || head[13] != b':'
        || head[16] != b':'
    {
        return None;
    }
    let mut key = [0u8; 10];
    key.copy_from_slice(&s[..10]);
    let base = cache.get(key, || {
        unix_seconds(i64::from(d4(s, 0)?), d2(s, 5)?, d2(s, 8)?, 0, 0, 0, 0)
    })?;
    let local = base + time_of_day(d2(s, 11)?, d2(s, 14)?, d2(s, 17)?)?;
    let mut i = 19;
    if matches!(s.get(i), Some(b'.' | b',')) {
        let run = s[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run == 0 {
            return None;
        }
        i += 1 + run;
    }
    let offset = match s.get(i..)? {
        [] if zone == Zone::DefaultUtc => 0,
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let hours = d2(rest, 0)?;
            let minutes = match rest.len() {
                2 => 0,
                4 => d2(rest, 2)?,
                5 if rest[2] == b':' => d2(rest, 3)?,
                _ => return None,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    Some(local - offset)
}

/// Powers of ten that fit a `u128`.
const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// The whole of `s` as an epoch number (see the module docs for the accepted forms and how the unit
/// is chosen). Negative numbers are rejected: they are not log times.
#[inline]
pub(crate) fn epoch(s: &[u8]) -> Option<i64> {
    match epoch_prefix(s)? {
        (t, len) if len == s.len() => Some(t),
        _ => None,
    }
}

/// The epoch number at the start of `s`, read as far as it goes: its time and its length.
#[inline]
pub(crate) fn epoch_prefix(s: &[u8]) -> Option<(i64, usize)> {
    // One pass over the integer digits, accumulating while that cannot overflow.
    let mut int: u64 = 0;
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if i < 19 {
            int = int * 10 + u64::from(d);
        }
        i += 1;
    }
    let int_end = i;
    if int_end == 0 {
        return None;
    }
    let mut frac = i..i;
    if s.get(i) == Some(&b'.') {
        let end = digit_run(s, i + 1);
        if end == i + 1 {
            return None;
        }
        frac = i + 1..end;
        i = end;
    }
    let whole = match s.get(i) {
        Some(b'e' | b'E') => {
            let (exp, len) = exponent(&s[i..])?;
            i += len;
            scaled(&s[..int_end], &s[frac], exp)?
        }
        // The common case: the fraction cannot change the whole number.
        _ if int_end <= 19 => u128::from(int),
        _ => decimal(&s[..int_end])?,
    };
    // u64 arithmetic from here: a u128 division is a library call. Past u64::MAX (year 2554 in
    // nanoseconds) is not a time.
    let secs = match u64::try_from(whole).ok()? {
        w if w < 100_000_000 => return None,
        w if w < 100_000_000_000 => w,
        w if w < 100_000_000_000_000 => w / 1_000,
        w if w < 100_000_000_000_000_000 => w / 1_000_000,
        w => w / 1_000_000_000,
    };
    Some((i64::try_from(secs).ok()?, i))
}

/// The end of the run of ASCII digits starting at `s[i..]`.
#[inline]
fn digit_run(s: &[u8], i: usize) -> usize {
    i + s
        .get(i..)
        .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count())
}

/// The value of a run of decimal digits, if it fits a `u128`.
#[inline]
fn decimal(digits: &[u8]) -> Option<u128> {
    let zeros = digits.iter().take_while(|&&b| b == b'0').count();
    let digits = &digits[zeros..];
    if digits.len() <= 19 {
        // Cannot overflow a u64.
        Some(u128::from(
            digits
                .iter()
                .fold(0u64, |v, &b| v * 10 + u64::from(b - b'0')),
        ))
    } else {
        digits.iter().try_fold(0u128, |v, &b| {
            v.checked_mul(10)?.checked_add(u128::from(b - b'0'))
        })
    }
}

/// The exponent `e[+-]digits` at the start of `s` (saturating at ±1000), and its length.
fn exponent(s: &[u8]) -> Option<(i64, usize)> {
    let (negative, sign_len) = match s.get(1) {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let start = 1 + sign_len;
    let end = digit_run(s, start);
    if end == start {
        return None;
    }
    let e = s[start..end]
        .iter()
        .fold(0i64, |e, &b| (e * 10 + i64::from(b - b'0')).min(1000));
    Some((if negative { -e } else { e }, end))
}

/// The whole part of `int.frac × 10^exp`, exactly (`None` past a `u128`).
fn scaled(int: &[u8], frac: &[u8], exp: i64) -> Option<u128> {
    let mut mantissa = decimal(int)?;
    let mut exp10 = exp;
    for &b in frac {
        // Fraction digits past what a u128 holds cannot change the whole seconds of a sane time.
        match mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(u128::from(b - b'0')))
        {
            Some(m) => {
                mantissa = m;
                exp10 -= 1;
            }
            None => break,
        }
    }
    if exp10 >= 0 {
        mantissa.checked_mul(*POW10.get(usize::try_from(exp10).ok()?)?)
    } else {
        Some(
            POW10
                .get(usize::try_from(-exp10).ok()?)
                .map_or(0, |p| mantissa / p),
        )
    }
}

/// Unix seconds as RFC 3339 UTC (`2026-11-25T00:00:00Z`).
pub fn format_utc(t: i64) -> String {
    let (year, month, day) = civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests;
