//! `[trial] overhead_hours` and the `[execution]` keys of overheads,
//! failures and capacity, checked (see [`crate::sweep::execution`]).

use toml::Spanned;

use super::{Checker, RawExecution};
use crate::error::Result;
use crate::sweep::execution::{Capacity, Execution};

/// Longest overhead, wait, checkpoint interval or restart accepted: a
/// century of hours (anything larger is a typing mistake).
const MAX_HOURS: f64 = 876_600.0;

impl Checker<'_> {
    /// The execution overheads and capacity of a scenario.
    pub(super) fn execution(
        &self,
        raw: &RawExecution,
        overhead: &Option<Spanned<f64>>,
    ) -> Result<Execution> {
        let hours = |v: &Option<Spanned<f64>>, key: &str| self.bounded(v, key, MAX_HOURS);
        let checkpoint = match &raw.checkpoint_hours {
            Some(c) if *c.get_ref() == 0.0 => {
                return Err(self.err(
                    c.span().start,
                    format!("checkpoint_hours must be above 0, not {}", c.get_ref()),
                ))
            }
            c => c
                .as_ref()
                .map(|_| hours(c, "checkpoint_hours"))
                .transpose()?,
        };
        Ok(Execution {
            overhead_hours: hours(overhead, "overhead_hours")?,
            queue_wait_hours: hours(&raw.queue_wait_hours, "queue_wait_hours")?,
            failure_rate_per_device_hour: self.bounded(
                &raw.failure_rate_per_device_hour,
                "failure_rate_per_device_hour",
                1.0,
            )?,
            checkpoint_hours: checkpoint,
            restart_hours: hours(&raw.restart_hours, "restart_hours")?,
            capacity: self.choice(
                &raw.capacity,
                "capacity",
                &[
                    ("shared", Capacity::Shared),
                    ("reserved", Capacity::Reserved),
                ],
                Capacity::Shared,
            )?,
            idle_fraction: raw
                .idle_fraction
                .as_ref()
                .map(|_| self.bounded(&raw.idle_fraction, "idle_fraction", 1.0))
                .transpose()?,
        })
    }

    /// A number from 0 to `max` (0 when absent); NaN, negative or larger is refused.
    fn bounded(&self, v: &Option<Spanned<f64>>, key: &str, max: f64) -> Result<f64> {
        match v {
            None => Ok(0.0),
            Some(x) if (0.0..=max).contains(x.get_ref()) => Ok(*x.get_ref()),
            Some(x) => Err(self.err(
                x.span().start,
                format!("{key} must be between 0 and {max}, not {}", x.get_ref()),
            )),
        }
    }
}
