//! The recipes shipped in `contrib/`, run as written: the nightly cron script on a directory of
//! rotated logs (each scrubbed once, a truncated one retried, a leaky config caught by `check`
//! and its output quarantined), and the example config.

use std::path::Path;

use crate::util::keys::{key_file, KEY_A};
use crate::util::report::{assert_accounting, read_report};
use crate::util::*;

/// The nightly recipe of README, run as written on a directory of rotated logs.
#[test]
fn nightly_cron_recipe_scrubs_rotated_logs_once_and_guards_with_check() {
    let root = tempdir();
    let logs = root.path().join("log");
    let out = root.path().join("out");
    let reports = root.path().join("reports");
    std::fs::create_dir_all(&logs).unwrap();
    let day = |d: u32| {
        format!(
            "203.0.113.{d} - - [{d:02}/Nov/2026:10:00:00 +0000] \"GET /?u=bob%40example.com HTTP/1.1\" 200 1\n\
             2001:db8::{d} - - [{d:02}/Nov/2026:11:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n"
        )
    };
    for d in [20, 21, 22] {
        std::fs::write(
            logs.join(format!("access.log-202611{d}.gz")),
            gzip(day(d).as_bytes()),
        )
        .unwrap();
    }
    std::fs::write(logs.join("access.log"), day(23)).unwrap(); // the live log: not touched
    let conf = write_file(
        root.path(),
        "logscrub.toml",
        b"max-age = \"90d\"\nnow = \"2026-11-25T00:00:00Z\"\nquiet = true\n",
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/logscrub-nightly.sh");
    let nightly = |conf: &Path| {
        let status = std::process::Command::new("sh")
            .arg(&script)
            .env("LOG_DIR", &logs)
            .env("OUT_DIR", &out)
            .env("REPORT_DIR", &reports)
            .env("LOGSCRUB_CONFIG", conf)
            .env("LOGSCRUB", BIN)
            .output()
            .expect("sh runs");
        (
            status.status.code(),
            String::from_utf8_lossy(&status.stderr).into_owned(),
        )
    };
    let (code, err) = nightly(&conf);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        list_dir(&out),
        [
            "access.log-20261120.gz",
            "access.log-20261121.gz",
            "access.log-20261122.gz"
        ]
    );
    for name in list_dir(&out) {
        let text = gunzip(&std::fs::read(out.join(&name)).unwrap());
        assert_eq!(count_lines(&text), 2, "{name}");
        assert!(
            ip_leaks(&text, 24, 48).is_empty() && email_leaks(&text).is_empty(),
            "{name}"
        );
    }
    let first_reports = list_dir(&reports);
    assert_eq!(first_reports.len(), 1);
    let r = read_report(&reports.join(&first_reports[0]));
    assert_eq!(r["total"]["lines_in"].as_u64(), Some(6));
    assert_accounting(&r["total"]);
    // The next night: one new file, and only it is scrubbed.
    std::fs::write(
        logs.join("access.log-20261123.gz"),
        gzip(day(23).as_bytes()),
    )
    .unwrap();
    let before = std::fs::metadata(out.join("access.log-20261120.gz"))
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a new report name (seconds)
    let (code, err) = nightly(&conf);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(list_dir(&out).len(), 4);
    let after = std::fs::metadata(out.join("access.log-20261120.gz"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "already scrubbed files are left alone");
    let newest = list_dir(&reports).pop().unwrap();
    assert_eq!(
        read_report(&reports.join(newest))["files"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A truncated rotation fails (non-zero), leaves no output and is retried the next night.
    let gz = gzip(day(24).repeat(200).as_bytes());
    std::fs::write(logs.join("access.log-20261124.gz"), &gz[..gz.len() - 20]).unwrap();
    let (code, err) = nightly(&conf);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("access.log-20261124.gz"), "{err}");
    assert!(!out.join("access.log-20261124.gz").exists());
    std::fs::write(logs.join("access.log-20261124.gz"), &gz).unwrap();
    assert_eq!(nightly(&conf).0, Some(0));
    assert!(out.join("access.log-20261124.gz").exists());
    // The guard: a config that lets addresses through is caught by check, and the copy is
    // moved aside.
    std::fs::write(
        logs.join("access.log-20261125.gz"),
        gzip(day(25).as_bytes()),
    )
    .unwrap();
    let leaky = write_file(root.path(), "leaky.toml", b"ip = \"keep\"\nquiet = true\n");
    let (code, err) = nightly(&leaky);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("failed the audit"), "{err}");
    assert!(!out.join("access.log-20261125.gz").exists());
    assert!(out.join("access.log-20261125.gz.quarantine").exists());
}

#[test]
fn shipped_example_config_is_valid() {
    let conf = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/logscrub.toml");
    let run = logscrub()
        .arg("--config")
        .arg(&conf)
        .arg("--print-config")
        .run();
    let text = String::from_utf8_lossy(run.ok()).into_owned();
    assert!(text.contains("max-age = \"90d\""), "{text}");
    // Not quiet: a run by hand with the example says what retention dropped (the nightly script
    // passes --quiet itself).
    assert!(text.contains("quiet = false"), "{text}");
}

#[test]
fn the_example_config_on_an_old_log_says_it_kept_nothing() {
    let conf = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/logscrub.toml");
    let run = logscrub()
        .arg("--config")
        .arg(&conf)
        .arg(testdata("access/elastic_apache_logs_2015.log.gz"))
        .run();
    let err = run.stderr.clone();
    assert!(run.ok().is_empty(), "90 days keep nothing of 2015");
    assert!(
        err.contains(": kept 0 of 10000 lines; dropped 10000 older than"),
        "{err}"
    );
}

/// The nightly recipe in every `--ip` mode: good copies pass the audit (encrypted addresses
/// included, which look like real ones), and only `keep`, which scrubs no address, is caught.
#[test]
fn nightly_recipe_audits_every_ip_mode_and_quarantines_only_leaks() {
    for mode in ["mask", "redact", "hash", "encrypt", "keep"] {
        let root = tempdir();
        let logs = root.path().join("log");
        let out = root.path().join("out");
        std::fs::create_dir_all(&logs).unwrap();
        let line = "203.0.113.9 - - [24/Nov/2026:10:00:00 +0000] \"GET /?u=bob%40example.com HTTP/1.1\" 200 1\n\
                    2001:db8:85a3:8d3:1319:8a2e:370:7348 - - [24/Nov/2026:11:00:00 +0000] \"GET / HTTP/1.1\" 200 1\n";
        std::fs::write(logs.join("access.log-20261124.gz"), gzip(line.as_bytes())).unwrap();
        let key = key_file(root.path(), "key", KEY_A);
        let conf = write_file(
            root.path(),
            "logscrub.toml",
            format!("ip = \"{mode}\"\nkey-file = \"{}\"\n", key.display()).as_bytes(),
        );
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/logscrub-nightly.sh");
        let run = std::process::Command::new("sh")
            .arg(&script)
            .env("LOG_DIR", &logs)
            .env("OUT_DIR", &out)
            .env("REPORT_DIR", root.path().join("reports"))
            .env("LOGSCRUB_CONFIG", &conf)
            .env("LOGSCRUB", BIN)
            .output()
            .expect("sh runs");
        let err = String::from_utf8_lossy(&run.stderr);
        let copy = out.join("access.log-20261124.gz");
        if mode == "keep" {
            assert_eq!(run.status.code(), Some(1), "{mode}: {err}");
            assert!(err.contains("failed the audit"), "{mode}: {err}");
            assert!(!copy.exists(), "{mode}: a leaky copy is moved aside");
        } else {
            assert_eq!(run.status.code(), Some(0), "{mode}: {err}");
            let text = gunzip(&std::fs::read(&copy).unwrap());
            assert_eq!(count_lines(&text), 2, "{mode}");
            assert!(email_leaks(&text).is_empty(), "{mode}");
            assert!(!text.windows(11).any(|w| w == b"203.0.113.9"), "{mode}");
        }
    }
}

/// Every block of README that names a file of `contrib/` (```` ```text contrib/logrotate-nginx ````)
/// is that file as shipped, so the stanzas a reader copies are the ones the tests run.
#[test]
fn readme_stanzas_are_the_files_in_contrib() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut lines = readme.lines();
    let mut compared = Vec::new();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let Some(file) = info
            .split_whitespace()
            .nth(1)
            .filter(|f| f.starts_with("contrib/"))
        else {
            continue;
        };
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let shipped = std::fs::read_to_string(root.join(file)).unwrap();
        assert_eq!(
            block.join("\n"),
            shipped.trim_end_matches('\n'),
            "README's block for {file} is not the file"
        );
        compared.push(file.to_string());
    }
    compared.sort();
    assert_eq!(
        compared,
        [
            "contrib/logrotate-logscrub",
            "contrib/logrotate-nginx",
            "contrib/logscrub-live.service"
        ],
        "README shows these files"
    );
}
