//! Erasure on request: `--forget FILE` during the scrub and `logscrub forget` on logs already
//! written (raw, hashed with every `--rotate`, encrypted), against an oracle that knows, from the
//! generator, which lines hold the subject; every text form of an address and an email; the
//! safety valve; the list's errors, which name a line and never an entry; `--prune`.

use std::path::{Path, PathBuf};

use crate::util::keys::{key_file, KEY_A};
use crate::util::report::{assert_accounting, read_report};
use crate::util::{gunzip, gzip, is_gzip, logscrub, tempdir, write_file};

/// The subject's list; entry lines 2 to 5.
pub const LIST: &str = "# ticket 4711\n\
2026-11-01 email:jane.doe@example.org\n\
2026-11-01 ip:2001:db8::7\n\
2026-11-01 ip:203.0.113.7\n\
2026-11-01 user:jdoe\n";

/// The subject's identifiers as the log writes them, and the list lines of their entries.
const SUBJECT_FORMS: &[(&str, &str, u32)] = &[
    // (client, query, entry line); "-" leaves the part as a third party's.
    ("203.0.113.7", "-", 4),
    ("203.000.113.007", "-", 4),
    ("::ffff:203.0.113.7", "-", 4),
    ("[2001:DB8::7]:443", "-", 3),
    ("-", "xff=2001:0db8:0000:0000:0000:0000:0000:0007", 3),
    ("-", "to=Jane.Doe%40example.org", 2),
    ("-", "r=jane.doe%2540EXAMPLE.org", 2),
    ("-", "ref=mailto:JANE.DOE@example.org", 2),
];

/// A generated log and, for each line, the list lines of the entries it holds (the oracle).
pub struct Generated {
    pub text: String,
    pub entries: Vec<Vec<u32>>,
}

/// `n` lines over four days across a month's end (so daily and monthly keys both change),
/// one in seven about the subject, in every text form; the others are third parties, some of
/// them near misses (`jane.doe+news@`, `jdoe2`, `203.0.113.70`, a Chrome version).
pub fn generate(n: usize) -> Generated {
    let mut text = String::new();
    let mut entries = Vec::with_capacity(n);
    for i in 0..n {
        // 2026-10-30T00:00:00Z + i * 97 s: 2026-10-30 .. 2026-11-02 for 3000 lines.
        let t = 1_793_318_400 + i as i64 * 97;
        let time = clf_time(t);
        let other = format!("198.51.{}.{}", 100 + i % 3, 1 + i % 250);
        let (mut client, mut query, mut user, mut hit) = (
            other.clone(),
            format!("cc=user{}@example.net", i % 40),
            "-".to_string(),
            vec![],
        );
        if i % 7 == 3 {
            let (c, q, entry) = SUBJECT_FORMS[(i / 7) % SUBJECT_FORMS.len()];
            if c != "-" {
                client = c.to_string();
            }
            if q != "-" {
                query = q.to_string();
            }
            hit.push(entry);
        }
        if i % 11 == 5 {
            user = "jdoe".into();
            hit.push(5);
        }
        match i % 13 {
            _ if !hit.is_empty() => {}
            1 => query = "to=jane.doe+news@example.org".into(),
            2 => user = "jdoe2".into(),
            4 => client = "203.0.113.70".into(),
            _ => {}
        }
        hit.sort_unstable();
        hit.dedup();
        if i % 17 == 9 {
            // A JSON line.
            let ip = if hit.contains(&4) {
                "203.0.113.7".to_string()
            } else {
                other
            };
            let user = if user == "-" {
                String::new()
            } else {
                format!(",\"remote_user\":\"{user}\"")
            };
            let query = query.replace('"', "");
            text.push_str(&format!(
                "{{\"ts\":{t},\"ip\":\"{ip}\"{user},\"q\":\"/?{query}\",\"status\":200}}\n"
            ));
            if hit.contains(&3) && !query.starts_with("xff") {
                // The JSON form carries the IPv4 address only.
                hit.retain(|&e| e != 3);
            }
        } else {
            text.push_str(&format!(
                "{client} - {user} [{time}] \"GET /p/{i}?{query} HTTP/1.1\" 200 {} \"-\" \"Mozilla/5.0 Chrome/126.0.0.0\"\n",
                100 + i
            ));
        }
        entries.push(hit);
    }
    Generated { text, entries }
}

/// CLF time of Unix seconds `t` (UTC), without the crate.
fn clf_time(t: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil(t.div_euclid(86_400));
    format!(
        "{d:02}/{}/{y}:{:02}:{:02}:{:02} +0000",
        MONTHS[(m - 1) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Year, month and day of days since 1970-01-01 (Howard Hinnant's algorithm, written out here
/// independently of the crate).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `text` without the lines the oracle says hold an entry.
pub fn without_subject(text: &[u8], g: &Generated) -> Vec<u8> {
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), g.entries.len(), "one line out per line in");
    lines
        .iter()
        .zip(&g.entries)
        .filter(|(_, e)| e.is_empty())
        .flat_map(|(l, _)| l.iter().copied())
        .collect()
}

fn subject_lines(g: &Generated) -> u64 {
    g.entries.iter().filter(|e| !e.is_empty()).count() as u64
}

/// The generated subject is on one line in seven, far past the safety valve's 1 %, which
/// [`the_safety_valve_fails_the_file_and_writes_nothing`] tests on its own.
const SHARE: [&str; 2] = ["--forget-max-share", "50"];

/// Runs `logscrub forget` on `file` into `dir/out/`, asserting success, and returns the output.
fn forget_into(dir: &Path, list: &Path, file: &Path, flags: &[&str]) -> Vec<u8> {
    let out = dir.join("out");
    logscrub()
        .arg("forget")
        .arg("--list")
        .arg(list)
        .args(SHARE)
        .args(flags)
        .arg("-o")
        .arg(&out)
        .arg(file)
        .run()
        .ok();
    std::fs::read(out.join(file.file_name().unwrap())).unwrap()
}

fn setup(n: usize) -> (tempfile::TempDir, PathBuf, PathBuf, Generated) {
    let dir = tempdir();
    let g = generate(n);
    let list = write_file(dir.path(), "forget.txt", LIST.as_bytes());
    let raw = write_file(dir.path(), "raw.log", g.text.as_bytes());
    (dir, list, raw, g)
}

#[test]
fn the_generator_holds_the_subject_in_every_form_and_near_misses() {
    let g = generate(3000);
    for (c, q, _) in SUBJECT_FORMS {
        let form = if *c == "-" { q } else { c };
        assert!(g.text.contains(form), "{form}");
    }
    for near in [
        "jane.doe+news@",
        "- jdoe2 [",
        "203.0.113.70 ",
        "\"remote_user\":\"jdoe\"",
    ] {
        assert!(g.text.contains(near), "{near}");
    }
    let n = subject_lines(&g);
    assert!(n > 400 && n < 1000, "{n}");
}

#[test]
fn raw_logs_lose_exactly_the_subjects_lines_and_nothing_else() {
    let (dir, list, raw, g) = setup(3000);
    let expected = without_subject(g.text.as_bytes(), &g);
    assert_eq!(forget_into(dir.path(), &list, &raw, &[]), expected);
    // During the scrub: the same lines go, the rest is scrubbed as without the list.
    let kept = write_file(dir.path(), "kept.log", &expected);
    let scrubbed_kept = logscrub().arg(&kept).run().ok().to_vec();
    for j in ["1", "2"] {
        let report = dir.path().join(format!("r{j}.json"));
        let run = logscrub()
            .arg("--forget")
            .arg(&list)
            .args(["-j", j, "--chunk-size", "4096", "--report"])
            .arg(&report)
            .args(SHARE)
            .arg(&raw)
            .run();
        assert_eq!(run.ok(), scrubbed_kept, "-j {j}");
        let r = read_report(&report);
        let f = &r["files"][0];
        assert_eq!(f["dropped"]["forgotten"], subject_lines(&g), "{f}");
        assert_accounting(f);
        assert_accounting(&r["total"]);
        // Hits per entry, by the entry's line in the list, as the oracle counts them.
        let count = |e: u32| g.entries.iter().filter(|h| h.contains(&e)).count() as u64;
        for (i, line) in [2, 3, 4, 5].into_iter().enumerate() {
            assert_eq!(
                f["forgotten"][i]["entry"],
                format!("{}:{line}", list.display())
            );
            assert_eq!(f["forgotten"][i]["lines"], count(line), "entry {line}");
        }
        assert!(
            run.stderr
                .contains(&format!("{}:4: {} lines", list.display(), count(4))),
            "{}",
            run.stderr
        );
    }
    // After the erasure, an access request finds nothing.
    let cleaned = write_file(dir.path(), "cleaned.log", &expected);
    let export = dir.path().join("export.jsonl");
    logscrub()
        .args(["subject", "--subject"])
        .arg(&list)
        .arg("-o")
        .arg(&export)
        .arg(&cleaned)
        .run()
        .ok();
    let text = std::fs::read_to_string(&export).unwrap();
    assert_eq!(text.lines().count(), 1, "only the header: {text}");
    assert!(text.contains("\"lines\":0"), "{text}");
}

#[test]
fn hashed_copies_of_every_rotation_lose_the_same_lines() {
    let (dir, list, raw, g) = setup(3000);
    let key = key_file(dir.path(), "key", KEY_A);
    for rotate in ["never", "daily", "monthly"] {
        let hashed = dir.path().join(format!("hashed-{rotate}.log"));
        logscrub()
            .arg("--key-file")
            .arg(&key)
            .args(["--ip", "hash", "--email", "hash", "--rotate", rotate, "-o"])
            .arg(&hashed)
            .arg(&raw)
            .run()
            .ok();
        let h = std::fs::read(&hashed).unwrap();
        let shown = String::from_utf8_lossy(&h);
        assert!(
            !shown.contains("jane") && !shown.contains("203.0.113.7 "),
            "{rotate}"
        );
        let expected = without_subject(&h, &g);
        let flags = ["--key-file", key.to_str().unwrap(), "--rotate", rotate];
        assert_eq!(
            forget_into(dir.path(), &list, &hashed, &flags),
            expected,
            "{rotate}"
        );
        // The wrong rotation finds only what is not hashed (user names): a test that can fail.
        let wrong = if rotate == "daily" {
            "monthly"
        } else {
            "daily"
        };
        let flags = ["--key-file", key.to_str().unwrap(), "--rotate", wrong];
        assert_ne!(
            forget_into(dir.path(), &list, &hashed, &flags),
            expected,
            "{rotate}"
        );
    }
    // Scrubbing hashed input again with the list finds the pseudonyms too.
    let hashed = dir.path().join("hashed-daily.log");
    let h = std::fs::read(&hashed).unwrap();
    let run = logscrub()
        .arg("--forget")
        .arg(&list)
        .arg("--key-file")
        .arg(&key)
        .args(["--ip", "hash", "--email", "hash", "--rotate", "daily"])
        .args(SHARE)
        .arg(&hashed)
        .run();
    assert_eq!(run.ok(), without_subject(&h, &g));
}

#[test]
fn encrypted_copies_lose_the_same_lines() {
    let (dir, list, raw, g) = setup(3000);
    let key = key_file(dir.path(), "key", KEY_A);
    for cipher in ["ipcrypt-pfx", "cryptopan"] {
        let enc = dir.path().join(format!("enc-{cipher}.log"));
        logscrub()
            .arg("--key-file")
            .arg(&key)
            .args([
                "--ip",
                "encrypt",
                "--ip-cipher",
                cipher,
                "--email",
                "hash",
                "-o",
            ])
            .arg(&enc)
            .arg(&raw)
            .run()
            .ok();
        let e = std::fs::read(&enc).unwrap();
        assert!(
            !String::from_utf8_lossy(&e).contains("203.0.113.7 "),
            "{cipher}"
        );
        let k = key.to_str().unwrap();
        let flags = ["--key-file", k, "--ip-cipher", cipher];
        assert_eq!(
            forget_into(dir.path(), &list, &enc, &flags),
            without_subject(&e, &g),
            "{cipher}"
        );
    }
}

#[test]
fn in_place_keeps_gzip_and_every_other_byte_and_refuses_a_misnamed_file() {
    let (dir, list, _, g) = setup(500);
    let gz = write_file(dir.path(), "access.log.1.gz", &gzip(g.text.as_bytes()));
    logscrub()
        .args(["forget", "--quiet", "--in-place", "--list"])
        .arg(&list)
        .args(SHARE)
        .arg(&gz)
        .run()
        .ok();
    let after = std::fs::read(&gz).unwrap();
    assert!(is_gzip(&after));
    assert_eq!(gunzip(&after), without_subject(g.text.as_bytes(), &g));
    // gzip content under a plain name would be rewritten as plain text: refused, untouched.
    let misnamed = write_file(dir.path(), "access.log.2", &gzip(g.text.as_bytes()));
    let before = std::fs::read(&misnamed).unwrap();
    let run = logscrub()
        .args(["forget", "--in-place", "--list"])
        .arg(&list)
        .arg(&misnamed)
        .run();
    run.fails_naming("access.log.2: is gzip");
    assert_eq!(std::fs::read(&misnamed).unwrap(), before);
}

#[test]
fn the_safety_valve_fails_the_file_and_writes_nothing() {
    let dir = tempdir();
    // A gateway on a fifth of the lines; a version number on every line.
    let mut log = String::new();
    for i in 0..200 {
        let client = if i % 5 == 0 {
            "192.0.2.1".to_string()
        } else {
            format!("198.51.100.{}", i % 250)
        };
        log.push_str(&format!(
            "{client} - - [24/Nov/2026:13:55:36 +0000] \"GET /{i}\" 200 5 \"-\" \"Chrome/126.0.0.0\"\n"
        ));
    }
    let input = write_file(dir.path(), "a.log", log.as_bytes());
    for (entry, line) in [("ip:192.0.2.1", 3), ("ip:126.0.0.0", 3)] {
        let list = write_file(
            dir.path(),
            "forget.txt",
            format!("# t\n2026-11-25 ip:198.51.100.250\n2026-11-25 {entry}\n").as_bytes(),
        );
        let out = dir.path().join("out.log");
        let run = logscrub()
            .arg("--forget")
            .arg(&list)
            .arg("-o")
            .arg(&out)
            .arg(&input)
            .run();
        run.fails_naming(&format!("forget.txt:{line} matches"));
        assert!(!out.exists(), "{entry}: nothing is written");
        assert!(
            !run.stderr.contains(entry.trim_start_matches("ip:")),
            "{}",
            run.stderr
        );
        let before = std::fs::read(&input).unwrap();
        let run = logscrub()
            .args(["forget", "--in-place", "--list"])
            .arg(&list)
            .arg(&input)
            .run();
        run.fails_naming("nothing was written");
        assert_eq!(
            std::fs::read(&input).unwrap(),
            before,
            "{entry}: in place, untouched"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("logscrub-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        // A share raised past the entry's lets it through.
        let out = logscrub()
            .arg("--forget")
            .arg(&list)
            .args(["--forget-max-share", "100", "--ip", "keep"])
            .arg(&input)
            .run();
        let kept = String::from_utf8(out.ok().to_vec()).unwrap();
        assert!(kept.lines().count() < 200);
    }
    // Ten lines are always allowed, whatever the share.
    let small: String = log.lines().take(50).map(|l| format!("{l}\n")).collect();
    let small = write_file(dir.path(), "small.log", small.as_bytes());
    let list = write_file(dir.path(), "ten.txt", b"2026-11-25 ip:192.0.2.1\n");
    let out = logscrub().arg("--forget").arg(&list).arg(&small).run();
    assert_eq!(String::from_utf8_lossy(out.ok()).lines().count(), 40);
}

/// Distinctive entries that must appear in no output but the data itself.
const SECRETS: [&str; 3] = ["zq-unique-7731@example.org", "192.0.2.231", "zz_top_secret"];

#[test]
fn entries_are_never_echoed() {
    let dir = tempdir();
    let list_text = format!(
        "2026-11-25 email:{}\n2026-11-25 ip:{}\n2026-11-25 user:{}\n",
        SECRETS[0], SECRETS[1], SECRETS[2]
    );
    let list = write_file(dir.path(), "forget.txt", list_text.as_bytes());
    let log = format!(
        "{} - {} [24/Nov/2026:13:55:36 +0000] \"GET /?to={}\" 200 5\n198.51.100.1 - - [24/Nov/2026:13:55:36 +0000] \"GET /\" 200 5\n",
        SECRETS[1], SECRETS[2], SECRETS[0]
    );
    let input = write_file(dir.path(), "a.log", log.as_bytes());
    let report = dir.path().join("r.json");
    let run = logscrub()
        .arg("--forget")
        .arg(&list)
        .arg("--report")
        .arg(&report)
        .arg(&input)
        .run();
    run.ok();
    let config = write_file(
        dir.path(),
        "c.toml",
        format!("forget = {:?}\n", list.display().to_string()).as_bytes(),
    );
    let printed = logscrub()
        .arg("--config")
        .arg(&config)
        .arg("--print-config")
        .run();
    let printed = String::from_utf8(printed.ok().to_vec()).unwrap();
    assert!(
        printed.contains(&format!("forget = {:?}", list.display().to_string())),
        "{printed}"
    );
    let forget_run = logscrub()
        .args(["forget", "--list"])
        .arg(&list)
        .arg("-o")
        .arg(dir.path().join("o"))
        .arg(&input)
        .run();
    forget_run.ok();
    let report_text = std::fs::read_to_string(&report).unwrap();
    for s in SECRETS {
        for (what, text) in [
            ("stderr", &run.stderr),
            ("report", &report_text),
            ("print-config", &printed),
            ("forget's stderr", &forget_run.stderr),
        ] {
            assert!(!text.contains(s), "{what} shows {s}: {text}");
        }
    }
    // A bad entry: file and line, never the entry, before any input is read.
    let bad = write_file(
        dir.path(),
        "bad.txt",
        format!(
            "2026-11-25 ip:{}\n2026-11-25 ip:{}/24\n",
            SECRETS[1], SECRETS[1]
        )
        .as_bytes(),
    );
    let out = dir.path().join("never.log");
    let run = logscrub()
        .arg("--forget")
        .arg(&bad)
        .arg("-o")
        .arg(&out)
        .arg(dir.path().join("missing-input.log"))
        .run();
    run.fails_naming(&format!("{}:2: a network", bad.display()));
    assert!(!run.stderr.contains(SECRETS[1]), "{}", run.stderr);
    assert!(
        !run.stderr.contains("missing-input"),
        "the list is read first: {}",
        run.stderr
    );
    assert!(!out.exists());
    // The same from a configuration file, blamed on its key.
    let config = write_file(
        dir.path(),
        "bad.toml",
        format!("quiet = true\nforget = {:?}\n", bad.display().to_string()).as_bytes(),
    );
    let run = logscrub().arg("--config").arg(&config).arg(&input).run();
    run.fails_naming("bad.txt:2");
    assert!(!run.stderr.contains(SECRETS[1]), "{}", run.stderr);
}

#[test]
fn prune_takes_out_entries_past_the_window_and_grace() {
    let dir = tempdir();
    let list = write_file(
        dir.path(),
        "forget.txt",
        b"# ticket 1\n2026-07-27 ip:192.0.2.1\n# ticket 2\n2026-07-28 ip:192.0.2.2\n2026-11-20 user:x\n",
    );
    crate::util::keys::owner_only(&list);
    let run = logscrub()
        .args([
            "forget",
            "--prune",
            "--max-age",
            "90d",
            "--now",
            "2026-11-25T00:00:00Z",
            "--list",
        ])
        .arg(&list)
        .run();
    run.ok();
    // 2026-11-25 - 90 days - 30 days = 2026-07-28: the entry of the 27th goes.
    assert_eq!(
        std::fs::read_to_string(&list).unwrap(),
        "# ticket 1\n# ticket 2\n2026-07-28 ip:192.0.2.2\n2026-11-20 user:x\n"
    );
    assert!(
        run.stderr
            .contains("pruned 1 entries requested before 2026-07-28 (lines 2); 2 remain"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("192.0.2"), "{}", run.stderr);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&list).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // --prune needs the window.
    logscrub()
        .args(["forget", "--prune", "--list"])
        .arg(&list)
        .run()
        .fails_naming("max-age");
}

/// The nightly recipe of the README, run as written with its paths moved into a temporary
/// directory: hashed copies in the history lose the subject's lines, the list loses its old entry.
#[test]
fn the_nightly_recipe_erases_the_history_and_prunes_the_list() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let script = readme
        .split_once("```sh forget-nightly\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("README has the forget-nightly block")
        .0;
    let dir = tempdir();
    let d = dir.path();
    for sub in ["var", "incoming"] {
        std::fs::create_dir(d.join(sub)).unwrap();
    }
    let key = key_file(d, "key", KEY_A);
    // Today, for the entries: recent ones stay, one of last year goes.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let (y, m, day) = civil(now.div_euclid(86_400));
    let today = format!("{y:04}-{m:02}-{day:02}");
    let list = LIST.replace("2026-11-01", &today) + &format!("{}-01-01 ip:192.0.2.99\n", y - 1);
    let list_path = write_file(&d.join("var"), "forget.txt", list.as_bytes());
    crate::util::keys::owner_only(&list_path);
    // Two hashed copies of a log where the subject is on a few lines (within the safety valve).
    let g = generate(3000);
    let mut few = Generated {
        text: String::new(),
        entries: Vec::new(),
    };
    let mut subject = 0;
    for (line, e) in g.text.split_inclusive('\n').zip(&g.entries) {
        if e.is_empty() || subject < 8 {
            subject += usize::from(!e.is_empty());
            few.text.push_str(line);
            few.entries.push(e.clone());
        }
    }
    let raw = write_file(d, "raw.log", few.text.as_bytes());
    let mut expected = Vec::new();
    for name in ["access.log-20261124.gz", "access.log-20261125.gz"] {
        let out = d.join("incoming").join(name);
        logscrub()
            .arg("--key-file")
            .arg(&key)
            .args(["--ip", "hash", "--email", "hash", "--rotate", "daily", "-o"])
            .arg(&out)
            .arg(&raw)
            .run()
            .ok();
        let hashed = gunzip(&std::fs::read(&out).unwrap());
        let kept = without_subject(&hashed, &few);
        assert!(kept.len() < hashed.len(), "the subject is in {name}");
        expected.push(kept);
    }
    let bin_dir = Path::new(crate::util::BIN).parent().unwrap();
    let script = script
        .replace("/var/lib/logscrub", d.join("var").to_str().unwrap())
        .replace(
            "/srv/analytics/incoming",
            d.join("incoming").to_str().unwrap(),
        )
        .replace("/etc/logscrub/key", key.to_str().unwrap());
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env_remove("LOGSCRUB_KEY_FILE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, expected) in ["access.log-20261124.gz", "access.log-20261125.gz"]
        .iter()
        .zip(&expected)
    {
        let got = gunzip(&std::fs::read(d.join("incoming").join(name)).unwrap());
        assert_eq!(&got, expected, "{name}");
    }
    let pruned = std::fs::read_to_string(&list_path).unwrap();
    assert_eq!(pruned, LIST.replace("2026-11-01", &today));
    let report = read_report(&d.join("var/forget-report.json"));
    assert_eq!(
        report["total"]["dropped"]["forgotten"],
        2 * subject as u64,
        "{report}"
    );
}
