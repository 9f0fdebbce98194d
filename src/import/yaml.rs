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
    // A byte-order mark is not part of the first key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
    let mut b = Builder {
        events: sink.events.into_iter().peekable(),
        anchors: HashMap::new(),
        path,
        nodes: 0,
    };
    let root = loop {
        match b.events.peek() {
            None => break None,
            Some((
                Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(_),
                _,
            )) => break Some(b.node(0)?.0),
            Some(_) => {
                b.events.next();
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

/// Deepest nesting read, aliases included (a bound against hostile files).
const MAX_DEPTH: usize = 200;

/// Most nodes a document may expand to, each alias counting the nodes it
/// copies (a bound against "billion laughs": a few hundred bytes of nested
/// aliases would otherwise expand to gigabytes).
pub const MAX_NODES: u64 = 1_000_000;

/// An anchored node, with its size and height for the bounds.
struct Anchored {
    node: Node,
    nodes: u64,
    height: usize,
}

/// The tree being built from the events, and what the bounds count.
struct Builder<'a> {
    events: Events,
    anchors: HashMap<usize, Anchored>,
    path: &'a Path,
    /// Nodes made so far, aliases' copies included.
    nodes: u64,
}

impl Builder<'_> {
    fn fail(&self, (line, col): (usize, usize), message: impl Into<String>) -> Error {
        Error::at_line(self.path, line as u64, col as u64, message)
    }

    /// Count `n` more nodes, whose deepest lies `height` below `depth`.
    fn count(&mut self, at: (usize, usize), n: u64, depth: usize, height: usize) -> Result<()> {
        self.nodes += n;
        if depth + height > MAX_DEPTH {
            return Err(self.fail(
                at,
                format!("the YAML nests deeper than {MAX_DEPTH} levels (aliases included)"),
            ));
        }
        if self.nodes > MAX_NODES {
            return Err(self.fail(at, format!("the YAML expands to more than {MAX_NODES} values (aliases copy what they name)")));
        }
        Ok(())
    }

    /// The next node, at `depth`, and its height.
    fn node(&mut self, depth: usize) -> Result<(Node, usize)> {
        let Some((event, mark)) = self.events.next() else {
            return Err(Error::input(format!(
                "{}: the YAML ends early",
                self.path.display()
            )));
        };
        let (line, col) = (mark.line(), mark.col() + 1);
        let before = self.nodes;
        self.count((line, col), 1, depth, 0)?;
        let at = |value| Node { value, line, col };
        let ((node, height), anchor) = match event {
            Event::Scalar(text, style, anchor, _) => ((at(scalar(text, style)), 0), anchor),
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    return Err(self.fail((line, col), "an alias names no anchor"));
                };
                let (node, nodes, height) = (a.node.clone(), a.nodes, a.height);
                self.count((line, col), nodes - 1, depth, height)?;
                return Ok((node, height));
            }
            Event::SequenceStart(anchor, _) => {
                let (mut items, mut height) = (Vec::new(), 0);
                while !matches!(self.events.peek(), Some((Event::SequenceEnd, _)) | None) {
                    let (item, h) = self.node(depth + 1)?;
                    items.push(item);
                    height = height.max(h + 1);
                }
                self.events.next();
                ((at(Value::Seq(items)), height), anchor)
            }
            Event::MappingStart(anchor, _) => {
                let (mut entries, mut height) = (Vec::new(), 0);
                while !matches!(self.events.peek(), Some((Event::MappingEnd, _)) | None) {
                    let (key, hk) = self.node(depth + 1)?;
                    let (value, hv) = self.node(depth + 1)?;
                    entries.push((key, value));
                    height = height.max(hk.max(hv) + 1);
                }
                self.events.next();
                ((at(Value::Map(entries)), height), anchor)
            }
            other => return Err(self.fail((line, col), format!("unexpected YAML event {other:?}"))),
        };
        if anchor > 0 {
            let nodes = self.nodes - before;
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    nodes,
                    height,
                },
            );
        }
        Ok((node, height))
    }
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
    if let Some(i) = int(&text) {
        return Value::Int(i);
    }
    // A float: digits with a point or an exponent (`1e-5` too, as OmegaConf
    // and W&B users write it), underscores after the first digit.
    let unsigned = text.trim_start_matches(['+', '-']);
    let plain = text.replace('_', "");
    // A decimal integer beyond an i64 (PyYAML: a big int) is a float here.
    let big = unsigned.starts_with(|c: char| ('1'..='9').contains(&c))
        && unsigned.chars().all(|c| c.is_ascii_digit() || c == '_');
    let numeric = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && (big || plain.contains(['.', 'e', 'E']))
        && plain
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

/// A plain scalar as PyYAML's YAML 1.1 resolver reads an integer: `0`,
/// decimal `[1-9][0-9_]*`, binary `0b…`, octal `0…`, hexadecimal `0x…`,
/// base 60 `1:30`, with a sign; underscores anywhere after the first
/// digit. `None` for anything else (`_1`, `08`, or beyond an `i64`).
fn int(text: &str) -> Option<i64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = if body == "0" {
        0
    } else if let Some(digits) = body.strip_prefix("0b") {
        radix(digits, 2)?
    } else if let Some(digits) = body.strip_prefix("0x") {
        radix(digits, 16)?
    } else if let Some(digits) = body.strip_prefix('0') {
        radix(digits, 8)?
    } else if body.contains(':') {
        base_60(body)?
    } else if body.starts_with(|c: char| c.is_ascii_digit()) {
        radix(body, 10)?
    } else {
        return None;
    };
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

/// Digits of `radix` and underscores, at least one digit, not starting
/// with an underscore (after a prefix, PyYAML allows one: `0x_1`).
fn radix(digits: &str, radix: u32) -> Option<i128> {
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() || !clean.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    i128::from_str_radix(&clean, radix).ok()
}

/// `[1-9][0-9_]*(:[0-5]?[0-9])+`: 1:30 is 90.
fn base_60(body: &str) -> Option<i128> {
    let mut parts = body.split(':');
    let head = parts.next()?;
    if !head.starts_with(|c: char| ('1'..='9').contains(&c)) {
        return None;
    }
    let mut value = radix(head, 10)?;
    for part in parts {
        let ok = (1..=2).contains(&part.len()) && part.chars().all(|c| c.is_ascii_digit());
        let n: i128 = part.parse().ok().filter(|&n| ok && n < 60)?;
        value = value.checked_mul(60)?.checked_add(n)?;
    }
    Some(value)
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
    fn integers_as_pyyaml_reads_them() {
        // PyYAML 6 (YAML 1.1): [_1, 1_, 0x10, 017, 12:30, 0b11, 08, -0b101,
        // 1_000, +7, 0, 1e3, 2.5_0] loads as
        // ['_1', 1, 16, 15, 750, 3, '08', -5, 1000, 7, 0, ·, 2.5]; 1e3 is a
        // string there, a float here (as OmegaConf reads it).
        let d = doc("v: [_1, 1_, 0x10, 017, 12:30, 0b11, 08, -0b101, 1_000, +7, 0, 1e3, 2.5_0]\n");
        assert_eq!(
            d.root.get("v").unwrap().json(),
            r#"["_1",1,16,15,750,3,"08",-5,1000,7,0,1000.0,2.5]"#
        );
        // 10^20 is beyond an i64: a float, as before.
        let d = doc("v: 100000000000000000000\n");
        assert_eq!(d.root.get("v").unwrap().value, Value::Float(1e20));
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

    #[test]
    fn aliases_count_toward_the_bounds() {
        // Billion laughs: level k lists level k−1 ten times, so level 6
        // expands to 10^6 scalars, past MAX_NODES (the 6 lines are 300 bytes).
        let mut text = "l0: &a0 x\n".to_string();
        for k in 1..=6 {
            let prev = format!("*a{}", k - 1);
            text += &format!("l{k}: &a{k} [{}]\n", vec![prev; 10].join(", "));
        }
        let e = parse(Path::new("t.yaml"), &text).unwrap_err().to_string();
        assert!(
            e.starts_with("t.yaml:7:") && e.contains("more than 1000000 values"),
            "{e}"
        );
        // Five levels (10^5 scalars, 111,111 nodes) are read.
        let five: String = text.lines().take(6).map(|l| format!("{l}\n")).collect();
        assert!(parse(Path::new("t.yaml"), &five).is_ok());
        // Nesting through aliases: each anchor 150 levels deep, the second
        // nests the first: 300 levels, past MAX_DEPTH = 200.
        let deep = |inner: &str| format!("{}{inner}{}", "[".repeat(150), "]".repeat(150));
        let text = format!("a: &a {}\nb: &b {}\n", deep("1"), deep("*a"));
        let e = parse(Path::new("t.yaml"), &text).unwrap_err().to_string();
        assert!(
            e.starts_with("t.yaml:2:") && e.contains("deeper than 200 levels"),
            "{e}"
        );
        // A byte-order mark is skipped.
        let d = parse(Path::new("t.yaml"), "\u{feff}method: grid\n").unwrap();
        assert_eq!(
            d.root.entries().next().map(|(k, _)| k.key_text()),
            Some("method".into())
        );
    }
}
