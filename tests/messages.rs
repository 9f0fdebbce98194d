//! Bad input gives the tool's own words, at the right place: no serde or
//! TOML-library wording, no silent overflow, too-large values said to be
//! too large, positions from the parser's spans.

use crate::util::{fails_with, write};

/// A valid scenario with `extra` replacing the marked line.
fn scenario(extra: &str) -> String {
    format!(
        r#"# a comment mentioning [strategies] and [embodied]
[scenario]
name = "messages"
description = "not [strategies.random] either"

[space.lr]
min = 0.0
max = 1.0
grid_points = 3

[space.epochs]
min = 1
max = 100

[trial]
reference_hardware = "V100 SXM2 16GB"
hours = 1
{extra}

[strategies.random]
trials = 10

[hardware]
candidates = ["V100 SXM2 16GB"]

[regions]
candidates = ["gcp:us-central1"]
"#
    )
}

fn check(text: &str, fragment: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "s.toml", text);
    fails_with(&["check", &f], fragment)
}

#[test]
fn library_wording_does_not_leak() {
    for (text, banned) in [
        (
            scenario("").replace("name = \"messages\"", "name = 5"),
            "borrowed",
        ),
        (
            scenario("").replace("name = \"messages\"", "name = 2023-01-01"),
            "__toml",
        ),
        (scenario("").replace("trials = 10", "trials = 2.5"), "i64"),
    ] {
        let err = check(&text, "s.toml:");
        assert!(!err.contains(banned), "{err}");
    }
}

#[test]
fn too_large_values_say_too_large() {
    let text = scenario("").replace("grid_points = 3", "grid_points = 5000000000");
    check(&text, "grid_points 5000000000 is too large");
    let text = scenario("").replace(
        "min = 1\nmax = 100",
        "min = -1e19\nmax = 1e19\ndistribution = \"int_uniform\"",
    );
    let text = text.replace("[strategies.random]\ntrials = 10", "[strategies.grid]");
    check(&text, "grid levels");
}

#[test]
fn non_finite_and_overflowing_inputs_are_refused() {
    check(
        &scenario("").replace("hours = 1", "hours = nan"),
        "must be a finite number, not NaN",
    );
    let q = scenario("").replace(
        "min = 0.0\nmax = 1.0\ngrid_points = 3",
        "min = 0.0\nmax = 1.0\ndistribution = \"q_uniform\"\nq = 1e-300",
    );
    check(&q, "too small");
    let t = scenario("").replace(
        "trials = 10",
        "target = { top_fraction = 1e-300, confidence = 0.95 }",
    );
    check(&t, "above the limit");
    let dir = tempfile::tempdir().unwrap();
    let big = scenario("").replace("hours = 1", "hours = 1.7e308");
    let f = write(dir.path(), "big.toml", &big);
    fails_with(&["plan", &f], "too large");
}

#[test]
fn positions_come_from_spans_not_text_search() {
    // The comment and the description mention [strategies]; the error must
    // point at the real table (line 20 of the file).
    let text = scenario("").replace("trials = 10", "trials = 20000000");
    check(&text, "s.toml:20:");
    // A formula in a literal string with an escape-free multi-line form.
    let text = scenario("").replace("hours = 1", "hours = '''\n2 * epoch'''");
    check(&text, "s.toml:18:5");
}

#[test]
fn a_nul_byte_in_a_comment_has_a_message() {
    let text = scenario("").replace("# a comment", "# a \u{0} comment");
    let err = check(&text, "s.toml:1:");
    let message = err.split_once("s.toml:1:").unwrap().1;
    assert!(message.len() > 10, "{err}");
}

#[test]
fn start_times_need_their_separator() {
    let text = scenario("") + "\n[execution]\nstart = \"2023-06-0112:00Z\"\ndeadline_hours = 24\n";
    check(&text, "separated by T");
}

#[test]
fn a_closed_stdout_is_exit_1_not_silence() {
    // `exec >&-` closes descriptor 1 before the tool starts; the listing
    // cannot be written, so the tool says so and exits 1. With stdout open
    // on /dev/null the same command succeeds.
    let bin = assert_cmd::cargo::cargo_bin("co2sweep");
    let closed = std::process::Command::new("sh")
        .args(["-c", "exec >&-; \"$0\" catalog hardware"])
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(closed.status.code(), Some(1));
    let err = String::from_utf8_lossy(&closed.stderr);
    assert!(err.contains("standard output was closed"), "{err}");
    let open = std::process::Command::new(&bin)
        .args(["catalog", "hardware"])
        .stdout(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(open.status.code(), Some(0));
}

#[test]
fn control_characters_in_names_do_not_reach_the_terminal() {
    // A region name holding ESC [ 2 J (clear screen) and a carriage
    // return: the message shows them escaped, and stderr holds neither.
    let text = scenario("").replace("\"gcp:us-central1\"", "\"gcp:us-\\u001b[2Jcen\\rtral1\"");
    let err = check(&text, "unknown region 'gcp:us-\\u{1b}[2Jcen\\rtral1'");
    assert!(!err.contains('\u{1b}') && !err.contains('\r'), "{err:?}");
}

#[test]
fn overflows_name_the_input_that_overflows() {
    // Ten trials of 1e308 hours: the sum is infinite, reported at the
    // hours formula (line 17, column 9 of the template).
    let text = scenario("").replace("hours = 1", "hours = 1e308");
    check(
        &text,
        "s.toml:17:9: random: the trials' `hours` add up to more",
    );
    // Embodied emissions of 1000 device-hours (10 trials × 100 h) with
    // 1e307 kg per device over 0.001 years: 1000 × 1e307 / (0.001 ×
    // 8760 × 0.85) ≈ 1.3e311, which overflows; hours are not to blame.
    let text = scenario("").replace("hours = 1", "hours = 100")
        + "\n[embodied]\ndevice_kg = 1e307\nlifetime_years = 0.001\n";
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "s.toml", &text);
    let err = fails_with(
        &["plan", &f, "--format", "json"],
        "random on V100 SXM2 16GB at gcp:us-central1: the embodied emissions overflow (inf); \
         the lifecycle figures ([embodied], or the catalog's) are far too large",
    );
    assert!(!err.contains("hours"), "{err}");
}
