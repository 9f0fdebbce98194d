//! Everything that turns results into text or files.
//!
//! One module per output: `single` renders a single-run estimate, `paper`
//! the paragraph and citation for a paper, `table` aligned tables and the
//! catalog listings; for plans, `summary` computes what every report says,
//! and `text`, `csv`, `markdown` render it. `files` writes outputs safely.
//! Number formatting lives here once so every output rounds alike, and
//! only for display: computations never round.

pub mod baseline;
pub mod csv;
pub mod devices;
pub mod execution;
pub mod files;
pub mod findings;
pub mod html;
pub mod markdown;
pub mod marks;
pub mod paper;
pub mod paragraph;
pub mod plot;
pub mod ranges;
pub mod single;
pub mod summary;
pub mod table;
pub mod text;
pub mod timing;

/// A number for people: thousands separated, about three significant digits.
///
/// 1234.5 → "1,235"; 10.725 → "10.7"; 2.345 → "2.35"; 0.012345 → "0.0123".
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let a = x.abs();
    if a >= 100.0 || a == 0.0 {
        return thousands(x.round());
    }
    let decimals = if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        // Three significant digits below 1, up to nine decimals.
        ((-a.log10()).floor() as usize + 3).min(9)
    };
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

pub use crate::units::thousands;

/// A percentage for people: 96.4 → "96%"; 0.5 → "0.5%".
pub fn pct(x: f64) -> String {
    if (99.5..100.0).contains(&x) {
        // Not "100%" for what is not certain.
        format!("{:.1}%", x.min(99.9))
    } else if x.abs() >= 10.0 {
        format!("{x:.0}%")
    } else {
        format!("{}%", num(x))
    }
}

/// The unit that fits a mass of `kg`, as (scale from kg, unit): below 1 kg
/// g, from 1,000 kg t, else (and for 0 or non-finite figures) kg.
pub fn mass_unit(kg: f64) -> (f64, &'static str) {
    let a = kg.abs();
    if !kg.is_finite() || a == 0.0 {
        (1.0, "kg")
    } else if a < 1.0 {
        (1e3, "g")
    } else if a < 1000.0 {
        (1.0, "kg")
    } else {
        (1e-3, "t")
    }
}

/// A mass of CO2eq for people, in the unit that fits: below 1 kg in g,
/// from 1,000 kg in t. 0.0957 → "95.7 g"; 34.6 → "34.6 kg"; 12,345 → "12.3 t".
pub fn mass(kg: f64) -> String {
    let (scale, unit) = mass_unit(kg);
    format!("{} {unit}", num(kg * scale))
}

/// The unit that fits a duration of `hours`, as (scale from h, unit):
/// below 1 h min, from 72 h days, else (and for 0 or non-finite figures) h.
pub fn duration_unit(hours: f64) -> (f64, &'static str) {
    let a = hours.abs();
    if !hours.is_finite() || a == 0.0 {
        (1.0, "h")
    } else if a < 1.0 {
        (60.0, "min")
    } else if a < 72.0 {
        (1.0, "h")
    } else {
        (1.0 / 24.0, "days")
    }
}

/// A duration for people, in the unit that fits: below 1 h in minutes,
/// from 72 h in days. 0.0219 → "1.31 min"; 5.5 → "5.5 h"; 100 → "4.17 days".
pub fn duration(hours: f64) -> String {
    let (scale, unit) = duration_unit(hours);
    format!("{} {unit}", num(hours * scale))
}

/// "1 option", "3 options": a count with its noun, singular for one.
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", thousands(n as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masses_and_durations_take_the_unit_that_fits() {
        // 0.0957 kg × 1000 = 95.7 g; 12,345 kg / 1000 = 12.3 t.
        assert_eq!(mass(0.0957), "95.7 g");
        assert_eq!(mass(34.6), "34.6 kg");
        assert_eq!(mass(12_345.0), "12.3 t");
        // 0.0219 h × 60 = 1.314 min; 100 h / 24 = 4.1667 days.
        assert_eq!(duration(0.0219), "1.31 min");
        assert_eq!(duration(5.5), "5.5 h");
        assert_eq!(duration(100.0), "4.17 days");
        assert_eq!(count(1, "option"), "1 option");
        assert_eq!(count(2280, "option"), "2,280 options");
    }

    #[test]
    fn num_rounds_for_display() {
        assert_eq!(num(1234.5), "1,235");
        assert_eq!(num(10.725), "10.7");
        assert_eq!(num(2.345), "2.35");
        assert_eq!(num(0.012345), "0.0123");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(25.0), "25");
        assert_eq!(num(-1234567.0), "-1,234,567");
    }

    #[test]
    fn pct_drops_decimals_when_large() {
        assert_eq!(pct(96.44), "96%");
        assert_eq!(pct(0.5), "0.5%");
        assert_eq!(pct(99.93), "99.9%");
        assert_eq!(pct(100.0), "100%");
    }
}
