//! A YAML document as a tree whose every node knows its line and column,
//! so that mistakes in imported files are reported as file:line:column.
//!
//! Built from the events of `yaml-rust2` (YAML 1.2). Plain scalars are
//! resolved as numbers (`1e-4` too, which PyYAML would leave a string),
//! booleans (`true`, `True`, `TRUE`, and YAML 1.1's `yes`/`no`/`on`/`off`,
//! as PyYAML reads them for W&B and Hydra), null (`null`, `~`, empty) or
//! strings; quoted scalars are always strings. Anchors and aliases work.

use std::collections::HashMap;
use std::path::Path;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::error::{Error, Result};

/// A value of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in file order.
    Map(Vec<(Node, Node)>),
}

/// A value and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// A mapping's entries (none for other values).
    pub fn entries(&self) -> impl Iterator<Item = (&Node, &Node)> {
        let list: &[(Node, Node)] = match &self.value {
            Value::Map(m) => m,
            _ => &[],
        };
        list.iter().map(|(k, v)| (k, v))
    }

    /// The text of a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A number (integer or real).
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The key as text: strings as they are, other scalars as written.
    pub fn key_text(&self) -> String {
        match &self.value {
            Value::Str(s) => s.clone(),
            _ => self.json(),
        }
    }

    /// The value as compact JSON, keys in file order (non-finite numbers
    /// become null).
    pub fn json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
        match &self.value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(&b.to_string()),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) if f.is_finite() => out.push_str(
                &serde_json::Number::from_f64(*f).map_or("null".into(), |n| n.to_string()),
            ),
            Value::Float(_) => out.push_str("null"),
            Value::Str(s) => out.push_str(&quote(s)),
            Value::Seq(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Map(entries) => {
                out.push('{');
                for (k, (key, value)) in entries.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(&key.key_text()));
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// A parsed file, for located errors.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The file.
    pub path: std::path::PathBuf,
    /// Its root node (an empty mapping for an empty file).
    pub root: Node,
}

impl Doc {
    /// An error at a node.
    pub fn err(&self, node: &Node, message: impl Into<String>) -> Error {
        Error::at_line(&self.path, node.line as u64, node.col as u64, message)
    }
}

/// Parse YAML text; `path` is only used in messages.
pub fn parse(path: &Path, text: &str) -> Result<Doc> {
    let mut sink = Sink::default();
    Parser::new_from_str(text)
        .load(&mut sink, false)
        .map_err(|e| {
            let m = e.marker();
            Error::at_line(
                path,
                m.line() as u64,
                m.col() as u64 + 1,
                format!("not valid YAML: {}", e.info()),
            )
        })?;
    let mut events = sink.events.into_iter().peekable();
    let mut anchors = HashMap::new();
    let root = loop {
        match events.peek() {
            None => break None,
            Some((
                Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_),
                _,
            )) => break Some(build(&mut events, &mut anchors, path)?),
            Some(_) => {
                events.next();
            }
        }
    };
    Ok(Doc {
        path: path.to_path_buf(),
        root: root.unwrap_or(Node {
            value: Value::Map(Vec::new()),
            line: 1,
            col: 1,
        }),
    })
}

#[derive(Default)]
struct Sink {
    events: Vec<(Event, Marker)>,
}

impl MarkedEventReceiver for Sink {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.events.push((ev, mark));
    }
}

type Events = std::iter::Peekable<std::vec::IntoIter<(Event, Marker)>>;

/// Deepest nesting read (a bound against hostile files).
const MAX_DEPTH: usize = 200;

fn build(events: &mut Events, anchors: &mut HashMap<usize, Node>, path: &Path) -> Result<Node> {
    build_at(events, anchors, path, 0)
}

fn build_at(
    events: &mut Events,
    anchors: &mut HashMap<usize, Node>,
    path: &Path,
    depth: usize,
) -> Result<Node> {
    let Some((event, mark)) = events.next() else {
        return Err(Error::input(format!(
            "{}: the YAML ends early",
            path.display()
        )));
    };
    let (line, col) = (mark.line(), mark.col() + 1);
    if depth > MAX_DEPTH {
        return Err(Error::at_line(
            path,
            line as u64,
            col as u64,
            "the YAML nests deeper than 200 levels",
        ));
    }
    let at = |value| Node { value, line, col };
    let (node, anchor) = match event {
        Event::Scalar(text, style, anchor, _) => (at(scalar(text, style)), anchor),
        Event::Alias(id) => {
            let node = anchors.get(&id).cloned().ok_or_else(|| {
                Error::at_line(path, line as u64, col as u64, "an alias names no anchor")
            })?;
            return Ok(node);
        }
        Event::SequenceStart(anchor, _) => {
            let mut items = Vec::new();
            while !matches!(events.peek(), Some((Event::SequenceEnd, _)) | None) {
                items.push(build_at(events, anchors, path, depth + 1)?);
            }
            events.next();
            (at(Value::Seq(items)), anchor)
        }
        Event::MappingStart(anchor, _) => {
            let mut entries = Vec::new();
            while !matches!(events.peek(), Some((Event::MappingEnd, _)) | None) {
                let key = build_at(events, anchors, path, depth + 1)?;
                let value = build_at(events, anchors, path, depth + 1)?;
                entries.push((key, value));
            }
            events.next();
            (at(Value::Map(entries)), anchor)
        }
        other => {
            return Err(Error::at_line(
                path,
                line as u64,
                col as u64,
                format!("unexpected YAML event {other:?}"),
            ))
        }
    };
    if anchor > 0 {
        anchors.insert(anchor, node.clone());
    }
    Ok(node)
}

/// Resolve a scalar's type.
fn scalar(text: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::Str(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let plain = text.replace('_', "");
    if let Ok(i) = plain.parse::<i64>() {
        return Value::Int(i);
    }
    let numeric = plain
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && plain.bytes().any(|b| b.is_ascii_digit());
    if numeric {
        if let Ok(f) = plain.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc {
        parse(Path::new("t.yaml"), text).unwrap()
    }

    #[test]
    fn scalars_are_typed_and_located() {
        let d = doc("a: 1\nb: 1e-4\nc: '1'\nd: true\ne: ~\nf: [x, 2.5]\n");
        let r = &d.root;
        assert_eq!(r.get("a").unwrap().value, Value::Int(1));
        assert_eq!(r.get("b").unwrap().value, Value::Float(1e-4));
        assert_eq!(r.get("c").unwrap().value, Value::Str("1".into()));
        assert_eq!(r.get("d").unwrap().value, Value::Bool(true));
        assert_eq!(r.get("e").unwrap().value, Value::Null);
        let f = r.get("f").unwrap();
        // `f: [x, 2.5]`: the list starts on line 6, column 4.
        assert_eq!((f.line, f.col), (6, 4));
        assert_eq!(f.json(), r#"["x",2.5]"#);
    }

    #[test]
    fn aliases_and_errors() {
        let d = doc("base: &b {min: 1, max: 2}\nother: *b\n");
        assert_eq!(d.root.get("other").unwrap().json(), r#"{"min":1,"max":2}"#);
        let e = parse(Path::new("t.yaml"), "a: [1, 2\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.yaml:"), "{e}");
    }
}
