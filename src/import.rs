//! Sweeps users already have: a W&B sweep configuration or a Hydra
//! multirun configuration (basic or Optuna sweeper), read into parameters
//! and a search method.
//!
//! A scenario names the file in `[import]` (`wandb = "sweep.yaml"` or
//! `hydra = "config.yaml"`, relative to the scenario) and adds the cost
//! model, hardware and regions; [`crate::scenario`] merges the two.
//! Everything the file says that co2sweep does not plan with (W&B's
//! `program`, `command`, `metric`, `name`, …) is kept for
//! [`crate::export`].

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::space::{Level, Param};
use crate::suggest;

pub mod hydra;
pub mod wandb;
pub mod yaml;

use yaml::{Doc, Node, Value};

/// Largest file imported (real sweep files are a few KB).
pub const MAX_IMPORT_BYTES: u64 = 16 * 1024 * 1024;

/// Which tool the file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A W&B sweep configuration.
    Wandb,
    /// A Hydra configuration with `hydra.sweeper`.
    Hydra,
}

/// The search method of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Every combination.
    Grid,
    /// Independent draws.
    Random,
    /// A model-based optimiser (W&B bayes, Optuna TPE, …).
    Bayes,
}

impl Method {
    /// The strategy name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Grid => "grid",
            Method::Random => "random",
            Method::Bayes => "bayes",
        }
    }
}

/// W&B's `early_terminate` settings, before the trial length is known.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlyTerminate {
    /// `min_iter`.
    pub min_iter: Option<u64>,
    /// `max_iter`.
    pub max_iter: Option<u64>,
    /// `s`.
    pub s: Option<u64>,
    /// `eta` (default 3).
    pub eta: f64,
    /// The table as written, for export and messages.
    pub node: Node,
}

/// One imported parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedParam {
    /// The parameter (its name is the dotted path for nested W&B parameters).
    pub param: Param,
    /// The nesting path (one element unless nested under `parameters:`).
    pub path: Vec<String>,
    /// The W&B specification as written (W&B files only).
    pub spec: Option<Node>,
}

/// What an imported file says.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Which tool.
    pub source: Source,
    /// The file.
    pub path: PathBuf,
    /// Parameters, in file order.
    pub params: Vec<ImportedParam>,
    /// The search method.
    pub method: Method,
    /// Runs the file asks for (`run_cap`, `n_trials`), if any.
    pub trials: Option<u64>,
    /// W&B's early termination, if any.
    pub early_terminate: Option<EarlyTerminate>,
    /// Top-level entries kept for export (`program`, `command`, `metric`, …).
    pub kept: Vec<(String, Node)>,
}

/// Read and parse an imported file.
pub fn load(path: &Path, source: Source) -> Result<Imported> {
    let text = crate::input::read_text(path, "imported file", MAX_IMPORT_BYTES)?;
    parse(path, &text, source)
}

/// Parse an imported file's text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str, source: Source) -> Result<Imported> {
    let doc = yaml::parse(path, text)?;
    if !matches!(doc.root.value, Value::Map(_)) {
        return Err(doc.err(
            &doc.root,
            "expected a mapping of keys at the top of the file",
        ));
    }
    match source {
        Source::Wandb => wandb::read(&doc),
        Source::Hydra => hydra::read(&doc, text),
    }
}

/// A node as a parameter level: numbers, strings, booleans and null keep
/// their types; lists and mappings are kept as JSON.
pub fn level(doc: &Doc, node: &Node) -> Result<Level> {
    Ok(match &node.value {
        Value::Int(i) => Level::Num(*i as f64),
        Value::Float(f) if f.is_finite() => Level::Num(*f),
        Value::Float(f) => return Err(doc.err(node, format!("{f} is not a finite number"))),
        Value::Str(s) => Level::Text(s.clone()),
        Value::Bool(b) => Level::Bool(*b),
        Value::Null => Level::Null,
        Value::Seq(_) | Value::Map(_) => Level::Raw(node.json()),
    })
}

/// A finite number, or an error naming `what`.
pub fn number(doc: &Doc, node: &Node, what: &str) -> Result<f64> {
    match node.as_f64() {
        Some(x) if x.is_finite() => Ok(x),
        // JSON has no NaN or infinity (json() writes null): name them.
        Some(x) => Err(doc.err(node, format!("`{what}` must be a finite number, not {x}"))),
        None => Err(doc.err(
            node,
            format!("`{what}` must be a finite number, not {}", node.json()),
        )),
    }
}

/// A whole number ≥ `min`, or an error naming `what`.
pub fn whole(doc: &Doc, node: &Node, what: &str, min: u64) -> Result<u64> {
    match node.value {
        Value::Int(i) if i >= 0 && i as u64 >= min => Ok(i as u64),
        Value::Float(f) if f.fract() == 0.0 && f >= min as f64 && f < 1e18 => Ok(f as u64),
        _ => Err(doc.err(
            node,
            format!(
                "`{what}` must be a whole number of at least {min}, not {}",
                node.json()
            ),
        )),
    }
}

/// The error for a key that is not one of `valid`, with a suggestion.
pub fn unknown_key(doc: &Doc, key: &Node, valid: &[&str], place: &str) -> Error {
    let name = key.key_text();
    let hint = suggest::closest(&name, valid.iter().copied())
        .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
    doc.err(
        key,
        format!(
            "unknown key '{name}' in {place}{hint}; valid keys here: {}",
            valid.join(", ")
        ),
    )
}
