//! `logscrub aggregate`: the published tables against an independent oracle (plain `HashSet`s
//! over lines parsed here, with this file's own path rules), the privacy contract (nothing under
//! k visitors, `(other)` and partial days, sums), planted canaries that must appear nowhere, no
//! client or user agent in any output, `logscrub check` clean on every file, the ledger's
//! refusal, byte-identical tables across `-j`, chunk sizes, gzip and `--ip hash` input, and the
//! refusals of settings that would single people out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::util::keys::{key_file, KEY_A};
use crate::util::*;

const K: u64 = 10;

/// A tiny deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A visitor: client and a user agent unique to it (`uaTOKEN`), so any leak is found by name;
/// one in 17 is a bot.
fn visitor(i: u64) -> (String, String) {
    let ip = format!("198.51.{}.{}", i / 200, i % 200 + 1);
    let ua = if i % 17 == 0 {
        format!("Mozilla/5.0 (compatible; Googlebot/2.1; uaZQ{i:05})")
    } else {
        format!("Mozilla/5.0 (X11; Linux x86_64; uaZQ{i:05}) Firefox/120.0")
    };
    (ip, ua)
}

fn clf(ip: &str, day: u32, sec: u64, method: &str, target: &str, status: u16, ua: &str) -> String {
    format!(
        "{ip} - - [{day:02}/Nov/2026:{:02}:{:02}:{:02} +0000] \"{method} {target} HTTP/1.1\" {status} 123 \"-\" \"{ua}\"\n",
        sec / 3600 % 24,
        sec / 60 % 60,
        sec % 60
    )
}

/// A log over three days: popular and rare paths, ids in paths, statics, bots, errors, POSTs,
/// a line longer than the small chunk sizes, and lines that cannot be read.
fn generated_log(seed: u64, lines: usize) -> String {
    let mut rng = Rng(seed);
    let mut out = String::new();
    for n in 0..lines {
        let day = 24 + rng.below(3) as u32;
        // Popular visitors and a long tail.
        let v = if rng.below(3) == 0 {
            rng.below(40)
        } else {
            rng.below(900)
        };
        let (ip, ua) = visitor(v);
        let target = match rng.below(20) {
            0..=5 => "/".to_string(),
            6..=8 => format!("/products/{}", rng.below(5000)),
            9..=10 => format!(
                "/blog/post-{}",
                ["a", "b", "c", "d", "e", "f", "g", "h"][rng.below(8) as usize]
            ),
            11 => format!("/search?q=term{}", rng.below(100)),
            12 => format!("/u/user{}x", ["al", "bo", "cy"][rng.below(3) as usize]),
            13 => format!("/order/{}/", rng.below(100_000)),
            14 => "/static/app.css".to_string(),
            15 => "/img/logo.png?v=2".to_string(),
            16 => format!(
                "/rare/page-{}",
                ["q", "r", "s", "t", "u", "v", "w", "x", "y", "z"][rng.below(10) as usize]
            ),
            _ => "/about".to_string(),
        };
        let (method, status) = match rng.below(30) {
            0 => ("POST", 200),
            1 => ("GET", 404),
            2 => ("GET", 304),
            3 => ("HEAD", 200),
            4 => ("GET", 500),
            5 => ("GET", 301),
            _ => ("GET", 200),
        };
        out += &clf(&ip, day, rng.below(86_400), method, &target, status, &ua);
        if n % 997 == 0 {
            out += "this line has no time at all\n";
        }
        if n % 1999 == 0 {
            out += "203.0.113.9 - - [25/Nov/2026:10:00:00 +0000] \"\\x16\\x03\\x01\" 400 0 \"-\" \"-\"\n";
        }
    }
    // One line longer than 1 KiB (a small chunk), counted as any other.
    let (ip, _) = visitor(3);
    out += &clf(
        &ip,
        24,
        5,
        "GET",
        "/about",
        200,
        &format!("Mozilla/5.0 uaLONG{}", "x".repeat(3000)),
    );
    out
}

/// What the oracle reads of a line (its own parse, not the crate's).
struct Parsed {
    date: String,
    client: String,
    ua: String,
    page: Option<String>,
}

fn parse(line: &str) -> Option<Parsed> {
    let client = line.split(' ').next()?.to_string();
    let open = line.find(" [")? + 2;
    let date = &line[open..open + 11]; // 24/Nov/2026
    if !date.contains("/Nov/2026") {
        return None;
    }
    let date = format!("2026-11-{}", &date[..2]);
    let q1 = line.find('"')? + 1;
    let q2 = q1 + line[q1..].find('"')?;
    let request = &line[q1..q2];
    let mut parts = request.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    if !target.starts_with('/') {
        return None;
    }
    let status: u16 = line[q2 + 2..q2 + 5].parse().ok()?;
    let ua_end = line.rfind('"')?;
    let ua_start = line[..ua_end].rfind('"')? + 1;
    let ua = line[ua_start..ua_end].to_string();
    let bot = ua.to_ascii_lowercase().contains("bot");
    let path = target.split('?').next().unwrap();
    let is_static = path.ends_with(".css") || path.ends_with(".png");
    let page_view = !bot
        && !is_static
        && (method == "GET" || method == "HEAD")
        && ((200..300).contains(&status) || status == 304);
    let page = page_view.then(|| oracle_path(path));
    Some(Parsed {
        date,
        client,
        ua,
        page,
    })
}

/// This test's own normalisation of the generated paths.
fn oracle_path(path: &str) -> String {
    if path.starts_with("/products/") {
        "/products/{id}".into()
    } else if path.starts_with("/u/") {
        "/u/{user}".into()
    } else if path.starts_with("/order/") {
        "/order/{id}/".into()
    } else {
        path.into()
    }
}

/// Visitors as the oracle counts them: (client, user agent).
type Visitors = HashSet<(String, String)>;

#[derive(Default)]
struct Oracle {
    /// (date, path) → visitors, page views.
    cells: BTreeMap<(String, String), (Visitors, u64)>,
    /// date → visitors (not bots), requests, page views.
    days: BTreeMap<String, (Visitors, u64, u64)>,
}

fn oracle(log: &str) -> Oracle {
    let mut o = Oracle::default();
    for line in log.lines() {
        let Some(p) = parse(line) else { continue };
        let day = o.days.entry(p.date.clone()).or_default();
        day.1 += 1;
        if !p.ua.to_ascii_lowercase().contains("bot") {
            day.0.insert((p.client.clone(), p.ua.clone()));
        }
        if let Some(path) = p.page {
            day.2 += 1;
            let cell = o.cells.entry((p.date, path)).or_default();
            cell.0.insert((p.client, p.ua));
            cell.1 += 1;
        }
    }
    o
}

/// `pages.csv` rows: (date, path) → (page views, visitors).
fn pages_csv(text: &str) -> BTreeMap<(String, String), (u64, u64)> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("date,path,page_views,visitors"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 4, "{l}");
            (
                (f[0].into(), f[1].into()),
                (f[2].parse().unwrap(), f[3].parse().unwrap()),
            )
        })
        .collect()
}

/// `days.csv` rows: date → its fields by name.
fn days_csv(text: &str) -> BTreeMap<String, HashMap<String, String>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header.join(","),
        "date,requests,page_views,visitors,bot_requests,static_requests,status_2xx,status_3xx,status_4xx,status_5xx,partial"
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let row: HashMap<String, String> = header
                .iter()
                .zip(&f)
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (f[0].to_string(), row)
        })
        .collect()
}

fn num(row: &HashMap<String, String>, k: &str) -> u64 {
    row[k]
        .parse()
        .unwrap_or_else(|_| panic!("{k}: {:?}", row[k]))
}

/// Runs aggregate into a fresh directory with `flags`; (dir, pages.csv, days.csv).
fn aggregate_to_dir(input: &Path, flags: &[&str]) -> (tempfile::TempDir, String, String) {
    let out = tempdir();
    logscrub()
        .arg("aggregate")
        .args(flags)
        .arg("-o")
        .arg(out.path())
        .arg(input)
        .run()
        .ok();
    let pages = std::fs::read_to_string(out.path().join("pages.csv")).unwrap();
    let days = std::fs::read_to_string(out.path().join("days.csv")).unwrap();
    // Without --plot, -o DIR draws the plot as DIR/visitors.svg.
    let svg = std::fs::read_to_string(out.path().join("visitors.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{}",
        &svg[..svg.len().min(80)]
    );
    (out, pages, days)
}

#[test]
fn every_published_row_is_exact_every_suppressed_one_is_below_k_and_rows_sum_to_the_day() {
    let dir = tempdir();
    let log = generated_log(7, 6000);
    let input = write_file(dir.path(), "access.log", log.as_bytes());
    let (_out, pages, days) = aggregate_to_dir(&input, &["-q"]);
    let published = pages_csv(&pages);
    let days = days_csv(&days);
    let o = oracle(&log);
    let mut checked = 0;
    for (date, (visitors, requests, views)) in &o.days {
        let row = &days[date];
        assert_eq!(num(row, "visitors"), visitors.len() as u64, "{date}");
        assert_eq!(num(row, "requests"), *requests, "{date}");
        let mut other_visitors = HashSet::new();
        let mut other_views = 0;
        let mut sum = 0;
        for ((d, path), (cell, cell_views)) in o.cells.range((date.clone(), String::new())..) {
            if d != date {
                break;
            }
            match published.get(&(d.clone(), path.clone())) {
                Some(&(pv, v)) => {
                    assert_eq!((pv, v), (*cell_views, cell.len() as u64), "{d} {path}");
                    assert!(v >= K);
                    sum += pv;
                    checked += 1;
                }
                None => {
                    assert!(
                        (cell.len() as u64) < K,
                        "{d} {path}: {} visitors, not published",
                        cell.len()
                    );
                    other_visitors.extend(cell.iter().cloned());
                    other_views += cell_views;
                }
            }
        }
        let partial = row["partial"] == "true";
        match published.get(&(date.clone(), "(other)".to_string())) {
            Some(&(pv, v)) => {
                assert_eq!(
                    (pv, v),
                    (other_views, other_visitors.len() as u64),
                    "{date} (other)"
                );
                assert!(v >= K && !partial);
                sum += pv;
            }
            None => assert_eq!(
                partial,
                !other_visitors.is_empty(),
                "{date}: (other) of {} visitors",
                other_visitors.len()
            ),
        }
        // Published rows plus (other) sum to the day's page views, which are all of the day's
        // page views unless the day is partial.
        assert_eq!(num(row, "page_views"), sum, "{date}");
        assert_eq!(sum == *views, !partial, "{date}: {sum} of {views}");
    }
    assert!(
        checked >= 15,
        "only {checked} rows published: the test log is too thin"
    );
    // Every published row is one the oracle knows.
    for (d, p) in published.keys() {
        assert!(
            p == "(other)" || o.cells.contains_key(&(d.clone(), p.clone())),
            "{d} {p}"
        );
    }
}

#[test]
fn canaries_below_k_appear_nowhere_and_at_k_only_as_their_normalised_path() {
    let canaries = [
        "/order/CANARY-8812/",
        "/u/canary-jane",
        "/reset?token=CANARY-5f2a9c01",
    ];
    for (visitors, expect) in [(K - 1, false), (K, true)] {
        let mut log = String::new();
        for i in 0..40 {
            let (ip, ua) = visitor(i);
            log += &clf(&ip, 24, i, "GET", "/", 200, &ua);
        }
        for (c, path) in canaries.iter().enumerate() {
            for i in 0..visitors {
                let (ip, ua) = visitor(1001 + (c as u64 * 20 + i) * 17);
                assert!(!ua.contains("bot"));
                log += &clf(&ip, 24, 100 + i, "GET", path, 200, &ua);
            }
        }
        let dir = tempdir();
        let input = write_file(dir.path(), "a.log", log.as_bytes());
        let out = dir.path().join("out");
        let report = dir.path().join("report.json");
        logscrub()
            .args(["aggregate", "-q", "--plot"])
            .arg(out.join("top.svg"))
            .arg("--report")
            .arg(&report)
            .arg("-o")
            .arg(&out)
            .arg(&input)
            .run()
            .ok();
        let json = logscrub()
            .args(["aggregate", "-q", "--format", "json", "--plot"])
            .arg(dir.path().join("top.png"))
            .arg(&input)
            .run();
        let files = [
            out.join("pages.csv"),
            out.join("days.csv"),
            out.join("top.svg"),
            report.clone(),
            dir.path().join("top.png"),
        ];
        let mut all = json.ok().to_vec();
        let check = logscrub().arg("check").stdin(all.clone()).run();
        assert_eq!(check.code, Some(0), "JSON tables: {}", show(&check.stdout));
        for f in &files {
            all.extend(std::fs::read(f).unwrap());
            let check = logscrub().arg("check").arg(f).run();
            assert_eq!(check.code, Some(0), "{f:?}: {}", show(&check.stdout));
        }
        let text = String::from_utf8_lossy(&all).to_ascii_lowercase();
        for secret in [
            "canary", "jane", "token", "5f2a9c", "8812", "uazq", "198.51.", "mozilla",
        ] {
            assert!(
                !text.contains(secret),
                "{visitors} visitors: {secret:?} leaked"
            );
        }
        let pages = std::fs::read_to_string(out.join("pages.csv")).unwrap();
        for normalised in ["/order/{id}/", "/u/{user}", "/reset"] {
            let row = format!("2026-11-24,{normalised},{visitors},{visitors}\n");
            assert_eq!(
                pages.contains(&row),
                expect,
                "{visitors}: {normalised}\n{pages}"
            );
        }
        // Below k the three canaries pool into (other): 27 visitors, published as one row.
        assert_eq!(pages.contains("(other),27,27"), !expect, "{pages}");
        // The plot names only published paths.
        let svg = std::fs::read_to_string(out.join("top.svg")).unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("Daily visitors"),
            "{svg}"
        );
        assert_eq!(svg.contains("/u/{user}"), expect);
        let png = std::fs::read(dir.path().join("top.png")).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}

#[test]
fn tables_are_byte_identical_for_every_thread_count_chunk_size_gzip_and_hashed_input() {
    let dir = tempdir();
    let log = generated_log(11, 5000);
    let plain = write_file(dir.path(), "a.log", log.as_bytes());
    let gz = write_file(dir.path(), "a.log.gz", &gzip(log.as_bytes()));
    let key = key_file(dir.path(), "key", KEY_A);
    // A low exact limit makes estimates too, which must not move either.
    let flags = |extra: &[&str]| {
        let mut v = vec![
            "-q",
            "--exact-limit",
            "20",
            "--format",
            "json",
            "--key-file",
            key.to_str().unwrap(),
        ];
        v.extend_from_slice(extra);
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |input: &Path, extra: &[&str]| {
        logscrub()
            .arg("aggregate")
            .args(flags(extra))
            .arg(input)
            .run()
            .ok()
            .to_vec()
    };
    let base = run(&plain, &["-j", "1"]);
    let text = String::from_utf8(base.clone()).unwrap();
    assert!(text.contains("\"visitors_estimated\": true"), "{text}");
    assert!(text.contains("\"visitors_estimated\": false"), "{text}");
    for (input, extra) in [
        (&plain, &["-j", "2"][..]),
        (&plain, &["-j", "4", "--chunk-size", "1K"]),
        (&plain, &["-j", "3", "--chunk-size", "64K"]),
        (&plain, &["-j", "1", "--chunk-size", "1500"]),
        (&gz, &["-j", "2", "--chunk-size", "4K"]),
    ] {
        assert_same_bytes(&run(input, extra), &base, &format!("{input:?} {extra:?}"));
    }
    // Raw and --ip hash input: the exact tables do not depend on any key.
    let hashed = dir.path().join("hashed.log");
    logscrub()
        .args(["--ip", "hash", "--email", "hash", "--key-file"])
        .arg(&key)
        .arg(&plain)
        .arg("-o")
        .arg(&hashed)
        .run()
        .ok();
    let exact = |input: &Path| {
        logscrub()
            .args(["aggregate", "-q", "-j", "2"])
            .arg(input)
            .run()
            .ok()
            .to_vec()
    };
    let raw = exact(&plain);
    assert_same_bytes(&exact(&hashed), &raw, "--ip hash input");
    assert!(pages_csv(&String::from_utf8(raw).unwrap()).len() > 10);
}

#[test]
fn estimates_are_marked_and_within_five_percent() {
    let dir = tempdir();
    let log = generated_log(5, 6000);
    let input = write_file(dir.path(), "a.log", log.as_bytes());
    let out = logscrub()
        .args(["aggregate", "-q", "--exact-limit", "50", "--format", "json"])
        .arg(&input)
        .run();
    let json: serde_json::Value = serde_json::from_slice(out.ok()).unwrap();
    let o = oracle(&log);
    let days = json["days"].as_array().unwrap();
    assert_eq!(days.len(), 3);
    for d in days {
        let date = d["date"].as_str().unwrap();
        let v = d["visitors"].as_f64().unwrap();
        let exact = o.days[date].0.len() as f64;
        assert!(exact > 50.0);
        assert_eq!(d["visitors_estimated"].as_bool(), Some(true));
        assert!((v - exact).abs() / exact < 0.05, "{date}: {v} vs {exact}");
    }
}

#[test]
fn the_ledger_refuses_a_changed_day_and_writes_nothing() {
    let dir = tempdir();
    let log = generated_log(3, 4000);
    let input = write_file(dir.path(), "a.log", log.as_bytes());
    let ledger = dir.path().join("ledger");
    let first = dir.path().join("first");
    let run = |input: &Path, out: &Path| {
        logscrub()
            .args(["aggregate", "-q", "--ledger"])
            .arg(&ledger)
            .arg("-o")
            .arg(out)
            .arg("--plot")
            .arg(out.join("top.svg"))
            .arg(input)
            .run()
    };
    run(&input, &first).ok();
    let entries = list_dir(&ledger);
    assert_eq!(
        entries,
        [
            "2026-11-24.sha256",
            "2026-11-25.sha256",
            "2026-11-26.sha256"
        ]
    );
    let before: Vec<Vec<u8>> = entries
        .iter()
        .map(|e| std::fs::read(ledger.join(e)).unwrap())
        .collect();
    // The same figures again: published again, identically.
    let again = dir.path().join("again");
    run(&input, &again).ok();
    for f in ["pages.csv", "days.csv"] {
        assert_same_bytes(
            &std::fs::read(again.join(f)).unwrap(),
            &std::fs::read(first.join(f)).unwrap(),
            f,
        );
    }
    // One visitor fewer on the 25th: refused, nothing written, the ledger as it was.
    let (ip, ua) = visitor(5);
    let fewer: String = log
        .lines()
        .filter(|l| !(l.starts_with(&format!("{ip} ")) && l.contains(&ua) && l.contains("25/Nov")))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(fewer.len() < log.len());
    let changed = write_file(dir.path(), "b.log", fewer.as_bytes());
    let refused_dir = dir.path().join("refused");
    let refused = run(&changed, &refused_dir);
    refused.fails_naming("2026-11-25 was already published with different figures");
    assert!(
        list_dir(&refused_dir).is_empty(),
        "{:?}",
        list_dir(&refused_dir)
    );
    let after: Vec<Vec<u8>> = entries
        .iter()
        .map(|e| std::fs::read(ledger.join(e)).unwrap())
        .collect();
    assert_eq!(before, after);
    assert_eq!(list_dir(&ledger), entries);
}

#[test]
fn unreadable_lines_are_counted_by_reason_and_a_failed_input_publishes_nothing() {
    let dir = tempdir();
    let mut log = generated_log(9, 300);
    log += "no time here\n";
    log += "{\"ip\":\"1.2.3.4\",\"time\":\"2026-11-24T10:00:00Z\",\"method\":\"GET\",\"status\":200}\n";
    log += "1.2.3.4 - - [24/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" xyz\n";
    let input = write_file(dir.path(), "a.log", log.as_bytes());
    let report = dir.path().join("r.json");
    let run = logscrub()
        .args(["aggregate", "--report"])
        .arg(&report)
        .arg(&input)
        .run();
    run.ok();
    assert!(
        run.stderr
            .contains("skipped (no_time: 2, no_request: 2, no_status: 1)"),
        "{}",
        run.stderr
    );
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let n = |k: &str| r["total"]["skipped"][k].as_u64().unwrap();
    assert_eq!(
        (n("no_time"), n("no_request"), n("no_status"), n("not_json")),
        (2, 2, 1, 0)
    );
    assert_eq!(
        r["total"]["lines_in"].as_u64(),
        Some(count_lines(log.as_bytes()))
    );
    assert_eq!(r["status"].as_str(), Some("ok"));
    // A missing input: exit 2, nothing written, the report says so.
    let out = dir.path().join("out");
    logscrub()
        .args(["aggregate", "-q", "-o"])
        .arg(&out)
        .arg(&input)
        .arg(dir.path().join("missing.log"))
        .run()
        .fails_naming("missing.log");
    assert!(list_dir(&out).is_empty());
}

#[test]
fn settings_that_would_single_people_out_are_refused_before_reading() {
    for (flags, names) in [
        (&["-k", "4"][..], "--min-visitors 4 is too small"),
        (
            &["--exact-limit", "8"][..],
            "--exact-limit 8 is below --min-visitors 10",
        ),
        (
            &["--plot", "x.gif"][..],
            "x.gif: --plot needs a name ending in .svg or .png",
        ),
        (&["--tz", "Europe/Paris"][..], "--tz"),
        (&["--path-rule", "/shop/x"][..], "--path-rule"),
        (&["--input-format", "text"][..], "invalid value 'text'"),
    ] {
        // stdin is never read: the run stops first.
        logscrub()
            .arg("aggregate")
            .args(flags)
            .arg("/nonexistent/never-read")
            .run()
            .fails_naming(names);
    }
}

#[test]
fn json_lines_and_masked_clients_count_as_clf_does() {
    let mut clf_log = String::new();
    let mut json_log = String::new();
    for i in 0..30u64 {
        let ip = format!("203.0.113.{}", i % 12);
        let ua = format!("Agent{}", i % 3);
        clf_log += &clf(&ip, 24, i, "GET", "/a?x=1", 200, &ua);
        json_log += &format!(
            "{{\"time\":\"2026-11-24T00:00:{i:02}Z\",\"remote_addr\":\"{ip}\",\"request\":\"GET /a?x=1 HTTP/1.1\",\"status\":200,\"http_user_agent\":\"{ua}\"}}\n"
        );
    }
    let agg = |text: &str| {
        logscrub()
            .args(["aggregate", "-q", "-k", "5"])
            .stdin(text)
            .run()
            .ok()
            .to_vec()
    };
    let from_clf = agg(&clf_log);
    // 12 clients x 3 agents, in step: 12 visitors.
    assert_eq!(
        String::from_utf8_lossy(&from_clf),
        "date,path,page_views,visitors\n2026-11-24,/a,30,12\n"
    );
    assert_same_bytes(&agg(&json_log), &from_clf, "JSON lines");
    // Masked to /24, the twelve clients are one: 3 visitors (one per agent), below k.
    let masked = logscrub()
        .arg("-")
        .stdin(clf_log.clone())
        .run()
        .ok()
        .to_vec();
    let masked = agg(&String::from_utf8(masked).unwrap());
    assert_eq!(
        String::from_utf8_lossy(&masked),
        "date,path,page_views,visitors\n"
    );
}

#[test]
fn the_shared_config_file_gives_the_time_field_key_file_and_quiet() {
    let dir = tempdir();
    let key = key_file(dir.path(), "key", KEY_A);
    let mut log = String::new();
    for i in 0..12u64 {
        log += &format!(
            "{{\"when\":\"2026-11-24T00:00:{i:02}Z\",\"ip\":\"203.0.113.{i}\",\"method\":\"GET\",\"path\":\"/x\",\"status\":200}}\n"
        );
    }
    let input = write_file(dir.path(), "a.jsonl", log.as_bytes());
    let config = write_file(
        dir.path(),
        "logscrub.toml",
        format!(
            "ip = \"mask\"\ntime-field = [\"when\"]\nkey-file = \"{}\"\nquiet = true\n",
            key.display()
        )
        .as_bytes(),
    );
    let run = logscrub()
        .args(["aggregate", "--config"])
        .arg(&config)
        .arg(&input)
        .run();
    assert_eq!(
        String::from_utf8_lossy(run.ok()),
        "date,path,page_views,visitors\n2026-11-24,/x,12,12\n"
    );
    assert_eq!(run.stderr, "", "quiet = true");
    // Without the file the time is not found: every line is skipped, and said so.
    let run = logscrub().arg("aggregate").arg(&input).run();
    assert_eq!(
        String::from_utf8_lossy(run.ok()),
        "date,path,page_views,visitors\n"
    );
    assert!(
        run.stderr.contains("12 skipped (no_time: 12)"),
        "{}",
        run.stderr
    );
    // A bad key file named by the config: exit 2 before reading.
    let bad = write_file(dir.path(), "bad.toml", b"key-file = \"/nonexistent/key\"\n");
    logscrub()
        .args(["aggregate", "--config"])
        .arg(&bad)
        .arg(&input)
        .run()
        .fails_naming("/nonexistent/key");
}
