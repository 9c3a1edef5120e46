//! `logscrub aggregate` (bytes/s of log text):
//!
//! - `aggregate/chunk_1MiB`: one worker counting 1 MiB of combined log into a tally (parse, time,
//!   classify, normalise, keyed visitor digest, counting), the per-chunk hot path;
//! - `aggregate/tables`: turning the tally of 16 MiB into the published tables (suppression,
//!   `(other)`, CSV), paid once per run;
//! - `aggregate/run_parallel_2`: the whole read-count-merge of 16 MiB of gzip with two workers.
//!
//! The log is generated before timing; each bench checks what it counted, so a broken parser
//! cannot look fast.

use std::hint::black_box;
use std::io::Write as _;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use logscrub::aggregate::tables;
use logscrub::aggregate::tally::Tally;
use logscrub::aggregate::{run, Aggregator, Config, Scratch};
use logscrub::input::InputSpec;
use logscrub::key::Key;
use logscrub::pipeline::Meter;

const PATHS: [&str; 8] = [
    "/",
    "/products/{}",
    "/blog/post-{}",
    "/search?q=x{}",
    "/static/app.css",
    "/img/{}.png",
    "/order/{}/",
    "/about",
];

/// About `bytes` of combined log over 3 days, 5 000 clients with a few agents each.
fn log(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 512);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut n = 0u64;
    while out.len() < bytes {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let client = x % 5000;
        let path =
            PATHS[(x >> 20) as usize % PATHS.len()].replace("{}", &(x >> 40 & 0xfff).to_string());
        let status = if x >> 33 & 15 == 0 { 404 } else { 200 };
        let agent = if client % 23 == 0 {
            "Googlebot/2.1 (+http://www.google.com/bot.html)"
        } else {
            "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
        };
        let day = 24 + n / 1000 % 3;
        let _ = writeln!(
            out,
            "10.{}.{}.{} - - [{day}/Nov/2026:{:02}:{:02}:{:02} +0000] \"GET {path} HTTP/1.1\" {status} {} \"https://example.org/\" \"{agent}\"",
            client >> 16,
            client >> 8 & 255,
            client & 255,
            n / 3600 % 24,
            n / 60 % 60,
            n % 60,
            x >> 48
        );
        n += 1;
    }
    out
}

fn aggregator() -> Aggregator {
    let key = Key::from_hex(&[b'a'; 64]).expect("a key");
    Aggregator::new(Config::default(), key).expect("default settings")
}

fn bench(c: &mut Criterion) {
    let agg = Arc::new(aggregator());
    let chunk = log(1 << 20);
    let lines = chunk.iter().filter(|&&b| b == b'\n').count() as u64;
    let mut g = c.benchmark_group("aggregate");
    g.throughput(Throughput::Bytes(chunk.len() as u64));
    g.bench_function("chunk_1MiB", |b| {
        let mut scratch = Scratch::default();
        b.iter_batched_ref(
            Tally::default,
            |tally| {
                agg.add_lines(black_box(&chunk), &mut scratch, tally);
                assert_eq!(tally.lines.counted, lines);
            },
            BatchSize::SmallInput,
        )
    });
    let big = log(16 << 20);
    let mut whole = Tally::default();
    agg.add_lines(&big, &mut Scratch::default(), &mut whole);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("tables", |b| {
        b.iter_batched(
            || whole.clone(),
            |t| {
                let t = tables::build(t, agg.config());
                assert_eq!(t.days.len(), 3);
                black_box(t.pages_csv())
            },
            BatchSize::LargeInput,
        )
    });
    let dir = tempfile::tempdir().expect("a temporary directory");
    let gz = dir.path().join("big.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    enc.write_all(&big).expect("in memory");
    std::fs::write(&gz, enc.finish().expect("in memory")).expect("a temporary file");
    let inputs = [InputSpec::Path(gz)];
    let big_lines = big.iter().filter(|&&b| b == b'\n').count() as u64;
    g.sample_size(10);
    g.bench_function("run_parallel_2", |b| {
        b.iter(|| {
            let (tally, outcomes) = run::run(&agg, &inputs, 2, 512 << 10, &Meter::default());
            assert!(outcomes[0].error.is_none());
            assert_eq!(tally.lines.counted, big_lines);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
