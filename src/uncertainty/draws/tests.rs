//! Tests of the factor draws: the laws, and that any stretch of draws
//! regenerates the same values as drawing the whole stream in order.

use super::*;

/// The draws as they were first written (one stream read in order, every
/// draw kept): the reference any stretch must match bit for bit.
fn sequential(seed: u64, key: &str, law: Law, n: usize) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SEED_MIX);
    rng.set_stream(stream_of(key));
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let (u1, u2) = (unit(&mut rng), unit(&mut rng));
        let (z1, z2) = match law {
            Law::Uniform(..) => (u1, u2),
            _ => {
                let r = (-2.0 * u1.ln()).sqrt();
                let a = std::f64::consts::TAU * u2;
                (r * a.cos(), r * a.sin())
            }
        };
        for z in [z1, z2] {
            if out.len() < n {
                out.push(match law {
                    Law::LogNormal(s) => (s * z).exp(),
                    Law::Uniform(lo, hi) => lo + (hi - lo) * z,
                    Law::Pue(pue, s) => (1.0 + (pue - 1.0) * (s * z).exp()) / pue,
                });
            }
        }
    }
    out
}

/// Draws `start..start + len` of a factor named `key`.
fn series(seed: u64, key: &str, law: Law, start: usize, len: usize) -> Vec<f64> {
    let f = Factor {
        law,
        stream: stream_of(key),
    };
    let mut out = vec![f64::NAN; len];
    fill(seed, f, start, &mut out);
    out
}

#[test]
fn any_stretch_repeats_the_sequential_draws_bit_for_bit() {
    for law in [
        Law::LogNormal(0.3),
        Law::Uniform(0.55, 1.0),
        Law::Pue(1.58, 0.25),
    ] {
        let all = sequential(9, "zone:FR", law, 3_001);
        assert_eq!(series(9, "zone:FR", law, 0, 3_001), all);
        // Even and odd starts and lengths, across ChaCha's 64-word buffers
        // (32 draws) and across blocks.
        for (start, len) in [
            (0, 1),
            (1, 1),
            (1, 2),
            (31, 5),
            (33, 64),
            (1_024, 1_024),
            (2_999, 2),
        ] {
            let got = series(9, "zone:FR", law, start, len);
            let want = &all[start..start + len];
            assert!(
                got.iter()
                    .zip(want)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
                "{law:?} {start}+{len}"
            );
        }
    }
}

#[test]
fn zero_spread_is_exactly_one() {
    for law in [
        Law::LogNormal(0.0),
        Law::Uniform(1.0, 1.0),
        Law::Pue(1.58, 0.0),
    ] {
        assert!(series(7, "x", law, 3, 5).iter().all(|&x| x == 1.0));
    }
}

#[test]
fn a_factor_depends_on_its_name_and_seed_only() {
    let a = series(3, "zone:FR", Law::LogNormal(0.3), 0, 1000);
    // Asking for fewer draws gives a prefix of the same stream.
    assert_eq!(series(3, "zone:FR", Law::LogNormal(0.3), 0, 10), a[..10]);
    assert_ne!(series(3, "zone:DE", Law::LogNormal(0.3), 0, 10), a[..10]);
    assert_ne!(series(4, "zone:FR", Law::LogNormal(0.3), 0, 10), a[..10]);
}

#[test]
fn log_normal_has_the_stated_90_percent_interval() {
    // σ = ln 2 / 1.645: 5 % of draws below 1/2, 5 % above 2, median 1.
    let sigma = 2f64.ln() / super::super::spread::Z95;
    let mut x = series(1, "t", Law::LogNormal(sigma), 0, 100_000);
    x.sort_by(f64::total_cmp);
    assert!((x[5_000] - 0.5).abs() < 0.01, "{}", x[5_000]);
    assert!((x[50_000] - 1.0).abs() < 0.01, "{}", x[50_000]);
    assert!((x[95_000] - 2.0).abs() < 0.04, "{}", x[95_000]);
}

#[test]
fn uniform_and_pue_stay_in_range() {
    let u = series(1, "p", Law::Uniform(0.55, 1.0), 0, 10_000);
    assert!(u.iter().all(|&x| (0.55..=1.0).contains(&x)));
    // PUE 1.5 with any overhead factor: (1 + 0.5 g) / 1.5 > 1 / 1.5.
    let p = series(1, "q", Law::Pue(1.5, 0.4), 0, 10_000);
    assert!(p.iter().all(|&x| x > 1.0 / 1.5));
}
