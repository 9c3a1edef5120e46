//! `logscrub man [COMMAND]`: the man page (roff) of logscrub or of one of its commands.
//!
//! clap_mangen renders the page from the same definitions as `--help`; this replaces its SYNOPSIS
//! with one that names each option's argument (`--ip ACTION`, not `--ip`), and adds the sections a
//! man page is expected to have and clap knows nothing of: EXIT STATUS, ENVIRONMENT (the variables
//! the page's options read), FILES and SEE ALSO. Hidden options (`--chunk-size`) appear nowhere.

use clap::{Arg, ArgAction, Command, CommandFactory};
use logscrub::error::Error;

use super::fail;
use crate::cli::args::MAN_PAGES;
use crate::cli::Cli;
use crate::exit::Exit;

/// Prints the page of `command` (`None`: logscrub's own); a closed stdout is no failure.
pub fn run(command: Option<&str>) -> Exit {
    let page = match man_page(command) {
        Ok(page) => page,
        Err(e) => return fail(&Error::write("<stdout>", e)),
    };
    match std::io::Write::write_all(&mut std::io::stdout(), page.as_bytes()) {
        Ok(()) => Exit::Ok,
        Err(e) => match Error::write("<stdout>", e) {
            Error::BrokenPipe => Exit::Ok,
            e => fail(&e),
        },
    }
}

/// The man page of `logscrub` (`None`) or of one of its commands, as roff.
pub fn man_page(command: Option<&str>) -> std::io::Result<String> {
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
    let mut out = Vec::new();
    clap_mangen::Man::new(page.clone())
        .source(format!("logscrub {}", env!("CARGO_PKG_VERSION")))
        .render(&mut out)?;
    let roff = String::from_utf8(out).map_err(std::io::Error::other)?;
    Ok(complete(&roff, &page, command))
}

/// `roff` from clap_mangen with our SYNOPSIS in place of its own, and the extra sections before
/// its VERSION section (or at the end).
fn complete(roff: &str, page: &Command, command: Option<&str>) -> String {
    let mut out = roff.to_string();
    if let Some(start) = out.find(".SH SYNOPSIS\n") {
        let end = out[start + 1..]
            .find("\n.SH ")
            .map_or(out.len(), |i| start + 1 + i + 1);
        out.replace_range(start..end, &synopsis(page, command));
    }
    let extra = extra_sections(page, command);
    match out.find(".SH VERSION\n") {
        Some(at) => out.insert_str(at, &extra),
        None => out.push_str(&extra),
    }
    out
}

/// Text for roff: backslashes and hyphens escaped, no line starting with a control character.
fn esc(text: &str) -> String {
    let s = text.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with(['.', '\'']) {
        format!("\\&{s}")
    } else {
        s
    }
}

/// `[-o|--output PATH]`, `[--time-field NAME]...`, `[FILE]...`, `SHELL`: an argument as the
/// SYNOPSIS names it.
fn usage_of(arg: &Arg) -> String {
    let names: Vec<String> = arg
        .get_value_names()
        .map(|v| v.iter().map(|n| format!("\\fI{}\\fR", esc(n))).collect())
        .unwrap_or_else(|| vec![format!("\\fI{}\\fR", esc(arg.get_id().as_str()))]);
    let takes_value = matches!(arg.get_action(), ArgAction::Set | ArgAction::Append);
    let repeats = matches!(arg.get_action(), ArgAction::Append);
    let text = if arg.is_positional() {
        names.join(" ")
    } else {
        let mut flags = Vec::new();
        if let Some(s) = arg.get_short() {
            flags.push(format!("\\fB\\-{}\\fR", esc(&s.to_string())));
        }
        if let Some(l) = arg.get_long() {
            flags.push(format!("\\fB\\-\\-{}\\fR", esc(l)));
        }
        let mut t = flags.join("|");
        if takes_value {
            t.push(' ');
            t.push_str(&names.join(" "));
        }
        t
    };
    let text = if arg.is_required_set() {
        text
    } else {
        format!("[{text}]")
    };
    if repeats {
        format!("{text}...")
    } else {
        text
    }
}

/// The SYNOPSIS: every visible option with its argument's name, then the positionals; for
/// logscrub's own page, a second line for its commands.
fn synopsis(page: &Command, command: Option<&str>) -> String {
    let name = match command {
        Some(c) => format!("logscrub {c}"),
        None => "logscrub".to_string(),
    };
    let visible = || page.get_arguments().filter(|a| !a.is_hide_set());
    let mut line = format!("\\fB{}\\fR", esc(&name));
    for arg in visible().filter(|a| !a.is_positional()) {
        line.push(' ');
        line.push_str(&usage_of(arg));
    }
    for arg in visible().filter(|a| a.is_positional()) {
        line.push(' ');
        line.push_str(&usage_of(arg));
    }
    let mut out = format!(".SH SYNOPSIS\n{line}\n");
    if page.has_subcommands() {
        out.push_str(&format!(
            ".br\n\\fB{}\\fR \\fICOMMAND\\fR [\\fIARGS\\fR]\n",
            esc(&name)
        ));
    }
    out
}

/// EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO of `page`.
fn extra_sections(page: &Command, command: Option<&str>) -> String {
    let mut out = String::new();
    let item = |out: &mut String, tag: &str, text: &str| {
        out.push_str(&format!(".TP\n{tag}\n{}\n", esc(text)));
    };
    out.push_str(".SH \"EXIT STATUS\"\n");
    match command {
        Some("check") => {
            item(&mut out, "\\fB0\\fR", "No personal data was found.");
            item(
                &mut out,
                "\\fB1\\fR",
                "Personal data was found (each finding is printed).",
            );
            item(
                &mut out,
                "\\fB2\\fR",
                "A usage or configuration error, or an input could not be read.",
            );
        }
        Some(_) => {
            item(&mut out, "\\fB0\\fR", "Success.");
            item(
                &mut out,
                "\\fB2\\fR",
                "A usage error, a key that cannot be read or written, or an input that failed.",
            );
        }
        None => {
            item(
                &mut out,
                "\\fB0\\fR",
                "Every input was scrubbed (also when the reader of stdout went away early).",
            );
            item(
                &mut out,
                "\\fB1\\fR",
                "Only from logscrub check: personal data was found.",
            );
            item(
                &mut out,
                "\\fB2\\fR",
                "A usage or configuration error, a key file that cannot be used, any input that \
                 failed (the other inputs are still processed and the report says which failed), \
                 or a report that could not be written.",
            );
        }
    }
    if command.is_none() || command == Some("reveal") {
        item(
            &mut out,
            "\\fB128 + n\\fR",
            "Stopped by signal n (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, which with \
             --append reopens the output instead of stopping); no partial output file is left.",
        );
    }
    let envs: Vec<(String, String)> = page
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| {
            let var = a.get_env()?.to_string_lossy().into_owned();
            let flag = format!("--{}", a.get_long()?);
            Some((var, flag))
        })
        .collect();
    if !envs.is_empty() {
        out.push_str(".SH ENVIRONMENT\n");
        for (var, flag) in envs {
            let what = match var.as_str() {
                "LOGSCRUB_KEY_FILE" => "The key file, when --key-file is not given.",
                "LOGSCRUB_CONFIG" => "The configuration file, when --config is not given.",
                _ => "",
            };
            item(
                &mut out,
                &format!("\\fB{}\\fR", esc(&var)),
                &if what.is_empty() {
                    format!("Same as {flag}.")
                } else {
                    what.to_string()
                },
            );
        }
    }
    out.push_str(".SH FILES\n");
    if command.is_none() || command == Some("check") {
        item(
            &mut out,
            "\\fI/etc/logscrub/logscrub.toml\\fR",
            "A usual place for the TOML configuration file. No file is read unless --config or \
             LOGSCRUB_CONFIG names it; logscrub --print-config prints a complete one.",
        );
    }
    if command != Some("check") && command != Some("completions") && command != Some("man") {
        item(
            &mut out,
            "\\fI/etc/logscrub/key\\fR",
            "A usual place for the key file (64 hex characters), made by logscrub keygen -o with \
             mode 0600. A key file its group or others may read is refused: chmod 600 it.",
        );
    }
    if command.is_none() || command == Some("reveal") {
        item(
            &mut out,
            "\\fIDIR/.NAME.XXXXXX.logscrub\\-tmp\\fR",
            "While an output file is written, it is a temporary file beside its target, renamed \
             into place when complete and removed when the run fails or is stopped.",
        );
    }
    out.push_str(".SH \"SEE ALSO\"\n");
    let mut see: Vec<String> = Vec::new();
    if command.is_some() {
        see.push("logscrub(1)".to_string());
    }
    see.extend(
        MAN_PAGES
            .iter()
            .filter(|p| Some(**p) != command)
            .map(|p| format!("logscrub\\-{p}(1)")),
    );
    see.extend(["gzip(1)", "logrotate(8)"].map(String::from));
    out.push_str(&see.join(", "));
    out.push('\n');
    out
}
