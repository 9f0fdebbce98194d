//! Physical quantities as newtypes, so that kWh can never be added to kg.
//!
//! Every value the tool prints passes through one of these types; their
//! docs give the unit. Conversions that carry a factor (W·h → kWh,
//! kWh × g/kWh → kg) live here and nowhere else.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul};

use serde::{Deserialize, Serialize};

macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// The raw number in this type's unit.
            pub fn get(self) -> f64 {
                self.0
            }
        }

        impl Add for $name {
            type Output = $name;
            fn add(self, rhs: $name) -> $name {
                $name(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: $name) {
                self.0 += rhs.0;
            }
        }

        impl Mul<f64> for $name {
            type Output = $name;
            fn mul(self, rhs: f64) -> $name {
                $name(self.0 * rhs)
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = $name>>(iter: I) -> $name {
                $name(iter.map(|q| q.0).sum())
            }
        }
    };
}

quantity!(
    /// A duration in hours (h).
    Hours
);
quantity!(
    /// Electrical power in watts (W).
    Watts
);
quantity!(
    /// Energy in kilowatt-hours (kWh).
    Kwh
);
quantity!(
    /// A mass of CO2-equivalent in kilograms (kg CO2eq).
    KgCo2e
);
quantity!(
    /// Grid carbon intensity in grams of CO2-equivalent per kilowatt-hour (g CO2eq/kWh).
    GPerKwh
);

/// Power drawn for a time: W × h / 1000 = kWh.
impl Mul<Hours> for Watts {
    type Output = Kwh;
    fn mul(self, rhs: Hours) -> Kwh {
        Kwh(self.0 * rhs.0 / 1000.0)
    }
}

/// Energy at a carbon intensity: kWh × g/kWh / 1000 = kg.
impl Mul<GPerKwh> for Kwh {
    type Output = KgCo2e;
    fn mul(self, rhs: GPerKwh) -> KgCo2e {
        KgCo2e(self.0 * rhs.0 / 1000.0)
    }
}

/// An integer-valued number with thousands separators: 1234567 → "1,234,567".
/// Here, below the library's messages and reports, so both can use it.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watts_times_hours_is_kwh() {
        // 250 W × 100 h = 25,000 Wh = 25 kWh
        assert_eq!(Watts(250.0) * Hours(100.0), Kwh(25.0));
    }

    #[test]
    fn kwh_times_intensity_is_kg() {
        // 25 kWh × 429 g/kWh = 10,725 g = 10.725 kg
        let kg = Kwh(25.0) * GPerKwh(429.0);
        assert!((kg.get() - 10.725).abs() < 1e-12);
    }

    #[test]
    fn quantities_sum() {
        let total: Kwh = [Kwh(1.5), Kwh(2.5)].into_iter().sum();
        assert_eq!(total, Kwh(4.0));
    }
}
