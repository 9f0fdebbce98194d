//! The progress bar `plan` shows while it evaluates a large strategy: the
//! library reports (strategy, trials done, trials in all) through a
//! callback, and this renders it with indicatif, on stderr and only on a
//! terminal (indicatif draws nothing otherwise).

use std::sync::Mutex;

/// Trials from which a strategy's evaluation shows a bar.
const FROM: u64 = 1 << 20;

/// A bar per strategy evaluated, created on its first report.
pub struct Bar {
    current: Mutex<Option<(String, indicatif::ProgressBar)>>,
}

impl Bar {
    /// No bar yet.
    pub fn new() -> Bar {
        Bar {
            current: Mutex::new(None),
        }
    }

    /// Show `done` of `total` trials of strategy `name`.
    pub fn show(&self, name: &str, done: u64, total: u64) {
        if total < FROM {
            return;
        }
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_none_or(|(n, _)| n != name) {
            if let Some((_, old)) = current.take() {
                old.finish_and_clear();
            }
            let style = indicatif::ProgressStyle::with_template(
                "{msg} {bar:40} {pos}/{len} trials ({eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            let bar = indicatif::ProgressBar::new(total)
                .with_style(style)
                .with_message(format!("evaluating {name}"));
            *current = Some((name.to_string(), bar));
        }
        if let Some((_, bar)) = current.as_ref() {
            bar.set_position(done);
        }
    }

    /// Clear the bar, if any.
    pub fn finish(&self) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, bar)) = current.take() {
            bar.finish_and_clear();
        }
    }
}
