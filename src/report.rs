//! Counters of a run: one [`Stats`] per chunk, merged with `+=` into per-file and total figures.

use std::ops::AddAssign;

use crate::config::RetentionPlan;
use crate::detect::Kind;
use crate::retention::Undated;

/// What a chunk, a file or a whole run did. Always `lines_in = lines_out + too_old +
/// dropped_undated`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub lines_in: u64,
    pub lines_out: u64,
    /// Lines dropped because they are older than the retention window.
    pub too_old: u64,
    /// Lines dropped because they have no readable time (`--undated drop`).
    pub dropped_undated: u64,
    /// Lines without a readable time while a window is set, kept or dropped.
    pub undated: u64,
    /// The line number of the first of them. Within a chunk it counts from the chunk's first line;
    /// merging in input order (`+=`) makes it count from the start of the stream.
    pub first_undated: Option<u64>,
    pub ipv4: u64,
    pub ipv6: u64,
    pub email: u64,
}

/// What happens to one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    Keep,
    /// Kept although it has no readable time (`--undated keep`).
    KeepUndated,
    DropTooOld,
    DropUndated,
}

impl Fate {
    pub fn keeps(self) -> bool {
        matches!(self, Fate::Keep | Fate::KeepUndated)
    }
}

impl Stats {
    /// Counts one whole line, the `line`-th of its chunk (1-based), with its fate.
    pub fn count_line(&mut self, fate: Fate, line: u64) {
        self.lines_in += 1;
        match fate {
            Fate::Keep | Fate::KeepUndated => self.lines_out += 1,
            Fate::DropTooOld => self.too_old += 1,
            Fate::DropUndated => self.dropped_undated += 1,
        }
        if matches!(fate, Fate::KeepUndated | Fate::DropUndated) {
            self.undated += 1;
            self.first_undated.get_or_insert(line);
        }
    }

    /// Lines dropped for any reason.
    pub fn dropped(&self) -> u64 {
        self.too_old + self.dropped_undated
    }

    pub fn count(&mut self, kind: Kind) {
        match kind {
            Kind::Ipv4 => self.ipv4 += 1,
            Kind::Ipv6 => self.ipv6 += 1,
            Kind::Email => self.email += 1,
        }
    }

    pub fn replacements(&self) -> u64 {
        self.ipv4 + self.ipv6 + self.email
    }
}

impl AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        if self.first_undated.is_none() {
            self.first_undated = o.first_undated.map(|l| self.lines_in + l);
        }
        self.too_old += o.too_old;
        self.dropped_undated += o.dropped_undated;
        self.undated += o.undated;
        self.bytes_in += o.bytes_in;
        self.bytes_out += o.bytes_out;
        self.lines_in += o.lines_in;
        self.lines_out += o.lines_out;
        self.ipv4 += o.ipv4;
        self.ipv6 += o.ipv6;
        self.email += o.email;
    }
}

/// Unix seconds as RFC 3339 UTC (`2026-11-25T00:00:00Z`).
pub fn format_utc(t: i64) -> String {
    let (year, month, day) = crate::format::time::civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The human lines (for stderr) about what retention did to one input, or to all (`name` "total").
pub fn retention_summary(name: &str, stats: &Stats, plan: &RetentionPlan) -> Vec<String> {
    let mut out = vec![format!(
        "{name}: kept {} of {} lines; dropped {} older than {} and {} without a readable time",
        stats.lines_out,
        stats.lines_in,
        stats.too_old,
        format_utc(plan.window.cutoff),
        stats.dropped_undated
    )];
    if stats.undated > 0 {
        let what = match plan.undated {
            Undated::Drop => "dropped",
            Undated::Keep => "kept (--undated keep)",
        };
        out.push(format!(
            "{name}: {} lines have no readable time, {what}{}",
            stats.undated,
            first_undated(stats)
        ));
    }
    out
}

/// The stderr line about undated lines whose pseudonyms used the run's date (`--rotate` without
/// `--max-age`), if there were any.
pub fn rotation_summary(name: &str, stats: &Stats, now: i64) -> Option<String> {
    (stats.undated > 0).then(|| {
        format!(
            "{name}: {} lines have no readable time; their pseudonyms use the run's date ({}){}",
            stats.undated,
            &format_utc(now)[..10],
            first_undated(stats)
        )
    })
}

/// `; the first is line N`, or nothing.
fn first_undated(stats: &Stats) -> String {
    stats
        .first_undated
        .map(|l| format!("; the first is line {l}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_text() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_795_564_800), "2026-11-25T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn merges_field_by_field() {
        let mut a = Stats {
            bytes_in: 1,
            lines_in: 2,
            ipv4: 3,
            ..Stats::default()
        };
        a += Stats {
            bytes_in: 10,
            lines_out: 5,
            email: 1,
            ..Stats::default()
        };
        assert_eq!(
            a,
            Stats {
                bytes_in: 11,
                lines_in: 2,
                lines_out: 5,
                ipv4: 3,
                email: 1,
                ..Stats::default()
            }
        );
        assert_eq!(a.replacements(), 4);
    }

    #[test]
    fn first_undated_line_counts_from_the_stream_start_when_merged_in_order() {
        let mut total = Stats::default();
        let mut chunk = Stats::default();
        chunk.count_line(Fate::Keep, 1);
        chunk.count_line(Fate::Keep, 2);
        total += chunk;
        let mut chunk = Stats::default();
        chunk.count_line(Fate::DropTooOld, 1);
        chunk.count_line(Fate::DropUndated, 2);
        chunk.count_line(Fate::KeepUndated, 3);
        total += chunk;
        assert_eq!(total.first_undated, Some(4));
        assert_eq!(
            (
                total.lines_in,
                total.lines_out,
                total.too_old,
                total.dropped_undated,
                total.undated
            ),
            (5, 3, 1, 1, 2)
        );
        assert_eq!(total.lines_in, total.lines_out + total.dropped());
    }
}
