//! Escapes for text that comes from the user's files and goes where a
//! character could act instead of being shown: a terminal (an escape
//! sequence), a comment line of a generated script (a newline ends it and
//! starts a command), a YAML string (characters YAML does not allow).

/// `text` with every control character but newline and tab written as a
/// Rust escape (`\u{1b}`, `\r`): for messages on a terminal.
pub fn printable(text: &str) -> String {
    escaped(text, |c| c.is_control() && c != '\n' && c != '\t')
}

/// `text` on one line: every control character (newline included) and the
/// Unicode line and paragraph separators escaped. For comment lines.
pub fn one_line(text: &str) -> String {
    escaped(text, |c| {
        c.is_control() || c == '\u{2028}' || c == '\u{2029}'
    })
}

fn escaped(text: &str, escape: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as a YAML double-quoted scalar that PyYAML reads back as the
/// same string: quotes and backslashes escaped, and every character
/// outside YAML's printable set (C0 and C1 controls, DEL, U+FFFE, U+FFFF),
/// next line (U+0085) and the line separators written as `\uXXXX`, since
/// a raw one is refused or read as a line break.
pub fn yaml_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}') =>
            {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        // ESC [ 2 J clears the screen; written as \u{1b}[2J. A carriage
        // return would overwrite the line: \r. Newline, tab and non-ASCII
        // letters stay on a terminal; on one line they are escaped too.
        assert_eq!(
            printable("gcp:\u{1b}[2Jeu\rx\n\tMontréal"),
            "gcp:\\u{1b}[2Jeu\\rx\n\tMontréal"
        );
        assert_eq!(printable("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
        assert_eq!(one_line("a\nrm -rf x\u{2028}é"), "a\\nrm -rf x\\u{2028}é");
    }

    #[test]
    fn yaml_strings_escape_what_yaml_does_not_print() {
        // Quote, backslash, tab (0x09), DEL (0x7f), NEL (0x85), a C1 control
        // (0x9b), U+FFFE; 'é' and '→' are printable and stay.
        assert_eq!(
            yaml_quoted("a\"b\\c\td\u{7f}\u{85}\u{9b}\u{fffe}é→"),
            "\"a\\\"b\\\\c\\u0009d\\u007f\\u0085\\u009b\\ufffeé→\""
        );
    }
}
