//! Faults: damaged input (corrupt or truncated gzip, a missing file), output that cannot be written
//! (a path through a file, a file-size limit) and bad option values. Each ends in exit 2 with a
//! message naming the culprit, and leaves no output file or temporary file for it; the other
//! inputs are still scrubbed, and so, on stdout, are the complete lines before the damage. A
//! full device as the target is in `targets`; signals and a closed stdout are in `signals`.

use crate::util::report::{assert_accounting, read_report};
use crate::util::*;

// ---------------------------------------------------------------------------------------
// Damaged and missing input

/// The compressed offset named in a "corrupt or truncated gzip near compressed byte N" message.
fn compressed_offset(stderr: &str) -> u64 {
    let at = stderr
        .find("compressed byte ")
        .unwrap_or_else(|| panic!("no compressed offset in {stderr}"));
    stderr[at + 16..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn corrupt_gzip_names_the_compressed_offset_of_the_damaged_member() {
    let dir = tempdir();
    let members: Vec<Vec<u8>> = (0..4).map(|_| gzip(&big_text(1))).collect();
    let mut bytes = members.concat();
    // Damage the middle of the third member.
    let third = members[0].len() + members[1].len();
    let end_third = third + members[2].len();
    let damage = third + members[2].len() / 2;
    for b in &mut bytes[damage..damage + 64] {
        *b ^= 0x5a;
    }
    let corrupt = write_file(dir.path(), "corrupt.log.gz", &bytes);
    let out = dir.path().join("out.log");
    let run = logscrub().arg(&corrupt).arg("-o").arg(&out).run();
    run.fails_naming("corrupt.log.gz");
    let at = compressed_offset(&run.stderr);
    assert!(
        (damage as u64..=end_third as u64).contains(&at),
        "offset {at} is not within the damaged member ({damage}..={end_third}): {}",
        run.stderr
    );
    assert_eq!(
        list_dir(dir.path()),
        ["corrupt.log.gz"],
        "no output, no temporary file"
    );
    // Truncated inside the second member: the offset is the end of what there is.
    let cut = members[0].len() + members[1].len() / 3;
    let truncated = write_file(dir.path(), "cut.log.gz", &members.concat()[..cut]);
    let run = logscrub().arg(&truncated).arg("-o").arg(&out).run();
    run.fails_naming("cut.log.gz");
    assert_eq!(compressed_offset(&run.stderr), cut as u64, "{}", run.stderr);
    assert!(!out.exists());
}

#[test]
fn truncated_gzip_fails_and_leaves_no_output_or_temp_file() {
    let dir = tempdir();
    let gz = read_testdata("multi_member.log.gz");
    std::fs::write(dir.path().join("cut.log.gz"), &gz[..gz.len() - 12]).unwrap();
    let run = logscrub()
        .args(["cut.log.gz", "-o", "out.log"])
        .current_dir(dir.path())
        .run();
    run.fails_naming("cut.log.gz");
    assert_eq!(
        list_dir(dir.path()),
        ["cut.log.gz"],
        "no output and no temp file after a failure"
    );

    let run = logscrub()
        .args(["cut.log.gz", "-o", "out.log.gz"])
        .current_dir(dir.path())
        .run();
    run.fails_naming("cut.log.gz");
    assert_eq!(list_dir(dir.path()), ["cut.log.gz"]);
}

#[test]
fn a_truncated_gzip_still_gives_its_complete_lines_on_stdout_and_counts_them() {
    // A log server that crashed mid-rotation: the first 100 000 compressed bytes of a real log.
    let dir = tempdir();
    let whole = read_testdata("access/elastic_apache_logs_2015.log.gz");
    let cut = write_file(dir.path(), "cut.log.gz", &whole[..100_000]);
    // What a decoder gives before the damage, as zcat prints it; its complete lines.
    let mut readable = Vec::new();
    let mut decoder = flate2::read::MultiGzDecoder::new(&whole[..100_000]);
    let mut piece = [0u8; 8192];
    while let Ok(n @ 1..) = std::io::Read::read(&mut decoder, &mut piece) {
        readable.extend_from_slice(&piece[..n]);
    }
    let complete = &readable[..=readable.iter().rposition(|&b| b == b'\n').unwrap()];
    let want = count_lines(complete);
    assert!(want > 4000, "only {want} lines decoded");
    let report = dir.path().join("r.json");
    for threads in ["1", "2"] {
        let run = logscrub()
            .args(["-j", threads, "--report"])
            .arg(&report)
            .arg(&cut)
            .run();
        run.fails_naming("cut.log.gz");
        let full = default_output("access/elastic_apache_logs_2015.log.gz");
        let scrubbed_prefix: Vec<u8> = lines(&full)
            .iter()
            .take(want as usize)
            .flat_map(|l| l.iter().copied().chain(*b"\n"))
            .collect();
        assert_same_bytes(&run.stdout, &scrubbed_prefix, "stdout before the damage");
        let r = read_report(&report);
        let f = &r["files"][0];
        assert_eq!(f["status"], "failed");
        assert_eq!(f["lines_in"].as_u64(), Some(want), "-j {threads}: {f}");
        assert_eq!(f["lines_out"].as_u64(), Some(want), "-j {threads}: {f}");
        assert_accounting(f);
    }
}

#[test]
fn missing_input_fails_with_exit_2_but_other_inputs_are_processed() {
    let dir = tempdir();
    let out_dir = dir.path().join("out");
    let missing = dir.path().join("does-not-exist.log");
    let run = logscrub()
        .arg(testdata("sample.log"))
        .arg(&missing)
        .arg(testdata("crlf.log"))
        .arg("-o")
        .arg(&out_dir)
        .run();
    run.fails_naming("does-not-exist.log");
    assert_eq!(
        list_dir(&out_dir),
        ["crlf.log", "sample.log"],
        "outputs of the good inputs, nothing else"
    );
    for name in ["crlf.log", "sample.log"] {
        assert_same_bytes(
            &std::fs::read(out_dir.join(name)).unwrap(),
            &default_output(name),
            name,
        );
    }

    // To stdout: the good input is still scrubbed.
    let run = logscrub().arg(&missing).arg(testdata("sample.log")).run();
    run.fails_naming("does-not-exist.log");
    assert_same_bytes(
        &run.stdout,
        &default_output("sample.log"),
        "stdout after a missing input",
    );

    // A single missing input.
    logscrub()
        .arg(&missing)
        .run()
        .fails_naming("does-not-exist.log");
}

// ---------------------------------------------------------------------------------------
// Output that cannot be written

#[test]
fn unwritable_output_fails_with_exit_2() {
    let dir = tempdir();
    std::fs::write(dir.path().join("file.txt"), b"not a directory").unwrap();
    let run = logscrub()
        .arg(testdata("sample.log"))
        .arg("-o")
        .arg(dir.path().join("file.txt").join("out.log"))
        .run();
    run.fails_naming("file.txt");
    assert_eq!(list_dir(dir.path()), ["file.txt"]);
    assert_eq!(
        std::fs::read(dir.path().join("file.txt")).unwrap(),
        b"not a directory"
    );
}

#[test]
fn a_file_size_limit_is_a_clear_write_error_and_leaves_nothing() {
    let dir = tempdir();
    let input = write_file(dir.path(), "in.log", &big_text(2));
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    // ulimit -f counts 1024-byte blocks: 256 KiB, far less than the output.
    let run = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f 256 && exec {BIN} {} -o {}",
            input.display(),
            out_dir.join("out.log").display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("logscrub: ")
            && stderr.contains("out.log")
            && stderr.contains("write failed"),
        "{stderr}"
    );
    assert!(
        list_dir(&out_dir).is_empty(),
        "left {:?}",
        list_dir(&out_dir)
    );
}

// ---------------------------------------------------------------------------------------
// Bad option values

#[test]
fn bad_option_values_exit_2_without_output() {
    for args in [
        &["--ipv4-prefix", "33"][..],
        &["--ipv6-prefix", "129"],
        &["--ipv4-prefix", "-1"],
        &["--ip", "bogus"],
        &["--email", "bogus"],
        &["--level", "10"],
        &["--chunk-size", "banana"],
        &["--threads", "many"],
        &["--no-such-flag"],
    ] {
        let run = logscrub().args(args).stdin("203.0.113.77\n").run();
        assert_eq!(
            run.code,
            Some(2),
            "{args:?} must be rejected; stderr: {}",
            run.stderr
        );
        assert!(
            run.stdout.is_empty(),
            "{args:?}: no output before the options are valid"
        );
        assert!(!run.stderr.trim().is_empty(), "{args:?}: say what is wrong");
    }
}
