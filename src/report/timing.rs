//! Timing: the start and wait of time-shifted options, as two extra
//! columns for every table that lists options, so options that differ
//! only in their start can be told apart.
//!
//! With `[execution] start`, every option has a start (UTC): the window's
//! start plus the hours it waits for a cleaner grid. Without it, no option
//! has one and tables keep their columns.

use crate::report::duration;
use crate::report::summary::OptionRow;

/// Whether any of the rows has a start, so a table needs the columns.
pub fn timed<'a>(mut rows: impl Iterator<Item = &'a OptionRow>) -> bool {
    rows.any(|r| !r.start.is_empty())
}

/// The start and wait cells of a row: "2023-03-01T05:00Z", "5 h"; both
/// empty when the row has no start.
pub fn cells(r: &OptionRow) -> [String; 2] {
    if r.start.is_empty() {
        return [String::new(), String::new()];
    }
    [r.start.clone(), duration(r.wait_hours)]
}

/// `rows` with the start and wait cells of `of` appended to each row,
/// and the two `names` appended to `headers`, when any of `of` is timed.
pub fn append<'h>(
    headers: &mut Vec<&'h str>,
    rows: &mut [Vec<String>],
    of: &[&OptionRow],
    names: [&'h str; 2],
) {
    if !timed(of.iter().copied()) {
        return;
    }
    headers.extend(names);
    for (row, r) in rows.iter_mut().zip(of) {
        row.extend(cells(r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_and_wait_are_appended_only_to_timed_tables() {
        let plain = OptionRow::default();
        let shifted = OptionRow {
            start: "2023-03-01T05:00Z".into(),
            wait_hours: 5.0,
            ..OptionRow::default()
        };
        // Untimed rows: no columns added.
        let mut headers = vec!["option"];
        let mut rows = vec![vec!["a".to_string()]];
        append(&mut headers, &mut rows, &[&plain], ["start", "wait"]);
        assert_eq!((headers.len(), rows[0].len()), (1, 1));
        // One timed row: both rows gain two cells; 5 h waited reads "5 h",
        // and 0.5 h reads "30 min" (0.5 × 60).
        let half = OptionRow {
            wait_hours: 0.5,
            ..shifted.clone()
        };
        let mut rows = vec![
            vec!["a".to_string()],
            vec!["b".to_string()],
            vec!["c".to_string()],
        ];
        append(
            &mut headers,
            &mut rows,
            &[&plain, &shifted, &half],
            ["start", "wait"],
        );
        assert_eq!(headers, ["option", "start", "wait"]);
        assert_eq!(rows[0], ["a", "", ""]);
        assert_eq!(rows[1], ["b", "2023-03-01T05:00Z", "5 h"]);
        assert_eq!(rows[2], ["c", "2023-03-01T05:00Z", "30 min"]);
    }
}
