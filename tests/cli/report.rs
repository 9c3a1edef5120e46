//! The JSON run report (`--report`, `-` for stderr): every line accounted for (lines in = lines
//! out + drops) on every path, drops counted per reason, replacements counted only for what was
//! written, failed and skipped inputs named, a report even from a run that cannot start, and
//! exit 2 when the report cannot be written. Reports written through symlinks and FIFOs are in
//! `targets`.

use std::path::Path;

use crate::util::report::{assert_accounting, read_report};
use crate::util::*;

// ---------------------------------------------------------------------------------------
// Accounting

#[test]
fn report_accounts_for_every_line_on_every_path() {
    let dir = tempdir();
    let sample = read_testdata("sample.log");
    let honeynet = "access/honeynet_redhat71_httpd_2004.log.gz";
    // (name, arguments, stdin, the lines of each input)
    type Case<'a> = (&'a str, Vec<String>, Option<Vec<u8>>, Vec<u64>);
    let cases: Vec<Case> = vec![
        (
            "plain",
            vec![testdata("sample.log").display().to_string()],
            None,
            vec![count_lines(&sample)],
        ),
        (
            "gz",
            vec![testdata(honeynet).display().to_string()],
            None,
            vec![count_lines(&read_testdata_plain(honeynet))],
        ),
        (
            "stdin",
            vec![],
            Some(sample.clone()),
            vec![count_lines(&sample)],
        ),
        (
            "several",
            vec![
                testdata("sample.log").display().to_string(),
                testdata("multi_member.log.gz").display().to_string(),
                testdata("no_final_newline.log").display().to_string(),
            ],
            None,
            vec![
                count_lines(&sample),
                count_lines(&read_testdata_plain("multi_member.log.gz")),
                count_lines(&read_testdata("no_final_newline.log")),
            ],
        ),
    ];
    for (what, files, stdin, want_lines) in cases {
        for extra in [
            &[][..],
            &["--max-age", "30d", "--now", "2026-11-25T00:00:00Z"][..],
        ] {
            let report = dir.path().join(format!("{what}.json"));
            let out_dir = dir.path().join(format!("out-{what}-{}", extra.len()));
            let mut cmd = logscrub()
                .arg("--report")
                .arg(&report)
                .args(extra)
                .args(&files);
            if files.len() > 1 {
                cmd = cmd.arg("-o").arg(&out_dir);
            }
            if let Some(bytes) = &stdin {
                cmd = cmd.stdin(bytes.clone());
            }
            let run = cmd.run();
            run.ok();
            let r = read_report(&report);
            assert_eq!(r["status"], "ok", "{what}");
            let files_r = r["files"].as_array().unwrap();
            assert_eq!(files_r.len(), want_lines.len(), "{what}");
            for (f, want) in files_r.iter().zip(&want_lines) {
                assert_eq!(f["status"], "ok");
                assert_eq!(f["lines_in"].as_u64(), Some(*want), "{what} {f}");
                assert_accounting(f);
            }
            assert_eq!(
                r["total"]["lines_in"].as_u64(),
                Some(want_lines.iter().sum::<u64>()),
                "{what}"
            );
            assert_accounting(&r["total"]);
            if extra.is_empty() && files.len() == 1 {
                // Every line out is a line of stdout.
                assert_eq!(
                    r["total"]["lines_out"].as_u64(),
                    Some(count_lines(&run.stdout))
                );
                assert_eq!(
                    r["total"]["bytes_out"].as_u64(),
                    Some(run.stdout.len() as u64)
                );
            }
        }
    }
}

#[test]
fn retention_drops_are_counted_per_reason_in_the_report() {
    let dir = tempdir();
    let text = "203.0.113.1 - - [24/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n\
                203.0.113.2 - - [01/Jan/2020:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n\
                no time here bob@example.com\n\
                2001:db8::7 - - [24/Nov/2026:11:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n";
    let report = dir.path().join("r.json");
    let run = logscrub()
        .args([
            "--max-age",
            "30d",
            "--now",
            "2026-11-25T00:00:00Z",
            "--report",
        ])
        .arg(&report)
        .stdin(text)
        .run();
    assert_eq!(count_lines(run.ok()), 2);
    let f = &read_report(&report)["files"][0];
    assert_eq!(f["path"], "<stdin>");
    assert_eq!(
        (
            f["lines_in"].as_u64(),
            f["lines_out"].as_u64(),
            f["dropped"]["too_old"].as_u64(),
            f["dropped"]["undated"].as_u64(),
            f["dropped"]["failed"].as_u64()
        ),
        (Some(4), Some(2), Some(1), Some(1), Some(0))
    );
    // Replacements count what was written: the dropped lines' data is not.
    assert_eq!(f["replacements"]["ipv4"].as_u64(), Some(1));
    assert_eq!(f["replacements"]["ipv6"].as_u64(), Some(1));
    assert_eq!(f["replacements"]["email"].as_u64(), Some(0));
}

#[test]
fn report_to_stderr_with_dash() {
    let run = logscrub()
        .args(["--report", "-"])
        .stdin("203.0.113.9 x\n")
        .run();
    assert_eq!(run.ok(), b"203.0.113.0 x\n");
    let r: serde_json::Value = serde_json::from_str(&run.stderr).expect("stderr is the report");
    assert_eq!(r["total"]["replacements"]["ipv4"].as_u64(), Some(1));
}

// ---------------------------------------------------------------------------------------
// Failed, skipped and unstarted runs

#[test]
fn a_failed_input_exits_2_while_the_others_are_scrubbed_and_the_report_says_which() {
    let dir = tempdir();
    let good = testdata("sample.log");
    let gz = gzip(&read_testdata("sample.log").repeat(50));
    let truncated = write_file(dir.path(), "truncated.log.gz", &gz[..gz.len() / 2]);
    let missing = dir.path().join("missing.log");
    let out = dir.path().join("out");
    let report = dir.path().join("r.json");
    // Small chunks, so that whole chunks are scrubbed before the damage is reached.
    let run = logscrub()
        .args(["--chunk-size", "4096", "--report"])
        .arg(&report)
        .arg(&good)
        .arg(&truncated)
        .arg(&missing)
        .arg("-o")
        .arg(&out)
        .run();
    run.fails_naming("truncated.log.gz");
    run.fails_naming("missing.log");
    // The good file was scrubbed; the failed ones left nothing behind.
    assert_eq!(list_dir(&out), ["sample.log"]);
    let r = read_report(&report);
    assert_eq!(r["status"], "failed");
    assert_eq!(
        (r["files_ok"].as_u64(), r["files_failed"].as_u64()),
        (Some(1), Some(2))
    );
    let files = r["files"].as_array().unwrap();
    assert_eq!(files[0]["status"], "ok");
    assert_eq!(files[1]["status"], "failed");
    assert!(
        files[1]["error"]
            .as_str()
            .unwrap()
            .contains("compressed byte"),
        "{}",
        files[1]
    );
    assert_eq!(files[1]["lines_out"].as_u64(), Some(0));
    assert!(
        files[1]["dropped"]["failed"].as_u64().unwrap() > 0,
        "{}",
        files[1]
    );
    assert_eq!(files[2]["status"], "failed");
    assert!(files[2]["error"].as_str().unwrap().contains("cannot open"));
    for f in files {
        assert_accounting(f);
    }
    assert_accounting(&r["total"]);
    // A usage error exits 2 too, and with --report still leaves a report saying why.
    let run = logscrub()
        .arg("--report")
        .arg(&report)
        .args(["--max-age", "1d", "--format", "text"])
        .run();
    assert_eq!(run.code, Some(2));
    let r = read_report(&report);
    assert_eq!(r["status"], "failed");
    assert!(r["error"].as_str().unwrap().contains("--format text"));
}

#[test]
fn replacements_of_a_failed_files_discarded_output_are_not_counted() {
    let dir = tempdir();
    let gz = gzip(&read_testdata("sample.log").repeat(50));
    let corrupt = write_file(dir.path(), "corrupt.log.gz", &gz[..gz.len() / 2]);
    let report = dir.path().join("r.json");
    let run = logscrub()
        .args(["--chunk-size", "4096", "--report"])
        .arg(&report)
        .arg(testdata("sample.log"))
        .arg(&corrupt)
        .arg("-o")
        .arg(dir.path().join("out"))
        .run();
    run.fails_naming("corrupt.log.gz");
    let r = read_report(&report);
    let (good, bad) = (&r["files"][0], &r["files"][1]);
    assert_eq!(bad["status"], "failed");
    assert!(bad["dropped"]["failed"].as_u64().unwrap() > 0, "{bad}");
    assert_eq!(bad["lines_out"].as_u64(), Some(0), "{bad}");
    assert_eq!(bad["bytes_out"].as_u64(), Some(0), "{bad}");
    for kind in ["ipv4", "ipv6", "email"] {
        assert_eq!(bad["replacements"][kind].as_u64(), Some(0), "{kind}: {bad}");
        assert_eq!(
            r["total"]["replacements"][kind], good["replacements"][kind],
            "{kind}: the total counts only what was written"
        );
    }
    assert_eq!(r["total"]["bytes_out"], good["bytes_out"]);
}

#[test]
fn report_agrees_with_exit_0_when_the_reader_closes_stdout_early() {
    use std::io::BufRead;
    let dir = tempdir();
    let a = write_file(dir.path(), "a.log.gz", &gzip(&big_text(24)));
    let b = write_file(dir.path(), "b.log.gz", &gzip(&read_testdata("sample.log")));
    for threads in ["1", "2"] {
        let report = dir.path().join(format!("r{threads}.json"));
        let mut child = std::process::Command::new(BIN)
            .args(["-j", threads, "--report"])
            .arg(&report)
            .arg(&a)
            .arg(&b)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reader goes away, like `| head -1`.
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "-j {threads}");
        let r = read_report(&report);
        assert_eq!(r["status"], "ok", "-j {threads}: {r}");
        assert_eq!(r["error"], serde_json::Value::Null, "{r}");
        assert!(
            r["note"].as_str().is_some_and(|n| n.contains("stdout")),
            "a note says why the run stopped early: {r}"
        );
        assert_eq!(
            (
                r["files_ok"].as_u64(),
                r["files_failed"].as_u64(),
                r["files_skipped"].as_u64()
            ),
            (Some(1), Some(0), Some(1)),
            "{r}"
        );
        let files = r["files"].as_array().unwrap();
        assert_eq!(files.len(), 2, "every input is listed: {r}");
        assert_eq!(files[0]["path"], a.display().to_string());
        assert_eq!(files[0]["status"], "ok");
        assert_eq!(files[0]["error"], serde_json::Value::Null);
        assert!(files[0]["note"]
            .as_str()
            .is_some_and(|n| n.contains("stdout")));
        assert!(files[0]["read_bytes"].as_u64().unwrap() > 0);
        assert_eq!(files[1]["path"], b.display().to_string());
        assert_eq!(files[1]["status"], "skipped");
        assert_eq!(files[1]["lines_in"].as_u64(), Some(0));
        assert_eq!(files[1]["read_bytes"].as_u64(), Some(0));
        for f in files {
            assert_accounting(f);
        }
        assert_accounting(&r["total"]);
        assert_eq!(
            r["total"]["lines_in"].as_u64(),
            files[0]["lines_in"].as_u64()
        );
    }
}

#[test]
fn a_run_that_cannot_start_still_writes_its_report_from_flags_or_config() {
    let dir = tempdir();
    let report = dir.path().join("r.json");
    let assert_start_failure = |report: &Path, want: &str| {
        let r = read_report(report);
        assert_eq!(r["status"], "failed", "{r}");
        assert!(r["error"].as_str().unwrap().contains(want), "{want}: {r}");
        assert_eq!(r["files"].as_array().map(Vec::len), Some(0), "{r}");
        assert_accounting(&r["total"]);
        std::fs::remove_file(report).unwrap();
    };
    // A bad config file, --report on the command line.
    let bad = write_file(dir.path(), "bad.toml", b"ip = \"mask\"\nipp = \"hash\"\n");
    let run = logscrub()
        .arg("--config")
        .arg(&bad)
        .arg("--report")
        .arg(&report)
        .arg(testdata("sample.log"))
        .run();
    run.fails_naming("bad.toml:2: ipp: unknown key");
    assert_start_failure(&report, "bad.toml:2: ipp: unknown key");
    // A bad flag value, with --report before or after it.
    for args in [
        &["--ip", "bogus", "--report"][..],
        &["--report", report.to_str().unwrap(), "--ip", "bogus"][..],
    ] {
        let mut cmd = logscrub().args(args);
        if args[0] == "--ip" {
            cmd = cmd.arg(&report);
        }
        let run = cmd.run();
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(
            run.stderr.contains("invalid value 'bogus'"),
            "{}",
            run.stderr
        );
        assert_start_failure(&report, "invalid value 'bogus' for '--ip");
    }
    // An unknown flag.
    let run = logscrub()
        .args(["--max-agee", "1d", "--report"])
        .arg(&report)
        .run();
    assert_eq!(run.code, Some(2));
    assert_start_failure(&report, "--max-agee");
    // The report path from the config file, when the file has an error elsewhere or the flags
    // are bad.
    let from_file = dir.path().join("from-file.json");
    let conf = write_file(
        dir.path(),
        "c.toml",
        format!("report = \"{}\"\nip = \"bogus\"\n", from_file.display()).as_bytes(),
    );
    logscrub()
        .arg("--config")
        .arg(&conf)
        .arg(testdata("sample.log"))
        .run()
        .fails_naming("c.toml:2: ip: invalid value 'bogus'");
    assert_start_failure(&from_file, "c.toml:2: ip: invalid value 'bogus'");
    let conf = write_file(
        dir.path(),
        "c.toml",
        format!("report = \"{}\"\n", from_file.display()).as_bytes(),
    );
    let run = logscrub()
        .env("LOGSCRUB_CONFIG", &conf)
        .args(["--ip", "bogus"])
        .run();
    assert_eq!(run.code, Some(2));
    assert_start_failure(&from_file, "invalid value 'bogus'");
    // And from a setting checked after parsing.
    let conf = write_file(
        dir.path(),
        "c.toml",
        format!(
            "report = \"{}\"\ntime-field = [\"\"]\n",
            from_file.display()
        )
        .as_bytes(),
    );
    let run = logscrub().arg("--config").arg(&conf).stdin("x\n").run();
    run.fails_naming("c.toml:2: time-field: ");
    assert_start_failure(&from_file, "c.toml:2: time-field: ");
    // --help, --version and the other commands are not runs: no report.
    for args in [
        &["--help"][..],
        &["--version"][..],
        &["check", "--bogus"][..],
    ] {
        let run = logscrub().args(args).arg("--report").arg(&report).run();
        assert!(!report.exists(), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn an_unwritable_report_path_fails_before_reading_input_and_a_failed_report_write_exits_2() {
    let dir = tempdir();
    let out = dir.path().join("out.log");
    // A directory that does not exist, and a path that is a directory: exit 2, nothing read.
    for report in [
        Path::new("/nonexistent/dir/r.json").to_path_buf(),
        dir.path().to_path_buf(),
    ] {
        let run = logscrub()
            .arg("--report")
            .arg(&report)
            .arg(testdata("sample.log"))
            .arg("-o")
            .arg(&out)
            .run();
        run.fails_naming(&format!("{}: cannot write the report", report.display()));
        assert!(!out.exists(), "input was scrubbed: {}", run.stderr);
        let run = logscrub()
            .arg("--report")
            .arg(&report)
            .arg(testdata("sample.log"))
            .run();
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "input was read: {}", run.stderr);
    }
    // From the config file: the error names it.
    let conf = write_file(
        dir.path(),
        "c.toml",
        b"quiet = true\nreport = \"/nonexistent/dir/r.json\"\n",
    );
    logscrub()
        .arg("--config")
        .arg(&conf)
        .arg(testdata("sample.log"))
        .run()
        .fails_naming(&format!("{}:2: report: ", conf.display()));
    // Writable at the start, gone at the end: exit 2, not 0.
    use std::io::Write as _;
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let mut child = std::process::Command::new(BIN)
        .arg("--report")
        .arg(reports.join("r.json"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"203.0.113.9 x\n").unwrap();
    let start = std::time::Instant::now();
    while list_dir(&reports).is_empty() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "no temporary report"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::fs::remove_dir_all(&reports).unwrap();
    drop(stdin);
    let got = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&got.stderr);
    assert_eq!(got.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write the report"), "{stderr}");
    assert_eq!(got.stdout, b"203.0.113.0 x\n");
}
