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

#[test]
fn man_pages_have_exit_status_environment_files_see_also_and_argument_names() {
    let main = logscrub().arg("man").run();
    let main = String::from_utf8_lossy(main.ok()).into_owned();
    for want in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH \"SEE ALSO\"",
        "LOGSCRUB_KEY_FILE",
        "LOGSCRUB_CONFIG",
        "128 + n",
        "chmod 600",
    ] {
        assert!(main.contains(want), "no {want:?} in\n{main}");
    }
    // The SYNOPSIS names each option's argument, and no hidden option.
    let synopsis = &main[main.find(".SH SYNOPSIS").unwrap()..];
    let synopsis = &synopsis[..synopsis[1..].find("\n.SH ").unwrap()];
    for want in [
        "\\fB\\-\\-ip\\fR \\fIACTION\\fR",
        "\\fB\\-\\-max\\-age\\fR \\fIDURATION\\fR",
        "\\fB\\-o\\fR|\\fB\\-\\-output\\fR \\fIPATH\\fR",
        "[\\fB\\-\\-time\\-field\\fR \\fINAME\\fR]...",
        "[\\fIFILE\\fR]...",
        "\\fICOMMAND\\fR",
    ] {
        assert!(synopsis.contains(want), "no {want:?} in\n{synopsis}");
    }
    assert!(
        !main.contains("chunk\\-size"),
        "a hidden option in the man page"
    );
    // Each command's page has the sections too, and its own environment variables.
    for (page, env) in [
        ("check", Some("LOGSCRUB_CONFIG")),
        ("reveal", Some("LOGSCRUB_KEY_FILE")),
        ("keygen", None),
        ("completions", None),
        ("man", None),
    ] {
        let text = logscrub().args(["man", page]).run();
        let text = String::from_utf8_lossy(text.ok()).into_owned();
        for want in [
            ".SH \"EXIT STATUS\"",
            ".SH FILES",
            ".SH \"SEE ALSO\"",
            "logscrub(1)",
        ] {
            assert!(text.contains(want), "man {page}: no {want:?} in\n{text}");
        }
        assert_eq!(
            text.contains(".SH ENVIRONMENT"),
            env.is_some(),
            "man {page}"
        );
        if let Some(env) = env {
            assert!(text.contains(env), "man {page}: no {env}");
        }
    }
    let check = logscrub().args(["man", "check"]).run();
    let check = String::from_utf8_lossy(check.ok()).into_owned();
    assert!(
        check.contains("\\fB\\-\\-ipv4\\-prefix\\fR \\fIBITS\\fR"),
        "{check}"
    );
}

#[test]
fn man_renders_every_page_when_man_is_installed() {
    let have_man = std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_man {
        eprintln!("note: `man` is missing: the man pages are not rendered, only checked as text");
        return;
    }
    let dir = tempdir();
    for page in [None, Some("check"), Some("reveal"), Some("keygen")] {
        let roff = logscrub().arg("man").args(page).run();
        let path = write_file(dir.path(), "page.1", roff.ok());
        let out = std::process::Command::new("man")
            .arg("-l")
            .arg(&path)
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "man -l {page:?}: {stderr}");
        assert!(
            !stderr.contains("warning") && !stderr.contains("error"),
            "man -l {page:?}: {stderr}"
        );
        for want in ["EXIT STATUS", "FILES", "SEE ALSO", "SYNOPSIS"] {
            assert!(text.contains(want), "man -l {page:?}: no {want} in\n{text}");
        }
    }
}

#[test]
fn completions_offer_no_hidden_option() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = logscrub().args(["completions", shell]).run();
        let script = String::from_utf8_lossy(run.ok()).into_owned();
        assert!(script.contains("max-age"), "{shell}: {script}");
        // Possible values, where the shell's script offers them.
        if ["bash", "zsh", "fish"].contains(&shell) {
            assert!(
                script.contains("ipcrypt-pfx"),
                "{shell}: no possible values"
            );
        }
        assert!(
            !script.contains("chunk-size"),
            "{shell} offers --chunk-size"
        );
    }
}
