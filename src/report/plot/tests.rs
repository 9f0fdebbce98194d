//! Tests of the charts: SVG text, structure, determinism and PNG sizes.

use super::axes::*;
use super::labels::*;
use super::pareto::*;
use super::regions::*;
use super::style::*;
use super::*;
use crate::plan::Metric;

/// A row with the figures the charts read; `site` is "provider:region".
fn row(
    strategy: &str,
    hardware: &str,
    site: &str,
    hours: f64,
    kg: f64,
    strategy_rank: u32,
    marks: &str,
) -> OptionRow {
    let (provider, region) = site.split_once(':').unwrap();
    OptionRow {
        strategy: strategy.into(),
        hardware: hardware.into(),
        provider: provider.into(),
        region: region.into(),
        trials: if strategy == "grid" { 72 } else { 59 },
        device_hours: hours * 8.0,
        wall_hours: hours,
        energy_kwh: kg * 3.0,
        emissions_kg: kg,
        offset_kg: 0.0,
        pareto_rank: 1,
        embodied_kg: kg * 0.2,
        total_kg: kg * 1.2,
        metric: Metric::Operational,
        strategy_rank,
        configurations: 59,
        quality: if strategy == "grid" { 0.19 } else { 0.95 },
        power_watts: 300.0,
        pue: 1.1,
        intensity_g_per_kwh: 300.0,
        intensity_year: 2023,
        marks: marks.into(),
        scenario: "Test sweep".into(),
        start: String::new(),
        wait_hours: 0.0,
        meets_deadline: true,
        place: String::new(),
        named: false,
        ..OptionRow::default()
    }
}

/// Two strategies, each with a three-point front and a dominated option.
fn sweep() -> Vec<OptionRow> {
    vec![
        row(
            "grid",
            "A100 SXM4 40GB",
            "gcp:us-central1",
            6.0,
            9.0,
            1,
            "strategy-fastest",
        ),
        row(
            "grid",
            "V100 SXM2 16GB",
            "gcp:us-central1",
            7.0,
            8.0,
            1,
            "strategy-knee",
        ),
        row(
            "grid",
            "T4",
            "gcp:europe-north1",
            9.0,
            7.5,
            1,
            "strategy-lowest",
        ),
        row("grid", "T4", "aws:us-east-1", 9.2, 9.5, 2, ""),
        row(
            "random",
            "A100 SXM4 40GB",
            "gcp:us-central1",
            5.0,
            8.5,
            1,
            "fastest;strategy-fastest",
        ),
        row(
            "random",
            "V100 SXM2 16GB",
            "gcp:europe-north1",
            5.5,
            6.0,
            1,
            "knee;strategy-knee",
        ),
        row(
            "random",
            "T4",
            "gcp:europe-north1",
            7.5,
            5.0,
            1,
            "lowest;strategy-lowest",
        ),
        row("random", "T4", "aws:us-east-1", 7.6, 9.1, 2, ""),
    ]
}

fn svg_of(
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Drawn<(), SVGBackend<'static>>,
) -> String {
    let bytes = svg(ChartSize::default(), "test.svg", draw).unwrap();
    String::from_utf8(bytes).unwrap()
}

/// The text of every `<text>` element.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .map(|t| {
            t.split_once('>')
                .unwrap()
                .1
                .split("</text>")
                .next()
                .unwrap()
                .trim()
                .to_string()
        })
        .collect()
}

#[test]
fn chart_size_parses_and_checks_bounds() {
    assert_eq!(
        ChartSize::default(),
        ChartSize {
            width: 1200,
            height: 800
        }
    );
    assert_eq!(
        "900x600".parse::<ChartSize>().unwrap(),
        ChartSize {
            width: 900,
            height: 600
        }
    );
    assert_eq!(
        " 640X480 ".parse::<ChartSize>().unwrap(),
        ChartSize {
            width: 640,
            height: 480
        }
    );
    assert_eq!(
        "8000×200".parse::<ChartSize>().unwrap(),
        ChartSize {
            width: 8000,
            height: 200
        }
    );
    assert_eq!(ChartSize::default().to_string(), "1200x800");
    for bad in [
        "1200",
        "x800",
        "12ax800",
        "1200x800x2",
        "-5x800",
        "199x800",
        "1200x8001",
        "",
    ] {
        let err = bad.parse::<ChartSize>().unwrap_err().to_string();
        assert!(
            err.contains("expected WIDTHxHEIGHT, e.g. 1200x800"),
            "{bad}: {err}"
        );
        assert_eq!(bad.parse::<ChartSize>().unwrap_err().exit_code(), 2);
    }
}

/// `sweep()` with its overall ranks: the front is random's three options
/// (5 h, 8.5 kg), (5.5 h, 6 kg), (7.5 h, 5 kg); every grid option is
/// dominated by one of them, e.g. (6 h, 9 kg) by (5.5 h, 6 kg).
fn ranked() -> Vec<OptionRow> {
    let mut rows = sweep();
    for (i, r) in rows.iter_mut().enumerate() {
        r.pareto_rank = if (4..=6).contains(&i) { 1 } else { 2 };
    }
    rows
}

#[test]
fn pareto_names_devices_and_draws_and_labels_the_overall_front() {
    let rows = ranked();
    let svg = svg_of(|a| pareto(a, &rows));
    let t = texts(&svg);
    for want in [
        "Test sweep",
        "Wall-clock time (h)",
        "Emissions (kg CO2eq)",
        "Fastest: A100 SXM4 40GB @ gcp:us-central1 (random)",
        "Knee: V100 SXM2 16GB @ gcp:europe-north1 (random)",
        "Lowest emissions: T4 @ gcp:europe-north1 (random)",
        "Strategy",
        "grid",
        "random",
        "Device",
        "A100 SXM4 40GB",
        "V100 SXM2 16GB",
        "T4",
        "Pareto front",
        ATTRIBUTION,
    ] {
        assert!(t.iter().any(|s| s == want), "missing {want:?} in {t:?}");
    }
    // The front's three options are labelled, nothing else.
    assert_eq!(t.iter().filter(|s| s.contains(" @ ")).count(), 3);
    // The front's near-black (#141414) is drawn twice: the legend's line
    // and the staircase over the three front options.
    assert!(svg.matches("#141414").count() >= 2, "no front line");
    // The subtitle says what is drawn.
    assert!(
        t.iter()
            .any(|s| s.contains("the Pareto front (3 options, each labelled)")),
        "{t:?}"
    );
}

#[test]
fn a_single_point_front_draws_no_line_and_says_so() {
    let mut rows = ranked();
    for r in &mut rows {
        r.pareto_rank = if r.marks.to_string().contains("lowest;") {
            1
        } else {
            2
        };
    }
    let svg = svg_of(|a| pareto(a, &rows));
    // Only the legend's line is in the front's colour: no staircase.
    assert_eq!(svg.matches("#141414").count(), 1);
    assert!(texts(&svg)
        .iter()
        .any(|s| s.contains("ringed one is both fastest and lowest")));
}

#[test]
fn many_front_options_label_the_marked_and_at_most_eight() {
    // 20 front options at 1..20 h; marks on the 1st, 10th and 20th.
    let front: Vec<OptionRow> = (0..20)
        .map(|i| {
            let marks = match i {
                0 => "fastest",
                9 => "knee",
                19 => "lowest",
                _ => "",
            };
            row(
                "random",
                "T4",
                &format!("gcp:r{i}"),
                1.0 + f64::from(i),
                40.0 - f64::from(i),
                1,
                marks,
            )
        })
        .collect();
    let refs: Vec<&OptionRow> = front.iter().collect();
    let chosen = labelled(&refs);
    assert_eq!(chosen.len(), MAX_LABELS);
    for r in [&front[0], &front[9], &front[19]] {
        assert!(chosen.iter().any(|c| std::ptr::eq(*c, r)), "{}", r.region);
    }
}

#[test]
fn axes_turn_logarithmic_past_a_decade() {
    let mut rows = sweep();
    rows[3].wall_hours = 120.0;
    rows[7].emissions_kg = 900.0;
    let t = texts(&svg_of(|a| pareto(a, &rows)));
    assert!(
        t.iter().any(|s| s == "Wall-clock time (h, log scale)"),
        "{t:?}"
    );
    assert!(
        t.iter().any(|s| s == "Emissions (kg CO2eq, log scale)"),
        "{t:?}"
    );
    assert!(
        t.iter().any(|s| s == "100") && t.iter().any(|s| s == "10"),
        "{t:?}"
    );
    assert!(Axis::fit([1.0, 10.5].into_iter(), false).log);
    assert!(!Axis::fit([1.0, 10.0].into_iter(), false).log);
    // Zero cannot sit on a log axis: linear instead.
    assert!(!Axis::fit([0.0, 500.0].into_iter(), false).log);
    let tiny = Axis::fit([1e-300, 1.0, f64::NAN].into_iter(), false);
    assert!(tiny.log && !tiny.majors().is_empty());
    assert_eq!(tiny.label(1e-200), "1e-200");
}

#[test]
fn tick_labels_round_as_the_ticks_need() {
    let lin = Axis {
        lo: 0.0,
        hi: 3.0,
        log: false,
    };
    assert_eq!(
        lin.majors()
            .iter()
            .map(|v| lin.label(*v))
            .collect::<Vec<_>>(),
        ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"]
    );
    let big = Axis {
        lo: 0.0,
        hi: 12000.0,
        log: false,
    };
    assert_eq!(big.label(10000.0), "10,000");
    let log = Axis {
        lo: 0.04,
        hi: 3.0,
        log: true,
    };
    let labels: Vec<String> = log.majors().iter().map(|v| log.label(*v)).collect();
    assert_eq!(labels, ["0.05", "0.1", "0.2", "0.5", "1", "2"]);
}

#[test]
fn strategies_stack_embodied_on_operational() {
    let t = texts(&svg_of(|a| strategies(a, &sweep())));
    // Lowest options: grid 7.5 kg + 1.5 embodied (0.2 × 7.5) = 9 kg;
    // random 5 kg + 1 = 6 kg. Device-hours 8 × 9 h = 72 h and 8 × 7.5 h = 60 h.
    for want in [
        "Test sweep",
        "grid",
        "random",
        "72 trials · quality 19%",
        "59 trials · quality 95%",
        "Emissions incl. embodied (kg CO2eq)",
        "Device-hours (h)",
        "9 kg (7.5 kg operational)",
        "6 kg (5 kg operational)",
        "72 h",
        "60 h",
        "embodied (manufacturing share)",
    ] {
        assert!(t.iter().any(|s| s == want), "missing {want:?} in {t:?}");
    }
}

/// `rows` with a 90 % interval of ±20 % on operational emissions.
fn with_intervals(mut rows: Vec<OptionRow>) -> Vec<OptionRow> {
    for r in &mut rows {
        r.emissions_kg_p5 = Some(r.emissions_kg * 0.8);
        r.emissions_kg_p95 = Some(r.emissions_kg * 1.2);
    }
    rows
}

#[test]
fn front_options_and_strategy_bars_carry_their_intervals() {
    let lines = |svg: &str| svg.matches("<polyline").count();
    // Pareto: the three front options (all random's) get one vertical bar
    // each in random's colour (no wall-clock interval), and the subtitle
    // says so.
    let (plain, ranged) = (ranked(), with_intervals(ranked()));
    let (a, b) = (
        svg_of(|x| pareto(x, &plain)),
        svg_of(|x| pareto(x, &ranged)),
    );
    let c = series_of(&plain)
        .iter()
        .find(|s| s.name == "random")
        .unwrap()
        .color;
    let ink = format!("stroke=\"#{:02x}{:02x}{:02x}\"", c.0, c.1, c.2);
    let bars = |svg: &str| {
        (svg.to_lowercase().split("<polyline").skip(1))
            .filter(|p| p.split('>').next().unwrap().contains(&ink))
            .count()
    };
    assert_eq!(bars(&b), bars(&a) + 3);
    assert!(!texts(&a).iter().any(|s| s.contains("90 % intervals")));
    assert!(texts(&b)
        .iter()
        .any(|s| s.ends_with("; bars: 90 % intervals")));
    // Strategies: two bars, each with a whisker and two caps: 6 lines.
    let (a, b) = (
        svg_of(|x| strategies(x, &sweep())),
        svg_of(|x| strategies(x, &with_intervals(sweep()))),
    );
    assert_eq!(lines(&b), lines(&a) + 6);
    assert!(texts(&b)
        .iter()
        .any(|s| s.ends_with("whiskers: 90 % intervals of operational emissions")));
}

#[test]
fn regions_keep_the_ends_and_every_named_region() {
    let mut rows: Vec<OptionRow> = (0..40)
        .map(|i| {
            let mut r = row(
                "random",
                "T4",
                &format!("gcp:r{i:02}"),
                5.0,
                40.0 - f64::from(i),
                1,
                "",
            );
            r.place = format!("Town {i:02}, Land");
            r
        })
        .collect();
    rows[39].marks = "lowest".into();
    rows[20].named = true; // 20 kg: 19th cleanest, in the middle
    rows.push(row("grid", "T4", "aws:elsewhere", 5.0, 0.5, 1, ""));
    let t = texts(&svg_of(|a| regions(a, &rows)));
    // 40 regions: cleanest 12 (r39..r28), r20, dirtiest 8 (r07..r00);
    // gaps of 28 - 20 - 1 = 7 (r27..r21) and 20 - 7 - 1 = 12 (r19..r08).
    assert!(
        t.iter().any(|s| s == "… 7 more regions, not shown …"),
        "{t:?}"
    );
    assert!(
        t.iter().any(|s| s == "… 12 more regions, not shown …"),
        "{t:?}"
    );
    let ids: Vec<&String> = t.iter().filter(|s| s.starts_with("gcp:r")).collect();
    assert_eq!(ids.len(), 21);
    assert_eq!(
        (
            ids[0].as_str(),
            ids[11].as_str(),
            ids[12].as_str(),
            ids[20].as_str()
        ),
        ("gcp:r39", "gcp:r28", "gcp:r20", "gcp:r00")
    );
    // Places in text type beside the ids.
    assert!(t.iter().any(|s| s == "Town 20, Land"));
    // Only the best hardware and strategy.
    assert!(!t.iter().any(|s| s.contains("elsewhere")));
    assert!(
        t.iter()
            .any(|s| s == "Random search on T4, by region (cleanest first)"),
        "{t:?}"
    );
}

#[test]
fn bars_spanning_over_100x_get_a_log_axis() {
    // 34.6 / 0.0957 = 362 > 100: log; 10 / 1 = 10: linear from zero.
    assert!(Axis::bars(&[0.0957, 34.6]).log);
    let lin = Axis::bars(&[1.0, 10.0]);
    assert!(!lin.log && lin.lo == 0.0);
}

#[test]
fn labels_stay_apart_and_inside_the_frame() {
    let frame = LabelBox {
        x0: 0.0,
        y0: 0.0,
        x1: 800.0,
        y1: 500.0,
    };
    let points = [(20, 480), (30, 470), (40, 485), (790, 10)];
    let obstacles: Vec<Obstacle> = (0..40)
        .map(|i| Obstacle {
            at: (20 + i * 5, 475),
            r: 9.5,
            weight: MARKER,
        })
        .collect();
    let mut placed: Vec<Placed> = Vec::new();
    for at in points {
        placed.push(place(at, (300.0, 30.0), &frame, &obstacles, &placed, 18.0));
    }
    for (i, a) in placed.iter().enumerate() {
        assert!(a.rect.within(&frame), "{a:?}");
        assert!(!obstacles.iter().any(|o| a.rect.hits(o.at, o.r)), "{a:?}");
        for b in &placed[i + 1..] {
            assert!(!a.rect.overlaps(&b.rect), "{a:?} {b:?}");
        }
    }
}

#[test]
fn render_all_gives_every_file_and_pngs_of_the_requested_size() {
    let size: ChartSize = "900x600".parse().unwrap();
    let out = render_all(&sweep(), size).unwrap();
    let names: Vec<&str> = out.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "pareto.svg",
            "pareto.png",
            "strategies.svg",
            "strategies.png",
            "regions.svg",
            "regions.png"
        ]
    );
    for o in out.iter().filter(|o| o.name.ends_with(".png")) {
        let info = png::Decoder::new(std::io::Cursor::new(&o.bytes))
            .read_info()
            .unwrap()
            .info()
            .clone();
        assert_eq!((info.width, info.height), (900, 600), "{}", o.name);
    }
    for o in out.iter().filter(|o| o.name.ends_with(".svg")) {
        let svg = String::from_utf8(o.bytes.clone()).unwrap();
        assert!(svg.contains("width=\"900\" height=\"600\""), "{}", o.name);
    }
}

#[test]
fn render_all_is_deterministic_and_survives_the_csv_round_trip() {
    let rows = sweep();
    let once = render_all(&rows, ChartSize::default()).unwrap();
    let twice = render_all(&rows, ChartSize::default()).unwrap();
    assert!(once.iter().zip(&twice).all(|(a, b)| a.bytes == b.bytes));
    // `co2sweep chart` draws from rows read back from options.csv.
    let mut w = csv::Writer::from_writer(Vec::new());
    rows.iter().for_each(|r| w.serialize(r).unwrap());
    let text = w.into_inner().unwrap();
    let back: Vec<OptionRow> = csv::Reader::from_reader(text.as_slice())
        .deserialize()
        .map(Result::unwrap)
        .collect();
    assert_eq!(back, rows);
    let again = render_all(&back, ChartSize::default()).unwrap();
    assert!(once.iter().zip(&again).all(|(a, b)| a.bytes == b.bytes));
}

#[test]
fn render_all_survives_empty_single_and_odd_rows() {
    let size = ChartSize {
        width: 200,
        height: 200,
    };
    assert_eq!(render_all(&[], size).unwrap().len(), 6);
    let one = [row(
        "random",
        "T4",
        "gcp:us-central1",
        2.0,
        1.0,
        1,
        "lowest;fastest;knee;strategy-lowest",
    )];
    assert_eq!(render_all(&one, ChartSize::default()).unwrap().len(), 6);
    let mut odd = sweep();
    odd[0].emissions_kg = f64::NAN;
    odd[1].wall_hours = f64::INFINITY;
    odd[2].emissions_kg = 0.0;
    odd[4].quality = f64::NAN;
    odd[5].strategy = "mystery_search".into();
    odd[6].marks = "lowest;lowest;;knee".into();
    odd.iter_mut().for_each(|r| r.scenario.clear());
    render_all(&odd, ChartSize::default()).unwrap();
    let same: Vec<OptionRow> = (0..5)
        .map(|_| row("grid", "T4", "gcp:a", 3.0, 3.0, 1, "knee"))
        .collect();
    render_all(&same, ChartSize::default()).unwrap();
    let nan: Vec<OptionRow> = (0..3)
        .map(|_| row("grid", "T4", "gcp:a", f64::NAN, f64::NAN, 1, "lowest"))
        .collect();
    let t = texts(&svg_of(|a| pareto(a, &nan)));
    assert!(t.iter().any(|s| s == "No options to chart"), "{t:?}");
}

#[test]
fn axes_near_the_largest_float_stay_finite_and_short() {
    // Emissions of 55.66 and 1e308 kg: the log axis keeps 30 decades
    // (1e278 .. 1e308, padded by (10^30)^0.07 = 10^2.1 each way); padding
    // the top past f64::MAX made it infinite, the decades ran to i32::MAX
    // and a 3-row options.csv took 28 s to chart. Linear and bar axes near
    // f64::MAX stay finite too.
    let log = Axis::fit([55.66, 1e308].into_iter(), false);
    assert!(
        log.log && log.hi == f64::MAX && log.lo.is_finite(),
        "{log:?}"
    );
    assert_eq!(log.decades(), (276, 308));
    assert!(!log.majors().is_empty() && log.majors().len() <= 10);
    let linear = Axis::fit([0.0, 1.75e308].into_iter(), false);
    assert!(!linear.log && linear.hi == f64::MAX, "{linear:?}");
    assert!(Axis::fit([1.7e308].into_iter(), true).hi.is_finite());
    let zero = Axis {
        lo: 0.0,
        hi: f64::INFINITY,
        log: true,
    };
    assert_eq!(zero.decades(), (-324, 309));
}
