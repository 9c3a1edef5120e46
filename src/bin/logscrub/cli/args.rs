//! The command line as clap reads it: every flag, value and help text of `logscrub` and its
//! commands. Nothing here is checked beyond what each flag's own parser checks; the resolution into
//! a plan is [`super::resolve`].

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use logscrub::action::mask::{DEFAULT_IPV4_PREFIX, DEFAULT_IPV6_PREFIX};
use logscrub::format::LogFormat;
use logscrub::plan::{DEFAULT_LEVEL, DEFAULT_UNDATED_THRESHOLD};
use logscrub::retention::{parse_duration, parse_now};

const EXAMPLES: &str = "\
Examples:
  zcat access.log.1.gz | logscrub | less       scrub a pipe, read the result
  logscrub access.log.2.gz -o clean.log.gz     one file in, one gzip file out (written atomically)
  logscrub /var/log/nginx/access.log.*.gz -o /srv/clean/
                                               many files, scrubbed side by side into a directory
  logscrub --ip redact --email keep x.log      replace addresses with [ipv4]/[ipv6], keep emails
  logscrub --ipv4-prefix 16 --ipv6-prefix 32   coarser masks
  logscrub --max-age 90d access.log.*.gz -o out/
                                               also drop every line older than 90 days
  logscrub --max-age 36h --now 2026-11-25T00:00:00Z --undated keep x.log
                                               a reproducible window; keep lines without a time
  logscrub keygen -o /etc/logscrub/key         make a key (mode 0600)
  logscrub --key-file /etc/logscrub/key --ip hash --email hash --rotate daily x.log
                                               keyed pseudonyms, linkable within a day only
  logscrub --key-file KEY --ip encrypt x.log > enc.log; logscrub reveal --key-file KEY enc.log
                                               prefix-preserving encryption, and its inverse
  logscrub --config /etc/logscrub.toml --report run.json access.log.1.gz -o /srv/clean/
                                               settings from a file, a JSON report of the run
  logscrub --config /etc/logscrub.toml --print-config
                                               show the settings a run would use (never the key)
  logscrub check /srv/clean/*.gz               audit scrubbed output: exit 1 if anything leaked

Retention: with --max-age, each line is judged on its own time (real logs are not sorted): a line
is kept when now - max-age <= its time. Times are read from the CLF field [24/Nov/2026:13:55:36
-0700] or from a JSON field (time, timestamp, @timestamp, ts, time_local, time_iso8601, date,
EdgeStartTimestamp, __REALTIME_TIMESTAMP, or --time-field; top-level keys first) holding RFC 3339
text, CLF text or epoch seconds/milliseconds/microseconds, within the first 4 KiB of the line.
--format auto (the default) also recognises, line by line, W3C extended (IIS, CloudFront; #Fields:
headers are kept and name the columns), ELB/ALB, Squid, Cloud Storage, HAProxy and Envoy lines,
and any of them behind an RFC 3164 or RFC 5424 syslog prefix (a 3164 prefix's year is the latest
not more than a day after --now). Dropped lines are counted per reason and reported on stderr.
  logscrub --max-age 90d u_ex261124.log        IIS W3C: keeps the #Fields: headers, judges the rest
  logscrub --max-age 7d --format alb elb.log   AWS ALB lines only
  logscrub --max-age 30d --now 2026-11-25T00:00:00Z /var/log/syslog   JSON or CLF behind syslog
  logscrub --max-age 30d --log-format '$remote_addr - $remote_user [$time_local] \"$request\" $status' x.log
                                               a custom nginx log_format (or an Apache LogFormat)

What is found, anywhere in a line: IPv4 dotted quads (also with :port, in brackets, in lists, glued
to letters), IPv6 in every RFC 4291 form (compressed, embedded IPv4, zone ids, [addr]:port), and
email addresses (also URL-encoded as %40). Everything else is copied byte for byte, whatever the
encoding; one line comes out for every line that goes in, in the same order.

Configuration: --config FILE (or LOGSCRUB_CONFIG) reads TOML with one key per option, named as
the long flag: ip = \"hash\", max-age = \"90d\", time-field = [\"ts\"], quiet = true. Flags override
the file; the file overrides the defaults. `logscrub --print-config` prints every key.

Exit status: 0 when every input was scrubbed; 2 on a usage or configuration error, when any input
failed (the others are still processed, and the report says which failed) or when the report
cannot be written; 1 only from `logscrub check`, when it finds personal data; 128 + n when stopped
by signal n (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, which with --append reopens the
output instead of stopping).";

/// What to do with IP addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum IpArg {
    /// Zero the host bits beyond --ipv4-prefix / --ipv6-prefix (203.0.113.77 -> 203.0.113.0)
    Mask,
    /// Replace with the marker [ipv4] or [ipv6]
    Redact,
    /// Leave addresses as they are
    Keep,
    /// Keyed pseudonym: ip4-/ip6- and 16 hex digits of HMAC-SHA256 (needs a key)
    Hash,
    /// Prefix-preserving encryption, IPv4 stays IPv4 (needs a key; undo with `logscrub reveal`)
    Encrypt,
}

/// What to do with email addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmailArg {
    /// Replace with the marker [email]
    Redact,
    /// Leave emails as they are
    Keep,
    /// Keyed pseudonym: email- and 16 hex digits of HMAC-SHA256 (needs a key)
    Hash,
}

/// The prefix-preserving cipher of --ip encrypt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CipherArg {
    /// ipcrypt-pfx (draft-denis-ipcrypt)
    IpcryptPfx,
    /// Crypto-PAn (Xu, Fan, Ammar, Moon)
    Cryptopan,
}

/// When the pseudonym key changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RotateArg {
    /// One key for all time: a visitor is linkable across days
    Never,
    /// A key per UTC day of the line: linkable within a day only
    Daily,
    /// A key per UTC month of the line
    Monthly,
}

/// Commands besides scrubbing.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a fresh random 32-byte key as 64 hex characters (to stdout, or a new file with mode 0600)
    Keygen {
        /// Create this file (refused if it exists) instead of writing to stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Decrypt addresses encrypted by --ip encrypt (incident response; needs the key)
    Reveal(RevealArgs),
    /// Audit scrubbed logs independently of the scrubber: print every email and every IP address
    /// with host bits set, also encoded, like grep (file:line: kind: text); exit 1 if any, 0 if
    /// clean, 2 on error
    Check(CheckArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Daily page views and visitors per page, safe to share: k-anonymous tables (CSV or JSON) and
    /// a plot
    Aggregate(Box<AggregateArgs>),
    /// Print the man page (roff) to stdout: logscrub man > /usr/local/share/man/man1/logscrub.1;
    /// logscrub man check > …/logscrub-check.1 for a command's own page
    Man {
        /// The command whose page to print [default: logscrub's own].
        #[arg(value_name = "COMMAND", value_parser = MAN_PAGES)]
        command: Option<String>,
    },
    /// Erase on request: drop every line of already-written logs (scrubbed or raw, gzip or plain)
    /// that holds an entry of a forget list, changing no other byte; --prune ages the list
    Forget(ForgetArgs),
    /// Access on request: export every line about one person as JSON Lines (mode 0600), every
    /// other person's data in them scrubbed
    Subject(SubjectArgs),
}

/// The help after `logscrub forget --help`.
const FORGET_HELP: &str = "\
The list (a file: never entries on the command line, which `ps` shows), UTF-8, one entry a line:
  # ticket 4711
  2026-11-25 email:jane.doe@example.org
  2026-11-25 ip:2001:db8::7
  2026-11-25 user:jdoe
  2026-11-25 pseudonym:email-3f2a9c0d4b1e8f77
The date is the day of the request. Every text form matches its entry: ::ffff:203.0.113.7,
[2001:DB8::7]:443, zero-padded octets, jane.doe%40example.org, %2540, upper case, mailto:. A
sub-address is another address: jane+news@ is not jane@. Networks are refused: list each address.

With --key-file (and the --rotate the logs were hashed with), each address and email entry's
pseudonym for a line's own day is matched too; with --ip-cipher, the files' addresses are taken as
encrypted by --ip encrypt under that cipher and the key, and each address entry's encryption is
matched instead of the address.

Safety valve: an entry on more than --forget-max-share percent (default 1) and more than 10 of a
file's lines fails that file, writing nothing (a shared gateway address, or ip:126.0.0.0 against
Chrome/126.0.0.0). Messages and the report name entries by their line in the list, never by value.

Examples:
  logscrub forget --list /etc/logscrub/forget.txt --in-place /srv/analytics/*.gz
                                     erase in place, atomically, file by file
  logscrub forget --list forget.txt --key-file /etc/logscrub/key --rotate daily -o clean/ h.log.gz
                                     hashed copies: match each entry's pseudonym of the line's day
  logscrub forget --list forget.txt --prune --max-age 90d
                                     take out entries older than 90 days plus the 30-day grace";

/// Flags of `logscrub forget`.
#[derive(Debug, Args)]
#[command(after_help = FORGET_HELP)]
pub struct ForgetArgs {
    /// Logs to rewrite (gzip or plain; a gzip file must be named .gz, a plain one not).
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,
    /// The forget list.
    #[arg(long, value_name = "FILE", required = true)]
    pub list: PathBuf,
    /// Write each rewritten file into this directory, keeping its name.
    #[arg(short, long, value_name = "DIR", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,
    /// Replace each file by its rewritten text (atomically: a temporary file renamed over it).
    #[arg(long)]
    pub in_place: bool,
    /// How the logs were written: their key, rotation, cipher and layout.
    #[command(flatten)]
    pub written: WrittenArgs,
    /// "Now" (RFC 3339 or @unix): for --prune, and the day of undated lines under --rotate.
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_now)]
    pub now: Option<i64>,
    /// Fail a file on which one entry takes more than this percentage of the lines (and more than
    /// 10), writing nothing for it.
    #[arg(long, value_name = "PERCENT", default_value_t = 1.0, value_parser = parse_share)]
    pub forget_max_share: f64,
    /// Rewrite the list without the entries requested before now - max-age - grace.
    #[arg(long, requires = "max_age")]
    pub prune: bool,
    /// The retention window of the logs, for --prune (90d, 12w, …).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_age: Option<u64>,
    /// Kept past the window by --prune, for copies made late [default: 30d].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30d")]
    pub grace: u64,
    /// Worker threads [default: the number of cores].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Write a JSON report of the run here ("-" for stderr), as for scrubbing.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// No summaries on stderr; errors are still printed.
    #[arg(short, long)]
    pub quiet: bool,
}

/// The help after `logscrub subject --help`.
const SUBJECT_HELP: &str = "\
The subject file has the form of a forget list (see `logscrub forget --help`): the person's
emails, addresses, user names and pseudonyms, one a line, each with the day of the request.

Each line about the person becomes one JSON object: file, line, time (RFC 3339 UTC, or null),
matched_by (ip, email, user, pseudonym), ip_only, fields (the parsed CLF fields or the JSON line)
and raw. Every identifier in the line that is not on the list (a proxy chain, someone else's email,
the client address of a line matched by email or user, which may be shared) is scrubbed with the
default actions, in raw as in fields: the person adds their own addresses to the list. A line
matched only by an IP address is flagged ip_only: a shared address may hold other people's
browsing; --ip-only exclude leaves such lines out. The first line is a header object. stderr says
only the counts.

Example:
  logscrub subject --subject ticket-4711.txt -o /secure/ticket-4711.jsonl /var/log/nginx/access.log*";

/// What to do with lines matched only by an IP address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum IpOnlyArg {
    /// Export them, flagged "ip_only": true
    Include,
    /// Leave them out
    Exclude,
}

/// Flags of `logscrub subject`.
#[derive(Debug, Args)]
#[command(after_help = SUBJECT_HELP)]
pub struct SubjectArgs {
    /// Logs to search (gzip or plain). None, or "-", reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,
    /// The person's identifiers, as a forget list.
    #[arg(long, value_name = "FILE", required = true)]
    pub subject: PathBuf,
    /// The export to write (JSON Lines, mode 0600, atomically).
    #[arg(short, long, value_name = "EXPORT", required = true)]
    pub output: PathBuf,
    /// Lines matched only by an IP address.
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = IpOnlyArg::Include)]
    pub ip_only: IpOnlyArg,
    /// How the logs were written: their key, rotation, cipher and layout.
    #[command(flatten)]
    pub written: WrittenArgs,
    /// "Now" (RFC 3339 or @unix): the header's time, and the day of undated lines under --rotate.
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_now)]
    pub now: Option<i64>,
}

/// A percentage: `1`, `0.5`, `2%`.
pub fn parse_share(s: &str) -> std::result::Result<f64, String> {
    let n = s.strip_suffix('%').unwrap_or(s);
    match n.parse::<f64>() {
        Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected a percentage from 0 to 100, like 1 or 0.5, got {s:?}"
        )),
    }
}

/// The commands with a man page of their own (`logscrub man COMMAND`), which the main page names.
pub const MAN_PAGES: [&str; 8] = [
    "keygen",
    "reveal",
    "check",
    "completions",
    "man",
    "aggregate",
    "forget",
    "subject",
];

/// How the logs that `forget` and `subject` read were written, so that their pseudonyms,
/// encryptions and line times are matched as the scrub made them.
#[derive(Debug, Args)]
pub struct WrittenArgs {
    /// The key the logs were hashed (or encrypted) with, to match pseudonyms (encryptions).
    #[arg(long, value_name = "FILE", env = "LOGSCRUB_KEY_FILE")]
    pub key_file: Option<PathBuf>,
    /// The --rotate the logs were hashed with.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = RotateArg::Never)]
    pub rotate: RotateArg,
    /// The logs' addresses are encrypted (--ip encrypt) with this cipher and --key-file.
    #[arg(long, value_enum, value_name = "CIPHER")]
    pub ip_cipher: Option<CipherArg>,
    /// How lines are laid out (where their time is: the day of a line under --rotate).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// JSON key holding a line's time (repeat for several).
    #[arg(long, value_name = "NAME")]
    pub time_field: Vec<String>,
}

/// Flags of `logscrub check`.
#[derive(Debug, Args)]
#[command(after_help = "\
check is an independent auditor: it shares no code with the scrubber that finds addresses or
emails, and it is over-eager on purpose, so what the scrubber misses check does not miss too. It
sees through percent-encoding at any depth (%40, %2540, %252540, %3A), JSON escapes (\\u0040,
\\n, \\/), Apache \\xHH escapes and HTML references (&#64; &#x40; &commat; &period;), and reads
raw UTF-8 and Latin-1 bytes in names. It finds IPv4 anywhere (glued to letters, after an escape,
in any window of a longer dotted run such as app1.203.0.113.77.nip.io or an SNMP OID), IPv6 in
every form (compressed, embedded IPv4, zones, brackets, glued to letters or _), and emails with
quoted, non-ASCII or very long local parts.

What passes: an address whose host bits beyond the prefixes are zero, as --ip mask leaves it
(203.0.113.0, Chrome/121.0.0.0, 2001:db8:85a3::, 2001:db8:85a3:0:0:0:0:0:443 with its port), the
markers [ipv4] [ipv6] [email], and the pseudonyms ip4-/ip6-/email- + 16 hex digits, also with
text glued to them. Give check the scrub's --config (or its --ip/--email): with --ip encrypt or
--ip keep addresses are expected, so they are counted on stderr, not reported; with --email keep
emails likewise. Every other address or email is a finding, printed with its raw text.

Examples:
  logscrub access.log.1.gz -o clean/access.log.1.gz && logscrub check clean/access.log.1.gz
  logscrub check --config /etc/logscrub/logscrub.toml /srv/clean/*.gz   judge as the scrub ran
  logscrub check --ip encrypt enc.log.gz        encrypted addresses expected; emails still reported
  logscrub check --count --ipv4-prefix 16 *.gz  one count per file; /16 masks pass

Exit status: 0 when nothing was found, 1 on findings, 2 when an input cannot be read (a failed
audit never looks clean).")]
pub struct CheckArgs {
    /// Scrubbed logs (gzip or plain). None, or "-", reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,
    /// The scrub's configuration file: its ip, email, ipv4-prefix and ipv6-prefix apply (flags
    /// override it).
    #[arg(long, value_name = "FILE", env = "LOGSCRUB_CONFIG")]
    pub config: Option<PathBuf>,
    /// The scrub's --ip: with encrypt or keep, addresses are expected, not findings [default: mask].
    #[arg(long, value_enum, value_name = "ACTION")]
    pub ip: Option<IpArg>,
    /// The scrub's --email: with keep, emails are expected, not findings [default: redact].
    #[arg(long, value_enum, value_name = "ACTION")]
    pub email: Option<EmailArg>,
    /// Leading bits of an IPv4 address that may be non-zero [default: 24].
    #[arg(long, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=32))]
    pub ipv4_prefix: Option<u8>,
    /// Leading bits of an IPv6 address that may be non-zero [default: 48].
    #[arg(long, value_name = "BITS", value_parser = clap::value_parser!(u8).range(0..=128))]
    pub ipv6_prefix: Option<u8>,
    /// Print only the count of findings per file, not each finding.
    #[arg(short, long)]
    pub count: bool,
}

/// Flags of `logscrub reveal`.
#[derive(Debug, Args)]
pub struct RevealArgs {
    /// Encrypted logs (gzip or plain). None, or "-", reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,
    /// Write here instead of stdout (as for scrubbing).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// The key file the logs were encrypted with.
    #[arg(long, value_name = "FILE", env = "LOGSCRUB_KEY_FILE")]
    pub key_file: Option<PathBuf>,
    /// The cipher the logs were encrypted with.
    #[arg(long, value_enum, value_name = "CIPHER", default_value_t = CipherArg::IpcryptPfx)]
    pub ip_cipher: CipherArg,
    /// The --ipv4-prefix the logs were encrypted with: addresses with no host bits set beyond it
    /// were left as they were, and are left now.
    #[arg(long, value_name = "BITS", default_value_t = DEFAULT_IPV4_PREFIX.len(), value_parser = clap::value_parser!(u8).range(0..=32))]
    pub ipv4_prefix: u8,
    /// The --ipv6-prefix the logs were encrypted with (as --ipv4-prefix).
    #[arg(long, value_name = "BITS", default_value_t = DEFAULT_IPV6_PREFIX.len(), value_parser = clap::value_parser!(u8).range(0..=128))]
    pub ipv6_prefix: u8,
    /// Worker threads [default: the number of cores].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
}

/// When to draw the progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    /// When the scrubbed text goes to -o files, a regular file or /dev/null, not to a pipe or the
    /// terminal; never with --quiet
    Auto,
    /// Also with --quiet (or quiet = true in the config file) and when stdout is a pipe
    Always,
    /// Never
    Never,
}

/// What to do with lines that have no readable time while --max-age is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UndatedArg {
    /// Drop them (an unreadable time may be an old one)
    Drop,
    /// Keep them
    Keep,
}

/// How lines are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Per line: whichever of the formats below it is in, also behind a syslog prefix
    Auto,
    /// Common/Combined Log Format, vhost-first, S3: time in [dd/Mon/yyyy:HH:MM:SS +zzzz]
    #[value(aliases = ["common", "combined", "vcommon", "vcombined", "s3"])]
    Clf,
    /// JSON lines (Caddy, Traefik, Cloudflare, GCP, nginx escape=json, journald): time in a
    /// field, top-level first (see --time-field)
    #[value(aliases = ["caddy", "traefik", "cloudflare", "gcp", "nginx-json", "journald"])]
    Json,
    /// W3C extended (IIS, Azure; alias cloudfront): date and time columns per #Fields:, UTC
    #[value(aliases = ["iis", "cloudfront"])]
    W3c,
    /// AWS ELB/ALB: the first ISO 8601 column
    #[value(alias = "alb")]
    Elb,
    /// Squid native: epoch.millis in the first column
    Squid,
    /// Google Cloud Storage usage logs: "time_micros" in the first CSV column
    Cloudstorage,
    /// HAProxy: [06/Feb/2009:12:14:14.655], read as UTC
    Haproxy,
    /// Envoy: [2016-04-15T20:17:00.310Z]
    Envoy,
    /// Any text: no time is read (not allowed with --max-age)
    Text,
}

/// Scrub personal data (IP addresses, emails) from web-server access logs.
///
/// Reads access logs — gzip or plain, Apache/nginx common or combined format, JSON lines or any
/// text — and masks every IP address and redacts every email address in every line, keeping every
/// other byte as it was.
#[derive(Debug, Parser)]
#[command(name = "logscrub", version, after_help = EXAMPLES, max_term_width = 100, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Input files, gzip (recognised by content, not name) or plain. None, or "-", reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,

    /// Write here instead of stdout. With one input: that file, unless PATH ends in / or is a
    /// directory. With several inputs, or a PATH ending in /: a directory (created if missing)
    /// where each output keeps its input's file name. A name ending in .gz is written as gzip.
    /// Files appear only when complete (written to a temporary name, then renamed).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Append to this file as lines come, for a live log read from a pipe, a FIFO or `tail -F`:
    /// each line is written as soon as it is scrubbed, always as plain text (a .gz name is
    /// refused); the file is created with mode 0640 if missing and never replaced. SIGHUP reopens
    /// it by name, as `nginx -s reopen` does, so `mv FILE FILE.1; kill -HUP PID` rotates it
    /// without losing or splitting a line; the run goes on. One input.
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    pub append: Option<PathBuf>,

    /// gzip compression level for .gz outputs (0-9). Chunks are compressed in parallel, each as
    /// one gzip member of a standard multi-member file (zcat, gzip -d and logscrub read it whole).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LEVEL, value_parser = clap::value_parser!(u32).range(0..=9))]
    pub level: u32,

    /// What to do with IPv4 and IPv6 addresses.
    #[arg(long, value_enum, value_name = "ACTION", default_value_t = IpArg::Mask)]
    pub ip: IpArg,

    /// What to do with email addresses.
    #[arg(long, value_enum, value_name = "ACTION", default_value_t = EmailArg::Redact)]
    pub email: EmailArg,

    /// Leading bits of an IPv4 address kept by --ip mask (0-32). IPv4-mapped IPv6 addresses
    /// (::ffff:a.b.c.d) use this too.
    #[arg(long, value_name = "BITS", default_value_t = DEFAULT_IPV4_PREFIX.len(), value_parser = clap::value_parser!(u8).range(0..=32))]
    pub ipv4_prefix: u8,

    /// Leading bits of an IPv6 address kept by --ip mask (0-128).
    #[arg(long, value_name = "BITS", default_value_t = DEFAULT_IPV6_PREFIX.len(), value_parser = clap::value_parser!(u8).range(0..=128))]
    pub ipv6_prefix: u8,

    /// Worker threads [default: the number of cores]. Output is identical for every value. At most
    /// 16 run (no more chunks are in flight at once, which bounds memory).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,

    /// Drop lines older than this: 90d, 36h, 2w, 30m, 45s, or combined like 1d12h.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Retention")]
    pub max_age: Option<u64>,

    /// Fix "now" for --max-age and for undated lines under --rotate (RFC 3339 like 2026-11-25T00:00:00Z, or Unix seconds like
    /// @1795564800) for reproducible runs [default: the clock, read once at start].
    #[arg(long, value_name = "TIMESTAMP", value_parser = parse_now, help_heading = "Retention")]
    pub now: Option<i64>,

    /// Lines without a readable time while --max-age is set. Their count is always reported.
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = UndatedArg::Drop, help_heading = "Retention")]
    pub undated: UndatedArg,

    /// With --max-age and no explicit --undated: an input where more than this share of lines (in
    /// percent, 0-100) has no readable time fails (exit 2, its output not written), naming the
    /// format assumed and the first such line, instead of being silently emptied. An explicit
    /// --undated drop (on the command line or in the config file) drops them without this check.
    #[arg(long, value_name = "PERCENT", default_value_t = DEFAULT_UNDATED_THRESHOLD, value_parser = clap::value_parser!(u8).range(0..=100), help_heading = "Retention")]
    pub undated_threshold: u8,

    /// How lines are laid out, which says where their time is.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = FormatArg::Auto, help_heading = "Retention")]
    pub format: FormatArg,

    /// A custom format, as the server's own format string: an nginx log_format ('$remote_addr -
    /// $remote_user [$time_local] "$request" ...') or an Apache LogFormat ('%h %l %u %t "%r" %>s
    /// %b'). Lines are read by it instead of --format, so its time field is found exactly.
    #[arg(long, value_name = "FORMAT-STRING", value_parser = parse_log_format, conflicts_with = "format", help_heading = "Retention")]
    pub log_format: Option<LogFormat>,

    /// JSON key holding a line's time (repeat for several, first found wins; top-level keys win
    /// over nested ones) [default: time, timestamp, @timestamp, ts, time_local, time_iso8601,
    /// date, EdgeStartTimestamp, __REALTIME_TIMESTAMP].
    #[arg(long, value_name = "NAME", help_heading = "Retention")]
    pub time_field: Vec<String>,

    /// File holding the 32-byte key of --ip hash|encrypt and --email hash, as 64 hex characters
    /// (make one with `logscrub keygen`). Keys are never taken on the command line.
    #[arg(
        long,
        value_name = "FILE",
        env = "LOGSCRUB_KEY_FILE",
        help_heading = "Keys"
    )]
    pub key_file: Option<PathBuf>,

    /// When pseudonyms of --ip hash / --email hash change: the key is derived from the master key
    /// and each line's UTC date; lines without a time use the run's date.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = RotateArg::Never, help_heading = "Keys")]
    pub rotate: RotateArg,

    /// The prefix-preserving cipher of --ip encrypt.
    #[arg(long, value_enum, value_name = "CIPHER", default_value_t = CipherArg::IpcryptPfx, help_heading = "Keys")]
    pub ip_cipher: CipherArg,

    /// Drop every line that holds an entry of this list (a file: one `YYYY-MM-DD TYPE:VALUE` a
    /// line, types email:, ip:, user:, pseudonym:), counted as "forgotten"; see `logscrub forget
    /// --help`. With --ip hash / --email hash, pseudonyms in the input are matched too.
    #[arg(long, value_name = "FILE", help_heading = "Erasure")]
    pub forget: Option<PathBuf>,

    /// With --forget: fail a file on which one entry takes more than this percentage of the
    /// lines (and more than 10), writing nothing for it: a shared address, a version number.
    #[arg(long, value_name = "PERCENT", default_value_t = 1.0, value_parser = parse_share, help_heading = "Erasure")]
    pub forget_max_share: f64,

    /// Read settings from this TOML file (see "Configuration" below). Flags override it.
    #[arg(
        long,
        value_name = "FILE",
        env = "LOGSCRUB_CONFIG",
        help_heading = "Run"
    )]
    pub config: Option<PathBuf>,

    /// Print the effective settings as TOML (a complete config file) and exit. Never prints a key,
    /// only the key file's path.
    #[arg(long, help_heading = "Run")]
    pub print_config: bool,

    /// Write a JSON report of the run here ("-" for stderr): per file and in total, lines in and
    /// out, drops per reason, replacements per kind, bytes, duration, status and error. Written
    /// even when inputs fail.
    #[arg(long, value_name = "FILE", help_heading = "Run")]
    pub report: Option<PathBuf>,

    /// No progress bar (unless --progress always) and no summaries on stderr; errors are still
    /// printed.
    #[arg(short, long, overrides_with = "no_quiet", help_heading = "Run")]
    pub quiet: bool,

    /// Undo --quiet or the config file's quiet = true: the progress bar and the summaries as by
    /// default. Of --quiet and --no-quiet, the last one given wins.
    #[arg(long, overrides_with = "quiet", help_heading = "Run")]
    pub no_quiet: bool,

    /// When to draw the progress bar on stderr (bytes read, files done, throughput), which needs a
    /// terminal and shows only once a run lasts over half a second.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ProgressArg::Auto, help_heading = "Run")]
    pub progress: ProgressArg,

    /// Bytes per chunk handed to a worker (e.g. 4096, 64K, 1M); for tests and tuning.
    #[arg(long, value_name = "SIZE", hide = true, value_parser = parse_size)]
    pub chunk_size: Option<usize>,
}

/// `4096`, `64K`, `1M` (binary multiples).
fn parse_size(s: &str) -> std::result::Result<usize, String> {
    let (num, mult) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1 << 10),
        Some((i, 'm' | 'M')) => (&s[..i], 1 << 20),
        _ => (s, 1),
    };
    let n: usize = num
        .parse()
        .map_err(|_| format!("expected a size like 4096, 64K or 1M, got {s:?}"))?;
    match n.checked_mul(mult) {
        Some(v) if v > 0 => Ok(v),
        _ => Err(format!(
            "size must be between 1 byte and {} bytes",
            usize::MAX
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("1m"), Ok(1 << 20));
        assert!(parse_size("0").is_err());
        assert!(parse_size("x").is_err());
        assert!(parse_size("").is_err());
    }
}

const AGGREGATE_HELP: &str = "\
Examples:
  logscrub aggregate access.log.*.gz -o /srv/partners/2026-11/ --plot /srv/partners/2026-11/top.svg
                                       pages.csv and days.csv, k = 10, and a plot of the top 5 pages
  logscrub aggregate --format json --min-visitors 20 x.log > figures.json
  zcat access.log.1.gz | logscrub aggregate --table days   the days table on stdout
  logscrub aggregate --key-file /etc/logscrub/key --ledger /var/lib/logscrub/ledger -o out/ a.gz
                                       reproducible estimates; refuse to republish a changed day
  logscrub aggregate --path-rule '/shop/{slug}' --tz +01:00 --bots include x.log

Definitions:
  page view   GET or HEAD, status 2xx or 304, not a static asset (--static-ext), not a bot
              (--bot-tokens; --bots include|only changes which requests count at all).
  visitor     of a day: the client field as written (an address, a mask, a pseudonym) and the
              user agent, as GoAccess counts them, digested with a key per day derived from
              --key-file (or a random key per run) and held only in memory. Counted exactly up to
              --exact-limit per cell, estimated above it by HyperLogLog (precision 14, within 5%;
              marked visitors_estimated in JSON; never deciding suppression).
  day         in UTC (or --tz), from each line's own time.
  path        the target's path, query dropped; numeric ids, UUIDs, long hex, tokens, emails (also
              %40), addresses, pseudonyms and masked markers replaced by placeholders
              (/order/{id}/), /u/NAME and such by /u/{user}; at most 8 segments and 120 bytes;
              at most --max-paths rows a day.

Privacy: a row is published only with at least k exact visitors (--min-visitors, default 10,
refused below 5). Per day the other paths are pooled into one (other) row, published only with
k visitors too, else dropped and the day marked partial; a day's page_views is the sum of its
published rows. A day with fewer than k visitors publishes nothing. No address, pseudonym, user
agent, query string, key or sketch is ever written. Re-runs on the same input and key file are
byte-identical for every -j, chunk size, gzip or plain input; --ledger DIR refuses (exit 2,
nothing written) to publish a day again with different figures.

Lines that cannot be read (no time, no request, no status, no client, too long) are counted per
reason in the summary and the report, never guessed into a table. Any input that fails: nothing
is published, exit 2.";

/// The tables of `logscrub aggregate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Comma-separated, one file per table
    Csv,
    /// One JSON object with both tables, estimates marked
    Json,
}

/// Which table goes to stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableArg {
    /// date,path,page_views,visitors
    Pages,
    /// date,requests,page_views,visitors,bot_requests,… ,partial
    Days,
}

/// Which requests count as page views and visitors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BotsArg {
    /// Leave bots out
    Exclude,
    /// Count bots as any visitor
    Include,
    /// Count only bots
    Only,
}

/// How the lines of `aggregate` are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormatArg {
    /// Per line: JSON if it starts with '{', CLF otherwise
    Auto,
    /// Common/Combined Log Format
    Clf,
    /// JSON lines
    Json,
}

/// Flags of `logscrub aggregate`.
#[derive(Debug, Args)]
#[command(after_help = AGGREGATE_HELP)]
pub struct AggregateArgs {
    /// Access logs, raw or scrubbed (masked, hashed or encrypted clients), gzip or plain. None, or
    /// "-", reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,
    /// Write pages.csv and days.csv (or tables.json) into this directory (created if missing),
    /// each atomically, instead of one table to stdout.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The tables' format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TableFormat::Csv)]
    pub format: TableFormat,
    /// The CSV table written to stdout without -o (JSON holds both).
    #[arg(long, value_enum, value_name = "TABLE", default_value_t = TableArg::Pages)]
    pub table: TableArg,
    /// k: rows with fewer distinct visitors are not published (at least 5).
    #[arg(short = 'k', long, value_name = "K", default_value_t = 10)]
    pub min_visitors: u64,
    /// Visitors counted exactly per cell; above, a HyperLogLog estimate (at least K).
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub exact_limit: usize,
    /// Paths published per day at most; the rest are pooled into (other).
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_paths: u32,
    /// Which requests count as page views and visitors.
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = BotsArg::Exclude)]
    pub bots: BotsArg,
    /// Static-asset extensions, comma-separated, replacing the default list (css,js,png,…).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub static_ext: Option<Vec<String>>,
    /// User-agent tokens of bots, comma-separated, matched anywhere in the agent ignoring case,
    /// replacing the default list (bot,crawl,spider,curl,wget,…).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub bot_tokens: Option<Vec<String>>,
    /// An extra path template whose {name} segments are hidden: /shop/{slug} makes
    /// /shop/red-shoes/buy count as /shop/{slug}/buy. Repeat for several.
    #[arg(long, value_name = "TEMPLATE")]
    pub path_rule: Vec<String>,
    /// The zone of days: UTC or an offset like +01:00.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// How input lines are laid out: CLF/combined or JSON lines (auto: per line). Not the
    /// scrub's --log-format, which takes a server's format string.
    #[arg(long = "input-format", value_enum, value_name = "FORMAT", default_value_t = LogFormatArg::Auto)]
    pub log_format: LogFormatArg,
    /// JSON key holding a line's time (repeat for several) [default: as for scrubbing].
    #[arg(long, value_name = "NAME")]
    pub time_field: Vec<String>,
    /// Derive the visitor keys from this key file, so estimates are reproducible; without it a
    /// random key is made for the run. Never on the command line.
    #[arg(long, value_name = "FILE", env = "LOGSCRUB_KEY_FILE")]
    pub key_file: Option<PathBuf>,
    /// Keep a digest of each published day here, and refuse (exit 2, nothing written) to publish
    /// a day again with different figures.
    #[arg(long, value_name = "DIR")]
    pub ledger: Option<PathBuf>,
    /// Draw daily visitors of the top pages into this file (.svg or .png) [default with -o DIR:
    /// DIR/visitors.svg].
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Pages drawn by --plot.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub plot_top: u32,
    /// Worker threads [default: the number of cores]. The tables are the same for every value.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Settings shared with the scrub from this TOML file: format (auto, clf, json), time-field,
    /// key-file, threads, quiet, progress. Flags override it.
    #[arg(long, value_name = "FILE", env = "LOGSCRUB_CONFIG")]
    pub config: Option<PathBuf>,
    /// Write a JSON report of the run here ("-" for stderr): per input lines read, counted and
    /// skipped per reason; days and rows published and withheld. Counts only.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// No progress bar and no summary on stderr; errors are still printed.
    #[arg(short, long)]
    pub quiet: bool,
    /// When to draw the progress bar on stderr.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ProgressArg::Auto)]
    pub progress: ProgressArg,
    /// Bytes per chunk handed to a worker (e.g. 4096, 64K, 1M); for tests and tuning.
    #[arg(long, value_name = "SIZE", hide = true, value_parser = parse_size)]
    pub chunk_size: Option<usize>,
}

/// `--log-format`: an nginx or Apache format string, compiled.
fn parse_log_format(s: &str) -> Result<LogFormat, String> {
    LogFormat::parse(s)
}
