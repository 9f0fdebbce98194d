//! `[trial]`: the cost model of one trial, and its calibration to a
//! CodeCarbon pilot run.

use toml::Spanned;

use super::raw::{RawPilot, RawTrial};
use super::Checker;
use crate::cost::{Calibration, TrialCost, Work};
use crate::error::Result;
use crate::formula::Formula;
use crate::space::Param;
use crate::suggest;

/// The pilot's parameter values as given: (name, value).
type PilotValues = Vec<(String, f64)>;

impl Checker<'_> {
    pub(super) fn trial(
        &self,
        raw: Spanned<RawTrial>,
        params: &[Param],
    ) -> Result<(TrialCost, (usize, usize))> {
        let at = raw.span().start;
        let t = raw.into_inner();
        let precision = self.precision(&t.precision)?;
        let workload = self.workload(&t.workload)?;
        let threads = self.threads(&t.threads)?;
        let utilization = match &t.utilization {
            None => 1.0,
            Some(u) if *u.get_ref() > 0.0 && *u.get_ref() <= 1.0 => *u.get_ref(),
            Some(u) => {
                return Err(self.err(
                    u.span().start,
                    "utilization is a fraction of TDP within (0, 1]",
                ))
            }
        };
        let devices = match &t.devices {
            None => Formula::parse("1", &[]).expect("a literal parses"),
            Some(d) => self.formula(d, "devices", params)?,
        };
        let (work, work_span) = self.work(&t, at, params)?;
        let work_at = crate::error::line_col(self.text, work_span.start);
        let mut cost = TrialCost {
            work,
            devices,
            utilization,
            precision,
            calibration: None,
            workload,
            speed: crate::cost::Speed::new(self.catalog, workload, precision),
            threads,
        };
        if let Some(pilot) = &t.pilot {
            cost.calibration = Some(self.calibration(pilot, &cost, params)?);
        }
        Ok((cost, work_at))
    }

    /// Calibrate the cost model to a CodeCarbon pilot run (see [`crate::cost::Calibration`]).
    pub(super) fn calibration(
        &self,
        raw: &Spanned<RawPilot>,
        cost: &TrialCost,
        params: &[Param],
    ) -> Result<Calibration> {
        let at = raw.span().start;
        let p = raw.get_ref();
        let loaded =
            (self.pilot.as_ref()).ok_or_else(|| self.err(at, "pilot: the file was not read"))?;
        let file = loaded.file.clone();
        let pilot = (loaded.read.as_ref()).map_err(|e| self.err(at, format!("pilot: {e}")))?;
        if pilot.total.energy_kwh == 0.0 {
            return Err(self.err(
                at,
                format!(
                    "pilot: every run of '{}' reports 0 kWh (energy_consumed): CodeCarbon measured no energy, so the pilot cannot give a power; measure again, or remove `pilot`",
                    file.display()
                ),
            ));
        }
        let device_name = pilot.total.device.clone().ok_or_else(|| {
            self.err(
                at,
                "pilot: the emissions file names no GPU or CPU model that the catalog knows",
            )
        })?;
        let device = self
            .catalog
            .device(&device_name)
            .map_err(|e| self.err(at, e.to_string()))?
            .clone();
        let (mut slots, given) = self.pilot_params(&p.params, params, at)?;
        let needed: Vec<&str> = cost
            .work_formula()
            .variables_used()
            .iter()
            .chain(cost.devices.variables_used())
            .filter(|&&i| slots[i].is_nan())
            .map(|&i| params[i].name.as_str())
            .collect();
        if !needed.is_empty() {
            return Err(self.err(
                at,
                format!(
                    "pilot params must give {} (the cost formulas read them)",
                    needed.join(", ")
                ),
            ));
        }
        let c = cost
            .evaluate(&mut slots, &crate::space::TrialInfo::default(), None)
            .map_err(|e| {
                self.err(
                    at,
                    format!(
                        "pilot: `{}` gives {} at the pilot's parameters; it {}",
                        e.formula, e.value, e.problem
                    ),
                )
            })?;
        let multiplier = cost
            .multiplier(&device)
            .map_err(|m| self.err(at, format!("pilot: {m}")))?;
        let measured_hours = pilot.total.duration_hours / pilot.total.runs as f64;
        let predicted = c.work * multiplier;
        let devices = pilot.total.gpu_count.unwrap_or(c.devices).max(1);
        Ok(Calibration {
            file,
            runs: pilot.total.runs,
            measured_hours,
            watts_per_device: pilot.total.avg_power_watts / f64::from(devices),
            device,
            devices,
            work_scale: measured_hours / predicted,
            params: given,
        })
    }

    /// The work model: `hours` on `reference_hardware`, or `flops` at an
    /// `mfu`; with the span of the formula for messages.
    fn work(
        &self,
        t: &RawTrial,
        at: usize,
        params: &[Param],
    ) -> Result<(Work, std::ops::Range<usize>)> {
        Ok(match (&t.reference_hardware, &t.hours, &t.flops) {
            (Some(dev), Some(hours), None) => {
                if let Some(m) = &t.mfu {
                    return Err(self.err(
                        m.span().start,
                        "`mfu` belongs to the FLOPs model (`flops`), not to `hours`",
                    ));
                }
                let device = self
                    .catalog
                    .device(dev.get_ref())
                    .map_err(|e| self.err(dev.span().start, e.to_string()))?;
                (
                    Work::ReferenceHours {
                        device: Box::new(device.clone()),
                        hours: self.formula(hours, "hours", params)?,
                    },
                    hours.span(),
                )
            }
            (_, None, Some(flops)) => {
                if let Some(r) = &t.reference_hardware {
                    return Err(self.err(
                        r.span().start,
                        "`reference_hardware` belongs with `hours`; the FLOPs model needs none",
                    ));
                }
                let mfu = match &t.mfu {
                    Some(m) => self.mfu(m)?,
                    None => return Err(self.err(
                        flops.span().start,
                        "the FLOPs model needs `mfu`, the achieved fraction of peak (e.g. 0.35)",
                    )),
                };
                (
                    Work::Flops {
                        flops: self.formula(flops, "flops", params)?,
                        mfu,
                    },
                    flops.span(),
                )
            }
            (_, Some(h), Some(_)) => return Err(self.err(
                h.span().start,
                "give either `hours` (with `reference_hardware`) or `flops` (with `mfu`), not both",
            )),
            (None, Some(h), None) => {
                return Err(self.err(
                    h.span().start,
                    "`hours` needs `reference_hardware`: the device those hours were measured on",
                ))
            }
            (_, None, None) => {
                return Err(self.err(
                    at,
                    "[trial] needs `hours` with `reference_hardware`, or `flops` with `mfu`",
                ))
            }
        })
    }

    /// `[trial.pilot] params`: the pilot's parameter values, as formula
    /// slots (NaN where not given) and as given.
    fn pilot_params(
        &self,
        raw: &toml::Table,
        params: &[Param],
        at: usize,
    ) -> Result<(Vec<f64>, PilotValues)> {
        let mut slots = vec![f64::NAN; params.len()];
        let mut given = Vec::new();
        for (key, value) in raw {
            let Some(i) = params.iter().position(|q| &q.name == key) else {
                let names: Vec<&str> = params.iter().map(|q| q.name.as_str()).collect();
                let hint = suggest::closest(key, names.iter().copied())
                    .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"));
                return Err(self.err(
                    at,
                    format!("pilot params: '{key}' is not a parameter{hint}"),
                ));
            };
            let v = match value {
                toml::Value::Integer(n) => *n as f64,
                toml::Value::Float(f) => *f,
                _ => return Err(self.err(at, format!("pilot params: '{key}' must be a number"))),
            };
            slots[i] = v;
            given.push((key.clone(), v));
        }
        Ok((slots, given))
    }
}
