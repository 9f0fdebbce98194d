//! `[execution] start` and `deadline_hours`: the window a sweep may run
//! in. Its hourly grid profiles are loaded once the sites are known
//! (`scenario/loaded.rs`) and added by `scenario::parse`.

use super::raw::RawExecution;
use super::{Checker, Window};
use crate::error::Result;
use crate::hourly::Instant;

impl Checker<'_> {
    /// The window without profiles, and where `start` is in the file (for
    /// messages about loading its profiles).
    pub(super) fn window(&self, e: &RawExecution) -> Result<Option<(Window, usize)>> {
        let (start, deadline) =
            match (&e.start, &e.deadline_hours) {
                (None, None) => return Ok(None),
                (Some(s), Some(d)) => (s, d),
                (Some(s), None) => return Err(self.err(
                    s.span().start,
                    "`start` needs `deadline_hours`: how long the sweep may take, waiting included",
                )),
                (None, Some(d)) => {
                    return Err(self.err(
                        d.span().start,
                        "`deadline_hours` needs `start`, e.g. start = \"2023-03-01T00:00Z\"",
                    ))
                }
            };
        let instant = Instant::parse(start.get_ref())
            .map_err(|m| self.err(start.span().start, m.to_string()))?;
        let hours = *deadline.get_ref();
        if !(hours.is_finite() && hours > 0.0 && hours <= 1e6) {
            return Err(self.err(
                deadline.span().start,
                "deadline_hours must be a positive number of hours",
            ));
        }
        let window = Window {
            start: instant,
            deadline_hours: hours,
            profiles: std::collections::BTreeMap::new(),
        };
        Ok(Some((window, start.span().start)))
    }
}
