//! A formula evaluated at many points at once.
//!
//! The stack program of [`Formula::eval`] runs op by op over a batch of
//! points: each op's dispatch is paid once per batch, not once per point,
//! and additions, multiplications and divisions over contiguous rows are
//! vectorised by the compiler. Every point gets exactly the arithmetic of
//! [`Formula::eval`] (the same operations in the same order), so results
//! are equal bit for bit.

use super::{binary, Formula, Op};

/// Points per batch in the callers' loops (a stack row of this many `f64`
/// stays in the first-level cache).
pub const BATCH: usize = 256;

impl Formula {
    /// Evaluate at `n` points: variable v of point t is `columns[v * n + t]`
    /// (a missing variable reads as NaN); the values go to `out[..n]`.
    /// `stack` is scratch space, reused between calls.
    pub fn eval_batch(&self, columns: &[f64], n: usize, stack: &mut Vec<f64>, out: &mut [f64]) {
        stack.clear();
        stack.resize(self.stack.max(1) * n, 0.0);
        let mut top = 0usize;
        let column = |i: usize| columns.get(i * n..(i + 1) * n);
        for op in &self.program {
            match *op {
                Op::Const(c) => stack[top * n..(top + 1) * n].fill(c),
                Op::Load(i) => {
                    let row = &mut stack[top * n..(top + 1) * n];
                    match column(i) {
                        Some(c) => row.copy_from_slice(c),
                        None => row.fill(f64::NAN),
                    }
                }
                Op::Table(k, i) => {
                    let row = &mut stack[top * n..(top + 1) * n];
                    for (t, r) in row.iter_mut().enumerate() {
                        let slot = column(i).map_or(f64::NAN, |c| c[t]);
                        *r = self.lookups.get(k).map_or(f64::NAN, |l| l.get(slot));
                    }
                }
                Op::Neg => stack[(top - 1) * n..top * n]
                    .iter_mut()
                    .for_each(|x| *x = -*x),
                Op::Func(f) => stack[(top - 1) * n..top * n]
                    .iter_mut()
                    .for_each(|x| *x = f.apply(*x)),
                Op::Min(k) | Op::Max(k) => extremes(stack, n, top, k, matches!(op, Op::Min(_))),
                _ => {
                    let (a, b) = stack[(top - 2) * n..top * n].split_at_mut(n);
                    rows(*op, a, b);
                }
            }
            top = match *op {
                Op::Const(_) | Op::Load(_) | Op::Table(..) => top + 1,
                Op::Neg | Op::Func(_) => top,
                Op::Min(k) | Op::Max(k) => top + 1 - k,
                _ => top - 1,
            };
        }
        out[..n].copy_from_slice(&stack[..n]);
    }
}

/// `a[t] = a[t] op b[t]` for every point; one loop per operation so the
/// compiler vectorises it.
fn rows(op: Op, a: &mut [f64], b: &[f64]) {
    match op {
        Op::Add => a.iter_mut().zip(b).for_each(|(x, y)| *x += y),
        Op::Sub => a.iter_mut().zip(b).for_each(|(x, y)| *x -= y),
        Op::Mul => a.iter_mut().zip(b).for_each(|(x, y)| *x *= y),
        Op::Div => a.iter_mut().zip(b).for_each(|(x, y)| *x /= y),
        _ => a
            .iter_mut()
            .zip(b)
            .for_each(|(x, &y)| *x = binary(op, *x, y)),
    }
}

/// min or max over the top `k` rows into the lowest of them, per point, as
/// [`Formula::eval`] does (an undefined argument makes the result undefined).
fn extremes(stack: &mut [f64], n: usize, top: usize, k: usize, min: bool) {
    let base = top - k;
    for t in 0..n {
        let args = (base..top).map(|r| stack[r * n + t]);
        let v = if args.clone().any(|a| a.is_nan()) {
            f64::NAN
        } else if min {
            args.fold(f64::INFINITY, f64::min)
        } else {
            args.fold(f64::NEG_INFINITY, f64::max)
        };
        stack[base * n + t] = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formula(source: &str, names: &[&str]) -> Formula {
        Formula::parse(source, names).unwrap()
    }

    #[test]
    fn batch_equals_point_by_point_bit_for_bit() {
        let names = ["a", "b", "c"];
        let sources = [
            "1281167 * a / 8322 / 3600 * (256 / b) ^ 0.1 * (1 + c)",
            "-a + b - c * 2 / (a - b)",
            "min(a, b, c) + max(a, 2) * sqrt(abs(c)) + ln(b) - ceil(a / 3)",
            "min(a, c - c / 0)",
            "7",
        ];
        let n = 37;
        let columns: Vec<f64> = (0..3 * n)
            .map(|i| ((i * 7919) % 101) as f64 / 7.0 - 3.0)
            .collect();
        let (mut stack, mut out) = (Vec::new(), vec![0.0; n]);
        for source in sources {
            let f = formula(source, &names);
            f.eval_batch(&columns, n, &mut stack, &mut out);
            for t in 0..n {
                let point = [columns[t], columns[n + t], columns[2 * n + t]];
                let want = f.eval(&point);
                assert_eq!(out[t].to_bits(), want.to_bits(), "{source} at {point:?}");
            }
        }
    }
}
