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
        if files::occupied(t) && !args.force {
            return Err(Error::input(format!(
                "'{}' already exists; nothing was written (add --force to replace it)",
                t.display()
            )));
        }
    }
    let s = super::load_scenario(catalog, &args.scenario, args.allow_large)?;
    files::check_not_input_paths(&targets, &super::run_inputs(catalog, &s))?;
    let strategy = export::strategy(&s, &args.strategy)?;
    // Every trial must cost something sensible before anything is written.
    sweep::totals(&s, strategy)?;
    match args.to {
        ExportTarget::Wandb => {
            let text = export::wandb::write(&s, strategy)?;
            match &args.out {
                Some(path) => write(&[(path, text.into_bytes())], args.force),
                None => super::write_out(out, &text),
            }
        }
        ExportTarget::Slurm => {
            let (script, trials) = (&targets[0], &targets[1]);
            let name = trials
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let job = export::slurm::write(&s, strategy, &name)?;
            write(
                &[
                    (trials, job.trials.into_bytes()),
                    (script, job.script.into_bytes()),
                ],
                args.force,
            )
        }
    }
}

/// Write files that share one directory as one all-or-nothing set.
fn write(targets: &[(&PathBuf, Vec<u8>)], force: bool) -> Result<()> {
    let Some((first, _)) = targets.first() else {
        return Ok(());
    };
    let dir = match first.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut outputs = Vec::with_capacity(targets.len());
    for (path, bytes) in targets {
        let Some(name) = path.file_name() else {
            return Err(Error::input(format!(
                "--out '{}' names no file",
                path.display()
            )));
        };
        outputs.push(files::Output {
            name: name.to_string_lossy().into_owned(),
            bytes: bytes.clone(),
        });
    }
    files::write_all(&dir, &outputs, force).map(|_| ())
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
