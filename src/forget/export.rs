//! `logscrub subject`'s export (access and portability): every line about one person as JSON
//! Lines, other people's data in them scrubbed.
//!
//! The subject file is a forget list ([`super::list`]) and lines are matched as the scrub matches
//! them ([`Forget::scan`]). In a matched line, each identifier the subject's list does not hold
//! (a proxy chain, someone else's email, the client address of a line matched by email, which may
//! be shared) is replaced with the default actions (addresses masked to /24 and /48, emails
//! `[email]`) and a user name not on the list with `[user]`, in `raw` as in `fields`, which are
//! parsed from the scrubbed line. Each record:
//!
//! ```json
//! {"file":"access.log","line":3,"time":"2026-11-24T20:55:36Z","matched_by":["email"],
//!  "ip_only":false,"fields":{"client":"203.0.113.0","user":"-",…},"raw":"203.0.113.0 - - […"}
//! ```

use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;

use serde::Serialize;

use crate::action::{ActionCache, Actions};
use crate::detect::{Detector, Span};
use crate::format::{Format, TimeFinder};
use crate::framing::LINE_HEAD;
use crate::time::format_utc;

use super::matcher::{By, ForgetScratch};
use super::{fields, Forget};

/// What is written instead of a user name that is not on the subject's list.
pub const USER_MARKER: &[u8] = b"[user]";

/// What to do with lines matched only by an IP address (which may be shared).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpOnly {
    /// Export them, flagged `"ip_only": true`.
    Include,
    /// Leave them out (counted).
    Exclude,
}

/// What an export found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExportCounts {
    /// Lines read, in all inputs.
    pub lines_read: u64,
    /// Lines exported.
    pub lines: u64,
    /// Of those, lines matched only by an IP address.
    pub ip_only_lines: u64,
    /// Lines matched only by an IP address and left out (`--ip-only exclude`).
    pub left_out: u64,
}

/// One exported line.
#[derive(Serialize)]
struct Record<'a> {
    file: &'a str,
    line: u64,
    time: Option<String>,
    matched_by: Vec<&'static str>,
    ip_only: bool,
    fields: serde_json::Value,
    raw: String,
}

/// The header, the export's first line.
#[derive(Serialize)]
struct Header<'a> {
    logscrub: &'static str,
    export: &'static str,
    created: String,
    files: &'a [String],
    entries: usize,
    ip_only: &'static str,
    scrubbed: &'static str,
    #[serde(flatten)]
    counts: ExportCounts,
}

/// Finds one person's lines and writes them as records. Keep one per export.
pub struct Exporter<'a> {
    forget: &'a Forget,
    times: TimeFinder,
    ip_only: IpOnly,
    now: i64,
    actions: Actions,
    cache: ActionCache,
    detector: Detector,
    spans: Vec<Span>,
    scratch: ForgetScratch,
    line: Vec<u8>,
    scrubbed: Vec<u8>,
    files: Vec<String>,
    counts: ExportCounts,
}

impl<'a> Exporter<'a> {
    /// An export of the lines `forget` (the subject's list) matches; `now` is the header's time
    /// and the day of undated lines under rotating pseudonyms.
    pub fn new(
        forget: &'a Forget,
        format: Format,
        time_fields: &[String],
        now: i64,
        ip_only: IpOnly,
    ) -> Self {
        Exporter {
            forget,
            times: TimeFinder::new(format, time_fields),
            ip_only,
            now,
            actions: Actions::default(),
            cache: ActionCache::default(),
            detector: Detector::new(),
            spans: Vec::new(),
            scratch: ForgetScratch::default(),
            line: Vec::new(),
            scrubbed: Vec::new(),
            files: Vec::new(),
            counts: ExportCounts::default(),
        }
    }

    /// Appends the records of the input `name` read from `reader` to `out`.
    pub fn file(&mut self, name: &str, reader: impl Read, out: &mut Vec<u8>) -> io::Result<()> {
        self.files.push(name.to_string());
        let mut reader = BufReader::new(reader);
        let mut number = 0u64;
        loop {
            self.line.clear();
            if reader.read_until(b'\n', &mut self.line)? == 0 {
                return Ok(());
            }
            number += 1;
            self.counts.lines_read += 1;
            self.one(name, number, out)?;
        }
    }

    fn one(&mut self, name: &str, number: u64, out: &mut Vec<u8>) -> io::Result<()> {
        let line = &self.line;
        self.spans.clear();
        self.detector.find(line, &mut self.spans);
        let time = self.times.find(&line[..line.len().min(LINE_HEAD)]);
        let t = time.unwrap_or(self.now);
        self.forget
            .scan(line, &self.spans, b"", |_| t, &mut self.scratch);
        if self.scratch.hits().is_empty() {
            return Ok(());
        }
        let mut by: Vec<By> = self.scratch.hits().iter().map(|h| h.by).collect();
        by.sort_unstable();
        by.dedup();
        let ip_only = by == [By::Ip];
        if ip_only && self.ip_only == IpOnly::Exclude {
            self.counts.left_out += 1;
            return Ok(());
        }
        self.scrub(t);
        let text = trim_newline(&self.scrubbed);
        let record = Record {
            file: name,
            line: number,
            time: time.map(format_utc),
            matched_by: by.iter().map(|b| b.name()).collect(),
            ip_only,
            fields: parsed_fields(text),
            raw: String::from_utf8_lossy(text).into_owned(),
        };
        serde_json::to_writer(&mut *out, &record).map_err(io::Error::other)?;
        out.push(b'\n');
        self.counts.lines += 1;
        self.counts.ip_only_lines += u64::from(ip_only);
        Ok(())
    }

    /// The line into `self.scrubbed`, every identifier not on the list replaced.
    fn scrub(&mut self, t: i64) {
        let line = &self.line;
        let mut edits: Vec<(Range<usize>, Option<usize>)> = self
            .spans
            .iter()
            .enumerate()
            .map(|(i, s)| (s.start..s.end, Some(i)))
            .collect();
        fields::each_user(line, |r| edits.push((r, None)));
        edits.sort_by_key(|(r, _)| (r.start, r.end));
        self.scrubbed.clear();
        let mut pos = 0;
        for (r, span) in edits {
            if r.start < pos {
                continue; // overlaps an edit already made
            }
            let text = &line[r.clone()];
            self.scrubbed.extend_from_slice(&line[pos..r.start]);
            match span.map(|i| self.spans[i]) {
                Some(span) => {
                    if self
                        .forget
                        .span_entry(&span, text, &mut self.scratch)
                        .is_some()
                    {
                        self.scrubbed.extend_from_slice(text);
                    } else {
                        let (cache, out) = (&mut self.cache, &mut self.scrubbed);
                        self.actions.write_span(cache, t, &span, text, out);
                    }
                }
                None if self.forget.user_entry(text).is_some() => {
                    self.scrubbed.extend_from_slice(text)
                }
                None => self.scrubbed.extend_from_slice(USER_MARKER),
            }
            pos = r.end;
        }
        self.scrubbed.extend_from_slice(&line[pos..]);
    }

    /// The header line of the export, once every input is read.
    pub fn header(&self) -> Vec<u8> {
        let header = Header {
            logscrub: env!("CARGO_PKG_VERSION"),
            export: "subject",
            created: format_utc(self.now),
            files: &self.files,
            entries: self.forget.len(),
            ip_only: match self.ip_only {
                IpOnly::Include => "include",
                IpOnly::Exclude => "exclude",
            },
            scrubbed: "every identifier not on the subject's list: addresses masked to /24 and \
                       /48, emails [email], user names [user]",
            counts: self.counts,
        };
        let mut out = serde_json::to_vec(&header).expect("a header always serialises");
        out.push(b'\n');
        out
    }

    /// What the export found so far.
    pub fn counts(&self) -> ExportCounts {
        self.counts
    }
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A JSON line as its object, a CLF line as its named fields, anything else null.
fn parsed_fields(text: &[u8]) -> serde_json::Value {
    let first = text.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        return serde_json::from_slice(text).unwrap_or(serde_json::Value::Null);
    }
    match fields::clf(text) {
        Some(f) => serde_json::Value::Object(
            f.into_iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        String::from_utf8_lossy(v).into_owned().into(),
                    )
                })
                .collect(),
        ),
        None => serde_json::Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forget::list;
    use std::path::Path;

    fn export(
        list_text: &str,
        log: &str,
        ip_only: IpOnly,
    ) -> (Vec<serde_json::Value>, ExportCounts) {
        let f = Forget::new(list::parse(list_text.as_bytes(), Path::new("s")).unwrap());
        let mut e = Exporter::new(&f, Format::Auto, &[], 0, ip_only);
        let mut out = Vec::new();
        e.file("a.log", log.as_bytes(), &mut out).unwrap();
        let records = out
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        (records, e.counts())
    }

    const LOG: &str = "\
203.0.113.7 - - [24/Nov/2026:13:55:36 +0000] \"GET /?cc=bob@example.com HTTP/1.1\" 200 5 \"-\" \"x\"\n\
198.51.100.9 - jdoe [24/Nov/2026:13:55:37 +0000] \"GET /?to=jane.doe%40example.org&via=192.0.2.44 HTTP/1.1\" 200 5 \"-\" \"x\"\n\
198.51.100.10 - other [24/Nov/2026:13:55:38 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n\
{\"ts\":1795553739,\"user\":\"bob\",\"ip\":\"203.0.113.7\",\"to\":\"carol@example.net\"}\n";

    #[test]
    fn third_parties_are_scrubbed_and_the_subjects_own_data_kept() {
        let list = "2026-11-25 ip:203.0.113.7\n2026-11-25 email:jane.doe@example.org\n";
        let (r, counts) = export(list, LOG, IpOnly::Include);
        assert_eq!(r.len(), 3, "{r:?}");
        assert_eq!(r[0]["raw"], "203.0.113.7 - - [24/Nov/2026:13:55:36 +0000] \"GET /?cc=[email] HTTP/1.1\" 200 5 \"-\" \"x\"");
        assert_eq!(r[0]["ip_only"], true);
        assert_eq!(r[0]["line"], 1);
        assert_eq!(r[0]["time"], "2026-11-24T13:55:36Z");
        // Matched by email: the client address and the user name are someone else's (maybe).
        assert_eq!(r[1]["raw"], "198.51.100.0 - [user] [24/Nov/2026:13:55:37 +0000] \"GET /?to=jane.doe%40example.org&via=192.0.2.0 HTTP/1.1\" 200 5 \"-\" \"x\"");
        assert_eq!(r[1]["matched_by"], serde_json::json!(["email"]));
        assert_eq!(r[1]["fields"]["client"], "198.51.100.0");
        assert_eq!(r[1]["fields"]["user"], "[user]");
        assert_eq!(r[2]["fields"]["to"], "[email]");
        assert_eq!(r[2]["fields"]["user"], "[user]");
        assert_eq!(r[2]["fields"]["ip"], "203.0.113.7");
        assert_eq!(
            (counts.lines_read, counts.lines, counts.ip_only_lines),
            (4, 3, 2)
        );
        let (r, counts) = export(list, LOG, IpOnly::Exclude);
        assert_eq!((r.len(), counts.left_out), (1, 2));
    }
}
