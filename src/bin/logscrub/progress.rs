//! The progress bar on stderr: bytes read of the total input, files done, throughput and time
//! left, then a "finishing" stage while outputs are synced and renamed, ending at `files N/N`.
//!
//! The workers only bump relaxed atomic counters ([`Meter`]) once per buffer they take from a
//! file, and once per file when its input is read and when it is done; a separate thread samples
//! them ten times a second and draws. So the bar costs the scrub nothing measurable, and it
//! appears only after half a second, so short runs never flash one. Throughput is the bytes read
//! over the last few seconds ([`Rate`]) and is shown, with the time left, only once there is a
//! second of data: no `8.96 TiB/s` or `eta 0s` from the first tenth of a second. Every line fits
//! 80 columns ([`status`]), whatever the sizes and counts.
//!
//! Whether it is drawn at all ([`wanted`]): only on a terminal stderr, and by default
//! ([`When::Auto`]) only when the scrubbed text goes to files, a regular file or `/dev/null`: not
//! to a pipe (`logscrub | less` would draw under `less`) or the terminal, and not with `--quiet`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

/// A running progress display; [`Progress::finish`] draws its last frame.
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

    /// Stops the bar, leaving its last frame on the line above whatever is printed next.
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

/// Columns of the bar itself; [`status`] fills the rest of an 80-column line.
const BAR_WIDTH: usize = 15;
/// How far back the throughput looks.
const RATE_WINDOW: Duration = Duration::from_secs(3);
/// How much data the throughput needs before it is shown.
const RATE_MIN: Duration = Duration::from_secs(1);

/// The throughput of the bytes read: over the last [`RATE_WINDOW`] of samples, and only once the
/// samples span [`RATE_MIN`]. Times are given, not read, so tests can pass any.
#[derive(Debug, Default)]
struct Rate {
    samples: VecDeque<(Duration, u64)>,
}

impl Rate {
    /// Records that `read` bytes were read by `at` (since the start of the run).
    fn sample(&mut self, at: Duration, read: u64) {
        self.samples.push_back((at, read));
        while self
            .samples
            .get(1)
            .is_some_and(|&(t, _)| at.saturating_sub(t) >= RATE_WINDOW)
        {
            self.samples.pop_front();
        }
    }

    /// Bytes per second, when the samples span at least [`RATE_MIN`].
    fn per_sec(&self) -> Option<f64> {
        let (&(t0, r0), &(t1, r1)) = (self.samples.front()?, self.samples.back()?);
        let span = t1.saturating_sub(t0);
        (span >= RATE_MIN).then(|| r1.saturating_sub(r0) as f64 / span.as_secs_f64())
    }
}

/// What the bar shows besides the bar itself.
#[derive(Clone, Copy, Debug)]
struct Shown {
    /// Bytes read so far, and of how many (when every input's size is known).
    read: u64,
    total: Option<u64>,
    /// Files read to their end, files done, and how many there are.
    files_read: usize,
    done: usize,
    files: usize,
    /// Bytes per second, once known ([`Rate`]).
    rate: Option<f64>,
}

/// The text after the bar: percent, bytes read of the total, files done, then throughput and
/// time left once known, or `finishing` once every input is read and outputs are being synced
/// and renamed. Without a total: bytes read, files and throughput. At most 80 - 1 - [`BAR_WIDTH`]
/// columns for any counts below 10 000 files and sizes below 1000 TiB.
fn status(s: &Shown) -> String {
    let mut line = match s.total {
        Some(total) => {
            let percent = if total == 0 {
                100
            } else {
                (u128::from(s.read.min(total)) * 100 / u128::from(total)) as u64
            };
            format!(
                "{percent:>3}% {}/{}",
                human_bytes(s.read.min(total)),
                human_bytes(total)
            )
        }
        None => human_bytes(s.read),
    };
    line.push_str(&format!(" files {}/{}", s.done, s.files));
    if s.done >= s.files {
        return line;
    }
    if s.files_read >= s.files {
        line.push_str(" finishing");
        return line;
    }
    if let Some(rate) = s.rate {
        line.push_str(&format!(" {}/s", human_bytes(rate as u64)));
        let left = s.total.map(|t| t.saturating_sub(s.read));
        // Nothing left to read but a file not yet read to its end: no `eta 0s`.
        if let (Some(left @ 1..), true) = (left, rate >= 1.0) {
            let secs = (left as f64 / rate).ceil();
            if secs < 100.0 * 3600.0 {
                line.push_str(&format!(" eta {}", human_duration(secs as u64)));
            }
        }
    }
    line
}

/// `n` bytes in at most 9 columns: `999 B`, `12.3 KiB`, `999.9 GiB`.
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    for unit in UNITS {
        // Rounded to one decimal, below 1000: at most 5 columns.
        if v < 999.95 {
            return format!("{v:.1} {unit}");
        }
        v /= 1024.0;
    }
    format!("{v:.1} EiB")
}

/// `secs` as `45s`, `12m05s` or `3h07m` (at most 6 columns below 100 hours).
fn human_duration(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

fn draw(
    delay: Duration,
    meter: &Meter,
    total: Option<u64>,
    files: usize,
    stop: &(Mutex<bool>, Condvar),
    shown: &AtomicBool,
) {
    let start = Instant::now();
    let sample = |rate: &mut Rate| {
        let read = meter.read.load(Ordering::Relaxed);
        rate.sample(start.elapsed(), read);
        Shown {
            read,
            total,
            // files_read before files_done: a file is counted read first.
            files_read: meter.files_read.load(Ordering::Relaxed),
            done: meter.files_done.load(Ordering::Relaxed),
            files,
            rate: rate.per_sec(),
        }
    };
    let mut rate = Rate::default();
    rate.sample(Duration::ZERO, 0);
    if wait(stop, delay) {
        return;
    }
    let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
    let template = if total.is_some() {
        format!("{{bar:{BAR_WIDTH}}} {{msg}}")
    } else {
        "{spinner} {msg}".to_string()
    };
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    shown.store(true, Ordering::Relaxed);
    loop {
        let now = sample(&mut rate);
        bar.set_position(now.read);
        bar.set_message(status(&now));
        bar.tick();
        if wait(stop, TICK) {
            break;
        }
    }
    // The last frame stays: where the run ended (`100% … files N/N` when all went well).
    let last = sample(&mut rate);
    bar.set_position(last.read);
    bar.set_message(status(&last));
    bar.finish();
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

    #[test]
    fn the_status_fits_80_columns_at_the_widest() {
        let widest = Shown {
            // Every field at its widest text, if not all at once in a real run.
            read: 999 * (1 << 30) + 900 * (1 << 20),
            total: Some(999 * (1 << 40) + 900 * (1 << 30)),
            files_read: 9_998,
            done: 9_998,
            files: 9_999,
            rate: Some(999.9 * f64::from(1 << 30)),
        };
        let line = status(&widest);
        assert_eq!(
            line,
            "  0% 999.9 GiB/999.9 TiB files 9998/9999 999.9 GiB/s eta 17m03s"
        );
        // The rendered template is the bar, a space and the status.
        let width = BAR_WIDTH + 1 + line.chars().count();
        assert!(width <= 80, "{width} columns: {line:?}");
        let spinner = 2 + status(&Shown {
            total: None,
            read: 999 * (1 << 40),
            ..widest
        })
        .chars()
        .count();
        assert!(spinner <= 80, "{spinner}");
        // Any size, and the slowest rate (the longest eta shown), stay within the width.
        for read in [0, 1, 999, 1000, 1023 * 1024, u64::MAX / 2] {
            for rate in [None, Some(1.0), Some(1e15)] {
                let s = Shown {
                    read,
                    total: Some(u64::MAX / 2),
                    rate,
                    ..widest
                };
                let width = BAR_WIDTH + 1 + status(&s).chars().count();
                assert!(width <= 80, "{width}: {:?}", status(&s));
            }
        }
    }

    #[test]
    fn units() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1000), "1.0 KiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(1024 * 1024 - 1), "1.0 MiB");
        assert_eq!(human_bytes(5 << 30), "5.0 GiB");
        assert_eq!(human_duration(59), "59s");
        assert_eq!(human_duration(61), "1m01s");
        assert_eq!(human_duration(3 * 3600 + 7 * 60 + 9), "3h07m");
    }

    #[test]
    fn no_rate_before_a_second_of_data_then_a_smoothed_one() {
        let ms = Duration::from_millis;
        let mut rate = Rate::default();
        rate.sample(ms(0), 0);
        // A burst in the first tenth of a second is no rate (it was 8.96 TiB/s).
        rate.sample(ms(100), 1 << 30);
        assert_eq!(rate.per_sec(), None);
        rate.sample(ms(900), 1 << 30);
        assert_eq!(rate.per_sec(), None);
        rate.sample(ms(1000), 1 << 30);
        assert_eq!(rate.per_sec(), Some((1u64 << 30) as f64));
        // Later, only the last three seconds count: the burst is forgotten.
        for t in (1100..=5000).step_by(100) {
            rate.sample(ms(t), (1 << 30) + (t - 1000) * 1000);
        }
        let r = rate.per_sec().unwrap();
        assert!((r - 1_000_000.0).abs() < 1.0, "{r}");
        let s = Shown {
            read: 0,
            total: Some(100 << 20),
            files_read: 0,
            done: 0,
            files: 1,
            rate: None,
        };
        assert_eq!(status(&s), "  0% 0 B/100.0 MiB files 0/1");
        let known = status(&Shown {
            read: 50 << 20,
            rate: Some(f64::from(1 << 20)),
            ..s
        });
        assert_eq!(known, " 50% 50.0 MiB/100.0 MiB files 0/1 1.0 MiB/s eta 50s");
    }

    #[test]
    fn finishing_once_every_input_is_read_and_ending_at_all_files_done() {
        let s = Shown {
            read: 100,
            total: Some(100),
            files_read: 2,
            done: 1,
            files: 2,
            rate: Some(50.0),
        };
        assert_eq!(status(&s), "100% 100 B/100 B files 1/2 finishing");
        // One input still being read: its rate, not finishing.
        let reading = status(&Shown { files_read: 1, ..s });
        assert!(reading.ends_with(" 50 B/s"), "{reading}");
        assert_eq!(
            status(&Shown { done: 2, ..s }),
            "100% 100 B/100 B files 2/2"
        );
        assert_eq!(
            status(&Shown {
                total: None,
                done: 2,
                ..s
            }),
            "100 B files 2/2"
        );
    }
}
