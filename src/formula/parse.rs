//! The formula tokenizer and recursive-descent parser, compiling to the
//! flat stack program of [`super::Formula`].

use super::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tok {
    Num(f64),
    Name,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    Comma,
    End,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub(super) kind: Tok,
    pub(super) offset: usize,
    pub(super) len: usize,
}

pub(super) fn tokenize(s: &str) -> Result<Vec<Token>, FormulaError> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let single = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'+' => Some(Tok::Plus),
            b'-' => Some(Tok::Minus),
            b'/' => Some(Tok::Slash),
            b'^' => Some(Tok::Caret),
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b',' => Some(Tok::Comma),
            b'*' if bytes.get(i + 1) == Some(&b'*') => {
                out.push(Token {
                    kind: Tok::Caret,
                    offset: i,
                    len: 2,
                });
                i += 2;
                continue;
            }
            b'*' => Some(Tok::Star),
            _ => None,
        };
        if let Some(kind) = single {
            out.push(Token {
                kind,
                offset: i,
                len: 1,
            });
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || c == b'.' {
            let token = number(s, start)?;
            i += token.len;
            out.push(token);
            continue;
        }
        if c == b'`' {
            let token = quoted(s, start)?;
            i += token.len + 2;
            out.push(token);
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                kind: Tok::Name,
                offset: start,
                len: i - start,
            });
            continue;
        }
        let ch = s[i..].chars().next().unwrap_or('?');
        return Err(FormulaError::Syntax {
            offset: i,
            len: ch.len_utf8(),
            message: format!("unexpected character '{ch}'"),
        });
    }
    out.push(Token {
        kind: Tok::End,
        offset: s.len(),
        len: 1,
    });
    Ok(out)
}
/// The number starting at byte `start` of `s`: digits, an optional
/// fraction and an optional exponent.
fn number(s: &str, start: usize) -> Result<Token, FormulaError> {
    let bytes = s.as_bytes();
    let mut i = start;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if !(j < bytes.len() && bytes[j].is_ascii_digit()) {
            return Err(FormulaError::Syntax {
                offset: start,
                len: j - start,
                message: format!(
                    "'{}' is not a number: the exponent has no digits",
                    &s[start..j]
                ),
            });
        }
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        i = j;
    }
    let text = &s[start..i];
    let value: f64 = text.parse().map_err(|_| FormulaError::Syntax {
        offset: start,
        len: i - start,
        message: format!("'{text}' is not a number"),
    })?;
    Ok(Token {
        kind: Tok::Num(value),
        offset: start,
        len: i - start,
    })
}

/// The backquoted name opening at byte `start` of `s` (the token spans
/// the text between the quotes).
fn quoted(s: &str, start: usize) -> Result<Token, FormulaError> {
    let Some(len) = s[start + 1..].find('`') else {
        return Err(FormulaError::Syntax {
            offset: start,
            len: 1,
            message: "a backquoted name is not closed: add the closing '`'".into(),
        });
    };
    if len == 0 {
        return Err(FormulaError::Syntax {
            offset: start,
            len: 2,
            message: "empty backquoted name".into(),
        });
    }
    Ok(Token {
        kind: Tok::Name,
        offset: start + 1,
        len,
    })
}

pub(super) struct Parser<'a> {
    pub(super) tokens: &'a [Token],
    pub(super) pos: usize,
    pub(super) variables: &'a [&'a str],
    pub(super) tables: &'a [&'a str],
    pub(super) calls: Vec<TableCall>,
    pub(super) program: Vec<Op>,
    pub(super) source: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Token {
        self.tokens[self.pos]
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.pos];
        if t.kind != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn text(&self, t: Token) -> &str {
        &self.source[t.offset..(t.offset + t.len).min(self.source.len())]
    }

    fn deeper(&self, depth: usize) -> Result<usize, FormulaError> {
        if depth >= MAX_DEPTH {
            Err(FormulaError::TooDeep {
                offset: self.peek().offset,
                limit: MAX_DEPTH,
            })
        } else {
            Ok(depth + 1)
        }
    }

    pub(super) fn expr(&mut self, depth: usize) -> Result<(), FormulaError> {
        let depth = self.deeper(depth)?;
        self.term(depth)?;
        loop {
            let op = match self.peek().kind {
                Tok::Plus => Op::Add,
                Tok::Minus => Op::Sub,
                _ => return Ok(()),
            };
            self.next();
            self.term(depth)?;
            self.program.push(op);
        }
    }

    fn term(&mut self, depth: usize) -> Result<(), FormulaError> {
        self.unary(depth)?;
        loop {
            let op = match self.peek().kind {
                Tok::Star => Op::Mul,
                Tok::Slash => Op::Div,
                _ => return Ok(()),
            };
            self.next();
            self.unary(depth)?;
            self.program.push(op);
        }
    }

    fn unary(&mut self, depth: usize) -> Result<(), FormulaError> {
        match self.peek().kind {
            Tok::Minus => {
                self.next();
                self.unary(self.deeper(depth)?)?;
                self.program.push(Op::Neg);
                Ok(())
            }
            Tok::Plus => {
                self.next();
                self.unary(self.deeper(depth)?)
            }
            _ => self.power(depth),
        }
    }

    fn power(&mut self, depth: usize) -> Result<(), FormulaError> {
        self.atom(depth)?;
        if self.peek().kind == Tok::Caret {
            self.next();
            self.unary(self.deeper(depth)?)?;
            self.program.push(Op::Pow);
        }
        Ok(())
    }

    fn atom(&mut self, depth: usize) -> Result<(), FormulaError> {
        let t = self.next();
        match t.kind {
            Tok::Num(v) => {
                self.program.push(Op::Const(v));
                Ok(())
            }
            Tok::LParen => {
                self.expr(depth)?;
                self.expect_close(t)
            }
            Tok::Name if self.peek().kind == Tok::LParen => self.call(t, depth),
            Tok::Name => {
                let i = self.variable(t)?;
                self.program.push(Op::Load(i));
                Ok(())
            }
            Tok::End => Err(FormulaError::Syntax {
                offset: t.offset,
                len: 1,
                message: "unexpected end of formula: a number, parameter or '(' is missing".into(),
            }),
            _ => Err(FormulaError::Syntax {
                offset: t.offset,
                len: t.len,
                message: format!(
                    "expected a number, parameter or '(' but found '{}'",
                    self.text(t)
                ),
            }),
        }
    }

    fn expect_close(&mut self, open: Token) -> Result<(), FormulaError> {
        let t = self.next();
        if t.kind == Tok::RParen {
            Ok(())
        } else {
            let column = self.source[..open.offset].chars().count() + 1;
            Err(FormulaError::Syntax {
                offset: t.offset,
                len: t.len,
                message: format!("expected ')' to close '(' at column {column}"),
            })
        }
    }

    /// `table(variable)`: one bare parameter name as the argument.
    fn table_call(&mut self, name_tok: Token, table: usize) -> Result<(), FormulaError> {
        let open = self.next();
        let arg = self.next();
        let variable = match arg.kind {
            Tok::Name => self.variable(arg)?,
            _ => {
                return Err(FormulaError::Syntax {
                    offset: arg.offset,
                    len: arg.len,
                    message: format!(
                        "table '{}' takes one parameter name, e.g. {}(model)",
                        self.text(name_tok),
                        self.text(name_tok)
                    ),
                })
            }
        };
        self.expect_close(open)?;
        let k = self.calls.len();
        self.calls.push(TableCall {
            table,
            variable,
            offset: name_tok.offset,
            len: name_tok.len,
        });
        self.program.push(Op::Table(k, variable));
        Ok(())
    }

    /// The index of the variable a name token names. A Hydra override
    /// that adds its key (`+epochs`, `++epochs`) names a variable a formula
    /// cannot spell with its plus signs: it answers to `epochs` too.
    fn variable(&self, t: Token) -> Result<usize, FormulaError> {
        let name = self.text(t);
        let exact = self.variables.iter().position(|v| *v == name);
        exact
            .or_else(|| {
                (self.variables.iter())
                    .position(|v| v.strip_prefix("++").or(v.strip_prefix('+')) == Some(name))
            })
            .ok_or_else(|| FormulaError::UnknownVariable {
                name: name.to_string(),
                offset: t.offset,
                len: t.len,
                suggestion: suggest::closest(name, self.variables.iter().copied())
                    .map(str::to_string),
            })
    }

    fn call(&mut self, name_tok: Token, depth: usize) -> Result<(), FormulaError> {
        let name = self.text(name_tok).to_string();
        if let Some(table) = self.tables.iter().position(|t| *t == name) {
            return self.table_call(name_tok, table);
        }
        let open = self.next();
        let mut args = 0usize;
        if self.peek().kind != Tok::RParen {
            loop {
                self.expr(depth)?;
                args += 1;
                if self.peek().kind == Tok::Comma {
                    self.next();
                } else {
                    break;
                }
            }
        }
        self.expect_close(open)?;
        let arity = |expected: &str, ok: bool| -> Result<(), FormulaError> {
            if ok {
                Ok(())
            } else {
                Err(FormulaError::Arity {
                    name: name.clone(),
                    offset: name_tok.offset,
                    len: name_tok.len,
                    expected: expected.into(),
                    found: args,
                })
            }
        };
        let func = match name.as_str() {
            "min" | "max" => {
                arity("two or more arguments", args >= 2)?;
                self.program.push(if name == "min" {
                    Op::Min(args)
                } else {
                    Op::Max(args)
                });
                return Ok(());
            }
            "log" => Fun::Log10,
            "ln" => Fun::Ln,
            "log2" => Fun::Log2,
            "exp" => Fun::Exp,
            "sqrt" => Fun::Sqrt,
            "abs" => Fun::Abs,
            "ceil" => Fun::Ceil,
            "floor" => Fun::Floor,
            "round" => Fun::Round,
            _ => {
                return Err(FormulaError::UnknownFunction {
                    suggestion: suggest::closest(&name, FUNCTIONS.iter().copied())
                        .map(str::to_string),
                    name,
                    offset: name_tok.offset,
                    len: name_tok.len,
                })
            }
        };
        arity("one argument", args == 1)?;
        self.program.push(Op::Func(func));
        Ok(())
    }
}
