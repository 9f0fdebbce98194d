//! The bad-input corpus: every file under `tests/bad/` is a scenario with one
//! mistake, and its first line, `# expect: FRAGMENT`, gives part of the error
//! it must produce. Each runs through `check` and through `plan --out`: exit
//! code 2, the fragment on stderr, no panic, and no output directory made.

use std::path::PathBuf;

use crate::util::{co2sweep, root};

fn corpus() -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests").join("bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let first = text.lines().next().unwrap_or_default();
            let expect = first.strip_prefix("# expect: ").unwrap_or_else(|| {
                panic!("{} lacks '# expect: ...' on its first line", path.display())
            });
            (path, expect.to_string())
        })
        .collect()
}

#[test]
fn every_bad_scenario_fails_clearly_and_writes_nothing() {
    let corpus = corpus();
    assert!(corpus.len() >= 40, "only {} bad scenarios", corpus.len());
    let mut failures = Vec::new();
    for (path, expect) in &corpus {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let file = path.display().to_string();
        for args in [
            vec!["check", &file],
            vec!["plan", &file, "--out", out.to_str().unwrap()],
        ] {
            let o = co2sweep().args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            let name = path.file_name().unwrap().to_string_lossy();
            if o.status.code() != Some(2) {
                failures.push(format!(
                    "{name} ({}): exit {:?}: {err}",
                    args[0],
                    o.status.code()
                ));
            } else if !err.contains(expect.as_str()) {
                failures.push(format!(
                    "{name} ({}): stderr lacks {expect:?}:\n{err}",
                    args[0]
                ));
            } else if err.contains("panicked") {
                failures.push(format!("{name} ({}): panic: {err}", args[0]));
            }
            if out.exists() {
                failures.push(format!("{name}: plan created {}", out.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        corpus.len(),
        failures.join("\n")
    );
}

#[test]
fn a_scenario_that_is_not_utf8_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"[scenario]\nname = \"caf\xe9\"\n").unwrap();
    let o = co2sweep()
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("latin1.toml:2:12: the file is not valid UTF-8 text"),
        "{err}"
    );
}
