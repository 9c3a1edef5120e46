//! Line formats and their timestamps: where a line's time is, and what it is in Unix seconds UTC.
//!
//! [`TimeFinder::find`] reads the time of one line without allocating:
//! - CLF/combined, vhost-first variants and S3 (`[24/Nov/2026:13:55:36 -0700]`, any offset): the
//!   first `[` followed by a timestamp-shaped field (`clf.rs`);
//! - JSON lines (Caddy, Traefik, Cloudflare, GCP load balancer, nginx `escape=json`, journald): the
//!   value of a time key, top-level keys before nested ones, as RFC 3339 / ISO 8601 text, CLF text
//!   or an epoch number (`json.rs`);
//! - W3C extended (IIS, Azure, CloudFront) with its `#Fields:` / `#Date:` headers, ELB/ALB, Squid
//!   native, Cloud Storage, HAProxy and Envoy (`columns.rs`);
//! - any of these behind an RFC 3164 or RFC 5424 syslog prefix (`syslog.rs`): the message's own
//!   time, else the prefix's;
//! - a custom format given as an nginx `log_format` or Apache `LogFormat` string (`custom.rs`,
//!   [`TimeFinder::with_log_format`]), whose time, client and user fields are known exactly.
//!
//! With [`Format::Auto`] each line is recognised on its own: `{` starts JSON; `#` a W3C header (or
//! a comment); a CLF-shaped `[…]` timestamp anywhere makes it CLF (the common case costs what it
//! did before formats were added); otherwise a syslog prefix is taken off and the column formats
//! are tried. Per line rather than per file, because files get concatenated and one file may hold
//! several (a syslog file with JSON and CLF messages), and because a per-line guess costs nothing
//! on the lines that are CLF.
//!
//! Header lines (W3C `#Fields:` … and Cloud Storage's `"time_micros",…`) have no time and are kept
//! whatever the window: [`TimeFinder::header`] says whether the line just read was one. A header's
//! column map holds for the later lines of the same chunk of input (512 KiB); a chunk that starts
//! without one reads W3C lines as `date time …`, which is IIS's, Azure's and CloudFront's order.
//!
//! Consecutive lines share their date, so the finder caches the last date it parsed (for CLF, the
//! date together with the offset) and most lines only parse `HH:MM:SS`. The grammars, what is
//! rejected, leap seconds and the epoch unit thresholds are documented in `time.rs`.

mod clf;
mod columns;
mod custom;
mod json;
mod syslog;

use std::str::FromStr;
use std::sync::Arc;

pub use custom::{Fields, LogFormat};

/// How lines are laid out, hence where their time is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Per line: whichever of the formats below the line is in.
    #[default]
    Auto,
    /// Common/Combined Log Format and relatives (vhost-first, S3): the time is a
    /// `[dd/Mon/yyyy:HH:MM:SS ±zzzz]` field.
    Clf,
    /// JSON lines: the time is the value of one of the time keys, top-level ones first.
    Json,
    /// W3C extended (IIS, Azure, CloudFront): `date` and `time` columns, UTC, per `#Fields:`.
    W3c,
    /// ELB/ALB: an RFC 3339 column among the first three.
    Elb,
    /// Squid native: epoch seconds with milliseconds in the first column.
    Squid,
    /// Cloud Storage usage logs: quoted epoch microseconds in the first CSV column.
    CloudStorage,
    /// HAProxy `[06/Feb/2009:12:14:14.655]` (UTC) or Envoy `[2016-04-15T20:17:00.310Z]`.
    Bracketed,
    /// Lines have no time this tool can read.
    Text,
}

/// The `--format` names, each with the format it reads.
pub const FORMAT_NAMES: [(&str, Format); 24] = [
    ("auto", Format::Auto),
    ("clf", Format::Clf),
    ("common", Format::Clf),
    ("combined", Format::Clf),
    ("vcommon", Format::Clf),
    ("vcombined", Format::Clf),
    ("s3", Format::Clf),
    ("json", Format::Json),
    ("caddy", Format::Json),
    ("traefik", Format::Json),
    ("cloudflare", Format::Json),
    ("gcp", Format::Json),
    ("nginx-json", Format::Json),
    ("journald", Format::Json),
    ("w3c", Format::W3c),
    ("iis", Format::W3c),
    ("cloudfront", Format::W3c),
    ("elb", Format::Elb),
    ("alb", Format::Elb),
    ("squid", Format::Squid),
    ("cloudstorage", Format::CloudStorage),
    ("haproxy", Format::Bracketed),
    ("envoy", Format::Bracketed),
    ("text", Format::Text),
];

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        FORMAT_NAMES
            .iter()
            .find(|(name, _)| *name == s)
            .map(|&(_, f)| f)
            .ok_or_else(|| {
                let names: Vec<&str> = FORMAT_NAMES.iter().map(|(n, _)| *n).collect();
                format!("unknown format '{s}': expected one of {}", names.join(", "))
            })
    }
}

impl Format {
    /// The `--format` name of this format, as error messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Clf => "clf",
            Format::Json => "json",
            Format::W3c => "w3c",
            Format::Elb => "elb",
            Format::Squid => "squid",
            Format::CloudStorage => "cloudstorage",
            Format::Bracketed => "haproxy/envoy",
            Format::Text => "text",
        }
    }
}

/// The JSON keys searched when no `--time-field` is given, highest priority first.
pub const DEFAULT_TIME_FIELDS: [&str; 9] = [
    "time",
    "timestamp",
    "@timestamp",
    "ts",
    "time_local",
    "time_iso8601",
    "date",
    "EdgeStartTimestamp",
    "__REALTIME_TIMESTAMP",
];

/// Finds the time of log lines. Keep one per worker and chunk: it caches the last date parsed and
/// the W3C column map of the headers it has read.
#[derive(Clone, Debug)]
pub struct TimeFinder {
    format: Format,
    keys: json::Keys,
    days: json::Days,
    w3c: columns::W3c,
    /// "Now", for the year of RFC 3164 syslog timestamps.
    now: Option<i64>,
    /// The last line read was a header line.
    header: bool,
    /// `--log-format`: read every line by this format instead.
    custom: Option<Arc<LogFormat>>,
}

impl TimeFinder {
    /// `fields`: JSON key names to look for, in priority order (empty slice = the default names,
    /// [`DEFAULT_TIME_FIELDS`]). Names are matched byte for byte against the raw key text, so a
    /// name containing `"` or `\` never matches.
    pub fn new(format: Format, fields: &[String]) -> Self {
        let keys = if fields.is_empty() {
            json::Keys::new(DEFAULT_TIME_FIELDS.iter().map(|f| f.as_bytes()))
        } else {
            json::Keys::new(fields.iter().map(String::as_bytes))
        };
        TimeFinder {
            format,
            keys,
            days: json::Days::default(),
            w3c: columns::W3c::default(),
            now: None,
            header: false,
            custom: None,
        }
    }

    /// Reads every line by a custom format (`--log-format`) instead of `format`.
    pub fn with_log_format(mut self, custom: Option<LogFormat>) -> Self {
        self.custom = custom.map(Arc::new);
        self
    }

    /// Sets "now" (Unix seconds), from which the year of an RFC 3164 syslog timestamp is inferred:
    /// the latest year in which it is at most a day after now. Without it such a prefix gives no
    /// time (the message's own time is still read).
    pub fn with_now(mut self, now: i64) -> Self {
        self.now = Some(now);
        self
    }

    /// Whether the line last given to [`find`](Self::find) was a header line (W3C `#Fields:`,
    /// `#Date:`, `#Version:` …, Cloud Storage's column names), which has no time and is kept.
    #[inline]
    pub fn header(&self) -> bool {
        self.header
    }

    /// The line's time as Unix seconds UTC; `None` when the line has no readable time. A trailing
    /// `\n` or `\r\n` may be included or not.
    #[inline]
    pub fn find(&mut self, line: &[u8]) -> Option<i64> {
        self.header = false;
        if let Some(custom) = &self.custom {
            let json::Days { clf, iso } = &mut self.days;
            return custom.find(line, clf, iso);
        }
        match self.format {
            Format::Text => None,
            Format::Clf => clf::find(line, &mut self.days.clf),
            Format::Json => json::find(line, &self.keys, &mut self.days),
            Format::Auto => {
                let body = trim_start(line);
                match body.first() {
                    Some(b'{') => json::find(line, &self.keys, &mut self.days),
                    Some(b'#' | b'"') if self.header_line(body) => None,
                    _ => match clf::probe(line, &mut self.days.clf) {
                        Some(t) => t,
                        None => self.other(body),
                    },
                }
            }
            _ => {
                let body = trim_start(line);
                if self.header_line(body) {
                    return None;
                }
                self.other(body)
            }
        }
    }

    /// Whether `body` is a header line (remembering what a W3C one says).
    #[inline]
    fn header_line(&mut self, body: &[u8]) -> bool {
        self.header = columns::header(body, &mut self.w3c);
        self.header
    }

    /// A line that is not CLF (under `auto`) or of a column format: behind a syslog prefix, or not.
    #[cold]
    fn other(&mut self, body: &[u8]) -> Option<i64> {
        let (msg, prefix_time) = match syslog::split(body, self.now, &mut self.days.iso) {
            Some((msg, t)) => (trim_start(msg), t),
            None => (body, None),
        };
        let own = match (self.format, msg.first()) {
            (Format::Auto | Format::Json, Some(b'{')) => {
                json::find(msg, &self.keys, &mut self.days)
            }
            (Format::Auto, _) if msg.len() != body.len() => {
                match clf::probe(msg, &mut self.days.clf) {
                    Some(t) => t,
                    None => self.columns(msg),
                }
            }
            (Format::Auto | Format::W3c | Format::Elb | Format::Squid, _)
            | (Format::CloudStorage | Format::Bracketed, _) => self.columns(msg),
            _ => None,
        };
        own.or(prefix_time)
    }

    /// The time of a column-format line.
    #[inline]
    fn columns(&mut self, msg: &[u8]) -> Option<i64> {
        let json::Days { clf, iso } = &mut self.days;
        columns::find(msg, &self.w3c, iso, clf)
    }
}

/// `line` after any leading spaces, tabs and UTF-8 byte-order mark.
#[inline]
fn trim_start(line: &[u8]) -> &[u8] {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let n = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &line[n..]
}

#[cfg(test)]
mod tests;
