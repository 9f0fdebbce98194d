//! Everything that turns results into text or files.
//!
//! One module per output: `single` renders a single-run estimate, `paper`
//! the paragraph and citation for a paper, `table` aligned tables and the
//! catalog listings; for plans, `summary` computes what every report says,
//! and `text`, `csv`, `markdown` render it. `files` writes outputs safely.
//! Number formatting lives here once so every output rounds alike, and
//! only for display: computations never round.

pub mod csv;
pub mod devices;
pub mod files;
pub mod markdown;
pub mod paper;
pub mod plot;
pub mod ranges;
pub mod single;
pub mod summary;
pub mod table;
pub mod text;

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

/// An integer-valued number with thousands separators: 1234567 → "1,234,567".
pub fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if x < 0.0 && s != "0" {
        out.push('-');
    }
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
