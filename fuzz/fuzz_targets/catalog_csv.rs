//! The catalog loader under `--data`: any bytes as any catalog file.
#![no_main]

use co2sweep::catalog::Catalog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    let file = co2sweep::catalog::FILES[usize::from(which) % co2sweep::catalog::FILES.len()];
    let dir = std::env::temp_dir().join(format!("co2sweep-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for f in co2sweep::catalog::FILES {
        let _ = std::fs::remove_file(dir.join(f));
    }
    if std::fs::write(dir.join(file), body).is_ok() {
        let _ = Catalog::load(Some(&dir));
    }
});
