//! Command-line flags (clap derive) and their resolution into a [`Plan`].

use std::ffi::OsString;
use std::path::PathBuf;

use std::sync::Arc;

use clap::parser::ValueSource;
use clap::{
    ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};

use crate::action::{Actions, EmailAction, IpAction, Prefix};
use crate::action::{Cipher, PrefixCipher};
use crate::action::{Pseudonyms, Rotation};
use crate::config_file;
use crate::error::{Error, Result};
use crate::format::Format;
use crate::input::InputSpec;
use crate::key;
use crate::plan::{default_threads, Plan, DEFAULT_CHUNK_SIZE};
use crate::retention::{parse_duration, parse_now, Retention, Undated};

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
-0700] or from a JSON field (time, timestamp, @timestamp, ts, time_local, time_iso8601, date, or
--time-field) holding RFC 3339 text, CLF text or epoch seconds/milliseconds, within the first 4 KiB
of the line. Dropped lines are counted per reason and reported on stderr.

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
by signal n (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).";

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
    /// Audit scrubbed logs: print every email and every IP address with host bits set, like grep
    /// (file:line: kind: text); exit 1 if any, 0 if clean, 2 on error
    Check(CheckArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout: logscrub man > /usr/local/share/man/man1/logscrub.1;
    /// logscrub man check > …/logscrub-check.1 for a command's own page
    Man {
        /// The command whose page to print [default: logscrub's own].
        #[arg(value_name = "COMMAND", value_parser = MAN_PAGES)]
        command: Option<String>,
    },
}

/// The commands with a man page of their own (`logscrub man COMMAND`), which the main page names.
pub const MAN_PAGES: [&str; 5] = ["keygen", "reveal", "check", "completions", "man"];

/// The man page of `logscrub` (`None`) or of one of its commands, as roff.
pub fn man_page(command: Option<&str>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // As clap_mangen's own generate_to: `help` is no command with a page of its own.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => cmd
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| std::io::Error::other(format!("no man page for {name}")))?,
    };
    clap_mangen::Man::new(page)
        .source(format!("logscrub {}", env!("CARGO_PKG_VERSION")))
        .render(out)
}

/// Flags of `logscrub check`.
#[derive(Debug, Args)]
#[command(after_help = "\
An IP address passes when its host bits beyond the prefixes are zero, as --ip mask leaves them
(203.0.113.0 passes with --ipv4-prefix 24, 203.0.113.7 does not), so output scrubbed with the
same prefixes passes, and output of --ip hash or --ip redact must hold no address at all. Output of
--ip encrypt holds encrypted addresses, which look like real ones: check reports them. Every email
is reported; pseudonyms (email-…) and markers ([email]) are not emails.

Put it after the scrub in a nightly job:
  logscrub access.log.1.gz -o clean/access.log.1.gz && logscrub check clean/access.log.1.gz")]
pub struct CheckArgs {
    /// Scrubbed logs (gzip or plain). None, or "-", reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,
    /// The configuration file whose ipv4-prefix and ipv6-prefix apply (flags override it).
    #[arg(long, value_name = "FILE", env = "LOGSCRUB_CONFIG")]
    pub config: Option<PathBuf>,
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

impl From<ProgressArg> for crate::progress::When {
    fn from(p: ProgressArg) -> Self {
        match p {
            ProgressArg::Auto => crate::progress::When::Auto,
            ProgressArg::Always => crate::progress::When::Always,
            ProgressArg::Never => crate::progress::When::Never,
        }
    }
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
    /// Per line: JSON if it starts with '{', CLF otherwise
    Auto,
    /// Common/Combined Log Format: time in [dd/Mon/yyyy:HH:MM:SS +zzzz]
    Clf,
    /// JSON lines: time in a field (see --time-field)
    Json,
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

    /// gzip compression level for .gz outputs (0-9). Chunks are compressed in parallel, each as
    /// one gzip member of a standard multi-member file (zcat, gzip -d and logscrub read it whole).
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=9))]
    pub level: u32,

    /// What to do with IPv4 and IPv6 addresses.
    #[arg(long, value_enum, value_name = "ACTION", default_value_t = IpArg::Mask)]
    pub ip: IpArg,

    /// What to do with email addresses.
    #[arg(long, value_enum, value_name = "ACTION", default_value_t = EmailArg::Redact)]
    pub email: EmailArg,

    /// Leading bits of an IPv4 address kept by --ip mask (0-32). IPv4-mapped IPv6 addresses
    /// (::ffff:a.b.c.d) use this too.
    #[arg(long, value_name = "BITS", default_value_t = 24, value_parser = clap::value_parser!(u8).range(0..=32))]
    pub ipv4_prefix: u8,

    /// Leading bits of an IPv6 address kept by --ip mask (0-128).
    #[arg(long, value_name = "BITS", default_value_t = 48, value_parser = clap::value_parser!(u8).range(0..=128))]
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

    /// How lines are laid out, which says where their time is.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = FormatArg::Auto, help_heading = "Retention")]
    pub format: FormatArg,

    /// JSON key holding a line's time (repeat for several, first found wins) [default: time,
    /// timestamp, @timestamp, ts, time_local, time_iso8601, date].
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
    #[arg(short, long, help_heading = "Run")]
    pub quiet: bool,

    /// When to draw the progress bar on stderr (bytes read, files done, throughput), which needs a
    /// terminal and shows only once a run lasts over half a second.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ProgressArg::Auto, help_heading = "Run")]
    pub progress: ProgressArg,

    /// Bytes per chunk handed to a worker (e.g. 4096, 64K, 1M); for tests and tuning.
    #[arg(long, value_name = "SIZE", hide = true, value_parser = parse_size)]
    pub chunk_size: Option<usize>,
}

impl RevealArgs {
    /// The plan of a reveal run: decrypt addresses, leave everything else.
    pub fn plan(&self) -> Result<Plan> {
        let mut cli = Cli::parse_from(["logscrub"]);
        cli.files = self.files.clone();
        cli.output = self.output.clone();
        cli.key_file = self.key_file.clone();
        cli.ip_cipher = self.ip_cipher;
        cli.threads = self.threads;
        cli.email = EmailArg::Keep;
        cli.plan_with(true)
    }
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

impl Cli {
    /// Resolves the flags into a plan (the keys are read here, before any input).
    pub fn plan(&self) -> Result<Plan> {
        self.plan_with(false)
    }

    /// The plan, with `decrypt` for `logscrub reveal`: addresses are decrypted instead of what
    /// `--ip` says.
    fn plan_with(&self, decrypt: bool) -> Result<Plan> {
        let ipv4_prefix = Prefix::new(self.ipv4_prefix)
            .ok_or_else(|| Error::Usage("--ipv4-prefix must be 0-32".into()))?;
        let ipv6_prefix = Prefix::new(self.ipv6_prefix)
            .ok_or_else(|| Error::Usage("--ipv6-prefix must be 0-128".into()))?;
        let inputs = if self.files.is_empty() {
            vec![InputSpec::Stdin]
        } else {
            self.files.iter().map(|f| InputSpec::from_arg(f)).collect()
        };
        if inputs.iter().filter(|i| **i == InputSpec::Stdin).count() > 1 {
            return Err(Error::Usage("stdin (-) can be given only once".into()));
        }
        let hash = (self.ip == IpArg::Hash && !decrypt) || self.email == EmailArg::Hash;
        let crypt = decrypt || self.ip == IpArg::Encrypt;
        let key = if hash || crypt {
            // The environment variable is read by clap into key_file.
            Some(key::load(self.key_file.as_deref(), None).map_err(|e| self.key_error(e))?)
        } else {
            None
        };
        let rotation = match self.rotate {
            RotateArg::Never => Rotation::Never,
            RotateArg::Daily => Rotation::Daily,
            RotateArg::Monthly => Rotation::Monthly,
        };
        let pseudonyms = key
            .as_ref()
            .filter(|_| hash)
            .map(|key| Arc::new(Pseudonyms::new(key, rotation)));
        let cipher = match key.as_ref().filter(|_| crypt) {
            None => None,
            Some(key) => {
                let cipher = match self.ip_cipher {
                    CipherArg::IpcryptPfx => Cipher::IpcryptPfx,
                    CipherArg::Cryptopan => Cipher::CryptoPan,
                };
                cipher.check_key(key.bytes()).map_err(|e| {
                    let message = format!(
                        "{}: {e}",
                        self.key_file
                            .as_deref()
                            .unwrap_or(std::path::Path::new("key"))
                            .display()
                    );
                    Error::Setting {
                        culprits: vec![
                            ("key-file", message.clone()),
                            ("ip-cipher", message.clone()),
                        ],
                        message,
                    }
                })?;
                Some(Arc::new(PrefixCipher::new(cipher, key.bytes())))
            }
        };
        let ip = match (self.ip, &pseudonyms, cipher) {
            (_, _, Some(c)) if decrypt => IpAction::Decrypt(c),
            (IpArg::Mask, _, _) => IpAction::Mask,
            (IpArg::Redact, _, _) => IpAction::Redact,
            (IpArg::Keep, _, _) => IpAction::Keep,
            (IpArg::Hash, Some(p), _) => IpAction::Hash(Arc::clone(p)),
            (IpArg::Encrypt, _, Some(c)) => IpAction::Encrypt(c),
            // A keyed action always has its key here: it was loaded above or this returned.
            (IpArg::Hash | IpArg::Encrypt, _, _) => unreachable!("a keyed action without a key"),
        };
        let email = match (self.email, pseudonyms) {
            (EmailArg::Redact, _) => EmailAction::Redact,
            (EmailArg::Keep, _) => EmailAction::Keep,
            (EmailArg::Hash, Some(p)) => EmailAction::Hash(p),
            (EmailArg::Hash, None) => unreachable!("a keyed action without a key"),
        };
        let actions = Actions {
            ip,
            email,
            ipv4_prefix,
            ipv6_prefix,
        };
        let now = self.now.unwrap_or_else(clock_now);
        let retention = self.max_age.map(|age| {
            let undated = match self.undated {
                UndatedArg::Drop => Undated::Drop,
                UndatedArg::Keep => Undated::Keep,
            };
            Retention::new(age, now, undated)
        });
        let plan = Plan {
            actions,
            threads: self.threads.map_or_else(default_threads, |t| t as usize),
            chunk_size: self.chunk_size.unwrap_or(DEFAULT_CHUNK_SIZE),
            level: self.level,
            inputs,
            output: self.output.clone(),
            format: match self.format {
                FormatArg::Auto => Format::Auto,
                FormatArg::Clf => Format::Clf,
                FormatArg::Json => Format::Json,
                FormatArg::Text => Format::Text,
            },
            time_fields: self.time_field.clone(),
            retention,
            now,
        };
        plan.validate()?;
        Ok(plan)
    }
}

impl Cli {
    /// Why there is no key, blaming `key-file` (a file that is not a key), or when none is given,
    /// the actions that need one.
    fn key_error(&self, e: key::KeyError) -> Error {
        let message = e.to_string();
        let culprits = match e {
            key::KeyError::Missing | key::KeyError::EnvEmpty => {
                let mut culprits = Vec::new();
                let needs = |name: Option<clap::builder::PossibleValue>| {
                    format!(
                        "{} needs a key, and none is given: set key-file, pass --key-file FILE or set \
                         {}=FILE; make a key with `logscrub keygen > FILE`",
                        name.map(|v| v.get_name().to_string()).unwrap_or_default(),
                        key::KEY_FILE_ENV
                    )
                };
                if matches!(self.ip, IpArg::Hash | IpArg::Encrypt) {
                    culprits.push(("ip", needs(self.ip.to_possible_value())));
                }
                if self.email == EmailArg::Hash {
                    culprits.push(("email", needs(self.email.to_possible_value())));
                }
                culprits
            }
            _ => vec![("key-file", message.clone())],
        };
        Error::Setting { message, culprits }
    }
}

/// Why the command line could not be read.
#[derive(Debug)]
pub enum ArgsError {
    /// Bad flags, or --help / --version: clap prints it and picks the exit status.
    Clap(clap::Error),
    /// A configuration file that cannot be read or holds a bad key or value.
    Config(Error),
}

/// The command line, merged with its configuration file.
#[derive(Debug)]
pub struct Parsed {
    pub cli: Cli,
    /// The merged matches (for `--print-config`).
    pub matches: ArgMatches,
    /// Which settings came from the configuration file, and from which line.
    pub origins: config_file::Origins,
}

impl Parsed {
    /// The plan of a scrub run; an error about a setting taken from the configuration file names
    /// the file, the line and the key.
    pub fn plan(&self) -> Result<Plan> {
        self.cli.plan().map_err(|e| self.origins.locate(e))
    }
}

/// Parses `argv` (program name first). A scrub run with `--config` (or `LOGSCRUB_CONFIG`) takes
/// from the file every option the command line and its environment variables leave unset: the
/// file's settings become flags placed before the command line's own.
pub fn parse_args(argv: Vec<OsString>) -> std::result::Result<Parsed, ArgsError> {
    let cmd = Cli::command();
    let matches = cmd
        .clone()
        .try_get_matches_from(&argv)
        .map_err(ArgsError::Clap)?;
    let cli = Cli::from_arg_matches(&matches).map_err(ArgsError::Clap)?;
    let Some(path) = cli.config.clone().filter(|_| cli.command.is_none()) else {
        return Ok(Parsed {
            cli,
            matches,
            origins: config_file::Origins::default(),
        });
    };
    let settings = config_file::load(&path, &cmd).map_err(ArgsError::Config)?;
    let given = |key: &str| {
        config_file::settable(&cmd)
            .find(|a| a.get_long() == Some(key))
            .and_then(|a| matches.value_source(a.get_id().as_str()))
            .is_some_and(|s| matches!(s, ValueSource::CommandLine | ValueSource::EnvVariable))
    };
    let used: Vec<&config_file::Setting> = settings.iter().filter(|s| !given(&s.key)).collect();
    let mut merged: Vec<OsString> = argv.iter().take(1).cloned().collect();
    for setting in &used {
        merged.extend(setting.args());
    }
    merged.extend(argv.iter().skip(1).cloned());
    let matches = cmd.try_get_matches_from(&merged).map_err(ArgsError::Clap)?;
    let cli = Cli::from_arg_matches(&matches).map_err(ArgsError::Clap)?;
    Ok(Parsed {
        cli,
        matches,
        origins: config_file::Origins::new(&path, used),
    })
}

/// Where the report of a scrub run goes when its command line or configuration file is wrong:
/// `--report` of the command line, read leniently (the command line may be what is wrong), else
/// `report` of the configuration file (`--config` or `LOGSCRUB_CONFIG`). `None` for
/// `--print-config` and the commands other than scrubbing, which write no report.
pub fn report_of(argv: &[OsString]) -> Option<PathBuf> {
    let matches = Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(argv)
        .ok()?;
    if matches.subcommand().is_some()
        || matches.try_get_one::<bool>("print_config").ok().flatten() == Some(&true)
    {
        return None;
    }
    // clap stops at the first bad argument; look past it too.
    let flag = |name: &str| {
        matches
            .try_get_one::<PathBuf>(name)
            .ok()
            .flatten()
            .cloned()
            .or_else(|| scan_flag(argv, name))
    };
    if let Some(path) = flag("report") {
        return Some(path);
    }
    let config = flag("config").or_else(|| config_file::path_from(None))?;
    config_file::peek(&config, "report").map(PathBuf::from)
}

/// The value of the last `--NAME VALUE` or `--NAME=VALUE` in `argv` (before a `--`).
fn scan_flag(argv: &[OsString], name: &str) -> Option<PathBuf> {
    let long = format!("--{name}");
    let with_value = format!("--{name}=");
    let mut found = None;
    let mut args = argv.iter().skip(1);
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else { continue };
        if text == "--" {
            break;
        } else if text == long {
            found = args.next().map(PathBuf::from);
        } else if let Some(value) = text.strip_prefix(&with_value) {
            found = Some(PathBuf::from(value));
        }
    }
    found
}

/// The effective settings of `matches` as a complete, commented TOML configuration file: every key,
/// unset ones commented out. The key file appears as its path; no key is ever read here.
pub fn effective_toml(matches: &ArgMatches) -> String {
    let cmd = Cli::command();
    let mut out = String::from(
        "# logscrub settings, as printed by `logscrub --print-config`.\n\
         # Use with --config FILE; flags given on the command line override these.\n",
    );
    for arg in config_file::settable(&cmd).filter(|a| !a.is_hide_set()) {
        let (Some(key), id) = (arg.get_long(), arg.get_id().as_str()) else {
            continue;
        };
        out.push('\n');
        if let Some(help) = arg.get_help() {
            for line in wrap(&help.to_string(), 96) {
                out.push_str("# ");
                out.push_str(&line);
                out.push('\n');
            }
        }
        let raw: Vec<String> = matches
            .get_raw(id)
            .map(|v| v.map(|s| s.to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        let line = match arg.get_action() {
            ArgAction::SetTrue => format!("{key} = {}", matches.get_flag(id)),
            ArgAction::Append if raw.is_empty() => format!("# {key} = []"),
            ArgAction::Append => format!(
                "{key} = [{}]",
                raw.iter()
                    .map(|v| toml_value(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => match raw.first() {
                Some(v) => format!("{key} = {}", toml_value(v)),
                None => format!("# {key} = (not set)"),
            },
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A whole number stays a number; anything else is a quoted TOML string.
fn toml_value(v: &str) -> String {
    if !v.is_empty() && v.len() < 10 && v.bytes().all(|b| b.is_ascii_digit()) {
        v.to_string()
    } else {
        toml::Value::String(v.to_string()).to_string()
    }
}

/// Splits `text` into lines of at most `width` columns at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The clock, read once per run.
fn clock_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
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

    #[test]
    fn flags_resolve_into_a_plan() {
        let cli = Cli::parse_from([
            "logscrub",
            "--ip",
            "redact",
            "--ipv4-prefix",
            "16",
            "-j",
            "3",
            "a",
            "-",
        ]);
        let plan = cli.plan().unwrap();
        assert!(matches!(plan.actions.ip, IpAction::Redact));
        assert_eq!(plan.actions.ipv4_prefix.len(), 16);
        assert_eq!(plan.threads, 3);
        assert_eq!(plan.inputs, [InputSpec::Path("a".into()), InputSpec::Stdin]);
        assert!(Cli::try_parse_from(["logscrub", "--ipv4-prefix", "33"]).is_err());
        assert!(Cli::try_parse_from(["logscrub", "-j", "0"]).is_err());
        assert!(Cli::parse_from(["logscrub", "-", "-"]).plan().is_err());
    }

    #[test]
    fn retention_flags() {
        let plan = Cli::parse_from([
            "logscrub",
            "--max-age",
            "1d",
            "--now",
            "@1000000",
            "--undated",
            "keep",
        ])
        .plan()
        .unwrap();
        let r = plan.retention.unwrap();
        assert_eq!(
            (r.max_age_secs, r.now, r.cutoff, r.undated),
            (86_400, 1_000_000, 913_600, Undated::Keep)
        );
        assert!(Cli::parse_from(["logscrub"])
            .plan()
            .unwrap()
            .retention
            .is_none());
        let e = Cli::parse_from(["logscrub", "--max-age", "1d", "--format", "text"])
            .plan()
            .unwrap_err();
        assert!(e.to_string().contains("--format text"), "{e}");
        assert!(Cli::try_parse_from(["logscrub", "--max-age", "3 days"]).is_err());
    }
}
