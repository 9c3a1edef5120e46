//! Integration tests that run the real `logscrub` binary, gathered in one test binary as
//! ripgrep gathers its own in `tests/tests.rs`: the suite links once, and its tests share one
//! cache of default outputs ([`util::default_output`]), so each big real log is scrubbed once.
//!
//! Every test runs the binary on files in `testdata/` or on text it makes, and checks the
//! output against expectations computed independently of the crate: hand-written lines,
//! replacement tables, leak checkers that parse every token with `std::net`, a small JSON
//! parser, a CLF time reader.
//!
//! Layout:
//!
//! - `tests/cli/main.rs` (this file): the lists of files in `testdata/` that tests run over, and
//!   one module per feature, each opening with a `//!` doc that says what it covers;
//! - `tests/cli/<feature>.rs`: the tests of that feature, and the helpers only they use;
//! - `tests/util/`: the harness that runs the binary and the independent checks the modules
//!   share. Nothing there uses logscrub's library code.
//!
//! The tests of one feature: `cargo test --test cli retention::`.

// The harness and the independent checks live in `tests/util/`, beside the test targets
// rather than inside this one's directory.
#[path = "../util/mod.rs"]
mod util;

/// Every real log copied into `testdata/` (see `testdata/SOURCES.md`).
const REAL_LOGS: &[&str] = &[
    "access/elastic_apache_logs_2015.log.gz",
    "access/honeynet_redhat71_httpd_2004.log.gz",
    "access/crowdsec_hub_tests_clf_lines.log",
    "access/elastic_beats/apache_darwin-2.4.23.log",
    "access/elastic_beats/apache_ssl-request.log",
    "access/elastic_beats/apache_test.log",
    "access/elastic_beats/nginx_access.log",
    "access/elastic_beats/nginx_test-with-host.log",
    "access/elastic_beats/nginx_test.log",
    "access/lnav/logfile_access_log.0",
    "access/lnav/logfile_bad_access_log.0",
    "json/crowdsec_hub_tests_json_lines.jsonl",
];

/// Real logs small enough to run many times (thread × chunk-size matrix).
const SMALL_REAL_LOGS: &[&str] = &[
    "access/crowdsec_hub_tests_clf_lines.log",
    "json/crowdsec_hub_tests_json_lines.jsonl",
];

/// Hand-made files whose output goes through the leak checks too.
const HAND_MADE: &[&str] = &[
    "sample.log",
    "crlf.log",
    "no_final_newline.log",
    "invalid_utf8.log",
    "empty_lines.log",
    "multi_member.log.gz",
    "plain_named.gz",
    "gzip_no_suffix",
    "long_line.log",
    "hard_lines.log",
];

// What the scrubbed text is
mod actions;
mod detection;
mod exact_output;
mod json_lines;
mod real_logs;

// How it is read and written
mod gzip;
mod live;
mod parallel;
mod targets;

// Keyed actions and retention
mod formats;
mod keys;
mod retention;

// Running it in production
mod aggregate;
mod check;
mod check_differential;
mod config;
mod forget;
mod help;
mod progress;
mod recipes;
mod report;
mod subject;

// When things go wrong
mod faults;
mod hostile;
mod signals;
mod usage_errors;
