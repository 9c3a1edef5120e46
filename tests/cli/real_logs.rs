//! The real logs copied into `testdata/` (see `testdata/SOURCES.md`): every line and the final
//! newline kept, the same bytes from a file as from stdin, plain or gzipped, and no IP address
//! beyond the default prefixes and no email left that the independent leak checkers can find.
//! The hand-made files pass the same leak checks, and the checkers are shown to flag
//! unscrubbed input, or the leak tests would prove nothing.

use crate::util::*;
use crate::{HAND_MADE, REAL_LOGS};

#[test]
fn real_logs_keep_their_line_count_from_file() {
    for rel in REAL_LOGS {
        let input = read_testdata_plain(rel);
        let output = default_output(rel);
        assert_eq!(
            lines(&output).len(),
            lines(&input).len(),
            "{rel}: line count changed"
        );
        assert_eq!(
            output.ends_with(b"\n"),
            input.ends_with(b"\n"),
            "{rel}: final newline changed"
        );
    }
}

#[test]
fn real_logs_from_stdin_plain_and_gzip_match_file_output() {
    for rel in REAL_LOGS {
        let raw = read_testdata(rel);
        let from_file = default_output(rel);
        let from_stdin = logscrub().stdin(raw.clone()).run();
        assert_same_bytes(from_stdin.ok(), &from_file, &format!("{rel} on stdin"));
        // The other encoding on stdin: plain logs gzipped here, gzip logs decompressed here
        // (the big ones only once, to keep the debug-build run short).
        if rel.ends_with(".gz") && rel.contains("honeynet") {
            continue;
        }
        let other = if is_gzip(&raw) {
            gunzip(&raw)
        } else {
            gzip(&raw)
        };
        let run = logscrub().stdin(other).run();
        assert_same_bytes(run.ok(), &from_file, &format!("{rel} re-encoded on stdin"));
    }
}

#[test]
fn real_logs_leak_no_ip_address_beyond_the_default_prefixes() {
    for rel in REAL_LOGS {
        let leaks = ip_leaks(&default_output(rel), 24, 48);
        assert!(
            leaks.is_empty(),
            "{rel}: {} IP leaks, first ones: {:#?}",
            leaks.len(),
            &leaks[..leaks.len().min(20)]
        );
    }
}

#[test]
fn real_logs_leak_no_email_address() {
    for rel in REAL_LOGS {
        let leaks = email_leaks(&default_output(rel));
        assert!(
            leaks.is_empty(),
            "{rel}: {} email leaks, first ones: {:#?}",
            leaks.len(),
            &leaks[..leaks.len().min(20)]
        );
    }
}

#[test]
fn hand_made_files_leak_nothing() {
    for rel in HAND_MADE {
        let out = default_output(rel);
        let ip = ip_leaks(&out, 24, 48);
        assert!(ip.is_empty(), "{rel}: IP leaks {ip:#?}");
        let email = email_leaks(&out);
        assert!(email.is_empty(), "{rel}: email leaks {email:#?}");
    }
}

/// The leak checkers must find what they look for, or the leak tests prove nothing.
#[test]
fn leak_checkers_flag_unscrubbed_input() {
    let sample = read_testdata("sample.log");
    // Addresses in sample.log keeping host bits at /24 and /48 (every one of them).
    let ip = ip_leaks(&sample, 24, 48);
    for must in [
        "203.0.113.77",
        "2001:db8:85a3:8d3:1319:8a2e:370:7348",
        "::ffff:192.0.2.77",
        "2001:db8::1",
        "fe80::1",
        "2001:db8:cafe:1::17",
        "10.0.0.8",
        "::1",
        "198.51.100.200",
        "2001:0db8:0000:0000:0000:ff00:0042:8329",
        "2001:DB8:ABCD:12::1",
        "203.0.113.250",
        "::ffff:198.51.100.9",
        "172.16.254.1",
    ] {
        assert!(
            ip.iter().any(|l| l.contains(&format!(": {must} in"))),
            "checker missed {must}: {ip:#?}"
        );
    }
    let email = email_leaks(&sample);
    assert_eq!(email.len(), 4, "plain emails in sample.log: {email:#?}"); // %40 is not `@`
    assert!(ip_leaks(&read_testdata("hard_lines.log"), 24, 48).is_empty());
    assert!(email_leaks(&read_testdata("hard_lines.log")).is_empty());
    // Masked forms pass; the same text one bit off does not.
    assert!(ip_leaks(
        b"203.0.113.0 2001:db8:85a3:: ::ffff:192.0.2.0 [2001:db8::]:443 fe80::%eth0 ::\n",
        24,
        48
    )
    .is_empty());
    assert_eq!(
        ip_leaks(
            b"203.0.113.1 2001:db8:85a3:0:1:: ::ffff:192.0.2.1 10.0.0.1:80\n",
            24,
            48
        )
        .len(),
        4
    );
    for rel in REAL_LOGS {
        assert!(
            !ip_leaks(&read_testdata_plain(rel), 24, 48).is_empty(),
            "{rel}: checker finds no address"
        );
    }
}
