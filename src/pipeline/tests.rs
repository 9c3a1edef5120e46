use super::*;
use crate::action::Actions;
use crate::input::InputSpec;
use proptest::prelude::*;

fn sequential(text: &[u8], chunk: usize) -> (Vec<u8>, Stats) {
    let scrubber = Scrubber::new(Actions::default());
    let (stats, sink) =
        scrub_sequential(&scrubber, Framer::new(text, chunk), Sink::memory(), "t").unwrap();
    (sink.into_memory(), stats)
}

fn parallel(text: &[u8], chunk: usize, threads: usize) -> (Vec<u8>, Stats) {
    parallel_into_sink(text, chunk, threads, Sink::memory())
}

fn parallel_into_sink(text: &[u8], chunk: usize, threads: usize, sink: Sink) -> (Vec<u8>, Stats) {
    let scrubber = Arc::new(Scrubber::new(Actions::default()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let (stats, sink) = scrub_parallel(
        &scrubber,
        &pool,
        threads * 2,
        Framer::new(text, chunk),
        sink,
        "t",
    )
    .unwrap();
    (sink.into_memory(), stats)
}

/// The text of gzip members (none: no text; a memory sink adds no empty member).
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut text = Vec::new();
    if bytes.is_empty() {
        return text;
    }
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes), &mut text).unwrap();
    text
}

/// Log-like text: addresses, emails, traps, noise, non-UTF-8 bytes, CRLF and empty lines.
fn log_text() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"203.0.113.77".to_vec()),
        Just(b"2001:db8:85a3::8a2e:370:7334".to_vec()),
        Just(b"[2001:db8::1]:443".to_vec()),
        Just(b"::ffff:192.0.2.1".to_vec()),
        Just(b"fe80::1%eth0".to_vec()),
        Just(b"bob@example.com".to_vec()),
        Just(b"jane%40example.org".to_vec()),
        Just(b"[10/Oct/2026:08:32:31 +0000]".to_vec()),
        Just(b"Chrome/120.0.6099.109".to_vec()),
        Just(b"std::vector".to_vec()),
        Just(b" ".to_vec()),
        Just(b", ".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\xff\xfe\x80".to_vec()),
        "[a-z0-9./:@%-]{0,12}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

// Chunks of at least 512 bytes: a cut can only split a token inside a run of that many bytes
// without any separator, which these texts never hold (see framing's safe cut).
proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn parallel_output_is_the_sequential_output(text in log_text(), chunk in 512usize..4000, threads in 2usize..5) {
        let (whole, whole_stats) = Scrubber::new(Actions::default()).scrub_to_vec(&text);
        let (seq, seq_stats) = sequential(&text, chunk);
        let (par, par_stats) = parallel(&text, chunk, threads);
        prop_assert_eq!(&seq, &whole);
        prop_assert_eq!(&par, &whole);
        prop_assert_eq!(seq_stats, par_stats);
        prop_assert_eq!(seq_stats, whole_stats);
        let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
        let lines = newlines + u64::from(!text.is_empty() && !text.ends_with(b"\n"));
        prop_assert_eq!(seq_stats.lines_in, lines);
        prop_assert_eq!(seq_stats.lines_out, lines);
        prop_assert_eq!(seq_stats.bytes_in, text.len() as u64);
    }
}

/// Text with long runs of token bytes (no byte where the framer may cut freely), holding
/// addresses and emails: the framer must cut inside them.
fn run_text() -> impl Strategy<Value = Vec<u8>> {
    let unit = prop_oneof![
        Just(b"a.b.c.1.2.3.4.".to_vec()),
        Just(b"aaaa@aaaa".to_vec()),
        Just(b"bob@example.com.".to_vec()),
        Just(b"2001:db8::7.".to_vec()),
        Just(b"1.".to_vec()),
        Just(b"::".to_vec()),
        Just(b"x%40y.org-".to_vec()),
        "[a-z0-9.:@%-]{1,8}".prop_map(String::into_bytes),
    ];
    let run = (prop::collection::vec(unit, 1..4), 1usize..1500)
        .prop_map(|(units, n)| units.concat().repeat(n));
    let piece = prop_oneof![
        3 => run,
        1 => Just(b" ".to_vec()),
        1 => Just(b"\n".to_vec()),
        1 => Just(b"\xff\x00".to_vec()),
    ];
    prop::collection::vec(piece, 1..6).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    // Regression: a run without a byte the framer could cut after was cut anywhere, so an
    // address straddling the cut was half left, and the output depended on the chunk size.
    #[test]
    fn output_is_the_same_for_any_cut_through_long_token_runs(text in run_text(), chunk in 1usize..9000, threads in 2usize..4) {
        let (whole, whole_stats) = Scrubber::new(Actions::default()).scrub_to_vec(&text);
        let (seq, seq_stats) = sequential(&text, chunk);
        let (par, par_stats) = parallel(&text, chunk, threads);
        prop_assert!(seq == whole, "sequential output differs, chunk {}", chunk);
        prop_assert!(par == whole, "parallel output differs, chunk {}", chunk);
        prop_assert_eq!(seq_stats, whole_stats);
        prop_assert_eq!(par_stats, whole_stats);
    }
}

#[test]
fn an_address_across_every_cut_of_a_long_run_is_replaced_whole() {
    // "a.b.c.1.2.3.4." 10 000 times: no byte a cut may follow; every quad must be masked.
    let text = b"a.b.c.1.2.3.4.".repeat(10_000);
    let (whole, _) = Scrubber::new(Actions::default()).scrub_to_vec(&text);
    assert_eq!(whole, b"a.b.c.1.2.3.0.".repeat(10_000));
    for chunk in [1, 100, 1300, 4096, 5000, 65_536] {
        assert!(sequential(&text, chunk).0 == whole, "chunk {chunk}");
        assert!(parallel(&text, chunk, 3).0 == whole, "chunk {chunk}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    // Workers compress their chunks into gzip members: the file must not depend on which
    // worker did which chunk, and must decode to exactly the plain output.
    #[test]
    fn gzip_output_is_byte_identical_for_every_thread_count(text in log_text(), chunk in 512usize..4000, threads in 2usize..5, level in 0u32..10) {
        let (whole, whole_stats) = Scrubber::new(Actions::default()).scrub_to_vec(&text);
        let scrubber = Scrubber::new(Actions::default());
        let (seq_stats, seq) = scrub_sequential(&scrubber, Framer::new(&text[..], chunk), Sink::memory_gzip(level), "t").unwrap();
        let seq = seq.into_memory();
        let (par, par_stats) = parallel_into_sink(&text, chunk, threads, Sink::memory_gzip(level));
        prop_assert!(seq == par, "gzip bytes differ: chunk {}, threads {}, level {}", chunk, threads, level);
        prop_assert_eq!(gunzip(&par), whole);
        prop_assert_eq!(seq_stats, whole_stats);
        prop_assert_eq!(par_stats, whole_stats);
    }
}

#[test]
fn queue_depth_bounds_the_chunks_in_flight_whatever_the_threads_and_files() {
    for threads in [1, 2, 3, 8, 64, 1024] {
        for files in 1..=MAX_SIDE_BY_SIDE {
            let depth = queue_depth(threads, files);
            assert!(depth >= 2, "threads {threads}, files {files}");
            // Each file also has a chunk being read and one being written.
            assert!(
                (depth + 2) * files <= MAX_IN_FLIGHT,
                "threads {threads}, files {files}: depth {depth}"
            );
        }
    }
    // Two workers keep their four chunks queued, alone or beside another file.
    assert_eq!(queue_depth(2, 1), 4);
    assert_eq!(queue_depth(2, 2), 4);
    assert_eq!(queue_depth(64, 1), MAX_IN_FLIGHT - 2);
}

#[test]
fn empty_input_gives_empty_output_and_no_lines() {
    assert_eq!(sequential(b"", 100), (vec![], Stats::default()));
    assert_eq!(parallel(b"", 100, 2), (vec![], Stats::default()));
}

#[test]
fn the_meter_counts_every_file_read_before_it_counts_it_done() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.log");
    let b = dir.path().join("b.log");
    std::fs::write(&a, "203.0.113.77 x\n".repeat(1000)).unwrap();
    std::fs::write(&b, "198.51.100.9 y\n").unwrap();
    let missing = dir.path().join("missing.log");
    for threads in [1, 2] {
        let out = dir.path().join(format!("out{threads}/"));
        let plan = Plan {
            threads,
            chunk_size: 512,
            inputs: [&a, &missing, &b]
                .map(|p| InputSpec::Path(p.clone()))
                .to_vec(),
            output: Some(out),
            ..Plan::default()
        };
        let jobs = plan.jobs().unwrap();
        let meter = Meter::default();
        let outcomes = run(&plan, &jobs, &meter);
        assert_eq!(outcomes.iter().filter(|o| o.error.is_some()).count(), 1);
        // The failed input counts as read (given up on) and done, as the two good ones do.
        assert_eq!(meter.files_read.load(Ordering::Relaxed), 3, "-j {threads}");
        assert_eq!(meter.files_done.load(Ordering::Relaxed), 3, "-j {threads}");
        let size = std::fs::metadata(&a).unwrap().len() + std::fs::metadata(&b).unwrap().len();
        assert_eq!(meter.read.load(Ordering::Relaxed), size, "-j {threads}");
    }
}
