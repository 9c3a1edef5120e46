//! Byte-exact output of the hand-made files in `testdata/`: `sample.log` line by line, the
//! false-positive traps of `hard_lines.log` left untouched, CRLF line ends, a missing final
//! newline, invalid UTF-8, empty lines, empty input and a single line of 300 KB.

use crate::util::*;

/// sample.log's output, line by line, written and checked by hand.
const SAMPLE_EXPECTED: &[&str] = &[
    r#"203.0.113.0 - - [25/Nov/2026:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 5120 "https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36""#,
    r#"2001:db8:85a3:: - - [25/Nov/2026:13:55:37 +0000] "GET /about HTTP/2.0" 200 2326 "-" "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 Firefox/121.0""#,
    r#"::ffff:192.0.2.0 - alice [25/Nov/2026:13:55:38 +0000] "POST /login HTTP/1.1" 302 0 "https://www.example.com/login" "curl/8.5.0""#,
    r#"198.51.100.0 - - [25/Nov/2026:13:55:39 +0000] "GET /newsletter/subscribe?email=[email] HTTP/1.1" 200 128 "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0""#,
    r#"192.0.2.0 - [email] [25/Nov/2026:13:55:40 +0000] "GET /account HTTP/1.1" 200 932 "-" "Mozilla/5.0""#,
    r#"10.20.30.0 - - [25/Nov/2026:13:55:41 +0000] "GET /api/v1/items HTTP/1.1" 200 77 "-" "Go-http-client/1.1" upstream=[2001:db8::]:443"#,
    r#"fe80::%eth0 - - [25/Nov/2026:13:55:42 +0000] "GET /metrics HTTP/1.1" 200 4096 "-" "Prometheus/2.48.0""#,
    r#"192.0.2.0 - - [25/Nov/2026:13:55:43 +0000] "GET /cart HTTP/1.1" 200 1534 "https://shop.example.com/" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)" "203.0.113.0, 2001:db8:cafe::, 10.0.0.0""#,
    r#"203.0.113.0, 198.51.100.0, 10.1.2.0 - - [25/Nov/2026:13:55:44 +0000] "GET /ocelot HTTP/1.1" 200 571 "-" "Mozilla/5.0""#,
    r#":: - - [25/Nov/2026:13:55:45 +0000] "GET /server-status HTTP/1.1" 200 45 "-" "-""#,
    r#"198.51.100.0:52814 - - [25/Nov/2026:13:55:46 +0000] "GET /ws HTTP/1.1" 101 0 "-" "Mozilla/5.0""#,
    r#"2001:db8:: - - [25/Nov/2026:13:55:47 +0000] "GET /feed.xml HTTP/1.1" 304 0 "-" "Feedly/1.0""#,
    r#"2001:db8:abcd:: - - [25/Nov/2026:13:55:48 +0000] "GET /favicon.ico HTTP/1.1" 404 209 "-" "Mozilla/5.0""#,
    r#"192.0.2.0 - - [25/Nov/2026:13:55:49 +0000] "GET /geo?ip=203.0.113.0&lang=en HTTP/1.1" 200 64 "-" "python-requests/2.31.0""#,
    r#"198.51.100.0 - - [25/Nov/2026:13:55:50 +0000] "GET /contact HTTP/1.1" 200 3117 "mailto:[email]" "Mozilla/5.0""#,
    r#"203.0.113.0 - - [25/Nov/2026:13:55:51 +0000] "GET /robots.txt HTTP/1.1" 200 68 "-" "ExampleBot/2.1 (+mailto:[email])""#,
    r#"crawler.example.com - - [25/Nov/2026:13:55:52 +0000] "GET /sitemap.xml HTTP/1.1" 200 1802 "-" "ExampleBot/2.1 (+https://example.com/bot)""#,
    r#"- - - [25/Nov/2026:13:55:53 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29""#,
    r#"[::ffff:198.51.100.0]:8080 - - [25/Nov/2026:13:55:54 +0000] "GET /status HTTP/1.1" 200 12 "-" "-""#,
    r#"172.16.254.0 - carol [25/Nov/2026:13:55:55 +0000] "GET /download?file=report.pdf&to=[email] HTTP/1.1" 200 48213 "-" "Wget/1.21.4""#,
    r#"2001:db8:4538:: - - [25/Nov/2026:13:55:56 +0000] "GET /video/intro.mp4 HTTP/2.0" 206 1048576 "https://www.example.com/" "VLC/3.0.20 LibVLC/3.0.20""#,
];

#[test]
fn sample_log_exact_output() {
    let out = default_output("sample.log");
    let input = read_testdata("sample.log");
    let got = lines(&out);
    assert_eq!(got.len(), SAMPLE_EXPECTED.len(), "line count");
    // Report every wrong line at once: each line exercises a different form.
    let wrong: Vec<String> = lines(&input)
        .iter()
        .zip(got.iter().zip(SAMPLE_EXPECTED))
        .filter(|(_, (g, e))| **g != e.as_bytes())
        .map(|(i, (g, e))| {
            format!(
                "\n  input:    {}\n  actual:   {}\n  expected: {e}",
                show(i),
                show(g)
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} lines wrong:{}",
        wrong.len(),
        got.len(),
        wrong.concat()
    );
    assert!(out.ends_with(b"\n"));
}

#[test]
fn hard_lines_stay_byte_identical() {
    let input = read_testdata("hard_lines.log");
    let output = default_output("hard_lines.log");
    // Report every trap that fired, not just the first.
    let wrong: Vec<String> = lines(&input)
        .iter()
        .zip(lines(&output))
        .filter(|(i, o)| **i != *o)
        .map(|(i, o)| format!("\n  input:  {}\n  output: {}", show(i), show(o)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} false positives in hard_lines.log:{}",
        wrong.len(),
        wrong.concat()
    );
    assert_same_bytes(&output, &input, "hard_lines.log");
}

#[test]
fn crlf_line_ends_are_kept() {
    let input = read_testdata("crlf.log");
    let expected = replace_all(
        &input,
        &[
            ("203.0.113.7", "203.0.113.0"),
            ("2001:db8:aaaa:bbbb::7", "2001:db8:aaaa::"),
            ("ops@example.com", "[email]"),
            ("198.51.100.66", "198.51.100.0"),
            ("192.0.2.99", "192.0.2.0"),
        ],
    );
    let out = default_output("crlf.log");
    assert_same_bytes(&out, &expected, "crlf.log");
    assert_eq!(out.windows(2).filter(|w| w == b"\r\n").count(), 5);
}

#[test]
fn missing_final_newline_is_kept() {
    let input = read_testdata("no_final_newline.log");
    let expected = replace_all(
        &input,
        &[
            ("203.0.113.8", "203.0.113.0"),
            ("sam@example.org", "[email]"),
            ("198.51.100.77", "198.51.100.0"),
        ],
    );
    let out = default_output("no_final_newline.log");
    assert_same_bytes(&out, &expected, "no_final_newline.log");
    assert!(
        out.ends_with(b"198.51.100.0"),
        "output must end right after the last address"
    );
    // The same on stdin, and for a single line without newline.
    assert_same_bytes(
        logscrub().stdin(input).run().ok(),
        &expected,
        "no_final_newline.log on stdin",
    );
    assert_eq!(
        logscrub().stdin("x 203.0.113.9").run().ok(),
        b"x 203.0.113.0"
    );
}

#[test]
fn invalid_utf8_bytes_are_kept() {
    let input = read_testdata("invalid_utf8.log");
    let expected = replace_all(
        &input,
        &[
            ("203.0.113.21", "203.0.113.0"),
            ("203.0.113.22", "203.0.113.0"),
            ("2001:db8:1:2::22", "2001:db8:1::"),
            ("eve@example.com", "[email]"),
            ("198.51.100.23", "198.51.100.0"),
            ("2001:db8:beef:5::1", "2001:db8:beef::"),
            ("::ffff:192.0.2.200", "::ffff:192.0.2.0"),
        ],
    );
    assert_same_bytes(
        &default_output("invalid_utf8.log"),
        &expected,
        "invalid_utf8.log",
    );
}

#[test]
fn empty_and_blank_lines_are_kept() {
    let input = read_testdata("empty_lines.log");
    let expected = replace_all(
        &input,
        &[
            ("203.0.113.30", "203.0.113.0"),
            ("2001:db8:77::30", "2001:db8:77::"),
        ],
    );
    assert_same_bytes(
        &default_output("empty_lines.log"),
        &expected,
        "empty_lines.log",
    );
    assert_eq!(logscrub().stdin("\n\n\n").run().ok(), b"\n\n\n");
}

#[test]
fn empty_input_gives_empty_output() {
    assert_eq!(logscrub().run().ok(), b"", "empty stdin");
    let dir = tempdir();
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(logscrub().arg(&empty).run().ok(), b"", "empty file");
}

/// Values in long_line.log (mirrors the generator), each between `=` and `&`.
const LONG_LINE_VALUES: &[(&str, &str)] = &[
    ("=198.51.100.101&", "=198.51.100.0&"),
    (
        "=2001:db8:1111:2222:3333:4444:5555:6666&",
        "=2001:db8:1111::&",
    ),
    ("=long.one@example.com&", "=[email]&"),
    ("=203.0.113.102&", "=203.0.113.0&"),
    ("=2001:db8:aaaa:bbbb::102&", "=2001:db8:aaaa::&"),
    ("=192.0.2.103&", "=192.0.2.0&"),
    ("=long.two@example.org&", "=[email]&"),
    ("=::ffff:198.51.100.104&", "=::ffff:198.51.100.0&"),
    ("=fe80::104%eth1&", "=fe80::%eth1&"),
    ("=203.0.113.105&", "=203.0.113.0&"),
    ("=2001:db8:cccc:dddd:eeee:ffff:1:105&", "=2001:db8:cccc::&"),
    ("=198.51.100.106&", "=198.51.100.0&"),
    ("203.0.113.100 - - [", "203.0.113.0 - - ["),
];

#[test]
fn long_line_exact_output() {
    let input = read_testdata("long_line.log");
    assert!(input.len() > 300_000 && lines(&input).len() == 1);
    let expected = replace_all(&input, LONG_LINE_VALUES);
    assert_ne!(expected, input);
    assert_same_bytes(&default_output("long_line.log"), &expected, "long_line.log");
}
