//! Text for the terminal: names from the user's files reach messages as
//! written, so control characters (an escape sequence in a region name)
//! are shown escaped instead of acting on the terminal.

/// `text` with every control character but newline and tab written as a
/// Rust escape (`\u{1b}`, `\r`).
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        // ESC [ 2 J clears the screen; written as \u{1b}[2J. A carriage
        // return would overwrite the line: \r. Newline, tab and non-ASCII
        // letters stay.
        assert_eq!(
            printable("gcp:\u{1b}[2Jeu\rx\n\tMontréal"),
            "gcp:\\u{1b}[2Jeu\\rx\n\tMontréal"
        );
        assert_eq!(printable("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
    }
}
