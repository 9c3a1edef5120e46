//! An independent reader of CLF timestamps (`[dd/Mon/yyyy:HH:MM:SS +zzzz]`), written without
//! logscrub's code, to count which lines a retention cutoff keeps.

/// Independent CLF time reader for the tests: `[dd/Mon/yyyy:HH:MM:SS +zzzz]` → Unix seconds.
pub fn clf_time(line: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(line).ok()?;
    let open = s.find('[')?;
    let t = s.get(open + 1..open + 27)?;
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months.iter().position(|m| *m == &t[3..6])? as i64 + 1;
    let num = |a: usize, b: usize| t[a..b].parse::<i64>().ok();
    let (day, year, h, m, sec) = (
        num(0, 2)?,
        num(7, 11)?,
        num(12, 14)?,
        num(15, 17)?,
        num(18, 20)?,
    );
    let sign = if &t[21..22] == "-" { -1 } else { 1 };
    let off = sign * (num(22, 24)? * 3600 + num(24, 26)? * 60);
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + sec - off)
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
