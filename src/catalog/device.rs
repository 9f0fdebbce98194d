//! Devices (`hardware.csv`): what a device is, the precision it runs at,
//! and its row.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::units::Watts;

/// What a device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A graphics processor.
    Gpu,
    /// A Google tensor processing unit.
    Tpu,
    /// A server or desktop CPU (one chip).
    Cpu,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Gpu => "gpu",
            Kind::Tpu => "tpu",
            Kind::Cpu => "cpu",
        })
    }
}

/// Numeric precision a workload runs at, selecting which peak applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 32-bit floating point, non-tensor peak.
    #[default]
    Fp32,
    /// bfloat16 tensor math.
    Bf16,
    /// IEEE half-precision tensor math.
    Fp16,
    /// TF32 tensor math (FP32 storage, 10-bit mantissa products): NVIDIA Ampere and later, AMD CDNA3.
    Tf32,
    /// 8-bit floating point tensor math: NVIDIA Hopper and Ada, AMD CDNA3.
    Fp8,
}

/// One device of `hardware.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Canonical name, unique in the catalog.
    pub name: String,
    /// Other names it is known by, `;`-separated in the file.
    #[serde(with = "semicolon_list")]
    pub aliases: Vec<String>,
    /// Maker.
    pub vendor: String,
    /// gpu, tpu or cpu.
    pub kind: Kind,
    /// Thermal design power of one device, W.
    pub tdp_watts: f64,
    /// Peak dense non-tensor FP32 throughput, TFLOPS.
    pub fp32_tflops: Option<f64>,
    /// Peak dense 16-bit tensor throughput (bf16, else fp16), TFLOPS.
    pub tensor16_tflops: Option<f64>,
    /// Which 16-bit format `tensor16_tflops` is: bf16 or fp16.
    pub tensor16_format: Option<String>,
    /// Device memory, GB.
    pub memory_gb: Option<f64>,
    /// CPU cores (CPUs only).
    pub cores: Option<u32>,
    /// Year of release.
    pub release_year: u16,
    /// Where the figures come from.
    pub source: String,
    /// Embodied (manufacturing) emissions of one device, kg CO2eq.
    pub embodied_device_kg: f64,
    /// Embodied emissions of the host server, kg CO2eq.
    pub embodied_server_kg: f64,
    /// Devices one host server holds.
    pub devices_per_server: f64,
    /// Where the embodied figures come from.
    pub embodied_source: String,
    /// Peak device-memory bandwidth, GB/s (accelerators).
    #[serde(default)]
    pub memory_bandwidth_gbs: Option<f64>,
    /// Peak dense TF32 tensor throughput, TFLOPS, where the device has TF32.
    #[serde(default)]
    pub tf32_tflops: Option<f64>,
    /// Peak dense FP8 tensor throughput, TFLOPS, where the device has FP8.
    #[serde(default)]
    pub fp8_tflops: Option<f64>,
    /// Base clock of one core, GHz (CPUs): the per-core speed figure.
    #[serde(default)]
    pub core_ghz: Option<f64>,
    /// Where the bandwidth, TF32, FP8 and clock figures come from.
    #[serde(default)]
    pub extras_source: String,
    /// Power one idle device draws, W, where measured (reserved capacity
    /// charges it on idle device-hours; else a share of TDP is taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_watts: Option<f64>,
}

impl Device {
    /// Thermal design power as a quantity.
    pub fn tdp(&self) -> Watts {
        Watts(self.tdp_watts)
    }

    /// Peak dense throughput at a precision, TFLOPS, if published.
    /// bf16 and fp16 both read the 16-bit tensor peak: a device whose
    /// 16-bit format is the other one runs the workload in that format.
    pub fn peak_tflops(&self, precision: Precision) -> Option<f64> {
        match precision {
            Precision::Fp32 => self.fp32_tflops,
            Precision::Bf16 | Precision::Fp16 => self.tensor16_tflops,
            Precision::Tf32 => self.tf32_tflops,
            Precision::Fp8 => self.fp8_tflops,
        }
    }
}

mod semicolon_list {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(list: &[String], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&list.join(";"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        let text = String::deserialize(d)?;
        Ok(text
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect())
    }
}
