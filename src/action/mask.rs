//! `--ip mask`: zero the host bits beyond a prefix.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The prefix kept of an IPv4 address by default (`203.0.113.77` → `203.0.113.0`).
pub const DEFAULT_IPV4_PREFIX: Prefix<32> = Prefix(24);
/// The prefix kept of an IPv6 address by default (`2001:db8:85a3:8d3::7` → `2001:db8:85a3::`).
pub const DEFAULT_IPV6_PREFIX: Prefix<128> = Prefix(48);

/// A prefix length, checked against its address family (of `BITS` bits) when it is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefix<const BITS: u8>(u8);

impl<const BITS: u8> Prefix<BITS> {
    /// `None` when `len` exceeds the family's bits.
    pub fn new(len: u8) -> Option<Self> {
        (len <= BITS).then_some(Self(len))
    }

    /// The number of leading bits kept. (A prefix length, not a container: it has no
    /// `is_empty`.)
    #[allow(clippy::len_without_is_empty)]
    pub const fn len(self) -> u8 {
        self.0
    }

    fn mask32(self) -> u32 {
        u32::MAX.checked_shl(32 - u32::from(self.0)).unwrap_or(0)
    }

    fn mask128(self) -> u128 {
        u128::MAX.checked_shl(128 - u32::from(self.0)).unwrap_or(0)
    }
}

/// `a` with the bits beyond `prefix` zeroed.
pub fn ipv4(a: Ipv4Addr, prefix: Prefix<32>) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(a) & prefix.mask32())
}

/// `a` with the bits beyond `prefix` zeroed; an IPv4-mapped one (`::ffff:a.b.c.d`) is masked with
/// the IPv4 prefix `v4`. A 6to4 address (RFC 3056, `2002::/16`) carries an IPv4 address in bits
/// 16-47, inside the default /48: it keeps no more than 16 + `v4` bits, so that IPv4 is masked too
/// (`2002:c000:24d::1` → `2002:c000:200::`).
pub fn ipv6(a: Ipv6Addr, v4: Prefix<32>, prefix: Prefix<128>) -> Ipv6Addr {
    if let Some(mapped) = a.to_ipv4_mapped() {
        return ipv4(mapped, v4).to_ipv6_mapped();
    }
    let mut mask = prefix.mask128();
    if a.segments()[0] == 0x2002 {
        let v4_bits = Prefix::<128>(16 + v4.len());
        mask &= v4_bits.mask128();
    }
    Ipv6Addr::from(u128::from(a) & mask)
}
