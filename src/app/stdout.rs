//! Standard output, refusing to write when it was closed at start.
//!
//! Rust's runtime reopens a closed descriptor 1 on `/dev/null` before
//! `main`, so output written to it would vanish with exit 0. A constructor
//! in `.init_array`, which the loader runs before the runtime starts,
//! records whether descriptor 1 was open; writing to a closed standard
//! output is then an I/O error (exit 1). Writing nothing stays allowed.

use std::io::{self, StdoutLock, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED: AtomicBool = AtomicBool::new(false);

/// Run by the loader before `main` and before the runtime opens anything.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
#[used]
#[link_section = ".init_array"]
static RECORD: extern "C" fn() = record;

#[cfg(target_os = "linux")]
extern "C" fn record() {
    // SAFETY: F_GETFD only reads the descriptor's flags; -1 means it is
    // not open.
    #[allow(unsafe_code)]
    let flags = unsafe { libc::fcntl(1, libc::F_GETFD) };
    CLOSED.store(flags == -1, Ordering::Relaxed);
}

/// The process's standard output, locked.
pub struct Stdout(StdoutLock<'static>);

impl Stdout {
    /// Lock standard output for the run.
    pub fn lock() -> Stdout {
        Stdout(io::stdout().lock())
    }

    fn closed() -> io::Result<()> {
        if CLOSED.load(Ordering::Relaxed) {
            Err(io::Error::other(
                "standard output was closed when co2sweep started",
            ))
        } else {
            Ok(())
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !buf.is_empty() {
            Stdout::closed()?;
        }
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
