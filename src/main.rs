//! The `co2sweep` binary: parse arguments, run, print any error once, and
//! map it to an exit code (0 success, 2 bad input, 1 anything else).

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`co2sweep expand ... | head`) is not
        // an error: end quietly, as other Unix tools do.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
