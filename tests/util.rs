//! Helpers for running the `co2sweep` binary as a user would.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The binary, with a clean environment for determinism.
pub fn co2sweep() -> Command {
    let mut cmd = Command::cargo_bin("co2sweep").expect("the binary is built");
    cmd.env_remove("RAYON_NUM_THREADS");
    cmd
}

/// Run with arguments; return the output whatever the exit code.
pub fn run(args: &[&str]) -> Output {
    co2sweep().args(args).output().expect("the binary runs")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run and require exit code 2 and `fragment` on stderr; return stderr.
pub fn fails_with(args: &[&str], fragment: &str) -> String {
    let o = run(args);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "args {args:?}\nstderr: {err}\nstdout: {}",
        stdout(&o)
    );
    assert!(
        err.contains(fragment),
        "args {args:?}: stderr lacks {fragment:?}:\n{err}"
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    err
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A bundled scenario by file name.
pub fn scenario(name: &str) -> String {
    root().join("scenarios").join(name).display().to_string()
}

/// Write `text` to `dir/name` and return the path as a string.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file written");
    path.display().to_string()
}

/// The Quick-start scenario (`scenarios/resnet50-imagenet.toml`), its text
/// changed by `edit`, parsed with the bundled catalog (library-level tests).
pub fn resnet(edit: impl FnOnce(String) -> String) -> co2sweep::scenario::Scenario {
    let path = Path::new("scenarios/resnet50-imagenet.toml");
    let text = edit(std::fs::read_to_string(path).unwrap());
    co2sweep::scenario::parse(
        path,
        &text,
        &co2sweep::catalog::Catalog::bundled().unwrap(),
        Default::default(),
    )
    .unwrap()
}

/// A one-parameter scenario (epochs = 10, four random trials, 8 devices)
/// with `trial`'s keys, on the `hardware` and `regions` candidates (TOML
/// list items); `any_hardware` keeps devices a region does not offer.
pub fn small(
    trial: &str,
    hardware: &str,
    regions: &str,
    any_hardware: bool,
) -> co2sweep::scenario::Scenario {
    let text = format!(
        "[scenario]\nname = \"t\"\n[space.epochs]\nvalue = 10\n[trial]\n{trial}\n\
         [strategies.random]\ntrials = 4\n[hardware]\ncandidates = [{hardware}]\n\
         [regions]\ncandidates = [{regions}]\n[execution]\nmax_concurrent_devices = 8\n"
    );
    let options = co2sweep::scenario::Options {
        allow_large: false,
        year: None,
        any_hardware,
    };
    co2sweep::scenario::parse(
        Path::new("t.toml"),
        &text,
        &co2sweep::catalog::Catalog::bundled().unwrap(),
        options,
    )
    .unwrap()
}
