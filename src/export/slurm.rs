//! A Slurm job array for a strategy: an sbatch script and the trials file
//! it reads, one JSON object of parameters per line, line i + 1 for array
//! task i (`SLURM_ARRAY_TASK_ID`).
//!
//! ```text
//! #SBATCH --array=0-(N-1)%K   N trials, at most K at once: K = max_concurrent_devices / D
//! #SBATCH --gres=gpu:D        D = the most devices a trial holds (GPUs only)
//! #SBATCH --time=T            T = the longest trial's hours on the first candidate
//!                             device × 1.25 (a 25% margin), rounded up to a minute
//! ```
//!
//! Strategies that stop runs early or promote them between rungs need a
//! controller that sees results (W&B, Optuna), so they are refused here.

use crate::error::{Error, Result};
use crate::import::Source;
use crate::scenario::Scenario;
use crate::space::{JobSet, Strategy};

/// Margin on the longest trial's hours in `--time`.
pub const TIME_MARGIN: f64 = 1.25;

/// The script and the trials file.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The sbatch script.
    pub script: String,
    /// The trials file (JSONL).
    pub trials: String,
}

/// What the trials ask of the cluster.
struct Needs {
    trials: u64,
    devices: u32,
    hours: f64,
}

fn needs(s: &Scenario, strategy: &Strategy, lines: &mut String) -> Result<Needs> {
    let set = JobSet::new(&s.params, strategy, s.seed).map_err(Error::input)?;
    let device = &s.hardware[0];
    let multiplier = s.cost.multiplier(device).map_err(Error::input)?;
    let mut slots = vec![0.0; s.params.len()];
    let (mut devices, mut hours) = (1u32, 0.0f64);
    for i in 0..set.len() {
        let info = set.trial(i, &mut slots);
        let entries: Vec<String> = s
            .params
            .iter()
            .zip(&slots)
            .map(|(p, &v)| {
                format!(
                    "{}:{}",
                    serde_json::to_string(&p.name).unwrap_or_default(),
                    p.label(v).json()
                )
            })
            .collect();
        lines.push('{');
        lines.push_str(&entries.join(","));
        lines.push_str("}\n");
        let cost = s.cost.evaluate(&mut slots, &info, None).map_err(|e| {
            Error::input(format!(
                "trial {i}: `{}` {} ({})",
                e.formula, e.problem, e.value
            ))
        })?;
        devices = devices.max(cost.devices);
        hours = hours.max(cost.work * multiplier);
    }
    Ok(Needs {
        trials: set.len(),
        devices,
        hours,
    })
}

/// `HH:MM:SS` (hours may exceed 24), at least one minute.
fn time_limit(hours: f64) -> String {
    let minutes = ((hours * 60.0).ceil() as u64).max(1);
    format!("{}:{:02}:00", minutes / 60, minutes % 60)
}

/// The job of `strategy`; `trials_name` is the trials file's name beside the script.
pub fn write(s: &Scenario, strategy: &Strategy, trials_name: &str) -> Result<Job> {
    if matches!(
        strategy,
        Strategy::EarlyStop(..) | Strategy::Hyperband { .. }
    ) {
        return Err(Error::input(format!(
            "'{}' stops or promotes runs from their results, which a Slurm array cannot do; export it with --to wandb, or export its trials without early stopping",
            strategy.name()
        )));
    }
    let mut trials = String::new();
    let n = needs(s, strategy, &mut trials)?;
    if n.trials == 0 {
        return Err(Error::input("the strategy has no trials"));
    }
    let device = &s.hardware[0];
    let gpu = device.kind == crate::catalog::Kind::Gpu;
    let concurrent = (s.max_concurrent_devices / n.devices).max(1);
    let limit = time_limit(n.hours * TIME_MARGIN);
    let job_name: String = s
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut out = String::from("#!/bin/bash\n");
    out.push_str(&format!(
        "# Written by co2sweep from {} (strategy {}): {} trials, {} device(s) each, at most {} at once\n\
         # ([execution] max_concurrent_devices = {}). --time is the longest trial on {} ({:.3} h,\n\
         # the scenario's first candidate device) plus a 25% margin, rounded up to a minute.\n",
        s.path.display(), strategy.name(), n.trials, n.devices, concurrent, s.max_concurrent_devices, device.name, n.hours
    ));
    out.push_str(&format!(
        "#SBATCH --job-name={job_name}\n#SBATCH --array=0-{}%{concurrent}\n",
        n.trials - 1
    ));
    if gpu {
        out.push_str(&format!("#SBATCH --gres=gpu:{}\n", n.devices));
    } else {
        out.push_str(&format!(
            "# {} is not a GPU: no --gres line; request CPUs as your cluster does.\n",
            device.name
        ));
    }
    out.push_str(&format!(
        "#SBATCH --time={limit}\n#SBATCH --output={job_name}-%A_%a.out\n\n"
    ));
    out.push_str(&body(s, trials_name));
    Ok(Job {
        script: out,
        trials,
    })
}

/// Read the task's line, turn it into arguments, run the program.
fn body(s: &Scenario, trials_name: &str) -> String {
    let hydra = s.import.as_ref().is_some_and(|i| i.source == Source::Hydra);
    let program = s
        .import
        .as_ref()
        .and_then(|i| i.kept.iter().find(|(k, _)| k == "program"))
        .and_then(|(_, v)| v.as_str().map(str::to_string));
    let style = if hydra { "hydra" } else { "wandb" };
    let run = match program {
        Some(p) => format!("srun python {} \"$@\"", shell_quote(&p)),
        None => "srun ${TRAIN:?set TRAIN to the training command, e.g. TRAIN=\"python train.py\"} \"$@\"".to_string(),
    };
    format!(
        "set -euo pipefail\n\
         TRIALS=\"${{SLURM_SUBMIT_DIR:-.}}/{trials}\"\n\
         LINE=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \"$TRIALS\")\n\
         # One argument per parameter: --name=value (W&B's style) or name=value (Hydra's).\n\
         ARGS=$(printf '%s' \"$LINE\" | python3 -c '\n\
         import json, shlex, sys\n\
         style = \"{style}\"\n\
         def text(v):\n    \
             if isinstance(v, str): return v\n    \
             if style == \"wandb\" and (v is None or isinstance(v, bool)): return str(v)\n    \
             return json.dumps(v)\n\
         print(\" \".join(shlex.quote((\"--\" if style == \"wandb\" else \"\") + k + \"=\" + text(v)) for k, v in json.load(sys.stdin).items()))\n\
         ')\n\
         eval \"set -- $ARGS\"\n\
         {run}\n",
        trials = trials_name
    )
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_limits_round_up_to_minutes() {
        // 1.5 h × 1.25 = 1.875 h = 112.5 min → 113 min = 1:53:00.
        assert_eq!(time_limit(1.5 * TIME_MARGIN), "1:53:00");
        assert_eq!(time_limit(0.0), "0:01:00");
        // 30 h → 1800 min.
        assert_eq!(time_limit(30.0), "30:00:00");
    }
}
