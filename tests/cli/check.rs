//! `logscrub check`: findings printed like grep, exit 1 on findings, 0 when clean and 2 when an
//! input cannot be read; the prefixes it judges by, from flags or a config file; hashed output
//! passes and encrypted output does not; an address across the cut between its chunks is found.
//! The forms it must find are in `detection`.

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
fn hashed_output_passes_check_and_encrypted_output_does_not() {
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
    assert_eq!(
        logscrub().arg("check").stdin(enc.ok().to_vec()).run().code,
        Some(1)
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
