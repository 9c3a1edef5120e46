//! SIGINT, SIGTERM and SIGHUP in the middle of a run: stop cleanly, leave no partial output.
//!
//! [`install`] blocks the three signals in the calling thread (and so in every thread started
//! after it) and starts one thread that waits for them with `sigwait`. On a signal it raises the
//! run's stop flag ([`logscrub::pipeline::Meter::stop`]), which the reader of every input looks at
//! before each chunk: the run stops, every
//! open output is dropped (which removes its temporary file), and the binary exits with 128 + the
//! signal number. Should the run not stop within [`GRACE`] (a read blocked on a silent pipe, say),
//! or on a second signal, the thread itself removes every temporary file that still exists
//! ([`logscrub::output::remove_unfinished`]) and exits the process.
//!
//! With an append output (`--append FILE`), SIGHUP does not stop the run: it asks the output to
//! reopen its file by name ([`logscrub::output::Reopen`]), as `nginx -s reopen` does, so a
//! rotated live log gets a fresh file without a line lost or split. SIGINT and SIGTERM still stop.
//!
//! Also, SIGXFSZ is ignored, so that writing past a file-size limit (`ulimit -f`) is a write error
//! with a message, not a silent kill.

use std::io::Write as _;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use logscrub::error::signal_name;
use logscrub::output::Reopen;

/// How long a run has to stop by itself after a signal.
pub const GRACE: Duration = Duration::from_secs(1);

/// Blocks SIGINT, SIGTERM and SIGHUP here and in every thread started later, and handles them on
/// a thread of their own, which raises `stop` (see the module docs), or on SIGHUP asks `reopen`
/// when there is one. Call it before starting any other thread.
pub fn install(stop: Arc<AtomicI32>, reopen: Option<Arc<Reopen>>) -> std::io::Result<()> {
    // SAFETY: plain libc calls on a sigset_t we own; SIG_IGN for SIGXFSZ is always valid.
    let set = unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        if rc != 0 {
            return Err(std::io::Error::from_raw_os_error(rc));
        }
        set
    };
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || loop {
            let mut sig: libc::c_int = 0;
            // SAFETY: `set` is a valid, initialised signal set; `sig` is a valid out-pointer.
            if unsafe { libc::sigwait(&set, &mut sig) } != 0 {
                continue;
            }
            if let (libc::SIGHUP, Some(reopen)) = (sig, &reopen) {
                reopen.ask();
                continue;
            }
            if stop.swap(sig, Ordering::Relaxed) != 0 {
                stop_now(sig); // a second signal: no more waiting
            }
            std::thread::spawn(move || {
                std::thread::sleep(GRACE);
                stop_now(sig);
            });
        })?;
    Ok(())
}

/// Removes every unfinished output file and exits with 128 + `sig`.
fn stop_now(sig: i32) -> ! {
    let removed = logscrub::output::remove_unfinished();
    // Not eprintln!: it panics when stderr is gone (its reader died), and this thread would end
    // without exiting the process, leaving a live run (--append, a FIFO) that no signal stops.
    let _ = writeln!(
        std::io::stderr(),
        "logscrub: stopped by {}; removed {removed} unfinished output file(s), no partial output remains",
        signal_name(sig),
    );
    // SAFETY: _exit ends the process at once, without running destructors of other threads.
    unsafe { libc::_exit(128 + sig) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_names() {
        assert_eq!(signal_name(libc::SIGTERM), "SIGTERM");
        assert_eq!(signal_name(libc::SIGINT), "SIGINT");
        assert_eq!(signal_name(libc::SIGHUP), "SIGHUP");
    }
}
