//! Retention: which lines are too old to keep.
//!
//! Everything is decided once at start-up: `--max-age` becomes seconds ([`parse_duration`]),
//! `--now` an instant ([`parse_now`]; the caller reads the clock only when it is not given), and the
//! two make a [`Retention`]. Per line only [`Retention::judge`] runs, giving the line's [`Fate`]: a
//! line is kept iff
//! `now - max_age <= its time`, so a line exactly `max_age` old is kept and one a second older is
//! dropped; lines from the future (clock skew) are kept. Lines without a readable time follow
//! [`Undated`].

use std::str::FromStr;

use crate::time::{rfc3339, DayCache, Zone};

const DURATION_FORMS: &str =
    "a whole number and a unit (s, m, h, d or w), or several from the largest unit to \
                              the smallest; e.g. 90d, 36h, 2w, 30m, 45s, 1d12h";

/// Parses a maximum age: `90d`, `36h`, `2w`, `30m`, `45s`, or combinations from the largest unit to
/// the smallest, each at most once (`1w2d`, `1d12h30m`). Units: `s` seconds, `m` minutes, `h` hours,
/// `d` days (86,400 s), `w` weeks. No months or years (they have no fixed length), no fractions,
/// no signs, no spaces; zero is refused.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    if s.is_empty() {
        return Err(format!("empty duration: expected {DURATION_FORMS}"));
    }
    let bytes = s.as_bytes();
    let mut total: u64 = 0;
    let mut i = 0;
    // Rank of the last unit used: later units must be strictly smaller.
    let mut last_rank = usize::MAX;
    while i < bytes.len() {
        let start = i;
        let mut n: u64 = 0;
        while let Some(&b @ b'0'..=b'9') = bytes.get(i) {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(b - b'0')))
                .ok_or_else(|| format!("'{s}': too long"))?;
            i += 1;
        }
        if i == start {
            return Err(format!("'{s}': expected {DURATION_FORMS}"));
        }
        let (rank, unit) = match bytes.get(i) {
            Some(b'w') => (4, 604_800),
            Some(b'd') => (3, 86_400),
            Some(b'h') => (2, 3_600),
            Some(b'm') => (1, 60),
            Some(b's') => (0, 1),
            None => {
                return Err(format!(
                    "'{s}': missing unit after {}; expected {DURATION_FORMS}",
                    &s[start..]
                ))
            }
            Some(_) => {
                let rest = s.get(i..).and_then(|r| r.chars().next()).unwrap_or('?');
                let hint = if matches!(rest, 'M' | 'y' | 'Y') {
                    " (months and years have no fixed length: use d or w)"
                } else {
                    ""
                };
                return Err(format!(
                    "'{s}': unknown unit '{rest}'{hint}; expected {DURATION_FORMS}"
                ));
            }
        };
        if rank >= last_rank {
            return Err(format!("'{s}': units must go from largest to smallest, each at most once; expected {DURATION_FORMS}"));
        }
        last_rank = rank;
        i += 1;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("'{s}': too long"))?;
    }
    if total == 0 {
        return Err(format!("'{s}': the maximum age must be longer than zero"));
    }
    Ok(total)
}

/// Parses `--now`: RFC 3339 with a zone (`2026-11-25T00:00:00Z`, `2026-11-25T01:00:00+01:00`,
/// fractions allowed and truncated, `T` or a space), or Unix seconds (`@1795564800` or
/// `1795564800`). A time without a zone is refused rather than guessed.
pub fn parse_now(s: &str) -> Result<i64, String> {
    const FORMS: &str = "RFC 3339 with a zone (2026-11-25T00:00:00Z, 2026-11-25T01:00:00+01:00) \
                         or Unix seconds (@1795564800 or 1795564800)";
    let digits = s.strip_prefix('@').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits
            .parse::<i64>()
            .map_err(|_| format!("'{s}': too large; expected {FORMS}"));
    }
    let mut cache = DayCache::default();
    if let Some(t) = rfc3339(s.as_bytes(), Zone::Required, &mut cache) {
        return Ok(t);
    }
    if rfc3339(s.as_bytes(), Zone::DefaultUtc, &mut cache).is_some() {
        return Err(format!(
            "'{s}': add a zone, Z for UTC or an offset such as +01:00"
        ));
    }
    Err(format!("'{s}': expected {FORMS}"))
}

/// The retention policy of a run: `--max-age` against one "now", and what becomes of lines
/// without a readable time. A line is kept iff `cutoff <= its time` (Unix seconds UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// The maximum age, in seconds.
    pub max_age_secs: u64,
    /// "Now" in Unix seconds UTC: `--now`, or the clock read once at start.
    pub now: i64,
    /// The oldest time kept: `now - max_age_secs`, saturating.
    pub cutoff: i64,
    /// What becomes of lines without a readable time.
    pub undated: Undated,
}

impl Retention {
    /// The policy keeping lines at most `max_age_secs` older than `now` (saturating: an age beyond
    /// the representable past keeps everything).
    pub fn new(max_age_secs: u64, now: i64, undated: Undated) -> Self {
        let age = i64::try_from(max_age_secs).unwrap_or(i64::MAX);
        Retention {
            max_age_secs,
            now,
            cutoff: now.saturating_sub(age),
            undated,
        }
    }

    /// Whether a line with time `t` is recent enough to keep.
    #[inline]
    pub fn keeps(&self, t: i64) -> bool {
        self.cutoff <= t
    }

    /// The fate of a line with time `time` (`None`: no readable time).
    #[inline]
    pub fn judge(&self, time: Option<i64>) -> Fate {
        match (time, self.undated) {
            (Some(t), _) if self.keeps(t) => Fate::Keep,
            (Some(_), _) => Fate::DropTooOld,
            (None, Undated::Keep) => Fate::KeepUndated,
            (None, Undated::Drop) => Fate::DropUndated,
        }
    }
}

/// What happens to one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Kept: recent enough, or no retention policy is in force.
    Keep,
    /// Kept although it has no readable time (`--undated keep`, or no window but a time was
    /// looked for).
    KeepUndated,
    /// Dropped: older than the window.
    DropTooOld,
    /// Dropped: no readable time (`--undated drop`).
    DropUndated,
    /// Dropped: it holds an entry of the forget list (`--forget`).
    DropForgotten,
}

impl Fate {
    /// Whether the line is written.
    pub fn keeps(self) -> bool {
        matches!(self, Fate::Keep | Fate::KeepUndated)
    }
}

/// What happens to lines without a readable time when a window is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Undated {
    /// Drop them: retention means nothing old survives, and an unreadable time may be old.
    #[default]
    Drop,
    /// Keep them (and count them).
    Keep,
}

impl FromStr for Undated {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "drop" => Ok(Undated::Drop),
            "keep" => Ok(Undated::Keep),
            _ => Err(format!("unknown policy '{s}': expected drop or keep")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Format, TimeFinder};
    use crate::time::unix_seconds;

    #[test]
    fn durations() {
        for (s, secs) in [
            ("45s", 45),
            ("30m", 1_800),
            ("36h", 129_600),
            ("90d", 7_776_000),
            ("2w", 1_209_600),
            ("1d12h", 129_600),
            ("1w2d3h4m5s", 604_800 + 172_800 + 10_800 + 240 + 5),
            ("0d1s", 1),
            ("007d", 604_800),
        ] {
            assert_eq!(parse_duration(s), Ok(secs), "{s}");
        }
    }

    #[test]
    fn bad_durations_say_what_is_accepted() {
        for s in [
            "", "90", "d", "1.5d", "-5d", "+5d", "90 d", " 90d", "90D", "3M", "1y", "12h1d",
            "1d1d", "0d", "0s0m", "1d12", "90dd", "5µs",
        ] {
            let err = parse_duration(s).expect_err(s);
            assert!(err.contains(s) || s.is_empty(), "{s}: {err}");
            if !matches!(s, "0d" | "0s0m") {
                assert!(err.contains("90d, 36h"), "{s}: {err}");
            }
        }
        assert!(parse_duration("3M")
            .unwrap_err()
            .contains("no fixed length"));
        assert!(parse_duration("0d")
            .unwrap_err()
            .contains("longer than zero"));
        assert!(parse_duration("99999999999999999999d")
            .unwrap_err()
            .contains("too long"));
        assert!(parse_duration("40000000000000w")
            .unwrap_err()
            .contains("too long"));
        assert_eq!(parse_duration("18446744073709551615s"), Ok(u64::MAX));
    }

    #[test]
    fn now_forms() {
        let t = Ok(1_795_564_800); // 2026-11-25T00:00:00Z
        for s in [
            "2026-11-25T00:00:00Z",
            "2026-11-25T01:00:00+01:00",
            "2026-11-24T17:00:00-0700",
            "2026-11-25 00:00:00.999Z",
            "2026-11-25t00:00:00z",
            "@1795564800",
            "1795564800",
        ] {
            assert_eq!(parse_now(s), t, "{s}");
        }
        assert_eq!(parse_now("@0"), Ok(0));
        assert!(parse_now("2026-11-25T00:00:00")
            .unwrap_err()
            .contains("add a zone"));
        for s in [
            "",
            "@",
            "now",
            "@-1",
            "-1",
            "2026-11-25",
            "2026-02-29T00:00:00Z",
            "@99999999999999999999",
            "1795564800.5",
        ] {
            let err = parse_now(s).expect_err(s);
            assert!(
                err.contains("RFC 3339") && err.contains("@1795564800"),
                "{s}: {err}"
            );
        }
    }

    #[test]
    fn window_boundary_is_inclusive() {
        let now = 1_795_564_800;
        let w = Retention::new(90 * 86_400, now, Undated::Drop);
        assert_eq!(w.cutoff, now - 90 * 86_400);
        assert!(w.keeps(now - 90 * 86_400), "exactly max-age old is kept");
        assert!(
            !w.keeps(now - 90 * 86_400 - 1),
            "one second older is dropped"
        );
        assert!(w.keeps(now));
        assert!(w.keeps(now + 3_600), "the future is kept");
        let cutoff = |now, age| Retention::new(age, now, Undated::Drop).cutoff;
        assert_eq!(cutoff(0, u64::MAX), -i64::MAX);
        assert_eq!(cutoff(-5, u64::MAX), i64::MIN);
        assert_eq!(cutoff(i64::MIN, 1), i64::MIN);
    }

    #[test]
    fn window_boundary_through_real_lines() {
        // now = 2026-11-25T00:00:00Z, max age 1 day: cutoff 2026-11-24T00:00:00Z = 2026-11-23T17:00:00-0700.
        let w = Retention::new(
            parse_duration("1d").unwrap(),
            parse_now("2026-11-25T00:00:00Z").unwrap(),
            Undated::Drop,
        );
        let mut f = TimeFinder::new(Format::Auto, &[]);
        let at = |f: &mut TimeFinder, line: &str| f.find(line.as_bytes()).unwrap();
        assert!(w.keeps(at(
            &mut f,
            "192.0.2.1 - - [23/Nov/2026:17:00:00 -0700] \"GET /\" 200 1"
        )));
        assert!(!w.keeps(at(
            &mut f,
            "192.0.2.1 - - [23/Nov/2026:16:59:59 -0700] \"GET /\" 200 1"
        )));
        assert!(w.keeps(at(&mut f, r#"{"time":"2026-11-24T05:30:00+05:30"}"#)));
        assert!(!w.keeps(at(&mut f, r#"{"time":"2026-11-24T05:29:59.999+05:30"}"#)));
        assert!(w.keeps(at(&mut f, r#"{"ts":1795478400000}"#)));
        assert!(!w.keeps(at(&mut f, r#"{"ts":1795478399999}"#)));
        assert_eq!(w.cutoff, unix_seconds(2026, 11, 24, 0, 0, 0, 0).unwrap());
    }

    #[test]
    fn lines_are_judged_by_time_and_the_undated_policy() {
        let drop = Retention::new(10, 100, Undated::Drop);
        let keep = Retention {
            undated: Undated::Keep,
            ..drop
        };
        assert_eq!(drop.judge(Some(90)), Fate::Keep);
        assert_eq!(drop.judge(Some(89)), Fate::DropTooOld);
        assert_eq!(drop.judge(None), Fate::DropUndated);
        assert_eq!(keep.judge(None), Fate::KeepUndated);
        assert_eq!(keep.judge(Some(89)), Fate::DropTooOld);
        assert!(Fate::Keep.keeps() && Fate::KeepUndated.keeps());
        assert!(!Fate::DropTooOld.keeps() && !Fate::DropUndated.keeps());
    }

    #[test]
    fn undated_policy_names() {
        assert_eq!("drop".parse::<Undated>(), Ok(Undated::Drop));
        assert_eq!("keep".parse::<Undated>(), Ok(Undated::Keep));
        assert_eq!(Undated::default(), Undated::Drop);
        assert!("Keep"
            .parse::<Undated>()
            .unwrap_err()
            .contains("drop or keep"));
    }
}
