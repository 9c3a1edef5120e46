//! Retention (`--max-age`, `--undated`, `--time-field`): each line is judged by its own CLF or
//! JSON time, exactly to the second, across time-zone offsets and leap days, in unsorted logs and
//! in lines longer than a chunk; undated lines are counted, named and dropped or kept on request;
//! `--format text` with retention is a usage error before any input is read. How drops show in
//! the report is in `report`.

use crate::util::timestamps::{clf_time, days_from_civil};
use crate::util::*;

/// 2026-11-25T00:00:00Z
const NOW: &str = "2026-11-25T00:00:00Z";

fn retained(input: &str, extra: &[&str]) -> (String, String) {
    let run = logscrub()
        .args(["--now", NOW])
        .args(extra)
        .stdin(input)
        .run();
    (
        String::from_utf8_lossy(run.ok()).into_owned(),
        run.stderr.clone(),
    )
}

#[test]
fn retention_boundary_is_exact_to_the_second() {
    let input = "\
203.0.113.1 - - [24/Nov/2026:00:00:00 +0000] \"GET /exactly-one-day HTTP/1.1\" 200 1\n\
203.0.113.2 - - [23/Nov/2026:23:59:59 +0000] \"GET /one-second-more HTTP/1.1\" 200 1\n\
203.0.113.3 - - [24/Nov/2026:00:00:01 +0000] \"GET /one-second-less HTTP/1.1\" 200 1\n";
    let (out, err) = retained(input, &["--max-age", "1d"]);
    assert_eq!(
        out,
        "203.0.113.0 - - [24/Nov/2026:00:00:00 +0000] \"GET /exactly-one-day HTTP/1.1\" 200 1\n\
         203.0.113.0 - - [24/Nov/2026:00:00:01 +0000] \"GET /one-second-less HTTP/1.1\" 200 1\n"
    );
    assert!(
        err.contains("kept 2 of 3 lines; dropped 1 older than 2026-11-24T00:00:00Z"),
        "{err}"
    );
    // The same boundary in other units.
    assert_eq!(retained(input, &["--max-age", "24h"]).0, out);
    assert_eq!(retained(input, &["--max-age", "1440m"]).0, out);
}

#[test]
fn retention_reads_offsets_leap_days_and_rejects_bad_months() {
    // now = 2026-11-25T00:00:00Z, max age 12h → cutoff 2026-11-24T12:00:00Z.
    let input = "\
a [24/Nov/2026:05:00:00 -0700] \"west, 12:00Z: kept\"\n\
b [24/Nov/2026:04:59:59 -0700] \"west, 11:59:59Z: dropped\"\n\
c [24/Nov/2026:17:30:00 +0530] \"india, 12:00Z: kept\"\n\
d [24/Nov/2026:17:29:59 +0530] \"india, 11:59:59Z: dropped\"\n\
e [24/Foo/2026:18:00:00 +0000] \"bad month: undated\"\n";
    let (out, err) = retained(input, &["--max-age", "12h"]);
    assert_eq!(out, "a [24/Nov/2026:05:00:00 -0700] \"west, 12:00Z: kept\"\nc [24/Nov/2026:17:30:00 +0530] \"india, 12:00Z: kept\"\n");
    assert!(
        err.contains("1 lines have no readable time, dropped; the first is line 5"),
        "{err}"
    );
    // 29 Feb exists in 2024 and not in 2026.
    let leap = "x [29/Feb/2024:10:00:00 +0000] leap\ny [29/Feb/2026:10:00:00 +0000] not a date\n";
    let run = logscrub()
        .args(["--now", "2024-03-01T00:00:00Z", "--max-age", "2d"])
        .stdin(leap)
        .run();
    assert_eq!(
        String::from_utf8_lossy(run.ok()),
        "x [29/Feb/2024:10:00:00 +0000] leap\n"
    );
    assert!(run.stderr.contains("the first is line 2"), "{}", run.stderr);
}

#[test]
fn retention_reads_json_times_in_every_form() {
    // cutoff 2026-11-24T00:00:00Z = 1795478400
    let input = "\
{\"ts\":1795478400123,\"ip\":\"192.0.2.10\"}\n\
{\"ts\":1795478399999,\"ip\":\"192.0.2.11\"}\n\
{\"time\":\"2026-11-24T01:00:00+01:00\",\"ip\":\"192.0.2.12\"}\n\
{\"time\":\"2026-11-23T23:59:59.999Z\"}\n\
{\"request\":{\"when\":\"2026-11-24T00:00:00Z\"},\"msg\":\"custom field\"}\n\
{\"timestamp\":1795478400.5}\n";
    let (out, _) = retained(input, &["--max-age", "1d"]);
    assert_eq!(
        out,
        "{\"ts\":1795478400123,\"ip\":\"192.0.2.0\"}\n{\"time\":\"2026-11-24T01:00:00+01:00\",\"ip\":\"192.0.2.0\"}\n{\"timestamp\":1795478400.5}\n"
    );
    // With --time-field, only that key is read: the other lines become undated.
    let (out, err) = retained(
        input,
        &[
            "--max-age",
            "1d",
            "--time-field",
            "when",
            "--undated",
            "drop",
        ],
    );
    assert_eq!(
        out,
        "{\"request\":{\"when\":\"2026-11-24T00:00:00Z\"},\"msg\":\"custom field\"}\n"
    );
    assert!(
        err.contains("5 lines have no readable time, dropped; the first is line 1"),
        "{err}"
    );
}

#[test]
fn retention_judges_unsorted_real_lines_one_by_one() {
    // elastic 2015 is not in time order; compare with an independent count.
    let plain = read_testdata_plain("access/elastic_apache_logs_2015.log.gz");
    let cutoff = days_from_civil(2015, 5, 19) * 86_400 + 12 * 3600; // 2015-05-19T12:00:00Z
    let expected: Vec<&[u8]> = lines(&plain)
        .into_iter()
        .filter(|l| clf_time(l).is_some_and(|t| t >= cutoff))
        .collect();
    assert!(expected.len() > 1000 && expected.len() < 9000);
    for args in [&["-j", "1"][..], &["-j", "4", "--chunk-size", "4096"][..]] {
        let run = logscrub()
            .args(["--max-age", "36h", "--now", "2015-05-21T00:00:00Z"])
            .args(args)
            .arg(testdata("access/elastic_apache_logs_2015.log.gz"))
            .run();
        let out = run.ok();
        assert_eq!(lines(out).len(), expected.len(), "{args:?}");
        assert!(ip_leaks(out, 24, 48).is_empty());
        let dropped = 10_000 - expected.len();
        assert!(
            run.stderr.contains(&format!(
                "kept {} of 10000 lines; dropped {dropped} older",
                expected.len()
            )),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn retention_dropping_everything_leaves_an_empty_file_gz_and_plain() {
    let dir = tempdir();
    for name in ["all-old.log", "all-old.log.gz"] {
        let out = dir.path().join(name);
        let run = logscrub()
            .args(["--max-age", "1d", "--now", NOW, "-o"])
            .arg(&out)
            .arg(testdata("access/elastic_apache_logs_2015.log.gz"))
            .run();
        run.ok();
        let bytes = std::fs::read(&out).expect("output exists");
        let text = if name.ends_with(".gz") {
            gunzip(&bytes)
        } else {
            bytes
        };
        assert!(text.is_empty(), "{name}");
        assert!(
            run.stderr
                .contains("kept 0 of 10000 lines; dropped 10000 older"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn retention_undated_lines_are_counted_and_named_and_kept_on_request() {
    let input =
        "203.0.113.9 - - [24/Nov/2026:10:00:00 +0000] ok\nno time 198.51.100.7\n\nalso none\n";
    // Three of four lines undated: only an explicit --undated drop drops them (see
    // `more_than_half_undated_fails_the_file_unless_undated_drop_is_explicit`).
    let (out, err) = retained(input, &["--max-age", "1d", "--undated", "drop"]);
    assert_eq!(out, "203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] ok\n");
    assert!(
        err.contains("<stdin>: 3 lines have no readable time, dropped; the first is line 2"),
        "{err}"
    );
    let (out, err) = retained(input, &["--max-age", "1d", "--undated", "keep"]);
    assert_eq!(
        out,
        "203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] ok\nno time 198.51.100.0\n\nalso none\n"
    );
    assert!(err.contains("3 lines have no readable time, kept"), "{err}");
    // A file name in the message, and gzip input.
    let dir = tempdir();
    let gz = dir.path().join("mixed.log.gz");
    std::fs::write(&gz, gzip(input.as_bytes())).unwrap();
    let run = logscrub()
        .args(["--max-age", "1d", "--now", NOW, "--undated", "drop"])
        .arg(&gz)
        .run();
    assert_eq!(
        String::from_utf8_lossy(run.ok()),
        "203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] ok\n"
    );
    assert!(
        run.stderr
            .contains("mixed.log.gz: 3 lines have no readable time, dropped; the first is line 2"),
        "{}",
        run.stderr
    );
}

#[test]
fn retention_with_text_format_is_a_usage_error_before_reading() {
    let dir = tempdir();
    let out = dir.path().join("out.log");
    let run = logscrub()
        .args(["--max-age", "1d", "--format", "text", "-o"])
        .arg(&out)
        .arg("/nonexistent/input.log")
        .run();
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--format text"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("/nonexistent/input.log"),
        "input was opened: {}",
        run.stderr
    );
    assert!(list_dir(dir.path()).is_empty());
}

#[test]
fn retention_keeps_over_long_lines_whole_or_drops_them_whole() {
    // A line far longer than the chunk: judged once, by its own timestamp, in every piece.
    let long_tail = "x ".repeat(20_000);
    let input = format!(
        "203.0.113.1 - - [24/Nov/2026:10:00:00 +0000] new {long_tail}198.51.100.1 end\n\
         203.0.113.2 - - [01/Jan/2020:10:00:00 +0000] old {long_tail}198.51.100.2 end\n\
         203.0.113.3 - - [24/Nov/2026:10:00:00 +0000] new again\n"
    );
    let want = format!(
        "203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] new {long_tail}198.51.100.0 end\n\
         203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] new again\n"
    );
    for threads in ["1", "3"] {
        let (out, err) = retained(
            &input,
            &["--max-age", "30d", "--chunk-size", "4096", "-j", threads],
        );
        assert!(out == want, "-j {threads}: output differs");
        assert!(err.contains("kept 2 of 3 lines; dropped 1 older"), "{err}");
    }
}

/// Issue 16: `--max-age` on a log whose times are not read (ELB lines taken for CLF, say) used to
/// write an empty file and exit 0. Now more than `--undated-threshold` percent (default 50) of
/// undated lines fails that input, naming the format and the first such line, and its output is
/// not written; the other inputs are still done. An explicit `--undated drop` (flag or config
/// key) or `--undated keep` accepts them.
#[test]
fn more_than_half_undated_fails_the_file_unless_undated_drop_is_explicit() {
    let dir = tempdir();
    // 3 lines, 2 without a time a CLF reader can read: 66 %.
    let bad = write_file(
        dir.path(),
        "bad.log",
        b"elb? 2015-05-13 no\nnothing\n203.0.113.9 - - [24/Nov/2026:10:00:00 +0000] ok\n",
    );
    // 2 lines, 1 undated: exactly 50 %, which is not more than 50 %.
    let half = write_file(
        dir.path(),
        "half.log",
        b"nothing\n203.0.113.9 - - [24/Nov/2026:10:00:00 +0000] ok\n",
    );
    let out = dir.path().join("out");
    let run = logscrub()
        .args(["--max-age", "1d", "--now", NOW, "--format", "clf", "-o"])
        .arg(format!("{}/", out.display()))
        .arg(&bad)
        .arg(&half)
        .run();
    run.fails_naming("bad.log");
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("bad.log: 2 of 3 lines have no readable time"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(line.contains("as format clf"), "{line}");
    assert!(line.contains("more than 50 %"), "{line}");
    assert!(line.contains("the first is line 1"), "{line}");
    assert!(line.contains("--undated drop"), "{line}");
    assert_eq!(
        list_dir(&out),
        ["half.log"],
        "no output for the failed input"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("half.log")).unwrap(),
        "203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] ok\n"
    );
    // The threshold is a flag and a config key.
    let run = logscrub()
        .args(["--max-age", "1d", "--now", NOW, "--undated-threshold", "70"])
        .arg(&bad)
        .run();
    assert_eq!(
        run.ok(),
        b"203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] ok\n"
    );
    let run = logscrub()
        .args(["--max-age", "1d", "--now", NOW, "--undated-threshold", "0"])
        .arg(&half)
        .run();
    run.fails_naming("half.log");
    let conf = write_file(dir.path(), "t.toml", b"undated-threshold = 70\n");
    let run = logscrub()
        .args(["--max-age", "1d", "--now", NOW, "--config"])
        .arg(&conf)
        .arg(&bad)
        .run();
    assert_eq!(
        run.ok(),
        b"203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] ok\n"
    );
    // An explicit --undated, from the command line or from the config file, accepts them.
    for args in [&["--undated", "drop"][..], &["--undated", "keep"]] {
        let run = logscrub()
            .args(["--max-age", "1d", "--now", NOW])
            .args(args)
            .arg(&bad)
            .run();
        assert_eq!(count_lines(run.ok()), if args[1] == "drop" { 1 } else { 3 });
    }
    let conf = write_file(dir.path(), "d.toml", b"undated = \"drop\"\n");
    let run = logscrub()
        .args(["--max-age", "1d", "--now", NOW, "--config"])
        .arg(&conf)
        .arg(&bad)
        .run();
    assert_eq!(
        run.ok(),
        b"203.0.113.0 - - [24/Nov/2026:10:00:00 +0000] ok\n"
    );
    // Without --max-age nothing is judged, so nothing fails.
    assert_eq!(count_lines(logscrub().arg(&bad).run().ok()), 3);
}
