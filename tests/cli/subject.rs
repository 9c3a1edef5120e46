//! Access on request: `logscrub subject` exports every line about one person as JSON Lines (mode
//! 0600): the schema, other people's data scrubbed in `raw` and `fields`, lines matched only by
//! an IP address flagged or left out, and stderr that says only the counts.

use std::os::unix::fs::PermissionsExt;

use super::forget::{generate, LIST};
use crate::util::{email_leaks, logscrub, tempdir, write_file};

fn export(
    flags: &[&str],
) -> (
    Vec<serde_json::Value>,
    String,
    u32,
    super::forget::Generated,
) {
    let dir = tempdir();
    let g = generate(1500);
    let list = write_file(dir.path(), "ticket.txt", LIST.as_bytes());
    let log = write_file(dir.path(), "access.log", g.text.as_bytes());
    let out = dir.path().join("export.jsonl");
    let run = logscrub()
        .args(["subject", "--subject"])
        .arg(&list)
        .arg("-o")
        .arg(&out)
        .args(flags)
        .arg(&log)
        .run();
    run.ok();
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    let text = std::fs::read_to_string(&out).unwrap();
    let records = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (records, run.stderr, mode, g)
}

#[test]
fn the_export_has_a_header_then_one_record_per_line_of_the_subject() {
    let (records, stderr, mode, g) = export(&[]);
    assert_eq!(mode, 0o600);
    let header = &records[0];
    assert_eq!(header["export"], "subject");
    assert_eq!(header["entries"], 4);
    let expected: Vec<u64> = (1..=g.entries.len() as u64)
        .filter(|&n| !g.entries[n as usize - 1].is_empty())
        .collect();
    let lines: Vec<u64> = records[1..]
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, expected, "the oracle's lines, in order");
    assert_eq!(header["lines"], expected.len());
    let keys = [
        "fields",
        "file",
        "ip_only",
        "line",
        "matched_by",
        "raw",
        "time",
    ];
    for r in &records[1..] {
        let mut got: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        got.sort_unstable();
        assert_eq!(got, keys, "{r}");
        assert!(r["file"].as_str().unwrap().ends_with("access.log"));
        let time = r["time"].as_str().unwrap();
        assert!(
            time.starts_with("2026-1") && time.ends_with('Z') && time.len() == 20,
            "{time}"
        );
        let by: Vec<&str> = r["matched_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(r["ip_only"], by == ["ip"], "{r}");
        assert!(r["fields"].is_object(), "{r}");
    }
    // stderr: the counts only.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("{} of 1500 lines", expected.len())),
        "{stderr}"
    );
    for secret in ["jane", "203.0.113", "2001:db8", "jdoe"] {
        assert!(!stderr.contains(secret), "{stderr}");
    }
}

#[test]
fn other_peoples_data_is_scrubbed_in_raw_and_fields() {
    let (records, _, _, _) = export(&[]);
    for r in &records[1..] {
        let raw = r["raw"].as_str().unwrap();
        let fields = r["fields"].to_string();
        for text in [raw, fields.as_str()] {
            // No third party's email (the subject's own is on the list and stays).
            let leaks: Vec<String> = email_leaks(text.as_bytes())
                .into_iter()
                .filter(|e| !e.to_ascii_lowercase().ends_with(": jane.doe@example.org"))
                .collect();
            assert!(leaks.is_empty(), "{leaks:?} in {text}");
            // Every other address is masked: the third parties' clients are 198.51.10x.y.
            for tok in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
                if tok.starts_with("198.51.") {
                    assert!(tok.ends_with(".0"), "{tok} in {text}");
                }
            }
            assert!(!text.contains("jdoe2"), "{text}");
        }
        let by = r["matched_by"].to_string();
        if !by.contains("ip") {
            // Matched by email or user: the client address may be shared, so it is masked.
            assert!(
                !raw.starts_with("203.0.113.7 ") && !raw.contains("2001:DB8::7"),
                "{raw}"
            );
        }
    }
}

#[test]
fn lines_matched_only_by_an_address_are_flagged_or_left_out() {
    let (all, _, _, _) = export(&[]);
    let ip_only = all[1..].iter().filter(|r| r["ip_only"] == true).count();
    assert!(ip_only > 10, "{ip_only}");
    assert_eq!(all[0]["ip_only_lines"], ip_only);
    let (some, stderr, _, _) = export(&["--ip-only", "exclude"]);
    assert_eq!(some.len() + ip_only, all.len());
    assert!(some[1..].iter().all(|r| r["ip_only"] == false));
    assert_eq!(some[0]["left_out"], ip_only);
    assert!(
        stderr.contains(&format!("{ip_only} matched only by an IP address left out")),
        "{stderr}"
    );
}
