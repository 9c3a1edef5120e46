//! The progress bar on stderr: bytes read of the total input, files done, throughput.
//!
//! The workers only bump two relaxed atomic counters ([`Meter`]) once per buffer they take from a
//! file; a separate thread samples them ten times a second and draws. So the bar costs the scrub
//! nothing measurable, and it appears only after half a second, so short runs never flash one.
//!
//! Whether it is drawn at all ([`wanted`]): only on a terminal stderr, and by default
//! ([`When::Auto`]) only when the scrubbed text goes to files, a regular file or `/dev/null`: not
//! to a pipe (`logscrub | less` would draw under `less`) or the terminal, and not with `--quiet`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use logscrub::pipeline::Meter;

use crate::cli::args::ProgressArg;

/// When to show the bar (`--progress`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum When {
    /// On a terminal stderr, unless `--quiet` or scrubbed text goes to a pipe or a terminal.
    #[default]
    Auto,
    /// On a terminal stderr, whatever `--quiet` and stdout are.
    Always,
    Never,
}

impl From<ProgressArg> for When {
    fn from(p: ProgressArg) -> Self {
        match p {
            ProgressArg::Auto => When::Auto,
            ProgressArg::Always => When::Always,
            ProgressArg::Never => When::Never,
        }
    }
}

/// What stdout is, as far as the bar cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stdout {
    /// A regular file or `/dev/null`: nobody watches it.
    FileOrNull,
    /// A pipe, a terminal, a socket, another device: someone may be drawing on the terminal.
    Other,
}

/// Whether to show the bar: `when`, with `quiet`, stderr a terminal or not, and where scrubbed
/// text goes (`stdout`: `None` when every output is a file of `-o`).
pub fn decide(when: When, quiet: bool, stderr_terminal: bool, stdout: Option<Stdout>) -> bool {
    match when {
        When::Never => false,
        When::Always => stderr_terminal,
        When::Auto => {
            !quiet && stderr_terminal && matches!(stdout, None | Some(Stdout::FileOrNull))
        }
    }
}

/// [`decide`] for this process; `text_to_stdout` says whether any scrubbed text goes to stdout.
pub fn wanted(when: When, quiet: bool, text_to_stdout: bool) -> bool {
    use std::io::IsTerminal;
    let stdout = text_to_stdout.then(stdout_kind);
    decide(when, quiet, std::io::stderr().is_terminal(), stdout)
}

fn stdout_kind() -> Stdout {
    use std::os::fd::AsFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(meta) = std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
    else {
        return Stdout::Other;
    };
    let null = || {
        std::fs::metadata("/dev/null")
            .is_ok_and(|n| n.file_type().is_char_device() && n.rdev() == meta.rdev())
    };
    if meta.is_file() || (meta.file_type().is_char_device() && null()) {
        Stdout::FileOrNull
    } else {
        Stdout::Other
    }
}

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_millis(500);
/// How often the counters are sampled.
const TICK: Duration = Duration::from_millis(100);

/// A running progress display; [`Progress::finish`] clears it.
pub struct Progress {
    stop: Arc<(Mutex<bool>, Condvar)>,
    /// Set once the bar is drawn; only the tests ask.
    #[cfg_attr(not(test), allow(dead_code))]
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
    #[cfg(test)]
    fn was_shown(&self) -> bool {
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
    fn the_bar_needs_a_terminal_and_no_one_reading_stdout() {
        use Stdout::*;
        use When::*;
        // -o files, a regular file or /dev/null on stdout: shown.
        assert!(decide(Auto, false, true, None));
        assert!(decide(Auto, false, true, Some(FileOrNull)));
        // A pipe or the terminal on stdout, --quiet, or stderr not a terminal: not shown.
        assert!(!decide(Auto, false, true, Some(Other)));
        assert!(!decide(Auto, true, true, None));
        assert!(!decide(Auto, false, false, None));
        // always beats --quiet and a pipe, but still needs a terminal; never is never.
        assert!(decide(Always, true, true, Some(Other)));
        assert!(!decide(Always, true, false, None));
        assert!(!decide(Never, false, true, None));
    }

    #[test]
    fn finishing_before_the_delay_draws_nothing() {
        let meter = Arc::new(Meter::default());
        // Were the drawing thread not woken by finish, this test would wait an hour.
        let p = Progress::start_after(Duration::from_secs(3600), meter, Some(100), 1);
        assert!(!p.was_shown());
        p.finish();
    }
}
