//! What is read and where the scrubbed text goes: several inputs, `-` and a pipe as stdin,
//! relative paths; `-o` as a file or as a directory (a trailing slash makes one), never over an
//! input, an existing file replaced atomically with no temporary file left; symlinks, FIFOs and
//! devices as the output or the report target, written through and never replaced.

use std::path::Path;

use crate::util::*;

// ---------------------------------------------------------------------------------------
// Inputs

#[test]
fn several_inputs_without_output_are_concatenated_on_stdout_in_order() {
    let inputs = ["crlf.log", "sample.log", "multi_member.log.gz"];
    let run = logscrub().args(inputs.map(testdata)).run();
    let expected: Vec<u8> = inputs
        .iter()
        .flat_map(|i| default_output(i).to_vec())
        .collect();
    assert_same_bytes(run.ok(), &expected, "concatenated outputs");
}

#[test]
fn dash_means_stdin() {
    let input = read_testdata("sample.log");
    assert_same_bytes(
        logscrub().arg("-").stdin(input).run().ok(),
        &default_output("sample.log"),
        "-",
    );
}

#[test]
fn piped_lines_show_before_the_input_ends() {
    // `tail -f access.log | logscrub`: a line must come out while the pipe stays open.
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_logscrub"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    for (input, want) in [
        ("203.0.113.77 first\n", "203.0.113.0 first"),
        ("bob@example.com second\n", "[email] second"),
    ] {
        stdin.write_all(input.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("no output while the input stays open");
        assert_eq!(got, want);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn relative_paths_resolve_against_the_working_directory() {
    let dir = tempdir();
    std::fs::copy(testdata("sample.log"), dir.path().join("access.log")).unwrap();
    logscrub()
        .args(["access.log", "-o", "access.scrubbed.log.gz"])
        .current_dir(dir.path())
        .run()
        .ok();
    let written = std::fs::read(dir.path().join("access.scrubbed.log.gz")).unwrap();
    assert_same_bytes(
        &gunzip(&written),
        &default_output("sample.log"),
        "relative paths",
    );
    assert_eq!(
        list_dir(dir.path()),
        ["access.log", "access.scrubbed.log.gz"]
    );
    assert!(Path::new(&dir.path().join("access.log")).exists());
}

// ---------------------------------------------------------------------------------------
// Output files and directories

#[test]
fn several_inputs_go_to_a_new_output_directory_keeping_names() {
    let dir = tempdir();
    let out_dir = dir.path().join("scrubbed");
    let inputs = [
        "sample.log",
        "crlf.log",
        "multi_member.log.gz",
        "gzip_no_suffix",
    ];
    let run = logscrub()
        .args(inputs.map(testdata))
        .arg("-o")
        .arg(&out_dir)
        .run();
    assert!(run.ok().is_empty());
    let mut names = inputs.map(String::from).to_vec();
    names.sort();
    assert_eq!(
        list_dir(&out_dir),
        names,
        "one output per input, no temp files"
    );
    for input in inputs {
        let written = std::fs::read(out_dir.join(input)).unwrap();
        let plain = if input.ends_with(".gz") {
            assert!(
                is_gzip(&written),
                "{input}: output name ends in .gz, so gzip"
            );
            gunzip(&written)
        } else {
            assert!(
                !is_gzip(&written),
                "{input}: output name does not end in .gz, so plain"
            );
            written
        };
        assert_same_bytes(&plain, &default_output(input), input);
    }
}

#[test]
fn output_with_a_trailing_slash_is_a_directory_created_for_one_input_too() {
    let dir = tempdir();
    let input = write_file(
        dir.path(),
        "access.log-20261124.gz",
        &gzip(&read_testdata("sample.log")),
    );
    let conf = write_file(dir.path(), "logscrub.toml", b"quiet = true\n");
    let incoming = dir.path().join("incoming");
    // README's "scrub, then check" recipe, into a directory that does not exist yet.
    let recipe = format!(
        "{BIN} --config {conf} --report {report} -o {incoming}/ {input} \
         && {BIN} check --config {conf} {incoming}/access.log-20261124.gz && echo 'scrubbed and clean'",
        conf = conf.display(),
        report = dir.path().join("report.json").display(),
        incoming = incoming.display(),
        input = input.display(),
    );
    let run = std::process::Command::new("sh")
        .arg("-c")
        .arg(&recipe)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "scrubbed and clean\n");
    assert_eq!(list_dir(&incoming), ["access.log-20261124.gz"]);
    // The same from a config file's output key, and into an existing directory without a slash.
    let conf = write_file(
        dir.path(),
        "out.toml",
        format!("output = \"{}/\"\n", dir.path().join("nd").display()).as_bytes(),
    );
    logscrub()
        .arg("--config")
        .arg(&conf)
        .arg(testdata("sample.log"))
        .run()
        .ok();
    assert_eq!(list_dir(&dir.path().join("nd")), ["sample.log"]);
    logscrub()
        .arg(testdata("crlf.log"))
        .arg("-o")
        .arg(dir.path().join("nd"))
        .run()
        .ok();
    assert_eq!(list_dir(&dir.path().join("nd")), ["crlf.log", "sample.log"]);
    // Without a slash, a path that does not exist is still the output file.
    let file = dir.path().join("plain-out.log");
    logscrub()
        .arg(testdata("sample.log"))
        .arg("-o")
        .arg(&file)
        .run()
        .ok();
    assert!(file.is_file());
    // stdin has no name to keep in a directory.
    logscrub()
        .arg("-o")
        .arg(format!("{}/", dir.path().join("from-stdin").display()))
        .stdin("x\n")
        .run()
        .fails_naming("stdin cannot be written into an output directory");
}

#[test]
fn refuses_to_overwrite_its_input() {
    let dir = tempdir();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    let sample = read_testdata("sample.log");
    let gz = read_testdata("multi_member.log.gz");
    std::fs::write(d.join("in.log"), &sample).unwrap();
    std::fs::write(d.join("in.log.gz"), &gz).unwrap();
    let cases: &[&[&str]] = &[
        &["in.log", "-o", "in.log"],
        &["in.log", "-o", "./sub/../in.log"],
        &["in.log.gz", "-o", "in.log.gz"],
        &["in.log", "in.log.gz", "-o", "."],
        &["--output", "in.log", "in.log"],
    ];
    for args in cases {
        let run = logscrub().args(*args).current_dir(d).run();
        run.fails_naming("in.log");
        assert_eq!(
            std::fs::read(d.join("in.log")).unwrap(),
            sample,
            "{args:?}: in.log changed"
        );
        assert_eq!(
            std::fs::read(d.join("in.log.gz")).unwrap(),
            gz,
            "{args:?}: in.log.gz changed"
        );
        assert_eq!(
            list_dir(d),
            ["in.log", "in.log.gz", "sub"],
            "{args:?}: files left behind"
        );
        assert!(list_dir(&d.join("sub")).is_empty());
    }
}

#[test]
fn existing_output_file_is_replaced_atomically_without_temp_files() {
    let dir = tempdir();
    let out = dir.path().join("out.log");
    std::fs::write(
        &out,
        b"old contents that are longer than nothing\n".repeat(1000),
    )
    .unwrap();
    logscrub()
        .arg(testdata("sample.log"))
        .arg("-o")
        .arg(&out)
        .run()
        .ok();
    assert_same_bytes(
        &std::fs::read(&out).unwrap(),
        &default_output("sample.log"),
        "replaced output",
    );
    assert_eq!(list_dir(dir.path()), ["out.log"]);
}

// ---------------------------------------------------------------------------------------
// Symlinks, FIFOs and devices as targets

/// A file `real` holding `old` and a symlink `link` to it, both in `dir`.
fn linked_file(dir: &Path, real: &str, link: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (real, link) = (dir.join(real), dir.join(link));
    std::fs::write(&real, b"old\n").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    (real, link)
}

fn assert_is_symlink(path: &Path) {
    let meta = std::fs::symlink_metadata(path).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "{} was replaced",
        path.display()
    );
}

#[test]
fn a_symlinked_target_replaces_the_file_it_names_and_keeps_the_link() {
    let dir = tempdir();
    let (real, link) = linked_file(dir.path(), "real.log", "current.log");
    logscrub()
        .arg(testdata("sample.log"))
        .arg("-o")
        .arg(&link)
        .run()
        .ok();
    assert_is_symlink(&link);
    assert_same_bytes(
        &std::fs::read(&real).unwrap(),
        &default_output("sample.log"),
        "the linked file",
    );
    assert_eq!(list_dir(dir.path()), ["current.log", "real.log"]);
}

#[test]
fn a_symlinked_report_replaces_the_file_it_names_and_keeps_the_link() {
    let dir = tempdir();
    let (real, link) = linked_file(dir.path(), "real.json", "report.json");
    logscrub()
        .arg(testdata("sample.log"))
        .arg("-o")
        .arg(dir.path().join("out.log"))
        .arg("--report")
        .arg(&link)
        .run()
        .ok();
    assert_is_symlink(&link);
    let report = std::fs::read_to_string(&real).unwrap();
    assert!(report.contains("\"lines_in\""), "{report}");
    assert_eq!(
        list_dir(dir.path()),
        ["out.log", "real.json", "report.json"]
    );
}

#[test]
fn a_fifo_target_is_written_directly_not_replaced() {
    let dir = tempdir();
    let fifo = dir.path().join("scrubbed.fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // The reader gets the text through a channel: were the FIFO replaced, its open would never
    // return, and the test must fail rather than hang.
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        std::thread::spawn(move || tx.send(std::fs::read(fifo).unwrap()));
    }
    let run = logscrub()
        .arg(testdata("sample.log"))
        .arg("-o")
        .arg(&fifo)
        .run();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let read = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("nothing came through the FIFO: was it replaced?");
    assert_same_bytes(&read, &default_output("sample.log"), "read from the FIFO");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(list_dir(dir.path()), ["scrubbed.fifo"]);
}

#[test]
fn a_report_path_that_is_a_fifo_is_written_into_not_replaced() {
    use std::io::Read as _;
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let dir = tempdir();
    let fifo = dir.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("note: mkfifo is missing: the FIFO report target is not tested");
        return;
    }
    // Held open for reading (without blocking), so that logscrub's open for writing succeeds.
    let mut reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let run = logscrub()
        .arg("--report")
        .arg(&fifo)
        .stdin("203.0.113.9 x\n")
        .run();
    assert_eq!(run.ok(), b"203.0.113.0 x\n");
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced by a file"
    );
    let mut json = String::new();
    reader.read_to_string(&mut json).unwrap();
    let r: serde_json::Value = serde_json::from_str(&json).expect("the report came through");
    assert_eq!(r["status"], "ok");
    assert_eq!(
        list_dir(dir.path()),
        ["report.fifo"],
        "no temporary file left"
    );
}

#[test]
fn output_to_dev_full_is_a_write_error() {
    // Through a symlink in a temporary directory: were /dev/full ever replaced by a renamed
    // file again, only the link would be.
    let dir = tempdir();
    let link = dir.path().join("full");
    std::os::unix::fs::symlink("/dev/full", &link).unwrap();
    let run = logscrub()
        .arg(testdata("sample.log"))
        .arg("-o")
        .arg(&link)
        .run();
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert_is_symlink(&link);
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/full")
        .unwrap()
        .file_type()
        .is_char_device());
    assert_eq!(list_dir(dir.path()), ["full"], "no temporary file left");
}
