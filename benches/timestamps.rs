//! Timestamp finding (bytes/s): `TimeFinder::find` over ~1 MiB of combined-format lines and ~1 MiB
//! of JSON lines, as a worker sees them (one line at a time, the finder's day cache warm).
//!
//! Inputs and their line boundaries are built before timing, with the time each line must yield;
//! every line is checked once before timing and the sum of the times after each timed pass, so a
//! broken finder cannot look fast.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use logscrub::format::{Format, TimeFinder};
use logscrub::time::unix_seconds;

const MIB: usize = 1 << 20;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Civil fields of Unix seconds `t` shifted into a zone `offset` seconds east of UTC.
fn civil(t: i64, offset: i64) -> (i64, u32, u32, u32, u32, u32) {
    let local = t + offset;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs % 3600 / 60) as u32,
        (secs % 60) as u32,
    )
}

/// A log of about `bytes` bytes, its line boundaries and each line's expected time. `step` is the
/// gap between consecutive lines in seconds; 1 means 0–2 s at random (real traffic: the day cache
/// hits), a day and a second means every line misses the cache.
struct Log {
    text: Vec<u8>,
    lines: Vec<(usize, usize)>,
    times: Vec<i64>,
}

impl Log {
    fn build(bytes: usize, step: i64, mut line: impl FnMut(&mut String, usize, i64)) -> Log {
        let mut text = String::with_capacity(bytes + 1024);
        let (mut lines, mut times) = (vec![], vec![]);
        let mut t = unix_seconds(2026, 11, 24, 22, 0, 0, 0).unwrap();
        let mut x: u32 = 2463534242;
        while text.len() < bytes {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let start = text.len();
            line(&mut text, lines.len(), t);
            lines.push((start, text.len()));
            text.push('\n');
            times.push(t);
            t += if step == 1 { i64::from(x % 3) } else { step };
        }
        Log {
            text: text.into_bytes(),
            lines,
            times,
        }
    }

    fn check(&self, format: Format) {
        let mut finder = TimeFinder::new(format, &[]);
        for (n, &(s, e)) in self.lines.iter().enumerate() {
            let got = finder.find(&self.text[s..e]);
            assert_eq!(
                got,
                Some(self.times[n]),
                "line {}: {}",
                n + 1,
                String::from_utf8_lossy(&self.text[s..e])
            );
        }
    }

    fn sum(&self) -> i64 {
        self.times.iter().sum()
    }
}

fn clf_line(out: &mut String, n: usize, t: i64) {
    let offset = [0, -7 * 3600, 5 * 3600 + 1800][n / 4000 % 3];
    let (y, mo, d, h, mi, s) = civil(t, offset);
    let (sign, abs) = if offset < 0 {
        ('-', -offset)
    } else {
        ('+', offset)
    };
    let agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    ];
    let client = if n % 7 == 0 {
        "[2001:db8::17]:443".to_string()
    } else {
        format!("192.0.2.{}", n % 250)
    };
    let _ = write!(
        out,
        r#"{client} - - [{d:02}/{mon}/{y}:{h:02}:{mi:02}:{s:02} {sign}{oh:02}{om:02}] "GET /api/v1/items/{n}?page=2 HTTP/1.1" 200 {size} "https://www.example.com/" "{agent}""#,
        mon = MONTHS[mo as usize - 1],
        oh = abs / 3600,
        om = abs % 3600 / 60,
        size = 500 + n % 9000,
        agent = agents[n % 2],
    );
}

fn json_line(out: &mut String, n: usize, t: i64) {
    let (y, mo, d, h, mi, s) = civil(t, 0);
    let _ = match n % 3 {
        // Traefik/Authelia style: RFC 3339 under "time", late in the line.
        0 => write!(
            out,
            r#"{{"level":"info","method":"GET","msg":"request served","path":"/api/v1/items/{n}","remote_ip":"192.0.2.{ip}","status":200,"user_agent":"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0","time":"{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:03}Z"}}"#,
            ip = n % 250,
            frac = n % 1000,
        ),
        // Caddy style: float epoch seconds under "ts", first.
        1 => write!(
            out,
            r#"{{"level":"info","ts":{t}.{frac:07},"logger":"http.log.access","msg":"handled request","request":{{"remote_ip":"192.0.2.{ip}","proto":"HTTP/2.0","method":"GET","host":"www.example.com","uri":"/items/{n}","headers":{{"Accept":["*/*"]}}}},"status":200}}"#,
            ip = n % 250,
            frac = n * 7919 % 10_000_000,
        ),
        // Nested epoch milliseconds under "@timestamp".
        _ => write!(
            out,
            r#"{{"event":{{"@timestamp":{ms},"kind":"access"}},"client":{{"ip":"2001:db8::{n:x}"}},"http":{{"method":"POST","path":"/login","status":401}},"user":"alice@example.com"}}"#,
            ms = t * 1000 + (n % 1000) as i64,
        ),
    };
}

fn bench(c: &mut Criterion) {
    let cases = [
        ("clf", Format::Auto, Log::build(MIB, 1, clf_line)),
        (
            "clf_new_day_every_line",
            Format::Auto,
            Log::build(MIB, 86_401, clf_line),
        ),
        ("json", Format::Auto, Log::build(MIB, 1, json_line)),
    ];
    let mut group = c.benchmark_group("timestamps");
    for (name, format, log) in &cases {
        log.check(*format);
        let want = log.sum();
        group.throughput(Throughput::Bytes(log.text.len() as u64));
        group.bench_function(format!("{name} ({} lines)", log.lines.len()), |b| {
            let mut finder = TimeFinder::new(*format, &[]);
            b.iter(|| {
                let text = black_box(&log.text[..]);
                let mut sum = 0i64;
                for &(s, e) in &log.lines {
                    sum += finder.find(&text[s..e]).unwrap_or(0);
                }
                assert_eq!(sum, want);
                sum
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
