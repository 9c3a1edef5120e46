//! The progress bar and the closing summary on stderr: shown only on a terminal, and the bar only
//! while the scrubbed text goes to a file rather than to a pipe or the terminal; silenced by
//! `--quiet` or `quiet = true`, forced by `--progress always`. A terminal is made with `script`
//! (util-linux) when it is there.

use crate::util::*;

#[test]
fn no_progress_bar_or_summary_when_stderr_is_not_a_terminal_or_quiet() {
    let run = logscrub()
        .arg(testdata("access/elastic_apache_logs_2015.log.gz"))
        .run();
    run.ok();
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
    let run = logscrub()
        .args([
            "--quiet",
            "--max-age",
            "1d",
            "--now",
            "2026-11-25T00:00:00Z",
        ])
        .arg(testdata("sample.log"))
        .run();
    run.ok();
    assert!(run.stderr.is_empty(), "--quiet: {}", run.stderr);
}

/// Whether `script` (util-linux) can give a command a terminal here.
fn have_script() -> bool {
    std::process::Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn progress_bar_shows_on_a_terminal_only_when_the_text_goes_to_a_file_not_a_pipe() {
    if !have_script() {
        eprintln!(
            "note: `script` (util-linux) is missing: the progress bar is not tested on a terminal"
        );
        return;
    }
    let dir = tempdir();
    let quiet_conf = write_file(dir.path(), "quiet.toml", b"quiet = true\n");
    let out = dir.path().join("out.log");
    // stdin stays open for 1.2 s, so the run lasts past the bar's half-second delay.
    let feed = "(printf '203.0.113.9 x\\n'; sleep 1.2)";
    let cases: Vec<(String, bool)> = vec![
        (format!("{BIN} -o {}", out.display()), true),
        (
            format!("{BIN} > {}", dir.path().join("stdout.log").display()),
            true,
        ),
        (format!("{BIN} > /dev/null"), true),
        // README's `zcat … | logscrub | less`: the bar would be drawn under less.
        (format!("{BIN} | cat > /dev/null"), false),
        // The scrubbed text itself goes to the terminal.
        (BIN.to_string(), false),
        (format!("{BIN} --quiet -o {}", out.display()), false),
        (
            format!("{BIN} --progress never -o {}", out.display()),
            false,
        ),
        (
            format!("{BIN} --quiet --progress always | cat > /dev/null"),
            true,
        ),
        // quiet = true in the config (as the shipped example has it) is undone by a flag.
        (
            format!(
                "{BIN} --config {} --progress always -o {}",
                quiet_conf.display(),
                out.display()
            ),
            true,
        ),
        (
            format!(
                "{BIN} --config {} -o {}",
                quiet_conf.display(),
                out.display()
            ),
            false,
        ),
    ];
    let runs: Vec<_> = cases
        .into_iter()
        .map(|(cmd, want)| {
            let line = format!("{feed} | {cmd}");
            let child = std::process::Command::new("script")
                .args(["-qec", &line, "/dev/null"])
                .env("TERM", "xterm")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            (cmd, want, child)
        })
        .collect();
    for (cmd, want, child) in runs {
        let got = child.wait_with_output().unwrap();
        let terminal = String::from_utf8_lossy(&got.stdout).into_owned();
        assert_eq!(got.status.code(), Some(0), "{cmd}: {terminal}");
        assert_eq!(
            terminal.contains("files 0/1"),
            want,
            "{cmd}: the terminal showed {terminal:?}"
        );
    }
}
