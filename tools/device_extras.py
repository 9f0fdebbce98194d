"""Figures added to data/hardware.csv after its original columns (issue #11).

memory_bandwidth_gbs: peak device-memory bandwidth, GB/s, from each vendor's
datasheet or product page (per board; the K80 board holds two GPUs).
tf32_tflops / fp8_tflops: dense TF32 and FP8 tensor peaks, TFLOPS, from the
same datasheets (NVIDIA prints 2:4-sparsity figures with `*`; half of them is
stored, as for tensor16_tflops). Empty where the device has no such format:
TF32 arrived with Ampere (and CDNA3 on AMD), FP8 with Hopper and Ada (CDNA3).
core_ghz: base clock of one core, GHz, from Intel ARK / AMD product pages:
co2sweep's per-core speed figure for CPUs (clock, not core count). Empty
where not transcribed; such CPUs are taken to match the reference per core.

Imported by build_data.py; kept apart so that the hardware table's original
columns and this issue's additions can change independently.
"""

DS = "vendor datasheet"
NV_AMP = "NVIDIA datasheet (dense = half the 2:4-sparse figure)"

# name: (bandwidth GB/s, tf32 dense, fp8 dense, source)
ACCELERATOR_EXTRAS = {
    "V100 SXM2 16GB": (900, None, None, "NVIDIA Tesla V100 datasheet: HBM2 900 GB/s"),
    "V100 SXM2 32GB": (900, None, None, "NVIDIA Tesla V100 datasheet: HBM2 900 GB/s"),
    "V100 PCIe 16GB": (900, None, None, "NVIDIA Tesla V100 datasheet: HBM2 900 GB/s"),
    "V100 PCIe 32GB": (900, None, None, "NVIDIA Tesla V100 datasheet: HBM2 900 GB/s"),
    "V100S PCIe 32GB": (1134, None, None, "NVIDIA V100S datasheet: 1,134 GB/s"),
    "A100 SXM4 40GB": (1555, 156, None, "NVIDIA A100 datasheet: 1,555 GB/s; TF32 312* -> 156"),
    "A100 SXM4 80GB": (2039, 156, None, "NVIDIA A100 datasheet: 2,039 GB/s; TF32 312* -> 156"),
    "A100 PCIe 40GB": (1555, 156, None, "NVIDIA A100 datasheet: 1,555 GB/s; TF32 312* -> 156"),
    "A100 PCIe 80GB": (1935, 156, None, "NVIDIA A100 datasheet: 1,935 GB/s; TF32 312* -> 156"),
    "H100 SXM": (3350, 494.7, 1978.9, "NVIDIA H100 datasheet: 3.35 TB/s; TF32 989* -> 494.7; FP8 3,958* -> 1,978.9"),
    "H100 PCIe": (2000, 378, 1513, "NVIDIA H100 PCIe product brief: 2 TB/s; TF32 756* -> 378; FP8 3,026* -> 1,513"),
    "H100 NVL": (3900, 417.5, 1670.5, "NVIDIA H100 NVL datasheet: 3.9 TB/s; TF32 835* -> 417.5; FP8 3,341* -> 1,670.5"),
    "H200 SXM": (4800, 494.7, 1978.9, "NVIDIA H200 datasheet: 4.8 TB/s; TF32 989* -> 494.7; FP8 3,958* -> 1,978.9"),
    "H200 NVL": (4800, 417.5, 1670.5, "NVIDIA H200 NVL datasheet: 4.8 TB/s; TF32 835* -> 417.5; FP8 3,341* -> 1,670.5"),
    "L4": (300, 60, 242.5, "NVIDIA L4 product brief: 300 GB/s; TF32 120* -> 60; FP8 485* -> 242.5"),
    "L40": (864, 90.5, 362, "NVIDIA L40 datasheet: 864 GB/s; TF32 181* -> 90.5; FP8 724* -> 362"),
    "L40S": (864, 183, 733, "NVIDIA L40S datasheet: 864 GB/s; TF32 366* -> 183; FP8 1,466* -> 733"),
    "T4": (320, None, None, "NVIDIA T4 datasheet: 320 GB/s"),
    "A2": (200, 9, None, "NVIDIA A2 datasheet: 200 GB/s; TF32 18* -> 9"),
    "A10": (600, 62.5, None, "NVIDIA A10 datasheet: 600 GB/s; TF32 125* -> 62.5"),
    "A10G": (600, None, None, "AWS EC2 G5 page: A10G with 24 GB GDDR6 (600 GB/s as A10; no published TF32 figure)"),
    "A30": (933, 82, None, "NVIDIA A30 datasheet: 933 GB/s; TF32 165* -> 82"),
    "A40": (696, 74.8, None, "NVIDIA A40 datasheet: 696 GB/s; TF32 149.6* -> 74.8"),
    "RTX A5000": (768, 55.5, None, "NVIDIA RTX A5000 datasheet: 768 GB/s; TF32 111.1* -> 55.5"),
    "RTX A6000": (768, 77.4, None, "NVIDIA RTX A6000 datasheet: 768 GB/s; TF32 154.8* -> 77.4"),
    "RTX 3080": (760, 29.8, None, "NVIDIA Ampere GA102 whitepaper: 760 GB/s; TF32 59.5* -> 29.8"),
    "RTX 3080 Ti": (912, 34.1, None, "NVIDIA GeForce RTX 3080 Ti specifications: 912 GB/s; TF32 dense 34.1 (GA102 whitepaper ratios)"),
    "RTX 3090": (936, 35.6, None, "NVIDIA Ampere GA102 whitepaper: 936 GB/s; TF32 71* -> 35.6"),
    "RTX 4090": (1008, 82.6, 330.3, "NVIDIA Ada whitepaper: 1,008 GB/s; TF32 165.2* -> 82.6; FP8 (FP32 accumulate) 660.6* -> 330.3"),
    "RTX 2080": (448, None, None, "NVIDIA Turing whitepaper: 448 GB/s"),
    "RTX 2080 Ti": (616, None, None, "NVIDIA Turing whitepaper: 616 GB/s"),
    "Quadro RTX 8000": (672, None, None, "NVIDIA Quadro RTX 8000 datasheet: 672 GB/s"),
    "TITAN RTX": (672, None, None, "NVIDIA TITAN RTX specifications: 672 GB/s"),
    "TITAN V": (652.8, None, None, "NVIDIA TITAN V specifications: 652.8 GB/s"),
    "TITAN Xp": (547.7, None, None, "NVIDIA TITAN Xp specifications: 547.7 GB/s"),
    "TITAN X Pascal": (480, None, None, "NVIDIA TITAN X (Pascal) specifications: 480 GB/s"),
    "GTX TITAN X": (336.5, None, None, "NVIDIA GeForce GTX TITAN X specifications: 336.5 GB/s"),
    "GTX 1080 Ti": (484, None, None, "NVIDIA GeForce GTX 1080 Ti specifications: 484 GB/s"),
    "GTX 1080": (320, None, None, "NVIDIA GeForce GTX 1080 specifications: 320 GB/s"),
    "GTX 1660 OC": (192, None, None, "NVIDIA GeForce GTX 1660 specifications: 192 GB/s"),
    "GTX 980": (224, None, None, "NVIDIA GeForce GTX 980 specifications: 224 GB/s"),
    "GTX 750": (80, None, None, "NVIDIA GeForce GTX 750 specifications: 80 GB/s"),
    "Quadro P6000": (432, None, None, "NVIDIA Quadro P6000 datasheet: 432 GB/s"),
    "Quadro K6000": (288, None, None, "NVIDIA Quadro K6000 datasheet: 288 GB/s"),
    "Tesla P100 PCIe 16GB": (732, None, None, "NVIDIA Tesla P100 datasheet: 732 GB/s"),
    "Tesla P100 SXM2": (732, None, None, "NVIDIA Tesla P100 datasheet: 732 GB/s"),
    "Tesla P40": (346, None, None, "NVIDIA Tesla P40 datasheet: 346 GB/s"),
    "Tesla P4": (192, None, None, "NVIDIA Tesla P4 datasheet: 192 GB/s"),
    "Tesla M40 24GB": (288, None, None, "NVIDIA Tesla M40 datasheet: 288 GB/s"),
    "Tesla K80": (480, None, None, "NVIDIA Tesla K80 datasheet: 480 GB/s per board (2 x 240)"),
    "Tesla K40c": (288, None, None, "NVIDIA Tesla K40 datasheet: 288 GB/s"),
    "Tesla K40": (288, None, None, "NVIDIA Tesla K40 datasheet: 288 GB/s"),
    "Jetson AGX Xavier": (136.5, None, None, "NVIDIA Jetson AGX Xavier module datasheet: 136.5 GB/s"),
    "Radeon RX 480": (256, None, None, "AMD Radeon RX 480 specifications: 256 GB/s"),
    "MI100": (1228.8, None, None, "AMD Instinct MI100 datasheet: 1.23 TB/s"),
    "MI210": (1638.4, None, None, "AMD Instinct MI210 datasheet: 1.6 TB/s"),
    "MI250": (3276.8, None, None, "AMD Instinct MI250 datasheet: 3.2 TB/s"),
    "MI250X": (3276.8, None, None, "AMD Instinct MI250X datasheet: 3.2 TB/s"),
    "MI300X": (5300, 653.7, 2614.9, "AMD Instinct MI300X datasheet: 5.3 TB/s; TF32 653.7; FP8 2,614.9 (dense)"),
    "TPU v2": (700, None, None, "Jouppi et al. 2020 (CACM 63(7)), TPUv2 HBM 700 GB/s"),
    "TPU v3": (900, None, None, "Jouppi et al. 2020 (CACM 63(7)), TPUv3 HBM 900 GB/s"),
    "TPU v4": (1200, None, None, "Jouppi et al. 2023 (ISCA), TPU v4 HBM2 1,200 GB/s"),
}

# Base clock per core, GHz (Intel ARK / AMD product pages).
CPU_BASE_GHZ = {
    "AMD EPYC 7251": 2.1, "AMD EPYC 7343": 3.2, "AMD EPYC 7513": 2.6, "AMD EPYC 7552": 2.2,
    "AMD EPYC 7642": 2.3, "AMD EPYC 7763": 2.45, "AMD EPYC 7773X": 2.2, "AMD EPYC 7H12": 2.6,
    "Intel Xeon Gold 6142": 2.6, "Intel Xeon Gold 6148": 2.4, "Intel Xeon Gold 6248": 2.5,
    "Intel Xeon Gold 6252": 2.1, "Intel Xeon Platinum 8260": 2.4, "Intel Xeon Platinum 8268": 2.9,
    "Intel Xeon Platinum 9282": 2.6, "Intel Xeon E5-2650 v2": 2.6, "Intel Xeon E5-2660 v3": 2.6,
    "Intel Xeon E5-2670": 2.6, "Intel Xeon E5-2670 v2": 2.5, "Intel Xeon E5-2680 v3": 2.5,
    "Intel Xeon E5-2683 v4": 2.1, "Intel Xeon E5-2690 v2": 3.0, "Intel Xeon E5-2690 v3": 2.6,
    "Intel Xeon E5-2695 v3": 2.3, "Intel Xeon E5-2695 v4": 2.1, "Intel Xeon E5-2697 v4": 2.3,
    "Intel Xeon E5-2699 v3": 2.3, "Intel Xeon E5-2699 v4": 2.2, "Ryzen Threadripper 3990X": 2.9,
    "Ryzen Threadripper 2990WX": 3.0,
}

COLUMNS = ["memory_bandwidth_gbs", "tf32_tflops", "fp8_tflops", "core_ghz", "extras_source"]


def apply(rows):
    """Add the COLUMNS to each hardware row; every accelerator must have a bandwidth."""
    for r in rows:
        if r["kind"] == "cpu":
            ghz = CPU_BASE_GHZ.get(r["name"])
            r["core_ghz"] = ghz
            r["extras_source"] = "base clock from the vendor's product page (Intel ARK / AMD)" if ghz else ""
            continue
        bw, tf32, fp8, source = ACCELERATOR_EXTRAS[r["name"]]
        r["memory_bandwidth_gbs"] = float(bw)
        r["tf32_tflops"] = tf32
        r["fp8_tflops"] = fp8
        r["extras_source"] = source
    return rows
