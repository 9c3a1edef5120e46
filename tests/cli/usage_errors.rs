//! Usage mistakes: each one line on stderr in the form of every other error (`logscrub: …`),
//! with clap's suggestion when it has one and the `--help` to read, exit status 2, nothing on
//! stdout and no input read; the JSON report of such a run holds the same line. `--help` and
//! `--version` are no mistakes.

use crate::util::*;

/// Runs `args` and returns its one stderr line, after checking that it is the only line, starts
/// with `logscrub: `, that the status is 2 and that nothing was written to stdout.
#[track_caller]
fn one_line(args: &[&str]) -> String {
    let run = logscrub().args(args).stdin("203.0.113.77 x\n").run();
    assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "{args:?}: stdout {:?}",
        show(&run.stdout)
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: not one line:\n{}", run.stderr);
    assert!(
        lines[0].starts_with("logscrub: ") && !lines[0].contains("error:"),
        "{args:?}: {}",
        lines[0]
    );
    lines[0].to_string()
}

/// Every option that takes a value: in `logscrub --help`, or the command's (`""` for the scrub).
/// Each with a value it refuses, where there is one (options naming a path or a JSON key take
/// any text).
const VALUE_OPTIONS: &[(&str, &str, Option<&str>)] = &[
    ("", "--output", None),
    ("", "--append", None),
    ("", "--level", Some("10")),
    ("", "--ip", Some("bogus")),
    ("", "--email", Some("mask")),
    ("", "--ipv4-prefix", Some("33")),
    ("", "--ipv6-prefix", Some("129")),
    ("", "--threads", Some("0")),
    ("", "--max-age", Some("3 days")),
    ("", "--now", Some("yesterday")),
    ("", "--undated", Some("maybe")),
    ("", "--undated-threshold", Some("101")),
    ("", "--log-format", Some("$remote_addr $status")),
    ("", "--format", Some("xml")),
    ("", "--time-field", None),
    ("", "--key-file", None),
    ("", "--rotate", Some("hourly")),
    ("", "--ip-cipher", Some("aes")),
    ("", "--config", None),
    ("", "--report", None),
    ("", "--progress", Some("sometimes")),
    ("", "--chunk-size", Some("0")),
    ("keygen", "--output", None),
    ("reveal", "--output", None),
    ("reveal", "--key-file", None),
    ("reveal", "--ip-cipher", Some("aes")),
    ("reveal", "--threads", Some("x")),
    ("reveal", "--ipv4-prefix", Some("33")),
    ("reveal", "--ipv6-prefix", Some("129")),
    ("check", "--config", None),
    ("check", "--ip", Some("bogus")),
    ("check", "--email", Some("mask")),
    ("check", "--ipv4-prefix", Some("abc")),
    ("check", "--ipv6-prefix", Some("200")),
    ("", "--forget", None),
    ("", "--forget-max-share", Some("200")),
    ("forget", "--list", None),
    ("forget", "--output", None),
    ("forget", "--key-file", None),
    ("forget", "--rotate", Some("hourly")),
    ("forget", "--ip-cipher", Some("aes")),
    ("forget", "--format", Some("xml")),
    ("forget", "--time-field", None),
    ("forget", "--now", Some("yesterday")),
    ("forget", "--forget-max-share", Some("1.5x")),
    ("forget", "--max-age", Some("3 days")),
    ("forget", "--grace", Some("soon")),
    ("forget", "--threads", Some("0")),
    ("forget", "--report", None),
    ("subject", "--subject", None),
    ("subject", "--output", None),
    ("subject", "--ip-only", Some("maybe")),
    ("subject", "--key-file", None),
    ("subject", "--rotate", Some("hourly")),
    ("subject", "--ip-cipher", Some("aes")),
    ("subject", "--format", Some("xml")),
    ("subject", "--time-field", None),
    ("subject", "--now", Some("yesterday")),
];

#[test]
fn every_value_taking_option_is_in_the_table() {
    let mut in_help = Vec::new();
    for command in ["", "keygen", "reveal", "check", "forget", "subject"] {
        let help = logscrub()
            .args(command.split_whitespace())
            .arg("--help")
            .run();
        let help = String::from_utf8_lossy(help.ok()).into_owned();
        for line in help.lines().map(str::trim_start) {
            // "-o, --output <PATH>" or "--level <N>"
            let line = line.split_once(", ").map_or(line, |(_, rest)| rest);
            let Some((flag, rest)) = line.split_once(' ') else {
                continue;
            };
            if flag.starts_with("--") && rest.starts_with('<') {
                in_help.push((command, flag.to_string()));
                assert!(
                    VALUE_OPTIONS
                        .iter()
                        .any(|&(c, f, _)| c == command && f == flag),
                    "logscrub {command} {flag} is not in VALUE_OPTIONS"
                );
            }
        }
    }
    // And the table names no option that is not there (but the hidden --chunk-size).
    for &(command, flag, _) in VALUE_OPTIONS {
        assert!(
            flag == "--chunk-size" || in_help.iter().any(|(c, f)| *c == command && f == flag),
            "logscrub {command} {flag} is not in its --help"
        );
    }
}

#[test]
fn every_usage_mistake_is_one_line_with_exit_status_2() {
    for &(command, flag, bad) in VALUE_OPTIONS {
        let mut args: Vec<&str> = command.split_whitespace().collect();
        // A missing value, at the end and before another flag.
        args.push(flag);
        let line = one_line(&args);
        assert!(line.contains("a value is required"), "{args:?}: {line}");
        if let Some(bad) = bad {
            args.push(bad);
            let line = one_line(&args);
            assert!(
                line.contains(&format!("invalid value '{bad}'")),
                "{args:?}: {line}"
            );
        }
    }
    for (args, want) in [
        // An unknown flag, with clap's suggestion.
        (
            &["--ipp"][..],
            "logscrub: unexpected argument '--ipp' found; did you mean '--ip'? (see logscrub \
             --help)",
        ),
        (&["--max-agee", "1d"], "did you mean '--max-age'?"),
        (&["-x"], "unexpected argument '-x' found"),
        (
            &["check", "--count", "--bogus"],
            "(see logscrub check --help)",
        ),
        // A bad value, with the possible ones and the nearest.
        (&["--ip", "mak"], "[possible values: mask, redact"),
        (&["--ip", "mak"], "did you mean 'mask'?"),
        (&["--ip="], "a value is required for '--ip <ACTION>'"),
        // A flag of the scrub given to a command, and a command's flag to the scrub.
        (
            &["check", "--key-file", "k"],
            "unexpected argument '--key-file' found",
        ),
        (&["reveal", "--ip", "hash"], "did you mean '--ip-cipher'?"),
        (&["--count"], "unexpected argument '--count' found"),
        (&["keygen", "--quiet"], "(see logscrub keygen --help)"),
        // Unknown commands, and commands missing what they need or given too much.
        (&["help", "chek"], "unrecognized subcommand 'chek'"),
        (
            &["completions"],
            "required arguments were not provided: <SHELL>",
        ),
        (&["completions", "tcsh"], "invalid value 'tcsh'"),
        (&["man", "bogus"], "(see logscrub man --help)"),
        (&["keygen", "extra"], "unexpected argument 'extra' found"),
        // A switch twice.
        (
            &["--print-config", "--print-config"],
            "cannot be used multiple times",
        ),
    ] {
        let line = one_line(args);
        assert!(line.contains(want), "{args:?}: {line}");
    }
    // No input is read: a missing input is not mentioned.
    let line = one_line(&["--ipp", "/nonexistent/input.log"]);
    assert!(!line.contains("cannot open"), "{line}");
}

#[test]
fn help_and_version_are_no_mistakes() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["check", "--help"],
        &["help", "check"],
    ] {
        let run = logscrub().args(args).run();
        let out = String::from_utf8_lossy(run.ok()).into_owned();
        assert!(out.contains("Usage: logscrub"), "{args:?}: {out}");
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    }
    let run = logscrub().arg("--version").run();
    assert_eq!(
        String::from_utf8_lossy(run.ok()).trim_end(),
        format!("logscrub {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_report_of_a_usage_mistake_holds_the_same_line() {
    let dir = tempdir();
    let report = dir.path().join("r.json");
    let run = logscrub()
        .arg("--report")
        .arg(&report)
        .args(["--ipp", "x.log"])
        .run();
    assert_eq!(run.code, Some(2));
    let r = crate::util::report::read_report(&report);
    assert_eq!(r["status"], "failed", "{r}");
    assert_eq!(
        format!("logscrub: {}", r["error"].as_str().unwrap()),
        run.stderr.trim_end()
    );
}
