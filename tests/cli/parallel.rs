//! Parallelism: the output bytes do not depend on the thread count (`-j`) or the chunk size
//! (`--chunk-size`), on the small real logs and hand-made files and on the two big real logs.

use crate::util::*;
use crate::SMALL_REAL_LOGS;

#[test]
fn thread_counts_and_chunk_sizes_give_identical_bytes_on_small_inputs() {
    let files = ["long_line.log", "sample.log"]
        .iter()
        .chain(SMALL_REAL_LOGS);
    for rel in files {
        let reference = default_output(rel);
        for threads in ["1", "2", "4"] {
            for chunk in ["4096", "1000", "1M"] {
                let run = logscrub()
                    .args(["-j", threads, "--chunk-size", chunk])
                    .arg(testdata(rel))
                    .run();
                assert_same_bytes(
                    run.ok(),
                    &reference,
                    &format!("{rel} -j {threads} --chunk-size {chunk}"),
                );
            }
        }
    }
}

#[test]
fn thread_counts_and_chunk_sizes_give_identical_bytes_on_big_real_logs() {
    for rel in [
        "access/elastic_apache_logs_2015.log.gz",
        "access/honeynet_redhat71_httpd_2004.log.gz",
    ] {
        let reference = default_output(rel);
        for (threads, chunk) in [("1", "64K"), ("4", "4096")] {
            let run = logscrub()
                .args(["--threads", threads, "--chunk-size", chunk])
                .arg(testdata(rel))
                .run();
            assert_same_bytes(
                run.ok(),
                &reference,
                &format!("{rel} -j {threads} --chunk-size {chunk}"),
            );
        }
    }
}
