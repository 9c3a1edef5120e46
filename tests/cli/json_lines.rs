//! JSON lines: scrubbed lines stay valid JSON with the same structure, escapes around addresses
//! included. The JSON checker used for this is shown to reject broken JSON.

use crate::util::*;

#[test]
fn json_lines_stay_valid_json_with_the_same_structure() {
    let rel = "json/crowdsec_hub_tests_json_lines.jsonl";
    let input = read_testdata(rel);
    let output = default_output(rel);
    let (inp, out) = (lines(&input), lines(&output));
    assert_eq!(inp.len(), out.len());
    let mut changed = 0;
    for (n, (i, o)) in inp.iter().zip(&out).enumerate() {
        let before =
            parse_json(i).unwrap_or_else(|e| panic!("{rel} line {}: input not JSON: {e}", n + 1));
        let after = parse_json(o).unwrap_or_else(|e| {
            panic!(
                "{rel} line {}: output is not JSON ({e}): {}",
                n + 1,
                show(o)
            )
        });
        if let Err(e) = same_shape(&before, &after, "$") {
            panic!("{rel} line {}: structure changed: {e}", n + 1);
        }
        changed += usize::from(i != o);
    }
    assert!(
        changed > 100,
        "only {changed} lines changed: is the JSON scrubbed at all?"
    );
}

#[test]
fn json_escapes_around_addresses_stay_valid() {
    let line = concat!(
        r#"{"remote_addr":"203.0.113.7","msg":"user \"bob@example.com\" from 2001:db8::1\n","#,
        r#""xff":["198.51.100.1","[2001:db8:1:2::3]:443"],"esc":"\\203.0.113.8\\","n":1.5e3,"ok":true}"#,
        "\n"
    );
    let out = logscrub().stdin(line).run();
    let out = out.ok();
    assert_eq!(
        String::from_utf8_lossy(out),
        concat!(
            r#"{"remote_addr":"203.0.113.0","msg":"user \"[email]\" from 2001:db8::\n","#,
            r#""xff":["198.51.100.0","[2001:db8:1::]:443"],"esc":"\\203.0.113.0\\","n":1.5e3,"ok":true}"#,
            "\n"
        )
    );
    let (before, after) = (
        parse_json(line.as_bytes()).unwrap(),
        parse_json(out).unwrap(),
    );
    same_shape(&before, &after, "$").unwrap();
}

/// The test binary's own helpers: the JSON checker must reject what it is meant to reject.
#[test]
fn json_checker_rejects_broken_json() {
    for bad in [
        r#"{"a":1"#,
        r#"{"a":"x}"#,
        r#"{"a":"\q"}"#,
        r#"{"a" 1}"#,
        "{\"a\":\"\x01\"}",
        r#"[1,]"#,
        r#"{} x"#,
    ] {
        assert!(parse_json(bad.as_bytes()).is_err(), "accepted {bad:?}");
    }
    let a = parse_json(br#"{"ip":"1.2.3.4","n":[1,{"k":null}]}"#).unwrap();
    let b = parse_json(br#"{"ip":"1.2.3.0","n":[1,{"k":null}]}"#).unwrap();
    let c = parse_json(br#"{"ip":"1.2.3.0","n":[2,{"k":null}]}"#).unwrap();
    assert!(same_shape(&a, &b, "$").is_ok() && same_shape(&a, &c, "$").is_err());
}
