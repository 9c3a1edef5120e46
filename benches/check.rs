//! Throughput of `logscrub check` (bytes/s): the auditor's search of one chunk of a realistic raw
//! combined-format log, of the same log scrubbed (what a nightly audit reads), of encoded lines
//! (every line decoded), and the whole audit from gzip.
//!
//! Inputs are built in memory before timing; each bench checks its count so a broken auditor
//! cannot look fast.

use std::hint::black_box;
use std::io::Write;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use logscrub::audit::patterns::Patterns;
use logscrub::audit::{audit, Chunker, Policy};
use logscrub::{Actions, Scrubber};

/// A deterministic combined-format log of about `bytes` bytes: IPv4 and IPv6 clients, browser
/// user agents full of version numbers, an email in one line of 30.
fn combined_log(bytes: usize) -> Vec<u8> {
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
            write!(out, "{a}.{b}.{c}.{}", d | 1).unwrap();
        }
        let query = if i % 30 == 0 {
            "?newsletter=anna.smith%40example.com"
        } else {
            "?page=2"
        };
        writeln!(
            out,
            r#" - - [12/Jul/2026:00:{:02}:{:02} +0000] "GET /api/v1/users/{i}/orders{query} HTTP/1.1" 200 {} "https://www.example.com/blog/2026/01/cable" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36""#,
            i / 60 % 60,
            i % 60,
            1000 + x % 50_000,
        )
        .unwrap();
        i += 1;
    }
    out
}

/// Audits `text` on the current thread pool; returns the number of findings.
fn findings(text: &[u8], policy: &Policy, patterns: &Patterns) -> u64 {
    let mut chunks = Chunker::new(text, 1 << 20);
    let summary = audit(&mut chunks, patterns, policy, 4, |_| Ok(()));
    summary
        .map(|s| s.findings + s.expected_ips)
        .unwrap_or(u64::MAX)
}

fn benches(c: &mut Criterion) {
    let patterns = Patterns::default();
    let policy = Policy::default();
    let raw = combined_log(8 << 20);
    let lines = raw.iter().filter(|&&b| b == b'\n').count() as u64;
    let (scrubbed, _) = Scrubber::new(Actions::default()).scrub_to_vec(&raw);
    let encoded: Vec<u8> = raw
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .flat_map(|l| {
            let mut l = l.to_vec();
            l.extend_from_slice(b" u=jane%2540example.com&n=\\u0040x\n");
            l
        })
        .collect();
    // Every raw line holds an address with host bits; the scrubbed log holds none.
    assert!(findings(&raw, &policy, &patterns) >= lines);
    assert_eq!(findings(&scrubbed, &policy, &patterns), 0);
    assert!(findings(&encoded, &policy, &patterns) >= 2 * lines);

    let mut g = c.benchmark_group("check");
    for (name, text) in [
        ("raw", &raw),
        ("scrubbed", &scrubbed),
        ("encoded", &encoded),
    ] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| findings(black_box(text), &policy, &patterns))
        });
    }
    let gz = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        e.write_all(&raw).unwrap();
        e.finish().unwrap()
    };
    g.throughput(Throughput::Bytes(raw.len() as u64));
    g.bench_function("gzip", |b| {
        b.iter(|| {
            let reader = flate2::read::MultiGzDecoder::new(black_box(&gz[..]));
            let mut chunks = Chunker::new(reader, 1 << 20);
            audit(&mut chunks, &patterns, &policy, 4, |_| Ok(()))
                .map(|s| s.findings)
                .unwrap_or(0)
        })
    });
    g.finish();
}

criterion_group! {
    name = check;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(check);
