//! Every log format of issue 16 through the binary: for each file in `testdata/formats/` (lines
//! from each format's own documentation, see `testdata/formats/SOURCES.md`), `--max-age` keeps and
//! drops exactly the right lines, to the second, under `--format auto` and under the format's own
//! `--format` name; header lines (W3C `#Fields:` …, Cloud Storage's column names) are always kept.
//!
//! The expected times are written by hand from each line as civil text and turned into Unix
//! seconds by GNU `date -u -d`, not by logscrub's code.

use std::process::Command;

use crate::util::*;

/// A file of `testdata/formats/`, its `--format` name (none: `auto` only) and the time of each of
/// its data lines, in order, as `date -d` reads them.
struct Case {
    file: &'static str,
    format: Option<&'static str>,
    times: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        file: "clf.log",
        format: Some("combined"),
        times: &["2000-10-10 13:55:36 -0700", "2000-10-10 13:55:37 -0700"],
    },
    Case {
        file: "vcombined.log",
        format: Some("vcombined"),
        times: &["2000-10-10 13:55:36 -0700", "2000-10-10 23:55:36 +0200"],
    },
    Case {
        file: "iis_w3c.log",
        format: Some("iis"),
        times: &["2002-05-24 20:18:01 UTC", "2002-05-24 20:18:02 UTC"],
    },
    Case {
        file: "iis_time_only.log",
        format: Some("iis"),
        times: &["2001-05-02 17:42:15 UTC", "2001-05-02 17:42:16 UTC"],
    },
    Case {
        file: "w3c_draft.log",
        format: Some("w3c"),
        times: &[
            "1996-01-12 00:34:23 UTC",
            "1996-01-12 12:21:16 UTC",
            "1996-01-12 12:45:52 UTC",
            "1996-01-12 12:57:34 UTC",
        ],
    },
    Case {
        file: "w3c_reordered.log",
        format: Some("w3c"),
        times: &["2026-11-24 08:15:00 UTC", "2026-11-24 08:15:01 UTC"],
    },
    Case {
        file: "cloudfront.log",
        format: Some("cloudfront"),
        times: &[
            "2019-12-04 21:02:31 UTC",
            "2019-12-04 21:02:31 UTC",
            "2019-12-05 10:48:10 UTC",
        ],
    },
    Case {
        file: "elb_classic.log",
        format: Some("elb"),
        times: &[
            "2015-05-13 23:39:43 UTC",
            "2015-05-13 23:39:43 UTC",
            "2015-05-13 23:40:01 UTC",
        ],
    },
    Case {
        file: "alb.log",
        format: Some("alb"),
        times: &["2018-07-02 22:23:00 UTC", "2018-07-02 22:23:01 UTC"],
    },
    Case {
        file: "s3.log",
        format: Some("s3"),
        times: &[
            "2019-02-06 00:00:38 +0000",
            "2019-02-06 00:00:38 +0000",
            "2019-02-06 00:00:39 +0000",
        ],
    },
    Case {
        file: "cloudstorage.csv",
        format: Some("cloudstorage"),
        // time_micros 1591299599912000 and 1591299600912000, as civil time.
        times: &["2020-06-04 19:39:59 UTC", "2020-06-04 19:40:00 UTC"],
    },
    Case {
        file: "squid.log",
        format: Some("squid"),
        times: &["2010-10-08 11:11:48 UTC", "2010-10-08 11:11:49 UTC"],
    },
    Case {
        file: "haproxy.log",
        format: Some("haproxy"),
        times: &["2009-02-06 12:14:14 UTC", "2009-02-06 12:14:15 UTC"],
    },
    Case {
        file: "envoy.log",
        format: Some("envoy"),
        times: &["2016-04-15 20:17:00 UTC", "2016-04-15 20:17:01 UTC"],
    },
    Case {
        file: "caddy.jsonl",
        format: Some("caddy"),
        times: &["2022-03-09 21:30:01 UTC", "2022-03-09 21:30:02 UTC"],
    },
    Case {
        file: "traefik.jsonl",
        format: Some("traefik"),
        times: &["2020-06-01 14:00:00 +0200", "2020-06-01 14:00:05 +0200"],
    },
    Case {
        file: "cloudflare.jsonl",
        format: Some("cloudflare"),
        times: &["2023-11-14 22:13:20 UTC", "2023-11-14 22:13:21 UTC"],
    },
    Case {
        // The top-level `timestamp`, not the nested `jsonPayload.time` of 2030.
        file: "gcp_lb.jsonl",
        format: Some("gcp"),
        times: &["2020-06-01 12:00:00 UTC", "2020-06-01 12:00:02 UTC"],
    },
    Case {
        file: "nginx_escape_json.jsonl",
        format: Some("nginx-json"),
        times: &["2026-11-24 13:55:36 -0700", "2026-11-24 13:55:40 -0700"],
    },
    Case {
        file: "journald.jsonl",
        format: Some("journald"),
        times: &["2012-07-17 16:01:01 UTC", "2012-07-17 16:01:02 UTC"],
    },
    Case {
        // The prefix's time (year from --now), then the message's own JSON and CLF times.
        file: "syslog_rfc3164.log",
        format: None,
        times: &[
            "2003-10-11 22:14:15 UTC",
            "2003-10-11 22:14:19 UTC",
            "2003-10-11 22:14:24 UTC",
        ],
    },
    Case {
        file: "syslog_rfc5424.log",
        format: None,
        times: &[
            "2003-10-11 22:14:15 UTC",
            "2003-10-11 22:14:19 UTC",
            "2003-10-11 22:14:24 UTC",
        ],
    },
];

/// Unix seconds of a civil time, by GNU `date`.
fn date_s(civil: &str) -> i64 {
    let out = Command::new("date")
        .args(["-u", "-d", civil, "+%s"])
        .output()
        .expect("GNU date is needed to compute the expected times");
    assert!(out.status.success(), "date -d {civil:?} failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Whether a fixture line is a header line, by the formats' documentation.
fn is_header(line: &[u8]) -> bool {
    line.starts_with(b"#") || line.starts_with(b"\"time_micros\",")
}

/// The output of a run keeping lines at most `age` seconds older than `now`; addresses kept, so
/// lines come out as they went in.
fn kept(file: &str, format: &str, now: i64, age: i64) -> Vec<u8> {
    logscrub()
        .args(["--ip", "keep", "--email", "keep", "--format", format])
        .arg(format!("--now=@{now}"))
        .arg(format!("--max-age={age}s"))
        .arg(testdata(&format!("formats/{file}")))
        .run()
        .ok()
        .to_vec()
}

#[test]
fn max_age_keeps_and_drops_exactly_the_right_lines_of_every_format() {
    for case in CASES {
        let data = read_testdata(&format!("formats/{}", case.file));
        let all = lines(&data);
        let times: Vec<i64> = case.times.iter().map(|t| date_s(t)).collect();
        let data_lines = all.iter().filter(|l| !is_header(l)).count();
        assert_eq!(
            data_lines,
            times.len(),
            "{}: one time per data line",
            case.file
        );
        let formats = ["auto"].into_iter().chain(case.format);
        for format in formats {
            for &cutoff in &times {
                for cutoff in [cutoff, cutoff + 1] {
                    let want: Vec<u8> = {
                        let mut t = times.iter();
                        all.iter()
                            .filter(|l| is_header(l) || *t.next().unwrap() >= cutoff)
                            .flat_map(|l| l.iter().copied().chain([b'\n']))
                            .collect()
                    };
                    let got = kept(case.file, format, cutoff + 100, 100);
                    assert!(
                        got == want,
                        "{} --format {format}, cutoff {cutoff}:\n got: {}\nwant: {}",
                        case.file,
                        show(&got),
                        show(&want)
                    );
                }
            }
        }
    }
}

/// `auto` on every fixture at once, in one input: each line is recognised on its own, whatever
/// came before it (a W3C header's column map does not stop an ELB line after it being read).
#[test]
fn auto_reads_every_format_in_one_concatenated_input() {
    let mut input = vec![];
    let mut times = vec![];
    for case in CASES {
        input.extend(read_testdata(&format!("formats/{}", case.file)));
        times.extend(case.times.iter().map(|t| date_s(t)));
    }
    let total = count_lines(&input);
    let oldest = *times.iter().min().unwrap();
    let newest = *times.iter().max().unwrap();
    // Everything kept: no line lacks a readable time.
    let now = newest + 10;
    let run = logscrub()
        .args(["--ip", "keep", "--email", "keep"])
        .arg(format!("--now=@{now}"))
        .arg(format!("--max-age={}s", now - oldest))
        .stdin(input.clone())
        .run();
    assert_same_bytes(run.ok(), &input, "every line of every format, kept");
    // One second less: exactly the oldest lines go, and nothing else.
    let run = logscrub()
        .args(["--ip", "keep", "--email", "keep"])
        .arg(format!("--now=@{now}"))
        .arg(format!("--max-age={}s", now - oldest - 1))
        .stdin(input)
        .run();
    let dropped = times.iter().filter(|&&t| t == oldest).count() as u64;
    assert_eq!(count_lines(run.ok()), total - dropped, "{}", run.stderr);
}

/// A format name that forces one reader: `--format elb` does not read CLF lines, and `--format
/// text` with retention is still refused.
#[test]
fn a_forced_format_reads_only_its_own_lines() {
    let clf = testdata("formats/clf.log");
    let run = logscrub()
        .args([
            "--format",
            "elb",
            "--now=@2000000000",
            "--max-age=100000d",
            "--undated",
            "keep",
        ])
        .arg(&clf)
        .run();
    assert_eq!(count_lines(run.ok()), 2);
    assert!(
        run.stderr.contains("2 lines have no readable time"),
        "{}",
        run.stderr
    );
    logscrub()
        .args(["--format", "nosuch"])
        .arg(&clf)
        .run()
        .fails_naming("nosuch");
}

/// `--log-format` with three real nginx formats (the nginx docs' `compression`, nginx.conf's
/// `main` with `$http_x_forwarded_for`, ingress-nginx's `upstreaminfo`) and two Apache ones
/// (`combined`, Debian's `vhost_combined`): each line's time, 2026-11-24T20:55:36Z by GNU date,
/// is read from the format's own time field to the second.
#[test]
fn log_format_strings_of_real_nginx_and_apache_formats() {
    let t = date_s("2026-11-24 20:55:36 UTC");
    let cases = [
        (
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $bytes_sent "$http_referer" "$http_user_agent" "$gzip_ratio""#,
            r#"203.0.113.7 - bob [24/Nov/2026:13:55:36 -0700] "GET /a HTTP/1.1" 200 612 "-" "curl/8" "2.31""#,
        ),
        (
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for""#,
            r#"2001:db8::7 - - [25/Nov/2026:02:25:36 +0530] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0" "198.51.100.1, 192.0.2.9""#,
        ),
        (
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id"#,
            r#"192.0.2.50 - - [24/Nov/2026:20:55:36 +0000] "POST /api HTTP/2.0" 201 17 "-" "okhttp/4" 321 0.004 [default-api-80] [] 10.0.0.5:8080 17 0.004 201 7f3c9a"#,
        ),
        (
            r#"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\""#,
            r#"198.51.100.23 - frank [24/Nov/2026:21:55:36 +0100] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#,
        ),
        (
            r#"%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\""#,
            r#"www.example.com:443 192.0.2.77 - - [24/Nov/2026:20:55:36 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8""#,
        ),
        // The time after the request: auto would read the client's `[01/Jan/2030…]` first.
        (
            r#"$remote_addr "$request" [$time_local] $status"#,
            r#"192.0.2.1 "GET /?d=[01/Jan/2030:00:00:00 +0000] HTTP/1.1" [24/Nov/2026:20:55:36 +0000] 200"#,
        ),
    ];
    for (spec, line) in cases {
        let input = format!("{line}\n");
        for (age, kept) in [(10, true), (9, false)] {
            let run = logscrub()
                .args(["--ip", "keep", "--email", "keep", "--undated", "drop"])
                .arg(format!("--log-format={spec}"))
                .arg(format!("--now=@{}", t + 10))
                .arg(format!("--max-age={age}s"))
                .stdin(input.clone())
                .run();
            let want = if kept { input.as_bytes() } else { b"" };
            assert_eq!(run.ok(), want, "{spec} --max-age {age}s: {}", run.stderr);
        }
    }
    // A format string without a time field, or with --format too, is a usage error.
    logscrub()
        .args(["--log-format", "$remote_addr $status"])
        .stdin("x\n")
        .run()
        .fails_naming("no time field");
    logscrub()
        .args(["--log-format", "%h %t", "--format", "clf"])
        .stdin("x\n")
        .run()
        .fails_naming("--format");
}
