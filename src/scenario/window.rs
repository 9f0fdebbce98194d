//! `[execution] start` and `deadline_hours`: the window a sweep may run
//! in, with the hourly grid profiles of the sites' zones.

use rayon::prelude::*;

use super::raw::RawExecution;
use super::{Checker, Window};
use crate::catalog::{Catalog, Region};
use crate::error::Result;
use crate::hourly::{self, Instant, Profile};

impl Checker<'_> {
    pub(super) fn window(
        &self,
        e: &RawExecution,
        sites: &[Region],
        catalog: &Catalog,
    ) -> Result<Option<Window>> {
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
        let data_dir = catalog.data_dir.as_deref();
        let zones: std::collections::BTreeSet<&String> = sites
            .iter()
            .filter_map(|r| r.grid_zone.as_ref())
            .filter(|z| hourly::has_profile(z, data_dir))
            .collect();
        // Profiles are parsed in parallel; the map keeps a fixed order.
        let loaded: Vec<Result<(String, Profile)>> = zones
            .into_par_iter()
            .map(|zone| hourly::for_run(catalog, zone, instant).map(|p| (zone.clone(), p)))
            .collect();
        let mut profiles = std::collections::BTreeMap::new();
        for item in loaded {
            let (zone, profile) = item.map_err(|m| self.err(start.span().start, m.to_string()))?;
            profiles.insert(zone, profile);
        }
        Ok(Some(Window {
            start: instant,
            deadline_hours: hours,
            profiles,
        }))
    }
}
