//! The chosen strategy, handed to a launcher: a W&B sweep configuration
//! ([`wandb`]) or a Slurm job array with its trials file ([`slurm`]).
//!
//! Both return text; the caller writes it (never over an existing file
//! unless asked to).

pub mod slurm;
pub mod wandb;

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::space::Strategy;
use crate::suggest;

/// The scenario's strategy called `name`, or an error listing them.
pub fn strategy<'a>(s: &'a Scenario, name: &str) -> Result<&'a Strategy> {
    let names: Vec<&str> = s.strategies.iter().map(Strategy::name).collect();
    s.strategies
        .iter()
        .find(|st| st.name() == name)
        .ok_or_else(|| {
            let hint = suggest::closest(name, names.iter().copied())
                .map_or(String::new(), |h| format!(" (did you mean '{h}'?)"));
            Error::input(format!(
                "the scenario has no strategy '{name}'{hint}; it has {}",
                suggest::or_list(&names)
            ))
        })
}

/// A number as YAML that PyYAML reads back with its type: integers
/// without a point, other numbers with one (`0.0001`, `3.0`, `1.5e-12`).
pub fn yaml_number(x: f64, integer: bool) -> String {
    if integer && x.fract() == 0.0 && x.abs() < 9e15 {
        return format!("{}", x as i64);
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{x:.1}");
    }
    let plain = format!("{x}");
    if plain.len() <= 24 {
        return plain;
    }
    // Very small or large: scientific notation with a point in the mantissa.
    let sci = format!("{x:e}");
    match sci.split_once('e') {
        Some((m, e)) if !m.contains('.') => format!("{m}.0e{}", sign(e)),
        Some((m, e)) => format!("{m}e{}", sign(e)),
        None => sci,
    }
}

fn sign(e: &str) -> String {
    if e.starts_with('-') {
        e.to_string()
    } else {
        format!("+{e}")
    }
}
