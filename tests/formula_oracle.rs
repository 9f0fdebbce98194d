//! The formula compiler against an independent evaluator.
//!
//! Random expression trees are printed as formula text with the fewest
//! parentheses the grammar allows (so precedence and associativity are
//! exercised, not bypassed), sometimes with redundant ones, `**` for `^`,
//! and varied spacing; the text is parsed and compiled by
//! `co2sweep::formula`, and its value compared bit for bit with a direct
//! recursive walk of the tree. The walk shares no code with the compiler:
//! if precedence, associativity, unary minus, constant folding or a
//! function were wrong, the two would differ.

use co2sweep::formula::Formula;
use proptest::prelude::*;

const VARS: [&str; 3] = ["x", "y", "z"];
const FUNS: [&str; 9] = [
    "log", "ln", "log2", "exp", "sqrt", "abs", "ceil", "floor", "round",
];

#[derive(Debug, Clone)]
enum E {
    Num(f64, bool),
    Var(usize),
    Neg(Box<E>),
    Plus(Box<E>),
    Bin(char, Box<E>, Box<E>, bool),
    Fun(usize, Box<E>),
    MinMax(bool, Vec<E>),
    Paren(Box<E>),
}

/// The oracle: the meaning of each node, straight from the README.
/// `min`/`max` are NaN if any argument is NaN.
fn eval(e: &E, v: &[f64; 3]) -> f64 {
    match e {
        E::Num(x, _) => *x,
        E::Var(i) => v[*i],
        E::Neg(a) => -eval(a, v),
        E::Plus(a) | E::Paren(a) => eval(a, v),
        E::Bin(op, a, b, _) => {
            let (a, b) = (eval(a, v), eval(b, v));
            match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                '/' => a / b,
                _ => a.powf(b),
            }
        }
        E::Fun(f, a) => {
            let a = eval(a, v);
            match FUNS[*f] {
                "log" => a.log10(),
                "ln" => a.ln(),
                "log2" => a.log2(),
                "exp" => a.exp(),
                "sqrt" => a.sqrt(),
                "abs" => a.abs(),
                "ceil" => a.ceil(),
                "floor" => a.floor(),
                _ => a.round(),
            }
        }
        E::MinMax(is_max, args) => {
            let xs: Vec<f64> = args.iter().map(|a| eval(a, v)).collect();
            if xs.iter().any(|x| x.is_nan()) {
                return f64::NAN;
            }
            let mut best = xs[0];
            for &x in &xs[1..] {
                if (*is_max && x > best) || (!*is_max && x < best) {
                    best = x;
                }
            }
            best
        }
    }
}

/// Grammar level of a node: 1 expr, 2 term, 3 unary, 4 power, 5 atom.
fn level(e: &E) -> u8 {
    match e {
        E::Bin('+' | '-', ..) => 1,
        E::Bin('*' | '/', ..) => 2,
        E::Neg(_) | E::Plus(_) => 3,
        E::Bin(..) => 4,
        _ => 5,
    }
}

/// Text of `e` where the grammar needs at least level `need`.
fn print(e: &E, need: u8, sp: &str) -> String {
    let s = match e {
        E::Num(x, sci) => {
            if *sci {
                format!("{x:e}")
            } else {
                format!("{x}")
            }
        }
        E::Var(i) => VARS[*i].to_string(),
        E::Neg(a) => format!("-{}", print(a, 3, sp)),
        E::Plus(a) => format!("+{}", print(a, 3, sp)),
        E::Paren(a) => format!("({sp}{}{sp})", print(a, 1, sp)),
        E::Bin(op, a, b, stars) => {
            // Left-associative + - * /; right-associative ^ over a unary.
            let (l, r) = match op {
                '+' | '-' => (1, 2),
                '*' | '/' => (2, 3),
                _ => (5, 3),
            };
            let o = if *op == '^' && *stars {
                "**".to_string()
            } else {
                op.to_string()
            };
            format!("{}{sp}{o}{sp}{}", print(a, l, sp), print(b, r, sp))
        }
        E::Fun(f, a) => format!("{}({})", FUNS[*f], print(a, 1, sp)),
        E::MinMax(is_max, args) => {
            let parts: Vec<String> = args.iter().map(|a| print(a, 1, sp)).collect();
            let name = if *is_max { "max" } else { "min" };
            format!("{name}({})", parts.join(&format!(",{sp}")))
        }
    };
    if level(e) < need {
        format!("({s})")
    } else {
        s
    }
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..20).prop_map(f64::from),
        (0u32..1000, 0i32..4).prop_map(|(m, e)| f64::from(m) / 10f64.powi(e)),
        Just(1e-300),
        Just(1e300),
        Just(0.5),
    ]
}

fn tree() -> impl Strategy<Value = E> {
    let leaf = prop_oneof![
        (number(), any::<bool>()).prop_map(|(x, s)| E::Num(x, s)),
        (0usize..3).prop_map(E::Var),
    ];
    leaf.prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| E::Neg(Box::new(a))),
            inner.clone().prop_map(|a| E::Plus(Box::new(a))),
            inner.clone().prop_map(|a| E::Paren(Box::new(a))),
            (
                prop::sample::select(vec!['+', '-', '*', '/', '^']),
                inner.clone(),
                inner.clone(),
                any::<bool>()
            )
                .prop_map(|(o, a, b, s)| E::Bin(o, Box::new(a), Box::new(b), s)),
            (0usize..FUNS.len(), inner.clone()).prop_map(|(f, a)| E::Fun(f, Box::new(a))),
            (any::<bool>(), prop::collection::vec(inner, 2..4))
                .prop_map(|(m, args)| E::MinMax(m, args)),
        ]
    })
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        -5.0f64..5.0,
        Just(0.0),
        Just(-0.0),
        Just(2.0),
        Just(-3.0),
        Just(1e200),
        Just(f64::NAN),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn compiled_evaluation_equals_the_tree_walk(
        e in tree(),
        spaced in any::<bool>(),
        x in value(), y in value(), z in value(),
    ) {
        let sp = if spaced { " " } else { "" };
        let text = print(&e, 1, sp);
        let f = Formula::parse(&text, &VARS)
            .map_err(|err| TestCaseError::fail(format!("{text:?} does not parse: {err}")))?;
        let v = [x, y, z];
        let (got, want) = (f.eval(&v), eval(&e, &v));
        prop_assert!(
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
            "{} at x={} y={} z={}: compiled {} but the tree gives {}", text, x, y, z, got, want
        );
    }
}

/// The printer itself is checked on cases worked by hand, so a printer
/// that always parenthesised (and so never tested precedence) would fail.
#[test]
fn the_printer_uses_only_needed_parentheses() {
    let x = || Box::new(E::Var(0));
    let two = || Box::new(E::Num(2.0, false));
    // -(x^2) needs none: power binds tighter than unary minus.
    let e = E::Neg(Box::new(E::Bin('^', x(), two(), false)));
    assert_eq!(print(&e, 1, ""), "-x^2");
    // (-x)^2 needs them.
    let e = E::Bin('^', Box::new(E::Neg(x())), two(), false);
    assert_eq!(print(&e, 1, ""), "(-x)^2");
    // x^(2^x) is x^2^x; (x^2)^x keeps its parentheses.
    let e = E::Bin('^', x(), Box::new(E::Bin('^', two(), x(), false)), false);
    assert_eq!(print(&e, 1, ""), "x^2^x");
    let e = E::Bin('^', Box::new(E::Bin('^', x(), two(), false)), x(), true);
    assert_eq!(print(&e, 1, " "), "(x ^ 2) ** x");
    // x - (2 - x) keeps them; (x - 2) - x does not need them.
    let e = E::Bin('-', x(), Box::new(E::Bin('-', two(), x(), false)), false);
    assert_eq!(print(&e, 1, ""), "x-(2-x)");
    let e = E::Bin('-', Box::new(E::Bin('-', x(), two(), false)), x(), false);
    assert_eq!(print(&e, 1, ""), "x-2-x");
    // With x = 3: -x^2 = -9 and x-(2-x) = 4, by hand.
    let f = Formula::parse("-x^2 + (x-(2-x))", &VARS).unwrap();
    assert_eq!(f.eval(&[3.0, 0.0, 0.0]), -9.0 + 4.0);
}
