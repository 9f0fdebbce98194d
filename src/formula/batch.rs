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

/// Write one point's variables (`values[v]`) as point `t` of a batch of
/// `n` points laid out as [`Formula::eval_batch`] reads them.
pub fn write_row(columns: &mut [f64], n: usize, t: usize, values: &[f64]) {
    for (v, &x) in values.iter().enumerate() {
        columns[v * n + t] = x;
    }
}

impl Formula {
    /// Evaluate at `n` points: variable v of point t is `columns[v * n + t]`
    /// (a missing variable reads as NaN); the values go to `out[..n]`.
    /// `stack` is scratch space, reused between calls.
    ///
    /// A stack row whose points all hold one value (a constant, a grid
    /// parameter that changes slowly along the batch) is kept as its first
    /// element and computed once; it is spread over the row only when
    /// combined with a row that varies.
    pub fn eval_batch(&self, columns: &[f64], n: usize, stack: &mut Vec<f64>, out: &mut [f64]) {
        if n == 0 {
            return;
        }
        stack.clear();
        stack.resize(self.stack.max(1) * n, 0.0);
        let mut flat = vec![false; self.stack.max(1)];
        let mut top = 0usize;
        let column = |i: usize| columns.get(i * n..(i + 1) * n);
        for op in &self.program {
            match *op {
                Op::Const(c) => (stack[top * n], flat[top]) = (c, true),
                Op::Load(i) => flat[top] = load(&mut stack[top * n..(top + 1) * n], column(i)),
                Op::Table(k, i) => {
                    let row = &mut stack[top * n..(top + 1) * n];
                    flat[top] = load(row, column(i));
                    let width = if flat[top] { 1 } else { n };
                    for r in &mut row[..width] {
                        *r = self.lookups.get(k).map_or(f64::NAN, |l| l.get(*r));
                    }
                }
                Op::Neg | Op::Func(_) => {
                    let width = if flat[top - 1] { 1 } else { n };
                    let row = &mut stack[(top - 1) * n..(top - 1) * n + width];
                    match *op {
                        Op::Func(f) => row.iter_mut().for_each(|x| *x = f.apply(*x)),
                        _ => row.iter_mut().for_each(|x| *x = -*x),
                    }
                }
                Op::Min(k) | Op::Max(k) => {
                    let all = flat[top - k..top].iter().all(|&f| f);
                    let width = if all { 1 } else { n };
                    spread(stack, n, &mut flat[top - k..top], top - k, !all);
                    extremes(stack, n, width, top, k, matches!(op, Op::Min(_)));
                    flat[top - k] = all;
                }
                _ => {
                    let both = flat[top - 2] && flat[top - 1];
                    spread(stack, n, &mut flat[top - 2..top], top - 2, !both);
                    let width = if both { 1 } else { n };
                    let (a, b) = stack[(top - 2) * n..top * n].split_at_mut(n);
                    rows(*op, &mut a[..width], &b[..width]);
                    flat[top - 2] = both;
                }
            }
            top = match *op {
                Op::Const(_) | Op::Load(_) | Op::Table(..) => top + 1,
                Op::Neg | Op::Func(_) => top,
                Op::Min(k) | Op::Max(k) => top + 1 - k,
                _ => top - 1,
            };
        }
        if flat[0] {
            out[..n].fill(stack[0]);
        } else {
            out[..n].copy_from_slice(&stack[..n]);
        }
    }
}

/// Load a variable's column into `row`; true (and only `row[0]` written)
/// when every point holds the same value, bit for bit. A missing variable
/// reads as NaN.
fn load(row: &mut [f64], column: Option<&[f64]>) -> bool {
    match column {
        Some(c) if c.iter().all(|x| x.to_bits() == c[0].to_bits()) => {
            row[0] = c[0];
            true
        }
        Some(c) => {
            row.copy_from_slice(c);
            false
        }
        None => {
            row[0] = f64::NAN;
            true
        }
    }
}

/// When `needed`, write each flat row of `rows` (stack rows from `base` on)
/// over all its points and mark it as varying.
fn spread(stack: &mut [f64], n: usize, rows: &mut [bool], base: usize, needed: bool) {
    if !needed {
        return;
    }
    for (r, flat) in rows.iter_mut().enumerate() {
        if *flat {
            let row = &mut stack[(base + r) * n..(base + r + 1) * n];
            row.fill(row[0]);
            *flat = false;
        }
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

/// min or max over the top `k` rows into the lowest of them, at the first
/// `width` points, as [`Formula::eval`] does (an undefined argument makes
/// the result undefined).
fn extremes(stack: &mut [f64], n: usize, width: usize, top: usize, k: usize, min: bool) {
    let base = top - k;
    for t in 0..width {
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
        let varying: Vec<f64> = (0..3 * n)
            .map(|i| ((i * 7919) % 101) as f64 / 7.0 - 3.0)
            .collect();
        // Flat columns take the one-value path: a and c flat, b varying;
        // then all three flat (c at zero, so c / 0 is NaN at every point).
        let mut mixed = varying.clone();
        mixed[..n].fill(2.5);
        mixed[2 * n..].fill(-0.75);
        let mut flat = mixed.clone();
        flat[n..2 * n].fill(4.0);
        flat[2 * n..].fill(0.0);
        let (mut stack, mut out) = (Vec::new(), vec![0.0; n]);
        for columns in [varying, mixed, flat] {
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
}
