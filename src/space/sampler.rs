//! Inverse-CDF samplers with each distribution's constants worked out once
//! per job set (ln min, ln max − ln min, ...), not on every draw.
//!
//! Each sampler computes exactly what [`Param::sample`] computes, with the
//! same operations in the same order, so draws are bit for bit the same
//! (the test below compares them; the golden draw tests pin both).

use super::{dist, round_to, Distribution, Domain, Param};

/// One parameter's sampler.
#[derive(Debug, Clone, PartialEq)]
pub enum Sampler {
    /// Always this slot value.
    Constant(f64),
    /// One of these slot values, equally likely.
    Values(Vec<f64>),
    /// min + u × (max − min).
    Uniform { min: f64, span: f64 },
    /// lo + floor(u × (hi − lo + 1)), at most hi.
    IntUniform { lo: f64, hi: f64, width: f64 },
    /// Uniform, rounded to a multiple of q.
    QUniform { min: f64, span: f64, q: f64 },
    /// exp(ln min + u × (ln max − ln min)).
    LogUniform { ln_min: f64, ln_span: f64 },
    /// Log-uniform, rounded to a multiple of q.
    QLogUniform { ln_min: f64, ln_span: f64, q: f64 },
    /// A shaped distribution's quantile function.
    Shaped(dist::Shaped),
}

impl Sampler {
    /// The sampler of `param`.
    pub fn of(param: &Param) -> Sampler {
        match &param.domain {
            Domain::Constant(_) => Sampler::Constant(param.sample(0.0)),
            Domain::Values(v) => Sampler::Values((0..v.len()).map(|i| Param::slot(v, i)).collect()),
            &Domain::Range {
                min,
                max,
                distribution,
                ..
            } => {
                let (ln_min, ln_span) = (min.ln(), max.ln() - min.ln());
                match distribution {
                    Distribution::Uniform => Sampler::Uniform {
                        min,
                        span: max - min,
                    },
                    Distribution::IntUniform => {
                        let (lo, hi) = (min.ceil(), max.floor());
                        Sampler::IntUniform {
                            lo,
                            hi,
                            width: hi - lo + 1.0,
                        }
                    }
                    Distribution::QUniform(q) => Sampler::QUniform {
                        min,
                        span: max - min,
                        q,
                    },
                    Distribution::LogUniform => Sampler::LogUniform { ln_min, ln_span },
                    Distribution::QLogUniform(q) => Sampler::QLogUniform { ln_min, ln_span, q },
                    Distribution::Shaped(d) => Sampler::Shaped(d),
                }
            }
        }
    }

    /// Number of values it draws, when finite: a constant, a list, an
    /// integer range.
    pub fn levels(&self) -> Option<u64> {
        match self {
            Sampler::Constant(_) => Some(1),
            Sampler::Values(v) => Some(v.len() as u64),
            Sampler::IntUniform { lo, hi, .. } if hi - lo < 1e15 => Some((hi - lo) as u64 + 1),
            _ => None,
        }
    }

    /// The value of level `level` (below [`Sampler::levels`]): what
    /// [`Sampler::sample`] gives for any `u` that draws that level.
    pub fn at_level(&self, level: usize) -> f64 {
        match self {
            Sampler::Constant(x) => *x,
            Sampler::Values(v) => v[level],
            Sampler::IntUniform { lo, hi, .. } => (lo + level as f64).min(*hi),
            _ => f64::NAN,
        }
    }

    /// The slot value at quantile `u` in [0, 1).
    #[inline]
    pub fn sample(&self, u: f64) -> f64 {
        match self {
            Sampler::Constant(x) => *x,
            Sampler::Values(v) => v[((u * v.len() as f64) as usize).min(v.len() - 1)],
            Sampler::Uniform { min, span } => min + u * span,
            Sampler::IntUniform { lo, hi, width } => (lo + (u * width).floor()).min(*hi),
            Sampler::QUniform { min, span, q } => round_to(min + u * span, *q),
            Sampler::LogUniform { ln_min, ln_span } => (ln_min + u * ln_span).exp(),
            Sampler::QLogUniform { ln_min, ln_span, q } => {
                round_to((ln_min + u * ln_span).exp(), *q)
            }
            Sampler::Shaped(d) => d.ppf(u),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::Level;

    #[test]
    fn samplers_draw_what_params_draw_bit_for_bit() {
        let range = |min: f64, max: f64, distribution| Param {
            name: "p".into(),
            domain: Domain::Range {
                min,
                max,
                distribution,
                grid_points: None,
            },
        };
        let params = [
            range(1e-5, 1e-1, Distribution::LogUniform),
            range(1e-4, 3e-1, Distribution::QLogUniform(1e-4)),
            range(0.0, 0.5, Distribution::Uniform),
            range(0.1, 0.9, Distribution::QUniform(0.05)),
            range(10.0, 100.0, Distribution::IntUniform),
            Param {
                name: "b".into(),
                domain: Domain::Values([64.0, 128.0, 256.0].map(Level::Num).to_vec()),
            },
            Param {
                name: "c".into(),
                domain: Domain::Constant(Level::Num(3.5)),
            },
        ];
        for p in &params {
            let s = Sampler::of(p);
            for k in 0..1000u32 {
                // Quantiles 0, 0.000999..., up to 0.999 and the largest below 1.
                let u = if k == 999 {
                    1.0 - f64::EPSILON / 2.0
                } else {
                    f64::from(k) / 1000.0
                };
                assert_eq!(s.sample(u).to_bits(), p.sample(u).to_bits(), "{p:?} at {u}");
            }
        }
    }
}
