//! TOML and serde errors, located and put in the tool's words.

use std::path::Path;

use crate::error::Error;
use crate::suggest;

/// A TOML or serde error, located, with unknown keys explained.
pub(super) fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let offset = e.span().map_or(0, |s| s.start);
    let message = e.message().trim().to_string();
    let message = explain_unknown_key(&message)
        .or_else(|| {
            message
                .strip_prefix("missing field `")
                .and_then(|m| m.split_once('`'))
                .map(|(key, _)| format!("missing key '{key}'"))
        })
        .unwrap_or(message);
    let message = plain(&message);
    let message = if message.is_empty() {
        "this is not valid TOML here".to_string()
    } else {
        message
    };
    Error::at(path, text, offset, message)
}

/// The TOML parser's and serde's wording, in the tool's words.
fn plain(message: &str) -> String {
    if message.contains("__toml_private_datetime") {
        return "a date or time is not allowed here; write it as a string in quotes".to_string();
    }
    // serde: "invalid type: string \"x\", expected a sequence".
    let mut m = match message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    {
        Some((found, expected)) => format!("expected {expected}, found {found}"),
        None => message.to_string(),
    };
    for (from, to) in [
        ("expected a borrowed string", "expected a string"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a table"),
        ("found floating point `", "found the number `"),
        ("found integer `", "found the whole number `"),
        ("found sequence", "found a list"),
        ("found map", "found a table"),
    ] {
        m = m.replace(from, to);
    }
    if m.contains("number too large") || m.contains("out of range") || m.contains("overflow") {
        return format!("the number is too large: {m}");
    }
    m
}

/// serde says "unknown field `x`, expected one of `a`, `b`"; say it as a
/// person would, with a suggestion.
fn explain_unknown_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let hint = match suggest::closest(key, expected.iter().copied()) {
        Some(best) => format!(" (did you mean '{best}'?)"),
        None => String::new(),
    };
    let valid = if expected.is_empty() {
        "this table takes no keys".to_string()
    } else {
        format!("valid keys here: {}", expected.join(", "))
    };
    Some(format!("unknown key '{key}'{hint}; {valid}"))
}
