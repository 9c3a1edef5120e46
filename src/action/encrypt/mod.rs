//! Prefix-preserving, format-preserving encryption of IP addresses: ipcrypt-pfx and Crypto-PAn.
//!
//! Both schemes flip bits. Bit `i` of the output (counting from the most significant) is bit `i`
//! of the input XOR one pseudorandom bit computed from the input's first `i` bits only. So two
//! addresses that share their first `k` bits give outputs that share their first `k` bits, and
//! they differ in the next bit exactly when the inputs did. An IPv4 address stays IPv4 and an
//! IPv6 address stays IPv6. Decryption recovers the address one bit at a time from the top: each
//! recovered bit lengthens the prefix that gives the next pseudorandom bit.
//!
//! - [`Cipher::IpcryptPfx`] follows draft-denis-ipcrypt, section "ipcrypt-pfx". The 32-byte key
//!   gives two AES-128 keys `K1 = key[..16]` and `K2 = key[16..]`. The pseudorandom bit for a
//!   prefix is the least significant bit of `AES(K1, P) ^ AES(K2, P)`. `P` is the prefix padded to
//!   128 bits as `0…0 1 prefix`. An IPv4 address is processed as the last 32 bits of
//!   `::ffff:a.b.c.d`, so its prefixes start with the 96 bits `0…0ffff`. This keeps IPv4 apart
//!   from the first 32 bits of an IPv6 address. The draft requires `K1 != K2`, since equal halves
//!   cancel and leave every address unchanged. [`Cipher::check_key`] checks that.
//! - [`Cipher::CryptoPan`] is Crypto-PAn (Xu, Fan, Ammar, Moon 2002). AES-128 uses the key
//!   `key[..16]`, and `pad = AES(key[..16], key[16..])`. The pseudorandom bit for an `i`-bit prefix
//!   is the most significant bit of `AES(prefix ‖ pad's last 128 - i bits)`. The address is
//!   left-aligned in 128 bits, the same construction for IPv4 and IPv6 (as in yacryptopan). So an
//!   IPv4 address in the top 32 bits of an IPv6 address gets the IPv4 result in those bits.
//!
//! # IPv4-mapped IPv6 addresses
//! The draft defines `::ffff:a.b.c.d` and `a.b.c.d` as one 16-byte value, so they encrypt alike. We
//! follow it for both ciphers. The embedded IPv4 address goes through the IPv4 path, and the result
//! comes back mapped (`::ffff:x.y.z.w`), so a mapped IPv6 address stays IPv6. Both forms of one
//! client agree, and a mapped address never becomes a random-looking IPv6 address. For Crypto-PAn
//! this departs from yacryptopan, which would encrypt `::ffff:a.b.c.d` as 128 bits. Decryption of a
//! mapped address uses the IPv4 path as well, as in the draft. This leaves one limit, the same as
//! in the draft. A non-mapped IPv6 address whose ciphertext happens to fall in `::ffff:0:0/96` (one
//! /96 chosen by the key, a 2^-96 share of the space) does not decrypt back to itself.
//!
//! # Cost
//! The pseudorandom bits for one address depend only on that address. Encryption therefore gathers
//! all of its AES inputs first and encrypts them in one pass, and AES-NI pipelines eight blocks at
//! a time. The flips of the first [`TOP_BITS`] bits depend on only 2^16 possible prefixes per
//! family, so [`PrefixCipher::new`] works them out once into a 128 KiB table for each family. For
//! each address, encryption then costs AES for the remaining bits only: IPv4 16 bits (32 blocks for
//! ipcrypt-pfx, 16 for Crypto-PAn) and IPv6 112 bits (224 or 112 blocks). Decryption is
//! sequential, one bit at a time. [`CachedCipher`] remembers recent results, so a repeated client
//! costs one table lookup.
//!
//! Key material (AES round keys, the Crypto-PAn pad, the flip tables) stays in private fields, and
//! `Debug` shows only the cipher's name. The `aes` crate zeroes round keys on drop only with its
//! `zeroize` feature, which this crate does not enable.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockEncrypt, KeyInit};
use aes::{Aes128Enc, Block};

mod cache;
#[cfg(test)]
mod tests;

pub use cache::{CacheStats, CachedCipher};

/// How many leading bits of an address have their flips in [`PrefixCipher`]'s tables.
pub const TOP_BITS: u32 = 16;

/// Bits of IPv4 / IPv6 left for AES after the table.
const REST_V4: usize = 32 - TOP_BITS as usize;
const REST_V6: usize = 128 - TOP_BITS as usize;

/// Which prefix-preserving scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Cipher {
    /// draft-denis-ipcrypt's ipcrypt-pfx: two AES-128 keys, sum-of-permutations PRF.
    #[default]
    IpcryptPfx,
    /// Crypto-PAn: one AES-128 key and a secret pad.
    CryptoPan,
}

/// A key that must not be used with a cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakKey {
    /// An ipcrypt-pfx key whose halves are equal (`key[..16] == key[16..]`): the two AES
    /// permutations cancel and every address is left as it is.
    #[error(
        "the two 16-byte halves of the ipcrypt-pfx key are equal, which would leave every address \
         unchanged; use 32 random bytes"
    )]
    EqualHalves,
}

impl Cipher {
    /// Rejects keys the cipher's specification forbids. ipcrypt-pfx with `key[..16] ==
    /// key[16..]` is the identity. Crypto-PAn has no such key.
    pub fn check_key(self, key: &[u8; 32]) -> Result<(), WeakKey> {
        match self {
            Cipher::IpcryptPfx if key[..16] == key[16..] => Err(WeakKey::EqualHalves),
            _ => Ok(()),
        }
    }
}

/// The two address families. IPv4-mapped IPv6 addresses are V4 here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

impl Family {
    const fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
}

/// The pseudorandom function of a prefix.
// Built once per run and never moved on a hot path, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Prf {
    Pfx { k1: Aes128Enc, k2: Aes128Enc },
    Pan { aes: Aes128Enc, pad: u128 },
}

impl Prf {
    /// The AES input for the `i`-bit prefix `p` (right-aligned) of an address of `family`.
    #[inline(always)]
    fn input(&self, family: Family, i: u32, p: u128) -> u128 {
        match (self, family) {
            // Delimiter bit at position i, then the prefix below it.
            (Prf::Pfx { .. }, Family::V6) => (1 << i) | p,
            // The same over ::ffff:a.b.c.d, whose first 96 bits are 0…0ffff.
            (Prf::Pfx { .. }, Family::V4) => (1 << (96 + i)) | (0xffff << i) | p,
            // The prefix left-aligned, the pad's bits below it.
            (Prf::Pan { pad, .. }, _) => {
                p.checked_shl(128 - i).unwrap_or(0) | (pad & (u128::MAX >> i))
            }
        }
    }

    /// Replaces each block by its PRF output. `spare` is scratch of the same length.
    #[inline(always)]
    fn eval(&self, blocks: &mut [Block], spare: &mut [Block]) {
        match self {
            Prf::Pfx { k1, k2 } => {
                spare.copy_from_slice(blocks);
                k1.encrypt_blocks(blocks);
                k2.encrypt_blocks(spare);
                // Only the last byte's low bit is used.
                for (b, s) in blocks.iter_mut().zip(spare.iter()) {
                    b[15] ^= s[15];
                }
            }
            Prf::Pan { aes, .. } => aes.encrypt_blocks(blocks),
        }
    }

    /// The pseudorandom bit in an [`Prf::eval`] output, as 0 or 1.
    #[inline(always)]
    fn bit(&self, out: &Block) -> u128 {
        match self {
            Prf::Pfx { .. } => u128::from(out[15] & 1),
            Prf::Pan { .. } => u128::from(out[0] >> 7),
        }
    }
}

/// A keyed prefix-preserving cipher: immutable, `Send + Sync`, shared by all workers.
pub struct PrefixCipher {
    cipher: Cipher,
    prf: Prf,
    /// For every value `t` of an address's first [`TOP_BITS`] bits, the flips of those bits,
    /// aligned the same way. Bit `TOP_BITS - 1 - i` of an entry depends only on the index's first
    /// `i` bits.
    top_v4: Box<[u16]>,
    top_v6: Box<[u16]>,
}

impl fmt::Debug for PrefixCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrefixCipher")
            .field("cipher", &self.cipher)
            .finish_non_exhaustive()
    }
}

impl PrefixCipher {
    /// Keys `cipher` with `key` and builds the flip tables (a few hundred microseconds in release).
    /// Check the key first with [`Cipher::check_key`].
    pub fn new(cipher: Cipher, key: &[u8; 32]) -> Self {
        let (lo, hi) = key.split_at(16);
        let prf = match cipher {
            Cipher::IpcryptPfx => Prf::Pfx {
                k1: Aes128Enc::new(GenericArray::from_slice(lo)),
                k2: Aes128Enc::new(GenericArray::from_slice(hi)),
            },
            Cipher::CryptoPan => {
                let aes = Aes128Enc::new(GenericArray::from_slice(lo));
                let mut pad = Block::clone_from_slice(hi);
                aes.encrypt_block(&mut pad);
                let pad = u128::from_be_bytes(pad.into());
                Prf::Pan { aes, pad }
            }
        };
        let top_v4 = top_table(&prf, Family::V4);
        let top_v6 = top_table(&prf, Family::V6);
        PrefixCipher {
            cipher,
            prf,
            top_v4,
            top_v6,
        }
    }

    /// The scheme this cipher was keyed for.
    pub fn cipher(&self) -> Cipher {
        self.cipher
    }

    /// Encrypts `ip`. An IPv4-mapped IPv6 address is encrypted as its IPv4 address and returned
    /// mapped (see the module docs).
    pub fn encrypt(&self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(a) => IpAddr::V4(self.encrypt_v4(a)),
            IpAddr::V6(a) => IpAddr::V6(self.encrypt_v6(a)),
        }
    }

    /// Inverts [`PrefixCipher::encrypt`].
    pub fn decrypt(&self, ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(a) => IpAddr::V4(self.decrypt_v4(a)),
            IpAddr::V6(a) => IpAddr::V6(self.decrypt_v6(a)),
        }
    }

    /// Encrypts an IPv4 address. Its IPv4-mapped form gets the same result, mapped
    /// ([`PrefixCipher::encrypt_v6`]).
    pub fn encrypt_v4(&self, a: Ipv4Addr) -> Ipv4Addr {
        Ipv4Addr::from(self.encrypt4(u32::from(a)))
    }

    /// Encrypts an IPv6 address. A mapped one goes through the IPv4 path and stays mapped.
    pub fn encrypt_v6(&self, a: Ipv6Addr) -> Ipv6Addr {
        match a.to_ipv4_mapped() {
            Some(v4) => self.encrypt_v4(v4).to_ipv6_mapped(),
            None => Ipv6Addr::from(self.encrypt6(u128::from(a))),
        }
    }

    /// Inverts [`PrefixCipher::encrypt_v4`].
    pub fn decrypt_v4(&self, a: Ipv4Addr) -> Ipv4Addr {
        Ipv4Addr::from(self.decrypt4(u32::from(a)))
    }

    /// Decrypts an IPv6 address. A mapped one goes through the IPv4 path and stays mapped.
    pub fn decrypt_v6(&self, a: Ipv6Addr) -> Ipv6Addr {
        match a.to_ipv4_mapped() {
            Some(v4) => self.decrypt_v4(v4).to_ipv6_mapped(),
            None => Ipv6Addr::from(self.decrypt6(u128::from(a))),
        }
    }

    /// The IPv4 path on the integer value.
    pub(crate) fn encrypt4(&self, a: u32) -> u32 {
        let x = u128::from(a);
        (x ^ self.flips::<REST_V4>(Family::V4, x)) as u32
    }

    /// The IPv6 path on the integer value, whatever its first 96 bits.
    pub(crate) fn encrypt6(&self, a: u128) -> u128 {
        a ^ self.flips::<REST_V6>(Family::V6, a)
    }

    pub(crate) fn decrypt4(&self, a: u32) -> u32 {
        self.unflip(Family::V4, u128::from(a)) as u32
    }

    pub(crate) fn decrypt6(&self, a: u128) -> u128 {
        self.unflip(Family::V6, a)
    }

    fn top(&self, family: Family) -> &[u16] {
        match family {
            Family::V4 => &self.top_v4,
            Family::V6 => &self.top_v6,
        }
    }

    /// The flip mask of plaintext `x`, which has `family.bits()` bits: the table for the first
    /// [`TOP_BITS`], then one batch of AES for the `REST` bits after them.
    #[inline(always)]
    fn flips<const REST: usize>(&self, family: Family, x: u128) -> u128 {
        let n = family.bits();
        debug_assert_eq!(n as usize, TOP_BITS as usize + REST);
        let top = self.top(family)[(x >> (n - TOP_BITS)) as usize];
        let mut mask = u128::from(top) << (n - TOP_BITS);
        let mut blocks = [Block::default(); REST];
        let mut spare = [Block::default(); REST];
        // The inputs for consecutive prefixes, each from the one before.
        match &self.prf {
            Prf::Pfx { .. } => {
                // Shift the padded prefix left and append the next bit of x.
                let mut padded = self.prf.input(family, TOP_BITS, x >> REST);
                for (j, b) in blocks.iter_mut().enumerate() {
                    *b = block(padded);
                    padded = padded << 1 | (x >> (REST - 1 - j)) & 1;
                }
            }
            Prf::Pan { pad, .. } => {
                // x's first bits, then the pad's.
                let left = x << (128 - n);
                for (j, b) in blocks.iter_mut().enumerate() {
                    let below = u128::MAX >> (TOP_BITS as usize + j);
                    *b = block(left & !below | pad & below);
                }
            }
        }
        self.prf.eval(&mut blocks, &mut spare);
        for (j, b) in blocks.iter().enumerate() {
            mask |= self.prf.bit(b) << (REST - 1 - j);
        }
        mask
    }

    /// The plaintext whose encryption is `y`, recovered from the top bit down.
    fn unflip(&self, family: Family, y: u128) -> u128 {
        let n = family.bits();
        let bit_of_y = |i: u32| (y >> (n - 1 - i)) & 1;
        // The table's entry for any index beginning with the bits found so far holds the next flip.
        let top = self.top(family);
        let mut t = 0usize;
        for i in 0..TOP_BITS {
            let flip = u128::from(top[t] >> (TOP_BITS - 1 - i)) & 1;
            t |= ((bit_of_y(i) ^ flip) as usize) << (TOP_BITS - 1 - i);
        }
        let mut x = (t as u128) << (n - TOP_BITS);
        let mut one = [Block::default()];
        let mut spare = [Block::default()];
        for i in TOP_BITS..n {
            one[0] = block(self.prf.input(family, i, x >> (n - i)));
            self.prf.eval(&mut one, &mut spare);
            x |= (bit_of_y(i) ^ self.prf.bit(&one[0])) << (n - 1 - i);
        }
        x
    }
}

/// A 128-bit value as an AES block, most significant byte first.
#[inline(always)]
fn block(x: u128) -> Block {
    Block::from(x.to_be_bytes())
}

/// The flip masks of the first [`TOP_BITS`] bits for every value of those bits. Each prefix node
/// is computed once, level by level, in batches.
fn top_table(prf: &Prf, family: Family) -> Box<[u16]> {
    const BATCH: usize = 256;
    let mut table = vec![0u16; 1 << TOP_BITS].into_boxed_slice();
    let mut blocks = [Block::default(); BATCH];
    let mut spare = [Block::default(); BATCH];
    for i in 0..TOP_BITS {
        let nodes = 1usize << i;
        // Entries sharing one i-bit prefix, and the bit that prefix's flip lands on.
        let span = 1usize << (TOP_BITS - i);
        let flip = 1u16 << (TOP_BITS - 1 - i);
        for start in (0..nodes).step_by(BATCH) {
            let len = BATCH.min(nodes - start);
            for (j, b) in blocks[..len].iter_mut().enumerate() {
                *b = block(prf.input(family, i, (start + j) as u128));
            }
            prf.eval(&mut blocks[..len], &mut spare[..len]);
            for (j, b) in blocks[..len].iter().enumerate() {
                if prf.bit(b) == 1 {
                    for e in &mut table[(start + j) * span..][..span] {
                        *e |= flip;
                    }
                }
            }
        }
    }
    table
}
