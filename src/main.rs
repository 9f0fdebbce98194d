//! The `co2sweep` binary: parse arguments, run, print any error once, and
//! map it to an exit code (0 success, 2 bad input, 1 anything else, 130
//! interrupted).

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Start the thread pool now, so that its threads are up by the time
    // the catalog's tables are read in parallel (not started by that read).
    rayon::spawn(|| ());
    let cli = cli::Cli::parse();
    // Ctrl-C (or SIGTERM) while an output set is written rolls it back;
    // at any other time the process ends at once.
    let _ = ctrlc::set_handler(|| {
        co2sweep::report::files::interrupt(|| std::process::exit(130));
    });
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`co2sweep expand ... | head`) is not
        // an error: end quietly, as other Unix tools do.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: {}",
                co2sweep::escape::printable(&cli::given::message(&e))
            );
            if e.is_interrupted() {
                ExitCode::from(130)
            } else {
                ExitCode::from(e.exit_code())
            }
        }
    }
}
