//! `--print-config`: the effective settings as a complete, commented configuration file.

use clap::{ArgAction, ArgMatches, CommandFactory};

use super::args::Cli;
use super::config_file;

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
