//! Arithmetic formulas over hyperparameters: parsed once, evaluated per trial.
//!
//! Grammar (lowest precedence first):
//!
//! ```text
//! expr    := term (('+' | '-') term)*
//! term    := unary (('*' | '/') unary)*
//! unary   := ('-' | '+') unary | power
//! power   := atom (('^' | '**') unary)?        right-associative: 2^3^2 = 2^9
//! atom    := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
//! number  := digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]  (or '.5')
//! ```
//!
//! `-2^2` is −4 (power binds tighter than unary minus) and `2^-1` is 0.5.
//! Functions: `min` and `max` (two or more arguments), `log` (base 10),
//! `ln`, `log2`, `exp`, `sqrt`, `abs`, `ceil`, `floor`, `round`.
//!
//! Limits: 10,000 bytes of source and 200 levels of nesting; beyond either,
//! a clear error, never a stack overflow. Errors carry the byte offset and
//! length of the offending token so callers can point a caret at it.
//!
//! Why our own parser: evalexpr ≥ 12 is AGPL, which this project cannot
//! take; a small parser gives exact error positions and compiles to a flat
//! stack program whose evaluation allocates nothing.

use std::fmt;

use crate::suggest;

/// Longest formula accepted, in bytes.
pub const MAX_LEN: usize = 10_000;

/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 200;

const FUNCTIONS: [&str; 11] = [
    "min", "max", "log", "ln", "log2", "exp", "sqrt", "abs", "ceil", "floor", "round",
];

/// Why a formula did not parse.
#[derive(Debug, Clone, PartialEq)]
pub enum FormulaError {
    /// Malformed text.
    Syntax {
        /// Byte offset of the problem.
        offset: usize,
        /// Length of the offending token (≥ 1).
        len: usize,
        /// What is wrong.
        message: String,
    },
    /// A name that is not a parameter.
    UnknownVariable {
        /// The name.
        name: String,
        /// Byte offset.
        offset: usize,
        /// Length.
        len: usize,
        /// The closest known name.
        suggestion: Option<String>,
    },
    /// A call of a function that does not exist.
    UnknownFunction {
        /// The name.
        name: String,
        /// Byte offset.
        offset: usize,
        /// Length.
        len: usize,
        /// The closest function name.
        suggestion: Option<String>,
    },
    /// A function called with the wrong number of arguments.
    Arity {
        /// The function.
        name: String,
        /// Byte offset.
        offset: usize,
        /// Length.
        len: usize,
        /// What it takes.
        expected: String,
        /// What it got.
        found: usize,
    },
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep {
        /// Byte offset where the limit was hit.
        offset: usize,
        /// The limit.
        limit: usize,
    },
    /// Longer than [`MAX_LEN`].
    TooLong {
        /// The length.
        len: usize,
        /// The limit.
        limit: usize,
    },
}

impl FormulaError {
    /// Byte offset of the problem.
    pub fn offset(&self) -> usize {
        match self {
            FormulaError::Syntax { offset, .. }
            | FormulaError::UnknownVariable { offset, .. }
            | FormulaError::UnknownFunction { offset, .. }
            | FormulaError::Arity { offset, .. }
            | FormulaError::TooDeep { offset, .. } => *offset,
            FormulaError::TooLong { .. } => 0,
        }
    }

    /// Length of the offending token.
    pub fn len(&self) -> usize {
        match self {
            FormulaError::Syntax { len, .. }
            | FormulaError::UnknownVariable { len, .. }
            | FormulaError::UnknownFunction { len, .. }
            | FormulaError::Arity { len, .. } => *len,
            FormulaError::TooDeep { .. } | FormulaError::TooLong { .. } => 1,
        }
    }

    /// Errors always span at least one character.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = |s: &Option<String>| {
            s.as_ref()
                .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"))
        };
        match self {
            FormulaError::Syntax { message, .. } => f.write_str(message),
            FormulaError::UnknownVariable {
                name, suggestion, ..
            } => {
                write!(f, "unknown parameter '{name}'{}", hint(suggestion))
            }
            FormulaError::UnknownFunction {
                name, suggestion, ..
            } => write!(
                f,
                "unknown function '{name}'{}; the functions are {}",
                hint(suggestion),
                FUNCTIONS.join(", ")
            ),
            FormulaError::Arity {
                name,
                expected,
                found,
                ..
            } => {
                write!(f, "{name}() takes {expected}, not {found}")
            }
            FormulaError::TooDeep { limit, .. } => {
                write!(f, "the formula nests deeper than {limit} levels")
            }
            FormulaError::TooLong { len, limit } => {
                write!(f, "the formula is {len} bytes long; the limit is {limit}")
            }
        }
    }
}

impl std::error::Error for FormulaError {}

/// The source line, and under it carets at [offset, offset + len).
pub fn caret(source: &str, offset: usize, len: usize) -> String {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    // Long formulas are cut to a window around the spot.
    const WINDOW: usize = 60;
    let chars: Vec<char> = source.chars().collect();
    let at = source[..offset].chars().count();
    let from = at.saturating_sub(WINDOW);
    let to = (at + WINDOW).min(chars.len());
    let shown: String = chars[from..to].iter().collect();
    let (open, close) = (
        if from > 0 { "…" } else { "" },
        if to < chars.len() { "…" } else { "" },
    );
    let pad = at - from + usize::from(from > 0);
    let width = (to - at).clamp(1, len.max(1));
    format!(
        "  | {open}{shown}{close}\n  | {}{}",
        " ".repeat(pad),
        "^".repeat(width)
    )
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Const(f64),
    Load(usize),
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Min(usize),
    Max(usize),
    Func(Fun),
}

/// A one-argument function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fun {
    Log10,
    Ln,
    Log2,
    Exp,
    Sqrt,
    Abs,
    Ceil,
    Floor,
    Round,
}

impl Fun {
    fn apply(self, x: f64) -> f64 {
        match self {
            Fun::Log10 => x.log10(),
            Fun::Ln => x.ln(),
            Fun::Log2 => x.log2(),
            Fun::Exp => x.exp(),
            Fun::Sqrt => x.sqrt(),
            Fun::Abs => x.abs(),
            Fun::Ceil => x.ceil(),
            Fun::Floor => x.floor(),
            Fun::Round => x.round(),
        }
    }
}

/// A parsed formula, compiled to a flat stack program.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    source: String,
    program: Vec<Op>,
    stack: usize,
    used: Vec<usize>,
}

impl Formula {
    /// Parse `source`; every name that is not a function must be one of
    /// `variables`, whose index is the slot read at evaluation.
    pub fn parse(source: &str, variables: &[&str]) -> Result<Formula, FormulaError> {
        if source.len() > MAX_LEN {
            return Err(FormulaError::TooLong {
                len: source.len(),
                limit: MAX_LEN,
            });
        }
        let tokens = tokenize(source)?;
        let mut p = Parser {
            tokens: &tokens,
            pos: 0,
            variables,
            program: Vec::new(),
            source,
        };
        if tokens.len() == 1 {
            return Err(FormulaError::Syntax {
                offset: 0,
                len: 1,
                message: "empty formula".into(),
            });
        }
        p.expr(0)?;
        let end = &tokens[p.pos];
        if end.kind != Tok::End {
            return Err(FormulaError::Syntax {
                offset: end.offset,
                len: end.len,
                message: format!(
                    "unexpected '{}' after a complete formula",
                    &source[end.offset..end.offset + end.len]
                ),
            });
        }
        let program = fold(p.program);
        let stack = max_stack(&program);
        let mut used: Vec<usize> = program
            .iter()
            .filter_map(|op| if let Op::Load(i) = op { Some(*i) } else { None })
            .collect();
        used.sort_unstable();
        used.dedup();
        Ok(Formula {
            source: source.to_string(),
            program,
            stack,
            used,
        })
    }

    /// Evaluate with `values[i]` bound to variable `i`; a missing slot reads
    /// as NaN. The result may be NaN or infinite: the caller checks.
    pub fn eval(&self, values: &[f64]) -> f64 {
        if self.stack <= 32 {
            let mut stack = [0.0f64; 32];
            run(&self.program, values, &mut stack)
        } else {
            run(&self.program, values, &mut vec![0.0; self.stack])
        }
    }

    /// Indices of the variables read, sorted and deduplicated.
    pub fn variables_used(&self) -> &[usize] {
        &self.used
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The value, if the formula reads no variable.
    pub fn as_constant(&self) -> Option<f64> {
        match self.program.as_slice() {
            [Op::Const(c)] => Some(*c),
            _ => None,
        }
    }
}

fn run(program: &[Op], values: &[f64], stack: &mut [f64]) -> f64 {
    let mut top = 0usize;
    for op in program {
        match *op {
            Op::Const(c) => {
                stack[top] = c;
                top += 1;
            }
            Op::Load(i) => {
                stack[top] = values.get(i).copied().unwrap_or(f64::NAN);
                top += 1;
            }
            Op::Neg => stack[top - 1] = -stack[top - 1],
            Op::Func(f) => stack[top - 1] = f.apply(stack[top - 1]),
            Op::Min(n) | Op::Max(n) => {
                let args = &stack[top - n..top];
                // An undefined argument makes the result undefined (f64::min
                // would skip it and hide, say, a sqrt of a negative number).
                let v = if args.iter().any(|a| a.is_nan()) {
                    f64::NAN
                } else if matches!(op, Op::Min(_)) {
                    args.iter().copied().fold(f64::INFINITY, f64::min)
                } else {
                    args.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                };
                top -= n;
                stack[top] = v;
                top += 1;
            }
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => {
                let (a, b) = (stack[top - 2], stack[top - 1]);
                top -= 1;
                stack[top - 1] = binary(*op, a, b);
            }
        }
    }
    stack[0]
}

fn binary(op: Op, a: f64, b: f64) -> f64 {
    match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
        Op::Div => a / b,
        _ => a.powf(b),
    }
}

/// Fold constant subexpressions: evaluate any op whose inputs are constants.
fn fold(program: Vec<Op>) -> Vec<Op> {
    let mut out: Vec<Op> = Vec::with_capacity(program.len());
    for op in program {
        let arity = match op {
            Op::Const(_) | Op::Load(_) => 0,
            Op::Neg | Op::Func(_) => 1,
            Op::Min(n) | Op::Max(n) => n,
            _ => 2,
        };
        let all_const = arity > 0
            && out.len() >= arity
            && out[out.len() - arity..]
                .iter()
                .all(|o| matches!(o, Op::Const(_)));
        if all_const {
            let args: Vec<f64> = out
                .drain(out.len() - arity..)
                .map(|o| if let Op::Const(c) = o { c } else { f64::NAN })
                .collect();
            let mut stack = vec![0.0; arity + 1];
            let mut tmp: Vec<Op> = args.into_iter().map(Op::Const).collect();
            tmp.push(op);
            out.push(Op::Const(run(&tmp, &[], &mut stack)));
        } else {
            out.push(op);
        }
    }
    out
}

fn max_stack(program: &[Op]) -> usize {
    let (mut depth, mut most) = (0usize, 1usize);
    for op in program {
        match op {
            Op::Const(_) | Op::Load(_) => depth += 1,
            Op::Neg | Op::Func(_) => {}
            Op::Min(n) | Op::Max(n) => depth = depth + 1 - n,
            _ => depth -= 1,
        }
        most = most.max(depth);
    }
    most
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
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
struct Token {
    kind: Tok,
    offset: usize,
    len: usize,
}

fn tokenize(s: &str) -> Result<Vec<Token>, FormulaError> {
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
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    while j < bytes.len() && bytes[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                } else {
                    return Err(FormulaError::Syntax {
                        offset: start,
                        len: j - start,
                        message: format!(
                            "'{}' is not a number: the exponent has no digits",
                            &s[start..j]
                        ),
                    });
                }
            }
            let text = &s[start..i];
            let value: f64 = text.parse().map_err(|_| FormulaError::Syntax {
                offset: start,
                len: i - start,
                message: format!("'{text}' is not a number"),
            })?;
            out.push(Token {
                kind: Tok::Num(value),
                offset: start,
                len: i - start,
            });
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

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    variables: &'a [&'a str],
    program: Vec<Op>,
    source: &'a str,
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

    fn expr(&mut self, depth: usize) -> Result<(), FormulaError> {
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
                let name = self.text(t);
                match self.variables.iter().position(|v| *v == name) {
                    Some(i) => {
                        self.program.push(Op::Load(i));
                        Ok(())
                    }
                    None => Err(FormulaError::UnknownVariable {
                        name: name.to_string(),
                        offset: t.offset,
                        len: t.len,
                        suggestion: suggest::closest(name, self.variables.iter().copied())
                            .map(str::to_string),
                    }),
                }
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

    fn call(&mut self, name_tok: Token, depth: usize) -> Result<(), FormulaError> {
        let name = self.text(name_tok).to_string();
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::proptest;

    fn eval(s: &str) -> f64 {
        Formula::parse(s, &[]).unwrap().eval(&[])
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(eval("2 + 3 * 4"), 14.0);
        // Right-associative: 2^(3^2) = 2^9 = 512.
        assert_eq!(eval("2^3^2"), 512.0);
        assert_eq!(eval("2**3"), 8.0);
        // Power before unary minus: -(2^2) = -4.
        assert_eq!(eval("-2^2"), -4.0);
        assert_eq!(eval("2^-1"), 0.5);
        assert_eq!(eval("(1 + 2) * 3"), 9.0);
        assert_eq!(eval("10 - 4 - 3"), 3.0);
        assert_eq!(eval("1e-4 * 1E4 + .5"), 1.5);
    }

    #[test]
    fn functions() {
        assert_eq!(eval("log(1000)"), 3.0);
        assert!((eval("ln(exp(2))") - 2.0).abs() < 1e-15);
        assert_eq!(eval("min(3, 1, 2)"), 1.0);
        assert_eq!(eval("max(3, 1, 2)"), 3.0);
        // sqrt(-1) is NaN, and a min over it is undefined, not 5.
        assert!(eval("min(sqrt(-1), 5)").is_nan());
        assert!(Formula::parse("max(a, 5)", &["a"])
            .unwrap()
            .eval(&[f64::NAN])
            .is_nan());
        assert_eq!(
            eval("sqrt(16) + abs(-1) + ceil(1.2) + floor(1.8) + round(2.5) + log2(8)"),
            4.0 + 1.0 + 2.0 + 1.0 + 3.0 + 3.0
        );
    }

    #[test]
    fn the_resnet_formula() {
        let f = Formula::parse(
            "3.2 * epochs / 90 * (256 / batch_size) ^ 0.1",
            &["epochs", "batch_size"],
        )
        .unwrap();
        // 3.2 × 90 / 90 × 1^0.1 = 3.2.
        assert!((f.eval(&[90.0, 256.0]) - 3.2).abs() < 1e-12);
        // 3.2 × 30 / 90 × 0.25^0.1 = 1.0667 × 0.87055 = 0.92859.
        let want = 3.2 * 30.0 / 90.0 * 0.25f64.powf(0.1);
        assert!((f.eval(&[30.0, 1024.0]) - want).abs() < 1e-12);
        assert_eq!(f.variables_used(), &[0, 1]);
        assert_eq!(f.as_constant(), None);
        assert_eq!(
            Formula::parse("2 * (3 + 4)", &[]).unwrap().as_constant(),
            Some(14.0)
        );
    }

    #[test]
    fn errors_say_what_and_where() {
        let e = Formula::parse("3 * epoch", &["epochs"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown parameter 'epoch' (did you mean 'epochs'?)"
        );
        assert_eq!((e.offset(), e.len()), (4, 5));
        let e = Formula::parse("sqr(4)", &[]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("unknown function 'sqr' (did you mean 'sqrt'?)"),
            "{e}"
        );
        let e = Formula::parse("(1 + 2", &[]).unwrap_err();
        assert_eq!(e.to_string(), "expected ')' to close '(' at column 1");
        assert_eq!(e.offset(), 6);
        let e = Formula::parse("2 3", &[]).unwrap_err();
        assert_eq!(
            (e.offset(), e.to_string().as_str()),
            (2, "unexpected '3' after a complete formula")
        );
        let e = Formula::parse("sqrt(1, 2)", &[]).unwrap_err();
        assert_eq!(e.to_string(), "sqrt() takes one argument, not 2");
        assert!(matches!(
            Formula::parse("1e+", &[]),
            Err(FormulaError::Syntax { .. })
        ));
        assert_eq!(
            Formula::parse("   ", &[]).unwrap_err().to_string(),
            "empty formula"
        );
        assert_eq!(
            Formula::parse("2 → 3", &[]).unwrap_err().to_string(),
            "unexpected character '→'"
        );
    }

    #[test]
    fn limits() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(matches!(
            Formula::parse(&deep, &[]),
            Err(FormulaError::TooLong { .. })
        ));
        let deep = format!("{}1{}", "(".repeat(4_000), ")".repeat(4_000));
        assert!(matches!(
            Formula::parse(&deep, &[]),
            Err(FormulaError::TooDeep { .. })
        ));
        let minus = "-".repeat(5_000) + "1";
        assert!(matches!(
            Formula::parse(&minus, &[]),
            Err(FormulaError::TooDeep { .. })
        ));
        assert!(matches!(
            Formula::parse(&"1+".repeat(5_001), &[]),
            Err(FormulaError::TooLong { .. })
        ));
    }

    #[test]
    fn caret_underlines() {
        assert_eq!(caret("3 * epoch", 4, 5), "  | 3 * epoch\n  |     ^^^^^");
        assert_eq!(caret("é + x", 5, 1), "  | é + x\n  |     ^");
        // Long formulas show 60 characters either side of the spot.
        let long = format!("{}x{}", "1+".repeat(100), "+1".repeat(100));
        let c = caret(&long, 200, 1);
        assert_eq!(c.lines().next().unwrap().chars().count(), 4 + 1 + 120 + 1);
        assert!(c.ends_with(&format!("{}^", " ".repeat(61))));
    }

    proptest! {
        #[test]
        fn never_panics_on_any_string(s in "\\PC{0,64}") {
            if let Ok(f) = Formula::parse(&s, &["a", "b"]) {
                let _ = f.eval(&[1.0, 2.0]);
            }
        }

        /// Formula-shaped strings never panic either. (Values are checked
        /// against an independent evaluator in `tests/formula_oracle.rs`.)
        #[test]
        fn never_panics_on_formula_alphabet(s in "[0-9ab_+\\-*/^(). ,e]{0,64}") {
            if let Ok(f) = Formula::parse(&s, &["a", "b"]) {
                let _ = f.eval(&[1.5, 2.5]);
            }
        }
    }
}
