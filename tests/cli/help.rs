//! Help, man pages and shell completions, all made from the same definitions: what they name
//! (options, commands, every exit status), and that every page the man page refers to can be
//! printed by `logscrub man`.

use crate::util::*;

#[test]
fn help_completions_and_man_page_come_from_the_same_definitions() {
    let help = logscrub().arg("--help").run();
    let help = String::from_utf8_lossy(help.ok()).into_owned();
    for want in [
        "Examples:",
        "--config",
        "--report",
        "Exit status",
        "check",
        "completions",
    ] {
        assert!(help.contains(want), "--help lacks {want}");
    }
    let bash = logscrub().args(["completions", "bash"]).run();
    let bash = String::from_utf8_lossy(bash.ok()).into_owned();
    assert!(
        bash.contains("_logscrub()") && bash.contains("--max-age"),
        "{bash}"
    );
    let zsh = logscrub().args(["completions", "zsh"]).run();
    assert!(String::from_utf8_lossy(zsh.ok()).contains("#compdef logscrub"));
    let man = logscrub().arg("man").run();
    let man = String::from_utf8_lossy(man.ok()).into_owned();
    assert!(
        man.starts_with(".ie") || man.contains(".TH logscrub"),
        "{man}"
    );
    assert!(man.contains("max\\-age"), "{man}");
    assert_eq!(logscrub().args(["completions", "tcsh"]).run().code, Some(2));
}

#[test]
fn help_names_every_exit_status_including_signals() {
    let help = logscrub().arg("--help").run();
    let help = String::from_utf8_lossy(help.ok()).into_owned();
    let exit = &help[help.find("Exit status").expect("an exit status part")..];
    for want in ["0 ", "1 ", "2 ", "128 + n", "130", "143", "report"] {
        assert!(exit.contains(want), "no {want:?} in {exit}");
    }
}

#[test]
fn man_page_names_only_pages_that_logscrub_man_can_print() {
    let main = logscrub().arg("man").run();
    let main = String::from_utf8_lossy(main.ok()).into_owned();
    let named: Vec<String> = main
        .split("logscrub\\-")
        .skip(1)
        .filter_map(|rest| rest.split_once("(1)").map(|(name, _)| name.to_string()))
        .filter(|name| name.bytes().all(|b| b.is_ascii_lowercase()))
        .collect();
    assert!(named.contains(&"check".to_string()), "{main}");
    for name in &named {
        let page = logscrub().args(["man", name]).run();
        let page = String::from_utf8_lossy(page.ok()).into_owned();
        assert!(
            page.lines()
                .any(|l| l.starts_with(&format!(".TH logscrub-{name} 1"))),
            "logscrub man {name}: {page}"
        );
    }
    let check = logscrub().args(["man", "check"]).run();
    assert!(String::from_utf8_lossy(check.ok()).contains("ipv4\\-prefix"));
    assert_eq!(logscrub().args(["man", "bogus"]).run().code, Some(2));
}
