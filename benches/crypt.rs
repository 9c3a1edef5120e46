//! Prefix-preserving IP encryption (addresses/s): ipcrypt-pfx and Crypto-PAn, IPv4 and IPv6,
//! through the shared [`PrefixCipher`] (every address computed) and through a worker's
//! [`CachedCipher`] when every lookup hits and when every lookup misses. Each iteration handles
//! [`BATCH`] addresses, so the time per address is the reported time divided by `BATCH`.
//!
//! Inputs and expected results are built before timing. Uncached and hit runs check a fold of
//! their outputs against the precomputed one. Hit and miss runs check the cache's counters, so a
//! run that measured the wrong path fails instead of reporting a number.

use std::hint::black_box;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use logscrub::action::encrypt::{CachedCipher, Cipher, PrefixCipher};

const BATCH: usize = 1024;
const KEY: [u8; 32] = *b"logscrub-bench-key-0123456789abc";

/// A deterministic xorshift stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn v4(&mut self) -> Ipv4Addr {
        Ipv4Addr::from(self.next() as u32)
    }

    /// A global-unicast-looking IPv6 address (never IPv4-mapped).
    fn v6(&mut self) -> Ipv6Addr {
        let x = u128::from(self.next()) << 64 | u128::from(self.next());
        Ipv6Addr::from(x >> 3 | 1 << 125)
    }
}

fn fold4(a: impl Iterator<Item = Ipv4Addr>) -> u32 {
    a.fold(0, |h, x| h.rotate_left(5) ^ u32::from(x))
}

fn fold6(a: impl Iterator<Item = Ipv6Addr>) -> u128 {
    a.fold(0, |h, x| h.rotate_left(5) ^ u128::from(x))
}

/// `BATCH` addresses that all stay in a cache together: candidates that collide are dropped
/// until one pass over the warmed cache hits every time.
fn hit_pool<T: Copy>(
    cipher: &Arc<PrefixCipher>,
    mut candidates: Vec<T>,
    lookup: impl Fn(&mut CachedCipher, T),
) -> Vec<T> {
    loop {
        let mut cache = CachedCipher::new(Arc::clone(cipher));
        candidates.iter().for_each(|&a| lookup(&mut cache, a));
        let mut kept = Vec::with_capacity(candidates.len());
        for &a in &candidates {
            let before = cache.stats().misses;
            lookup(&mut cache, a);
            if cache.stats().misses == before {
                kept.push(a);
            }
        }
        if kept.len() == candidates.len() {
            assert!(
                kept.len() >= BATCH,
                "only {} addresses fit together",
                kept.len()
            );
            kept.truncate(BATCH);
            return kept;
        }
        candidates = kept;
    }
}

fn bench_cipher(c: &mut Criterion, cipher: Cipher) {
    let name = match cipher {
        Cipher::IpcryptPfx => "ipcrypt-pfx",
        Cipher::CryptoPan => "cryptopan",
    };
    let shared = Arc::new(PrefixCipher::new(cipher, &KEY));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let v4: Vec<Ipv4Addr> = (0..BATCH).map(|_| rng.v4()).collect();
    let v6: Vec<Ipv6Addr> = (0..BATCH).map(|_| rng.v6()).collect();
    let want4 = fold4(v4.iter().map(|&a| shared.encrypt_v4(a)));
    let want6 = fold6(v6.iter().map(|&a| shared.encrypt_v6(a)));
    let enc4: Vec<Ipv4Addr> = v4.iter().map(|&a| shared.encrypt_v4(a)).collect();

    let mut g = c.benchmark_group(format!("crypt/{name}"));
    g.throughput(Throughput::Elements(BATCH as u64));

    g.bench_function("ipv4/uncached", |b| {
        b.iter(|| {
            let got = fold4(v4.iter().map(|&a| shared.encrypt_v4(black_box(a))));
            assert_eq!(got, want4);
        })
    });
    g.bench_function("ipv6/uncached", |b| {
        b.iter(|| {
            let got = fold6(v6.iter().map(|&a| shared.encrypt_v6(black_box(a))));
            assert_eq!(got, want6);
        })
    });
    g.bench_function("ipv4/decrypt-uncached", |b| {
        b.iter(|| {
            let got = fold4(enc4.iter().map(|&a| shared.decrypt_v4(black_box(a))));
            assert_eq!(got, fold4(v4.iter().copied()));
        })
    });

    // Every lookup hits: a pool that fits, warmed before timing.
    let pool4 = hit_pool(
        &shared,
        (0..2 * BATCH).map(|_| rng.v4()).collect(),
        |c, a| {
            c.encrypt_v4(a);
        },
    );
    let pool6 = hit_pool(
        &shared,
        (0..2 * BATCH).map(|_| rng.v6()).collect(),
        |c, a| {
            c.encrypt_v6(a);
        },
    );
    let hit4 = fold4(pool4.iter().map(|&a| shared.encrypt_v4(a)));
    let hit6 = fold6(pool6.iter().map(|&a| shared.encrypt_v6(a)));
    let mut cache = CachedCipher::new(Arc::clone(&shared));
    for &a in &pool4 {
        let _ = cache.encrypt_v4(a);
    }
    for &a in &pool6 {
        let _ = cache.encrypt_v6(a);
    }
    g.bench_function("ipv4/cached-hit", |b| {
        b.iter(|| {
            let misses = cache.stats().misses;
            let got = fold4(pool4.iter().map(|&a| cache.encrypt_v4(black_box(a))));
            assert_eq!((got, cache.stats().misses), (hit4, misses));
        })
    });
    g.bench_function("ipv6/cached-hit", |b| {
        b.iter(|| {
            let misses = cache.stats().misses;
            let got = fold6(pool6.iter().map(|&a| cache.encrypt_v6(black_box(a))));
            assert_eq!((got, cache.stats().misses), (hit6, misses));
        })
    });

    // Every lookup misses: fresh addresses each batch (drawn outside the timing).
    g.bench_function("ipv4/cached-miss", |b| {
        b.iter_batched_ref(
            || (0..BATCH).map(|_| rng.v4()).collect::<Vec<_>>(),
            |fresh| {
                let misses = cache.stats().misses;
                let got = fold4(fresh.iter().map(|&a| cache.encrypt_v4(a)));
                assert!(cache.stats().misses - misses >= BATCH as u64 - 1);
                got
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("ipv6/cached-miss", |b| {
        b.iter_batched_ref(
            || (0..BATCH).map(|_| rng.v6()).collect::<Vec<_>>(),
            |fresh| {
                let misses = cache.stats().misses;
                let got = fold6(fresh.iter().map(|&a| cache.encrypt_v6(a)));
                assert_eq!(cache.stats().misses - misses, BATCH as u64);
                got
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    // Set-up cost: key schedule plus the two flip tables.
    let mut g = c.benchmark_group(format!("crypt/{name}"));
    g.bench_function("new", |b| {
        b.iter(|| PrefixCipher::new(cipher, black_box(&KEY)))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_cipher(c, Cipher::IpcryptPfx);
    bench_cipher(c, Cipher::CryptoPan);
}

criterion_group!(crypt, benches);
criterion_main!(crypt);
