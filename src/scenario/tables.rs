//! `[trial.tables.NAME]`: lookup tables from a parameter's values to
//! numbers, called in formulas like functions: `model_hours(model)`.
//!
//! A table's keys are the parameter's values as text (`resnet18`, `true`,
//! `256`); every value the parameter can take must be in the table, or the
//! scenario is refused naming the missing one.

use indexmap::IndexMap;
use toml::Spanned;

use super::Checker;
use crate::error::Result;
use crate::formula::{Formula, Lookup};
use crate::space::{Domain, Level, Param};
use crate::suggest;

/// The tables as written: name → (category → number).
pub(super) type RawTables = IndexMap<String, Spanned<IndexMap<String, Spanned<toml::Value>>>>;

/// A level as a table key.
fn key_of(level: &Level) -> String {
    match level {
        Level::Null => "null".into(),
        other => other.text(),
    }
}

impl Checker<'_> {
    /// The lookups of `formula`'s table calls, in call order.
    pub(super) fn lookups(
        &self,
        formula: &Formula,
        key: &str,
        (base, value_at): (Option<usize>, usize),
        params: &[Param],
    ) -> Result<Vec<Lookup>> {
        let names: Vec<&String> = self.tables.keys().collect();
        let mut out = Vec::new();
        for call in formula.table_calls() {
            let (table_name, table) = (names[call.table], &self.tables[call.table]);
            let param = &params[call.variable];
            let levels: &[Level] = match &param.domain {
                Domain::Values(v) => v,
                Domain::Constant(l) => std::slice::from_ref(l),
                Domain::Range { .. } => {
                    return Err(self.err(base.map_or(value_at, |b| b + call.offset), format!(
                        "in `{key}`: table '{table_name}' maps listed values, but '{}' is a range; give it `values`",
                        param.name
                    )))
                }
            };
            let mut values = Vec::with_capacity(levels.len());
            for level in levels {
                let k = key_of(level);
                let Some(v) = table.get_ref().get(&k) else {
                    let hint = suggest::closest(&k, table.get_ref().keys().map(String::as_str))
                        .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
                    return Err(self.err(table.span().start, format!(
                        "[trial.tables.{table_name}] has no entry for '{k}', a value of '{}'{hint}; add `\"{k}\" = <number>`",
                        param.name
                    )));
                };
                let x = match v.get_ref() {
                    toml::Value::Integer(i) => *i as f64,
                    toml::Value::Float(f) if f.is_finite() => *f,
                    other => {
                        return Err(self.err(
                            v.span().start,
                            format!("table entries must be finite numbers, not {other}"),
                        ))
                    }
                };
                values.push(x);
            }
            out.push(if param.is_numeric() {
                Lookup::ByValue(
                    levels
                        .iter()
                        .zip(values)
                        .map(|(l, v)| (if let Level::Num(x) = l { *x } else { f64::NAN }, v))
                        .collect(),
                )
            } else {
                Lookup::ByIndex(values)
            });
        }
        Ok(out)
    }
}
