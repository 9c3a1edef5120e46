//! Known answers, spec-literal reference implementations and properties for [`super`].
//!
//! The KAT tests walk every row of `testdata/vectors/cryptopan_kat.tsv` and the `ipcrypt-pfx` rows
//! of `testdata/vectors/ipcrypt_test_vectors.tsv` (provenance in `testdata/vectors/SOURCES.md`).
//! They collect every mismatch, panic once listing them all, and check the row count so a
//! truncated file cannot pass. A companion test runs the same checks with a corrupted key and
//! requires every row to fail, so the KATs can fail.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, LazyLock};

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockEncrypt, KeyInit};
use aes::{Aes128Enc, Block};
use proptest::prelude::*;

use super::cache::{slot4, slot6};
use super::*;

// ---------------------------------------------------------------------------------------------
// Keys, vectors, helpers
// ---------------------------------------------------------------------------------------------

/// The Crypto-PAn reference implementation's sample key (yacryptopan `contrib/diekmann/test.py`).
const PAN_KEY: &str = "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202";
/// The second ipcrypt-pfx test key of draft-denis-ipcrypt.
const PFX_KEY: &str = "2b7e151628aed2a6abf7158809cf4f3ca9f5ba40db214c3798f2e1c23456789a";

static PAN: LazyLock<Arc<PrefixCipher>> =
    LazyLock::new(|| Arc::new(PrefixCipher::new(Cipher::CryptoPan, &key(PAN_KEY))));
static PFX: LazyLock<Arc<PrefixCipher>> =
    LazyLock::new(|| Arc::new(PrefixCipher::new(Cipher::IpcryptPfx, &key(PFX_KEY))));

fn shared(cipher: Cipher) -> &'static Arc<PrefixCipher> {
    match cipher {
        Cipher::IpcryptPfx => &PFX,
        Cipher::CryptoPan => &PAN,
    }
}

fn shared_key(cipher: Cipher) -> [u8; 32] {
    match cipher {
        Cipher::IpcryptPfx => key(PFX_KEY),
        Cipher::CryptoPan => key(PAN_KEY),
    }
}

const BOTH: [Cipher; 2] = [Cipher::IpcryptPfx, Cipher::CryptoPan];

fn key(hex: &str) -> [u8; 32] {
    try_key(hex).unwrap_or_else(|| panic!("bad 32-byte hex key {hex:?}"))
}

fn try_key(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(hex.chunks(2)) {
        *o = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

fn vector(name: &str) -> String {
    let path = format!("{}/testdata/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// `(line number, tab-separated fields)` of each data row.
fn rows(text: &str) -> Vec<(usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split('\t').collect()))
        .collect()
}

/// Mismatches found by a KAT walk, with the line numbers they came from.
#[derive(Default)]
struct Kat {
    rows: usize,
    checks: usize,
    failures: Vec<(usize, String)>,
}

impl Kat {
    fn check(&mut self, line: usize, ok: bool, what: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.failures.push((line, what()));
        }
    }

    /// Panics listing every failure, or if fewer rows than expected were seen.
    fn finish(self, name: &str, rows: usize, min_checks: usize) {
        let mut report = String::new();
        if !self.failures.is_empty() {
            report += &format!("{} mismatch(es) in {name}:\n", self.failures.len());
            for (line, what) in &self.failures {
                report += &format!("  line {line}: {what}\n");
            }
        }
        if self.rows != rows || self.checks < min_checks {
            report += &format!(
                "{name}: {} rows and {} checks, expected {rows} rows and at least {min_checks} \
                 checks: vector file changed or rows skipped\n",
                self.rows, self.checks
            );
        }
        assert!(report.is_empty(), "{report}");
    }

    fn failing_lines(&self) -> BTreeSet<usize> {
        self.failures.iter().map(|(l, _)| *l).collect()
    }
}

/// Ciphers built so far, by key: the vector files reuse a few keys, and building one takes a
/// while in debug builds.
#[derive(Default)]
struct Keyed(Vec<([u8; 32], PrefixCipher)>);

impl Keyed {
    fn get(&mut self, cipher: Cipher, key: [u8; 32]) -> &PrefixCipher {
        let i = match self.0.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.0.push((key, PrefixCipher::new(cipher, &key)));
                self.0.len() - 1
            }
        };
        &self.0[i].1
    }
}

fn parse_ip(line: usize, kat: &mut Kat, text: &str) -> Option<IpAddr> {
    let ip = text.parse().ok();
    kat.check(line, ip.is_some(), || {
        format!("unparsable address {text:?}")
    });
    ip
}

// ---------------------------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------------------------

/// Walks `cryptopan_kat.tsv`: encrypts each raw address, decrypts each expected output.
/// `tamper` changes each key first (the identity for the real test).
fn cryptopan_kat(tamper: impl Fn(&mut [u8; 32])) -> Kat {
    let text = vector("cryptopan_kat.tsv");
    let mut kat = Kat::default();
    let mut keyed = Keyed::default();
    let mut reference_rows = 0;
    for (line, f) in rows(&text) {
        kat.rows += 1;
        let [key_hex, raw, anon, ..] = f[..] else {
            kat.check(line, false, || format!("expected 4 columns, got {f:?}"));
            continue;
        };
        reference_rows += usize::from(key_hex == PAN_KEY);
        let Some(mut k) = try_key(key_hex) else {
            kat.check(line, false, || format!("bad key {key_hex:?}"));
            continue;
        };
        tamper(&mut k);
        let c = keyed.get(Cipher::CryptoPan, k);
        let (Some(raw), Some(anon)) = (
            parse_ip(line, &mut kat, raw),
            parse_ip(line, &mut kat, anon),
        ) else {
            continue;
        };
        let got = c.encrypt(raw);
        kat.check(line, got == anon, || {
            format!("encrypt {raw} = {got}, expected {anon}")
        });
        let back = c.decrypt(anon);
        kat.check(line, back == raw, || {
            format!("decrypt {anon} = {back}, expected {raw}")
        });
    }
    kat.check(0, reference_rows == 100, || {
        format!("{reference_rows} rows use the reference key, expected 100")
    });
    kat
}

#[test]
fn cryptopan_known_answers() {
    cryptopan_kat(|_| {}).finish("cryptopan_kat.tsv", 101, 101 * 2 + 1);
}

/// Walks the ipcrypt-pfx rows of `ipcrypt_test_vectors.tsv`: encrypt, decrypt, and for IPv4 rows
/// the same through the IPv4-mapped form.
fn ipcrypt_pfx_kat(tamper: impl Fn(&mut [u8; 32])) -> Kat {
    let text = vector("ipcrypt_test_vectors.tsv");
    let header = text.lines().next().unwrap_or("");
    let mut kat = Kat::default();
    kat.check(
        0,
        header.starts_with("# variant\tkey_hex\tip\ttweak_hex\toutput"),
        || format!("unexpected header {header:?}"),
    );
    let mut keyed = Keyed::default();
    for (line, f) in rows(&text) {
        if f.first() != Some(&"ipcrypt-pfx") {
            continue;
        }
        kat.rows += 1;
        let [_, key_hex, ip, tweak, output, ..] = f[..] else {
            kat.check(line, false, || format!("expected 6 columns, got {f:?}"));
            continue;
        };
        kat.check(line, tweak.is_empty(), || {
            format!("pfx row with a tweak {tweak:?}")
        });
        let Some(mut k) = try_key(key_hex) else {
            kat.check(line, false, || format!("bad key {key_hex:?}"));
            continue;
        };
        tamper(&mut k);
        let c = keyed.get(Cipher::IpcryptPfx, k);
        let (Some(ip), Some(want)) = (
            parse_ip(line, &mut kat, ip),
            parse_ip(line, &mut kat, output),
        ) else {
            continue;
        };
        let got = c.encrypt(ip);
        kat.check(line, got == want, || {
            format!("encrypt {ip} = {got}, expected {want}")
        });
        // The draft prints canonical text; ours must match it too.
        kat.check(line, got.to_string() == output, || {
            format!("encrypt {ip} printed {got}, expected {output}")
        });
        let back = c.decrypt(want);
        kat.check(line, back == ip, || {
            format!("decrypt {want} = {back}, expected {ip}")
        });
        if let (IpAddr::V4(ip4), IpAddr::V4(want4)) = (ip, want) {
            let (m, wm) = (ip4.to_ipv6_mapped(), want4.to_ipv6_mapped());
            let got = c.encrypt(IpAddr::V6(m));
            kat.check(line, got == IpAddr::V6(wm), || {
                format!("encrypt {m} = {got}, expected {wm}")
            });
            let back = c.decrypt(IpAddr::V6(wm));
            kat.check(line, back == IpAddr::V6(m), || {
                format!("decrypt {wm} = {back}, expected {m}")
            });
        }
    }
    kat
}

#[test]
fn ipcrypt_pfx_known_answers() {
    // 16 rows, 7 of them IPv4 (two more checks each).
    ipcrypt_pfx_kat(|_| {}).finish(
        "ipcrypt_test_vectors.tsv (ipcrypt-pfx)",
        16,
        1 + 16 * 3 + 7 * 2,
    );
}

#[test]
fn known_answer_tests_fail_with_a_wrong_key() {
    for (name, kat) in [
        ("cryptopan", cryptopan_kat(|k| k[0] ^= 1)),
        ("cryptopan pad", cryptopan_kat(|k| k[31] ^= 0x80)),
        ("ipcrypt-pfx", ipcrypt_pfx_kat(|k| k[5] ^= 4)),
        ("ipcrypt-pfx K2", ipcrypt_pfx_kat(|k| k[20] ^= 1)),
    ] {
        let failing = kat.failing_lines().len();
        assert_eq!(
            failing, kat.rows,
            "{name}: only {failing} of {} rows failed",
            kat.rows
        );
    }
}

/// Crypto-PAn IPv6 answers printed by yacryptopan (`yacryptopan.py` self-test and README).
#[test]
fn cryptopan_yacryptopan_examples() {
    let counting: [u8; 32] = std::array::from_fn(|i| i as u8);
    let readme = *b"32-char-str-for-AES-key-and-pad.";
    let cases: [(&[u8; 32], &str, &str); 4] = [
        (&counting, "192.0.2.1", "2.90.93.17"),
        (
            &counting,
            "2001:db8::1",
            "dd92:2c44:3fc0:ff1e:7ff9:c7f0:8180:7e00",
        ),
        (&readme, "192.0.2.1", "192.0.125.244"),
        (
            &readme,
            "2001:db8::1",
            "27fe:8bc7:fee:1e:1e1f:f0fe:f0e1:83fd",
        ),
    ];
    let mut failures = Vec::new();
    for (k, raw, want) in cases {
        let c = PrefixCipher::new(Cipher::CryptoPan, k);
        let (raw, want): (IpAddr, IpAddr) = (raw.parse().unwrap(), want.parse().unwrap());
        let got = c.encrypt(raw);
        if got != want {
            failures.push(format!("encrypt {raw} = {got}, expected {want}"));
        }
        if c.decrypt(want) != raw {
            failures.push(format!(
                "decrypt {want} = {}, expected {raw}",
                c.decrypt(want)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Spec-literal reference implementations (slow, one AES call per bit, no table, no batching)
// ---------------------------------------------------------------------------------------------

fn aes(k: &[u8]) -> Aes128Enc {
    Aes128Enc::new(GenericArray::from_slice(k))
}

fn aes_block(c: &Aes128Enc, b: [u8; 16]) -> [u8; 16] {
    let mut b = Block::from(b);
    c.encrypt_block(&mut b);
    b.into()
}

/// ipcrypt-pfx as the draft's pseudocode has it, on the 16-byte representation.
fn pfx_reference(key: &[u8; 32], bytes16: [u8; 16]) -> [u8; 16] {
    let get_bit = |d: &[u8; 16], pos: usize| (d[15 - pos / 8] >> (pos % 8)) & 1;
    let set_bit = |d: &mut [u8; 16], pos: usize, v: u8| d[15 - pos / 8] |= (v & 1) << (pos % 8);
    let shift_left = |d: [u8; 16]| (u128::from_be_bytes(d) << 1).to_be_bytes();
    let (k1, k2) = (aes(&key[..16]), aes(&key[16..]));
    let mut encrypted = [0u8; 16];
    let mut padded = [0u8; 16];
    let start = if bytes16[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] {
        encrypted[10] = 0xff;
        encrypted[11] = 0xff;
        padded[3] = 1;
        padded[14] = 0xff;
        padded[15] = 0xff;
        96
    } else {
        padded[15] = 1;
        0
    };
    for prefix_len in start..128 {
        let (e1, e2) = (aes_block(&k1, padded), aes_block(&k2, padded));
        let cipher_bit = (e1[15] ^ e2[15]) & 1;
        let pos = 127 - prefix_len;
        let original = get_bit(&bytes16, pos);
        set_bit(&mut encrypted, pos, cipher_bit ^ original);
        padded = shift_left(padded);
        set_bit(&mut padded, 0, original);
    }
    encrypted
}

/// Crypto-PAn as yacryptopan writes it: `addr` has `bits` bits, left-aligned in 128.
fn pan_reference(key: &[u8; 32], addr: u128, bits: u32) -> u128 {
    let c = aes(&key[..16]);
    let pad = u128::from_be_bytes(aes_block(&c, key[16..].try_into().unwrap()));
    let ext = addr << (128 - bits);
    let mut flips = 0u128;
    for pos in 0..bits {
        let prefix = ext
            .checked_shr(128 - pos)
            .unwrap_or(0)
            .checked_shl(128 - pos)
            .unwrap_or(0);
        let out = aes_block(&c, (prefix | (pad & (u128::MAX >> pos))).to_be_bytes());
        flips = flips << 1 | u128::from(out[0] >> 7);
    }
    addr ^ flips
}

/// The reference answer for `ip`, with mapped addresses handled as the module documents.
fn reference(cipher: Cipher, key: &[u8; 32], ip: IpAddr) -> IpAddr {
    let v4 = |a: Ipv4Addr| -> Ipv4Addr {
        match cipher {
            Cipher::IpcryptPfx => {
                let out = pfx_reference(key, a.to_ipv6_mapped().octets());
                Ipv6Addr::from(out)
                    .to_ipv4_mapped()
                    .expect("IPv4 stays IPv4")
            }
            Cipher::CryptoPan => Ipv4Addr::from(pan_reference(key, u32::from(a).into(), 32) as u32),
        }
    };
    match ip {
        IpAddr::V4(a) => IpAddr::V4(v4(a)),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(m) => IpAddr::V6(v4(m).to_ipv6_mapped()),
            None => IpAddr::V6(Ipv6Addr::from(match cipher {
                Cipher::IpcryptPfx => u128::from_be_bytes(pfx_reference(key, a.octets())),
                Cipher::CryptoPan => pan_reference(key, a.into(), 128),
            })),
        },
    }
}

#[test]
fn references_agree_with_the_draft_and_crypto_pan_vectors() {
    // Guards the oracles used by the property tests below.
    let ip: IpAddr = "10.0.0.47".parse().unwrap();
    assert_eq!(
        reference(Cipher::IpcryptPfx, &key(PFX_KEY), ip),
        "19.214.210.244".parse::<IpAddr>().unwrap()
    );
    let ip: IpAddr = "2001:db8::a5c9:4e2f:bb91:5a7d".parse().unwrap();
    assert_eq!(
        reference(Cipher::IpcryptPfx, &key(PFX_KEY), ip),
        "7cec:702c:1243:f70:1956:125:b9bd:1aba"
            .parse::<IpAddr>()
            .unwrap()
    );
    let ip: IpAddr = "24.5.0.80".parse().unwrap();
    assert_eq!(
        reference(Cipher::CryptoPan, &key(PAN_KEY), ip),
        "100.9.15.210".parse::<IpAddr>().unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn v4(x: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(x))
}

fn v6(x: u128) -> IpAddr {
    IpAddr::V6(Ipv6Addr::from(x))
}

fn is_mapped(x: u128) -> bool {
    x >> 32 == 0xffff
}

fn bits_of(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u32::from(a).into(),
        IpAddr::V6(a) => a.into(),
    }
}

fn cipher_strategy() -> impl Strategy<Value = Cipher> {
    prop_oneof![Just(Cipher::IpcryptPfx), Just(Cipher::CryptoPan)]
}

/// Random IPv6 values, with runs of zeros and a share of IPv4-mapped ones.
fn ipv6_strategy() -> impl Strategy<Value = u128> {
    prop_oneof![
        any::<u128>(),
        any::<u32>().prop_map(|a| 0xffff_u128 << 32 | u128::from(a)),
        (any::<u128>(), 0u32..128).prop_map(|(x, z)| x >> z),
        (any::<u128>(), 0u32..128).prop_map(|(x, z)| x << z),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decrypt_inverts_encrypt_v4(cipher in cipher_strategy(), a in any::<u32>()) {
        let c = shared(cipher);
        let e = c.encrypt(v4(a));
        prop_assert!(e.is_ipv4());
        prop_assert_eq!(c.decrypt(e), v4(a));
    }

    #[test]
    fn decrypt_inverts_encrypt_v6(cipher in cipher_strategy(), a in ipv6_strategy()) {
        let c = shared(cipher);
        let e = c.encrypt(v6(a));
        prop_assert!(e.is_ipv6());
        prop_assert_eq!(is_mapped(bits_of(e)), is_mapped(a));
        prop_assert_eq!(c.decrypt(e), v6(a));
    }

    #[test]
    fn matches_the_reference(cipher in cipher_strategy(), a in any::<u32>(), b in ipv6_strategy()) {
        let (c, k) = (shared(cipher), shared_key(cipher));
        prop_assert_eq!(c.encrypt(v4(a)), reference(cipher, &k, v4(a)));
        prop_assert_eq!(c.encrypt(v6(b)), reference(cipher, &k, v6(b)));
    }

    /// Inputs sharing exactly `k` leading bits give outputs sharing exactly `k` leading bits.
    #[test]
    fn prefixes_are_preserved(
        cipher in cipher_strategy(),
        x in any::<u128>(),
        r in any::<u128>(),
        j in 0u32..128,
    ) {
        let c = shared(cipher);
        // y differs from x at bit j (from the bottom) and arbitrarily below it.
        let y = x ^ (1 << j) ^ (r & ((1u128 << j) - 1));
        // IPv4: the same shape on the low 32 bits.
        let j4 = j % 32;
        let x4 = x as u32;
        let y4 = x4 ^ (1 << j4) ^ (r as u32 & ((1u32 << j4) - 1));
        let shared_bits = (u32::from(c.encrypt_v4(x4.into())) ^ u32::from(c.encrypt_v4(y4.into()))).leading_zeros();
        prop_assert_eq!(shared_bits, (x4 ^ y4).leading_zeros());
        prop_assert_eq!(shared_bits, 31 - j4);
        // IPv6 (mapped addresses take the IPv4 path, so leave them out).
        prop_assume!(!is_mapped(x) && !is_mapped(y));
        let ex = u128::from(c.encrypt_v6(x.into()));
        let ey = u128::from(c.encrypt_v6(y.into()));
        prop_assert_eq!((ex ^ ey).leading_zeros(), 127 - j);
    }

    /// Crypto-PAn over 128 bits agrees with the IPv4 result in the top 32 bits (yacryptopan).
    #[test]
    fn cryptopan_ipv4_in_top_bits_of_ipv6(a in any::<u32>(), low in any::<u128>()) {
        let x = u128::from(a) << 96 | (low >> 32);
        prop_assume!(!is_mapped(x));
        let top = (u128::from(PAN.encrypt_v6(x.into())) >> 96) as u32;
        prop_assert_eq!(top, u32::from(PAN.encrypt_v4(a.into())));
    }

    #[test]
    fn mapped_and_plain_forms_agree(cipher in cipher_strategy(), a in any::<u32>()) {
        let c = shared(cipher);
        let plain = c.encrypt_v4(a.into());
        prop_assert_eq!(c.encrypt_v6(Ipv4Addr::from(a).to_ipv6_mapped()), plain.to_ipv6_mapped());
        prop_assert_eq!(c.decrypt_v6(plain.to_ipv6_mapped()), Ipv4Addr::from(a).to_ipv6_mapped());
    }
}

/// Every value of the table-covered first 16 bits round-trips, and a sample matches the reference.
#[test]
fn every_top_prefix_round_trips() {
    for cipher in BOTH {
        let (c, k) = (shared(cipher), shared_key(cipher));
        for t in 0u32..1 << 16 {
            let a = t << 16 | (t.wrapping_mul(0x9E37) & 0xffff);
            let e = c.encrypt4(a);
            assert_eq!(c.decrypt4(e), a, "{cipher:?} {}", Ipv4Addr::from(a));
            if t % 509 == 0 {
                assert_eq!(
                    v4(e),
                    reference(cipher, &k, v4(a)),
                    "{cipher:?} {}",
                    Ipv4Addr::from(a)
                );
                let b = u128::from(t) << 112 | u128::from(a);
                assert_eq!(c.decrypt6(c.encrypt6(b)), b);
                assert_eq!(v6(c.encrypt6(b)), reference(cipher, &k, v6(b)));
            }
        }
    }
}

#[test]
fn address_extremes_round_trip() {
    for cipher in BOTH {
        let c = shared(cipher);
        for ip in [
            v4(0),
            v4(u32::MAX),
            v6(0),
            v6(u128::MAX),
            v6(1),
            v6(1 << 127),
            v6(0xffff << 32),
        ] {
            assert_eq!(c.decrypt(c.encrypt(ip)), ip, "{cipher:?} {ip}");
            assert_eq!(
                c.encrypt(ip),
                reference(cipher, &shared_key(cipher), ip),
                "{cipher:?} {ip}"
            );
        }
    }
}

/// Addresses spread over the space, deterministic.
fn sample(n: usize) -> Vec<u128> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| u128::from(next()) << 64 | u128::from(next()))
        .collect()
}

#[test]
fn different_keys_give_different_outputs() {
    let addrs = sample(200);
    for cipher in BOTH {
        let base = shared_key(cipher);
        let c = PrefixCipher::new(cipher, &base);
        // One bit flipped in each half of the key, and a wholly different key.
        for (label, tweak) in [
            ("first half", 3usize),
            ("second half", 27),
            ("other key", 99),
        ] {
            let mut k = base;
            if tweak < 32 {
                k[tweak] ^= 0x10;
            } else {
                k = std::array::from_fn(|i| (i * 37 + 11) as u8);
            }
            let d = PrefixCipher::new(cipher, &k);
            for &a in &addrs {
                let (a4, a6) = (a as u32, a);
                assert_ne!(
                    c.encrypt4(a4),
                    d.encrypt4(a4),
                    "{cipher:?} {label} {}",
                    Ipv4Addr::from(a4)
                );
                assert_ne!(
                    c.encrypt6(a6),
                    d.encrypt6(a6),
                    "{cipher:?} {label} {}",
                    Ipv6Addr::from(a6)
                );
            }
        }
    }
}

#[test]
fn the_two_ciphers_differ_under_one_key() {
    let k = key(PFX_KEY);
    let (p, q) = (
        PrefixCipher::new(Cipher::IpcryptPfx, &k),
        PrefixCipher::new(Cipher::CryptoPan, &k),
    );
    for a in sample(50) {
        assert_ne!(p.encrypt4(a as u32), q.encrypt4(a as u32));
    }
}

#[test]
fn ipcrypt_pfx_rejects_equal_key_halves() {
    let mut k = [7u8; 32];
    assert_eq!(Cipher::IpcryptPfx.check_key(&k), Err(WeakKey::EqualHalves));
    assert_eq!(Cipher::CryptoPan.check_key(&k), Ok(()));
    // And why: with equal halves the PRF is zero and nothing changes.
    let c = PrefixCipher::new(Cipher::IpcryptPfx, &k);
    assert_eq!(c.encrypt(v4(0xc000_0201)), v4(0xc000_0201));
    k[31] ^= 1;
    assert_eq!(Cipher::IpcryptPfx.check_key(&k), Ok(()));
    assert_eq!(Cipher::IpcryptPfx.check_key(&key(PFX_KEY)), Ok(()));
}

#[test]
fn debug_shows_no_key_material() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<PrefixCipher>();
    send_sync::<CachedCipher>();
    let c = Arc::new(PrefixCipher::new(Cipher::CryptoPan, &key(PAN_KEY)));
    assert_eq!(format!("{c:?}"), "PrefixCipher { cipher: CryptoPan, .. }");
    assert_eq!(
        format!("{:?}", CachedCipher::new(c)),
        "CachedCipher { cipher: CryptoPan, .. }"
    );
    assert_eq!(Cipher::default(), Cipher::IpcryptPfx);
}

// ---------------------------------------------------------------------------------------------
// The cache
// ---------------------------------------------------------------------------------------------

/// `n` addresses from `sample` whose slot is `slot(addr) == target`, found by search.
fn colliding<T: Copy>(
    n: usize,
    of: impl Fn(u128) -> T,
    slot: impl Fn(T) -> usize,
    target: usize,
) -> Vec<T> {
    let mut out = Vec::new();
    let mut seed = 0u128;
    while out.len() < n {
        for a in sample(4096).into_iter().map(|a| a ^ seed) {
            let x = of(a);
            if slot(x) == target && out.len() < n {
                out.push(x);
            }
        }
        seed = seed.wrapping_add(0x1234_5678_9abc_def1);
    }
    out
}

#[test]
fn cache_answers_as_the_cipher_through_collisions() {
    for cipher in BOTH {
        let c = shared(cipher);
        let mut cached = CachedCipher::new(Arc::clone(c));
        // Addresses fighting for slot 0 (where the all-zero address lives) and slot 77, the
        // zero addresses themselves, mapped twins of the IPv4 ones, and random others.
        let mut ips: Vec<IpAddr> = Vec::new();
        for target in [0, 77] {
            let c4 = colliding(12, |a| a as u32, slot4, target);
            let c6 = colliding(12, |a| a, slot6, target);
            ips.extend(c4.iter().map(|&a| v4(a)));
            ips.extend(
                c4.iter()
                    .map(|&a| IpAddr::V6(Ipv4Addr::from(a).to_ipv6_mapped())),
            );
            ips.extend(c6.iter().map(|&a| v6(a)));
        }
        ips.extend([v4(0), v6(0), v6(0xffff << 32)]);
        ips.extend(
            sample(40)
                .into_iter()
                .map(|a| if a & 1 == 0 { v4(a as u32) } else { v6(a) }),
        );
        assert_eq!(slot4(0), 0);
        assert_eq!(slot6(0), 0);
        // Repeats and evictions in a scrambled order; decrypt both ciphertexts and random values.
        let mut state = 12345u32;
        for _ in 0..4000 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let ip = ips[state as usize % ips.len()];
            let want = c.encrypt(ip);
            assert_eq!(cached.encrypt(ip), want, "{cipher:?} encrypt {ip}");
            if state % 3 == 0 {
                assert_eq!(cached.decrypt(want), ip, "{cipher:?} decrypt {want}");
                assert_eq!(cached.decrypt(ip), c.decrypt(ip), "{cipher:?} decrypt {ip}");
            }
        }
    }
}

#[test]
fn fresh_cache_answers_for_the_all_zero_addresses() {
    for cipher in BOTH {
        let c = shared(cipher);
        let mut cached = CachedCipher::new(Arc::clone(c));
        for ip in [
            v4(0),
            v6(0),
            IpAddr::V6(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped()),
        ] {
            assert_eq!(cached.decrypt(ip), c.decrypt(ip), "{cipher:?} decrypt {ip}");
            assert_eq!(cached.encrypt(ip), c.encrypt(ip), "{cipher:?} encrypt {ip}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Random streams with many repeats: cached and uncached agree, both ways.
    #[test]
    fn cache_agrees_on_random_streams(
        cipher in cipher_strategy(),
        pool in prop::collection::vec(ipv6_strategy(), 1..40),
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 1..200),
    ) {
        let c = shared(cipher);
        let mut cached = CachedCipher::new(Arc::clone(c));
        for (i, as_v4) in picks {
            let a = pool[i.index(pool.len())];
            let ip = if as_v4 { v4(a as u32) } else { v6(a) };
            let e = cached.encrypt(ip);
            prop_assert_eq!(e, c.encrypt(ip));
            prop_assert_eq!(cached.decrypt(e), ip);
        }
    }
}

#[test]
fn cache_counts_hits_and_misses() {
    let mut cached = CachedCipher::new(Arc::clone(shared(Cipher::CryptoPan)));
    let pair = colliding(2, |a| a as u32, slot4, 1234);
    let (a, b) = (Ipv4Addr::from(pair[0]), Ipv4Addr::from(pair[1]));
    let stats = |hits, misses| CacheStats { hits, misses };
    cached.encrypt_v4(a);
    assert_eq!(cached.stats(), stats(0, 1));
    cached.encrypt_v4(a);
    cached.encrypt_v6(a.to_ipv6_mapped());
    assert_eq!(cached.stats(), stats(2, 1));
    cached.encrypt_v4(b);
    cached.encrypt_v4(a);
    assert_eq!(cached.stats(), stats(2, 3));
    // The all-zero address is there from the start, in both directions.
    cached.encrypt_v4(Ipv4Addr::UNSPECIFIED);
    cached.decrypt_v6(Ipv6Addr::UNSPECIFIED);
    assert_eq!(cached.stats(), stats(4, 3));
}
