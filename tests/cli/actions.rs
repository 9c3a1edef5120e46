//! The actions for addresses and emails (`--ip`, `--email`: mask, redact, keep) and the masking
//! prefixes (`--ipv4-prefix`, `--ipv6-prefix`). The keyed actions are in `keys`.

use crate::util::*;

#[test]
fn redact_and_keep_actions() {
    let text =
        "a 203.0.113.77 b 2001:db8::1 c 198.51.100.7:8080 d [2001:db8::1]:443 e bob@example.com\n";
    let run = |args: &[&str]| logscrub().args(args).stdin(text).run().ok().to_vec();
    assert_eq!(
        String::from_utf8(run(&["--ip", "redact"])).unwrap(),
        "a [ipv4] b [ipv6] c [ipv4]:8080 d [[ipv6]]:443 e [email]\n"
    );
    assert_eq!(
        String::from_utf8(run(&["--email", "keep"])).unwrap(),
        "a 203.0.113.0 b 2001:db8:: c 198.51.100.0:8080 d [2001:db8::]:443 e bob@example.com\n"
    );
    assert_eq!(
        String::from_utf8(run(&["--ip", "keep", "--email", "redact"])).unwrap(),
        "a 203.0.113.77 b 2001:db8::1 c 198.51.100.7:8080 d [2001:db8::1]:443 e [email]\n"
    );
    assert_eq!(
        String::from_utf8(run(&["--ip", "mask"])).unwrap(),
        "a 203.0.113.0 b 2001:db8:: c 198.51.100.0:8080 d [2001:db8::]:443 e [email]\n"
    );
}

#[test]
fn keeping_everything_is_the_identity() {
    for rel in [
        "sample.log",
        "hard_lines.log",
        "invalid_utf8.log",
        "crlf.log",
        "no_final_newline.log",
        "long_line.log",
    ] {
        let run = logscrub()
            .args(["--ip", "keep", "--email", "keep"])
            .arg(testdata(rel))
            .run();
        assert_same_bytes(
            run.ok(),
            &read_testdata(rel),
            &format!("{rel} with --ip keep --email keep"),
        );
    }
}

#[test]
fn prefix_options() {
    let text = "203.0.113.77 2001:db8:85a3:8d3:1319:8a2e:370:7348 ::ffff:192.0.2.77\n";
    let run = |v4: &str, v6: &str| {
        let out = logscrub()
            .args(["--ipv4-prefix", v4, "--ipv6-prefix", v6])
            .stdin(text)
            .run();
        String::from_utf8(out.ok().to_vec()).unwrap()
    };
    assert_eq!(
        run("24", "48"),
        "203.0.113.0 2001:db8:85a3:: ::ffff:192.0.2.0\n"
    );
    assert_eq!(
        run("16", "64"),
        "203.0.0.0 2001:db8:85a3:8d3:: ::ffff:192.0.0.0\n"
    );
    assert_eq!(
        run("20", "56"),
        "203.0.112.0 2001:db8:85a3:800:: ::ffff:192.0.0.0\n"
    );
    assert_eq!(run("32", "128"), text);
    assert_eq!(run("0", "0"), "0.0.0.0 :: ::ffff:0.0.0.0\n");

    let out = logscrub()
        .args(["--ipv4-prefix", "16", "--ipv6-prefix", "64"])
        .arg(testdata("sample.log"))
        .run();
    let leaks = ip_leaks(out.ok(), 16, 64);
    assert!(leaks.is_empty(), "sample.log at /16 and /64: {leaks:#?}");
}
