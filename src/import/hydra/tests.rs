//! Tests of the Hydra reader.

use super::*;
use std::path::Path;

fn read_text(text: &str) -> Result<Imported> {
    super::super::parse(Path::new("config.yaml"), text, Source::Hydra)
}

#[test]
fn basic_sweeper_syntax() {
    let i = read_text(
        "# @package _global_\ndefaults:\n  - model: resnet\nhydra:\n  mode: MULTIRUN\n  sweeper:\n    params:\n      model: resnet18,resnet50\n      lr: range(1, 10, 3)\n      seed: 7\n      opt: choice('adam', sgd)\n      wd: tag(log, interval(1e-5, 1e-2))\n",
    )
    .unwrap();
    assert_eq!(i.method, Method::Grid);
    let d: Vec<&Domain> = i.params.iter().map(|p| &p.param.domain).collect();
    assert_eq!(
        *d[0],
        Domain::Values(vec![
            Level::Text("resnet18".into()),
            Level::Text("resnet50".into())
        ])
    );
    // Python's range(1, 10, 3) is 1, 4, 7 (10 excluded).
    assert_eq!(
        *d[1],
        Domain::Values(vec![Level::Num(1.0), Level::Num(4.0), Level::Num(7.0)])
    );
    assert_eq!(*d[2], Domain::Constant(Level::Num(7.0)));
    assert_eq!(
        *d[3],
        Domain::Values(vec![Level::Text("adam".into()), Level::Text("sgd".into())])
    );
    assert!(matches!(
        d[4],
        Domain::Range {
            distribution: Distribution::LogUniform,
            ..
        }
    ));
}

#[test]
fn optuna_sweeper_both_syntaxes() {
    let i = read_text(
        "defaults:\n  - override hydra/sweeper: optuna\nhydra:\n  sweeper:\n    sampler:\n      _target_: optuna.samplers.RandomSampler\n    n_trials: 20\n    params:\n      n: range(1, 4)\n      x: interval(0, 1.5)\n    search_space:\n      depth: {type: int, low: 2, high: 8}\n",
    )
    .unwrap();
    assert_eq!((i.method, i.trials), (Method::Random, Some(20)));
    // Optuna's range is inclusive: 1, 2, 3, 4.
    assert_eq!(
        i.params[0].param.domain,
        Domain::Values((1..=4).map(|k| Level::Num(f64::from(k))).collect())
    );
    assert!(matches!(
        i.params[1].param.domain,
        Domain::Range {
            distribution: Distribution::Uniform,
            ..
        }
    ));
    assert!(matches!(
        i.params[2].param.domain,
        Domain::Range {
            distribution: Distribution::IntUniform,
            ..
        }
    ));
    let e = read_text("hydra:\n  sweeper:\n    n_trial: 5\n    params: {a: '1,2'}\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("config.yaml:3:5: unknown key 'n_trial'")
            && e.contains("did you mean 'n_trials'"),
        "{e}"
    );
}

#[test]
fn optuna_sampler_chosen_in_defaults() {
    // Hydra's own Optuna examples choose the sampler in the defaults
    // list and give the `sampler:` block only a seed: that is TPE
    // (bayes), as with no block at all; `grid` and `random` choices
    // change the method; a `_target_` class wins over the choice.
    let with = |sampler: &str, block: &str| {
        read_text(&format!(
            "defaults:\n  - override hydra/sweeper: optuna\n{sampler}hydra:\n  sweeper:\n{block}    n_trials: 20\n    params:\n      x: choice(-1, 1)\n      z: range(3)\n"
        ))
    };
    let seed = "    sampler:\n      seed: 123\n";
    let target = "    sampler:\n      _target_: optuna.samplers.RandomSampler\n";
    let pick = |name: &str| format!("  - override hydra/sweeper/sampler: {name}\n");
    for (sampler, block, method) in [
        (pick("tpe"), seed, Method::Bayes),
        (String::new(), seed, Method::Bayes),
        (pick("grid"), "", Method::Grid),
        (pick("random"), seed, Method::Random),
        (pick("nsgaii"), "", Method::Bayes),
        (pick("grid"), target, Method::Random),
    ] {
        let i = with(&sampler, block).unwrap();
        assert_eq!(
            (i.method, i.trials),
            (method, Some(20)),
            "{sampler} {block}"
        );
    }
    let e = with(&pick("tpee"), "").unwrap_err().to_string();
    assert!(
        e.starts_with("config.yaml:3:37: unknown Optuna sampler 'tpee' in defaults")
            && e.contains("random, qmc (as random)"),
        "{e}"
    );
}

#[test]
fn sweeper_group_files_and_other_sweepers() {
    // A file of the hydra/sweeper config group (`# @package
    // hydra.sweeper`) holds the sweeper's keys at its top; another
    // sweeper plugin is named in the error, not met as an unknown key.
    let i = read_text("# A sweep\n# @package hydra.sweeper\nn_trials: 7\nparams:\n  optim.lr: tag(log, interval(1e-5, 1e-1))\n").unwrap();
    assert_eq!((i.method, i.trials), (Method::Bayes, Some(7)));
    assert_eq!(i.params[0].param.name, "optim.lr");
    let i = read_text("# @package hydra\nsweeper:\n  params:\n    a: 1,2\n").unwrap();
    assert_eq!(i.method, Method::Grid);
    let e = read_text("defaults:\n  - override hydra/sweeper: nevergrad\nhydra:\n  sweeper:\n    optim:\n      budget: 10\n    parametrization:\n      x: {lower: 0, upper: 1}\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("config.yaml:2:29: the Nevergrad sweeper is not one co2sweep reads"),
        "{e}"
    );
}

#[test]
fn shuffle_sort_and_range_of_a_stop() {
    // shuffle(1, 2, 3) and sort(3, 1, 2, reverse=true) list their
    // values (Hydra: a choice sweep of them); range(3) is 0, 1, 2 on
    // the basic sweeper.
    let i = read_text("hydra:\n  sweeper:\n    params:\n      a: shuffle(1,2,3)\n      b: sort(3, 1, 2, reverse=true)\n      c: range(3)\n      d: shuffle(choice(x, y))\n").unwrap();
    let nums = |v: &[f64]| Domain::Values(v.iter().map(|&x| Level::Num(x)).collect());
    let d: Vec<&Domain> = i.params.iter().map(|p| &p.param.domain).collect();
    assert_eq!(*d[0], nums(&[1.0, 2.0, 3.0]));
    assert_eq!(*d[1], nums(&[3.0, 1.0, 2.0]));
    assert_eq!(*d[2], nums(&[0.0, 1.0, 2.0]));
    assert_eq!(
        *d[3],
        Domain::Values(vec![Level::Text("x".into()), Level::Text("y".into())])
    );
    for (value, message) in [
        ("choice()", "config.yaml:4:7: parameter 'a' lists no values"),
        (
            "interval(.inf, 1)",
            "'a': expected a finite number, found .inf",
        ),
        ("interval(x, 1)", "'a': expected a number, found \"x\""),
    ] {
        let e = read_text(&format!(
            "hydra:\n  sweeper:\n    params:\n      a: {value}\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains(message), "{e}");
    }
    let e = read_text("hydra:\n  sweeper:\n    n_trials: 5\n    search_space:\n      a: {type: categorical, choices: []}\n").unwrap_err().to_string();
    assert!(
        e.starts_with("config.yaml:5:7: parameter 'a' lists no values"),
        "{e}"
    );
    // Ranges are held to MAX_LEVELS values in all, before any is made:
    // two of 6 million fail at the second (each alone is within it).
    let e = read_text(
        "hydra:\n  sweeper:\n    params:\n      a: range(0, 6000000)\n      b: range(0, 6000000)\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("config.yaml:5:10: 'b': the range has 6000000 values"),
        "{e}"
    );
    let e = read_text("hydra:\n  sweeper:\n    params:\n      a: range(step=2)\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("'a': range needs a stop"), "{e}");
}
