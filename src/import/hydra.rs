//! Hydra multirun configurations: `hydra.sweeper` of the basic sweeper and
//! of the Optuna sweeper plugin.
//!
//! `hydra.sweeper.params` maps names to Hydra's override syntax:
//!
//! | syntax | parameter |
//! |---|---|
//! | `a,b,c` or `choice(a, b, c)` | the listed values |
//! | `range(start, stop[, step])`, `range(stop)` | basic sweeper: Python's end-exclusive range (from 0 when only the stop is given); Optuna: start to stop inclusive (Optuna's IntDistribution/FloatDistribution with a step) |
//! | `interval(a, b)` | uniform on [a, b]; integers if both bounds are (as the Optuna sweeper does) |
//! | `tag(log, interval(a, b))` | log-uniform on [a, b] (integer bounds: rounded to integers) |
//! | `int(interval(a, b))`, `float(...)` | casts the bounds |
//! | `shuffle(...)`, `sort(...)` of a sweep, or of values (`sort(3, 1, 2)`) | the same values (order does not change a plan) |
//! | anything else | a constant |
//!
//! The older Optuna `search_space:` syntax (`type: float|int|categorical`,
//! `low`, `high`, `log`, `step`, `choices`) is read too. The basic sweeper
//! runs a grid; the Optuna sweeper runs `n_trials` trials of its sampler,
//! named by the `sampler:` block's `_target_` or else chosen in the
//! defaults list (`override hydra/sweeper/sampler: grid`): TPE (the
//! default), CMA-ES, GP, BoTorch and NSGA-II/III are planned as `bayes`,
//! Random and QMC as `random`, Grid and BruteForce as `grid`. A file of
//! the `hydra/sweeper` config group (`# @package hydra.sweeper`) holds the
//! sweeper's keys at its top. The Nevergrad, Ax and Ray Tune sweepers are
//! refused by name. Everything outside `hydra.sweeper` (the application's
//! own config, the rest of `defaults:`) is accepted and left alone.

use std::cell::Cell;

use crate::error::Result;
use crate::space::{Distribution, Domain, Level, Param, MAX_LEVELS};

mod grammar;
use grammar::{El, Grammar};

use super::yaml::{Doc, Node, Value};
use super::{level, number, unknown_key, whole, Imported, ImportedParam, Method, Source};

const SWEEPER_KEYS: [&str; 12] = [
    "_target_",
    "params",
    "max_batch_size",
    "sampler",
    "direction",
    "storage",
    "study_name",
    "n_trials",
    "n_jobs",
    "max_failure_rate",
    "search_space",
    "custom_search_space",
];

/// Read a parsed Hydra configuration; `text` is the file's text, for its
/// `# @package` header.
pub fn read(doc: &Doc, text: &str) -> Result<Imported> {
    let root = &doc.root;
    let sweeper = match package(text) {
        // A config-group file of hydra/sweeper: its keys are the sweeper's.
        Some("hydra.sweeper") => Some(root),
        Some("hydra") => root.get("sweeper"),
        _ => root.get("hydra").and_then(|h| h.get("sweeper")),
    }
    .ok_or_else(|| doc.err(root, "no `hydra.sweeper` in this file; a Hydra sweep sets hydra.sweeper.params (or search_space for Optuna)"))?;
    let target_node = sweeper.get("_target_");
    let target = target_node.and_then(Node::as_str).unwrap_or_default();
    let chosen = default_choice(root, "sweeper");
    for node in [target_node, chosen].into_iter().flatten() {
        if let Some(other) = other_sweeper(node.as_str().unwrap_or_default()) {
            return Err(doc.err(node, format!("the {other} sweeper is not one co2sweep reads: it plans Hydra's basic sweeper (a grid) and the Optuna sweeper")));
        }
    }
    for (k, _) in sweeper.entries() {
        if !SWEEPER_KEYS.contains(&k.key_text().as_str()) {
            return Err(unknown_key(doc, k, &SWEEPER_KEYS, "hydra.sweeper"));
        }
    }
    let optuna = is_optuna(sweeper, target, chosen);
    let mut params = Vec::new();
    let left = Cell::new(MAX_LEVELS);
    if let Some(p) = sweeper.get("params") {
        for (k, v) in p.entries() {
            let name = k.key_text();
            let domain = override_value(doc, v, (optuna, &left), &name)?;
            push(doc, &mut params, k, name, domain)?;
        }
    }
    if let Some(space) = sweeper.get("search_space") {
        for (k, v) in space.entries() {
            let name = k.key_text();
            let domain = search_space_entry(doc, v, &name, &left)?;
            push(doc, &mut params, k, name, domain)?;
        }
    }
    if params.is_empty() {
        return Err(doc.err(
            sweeper,
            "hydra.sweeper has no parameters: add `params:` (or Optuna's `search_space:`)",
        ));
    }
    let (method, trials) = if optuna {
        let trials = sweeper
            .get("n_trials")
            .map(|n| whole(doc, n, "n_trials", 1))
            .transpose()?;
        (
            sampler(doc, sweeper.get("sampler"), default_choice(root, "sampler"))?,
            trials,
        )
    } else {
        (Method::Grid, None)
    };
    let kept = ["direction", "study_name"]
        .iter()
        .filter_map(|k| sweeper.get(k).map(|v| (k.to_string(), v.clone())))
        .collect();
    Ok(Imported {
        source: Source::Hydra,
        path: doc.path.clone(),
        params,
        method,
        trials,
        early_terminate: None,
        kept,
    })
}

fn push(
    doc: &Doc,
    out: &mut Vec<ImportedParam>,
    key: &Node,
    name: String,
    domain: Domain,
) -> Result<()> {
    if matches!(&domain, Domain::Values(v) if v.is_empty()) {
        return Err(doc.err(key, format!("parameter '{name}' lists no values")));
    }
    if out.iter().any(|p| p.param.name == name) {
        return Err(doc.err(key, format!("parameter '{name}' is given twice")));
    }
    out.push(ImportedParam {
        path: vec![name.clone()],
        param: Param { name, domain },
        spec: None,
    });
    Ok(())
}

/// Is this the Optuna sweeper: by its `_target_`, its `defaults:` choice,
/// or keys only it has?
fn is_optuna(sweeper: &Node, target: &str, chosen: Option<&Node>) -> bool {
    let keys = [
        "sampler",
        "n_trials",
        "search_space",
        "direction",
        "study_name",
    ];
    target.to_ascii_lowercase().contains("optuna")
        || chosen
            .and_then(Node::as_str)
            .is_some_and(|c| c.contains("optuna"))
        || keys.iter().any(|k| sweeper.get(k).is_some())
}

/// The `# @package` of a file: its header comment's, if any.
fn package(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with('#'))
        .find_map(|l| l.trim_start_matches('#').trim().strip_prefix("@package"))
        .map(str::trim)
}

/// The option a `defaults:` entry chooses for `hydra/sweeper` (`group`
/// "sweeper") or `hydra/sweeper/sampler` ("sampler"), with or without
/// `override`; in a file of the group itself, `sampler: tpe` too.
fn default_choice<'a>(root: &'a Node, group: &str) -> Option<&'a Node> {
    let Some(Value::Seq(items)) = root.get("defaults").map(|d| &d.value) else {
        return None;
    };
    let full = if group == "sweeper" {
        "hydra/sweeper".to_string()
    } else {
        format!("hydra/sweeper/{group}")
    };
    items.iter().flat_map(Node::entries).find_map(|(k, v)| {
        let key = k.key_text();
        let key = key.trim_start_matches("override ").trim();
        (key == full || (group == "sampler" && key == "sampler")).then_some(v)
    })
}

/// A sweeper plugin other than the basic and Optuna ones, by its
/// `_target_` or its `defaults:` choice.
fn other_sweeper(name: &str) -> Option<&'static str> {
    name.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find_map(|w| match w {
            "nevergrad" => Some("Nevergrad"),
            "ax" => Some("Ax"),
            "ray" => Some("Ray Tune"),
            _ => None,
        })
}

/// Optuna's samplers: class, name in the `hydra/sweeper/sampler` config
/// group, and the method planned for it.
const SAMPLERS: [(&str, &str, Method); 11] = [
    ("TPESampler", "tpe", Method::Bayes),
    ("CmaEsSampler", "cmaes", Method::Bayes),
    ("GPSampler", "gp", Method::Bayes),
    ("BoTorchSampler", "botorch", Method::Bayes),
    ("NSGAIISampler", "nsgaii", Method::Bayes),
    ("NSGAIIISampler", "nsgaiii", Method::Bayes),
    ("MOTPESampler", "motpe", Method::Bayes),
    ("RandomSampler", "random", Method::Random),
    ("QMCSampler", "qmc", Method::Random),
    ("GridSampler", "grid", Method::Grid),
    ("BruteForceSampler", "bruteforce", Method::Grid),
];

/// The method an Optuna sampler stands for: its `_target_` class if the
/// `sampler:` block names one, else the sampler chosen in `defaults:`
/// (`override hydra/sweeper/sampler: grid`), else TPE, Optuna's default.
fn sampler(doc: &Doc, block: Option<&Node>, chosen: Option<&Node>) -> Result<Method> {
    let (node, name, by_class) = match (block.and_then(|b| b.get("_target_")), chosen) {
        (Some(t), _) => {
            let target = t.as_str().unwrap_or_default();
            (t, target.rsplit('.').next().unwrap_or_default(), true)
        }
        (None, Some(c)) => (c, c.as_str().unwrap_or_default(), false),
        (None, None) => return Ok(Method::Bayes),
    };
    let pick = |e: &(&'static str, &'static str, Method)| if by_class { e.0 } else { e.1 };
    if let Some(entry) = SAMPLERS.iter().find(|e| pick(e) == name) {
        return Ok(entry.2);
    }
    let listed = [Method::Bayes, Method::Random, Method::Grid].map(|m| {
        let names: Vec<&str> = SAMPLERS.iter().filter(|e| e.2 == m).map(pick).collect();
        format!("{} (as {})", names.join(", "), m.name())
    });
    let (what, place) = if by_class {
        (node.as_str().unwrap_or_default(), "")
    } else {
        (name, " in defaults")
    };
    Err(doc.err(
        node,
        format!(
            "unknown Optuna sampler '{what}'{place}; co2sweep plans {}",
            listed.join(", ")
        ),
    ))
}

/// Optuna's older `search_space` entry.
fn search_space_entry(doc: &Doc, node: &Node, name: &str, left: &Cell<u64>) -> Result<Domain> {
    const KEYS: [&str; 6] = ["type", "choices", "low", "high", "log", "step"];
    for (k, _) in node.entries() {
        if !KEYS.contains(&k.key_text().as_str()) {
            return Err(unknown_key(doc, k, &KEYS, &format!("search_space.{name}")));
        }
    }
    let kind = node.get("type").and_then(Node::as_str).unwrap_or_default();
    if kind == "categorical" {
        let Some(Value::Seq(items)) = node.get("choices").map(|c| &c.value) else {
            return Err(doc.err(
                node,
                format!("'{name}': a categorical search space needs a `choices` list"),
            ));
        };
        return Ok(Domain::Values(
            items.iter().map(|n| level(doc, n)).collect::<Result<_>>()?,
        ));
    }
    if kind != "int" && kind != "float" {
        return Err(doc.err(
            node,
            format!("'{name}': `type` must be categorical, int or float"),
        ));
    }
    let bound = |key: &str| {
        node.get(key)
            .ok_or_else(|| doc.err(node, format!("'{name}' needs `{key}`")))
            .and_then(|n| number(doc, n, key))
    };
    let (lo, hi) = (bound("low")?, bound("high")?);
    let log = matches!(node.get("log").map(|l| &l.value), Some(Value::Bool(true)));
    let step = node
        .get("step")
        .map(|s| number(doc, s, "step"))
        .transpose()?;
    let int = kind == "int";
    match step {
        Some(step) if !log && (!int || step != 1.0) => {
            stepped(doc, node, name, (lo, hi, step), true, left)
        }
        _ => interval(doc, node, name, lo, hi, int, log),
    }
}

/// `interval(lo, hi)`, optionally integer and log-scaled.
fn interval(
    doc: &Doc,
    at: &Node,
    name: &str,
    lo: f64,
    hi: f64,
    int: bool,
    log: bool,
) -> Result<Domain> {
    if lo >= hi || lo.is_nan() || hi.is_nan() {
        return Err(doc.err(
            at,
            format!("'{name}': the lower bound {lo} must be below the upper bound {hi}"),
        ));
    }
    if log && lo <= 0.0 {
        return Err(doc.err(
            at,
            format!("'{name}' is log-scaled, so its lower bound must be positive, not {lo}"),
        ));
    }
    let distribution = match (int, log) {
        (true, true) => Distribution::QLogUniform(1.0),
        (true, false) => Distribution::IntUniform,
        (false, true) => Distribution::LogUniform,
        (false, false) => Distribution::Uniform,
    };
    if int && hi.floor() < lo.ceil() {
        return Err(doc.err(at, format!("'{name}' has no integer within [{lo}, {hi}]")));
    }
    Ok(Domain::Range {
        min: lo,
        max: hi,
        distribution,
        grid_points: None,
    })
}

/// start, start + step, … up to stop (inclusive or not).
/// `left` is how many more values the file's ranges may list (all of them
/// together are held to [`MAX_LEVELS`], checked before any is made).
fn stepped(
    doc: &Doc,
    at: &Node,
    name: &str,
    (start, stop, step): (f64, f64, f64),
    inclusive: bool,
    left: &Cell<u64>,
) -> Result<Domain> {
    if step == 0.0 || !step.is_finite() {
        return Err(doc.err(
            at,
            format!("'{name}': the range's step must be a non-zero number"),
        ));
    }
    let span = (stop - start) / step;
    let eps = 1e-9 * span.abs().max(1.0);
    let n = if inclusive {
        (span + eps).floor() + 1.0
    } else {
        (span - eps).ceil()
    };
    if n.is_nan() || n < 1.0 {
        return Err(doc.err(
            at,
            format!("'{name}': range({start}, {stop}, {step}) is empty"),
        ));
    }
    if n > left.get() as f64 {
        return Err(doc.err(
            at,
            format!("'{name}': the range has {n} values; a file's ranges may list at most {MAX_LEVELS} in all"),
        ));
    }
    left.set(left.get() - n as u64);
    let all_int = start.fract() == 0.0 && step.fract() == 0.0;
    Ok(Domain::Values(
        (0..n as u64)
            .map(|k| {
                let x = start + k as f64 * step;
                Level::Num(if all_int {
                    x.round()
                } else {
                    (x * 1e12).round() / 1e12
                })
            })
            .collect(),
    ))
}

/// One `params:` entry.
fn override_value(
    doc: &Doc,
    node: &Node,
    (optuna, left): (bool, &Cell<u64>),
    name: &str,
) -> Result<Domain> {
    let text = match &node.value {
        Value::Str(s) => s.clone(),
        Value::Seq(_) | Value::Map(_) => return Ok(Domain::Constant(level(doc, node)?)),
        _ => return Ok(Domain::Constant(level(doc, node)?)),
    };
    let mut p = Grammar::new(&text);
    let items = p
        .sweep()
        .map_err(|m| doc.err(node, format!("'{name}': {m} in \"{text}\"")))?;
    let ctx = Ctx {
        doc,
        node,
        name,
        optuna,
        left,
    };
    if items.len() > 1 {
        return Ok(Domain::Values(
            items
                .into_iter()
                .map(|e| ctx.prim(e))
                .collect::<Result<_>>()?,
        ));
    }
    let el = items.into_iter().next().unwrap_or(El::Prim(Level::Null));
    ctx.domain(el, false, false)
}

struct Ctx<'a> {
    doc: &'a Doc,
    node: &'a Node,
    name: &'a str,
    optuna: bool,
    /// Values the file's ranges may still list.
    left: &'a Cell<u64>,
}

impl Ctx<'_> {
    fn fail<T>(&self, message: String) -> Result<T> {
        Err(self
            .doc
            .err(self.node, format!("'{}': {message}", self.name)))
    }

    fn prim(&self, e: El) -> Result<Level> {
        match e {
            El::Prim(l) => Ok(l),
            El::Call(f, _) => self.fail(format!("{f}(...) cannot be one value of a list")),
        }
    }

    fn num(&self, e: &El) -> Result<f64> {
        match e {
            El::Prim(Level::Num(x)) => Ok(*x),
            El::Prim(Level::Text(t))
                if t.trim_start_matches(['+', '-'])
                    .eq_ignore_ascii_case(".inf")
                    || t.eq_ignore_ascii_case(".nan") =>
            {
                self.fail(format!("expected a finite number, found {t}"))
            }
            El::Prim(l) => self.fail(format!("expected a number, found {}", l.json())),
            El::Call(f, _) => self.fail(format!("expected a number, found {f}(...)")),
        }
    }

    /// A sweep element as a domain; `log` and `int` come from enclosing calls.
    fn domain(&self, el: El, log: bool, int: bool) -> Result<Domain> {
        let (f, args) = match el {
            El::Prim(l) => return Ok(Domain::Constant(l)),
            El::Call(f, args) => (f, args),
        };
        let arg = |key: &str, at: usize| {
            args.iter()
                .find(|(k, _)| k.as_deref() == Some(key))
                .or_else(|| args.get(at).filter(|(k, _)| k.is_none()))
                .map(|(_, v)| v)
        };
        match f.as_str() {
            "choice" => Ok(Domain::Values(args.into_iter().map(|(_, e)| self.prim(e)).collect::<Result<_>>()?)),
            "range" => {
                // range(stop) starts at 0, as Python's and Hydra's do.
                let (start, stop) = match (arg("start", 0), arg("stop", 1)) {
                    (Some(a), Some(b)) => (self.num(a)?, self.num(b)?),
                    (Some(b), None) if !args.iter().any(|(k, _)| k.is_some()) => (0.0, self.num(b)?),
                    _ => return self.fail("range needs a stop (and a start)".into()),
                };
                let step = arg("step", 2).map(|s| self.num(s)).transpose()?.unwrap_or(1.0);
                stepped(self.doc, self.node, self.name, (start, stop, step), self.optuna, self.left)
            }
            "interval" => {
                let (Some(a), Some(b)) = (arg("start", 0), arg("end", 1)) else { return self.fail("interval needs start and end".into()) };
                let (lo, hi) = (self.num(a)?, self.num(b)?);
                let int = int || (lo.fract() == 0.0 && hi.fract() == 0.0 && is_int_text(a) && is_int_text(b));
                interval(self.doc, self.node, self.name, lo, hi, int, log)
            }
            "tag" => {
                let log = log || args.iter().any(|(_, e)| matches!(e, El::Prim(Level::Text(t)) if t == "log"));
                match args.into_iter().last() {
                    Some((_, inner @ El::Call(..))) => self.domain(inner, log, int),
                    _ => self.fail("tag(...) must end with the sweep it tags".into()),
                }
            }
            // shuffle(1, 2, 3) and sort(3, 1, 2): the listed values.
            "shuffle" | "sort" if args.iter().filter(|(k, _)| k.is_none()).count() > 1 || matches!(args.first(), Some((None, El::Prim(_)))) => {
                let values: Vec<Level> = args.into_iter().filter(|(k, _)| k.is_none()).map(|(_, e)| self.prim(e)).collect::<Result<_>>()?;
                Ok(Domain::Values(values))
            }
            "int" | "float" | "shuffle" | "sort" | "str" | "bool" => match args.into_iter().next() {
                Some((_, inner)) => {
                    let d = self.domain(inner, log, int || f == "int")?;
                    Ok(if f == "float" { floated(d) } else { d })
                }
                None => self.fail(format!("{f}() needs an argument")),
            },
            other => self.fail(format!("{other}(...) is not a sweep co2sweep can plan (use choice, range, interval or tag)")),
        }
    }
}

/// Was the number written as an integer? (Only numbers from `Grammar` carry it.)
fn is_int_text(e: &El) -> bool {
    matches!(e, El::Prim(Level::Num(x)) if x.fract() == 0.0)
}

fn floated(d: Domain) -> Domain {
    match d {
        Domain::Range {
            min,
            max,
            distribution: Distribution::IntUniform,
            grid_points,
        } => Domain::Range {
            min,
            max,
            distribution: Distribution::Uniform,
            grid_points,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests;
