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
        (redact(), &b"~J~::C:C::~"[..], &b"~J~[ipv6]:[ipv6]~"[..]),
        (Actions::default(), b"~J~::C:C::~", b"~J~:::c::~"),
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
