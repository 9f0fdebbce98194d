//! Input files: one bounded reader for every file a user names (scenario,
//! CodeCarbon file, `options.csv`, `--data` tables, hourly profiles).
//!
//! A file is opened without blocking and refused unless it is a regular
//! file, so a FIFO cannot hang the tool and `/dev/zero` cannot fill memory;
//! at most `limit` bytes are ever read, whatever the file reports as its
//! size. A missing or unreadable file is bad input (exit 2); text that is
//! not UTF-8 is located by line and column, and so is every CSV reader's
//! error ([`csv_error`]).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// The text of the file at `path`, a `what` ("scenario file", "data file",
/// ...: singular, no article), refused when over `limit` bytes.
pub fn read_text(path: &Path, what: &str, limit: u64) -> Result<String> {
    let bytes = read_bytes(path, what, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(e.as_bytes(), e.utf8_error().valid_up_to());
        Error::at_line(path, line, column, "the file is not valid UTF-8 text")
    })
}

/// A CSV reader's error as an error located in `path`: at the line the
/// reader knows (`unknown_line` when it does not), in the column of the
/// field the error is about (else column 1); `message` says what is wrong.
pub fn csv_error(
    path: &Path,
    error: &csv::Error,
    unknown_line: u64,
    message: impl Into<String>,
) -> Error {
    let line = error.position().map_or(unknown_line, |p| p.line());
    let column = match error.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.field().map_or(1, |f| f + 1),
        csv::ErrorKind::Utf8 { err, .. } => err.field() as u64 + 1,
        _ => 1,
    };
    Error::at_line(path, line, column, message)
}

/// CSV text with Windows line ends (CRLF, as pandas and Python's `csv`
/// write on Windows) turned into newlines, without a byte-order mark: the
/// CSV reader numbers lines by newline, and counted one line short after
/// a CRLF header.
pub fn csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The bytes of the file at `path` (see [`read_text`]).
pub fn read_bytes(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>> {
    let file = open(path, what)?;
    let meta = file
        .metadata()
        .map_err(|e| Error::io(format!("could not read '{}'", path.display()), e))?;
    if meta.is_dir() {
        return Err(Error::input(format!(
            "'{}' is a directory, not a {what}",
            path.display()
        )));
    }
    if !meta.is_file() {
        return Err(Error::input(format!(
            "'{}' is not a regular file (a pipe, socket or device); a {what} must be a file",
            path.display()
        )));
    }
    if meta.len() > limit {
        return Err(too_large(path, what, meta.len(), limit));
    }
    // The size may change while reading: never read more than the limit.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(format!("could not read '{}'", path.display()), e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, what, bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Open for reading without blocking on a FIFO; a missing or forbidden
/// file is the user's mistake.
fn open(path: &Path, what: &str) -> Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::input(format!("{what} '{}' does not exist", path.display()))
        }
        std::io::ErrorKind::PermissionDenied => Error::input(format!(
            "{what} '{}' cannot be read: permission denied",
            path.display()
        )),
        _ => Error::io(format!("could not open '{}'", path.display()), e),
    })
}

fn too_large(path: &Path, what: &str, len: u64, limit: u64) -> Error {
    Error::input(format!(
        "'{}' is {}; {what}s are limited to {}",
        path.display(),
        megabytes(len),
        megabytes(limit)
    ))
}

/// A size for people: "16 MB", "61.0 MB" (MiB, as the limits are set).
fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb.fract() == 0.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

/// 1-based line and column (in bytes) of `offset`.
fn line_col(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, (offset - start) as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "héllo\n").unwrap();
        assert_eq!(read_text(&p, "test file", 7).unwrap(), "héllo\n");
        // 7 bytes ("é" is two): one byte less is over the limit.
        let e = read_text(&p, "test file", 6).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(
            e.to_string().contains("test files are limited to 0.0 MB"),
            "{e}"
        );
    }

    #[test]
    fn refuses_missing_files_directories_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_text(&dir.path().join("none"), "scenario file", 10).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().starts_with("scenario file '"), "{e}");
        let e = read_text(dir.path(), "scenario file", 10).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        #[cfg(unix)]
        {
            let e = read_text(Path::new("/dev/zero"), "scenario file", 10).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
    }

    #[test]
    fn locates_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.txt");
        std::fs::write(&p, b"ok\nab\xff").unwrap();
        let e = read_text(&p, "test file", 100).unwrap_err();
        assert!(e.to_string().contains(":2:3"), "{e}");
    }
}
