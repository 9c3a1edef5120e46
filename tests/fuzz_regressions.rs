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
        (Actions::default(), b"~J~::C:C::~", b"~J~::::~"),
        (redact(), b"~J~::C:C::C~", b"~J~[ipv6]:[ipv6]~"),
        (
            Actions::default(),
            b"x 2001:db8::1:2001:db8::2 y",
            b"x 2001:db8:::db8:: y",
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
