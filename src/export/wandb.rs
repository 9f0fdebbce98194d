//! A W&B sweep configuration for a strategy: what `wandb sweep FILE` reads.
//!
//! `method` is the strategy's (`grid`, `random`, `bayes`; `<method>+hyperband`
//! adds `early_terminate`), `run_cap` its number of runs (a grid's only when
//! it is cut short). Parameters imported from a W&B file are written as
//! they were read, nested ones under `parameters:` again; others in W&B's
//! spelling. For grid search, a continuous parameter with `grid_points` is
//! written as the list of its grid levels, since W&B's grid takes no
//! continuous distribution. Entries kept from the imported file
//! (`program`, `command`, `metric`, `name`, `project`, …) come first.

use crate::error::{Error, Result};
use crate::escape::{one_line, yaml_quoted};
use crate::import::yaml::{Node, Value};
use crate::import::Source;
use crate::scenario::Scenario;
use crate::space::{self, Count, Distribution, Domain, Level, Param, Strategy};

use super::yaml_number;

/// The method, run cap and early termination of a strategy.
struct Shape<'a> {
    method: &'static str,
    run_cap: Option<u64>,
    halving: Option<&'a crate::early_stop::Halving>,
}

fn shape<'a>(s: &Scenario, strategy: &'a Strategy) -> Result<Shape<'a>> {
    let n = || space::count(&s.params, strategy).map_err(Error::input);
    Ok(match strategy {
        Strategy::Grid => Shape { method: "grid", run_cap: None, halving: None },
        Strategy::CappedGrid(cap) => Shape { method: "grid", run_cap: Some(*cap), halving: None },
        Strategy::Random(_) => Shape { method: "random", run_cap: Some(n()?), halving: None },
        Strategy::Bayes(Count::Trials(_) | Count::Target { .. }) => Shape { method: "bayes", run_cap: Some(n()?), halving: None },
        Strategy::EarlyStop(base, halving) => Shape { halving: Some(halving), ..shape(s, base)? },
        other => {
            return Err(Error::input(format!(
                "W&B sweeps have no '{}' method; export grid, random or bayes (or their +hyperband variants)",
                other.name()
            )))
        }
    })
}

/// The sweep configuration of `strategy`, as YAML text.
pub fn write(s: &Scenario, strategy: &Strategy) -> Result<String> {
    let shape = shape(s, strategy)?;
    let mut out = format!(
        "# Written by co2sweep from {} (strategy {}). Launch with: wandb sweep FILE\n",
        one_line(&s.path.display().to_string()),
        one_line(strategy.name())
    );
    let kept = s
        .import
        .as_ref()
        .filter(|i| i.source == Source::Wandb)
        .map_or(&[][..], |i| &i.kept[..]);
    if !kept.iter().any(|(k, _)| k == "name") {
        emit_entry(&mut out, "name", &str_node(&s.name), 0);
    }
    for (key, node) in kept {
        emit_entry(&mut out, key, node, 0);
    }
    emit_entry(&mut out, "method", &str_node(shape.method), 0);
    if let Some(cap) = shape.run_cap {
        emit_entry(&mut out, "run_cap", &node(Value::Int(cap as i64)), 0);
    }
    if let Some(h) = shape.halving {
        let written = s
            .import
            .as_ref()
            .and_then(|i| i.early_terminate.as_ref())
            .map(|e| e.node.clone());
        emit_entry(
            &mut out,
            "early_terminate",
            &written.unwrap_or_else(|| early_terminate(h)),
            0,
        );
    }
    let grid = shape.method == "grid";
    let mut tree: Vec<(String, Tree)> = Vec::new();
    for p in &s.params {
        let imported = s
            .import
            .as_ref()
            .and_then(|i| i.params.iter().find(|ip| ip.param.name == p.name));
        let path = imported.map_or_else(|| vec![p.name.clone()], |ip| ip.path.clone());
        let spec = match imported.and_then(|ip| ip.spec.clone()) {
            Some(spec) if !(grid && has_grid_points(p)) => spec,
            _ => spec_of(p, grid),
        };
        insert(&mut tree, &path, spec);
    }
    out.push_str("parameters:\n");
    emit_tree(&mut out, &tree, 2);
    Ok(out)
}

fn has_grid_points(p: &Param) -> bool {
    matches!(
        p.domain,
        Domain::Range {
            grid_points: Some(_),
            ..
        }
    )
}

/// Parameters nested by their path.
enum Tree {
    Leaf(Node),
    Branch(Vec<(String, Tree)>),
}

fn insert(tree: &mut Vec<(String, Tree)>, path: &[String], spec: Node) {
    let (head, rest) = match path {
        [] => return,
        [head, rest @ ..] => (head, rest),
    };
    if rest.is_empty() {
        tree.push((head.clone(), Tree::Leaf(spec)));
        return;
    }
    if let Some((_, Tree::Branch(children))) = tree
        .iter_mut()
        .find(|(n, t)| n == head && matches!(t, Tree::Branch(_)))
    {
        insert(children, rest, spec);
        return;
    }
    let mut children = Vec::new();
    insert(&mut children, rest, spec);
    tree.push((head.clone(), Tree::Branch(children)));
}

fn emit_tree(out: &mut String, tree: &[(String, Tree)], indent: usize) {
    for (name, t) in tree {
        match t {
            Tree::Leaf(spec) => emit_entry(out, name, spec, indent),
            Tree::Branch(children) => {
                out.push_str(&format!(
                    "{}{}:\n{}parameters:\n",
                    " ".repeat(indent),
                    key(name),
                    " ".repeat(indent + 2)
                ));
                emit_tree(out, children, indent + 4);
            }
        }
    }
}

fn node(value: Value) -> Node {
    Node {
        value,
        line: 0,
        col: 0,
    }
}

fn str_node(s: &str) -> Node {
    node(Value::Str(s.to_string()))
}

fn num_node(x: f64, integer: bool) -> Node {
    if integer && x.fract() == 0.0 && x.abs() < 9e15 {
        node(Value::Int(x as i64))
    } else {
        node(Value::Float(x))
    }
}

fn map(entries: Vec<(&str, Node)>) -> Node {
    node(Value::Map(
        entries.into_iter().map(|(k, v)| (str_node(k), v)).collect(),
    ))
}

fn level_node(l: &Level) -> Node {
    match l {
        Level::Num(x) => num_node(*x, true),
        Level::Text(t) => str_node(t),
        Level::Bool(b) => node(Value::Bool(*b)),
        Level::Null => node(Value::Null),
        // JSON is YAML: read it back as a tree, keys in order.
        Level::Raw(json) => crate::import::yaml::parse(std::path::Path::new("-"), json)
            .map_or_else(|_| str_node(json), |d| d.root),
    }
}

/// A parameter in W&B's spelling.
fn spec_of(p: &Param, grid: bool) -> Node {
    match &p.domain {
        Domain::Constant(l) => map(vec![("value", level_node(l))]),
        Domain::Values(v) => map(vec![(
            "values",
            node(Value::Seq(v.iter().map(level_node).collect())),
        )]),
        Domain::Range {
            grid_points: Some(_),
            distribution,
            ..
        } if grid => {
            let int = matches!(distribution, Distribution::IntUniform);
            map(vec![(
                "values",
                node(Value::Seq(
                    p.grid_levels()
                        .into_iter()
                        .map(|x| num_node(x, int))
                        .collect(),
                )),
            )])
        }
        Domain::Range {
            min,
            max,
            distribution,
            ..
        } => {
            let bounds = |name: &str, int: bool| {
                vec![
                    ("distribution", str_node(name)),
                    ("min", num_node(*min, int)),
                    ("max", num_node(*max, int)),
                ]
            };
            let with_q = |mut v: Vec<(&str, Node)>, q: f64| {
                v.push(("q", num_node(q, false)));
                map(v)
            };
            match distribution {
                Distribution::Uniform => map(bounds("uniform", false)),
                Distribution::IntUniform => map(bounds("int_uniform", true)),
                Distribution::QUniform(q) => with_q(bounds("q_uniform", false), *q),
                Distribution::LogUniform => map(bounds("log_uniform_values", false)),
                Distribution::QLogUniform(q) => with_q(bounds("q_log_uniform_values", false), *q),
                Distribution::Shaped(d) => {
                    use crate::space::dist::Shape as S;
                    let mut v = vec![("distribution", str_node(d.wandb_name()))];
                    match d.shape {
                        S::Normal { mu, sigma } | S::LogNormal { mu, sigma } => v.extend([
                            ("mu", num_node(mu, false)),
                            ("sigma", num_node(sigma, false)),
                        ]),
                        S::Beta { a, b } => {
                            v.extend([("a", num_node(a, false)), ("b", num_node(b, false))]);
                        }
                    }
                    match d.q {
                        Some(q) => with_q(v, q),
                        None => map(v),
                    }
                }
            }
        }
    }
}

fn early_terminate(h: &crate::early_stop::Halving) -> Node {
    let mut v = vec![("type", str_node("hyperband"))];
    if let Some(m) = h.min_iter {
        v.push(("min_iter", node(Value::Int(m as i64))));
    }
    if let (Some(m), Some(s)) = (h.max_iter, h.s) {
        v.push(("max_iter", node(Value::Int(m as i64))));
        v.push(("s", node(Value::Int(s as i64))));
    }
    v.push(("eta", num_node(h.eta, true)));
    map(v)
}

/// A key, quoted unless it is plain text PyYAML reads back as a string.
fn key(k: &str) -> String {
    const WORDS: [&str; 12] = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", "nan", "inf",
    ];
    let plain = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-/".contains(c))
        && !WORDS.contains(&k.to_ascii_lowercase().as_str());
    if plain {
        k.to_string()
    } else {
        yaml_quoted(k)
    }
}

/// `key: value`, block style for non-empty mappings, flow style otherwise.
fn emit_entry(out: &mut String, k: &str, value: &Node, indent: usize) {
    let pad = " ".repeat(indent);
    match &value.value {
        Value::Map(m) if !m.is_empty() => {
            out.push_str(&format!("{pad}{}:\n", key(k)));
            for (ck, cv) in m {
                emit_entry(out, &ck.key_text(), cv, indent + 2);
            }
        }
        _ => out.push_str(&format!("{pad}{}: {}\n", key(k), flow(value))),
    }
}

/// A value in flow style (JSON-like, numbers as PyYAML reads them).
fn flow(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_nan() => ".nan".into(),
        Value::Float(f) if f.is_infinite() => {
            if *f > 0.0 {
                ".inf".into()
            } else {
                "-.inf".into()
            }
        }
        Value::Float(f) => yaml_number(*f, false),
        Value::Str(s) => yaml_quoted(s),
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", yaml_quoted(&k.key_text()), flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
