//! Typed errors, each knowing its exit code.
//!
//! Two families: the user's input was wrong (exit code 2: a bad flag, an
//! unknown device, a mistake in a scenario or data file, which then carries a
//! file:line:column), or something else failed (exit code 1: an I/O error).
//! Messages say what is wrong and, where possible, what to do next.

use std::fmt;
use std::path::{Path, PathBuf};

/// Everything that can go wrong, sorted by whose fault it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's input is wrong; the message says how.
    #[error("{0}")]
    Input(String),
    /// The user's input is wrong at a known place in a file.
    #[error("{0}")]
    Located(Box<Located>),
    /// A figure given by value is out of range. The library names it
    /// plainly ([`Given::name`]); the binary words it as the flag it came
    /// from, the scenario checker as its key.
    #[error("{} {problem}", given.name())]
    Value {
        /// Which figure.
        given: Given,
        /// What is wrong, after the figure's name: "must be a positive
        /// number, not -1".
        problem: String,
    },
    /// Reading or writing a file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the file.
        context: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// The figures a caller gives by value (to `estimate`, or as lifecycle
/// overrides), so that an error can say which one is wrong without naming
/// a command-line flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    /// Wall-clock hours the devices ran.
    Hours,
    /// Number of devices.
    Count,
    /// Device-hours, instead of hours × count.
    DeviceHours,
    /// Fraction of the power figure drawn on average.
    Utilization,
    /// Power usage effectiveness.
    Pue,
    /// Average power of one device, W.
    PowerWatts,
    /// Share of emissions offset or matched, %.
    OffsetPct,
    /// Grid carbon intensity, g CO2eq/kWh.
    Intensity,
    /// Hours searched for a cleaner start.
    WindowHours,
    /// Embodied emissions per device, kg CO2eq.
    DeviceKg,
    /// Embodied emissions per server, kg CO2eq.
    ServerKg,
    /// Devices per server.
    DevicesPerServer,
    /// Service life, years.
    LifetimeYears,
    /// Share of the service life the device is busy.
    LifetimeUtilization,
}

impl Given {
    /// The figure's plain name (the lifecycle figures by their
    /// `[embodied]` scenario key).
    pub fn name(self) -> &'static str {
        match self {
            Given::Hours => "hours",
            Given::Count => "count",
            Given::DeviceHours => "device-hours",
            Given::Utilization => "utilization",
            Given::Pue => "pue",
            Given::PowerWatts => "power_watts",
            Given::OffsetPct => "offset_pct",
            Given::Intensity => "intensity",
            Given::WindowHours => "window_hours",
            Given::DeviceKg => "device_kg",
            Given::ServerKg => "server_kg",
            Given::DevicesPerServer => "devices_per_server",
            Given::LifetimeYears => "lifetime_years",
            Given::LifetimeUtilization => "lifetime_utilization",
        }
    }
}

/// Result with this crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A plain bad-input error.
    pub fn input(message: impl Into<String>) -> Error {
        Error::Input(message.into())
    }

    /// A figure given by value is out of range: `problem` follows its name.
    pub fn value(given: Given, problem: impl Into<String>) -> Error {
        Error::Value {
            given,
            problem: problem.into(),
        }
    }

    /// An I/O error, with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// A mistake at a byte offset of a file's text.
    pub fn at(path: &Path, text: &str, offset: usize, message: impl Into<String>) -> Error {
        Error::at_span(path, text, offset, 1, message)
    }

    /// A mistake spanning `len` characters from a byte offset of a file's text.
    pub fn at_span(
        path: &Path,
        text: &str,
        offset: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Error {
        let (line, column) = line_col(text, offset);
        Error::Located(Box::new(Located {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
            snippet: snippet(text, offset, len),
        }))
    }

    /// A mistake at a line and column (1-based) of a file, without its text.
    pub fn at_line(path: &Path, line: u64, column: u64, message: impl Into<String>) -> Error {
        Error::Located(Box::new(Located {
            path: path.to_path_buf(),
            line: line as usize,
            column: column as usize,
            message: message.into(),
            snippet: None,
        }))
    }

    /// The process exit code this error maps to: 2 for bad input, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Located(_) | Error::Value { .. } => 2,
            Error::Io { .. } => 1,
        }
    }

    /// Was the run interrupted (Ctrl-C) while writing outputs?
    pub fn is_interrupted(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::Interrupted)
    }

    /// Is this a write to a closed pipe (`co2sweep expand ... | head`)?
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Error {
        Error::io("I/O error", source)
    }
}

/// A message tied to a place in a file.
#[derive(Debug)]
pub struct Located {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong there.
    pub message: String,
    /// The offending line with a caret under the spot, when the text is known.
    pub snippet: Option<String>,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(snippet) = &self.snippet {
            write!(f, "\n{snippet}")?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the
/// end or inside a character are clamped to the nearest boundary before it.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The line holding `offset`, and under it a caret of `len` characters.
/// Long lines are cut around the spot so the caret stays readable.
pub fn snippet(text: &str, offset: usize, len: usize) -> Option<String> {
    const WIDTH: usize = 100;
    let (line, column) = line_col(text, offset);
    let source_line = text.lines().nth(line - 1)?;
    let chars: Vec<char> = source_line.chars().collect();
    let start = (column - 1).saturating_sub(WIDTH / 2);
    let end = (start + WIDTH).min(chars.len());
    let shown: String = chars[start.min(end)..end].iter().collect();
    let pad = " ".repeat(column - 1 - start.min(column - 1));
    let carets = "^".repeat(len.clamp(1, WIDTH));
    Some(format!("  | {}\n  | {pad}{carets}", shown.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'é' is two bytes (5 and 6); 'f' is at byte 8, line 3 column 1.
        assert_eq!(line_col(text, 8), (3, 1));
        // Offset inside 'é' (byte 6) clamps back to its start: line 2, column 3.
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 999), (3, 2));
    }

    #[test]
    fn snippet_points_at_the_spot() {
        let s = snippet("x = 1\nhours = \"2 *\"\n", 15, 1).unwrap();
        assert_eq!(s, "  | hours = \"2 *\"\n  |          ^");
    }

    #[test]
    fn exit_codes() {
        assert_eq!(Error::input("bad").exit_code(), 2);
        let io = std::io::Error::other("disk");
        assert_eq!(Error::io("writing x", io).exit_code(), 1);
    }
}
