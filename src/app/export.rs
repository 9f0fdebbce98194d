//! `co2sweep export`: a strategy as a W&B sweep or a Slurm job array,
//! written to stdout or to files that are never replaced without --force.

use std::io::Write;
use std::path::{Path, PathBuf};

use co2sweep::catalog::Catalog;
use co2sweep::error::{Error, Result};
use co2sweep::export;
use co2sweep::report::files;
use co2sweep::sweep;

use crate::cli::{ExportArgs, ExportTarget};

/// Run `export`.
pub fn run(catalog: &Catalog, args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    let targets = targets(args)?;
    for t in &targets {
        if t.exists() && !args.force {
            return Err(Error::input(format!(
                "'{}' already exists; nothing was written (add --force to replace it)",
                t.display()
            )));
        }
    }
    let s = super::load_scenario(catalog, &args.scenario, args.allow_large)?;
    let strategy = export::strategy(&s, &args.strategy)?;
    // Every trial must cost something sensible before anything is written.
    sweep::totals(&s, strategy)?;
    match args.to {
        ExportTarget::Wandb => {
            let text = export::wandb::write(&s, strategy)?;
            match &args.out {
                Some(path) => files::write_atomic(path, text.as_bytes()).map(|_| ()),
                None => super::write_out(out, &text),
            }
        }
        ExportTarget::Slurm => {
            let (script, trials) = (&targets[0], &targets[1]);
            let name = trials
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let job = export::slurm::write(&s, strategy, &name)?;
            files::write_atomic(trials, job.trials.as_bytes())?;
            files::write_atomic(script, job.script.as_bytes()).map(|_| ())
        }
    }
}

/// The files written: the W&B file, or the script and its trials file.
fn targets(args: &ExportArgs) -> Result<Vec<PathBuf>> {
    match (args.to, &args.out) {
        (ExportTarget::Wandb, Some(p)) => Ok(vec![p.clone()]),
        (ExportTarget::Wandb, None) => Ok(Vec::new()),
        (ExportTarget::Slurm, None) => Err(Error::input(
            "--to slurm writes two files, the sbatch script and the trials file it reads: give --out FILE",
        )),
        (ExportTarget::Slurm, Some(p)) => Ok(vec![p.clone(), trials_path(p)]),
    }
}

/// `DIR/STEM.trials.jsonl` beside the script `DIR/STEM.EXT`.
fn trials_path(script: &Path) -> PathBuf {
    let stem = script
        .file_stem()
        .map_or_else(|| "sweep".into(), |s| s.to_string_lossy().into_owned());
    script.with_file_name(format!("{stem}.trials.jsonl"))
}
