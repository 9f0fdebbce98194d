//! The output directory's lock: `LOCK_FILE` held with an exclusive,
//! non-blocking `flock` while a set is written. The kernel releases it when
//! the process ends, however it ends; the file is removed on release.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::LOCK_FILE;

/// A held lock; released (and its file removed) when dropped.
pub struct DirLock {
    path: PathBuf,
    _file: File,
}

impl DirLock {
    /// Lock `dir`, or say that another run holds it.
    pub fn acquire(dir: &Path) -> Result<DirLock> {
        let path = dir.join(LOCK_FILE);
        let fail = |e| Error::io(format!("could not lock '{}'", dir.display()), e);
        // A lock file removed by its holder between our open and our flock
        // is a stale inode: retry on the file now at the path.
        for _ in 0..100 {
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(fail)?;
            if !try_lock(&file).map_err(fail)? {
                return Err(Error::input(format!(
                    "another co2sweep run is writing to '{}' (it holds '{}'); wait for it to finish",
                    dir.display(),
                    path.display()
                )));
            }
            if same_file(&file, &path) {
                return Ok(DirLock { path, _file: file });
            }
        }
        Err(Error::input(format!(
            "could not lock '{}': its lock file keeps changing",
            dir.display()
        )))
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still locked; the lock goes with the file handle.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
#[allow(unsafe_code)] // one of the exceptions Cargo.toml [lints] lists
fn try_lock(file: &File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a file descriptor we own; no memory is shared.
    let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn try_lock(file: &File) -> std::io::Result<bool> {
    file.try_lock().map(|()| true).or_else(|e| match e {
        fs::TryLockError::WouldBlock => Ok(false),
        fs::TryLockError::Error(e) => Err(e),
    })
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}
