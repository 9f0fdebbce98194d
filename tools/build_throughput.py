#!/usr/bin/env python3
"""Build data/throughput.csv: measured training throughput per device.

Reads ../shared/reference/training-throughput/ (see its PROVENANCE.md):
NVIDIA DeepLearningExamples READMEs (ResNet-50, BERT-large), MosaicML LLM
Foundry MPT benchmarks, and MLPerf Training v2.1-v5.1 times-to-train
(MLCommons, Apache-2.0). Standard library only.

One row per (group, device, precision). A *group* is a set of
measurements that may be compared with each other: the same source, task,
and number of devices (for MLPerf also the same round and benchmark, as
its PROVENANCE asks). Where a source has several rows for one group and
device (several submitters, micro-batch sizes), the fastest is kept: the
configuration a user would pick.

Columns: workload (cnn, bert, llm, diffusion), device (catalog name),
precision (fp32, tf32, fp16, bf16, fp8; `mixed` for MLPerf, whose
submitters choose the format), throughput (per device), unit, devices
(in the measurement), source, date (of the measurement's publication),
task, group, mfu (model FLOPs utilization as a fraction, where the source
reports it).

MLPerf rows are times-to-train, turned into a rate per device:
throughput = 60 / (median minutes to train × devices), in trainings per
device-hour. Only closed-division rows.
"""

import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference")
OUT = os.environ.get("CO2SWEEP_DATA_OUT", os.path.join(ROOT, "data"))
TT = os.path.join(REF, "training-throughput")

HEADER = ["workload", "device", "precision", "throughput", "unit", "devices", "source", "date", "task", "group", "mfu"]

DLE_DEVICE = {"A100 80GB SXM4": "A100 SXM4 80GB", "V100 16GB SXM2": "V100 SXM2 16GB", "V100 32GB SXM2": "V100 SXM2 32GB"}
DLE_PRECISION = {"TF32": "tf32", "FP32": "fp32", "mixed (AMP FP16)": "fp16"}
DLE_DATE = {"resnet50v1.5": "2022-10-03", "BERT": "2022-05-25"}

LLMF_DEVICE = {"h100_80gb": "H100 SXM", "a100_80gb": "A100 SXM4 80GB", "a100_40gb": "A100 SXM4 40GB"}
LLMF_PRECISION = {"amp_bf16": "bf16", "bf16": "bf16", "amp_fp8": "fp8"}

# MLPerf accelerator strings (free text from submitters) -> catalog names.
# Devices the catalog does not hold (B200, Gaudi2, TPU v5, MI325X, ...) are skipped.
MLPERF_DEVICE = {
    "NVIDIA A100-PCIe-80GB": "A100 PCIe 80GB", "NVIDIA A100-PCIE-80GB": "A100 PCIe 80GB",
    "NVIDIA A100 - PCIe - 80 GB": "A100 PCIe 80GB",
    "NVIDIA A100-SXM-40GB": "A100 SXM4 40GB", "NVIDIA A100-SXM4-40GB": "A100 SXM4 40GB",
    "NVIDIA A100-SXM-80GB": "A100 SXM4 80GB", "NVIDIA A100-SXM-80GB CTS": "A100 SXM4 80GB",
    "NVIDIA A100-SXM4-80GB": "A100 SXM4 80GB", "NVIDIA A100-SXM4-80GB (400W)": "A100 SXM4 80GB",
    "NVIDIA A10G": "A10G", "NVIDIA A30": "A30", "NVIDIA A30-PCIE-24GB": "A30", "NVIDIA A40": "A40",
    "NVIDIA GeForce RTX 4090": "RTX 4090", "NVIDIA H100-PCIe": "H100 PCIe", "NVIDIA H100-PCIe-80GB": "H100 PCIe",
    "NVIDIA H100-SXM-80GB": "H100 SXM", "NVIDIA H100-SXM5-80GB": "H100 SXM",
    "NVIDIA H200-NVL-141GB": "H200 NVL", "NVIDIA H200-SXM5-141GB": "H200 SXM",
    "NVIDIA L4": "L4", "NVIDIA L40": "L40", "NVIDIA L40S": "L40S", "NVIDIA RTX A5000": "RTX A5000",
    "AMD Instinct MI300X 192GB HBM3": "MI300X",
}
MLPERF_WORKLOAD = {"resnet": "cnn", "bert": "bert", "gpt3": "llm", "llama2_70b_lora": "llm", "llama31_8b": "llm",
                   "llama31_405b": "llm", "stable_diffusion": "diffusion"}
MLPERF_DATE = {"v2.1": "2022-11-09", "v3.0": "2023-06-27", "v3.1": "2023-11-08", "v4.0": "2024-06-12",
               "v5.0": "2025-06-04", "v5.1": "2025-11-12"}


def read(name):
    with open(os.path.join(TT, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def keep_best(rows):
    """One row per (group, device, precision): the highest throughput, first on ties."""
    best = {}
    for r in rows:
        key = (r["group"], r["device"], r["precision"])
        if key not in best or r["throughput"] > best[key]["throughput"]:
            best[key] = r
    return list(best.values())


def dle():
    rows = []
    for r in read("dle_training_throughput.csv"):
        task = r["workload"]
        n = int(r["num_gpus"])
        folder = "resnet50v1.5" if "ResNet" in task else "BERT"
        rows.append({
            "workload": "cnn" if "ResNet" in task else "bert",
            "device": DLE_DEVICE[r["device"]], "precision": DLE_PRECISION[r["precision"]],
            "throughput": float(r["throughput"]) / n, "unit": r["unit"].replace("/s", "/s per device"),
            "devices": n,
            "source": f"NVIDIA/DeepLearningExamples@{r['source_commit'][:7]}:{r['source_path']} ({r['readme_section']}; "
                      f"{r['container']}); {'BSD-3-Clause' if folder == 'resnet50v1.5' else 'Apache-2.0'}",
            "date": DLE_DATE[folder], "task": task, "group": f"dle:{task}:{n}", "mfu": None,
        })
    return rows


def llm_foundry():
    rows = []
    for r in read("llmfoundry_mpt_throughput.csv"):
        device = LLMF_DEVICE.get(r["GPU"])
        precision = LLMF_PRECISION.get(r["Precision"])
        if device is None or precision is None:
            continue
        task = f"MPT-{r['Model']} pre-training, seq {r['SeqLen (T)']}"
        n = int(r["# GPUs"])
        rows.append({
            "workload": "llm", "device": device, "precision": precision,
            "throughput": float(r["Throughput (T/s/GPU)"]), "unit": "tokens/s per device", "devices": n,
            "source": "mosaicml/llm-foundry@8c8dd48:scripts/train/benchmarking/README.md "
                      f"(section '{r['table']}'; H100 80GB taken as SXM); Apache-2.0",
            "date": "2024-04-22", "task": task, "group": f"llm-foundry:{task}:{n}",
            "mfu": float(r["MFU"]) / 100.0,
        })
    return rows


def mlperf():
    rows, skipped = [], set()
    for r in read("mlperf_training_time_to_train_v2.1-v5.1.csv"):
        workload = MLPERF_WORKLOAD.get(r["benchmark"])
        if workload is None or r["division"] != "closed" or not r["ttt_median_minutes"]:
            continue
        device = MLPERF_DEVICE.get(r["accelerator_model_name"])
        if device is None:
            skipped.add(r["accelerator_model_name"])
            continue
        n = int(r["total_accelerators"])
        minutes = float(r["ttt_median_minutes"])
        rows.append({
            "workload": workload, "device": device, "precision": "mixed",
            "throughput": 60.0 / (minutes * n), "unit": "trainings per device-hour (60 / (median minutes x devices))",
            "devices": n,
            "source": f"MLPerf Training {r['round']} (MLCommons), {r['submitter']} {r['system']}: "
                      f"{r['source_repo']}@{r['source_commit'][:7]}:{r['source_dir']}; Apache-2.0",
            "date": MLPERF_DATE[r["round"]], "task": f"MLPerf {r['benchmark']}",
            "group": f"mlperf:{r['round']}:{r['benchmark']}:{n}", "mfu": None,
        })
    return rows, skipped


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def main():
    ml, skipped = mlperf()
    rows = keep_best(dle() + llm_foundry() + ml)
    rows.sort(key=lambda r: (r["workload"], r["group"], r["device"], r["precision"]))
    with open(os.path.join(OUT, "throughput.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for r in rows:
            w.writerow([fmt(r[h]) for h in HEADER])
    print(f"throughput: {len(rows)} rows; MLPerf accelerators not in the catalog: {len(skipped)}")


if __name__ == "__main__":
    main()
