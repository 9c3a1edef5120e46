use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::action::{Actions, Cipher, EmailAction, IpAction, PrefixCipher, Pseudonyms, Rotation};
use crate::detect::find_spans;
use crate::key::Key;
use crate::Scrubber;

const LIST: &str = "# ticket 4711\n\
2026-11-25 email:jane.doe@example.org\n\
2026-11-25 ip:2001:db8::7\n\
2026-11-25 ip:203.0.113.7\n\
2026-11-25 user:jdoe\n\
2026-11-25 pseudonym:email-3f2a9c0d4b1e8f77\n";

fn forget() -> Forget {
    Forget::new(list::parse(LIST.as_bytes(), Path::new("forget.txt")).unwrap())
}

/// The list lines of the entries found in `line`.
fn found(f: &Forget, line: &str) -> Vec<u32> {
    let spans = find_spans(line.as_bytes());
    let mut scratch = ForgetScratch::default();
    f.scan(line.as_bytes(), &spans, b"", |_| 0, &mut scratch);
    scratch.hits().iter().map(|h| f.line_of(h.entry)).collect()
}

#[test]
fn every_text_form_in_a_line_finds_its_entry() {
    let f = forget();
    for line in [
        "2001:db8::7 - - [x]",
        "[2001:DB8:0:0::7]:443 - - [x]",
        "fe80 2001:0db8:0000:0000:0000:0000:0000:0007%eth0",
        "via ::ffff:203.0.113.7",
        "via [::ffff:203.0.113.7]:8080",
        "GET /?ip=203%2E0%2E113%2E7",
        "203.000.113.007 - -",
        "GET /?to=Jane.Doe%40Example.ORG",
        "GET /?r=jane.doe%2540example.org",
        "<a href=\"mailto:JANE.DOE@example.org\">",
        "1.2.3.4 - jdoe [24/Nov/2026:13:55:36 +0000] \"GET /\" 200 5",
        r#"{"ts":1,"remote_user":"jdoe"}"#,
        "id=email-3f2a9c0d4b1e8f77 x",
    ] {
        assert_eq!(found(&f, line).len(), 1, "{line}");
    }
    for line in [
        "2001:db8::8 203.0.113.8 - - [x]",
        "GET /?to=jane.doe+news@example.org",
        "1.2.3.4 - jdoe2 [24/Nov/2026:13:55:36 +0000] \"GET /jdoe\" 200 5",
        "id=email-3f2a9c0d4b1e8f770 xemail-3f2a9c0d4b1e8f77",
    ] {
        assert_eq!(found(&f, line), Vec::<u32>::new(), "{line}");
    }
}

#[test]
fn a_line_with_two_entries_lists_both_once() {
    let f = forget();
    let line = "203.0.113.7 jane.doe@example.org 203.0.113.7\nother 1.2.3.4\n";
    assert_eq!(found(&f, line), [2, 4]);
}

fn key() -> Key {
    Key::from_hex(&[b'7'; 64]).unwrap()
}

/// The subject's lines are found in copies hashed with every rotation, through the scrubber's
/// own output (so both sides use the pseudonyms as the scrub writes them).
#[test]
fn pseudonyms_of_a_lines_own_day_are_found() {
    let raw = "2001:db8::7 - - [24/Nov/2026:23:59:59 +0000] \"GET /\" 200 5\n\
               198.51.100.1 - - [25/Nov/2026:00:00:01 +0000] \"GET /?to=jane.doe%40example.org\" 200 5\n\
               198.51.100.2 - - [25/Nov/2026:00:00:02 +0000] \"GET /\" 200 5\n";
    for rotation in [Rotation::Never, Rotation::Daily, Rotation::Monthly] {
        let p = Arc::new(Pseudonyms::new(&key(), rotation));
        let actions = Actions {
            ip: IpAction::Hash(Arc::clone(&p)),
            email: EmailAction::Hash(Arc::clone(&p)),
            ..Actions::default()
        };
        let (hashed, _) = Scrubber::new(actions).scrub_to_vec(raw.as_bytes());
        let hashed = String::from_utf8(hashed).unwrap();
        assert!(!hashed.contains("jane"), "{hashed}");
        let f = Arc::new(forget().with_pseudonyms(Arc::clone(&p)));
        let scrubber = Scrubber::new(Actions {
            ip: IpAction::Keep,
            email: EmailAction::Keep,
            ..Actions::default()
        })
        .with_retention(
            None,
            crate::format::TimeFinder::new(crate::format::Format::Auto, &[]),
        )
        .with_forget(Some(f));
        let (out, stats) = scrubber.scrub_to_vec(hashed.as_bytes());
        let third = hashed.lines().nth(2).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{third}\n"),
            "{rotation:?}"
        );
        assert_eq!((stats.forgotten, stats.lines_out), (2, 1), "{rotation:?}");
    }
}

#[test]
fn encrypted_addresses_are_found_and_raw_ones_are_not() {
    let bytes: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5a);
    assert!(Cipher::IpcryptPfx.check_key(&bytes).is_ok());
    let cipher = PrefixCipher::new(Cipher::IpcryptPfx, &bytes);
    let f = forget().encrypted(&cipher);
    let enc = cipher.encrypt("203.0.113.7".parse().unwrap());
    let enc6 = cipher.encrypt("2001:db8::7".parse().unwrap());
    assert_eq!(found(&f, &format!("{enc} - -")), [4]);
    assert_eq!(found(&f, &format!("[{enc6}]:443 - -")), [3]);
    assert!(found(&f, "203.0.113.7 - -").is_empty());
}

#[test]
fn the_valve_names_the_entry_and_allows_small_counts() {
    let f = forget();
    let mut hits = Hits::default();
    hits.add(&[2; 11]);
    assert!(
        f.check_valve("a.log", &hits, 10_000).is_ok(),
        "11 of 10 000 is 0.11 %"
    );
    let e = f
        .check_valve("a.log", &hits, 1_000)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("a.log: forget.txt:4 matches 11 of 1000 lines"),
        "{e}"
    );
    let mut few = Hits::default();
    few.add(&[2; 10]);
    assert!(
        f.check_valve("a.log", &few, 10).is_ok(),
        "10 lines are always allowed"
    );
    assert_eq!(
        f.entry_hits(&hits),
        [EntryHits {
            entry: "forget.txt:4".into(),
            lines: 11
        }]
    );
}

#[test]
fn debug_never_shows_an_entry() {
    let shown = format!("{:?}", forget());
    assert!(
        !shown.contains("jane") && !shown.contains("db8") && !shown.contains("jdoe"),
        "{shown}"
    );
}

mod props {
    use super::*;
    use crate::framing::Framer;
    use crate::output::Sink;
    use crate::pipeline::{scrub_parallel, scrub_sequential};
    use proptest::prelude::*;

    /// Lines about the subject (in one of its forms) or about someone else.
    fn line() -> impl Strategy<Value = (String, bool)> {
        let subject = prop::sample::select(vec![
            "2001:db8::7 - - [24/Nov/2026:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5",
            "[2001:DB8::7]:443 - - [24/Nov/2026:13:55:36 +0000] \"GET /\" 200 5",
            "1.2.3.4 - jdoe [24/Nov/2026:13:55:36 +0000] \"GET /\" 200 5",
            "1.2.3.4 - - [24/Nov/2026:13:55:36 +0000] \"GET /?m=jane.doe%40example.org\" 200 5",
            "{\"ts\":1795553736,\"ip\":\"::ffff:203.0.113.7\"}",
        ]);
        let other = (0u8..=255, 1usize..300).prop_map(|(o, pad)| {
            format!(
                "198.51.100.{o} - - [24/Nov/2026:13:55:36 +0000] \"GET /{}\" 200 5",
                "x".repeat(pad)
            )
        });
        // Longer than a chunk: cut by the framer, the entry in the line's head.
        let long = (3000usize..6000).prop_map(|n| {
            let path = "b/".repeat(n);
            format!("1.2.3.4 - jdoe [24/Nov/2026:13:55:36 +0000] \"GET /{path}\" 200 5")
        });
        prop_oneof![
            4 => subject.prop_map(|s| (s.to_string(), true)),
            4 => other.prop_map(|s| (s, false)),
            1 => long.prop_map(|s| (s, true)),
        ]
    }

    fn keep() -> Actions {
        Actions {
            ip: IpAction::Keep,
            email: EmailAction::Keep,
            ..Actions::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Whatever the chunk size and thread count, exactly the subject's lines go and every
        /// other byte stays, on the sequential and the parallel path alike; a line longer than
        /// a chunk, cut by the framer, goes whole when its entry stands in its first piece (a
        /// short line is never cut: chunks are longer).
        #[test]
        fn the_subjects_lines_go_whatever_the_chunking(
            lines in prop::collection::vec(line(), 1..60),
            chunk in 512usize..4096,
            threads in 1usize..4,
        ) {
            let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
            let expected: String =
                lines.iter().filter(|(_, s)| !s).map(|(l, _)| format!("{l}\n")).collect();
            let subject = lines.iter().filter(|(_, s)| *s).count() as u64;
            let scrubber = Scrubber::new(keep()).with_forget(Some(Arc::new(forget())));
            let (stats, sink) = scrub_sequential(
                &scrubber, Framer::new(text.as_bytes(), chunk), Sink::memory(), "t",
            ).unwrap();
            prop_assert_eq!(String::from_utf8(sink.into_memory()).unwrap(), expected.clone());
            prop_assert_eq!(stats.forgotten, subject);
            prop_assert_eq!(stats.lines_in, stats.lines_out + stats.dropped());
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let (pstats, sink) = scrub_parallel(
                &Arc::new(scrubber), &pool, threads * 2,
                Framer::new(text.as_bytes(), chunk), Sink::memory(), "t",
            ).unwrap();
            prop_assert_eq!(String::from_utf8(sink.into_memory()).unwrap(), expected);
            prop_assert_eq!(pstats, stats);
        }

        /// Every text form of an IPv4 address is one entry.
        #[test]
        fn every_form_of_an_ipv4_address_is_one_entry(a: [u8; 4], port in 1u16..) {
            let [w, x, y, z] = a;
            let plain = format!("{w}.{x}.{y}.{z}");
            let forms = [
                plain.clone(),
                format!("{w:03}.{x:03}.{y:03}.{z:03}"),
                format!("::ffff:{plain}"),
                format!("::FFFF:{plain}"),
                format!("[::ffff:{plain}]:{port}"),
                format!("{plain}:{port}"),
            ];
            let want = list::Subject::Ip(std::net::IpAddr::from(a));
            for form in forms {
                let l = list::parse(format!("2026-11-25 ip:{form}").as_bytes(), Path::new("l"));
                prop_assert_eq!(&l.unwrap().entries[0].subject, &want, "{}", form);
            }
        }

        /// Any text is parsed without a panic, and an error never shows the entry.
        #[test]
        fn a_bad_entry_is_never_shown(
            kind in prop::sample::select(vec!["ip", "email", "user", "pseudonym", "phone"]),
            value in "[A-Za-z0-9]{12,24}",
        ) {
            let text = format!("2026-11-25 {kind}:{value}\n");
            if let Err(e) = list::parse(text.as_bytes(), Path::new("l")) {
                prop_assert!(!e.to_string().contains(&value), "{}", e);
            }
        }
    }
}

/// Leak found by a probe: a line longer than a chunk lost only the piece holding the entry, and
/// was counted as written. Every piece after the one holding an entry in the line's first 4 KiB
/// now goes too, and the line counts as forgotten once.
#[test]
fn a_line_longer_than_a_chunk_is_dropped_whole() {
    use crate::framing::Framer;
    use crate::output::Sink;
    let long = format!(
        "2001:db8::7 - - [24/Nov/2026:13:55:36 +0000] \"GET /{}\" 200 5\n",
        "b/".repeat(10_000)
    );
    let text = format!("198.51.100.1 - - x\n{long}198.51.100.2 - - y\n{long}");
    for chunk in [1024, 4096, 7000] {
        let scrubber = Scrubber::new(Actions::default()).with_forget(Some(Arc::new(forget())));
        let framer = Framer::new(text.as_bytes(), chunk);
        let (stats, sink) =
            crate::pipeline::scrub_sequential(&scrubber, framer, Sink::memory(), "t").unwrap();
        let out = String::from_utf8(sink.into_memory()).unwrap();
        assert_eq!(
            out, "198.51.100.0 - - x\n198.51.100.0 - - y\n",
            "chunk {chunk}"
        );
        assert_eq!(
            (stats.lines_in, stats.lines_out, stats.forgotten),
            (4, 2, 2),
            "chunk {chunk}"
        );
    }
}
