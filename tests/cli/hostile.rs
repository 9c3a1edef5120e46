//! Hostile input through the real binary: huge lines, random bytes, NULs, repetitions that would
//! make a careless detector quadratic, and the honeynet log. Nothing may panic, every line comes
//! out, personal data is found even across the framer's cuts, and memory stays bounded.

use std::io::Write;

use crate::util::*;

/// A fast, reproducible byte stream (xorshift64).
fn random_bytes(n: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(n);
    out
}

fn lines_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count() + usize::from(!bytes.ends_with(b"\n"))
}

#[test]
fn a_100_mb_line_is_scrubbed_in_bounded_memory_and_addresses_across_cuts_are_masked() {
    // One line of 100 MB without a newline: `x` (a byte that may belong to a token, so the framer
    // has no free cut point) with an email and an address every 300 001 bytes, so they straddle
    // chunk cuts at many different offsets.
    const SIZE: usize = 100 << 20;
    let mut line = vec![b'x'; SIZE];
    let mut planted = 0;
    let mut at = 1000;
    while at + 64 < SIZE {
        line[at] = b' ';
        line[at + 1..at + 16].copy_from_slice(b"bob@example.com");
        line[at + 16] = b' ';
        line[at + 17..at + 27].copy_from_slice(b"10.1.2.3.x");
        planted += 1;
        at += 300_001;
    }
    let dir = tempdir();
    let path = dir.path().join("huge.log");
    std::fs::write(&path, &line).unwrap();
    drop(line);
    let out_path = dir.path().join("out.log");
    // `/usr/bin/time` reports the peak RSS of its own child; getrusage here would also count this
    // test process's memory, which a vfork-spawned child shares until it execs.
    let rss_path = dir.path().join("rss");
    let status = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss_path)
        .arg(BIN)
        .args(["-j", "2", "-o"])
        .arg(&out_path)
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let rss = std::fs::read_to_string(&rss_path).unwrap();
    let max_rss_kb: u64 = rss.trim().lines().last().unwrap().parse().unwrap();
    assert!(max_rss_kb < 64 * 1024, "peak RSS {max_rss_kb} KiB");
    let out = &std::fs::read(&out_path).unwrap()[..];
    assert_eq!(lines_in(out), 1);
    let count = |needle: &[u8]| out.windows(needle.len()).filter(|w| w == &needle).count();
    assert_eq!(count(b" [email] 10.1.2.0.x"), planted);
    assert_eq!(count(b"bob@"), 0);
    assert!(ip_leaks(out, 24, 48).is_empty());
    assert_eq!(out.len(), SIZE - planted * (15 - 7));
}

#[test]
fn random_bytes_plain_and_gzipped_come_out_line_for_line() {
    let data = random_bytes(50 << 20, 0x9e37_79b9_7f4a_7c15);
    let dir = tempdir();
    let plain = dir.path().join("random.bin");
    std::fs::write(&plain, &data).unwrap();
    let gz = dir.path().join("random.bin.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::none(),
    );
    enc.write_all(&data).unwrap();
    enc.finish().unwrap();
    let from_plain = logscrub().args(["-j", "2"]).arg(&plain).run();
    let from_gz = logscrub().args(["-j", "2"]).arg(&gz).run();
    assert_eq!(lines_in(from_plain.ok()), lines_in(&data));
    assert!(
        from_gz.ok() == from_plain.ok(),
        "gzipped input scrubs differently"
    );
}

#[test]
fn repetitions_and_nuls_finish_with_the_expected_output() {
    let cases: Vec<(Vec<u8>, Vec<u8>)> = vec![
        (b"::".repeat(10_000), b"::".repeat(10_000)),
        (b"@".repeat(10_000), b"@".repeat(10_000)),
        (b"%40".repeat(10_000), b"%40".repeat(10_000)),
        (b"1.2.3.4.".repeat(10_000), b"1.2.3.0.".repeat(10_000)),
        (b"1.".repeat(10_000), b"1.1.1.0.".repeat(2_500)),
        (b"999.".repeat(10_000), b"999.".repeat(10_000)),
        (
            [&b"\0".repeat(100_000)[..], b" 192.0.2.77\0x@example.org\0"].concat(),
            [&b"\0".repeat(100_000)[..], b" 192.0.2.0\0[email]\0"].concat(),
        ),
    ];
    for (input, expected) in cases {
        let input = [&input[..], b"\n"].concat();
        let expected = [&expected[..], b"\n"].concat();
        for args in [&["-j", "1"][..], &["-j", "2", "--chunk-size", "4096"][..]] {
            let out = logscrub().args(args).stdin(input.clone()).run();
            assert_same_bytes(
                out.ok(),
                &expected,
                &format!("{} {args:?}", show(&input[..20])),
            );
        }
    }
}

#[test]
fn the_honeynet_log_keeps_its_lines_and_its_non_utf8_bytes_and_loses_its_addresses() {
    let rel = "access/honeynet_redhat71_httpd_2004.log.gz";
    let input = read_testdata_plain(rel);
    let output = default_output(rel);
    let (ins, outs) = (lines(&input), lines(&output));
    assert_eq!((ins.len(), outs.len()), (38_487, 38_487));
    let not_utf8 = |ls: &[&[u8]]| {
        ls.iter()
            .filter(|l| std::str::from_utf8(l).is_err())
            .count()
    };
    assert_eq!(not_utf8(&ins), 1_052);
    assert_eq!(not_utf8(&outs), 1_052);
    for (n, (i, o)) in ins.iter().zip(&outs).enumerate() {
        // Replacements are ASCII, so every non-ASCII byte is outside them and must survive.
        let high = |l: &[u8]| {
            l.iter()
                .copied()
                .filter(|b| !b.is_ascii())
                .collect::<Vec<_>>()
        };
        assert_eq!(high(i), high(o), "line {}", n + 1);
        // The client (the first field) is a masked address or a host name.
        let client = o.split(|&b| b == b' ').next().unwrap();
        let ip = std::str::from_utf8(client)
            .ok()
            .and_then(|c| c.parse::<std::net::Ipv4Addr>().ok());
        assert!(
            ip.map_or(client.iter().any(u8::is_ascii_alphabetic), |a| a.octets()
                [3]
                == 0),
            "line {}: {}",
            n + 1,
            show(client)
        );
    }
    assert!(ip_leaks(&output, 24, 48).is_empty());
    assert!(email_leaks(&output).is_empty());
}

/// Peak RSS in KiB of one run of the binary, measured by `/usr/bin/time` (see the 100 MB test).
fn peak_rss_kib(args: &[&std::ffi::OsStr], rss_path: &std::path::Path) -> u64 {
    let status = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(rss_path)
        .arg(BIN)
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "logscrub {args:?} failed");
    let rss = std::fs::read_to_string(rss_path).unwrap();
    rss.trim().lines().last().unwrap().parse().unwrap()
}

#[test]
fn memory_stays_bounded_whatever_the_thread_count_with_many_files_and_gzip_output() {
    // Eight files of 6 MB each, far more than the chunks that may be in flight, written as gzip
    // at level 0 (stored: the largest members, so the most memory per chunk). Each thread count
    // must stay under 64 MB: the queues share one bound, not one per thread and file.
    let dir = tempdir();
    let mut line_no = 0u64;
    let mut text = Vec::new();
    let random = random_bytes(6 << 20, 7);
    while text.len() < 6 << 20 {
        let r = &random[text.len() % (random.len() - 8)..][..8];
        writeln!(
            text,
            "{}.{}.{}.{} - - [25/Nov/2026:13:55:36 +0000] \"GET /p?id={line_no}&u=u{}%40example.org HTTP/1.1\" 200 {}",
            r[0], r[1], r[2], r[3], r[4], r[5]
        )
        .unwrap();
        line_no += 1;
    }
    // Plain text under `.gz` names (inputs are sniffed by their bytes), so that every output,
    // keeping its input's name, is written as gzip.
    let mut inputs = Vec::new();
    for i in 0..8 {
        let path = dir.path().join(format!("access.log.{i}.gz"));
        std::fs::write(&path, &text).unwrap();
        inputs.push(path);
    }
    let rss_path = dir.path().join("rss");
    for threads in ["1", "2", "16", "64"] {
        let out = dir.path().join(format!("out-j{threads}"));
        let flags = ["-j", threads, "--level", "0", "-o"];
        let mut args: Vec<&std::ffi::OsStr> = flags.iter().map(std::ffi::OsStr::new).collect();
        args.push(out.as_os_str());
        args.extend(inputs.iter().map(|p| p.as_os_str()));
        let kib = peak_rss_kib(&args, &rss_path);
        assert!(kib < 64 * 1024, "-j {threads}: peak RSS {kib} KiB");
        for input in &inputs {
            let written = std::fs::read(out.join(input.file_name().unwrap())).unwrap();
            assert!(written.starts_with(b"\x1f\x8b"), "-j {threads}: not gzip");
            assert_eq!(
                lines_in(&gunzip(&written)),
                line_no as usize,
                "-j {threads}"
            );
        }
        eprintln!("-j {threads}: peak RSS {kib} KiB");
    }
}
