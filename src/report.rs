//! The report of a run: per file and in total, as JSON ([`RunReport`]) and as the human lines the
//! binary prints on stderr ([`retention_summary`], [`rotation_summary`]).

use serde::Serialize;

use crate::error::Error;
use crate::forget::EntryHits;
use crate::pipeline::FileOutcome;
use crate::plan::FileJob;
use crate::retention::{Retention, Undated};
use crate::stats::Stats;
use crate::time::format_utc;

/// The human lines (for stderr) about what retention did to one input, or to all (`name` "total").
pub fn retention_summary(name: &str, stats: &Stats, plan: &Retention) -> Vec<String> {
    let mut out = vec![format!(
        "{name}: kept {} of {} lines; dropped {} older than {} and {} without a readable time",
        stats.lines_out,
        stats.lines_in,
        stats.too_old,
        format_utc(plan.cutoff),
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

/// The stderr line about zero padding ignored after a gzip input, if there was any.
pub fn padding_note(name: &str, stats: &Stats) -> Option<String> {
    (stats.gzip_padding > 0).then(|| {
        format!(
            "{name}: {} zero bytes after the gzip data ignored (padding, as gzip -d ignores it)",
            stats.gzip_padding
        )
    })
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

/// The stderr line about what the forget list took from one input: entries by their line in the
/// list, never by value (`forget.txt:3: 12 lines`).
pub fn forget_summary(name: &str, stats: &Stats, hits: &[EntryHits]) -> String {
    const SHOWN: usize = 5;
    let mut line = format!(
        "{name}: forgot {} of {} lines",
        stats.forgotten, stats.lines_in
    );
    for (i, h) in hits.iter().enumerate().take(SHOWN) {
        line.push_str(if i == 0 { " (" } else { ", " });
        line.push_str(&format!("{}: {} lines", h.entry, h.lines));
    }
    if hits.len() > SHOWN {
        line.push_str(&format!(", and {} more entries", hits.len() - SHOWN));
    }
    if !hits.is_empty() {
        line.push(')');
    }
    line
}

/// `; the first is line N`, or nothing.
fn first_undated(stats: &Stats) -> String {
    stats
        .first_undated
        .map(|l| format!("; the first is line {l}"))
        .unwrap_or_default()
}

/// The counters of a file or of the run, as the JSON report shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Bytes of text read (after decompression).
    pub bytes_in: u64,
    /// Bytes of text written (before compression).
    pub bytes_out: u64,
    /// Lines read, a last line without a newline included.
    pub lines_in: u64,
    /// Lines written.
    pub lines_out: u64,
    /// Lines not written, per reason; `lines_in = lines_out + the sum of these`.
    pub dropped: Dropped,
    /// Lines without a readable time while --max-age was set (kept or dropped).
    pub undated_lines: u64,
    /// Personal data replaced, per kind.
    pub replacements: Replacements,
}

/// Lines not written, per reason (`dropped` in the JSON report).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Older than the retention window.
    pub too_old: u64,
    /// Without a readable time, under `--undated drop`.
    pub undated: u64,
    /// Read from a file that then failed: its output was discarded.
    pub failed: u64,
    /// Holding an entry of the forget list (`--forget`).
    pub forgotten: u64,
}

/// Spans of personal data in written lines, per kind, each written through its action
/// (`replacements` in the JSON report; see [`Stats::ipv4`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Replacements {
    /// IPv4 addresses.
    pub ipv4: u64,
    /// IPv6 addresses.
    pub ipv6: u64,
    /// Email addresses.
    pub email: u64,
}

impl From<&Stats> for Counters {
    fn from(s: &Stats) -> Self {
        Counters {
            bytes_in: s.bytes_in,
            bytes_out: s.bytes_out,
            lines_in: s.lines_in,
            lines_out: s.lines_out,
            dropped: Dropped {
                too_old: s.too_old,
                undated: s.dropped_undated,
                failed: s.failed,
                forgotten: s.forgotten,
            },
            undated_lines: s.undated,
            replacements: Replacements {
                ipv4: s.ipv4,
                ipv6: s.ipv6,
                email: s.email,
            },
        }
    }
}

/// One input in the JSON report.
#[derive(Debug, Serialize)]
pub struct FileReport {
    /// The input's name: its path, or `<stdin>`.
    pub path: String,
    /// Where its scrubbed text went: the output's path, or `<stdout>`.
    pub output: String,
    /// "ok", "failed", or "skipped" (not read: stdout had been closed by its reader).
    pub status: &'static str,
    /// The error message when failed.
    pub error: Option<String>,
    /// Why an input that did not fail was not read to its end (stdout closed), or not at all.
    pub note: Option<String>,
    /// Wall-clock time spent on this input, in seconds (0 when skipped).
    pub duration_secs: f64,
    /// Bytes taken from the input file (compressed bytes for gzip).
    pub read_bytes: u64,
    /// The input's counters, flattened into this object in the JSON.
    #[serde(flatten)]
    pub counters: Counters,
    /// With `--forget`: the lines each entry of the list took, by the entry's line in the list
    /// (`{"entry": "forget.txt:3", "lines": 12}`), never the entry itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forgotten: Option<Vec<EntryHits>>,
}

/// The whole run in the JSON report.
#[derive(Debug, Serialize)]
pub struct RunReport {
    /// The version of logscrub that wrote the report.
    pub logscrub: &'static str,
    /// When the run started, RFC 3339 UTC.
    pub started: String,
    /// Wall-clock time of the run, in seconds.
    pub duration_secs: f64,
    /// "ok" when no input failed (the exit status is 0), "failed" otherwise.
    pub status: &'static str,
    /// Why the run could not start (a usage or configuration error), if it could not.
    pub error: Option<String>,
    /// Why a run that did not fail stopped early: the reader of stdout went away.
    pub note: Option<String>,
    /// Inputs whose status is "ok".
    pub files_ok: usize,
    /// Inputs whose status is "failed".
    pub files_failed: usize,
    /// Inputs not read because stdout had been closed.
    pub files_skipped: usize,
    /// Every input of the run, in job order.
    pub files: Vec<FileReport>,
    /// The sums over all inputs.
    pub total: TotalReport,
}

/// The totals of a run in the JSON report: the sums over every input, failed ones included (their
/// discarded output counts as `failed` lines).
#[derive(Debug, Serialize)]
pub struct TotalReport {
    /// Bytes taken from all inputs (compressed bytes for gzip).
    pub read_bytes: u64,
    /// The sums of the inputs' counters, flattened into this object in the JSON.
    #[serde(flatten)]
    pub counters: Counters,
}

/// The note of the input that was being written when the reader of stdout went away.
const STDOUT_CLOSED: &str = "stdout was closed by its reader (like `| head`): the rest of this \
                             input was not read; the counters cover the text written whole before \
                             then";

/// The note of an input not read because stdout had been closed.
const NOT_READ: &str = "not read: stdout had been closed by its reader";

impl RunReport {
    /// The report of `outcomes`, a run that started at `started` (Unix seconds) and took
    /// `duration`. `jobs` are every job of the run, in order: the outcomes are those of the first
    /// ones, and the rest were never started because stdout had been closed (a closed stdout is
    /// no failure: the run exits 0).
    pub fn new(
        outcomes: &[FileOutcome],
        jobs: &[FileJob],
        started: i64,
        duration: std::time::Duration,
    ) -> Self {
        let mut total = Stats::default();
        let mut read_bytes = 0;
        let kept = |i: usize| jobs.get(i).and_then(|j| j.output.kept_on_stop());
        let mut files: Vec<FileReport> = outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| {
                total += o.stats;
                read_bytes += o.read_bytes;
                let closed = matches!(o.error, Some(Error::BrokenPipe));
                FileReport {
                    path: o.input.clone(),
                    output: o.output.clone(),
                    status: if o.error.is_none() || closed {
                        "ok"
                    } else {
                        "failed"
                    },
                    error: o
                        .error
                        .as_ref()
                        .filter(|_| !closed)
                        .map(|e| e.for_target(kept(i).as_deref())),
                    note: closed.then(|| STDOUT_CLOSED.to_string()),
                    duration_secs: o.duration.as_secs_f64(),
                    read_bytes: o.read_bytes,
                    counters: Counters::from(&o.stats),
                    forgotten: o.forgotten.clone(),
                }
            })
            .collect();
        let not_run = jobs.get(outcomes.len()..).unwrap_or_default();
        files.extend(not_run.iter().map(|j| FileReport {
            path: j.input.display(),
            output: j.output.display(),
            status: "skipped",
            error: None,
            note: Some(NOT_READ.to_string()),
            duration_secs: 0.0,
            read_bytes: 0,
            counters: Counters::from(&Stats::default()),
            forgotten: None,
        }));
        let count = |status| files.iter().filter(|f| f.status == status).count();
        let (files_ok, files_failed, files_skipped) =
            (count("ok"), count("failed"), count("skipped"));
        let closed = outcomes
            .iter()
            .any(|o| matches!(o.error, Some(Error::BrokenPipe)));
        RunReport {
            logscrub: env!("CARGO_PKG_VERSION"),
            started: format_utc(started),
            duration_secs: duration.as_secs_f64(),
            status: if files_failed == 0 { "ok" } else { "failed" },
            error: None,
            note: closed.then(|| {
                format!(
                    "stdout was closed by its reader (like `| head`): the run stopped early; \
                     {files_skipped} input(s) after it were not read"
                )
            }),
            files_ok,
            files_failed,
            files_skipped,
            files,
            total: TotalReport {
                read_bytes,
                counters: Counters::from(&total),
            },
        }
    }

    /// Marks a run that could not start.
    pub fn fail(&mut self, error: String) {
        self.status = "failed";
        self.error = Some(error);
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            // Serialising plain structs of numbers and strings cannot fail; say so if it does.
            format!("{{\"error\": \"cannot serialise the report: {e}\"}}")
        });
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_counts_each_file_and_the_total_and_marks_failures() {
        let ok = Stats {
            lines_in: 10,
            lines_out: 7,
            too_old: 2,
            dropped_undated: 1,
            undated: 1,
            ipv4: 4,
            email: 1,
            ..Stats::default()
        };
        let mut bad = Stats {
            lines_in: 5,
            lines_out: 5,
            ipv6: 2,
            ..Stats::default()
        };
        bad.discard_output();
        let outcome = |input: &str, stats, error| FileOutcome {
            input: input.into(),
            output: format!("out/{input}"),
            stats,
            error,
            duration: std::time::Duration::from_millis(5),
            read_bytes: 100,
            forgotten: None,
        };
        let report = RunReport::new(
            &[
                outcome("a.log", ok, None),
                outcome(
                    "b.gz",
                    bad,
                    Some(crate::error::Error::Usage("broken".into())),
                ),
            ],
            &[],
            1_795_564_800,
            std::time::Duration::from_secs(1),
        );
        assert_eq!(
            (report.status, report.files_ok, report.files_failed),
            ("failed", 1, 1)
        );
        assert_eq!(report.files[1].status, "failed");
        assert_eq!(report.files[1].counters.dropped.failed, 5);
        let t = report.total.counters;
        assert_eq!(
            (
                t.lines_in,
                t.lines_out,
                t.replacements.ipv4,
                t.replacements.ipv6
            ),
            (15, 7, 4, 0),
            "the discarded output's replacements are not counted"
        );
        assert_eq!(report.files[1].counters.replacements.ipv6, 0);
        assert_eq!(
            t.lines_in,
            t.lines_out + t.dropped.too_old + t.dropped.undated + t.dropped.failed
        );
        assert_eq!(report.total.read_bytes, 200);
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["files"][0]["dropped"]["too_old"], 2);
        assert_eq!(json["files"][1]["error"], "broken");
        assert_eq!(json["total"]["replacements"]["email"], 1);
        assert_eq!(json["started"], "2026-11-25T00:00:00Z");
    }
}
