//! Unit tests of the aggregator: classification, visitors, days, suppression.

use super::tables::{build, OTHER};
use super::*;

fn key() -> Key {
    Key::from_hex(&[b'5'; 64]).unwrap()
}

fn line(ip: &str, day: u32, path: &str, status: u16, ua: &str) -> String {
    format!("{ip} - - [{day:02}/Nov/2026:10:00:00 +0000] \"GET {path} HTTP/1.1\" {status} 5 \"-\" \"{ua}\"\n")
}

fn tally_of(agg: &Aggregator, text: &str) -> Tally {
    let mut t = Tally::default();
    agg.add_lines(text.as_bytes(), &mut Scratch::default(), &mut t);
    t
}

fn agg(config: Config) -> Aggregator {
    Aggregator::new(config, key()).unwrap()
}

#[test]
fn page_views_bots_statics_and_statuses() {
    let a = agg(Config::default());
    let mut text = String::new();
    text += &line("1.1.1.1", 24, "/a", 200, "Mozilla");
    text += &line("1.1.1.1", 24, "/a", 304, "Mozilla");
    text += &line("1.1.1.1", 24, "/a", 404, "Mozilla");
    text += &line("1.1.1.1", 24, "/s.CSS", 200, "Mozilla");
    text += &line("2.2.2.2", 24, "/a", 200, "Googlebot/2.1");
    text +=
        "1.1.1.1 - - [24/Nov/2026:10:00:00 +0000] \"POST /a HTTP/1.1\" 200 5 \"-\" \"Mozilla\"\n";
    text += "garbage\n";
    let t = tally_of(&a, &text);
    assert_eq!(
        (t.lines.lines, t.lines.counted, t.lines.skipped()),
        (7, 6, 1)
    );
    assert_eq!(t.lines.unparsable[Unparsable::NoTime.index()], 1);
    let mut d = t.days.values().next().unwrap().clone();
    assert_eq!((d.requests, d.bot_requests, d.static_requests), (6, 1, 1));
    assert_eq!(d.status, [4, 1, 1, 0]);
    let p = d.pages.get_mut(&b"/a"[..]).unwrap();
    assert_eq!(p.page_views, 2);
    assert_eq!(p.visitors.count(1024).value, 1);
    assert_eq!(d.visitors.count(1024).value, 1);
    let only = agg(Config {
        bots: Bots::Only,
        ..Config::default()
    });
    let mut d = tally_of(&only, &text).days.into_values().next().unwrap();
    assert_eq!(d.pages[&b"/a"[..]].page_views, 1);
    assert_eq!(d.visitors.count(1024).value, 1);
}

#[test]
fn visitors_are_client_and_agent_per_day_in_the_zone() {
    let a = agg(Config {
        tz_offset: 3600,
        ..Config::default()
    });
    let mut text = String::new();
    text += &line("1.1.1.1", 24, "/", 200, "A");
    text += &line("1.1.1.1", 24, "/", 200, "B");
    text += &line("1.1.1.2", 24, "/", 200, "A");
    text += "1.1.1.1 - - [24/Nov/2026:23:30:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"A\"\n";
    let t = tally_of(&a, &text);
    let mut days: Vec<_> = t.days.into_iter().collect();
    days.sort_by_key(|d| d.0);
    assert_eq!(date(days[0].0), "2026-11-24");
    assert_eq!(date(days[1].0), "2026-11-25");
    assert_eq!(days[0].1.visitors.count(1024).value, 3);
    assert_eq!(days[1].1.visitors.count(1024).value, 1);
}

#[test]
fn suppression_pools_into_other_or_marks_the_day_partial() {
    let a = agg(Config {
        min_visitors: 5,
        ..Config::default()
    });
    let mut text = String::new();
    // /big: 7 visitors; /small1: 3; /small2: 2 (disjoint) -> (other) has 5: published.
    for i in 0..7 {
        text += &line(&format!("10.0.0.{i}"), 24, "/big", 200, "M");
    }
    for i in 0..3 {
        text += &line(&format!("10.0.1.{i}"), 24, "/small1", 200, "M");
    }
    for i in 0..2 {
        text += &line(&format!("10.0.2.{i}"), 24, "/small2", 200, "M");
    }
    // Day 25: /big 6 visitors, /tiny 1: (other) has 1: dropped, day partial.
    for i in 0..6 {
        text += &line(&format!("10.0.0.{i}"), 25, "/big", 200, "M");
    }
    text += &line("10.9.9.9", 25, "/tiny", 200, "M");
    // Day 26: 4 visitors in all: nothing published.
    for i in 0..4 {
        text += &line(&format!("10.0.0.{i}"), 26, "/big", 200, "M");
    }
    let tables = build(tally_of(&a, &text), a.config());
    let rows: Vec<(&str, &str, u64, u64)> = tables
        .pages
        .iter()
        .map(|r| (r.date.as_str(), r.path.as_str(), r.page_views, r.visitors))
        .collect();
    assert_eq!(
        rows,
        [
            ("2026-11-24", "/big", 7, 7),
            ("2026-11-24", OTHER, 5, 5),
            ("2026-11-25", "/big", 6, 6),
        ]
    );
    assert_eq!(tables.days.len(), 2);
    assert!(!tables.days[0].partial && tables.days[1].partial);
    assert_eq!(tables.days[0].page_views, 12);
    assert_eq!(tables.days[1].page_views, 6);
    assert_eq!(tables.withheld.days, 1);
    assert_ne!(
        tables.digest("2026-11-24", 1024),
        tables.digest("2026-11-25", 1024)
    );
}

#[test]
fn max_paths_pools_the_rest() {
    let a = agg(Config {
        min_visitors: 5,
        max_paths: 1,
        ..Config::default()
    });
    let mut text = String::new();
    for p in ["/a", "/b"] {
        for i in 0..5 {
            text += &line(&format!("10.0.0.{i}"), 24, p, 200, "M");
        }
    }
    let tables = build(tally_of(&a, &text), a.config());
    let paths: Vec<&str> = tables.pages.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/a", OTHER]);
}

#[test]
fn settings_that_would_single_people_out_are_refused() {
    let e = Aggregator::new(
        Config {
            min_visitors: 4,
            ..Config::default()
        },
        key(),
    )
    .unwrap_err();
    assert_eq!(e, ConfigError::KTooSmall(4));
    let e = Aggregator::new(
        Config {
            exact_limit: 9,
            ..Config::default()
        },
        key(),
    )
    .unwrap_err();
    assert!(matches!(e, ConfigError::LimitBelowK { .. }));
    let e = Aggregator::new(
        Config {
            format: Format::Text,
            ..Config::default()
        },
        key(),
    )
    .unwrap_err();
    assert_eq!(e, ConfigError::TextFormat);
}

#[test]
fn zones() {
    assert_eq!(parse_tz("UTC"), Ok(0));
    assert_eq!(parse_tz("+01:00"), Ok(3600));
    assert_eq!(parse_tz("-0530"), Ok(-19800));
    for bad in ["1", "+1", "+24:00", "+01:60", "Europe/Paris", "+01:00:00"] {
        assert!(parse_tz(bad).is_err(), "{bad}");
    }
}

mod removing_one_visitor {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// A log from `(visitor, day, path)` triples: visitor `v` is client 10.0.v/256.v%256 with
    /// agent `A{v % 3}`.
    fn log(views: &[(u16, u8, u8)], skip: Option<u16>) -> String {
        let mut text = String::new();
        for &(v, day, p) in views.iter().filter(|(v, _, _)| Some(*v) != skip) {
            let ip = format!("10.0.{}.{}", v / 256, v % 256);
            text += &line(
                &ip,
                24 + u32::from(day % 3),
                &format!("/p{}", p % 6),
                200,
                &format!("A{}", v % 3),
            );
        }
        text
    }

    fn published(text: &str) -> (HashMap<(String, String), u64>, HashMap<String, u64>) {
        let a = agg(Config {
            min_visitors: 5,
            ..Config::default()
        });
        let t = build(tally_of(&a, text), a.config());
        let pages = t
            .pages
            .iter()
            .filter(|r| r.path != OTHER)
            .map(|r| ((r.date.clone(), r.path.clone()), r.visitors))
            .collect();
        let days = t
            .days
            .iter()
            .map(|d| (d.date.clone(), d.visitors))
            .collect();
        (pages, days)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Every path row and day's visitors move by at most one; a row that appears or
        /// disappears does so at exactly k. (`(other)` pools whatever falls under k, so it can
        /// move by more: the ledger is what keeps a changed day from being published.)
        #[test]
        fn changes_each_published_row_by_at_most_one(
            views in proptest::collection::vec((0u16..60, 0u8..3, 0u8..6), 50..400),
            pick in 0usize..400,
        ) {
            let victim = views[pick % views.len()].0;
            let (pages, days) = published(&log(&views, None));
            let (pages_without, days_without) = published(&log(&views, Some(victim)));
            for (cell, v) in &pages {
                match pages_without.get(cell) {
                    Some(w) => prop_assert!(v - w <= 1 && v >= w, "{cell:?}: {v} -> {w}"),
                    None => prop_assert_eq!(*v, 5, "{:?} vanished from {}", cell, v),
                }
            }
            for (cell, w) in &pages_without {
                prop_assert!(pages.contains_key(cell), "{cell:?} ({w}) appeared");
            }
            for (date, v) in &days {
                match days_without.get(date) {
                    Some(w) => prop_assert!(v - w <= 1 && v >= w, "{date}: {v} -> {w}"),
                    None => prop_assert_eq!(*v, 5),
                }
            }
        }
    }
}
