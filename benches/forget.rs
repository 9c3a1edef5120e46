//! The forget list's costs: loading a 100 000-entry list, and a scrub's throughput (bytes/s) on a
//! realistic chunk with and without it, on raw input and on input hashed with `--ip hash
//! --email hash` (where each entry's pseudonym of the period is matched).
//!
//! Inputs are built before timing; each bench checks its result.

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use logscrub::action::hash::{Pseudonyms, Rotation};
use logscrub::action::{Actions, EmailAction, IpAction};
use logscrub::forget::{list, Forget};
use logscrub::key::Key;
use logscrub::scrub::{Scratch, Scrubber};

/// A list of `n` entries: addresses of both families, emails, users and pseudonyms.
fn big_list(n: usize) -> String {
    let mut s = String::with_capacity(n * 40);
    for i in 0..n {
        let _ = match i % 10 {
            0..=3 => writeln!(
                s,
                "2026-11-25 ip:10.{}.{}.{}",
                i >> 16 & 255,
                i >> 8 & 255,
                i & 255
            ),
            4 | 5 => writeln!(
                s,
                "2026-11-25 ip:2001:db8:ffff:{:x}::{:x}",
                i >> 16,
                i & 0xffff
            ),
            6..=8 => writeln!(s, "2026-11-25 email:someone.{i}@example.net"),
            _ if i % 20 == 9 => writeln!(s, "2026-11-25 user:user{i}"),
            _ => writeln!(s, "2026-11-25 pseudonym:email-{i:016x}"),
        };
    }
    s
}

/// A deterministic combined-format log of about `bytes` bytes (as `benches/scrub.rs` makes it).
fn combined_log(bytes: usize) -> Vec<u8> {
    let agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    ];
    let mut out = Vec::with_capacity(bytes + 512);
    let mut x: u32 = 12345;
    let mut i = 0u32;
    while out.len() < bytes {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let [a, b, c, d] = x.to_be_bytes();
        if i % 5 == 0 {
            write!(
                out,
                "2001:db8:{a:x}:{b:x}::{:x}",
                u16::from_be_bytes([c, d])
            )
            .unwrap();
        } else {
            write!(out, "{a}.{b}.{c}.{d}").unwrap();
        }
        let query = if i % 30 == 0 {
            "?newsletter=anna.smith%40example.com"
        } else {
            "?page=2"
        };
        writeln!(
            out,
            r#" - - [12/Jul/2026:00:{:02}:{:02} +0000] "GET /api/v1/users/{}/orders{query} HTTP/1.1" 200 {} "https://www.example.com/blog/" "{}""#,
            i / 60 % 60,
            i % 60,
            x % 100_000,
            x % 50_000,
            agents[i as usize % agents.len()]
        )
        .unwrap();
        i += 1;
    }
    out
}

fn load(c: &mut Criterion) {
    let text = big_list(100_000);
    let mut g = c.benchmark_group("forget");
    g.sample_size(20);
    g.bench_function("load_100k_entries", |b| {
        b.iter(|| {
            let list = list::parse(black_box(text.as_bytes()), Path::new("forget.txt")).unwrap();
            let f = Forget::new(list);
            assert_eq!(f.len(), 100_000);
            f
        })
    });
    // The first hashed line of a period makes every entry's pseudonym of that period (shared by
    // the workers, then cached): what a run pays once per day or month of its input.
    let parsed = list::parse(text.as_bytes(), Path::new("forget.txt")).unwrap();
    let key = Key::from_file_bytes(&[7u8; 32]).expect("32 raw bytes are a key");
    let pseudonyms = Arc::new(Pseudonyms::new(&key, Rotation::Daily));
    let line = b"ip4-0123456789abcdef - - [12/Jul/2026:00:00:00 +0000] \"GET /\" 200 5\n";
    g.bench_function("load_100k_entries_and_first_period", |b| {
        b.iter(|| {
            let f = Arc::new(Forget::new(parsed.clone()).with_pseudonyms(Arc::clone(&pseudonyms)));
            let scrubber = Scrubber::new(Actions::default()).with_forget(Some(f));
            let (out, _) = scrubber.scrub_to_vec(black_box(line));
            assert_eq!(out.len(), line.len());
            out
        })
    });
    g.finish();
}

fn scrub(c: &mut Criterion) {
    let raw = combined_log(1 << 20);
    let key = Key::from_file_bytes(&[7u8; 32]).expect("32 raw bytes are a key");
    let pseudonyms = Arc::new(Pseudonyms::new(&key, Rotation::Daily));
    let hashing = Actions {
        ip: IpAction::Hash(Arc::clone(&pseudonyms)),
        email: EmailAction::Hash(Arc::clone(&pseudonyms)),
        ..Actions::default()
    };
    let hashed = Scrubber::new(hashing.clone()).scrub_to_vec(&raw).0;
    let text = big_list(100_000);
    let forget = |keyed: bool| {
        let f = Forget::new(list::parse(text.as_bytes(), Path::new("f")).unwrap());
        Some(Arc::new(match keyed {
            true => f.with_pseudonyms(Arc::clone(&pseudonyms)),
            false => f,
        }))
    };
    let finder = logscrub::format::TimeFinder::new(logscrub::format::Format::Auto, &[]);
    let cases = [
        ("raw_without_list", Scrubber::new(Actions::default()), &raw),
        (
            "raw_with_100k_list",
            Scrubber::new(Actions::default()).with_forget(forget(false)),
            &raw,
        ),
        (
            "hashed_without_list",
            Scrubber::new(hashing.clone()).with_retention(None, finder.clone()),
            &hashed,
        ),
        (
            "hashed_with_100k_list",
            Scrubber::new(hashing.clone())
                .with_retention(None, finder.clone())
                .with_forget(forget(true)),
            &hashed,
        ),
    ];
    let mut g = c.benchmark_group("forget");
    g.throughput(Throughput::Bytes(raw.len() as u64));
    for (name, scrubber, input) in cases {
        let (_, stats) = scrubber.scrub_to_vec(input);
        assert_eq!(
            stats.forgotten, 0,
            "{name}: the list names nobody in the log"
        );
        assert!(stats.lines_out > 1000, "{name}");
        let mut out = Vec::with_capacity(input.len() * 2);
        g.bench_function(format!("chunk_1MiB_{name}"), |b| {
            let mut scratch = Scratch::default();
            b.iter(|| {
                out.clear();
                let mut stats = Default::default();
                scrubber.scrub_chunk(black_box(input), None, &mut out, &mut scratch, &mut stats);
                out.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, load, scrub);
criterion_main!(benches);
