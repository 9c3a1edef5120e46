//! The keyed actions: prefix-preserving encryption (`--ip encrypt`, Crypto-PAn and ipcrypt-pfx)
//! against the known-answer vectors, undone by `logscrub reveal`; keyed pseudonyms (`hash`) that
//! agree with openssl's HMAC-SHA256, stay the same across runs and thread counts, differ by key
//! and rotate daily at midnight UTC or monthly; keys read only from a file, made by `keygen`,
//! never shown.

use crate::util::keys::{key_file, keyed, KEY_A};
use crate::util::*;

// ---------------------------------------------------------------------------------------
// Encryption and reveal

#[test]
fn encryption_matches_every_known_answer_through_the_binary() {
    // Crypto-PAn: 101 rows; ipcrypt-pfx: the pfx rows of the ipcrypt vectors.
    let mut cases: Vec<(&str, String, String, String)> = vec![];
    let cp = String::from_utf8(read_testdata("vectors/cryptopan_kat.tsv")).unwrap();
    for row in cp.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let f: Vec<&str> = row.split('\t').collect();
        cases.push((
            "cryptopan",
            f[0].to_string(),
            f[1].to_string(),
            f[2].to_string(),
        ));
    }
    let ic = String::from_utf8(read_testdata("vectors/ipcrypt_test_vectors.tsv")).unwrap();
    for row in ic.lines().filter(|l| l.starts_with("ipcrypt-pfx\t")) {
        let f: Vec<&str> = row.split('\t').collect();
        cases.push((
            "ipcrypt-pfx",
            f[1].to_string(),
            f[2].to_string(),
            f[4].to_string(),
        ));
    }
    assert_eq!(cases.len(), 101 + 16);
    // One run per (cipher, key): every address of that key on its own line.
    let mut groups: std::collections::BTreeMap<(&str, String), Vec<(String, String)>> =
        Default::default();
    for (cipher, key, raw, enc) in cases {
        groups.entry((cipher, key)).or_default().push((raw, enc));
    }
    let mut wrong = vec![];
    for ((cipher, key), rows) in groups {
        let input: String = rows
            .iter()
            .map(|(raw, _)| format!("client {raw} x\n"))
            .collect();
        // Prefixes that keep every bit: no address has host bits to be zero, so none passes
        // through unencrypted (as `0.0.0.0` would under a /24) and each is the cipher's answer.
        let whole = ["--ipv4-prefix", "32", "--ipv6-prefix", "128"];
        let out = keyed(
            &key,
            &[&["--ip", "encrypt", "--ip-cipher", cipher][..], &whole].concat(),
            &input,
        );
        for ((raw, want), got) in rows.iter().zip(out.lines()) {
            let want_line = format!("client {} x", want.parse::<std::net::IpAddr>().unwrap());
            if got != want_line {
                wrong.push(format!("{cipher} {raw}: want {want_line:?}, got {got:?}"));
            }
        }
        // And back.
        let back = keyed(
            &key,
            &[&["reveal", "--ip-cipher", cipher][..], &whole].concat(),
            &out,
        );
        let canonical: String = rows
            .iter()
            .map(|(raw, _)| format!("client {} x\n", raw.parse::<std::net::IpAddr>().unwrap()))
            .collect();
        if back != canonical {
            wrong.push(format!(
                "{cipher} key {}…: reveal did not restore the input",
                &key[..4]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} known answers wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn reveal_restores_random_addresses_encrypted_by_either_cipher() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut text = String::new();
    for i in 0..400 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let a: std::net::IpAddr = if i % 2 == 0 {
            std::net::Ipv4Addr::from(x as u32).into()
        } else {
            std::net::Ipv6Addr::from(((x as u128) << 64) | u128::from(x.rotate_left(17))).into()
        };
        text.push_str(&format!("{a} - - \"GET /p?x={i}\" \"ua\"\n"));
    }
    for cipher in ["ipcrypt-pfx", "cryptopan"] {
        let enc = keyed(
            KEY_A,
            &["--ip", "encrypt", "--ip-cipher", cipher, "--email", "keep"],
            &text,
        );
        assert_ne!(enc, text);
        assert_eq!(lines(enc.as_bytes()).len(), 400);
        let back = keyed(KEY_A, &["reveal", "--ip-cipher", cipher], &enc);
        assert!(back == text, "{cipher}: reveal(encrypt(x)) != x");
    }
}

// ---------------------------------------------------------------------------------------
// Pseudonyms

const KEY_B: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

#[test]
fn pseudonyms_are_stable_across_runs_and_threads_and_differ_by_key() {
    let input = String::from_utf8(read_testdata("sample.log")).unwrap();
    let flags = ["--ip", "hash", "--email", "hash"];
    let a1 = keyed(KEY_A, &flags, &input);
    let a2 = keyed(KEY_A, &[&flags[..], &["-j", "1"]].concat(), &input);
    let a3 = keyed(
        KEY_A,
        &[&flags[..], &["-j", "3", "--chunk-size", "512"]].concat(),
        &input,
    );
    assert_eq!(a1, a2);
    assert_eq!(a1, a3);
    let b = keyed(KEY_B, &flags, &input);
    assert_ne!(a1, b);
    // Nothing of the key, no address, no email is left; one pseudonym per value.
    assert!(!a1.contains(KEY_A) && !a1.contains(&KEY_A[..16]));
    assert!(
        ip_leaks(a1.as_bytes(), 32, 128).is_empty(),
        "{:?}",
        ip_leaks(a1.as_bytes(), 32, 128)
    );
    assert!(email_leaks(a1.as_bytes()).is_empty());
    let same_client = keyed(
        KEY_A,
        &flags,
        "203.0.113.77 a\n::ffff:203.0.113.77 b\nJane.Doe%40Example.org c\njane.doe@example.org d\n",
    );
    let p: Vec<&str> = same_client
        .lines()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert!(p[0].starts_with("ip4-") && p[0].len() == 20, "{p:?}");
    assert_eq!(p[0], p[1], "a mapped address has its IPv4's pseudonym");
    assert!(p[2].starts_with("email-"), "{p:?}");
    assert_eq!(
        p[2], p[3],
        "an email has one pseudonym however it is written"
    );
    // Scrubbing pseudonymised output again changes nothing.
    assert_eq!(keyed(KEY_A, &flags, &a1), a1);
}

#[test]
fn pseudonyms_agree_with_openssl() {
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("openssl not found: skipping the independent HMAC check");
        return;
    }
    let hmac = |key_hex: &str, data: &str| -> String {
        let out = std::process::Command::new("openssl")
            .args([
                "dgst",
                "-sha256",
                "-mac",
                "HMAC",
                "-macopt",
                &format!("hexkey:{key_hex}"),
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(data.as_bytes())?;
                c.wait_with_output()
            })
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        text.trim().rsplit(' ').next().unwrap().to_string()
    };
    let out = keyed(
        KEY_A,
        &["--ip", "hash", "--email", "hash"],
        "203.0.113.77 2001:DB8::1 Jane%40Example.org\n",
    );
    let want = format!(
        "ip4-{} ip6-{} email-{}\n",
        &hmac(KEY_A, "203.0.113.77")[..16],
        &hmac(KEY_A, "2001:db8::1")[..16],
        &hmac(KEY_A, "jane@example.org")[..16]
    );
    assert_eq!(out, want);
    // Daily rotation: the day key is HMAC(master, "logscrub period YYYY-MM-DD").
    let day_key = hmac(KEY_A, "logscrub period 2026-11-24");
    let out = keyed(
        KEY_A,
        &["--ip", "hash", "--rotate", "daily"],
        "[24/Nov/2026:23:59:59 +0000] 203.0.113.77\n",
    );
    assert_eq!(
        out,
        format!(
            "[24/Nov/2026:23:59:59 +0000] ip4-{}\n",
            &hmac(&day_key, "203.0.113.77")[..16]
        )
    );
}

#[test]
fn daily_rotation_changes_pseudonyms_exactly_at_midnight_utc() {
    let input = "\
[24/Nov/2026:23:59:59 +0000] 203.0.113.77\n\
[25/Nov/2026:00:00:00 +0000] 203.0.113.77\n\
[24/Nov/2026:19:00:00 -0500] 203.0.113.77\n\
[25/Nov/2026:00:00:00 +0100] 203.0.113.77\n\
no time 203.0.113.77\n";
    let p = |flags: &[&str]| -> Vec<String> {
        let dir = tempdir();
        let key = key_file(dir.path(), "key", KEY_A);
        let run = logscrub()
            .arg("--key-file")
            .arg(&key)
            .args(["--ip", "hash", "--now", "2026-11-25T12:00:00Z"])
            .args(flags)
            .stdin(input)
            .run();
        String::from_utf8_lossy(run.ok())
            .lines()
            .map(|l| l.rsplit(' ').next().unwrap().to_string())
            .collect()
    };
    let daily = p(&["--rotate", "daily"]);
    assert_ne!(
        daily[0], daily[1],
        "23:59:59 and 00:00:00 UTC are different days"
    );
    assert_eq!(daily[1], daily[2], "19:00 -0500 is 00:00 UTC");
    assert_eq!(
        daily[0], daily[3],
        "00:00 +0100 is 23:00 UTC the day before"
    );
    assert_eq!(
        daily[4], daily[1],
        "an undated line uses the run's date (25 Nov)"
    );
    let never = p(&["--rotate", "never"]);
    assert!(never.iter().all(|x| *x == never[0]));
    let monthly = p(&["--rotate", "monthly"]);
    assert!(
        monthly.iter().all(|x| *x == monthly[0]),
        "all in November: {monthly:?}"
    );
    let dir = tempdir();
    let key = key_file(dir.path(), "key", KEY_A);
    let run = logscrub()
        .arg("--key-file")
        .arg(&key)
        .args([
            "--ip",
            "hash",
            "--rotate",
            "daily",
            "--now",
            "2026-11-25T12:00:00Z",
        ])
        .stdin(input)
        .run();
    assert!(run.stderr.contains("1 lines have no readable time; their pseudonyms use the run's date (2026-11-25); the first is line 5"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// Key files and keygen

#[test]
fn keys_come_only_from_a_file_and_never_show() {
    let dir = tempdir();
    // Missing key: a clear error before any input is read.
    let run = logscrub()
        .args(["--ip", "hash"])
        .arg("/nonexistent/input.log")
        .env_remove("LOGSCRUB_KEY_FILE")
        .run();
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("--key-file") && run.stderr.contains("keygen"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("/nonexistent/input.log"),
        "input was opened: {}",
        run.stderr
    );
    // A short key: the error names the file but shows none of its bytes.
    let secret = "5ec12e7a5ec12e7a5ec12e7a";
    let short = key_file(dir.path(), "short.key", secret);
    let run = logscrub()
        .arg("--key-file")
        .arg(&short)
        .args(["--email", "hash"])
        .stdin("x\n")
        .run();
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("short.key"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("5ec12e7a"),
        "key bytes in an error: {}",
        run.stderr
    );
    // The environment variable works, and there is no flag that takes a key itself.
    let good = key_file(dir.path(), "good.key", KEY_A);
    let run = logscrub()
        .env("LOGSCRUB_KEY_FILE", &good)
        .args(["--ip", "hash"])
        .stdin("203.0.113.77\n")
        .run();
    assert!(String::from_utf8_lossy(run.ok()).starts_with("ip4-"));
    assert!(!run.stderr.contains(KEY_A));
    assert_eq!(
        logscrub().args(["--key", KEY_A]).stdin("x\n").run().code,
        Some(2)
    );
    // keygen: 64 hex characters, a new file with mode 0600, never over an existing one.
    let out = logscrub().arg("keygen").run();
    let hex = String::from_utf8(out.ok().to_vec()).unwrap();
    assert_eq!(hex.trim_end().len(), 64);
    assert!(hex.trim_end().bytes().all(|b| b.is_ascii_hexdigit()));
    let path = dir.path().join("new.key");
    logscrub().args(["keygen", "-o"]).arg(&path).run().ok();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        logscrub().args(["keygen", "-o"]).arg(&path).run().code,
        Some(2)
    );
    let again = logscrub().arg("keygen").run();
    assert_ne!(again.ok(), out.ok(), "two keys are different");
    // ipcrypt-pfx with equal key halves would be the identity: refused.
    let twin = key_file(dir.path(), "twin.key", &"0123456789abcdef".repeat(4));
    let run = logscrub()
        .arg("--key-file")
        .arg(&twin)
        .args(["--ip", "encrypt"])
        .stdin("203.0.113.77\n")
        .run();
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("twin.key") && run.stderr.contains("halves"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("0123456789abcdef"), "{}", run.stderr);
}

#[test]
fn key_files_open_to_group_or_others_are_refused_naming_the_file_and_chmod_600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let key = key_file(dir.path(), "open.key", KEY_A);
    let conf = write_file(
        dir.path(),
        "c.toml",
        format!("ip = \"hash\"\nkey-file = \"{}\"\n", key.display()).as_bytes(),
    );
    let out = dir.path().join("out.log");
    let input = write_file(dir.path(), "in.log", b"203.0.113.77 x\n");
    // Every way a key file is loaded: scrubbing with hash or encrypt, reveal, the environment
    // variable, the configuration file.
    let way = |what: &str| match what {
        "reveal" => logscrub().arg("reveal").arg("--key-file").arg(&key),
        "LOGSCRUB_KEY_FILE" => logscrub()
            .env("LOGSCRUB_KEY_FILE", &key)
            .args(["--ip", "hash"]),
        "config" => logscrub().arg("--config").arg(&conf),
        flags => logscrub()
            .arg("--key-file")
            .arg(&key)
            .args(flags.split(' ')),
    };
    let ways = [
        "--ip hash",
        "--ip encrypt",
        "--email hash",
        "reveal",
        "LOGSCRUB_KEY_FILE",
        "config",
    ];
    for mode in [0o644, 0o666, 0o640] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        for what in ways {
            let m = format!("{mode:o} {what}");
            let run = way(what).arg("-o").arg(&out).arg(&input).run();
            run.fails_naming(&format!("chmod 600 {}", key.display()));
            let lines: Vec<&str> = run.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "{m}: {}", run.stderr);
            assert!(
                lines[0].starts_with("logscrub: ") && lines[0].contains(&format!("{mode:04o}")),
                "{m}: {}",
                run.stderr
            );
            assert!(!run.stderr.contains(KEY_A), "{m}: {}", run.stderr);
            assert!(!out.exists(), "{m}: output written");
            if what == "config" {
                let at = format!("{}:2: key-file: ", conf.display());
                assert!(run.stderr.contains(&at), "{m}: {}", run.stderr);
            }
            // Before any input is read: a missing input is never mentioned.
            let run = way(what).arg("/nonexistent/input.log").run();
            assert_eq!(run.code, Some(2), "{m}");
            assert!(
                !run.stderr.contains("/nonexistent/input.log"),
                "{m}: {}",
                run.stderr
            );
        }
    }
    // Owner-only files are used: 0600 (as keygen writes) and 0400, in every way.
    for mode in [0o600, 0o400] {
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(mode)).unwrap();
        for what in ways {
            let run = way(what).arg(&input).run();
            run.ok();
            assert!(run.stderr.is_empty(), "{mode:o} {what}: {}", run.stderr);
        }
    }
}
