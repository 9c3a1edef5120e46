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

/// What `command` drew on a terminal of 50 rows and 200 columns (so no line is cut to fit the
/// terminal): each frame of the bar, without the padding that ends it, in order.
fn frames_on_a_terminal(command: &str) -> Vec<String> {
    let line = format!("stty rows 50 cols 200; {command}");
    let got = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&got.stdout).into_owned();
    terminal
        .split(['\r', '\n'])
        .flat_map(|l| l.split("\x1b[2K"))
        // indicatif pads the last frame to the terminal's width; a summary may follow it.
        .map(|f| f.split("logscrub: ").next().unwrap_or_default().trim_end())
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn progress_bar_fits_80_columns_and_shows_no_rate_before_a_second_of_data() {
    if !have_script() || !have_timeout() {
        eprintln!(
            "note: `script` (util-linux) or `timeout` (coreutils) is missing: the progress bar's \
             width is not tested on a terminal"
        );
        return;
    }
    let dir = tempdir();
    // The widest sizes a real run shows: 999 GiB (a sparse file, never read to its end).
    let big = dir.path().join("big.log");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(999 << 30)
        .unwrap();
    let frames = frames_on_a_terminal(&format!(
        "timeout -s INT 2.5 {BIN} {} > /dev/null",
        big.display()
    ));
    let bars: Vec<&String> = frames.iter().filter(|f| f.contains("files 0/1")).collect();
    assert!(!bars.is_empty(), "no bar: {frames:?}");
    for f in &frames {
        let width = f.chars().count();
        assert!(width <= 80, "{width} columns: {f:?}");
    }
    assert!(
        bars.iter().any(|f| f.contains("999.0 GiB files 0/1")),
        "{bars:?}"
    );
    // The bar appears after half a second, the rate after a second of data: the first frames
    // have none, later ones a rate and the time left.
    assert!(
        !bars[0].contains("/s") && !bars[0].contains("eta"),
        "{}",
        bars[0]
    );
    assert!(
        bars.iter().any(|f| f.contains("B/s eta ")),
        "no rate in 2.5 s: {bars:?}"
    );
}

#[test]
fn progress_bar_ends_at_files_n_of_n_without_eta_0s() {
    if !have_script() {
        eprintln!("note: `script` (util-linux) is missing: the progress bar is not tested");
        return;
    }
    let dir = tempdir();
    let out = dir.path().join("out.log");
    let frames = frames_on_a_terminal(&format!(
        "(printf '203.0.113.9 x\\n'; sleep 1.5) | {BIN} -o {}",
        out.display()
    ));
    assert!(frames.iter().any(|f| f.contains("files 0/1")), "{frames:?}");
    let last = frames.last().unwrap();
    assert!(last.ends_with("14 B files 1/1"), "last frame: {last:?}");
    assert!(!frames.iter().any(|f| f.contains("eta 0s")), "{frames:?}");
    assert_eq!(std::fs::read(&out).unwrap(), b"203.0.113.0 x\n");
}

/// Whether `timeout` (coreutils) is here.
fn have_timeout() -> bool {
    std::process::Command::new("timeout")
        .args(["1", "true"])
        .status()
        .is_ok_and(|s| s.success())
}
