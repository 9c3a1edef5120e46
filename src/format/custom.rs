//! A custom line format given as the server's own format string (`--log-format`): an nginx
//! `log_format` (`$remote_addr - $remote_user [$time_local] "$request" …`) or an Apache `LogFormat`
//! (`%h %l %u %t \"%r\" %>s %b`). Which one is told by its variables: `$name` is nginx, `%x` Apache.
//!
//! The string compiles once into literal pieces and fields. A line is matched piece by piece: each
//! literal must follow where the previous field ended, and a field runs up to the first occurrence
//! of the literal after it (to the end of the line for a last field), as GoAccess reads its own
//! format strings. So the time, client and user fields of a line are known exactly, wherever the
//! format puts them ([`LogFormat::fields`]).
//!
//! Time fields: nginx `$time_local` (CLF text), `$time_iso8601` (RFC 3339), `$msec` (epoch seconds
//! with milliseconds); Apache `%t` (`[CLF]`), `%{sec}t`, `%{msec}t`, `%{usec}t` (epoch numbers),
//! and `%{…}t` with a strftime pattern of CLF's own shape (`%d/%b/%Y:%H:%M:%S %z`) or ISO 8601's
//! (`%Y-%m-%dT%H:%M:%S%z`), read by shape. Client: nginx `$remote_addr`, `$binary_remote_addr` is
//! not text so not accepted; Apache `%h`, `%a`, `%{c}a`. User: nginx `$remote_user`, Apache `%u`.

use std::ops::Range;

use memchr::memmem;

use crate::time::{clf_layout, clf_value, epoch, rfc3339, DayCache, Zone};

/// What a field of a custom format holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// A time, read by its shape: CLF text (bracketed or not), RFC 3339 or an epoch number.
    Time,
    /// The client address.
    Client,
    /// The authenticated user.
    User,
    /// Anything else.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Lit(Vec<u8>),
    Field(Field),
}

/// A compiled custom format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFormat {
    pieces: Vec<Piece>,
}

/// Where a line's time, client and user fields are, as byte ranges of the line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// The time field.
    pub time: Option<Range<usize>>,
    /// The client field.
    pub client: Option<Range<usize>>,
    /// The user field.
    pub user: Option<Range<usize>>,
}

impl LogFormat {
    /// Compiles an nginx `log_format` or Apache `LogFormat` string. It must name a time field.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let s = spec.as_bytes();
        let nginx = s.contains(&b'$');
        let mut pieces: Vec<Piece> = vec![];
        let mut lit = vec![];
        let mut i = 0;
        let flush = |lit: &mut Vec<u8>, pieces: &mut Vec<Piece>| {
            if !lit.is_empty() {
                pieces.push(Piece::Lit(std::mem::take(lit)));
            }
        };
        while i < s.len() {
            let b = s[i];
            if nginx && b == b'$' {
                let braced = s.get(i + 1) == Some(&b'{');
                let start = i + 1 + usize::from(braced);
                let len = s[start..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                if len == 0 {
                    lit.push(b);
                    i += 1;
                    continue;
                }
                let name = &spec[start..start + len];
                i = start + len + usize::from(braced && s.get(start + len) == Some(&b'}'));
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Field(match name {
                    "time_local" | "time_iso8601" | "msec" => Field::Time,
                    "remote_addr" => Field::Client,
                    "remote_user" => Field::User,
                    _ => Field::Other,
                }));
            } else if !nginx && b == b'%' {
                let mut j = i + 1;
                // Modifiers: `<`, `>`, status lists (`%400,501{User-agent}i`), `!`.
                while let Some(c) = s.get(j) {
                    if matches!(c, b'<' | b'>' | b'!' | b',') || c.is_ascii_digit() {
                        j += 1;
                    } else {
                        break;
                    }
                }
                let mut arg = "";
                if s.get(j) == Some(&b'{') {
                    let end = j
                        + 1
                        + s[j + 1..]
                            .iter()
                            .position(|&c| c == b'}')
                            .ok_or_else(|| format!("'{spec}': unclosed %{{ at byte {i}"))?;
                    arg = &spec[j + 1..end];
                    j = end + 1;
                }
                let Some(&d) = s.get(j) else {
                    return Err(format!("'{spec}': a lone % at the end"));
                };
                i = j + 1;
                if d == b'%' {
                    lit.push(b'%');
                    continue;
                }
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Field(match (d, arg) {
                    (b't', _) => Field::Time,
                    (b'h', _) | (b'a', "" | "c") => Field::Client,
                    (b'u', _) => Field::User,
                    _ => Field::Other,
                }));
            } else if b == b'\\' && s.get(i + 1).is_some_and(|&c| c == b'"' || c == b'\\') {
                lit.push(s[i + 1]);
                i += 2;
            } else {
                lit.push(b);
                i += 1;
            }
        }
        flush(&mut lit, &mut pieces);
        if !pieces.contains(&Piece::Field(Field::Time)) {
            return Err(format!(
                "'{spec}': no time field (nginx $time_local, $time_iso8601 or $msec; Apache %t or \
                 %{{…}}t)"
            ));
        }
        if pieces
            .windows(2)
            .any(|w| matches!(w, [Piece::Field(_), Piece::Field(_)]))
        {
            return Err(format!(
                "'{spec}': two fields with nothing between them cannot be told apart"
            ));
        }
        Ok(LogFormat { pieces })
    }

    /// Where the line's fields are; `None` when the line does not match the format.
    pub fn fields(&self, line: &[u8]) -> Option<Fields> {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut out = Fields::default();
        let mut pos = 0;
        for (k, piece) in self.pieces.iter().enumerate() {
            match piece {
                Piece::Lit(l) => {
                    if !line[pos..].starts_with(l) {
                        return None;
                    }
                    pos += l.len();
                }
                Piece::Field(f) => {
                    let end = match self.pieces.get(k + 1) {
                        Some(Piece::Lit(l)) => pos + memmem::find(&line[pos..], l)?,
                        _ => line.len(),
                    };
                    let slot = match f {
                        Field::Time => &mut out.time,
                        Field::Client => &mut out.client,
                        Field::User => &mut out.user,
                        Field::Other => {
                            pos = end;
                            continue;
                        }
                    };
                    slot.get_or_insert(pos..end);
                    pos = end;
                }
            }
        }
        Some(out)
    }

    /// The line's time as Unix seconds UTC.
    pub(crate) fn find(
        &self,
        line: &[u8],
        clf: &mut DayCache<16>,
        iso: &mut DayCache<10>,
    ) -> Option<i64> {
        let range = self.fields(line)?.time?;
        let v = &line[range];
        let v = v
            .strip_prefix(b"[")
            .and_then(|v| v.strip_suffix(b"]"))
            .unwrap_or(v);
        if v.get(2) == Some(&b'/') {
            let layout = clf_layout(v)?;
            return (layout.end == v.len()).then(|| clf_value(v, layout, clf))?;
        }
        if v.get(4) == Some(&b'-') {
            return rfc3339(v, Zone::DefaultUtc, iso);
        }
        epoch(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::unix_seconds;

    fn time(spec: &str, line: &str) -> Option<i64> {
        LogFormat::parse(spec).unwrap().find(
            line.as_bytes(),
            &mut DayCache::default(),
            &mut DayCache::default(),
        )
    }

    fn fields(spec: &str, line: &str) -> (String, String) {
        let f = LogFormat::parse(spec)
            .unwrap()
            .fields(line.as_bytes())
            .unwrap();
        let s = |r: Option<Range<usize>>| r.map(|r| line[r].to_string()).unwrap_or_default();
        (s(f.client), s(f.user))
    }

    const T: Option<i64> = Some(1_795_553_736); // 2026-11-24T20:55:36Z

    #[test]
    fn nginx_and_apache_combined() {
        let nginx = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;
        let line = r#"203.0.113.7 - alice [24/Nov/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl/8""#;
        assert_eq!(time(nginx, line), T);
        assert_eq!(fields(nginx, line), ("203.0.113.7".into(), "alice".into()));
        let apache = r#"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\""#;
        assert_eq!(time(apache, line), T);
        assert_eq!(fields(apache, line), ("203.0.113.7".into(), "alice".into()));
        // Not the format: no time.
        assert_eq!(time(nginx, "garbage"), None);
    }

    #[test]
    fn time_forms() {
        assert_eq!(time("$msec $remote_addr", "1795553736.123 192.0.2.1"), T);
        assert_eq!(
            time(
                "$remote_addr [$time_iso8601]",
                "192.0.2.1 [2026-11-24T13:55:36-07:00]"
            ),
            T
        );
        assert_eq!(time("%{sec}t %h", "1795553736 192.0.2.1"), T);
        assert_eq!(time("%{msec}t %h", "1795553736123 192.0.2.1"), T);
        assert_eq!(
            time(
                "%h [%{%d/%b/%Y:%H:%M:%S %z}t]",
                "192.0.2.1 [24/Nov/2026:13:55:36 -0700]"
            ),
            T
        );
        assert_eq!(
            time(
                "%h %{%Y-%m-%dT%H:%M:%S%z}t",
                "192.0.2.1 2026-11-24T13:55:36-0700"
            ),
            unix_seconds(2026, 11, 24, 20, 55, 36, 0)
        );
    }

    /// Real custom formats: the client and user fields are where the format says.
    #[test]
    fn real_formats_fields() {
        for (spec, line, client, user) in REAL {
            assert_eq!(
                fields(spec, line),
                (client.to_string(), user.to_string()),
                "{spec}"
            );
            assert_eq!(time(spec, line), T, "{spec}");
        }
    }

    /// Three nginx formats (the docs' `compression`, nginx.conf's `main`, ingress-nginx's
    /// `upstreaminfo`) and two Apache ones (`combined`, Debian's `vhost_combined`), each with a
    /// line of its shape whose time is 2026-11-24T20:55:36Z.
    const REAL: [(&str, &str, &str, &str); 5] = [
        (
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $bytes_sent "$http_referer" "$http_user_agent" "$gzip_ratio""#,
            r#"203.0.113.7 - bob [24/Nov/2026:13:55:36 -0700] "GET /a?x=[01/Jan/2030:00:00:00 +0000] HTTP/1.1" 200 612 "-" "curl/8" "2.31""#,
            "203.0.113.7",
            "bob",
        ),
        (
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for""#,
            r#"2001:db8::7 - - [25/Nov/2026:02:25:36 +0530] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0" "198.51.100.1, 192.0.2.9""#,
            "2001:db8::7",
            "-",
        ),
        (
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id"#,
            r#"192.0.2.50 - jane@example.org [24/Nov/2026:20:55:36 +0000] "POST /api HTTP/2.0" 201 17 "-" "okhttp/4" 321 0.004 [default-api-80] [] 10.0.0.5:8080 17 0.004 201 7f3c9a"#,
            "192.0.2.50",
            "jane@example.org",
        ),
        (
            r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#,
            r#"198.51.100.23 - frank [24/Nov/2026:21:55:36 +0100] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#,
            "198.51.100.23",
            "frank",
        ),
        (
            r#"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#,
            r#"www.example.com:443 192.0.2.77 - - [24/Nov/2026:20:55:36 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8""#,
            "192.0.2.77",
            "-",
        ),
    ];

    #[test]
    fn bad_format_strings() {
        for spec in [
            "$remote_addr $status",
            "%h %u",
            "%h %{x",
            "%h %",
            "$remote_addr$time_local",
        ] {
            assert!(LogFormat::parse(spec).is_err(), "{spec}");
        }
        assert!(LogFormat::parse("%h %% %t").is_ok());
    }
}
