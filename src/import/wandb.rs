//! W&B sweep configurations (the YAML of `wandb sweep`), read completely.
//!
//! Parameters follow W&B's schema and its inference rules: with no
//! `distribution`, `values` means `categorical` (a scalar under `values` is
//! a list of one), `value` means `constant`, integer `min`/`max` mean
//! `int_uniform` and other `min`/`max` mean `uniform`; a parameter with
//! `parameters:` nests, its children named `parent.child`. Defaults are
//! W&B's: q = 1, mu = 0, sigma = 1, a = b = 1, eta = 3. Distributions map
//! onto co2sweep's as follows (sampling is identical):
//!
//! | W&B | co2sweep |
//! |---|---|
//! | `log_uniform` (bounds are exponents: exp(U(min, max))) | log-uniform on [e^min, e^max] |
//! | `inv_log_uniform` (exp(−U(min, max))) | log-uniform on [e^−max, e^−min] |
//! | `inv_log_uniform_values` (1/X, X log-uniform on [1/max, 1/min]) | log-uniform on [min, max] |
//! | `q_log_uniform` | log-uniform on [e^min, e^max], rounded to q |
//! | `normal`, `log_normal`, `beta` and `q_` variants | [`crate::space::dist`] |
//!
//! `categorical_w_probabilities` (weighted categories) is refused with a
//! clear message: co2sweep samples categories uniformly.

use crate::error::Result;
use crate::space::dist::{Shape, Shaped};
use crate::space::{Distribution, Domain, Param};
use crate::suggest;

use super::yaml::{Doc, Node, Value};
use super::{
    level, number, unknown_key, whole, EarlyTerminate, Imported, ImportedParam, Method, Source,
};

/// Top-level keys of a W&B sweep configuration.
pub const TOP_KEYS: [&str; 18] = [
    "method",
    "parameters",
    "run_cap",
    "early_terminate",
    "program",
    "command",
    "metric",
    "name",
    "project",
    "entity",
    "description",
    "apiVersion",
    "kind",
    "controller",
    "job",
    "image_uri",
    "metrics",
    "scheduler",
];

/// Every distribution of W&B's sweep specification.
pub const DISTRIBUTIONS: [&str; 18] = [
    "constant",
    "categorical",
    "categorical_w_probabilities",
    "int_uniform",
    "uniform",
    "q_uniform",
    "log_uniform",
    "log_uniform_values",
    "q_log_uniform",
    "q_log_uniform_values",
    "inv_log_uniform",
    "inv_log_uniform_values",
    "normal",
    "q_normal",
    "log_normal",
    "q_log_normal",
    "beta",
    "q_beta",
];

const PARAM_KEYS: [&str; 12] = [
    "values",
    "value",
    "distribution",
    "min",
    "max",
    "q",
    "mu",
    "sigma",
    "a",
    "b",
    "probabilities",
    "parameters",
];

/// Read a parsed W&B sweep file.
pub fn read(doc: &Doc) -> Result<Imported> {
    let root = &doc.root;
    let mut kept = Vec::new();
    for (k, v) in root.entries() {
        let key = k.key_text();
        if !TOP_KEYS.contains(&key.as_str()) {
            return Err(unknown_key(doc, k, &TOP_KEYS, "a W&B sweep configuration"));
        }
        if !matches!(
            key.as_str(),
            "method" | "parameters" | "run_cap" | "early_terminate"
        ) {
            kept.push((key, v.clone()));
        }
    }
    let method = match root.get("method") {
        None => return Err(doc.err(root, "a W&B sweep needs `method`: grid, random or bayes")),
        Some(m) => match m.as_str() {
            Some("grid") => Method::Grid,
            Some("random") => Method::Random,
            Some("bayes") => Method::Bayes,
            Some("custom") => return Err(doc.err(m, "method 'custom' runs an external scheduler, which co2sweep cannot plan; use grid, random or bayes")),
            _ => {
                let hint = m.as_str().and_then(|s| suggest::closest(s, ["grid", "random", "bayes"]))
                    .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
                return Err(doc.err(m, format!("unknown method {}{hint}; choose grid, random or bayes", m.json())));
            }
        },
    };
    let trials = root
        .get("run_cap")
        .map(|n| whole(doc, n, "run_cap", 1))
        .transpose()?;
    let early_terminate = root
        .get("early_terminate")
        .map(|n| early_terminate(doc, n))
        .transpose()?;
    let Some(parameters) = root.get("parameters") else {
        return Err(doc.err(root, "a W&B sweep needs `parameters`"));
    };
    let mut params = Vec::new();
    parameters_of(doc, parameters, &[], &mut params)?;
    Ok(Imported {
        source: Source::Wandb,
        path: doc.path.clone(),
        params,
        method,
        trials,
        early_terminate,
        kept,
    })
}

/// The entries of a `parameters:` mapping, nested ones flattened.
fn parameters_of(
    doc: &Doc,
    node: &Node,
    prefix: &[String],
    out: &mut Vec<ImportedParam>,
) -> Result<()> {
    if !matches!(node.value, Value::Map(_)) {
        return Err(doc.err(
            node,
            "`parameters` must be a mapping of parameter names to their specifications",
        ));
    }
    if prefix.len() > 32 {
        return Err(doc.err(node, "parameters nest deeper than 32 levels"));
    }
    for (k, spec) in node.entries() {
        let mut path = prefix.to_vec();
        path.push(k.key_text());
        let name = path.join(".");
        if !matches!(spec.value, Value::Map(_)) {
            return Err(doc.err(spec, format!("parameter '{name}' must be a mapping such as {{values: [1, 2]}} or {{min: 0, max: 1}}")));
        }
        if let Some(children) = spec.get("parameters") {
            if let Some((key, _)) = spec
                .entries()
                .find(|(k, _)| k.as_str() != Some("parameters"))
            {
                return Err(doc.err(
                    key,
                    format!("parameter '{name}' nests `parameters`, so it takes no other key"),
                ));
            }
            parameters_of(doc, children, &path, out)?;
            continue;
        }
        if out.iter().any(|p| p.param.name == name) {
            return Err(doc.err(k, format!("parameter '{name}' is given twice")));
        }
        let param = param(doc, &name, spec)?;
        out.push(ImportedParam {
            param,
            path,
            spec: Some(spec.clone()),
        });
    }
    Ok(())
}

/// The distribution a specification names or implies.
fn distribution_of<'a>(doc: &Doc, name: &str, spec: &'a Node) -> Result<(String, &'a Node)> {
    if let Some(d) = spec.get("distribution") {
        let text = d.as_str().unwrap_or_default();
        if DISTRIBUTIONS.contains(&text) {
            return Ok((text.to_string(), d));
        }
        let hint = suggest::closest(text, DISTRIBUTIONS)
            .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
        return Err(doc.err(
            d,
            format!(
                "unknown distribution {}{hint} for '{name}'; W&B's are {}",
                d.json(),
                DISTRIBUTIONS.join(", ")
            ),
        ));
    }
    let inferred = match (
        spec.get("values"),
        spec.get("value"),
        spec.get("min"),
        spec.get("max"),
    ) {
        (Some(_), _, _, _) if spec.get("probabilities").is_some() => "categorical_w_probabilities",
        (Some(_), _, _, _) => "categorical",
        (None, Some(_), _, _) => "constant",
        (None, None, Some(lo), Some(hi)) if is_int(lo) && is_int(hi) => "int_uniform",
        (None, None, Some(_), Some(_)) => "uniform",
        _ => {
            return Err(doc.err(
                spec,
                format!(
                "parameter '{name}' needs `values`, `value`, `min` and `max`, or a `distribution`"
            ),
            ))
        }
    };
    Ok((inferred.to_string(), spec))
}

fn is_int(n: &Node) -> bool {
    matches!(n.value, Value::Int(_))
}

/// The keys a distribution takes besides `distribution`.
fn keys_of(distribution: &str) -> &'static [&'static str] {
    match distribution {
        "constant" => &["value"],
        "categorical" => &["values"],
        "categorical_w_probabilities" => &["values", "probabilities"],
        "q_uniform" | "q_log_uniform" | "q_log_uniform_values" => &["min", "max", "q"],
        "normal" | "log_normal" => &["mu", "sigma"],
        "q_normal" | "q_log_normal" => &["mu", "sigma", "q"],
        "beta" => &["a", "b"],
        "q_beta" => &["a", "b", "q"],
        _ => &["min", "max"],
    }
}

/// One parameter's specification.
fn param(doc: &Doc, name: &str, spec: &Node) -> Result<Param> {
    let (distribution, at) = distribution_of(doc, name, spec)?;
    let allowed = keys_of(&distribution);
    for (k, _) in spec.entries() {
        let key = k.key_text();
        if key == "distribution" || allowed.contains(&key.as_str()) {
            continue;
        }
        if PARAM_KEYS.contains(&key.as_str()) {
            return Err(doc.err(
                k,
                format!(
                    "`{key}` does not apply to {distribution} ('{name}'); it takes {}",
                    allowed.join(", ")
                ),
            ));
        }
        let mut valid = allowed.to_vec();
        valid.push("distribution");
        return Err(unknown_key(doc, k, &valid, &format!("parameter '{name}'")));
    }
    let domain = match distribution.as_str() {
        "constant" => Domain::Constant(level(doc, required(doc, spec, "value", name)?)?),
        "categorical" => Domain::Values(values(doc, spec, name)?),
        "categorical_w_probabilities" => {
            return Err(doc.err(at, format!("'{name}': categorical_w_probabilities (weighted categories) is not supported; co2sweep samples categories uniformly, so drop `probabilities`")))
        }
        "normal" | "q_normal" | "log_normal" | "q_log_normal" | "beta" | "q_beta" => shaped(doc, spec, name, &distribution)?,
        _ => bounded(doc, spec, name, &distribution)?,
    };
    Ok(Param {
        name: name.to_string(),
        domain,
    })
}

fn required<'a>(doc: &Doc, spec: &'a Node, key: &str, name: &str) -> Result<&'a Node> {
    spec.get(key)
        .ok_or_else(|| doc.err(spec, format!("parameter '{name}' needs `{key}`")))
}

fn values(doc: &Doc, spec: &Node, name: &str) -> Result<Vec<crate::space::Level>> {
    let v = required(doc, spec, "values", name)?;
    let items: Vec<&Node> = match &v.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![v],
    };
    if items.is_empty() {
        return Err(doc.err(v, format!("parameter '{name}' has an empty `values` list")));
    }
    items.into_iter().map(|n| level(doc, n)).collect()
}

/// `q`, W&B's default 1.
fn q_of(doc: &Doc, spec: &Node) -> Result<f64> {
    match spec.get("q") {
        None => Ok(1.0),
        Some(q) => match number(doc, q, "q")? {
            x if x > 0.0 => Ok(x),
            _ => Err(doc.err(q, "`q` must be positive")),
        },
    }
}

/// normal, log_normal, beta and their q_ variants.
fn shaped(doc: &Doc, spec: &Node, name: &str, distribution: &str) -> Result<Domain> {
    let get = |key: &str, default: f64| -> Result<f64> {
        spec.get(key).map_or(Ok(default), |n| number(doc, n, key))
    };
    let q = if distribution.starts_with("q_") {
        Some(q_of(doc, spec)?)
    } else {
        None
    };
    let shape = if distribution.ends_with("beta") {
        let (a, b) = (get("a", 1.0)?, get("b", 1.0)?);
        if a <= 0.0 || b <= 0.0 {
            return Err(doc.err(spec, format!("'{name}': beta needs a > 0 and b > 0")));
        }
        Shape::Beta { a, b }
    } else {
        let (mu, sigma) = (get("mu", 0.0)?, get("sigma", 1.0)?);
        if sigma <= 0.0 {
            return Err(doc.err(spec, format!("'{name}': sigma must be positive")));
        }
        if distribution.contains("log_normal") {
            Shape::LogNormal { mu, sigma }
        } else {
            Shape::Normal { mu, sigma }
        }
    };
    let d = Shaped { shape, q };
    // The most extreme draws (u = 2^-53 and 1 − 2^-53 through the inverse
    // CDF) must be numbers: log_normal with mu 1000 drew infinity, which
    // reached `expand` and the Slurm trials file as null.
    let tail = f64::EPSILON / 2.0;
    if !(d.ppf(tail).is_finite() && d.ppf(1.0 - tail).is_finite()) {
        return Err(doc.err(
            spec,
            format!("'{name}': {distribution} with these parameters draws values beyond the largest float; make mu and sigma smaller"),
        ));
    }
    Ok(Domain::Range {
        min: d.ppf(0.001),
        max: d.ppf(0.999),
        distribution: Distribution::Shaped(d),
        grid_points: None,
    })
}

/// Distributions with `min` and `max`.
fn bounded(doc: &Doc, spec: &Node, name: &str, distribution: &str) -> Result<Domain> {
    let (lo_node, hi_node) = (
        required(doc, spec, "min", name)?,
        required(doc, spec, "max", name)?,
    );
    let (lo, hi) = (number(doc, lo_node, "min")?, number(doc, hi_node, "max")?);
    if lo > hi || (lo == hi && distribution != "int_uniform") {
        return Err(doc.err(
            lo_node,
            format!("parameter '{name}' has min {lo} ≥ max {hi}; min must be below max"),
        ));
    }
    let positive = |what: &str| -> Result<()> {
        if lo > 0.0 {
            Ok(())
        } else {
            Err(doc.err(
                lo_node,
                format!("parameter '{name}' is {what}, so min must be positive, not {lo}"),
            ))
        }
    };
    let range = |min: f64, max: f64, d: Distribution| {
        let log = matches!(d, Distribution::LogUniform | Distribution::QLogUniform(_));
        if min.is_finite() && max.is_finite() && min < max && (!log || min > 0.0) {
            Ok(Domain::Range {
                min,
                max,
                distribution: d,
                grid_points: None,
            })
        } else {
            Err(doc.err(
                lo_node,
                format!("parameter '{name}': exp of its bounds is out of range"),
            ))
        }
    };
    match distribution {
        "int_uniform" => {
            if lo.fract() != 0.0 || hi.fract() != 0.0 {
                return Err(doc.err(
                    lo_node,
                    format!("parameter '{name}' is int_uniform, so min and max must be integers"),
                ));
            }
            if lo == hi {
                return Ok(Domain::Constant(crate::space::Level::Num(lo)));
            }
            range(lo, hi, Distribution::IntUniform)
        }
        "uniform" => range(lo, hi, Distribution::Uniform),
        "q_uniform" => range(lo, hi, Distribution::QUniform(q_of(doc, spec)?)),
        "log_uniform" => range(lo.exp(), hi.exp(), Distribution::LogUniform),
        "q_log_uniform" => range(
            lo.exp(),
            hi.exp(),
            Distribution::QLogUniform(q_of(doc, spec)?),
        ),
        "inv_log_uniform" => range((-hi).exp(), (-lo).exp(), Distribution::LogUniform),
        "log_uniform_values" | "inv_log_uniform_values" => {
            positive(distribution)?;
            range(lo, hi, Distribution::LogUniform)
        }
        _ => {
            positive(distribution)?;
            range(lo, hi, Distribution::QLogUniform(q_of(doc, spec)?))
        }
    }
}

/// `early_terminate: {type: hyperband, min_iter | max_iter + s, eta, strict}`.
fn early_terminate(doc: &Doc, node: &Node) -> Result<EarlyTerminate> {
    const KEYS: [&str; 6] = ["type", "min_iter", "max_iter", "s", "eta", "strict"];
    for (k, _) in node.entries() {
        if !KEYS.contains(&k.key_text().as_str()) {
            return Err(unknown_key(doc, k, &KEYS, "early_terminate"));
        }
    }
    match node.get("type").and_then(Node::as_str) {
        Some("hyperband") => {}
        _ => {
            return Err(doc.err(
                node,
                "early_terminate needs `type: hyperband` (W&B's only type)",
            ))
        }
    }
    let int = |key: &str, min: u64| node.get(key).map(|n| whole(doc, n, key, min)).transpose();
    let (min_iter, max_iter, s) = (int("min_iter", 1)?, int("max_iter", 1)?, int("s", 1)?);
    if min_iter.is_none() && (max_iter.is_none() || s.is_none()) {
        return Err(doc.err(
            node,
            "early_terminate needs `min_iter`, or `max_iter` and `s`",
        ));
    }
    let eta = match node.get("eta") {
        None => 3.0,
        Some(e) => match number(doc, e, "eta")? {
            x if x > 1.0 => x,
            x => return Err(doc.err(e, format!("eta must be above 1, not {x}"))),
        },
    };
    Ok(EarlyTerminate {
        min_iter,
        max_iter,
        s,
        eta,
        node: node.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::Level;
    use std::path::Path;

    fn read_text(text: &str) -> Result<Imported> {
        super::super::parse(Path::new("sweep.yaml"), text, Source::Wandb)
    }

    #[test]
    fn inference_rules_and_nesting() {
        let i = read_text(
            "method: bayes\nmetric: {name: loss, goal: minimize}\nparameters:\n  epochs: {min: 1, max: 10}\n  lr: {min: 0.001, max: 0.1}\n  model: {values: resnet}\n  flag: {value: true}\n  optimizer:\n    parameters:\n      lr: {distribution: log_uniform, min: -9.21, max: -2.3}\n",
        )
        .unwrap();
        let names: Vec<&str> = i.params.iter().map(|p| p.param.name.as_str()).collect();
        assert_eq!(names, ["epochs", "lr", "model", "flag", "optimizer.lr"]);
        assert!(matches!(
            i.params[0].param.domain,
            Domain::Range {
                distribution: Distribution::IntUniform,
                ..
            }
        ));
        assert!(matches!(
            i.params[1].param.domain,
            Domain::Range {
                distribution: Distribution::Uniform,
                ..
            }
        ));
        assert_eq!(
            i.params[2].param.domain,
            Domain::Values(vec![Level::Text("resnet".into())])
        );
        assert_eq!(
            i.params[3].param.domain,
            Domain::Constant(Level::Bool(true))
        );
        // log_uniform bounds are exponents: e^-9.21 = 1.0002e-4, e^-2.3 = 0.1003.
        let Domain::Range { min, max, .. } = i.params[4].param.domain else {
            panic!()
        };
        assert!(
            (min - 1.0002e-4).abs() < 1e-7 && (max - 0.100_26).abs() < 1e-4,
            "{min} {max}"
        );
        assert_eq!(i.params[4].path, ["optimizer", "lr"]);
        assert_eq!(i.method, Method::Bayes);
        assert_eq!(i.kept[0].0, "metric");
    }

    #[test]
    fn mistakes_are_located_with_suggestions() {
        let e = read_text("method: random\nparameters:\n  lr: {distribution: log_uniform_value, min: 0.1, max: 1}\n").unwrap_err().to_string();
        assert!(e.starts_with("sweep.yaml:3:"), "{e}");
        assert!(e.contains("did you mean 'log_uniform_values'"), "{e}");
        let e = read_text("method: random\nrun_caps: 5\nparameters:\n  lr: {values: [1]}\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("sweep.yaml:2:1: unknown key 'run_caps'"),
            "{e}"
        );
        assert!(e.contains("did you mean 'run_cap'"), "{e}");
        let e = read_text(
            "method: random\nparameters:\n  lr: {distribution: normal, min: 0, max: 1}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`min` does not apply to normal"), "{e}");
    }

    #[test]
    fn non_finite_bounds_are_named() {
        // `.nan` and `.inf` are read as floats; the message names them (it
        // said "null", the JSON of a NaN).
        for (bound, shown) in [(".nan", "NaN"), (".inf", "inf"), ("-.inf", "-inf")] {
            let text = format!("method: random\nparameters:\n  a:\n    min: {bound}\n    max: 1\n");
            let e = read_text(&text).unwrap_err().to_string();
            assert!(
                e.contains(&format!("`min` must be a finite number, not {shown}")),
                "{e}"
            );
        }
    }

    #[test]
    fn shaped_distributions_must_draw_numbers() {
        // exp(1000 + 8σ) and 1e300 · 8 overflow; mu 5, sigma 1 does not.
        for (dist, mu, sigma, ok) in [
            ("log_normal", "1000", "100", false),
            ("q_normal", "0", "1e308", false),
            ("log_normal", "5", "1", true),
        ] {
            let text = format!("method: random\nparameters:\n  a:\n    distribution: {dist}\n    mu: {mu}\n    sigma: {sigma}\n");
            match read_text(&text) {
                Ok(_) => assert!(ok, "{dist} {mu} {sigma} accepted"),
                Err(e) => assert!(
                    !ok && e.to_string().contains("beyond the largest float"),
                    "{e}"
                ),
            }
        }
    }
}
