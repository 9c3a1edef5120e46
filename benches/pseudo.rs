//! Keyed pseudonyms (elements/s): one pseudonym per element, for IPv4, IPv6 and email.
//!
//! - `uncached`: HMAC-SHA256 under a ready [`PeriodKey`], the cost of every first sighting.
//! - `cache_hit`: a [`PseudonymCache`] over 64 recurring values, the cost of a returning visitor.
//! - `cache_miss`: a cache fed values it has never seen, the cost of a first sighting through it.
//! - `period_key`: deriving a day's key, paid once per day and worker under `--rotate daily`.
//!
//! Values and the cache are made before timing; each bench checks its output against the uncached
//! computation so a broken cache cannot look fast.

use std::hint::black_box;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use logscrub::action::hash::{PeriodKey, PseudonymCache, Pseudonyms, Rotation};
use logscrub::key::Key;

/// Values per timed iteration.
const BATCH: usize = 1024;
/// 2026-07-12T12:00:00Z: every value of a run is of one day.
const T: i64 = 1_783_857_600;

#[derive(Clone)]
enum Value {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Email(Vec<u8>),
}

fn value(kind: &str, n: u32) -> Value {
    let x = n.wrapping_mul(0x9e37_79b9);
    match kind {
        "ipv4" => Value::V4(Ipv4Addr::from(x)),
        "ipv6" => Value::V6(Ipv6Addr::from(
            0x2001_0db8_0000_0000u128 << 64 | u128::from(x) << 16 | 0x7334,
        )),
        _ => Value::Email(format!("user{x}%40Example.com").into_bytes()),
    }
}

fn cached(c: &mut PseudonymCache, v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::V4(a) => c.ipv4(T, *a, out),
        Value::V6(a) => c.ipv6(T, *a, out),
        Value::Email(e) => c.email(T, e, out),
    }
}

fn uncached(k: &PeriodKey, v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::V4(a) => k.ipv4(*a, out),
        Value::V6(a) => k.ipv6(*a, out),
        Value::Email(e) => k.email(e, out),
    }
}

fn pseudonyms(c: &mut Criterion) {
    let master = Key::from_hex(b"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        .expect("a valid key");
    let shared = Arc::new(Pseudonyms::new(&master, Rotation::Daily));
    let key = shared.period_key(shared.period(T));
    let mut out = Vec::with_capacity(BATCH * 32);

    for kind in ["ipv4", "ipv6", "email"] {
        let mut g = c.benchmark_group(format!("pseudonym/{kind}"));
        g.throughput(Throughput::Elements(BATCH as u64));

        let fresh: Vec<Value> = (0..BATCH as u32).map(|n| value(kind, n)).collect();
        let recurring: Vec<Value> = (0..BATCH as u32).map(|n| value(kind, n % 64)).collect();

        // The cache must give exactly the uncached pseudonyms.
        let mut cache = PseudonymCache::new(shared.clone());
        for v in fresh.iter().chain(&recurring) {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            cached(&mut cache, v, &mut a);
            uncached(&key, v, &mut b);
            assert_eq!(a, b);
        }

        g.bench_function("uncached", |b| {
            b.iter(|| {
                out.clear();
                for v in &fresh {
                    uncached(&key, black_box(v), &mut out);
                }
                out.len()
            })
        });

        let mut cache = PseudonymCache::new(shared.clone());
        g.bench_function("cache_hit", |b| {
            b.iter(|| {
                out.clear();
                for v in &recurring {
                    cached(&mut cache, black_box(v), &mut out);
                }
                out.len()
            })
        });

        // A new batch of never-seen values each iteration, made outside the timing.
        let mut next = 1u32 << 20;
        g.bench_function("cache_miss", |b| {
            b.iter_batched_ref(
                || {
                    next += BATCH as u32;
                    (0..BATCH as u32)
                        .map(|n| value(kind, next + n))
                        .collect::<Vec<_>>()
                },
                |values| {
                    out.clear();
                    for v in values.iter() {
                        cached(&mut cache, black_box(v), &mut out);
                    }
                    out.len()
                },
                BatchSize::LargeInput,
            )
        });
        g.finish();
    }

    let mut g = c.benchmark_group("pseudonym");
    g.throughput(Throughput::Elements(1));
    let mut day = shared.period(T);
    g.bench_function("period_key_daily", |b| {
        b.iter(|| {
            day += 1;
            shared.period_key(black_box(day))
        })
    });
    g.finish();
}

criterion_group!(benches, pseudonyms);
criterion_main!(benches);
