//! Writing a set of output files all-or-nothing.
//!
//! A run's files are checked before any expensive work (existing files are
//! refused unless `force`; a dangling symlink counts as existing). At write
//! time the output directory is locked (`.co2sweep.lock`, an advisory
//! `flock` released when the process ends, so a killed run leaves no stale
//! lock), the targets are checked again, and every file is written to an
//! unpredictable temporary name (`tempfile`) and flushed to disk. Only when
//! all are written are they renamed into place: without `force` with
//! `persist_noclobber`, so a file that appeared meanwhile is never replaced;
//! with `force`, each old file is first moved aside. If anything fails, or
//! the run is interrupted (see [`interrupt`]), what this run renamed is
//! removed, the old files are put back, and the temporaries are deleted:
//! the directory holds the earlier set or the new set, never a mix.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tempfile::{Builder, NamedTempFile, TempPath};

use crate::error::{Error, Result};

mod lock;

/// Name of the lock file created in the output directory while writing.
pub const LOCK_FILE: &str = ".co2sweep.lock";

/// A file to write: its name inside the output directory, and its bytes.
pub struct Output {
    /// File name.
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// Is an output set being written? Guarded so that [`interrupt`] and the
/// start of a write cannot interleave.
static WRITING: Mutex<bool> = Mutex::new(false);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Ask the process to stop (from a Ctrl-C handler's thread). If no output
/// set is being written, `exit` is called at once, while writes are held
/// off; otherwise the write in progress rolls back and returns an error,
/// and `exit` is not called.
pub fn interrupt(exit: impl FnOnce()) {
    let writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    INTERRUPTED.store(true, Ordering::SeqCst);
    if !*writing {
        exit();
    }
}

fn check_interrupt() -> Result<()> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        Err(Error::io(
            "interrupted; nothing was written",
            std::io::Error::from(std::io::ErrorKind::Interrupted),
        ))
    } else {
        Ok(())
    }
}

/// Marks a write in progress for as long as it lives.
struct Writing;

impl Writing {
    fn begin() -> Result<Writing> {
        let mut w = WRITING.lock().unwrap_or_else(|e| e.into_inner());
        check_interrupt()?;
        *w = true;
        Ok(Writing)
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        *WRITING.lock().unwrap_or_else(|e| e.into_inner()) = false;
    }
}

/// Does anything (a file, a directory, a symlink even if dangling) exist at `path`?
pub fn occupied(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
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
        .filter(|p| occupied(p))
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

/// Refuse, even with --force, to write any of `names` in `dir` over one
/// of the `inputs` (the scenario, its imported sweep file, the options.csv
/// being charted): replacing what the run reads would lose it.
pub fn check_not_inputs(dir: &Path, names: &[&str], inputs: &[impl AsRef<Path>]) -> Result<()> {
    let targets: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    check_not_input_paths(&targets, inputs)
}

/// [`check_not_inputs`] for targets given as whole paths.
pub fn check_not_input_paths(targets: &[PathBuf], inputs: &[impl AsRef<Path>]) -> Result<()> {
    let inputs: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    for target in targets {
        if fs::canonicalize(target).is_ok_and(|t| inputs.contains(&t)) {
            return Err(Error::input(format!(
                "'{}' is an input of this run; it is never written over, even with --force: choose another output path (nothing was written)",
                target.display()
            )));
        }
    }
    Ok(())
}

/// Write every output into `dir` (created if missing), all or none.
pub fn write_all(dir: &Path, outputs: &[Output], force: bool) -> Result<Vec<PathBuf>> {
    let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
    check_targets(dir, &names, force)?;
    fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("could not create '{}'", dir.display()), e))?;
    let _lock = lock::DirLock::acquire(dir)?;
    let _writing = Writing::begin()?;
    check_targets(dir, &names, force)?;
    let staged = stage(dir, outputs)?;
    commit(dir, staged, force)
}

/// Write one new file through an unpredictable temporary sibling, renamed
/// into place only if nothing is at `path` by then (never overwrites).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = temporary(dir, &name, bytes, path)?;
    tmp.persist_noclobber(path)
        .map_err(|e| Error::io(format!("could not write '{}'", path.display()), e.error))?;
    Ok(path.to_path_buf())
}

/// The mode outputs are created with: 0666, less the user's umask (as any
/// file a program creates; a temporary file's own mode, 0600, hid reports
/// from the rest of a shared machine).
fn readable() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o666)
}

/// `bytes` written and flushed to an unpredictable temporary file in `dir`
/// named after `name`; `target` names the file in errors.
fn temporary(dir: &Path, name: &str, bytes: &[u8], target: &Path) -> Result<NamedTempFile> {
    let fail = |e| Error::io(format!("could not write '{}'", target.display()), e);
    let mut tmp = Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .permissions(readable())
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    Ok(tmp)
}

/// Every output written and flushed under a temporary name; dropped
/// (deleted) on any failure.
fn stage(dir: &Path, outputs: &[Output]) -> Result<Vec<(PathBuf, NamedTempFile)>> {
    let mut staged = Vec::with_capacity(outputs.len());
    for o in outputs {
        let target = dir.join(&o.name);
        let tmp = temporary(dir, &o.name, &o.bytes, &target)?;
        check_interrupt()?;
        staged.push((target, tmp));
    }
    Ok(staged)
}

/// Rename the staged files into place, or undo every rename done so far.
fn commit(dir: &Path, staged: Vec<(PathBuf, NamedTempFile)>, force: bool) -> Result<Vec<PathBuf>> {
    let mut placed: Vec<PathBuf> = Vec::new();
    let mut moved_aside: Vec<(PathBuf, TempPath)> = Vec::new();
    let mut step = |target: PathBuf, tmp: NamedTempFile| -> Result<()> {
        check_interrupt()?;
        let fail = |e| Error::io(format!("could not write '{}'", target.display()), e);
        if force && occupied(&target) {
            let aside = Builder::new()
                .prefix(".old.")
                .tempfile_in(dir)
                .map_err(fail)?
                .into_temp_path();
            fs::rename(&target, &aside).map_err(fail)?;
            moved_aside.push((target.clone(), aside));
        }
        tmp.persist_noclobber(&target).map_err(|e| fail(e.error))?;
        placed.push(target);
        Ok(())
    };
    let mut result = Ok(());
    for (target, tmp) in staged {
        result = step(target, tmp);
        if result.is_err() {
            break;
        }
    }
    if let Err(e) = result {
        for p in &placed {
            let _ = fs::remove_file(p);
        }
        for (target, aside) in moved_aside.into_iter().rev() {
            let _ = aside.persist(&target);
        }
        return Err(e);
    }
    Ok(placed)
}

#[cfg(test)]
mod tests;
