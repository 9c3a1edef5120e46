//! The live output (`--append FILE`): lines piped in slowly show up in the file one by one,
//! scrubbed; the file is rotated under load by renaming it and sending SIGHUP, and every line is
//! found exactly once, whole and in order, across the rotated files; a reopen that fails is
//! reported and loses nothing; SIGINT/SIGTERM still stop, and without `--append` SIGHUP still
//! stops with 129; the refusals (`-o` with it, a `.gz` name, two inputs), also from the config
//! file.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::util::report::{assert_accounting, read_report};
use crate::util::*;

/// How long any single thing a test waits for may take before the test fails (never a speed
/// assertion: on a loaded machine things are slow, not wrong).
const PATIENCE: Duration = Duration::from_secs(60);

/// Polls `done` until it holds, failing the test after [`PATIENCE`].
#[track_caller]
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "waited too long for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The lines of the file at `path` (none when it does not exist).
fn file_lines(path: &Path) -> Vec<String> {
    std::fs::read(path)
        .map(|b| {
            lines(&b)
                .iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A running `logscrub`, killed if the test fails before it exits (a live run never ends by
/// itself).
struct Live(Child);

impl Drop for Live {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Sends `sig` to `child`.
fn kill(child: &Live, sig: i32) {
    // SAFETY: kill(2) on the pid of our own child, not yet waited for.
    unsafe {
        libc::kill(child.0.id() as i32, sig);
    }
}

/// `logscrub ARGS` with stdin piped and stderr read line by line into a channel.
fn spawn_live(args: &[&std::ffi::OsStr]) -> (Live, mpsc::Receiver<String>) {
    spawn_live_from(args, Stdio::piped())
}

/// `logscrub ARGS` reading `stdin`, with stderr read line by line into a channel.
fn spawn_live_from(args: &[&std::ffi::OsStr], stdin: Stdio) -> (Live, mpsc::Receiver<String>) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (Live(child), rx)
}

/// Waits for `child` to exit (failing after [`PATIENCE`]) and returns its exit code.
fn exit_code(mut child: Live) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            return status.code();
        }
        assert!(start.elapsed() < PATIENCE, "logscrub did not exit");
        std::thread::sleep(Duration::from_millis(5));
    }
}

// ---------------------------------------------------------------------------------------
// Lines as they come

#[test]
fn lines_piped_slowly_appear_in_the_append_file_one_by_one_scrubbed() {
    for threads in ["1", "4"] {
        let dir = tempdir();
        let live = dir.path().join("live.log");
        // An existing file keeps what it holds, and its mode.
        std::fs::write(&live, b"written before\n").unwrap();
        std::fs::set_permissions(&live, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        let report = dir.path().join("r.json");
        let (mut child, _stderr) = spawn_live(&[
            "-j".as_ref(),
            threads.as_ref(),
            "--append".as_ref(),
            live.as_os_str(),
            "--report".as_ref(),
            report.as_os_str(),
        ]);
        let mut stdin = child.0.stdin.take().unwrap();
        for i in 1..=5 {
            // One line at a time, waiting for each: nothing more comes until it is written.
            writeln!(
                stdin,
                "203.0.113.{i} - - [25/Nov/2026:13:55:3{i} +0000] \"GET /?to=u{i}@example.com HTTP/1.1\" 200 {i}"
            )
            .unwrap();
            stdin.flush().unwrap();
            wait_for(&format!("line {i} with -j {threads}"), || {
                file_lines(&live).len() > i
            });
            let got = file_lines(&live);
            assert_eq!(got.len(), i + 1, "-j {threads}: {got:?}");
            assert_eq!(
                got[i],
                format!(
                    "203.0.113.0 - - [25/Nov/2026:13:55:3{i} +0000] \"GET /?to=[email] HTTP/1.1\" 200 {i}"
                ),
                "-j {threads}"
            );
        }
        drop(stdin);
        assert_eq!(exit_code(child), Some(0), "-j {threads}");
        assert_eq!(file_lines(&live)[0], "written before");
        assert_eq!(mode(&live), 0o600);
        // Nothing beside it: no temporary file, ever.
        assert_eq!(list_dir(dir.path()), ["live.log", "r.json"]);
        let r = read_report(&report);
        let f = &r["files"][0];
        assert_eq!(f["output"].as_str(), Some(live.to_str().unwrap()), "{f}");
        assert_eq!(f["lines_in"].as_u64(), Some(5), "{f}");
        assert_eq!(f["lines_out"].as_u64(), Some(5), "{f}");
        assert_accounting(&r["total"]);
    }
}

#[test]
fn a_fifo_opened_read_write_as_in_the_nginx_recipe_is_appended_line_by_line_until_sigterm() {
    let dir = tempdir();
    let fifo = dir.path().join("access.fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) on a NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let live = dir.path().join("out").join("live.log");
    std::fs::create_dir(live.parent().unwrap()).unwrap();
    // `logscrub <> FIFO`: read-write, so it never sees end-of-file when the writer goes away.
    let read_write = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let (child, stderr) =
        spawn_live_from(&["--append".as_ref(), live.as_os_str()], read_write.into());
    for i in 1..=3 {
        // Each request is a writer that opens, writes one line and closes, as nginx may.
        let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        writeln!(
            writer,
            "2001:db8:85a3:8d3:1319:8a2e:370:{i} - - \"GET / HTTP/1.1\" 200"
        )
        .unwrap();
        drop(writer);
        wait_for(&format!("line {i}"), || file_lines(&live).len() == i);
        assert_eq!(
            file_lines(&live)[i - 1],
            "2001:db8:85a3:: - - \"GET / HTTP/1.1\" 200"
        );
    }
    // A new file gets mode 0640 (less only if the umask takes more away).
    assert_eq!(mode(&live) & !0o640, 0);
    kill(&child, libc::SIGTERM);
    assert_eq!(exit_code(child), Some(143));
    // The read waits on the silent FIFO, so the signal thread ends the run after its grace
    // second; every line read whole was already appended.
    let stderr: Vec<String> = stderr.iter().collect();
    assert!(
        stderr.iter().any(|l| l.contains("stopped by SIGTERM")),
        "{stderr:?}"
    );
    assert_eq!(file_lines(&live).len(), 3);
}

// ---------------------------------------------------------------------------------------
// Rotation

/// Line `n` of the rotation test as written, and as it must come out. Every 10 000th line is
/// longer than the chunk size, so it is written in pieces.
fn numbered(n: u32) -> (String, String) {
    let pad = if n % 10_000 == 0 {
        "ab cd ".repeat(7_000)
    } else {
        String::new()
    };
    let line = |v4: &str, v6: &str| {
        format!(
            "{n:07} {v4} - - [25/Nov/2026:13:55:36 +0000] \"GET /{n}?{pad} HTTP/1.1\" 200 5 via {v6}\n"
        )
    };
    let (a, h) = (n % 250 + 1, n % 0xfff + 1);
    (
        line(&format!("203.0.113.{a}"), &format!("2001:db8:{h:x}::7")),
        line("203.0.113.0", &format!("2001:db8:{h:x}::")),
    )
}

#[test]
fn the_append_file_rotated_under_load_holds_every_line_once_whole_and_in_order() {
    const N: u32 = 200_000;
    const BATCH: u32 = 1_000;
    let dir = tempdir();
    let live = dir.path().join("live.log");
    // Small chunks, so a rotation lands between many chunks and inside over-long lines.
    let (mut child, stderr) = spawn_live(&[
        "-j".as_ref(),
        "4".as_ref(),
        "--chunk-size".as_ref(),
        "16K".as_ref(),
        "--append".as_ref(),
        live.as_os_str(),
    ]);
    let mut stdin = child.0.stdin.take().unwrap();
    let mut rotated: Vec<PathBuf> = Vec::new();
    let mut since = 0;
    for first in (0..N).step_by(BATCH as usize) {
        let batch: String = (first..first + BATCH).map(|n| numbered(n).0).collect();
        stdin.write_all(batch.as_bytes()).unwrap();
        since += 1;
        // Rotate as logrotate does, while lines keep coming: rename, then SIGHUP. The next
        // rotation waits until the reopened file exists and has lines.
        if since >= 10 && std::fs::metadata(&live).is_ok_and(|m| m.len() > 0) {
            let to = dir.path().join(format!("live.log.{}", rotated.len() + 1));
            std::fs::rename(&live, &to).unwrap();
            kill(&child, libc::SIGHUP);
            rotated.push(to);
            since = 0;
        }
    }
    drop(stdin);
    let code = exit_code(child);
    let messages: Vec<String> = stderr.try_iter().collect();
    assert_eq!(code, Some(0), "{messages:?}");
    assert!(messages.is_empty(), "{messages:?}");
    assert!(rotated.len() >= 3, "only {} rotations", rotated.len());
    let mut files = rotated.clone();
    files.push(live.clone()); // the last file, if a line came after the last SIGHUP
    let mut n = 0u32;
    for path in &files {
        let Ok(text) = std::fs::read(path) else {
            assert_eq!(path, &live, "a rotated file vanished");
            continue;
        };
        // No line split across a reopen: every file ends with a whole line.
        assert!(
            text.is_empty() || text.ends_with(b"\n"),
            "{} ends inside a line",
            path.display()
        );
        for got in text.split_inclusive(|&b| b == b'\n') {
            assert!(n < N, "more lines than were written, in {}", path.display());
            let (_, want) = numbered(n);
            assert!(
                got == want.as_bytes(),
                "{}: line {n} is\n{}\nnot\n{want}",
                path.display(),
                show(&got[..got.len().min(300)])
            );
            n += 1;
        }
    }
    assert_eq!(n, N, "lines missing");
}

#[test]
fn a_failed_reopen_is_reported_once_and_lines_keep_going_to_the_rotated_file() {
    let dir = tempdir();
    let live = dir.path().join("live.log");
    let rotated = dir.path().join("live.log.1");
    let (mut child, stderr) = spawn_live(&["--append".as_ref(), live.as_os_str()]);
    let mut stdin = child.0.stdin.take().unwrap();
    let mut sent = 0;
    let mut send = |stdin: &mut std::process::ChildStdin| {
        sent += 1;
        writeln!(stdin, "198.51.100.{sent} line {sent}").unwrap();
        stdin.flush().unwrap();
        sent
    };
    let total = |paths: &[&Path]| paths.iter().map(|p| file_lines(p).len()).sum::<usize>();
    let n = send(&mut stdin);
    wait_for("the first line", || total(&[&live]) == n);
    std::fs::rename(&live, &rotated).unwrap();
    // A directory where the file was: it cannot be opened for append, even by root.
    std::fs::create_dir(&live).unwrap();
    kill(&child, libc::SIGHUP);
    // The reopen is tried before the next write after the signal: send lines until it reports.
    let failed = loop {
        let n = send(&mut stdin);
        wait_for(&format!("line {n} in the rotated file"), || {
            total(&[&rotated]) == n
        });
        if let Ok(message) = stderr.try_recv() {
            break message;
        }
        assert!(n < 1000, "no message about the failed reopen");
    };
    assert!(
        failed.starts_with(&format!("logscrub: {}: cannot reopen: ", live.display())),
        "{failed}"
    );
    std::fs::remove_dir(&live).unwrap();
    kill(&child, libc::SIGHUP);
    loop {
        let n = send(&mut stdin);
        wait_for(&format!("line {n}"), || total(&[&rotated, &live]) == n);
        if live.is_file() {
            break;
        }
        assert!(n < 1000, "never reopened");
    }
    drop(stdin);
    assert_eq!(exit_code(child), Some(0));
    let rest: Vec<String> = stderr.try_iter().collect();
    assert!(rest.is_empty(), "one message only: {rest:?}");
    let all: Vec<String> = [file_lines(&rotated), file_lines(&live)].concat();
    let want: Vec<String> = (1..=sent)
        .map(|i| format!("198.51.100.0 line {i}"))
        .collect();
    assert_eq!(all, want);
}

// ---------------------------------------------------------------------------------------
// SIGHUP without --append, and refusals

#[test]
fn sighup_without_append_still_stops_the_run_with_129_and_leaves_no_file() {
    let dir = tempdir();
    let out = dir.path().join("out.log");
    let (mut child, stderr) = spawn_live(&["-o".as_ref(), out.as_os_str()]);
    let mut stdin = child.0.stdin.take().unwrap();
    stdin.write_all(b"203.0.113.5 - - a line\n").unwrap();
    wait_for("the temporary file", || !list_dir(dir.path()).is_empty());
    kill(&child, libc::SIGHUP);
    assert_eq!(exit_code(child), Some(129));
    drop(stdin);
    let messages: Vec<String> = stderr.iter().collect();
    assert!(
        messages.iter().any(|m| m.contains("stopped by SIGHUP")),
        "{messages:?}"
    );
    assert!(
        list_dir(dir.path()).is_empty(),
        "{:?}",
        list_dir(dir.path())
    );
}

#[test]
fn append_refuses_output_a_gz_name_and_two_inputs_before_creating_anything() {
    let dir = tempdir();
    let input = write_file(dir.path(), "in.log", b"203.0.113.9 x\n");
    let live = dir.path().join("live.log");
    let run = logscrub()
        .arg("--append")
        .arg(&live)
        .arg("-o")
        .arg(dir.path().join("o.log"))
        .arg(&input)
        .run();
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("--append") && run.stderr.contains("--output"),
        "{}",
        run.stderr
    );
    logscrub()
        .arg("--append")
        .arg(dir.path().join("live.log.gz"))
        .arg(&input)
        .run()
        .fails_naming("never gzip");
    logscrub()
        .arg("--append")
        .arg(&live)
        .arg(&input)
        .arg(&input)
        .run()
        .fails_naming("--append takes one input");
    logscrub()
        .arg("--append")
        .arg(&input)
        .arg(&input)
        .run()
        .fails_naming("refusing to write over input");
    logscrub()
        .arg("--append")
        .arg(dir.path().join("missing/live.log"))
        .arg(&input)
        .run()
        .fails_naming("missing/live.log: cannot open for append");
    assert_eq!(list_dir(dir.path()), ["in.log"]);
    assert_eq!(std::fs::read(&input).unwrap(), b"203.0.113.9 x\n");
}

#[test]
fn append_in_the_config_file_is_checked_there_and_the_command_line_target_overrides_it() {
    let dir = tempdir();
    let input = write_file(dir.path(), "in.log", b"203.0.113.9 x\n");
    let bad = write_file(
        dir.path(),
        "bad.toml",
        b"ip = \"mask\"\nappend = \"live.log.gz\"\n",
    );
    logscrub()
        .arg("--config")
        .arg(&bad)
        .arg(&input)
        .run()
        .fails_naming("bad.toml:2: append: live.log.gz: a live output is written as plain text");
    // The file says append, the command line -o: -o wins, and the reverse.
    let live = dir.path().join("live.log");
    let conf = format!("append = {:?}\n", live.to_str().unwrap());
    let conf = write_file(dir.path(), "live.toml", conf.as_bytes());
    let out = dir.path().join("o.log");
    logscrub()
        .arg("--config")
        .arg(&conf)
        .arg("-o")
        .arg(&out)
        .arg(&input)
        .run()
        .ok();
    assert_eq!(std::fs::read(&out).unwrap(), b"203.0.113.0 x\n");
    assert!(!live.exists());
    logscrub().arg("--config").arg(&conf).arg(&input).run().ok();
    logscrub().arg("--config").arg(&conf).arg(&input).run().ok();
    assert_eq!(
        std::fs::read(&live).unwrap(),
        b"203.0.113.0 x\n203.0.113.0 x\n",
        "appended, not replaced"
    );
    let conf = format!("output = {:?}\n", out.to_str().unwrap());
    let conf = write_file(dir.path(), "out.toml", conf.as_bytes());
    logscrub()
        .arg("--config")
        .arg(&conf)
        .arg("--append")
        .arg(&live)
        .arg(&input)
        .run()
        .ok();
    assert_eq!(count_lines(&std::fs::read(&live).unwrap()), 3);
}

// ---------------------------------------------------------------------------------------
// Live input other than a pipe on stdin

/// Writes three lines into `feed` one at a time and waits for each in `live`.
fn each_line_shows(feed: &mut dyn Write, live: &Path) {
    for i in 1..=3 {
        writeln!(feed, "192.0.2.{i} - - line {i}").unwrap();
        feed.flush().unwrap();
        wait_for(&format!("line {i}"), || file_lines(live).len() == i);
        assert_eq!(file_lines(live)[i - 1], format!("192.0.2.0 - - line {i}"));
    }
}

#[test]
fn a_fifo_given_by_name_and_a_socket_on_stdin_are_read_live_too() {
    // Regression: only stdin was live, and a socket never was (opening /dev/stdin fails for
    // one), so their lines waited for a whole chunk (512 KiB) before anything was written.
    let dir = tempdir();
    let fifo = dir.path().join("access.fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) on a NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let live = dir.path().join("from-fifo.log");
    let (child, _stderr) = spawn_live_from(
        &["--append".as_ref(), live.as_os_str(), fifo.as_os_str()],
        Stdio::null(),
    );
    let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    each_line_shows(&mut writer, &live);
    drop(writer); // end of input
    assert_eq!(exit_code(child), Some(0));

    let live = dir.path().join("from-socket.log");
    let (mut ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    let (child, _stderr) = spawn_live_from(
        &["--append".as_ref(), live.as_os_str()],
        std::os::fd::OwnedFd::from(theirs).into(),
    );
    each_line_shows(&mut ours, &live);
    drop(ours);
    assert_eq!(exit_code(child), Some(0));
}
