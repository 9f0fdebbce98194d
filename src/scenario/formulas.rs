//! Formula values (`hours`, `flops`, `devices`): parsed against the
//! parameters and tables, errors located inside the string.

use toml::Spanned;

use super::Checker;
use crate::error::{Error, Result};
use crate::formula::{Formula, FormulaError};
use crate::space::Param;

impl Checker<'_> {
    /// A formula value: a TOML number or a string to parse.
    pub(super) fn formula(
        &self,
        v: &Spanned<toml::Value>,
        key: &str,
        params: &[Param],
    ) -> Result<Formula> {
        let numeric: Vec<&str> = params
            .iter()
            .filter(|p| p.is_numeric())
            .map(|p| p.name.as_str())
            .collect();
        // Every slot is a parameter, so the formula's variable index is the slot.
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let (source, base) = match v.get_ref() {
            toml::Value::String(s) => (s.clone(), self.string_start(v.span())),
            toml::Value::Integer(i) => (i.to_string(), Some(v.span().start)),
            toml::Value::Float(f) if !f.is_finite() => {
                return Err(self.err(
                    v.span().start,
                    format!("`{key}` must be a finite number, not {f}"),
                ))
            }
            toml::Value::Float(f) => (format!("{f:e}"), Some(v.span().start)),
            other => {
                return Err(self.err(
                    v.span().start,
                    format!("`{key}` must be a number or a formula string, not {other}"),
                ))
            }
        };
        let tables: Vec<&str> = self.tables.keys().map(String::as_str).collect();
        let mut formula = Formula::parse_with_tables(&source, &names, &tables)
            .map_err(|e| self.formula_error(&e, base, v.span().start, key, &numeric))?;
        let lookups = self.lookups(&formula, key, (base, v.span().start), params)?;
        formula.bind_tables(lookups);
        for &slot in formula.variables_loaded() {
            if !params[slot].is_numeric() {
                return Err(self.err(
                    v.span().start,
                    format!(
                        "`{key}` reads '{}', which is categorical; formulas can read only numeric parameters ({}), or a category through a [trial.tables.NAME] lookup, NAME({0})",
                        params[slot].name,
                        numeric.join(", ")
                    ),
                ));
            }
        }
        Ok(formula)
    }

    /// Where a string's content starts in the file, when file offsets map
    /// one to one onto the content (no escape sequences); `None` otherwise.
    pub(super) fn string_start(&self, span: std::ops::Range<usize>) -> Option<usize> {
        let raw = self.text.get(span.clone())?;
        let (skip, escapes) = if raw.starts_with("\"\"\"") {
            (3, true)
        } else if raw.starts_with("'''") {
            (3, false)
        } else if raw.starts_with('"') {
            (1, true)
        } else if raw.starts_with('\'') {
            (1, false)
        } else {
            return None;
        };
        if escapes && raw.contains('\\') {
            return None;
        }
        let mut start = span.start + skip;
        // A newline right after an opening triple quote is not content.
        if skip == 3 {
            let rest = &self.text[start..];
            start += if rest.starts_with("\r\n") {
                2
            } else {
                usize::from(rest.starts_with('\n'))
            };
        }
        Some(start)
    }

    pub(super) fn formula_error(
        &self,
        e: &FormulaError,
        base: Option<usize>,
        value_at: usize,
        key: &str,
        numeric: &[&str],
    ) -> Error {
        let known = if numeric.is_empty() {
            "the space has no numeric parameters".to_string()
        } else {
            format!("the numeric parameters are {}", numeric.join(", "))
        };
        let extra = match e {
            FormulaError::UnknownVariable { .. } => format!("; {known}"),
            _ => String::new(),
        };
        match base {
            Some(base) => Error::at_span(
                self.path,
                self.text,
                base + e.offset(),
                e.len(),
                format!("in `{key}`: {e}{extra}"),
            ),
            // Escapes make file and formula offsets differ: point at the
            // string and say where in the formula.
            None => self.err(
                value_at,
                format!(
                    "in `{key}`, at character {} of the formula: {e}{extra}",
                    e.offset() + 1
                ),
            ),
        }
    }
}
