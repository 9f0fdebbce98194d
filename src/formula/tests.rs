use super::*;
use proptest::prelude::proptest;

fn eval(s: &str) -> f64 {
    Formula::parse(s, &[]).unwrap().eval(&[])
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(eval("2 + 3 * 4"), 14.0);
    // Right-associative: 2^(3^2) = 2^9 = 512.
    assert_eq!(eval("2^3^2"), 512.0);
    assert_eq!(eval("2**3"), 8.0);
    // Power before unary minus: -(2^2) = -4.
    assert_eq!(eval("-2^2"), -4.0);
    assert_eq!(eval("2^-1"), 0.5);
    assert_eq!(eval("(1 + 2) * 3"), 9.0);
    assert_eq!(eval("10 - 4 - 3"), 3.0);
    assert_eq!(eval("1e-4 * 1E4 + .5"), 1.5);
}

#[test]
fn functions() {
    assert_eq!(eval("log(1000)"), 3.0);
    assert!((eval("ln(exp(2))") - 2.0).abs() < 1e-15);
    assert_eq!(eval("min(3, 1, 2)"), 1.0);
    assert_eq!(eval("max(3, 1, 2)"), 3.0);
    // sqrt(-1) is NaN, and a min over it is undefined, not 5.
    assert!(eval("min(sqrt(-1), 5)").is_nan());
    assert!(Formula::parse("max(a, 5)", &["a"])
        .unwrap()
        .eval(&[f64::NAN])
        .is_nan());
    assert_eq!(
        eval("sqrt(16) + abs(-1) + ceil(1.2) + floor(1.8) + round(2.5) + log2(8)"),
        4.0 + 1.0 + 2.0 + 1.0 + 3.0 + 3.0
    );
}

#[test]
fn the_resnet_formula() {
    let f = Formula::parse(
        "3.2 * epochs / 90 * (256 / batch_size) ^ 0.1",
        &["epochs", "batch_size"],
    )
    .unwrap();
    // 3.2 × 90 / 90 × 1^0.1 = 3.2.
    assert!((f.eval(&[90.0, 256.0]) - 3.2).abs() < 1e-12);
    // 3.2 × 30 / 90 × 0.25^0.1 = 1.0667 × 0.87055 = 0.92859.
    let want = 3.2 * 30.0 / 90.0 * 0.25f64.powf(0.1);
    assert!((f.eval(&[30.0, 1024.0]) - want).abs() < 1e-12);
    assert_eq!(f.variables_used(), &[0, 1]);
    assert_eq!(f.as_constant(), None);
    assert_eq!(
        Formula::parse("2 * (3 + 4)", &[]).unwrap().as_constant(),
        Some(14.0)
    );
}

#[test]
fn errors_say_what_and_where() {
    let e = Formula::parse("3 * epoch", &["epochs"]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown parameter 'epoch' (did you mean 'epochs'?)"
    );
    assert_eq!((e.offset(), e.len()), (4, 5));
    let e = Formula::parse("sqr(4)", &[]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown function 'sqr' (did you mean 'sqrt'?)"),
        "{e}"
    );
    let e = Formula::parse("(1 + 2", &[]).unwrap_err();
    assert_eq!(e.to_string(), "expected ')' to close '(' at column 1");
    assert_eq!(e.offset(), 6);
    let e = Formula::parse("2 3", &[]).unwrap_err();
    assert_eq!(
        (e.offset(), e.to_string().as_str()),
        (2, "unexpected '3' after a complete formula")
    );
    let e = Formula::parse("sqrt(1, 2)", &[]).unwrap_err();
    assert_eq!(e.to_string(), "sqrt() takes one argument, not 2");
    assert!(matches!(
        Formula::parse("1e+", &[]),
        Err(FormulaError::Syntax { .. })
    ));
    assert_eq!(
        Formula::parse("   ", &[]).unwrap_err().to_string(),
        "empty formula"
    );
    assert_eq!(
        Formula::parse("2 → 3", &[]).unwrap_err().to_string(),
        "unexpected character '→'"
    );
}

#[test]
fn limits() {
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(matches!(
        Formula::parse(&deep, &[]),
        Err(FormulaError::TooLong { .. })
    ));
    let deep = format!("{}1{}", "(".repeat(4_000), ")".repeat(4_000));
    assert!(matches!(
        Formula::parse(&deep, &[]),
        Err(FormulaError::TooDeep { .. })
    ));
    let minus = "-".repeat(5_000) + "1";
    assert!(matches!(
        Formula::parse(&minus, &[]),
        Err(FormulaError::TooDeep { .. })
    ));
    assert!(matches!(
        Formula::parse(&"1+".repeat(5_001), &[]),
        Err(FormulaError::TooLong { .. })
    ));
}

#[test]
fn caret_underlines() {
    assert_eq!(caret("3 * epoch", 4, 5), "  | 3 * epoch\n  |     ^^^^^");
    assert_eq!(caret("é + x", 5, 1), "  | é + x\n  |     ^");
    // Long formulas show 60 characters either side of the spot.
    let long = format!("{}x{}", "1+".repeat(100), "+1".repeat(100));
    let c = caret(&long, 200, 1);
    assert_eq!(c.lines().next().unwrap().chars().count(), 4 + 1 + 120 + 1);
    assert!(c.ends_with(&format!("{}^", " ".repeat(61))));
}

proptest! {
    #[test]
    fn never_panics_on_any_string(s in "\\PC{0,64}") {
        if let Ok(f) = Formula::parse(&s, &["a", "b"]) {
            let _ = f.eval(&[1.0, 2.0]);
        }
    }

    /// Formula-shaped strings never panic either. (Values are checked
    /// against an independent evaluator in `tests/formula_oracle.rs`.)
    #[test]
    fn never_panics_on_formula_alphabet(s in "[0-9ab_+\\-*/^(). ,e]{0,64}") {
        if let Ok(f) = Formula::parse(&s, &["a", "b"]) {
            let _ = f.eval(&[1.5, 2.5]);
        }
    }
}

#[test]
fn hydra_added_keys_answer_to_their_bare_name() {
    // `+epochs` and `++lr` (Hydra overrides that add a key) are read as
    // epochs and lr: 10 / 0.5 = 20 with slots [10, 0.5]. A name given as
    // such wins over the stripped one.
    let f = Formula::parse("epochs / lr", &["+epochs", "++lr"]).unwrap();
    assert_eq!(f.eval(&[10.0, 0.5]), 20.0);
    let g = Formula::parse("epochs", &["+epochs", "epochs"]).unwrap();
    assert_eq!(g.eval(&[1.0, 2.0]), 2.0);
}
