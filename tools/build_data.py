#!/usr/bin/env python3
"""Builds co2sweep's catalog (data/*.csv) from the public reference data sets.

    python3 tools/build_data.py [REFERENCE_DIR]     (default: ../shared/reference)

Reads the reference files (see data/SOURCES.md for each, its licence and the
corrections made), merges them with the small curated tables below, and
writes data/hardware.csv, data/regions.csv, data/countries.csv and
data/equivalents.csv. Standard library only; the output is deterministic.
"""

import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import device_extras  # noqa: E402  (issue #11 columns, tools/device_extras.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference")
OUT = os.environ.get("CO2SWEEP_DATA_OUT", os.path.join(ROOT, "data"))


def ref(*path):
    return os.path.join(REF, *path)


def read_csv(path, skip=0):
    with open(path, newline="", encoding="utf-8-sig") as f:
        for _ in range(skip):
            f.readline()
        return list(csv.DictReader(f))


def write_csv(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r.get(h) is None else fmt(r.get(h)) for h in header])


def fmt(v):
    if isinstance(v, float):
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        return s if s else "0"
    return str(v)


# ---------------------------------------------------------------------------
# Hardware

BLOOM = "default: Luccioni, Viguier & Ligozat 2023 (BLOOM): ~150 kg per GPU, ~2,500 kg per 8-GPU server"
PCIE = ("default: 150 kg per GPU (Luccioni et al. 2023; CCF adds 150 kg per GPU); host = CCF base rack server "
        "1,000 kg shared by an assumed 4 PCIe cards")
DESK = ("default: 150 kg per GPU (Luccioni et al. 2023); host = CCF base server 1,000 kg shared by an assumed 2 cards "
        "(workstation)")
CPU_EMB = ("default: Cloud Carbon Footprint coefficients: 1,000 kg per base rack server, +100 kg per CPU; "
           "dual-socket server assumed")
TPU_EMB = ("default: 150 kg per chip and a 2,500 kg host (Luccioni et al. 2023's accelerator and server figures); "
           "a Cloud TPU host holds 4 chips (Google Cloud TPU system architecture, v2-v4)")
EMB = {"sxm": (150, 2500, 8, BLOOM), "pcie": (150, 1000, 4, PCIE), "desk": (150, 1000, 2, DESK),
       "tpu": (150, 2500, 4, TPU_EMB)}

# Every device's default power has one meaning: the most one device may draw, i.e. the vendor's TDP (board
# power for cards) where one is published, else the vendor's measured maximum (TPU v3, v4). Printed by
# `estimate` with the source (src/catalog.rs POWER_DEFINITION).

ACC = os.path.join("accelerators", "accelerators.csv")
MLCO2 = "ML Emissions Calculator gpus.csv (mlco2/impact)"

# Accelerators: (name, aliases, vendor, kind, tdp, fp32, tensor16, format, memory, year, form, source)
# Rows marked ACC take their figures from accelerators/accelerators.csv (checked against vendor
# datasheets, dense tensor peaks); the others from the sources named, with corrections noted.
ACCELERATORS = [
    ("V100 SXM2 16GB", "Tesla V100-SXM2-16GB;NVIDIA V100-SXM2-16GB", "NVIDIA", "gpu", 300, 15.7, 125, "fp16", 16, 2017, "sxm",
     "accelerators.csv (NVIDIA V100 datasheet: 300 W, FP32 15.7, FP16 tensor 125); fixes mlco2's swapped PCIe/SXM2 TDPs"),
    ("V100 SXM2 32GB", "Tesla V100-SXM2-32GB;NVIDIA V100-SXM2-32GB", "NVIDIA", "gpu", 300, 15.7, 125, "fp16", 32, 2018, "sxm",
     "accelerators.csv (NVIDIA V100 datasheet)"),
    ("V100 PCIe 16GB", "Tesla V100-PCIE-16GB;NVIDIA V100-PCIE-16GB", "NVIDIA", "gpu", 250, 14.0, 112, "fp16", 16, 2017, "pcie",
     "accelerators.csv (NVIDIA V100 datasheet: 250 W, FP32 14, FP16 tensor 112); fixes mlco2's swapped PCIe/SXM2 TDPs"),
    ("V100 PCIe 32GB", "Tesla V100-PCIE-32GB;NVIDIA V100-PCIE-32GB", "NVIDIA", "gpu", 250, 14.0, 112, "fp16", 32, 2018, "pcie",
     "accelerators.csv (NVIDIA V100 datasheet)"),
    ("V100S PCIe 32GB", "Tesla V100S-PCIE-32GB;NVIDIA Tesla V100S", "NVIDIA", "gpu", 250, 16.4, 130, "fp16", 32, 2019, "pcie",
     "NVIDIA V100S datasheet (250 W, FP32 16.4, tensor 130); TDP also in Green Algorithms TDP_gpu.csv"),
    ("A100 SXM4 40GB", "NVIDIA A100-SXM4-40GB;A100 40GB SXM4", "NVIDIA", "gpu", 400, 19.5, 312, "bf16", 40, 2020, "sxm",
     "accelerators.csv (NVIDIA A100 datasheet: 400 W, FP32 19.5, BF16 dense 312)"),
    ("A100 SXM4 80GB", "NVIDIA A100-SXM4-80GB;A100 80GB SXM4;A100 SXM4 80 GB", "NVIDIA", "gpu", 400, 19.5, 312, "bf16", 80, 2020, "sxm",
     "accelerators.csv (NVIDIA A100 datasheet)"),
    ("A100 PCIe 40GB", "NVIDIA A100-PCIE-40GB;NVIDIA A100 40GB PCIe;A100 40GB PCIe", "NVIDIA", "gpu", 250, 19.5, 312, "bf16", 40, 2020, "pcie",
     "accelerators.csv (NVIDIA A100 datasheet: 250 W); splits mlco2's 'A100 PCIe 40/80GB' row"),
    ("A100 PCIe 80GB", "NVIDIA A100-PCIE-80GB;NVIDIA A100 80GB PCIe;A100 80GB PCIe", "NVIDIA", "gpu", 300, 19.5, 312, "bf16", 80, 2021, "pcie",
     "accelerators.csv (NVIDIA A100 80GB PCIe: 300 W); splits mlco2's 'A100 PCIe 40/80GB' row"),
    ("H100 SXM", "NVIDIA H100 80GB HBM3;H100 SXM5;NVIDIA H100 SXM5 80GB", "NVIDIA", "gpu", 700, 67, 989.4, "bf16", 80, 2022, "sxm",
     "accelerators.csv (NVIDIA H100 datasheet: 700 W, FP32 67, BF16 dense 989.4); mlco2's 1979 is the 2:4-sparse figure"),
    ("H100 PCIe", "NVIDIA H100 PCIe", "NVIDIA", "gpu", 350, 51, 756, "bf16", 80, 2022, "pcie",
     "accelerators.csv (NVIDIA H100 PCIe product brief: 350 W, FP32 51, BF16 dense 756)"),
    ("H100 NVL", "NVIDIA H100 NVL", "NVIDIA", "gpu", 400, 60, 835.5, "bf16", 94, 2023, "pcie",
     "accelerators.csv (NVIDIA H100 datasheet: 400 W, BF16 dense 835.5); mlco2's 1671 is sparse"),
    ("H200 SXM", "NVIDIA H200;NVIDIA H200 SXM", "NVIDIA", "gpu", 700, 67, 989.4, "bf16", 141, 2024, "sxm",
     "accelerators.csv (NVIDIA H200 product page: 700 W, BF16 dense 989.4)"),
    ("H200 NVL", "NVIDIA H200 NVL", "NVIDIA", "gpu", 600, 60, 835.5, "bf16", 141, 2024, "pcie",
     "accelerators.csv (NVIDIA H200 NVL: 600 W)"),
    ("L4", "NVIDIA L4", "NVIDIA", "gpu", 72, 30.3, 121, "bf16", 24, 2023, "pcie",
     "accelerators.csv (NVIDIA L4 product brief: 72 W, FP32 30.3, BF16 dense 121)"),
    ("L40", "NVIDIA L40", "NVIDIA", "gpu", 300, 90.5, 181, "bf16", 48, 2022, "pcie",
     "NVIDIA L40 datasheet (300 W, FP32 90.5, BF16 dense 181)"),
    ("L40S", "NVIDIA L40S", "NVIDIA", "gpu", 350, 91.6, 362.05, "bf16", 48, 2023, "pcie",
     "accelerators.csv (NVIDIA L40S datasheet: 350 W, FP32 91.6, BF16 dense 362.05); mlco2's FP32 183 is wrong"),
    ("T4", "Tesla T4;NVIDIA T4", "NVIDIA", "gpu", 70, 8.1, 65, "fp16", 16, 2018, "pcie",
     "accelerators.csv (NVIDIA T4 datasheet: 70 W, FP32 8.1, FP16 tensor 65)"),
    ("A2", "NVIDIA A2", "NVIDIA", "gpu", 60, 4.5, 18, "bf16", 16, 2021, "pcie",
     "NVIDIA A2 datasheet (40-60 W configurable: 60 W, FP32 4.5, BF16 dense 18)"),
    ("A10", "NVIDIA A10", "NVIDIA", "gpu", 150, 31.2, 125, "bf16", 24, 2021, "pcie",
     "accelerators.csv (NVIDIA A10 datasheet: 150 W, FP32 31.2, BF16 dense 125)"),
    ("A10G", "NVIDIA A10G", "NVIDIA", "gpu", 300, 31.52, None, None, 24, 2021, "pcie",
     "accelerators.csv: 300 W = AWS G5 power limit (no vendor TDP for this AWS-only part); FP32 31.52 from techpowerup "
     "(not vendor-published); no published tensor figure; fixes mlco2's broken row (FP32 in the FP16 column)"),
    ("A30", "NVIDIA A30", "NVIDIA", "gpu", 165, 10.3, 165, "bf16", 24, 2021, "pcie",
     "NVIDIA A30 datasheet (165 W, FP32 10.3, BF16 dense 165)"),
    ("A40", "NVIDIA A40", "NVIDIA", "gpu", 300, 37.4, 149.7, "bf16", 48, 2020, "pcie",
     "NVIDIA A40 datasheet (300 W, FP32 37.4, BF16 dense 149.7)"),
    ("RTX A5000", "NVIDIA RTX A5000", "NVIDIA", "gpu", 230, 27.8, None, None, 24, 2021, "desk", MLCO2 + " (NVIDIA RTX A5000 datasheet)"),
    ("RTX A6000", "NVIDIA RTX A6000", "NVIDIA", "gpu", 300, 38.71, None, None, 48, 2020, "desk", MLCO2 + " (techpowerup)"),
    ("RTX 3080", "NVIDIA GeForce RTX 3080;GeForce RTX 3080", "NVIDIA", "gpu", 320, 29.77, None, None, 10, 2020, "desk", MLCO2 + " (techpowerup)"),
    ("RTX 3080 Ti", "NVIDIA GeForce RTX 3080 Ti;GeForce RTX 3080 Ti", "NVIDIA", "gpu", 350, 34.1, None, None, 12, 2021, "desk", MLCO2 + " (techpowerup)"),
    ("RTX 3090", "NVIDIA GeForce RTX 3090;GeForce RTX 3090", "NVIDIA", "gpu", 350, 35.6, 71, "bf16", 24, 2020, "desk",
     "accelerators.csv (NVIDIA Ampere GA102 whitepaper: 350 W, FP32 35.6, BF16 dense 71 with FP32 accumulate)"),
    ("RTX 4090", "NVIDIA GeForce RTX 4090;GeForce RTX 4090", "NVIDIA", "gpu", 450, 82.6, 165.2, "bf16", 24, 2022, "desk",
     "accelerators.csv (NVIDIA Ada whitepaper: 450 W, FP32 82.6, BF16 dense 165.2 with FP32 accumulate)"),
    ("RTX 2080", "NVIDIA GeForce RTX 2080;GeForce RTX 2080", "NVIDIA", "gpu", 215, 10.07, None, None, 8, 2018, "desk",
     MLCO2 + " (techpowerup); its FP16 column is the non-tensor rate, left out"),
    ("RTX 2080 Ti", "NVIDIA GeForce RTX 2080 Ti;GeForce RTX 2080 Ti", "NVIDIA", "gpu", 250, 13.45, None, None, 11, 2018, "desk",
     MLCO2 + " (techpowerup); its FP16 column is the non-tensor rate, left out"),
    ("Quadro RTX 8000", "RTX 8000;NVIDIA Quadro RTX 8000", "NVIDIA", "gpu", 260, 16.31, None, None, 48, 2018, "desk",
     MLCO2 + " (techpowerup: 260 W passive board)"),
    ("TITAN RTX", "Titan RTX;NVIDIA TITAN RTX", "NVIDIA", "gpu", 280, 16.31, None, None, 24, 2018, "desk", MLCO2 + " (techpowerup)"),
    ("TITAN V", "Titan V;NVIDIA TITAN V", "NVIDIA", "gpu", 250, 14.9, 110, "fp16", 12, 2017, "desk",
     MLCO2 + " (techpowerup); FP16 tensor 110 from NVIDIA's TITAN V announcement"),
    ("TITAN Xp", "Titan Xp;NVIDIA TITAN Xp", "NVIDIA", "gpu", 250, 12.15, None, None, 12, 2017, "desk", MLCO2 + " (techpowerup)"),
    ("TITAN X Pascal", "NVIDIA TITAN X Pascal", "NVIDIA", "gpu", 250, 10.97, None, None, 12, 2016, "desk", MLCO2 + " (techpowerup)"),
    ("GTX TITAN X", "GeForce GTX TITAN X;NVIDIA GTX TITAN X", "NVIDIA", "gpu", 250, 6.691, None, None, 12, 2015, "desk", MLCO2 + " (techpowerup)"),
    ("GTX 1080 Ti", "GeForce GTX 1080 Ti;NVIDIA GTX 1080 Ti", "NVIDIA", "gpu", 250, 11.34, None, None, 11, 2017, "desk", MLCO2 + " (techpowerup)"),
    ("GTX 1080", "GeForce GTX 1080;NVIDIA GTX 1080", "NVIDIA", "gpu", 180, 8.873, None, None, 8, 2016, "desk",
     MLCO2 + " (TDP); FP32 8.873 from techpowerup (mlco2 rounds to 8)"),
    ("GTX 1660 OC", "GIGABYTE GTX 1660 OC", "NVIDIA", "gpu", 120, 5.153, None, None, 6, 2019, "desk", MLCO2 + " (techpowerup, factory-overclocked board)"),
    ("GTX 980", "GeForce GTX 980;NVIDIA GTX 980", "NVIDIA", "gpu", 165, 4.981, None, None, 4, 2014, "desk",
     "experiment-impact-tracker gpu_tdp.csv (165 W); FP32 4.981 from techpowerup"),
    ("GTX 750", "GeForce GTX 750", "NVIDIA", "gpu", 55, 1.044, None, None, 1, 2014, "desk",
     "techpowerup geforce-gtx-750.c1986 (55 W, FP32 1.044, 1 GB); fixes mlco2's impossible row (250 W, 1,111 TFLOPS, 24 GB)"),
    ("Quadro P6000", "NVIDIA Quadro P6000", "NVIDIA", "gpu", 250, 12.63, None, None, 24, 2016, "desk",
     MLCO2 + " (techpowerup); mlco2's FP16 197.4 is not a Pascal figure (no tensor cores), left out"),
    ("Quadro K6000", "NVIDIA Quadro K6000", "NVIDIA", "gpu", 225, 5.196, None, None, 12, 2013, "desk", MLCO2 + " (techpowerup)"),
    ("Tesla P100 PCIe 16GB", "Tesla P100-PCIE-16GB;Tesla P100;NVIDIA Tesla P100 PCIe;P100 PCIe", "NVIDIA", "gpu", 250, 9.3, None, None, 16, 2016, "pcie",
     "NVIDIA Tesla P100 PCIe datasheet (250 W, FP32 9.3); mlco2 lists 9.526 (boost)"),
    ("Tesla P100 SXM2", "Tesla P100-SXM2-16GB", "NVIDIA", "gpu", 300, 10.6, None, None, 16, 2016, "sxm",
     "NVIDIA Tesla P100 datasheet (SXM2: 300 W, FP32 10.6)"),
    ("Tesla P40", "NVIDIA Tesla P40", "NVIDIA", "gpu", 250, 11.76, None, None, 24, 2016, "pcie",
     "NVIDIA Tesla P40 datasheet (250 W, FP32 12 TFLOPS quoted; 11.76 at boost clock per techpowerup)"),
    ("Tesla P4", "NVIDIA Tesla P4", "NVIDIA", "gpu", 75, 5.5, None, None, 8, 2016, "pcie",
     "Green Algorithms TDP_gpu.csv (75 W, techpowerup); FP32 5.5 from the NVIDIA Tesla P4 datasheet"),
    ("Tesla M40 24GB", "Tesla M40;NVIDIA Tesla M40", "NVIDIA", "gpu", 250, 6.844, None, None, 24, 2015, "pcie",
     MLCO2 + " (techpowerup); memory 24 GB (mlco2 lists 12)"),
    ("Tesla K80", "NVIDIA Tesla K80", "NVIDIA", "gpu", 300, 8.226, None, None, 24, 2014, "pcie",
     "whole board of two GK210 GPUs: 300 W (mlco2, Green Algorithms), FP32 2 × 4.113 (mlco2 lists one GPU's 4.113 against the board's TDP)"),
    ("Tesla K40c", "NVIDIA Tesla K40c", "NVIDIA", "gpu", 245, 5.046, None, None, 12, 2013, "pcie", MLCO2 + " (techpowerup)"),
    ("Tesla K40", "Tesla K40m;NVIDIA Tesla K40", "NVIDIA", "gpu", 235, 4.29, None, None, 12, 2013, "pcie",
     "experiment-impact-tracker gpu_tdp.csv (235 W); FP32 4.29 from the NVIDIA Tesla K40 datasheet"),
    ("Jetson AGX Xavier", "AGX Xavier;NVIDIA Jetson AGX Xavier", "NVIDIA", "gpu", 30, None, None, None, 32, 2018, "desk",
     MLCO2 + " (30 W); its 16/32 TFLOPS are not FP32 or tensor peaks, left out"),
    ("Radeon RX 480", "AMD RX480;AMD Radeon RX 480", "AMD", "gpu", 150, 5.834, None, None, 8, 2016, "desk",
     MLCO2 + " (techpowerup); FP32 5.834"),
    ("MI100", "AMD Instinct MI100", "AMD", "gpu", 300, 23.1, 92.3, "bf16", 32, 2020, "pcie",
     "AMD Instinct MI100 datasheet (300 W, FP32 23.1, BF16 92.3)"),
    ("MI210", "AMD Instinct MI210", "AMD", "gpu", 300, 22.6, 181, "bf16", 64, 2022, "pcie",
     "AMD Instinct MI210 datasheet (300 W, FP32 22.6, BF16 181)"),
    ("MI250", "AMD Instinct MI250", "AMD", "gpu", 500, 45.3, 362.1, "bf16", 128, 2021, "sxm",
     "AMD Instinct MI250 datasheet (500 W, FP32 45.3, BF16 362.1)"),
    ("MI250X", "AMD Instinct MI250X", "AMD", "gpu", 560, 47.9, 383, "bf16", 128, 2021, "sxm",
     "accelerators.csv (AMD MI200 table: 560 W, FP32 47.9, BF16 383)"),
    ("MI300X", "AMD Instinct MI300X", "AMD", "gpu", 750, 163.4, 1307.4, "bf16", 192, 2023, "sxm",
     "accelerators.csv (AMD MI300X: 750 W, FP32 163.4, BF16 dense 1307.4)"),
    ("TPU v2", "TPUv2;TPU2;TPUv2 Chip", "Google", "tpu", 280, None, 45, "bf16", 16, 2017,"tpu",
     "TDP 280 W (Jouppi et al. 2020, via Green Algorithms TDP_gpu.csv); BF16 45 per chip (Google); mlco2's 221 W is "
     "a measured figure, not the TDP"),
    ("TPU v3", "TPUv3;TPU3;TPUv3 Chip", "Google", "tpu", 262, None, 123, "bf16", 32, 2018,"tpu",
     "accelerators.csv: no TDP published, 262 W = Google's measured maximum chip power; BF16 123 per chip"),
    ("TPU v4", "TPUv4", "Google", "tpu", 192, None, 275, "bf16", 32, 2021,"tpu",
     "accelerators.csv: no TDP published, 192 W = Google's measured maximum chip power; BF16 275 per chip"),
]
# Left out: TPU v5e and v5p (Google publishes no power figure for them; accelerators/SOURCES.md).


def cpu_rows():
    rows = []
    seen = set()
    for r in read_csv(ref("green-algorithms", "TDP_cpu.csv"), skip=1):
        model = r["model"].strip()
        if model == "Any" or not r["TDP"].strip():
            continue
        name = model
        if name.startswith("AMD ") and not name.startswith("AMD EPYC") and name[4:5].isdigit():
            name = "AMD EPYC " + name[4:]  # "AMD 7552" is an EPYC 7552
        elif name.startswith("Xeon") or name.startswith("Core"):
            name = "Intel " + name
        key = name.lower()
        if key in seen:
            continue
        seen.add(key)
        cores = r["n_cores"].strip()
        year = r["Release_year"].strip()
        rows.append({
            "name": name,
            "aliases": model if model != name else "",
            "vendor": "AMD" if "AMD" in name or "Ryzen" in name else ("Intel" if "Intel" in name else name.split()[0]),
            "kind": "cpu",
            "tdp_watts": float(r["TDP"]),
            "fp32_tflops": None,
            "tensor16_tflops": None,
            "tensor16_format": None,
            "memory_gb": None,
            "cores": int(float(cores)) if cores else None,
            "release_year": int(float(year)) if year else None,
            "source": (r["source"].strip() or "Green Algorithms TDP_cpu.csv") + " (via Green Algorithms TDP_cpu.csv)",
            "embodied_device_kg": 100, "embodied_server_kg": 1000, "devices_per_server": 2,
            "embodied_source": CPU_EMB,
        })
    return rows


# CPU rows Green Algorithms gets wrong: (TDP W, release year), each from the vendor's product page
# (Intel ARK, AMD product pages). Rows for SKUs that do not exist are dropped.
CPU_FIXES = {
    "Intel Core i3-10300": (65, 2020, "Intel ARK: 65 W, launched Q2 2020"),
    "Intel Core i3-10320": (65, 2020, "Intel ARK: 65 W, launched Q2 2020"),
    "Intel Core i5-10600K": (125, 2020, "Intel ARK: 125 W, launched Q2 2020"),
    "Intel Core i7-6700K": (91, 2015, "Intel ARK: 91 W, launched Q3 2015"),
    "Intel Core i9-10900KF": (125, 2020, "Intel ARK: 125 W, launched Q2 2020"),
    "Ryzen 9 3900X": (105, 2019, "AMD product page: 105 W, launched July 2019"),
}
CPU_DROPPED = {"Intel Core i9-10900XE", "Intel Core i9-10920XE"}  # no such SKUs (the real ones end in X)

# Release years of the CPUs Green Algorithms leaves blank, ESTIMATED from the model family's first launch
# (not sourced per SKU; the row's source says so).
CPU_YEARS = {
    "xeon e5-26": 2014, "xeon e5-46": 2014, "xeon e7": 2014, "xeon gold 61": 2017, "xeon gold 62": 2019,
    "xeon gold 63": 2021, "xeon platinum 81": 2017, "xeon platinum 82": 2019, "xeon platinum 83": 2021,
    "xeon platinum 92": 2019, "xeon silver": 2017, "xeon bronze": 2017, "xeon phi": 2012, "xeon l56": 2010,
    "xeon x5": 2010, "xeon x3": 2009, "epyc 72": 2019, "epyc 73": 2021, "epyc 74": 2021, "epyc 75": 2019,
    "epyc 76": 2019, "epyc 77": 2019, "epyc 7h": 2019, "epyc 7v": 2021, "epyc 93": 2022, "epyc 94": 2022,
    "epyc 96": 2022, "epyc 97": 2023, "core i": 2017, "ryzen": 2019, "a8-": 2015, "a9-": 2018, "a10-": 2016,
    "a12-": 2016, "a6-": 2016, "athlon": 2017, "celeron": 2016, "pentium": 2016, "xeon e3": 2015,
    "xeon e-2": 2018, "xeon w-": 2019, "xeon d-": 2015, "apple": 2020, "cortex": 2016, "graviton": 2018,
    "ampere": 2020, "thunderx": 2018,
}


def fill_cpu_year(r):
    if r["release_year"]:
        return True
    low = r["name"].lower()
    for key, year in CPU_YEARS.items():
        if key in low:
            r["release_year"] = year
            r["source"] += "; release year estimated from the model family (not sourced)"
            return True
    return False


def hardware():
    rows = []
    for (name, aliases, vendor, kind, tdp, fp32, t16, fmt16, mem, year, form, source) in ACCELERATORS:
        dev, srv, per, esrc = EMB[form]
        rows.append({
            "name": name, "aliases": aliases, "vendor": vendor, "kind": kind, "tdp_watts": float(tdp),
            "fp32_tflops": fp32, "tensor16_tflops": t16, "tensor16_format": fmt16, "memory_gb": mem, "cores": None,
            "release_year": year, "source": source, "embodied_device_kg": dev, "embodied_server_kg": srv,
            "devices_per_server": per, "embodied_source": esrc,
        })
    cpus = []
    for r in cpu_rows():
        if r["name"] in CPU_DROPPED:
            continue
        if r["name"] in CPU_FIXES:
            tdp, year, why = CPU_FIXES[r["name"]]
            r.update(tdp_watts=float(tdp), release_year=year, source=why + "; corrects Green Algorithms TDP_cpu.csv")
        if fill_cpu_year(r):
            cpus.append(r)
    rows.extend(sorted(cpus, key=lambda r: r["name"].lower()))
    return rows


# ---------------------------------------------------------------------------
# Countries (ISO2 <-> ISO3 and names)

def iso_tables():
    iso3_to_2, name_to_2 = {}, {}
    for r in read_csv(ref("carbontracker", "carbon-intensities.csv")):
        if r["Code"] and r["alpha-2"]:
            iso3_to_2[r["Code"]] = r["alpha-2"]
            name_to_2[r["Entity"].lower()] = r["alpha-2"]
    for r in read_csv(ref("eco2ai", "carbon_index.csv")):
        a2, a3 = r["alpha_2_code"].strip(), r["alpha_3_code"].strip()
        if a2 and a3 and len(a2) == 2:
            iso3_to_2.setdefault(a3, a2)
            name_to_2.setdefault(r["country"].strip().lower(), a2)
    name_to_2.update({"usa": "US", "united states": "US", "uk": "GB", "united kingdom": "GB", "south korea": "KR",
                      "korea": "KR", "taiwan": "TW", "hong kong": "HK", "netherlands": "NL", "russia": "RU",
                      "the netherlands": "NL", "uae": "AE", "united arab emirates": "AE", "czech republic": "CZ",
                      "czechia": "CZ", "vietnam": "VN", "iran": "IR"})
    return iso3_to_2, name_to_2


from grid import countries, grid_table, place_on_zones, DEFAULT_YEAR  # noqa: E402  (tools/grid.py)


# ---------------------------------------------------------------------------
# Regions

PROVIDER_PUE = {"aws": (1.135, "Cloud Carbon Footprint provider average (AWS)"),
                "gcp": (1.1, "Cloud Carbon Footprint provider average (Google Cloud)"),
                "azure": (1.185, "Cloud Carbon Footprint provider average (Azure)"),
                "ovh": (1.09, "Green Algorithms defaults_PUE.csv (OVHcloud)")}
UNKNOWN_PUE = (1.56, "Green Algorithms defaults_PUE.csv: industry average (Uptime Institute 2024 survey)")
DISPLAY = {"gcp": "Google Cloud Platform", "aws": "Amazon Web Services", "azure": "Microsoft Azure"}


def mlco2_year(source):
    s = source.lower()
    if "egrid" in s:
        return 2016
    if "2018" in s or "carbonfootprint" in s:
        return 2018
    if "electricitymap" in s or "2019" in s:
        return 2019
    if "2017" in s:
        return 2017
    return 2019  # the calculator's data snapshot (2019) when a row names no year


# Left out: CCF's locations that span several countries (no single grid), and
# GCP's multi-regions, whose CCF factors are sums over their member regions
# (e.g. "us" 2,805 g/kWh), not intensities.
NOT_REGIONS = {
    "azure": {"asia", "asiapacific", "europe", "apeast", "apsoutheast"},
    "gcp": {"asia", "asia1", "eur4", "europe", "nam4", "us"},
}

# Logical locations (Azure geographies, staging and canary regions): real location ids of the providers' APIs,
# listed by the CCF tables, kept with the country they lie in.
LOGICAL = {
    ("azure", "australia"): "AU", ("azure", "brazil"): "BR", ("azure", "canada"): "CA", ("azure", "france"): "FR",
    ("azure", "germany"): "DE", ("azure", "india"): "IN", ("azure", "japan"): "JP", ("azure", "korea"): "KR",
    ("azure", "norway"): "NO", ("azure", "southafrica"): "ZA", ("azure", "switzerland"): "CH", ("azure", "uae"): "AE",
    ("azure", "uk"): "GB", ("azure", "unitedstates"): "US", ("azure", "unitedstateseuap"): "US",
    ("azure", "centraluseuap"): "US", ("azure", "eastus2euap"): "US", ("azure", "centralusstage"): "US",
    ("azure", "eastus2stage"): "US", ("azure", "eastusstage"): "US", ("azure", "northcentralusstage"): "US",
    ("azure", "southcentralusstage"): "US", ("azure", "westus2stage"): "US", ("azure", "westusstage"): "US",
    ("azure", "eastasiastage"): "HK", ("azure", "southeastasiastage"): "SG", ("azure", "eastus3"): "US",
    ("azure", "usnorth"): "US", ("azure", "qatarcentral"): "QA"
}

# Countries of regions that only the CCF tables list (they give no country).
REGION_COUNTRY = {
    ("aws", "af-south-1"): "ZA", ("aws", "ap-southeast-3"): "ID", ("aws", "eu-south-1"): "IT", ("aws", "me-central-1"): "AE",
    ("aws", "me-south-1"): "BH", ("azure", "germanynorth"): "DE", ("azure", "germanywestcentral"): "DE",
    ("azure", "swedencentral"): "SE", ("azure", "jioindiacentral"): "IN", ("azure", "jioindiawest"): "IN",
    ("azure", "brazilsoutheast"): "BR", ("gcp", "us-central2"): "US",
}


def region_id(provider, name):
    """Azure ids are lower-case display names without spaces ("West Europe" -> "westeurope")."""
    if provider == "azure":
        return name.split("(")[0].replace(" ", "").strip().lower()
    return name.strip()


def regions(name_to_2, country_ci):
    out = {}

    def put(provider, region, **kw):
        key = (provider, region)
        row = out.setdefault(key, {"provider": provider, "region": region})
        for k, v in kw.items():
            if v not in (None, "") and (k not in row or kw.get("_override")):
                row[k] = v

    offsets = {}
    for r in read_csv(ref("mlco2-impact", "impact.csv")):
        p = r["provider"].strip()
        region = region_id(p, r["region"].strip() or ("par" if p == "scaleway" else r["regionName"].strip().lower()))
        offsets.setdefault(p, set()).add(float(r["offsetRatio"] or 0))
        country = name_to_2.get(r["country"].strip().lower(), "")
        if r["city"].strip() == "Hong Kong" or r["state"].strip() == "Hong Kong":
            country = "HK"
        pue = r["PUE"].strip()
        row = {"name": r["regionName"].strip() or region, "country": country,
               "location": ", ".join(x for x in (r["city"].strip().rstrip(","), r["state"].strip()) if x),
               "intensity_g_per_kwh": float(r["impact"]), "intensity_year": mlco2_year(r["source"]),
               "intensity_source": "ML Emissions Calculator impact.csv: " + r["source"].strip(),
               "offset_pct": float(r["offsetRatio"] or 0)}
        if pue:
            row.update(pue=float(pue), pue_source="ML Emissions Calculator impact.csv: " + r["PUE source"].strip())
        out[(p, region)] = {"provider": p, "region": region, **row}

    # Cloud Carbon Footprint grid factors (newer than the calculator's for AWS and Azure).
    for r in read_csv(ref("cloud-carbon-footprint", "ccf_region_emission_factors.csv")):
        if r["factor_kind"] != "grid" or r["region"] == "Unknown":
            continue
        p, region = r["provider"], region_id(r["provider"], r["region"])
        if region in NOT_REGIONS.get(p, ()):
            continue
        year = 2020 if "NERC" in r["note"] else (2021 if p == "gcp" else 2019)
        src = ("Cloud Carbon Footprint " + ("(US EPA eGRID2020, " + r["note"] + ")" if "NERC" in r["note"] else
               "(Google-published grid factor)" if p == "gcp" else "(EEA / carbonfootprint.com country factor)"))
        row = out.setdefault((p, region), {"provider": p, "region": region, "name": region})
        if row.get("intensity_year", 0) <= year:
            row.update(intensity_g_per_kwh=float(r["gCO2e_per_kWh"]), intensity_year=year, intensity_source=src)

    # Green Algorithms data centres: intensity via CI_aggregated, and their own PUE where given.
    ci = {r["location"].strip(): r for r in read_csv(ref("green-algorithms", "CI_aggregated.csv"), skip=1)}
    for r in read_csv(ref("green-algorithms", "cloudProviders_datacenters.csv"), skip=1):
        p = r["provider"].strip()
        name = r["Name"].strip()
        if "(sovereign)" in name.lower():
            continue  # Azure's retired sovereign German cloud
        region = region_id(p, name)
        loc = r["location"].strip()
        row = out.setdefault((p, region), {"provider": p, "region": region, "name": name})
        if p == "azure":
            row["name"] = name
        if loc:
            row.setdefault("country", loc.split("-")[0] if loc.split("-")[0] != "CN" or loc != "CN-HK" else "HK")
            if loc == "CN-HK":
                row["country"] = "HK"
            row.setdefault("location", r["location_freeForm"].strip())
            if loc in ci and row.get("intensity_year", 0) < 2020:
                row.update(intensity_g_per_kwh=float(ci[loc]["carbonIntensity"]), intensity_year=2020,
                           intensity_source="Green Algorithms CI_aggregated.csv (" + loc + "): " + ci[loc]["source"].strip())
        if r["PUE"].strip():
            row.update(pue=float(r["PUE"]), pue_source="Green Algorithms data centres: " + r["source_PUE"].strip())

    # Google's 2023 per-region figures (via CodeCarbon): the newest for GCP.
    for r in read_csv(ref("codecarbon", "cloud", "impact.csv")):
        p, region = r["provider"].strip(), r["region"].strip()
        region = {"me-cenrtal1": "me-central1"}.get(region, region)  # a typo in CodeCarbon's table (Doha is me-central1)
        row = out.setdefault((p, region), {"provider": p, "region": region, "name": region})
        row.update(intensity_g_per_kwh=float(r["impact"]), intensity_year=2023,
                   intensity_source="Google Cloud region carbon data 2023 (via CodeCarbon cloud/impact.csv)")
        row.setdefault("country", name_to_2.get(r["country_name"].strip().lower(), ""))
        row.setdefault("location", ", ".join(x for x in (r["city"].strip().rstrip(","), r["state"].strip()) if x))

    # Google's per-region PUE (trailing twelve months, via CCF).
    for r in read_csv(ref("cloud-carbon-footprint", "ccf_provider_constants.csv")):
        if r["constant"] == "PUE_TRAILING_TWELVE_MONTH" and (r["provider"], r["key"]) in out:
            out[(r["provider"], r["key"])].update(
                pue=float(r["value"]), pue_source="Google data-centre PUE, trailing twelve months (via Cloud Carbon Footprint)")

    # The calculator lists Seeweb's Frosinone region at 0 g/kWh, a market-based
    # claim ("100% carbon-free energy"); the catalog holds grid (location-based)
    # intensities, so the region gets Italy's grid, and the claim goes to the
    # offset share, shown beside the total like every provider's.
    fro2 = out.get(("seeweb", "fro2"))
    if fro2 and fro2.get("intensity_g_per_kwh") == 0 and "IT" in country_ci:
        it = country_ci["IT"]
        fro2.update(intensity_g_per_kwh=it["intensity_g_per_kwh"], intensity_year=it["year"], offset_pct=100.0,
                    intensity_source="Italy's grid (" + it["source"] + "); the calculator's 0 g/kWh is Seeweb's "
                    "100% carbon-free-energy claim, kept as offset_pct = 100")

    rows = []
    for (p, region), row in sorted(out.items()):
        if (p, region) in LOGICAL:
            continue  # geographies, staging and canary locations: no place, no grid of their own
        if not row.get("country"):
            row["country"] = REGION_COUNTRY.get((p, region)) or LOGICAL.get((p, region), "")
        if "intensity_g_per_kwh" not in row:
            # A region known only by name: the grid of its country.
            c = row.get("country")
            if c in country_ci:
                cc = country_ci[c]
                row.update(intensity_g_per_kwh=cc["intensity_g_per_kwh"], intensity_year=cc["year"],
                           intensity_source="country grid (" + c + "): " + cc["source"])
            else:
                print(f"skipping {p}:{region}: no intensity", file=sys.stderr)
                continue
        if not 0 <= row["intensity_g_per_kwh"] <= 1200:
            print(f"skipping {p}:{region}: intensity {row['intensity_g_per_kwh']} out of range", file=sys.stderr)
            continue
        if "pue" not in row:
            pue, src = PROVIDER_PUE.get(p, UNKNOWN_PUE)
            row.update(pue=pue, pue_source=src)
        # A region the calculator does not list gets its provider's share only when every
        # listed region of the provider has the same one (GCP, Azure: 100); AWS's shares
        # differ by region, so an unlisted AWS region gets 0, not the last row's value.
        shares = offsets.get(p, {0.0})
        row.setdefault("offset_pct", next(iter(shares)) if len(shares) == 1 else 0.0)
        if not row.get("country"):
            row["country"] = REGION_COUNTRY.get((p, region)) or LOGICAL.get((p, region), "")
        if (p, region) in LOGICAL and row.get("name", region) == region:
            row["name"] = region + " (logical location)"
        row.setdefault("location", "")
        row.setdefault("country", "")
        rows.append(row)
    return rows


EQUIVALENTS = [
    {"key": "car_km", "description": "km driven by an average new car (EU, 2020)", "kg_co2_per_unit": 0.1075,
     "unit": "km", "source": "European Environment Agency, average EU new-car emissions 2020 (107.5 g/km), via carbontracker co2eq.csv",
     "year": 2020},
    {"key": "coal_kg", "description": "kg of coal burned", "kg_co2_per_unit": 2.0,
     "unit": "kg", "source": "US EPA Greenhouse Gas Equivalencies Calculator: 9.05 × 10^-4 t CO2 per pound of coal (= 2.0 kg per kg)",
     "year": 2024},
    {"key": "tree_seedling_10y", "description": "tree seedlings grown for 10 years", "kg_co2_per_unit": 60.0,
     "unit": "seedlings", "source": "US EPA Greenhouse Gas Equivalencies Calculator: 0.060 t CO2 per urban tree seedling grown for 10 years",
     "year": 2024},
]


def main():
    os.makedirs(OUT, exist_ok=True)
    iso3_to_2, name_to_2 = iso_tables()
    hw = device_extras.apply(hardware())
    write_csv("hardware.csv", ["name", "aliases", "vendor", "kind", "tdp_watts", "fp32_tflops", "tensor16_tflops",
                               "tensor16_format", "memory_gb", "cores", "release_year", "source", "embodied_device_kg",
                               "embodied_server_kg", "devices_per_server", "embodied_source"] + device_extras.COLUMNS, hw)
    grid = grid_table(REF, iso3_to_2)
    write_csv("grid.csv", ["zone", "name", "year", "intensity_g_per_kwh", "basis", "source"], grid)
    cs = countries(grid)
    write_csv("countries.csv", ["code", "name", "kind", "intensity_g_per_kwh", "year", "source", "grid_zone"], cs)
    country_ci = {c["code"]: c for c in cs}
    rg = place_on_zones(regions(name_to_2, country_ci), REF, grid)
    write_csv("regions.csv", ["provider", "region", "name", "country", "location", "intensity_g_per_kwh", "intensity_year",
                              "intensity_source", "pue", "pue_source", "offset_pct", "grid_zone", "zone_source",
                              "provider_intensity_g_per_kwh", "provider_intensity_year", "provider_intensity_basis",
                              "provider_cfe_pct"], rg)
    write_csv("equivalents.csv", ["key", "description", "kg_co2_per_unit", "unit", "source", "year"], EQUIVALENTS)
    acc = sum(1 for r in hw if r["kind"] != "cpu")
    print(f"hardware: {acc} accelerators, {len(hw) - acc} CPUs; regions: {len(rg)} in "
          f"{len({r['provider'] for r in rg})} providers; countries: {len(cs)}")


if __name__ == "__main__":
    main()
