//! A per-worker memo of recent encryptions and decryptions.
//!
//! Access logs repeat client addresses a lot, so a worker keeps direct-mapped tables:
//! [`SLOTS`] entries for IPv4 (8 bytes each) and as many for IPv6 (32 bytes each), one set for
//! each direction. A slot is chosen by a multiplicative hash of the address. A hit costs one load
//! and compare, and a miss computes the result and overwrites the slot. Nothing is allocated per
//! call. The decryption tables are allocated on the first decryption, since scrubbing workers
//! only encrypt.
//!
//! A slot holds an address and its result, so it never needs an empty state. Each table starts
//! with every slot holding the all-zero address and that address's result.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use super::PrefixCipher;

/// log2 of the number of slots per family and direction.
const SLOT_BITS: u32 = 12;
/// Slots per family and direction.
pub const SLOTS: usize = 1 << SLOT_BITS;

/// The slot of an IPv4 address (Fibonacci hashing: the top bits of a multiplication).
#[inline(always)]
pub(super) fn slot4(a: u32) -> usize {
    (a.wrapping_mul(0x9E37_79B1) >> (32 - SLOT_BITS)) as usize
}

/// The slot of an IPv6 address: both halves folded, then Fibonacci hashing.
#[inline(always)]
pub(super) fn slot6(a: u128) -> usize {
    let h = (a as u64) ^ ((a >> 64) as u64);
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOT_BITS)) as usize
}

/// Lookups answered from the memo and lookups that had to compute.
// Hidden: only the benchmarks (and the unit tests) read it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups answered from the memo.
    pub hits: u64,
    /// Lookups that computed their result and overwrote a slot with it.
    pub misses: u64,
}

impl std::ops::AddAssign for CacheStats {
    fn add_assign(&mut self, other: Self) {
        self.hits += other.hits;
        self.misses += other.misses;
    }
}

/// One direction's tables: `(input, output)` pairs.
struct Memo {
    v4: Box<[(u32, u32)]>,
    v6: Box<[(u128, u128)]>,
    misses: u64,
    lookups: u64,
}

impl Memo {
    fn new(zero4: u32, zero6: u128) -> Self {
        Memo {
            v4: vec![(0, zero4); SLOTS].into_boxed_slice(),
            v6: vec![(0, zero6); SLOTS].into_boxed_slice(),
            misses: 0,
            lookups: 0,
        }
    }

    #[inline(always)]
    fn v4(&mut self, a: u32, compute: impl FnOnce(u32) -> u32) -> u32 {
        self.lookups += 1;
        let slot = &mut self.v4[slot4(a)];
        if slot.0 != a {
            self.misses += 1;
            *slot = (a, compute(a));
        }
        slot.1
    }

    #[inline(always)]
    fn v6(&mut self, a: u128, compute: impl FnOnce(u128) -> u128) -> u128 {
        self.lookups += 1;
        let slot = &mut self.v6[slot6(a)];
        if slot.0 != a {
            self.misses += 1;
            *slot = (a, compute(a));
        }
        slot.1
    }
}

/// One per worker: the shared cipher plus memos of recent encryptions and decryptions. Answers
/// exactly as the [`PrefixCipher`] does, including for IPv4-mapped addresses, which share the
/// IPv4 slots.
pub struct CachedCipher {
    cipher: Arc<PrefixCipher>,
    enc: Memo,
    dec: Option<Memo>,
}

impl fmt::Debug for CachedCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedCipher")
            .field("cipher", &self.cipher.cipher())
            .finish_non_exhaustive()
    }
}

impl CachedCipher {
    /// Whether this cache holds the results of `cipher` (and not of another key).
    pub fn serves(&self, cipher: &Arc<PrefixCipher>) -> bool {
        Arc::ptr_eq(&self.cipher, cipher)
    }

    /// Allocates the encryption memo (160 KiB). Costs two encryptions.
    pub fn new(cipher: Arc<PrefixCipher>) -> Self {
        let enc = Memo::new(cipher.encrypt4(0), cipher.encrypt6(0));
        CachedCipher {
            cipher,
            enc,
            dec: None,
        }
    }

    /// The shared cipher whose results this cache holds.
    pub fn cipher(&self) -> &Arc<PrefixCipher> {
        &self.cipher
    }

    /// Hits and misses so far, both directions together.
    // Hidden with `CacheStats`: only the benchmarks (and the unit tests) call it.
    #[doc(hidden)]
    pub fn stats(&self) -> CacheStats {
        let mut stats = CacheStats::default();
        for memo in std::iter::once(&self.enc).chain(&self.dec) {
            stats += CacheStats {
                hits: memo.lookups - memo.misses,
                misses: memo.misses,
            };
        }
        stats
    }

    /// As [`PrefixCipher::encrypt`].
    pub fn encrypt(&mut self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(a) => IpAddr::V4(self.encrypt_v4(a)),
            IpAddr::V6(a) => IpAddr::V6(self.encrypt_v6(a)),
        }
    }

    /// As [`PrefixCipher::decrypt`].
    pub fn decrypt(&mut self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(a) => IpAddr::V4(self.decrypt_v4(a)),
            IpAddr::V6(a) => IpAddr::V6(self.decrypt_v6(a)),
        }
    }

    /// As [`PrefixCipher::encrypt_v4`].
    #[inline]
    pub fn encrypt_v4(&mut self, a: Ipv4Addr) -> Ipv4Addr {
        let cipher = &self.cipher;
        Ipv4Addr::from(self.enc.v4(u32::from(a), |x| cipher.encrypt4(x)))
    }

    /// As [`PrefixCipher::encrypt_v6`]; a mapped address uses the IPv4 memo.
    #[inline]
    pub fn encrypt_v6(&mut self, a: Ipv6Addr) -> Ipv6Addr {
        match a.to_ipv4_mapped() {
            Some(v4) => self.encrypt_v4(v4).to_ipv6_mapped(),
            None => {
                let cipher = &self.cipher;
                Ipv6Addr::from(self.enc.v6(u128::from(a), |x| cipher.encrypt6(x)))
            }
        }
    }

    /// As [`PrefixCipher::decrypt_v4`]. The first decryption allocates the decryption memo.
    pub fn decrypt_v4(&mut self, a: Ipv4Addr) -> Ipv4Addr {
        let (cipher, dec) = self.decryption();
        Ipv4Addr::from(dec.v4(u32::from(a), |x| cipher.decrypt4(x)))
    }

    /// As [`PrefixCipher::decrypt_v6`]; a mapped address uses the IPv4 memo. The first decryption
    /// allocates the decryption memo.
    pub fn decrypt_v6(&mut self, a: Ipv6Addr) -> Ipv6Addr {
        match a.to_ipv4_mapped() {
            Some(v4) => self.decrypt_v4(v4).to_ipv6_mapped(),
            None => {
                let (cipher, dec) = self.decryption();
                Ipv6Addr::from(dec.v6(u128::from(a), |x| cipher.decrypt6(x)))
            }
        }
    }

    /// The cipher and the decryption memo, allocated on first use.
    fn decryption(&mut self) -> (&PrefixCipher, &mut Memo) {
        let cipher = &*self.cipher;
        let dec = self
            .dec
            .get_or_insert_with(|| Memo::new(cipher.decrypt4(0), cipher.decrypt6(0)));
        (cipher, dec)
    }
}
