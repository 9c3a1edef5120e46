//! `logscrub check`, the independent auditor: findings printed like grep, exit 1 on findings, 0
//! when clean and 2 when an input cannot be read; the prefixes and actions it judges by, from
//! flags or a config file; hashed output passes, encrypted output passes only when check is told
//! the action (and says how many addresses it saw); an address across a chunk cut is found.
//! Recall and precision per class of the issue: `testdata/check/*.txt`, whose `flag:KIND: ` lines
//! must each give a finding of that kind and whose `pass: ` lines must give none.

use std::path::Path;

use crate::util::*;

#[test]
fn check_reports_like_grep_and_exits_1_on_findings_0_when_clean() {
    let raw = logscrub().arg("check").arg(testdata("sample.log")).run();
    assert_eq!(raw.code, Some(1), "{}", raw.stderr);
    let text = String::from_utf8(raw.stdout.clone()).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        format!("{}:1: ipv4: 203.0.113.77", testdata("sample.log").display())
    );
    assert!(text.lines().any(|l| l.contains(": email: ")), "{text}");
    // Every finding is something the independent leak checker also calls a leak.
    let ip = ip_leaks(&read_testdata("sample.log"), 24, 48).len();
    let mail = email_leaks(&read_testdata("sample.log")).len();
    assert!(text.lines().count() >= ip.max(mail), "{text}");
    // Scrubbed output passes, from a file or stdin, plain or gzip.
    let dir = tempdir();
    for mode in [&["--ip", "mask"][..], &["--ip", "redact"][..]] {
        let clean = dir.path().join("clean.log.gz");
        logscrub()
            .args(mode)
            .arg(testdata("sample.log"))
            .arg("-o")
            .arg(&clean)
            .run()
            .ok();
        let run = logscrub().arg("check").arg(&clean).run();
        assert_eq!(
            run.code,
            Some(0),
            "{mode:?}: {}",
            String::from_utf8_lossy(&run.stdout)
        );
        assert!(run.stdout.is_empty());
    }
    let masked = default_output("access/elastic_apache_logs_2015.log.gz");
    assert_eq!(
        logscrub().arg("check").stdin(masked.to_vec()).run().code,
        Some(0)
    );
    // (Every shipped log in every action: `check_differential::shipped_logs_scrubbed_in_every_action_pass`.)
    // Kept or wider-masked addresses fail; the prefixes of check decide.
    let kept = logscrub()
        .args(["--ip", "keep"])
        .arg(testdata("sample.log"))
        .run();
    assert_eq!(
        logscrub().arg("check").stdin(kept.ok().to_vec()).run().code,
        Some(1)
    );
    let wide = logscrub()
        .args(["--ipv4-prefix", "28"])
        .stdin("203.0.113.77\n")
        .run();
    let wide = wide.ok().to_vec();
    assert_eq!(
        logscrub().arg("check").stdin(wide.clone()).run().code,
        Some(1)
    );
    let run = logscrub()
        .args(["check", "--ipv4-prefix", "28"])
        .stdin(wide.clone())
        .run();
    assert_eq!(run.code, Some(0));
    // ...also from a config file.
    let conf = write_file(dir.path(), "c.toml", b"ipv4-prefix = 28\n");
    let run = logscrub()
        .arg("check")
        .arg("--config")
        .arg(&conf)
        .stdin(wide)
        .run();
    assert_eq!(run.code, Some(0));
    // --count, and exit 2 (not 0) when an input cannot be read.
    let run = logscrub()
        .args(["check", "--count"])
        .arg(testdata("sample.log"))
        .arg(dir.path().join("missing"))
        .run();
    assert_eq!(run.code, Some(2));
    assert!(String::from_utf8_lossy(&run.stdout)
        .starts_with(&format!("{}: ", testdata("sample.log").display())));
}

#[test]
fn hashed_output_passes_check_and_encrypted_output_passes_only_as_expected() {
    let dir = tempdir();
    let key = dir.path().join("k");
    logscrub().args(["keygen", "-o"]).arg(&key).run().ok();
    let hashed = logscrub()
        .arg("--key-file")
        .arg(&key)
        .args(["--ip", "hash", "--email", "hash"])
        .arg(testdata("sample.log"))
        .run();
    assert_eq!(
        logscrub()
            .arg("check")
            .stdin(hashed.ok().to_vec())
            .run()
            .code,
        Some(0)
    );
    let enc = logscrub()
        .arg("--key-file")
        .arg(&key)
        .args(["--ip", "encrypt"])
        .arg(testdata("sample.log"))
        .run();
    let enc = enc.ok().to_vec();
    // Not told the action, check reports the encrypted addresses.
    assert_eq!(
        logscrub().arg("check").stdin(enc.clone()).run().code,
        Some(1)
    );
    // Told it (flag or config), it counts them as expected and passes.
    let conf = write_file(dir.path(), "c.toml", b"ip = \"encrypt\"\n");
    for how in [
        &["--ip", "encrypt"][..],
        &["--config", conf.to_str().unwrap()][..],
    ] {
        let run = logscrub().arg("check").args(how).stdin(enc.clone()).run();
        assert_eq!(run.code, Some(0), "{how:?}: {}", show(&run.stdout));
        let seen = ip_leaks(&read_testdata("sample.log"), 24, 48).len();
        assert!(seen > 10, "{seen}");
        let summary = run
            .stderr
            .lines()
            .find(|l| l.contains("expected with --ip encrypt"));
        let summary = summary.unwrap_or_else(|| panic!("{how:?}: {}", run.stderr));
        let n: usize = summary
            .trim_start_matches("logscrub: check: ")
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(n >= seen, "{summary}: the independent checker sees {seen}");
    }
    // Emails are still findings under --ip encrypt; --email keep expects them too.
    let enc_keep = logscrub()
        .arg("--key-file")
        .arg(&key)
        .args(["--ip", "encrypt", "--email", "keep"])
        .arg(testdata("sample.log"))
        .run();
    let enc_keep = enc_keep.ok().to_vec();
    let run = logscrub()
        .args(["check", "--ip", "encrypt"])
        .stdin(enc_keep.clone())
        .run();
    assert_eq!(run.code, Some(1));
    let text = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(text.lines().all(|l| l.contains(": email: ")), "{text}");
    let run = logscrub()
        .args(["check", "--ip", "encrypt", "--email", "keep"])
        .stdin(enc_keep)
        .run();
    assert_eq!(run.code, Some(0), "{}", show(&run.stdout));
    assert!(
        run.stderr
            .contains("email(s) seen, expected with --email keep"),
        "{}",
        run.stderr
    );
    // --ip keep: the raw addresses are expected likewise.
    let run = logscrub()
        .args(["check", "--ip", "keep", "--email", "keep"])
        .arg(testdata("sample.log"))
        .run();
    assert_eq!(run.code, Some(0), "{}", show(&run.stdout));
    assert!(
        run.stderr.contains("expected with --ip keep"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_finds_an_address_across_its_chunk_cut_in_a_long_token_run() {
    // `check` reads 1 MiB chunks; a line of `-` (no free cut) is cut at the piece boundary
    // 1 MiB - 1 KiB. An address at every offset across that cut is found, as the scrubber
    // replaces it.
    const CUT: usize = (1 << 20) - 1024;
    let dir = tempdir();
    let mut files = Vec::new();
    for start in CUT - 15..=CUT + 3 {
        let mut line = vec![b'-'; CUT + 4000];
        line[start..start + 12].copy_from_slice(b"203.0.113.77");
        line.push(b'\n');
        files.push(write_file(dir.path(), &format!("at{start}.log"), &line));
    }
    let run = logscrub().args(["check", "--count"]).args(&files).run();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let expected: String = files
        .iter()
        .map(|f| format!("{}: 1\n", f.display()))
        .collect();
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected);
    // The scrubbed files pass.
    let out = dir.path().join("out");
    logscrub().arg("-o").arg(&out).args(&files).run().ok();
    let scrubbed: Vec<_> = files
        .iter()
        .map(|f| out.join(f.file_name().unwrap()))
        .collect();
    let run = logscrub().args(["check", "--count"]).args(&scrubbed).run();
    assert_eq!(
        run.code,
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
}

/// The lines of a case file: (line, kind) for each `flag:KIND: ` line, and each `pass: ` line.
/// A case file's `flag:KIND: ` lines with their kind, and its `pass: ` lines.
pub(crate) type Cases = (Vec<(Vec<u8>, String)>, Vec<Vec<u8>>);

pub(crate) fn case_file(path: &Path) -> Cases {
    let bytes = std::fs::read(path).unwrap();
    let (mut flag, mut pass) = (Vec::new(), Vec::new());
    for line in lines(&bytes) {
        if let Some(rest) = line.strip_prefix(b"flag:") {
            let colon = rest
                .iter()
                .position(|&b| b == b':')
                .expect("flag:KIND: line");
            let kind = String::from_utf8(rest[..colon].to_vec()).unwrap();
            flag.push((rest[colon + 2..].to_vec(), kind));
        } else if let Some(rest) = line.strip_prefix(b"pass: ") {
            pass.push(rest.to_vec());
        } else {
            assert!(line.starts_with(b"#") || line.is_empty(), "{}", show(line));
        }
    }
    (flag, pass)
}

/// The (line, kind) of each finding of a `check` run.
fn findings_of(stdout: &[u8]) -> Vec<(usize, String)> {
    lines(stdout)
        .iter()
        .map(|l| {
            let l = String::from_utf8_lossy(l);
            let mut parts = l.splitn(4, ':');
            let _name = parts.next();
            let n = parts.next().unwrap().parse().unwrap();
            (n, parts.next().unwrap().trim().to_string())
        })
        .collect()
}

pub(crate) fn case_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(testdata("check"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_class_of_the_issue_is_flagged_raw_and_its_scrubbed_forms_pass() {
    let files = case_files();
    assert!(files.len() >= 9, "{files:?}");
    let dir = tempdir();
    for file in &files {
        let (flag, pass) = case_file(file);
        assert!(flag.len() >= 3 && pass.len() >= 2, "{}", file.display());
        // Recall: each line flagged, with a finding of its kind, through a file and gzip.
        let text: Vec<u8> = flag
            .iter()
            .flat_map(|(l, _)| [&l[..], b"\n"].concat())
            .collect();
        let gz = write_file(dir.path(), "flag.log.gz", &gzip(&text));
        for input in [write_file(dir.path(), "flag.log", &text), gz] {
            let run = logscrub().arg("check").arg(&input).run();
            assert_eq!(run.code, Some(1), "{}: {}", file.display(), run.stderr);
            let found = findings_of(&run.stdout);
            for (i, (line, kind)) in flag.iter().enumerate() {
                assert!(
                    found.contains(&(i + 1, kind.clone())),
                    "{}: not flagged as {kind}: {}\nfindings: {found:?}",
                    file.display(),
                    show(line)
                );
            }
        }
        // Precision: the scrubbed forms, markers, pseudonyms and masked addresses pass.
        let text: Vec<u8> = pass.iter().flat_map(|l| [&l[..], b"\n"].concat()).collect();
        let run = logscrub().arg("check").stdin(text).run();
        assert_eq!(
            run.code,
            Some(0),
            "{}: false alarm: {}",
            file.display(),
            show(&run.stdout)
        );
    }
}

#[test]
fn findings_print_the_raw_text_of_the_span_with_its_line() {
    let text = b"ok\nu=jane%252540example.com x\n\xe9 ip=203%2E0%2E113%2E77\n{\"a\":\"\\u0040x\",\"b\":\"2001\\u003adb8::1\"}\n";
    let run = logscrub().arg("check").stdin(text.to_vec()).run();
    assert_eq!(run.code, Some(1));
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "<stdin>:2: email: jane%252540example.com\n\
         <stdin>:3: ipv4: 203%2E0%2E113%2E77\n\
         <stdin>:4: ipv6: 2001\\u003adb8::1\n"
    );
    assert!(
        run.stderr
            .contains("3 finding(s) of personal data in 1 of 1 input(s)"),
        "{}",
        run.stderr
    );
}

/// `check` finds something in every raw shipped log (the scrubbed ones:
/// `check_differential::shipped_logs_scrubbed_in_every_action_pass`).
#[test]
fn check_flags_every_raw_shipped_log() {
    let mut logs: Vec<&str> = crate::REAL_LOGS.to_vec();
    // (hard_lines.log holds only what looks like personal data and is not: it must pass raw.)
    logs.extend(
        crate::HAND_MADE
            .iter()
            .filter(|l| !l.contains("empty") && !l.contains("hard")),
    );
    let hard = logscrub()
        .arg("check")
        .arg(testdata("hard_lines.log"))
        .run();
    assert_eq!(hard.code, Some(0), "false alarm: {}", show(&hard.stdout));
    for log in logs {
        let raw = logscrub()
            .args(["check", "--count"])
            .arg(testdata(log))
            .run();
        assert_eq!(
            raw.code,
            Some(1),
            "{log}: raw passes? {}",
            show(&raw.stdout)
        );
        // At least what the independent checkers of the test suite see.
        let text = read_testdata_plain(log);
        let out = String::from_utf8_lossy(&raw.stdout).into_owned();
        let n: usize = out.trim_end().rsplit(' ').next().unwrap().parse().unwrap();
        let floor = ip_leaks(&text, 24, 48).len().max(email_leaks(&text).len());
        assert!(
            n >= floor,
            "{log}: {n} findings, the suite's checkers see {floor}"
        );
    }
}

#[test]
fn long_lines_invalid_utf8_and_many_chunks_keep_line_numbers() {
    let mut text = Vec::new();
    for i in 0..20_000u32 {
        match i % 1000 {
            7 => {
                text.push(0xff);
                text.extend_from_slice(format!("{i} jane{i}@example.org\n").as_bytes());
            }
            500 => {
                text.extend(std::iter::repeat(b'-').take(3 << 20));
                text.extend_from_slice(b" 203.0.113.9\n");
            }
            _ => text.extend_from_slice(format!("{i} 203.0.113.0 é\n").as_bytes()),
        }
    }
    let run = logscrub().arg("check").stdin(text).run();
    assert_eq!(run.code, Some(1));
    let found = findings_of(&run.stdout);
    let expect: Vec<(usize, String)> = (0..20u32)
        .flat_map(|k| {
            [
                (k as usize * 1000 + 8, "email".to_string()),
                (k as usize * 1000 + 501, "ipv4".to_string()),
            ]
        })
        .collect();
    assert_eq!(found, expect);
}
