//! The `[trial]` keys that choose how devices compare: `precision`,
//! `workload`, `mfu` (a number or a table) and `threads`, and the devices a
//! precision excludes.

use serde::Serialize;
use toml::Spanned;

use super::Checker;
use crate::catalog::{Device, Precision, Workload};
use crate::cost::Mfu;
use crate::error::Result;

/// A device, or a device in a region, left out of a plan, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exclusion {
    /// Device name.
    pub hardware: String,
    /// `provider:region`, when the reason is the region's.
    pub region: Option<String>,
    /// Why.
    pub reason: String,
}

impl Checker<'_> {
    pub(super) fn precision(&self, raw: &Option<Spanned<String>>) -> Result<Precision> {
        let Some(p) = raw else {
            return Ok(Precision::Fp32);
        };
        Ok(match p.get_ref().as_str() {
            "fp32" => Precision::Fp32,
            "tf32" => Precision::Tf32,
            "fp16" => Precision::Fp16,
            "bf16" => Precision::Bf16,
            "fp8" => Precision::Fp8,
            other => {
                return Err(self.err(
                    p.span().start,
                    format!(
                    "unknown precision '{other}'; choose 'fp32', 'tf32', 'fp16', 'bf16' or 'fp8'"
                ),
                ))
            }
        })
    }

    pub(super) fn workload(&self, raw: &Option<Spanned<String>>) -> Result<Workload> {
        let Some(w) = raw else {
            return Ok(Workload::Generic);
        };
        Workload::parse(w.get_ref()).ok_or_else(|| {
            let names: Vec<&str> = Workload::ALL.iter().map(|w| w.name()).collect();
            self.err(
                w.span().start,
                format!(
                    "unknown workload '{}'; choose {}",
                    w.get_ref(),
                    crate::suggest::or_list(&names)
                ),
            )
        })
    }

    pub(super) fn threads(&self, raw: &Option<Spanned<i64>>) -> Result<Option<u32>> {
        match raw {
            None => Ok(None),
            Some(t) if (1..=1_000_000).contains(t.get_ref()) => Ok(Some(*t.get_ref() as u32)),
            Some(t) => Err(self.err(
                t.span().start,
                "threads is the number of cores one CPU trial uses: a whole number of at least 1",
            )),
        }
    }

    /// `mfu = 0.4` or `mfu = { default = 0.4, "H100 SXM" = 0.38 }`.
    pub(super) fn mfu(&self, raw: &Spanned<toml::Value>) -> Result<Mfu> {
        let at = raw.span().start;
        let fraction = |v: &toml::Value, what: &str| -> Result<f64> {
            let x = v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
            x.filter(|x| *x > 0.0 && *x <= 1.0)
                .ok_or_else(|| self.err(at, format!("{what} is a fraction of peak within (0, 1]")))
        };
        match raw.get_ref() {
            toml::Value::Table(t) => {
                let mut mfu = Mfu::default();
                for (key, v) in t {
                    if key == "default" {
                        mfu.default = Some(fraction(v, "mfu default")?);
                        continue;
                    }
                    let d: &Device = self
                        .catalog
                        .device(key)
                        .map_err(|e| self.err(at, format!("mfu table: {e}")))?;
                    mfu.per_device.push((d.name.clone(), fraction(v, "mfu")?));
                }
                Ok(mfu)
            }
            v => Ok(Mfu::uniform(fraction(v, "mfu")?)),
        }
    }
}
