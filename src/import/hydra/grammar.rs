//! Hydra's override grammar, as far as a sweep needs it: `a,b,c`,
//! `name(args)` with positional and `key=value` arguments, quoted strings,
//! flow lists and dicts, and primitives.

use crate::space::Level;

/// A parsed element of Hydra's override grammar.
#[derive(Debug, Clone, PartialEq)]
pub enum El {
    Prim(Level),
    Call(String, Vec<(Option<String>, El)>),
}

/// A recursive-descent reader of Hydra's override values.
pub struct Grammar<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Grammar<'a> {
    pub fn new(text: &'a str) -> Grammar<'a> {
        Grammar {
            s: text.as_bytes(),
            pos: 0,
        }
    }
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
    pub fn sweep(&mut self) -> Result<Vec<El>, String> {
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

    fn list_until(&mut self, close: Option<u8>) -> Result<Vec<El>, String> {
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

    fn element(&mut self, depth: usize) -> Result<El, String> {
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
                let json = super::super::yaml::parse(std::path::Path::new("-"), &text).map_or_else(
                    |_| serde_json::to_string(&text).unwrap_or_default(),
                    |d| d.root.json(),
                );
                Ok(El::Prim(Level::Raw(json)))
            }
            _ => self.bare(depth),
        }
    }

    fn bare(&mut self, depth: usize) -> Result<El, String> {
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
    fn arg(&mut self, depth: usize) -> Result<(Option<String>, El), String> {
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
