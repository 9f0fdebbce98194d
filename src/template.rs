//! The commented scenario template `co2sweep init` writes: every common key
//! with a one-line explanation, valid as written (a test checks it).

use crate::import::{Imported, Method, Source};

/// The template's text.
pub const TEMPLATE: &str = include_str!("template.toml");

/// A template for a W&B or Hydra sweep file: `[import]` names the file by
/// `relative` (its path from the scenario's folder), which supplies the
/// space and the method; the cost, devices and regions are the plain
/// template's. `[import] trials` is written where the file gives no run
/// count, and `iterations` where it asks for early termination, so that
/// `check` accepts the result as written.
pub fn from_import(imported: &Imported, relative: &str) -> String {
    let key = match imported.source {
        Source::Wandb => "wandb",
        Source::Hydra => "hydra",
    };
    let mut out = format!(
        "# A co2sweep scenario for the sweep in {relative}: the file gives the\n\
         # parameters and the search method; this file adds what a trial costs and\n\
         # where it may run. Every key is explained in README.md (\"Scenario files\").\n\n\
         [scenario]\nname = \"My {} sweep\"\nseed = 0\n\n[import]\n{key} = {relative:?}\n",
        imported.method.name()
    );
    if imported.trials.is_none() && imported.method != Method::Grid {
        out.push_str(
            "trials = 20                 # runs to cost: the file sets no run_cap / n_trials\n",
        );
    }
    match imported.early_terminate.as_ref().map(|e| e.max_iter) {
        // W&B's max_iter is the iterations of a run that is never stopped.
        Some(Some(max)) => out.push_str(&format!(
            "iterations = {max:<15}# iterations of one full run: the file's max_iter\n"
        )),
        Some(None) => out.push_str(
            "iterations = 100            # iterations of one full run (early termination)\n",
        ),
        None => {}
    }
    out.push_str(
        "\n# The cost of one trial: wall-clock hours on a reference device, a number\n\
         # or a formula over the numeric parameters (other names in backquotes).\n\
         [trial]\nreference_hardware = \"A100 SXM4 40GB\"\nhours = 1.0\ndevices = 1\n\
         utilization = 0.8\nprecision = \"bf16\"\n\n",
    );
    let tail = TEMPLATE
        .find("# Candidate devices")
        .unwrap_or(TEMPLATE.len());
    out.push_str(&TEMPLATE[tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_scenario() {
        let catalog = crate::catalog::Catalog::bundled().unwrap();
        let path = std::path::Path::new("scenario.toml");
        let s = crate::scenario::parse(path, TEMPLATE, &catalog, Default::default()).unwrap();
        assert_eq!(s.name, "My sweep");
        // Three strategies: grid, random, hyperband.
        assert_eq!(s.strategies.len(), 3);
    }

    #[test]
    fn an_import_template_checks_as_written_and_names_the_file() {
        // The bundled W&B example has method random with run_cap and no
        // early termination: [import] wandb and no `trials` line.
        let catalog = crate::catalog::Catalog::bundled().unwrap();
        let file = std::path::Path::new("scenarios/imports/wandb-random.yaml");
        let imported = crate::import::load(file, Source::Wandb).unwrap();
        let text = from_import(&imported, "imports/wandb-random.yaml");
        assert!(
            text.contains("wandb = \"imports/wandb-random.yaml\""),
            "{text}"
        );
        let path = std::path::Path::new("scenarios/from-import.toml");
        let s = crate::scenario::parse(path, &text, &catalog, Default::default()).unwrap();
        assert_eq!(s.params.len(), imported.params.len());
    }

    #[test]
    fn an_import_template_takes_iterations_from_max_iter() {
        // Hyperband with max_iter 27: a full run is 27 iterations; with
        // only min_iter the length of a run is unknown, and the template
        // writes the placeholder 100 for the user to set.
        let text = |terminate: &str| {
            let sweep = format!("method: random\nrun_cap: 10\nearly_terminate: {{type: hyperband, {terminate}}}\nparameters:\n  lr: {{min: 0.001, max: 0.1}}\n");
            let imported =
                crate::import::parse(std::path::Path::new("s.yaml"), &sweep, Source::Wandb)
                    .unwrap();
            from_import(&imported, "s.yaml")
        };
        let with_max = text("max_iter: 27, s: 2");
        assert!(
            with_max.contains(
                "\niterations = 27             # iterations of one full run: the file's max_iter\n"
            ),
            "{with_max}"
        );
        assert!(text("min_iter: 3").contains("\niterations = 100 "));
    }
}
