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
use crate::escape::one_line;
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
        if lines.len() > TRIALS_FILE_LIMIT {
            return Err(Error::input(format!(
                "the trials file would be larger than {} MB (at trial {i} of {}); export a strategy of fewer trials, or shorter values",
                TRIALS_FILE_LIMIT >> 20,
                set.len()
            )));
        }
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

/// Most minutes `--time` takes: Slurm keeps a time limit in 32 bits of
/// minutes, all ones meaning no limit.
const MAX_MINUTES: f64 = (u32::MAX - 1) as f64;

/// `HH:MM:SS` (hours may exceed 24), at least one minute; `None` above
/// [`MAX_MINUTES`] (or not a number).
fn time_limit(hours: f64) -> Option<String> {
    let minutes = (hours * 60.0).ceil();
    if minutes.is_nan() || minutes > MAX_MINUTES {
        return None;
    }
    let minutes = minutes.max(1.0) as u64;
    Some(format!("{}:{:02}:00", minutes / 60, minutes % 60))
}

/// Largest trials file written (a trial's line holds every parameter's
/// value, so a long categorical value makes long lines): it is built in
/// memory before it is written.
pub const TRIALS_FILE_LIMIT: usize = 256 << 20;

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
    let limit = time_limit(n.hours * TIME_MARGIN).ok_or_else(|| {
        let (line, column) = s.work_at;
        Error::input(format!(
            "{}:{line}:{column}: the longest trial takes {:.3e} h on {}, more than Slurm's --time can hold; `{}` is far too large",
            s.path.display(),
            n.hours,
            one_line(&device.name),
            s.cost.work_key()
        ))
    })?;
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
        one_line(&s.path.display().to_string()), one_line(strategy.name()), n.trials, n.devices, concurrent, s.max_concurrent_devices, one_line(&device.name), n.hours
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
    let head = format!(
        "set -euo pipefail\n\
         TRIALS=\"${{SLURM_SUBMIT_DIR:-.}}\"/{trials}\n\
         LINE=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \"$TRIALS\")\n\
         # One argument per parameter: --name=value (W&B's style) or name=value (Hydra's).\n",
        trials = shell_quote(trials_name)
    );
    format!(
        "{head}ARGS=$(printf '%s' \"$LINE\" | python3 -c '\n{}')\neval \"set -- $ARGS\"\n{run}\n",
        ARGS_PY.replace("STYLE", style)
    )
}

/// The arguments of one trial from its JSON line, shell-quoted; inside
/// single quotes in the script, so it holds none. Hydra reads a bare
/// value by its grammar (`x,y` is a sweep, `null` None, `1e3` a float), so
/// strings are passed quoted: `'...'`, a quote and the backslashes before
/// a quote or the end escaped.
const ARGS_PY: &str = r#"import json, re, shlex, sys
style = "STYLE"
Q, B = chr(39), chr(92)
def hydra(v):
    return Q + re.sub("(" + B + B + "*)(" + Q + "|$)", lambda m: m.group(1) * 2 + (B + Q if m.group(2) else ""), v) + Q
def text(v):
    if isinstance(v, str): return hydra(v) if style == "hydra" else v
    if style == "wandb" and (v is None or isinstance(v, bool)): return str(v)
    return json.dumps(v)
print(" ".join(shlex.quote(("--" if style == "wandb" else "") + k + "=" + text(v)) for k, v in json.load(sys.stdin).items()))
"#;

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
        assert_eq!(time_limit(1.5 * TIME_MARGIN).unwrap(), "1:53:00");
        assert_eq!(time_limit(0.0).unwrap(), "0:01:00");
        // 30 h → 1800 min.
        assert_eq!(time_limit(30.0).unwrap(), "30:00:00");
        // (2^32 − 2) minutes is the most Slurm holds: 71,582,788 h 14 min
        // (half a minute less rounds up to it); one minute more, or 1e300 h,
        // or NaN, is refused.
        let most = (f64::from(u32::MAX - 1) - 0.5) / 60.0;
        assert_eq!(time_limit(most).unwrap(), "71582788:14:00");
        assert_eq!(time_limit(most + 1.0 / 60.0), None);
        assert_eq!(time_limit(1e300), None);
        assert_eq!(time_limit(f64::NAN), None);
    }
}
