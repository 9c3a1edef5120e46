//! Inputs the fuzz targets (`fuzz/`, see README "Fuzzing") found to break a property, pinned here so
//! that `cargo test` covers them without the fuzzer. Each test is named after what broke.

use logscrub::action::{Actions, IpAction};
use logscrub::scrub::Scrubber;

fn scrub(actions: Actions, text: &[u8]) -> Vec<u8> {
    Scrubber::new(actions).scrub_to_vec(text).0
}

fn redact() -> Actions {
    Actions {
        ip: IpAction::Redact,
        ..Actions::default()
    }
}

/// `fuzz/fuzz_targets/scrub.rs`, idempotence: `~J~::C:C::~` (IPs redacted) came out as
/// `~J~[ipv6]:C::~`, and a second pass redacted the `C::` the first had left in clear. The IPv6
/// detector took `::C` and skipped the rest of the run; it now searches the rest too.
#[test]
fn an_ipv6_glued_on_by_a_colon_after_another_is_scrubbed_in_the_first_pass() {
    for (actions, input, want) in [
        // A bare `::` after an address ends it, so `::C:C` is one address (no group is left in
        // clear either way; before that rule it was `::C` and `C::`).
        (redact(), &b"~J~::C:C::~"[..], &b"~J~[ipv6]::~"[..]),
        // A masked address before a colon keeps all eight groups (issue 14).
        (Actions::default(), b"~J~::C:C::~", b"~J~0:0:0:0:0:0:0:0::~"),
        (redact(), b"~J~::C:C::C~", b"~J~[ipv6]:[ipv6]~"),
        (
            Actions::default(),
            b"x 2001:db8::1:2001:db8::2 y",
            b"x 2001:db8:0:0:0:0:0:0:db8:: y",
        ),
    ] {
        let once = scrub(actions.clone(), input);
        assert_eq!(
            String::from_utf8_lossy(&once),
            String::from_utf8_lossy(want)
        );
        assert_eq!(scrub(actions, &once), once, "a second pass changes it");
    }
}

/// `fuzz/fuzz_targets/scrub.rs`, idempotence: in `…@:J.@J.PP:C:C435::C` the first pass replaced the
/// email and left `:C:C435::C`, which a second pass masked. A run glued to a word ending in a
/// letter past `f` was never tried after its colon, so `host:2001:db8::1` was left in clear.
#[test]
fn an_ipv6_after_a_word_and_a_colon_is_scrubbed() {
    for (input, want) in [
        (&b"J.@J.PP:C:C435::C"[..], &b"[email]:c:c435::"[..]),
        (b"host:2001:db8::1 x", b"host:2001:db8:: x"),
        (
            b"client:2001:db8:85a3::7 ip:2001:db8::1",
            b"client:2001:db8:85a3:: ip:2001:db8::",
        ),
    ] {
        let once = scrub(Actions::default(), input);
        assert_eq!(
            String::from_utf8_lossy(&once),
            String::from_utf8_lossy(want)
        );
        assert_eq!(
            scrub(Actions::default(), &once),
            once,
            "a second pass changes it"
        );
    }
}

/// `fuzz/fuzz_targets/scrub.rs`, idempotence: `aJ.@J.GP::B.::B*:` came out as `[email]::B.::B*:`,
/// and a second pass masked the `::B` after the dot. `GP::B` is a name, and the IPv6 search then
/// resumed past the whole run, through its dot, so the address after it was never looked at.
#[test]
fn an_ipv6_after_a_dot_that_ends_a_name_is_scrubbed() {
    for (input, want) in [
        (&b"GP::B.::B*:"[..], &b"GP::B.::*:"[..]),
        (b"Foo::B.2001:db8::1 x", b"Foo::B.2001:db8:: x"),
    ] {
        let once = scrub(Actions::default(), input);
        assert_eq!(
            String::from_utf8_lossy(&once),
            String::from_utf8_lossy(want)
        );
        assert_eq!(scrub(Actions::default(), &once), once);
    }
}

/// `fuzz/fuzz_targets/scrub.rs`, the reference replacement: in `8:A8.2%2e8.28.9.28.91` the
/// scrubber masked the address with an encoded dot to `8.2%2e8.0` while `Actions::write` on the
/// same span wrote `[ipv4]`: only the scrubber knew encoded dots. `Actions::write` now handles
/// them itself, so the scrubber, the fuzz reference and every other caller agree.
#[test]
fn an_address_with_an_encoded_dot_is_replaced_alike_by_the_scrubber_and_the_action() {
    use logscrub::action::ActionCache;
    use logscrub::detect::{find_spans, Kind};
    // (The fuzzer's line was `8:A8.2%2e8.28.9.28.91`; since a chain of more than four numbers is
    // read from its right end, its address no longer holds the encoded dot, so the chain here is
    // cut to five numbers, whose address `2%2e8.28.9` does.)
    let text = b"8:A8.2%2e8.28.9";
    assert_eq!(scrub(Actions::default(), text), b"8:A8.2%2e8.28.0");
    let spans = find_spans(text);
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].kind, Kind::Ipv4);
    let mut out = Vec::new();
    let whole = &text[spans[0].start..spans[0].end];
    Actions::default().write(&mut ActionCache::default(), 0, Kind::Ipv4, whole, &mut out);
    assert_eq!(out, b"2%2e8.28.0");
}

/// `fuzz/fuzz_targets/detect.rs`: `0:::15:0` is `0::` and `::15:0` sharing the middle colon; the
/// two finds overlap and merge into one span that parses as neither, which the target took for a
/// broken span. The merge is by design (nothing of either is left in clear); the target now
/// accepts a span that is two addresses overlapping in a `:::`.
#[test]
fn two_ipv6_addresses_sharing_a_colon_are_replaced_as_one() {
    assert_eq!(scrub(Actions::default(), b"0:::15:0\n"), b"[ipv6]\n");
    assert_eq!(scrub(redact(), b"x 0:::15:0 y\n"), b"x [ipv6] y\n");
}

/// `fuzz/fuzz_targets/detect.rs`: the target read IPv4 spans with `ipv4::parse`, which knows no
/// URL-encoded dots, and took `21%2E0.10.001` (after `::1%`) for a broken span. The span is right;
/// the target now reads it with `ipv4::parse_encoded`.
#[test]
fn an_address_with_an_encoded_dot_after_a_zone_sign_is_masked() {
    assert_eq!(
        scrub(Actions::default(), b"::1%21%2E0.10.001 x\n"),
        b"::%21%2E0.10.0 x\n"
    );
}

/// `fuzz/fuzz_targets/detect.rs`: in `::8:2:A8::8:28:2:28:2:28:2:2` the address `A8::8:28:2:28:2:28`
/// is followed by `:2:2`, what is left of another address it took the first groups of; the two
/// merge into one span of nine groups, which the target took for a broken span. Nothing of it is
/// left in clear.
#[test]
fn an_address_and_the_groups_left_after_it_are_replaced_as_one() {
    assert_eq!(
        scrub(redact(), b"::8:2:A8::8:28:2:28:2:28:2:2\n"),
        b"[ipv6]:[ipv6]\n"
    );
}

/// `fuzz/fuzz_targets/detect.rs`: a quad with URL-encoded dots overlapping an IPv6 address
/// (`90%2e0%2e0%2e1::0:8`) merges into one IPv6 span holding no plain dot, which the target's
/// "merged with an IPv4" rule did not expect. The whole is replaced.
#[test]
fn an_encoded_quad_overlapping_an_ipv6_address_is_replaced_as_one() {
    assert_eq!(
        scrub(Actions::default(), b"90%2e0%2e0%2e1::0:8 x\n"),
        b"[ipv6] x\n"
    );
}
