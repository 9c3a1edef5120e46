use super::*;

fn clf(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let layout = clf_layout(b)?;
    assert_eq!(layout.end, b.len(), "{s}");
    clf_value(b, layout, &mut DayCache::default())
}

fn iso(s: &str) -> Option<i64> {
    rfc3339(s.as_bytes(), Zone::DefaultUtc, &mut DayCache::default())
}

fn ep(s: &str) -> Option<i64> {
    epoch(s.as_bytes())
}

#[test]
fn civil_arithmetic() {
    assert_eq!(unix_seconds(1970, 1, 1, 0, 0, 0, 0), Some(0));
    assert_eq!(unix_seconds(2000, 3, 1, 0, 0, 0, 0), Some(951_868_800));
    assert_eq!(unix_seconds(2026, 11, 25, 0, 0, 0, 0), Some(1_795_564_800));
    assert_eq!(unix_seconds(1969, 12, 31, 23, 59, 59, 0), Some(-1));
    assert_eq!(unix_seconds(1600, 1, 1, 0, 0, 0, 0), Some(-11_676_096_000));
    assert_eq!(
        unix_seconds(2026, 11, 24, 13, 55, 36, -7 * 3600),
        Some(1_795_553_736)
    );
}

#[test]
fn rejects_impossible_civil_values() {
    assert!(unix_seconds(2024, 2, 29, 0, 0, 0, 0).is_some());
    assert!(unix_seconds(2000, 2, 29, 0, 0, 0, 0).is_some());
    for (y, mo, d, h, mi, s, off) in [
        (2026, 2, 29, 0, 0, 0, 0),
        (1900, 2, 29, 0, 0, 0, 0),
        (2026, 4, 31, 0, 0, 0, 0),
        (2026, 0, 1, 0, 0, 0, 0),
        (2026, 13, 1, 0, 0, 0, 0),
        (2026, 1, 0, 0, 0, 0, 0),
        (2026, 1, 1, 24, 0, 0, 0),
        (2026, 1, 1, 0, 60, 0, 0),
        (2026, 1, 1, 0, 0, 61, 0),
        (2026, 1, 1, 0, 0, 0, 24 * 3600),
        (2026, 1, 1, 0, 0, 0, i64::MIN),
        (2_000_000, 1, 1, 0, 0, 0, 0),
    ] {
        assert_eq!(
            unix_seconds(y, mo, d, h, mi, s, off),
            None,
            "{y}-{mo}-{d} {h}:{mi}:{s} {off}"
        );
    }
}

#[test]
fn leap_second_reads_as_59() {
    assert_eq!(
        unix_seconds(2016, 12, 31, 23, 59, 60, 0),
        unix_seconds(2016, 12, 31, 23, 59, 59, 0)
    );
    assert_eq!(
        clf("31/Dec/2016:23:59:60 +0000"),
        clf("31/Dec/2016:23:59:59 +0000")
    );
    assert_eq!(iso("2016-12-31T23:59:60Z"), iso("2016-12-31T23:59:59Z"));
}

#[test]
fn month_abbreviations() {
    assert_eq!(month(b"Nov"), Some(11));
    assert_eq!(month(b"nov"), Some(11));
    assert_eq!(month(b"NOV"), Some(11));
    assert_eq!(month(b"jAn"), Some(1));
    for bad in [&b"Foo"[..], b"No", b"Nove", b"N\xcev", b"\x0eov", b"Nov\0"] {
        assert_eq!(month(bad), None, "{bad:?}");
    }
}

#[test]
fn clf_values_and_offsets() {
    assert_eq!(clf("24/Nov/2026:13:55:36 -0700"), Some(1_795_553_736));
    assert_eq!(clf("24/Nov/2026:20:55:36 +0000"), Some(1_795_553_736));
    assert_eq!(clf("25/Nov/2026:02:25:36 +0530"), Some(1_795_553_736));
    assert_eq!(clf("24/Nov/2026:20:55:36 -0000"), Some(1_795_553_736));
    assert_eq!(clf("24/nov/2026:13:55:36.987 -0700"), Some(1_795_553_736));
    assert_eq!(clf("29/Feb/2024:00:00:00 +0000"), Some(1_709_164_800));
}

#[test]
fn clf_rejects_bad_values() {
    for bad in [
        "29/Feb/2026:00:00:00 +0000",
        "31/Apr/2026:00:00:00 +0000",
        "00/Nov/2026:00:00:00 +0000",
        "24/Foo/2026:13:55:36 -0700",
        "24/Nov/2026:24:00:00 +0000",
        "24/Nov/2026:23:60:00 +0000",
        "24/Nov/2026:23:59:61 +0000",
        "24/Nov/2026:13:55:36 +2400",
        "24/Nov/2026:13:55:36 +0060",
    ] {
        assert_eq!(clf(bad), None, "{bad}");
    }
}

#[test]
fn clf_layout_rejects_other_shapes() {
    for bad in [
        "24/Nov/26:13:55:36 -0700",
        "4/Nov/2026:13:55:36 -0700",
        "24/Nov/2026:13:55 -0700",
        "24/Nov/2026:13:55:36 0700",
        "24/Nov/2026:13:55:36 -07:00",
        "24/Nov/2026:13:55:36 -070",
        "24/Nov/2026:13:55:36. -0700",
        "24/Nov/2026 13:55:36 -0700",
        "24/N0v/2026:13:55:36 -0700",
        "2001:db8::1]:443",
        "",
    ] {
        assert_eq!(clf_layout(bad.as_bytes()), None, "{bad}");
    }
}

#[test]
fn rfc3339_forms() {
    let t = Some(1_795_553_736); // 2026-11-24T20:55:36Z
    for ok in [
        "2026-11-24T20:55:36Z",
        "2026-11-24t20:55:36z",
        "2026-11-24 20:55:36Z",
        "2026-11-24T20:55:36.999999999Z",
        "2026-11-24T20:55:36,5Z",
        "2026-11-24T13:55:36-07:00",
        "2026-11-24T13:55:36-0700",
        "2026-11-24T13:55:36-07",
        "2026-11-25T02:25:36+05:30",
        "2026-11-25T02:25:36.123+0530",
        "2026-11-24T20:55:36",
        "2026-11-24T20:55:36.598288",
    ] {
        assert_eq!(iso(ok), t, "{ok}");
    }
    for bad in [
        "2026-11-24T20:55:36+05:3",
        "2026-11-24T20:55:36+24:00",
        "2026-11-24T20:55:36+05:60",
        "2026-11-24T20:55:36.Z",
        "2026-11-24T20:55:36Zjunk",
        "2026-11-24T20:55Z",
        "2026-11-24",
        "2026-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "26-11-24T20:55:36Z",
        "2026-11-24X20:55:36Z",
        "2026-11-24T20:55:36 Z",
        "2026-1-24T20:55:36Z",
    ] {
        assert_eq!(iso(bad), None, "{bad}");
    }
    assert_eq!(iso("2024-02-29T00:00:00Z"), Some(1_709_164_800));
    let mut cache = DayCache::default();
    assert_eq!(
        rfc3339(b"2026-11-24T20:55:36", Zone::Required, &mut cache),
        None
    );
    assert_eq!(
        rfc3339(b"2026-11-24T20:55:36Z", Zone::Required, &mut cache),
        t
    );
}

#[test]
fn epoch_units_by_magnitude() {
    let t = Some(1_700_000_000);
    for ok in [
        "1700000000",
        "1700000000.999",
        "1700000000123",
        "1700000000123.5",
        "1700000000123456",
        "1700000000123456789",
        "1.7e9",
        "1.7E+9",
        "17000000000000e-4",
        "0001700000000",
        "0000000000000000000000000000000000000001700000000",
        "1.700000000123e12",
        "1700000000.5e0",
        "17000000009e-1",
    ] {
        assert_eq!(ep(ok), t, "{ok}");
    }
    // The band edges.
    assert_eq!(ep("100000000"), Some(100_000_000));
    assert_eq!(ep("99999999999"), Some(99_999_999_999));
    assert_eq!(ep("100000000000"), Some(100_000_000));
    assert_eq!(ep("99999999.9"), None);
    assert_eq!(ep("18446744073709551615"), Some(18_446_744_073));
    assert_eq!(ep("18446744073709551616"), None);
    assert_eq!(ep("100000000000000000000"), None);
    for bad in [
        "",
        "-1700000000",
        "1700000000.",
        "x",
        "1700000000x",
        ".5",
        "1e",
        "1e+",
        "0.25",
        "42",
        "1e999",
        "1700000000 ",
        "1.7e-9",
        "1.7e9.5",
        "1.7e+-9",
        "170000000000000000000",
        "1.7x9",
    ] {
        assert_eq!(ep(bad), None, "{bad}");
    }
    // Digits beyond what a u128 holds are still a number (and absurd).
    assert_eq!(ep(&"9".repeat(60)), None);
    assert_eq!(ep(&format!("1700000000.{}", "9".repeat(60))), t);
}

#[test]
fn cache_holds_the_last_date_only() {
    let mut cache = DayCache::<16>::default();
    let a = b"24/Nov/2026:13:55:36 -0700";
    let b = b"25/Nov/2026:13:55:36 -0700";
    let c = b"24/Nov/2026:13:55:36 +0000";
    let v = |s: &[u8], cache: &mut DayCache<16>| clf_value(s, clf_layout(s).unwrap(), cache);
    assert_eq!(v(a, &mut cache), Some(1_795_553_736));
    assert_eq!(v(b, &mut cache), Some(1_795_553_736 + 86_400));
    assert_eq!(v(c, &mut cache), Some(1_795_553_736 - 7 * 3600));
    assert_eq!(v(a, &mut cache), Some(1_795_553_736));
    // A rejected date does not poison the cache.
    assert_eq!(v(b"29/Feb/2026:13:55:36 -0700", &mut cache), None);
    assert_eq!(v(a, &mut cache), Some(1_795_553_736));
}

#[test]
fn utc_text() {
    assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
    assert_eq!(format_utc(1_795_564_800), "2026-11-25T00:00:00Z");
    assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(format_utc(-1), "1969-12-31T23:59:59Z");
}
