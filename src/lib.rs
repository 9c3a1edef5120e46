//! logscrub: scrub personal data from web-server access logs.
//!
//! Every IPv4 and IPv6 address and every email address in a line is found, anywhere in it and in
//! whatever encoding the line has, and replaced (masked to its network, redacted, keyed-hashed or
//! prefix-preservingly encrypted); lines older than a retention window are dropped; every other
//! byte is kept as it was, so the output stays readable by the tools that read the input.
//!
//! # Example
//! Scrub a line with the default actions (mask addresses to /24 and /48, redact emails):
//!
//! ```
//! use logscrub::{Actions, Scrubber};
//!
//! let scrubber = Scrubber::new(Actions::default());
//! let line = b"203.0.113.77 - - [25/Nov/2026:13:55:36 +0000] \"GET /?to=jane%40example.org HTTP/1.1\" 200 5\n";
//! let (out, stats) = scrubber.scrub_to_vec(line);
//! assert_eq!(
//!     out,
//!     b"203.0.113.0 - - [25/Nov/2026:13:55:36 +0000] \"GET /?to=[email] HTTP/1.1\" 200 5\n"
//! );
//! assert_eq!((stats.ipv4, stats.email, stats.lines_out), (1, 1, 1));
//! ```
//!
//! A keyed action carries its key material, so it cannot be built without a key:
//!
//! ```
//! use std::sync::Arc;
//! use logscrub::action::{EmailAction, IpAction, Pseudonyms, Rotation};
//! use logscrub::key::Key;
//! use logscrub::{Actions, Scrubber};
//!
//! let key = Key::from_hex(&[b'7'; 64]).expect("64 hex digits are a key");
//! let pseudonyms = Arc::new(Pseudonyms::new(&key, Rotation::Daily));
//! let actions = Actions {
//!     ip: IpAction::Hash(Arc::clone(&pseudonyms)),
//!     email: EmailAction::Hash(pseudonyms),
//!     ..Actions::default()
//! };
//! let (out, _) = Scrubber::new(actions).scrub_to_vec(b"jane@example.org from 2001:db8::7\n");
//! let out = String::from_utf8(out).unwrap();
//! assert!(out.starts_with("email-") && out.contains(" from ip6-"), "{out}");
//! ```
//!
//! # Data flow
//! Flags and a configuration file (the binary's business) resolve into a validated [`Plan`]
//! ([`plan`]), which names one [`plan::FileJob`] per input. For each, [`input`] opens the file or
//! stdin (gzip sniffed by its magic bytes) and [`framing`] cuts the stream into newline-aligned
//! chunks, each knowing where it stands. [`pipeline`] hands the chunks to workers in submission
//! order. A worker ([`scrub`]) walks its chunk's lines: it reads a line's time when something needs
//! it ([`mod@format`]), judges it against the [`retention`] policy (counting why a line is dropped),
//! finds spans of personal data ([`detect`]) and writes each replaced by its [`action`], with no
//! per-line allocation, counting into [`Stats`] ([`stats`]). A writer drains the results in input
//! order into an [`output`] sink (stdout, or a temporary file renamed into place) and merges the
//! counters, which [`report`] turns into the run's JSON report. [`audit`] (`logscrub check`)
//! audits scrubbed output independently: its own line reader, decoder and patterns, sharing no
//! detection code with the scrubber, so the two do not share blind spots.
//!
//! # Module map
//! Imports run strictly downward, layer by layer:
//!
//! | layer | modules |
//! |---|---|
//! | the run | [`report`] (the JSON report), [`audit`] (the independent leak audit), [`pipeline`] (sequential and ordered parallel paths), [`plan`] (the validated plan and its jobs) |
//! | one chunk, one stream | [`scrub`] (a chunk of lines in, the rewritten bytes and [`Stats`] out), [`framing`] (newline-aligned chunks), [`input`] (files, stdin, gzip), [`output`] (sinks, gzip members, atomic files), [`stats`] (counters merged with `+=`) |
//! | erasure and access | [`forget`] (the forget list, matching its entries in a chunk's lines) |
//! | what and how | [`detect`] (one file per kind of personal data, a SIMD prefilter, long token runs), [`action`] (mask, hash, encrypt, redact, keep), [`mod@format`] (where a line's time is), [`retention`] (the window, the undated policy, each line's fate) |
//! | leaves | [`text`] (hex digits, address text), [`time`] (civil time, timestamp grammars), [`key`] (loading and making keys), [`error`] (typed errors) |
//!
//! The library reads no flags, prints nothing and never exits the process: the `logscrub` binary
//! (`src/bin/logscrub/`) does that, and chooses the exit status.

#![warn(missing_docs)]

pub mod action;
pub mod aggregate;
pub mod audit;
pub mod detect;
pub mod error;
pub mod forget;
pub mod format;
pub mod framing;
pub mod input;
pub mod key;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod retention;
pub mod scrub;
pub mod stats;
pub mod text;
pub mod time;

pub use action::Actions;
pub use error::{Error, Result};
pub use plan::Plan;
pub use scrub::Scrubber;
pub use stats::Stats;
