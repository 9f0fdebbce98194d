//! Formula parsing and evaluation on any string.
#![no_main]

use co2sweep::formula::Formula;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(f) = Formula::parse(text, &["a", "b", "epochs"]) {
        for values in [[1.0, 2.0, 3.0], [0.0, -1.0, 1e308], [f64::NAN, f64::INFINITY, -0.0]] {
            let _ = f.eval(&values);
        }
        let _ = f.eval(&[]);
        let _ = f.as_constant();
    }
});
