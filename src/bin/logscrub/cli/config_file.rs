//! The TOML configuration file (`--config FILE`): one `key = value` per command-line option, keys
//! named as the long flags (`ip = "hash"`, `max-age = "90d"`, `time-field = ["ts", "time"]`).
//!
//! The file is read into [`Setting`]s, each checked by the very parser of the flag it stands for, so
//! the file accepts exactly what the command line accepts and an error names the file, the line and
//! the key. Settings become flags placed *before* the command line's own ([`Setting::args`]), for
//! the options the command line (or its environment variable) did not set: flags override the file,
//! the file overrides the defaults.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, Command};
use toml::de::{DeTable, DeValue};

use logscrub::error::{Error, Result};

/// Options that are not settings: they say how to run, not what to do; or, as `--no-quiet`, they
/// undo a switch, which a file sets to false instead (`quiet = false`).
const NOT_SETTINGS: &[&str] = &["config", "print-config", "help", "version", "no-quiet"];

/// One checked `key = value` of a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The key, which is the long flag's name (`max-age`).
    pub key: String,
    /// The value(s) as the flag would take them: one for most keys, any number for lists, and for
    /// a switch (`quiet = true`) none when true; a switch set to false is left out entirely.
    pub values: Vec<String>,
    /// Line of the key in the file (1-based).
    pub line: usize,
}

impl Setting {
    /// The flags this setting stands for: `--key=value` for each value.
    pub fn args(&self) -> Vec<OsString> {
        if self.values.is_empty() {
            return vec![format!("--{}", self.key).into()];
        }
        self.values
            .iter()
            .map(|v| format!("--{}={v}", self.key).into())
            .collect()
    }
}

/// The options of `cmd` a configuration file may set.
pub fn settable(cmd: &Command) -> impl Iterator<Item = &Arg> {
    cmd.get_arguments().filter(|a| {
        a.get_long()
            .is_some_and(|l| !NOT_SETTINGS.contains(&l) && !a.is_positional() && !a.is_hide_set())
    })
}

/// Reads and checks the configuration file at `path` against the options of `cmd`.
pub fn load(path: &Path, cmd: &Command) -> Result<Vec<Setting>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        line: None,
        key: None,
        message: format!("cannot read: {e}"),
    })?;
    parse(&text, path, cmd)
}

/// Checks the text of a configuration file (see [`load`]).
pub fn parse(text: &str, path: &Path, cmd: &Command) -> Result<Vec<Setting>> {
    let err = |at: Option<usize>, key: Option<&str>, message: String| Error::Config {
        path: path.to_path_buf(),
        line: at.map(|offset| line_of(text, offset)),
        key: key.map(str::to_string),
        message,
    };
    let table = DeTable::parse(text).map_err(|e| {
        let message = e.message().trim_end();
        if let Some((key, first)) = duplicate(text, &e) {
            let first = first.map_or_else(String::new, |l| format!(" (first set on line {l})"));
            return err(
                e.span().map(|s| s.start),
                Some(&key),
                format!("duplicate key{first}; give each key once"),
            );
        }
        err(
            e.span().map(|s| s.start),
            None,
            format!("not valid TOML: {message}"),
        )
    })?;
    let mut settings: Vec<Setting> = Vec::new();
    for (key, value) in table.get_ref() {
        let at = Some(key.span().start);
        let name: &str = key.get_ref();
        let Some(arg) = settable(cmd).find(|a| a.get_long() == Some(name)) else {
            return Err(err(
                at,
                Some(name),
                format!("unknown key; the keys are: {}", keys(cmd).join(", ")),
            ));
        };
        let value_err = |m: String| err(Some(value.span().start), Some(name), m);
        let scalar = |v: &DeValue| -> std::result::Result<String, String> {
            match v {
                DeValue::String(s) => Ok(s.to_string()),
                // The value, not its text: `0o20` is 16, not "20".
                DeValue::Integer(i) => {
                    i128::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                        .map(|n| n.to_string())
                        .map_err(|_| format!("{i} is not a whole number logscrub can read"))
                }
                DeValue::Datetime(d) => Ok(d.to_string()),
                DeValue::Boolean(_) => Err("expected text or a number, not true/false".into()),
                DeValue::Float(_) => Err("expected text or a whole number".into()),
                DeValue::Array(_) | DeValue::Table(_) => {
                    Err("expected one value, not a list or table".into())
                }
            }
        };
        let values = match (arg.get_action(), value.get_ref()) {
            (ArgAction::SetTrue, DeValue::Boolean(true)) => vec![],
            (ArgAction::SetTrue, DeValue::Boolean(false)) => continue,
            (ArgAction::SetTrue, _) => return Err(value_err("expected true or false".into())),
            (ArgAction::Append, DeValue::Array(items)) => items
                .iter()
                .map(|i| scalar(i.get_ref()))
                .collect::<std::result::Result<_, _>>()
                .map_err(value_err)?,
            (_, v) => vec![scalar(v).map_err(value_err)?],
        };
        for v in &values {
            check_value(cmd, arg, v).map_err(value_err)?;
        }
        settings.push(Setting {
            key: name.to_string(),
            values,
            line: line_of(text, key.span().start),
        });
    }
    settings.sort_by_key(|s| s.line);
    Ok(settings)
}

/// For a duplicate-key error: the key, and the line where it was first set.
fn duplicate(text: &str, e: &toml::de::Error) -> Option<(String, Option<usize>)> {
    if e.message().trim_end() != "duplicate key" {
        return None;
    }
    let span = e.span()?;
    let key = text.get(span)?.trim().trim_matches(['"', '\'']).to_string();
    let (table, _) = DeTable::parse_recoverable(text);
    let first = table
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(k, _)| line_of(text, k.span().start));
    Some((key, first))
}

/// The text value of `key` in the configuration file at `path`, read leniently: to find where
/// the report of a run goes when the run cannot start because the file (or the command line) is
/// wrong. `None` when the file cannot be read or holds no such text.
pub fn peek(path: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let (table, _) = DeTable::parse_recoverable(&text);
    let value = table
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .and_then(|(_, v)| v.get_ref().as_str().map(str::to_string));
    value
}

/// Every key a configuration file may hold.
pub fn keys(cmd: &Command) -> Vec<&str> {
    settable(cmd).filter_map(Arg::get_long).collect()
}

/// Runs `value` through the flag's own parser; the error is clap's first line without its prefix,
/// plus the possible values when there is a fixed set.
fn check_value(cmd: &Command, arg: &Arg, value: &str) -> std::result::Result<(), String> {
    let Some(long) = arg.get_long() else {
        return Ok(());
    };
    let flag = OsString::from(format!("--{long}={value}"));
    let Err(e) = cmd
        .clone()
        .try_get_matches_from([OsStr::new("logscrub"), &flag])
    else {
        return Ok(());
    };
    let text = e.to_string();
    let first = text.lines().next().unwrap_or_default();
    let mut message = first.trim_start_matches("error: ").to_string();
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|p| !p.is_hide_set())
        .map(|p| p.get_name().to_string())
        .collect();
    if !possible.is_empty() {
        let _ = write!(message, " (one of: {})", possible.join(", "));
    }
    Err(message)
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Where the settings of a run came from: the configuration file's line of each key that was
/// used (the command line and its environment variables did not override it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origins {
    path: PathBuf,
    lines: Vec<(String, usize)>,
}

impl Origins {
    /// The origins of `used`, the settings of the file at `path` that a run took.
    pub fn new<'a>(path: &Path, used: impl IntoIterator<Item = &'a Setting>) -> Origins {
        Origins {
            path: path.to_path_buf(),
            lines: used.into_iter().map(|s| (s.key.clone(), s.line)).collect(),
        }
    }

    /// The line of `key` in the configuration file, if the run took it from there.
    pub fn line(&self, key: &str) -> Option<usize> {
        self.lines.iter().find(|(k, _)| k == key).map(|&(_, l)| l)
    }

    /// `e` naming `FILE:LINE: KEY` when it is an [`Error::Setting`] whose culprit came from the
    /// file (the first such culprit); otherwise `e` as it is.
    pub fn locate(&self, e: Error) -> Error {
        let Error::Setting { culprits, .. } = &e else {
            return e;
        };
        for (key, detail) in culprits {
            if let Some(line) = self.line(key) {
                return self.at(key, line, detail.clone());
            }
        }
        e
    }

    /// `e`, an error about the setting `key`, naming `FILE:LINE: KEY` when the run took that
    /// setting from the file.
    pub fn blame(&self, key: &str, e: Error) -> Error {
        match self.line(key) {
            Some(line) => self.at(key, line, e.to_string()),
            None => e,
        }
    }

    fn at(&self, key: &str, line: usize, message: String) -> Error {
        Error::Config {
            path: self.path.clone(),
            line: Some(line),
            key: Some(key.to_string()),
            message,
        }
    }
}

/// The configuration file named by `--config`, or by the environment variable `LOGSCRUB_CONFIG`.
pub fn path_from(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("LOGSCRUB_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

#[cfg(test)]
mod tests {
    use super::super::args::Cli;
    use super::*;
    use clap::CommandFactory;

    fn parse_ok(text: &str) -> Vec<Setting> {
        parse(text, Path::new("c.toml"), &Cli::command()).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse(text, Path::new("c.toml"), &Cli::command())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn keys_become_flags_in_file_order() {
        let s = parse_ok(
            "# nightly\nip = \"hash\"\nipv4-prefix = 16\nquiet = true\n\
             time-field = [\"ts\", \"when\"]\nmax-age = \"90d\"\n",
        );
        let args: Vec<OsString> = s.iter().flat_map(Setting::args).collect();
        assert_eq!(
            args,
            [
                "--ip=hash",
                "--ipv4-prefix=16",
                "--quiet",
                "--time-field=ts",
                "--time-field=when",
                "--max-age=90d"
            ]
            .map(OsString::from)
        );
        assert_eq!(s[1].line, 3);
        assert!(parse_ok("quiet = false").is_empty());
        // Integers are their value, in any base.
        for (text, want) in [
            ("0x10", "16"),
            ("0o20", "16"),
            ("0b1_0000", "16"),
            ("+1_6", "16"),
        ] {
            let s = parse_ok(&format!("ipv4-prefix = {text}"));
            assert_eq!(s[0].values, [want], "{text}");
        }
    }

    #[test]
    fn errors_name_file_line_and_key() {
        assert_eq!(
            parse_err("ip = \"mask\"\n\nipp = \"hash\"\n"),
            format!(
                "c.toml:3: ipp: unknown key; the keys are: {}",
                keys(&Cli::command()).join(", ")
            )
        );
        let e = parse_err("level = 6\nip = \"bogus\"\n");
        assert!(
            e.starts_with("c.toml:2: ip: invalid value 'bogus'") && e.contains("one of: mask"),
            "{e}"
        );
        let e = parse_err("\n\nmax-age = \"3 days\"");
        assert!(e.starts_with("c.toml:3: max-age: invalid value"), "{e}");
        let e = parse_err("ipv4-prefix = 33\n");
        assert!(e.starts_with("c.toml:1: ipv4-prefix: invalid value"), "{e}");
        assert!(parse_err("quiet = 1").starts_with("c.toml:1: quiet: expected true or false"));
        assert!(parse_err("level = 1.5").contains("whole number"));
        let e = parse_err("ip = \"mask\"\nip = [");
        assert!(e.starts_with("c.toml:2: not valid TOML"), "{e}");
        let e = parse_err("ip = \"mask\"\n\nip = \"mask\"\n");
        assert_eq!(
            e,
            "c.toml:3: ip: duplicate key (first set on line 1); give each key once"
        );
        // Options that say how to run are not settings.
        assert!(parse_err("config = \"x\"").contains("unknown key"));
        assert!(parse_err("print-config = true").contains("unknown key"));
        assert!(parse_err("[scrub]\nip = \"mask\"").contains("unknown key"));
    }

    #[test]
    fn origins_blame_the_first_culprit_taken_from_the_file() {
        let settings = parse_ok("level = 6\n\nformat = \"text\"\n");
        let origins = Origins::new(Path::new("c.toml"), &settings);
        assert_eq!(origins.line("format"), Some(3));
        let e = || Error::Setting {
            message: "--max-age needs --format".into(),
            culprits: vec![("max-age", "m".into()), ("format", "f".into())],
        };
        assert_eq!(origins.locate(e()).to_string(), "c.toml:3: format: f");
        // Nothing from the file: the flags' message.
        let none = Origins::default();
        assert_eq!(none.locate(e()).to_string(), "--max-age needs --format");
        let usage = || Error::Usage("bad".into());
        assert_eq!(
            origins.blame("level", usage()).to_string(),
            "c.toml:1: level: bad"
        );
        assert_eq!(origins.blame("output", usage()).to_string(), "bad");
    }

    #[test]
    fn every_option_has_a_key() {
        let cmd = Cli::command();
        let keys = keys(&cmd);
        for want in [
            "output",
            "level",
            "ip",
            "email",
            "ipv4-prefix",
            "ipv6-prefix",
            "threads",
            "max-age",
            "now",
            "undated",
            "format",
            "time-field",
            "key-file",
            "rotate",
            "ip-cipher",
            "report",
            "quiet",
            "progress",
        ] {
            assert!(keys.contains(&want), "no key {want} in {keys:?}");
        }
    }
}
