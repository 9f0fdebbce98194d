use super::*;
use proptest::prelude::{prop_assert, prop_assert_eq, proptest};

fn values(name: &str, v: &[f64]) -> Param {
    Param {
        name: name.into(),
        domain: Domain::Values(v.iter().map(|&x| Level::Num(x)).collect()),
    }
}

fn range(
    name: &str,
    min: f64,
    max: f64,
    distribution: Distribution,
    grid_points: Option<u32>,
) -> Param {
    Param {
        name: name.into(),
        domain: Domain::Range {
            min,
            max,
            distribution,
            grid_points,
        },
    }
}

#[test]
fn target_counts_match_the_issue() {
    // ln(0.05) / ln(0.95) = −2.9957 / −0.05129 = 58.4 → 59.
    assert_eq!(random_trials_for(0.05, 0.95), 59);
    // Latin hypercube is sized like random search: 59.
    assert_eq!(lhs_trials_for(0.05, 0.95), 59);
    // Next power of two at or above 59 is 64.
    assert_eq!(sobol_trials_for(0.05, 0.95), 64);
    // p = 0.999: ln 0.001 / ln 0.95 = 134.7 → 135, and 256 for Sobol.
    assert_eq!(lhs_trials_for(0.05, 0.999), 135);
    assert_eq!(sobol_trials_for(0.05, 0.999), 256);
}

#[test]
fn hyperband_81_3_has_143_configurations_in_5_brackets() {
    // s_max = 4 (3^4 = 81 ≤ 81). n_s = ceil(5/(s+1) × 3^s):
    // s=4: 81, s=3: ceil(5/4 × 27) = 34, s=2: ceil(5/3 × 9) = 15,
    // s=1: ceil(5/2 × 3) = 8, s=0: 5. 81 + 34 + 15 + 8 + 5 = 143.
    let rungs = hyperband_rungs(81.0, 3);
    let firsts: Vec<u64> = rungs
        .iter()
        .filter(|r| r.rung == 0)
        .map(|r| r.configs)
        .collect();
    assert_eq!(firsts, vec![81, 34, 15, 8, 5]);
    // Bracket 4 rungs: 81 at 1, 27 at 3, 9 at 9, 3 at 27, 1 at 81.
    let b4: Vec<(u64, f64)> = rungs
        .iter()
        .filter(|r| r.bracket == 4)
        .map(|r| (r.configs, r.resource))
        .collect();
    assert_eq!(
        b4,
        vec![(81, 1.0), (27, 3.0), (9, 9.0), (3, 27.0), (1, 81.0)]
    );
    // Trials over all rungs: bracket 4: 121, 3: 34+11+3+1 = 49, 2: 15+5+1 = 21, 1: 8+2 = 10, 0: 5 → 206.
    let total: u64 = rungs.iter().map(|r| r.configs).sum();
    assert_eq!(total, 206);
}

#[test]
fn grid_decodes_mixed_radix_last_fastest() {
    let params = vec![values("a", &[1.0, 2.0]), values("b", &[10.0, 20.0, 30.0])];
    let set = JobSet::new(&params, &Strategy::Grid, 0).unwrap();
    assert_eq!(set.len(), 6);
    let mut slots = [0.0; 2];
    let rows: Vec<[f64; 2]> = (0..6)
        .map(|i| {
            set.trial(i, &mut slots);
            slots
        })
        .collect();
    assert_eq!(rows[0], [1.0, 10.0]);
    assert_eq!(rows[1], [1.0, 20.0]);
    assert_eq!(rows[3], [2.0, 10.0]);
    assert_eq!(rows[5], [2.0, 30.0]);
}

#[test]
fn grid_levels_of_ranges() {
    // Log-spaced: 1e-4, 1e-3, 1e-2, 1e-1.
    let lr = range("lr", 1e-4, 1e-1, Distribution::LogUniform, Some(4));
    let levels = lr.grid_levels();
    for (got, want) in levels.iter().zip([1e-4, 1e-3, 1e-2, 1e-1]) {
        assert!((got / want - 1.0).abs() < 1e-12, "{levels:?}");
    }
    // int_uniform 2..=5 enumerates 2, 3, 4, 5.
    assert_eq!(
        range("k", 2.0, 5.0, Distribution::IntUniform, None).grid_levels(),
        vec![2.0, 3.0, 4.0, 5.0]
    );
    // q_uniform 0..=1 step 0.25: 0, 0.25, 0.5, 0.75, 1.
    assert_eq!(
        range("d", 0.0, 1.0, Distribution::QUniform(0.25), None).grid_len(),
        Ok(5)
    );
    // uniform with 3 points: 0, 0.5, 1.
    assert_eq!(
        range("u", 0.0, 1.0, Distribution::Uniform, Some(3)).grid_levels(),
        vec![0.0, 0.5, 1.0]
    );
    assert!(range("u", 0.0, 1.0, Distribution::Uniform, None)
        .grid_len()
        .is_err());
}

#[test]
fn inverse_cdf_sampling() {
    let lr = range("lr", 1e-4, 1e-1, Distribution::LogUniform, None);
    // u = 0.5 → exp((ln 1e-4 + ln 1e-1) / 2) = 10^-2.5 = 0.0031623.
    assert!((lr.sample(0.5) - 10f64.powf(-2.5)).abs() < 1e-15);
    let k = range("k", 2.0, 5.0, Distribution::IntUniform, None);
    // 4 integers: u in [0.75, 1) → 5; u = 0.25 → 2 + floor(1.0) = 3.
    assert_eq!(k.sample(0.999), 5.0);
    assert_eq!(k.sample(0.25), 3.0);
    let v = values("b", &[256.0, 512.0, 1024.0]);
    assert_eq!(v.sample(0.0), 256.0);
    assert_eq!(v.sample(0.7), 1024.0);
}

#[test]
fn random_is_reproducible_and_order_free() {
    let params = vec![
        range("lr", 1e-4, 1e-1, Distribution::LogUniform, None),
        values("b", &[1.0, 2.0]),
    ];
    let set = JobSet::new(&params, &Strategy::Random(Count::Trials(10)), 7).unwrap();
    let mut a = [0.0; 2];
    let mut b = [0.0; 2];
    set.trial(9, &mut a);
    for i in 0..10 {
        set.trial(i, &mut b);
    }
    set.trial(9, &mut b);
    assert_eq!(a, b);
    let other = JobSet::new(&params, &Strategy::Random(Count::Trials(10)), 8).unwrap();
    other.trial(9, &mut b);
    assert_ne!(a, b);
}

#[test]
fn latin_hypercube_puts_one_trial_per_stratum() {
    let params = vec![range("x", 0.0, 1.0, Distribution::Uniform, None)];
    let set = JobSet::new(&params, &Strategy::LatinHypercube(Count::Trials(40)), 3).unwrap();
    let mut slot = [0.0];
    let mut strata: Vec<usize> = (0..40)
        .map(|i| {
            set.trial(i, &mut slot);
            (slot[0] * 40.0) as usize
        })
        .collect();
    strata.sort_unstable();
    assert_eq!(strata, (0..40).collect::<Vec<_>>());
}

#[test]
fn hyperband_sets_the_resource_and_keeps_configs() {
    let params = vec![
        values("epochs", &[30.0, 60.0, 90.0]),
        range("lr", 1e-4, 1e-1, Distribution::LogUniform, None),
    ];
    let hb = Strategy::Hyperband {
        resource: 0,
        max_resource: 81.0,
        eta: 3,
        resume: true,
    };
    let set = JobSet::new(&params, &hb, 1).unwrap();
    assert_eq!(set.len(), 206);
    let mut first = [0.0; 2];
    let mut promoted = [0.0; 2];
    let a = set.trial(0, &mut first);
    // Trial 81 is bracket 4, rung 1: configuration 0 again, at budget 3.
    let b = set.trial(81, &mut promoted);
    assert_eq!(
        (a.bracket_rung, b.bracket_rung),
        (Some((4, 0)), Some((4, 1)))
    );
    assert_eq!(b.config, 0);
    assert_eq!(first[1], promoted[1]);
    assert_eq!((first[0], promoted[0]), (1.0, 3.0));
    assert_eq!(b.resumed_from, Some(1.0));
}

#[test]
fn grid_quality_follows_the_important_continuous_parameter() {
    let params = vec![
        range("lr", 1e-4, 1e-1, Distribution::LogUniform, Some(4)),
        values("b", &[1.0, 2.0, 3.0]),
    ];
    // Only lr is continuous, with 4 levels: min(1, 3 × 0.05) = 0.15.
    let q = quality(&params, &Strategy::Grid, 12, 0.05);
    assert!((q - 0.15).abs() < 1e-12);
    // 59 random trials: 1 − 0.95^59 = 0.9515.
    let r = quality(&params, &Strategy::Random(Count::Trials(59)), 59, 0.05);
    assert!((r - (1.0 - 0.95f64.powi(59))).abs() < 1e-12);
}

#[test]
fn factored_grid_keeps_only_used_parameters() {
    let params = vec![
        values("a", &[1.0, 2.0]),
        values("b", &[10.0, 20.0, 30.0]),
        values("c", &[5.0, 6.0]),
    ];
    // Formulas read only b: 3 sub-trials, each standing for 2 × 2 = 4 trials.
    let (set, multiplicity) = JobSet::grid_factored(&params, &[false, true, false]).unwrap();
    assert_eq!((set.len(), multiplicity), (3, 4));
    let mut slots = [0.0; 3];
    set.trial(2, &mut slots);
    assert_eq!(slots, [1.0, 30.0, 5.0]);
}

/// Any well-typed parameter.
fn any_param() -> impl proptest::strategy::Strategy<Value = Param> {
    use proptest::prelude::*;
    let dist = prop_oneof![
        Just(Distribution::Uniform),
        Just(Distribution::IntUniform),
        (0.01f64..10.0).prop_map(Distribution::QUniform),
        Just(Distribution::LogUniform),
        (0.001f64..1.0).prop_map(Distribution::QLogUniform),
    ];
    prop_oneof![
        proptest::collection::vec(-1e6f64..1e6, 1..5)
            .prop_map(|v| Domain::Values(v.into_iter().map(Level::Num).collect())),
        proptest::collection::vec("[a-z]{1,4}", 1..4)
            .prop_map(|v| Domain::Values(v.into_iter().map(Level::Text).collect())),
        (-1e3f64..1e3).prop_map(|x| Domain::Constant(Level::Num(x))),
        (1e-6f64..1e3, 1.0f64..1e3, dist, 1u32..6).prop_map(|(lo, span, distribution, n)| {
            Domain::Range {
                min: lo,
                max: lo + span,
                distribution,
                grid_points: Some(n),
            }
        }),
    ]
    .prop_map(|domain| Param {
        name: "p".into(),
        domain,
    })
}

proptest! {
    #[test]
    fn expanding_any_well_typed_space_never_panics(
        params in proptest::collection::vec(any_param(), 1..5),
        which in 0usize..5,
        n in 1u64..50,
        seed in proptest::num::u64::ANY,
    ) {
        let strategy = match which {
            0 => Strategy::Grid,
            1 => Strategy::Random(Count::Trials(n)),
            2 => Strategy::Sobol(Count::Trials(n)),
            3 => Strategy::LatinHypercube(Count::Trials(n)),
            _ => Strategy::Hyperband { resource: 0, max_resource: n as f64, eta: 3, resume: n % 2 == 0 },
        };
        let set = JobSet::new(&params, &strategy, seed).unwrap();
        let mut slots = vec![0.0; params.len()];
        for i in 0..set.len().min(500) {
            set.trial(i, &mut slots);
            for (p, &v) in params.iter().zip(&slots) {
                let _ = p.label(v);
                if let Domain::Range { min, max, distribution, .. } = &p.domain {
                    // Samples stay within the range, give or take q-rounding.
                    let slack = match distribution {
                        Distribution::QUniform(q) | Distribution::QLogUniform(q) => *q,
                        _ => 1e-9 * max.abs().max(1.0),
                    };
                    if which != 0 && !(which == 4 && std::ptr::eq(p, &params[0])) {
                        prop_assert!(v >= min - slack && v <= max + slack, "{v} outside [{min}, {max}]");
                    }
                }
            }
        }
        prop_assert!(quality(&params, &strategy, set.len(), 0.05).is_finite());
    }

    #[test]
    fn grid_size_is_the_product_of_levels(sizes in proptest::collection::vec(1usize..6, 0..5)) {
        let params: Vec<Param> = sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| values(&format!("p{i}"), &(0..n).map(|x| x as f64).collect::<Vec<_>>()))
            .collect();
        let expected: usize = sizes.iter().product();
        let set = JobSet::new(&params, &Strategy::Grid, 0).unwrap();
        prop_assert_eq!(set.len(), expected as u64);
        // Every combination appears exactly once.
        let mut seen = std::collections::HashSet::new();
        let mut slots = vec![0.0; params.len()];
        for i in 0..set.len() {
            set.trial(i, &mut slots);
            prop_assert!(seen.insert(slots.iter().map(|x| *x as u64).collect::<Vec<_>>()));
        }
    }

    #[test]
    fn grid_columns_are_the_trials_decoded_one_by_one(
        sizes in proptest::collection::vec(1usize..6, 1..5),
        first in 0u64..200,
        n in 0usize..70,
    ) {
        // The oracle is JobSet::trial, which decodes each index by division.
        let params: Vec<Param> = sizes
            .iter()
            .enumerate()
            .map(|(i, &k)| values(&format!("p{i}"), &(0..k).map(|x| (10 * i + x) as f64).collect::<Vec<_>>()))
            .collect();
        let set = JobSet::new(&params, &Strategy::Grid, 0).unwrap();
        let p = params.len();
        let (mut slots, mut columns) = (vec![0.0; p], vec![f64::NAN; p * n]);
        set.columns(first, n, &mut slots, &mut columns);
        for t in 0..n {
            // Indices past the end wrap around, as the mixed radix does.
            set.trial((first + t as u64) % set.len(), &mut slots);
            for v in 0..p {
                prop_assert_eq!(columns[v * n + t], slots[v], "trial {} param {}", first + t as u64, v);
            }
        }
    }
}
