//! Which numeric formats a device has, and what PyTorch runs by default.
//!
//! | precision | what it is | where it exists |
//! |---|---|---|
//! | `fp32` | FP32 on the non-tensor units | every GPU; TPUs publish no FP32 peak |
//! | `tf32` | FP32 storage, TF32 tensor-core products | NVIDIA Ampere and later, AMD CDNA3 (MI300X) |
//! | `fp16` | FP16 mixed precision (AMP) | NVIDIA Volta and later, AMD CDNA; not TPUs |
//! | `bf16` | BF16 mixed precision | NVIDIA Ampere and later, AMD CDNA2 and later, TPUs; not V100, T4 or Turing |
//! | `fp8` | FP8 (Transformer Engine and similar) | NVIDIA Hopper and Ada, AMD CDNA3 |
//!
//! PyTorch's defaults (1.12 and later): a model in `float32` runs FP32
//! matrix products (`torch.backends.cuda.matmul.allow_tf32 = False`), but
//! cuDNN convolutions use TF32 on Ampere and later
//! (`torch.backends.cudnn.allow_tf32 = True`): a convolutional network
//! "in fp32" on an A100 is in effect `tf32`, a transformer is `fp32`.
//! Mixed precision (`torch.autocast`) uses fp16 unless asked for bf16;
//! fp8 needs a library such as Transformer Engine.

use super::{Device, Kind, Precision};

/// Why a device cannot run a precision, or `Ok` when it can. CPUs are not
/// judged by precision: their runtime scales per core.
pub fn support(device: &Device, precision: Precision) -> Result<(), String> {
    if device.kind == Kind::Cpu {
        return Ok(());
    }
    let missing = |why: &str| Err(format!("'{}' {why}", device.name));
    match precision {
        Precision::Fp32 if device.fp32_tflops.is_none() => {
            missing("has no published fp32 peak (TPUs compute in bf16)")
        }
        Precision::Tf32 if device.tf32_tflops.is_none() => {
            missing("has no tf32 (TF32 tensor math arrived with NVIDIA Ampere and AMD CDNA3)")
        }
        Precision::Fp16 if device.kind == Kind::Tpu => {
            missing("has no fp16 (TPUs compute in bf16)")
        }
        Precision::Fp16 if device.tensor16_tflops.is_none() => {
            missing("has no published fp16 tensor peak")
        }
        Precision::Bf16 if device.tensor16_format.as_deref() != Some("bf16") => missing(
            "has no bf16 (NVIDIA before Ampere, such as V100 and T4, computes 16-bit in fp16 only)",
        ),
        Precision::Fp8 if device.fp8_tflops.is_none() => missing(
            "has no fp8 (FP8 tensor math arrived with NVIDIA Hopper and Ada, and AMD CDNA3)",
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn formats_follow_the_generations() {
        let c = Catalog::bundled().unwrap();
        let ok = |n: &str, p| support(c.device(n).unwrap(), p).is_ok();
        assert!(!ok("V100 SXM2 16GB", Precision::Bf16));
        assert!(!ok("T4", Precision::Bf16));
        assert!(ok("T4", Precision::Fp16));
        assert!(ok("A100 SXM4 40GB", Precision::Bf16));
        assert!(!ok("A100 SXM4 40GB", Precision::Fp8));
        assert!(ok("H100 SXM", Precision::Fp8));
        assert!(ok("L4", Precision::Fp8));
        assert!(!ok("V100 SXM2 16GB", Precision::Tf32));
        assert!(!ok("TPU v4", Precision::Fp16));
        let why = support(c.device("T4").unwrap(), Precision::Bf16).unwrap_err();
        assert!(why.contains("no bf16"), "{why}");
    }
}
