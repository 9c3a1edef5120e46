use super::*;

fn one(line: &str) -> Result<Subject, Problem> {
    let list = parse(line.as_bytes(), Path::new("f.txt")).map_err(|e| match e {
        ForgetError::List { problem, .. } => problem,
        e => panic!("{e}"),
    })?;
    Ok(list.entries.into_iter().next().expect("one entry").subject)
}

#[test]
fn every_text_form_of_an_address_is_one_entry() {
    let v4 = Subject::Ip("203.0.113.7".parse().unwrap());
    for form in [
        "203.0.113.7",
        "203.000.113.007",
        "::ffff:203.0.113.7",
        "::FFFF:cb00:7107",
        "[::ffff:203.0.113.7]:443",
        "203.0.113.7:8080",
    ] {
        assert_eq!(
            one(&format!("2026-11-25 ip:{form}")),
            Ok(v4.clone()),
            "{form}"
        );
    }
    let v6 = Subject::Ip("2001:db8::7".parse().unwrap());
    for form in [
        "2001:db8::7",
        "2001:DB8::7",
        "2001:0db8:0000:0000:0000:0000:0000:0007",
        "[2001:db8::7]:443",
        "[2001:db8::7]",
        "2001:db8::7%eth0",
    ] {
        assert_eq!(
            one(&format!("2026-11-25 ip:{form}")),
            Ok(v6.clone()),
            "{form}"
        );
    }
}

#[test]
fn every_text_form_of_an_email_is_one_entry() {
    let e = Subject::Email(b"jane.doe@example.org"[..].into());
    for form in [
        "jane.doe@example.org",
        "Jane.Doe@Example.ORG",
        "jane.doe%40example.org",
        "jane.doe%2540example.org",
        "mailto:jane.doe@example.org",
        "MAILTO:jane.doe%40EXAMPLE.org",
    ] {
        assert_eq!(
            one(&format!("2026-11-25 email:{form}")),
            Ok(e.clone()),
            "{form}"
        );
    }
    // A sub-address is another address (documented).
    assert_ne!(one("2026-11-25 email:jane.doe+news@example.org"), Ok(e));
}

#[test]
fn bad_entries_name_the_line_and_never_the_entry() {
    for (line, problem) in [
        ("2026-11-25", Problem::Shape),
        ("2026-02-30 ip:1.2.3.4", Problem::Date),
        ("25.11.2026 ip:1.2.3.4", Problem::Date),
        ("2026-11-25 phone:+4912345", Problem::Type),
        ("2026-11-25 ip:203.0.113.0/24", Problem::Network),
        ("2026-11-25 ip:secret-host", Problem::Ip),
        ("2026-11-25 ip:999.1.1.1", Problem::Ip),
        ("2026-11-25 email:not-an-address", Problem::Email),
        ("2026-11-25 user:", Problem::User),
        ("2026-11-25 pseudonym:ip4-123", Problem::Pseudonym),
        (
            "2026-11-25 pseudonym:mac-0123456789abcdef",
            Problem::Pseudonym,
        ),
    ] {
        let text = format!("# ticket 4711\n\n{line}\n");
        let e = parse(text.as_bytes(), Path::new("forget.txt")).unwrap_err();
        let shown = e.to_string();
        assert!(shown.starts_with("forget.txt:3: "), "{shown}");
        assert!(
            matches!(e, ForgetError::List { problem: p, .. } if p == problem),
            "{line}: {shown}"
        );
        let value = line.split_once(':').map_or("", |(_, v)| v);
        if value.len() > 3 {
            assert!(!shown.contains(value), "{shown} echoes {value}");
        }
    }
    let e = parse(
        b"2026-11-25 user:ok\n2026-11-25 user:\xff\n",
        Path::new("l"),
    )
    .unwrap_err();
    assert_eq!(e.to_string().split(": ").next(), Some("l:2"));
}

#[test]
fn comments_blank_lines_and_every_type() {
    let text =
        "# ticket 4711\n\n2026-11-25 email:jane.doe@example.org\r\n  2026-11-25   ip:2001:db8::7\n\
                2026-11-25 user:jdoe\n2026-11-25 pseudonym:email-3F2A9C0D4B1E8F77\n";
    let list = parse(text.as_bytes(), Path::new("f")).unwrap();
    let lines: Vec<u32> = list.entries.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 4, 5, 6]);
    assert_eq!(list.entries[0].day, days_from_civil(2026, 11, 25));
    assert_eq!(list.entries[2].subject, Subject::User(b"jdoe"[..].into()));
    assert_eq!(
        list.entries[3].subject,
        Subject::Pseudonym(Marker::Email, *b"3f2a9c0d4b1e8f77")
    );
}

#[test]
fn prune_takes_out_old_entries_only() {
    let text = "# keep me\n2026-01-01 ip:1.2.3.4\n2026-11-25 ip:1.2.3.5\n2025-12-31 user:x\n";
    let (out, pruned) = prune(text, days_from_civil(2026, 1, 1));
    assert_eq!(
        out,
        "# keep me\n2026-01-01 ip:1.2.3.4\n2026-11-25 ip:1.2.3.5\n"
    );
    assert_eq!(pruned, [4]);
}
