//! The progress bar on stderr: bytes read of the total input, files done, throughput.
//!
//! The workers only bump two relaxed atomic counters ([`Meter`]) once per buffer they take from a
//! file; a separate thread samples them ten times a second and draws. So the bar costs the scrub
//! nothing measurable, and it appears only after half a second, so short runs never flash one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::Meter;

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_millis(500);
/// How often the counters are sampled.
const TICK: Duration = Duration::from_millis(100);

/// A running progress display; [`Progress::finish`] clears it.
pub struct Progress {
    stop: Arc<(Mutex<bool>, Condvar)>,
    shown: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts drawing the progress of `meter` over inputs of `total` bytes (when every size is
    /// known) in `files` files.
    pub fn start(meter: Arc<Meter>, total: Option<u64>, files: usize) -> Progress {
        Self::start_after(DELAY, meter, total, files)
    }

    /// [`Progress::start`], appearing after `delay`.
    pub fn start_after(
        delay: Duration,
        meter: Arc<Meter>,
        total: Option<u64>,
        files: usize,
    ) -> Progress {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let shown = Arc::new(AtomicBool::new(false));
        let handle = {
            let stop = Arc::clone(&stop);
            let shown = Arc::clone(&shown);
            std::thread::Builder::new()
                .name("progress".into())
                .spawn(move || draw(delay, &meter, total, files, &stop, &shown))
                .ok()
        };
        Progress {
            stop,
            shown,
            handle,
        }
    }

    /// Stops and clears the bar (so summaries print on a clean line).
    pub fn finish(mut self) {
        self.end();
    }

    fn end(&mut self) {
        let (lock, cvar) = &*self.stop;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cvar.notify_all();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }

    /// Whether the bar was ever drawn.
    pub fn was_shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.end();
    }
}

/// Waits `d` or until stopped; true when stopped.
fn wait(stop: &(Mutex<bool>, Condvar), d: Duration) -> bool {
    let (lock, cvar) = stop;
    let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
    let (guard, _) = cvar
        .wait_timeout_while(guard, d, |stopped| !*stopped)
        .unwrap_or_else(|e| e.into_inner());
    *guard
}

fn draw(
    delay: Duration,
    meter: &Meter,
    total: Option<u64>,
    files: usize,
    stop: &(Mutex<bool>, Condvar),
    shown: &AtomicBool,
) {
    if wait(stop, delay) {
        return;
    }
    let bar = match total {
        Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    let template = if total.is_some() {
        "{bar:30} {percent:>3}% {bytes}/{total_bytes} {msg} {bytes_per_sec} eta {eta}"
    } else {
        "{spinner} {bytes} {msg} {bytes_per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    shown.store(true, Ordering::Relaxed);
    loop {
        let read = meter.read.load(Ordering::Relaxed);
        let done = meter.files_done.load(Ordering::Relaxed);
        bar.set_position(read);
        bar.set_message(format!("files {done}/{files}"));
        bar.tick();
        if wait(stop, TICK) {
            break;
        }
    }
    bar.finish_and_clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finishing_before_the_delay_draws_nothing() {
        let meter = Arc::new(Meter::default());
        // Were the drawing thread not woken by finish, this test would wait an hour.
        let p = Progress::start_after(Duration::from_secs(3600), meter, Some(100), 1);
        assert!(!p.was_shown());
        p.finish();
    }
}
