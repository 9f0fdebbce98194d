//! Files a scenario names, read before the checks that use them: the
//! CodeCarbon pilot of `[trial] pilot` before any check, and the hourly
//! grid profiles of the sites' zones once the sites and the run window
//! are checked, before the checks that use the profiles. The checker
//! reads no file: it is handed what was read, and locates a read error
//! where the scenario names the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::raw::RawFile;
use crate::calibrate::{self, Pilot};
use crate::catalog::{Catalog, Region};
use crate::error::Result;
use crate::hourly::{self, Instant, Profile};

/// The pilot file `[trial] pilot` names, and what reading it gave (the
/// error's words, for the checker to locate).
pub(super) struct PilotFile {
    /// The file, relative to the scenario's folder.
    pub file: PathBuf,
    /// Its runs and total, or why it could not be read.
    pub read: std::result::Result<Pilot, String>,
}

/// The pilot file the raw scenario names, read, if it names one.
pub(super) fn pilot(path: &Path, raw: &RawFile, catalog: &Catalog) -> Option<PilotFile> {
    let p = raw.trial.get_ref().pilot.as_ref()?;
    let base = path.parent().unwrap_or(Path::new("."));
    let file = base.join(&p.get_ref().emissions_csv);
    let read = calibrate::read(&file, catalog).map_err(|e| e.to_string());
    Some(PilotFile { file, read })
}

/// The hourly profiles of the sites' grid zones that have one, for a run
/// starting at `start`, by zone. Profiles are parsed in parallel; the map
/// keeps a fixed order, and the first error in zone order is returned.
pub(super) fn profiles(
    catalog: &Catalog,
    sites: &[Region],
    start: Instant,
) -> Result<BTreeMap<String, Profile>> {
    let data_dir = catalog.data_dir.as_deref();
    let zones: std::collections::BTreeSet<&String> = sites
        .iter()
        .filter_map(|r| r.grid_zone.as_ref())
        .filter(|z| hourly::has_profile(z, data_dir))
        .collect();
    let loaded: Vec<Result<(String, Profile)>> = zones
        .into_par_iter()
        .map(|zone| hourly::for_run(catalog, zone, start).map(|p| (zone.clone(), p)))
        .collect();
    loaded.into_iter().collect()
}
