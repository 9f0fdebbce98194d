//! Scenario parsing and validation: any text must give a scenario or an
//! error, never a panic or a hang.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use co2sweep::catalog::Catalog;
use co2sweep::scenario::{self, Options};
use libfuzzer_sys::fuzz_target;

static CATALOG: OnceLock<Catalog> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let catalog = CATALOG.get_or_init(|| Catalog::bundled().expect("bundled catalog"));
    if let Ok(s) = scenario::parse(Path::new("fuzz.toml"), text, catalog, Options::default()) {
        // A valid scenario must also evaluate without panicking (errors are fine).
        for strategy in &s.strategies {
            if co2sweep::space::count(&s.params, strategy).is_ok_and(|n| n <= 20_000) {
                let _ = co2sweep::sweep::totals(&s, strategy);
            }
        }
    }
});
