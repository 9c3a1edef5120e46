//! `logscrub completions SHELL`: a completion script on stdout, offering no hidden option
//! (`--chunk-size` is for tests and tuning, and clap_complete would offer it).

use clap::{Command, CommandFactory};

use crate::cli::Cli;
use crate::exit::Exit;

/// Prints the completion script of `shell`.
pub fn run(shell: clap_complete::Shell) -> Exit {
    clap_complete::generate(
        shell,
        &mut visible(&Cli::command()),
        "logscrub",
        &mut std::io::stdout(),
    );
    Exit::Ok
}

/// `cmd` and its commands without their hidden options, for completion (clap_complete offers
/// hidden options too, and a `Command` cannot drop an argument).
fn visible(cmd: &Command) -> Command {
    let mut out = Command::new(cmd.get_name().to_string())
        .args(cmd.get_arguments().filter(|a| !a.is_hide_set()).cloned())
        .subcommands(
            cmd.get_subcommands()
                .filter(|c| !c.is_hide_set())
                .map(visible),
        );
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if cmd.get_version().is_some() {
        out = out.version(env!("CARGO_PKG_VERSION"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_options_are_dropped_and_the_rest_kept() {
        let full = Cli::command();
        let shown = visible(&full);
        let longs = |c: &Command| -> Vec<String> {
            c.get_arguments()
                .filter_map(|a| a.get_long().map(str::to_string))
                .collect()
        };
        assert!(longs(&full).contains(&"chunk-size".to_string()));
        assert!(!longs(&shown).contains(&"chunk-size".to_string()));
        let want: Vec<String> = full
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long().map(str::to_string))
            .collect();
        assert_eq!(longs(&shown), want);
        let names = |c: &Command| -> Vec<String> {
            c.get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect()
        };
        assert_eq!(names(&shown), names(&full));
    }
}
