//! `[strategies]`: grid, random, sobol, latin_hypercube, hyperband and
//! asha, each checked against the space and the trial limits.

use toml::Spanned;

use super::raw::{RawHyperband, RawSampled, RawStrategies};
use super::{Checker, Options, GRID_LIMIT, SAMPLED_LIMIT};
use crate::error::Result;
use crate::space::{self, Count, Param, Strategy};

impl Checker<'_> {
    pub(super) fn sampled(&self, raw: &Spanned<RawSampled>, name: &str) -> Result<Count> {
        match (&raw.get_ref().trials, &raw.get_ref().target) {
            (Some(n), None) => {
                if *n.get_ref() < 1 {
                    return Err(self.err(n.span().start, format!("{name}: trials must be at least 1")));
                }
                Ok(Count::Trials(*n.get_ref() as u64))
            }
            (None, Some(t)) => {
                let q = t.get_ref().top_fraction;
                let p = t.get_ref().confidence;
                for (x, what) in [(q, "top_fraction"), (p, "confidence")] {
                    if !(x > 0.0 && x < 1.0) {
                        return Err(self.err(t.span().start, format!("{name}: target {what} must be between 0 and 1 (exclusive), not {x}")));
                    }
                }
                Ok(Count::Target { top_fraction: q, confidence: p })
            }
            (Some(n), Some(_)) => Err(self.err(n.span().start, format!("{name}: give `trials` or `target`, not both"))),
            (None, None) => Err(self.err(
                raw.span().start,
                format!("{name} needs `trials = N` or `target = {{ top_fraction = 0.05, confidence = 0.95 }}`"),
            )),
        }
    }

    pub(super) fn strategies(
        &self,
        raw: Option<Spanned<RawStrategies>>,
        params: &[Param],
        options: Options,
    ) -> Result<Vec<Strategy>> {
        let Some(s) = raw else {
            return Err(self.err(
                self.text.len(),
                "the scenario has no [strategies]; add at least one, e.g. [strategies.random] trials = 60",
            ));
        };
        let at = s.span().start;
        let s = s.into_inner();
        // Each strategy with the position of its own table, for messages.
        let mut out = Vec::new();
        let mut spans = Vec::new();
        if let Some(g) = &s.grid {
            if let Some(key) = g.get_ref().keys().next() {
                return Err(self.err(
                    g.span().start,
                    format!("unknown key '{key}' in [strategies.grid]; grid search takes no keys"),
                ));
            }
            let n =
                space::count(params, &Strategy::Grid).map_err(|m| self.err(g.span().start, m))?;
            if n > GRID_LIMIT && !options.allow_large {
                return Err(self.err(
                    g.span().start,
                    format!(
                        "grid search would run {} trials, more than the {} allowed without --allow-large; \
                         random search reaches the same quality with far fewer (try [strategies.random] \
                         target = {{ top_fraction = 0.05, confidence = 0.95 }}: 59 trials)",
                        crate::units::thousands(n as f64),
                        crate::units::thousands(GRID_LIMIT as f64)
                    ),
                ));
            }
            // Larger grids are planned by factoring (see sweep::totals),
            // which bounds the work by the parameters the cost reads.
            out.push(Strategy::Grid);
            spans.push(g.span().start);
        }
        if let Some(r) = &s.random {
            out.push(Strategy::Random(self.sampled(r, "random")?));
            spans.push(r.span().start);
        }
        if let Some(r) = &s.sobol {
            let count = self.sampled(r, "sobol")?;
            self.check_sobol(&count);
            out.push(Strategy::Sobol(count));
            spans.push(r.span().start);
        }
        if let Some(r) = &s.latin_hypercube {
            out.push(Strategy::LatinHypercube(
                self.sampled(r, "latin_hypercube")?,
            ));
            spans.push(r.span().start);
        }
        if let Some(h) = &s.hyperband {
            spans.push(h.span().start);
            out.push(self.hyperband(h.get_ref(), params)?);
        }
        if let Some(a) = &s.asha {
            spans.push(a.span().start);
            out.push(self.asha(a, params)?);
        }
        if out.is_empty() {
            return Err(self.err(
                at,
                "[strategies] is empty; add grid, random, sobol, latin_hypercube, hyperband or asha",
            ));
        }
        self.check_limits(&out, &spans, params, options)?;
        Ok(out)
    }

    /// `[strategies.hyperband]`: resource parameter, eta and max_resource.
    fn hyperband(&self, h: &RawHyperband, params: &[Param]) -> Result<Strategy> {
        let resource = self.resource_param(&h.resource, params, "hyperband")?;
        let eta = match &h.eta {
            None => 3,
            Some(e) if (2..=1_000_000).contains(e.get_ref()) => *e.get_ref() as u32,
            Some(e) => {
                return Err(self.err(
                    e.span().start,
                    if *e.get_ref() < 2 {
                        format!("hyperband eta must be at least 2, not {}", e.get_ref())
                    } else {
                        format!(
                            "hyperband eta {} is too large: at most 1,000,000",
                            e.get_ref()
                        )
                    },
                ))
            }
        };
        let max_resource = *h.max_resource.get_ref();
        if !(1.0..=1e12).contains(&max_resource) {
            return Err(self.err(
                h.max_resource.span().start,
                if max_resource > 1e12 {
                    format!("hyperband max_resource {max_resource} is too large: at most 10^12")
                } else {
                    format!("hyperband max_resource must be at least 1, not {max_resource}")
                },
            ));
        }
        self.check_max_resource(resource, max_resource, params, "hyperband");
        Ok(Strategy::Hyperband {
            resource,
            max_resource,
            eta,
            resume: h.resume,
        })
    }

    /// Each sampled strategy's trial count against the hard limits, and
    /// random and Bayesian search against [`SAMPLED_LIMIT`] unless large
    /// plans are allowed (grid is checked on its own, with `--allow-large`).
    fn check_limits(
        &self,
        out: &[Strategy],
        spans: &[usize],
        params: &[Param],
        options: Options,
    ) -> Result<()> {
        for (strategy, &at) in out.iter().zip(spans).filter(|(s, _)| **s != Strategy::Grid) {
            let n = space::count(params, strategy).map_err(|m| self.err(at, m))?;
            let sampled = matches!(strategy, Strategy::Random(_) | Strategy::Bayes(_));
            if sampled && n > SAMPLED_LIMIT && n <= space::limit(strategy) && !options.allow_large {
                return Err(self.err(
                    at,
                    format!(
                        "{} would run {} trials, more than the {} allowed without --allow-large (up to {})",
                        strategy.name(),
                        crate::units::thousands(n as f64),
                        crate::units::thousands(SAMPLED_LIMIT as f64),
                        crate::units::thousands(space::limit(strategy) as f64)
                    ),
                ));
            }
            if n > space::limit(strategy) {
                return Err(self.err(
                    at,
                    format!(
                        "{} would run {n} trials, above the limit of {}",
                        strategy.name(),
                        space::limit(strategy)
                    ),
                ));
            }
            if matches!(strategy, Strategy::Sobol(_)) && n > space::SOBOL_LIMIT {
                return Err(self.err(
                    at,
                    format!(
                        "sobol would run {n} trials, above its limit of {}",
                        space::SOBOL_LIMIT
                    ),
                ));
            }
            if matches!(strategy, Strategy::Sobol(_)) && params.len() > space::SOBOL_MAX_PARAMS {
                return Err(self.err(
                    at,
                    format!(
                        "sobol supports at most {} parameters; this space has {}",
                        space::SOBOL_MAX_PARAMS,
                        params.len()
                    ),
                ));
            }
            if matches!(strategy, Strategy::LatinHypercube(_)) && n > space::LHS_LIMIT {
                return Err(self.err(
                    at,
                    format!(
                        "latin_hypercube would run {n} trials, above its limit of {}",
                        space::LHS_LIMIT
                    ),
                ));
            }
        }
        Ok(())
    }
}
