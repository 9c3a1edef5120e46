//! Runs that end early: SIGINT and SIGTERM mid-run, also while a read waits on a silent pipe,
//! exit 128 + n and leave no file at the target and no temporary file (to stdout, what was read
//! was written, and the message says so); a reader that closes stdout early ends the run at once,
//! quietly, with status 0. The report of such a run is in `report`.

use crate::util::report::read_report;
use crate::util::*;

// ---------------------------------------------------------------------------------------
// Closed stdout

#[test]
fn stdout_closed_early_ends_the_run_at_once_quietly_with_status_0() {
    use std::io::BufRead;
    let dir = tempdir();
    let big = write_file(dir.path(), "big.log.gz", &gzip(&big_text(24)));
    for threads in ["1", "2"] {
        let mut child = std::process::Command::new(BIN)
            .args(["-j", threads])
            .arg(&big)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.starts_with("198.51.0.0 - - "), "{first}");
        // The reader goes away, like `| head -1`.
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "-j {threads}");
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---------------------------------------------------------------------------------------
// SIGINT and SIGTERM

/// Sends `sig` to `child` once `ready` holds, feeding its stdin forever meanwhile; returns its
/// exit code and stderr.
fn interrupt(
    mut cmd: std::process::Command,
    sig: i32,
    ready: impl Fn() -> bool,
) -> (Option<i32>, String) {
    use std::io::Write as _;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let block = big_text(1);
        // An endless input: only the signal can end the run. Stops when the pipe closes.
        while stdin.write_all(&block).is_ok() {}
    });
    let start = std::time::Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "never ready"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // SAFETY: kill(2) on the pid of our own child.
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sigint_and_sigterm_mid_run_leave_no_file_at_the_target_and_no_temporary_file() {
    for (sig, code, name) in [
        (libc::SIGINT, 130, "SIGINT"),
        (libc::SIGTERM, 143, "SIGTERM"),
    ] {
        for target in ["out.log", "out.log.gz"] {
            let dir = tempdir();
            let out = dir.path().join(target);
            let mut cmd = std::process::Command::new(BIN);
            cmd.args(["-j", "2", "-o"]).arg(&out);
            let d = dir.path().to_path_buf();
            // Ready once the temporary file exists and has data in it.
            let ready = move || {
                std::fs::read_dir(&d).unwrap().any(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.metadata().is_ok_and(|m| m.len() > 0))
                })
            };
            let (got, stderr) = interrupt(cmd, sig, ready);
            assert_eq!(got, Some(code), "{name} {target}: {stderr}");
            assert!(stderr.contains(&format!("stopped by {name}")), "{stderr}");
            assert!(
                list_dir(dir.path()).is_empty(),
                "{name} {target}: left {:?}",
                list_dir(dir.path())
            );
        }
    }
}

#[test]
fn sigterm_while_a_read_waits_on_a_silent_pipe_still_removes_the_temporary_file() {
    use std::io::Write as _;
    let dir = tempdir();
    let out = dir.path().join("out.log");
    let mut child = std::process::Command::new(BIN)
        .arg("-o")
        .arg(&out)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"203.0.113.5 - - a line, then silence\n")
        .unwrap();
    let start = std::time::Instant::now();
    while list_dir(dir.path()).is_empty() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "no temporary file"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // SAFETY: kill(2) on the pid of our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let got = child.wait_with_output().unwrap();
    drop(stdin); // kept open until now: the read never returned by itself
    let stderr = String::from_utf8_lossy(&got.stderr);
    assert_eq!(got.status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("stopped by SIGTERM"), "{stderr}");
    assert!(
        list_dir(dir.path()).is_empty(),
        "left {:?}",
        list_dir(dir.path())
    );
}

#[test]
fn sigint_with_stdout_as_the_target_says_the_lines_read_were_written() {
    let dir = tempdir();
    let report = dir.path().join("r.json");
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["-j", "2", "--report"]).arg(&report);
    let start = std::time::Instant::now();
    let ready = move || start.elapsed() > std::time::Duration::from_millis(800);
    let (code, stderr) = interrupt(cmd, libc::SIGINT, ready);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("<stdin>: stopped by SIGINT"), "{stderr}");
    assert!(
        !stderr.contains("its output was not written"),
        "lines were written to stdout: {stderr}"
    );
    assert!(stderr.contains("stdout"), "{stderr}");
    let r = read_report(&report);
    let f = &r["files"][0];
    assert!(f["lines_out"].as_u64().unwrap() > 0, "{f}");
    assert!(
        f["error"].as_str().unwrap().contains("stdout"),
        "the report says the same: {f}"
    );
    // With a file target the output is indeed not written.
    let out = dir.path().join("out.log");
    let mut cmd = std::process::Command::new(BIN);
    cmd.arg("-o").arg(&out);
    let start = std::time::Instant::now();
    let ready = move || start.elapsed() > std::time::Duration::from_millis(800);
    let (code, stderr) = interrupt(cmd, libc::SIGINT, ready);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("its output was not written"), "{stderr}");
    assert!(!out.exists());
}
