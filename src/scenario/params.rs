//! `[space.NAME]`: one search parameter, its values or its range and
//! distribution.

use toml::Spanned;

use super::raw::RawParam;
use super::Checker;
use crate::error::Result;
use crate::space::{self, Distribution, Domain, Level, Param};
use crate::suggest;

impl Checker<'_> {
    pub(super) fn param(&self, name: String, raw: Spanned<RawParam>) -> Result<Param> {
        let at = raw.span().start;
        let p = raw.into_inner();
        let domain = match (&p.values, &p.value, &p.min, &p.max) {
            (Some(v), None, None, None) => {
                if v.get_ref().is_empty() {
                    return Err(self.err(
                        v.span().start,
                        format!("parameter '{name}' has an empty `values` list"),
                    ));
                }
                let levels = v
                    .get_ref()
                    .iter()
                    .map(|x| self.level(x, v.span().start, &name))
                    .collect::<Result<Vec<_>>>()?;
                Domain::Values(levels)
            }
            (None, Some(v), None, None) => {
                Domain::Constant(self.level(v.get_ref(), v.span().start, &name)?)
            }
            (None, None, Some(min), Some(max)) => return self.range(name, &p, min, max),
            (None, None, None, None) => {
                return Err(self.err(
                    at,
                    format!("parameter '{name}' needs `values`, `value`, or `min` and `max`"),
                ))
            }
            (None, None, Some(m), None) | (None, None, None, Some(m)) => {
                return Err(self.err(
                    m.span().start,
                    format!("parameter '{name}' needs both `min` and `max`"),
                ))
            }
            _ => {
                let second = [&p.value, &p.min, &p.max]
                    .iter()
                    .filter_map(|x| x.as_ref().map(|s| s.span().start))
                    .max()
                    .unwrap_or(at);
                return Err(self.err(
                    second,
                    format!("parameter '{name}' mixes `values`, `value` and `min`/`max`; use one of them"),
                ));
            }
        };
        for (key, span) in [
            (
                "distribution",
                p.distribution.as_ref().map(|s| s.span().start),
            ),
            ("q", p.q.as_ref().map(|s| s.span().start)),
            (
                "grid_points",
                p.grid_points.as_ref().map(|s| s.span().start),
            ),
        ] {
            if let Some(offset) = span {
                return Err(self.err(
                    offset,
                    format!("`{key}` applies only to `min`/`max` parameters ('{name}')"),
                ));
            }
        }
        Ok(Param { name, domain })
    }

    pub(super) fn level(&self, v: &toml::Value, at: usize, name: &str) -> Result<Level> {
        match v {
            toml::Value::Integer(i) => Ok(Level::Num(*i as f64)),
            toml::Value::Float(f) if f.is_finite() => Ok(Level::Num(*f)),
            toml::Value::String(s) => Ok(Level::Text(s.clone())),
            toml::Value::Boolean(b) => Ok(Level::Bool(*b)),
            other => Err(self.err(
                at,
                format!(
                    "parameter '{name}': values must be numbers, strings or booleans, not {other}"
                ),
            )),
        }
    }

    pub(super) fn number(
        &self,
        v: &Spanned<toml::Value>,
        key: &str,
        name: &str,
    ) -> Result<(f64, bool)> {
        match v.get_ref() {
            toml::Value::Integer(i) => Ok((*i as f64, true)),
            toml::Value::Float(f) if f.is_finite() => Ok((*f, false)),
            other => Err(self.err(
                v.span().start,
                format!("`{key}` of parameter '{name}' must be a finite number, not {other}"),
            )),
        }
    }

    pub(super) fn range(
        &self,
        name: String,
        p: &RawParam,
        min: &Spanned<toml::Value>,
        max: &Spanned<toml::Value>,
    ) -> Result<Param> {
        let (lo, lo_int) = self.number(min, "min", &name)?;
        let (hi, hi_int) = self.number(max, "max", &name)?;
        if lo >= hi {
            return Err(self.err(
                min.span().start,
                format!("parameter '{name}' has min {lo} ≥ max {hi}; min must be below max"),
            ));
        }
        let distribution = self.distribution(&name, p, lo_int && hi_int)?;
        if matches!(
            distribution,
            Distribution::LogUniform | Distribution::QLogUniform(_)
        ) && lo <= 0.0
        {
            return Err(self.err(
                min.span().start,
                format!("parameter '{name}' is log-distributed, so min must be positive, not {lo}"),
            ));
        }
        if p.q.is_some()
            && !matches!(
                distribution,
                Distribution::QUniform(_) | Distribution::QLogUniform(_)
            )
        {
            let at = p.q.as_ref().map_or(0, |q| q.span().start);
            return Err(self.err(
                at,
                format!("`q` applies only to q_uniform and q_log_uniform_values ('{name}')"),
            ));
        }
        let grid_points = self.grid_points(p)?;
        if distribution == Distribution::IntUniform && (hi.floor() < lo.ceil()) {
            return Err(self.err(
                min.span().start,
                format!("parameter '{name}' has no integer within [{lo}, {hi}]"),
            ));
        }
        if let Distribution::QUniform(q) | Distribution::QLogUniform(q) = distribution {
            // Values are rounded through x / q: beyond 2^53 steps that is
            // neither exact nor finite.
            let steps = lo.abs().max(hi.abs()) / q;
            if steps.is_nan() || steps > 9.007_199_254_740_992e15 {
                return Err(self.err(
                    p.q.as_ref().map_or(min.span().start, |q| q.span().start),
                    format!("`q` = {q} is too small for [{lo}, {hi}]: values would need more than 2^53 steps of q"),
                ));
            }
        }
        if let Distribution::QUniform(q) = distribution {
            if space::q_steps(hi, q).floor() < space::q_steps(lo, q).ceil() {
                return Err(self.err(
                    min.span().start,
                    format!("parameter '{name}' has no multiple of {q} within [{lo}, {hi}]"),
                ));
            }
        }
        Ok(Param {
            name,
            domain: Domain::Range {
                min: lo,
                max: hi,
                distribution,
                grid_points,
            },
        })
    }

    /// A range's distribution: W&B's names; integer bounds without one
    /// mean `int_uniform`.
    fn distribution(&self, name: &str, p: &RawParam, ints: bool) -> Result<Distribution> {
        const DISTRIBUTIONS: [&str; 5] = [
            "uniform",
            "int_uniform",
            "q_uniform",
            "log_uniform_values",
            "q_log_uniform_values",
        ];
        let q = |p: &RawParam| -> Result<f64> {
            match &p.q {
                Some(q) if *q.get_ref() > 0.0 && q.get_ref().is_finite() => Ok(*q.get_ref()),
                Some(q) => Err(self.err(q.span().start, "`q` must be a positive number")),
                None => Err(self.err(
                    p.distribution.as_ref().map_or(0, |d| d.span().start),
                    format!("parameter '{name}': this distribution needs `q`, the step values are rounded to"),
                )),
            }
        };
        Ok(match &p.distribution {
            // As W&B does: integer bounds mean integers.
            None if ints => Distribution::IntUniform,
            None => Distribution::Uniform,
            Some(d) => {
                match d.get_ref().as_str() {
                    "uniform" => Distribution::Uniform,
                    "int_uniform" => Distribution::IntUniform,
                    "q_uniform" => Distribution::QUniform(q(p)?),
                    "log_uniform_values" => Distribution::LogUniform,
                    "q_log_uniform_values" => Distribution::QLogUniform(q(p)?),
                    "log_uniform" => return Err(self.err(
                        d.span().start,
                        "'log_uniform' takes its bounds as exponents in W&B; co2sweep supports \
                         'log_uniform_values' (bounds as values): use that",
                    )),
                    other => {
                        let hint = suggest::closest(other, DISTRIBUTIONS)
                            .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
                        return Err(self.err(
                            d.span().start,
                            format!(
                                "unknown distribution '{other}'{hint}; choose {}",
                                suggest::or_list(&DISTRIBUTIONS)
                            ),
                        ));
                    }
                }
            }
        })
    }

    /// `grid_points`: levels of a range in grid search, 1 to `u32::MAX`.
    fn grid_points(&self, p: &RawParam) -> Result<Option<u32>> {
        Ok(match &p.grid_points {
            None => None,
            Some(g) if (1..=i64::from(u32::MAX)).contains(g.get_ref()) => Some(*g.get_ref() as u32),
            Some(g) if *g.get_ref() < 1 => {
                return Err(self.err(g.span().start, "grid_points must be at least 1"))
            }
            Some(g) => {
                return Err(self.err(
                    g.span().start,
                    format!(
                        "grid_points {} is too large: grid search takes at most {} levels per parameter",
                        g.get_ref(),
                        space::MAX_LEVELS
                    ),
                ))
            }
        })
    }
}
