//! Hydra multirun configurations: `hydra.sweeper` of the basic sweeper and
//! of the Optuna sweeper plugin.
//!
//! `hydra.sweeper.params` maps names to Hydra's override syntax:
//!
//! | syntax | parameter |
//! |---|---|
//! | `a,b,c` or `choice(a, b, c)` | the listed values |
//! | `range(start, stop[, step])` | basic sweeper: Python's end-exclusive range; Optuna: start to stop inclusive (Optuna's IntDistribution/FloatDistribution with a step) |
//! | `interval(a, b)` | uniform on [a, b]; integers if both bounds are (as the Optuna sweeper does) |
//! | `tag(log, interval(a, b))` | log-uniform on [a, b] (integer bounds: rounded to integers) |
//! | `int(interval(a, b))`, `float(...)` | casts the bounds |
//! | `shuffle(...)`, `sort(...)` | the same values (order does not change a plan) |
//! | anything else | a constant |
//!
//! The older Optuna `search_space:` syntax (`type: float|int|categorical`,
//! `low`, `high`, `log`, `step`, `choices`) is read too. The basic sweeper
//! runs a grid; the Optuna sweeper runs `n_trials` trials of its sampler:
//! TPE (the default), CMA-ES, GP, BoTorch and NSGA-II/III are planned as
//! `bayes`, Random and QMC as `random`, Grid and BruteForce as `grid`.
//! Everything outside `hydra.sweeper` (the application's own config,
//! `defaults:`, `# @package` lines) is accepted and left alone.

use crate::error::Result;
use crate::space::{Distribution, Domain, Level, Param, MAX_LEVELS};

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

/// Read a parsed Hydra configuration.
pub fn read(doc: &Doc) -> Result<Imported> {
    let root = &doc.root;
    let sweeper = root
        .get("hydra")
        .and_then(|h| h.get("sweeper"))
        .ok_or_else(|| doc.err(root, "no `hydra.sweeper` in this file; a Hydra sweep sets hydra.sweeper.params (or search_space for Optuna)"))?;
    for (k, _) in sweeper.entries() {
        if !SWEEPER_KEYS.contains(&k.key_text().as_str()) {
            return Err(unknown_key(doc, k, &SWEEPER_KEYS, "hydra.sweeper"));
        }
    }
    let target = sweeper
        .get("_target_")
        .and_then(Node::as_str)
        .unwrap_or_default();
    let optuna = target.to_ascii_lowercase().contains("optuna")
        || defaults_choose_optuna(root)
        || [
            "sampler",
            "n_trials",
            "search_space",
            "direction",
            "study_name",
        ]
        .iter()
        .any(|k| sweeper.get(k).is_some());
    let mut params = Vec::new();
    if let Some(p) = sweeper.get("params") {
        for (k, v) in p.entries() {
            let name = k.key_text();
            let domain = override_value(doc, v, optuna, &name)?;
            push(doc, &mut params, k, name, domain)?;
        }
    }
    if let Some(space) = sweeper.get("search_space") {
        for (k, v) in space.entries() {
            let name = k.key_text();
            let domain = search_space_entry(doc, v, &name)?;
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
        (sampler(doc, sweeper.get("sampler"))?, trials)
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

/// `defaults: [override hydra/sweeper: optuna]` (or without `override`).
fn defaults_choose_optuna(root: &Node) -> bool {
    let Some(Value::Seq(items)) = root.get("defaults").map(|d| &d.value) else {
        return false;
    };
    items.iter().flat_map(Node::entries).any(|(k, v)| {
        k.key_text().trim_start_matches("override ").trim() == "hydra/sweeper"
            && v.as_str().is_some_and(|s| s.contains("optuna"))
    })
}

/// The method an Optuna sampler stands for.
fn sampler(doc: &Doc, node: Option<&Node>) -> Result<Method> {
    let Some(node) = node else {
        return Ok(Method::Bayes); // Optuna's default sampler is TPE.
    };
    let target = node
        .get("_target_")
        .and_then(Node::as_str)
        .unwrap_or_default();
    let class = target.rsplit('.').next().unwrap_or_default();
    Ok(match class {
        "TPESampler" | "CmaEsSampler" | "GPSampler" | "BoTorchSampler" | "NSGAIISampler" | "NSGAIIISampler" | "MOTPESampler" => Method::Bayes,
        "RandomSampler" | "QMCSampler" => Method::Random,
        "GridSampler" | "BruteForceSampler" => Method::Grid,
        _ => return Err(doc.err(node, format!(
            "unknown Optuna sampler '{target}'; co2sweep plans TPESampler, CmaEsSampler, GPSampler, BoTorchSampler, NSGAIISampler (as bayes), RandomSampler, QMCSampler (as random), GridSampler, BruteForceSampler (as grid)"
        ))),
    })
}

/// Optuna's older `search_space` entry.
fn search_space_entry(doc: &Doc, node: &Node, name: &str) -> Result<Domain> {
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
        Some(step) if !log && (!int || step != 1.0) => stepped(doc, node, name, lo, hi, step, true),
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
fn stepped(
    doc: &Doc,
    at: &Node,
    name: &str,
    start: f64,
    stop: f64,
    step: f64,
    inclusive: bool,
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
    if n > MAX_LEVELS as f64 {
        return Err(doc.err(
            at,
            format!("'{name}': the range has {n} values; at most {MAX_LEVELS}"),
        ));
    }
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

/// A parsed element of Hydra's override grammar.
#[derive(Debug, Clone, PartialEq)]
enum El {
    Prim(Level),
    Call(String, Vec<(Option<String>, El)>),
}

/// One `params:` entry.
fn override_value(doc: &Doc, node: &Node, optuna: bool, name: &str) -> Result<Domain> {
    let text = match &node.value {
        Value::Str(s) => s.clone(),
        Value::Seq(_) | Value::Map(_) => return Ok(Domain::Constant(level(doc, node)?)),
        _ => return Ok(Domain::Constant(level(doc, node)?)),
    };
    let mut p = Grammar {
        s: text.as_bytes(),
        pos: 0,
    };
    let items = p
        .sweep()
        .map_err(|m| doc.err(node, format!("'{name}': {m} in \"{text}\"")))?;
    let ctx = Ctx {
        doc,
        node,
        name,
        optuna,
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
            _ => self.fail(format!("expected a number, found {e:?}")),
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
                let (Some(a), Some(b)) = (arg("start", 0), arg("stop", 1)) else { return self.fail("range needs start and stop".into()) };
                let step = arg("step", 2).map(|s| self.num(s)).transpose()?.unwrap_or(1.0);
                stepped(self.doc, self.node, self.name, self.num(a)?, self.num(b)?, step, self.optuna)
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

/// A recursive-descent reader of Hydra's override values.
struct Grammar<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Grammar<'_> {
    fn skip(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.s.get(self.pos).copied()
    }

    /// `element (',' element)*` to the end.
    fn sweep(&mut self) -> std::result::Result<Vec<El>, String> {
        let items = self.list_until(None)?;
        if self.pos < self.s.len() {
            return Err(format!(
                "unexpected '{}' at character {}",
                self.s[self.pos] as char,
                self.pos + 1
            ));
        }
        Ok(items)
    }

    fn list_until(&mut self, close: Option<u8>) -> std::result::Result<Vec<El>, String> {
        let mut items = Vec::new();
        if self.peek() == close {
            return Ok(items);
        }
        loop {
            items.push(self.element(0)?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                c if c == close => return Ok(items),
                Some(c) => {
                    return Err(format!(
                        "unexpected '{}' at character {}",
                        c as char,
                        self.pos + 1
                    ))
                }
                None => return Err("the value ends early".into()),
            }
        }
    }

    fn element(&mut self, depth: usize) -> std::result::Result<El, String> {
        if depth > 50 {
            return Err("the value nests too deeply".into());
        }
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => {
                let start = self.pos + 1;
                let end = self.s[start..]
                    .iter()
                    .position(|&c| c == q)
                    .ok_or("a quoted string is not closed")?;
                self.pos = start + end + 1;
                Ok(El::Prim(Level::Text(
                    String::from_utf8_lossy(&self.s[start..start + end]).into_owned(),
                )))
            }
            Some(b'[') | Some(b'{') => {
                let start = self.pos;
                let mut level = 0i32;
                while self.pos < self.s.len() {
                    match self.s[self.pos] {
                        b'[' | b'{' => level += 1,
                        b']' | b'}' => level -= 1,
                        _ => {}
                    }
                    self.pos += 1;
                    if level == 0 {
                        break;
                    }
                }
                let text = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
                // Hydra's lists and dicts are YAML flow collections.
                let json = super::yaml::parse(std::path::Path::new("-"), &text).map_or_else(
                    |_| serde_json::to_string(&text).unwrap_or_default(),
                    |d| d.root.json(),
                );
                Ok(El::Prim(Level::Raw(json)))
            }
            _ => self.bare(depth),
        }
    }

    fn bare(&mut self, depth: usize) -> std::result::Result<El, String> {
        let start = self.pos;
        while self.pos < self.s.len() && !b",()[]{}".contains(&self.s[self.pos]) {
            if self.s[self.pos] == b'='
                && self.s[start..self.pos]
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'_')
                && self.pos > start
            {
                break;
            }
            self.pos += 1;
        }
        let word = String::from_utf8_lossy(&self.s[start..self.pos])
            .trim()
            .to_string();
        if self.peek() == Some(b'(') {
            self.pos += 1;
            let mut args = Vec::new();
            if self.peek() != Some(b')') {
                loop {
                    args.push(self.arg(depth)?);
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b')') => break,
                        _ => return Err(format!("{word}(...) is not closed")),
                    }
                }
            }
            self.pos += 1;
            return Ok(El::Call(word, args));
        }
        if word.is_empty() {
            return Err(format!("a value is missing at character {}", self.pos + 1));
        }
        Ok(El::Prim(primitive(&word)))
    }

    /// `[name '='] element`.
    fn arg(&mut self, depth: usize) -> std::result::Result<(Option<String>, El), String> {
        self.skip();
        let rest = &self.s[self.pos..];
        let ident = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let after = rest[ident..]
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .map(|k| ident + k);
        if ident > 0 && after.is_some_and(|k| rest[k] == b'=') {
            let key = String::from_utf8_lossy(&rest[..ident]).into_owned();
            self.pos += after.unwrap_or(ident) + 1;
            return Ok((Some(key), self.element(depth + 1)?));
        }
        Ok((None, self.element(depth + 1)?))
    }
}

/// Hydra's primitive types: int, float, bool, null, else string.
fn primitive(word: &str) -> Level {
    let lower = word.to_ascii_lowercase();
    match lower.as_str() {
        "true" => return Level::Bool(true),
        "false" => return Level::Bool(false),
        "null" => return Level::Null,
        _ => {}
    }
    let plain = word.replace('_', "");
    if let Ok(i) = plain.parse::<i64>() {
        return Level::Num(i as f64);
    }
    let numeric = plain
        .bytes()
        .all(|b| b.is_ascii_digit() || b".eE+-".contains(&b))
        && plain.bytes().any(|b| b.is_ascii_digit());
    match plain.parse::<f64>() {
        Ok(f) if numeric && f.is_finite() => Level::Num(f),
        _ => Level::Text(word.to_string()),
    }
}

#[cfg(test)]
mod tests {
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
}
