//! Distributions without bounds, as Weights & Biases defines them:
//! `normal`, `log_normal` and `beta`, each optionally rounded to a multiple
//! of q (`q_normal`, `q_log_normal`, `q_beta`).
//!
//! Sampling goes through the inverse CDF of the uniform draw, as for every
//! other distribution, so it is deterministic and thread-independent:
//!
//! ```text
//! normal(mu, sigma):     x = mu + sigma × Φ⁻¹(u)
//! log_normal(mu, sigma): x = exp(mu + sigma × Φ⁻¹(u))
//! beta(a, b):            x = I⁻¹(u; a, b)       (regularised incomplete beta)
//! q_*:                   x = round(x / q) × q
//! ```
//!
//! Φ⁻¹ is Wichura's algorithm AS 241 (relative error about 1e-16); the beta
//! quantile is found by bisection on I(x; a, b), computed by Lentz's
//! continued fraction (Numerical Recipes, 3rd ed., §6.4), to 1e-12.
//! Grid search (with `grid_points = n`) takes the quantiles at
//! (k + ½) / n, k = 0 … n − 1.

// AS 241's coefficients are kept digit for digit as published.
#![allow(clippy::excessive_precision)]

/// The shape of an unbounded distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Normal with mean `mu` and standard deviation `sigma`.
    Normal {
        /// Mean.
        mu: f64,
        /// Standard deviation.
        sigma: f64,
    },
    /// exp of a normal with mean `mu` and standard deviation `sigma`.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Beta with shape parameters `a` and `b`, on [0, 1].
    Beta {
        /// First shape parameter (α).
        a: f64,
        /// Second shape parameter (β).
        b: f64,
    },
}

/// A shape, optionally rounded to a multiple of `q`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shaped {
    /// The distribution.
    pub shape: Shape,
    /// Rounding step of the `q_` variants.
    pub q: Option<f64>,
}

impl Shaped {
    /// W&B's name of the distribution.
    pub fn wandb_name(&self) -> &'static str {
        match (self.shape, self.q.is_some()) {
            (Shape::Normal { .. }, false) => "normal",
            (Shape::Normal { .. }, true) => "q_normal",
            (Shape::LogNormal { .. }, false) => "log_normal",
            (Shape::LogNormal { .. }, true) => "q_log_normal",
            (Shape::Beta { .. }, false) => "beta",
            (Shape::Beta { .. }, true) => "q_beta",
        }
    }

    /// The value at quantile `u` (clamped into (0, 1) so that the tails
    /// stay finite).
    pub fn ppf(&self, u: f64) -> f64 {
        let u = u.clamp(1e-15, 1.0 - 1e-15);
        let x = match self.shape {
            Shape::Normal { mu, sigma } => mu + sigma * normal_ppf(u),
            Shape::LogNormal { mu, sigma } => (mu + sigma * normal_ppf(u)).exp(),
            Shape::Beta { a, b } => beta_ppf(u, a, b),
        };
        match self.q {
            Some(q) => (x / q).round() * q,
            None => x,
        }
    }

    /// Grid levels: the quantiles at (k + ½) / n, rounded and deduplicated.
    pub fn grid(&self, n: u32) -> Vec<f64> {
        let mut out: Vec<f64> = (0..n)
            .map(|k| self.ppf((f64::from(k) + 0.5) / f64::from(n)))
            .collect();
        out.dedup();
        out
    }
}

/// Φ⁻¹(p): Wichura (1988), algorithm AS 241 (PPND16).
pub fn normal_ppf(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 {
        -x
    } else {
        x
    }
}

/// c[0] + c[1] r + c[2] r² + … (Horner).
fn poly(c: &[f64; 8], r: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &k| acc * r + k)
}

const A: [f64; 8] = [
    3.387_132_872_796_366_5,
    133.141_667_891_784_38,
    1_971.590_950_306_551_3,
    13_731.693_765_509_461,
    45_921.953_931_549_87,
    67_265.770_927_008_7,
    33_430.575_583_588_13,
    2_509.080_928_730_122_7,
];
const B: [f64; 8] = [
    1.0,
    42.313_330_701_600_91,
    687.187_007_492_057_9,
    5_394.196_021_424_751,
    21_213.794_301_586_597,
    39_307.895_800_092_71,
    28_729.085_735_721_943,
    5_226.495_278_852_545,
];
const C: [f64; 8] = [
    1.423_437_110_749_683_5,
    4.630_337_846_156_546,
    5.769_497_221_460_691,
    3.647_848_324_763_204_5,
    1.270_458_252_452_368_4,
    0.241_780_725_177_450_6,
    0.022_723_844_989_269_184,
    7.745_450_142_783_414e-4,
];
const D: [f64; 8] = [
    1.0,
    2.053_191_626_637_759,
    1.676_384_830_183_803_8,
    0.689_767_334_985_1,
    0.148_103_976_427_480_08,
    0.015_198_666_563_616_457,
    5.475_938_084_995_345e-4,
    1.050_750_071_644_416_9e-9,
];
const E: [f64; 8] = [
    6.657_904_643_501_103,
    5.463_784_911_164_114,
    1.784_826_539_917_291_3,
    0.296_560_571_828_504_9,
    0.026_532_189_526_576_124,
    0.001_242_660_947_388_078_4,
    2.711_555_568_743_487_6e-5,
    2.010_334_399_292_288_1e-7,
];
const F: [f64; 8] = [
    1.0,
    0.599_832_206_555_888,
    0.136_929_880_922_735_8,
    0.014_875_361_290_850_615,
    7.868_691_311_456_133e-4,
    1.846_318_317_510_054_8e-5,
    1.421_511_758_316_446e-7,
    2.043_131_560_040_709_8e-15,
];

/// ln Γ(x) for x > 0: Lanczos approximation (g = 7, 9 terms), about 1e-15.
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum = G[1..]
        .iter()
        .enumerate()
        .fold(G[0], |acc, (i, &g)| acc + g / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularised incomplete beta function I(x; a, b).
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2).
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

/// Lentz's evaluation of the continued fraction of I(x; a, b).
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    d = 1.0 / if d.abs() < TINY { TINY } else { d };
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        for aa in [
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ] {
            d = 1.0 + aa * d;
            d = 1.0 / if d.abs() < TINY { TINY } else { d };
            c = 1.0 + aa / c;
            if c.abs() < TINY {
                c = TINY;
            }
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// The beta quantile: bisection on [0, 1] (I is increasing in x).
fn beta_ppf(u: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if beta_cdf(mid, a, b) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_match_tables() {
        // Φ⁻¹(0.975) = 1.959963984540054 (standard tables); Φ⁻¹(0.5) = 0.
        assert!((normal_ppf(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((normal_ppf(0.025) + 1.959_963_984_540_054).abs() < 1e-12);
        assert_eq!(normal_ppf(0.5), 0.0);
        // Far tail, r > 5: Φ⁻¹(1e-10) = −6.361340902404056.
        assert!((normal_ppf(1e-10) + 6.361_340_902_404_056).abs() < 1e-9);
    }

    #[test]
    fn beta_quantiles() {
        // beta(1, 1) is uniform: the quantile is u.
        assert!((beta_ppf(0.3, 1.0, 1.0) - 0.3).abs() < 1e-12);
        // beta(2, 1) has CDF x², so the median is sqrt(0.5) = 0.7071067811865476.
        assert!((beta_ppf(0.5, 2.0, 1.0) - 0.5f64.sqrt()).abs() < 1e-12);
        // beta(2, 2) is symmetric: the median is 0.5; CDF(0.25) = 3·0.25² − 2·0.25³ = 0.15625.
        assert!((beta_ppf(0.5, 2.0, 2.0) - 0.5).abs() < 1e-12);
        assert!((beta_cdf(0.25, 2.0, 2.0) - 0.156_25).abs() < 1e-12);
    }

    #[test]
    fn shaped_sampling_and_grid() {
        let s = Shaped {
            shape: Shape::LogNormal {
                mu: 0.0,
                sigma: 1.0,
            },
            q: None,
        };
        // The median of exp(N(0, 1)) is e^0 = 1.
        assert!((s.ppf(0.5) - 1.0).abs() < 1e-15);
        let q = Shaped {
            shape: Shape::Normal {
                mu: 10.0,
                sigma: 2.0,
            },
            q: Some(5.0),
        };
        // 10 + 2 × 1.96 = 13.92 rounds to 15; 10 − 3.92 = 6.08 rounds to 5.
        assert_eq!(q.ppf(0.975), 15.0);
        assert_eq!(q.ppf(0.025), 5.0);
        // Quantiles 1/6, 1/2, 5/6 of N(10, 2): 10 ∓ 2 × 0.9674 → 8.07, 10, 11.93 → 10, 10, 10.
        assert_eq!(q.grid(3), vec![10.0]);
        assert!(q.ppf(0.0).is_finite() && q.ppf(1.0).is_finite());
    }
}
