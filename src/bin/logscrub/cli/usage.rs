//! Usage mistakes as one line on stderr, in the form of every other error (`logscrub: …`), with
//! clap's suggestion when it has one, instead of clap's several lines under `error:`:
//! `logscrub: unexpected argument '--ipp' found; did you mean '--ip'? (see logscrub --help)`.
//! `--help` and `--version` are no mistakes and are printed by clap as they are.

use clap::error::{ContextKind, ContextValue};

/// `e`, a usage mistake, as one line without the `logscrub: ` prefix: clap's message (its lines
/// joined), its suggestions, and which `--help` to read: that of the command whose usage clap
/// shows, else of `command` (the command the command line names), else logscrub's own.
pub fn one_line(e: &clap::Error, command: Option<&str>) -> String {
    let text = e.to_string();
    let mut paragraphs = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
    let first = paragraphs.next().unwrap_or_default();
    let first = first.strip_prefix("error:").unwrap_or(first);
    let mut line = words(first);
    for (kind, value) in e.context() {
        let named = match (kind, value) {
            (
                ContextKind::SuggestedArg
                | ContextKind::SuggestedSubcommand
                | ContextKind::SuggestedValue,
                ContextValue::String(s),
            ) => vec![s.clone()],
            (
                ContextKind::SuggestedArg
                | ContextKind::SuggestedSubcommand
                | ContextKind::SuggestedValue,
                ContextValue::Strings(v),
            ) => v.clone(),
            (ContextKind::Suggested, ContextValue::StyledStrs(tips)) => {
                for tip in tips {
                    line.push_str("; ");
                    line.push_str(&words(&tip.to_string()));
                }
                continue;
            }
            _ => continue,
        };
        if !named.is_empty() {
            let quoted: Vec<String> = named.iter().map(|n| format!("'{n}'")).collect();
            line.push_str(&format!("; did you mean {}?", quoted.join(" or ")));
        }
    }
    let command = paragraphs
        .find_map(|p| p.strip_prefix("Usage:"))
        .map(|usage| {
            usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|c| c.starts_with("logscrub"))
        .unwrap_or_else(|| match command {
            Some(c) => format!("logscrub {c}"),
            None => "logscrub".to_string(),
        });
    line.push_str(&format!(" (see {command} --help)"));
    line
}

/// `text` with every run of whitespace, newlines included, made one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::args::Cli;
    use super::*;
    use clap::CommandFactory;

    fn mistake(args: &[&str]) -> String {
        let argv = std::iter::once("logscrub").chain(args.iter().copied());
        let e = Cli::command().try_get_matches_from(argv).unwrap_err();
        one_line(&e, None)
    }

    #[test]
    fn suggestions_and_the_help_to_read() {
        assert_eq!(
            mistake(&["--ipp"]),
            "unexpected argument '--ipp' found; did you mean '--ip'? (see logscrub --help)"
        );
        assert_eq!(
            mistake(&["--ip", "mak"]),
            "invalid value 'mak' for '--ip <ACTION>' [possible values: mask, redact, keep, hash, \
             encrypt]; did you mean 'mask'? (see logscrub --help)"
        );
        assert_eq!(
            mistake(&["check", "--bogus"]),
            "unexpected argument '--bogus' found; to pass '--bogus' as a value, use '-- --bogus' \
             (see logscrub check --help)"
        );
        assert_eq!(
            mistake(&["completions"]),
            "the following required arguments were not provided: <SHELL> (see logscrub \
             completions --help)"
        );
        let e = Cli::command()
            .try_get_matches_from(["logscrub", "keygen", "-o"])
            .unwrap_err();
        assert!(one_line(&e, Some("keygen")).ends_with(" (see logscrub keygen --help)"));
        for args in [
            &["--level", "10"][..],
            &["help", "chek"],
            &["--quiet", "--quiet"],
        ] {
            let m = mistake(args);
            assert!(!m.contains('\n') && !m.starts_with("error"), "{m}");
        }
    }
}
