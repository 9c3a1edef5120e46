//! From flags to a plan, in two steps as ripgrep goes from `LowArgs` to `HiArgs`: each command's
//! flags become [`Settings`] (what was asked, nothing read or checked yet), and
//! [`Settings::resolve`] turns them into the library's validated [`Plan`], reading the key once.
//! The scrub, `reveal` and `check` all resolve through it.
//!
//! Also here: reading the command line with its configuration file ([`parse_args`]), and finding
//! where the report goes when that fails ([`report_of`]).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, ValueEnum};
use logscrub::action::mask::{DEFAULT_IPV4_PREFIX, DEFAULT_IPV6_PREFIX};
use logscrub::action::{Actions, Cipher, EmailAction, IpAction, Prefix, PrefixCipher};
use logscrub::action::{Pseudonyms, Rotation};
use logscrub::audit::Policy;
use logscrub::error::{Error, Result};
use logscrub::forget::{self, Forget};
use logscrub::format::{Format, LogFormat};
use logscrub::input::InputSpec;
use logscrub::key::{self, Key, KeyError};
use logscrub::plan::{
    default_threads, Plan, DEFAULT_CHUNK_SIZE, DEFAULT_LEVEL, DEFAULT_UNDATED_THRESHOLD,
};
use logscrub::retention::{Retention, Undated};

use super::args::{
    CheckArgs, CipherArg, Cli, EmailArg, ForgetArgs, FormatArg, IpArg, RevealArgs, RotateArg,
    SubjectArgs, UndatedArg, WrittenArgs,
};
use super::config_file::{self, Origins};

/// What is done to IP addresses: what `--ip` says, or `reveal`'s decryption, which no value of
/// `--ip` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpWanted {
    /// `--ip` as given.
    Flag(IpArg),
    /// `logscrub reveal`.
    Decrypt,
}

/// The settings of a run as its flags give them: nothing read, nothing checked beyond each flag's
/// own parser. Every command that scrubs or audits fills one, with the defaults for the flags it
/// does not have.
#[derive(Clone, Debug)]
pub struct Settings {
    pub files: Vec<OsString>,
    pub output: Option<PathBuf>,
    pub append: Option<PathBuf>,
    pub level: u32,
    pub ip: IpWanted,
    pub email: EmailArg,
    pub ipv4_prefix: u8,
    pub ipv6_prefix: u8,
    pub threads: Option<u32>,
    pub max_age: Option<u64>,
    pub now: Option<i64>,
    pub undated: UndatedArg,
    /// `--undated` was given (on the command line or in the config file), not defaulted.
    pub undated_explicit: bool,
    pub undated_threshold: u8,
    pub format: FormatArg,
    pub log_format: Option<LogFormat>,
    pub time_field: Vec<String>,
    pub key_file: Option<PathBuf>,
    pub rotate: RotateArg,
    pub ip_cipher: CipherArg,
    pub chunk_size: Option<usize>,
    /// `--forget`, `logscrub forget --list`, `logscrub subject --subject`: the list.
    pub forget: Option<PathBuf>,
    pub forget_max_share: f64,
    /// Match the list's pseudonyms made with the key even when no action hashes (`logscrub
    /// forget` and `subject` with `--key-file`).
    pub forget_keyed: bool,
    /// The input's addresses are encrypted with `ip_cipher` (`logscrub forget --ip-cipher`).
    pub forget_encrypted: bool,
}

impl Default for Settings {
    /// The defaults of the scrub's flags.
    fn default() -> Self {
        Settings {
            files: Vec::new(),
            output: None,
            append: None,
            level: DEFAULT_LEVEL,
            ip: IpWanted::Flag(IpArg::Mask),
            email: EmailArg::Redact,
            ipv4_prefix: DEFAULT_IPV4_PREFIX.len(),
            ipv6_prefix: DEFAULT_IPV6_PREFIX.len(),
            threads: None,
            max_age: None,
            now: None,
            undated: UndatedArg::Drop,
            undated_explicit: false,
            undated_threshold: DEFAULT_UNDATED_THRESHOLD,
            format: FormatArg::Auto,
            log_format: None,
            time_field: Vec::new(),
            key_file: None,
            rotate: RotateArg::Never,
            ip_cipher: CipherArg::IpcryptPfx,
            chunk_size: None,
            forget: None,
            forget_max_share: logscrub::forget::DEFAULT_MAX_SHARE,
            forget_keyed: false,
            forget_encrypted: false,
        }
    }
}

impl From<&Cli> for Settings {
    fn from(cli: &Cli) -> Self {
        Settings {
            files: cli.files.clone(),
            output: cli.output.clone(),
            append: cli.append.clone(),
            level: cli.level,
            ip: IpWanted::Flag(cli.ip),
            email: cli.email,
            ipv4_prefix: cli.ipv4_prefix,
            ipv6_prefix: cli.ipv6_prefix,
            threads: cli.threads,
            max_age: cli.max_age,
            now: cli.now,
            undated: cli.undated,
            undated_explicit: false,
            undated_threshold: cli.undated_threshold,
            format: cli.format,
            log_format: cli.log_format.clone(),
            time_field: cli.time_field.clone(),
            key_file: cli.key_file.clone(),
            rotate: cli.rotate,
            ip_cipher: cli.ip_cipher,
            chunk_size: cli.chunk_size,
            forget: cli.forget.clone(),
            forget_max_share: cli.forget_max_share,
            forget_keyed: false,
            forget_encrypted: false,
        }
    }
}

impl From<&RevealArgs> for Settings {
    /// A reveal run: decrypt addresses, leave everything else.
    fn from(args: &RevealArgs) -> Self {
        Settings {
            files: args.files.clone(),
            output: args.output.clone(),
            ip: IpWanted::Decrypt,
            email: EmailArg::Keep,
            threads: args.threads,
            key_file: args.key_file.clone(),
            ip_cipher: args.ip_cipher,
            ipv4_prefix: args.ipv4_prefix,
            ipv6_prefix: args.ipv6_prefix,
            ..Settings::default()
        }
    }
}

impl Settings {
    /// The settings `forget` and `subject` share: how the logs they read were written.
    fn written(w: &WrittenArgs) -> Settings {
        Settings {
            format: w.format,
            time_field: w.time_field.clone(),
            key_file: w.key_file.clone(),
            rotate: w.rotate,
            ip_cipher: w.ip_cipher.unwrap_or(CipherArg::IpcryptPfx),
            forget_keyed: w.key_file.is_some(),
            forget_encrypted: w.ip_cipher.is_some(),
            ..Settings::default()
        }
    }
}

impl From<&ForgetArgs> for Settings {
    /// A `logscrub forget` run: drop the lines holding an entry, leave every other byte.
    fn from(args: &ForgetArgs) -> Self {
        Settings {
            files: args.files.clone(),
            ip: IpWanted::Flag(IpArg::Keep),
            email: EmailArg::Keep,
            threads: args.threads,
            now: args.now,
            forget: Some(args.list.clone()),
            forget_max_share: args.forget_max_share,
            ..Settings::written(&args.written)
        }
    }
}

impl From<&SubjectArgs> for Settings {
    /// A `logscrub subject` run: the subject file is matched as a forget list.
    fn from(args: &SubjectArgs) -> Self {
        Settings {
            files: args.files.clone(),
            ip: IpWanted::Flag(IpArg::Keep),
            email: EmailArg::Keep,
            now: args.now,
            forget: Some(args.subject.clone()),
            forget_max_share: 100.0,
            ..Settings::written(&args.written)
        }
    }
}

impl Settings {
    /// The settings of `logscrub check`: its prefixes and actions, else the configuration file's,
    /// else the defaults. Its inputs are its own (`check` writes nothing), so none are taken here.
    pub fn of_check(args: &CheckArgs) -> Result<Settings> {
        let mut settings = Settings::default();
        let (mut ip, mut email) = (IpArg::Mask, EmailArg::Redact);
        if let Some(path) = &args.config {
            for s in config_file::load(path, &Cli::command())? {
                let value = s.values.first().map(String::as_str).unwrap_or("");
                match s.key.as_str() {
                    "ipv4-prefix" | "ipv6-prefix" => match value.parse::<u8>() {
                        Ok(n) if s.key == "ipv4-prefix" => settings.ipv4_prefix = n,
                        Ok(n) => settings.ipv6_prefix = n,
                        Err(_) => {}
                    },
                    "ip" => ip = IpArg::from_str(value, false).unwrap_or(ip),
                    "email" => email = EmailArg::from_str(value, false).unwrap_or(email),
                    _ => {}
                }
            }
        }
        settings.ipv4_prefix = args.ipv4_prefix.unwrap_or(settings.ipv4_prefix);
        settings.ipv6_prefix = args.ipv6_prefix.unwrap_or(settings.ipv6_prefix);
        settings.ip = IpWanted::Flag(args.ip.unwrap_or(ip));
        settings.email = args.email.unwrap_or(email);
        Ok(settings)
    }

    /// What `check` judges by: the prefixes (checked as a scrub checks them) and which kinds the
    /// actions leave on purpose. No key is read: check needs none.
    pub fn audit_policy(&self) -> Result<Policy> {
        Prefix::<32>::new(self.ipv4_prefix)
            .ok_or_else(|| Error::Usage("--ipv4-prefix must be 0-32".into()))?;
        Prefix::<128>::new(self.ipv6_prefix)
            .ok_or_else(|| Error::Usage("--ipv6-prefix must be 0-128".into()))?;
        Ok(Policy {
            ipv4_prefix: self.ipv4_prefix,
            ipv6_prefix: self.ipv6_prefix,
            ips_expected: matches!(self.ip, IpWanted::Flag(IpArg::Keep | IpArg::Encrypt)),
            emails_expected: self.email == EmailArg::Keep,
        })
    }

    /// Resolves the settings into a plan: checks them, reads the key file when an action needs
    /// it, and reads the clock when `--now` is not given. Nothing of the inputs is read.
    pub fn resolve(&self) -> Result<Plan> {
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
        let mut keys = Keys::new(self);
        let ip = match self.ip {
            IpWanted::Flag(IpArg::Mask) => IpAction::Mask,
            IpWanted::Flag(IpArg::Redact) => IpAction::Redact,
            IpWanted::Flag(IpArg::Keep) => IpAction::Keep,
            IpWanted::Flag(IpArg::Hash) => IpAction::Hash(keys.pseudonyms()?),
            IpWanted::Flag(IpArg::Encrypt) => IpAction::Encrypt(keys.cipher()?),
            IpWanted::Decrypt => IpAction::Decrypt(keys.cipher()?),
        };
        let email = match self.email {
            EmailArg::Redact => EmailAction::Redact,
            EmailArg::Keep => EmailAction::Keep,
            EmailArg::Hash => EmailAction::Hash(keys.pseudonyms()?),
        };
        let forget = self.forget(&mut keys)?;
        let now = self.now.unwrap_or_else(clock_now);
        let retention = self.max_age.map(|age| {
            let undated = match self.undated {
                UndatedArg::Drop => Undated::Drop,
                UndatedArg::Keep => Undated::Keep,
            };
            Retention::new(age, now, undated)
        });
        let plan = Plan {
            actions: Actions {
                ip,
                email,
                ipv4_prefix,
                ipv6_prefix,
            },
            threads: self.threads.map_or_else(default_threads, |t| t as usize),
            chunk_size: self.chunk_size.unwrap_or(DEFAULT_CHUNK_SIZE),
            level: self.level,
            inputs,
            output: self.output.clone(),
            append: self.append.clone(),
            format: match self.format {
                FormatArg::Auto => Format::Auto,
                FormatArg::Clf => Format::Clf,
                FormatArg::Json => Format::Json,
                FormatArg::W3c => Format::W3c,
                FormatArg::Elb => Format::Elb,
                FormatArg::Squid => Format::Squid,
                FormatArg::Cloudstorage => Format::CloudStorage,
                FormatArg::Haproxy | FormatArg::Envoy => Format::Bracketed,
                FormatArg::Text => Format::Text,
            },
            time_fields: self.time_field.clone(),
            log_format: self.log_format.clone(),
            undated_limit: (retention.is_some()
                && self.undated == UndatedArg::Drop
                && !self.undated_explicit)
                .then_some(self.undated_threshold),
            retention,
            now,
            forget,
        };
        plan.validate()?;
        Ok(plan)
    }

    /// The forget list, read and compiled before any input is read: with the run's pseudonyms
    /// when an action hashes (or, for `forget` and `subject`, when a key is given), and matching
    /// encrypted addresses when the input is encrypted.
    fn forget(&self, keys: &mut Keys) -> Result<Option<Arc<Forget>>> {
        let Some(path) = &self.forget else {
            return Ok(None);
        };
        let list = forget::list::load(path).map_err(|e| Error::Setting {
            message: e.to_string(),
            culprits: vec![("forget", e.to_string())],
        })?;
        let mut f = Forget::new(list).with_max_share(self.forget_max_share);
        let hashing = keys.pseudonyms.clone();
        let pseudonyms = match hashing {
            Some(p) => Some(p),
            None if self.forget_keyed => Some(keys.pseudonyms()?),
            None => None,
        };
        if let Some(p) = pseudonyms {
            f = f.with_pseudonyms(p);
        }
        if self.forget_encrypted {
            f = f.encrypted(&*keys.cipher()?);
        }
        Ok(Some(Arc::new(f)))
    }

    /// Why there is no key, blaming `key-file` (a file that is not a key), or when none is given,
    /// the actions that need one.
    fn key_error(&self, e: KeyError) -> Error {
        let message = e.to_string();
        let culprits = match e {
            KeyError::Missing | KeyError::EnvEmpty => {
                let mut culprits = Vec::new();
                let needs = |name: Option<clap::builder::PossibleValue>| {
                    format!(
                        "{} needs a key, and none is given: set key-file, pass --key-file FILE or set \
                         {}=FILE; make a key with `logscrub keygen > FILE`",
                        name.map(|v| v.get_name().to_string()).unwrap_or_default(),
                        key::KEY_FILE_ENV
                    )
                };
                if let IpWanted::Flag(ip @ (IpArg::Hash | IpArg::Encrypt)) = self.ip {
                    culprits.push(("ip", needs(ip.to_possible_value())));
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

/// The key material of a run, made from the key file when the first action asks for it: the key
/// is read once, and both hashing actions share one set of pseudonyms.
struct Keys<'a> {
    settings: &'a Settings,
    key: Option<Key>,
    pseudonyms: Option<Arc<Pseudonyms>>,
}

impl<'a> Keys<'a> {
    fn new(settings: &'a Settings) -> Self {
        Keys {
            settings,
            key: None,
            pseudonyms: None,
        }
    }

    /// The key of `--key-file` (or `LOGSCRUB_KEY_FILE`, which clap reads into it).
    fn key(&mut self) -> Result<&Key> {
        let s = self.settings;
        let key = match self.key.take() {
            Some(key) => key,
            None => key::load(s.key_file.as_deref(), None).map_err(|e| s.key_error(e))?,
        };
        Ok(self.key.insert(key))
    }

    /// The pseudonyms of `--ip hash` and `--email hash`, rotating as `--rotate` says.
    fn pseudonyms(&mut self) -> Result<Arc<Pseudonyms>> {
        if let Some(p) = &self.pseudonyms {
            return Ok(Arc::clone(p));
        }
        let rotation = match self.settings.rotate {
            RotateArg::Never => Rotation::Never,
            RotateArg::Daily => Rotation::Daily,
            RotateArg::Monthly => Rotation::Monthly,
        };
        let p = Arc::new(Pseudonyms::new(self.key()?, rotation));
        self.pseudonyms = Some(Arc::clone(&p));
        Ok(p)
    }

    /// The cipher of `--ip encrypt` and `reveal`, as `--ip-cipher` says, refusing a key it must
    /// not be used with.
    fn cipher(&mut self) -> Result<Arc<PrefixCipher>> {
        let cipher = match self.settings.ip_cipher {
            CipherArg::IpcryptPfx => Cipher::IpcryptPfx,
            CipherArg::Cryptopan => Cipher::CryptoPan,
        };
        let key_file = self.settings.key_file.as_deref();
        let key = self.key()?;
        cipher.check_key(key.bytes()).map_err(|e| {
            let message = format!("{}: {e}", key_file.unwrap_or(Path::new("key")).display());
            Error::Setting {
                culprits: vec![
                    ("key-file", message.clone()),
                    ("ip-cipher", message.clone()),
                ],
                message,
            }
        })?;
        Ok(Arc::new(PrefixCipher::new(cipher, key.bytes())))
    }
}

/// The clock in Unix seconds: read once per run, for `--now` when it is not given and for when
/// the run started.
pub fn clock_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Why the command line could not be read.
#[derive(Debug)]
pub enum ArgsError {
    /// Bad flags, or --help / --version (which clap prints itself); with the command the
    /// command line names (`check`), if it names one, for the `--help` to point to.
    Clap(clap::Error, Option<String>),
    /// A configuration file that cannot be read or holds a bad key or value.
    Config(Error),
}

impl std::fmt::Display for ArgsError {
    /// One line: a usage mistake with clap's suggestion ([`super::usage::one_line`]), or the
    /// configuration file's error naming file, line and key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArgsError::Clap(e, command) => {
                f.write_str(&super::usage::one_line(e, command.as_deref()))
            }
            ArgsError::Config(e) => write!(f, "{e}"),
        }
    }
}

/// The command line, merged with its configuration file.
#[derive(Debug)]
pub struct Parsed {
    pub cli: Cli,
    /// The merged matches (for `--print-config`).
    pub matches: ArgMatches,
    /// Which settings came from the configuration file, and from which line.
    pub origins: Origins,
}

impl Parsed {
    /// The plan of a scrub run; an error about a setting taken from the configuration file names
    /// the file, the line and the key.
    pub fn plan(&self) -> Result<Plan> {
        let mut settings = Settings::from(&self.cli);
        // A config file's `undated` becomes a command-line flag, so it counts as explicit too.
        settings.undated_explicit = self
            .matches
            .value_source("undated")
            .is_some_and(|s| s != ValueSource::DefaultValue);
        settings.resolve().map_err(|e| self.origins.locate(e))
    }
}

/// Parses `argv` (program name first). A scrub run with `--config` (or `LOGSCRUB_CONFIG`) takes
/// from the file every option the command line and its environment variables leave unset: the
/// file's settings become flags placed before the command line's own.
pub fn parse_args(argv: &[OsString]) -> std::result::Result<Parsed, ArgsError> {
    let cmd = Cli::command();
    let clap_error = |e: clap::Error| {
        let command = Cli::command()
            .ignore_errors(true)
            .try_get_matches_from(argv)
            .ok()
            .and_then(|m| m.subcommand_name().map(str::to_string));
        ArgsError::Clap(e, command)
    };
    let matches = cmd.clone().try_get_matches_from(argv).map_err(clap_error)?;
    let cli = Cli::from_arg_matches(&matches).map_err(clap_error)?;
    let Some(path) = cli.config.clone().filter(|_| cli.command.is_none()) else {
        return Ok(Parsed {
            cli,
            matches,
            origins: Origins::default(),
        });
    };
    let settings = config_file::load(&path, &cmd).map_err(ArgsError::Config)?;
    // Given on the command line or by its environment variable; a switch also when its negation
    // (`--no-quiet` for `quiet`) is, which overrides the file's setting as the switch would.
    let given_exactly = |key: &str| {
        let negation = format!("no-{key}");
        cmd.get_arguments()
            .filter(|a| a.get_long() == Some(key) || a.get_long() == Some(negation.as_str()))
            .filter_map(|a| matches.value_source(a.get_id().as_str()))
            .any(|s| matches!(s, ValueSource::CommandLine | ValueSource::EnvVariable))
    };
    // Where the output goes is one setting under two keys: `--append` on the command line
    // overrides the file's `output`, and `-o` its `append`.
    let given = |key: &str| match key {
        "output" | "append" => given_exactly("output") || given_exactly("append"),
        key => given_exactly(key),
    };
    let used: Vec<&config_file::Setting> = settings.iter().filter(|s| !given(&s.key)).collect();
    let mut merged: Vec<OsString> = argv.iter().take(1).cloned().collect();
    for setting in &used {
        merged.extend(setting.args());
    }
    merged.extend(argv.iter().skip(1).cloned());
    let matches = cmd.try_get_matches_from(&merged).map_err(clap_error)?;
    let cli = Cli::from_arg_matches(&matches).map_err(clap_error)?;
    Ok(Parsed {
        cli,
        matches,
        origins: Origins::new(&path, used),
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use logscrub::action::IpAction;

    fn plan_of(cli: &Cli) -> Result<Plan> {
        Settings::from(cli).resolve()
    }

    #[test]
    fn every_command_starts_from_the_scrub_defaults() {
        let scrub = Settings::from(&Cli::parse_from(["logscrub"]));
        let defaults = Settings::default();
        assert_eq!(format!("{scrub:?}"), format!("{defaults:?}"));
        let reveal = Cli::parse_from(["logscrub", "reveal", "-j", "3", "x.log"]);
        let Some(super::super::args::Command::Reveal(args)) = &reveal.command else {
            panic!("not reveal: {reveal:?}");
        };
        let settings = Settings::from(args);
        assert_eq!(settings.ip, IpWanted::Decrypt);
        assert_eq!(settings.email, EmailArg::Keep);
        assert_eq!(settings.threads, Some(3));
        assert_eq!(settings.level, defaults.level);
        // Decrypting needs a key: reveal resolves, and fails, as a keyed scrub does.
        let e = Settings {
            key_file: None,
            ..settings
        }
        .resolve()
        .unwrap_err();
        assert!(e.to_string().contains("no key"), "{e}");
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
        let plan = plan_of(&cli).unwrap();
        assert!(matches!(plan.actions.ip, IpAction::Redact));
        assert_eq!(plan.actions.ipv4_prefix.len(), 16);
        assert_eq!(plan.threads, 3);
        assert_eq!(plan.inputs, [InputSpec::Path("a".into()), InputSpec::Stdin]);
        assert!(Cli::try_parse_from(["logscrub", "--ipv4-prefix", "33"]).is_err());
        assert!(Cli::try_parse_from(["logscrub", "-j", "0"]).is_err());
        assert!(plan_of(&Cli::parse_from(["logscrub", "-", "-"])).is_err());
    }

    #[test]
    fn retention_flags() {
        let plan = plan_of(&Cli::parse_from([
            "logscrub",
            "--max-age",
            "1d",
            "--now",
            "@1000000",
            "--undated",
            "keep",
        ]))
        .unwrap();
        let r = plan.retention.unwrap();
        assert_eq!(
            (r.max_age_secs, r.now, r.cutoff, r.undated),
            (86_400, 1_000_000, 913_600, Undated::Keep)
        );
        assert!(plan_of(&Cli::parse_from(["logscrub"]))
            .unwrap()
            .retention
            .is_none());
        let e = plan_of(&Cli::parse_from([
            "logscrub",
            "--max-age",
            "1d",
            "--format",
            "text",
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("--format text"), "{e}");
        assert!(Cli::try_parse_from(["logscrub", "--max-age", "3 days"]).is_err());
    }
}
