//! The flag each figure given by value comes from, and errors worded
//! with it: the library names a wrong figure ([`Error::Value`]), the
//! command line says which flag to fix.

use co2sweep::error::{Error, Given};

/// The flag that gives `given` (`co2sweep estimate`).
pub fn flag(given: Given) -> &'static str {
    match given {
        Given::Hours => "--hours",
        Given::Count => "--count",
        // Given with --device-hours, worded as the quantity.
        Given::DeviceHours => "device-hours",
        Given::Utilization => "--utilization",
        Given::Pue => "--pue",
        Given::PowerWatts => "--power-watts",
        Given::OffsetPct => "--offset-pct",
        Given::Intensity => "--intensity",
        Given::WindowHours => "--window-hours",
        Given::DeviceKg => "--embodied-device-kg",
        Given::ServerKg => "--embodied-server-kg",
        Given::DevicesPerServer => "--devices-per-server",
        Given::LifetimeYears => "--lifetime-years",
        Given::LifetimeUtilization => "--lifetime-utilization",
    }
}

/// The error's message, a wrong figure named by its flag.
pub fn message(e: &Error) -> String {
    match e {
        Error::Value { given, problem } => format!("{} {problem}", flag(*given)),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_figure_is_named_by_its_flag() {
        let e = Error::value(Given::PowerWatts, "must be a positive number, not -1");
        assert_eq!(
            e.to_string(),
            "power_watts must be a positive number, not -1"
        );
        assert_eq!(
            message(&e),
            "--power-watts must be a positive number, not -1"
        );
        assert_eq!(message(&Error::input("plain")), "plain");
    }
}
