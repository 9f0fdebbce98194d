//! `report.html` in a real browser, and the findings of every bundled
//! scenario: each is stated once.
//!
//! The browser test renders each bundled scenario's report in headless
//! Chromium (installed by `.ci/run`), requires no console error and a
//! screenshot that is not blank. Where no Chromium is installed it prints
//! why it skips; it never passes silently with nothing checked.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{root, run, scenario, stdout};

/// The bundled scenarios, by file name.
fn bundled() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 4);
    names
}

/// `plan --out` of a bundled scenario into `dir`.
fn plan_into(name: &str, dir: &Path) {
    let o = run(&[
        "plan",
        &scenario(name),
        "--out",
        &dir.display().to_string(),
        "--chart-size",
        "600x400",
        "--allow-large",
    ]);
    assert!(
        o.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn no_bundled_scenario_states_a_finding_twice() {
    for name in bundled() {
        let o = run(&[
            "plan",
            &scenario(&name),
            "--format",
            "json",
            "--allow-large",
        ]);
        assert!(o.status.success(), "{name}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let findings: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        assert!(!findings.is_empty(), "{name}");
        // The same finding twice, or once more with a clause added.
        let stem = |f: &str| f.trim_end_matches('.').to_string();
        for (i, f) in findings.iter().enumerate() {
            for g in &findings[..i] {
                let (a, b) = (stem(f), stem(g));
                assert!(
                    !a.starts_with(&b) && !b.starts_with(&a),
                    "{name}: finding twice:\n{g}\n{f}"
                );
            }
        }
        // And the printed report: no bullet line twice.
        let text = stdout(&run(&["plan", &scenario(&name), "--allow-large"]));
        let bullets: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with('•'))
            .collect();
        for (i, b) in bullets.iter().enumerate() {
            assert!(!bullets[..i].contains(b), "{name}: printed twice: {b}");
        }
    }
}

#[test]
fn report_html_is_self_contained_with_three_charts() {
    let dir = tempfile::tempdir().unwrap();
    plan_into("resnet50-imagenet.toml", dir.path());
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 3);
    // Nothing to fetch: no linked style, image, script or font.
    for needle in ["<link", " src=", "@import", "url("] {
        assert!(!html.contains(needle), "report.html holds {needle}");
    }
    for section in [
        "Best options",
        "Pareto front",
        "Findings",
        "Method",
        "Citation",
        "quality",
    ] {
        assert!(html.contains(section), "report.html lacks {section}");
    }
}

/// Chromium's binary, if installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|b| std::env::split_paths(&path).map(move |d| d.join(b)))
        .find(|p| p.is_file())
}

#[test]
fn every_bundled_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        println!("SKIPPED every_bundled_report_renders_in_headless_chromium: no chromium on PATH (.ci/run installs it)");
        return;
    };
    for name in bundled() {
        let dir = tempfile::tempdir().unwrap();
        plan_into(&name, dir.path());
        let shot = dir.path().join("shot.png");
        let log = render(&browser, &dir.path().join("report.html"), &shot, dir.path());
        let errors: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("CONSOLE") && (l.contains("Uncaught") || l.contains("rror")))
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: console errors:\n{}",
            errors.join("\n")
        );
        let (inked, colours) = ink(&shot);
        // A page with text, tables and three charts: well over 1% of the
        // 1200×2400 pixels are not white, in more than a few colours.
        assert!(
            inked > 1200 * 2400 / 100,
            "{name}: screenshot nearly blank ({inked} pixels)"
        );
        assert!(colours > 8, "{name}: screenshot in {colours} colours");
    }
}

/// Render `page` headless into `shot`; return Chromium's log.
fn render(browser: &Path, page: &Path, shot: &Path, tmp: &Path) -> String {
    let profile = tmp.join("profile");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
            "--window-size=1200,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium took over 120 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        shot.is_file(),
        "no screenshot of {}:\n{log}",
        page.display()
    );
    log
}

/// Pixels of a PNG that are not white, and distinct colours among them.
fn ink(png_file: &Path) -> (usize, usize) {
    let file = std::io::BufReader::new(fs::File::open(png_file).unwrap());
    let decoder = png::Decoder::new(file);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut colours = std::collections::BTreeSet::new();
    let mut inked = 0;
    for px in buf[..info.buffer_size()].chunks(channels) {
        let rgb = (px[0], px[1], px[2]);
        if rgb != (255, 255, 255) {
            inked += 1;
            colours.insert(rgb);
        }
    }
    (inked, colours.len())
}
