//! Writing output files without losing anything the user has.
//!
//! All files of a run are checked before any is written: if one exists and
//! `force` is off, the run stops naming it and nothing is written. Each file
//! is written to a temporary name in the same directory, flushed to disk,
//! then renamed over the target, so a run killed half-way leaves either the
//! old file or the new one, never a torn one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file to write: its name inside the output directory, and its bytes.
pub struct Output {
    /// File name.
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// Check that `dir` can take `names` (refusing existing files unless
/// `force`), before any expensive work or any write.
pub fn check_targets(dir: &Path, names: &[&str], force: bool) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::input(format!(
            "--out '{}' is a file, not a directory",
            dir.display()
        )));
    }
    if force {
        return Ok(());
    }
    let existing: Vec<String> = names
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if existing.is_empty() {
        Ok(())
    } else {
        Err(Error::input(format!(
            "refusing to overwrite {}; pass --force to replace, or choose another --out directory (nothing was written)",
            existing.join(", ")
        )))
    }
}

/// Write every output into `dir` (created if missing), each atomically.
pub fn write_all(dir: &Path, outputs: &[Output], force: bool) -> Result<Vec<PathBuf>> {
    let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
    check_targets(dir, &names, force)?;
    fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("could not create '{}'", dir.display()), e))?;
    outputs
        .iter()
        .map(|o| write_atomic(&dir.join(&o.name), &o.bytes))
        .collect()
}

/// Write one file through a temporary sibling and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(
            format!("could not write '{}'", path.display()),
            e,
        ));
    }
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_existing_files_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.txt"), "keep").unwrap();
        let outputs = [
            Output {
                name: "a.txt".into(),
                bytes: b"new a".to_vec(),
            },
            Output {
                name: "b.txt".into(),
                bytes: b"new b".to_vec(),
            },
        ];
        let err = write_all(dir.path(), &outputs, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("b.txt") && err.contains("--force"), "{err}");
        assert!(!dir.path().join("a.txt").exists());
        assert_eq!(
            fs::read_to_string(dir.path().join("b.txt")).unwrap(),
            "keep"
        );
        write_all(dir.path(), &outputs, true).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("b.txt")).unwrap(),
            "new b"
        );
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn out_naming_a_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        assert!(check_targets(&file, &["a"], true)
            .unwrap_err()
            .to_string()
            .contains("is a file"));
    }
}
