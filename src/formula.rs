//! Arithmetic formulas over hyperparameters: parsed once, evaluated per trial.
//!
//! Grammar (lowest precedence first):
//!
//! ```text
//! expr    := term (('+' | '-') term)*
//! term    := unary (('*' | '/') unary)*
//! unary   := ('-' | '+') unary | power
//! power   := atom (('^' | '**') unary)?        right-associative: 2^3^2 = 2^9
//! atom    := number | name | name '(' expr (',' expr)* ')' | table '(' name ')' | '(' expr ')'
//! name    := [A-Za-z_][A-Za-z0-9_]* | '`' any text but '`' '`'
//! number  := digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]  (or '.5')
//! ```
//!
//! `-2^2` is −4 (power binds tighter than unary minus) and `2^-1` is 0.5.
//! Functions: `min` and `max` (two or more arguments), `log` (base 10),
//! `ln`, `log2`, `exp`, `sqrt`, `abs`, `ceil`, `floor`, `round`.
//!
//! A parameter whose name is not an identifier (`num-epochs`, `model.lr`)
//! is read in backquotes: `` 0.2 * `num-epochs` ``. A *table* (given to
//! [`Formula::parse_with_tables`]) maps a parameter's values to numbers and
//! is called like a function of that parameter, `model_hours(model)`; the
//! caller binds each call to its lookup with [`Formula::bind_tables`].
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

pub mod batch;
mod parse;

use parse::{tokenize, Parser, Tok};

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
    /// Look slot `.1` up in the formula's bound table call `.0`.
    Table(usize, usize),
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
    loaded: Vec<usize>,
    calls: Vec<TableCall>,
    lookups: Vec<Lookup>,
}

/// One call of a table in a formula: `table(variable)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableCall {
    /// Index of the table in the list given to the parser.
    pub table: usize,
    /// Index of the variable it reads.
    pub variable: usize,
    /// Byte offset of the call's name in the source.
    pub offset: usize,
    /// Length of the call's name.
    pub len: usize,
}

/// What a table call gives for each slot value of its variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// Slot values are category indices 0, 1, ...: the value at that index.
    ByIndex(Vec<f64>),
    /// Slot values are numbers: (slot value, table value) pairs, searched.
    ByValue(Vec<(f64, f64)>),
}

impl Lookup {
    fn get(&self, slot: f64) -> f64 {
        match self {
            Lookup::ByIndex(v) if slot >= 0.0 => v.get(slot as usize).copied().unwrap_or(f64::NAN),
            Lookup::ByIndex(_) => f64::NAN,
            Lookup::ByValue(pairs) => pairs
                .iter()
                .find(|(k, _)| k.to_bits() == slot.to_bits())
                .map_or(f64::NAN, |(_, v)| *v),
        }
    }
}

impl Formula {
    /// Parse `source`; every name that is not a function must be one of
    /// `variables`, whose index is the slot read at evaluation.
    pub fn parse(source: &str, variables: &[&str]) -> Result<Formula, FormulaError> {
        Formula::parse_with_tables(source, variables, &[])
    }

    /// Parse `source` where each name of `tables` may be called on one
    /// variable, `table(variable)`. Calls evaluate to NaN until
    /// [`Formula::bind_tables`] gives their lookups.
    pub fn parse_with_tables(
        source: &str,
        variables: &[&str],
        tables: &[&str],
    ) -> Result<Formula, FormulaError> {
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
            tables,
            calls: Vec::new(),
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
        let calls = p.calls;
        let program = fold(p.program);
        let stack = max_stack(&program);
        let mut loaded: Vec<usize> = program
            .iter()
            .filter_map(|op| if let Op::Load(i) = op { Some(*i) } else { None })
            .collect();
        loaded.sort_unstable();
        loaded.dedup();
        let mut used = loaded.clone();
        used.extend(calls.iter().map(|c| c.variable));
        used.sort_unstable();
        used.dedup();
        Ok(Formula {
            source: source.to_string(),
            lookups: vec![Lookup::ByIndex(Vec::new()); calls.len()],
            program,
            stack,
            used,
            loaded,
            calls,
        })
    }

    /// The table calls, in source order (call `k` is bound by lookup `k`).
    pub fn table_calls(&self) -> &[TableCall] {
        &self.calls
    }

    /// Give each table call its lookup, in the order of [`Formula::table_calls`].
    pub fn bind_tables(&mut self, lookups: Vec<Lookup>) {
        debug_assert_eq!(lookups.len(), self.calls.len());
        self.lookups = lookups;
    }

    /// Indices of the variables read directly (not through a table).
    pub fn variables_loaded(&self) -> &[usize] {
        &self.loaded
    }

    /// Evaluate with `values[i]` bound to variable `i`; a missing slot reads
    /// as NaN. The result may be NaN or infinite: the caller checks.
    pub fn eval(&self, values: &[f64]) -> f64 {
        if self.stack <= 32 {
            let mut stack = [0.0f64; 32];
            run(&self.program, values, &self.lookups, &mut stack)
        } else {
            run(
                &self.program,
                values,
                &self.lookups,
                &mut vec![0.0; self.stack],
            )
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

fn run(program: &[Op], values: &[f64], lookups: &[Lookup], stack: &mut [f64]) -> f64 {
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
            Op::Table(k, i) => {
                let slot = values.get(i).copied().unwrap_or(f64::NAN);
                stack[top] = lookups.get(k).map_or(f64::NAN, |l| l.get(slot));
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
            Op::Const(_) | Op::Load(_) | Op::Table(..) => 0,
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
            out.push(Op::Const(run(&tmp, &[], &[], &mut stack)));
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
            Op::Const(_) | Op::Load(_) | Op::Table(..) => depth += 1,
            Op::Neg | Op::Func(_) => {}
            Op::Min(n) | Op::Max(n) => depth = depth + 1 - n,
            _ => depth -= 1,
        }
        most = most.max(depth);
    }
    most
}

#[cfg(test)]
mod tests;
