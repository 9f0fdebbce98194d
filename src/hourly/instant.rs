//! Moments in UTC ([`Instant`]), the civil calendar arithmetic behind
//! them, and where an instant falls in a profile's year ([`position`]).

use std::fmt;

use super::{Profile, SECONDS_PER_DAY, SECONDS_PER_HOUR};
use crate::error::{Error, Result};

/// A moment in UTC, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Seconds since 1970-01-01T00:00Z (negative before).
    seconds: i64,
}

impl Instant {
    /// Parse `2023-06-01T00:00Z`, `2023-06-01T00:00:00Z`,
    /// `2023-06-01T00:00+00:00` or `2023-06-01 00:00Z`. A time zone is
    /// required: `Z`, or an offset such as `+02:00` or `-05:00`, which is
    /// converted to UTC.
    pub fn parse(s: &str) -> Result<Instant> {
        parse_instant(s.trim()).map_err(|why| {
            Error::input(format!(
                "invalid time '{s}': {why}; write it as 2023-06-01T00:00Z (UTC), \
                 or with an offset, as 2023-06-01T02:00+02:00"
            ))
        })
    }

    /// The instant `seconds` after 1970-01-01T00:00Z.
    pub fn from_seconds(seconds: i64) -> Instant {
        Instant { seconds }
    }

    /// Seconds since 1970-01-01T00:00Z.
    pub fn seconds(&self) -> i64 {
        self.seconds
    }

    /// 1 January of `year`, 00:00 UTC.
    pub fn start_of_year(year: i32) -> Instant {
        Instant::from_seconds(days_from_civil(i64::from(year), 1, 1) * SECONDS_PER_DAY)
    }

    /// The calendar year, in UTC.
    pub fn year(&self) -> i32 {
        civil_from_days(self.days()).0 as i32
    }

    /// Day of the week in UTC: 0 = Monday ... 6 = Sunday.
    pub fn weekday(&self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.days() + 3).rem_euclid(7) as u32
    }

    /// The instant `h` hours later (earlier if negative), to the nearest second.
    pub fn plus_hours(&self, h: f64) -> Instant {
        Instant::from_seconds(self.seconds + (h * SECONDS_PER_HOUR as f64).round() as i64)
    }

    /// Whole days since 1970-01-01.
    pub(super) fn days(&self) -> i64 {
        self.seconds.div_euclid(SECONDS_PER_DAY)
    }
}

impl fmt::Display for Instant {
    /// `2023-06-01T00:00Z`, with `:SS` only when the seconds are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.days());
        let s = self.seconds.rem_euclid(SECONDS_PER_DAY);
        write!(f, "{y:04}-{m:02}-{d:02}T{:02}:{:02}", s / 3600, s / 60 % 60)?;
        if s % 60 != 0 {
            write!(f, ":{:02}", s % 60)?;
        }
        f.write_str("Z")
    }
}

/// The instant, or why the text is not one.
fn parse_instant(s: &str) -> std::result::Result<Instant, String> {
    let mut c = Cursor(s.as_bytes());
    let date_form = "the date must be YYYY-MM-DD";
    let year = c.digits(4).ok_or(date_form)?;
    c.expect(b"-").ok_or(date_form)?;
    let month = c.digits(2).ok_or(date_form)?;
    c.expect(b"-").ok_or(date_form)?;
    let day = c.digits(2).ok_or(date_form)?;
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not 1 to 12"));
    }
    let last_day = days_in_month(year, month as u32);
    if !(1..=i64::from(last_day)).contains(&day) {
        return Err(format!(
            "day {day} is not 1 to {last_day} in {year}-{month:02}"
        ));
    }
    c.expect(b"T")
        .or_else(|| c.expect(b"t"))
        .or_else(|| c.expect(b" "))
        .ok_or("the time must follow the date, separated by T, as in 2023-06-01T12:00Z")?;
    let time_form = "the time must follow the date as THH:MM or THH:MM:SS";
    let hour = c.digits(2).ok_or(time_form)?;
    c.expect(b":").ok_or(time_form)?;
    let minute = c.digits(2).ok_or(time_form)?;
    let second = if c.expect(b":").is_some() {
        c.digits(2).ok_or(time_form)?
    } else {
        0
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!(
            "{hour:02}:{minute:02}:{second:02} is not a time of day (00:00:00 to 23:59:59)"
        ));
    }
    let offset = match c.0.first() {
        None => {
            return Err(
                "the time zone is missing: end with Z for UTC, or an offset such as +02:00".into(),
            )
        }
        Some(b'Z' | b'z') => {
            c.0 = &c.0[1..];
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            c.0 = &c.0[1..];
            let zone_form = "the offset must be +HH:MM or -HH:MM";
            let oh = c.digits(2).ok_or(zone_form)?;
            c.expect(b":").ok_or(zone_form)?;
            let om = c.digits(2).ok_or(zone_form)?;
            if oh > 23 || om > 59 {
                return Err(zone_form.into());
            }
            let magnitude = oh * SECONDS_PER_HOUR + om * 60;
            if sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        Some(_) => {
            return Err(format!(
                "unexpected '{}' after the time",
                String::from_utf8_lossy(c.0)
            ))
        }
    };
    if !c.0.is_empty() {
        return Err(format!(
            "unexpected '{}' at the end",
            String::from_utf8_lossy(c.0)
        ));
    }
    let local = days_from_civil(year, month as u32, day as u32) * SECONDS_PER_DAY
        + hour * SECONDS_PER_HOUR
        + minute * 60
        + second;
    Ok(Instant::from_seconds(local - offset))
}

/// The unparsed rest of a string.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    /// Exactly `n` ASCII digits, as a number.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let head = self.0.get(..n)?;
        if !head.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = &self.0[n..];
        Some(
            head.iter()
                .fold(0, |acc, &b| acc * 10 + i64::from(b - b'0')),
        )
    }

    /// Consume `token` if the rest starts with it.
    fn expect(&mut self, token: &[u8]) -> Option<()> {
        self.0 = self.0.strip_prefix(token)?;
        Some(())
    }
}

pub(super) fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(super) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Hours in a calendar year: 8760, or 8784 in a leap year.
pub fn hours_in_year(year: i32) -> usize {
    if is_leap(i64::from(year)) {
        8784
    } else {
        8760
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`, chrono-compatible algorithms).
pub(super) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01, as (year, month, day).
pub(super) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Where `at` falls in the profile's year, in hours from its start, and
/// whether it had to be moved there (`true` when `at` is in another year).
///
/// An instant in another year is moved by the whole number of weeks that
/// brings it nearest to the same calendar date in the profile's year
/// (29 February counting as 28 February), then by one more week if that
/// lands outside the year. So the result has the same weekday and time of
/// day, and lies within 3 days of the same date (within 6 days in the first
/// and last days of the year). Example: 2024-06-05 12:00 (a Wednesday) maps
/// to 2023-06-07 12:00, also a Wednesday: 52 weeks earlier.
pub fn position(profile: &Profile, at: Instant) -> (f64, bool) {
    let start = Instant::start_of_year(profile.year).seconds;
    let end = Instant::start_of_year(profile.year + 1).seconds;
    let hours = |s: i64| (s - start) as f64 / SECONDS_PER_HOUR as f64;
    if (start..end).contains(&at.seconds) {
        return (hours(at.seconds), false);
    }
    let (_, month, day) = civil_from_days(at.days());
    let day = day.min(days_in_month(i64::from(profile.year), month));
    let target = days_from_civil(i64::from(profile.year), month, day);
    let week = 7 * SECONDS_PER_DAY;
    let weeks = ((at.days() - target) as f64 / 7.0).round() as i64;
    let mut moved = at.seconds - weeks * week;
    if moved < start {
        moved += week;
    } else if moved >= end {
        moved -= week;
    }
    (hours(moved), true)
}
