//! Throughput benches (bytes/s): each detector on text dense in its kind, the whole scrubber on a
//! realistic combined-format chunk, and the whole pipeline from gzip to plain.
//!
//! Inputs are built in memory before timing; each bench checks its result so a broken detector
//! cannot look fast.

use std::hint::black_box;
use std::io::Write;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::sync::Arc;

use logscrub::action::encrypt::{Cipher, PrefixCipher};
use logscrub::action::hash::{Pseudonyms, Rotation};
use logscrub::action::{Actions, EmailAction, IpAction};
use logscrub::detect::{Detector, Kind};
use logscrub::format::{Format, TimeFinder};
use logscrub::framing::Framer;
use logscrub::key::Key;
use logscrub::output::{Encoding, Sink};
use logscrub::pipeline::scrub_parallel;
use logscrub::retention::{Retention, Undated};
use logscrub::scrub::{Scratch, Scrubber};

/// A deterministic combined-format log of about `bytes` bytes: IPv4 and IPv6 clients, browser
/// user agents full of version numbers, an email in one line of 30.
fn combined_log(bytes: usize) -> Vec<u8> {
    let agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
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
                "2001:db8:{:x}:{:x}::{:x}",
                a,
                b,
                u16::from_be_bytes([c, d])
            )
            .unwrap();
        } else {
            write!(out, "{a}.{b}.{c}.{d}").unwrap();
        }
        let query = if i % 30 == 0 {
            "?newsletter=anna.smith%40example.com"
        } else {
            "?page=2&limit=50"
        };
        writeln!(
            out,
            r#" - - [12/Jul/2026:00:{:02}:{:02} +0000] "GET /api/v1/users/{}/orders{query} HTTP/1.1" 200 {} "https://www.example.com/blog/2026/01/cable" "{}""#,
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

fn dense(unit: &str, bytes: usize) -> Vec<u8> {
    unit.as_bytes()
        .iter()
        .copied()
        .cycle()
        .take(bytes)
        .collect()
}

fn detectors(c: &mut Criterion) {
    let cases = [
        (
            "ipv4",
            dense("client 203.0.113.77 port 80, ", 1 << 20),
            Kind::Ipv4,
        ),
        (
            "ipv6",
            dense("peer [2001:db8:85a3::8a2e:370:7334]:443 ok ", 1 << 20),
            Kind::Ipv6,
        ),
        (
            "email",
            dense("to=<anna.smith@example.com> from ", 1 << 20),
            Kind::Email,
        ),
        ("combined", combined_log(1 << 20), Kind::Ipv4),
    ];
    let mut g = c.benchmark_group("detect");
    for (name, text, kind) in cases {
        let mut detector = Detector::new();
        let mut spans = Vec::new();
        detector.find(&text, &mut spans);
        assert!(
            spans.iter().any(|s| s.kind == kind),
            "{name}: no {kind:?} found"
        );
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                detector.find(black_box(&text), &mut spans);
                spans.len()
            })
        });
    }
    g.finish();
}

fn scrub_chunk(c: &mut Criterion) {
    let text = combined_log(1 << 20);
    let scrubber = Scrubber::new(Actions::default());
    let mut out = Vec::with_capacity(text.len() * 2);
    let (check, _) = scrubber.scrub_to_vec(&text);
    assert_eq!(
        check.iter().filter(|&&b| b == b'\n').count(),
        text.iter().filter(|&&b| b == b'\n').count()
    );
    assert_ne!(check, text);
    let mut g = c.benchmark_group("scrub");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("chunk_1MiB_mask", |b| {
        let mut scratch = Scratch::default();
        b.iter(|| {
            out.clear();
            let mut stats = Default::default();
            scrubber.scrub_chunk(black_box(&text), None, &mut out, &mut scratch, &mut stats);
            out.len()
        })
    });
    // The same with a retention window (target: >= 0.9x of the above). The window keeps every line, so the
    // output is the same size and only the cost of judging lines shows.
    const KEEP_SECS: u64 = 3600;
    let retention = Retention::new(KEEP_SECS, 1_783_814_400 + 1800, Undated::Drop); // now = 2026-07-12T00:30Z
    let windowed = Scrubber::new(Actions::default())
        .with_retention(Some(retention), TimeFinder::new(Format::Auto, &[]));
    let (check, stats) = windowed.scrub_to_vec(&text);
    assert!(
        stats.too_old == 0 && stats.lines_out == stats.lines_in && stats.undated == 0,
        "{stats:?}"
    );
    assert_eq!(check, scrubber.scrub_to_vec(&text).0);
    g.bench_function("chunk_1MiB_mask_max_age", |b| {
        let mut scratch = Scratch::default();
        b.iter(|| {
            out.clear();
            let mut stats = Default::default();
            windowed.scrub_chunk(black_box(&text), None, &mut out, &mut scratch, &mut stats);
            out.len()
        })
    });
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let text = combined_log(16 << 20);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    gz.write_all(&text).unwrap();
    let gz = gz.finish().unwrap();
    let scrubber = Scrubber::new(Actions::default());
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("gz_to_plain_sequential", |b| {
        let (mut buf, mut out) = (Vec::new(), Vec::new());
        let mut scratch = Scratch::default();
        b.iter(|| {
            let decoder = flate2::bufread::MultiGzDecoder::new(&gz[..]);
            let mut framer = Framer::new(decoder, 1 << 20);
            let mut total = 0;
            while framer.next_chunk(&mut buf).unwrap().is_some() {
                out.clear();
                let mut stats = Default::default();
                scrubber.scrub_chunk(&buf, None, &mut out, &mut scratch, &mut stats);
                total += out.len();
            }
            assert!(total > text.len() / 2);
            total
        })
    });
    g.finish();
}

/// Every action on the same realistic chunk: what each replacement costs beyond finding.
fn actions(c: &mut Criterion) {
    let text = combined_log(1 << 20);
    let key = Key::from_file_bytes(&[7u8; 32]).expect("32 raw bytes are a key");
    let pseudonyms = Arc::new(Pseudonyms::new(&key, Rotation::Never));
    let cipher = Arc::new(PrefixCipher::new(Cipher::IpcryptPfx, key.bytes()));
    let mut g = c.benchmark_group("action");
    g.throughput(Throughput::Bytes(text.len() as u64));
    for (name, ip, email) in [
        ("mask", IpAction::Mask, EmailAction::Redact),
        ("redact", IpAction::Redact, EmailAction::Redact),
        ("keep", IpAction::Keep, EmailAction::Keep),
        (
            "hash",
            IpAction::Hash(Arc::clone(&pseudonyms)),
            EmailAction::Hash(Arc::clone(&pseudonyms)),
        ),
        (
            "encrypt",
            IpAction::Encrypt(Arc::clone(&cipher)),
            EmailAction::Redact,
        ),
    ] {
        let scrubber = Scrubber::new(Actions {
            ip,
            email,
            ..Actions::default()
        });
        let (check, stats) = scrubber.scrub_to_vec(&text);
        assert!(stats.replacements() > 1000, "{name}: {stats:?}");
        assert_eq!(check == text, name == "keep", "{name}");
        let mut out = Vec::with_capacity(text.len() * 2);
        g.bench_function(format!("chunk_1MiB_{name}"), |b| {
            let mut scratch = Scratch::default();
            b.iter(|| {
                out.clear();
                let mut stats = Default::default();
                scrubber.scrub_chunk(black_box(&text), None, &mut out, &mut scratch, &mut stats);
                out.len()
            })
        });
    }
    g.finish();
}

/// The ordered parallel path on two threads, gzip in, memory out.
fn pipeline_parallel(c: &mut Criterion) {
    let text = combined_log(16 << 20);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    gz.write_all(&text).unwrap();
    let gz = gz.finish().unwrap();
    let scrubber = Arc::new(Scrubber::new(Actions::default()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("pipeline");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("gz_to_plain_parallel_2", |b| {
        b.iter(|| {
            let decoder = flate2::bufread::MultiGzDecoder::new(&gz[..]);
            let framer = Framer::new(decoder, 512 << 10);
            let (stats, sink) =
                scrub_parallel(&scrubber, &pool, 4, framer, Sink::memory(), "bench").unwrap();
            assert_eq!(stats.bytes_in, text.len() as u64);
            sink.into_memory().len()
        })
    });
    // Workers also compress their chunks into gzip members (what `-o out.gz` does).
    let expected = scrubber.scrub_to_vec(&text).0;
    g.bench_function("gz_to_gz_level6_parallel_2", |b| {
        b.iter(|| {
            let decoder = flate2::bufread::MultiGzDecoder::new(&gz[..]);
            let framer = Framer::new(decoder, 512 << 10);
            let (stats, sink) =
                scrub_parallel(&scrubber, &pool, 4, framer, Sink::memory_gzip(6), "bench").unwrap();
            assert_eq!(stats.bytes_in, text.len() as u64);
            let packed = sink.into_memory();
            assert!(packed.len() < text.len() / 4, "{} bytes", packed.len());
            packed.len()
        })
    });
    g.finish();
    // The check above, once, outside the timing: the members decode to the plain output.
    let decoder = flate2::bufread::MultiGzDecoder::new(&gz[..]);
    let (_, sink) = scrub_parallel(
        &scrubber,
        &pool,
        4,
        Framer::new(decoder, 512 << 10),
        Sink::memory_gzip(6),
        "bench",
    )
    .unwrap();
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(&sink.into_memory()[..]),
        &mut unpacked,
    )
    .unwrap();
    assert!(
        unpacked == expected,
        "gzip members do not decode to the plain output"
    );
}

/// One chunk of scrubbed text into one gzip member, per level: the cost of `-o out.gz` per core.
fn gzip_members(c: &mut Criterion) {
    let text = Scrubber::new(Actions::default())
        .scrub_to_vec(&combined_log(512 << 10))
        .0;
    let mut g = c.benchmark_group("gzip_member");
    g.throughput(Throughput::Bytes(text.len() as u64));
    for level in [1, 6, 9] {
        let encoding = Encoding::Gzip { level };
        let mut packed = Vec::new();
        let member = encoding.encode(&text, &mut packed).unwrap().to_vec();
        let mut check = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&member[..]), &mut check)
            .unwrap();
        assert!(check == text, "level {level}");
        g.bench_function(format!("chunk_512KiB_level{level}"), |b| {
            b.iter(|| {
                encoding
                    .encode(black_box(&text), &mut packed)
                    .unwrap()
                    .len()
            })
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    detectors,
    scrub_chunk,
    actions,
    pipeline,
    pipeline_parallel,
    gzip_members
);
criterion_main!(benches);
