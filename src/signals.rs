//! SIGINT, SIGTERM and SIGHUP in the middle of a run: stop cleanly, leave no partial output.
//!
//! [`install`] blocks the three signals in the calling thread (and so in every thread started
//! after it) and starts one thread that waits for them with `sigwait`. On a signal it raises a flag
//! that the reader of every input looks at before each chunk ([`interrupted`]): the run stops, every
//! open output is dropped (which removes its temporary file), and the binary exits with 128 + the
//! signal number. Should the run not stop within [`GRACE`] (a read blocked on a silent pipe, say),
//! or on a second signal, the thread itself removes every temporary file that still exists
//! ([`logscrub::output::remove_unfinished`]) and exits the process.
//!
//! Also, SIGXFSZ is ignored, so that writing past a file-size limit (`ulimit -f`) is a write error
//! with a message, not a silent kill.

use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

/// How long a run has to stop by itself after a signal.
pub const GRACE: Duration = Duration::from_secs(1);

static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// The signal that interrupted the run, if one did.
pub fn interrupted() -> Option<i32> {
    match SIGNAL.load(Ordering::Relaxed) {
        0 => None,
        s => Some(s),
    }
}

/// The name of a signal we handle.
pub fn name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGHUP => "SIGHUP",
        _ => "a signal",
    }
}

/// Blocks SIGINT, SIGTERM and SIGHUP here and in every thread started later, and handles them on
/// a thread of their own (see the module docs). Call it before starting any other thread.
pub fn install() -> std::io::Result<()> {
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
            if SIGNAL.swap(sig, Ordering::Relaxed) != 0 {
                stop_now(sig); // a second signal: no more waiting
            }
            std::thread::spawn(move || {
                std::thread::sleep(GRACE);
                stop_now(sig);
            });
        })?;
    Ok(())
}

/// Removes every registered temporary file and exits with 128 + `sig`.
fn stop_now(sig: i32) -> ! {
    let removed = crate::output::remove_unfinished();
    eprintln!(
        "logscrub: stopped by {}; removed {removed} unfinished output file(s), no partial output remains",
        name(sig),
    );
    // SAFETY: _exit ends the process at once, without running destructors of other threads.
    unsafe { libc::_exit(128 + sig) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_signal_yet_and_signal_names() {
        assert_eq!(interrupted(), None);
        assert_eq!(name(libc::SIGTERM), "SIGTERM");
    }
}
