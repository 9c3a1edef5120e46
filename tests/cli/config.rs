//! The config file (`--config`, `LOGSCRUB_CONFIG`): its settings, which flags override; TOML
//! integers in every base; `--print-config` as a complete config that reads back the same; errors
//! that name the file, line and key on one line before any input is read, for unknown and
//! duplicate keys, bad values and settings checked only after parsing.

use crate::util::keys::owner_only;
use crate::util::*;

// ---------------------------------------------------------------------------------------
// Settings

#[test]
fn config_file_sets_options_and_flags_override_it() {
    let dir = tempdir();
    let conf = write_file(
        dir.path(),
        "c.toml",
        b"# test\nip = \"redact\"\nipv4-prefix = 16\nemail = \"keep\"\n",
    );
    let line = "203.0.113.77 bob@example.com 2001:db8::1\n";
    let out = logscrub().arg("--config").arg(&conf).stdin(line).run();
    assert_eq!(out.ok(), b"[ipv4] bob@example.com [ipv6]\n");
    // A flag beats the file, which beats the default (email stays "keep" from the file).
    let out = logscrub()
        .arg("--config")
        .arg(&conf)
        .args(["--ip", "mask"])
        .stdin(line)
        .run();
    assert_eq!(out.ok(), b"203.0.0.0 bob@example.com 2001:db8::\n");
    // The environment variable names the file too.
    let out = logscrub().env("LOGSCRUB_CONFIG", &conf).stdin(line).run();
    assert_eq!(out.ok(), b"[ipv4] bob@example.com [ipv6]\n");
}

#[test]
fn config_integers_keep_their_base() {
    let dir = tempdir();
    for (value, bits) in [
        ("0o20", 16),
        ("0x18", 24),
        ("0b11000", 24),
        ("1_6", 16),
        ("+16", 16),
    ] {
        let conf = write_file(
            dir.path(),
            "c.toml",
            format!("ipv4-prefix = {value}\n").as_bytes(),
        );
        let want = if bits == 16 {
            "203.0.0.0\n"
        } else {
            "203.0.113.0\n"
        };
        let run = logscrub()
            .arg("--config")
            .arg(&conf)
            .stdin("203.0.113.77\n")
            .run();
        assert_eq!(String::from_utf8_lossy(run.ok()), want, "{value}");
        let printed = logscrub()
            .arg("--config")
            .arg(&conf)
            .arg("--print-config")
            .run();
        let printed = String::from_utf8_lossy(printed.ok()).into_owned();
        assert!(
            printed
                .lines()
                .any(|l| l == format!("ipv4-prefix = {bits}")),
            "{value}: {printed}"
        );
    }
    // check reads the same value: 203.0.16.0 keeps bits beyond 16 (a finding), not beyond 20.
    let conf = write_file(dir.path(), "c.toml", b"ipv4-prefix = 0o20\n");
    let run = logscrub()
        .arg("check")
        .arg("--config")
        .arg(&conf)
        .stdin("203.0.16.0\n")
        .run();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    // Out of range in any base is an error naming file, line and key.
    let conf = write_file(dir.path(), "c.toml", b"level = 1\nipv4-prefix = 0x21\n");
    logscrub()
        .arg("--config")
        .arg(&conf)
        .run()
        .fails_naming(&format!("{}:2: ipv4-prefix: ", conf.display()));
}

#[test]
fn print_config_is_a_complete_config_that_reads_back_the_same() {
    let dir = tempdir();
    let key = dir.path().join("secret.key");
    std::fs::write(&key, "ab".repeat(32)).unwrap();
    owner_only(&key);
    let conf = write_file(
        dir.path(),
        "c.toml",
        format!(
            "ip = \"hash\"\nkey-file = \"{}\"\nmax-age = \"90d\"\ntime-field = [\"ts\", \"when\"]\n",
            key.display()
        )
        .as_bytes(),
    );
    let first = logscrub()
        .arg("--config")
        .arg(&conf)
        .args(["--ipv6-prefix", "32", "--print-config"])
        .run();
    let text = String::from_utf8(first.ok().to_vec()).unwrap();
    for want in [
        "ip = \"hash\"",
        "ipv6-prefix = 32",
        "ipv4-prefix = 24",
        "max-age = \"90d\"",
        "time-field = [\"ts\", \"when\"]",
        "quiet = false",
    ] {
        assert!(text.lines().any(|l| l == want), "no {want:?} in\n{text}");
    }
    assert!(text.contains(&key.display().to_string()));
    assert!(
        !text.contains(&"ab".repeat(32)),
        "the key itself never shows"
    );
    // Every option is there (set, or commented out when unset).
    for key in [
        "output",
        "threads",
        "now",
        "report",
        "rotate",
        "ip-cipher",
        "format",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{key} =")) || l.starts_with(&format!("# {key} ="))),
            "no {key} in\n{text}"
        );
    }
    let again = write_file(dir.path(), "again.toml", text.as_bytes());
    let second = logscrub()
        .arg("--config")
        .arg(&again)
        .arg("--print-config")
        .run();
    assert_eq!(String::from_utf8_lossy(second.ok()), text);
}

#[test]
fn no_quiet_overrides_quiet_from_the_config_file_and_the_last_of_the_two_flags_wins() {
    let dir = tempdir();
    let conf = write_file(dir.path(), "quiet.toml", b"quiet = true\n");
    let summary = |flags: &[&str]| {
        let run = logscrub()
            .arg("--config")
            .arg(&conf)
            .args(flags)
            .args(["--max-age", "1d", "--now", "2026-11-25T00:00:00Z"])
            .arg(testdata("sample.log"))
            .run();
        run.ok();
        let shown = run.stderr.contains("sample.log: kept 21 of 21 lines");
        assert!(shown || run.stderr.is_empty(), "{flags:?}: {}", run.stderr);
        shown
    };
    assert!(!summary(&[]), "quiet = true silences the summary");
    assert!(summary(&["--no-quiet"]));
    assert!(summary(&["--quiet", "--no-quiet"]));
    assert!(!summary(&["--no-quiet", "--quiet"]));
    assert!(!summary(&["-q", "--no-quiet", "--quiet"]));
    assert!(summary(&["--no-quiet", "-q", "--no-quiet"]));
    // Without the file, too.
    let run = logscrub()
        .args([
            "--quiet",
            "--no-quiet",
            "--max-age",
            "1d",
            "--undated",
            "drop",
        ])
        .stdin("x\n")
        .run();
    run.ok();
    assert!(run.stderr.contains("kept 0 of 1 lines"), "{}", run.stderr);
    // --print-config says what wins, as a key the file can hold; no-quiet is no key.
    let printed = logscrub()
        .arg("--config")
        .arg(&conf)
        .args(["--no-quiet", "--print-config"])
        .run();
    let text = String::from_utf8(printed.ok().to_vec()).unwrap();
    assert!(text.lines().any(|l| l == "quiet = false"), "{text}");
    assert!(!text.contains("no-quiet ="), "{text}");
    let again = write_file(dir.path(), "again.toml", text.as_bytes());
    let reread = logscrub()
        .arg("--config")
        .arg(&again)
        .arg("--print-config")
        .run();
    assert_eq!(String::from_utf8_lossy(reread.ok()), text);
    let negated = write_file(dir.path(), "negated.toml", b"no-quiet = true\n");
    logscrub()
        .arg("--config")
        .arg(&negated)
        .stdin("x\n")
        .run()
        .fails_naming("negated.toml:1: no-quiet: unknown key");
}

// ---------------------------------------------------------------------------------------
// Errors

#[test]
fn config_errors_name_file_line_and_key_before_reading_input() {
    let dir = tempdir();
    let out_path = dir.path().join("out.log");
    for (text, line, key) in [
        ("ip = \"mask\"\n\nmax-agee = \"9d\"\n", 3, "max-agee"),
        ("ip = \"mask\"\nip-cipher = \"rot13\"\n", 2, "ip-cipher"),
        ("level = 11\n", 1, "level"),
        ("max-age = \"3 days\"\n", 1, "max-age"),
        ("quiet = \"yes\"\n", 1, "quiet"),
    ] {
        let conf = write_file(dir.path(), "bad.toml", text.as_bytes());
        let run = logscrub()
            .arg("--config")
            .arg(&conf)
            .arg(testdata("sample.log"))
            .arg("-o")
            .arg(&out_path)
            .run();
        let want = format!("{}:{line}: {key}: ", conf.display());
        run.fails_naming(&want);
        assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
        assert!(!out_path.exists(), "no output for a bad config");
    }
    let run = logscrub()
        .arg("--config")
        .arg(dir.path().join("missing.toml"))
        .run();
    run.fails_naming("missing.toml");
}

#[test]
fn duplicate_config_keys_are_named_with_both_lines() {
    let dir = tempdir();
    let conf = write_file(
        dir.path(),
        "c.toml",
        b"ip = \"mask\"\nlevel = 6\n\"ip\" = \"redact\"\n",
    );
    let run = logscrub()
        .arg("--config")
        .arg(&conf)
        .arg(testdata("sample.log"))
        .run();
    run.fails_naming(&format!("{}:3: ip: duplicate key", conf.display()));
    assert!(run.stderr.contains("line 1"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn config_errors_found_after_parsing_still_name_file_line_and_key() {
    let dir = tempdir();
    let twin = dir.path().join("twin.key");
    std::fs::write(&twin, "0123456789abcdef".repeat(4)).unwrap();
    owner_only(&twin);
    let out_path = dir.path().join("out.log");
    for (text, line, key, flags) in [
        (
            "level = 6\ntime-field = [\"ts\", \"\"]\n",
            2,
            "time-field",
            &[][..],
        ),
        (
            "ip = \"hash\"\nkey-file = \"/nonexistent/key\"\n",
            2,
            "key-file",
            &[][..],
        ),
        ("ip = \"hash\"\n", 1, "ip", &[][..]),
        (
            "max-age = \"1d\"\nformat = \"text\"\n",
            1,
            "max-age",
            &[][..],
        ),
        // Only the culprit that came from the file is named.
        ("format = \"text\"\n", 1, "format", &["--max-age", "1d"][..]),
        (
            "max-age = \"1d\"\n",
            1,
            "max-age",
            &["--format", "text"][..],
        ),
        (
            &format!("ip = \"encrypt\"\n\nkey-file = \"{}\"\n", twin.display()),
            3,
            "key-file",
            &[][..],
        ),
    ] {
        let conf = write_file(dir.path(), "c.toml", text.as_bytes());
        let run = logscrub()
            .arg("--config")
            .arg(&conf)
            .args(flags)
            .arg(testdata("sample.log"))
            .arg("-o")
            .arg(&out_path)
            .run();
        run.fails_naming(&format!("{}:{line}: {key}: ", conf.display()));
        assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
        assert!(!out_path.exists(), "no output for a bad config");
    }
    // The same settings from flags are still named as flags.
    let run = logscrub().args(["--time-field", ""]).stdin("x\n").run();
    run.fails_naming("--time-field \"\"");
    // A setting the command line overrides is not blamed: the flag is.
    let conf = write_file(dir.path(), "c.toml", b"key-file = \"/nonexistent/key\"\n");
    let run = logscrub()
        .arg("--config")
        .arg(&conf)
        .args(["--ip", "hash", "--key-file", "/nonexistent/other"])
        .stdin("x\n")
        .run();
    run.fails_naming("key file /nonexistent/other: cannot read");
    assert!(!run.stderr.contains("c.toml"), "{}", run.stderr);
    // An output directory from the file that cannot be made names the key too.
    let blocker = write_file(dir.path(), "blocker", b"");
    let conf = write_file(
        dir.path(),
        "c.toml",
        format!("output = \"{}/sub/\"\n", blocker.display()).as_bytes(),
    );
    logscrub()
        .arg("--config")
        .arg(&conf)
        .arg(testdata("sample.log"))
        .run()
        .fails_naming(&format!("{}:1: output: ", conf.display()));
}
