#!/usr/bin/env python3
"""Build data/offerings.csv and data/offer_coverage.csv: which cloud region
offers which device, in which instance type, at what on-demand price.

    python3 tools/build_offerings.py [REFERENCE_DIR]    (default: ../shared/reference)

Google Cloud only, from two reference sets (see their PROVENANCE.md):
- gcp-gpu-pricing-cyclenerd (Apache-2.0, Nils Knieling): on-demand USD per
  hour of each GPU machine type per region, rows with offered_in_region=yes
  only; and tools/acceleratortyperegion.csv, the accelerator types `gcloud`
  lists per region (GPUs attached to N1 machines, priced separately, have
  availability but no price here).
- sparecores-servers-regions (CC BY-SA 4.0, Spare Cores): which GPU model a
  machine type holds (`gpu_models_reported`, as nvidia-smi names it), joined
  on (family, GPU count, vCPUs, memory). The derived table is therefore CC BY-SA 4.0:
  "Cloud server and region data: Spare Cores (sparecores.com), CC BY-SA 4.0."

AWS and Azure, from karpenter-ondemand-prices (Apache-2.0; see its
PROVENANCE.md): on-demand Linux USD per instance-hour of each accelerator
instance type per region, as the AWS Price List API and the Azure Retail
Prices API give them, via Karpenter's generated price tables. AWS covers
us-east-1, us-gov-east-1, us-gov-west-1 (2026-07-20) and cn-north-1
(2024-11-06, CNY: availability only, no USD price); Azure covers 57 regions
(2026-06-18). The GPU model and count of an AWS instance type come from
Spare Cores (family table AWS_FAMILY, checked against its gpu_model); of an
Azure size from the hand table AZURE_SIZE (Microsoft Learn size pages,
checked against Spare Cores' gpu_count). Fractional-GPU sizes are left out.

TPUs (Google Cloud only): Cloud TPU "TPU regions and zones" documentation
(CC BY 4.0) for v2, v3 and v4, plus gcloud's ct3/ct3p (v3) regions.

offer_coverage.csv says where the table is complete: a (provider, region,
kind) listed there has every device of that kind it offers in
offerings.csv, so a device missing from it is not offered. GPU coverage is
complete for the regions `gcloud` lists and for every region the Karpenter
tables price; TPU coverage for every Google Cloud region (TPU v2-v4 are the
catalog's TPUs) and for every AWS and Azure region (TPUs are sold by Google
only). Other AWS regions stay unknown.
"""

import csv
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference")
OUT = os.environ.get("CO2SWEEP_DATA_OUT", os.path.join(ROOT, "data"))
GCP = os.path.join(REF, "gcp-gpu-pricing-cyclenerd")
SC = os.path.join(REF, "sparecores-servers-regions")
KP = os.path.join(REF, "karpenter-ondemand-prices")

PRICE_DATE = "2026-07-30"   # pricing.yml "generated: Thu Jul 30 06:13:17 2026"
AVAIL_DATE = "2026-07-26"   # tools/acceleratortyperegion.csv last changed
PRICE_SOURCE = ("Cyclenerd google-cloud-pricing-cost-calculator@fd66b26 pricing.yml (Google Cloud Billing Catalog "
                "SKUs; Apache-2.0), offered_in_region=yes; GPU model: Spare Cores sc-data-dumps@e8749be "
                "(CC BY-SA 4.0)")
AVAIL_SOURCE = ("Cyclenerd google-cloud-pricing-cost-calculator@fd66b26 tools/acceleratortyperegion.csv "
                "(gcloud compute accelerator-types list; Apache-2.0): available, no bundled price in the source")

# nvidia-smi names (Spare Cores gpu_models_reported) -> catalog names.
REPORTED = {"NVIDIA A100-SXM4-40GB": "A100 SXM4 40GB", "NVIDIA A100-SXM4-80GB": "A100 SXM4 80GB",
            "NVIDIA H100 80GB HBM3": "H100 SXM", "NVIDIA L4": "L4", "NVIDIA H200": "H200 SXM"}
# gcloud accelerator types attached to N1 machines (no bundled price) -> catalog names.
ATTACHED = {"nvidia-tesla-t4": "T4", "nvidia-tesla-v100": "V100 SXM2 16GB",
            "nvidia-tesla-p100": "Tesla P100 PCIe 16GB", "nvidia-tesla-p4": "Tesla P4", "ct3": "TPU v3",
            "ct3p": "TPU v3",
            "nvidia-h200-141gb": "H200 SXM", "nvidia-tesla-a100": "A100 SXM4 40GB",
            "nvidia-a100-80gb": "A100 SXM4 80GB", "nvidia-h100-80gb": "H100 SXM", "nvidia-l4": "L4"}
# AWS instance family -> (catalog name, Spare Cores gpu_model it must have). SXM/PCIe and memory: AWS instance-type
# pages (p3: V100 SXM2 16 GB, p3dn: 32 GB; p4d: A100 SXM4 40 GB, p4de: 80 GB; p5: H100 SXM 80 GB; p5e/p5en: H200).
AWS_FAMILY = {"g4dn": ("T4", "T4"), "g5": ("A10G", "A10G"), "g6": ("L4", "L4"), "gr6": ("L4", "L4"),
              "g6e": ("L40S", "L40S"), "p3": ("V100 SXM2 16GB", "V100"), "p3dn": ("V100 SXM2 32GB", "V100"),
              "p4d": ("A100 SXM4 40GB", "A100"), "p4de": ("A100 SXM4 80GB", "A100"), "p5": ("H100 SXM", "H100"),
              "p5e": ("H200 SXM", "H200"), "p5en": ("H200 SXM", "H200")}
# Azure size -> (catalog name, GPUs per VM), whole GPUs only, from the Microsoft Learn size pages
# (learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/<series>): NCv3 V100 PCIe 16 GB; NDv2 V100 SXM2
# 32 GB; NCasT4_v3 T4; NC A100 v4 A100 PCIe 80 GB; ND A100 v4 A100 SXM4 40 GB; NDm A100 v4 80 GB; NC(C) H100 v5
# H100 NVL; ND H100 v5 H100 SXM; ND H200 v5; ND MI300X v5; NVadsA10 v5 whole-GPU sizes.
AZURE_SIZE = {
    "Standard_NC6s_v3": ("V100 PCIe 16GB", 1), "Standard_NC12s_v3": ("V100 PCIe 16GB", 2),
    "Standard_NC24s_v3": ("V100 PCIe 16GB", 4), "Standard_NC24rs_v3": ("V100 PCIe 16GB", 4),
    "Standard_ND40rs_v2": ("V100 SXM2 32GB", 8),
    "Standard_NC4as_T4_v3": ("T4", 1), "Standard_NC8as_T4_v3": ("T4", 1), "Standard_NC16as_T4_v3": ("T4", 1),
    "Standard_NC64as_T4_v3": ("T4", 4),
    "Standard_NC24ads_A100_v4": ("A100 PCIe 80GB", 1), "Standard_NC48ads_A100_v4": ("A100 PCIe 80GB", 2),
    "Standard_NC96ads_A100_v4": ("A100 PCIe 80GB", 4),
    "Standard_ND96asr_v4": ("A100 SXM4 40GB", 8), "Standard_ND96asr_A100_v4": ("A100 SXM4 40GB", 8),
    "Standard_ND96amsr_A100_v4": ("A100 SXM4 80GB", 8), "Standard_ND96ams_A100_v4": ("A100 SXM4 80GB", 8),
    "Standard_NC40ads_H100_v5": ("H100 NVL", 1), "Standard_NC80adis_H100_v5": ("H100 NVL", 2),
    "Standard_NCC40ads_H100_v5": ("H100 NVL", 1),
    "Standard_ND96isr_H100_v5": ("H100 SXM", 8), "Standard_ND96is_H100_v5": ("H100 SXM", 8),
    "Standard_ND96isr_H200_v5": ("H200 SXM", 8),
    "Standard_ND96isr_MI300X_v5": ("MI300X", 8), "Standard_ND96is_MI300X_v5": ("MI300X", 8),
    "Standard_NV36ads_A10_v5": ("A10", 1), "Standard_NV36adms_A10_v5": ("A10", 1), "Standard_NV72ads_A10_v5": ("A10", 2),
}
KP_SOURCE = {"aws": "AWS Price List API (on-demand, Linux, shared tenancy) via aws/karpenter-provider-aws@{commit} "
                    "{file} (Apache-2.0)",
             "azure": "Azure Retail Prices API (Consumption, Linux) via Azure/karpenter-provider-azure@{commit} "
                      "{file} (Apache-2.0)"}
KP_GPU = {"aws": "; GPU model and count: Spare Cores sc-data-dumps@e8749be (CC BY-SA 4.0)",
          "azure": "; GPUs per size: Microsoft Learn GPU-accelerated VM size pages"}
# Cloud TPU "TPU regions and zones" (cloud.google.com/tpu/docs/regions-zones, CC BY 4.0; 2025 versions):
# v2-8 us-central1-b/c, europe-west4-a, asia-east1-c; v3-8 us-central1-a/b, europe-west4-a; v4 us-central2-b.
TPU_DOCS = {("us-central1", "TPU v2"), ("europe-west4", "TPU v2"), ("asia-east1", "TPU v2"),
            ("us-central1", "TPU v3"), ("europe-west4", "TPU v3"), ("us-central2", "TPU v4")}
TPU_TYPE = {"TPU v2": "v2-8", "TPU v3": "v3-8", "TPU v4": "v4-8"}
TPU_SOURCE = ("Cloud TPU documentation, TPU regions and zones (cloud.google.com/tpu/docs/regions-zones, "
              "CC BY 4.0): available, no price here")
TPU_DATE = "2025-09-09"  # the page's "Last updated"
HEADER = ["provider", "region", "hardware", "instance_type", "devices_per_instance", "usd_per_hour", "price_date",
          "source"]


def read(path, delimiter=","):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def sparecores_models():
    """(family, gpu count, vcpus, memory GB) -> catalog name, for Spare Cores' GCP servers."""
    out = {}
    for r in read(os.path.join(SC, "sparecores_accelerator_servers.csv")):
        if r["vendor_id"] != "gcp" or r["status"] != "ACTIVE":
            continue
        name = REPORTED.get(r["gpu_models_reported"])
        if name:
            gb = round(int(r["memory_amount"]) / 1024)
            out[(r["family"], int(r["gpu_count"]), int(r["vcpus"]), gb)] = name
    return out


def priced(models):
    rows, unmapped = [], set()
    for r in read(os.path.join(GCP, "gcp_gpu_machine_prices.csv")):
        if r["offered_in_region"] != "yes":
            continue
        count = float(r["accelerator_count"])
        family = r["machine_type"].split("-")[0]
        name = models.get((family, int(count), int(r["vcpus"]), round(float(r["memory_gb"])))) if count.is_integer() else None
        if name is None:
            unmapped.add(r["machine_type"])
            continue
        rows.append({"provider": "gcp", "region": r["region"], "hardware": name, "instance_type": r["machine_type"],
                     "devices_per_instance": int(count), "usd_per_hour": float(r["usd_per_hour"]),
                     "price_date": PRICE_DATE, "source": PRICE_SOURCE})
    return rows, unmapped


def attached(priced_pairs):
    """Availability rows for accelerator types with no priced machine type in the region."""
    rows = []
    for r in read(os.path.join(GCP, "tools", "acceleratortyperegion.csv"), delimiter=";"):
        name = ATTACHED.get(r["NAME"])
        if name and (r["ZONE"], name) not in priced_pairs:
            priced_pairs.add((r["ZONE"], name))
            rows.append({"provider": "gcp", "region": r["ZONE"], "hardware": name,
                         "instance_type": r["NAME"],
                         "devices_per_instance": "", "usd_per_hour": "", "price_date": AVAIL_DATE,
                         "source": AVAIL_SOURCE})
    return rows


def sparecores_counts(vendor):
    """instance type -> (gpu_model, gpu_count) of Spare Cores' servers of a vendor."""
    return {r["server_id"]: (r["gpu_model"], int(r["gpu_count"]))
            for r in read(os.path.join(SC, "sparecores_accelerator_servers.csv")) if r["vendor_id"] == vendor}


def instance_gpu(provider, instance, spare):
    """(catalog name, devices per instance) of an AWS/Azure instance type, or None when not a catalog device."""
    if provider == "aws":
        fam = AWS_FAMILY.get(instance.split(".")[0])
        if fam is None or instance not in spare:
            return None
        model, count = spare[instance]
        if model != fam[1]:
            raise SystemExit(f"{instance}: Spare Cores says {model}, AWS_FAMILY {fam[1]}")
        return fam[0], count
    size = AZURE_SIZE.get(instance)
    if size and instance in spare and spare[instance][1] != size[1]:
        raise SystemExit(f"{instance}: Spare Cores gives {spare[instance][1]} GPUs, AZURE_SIZE {size[1]}")
    return size


def karpenter():
    """AWS/Azure rows: one per (region, instance type) of a catalog GPU; CNY prices are left out."""
    rows = []
    for provider in ("aws", "azure"):
        spare = sparecores_counts(provider)
        for r in read(os.path.join(KP, f"{provider}_ondemand_prices.csv")):
            gpu = instance_gpu(provider, r["instance_type"], spare)
            if gpu is None:
                continue
            usd = float(r["price_per_hour"]) if r["currency"] == "USD" else ""
            source = KP_SOURCE[provider].format(commit=r["commit"][:7], file=r["source_file"].split("/")[-1])
            if usd == "":
                source += f", availability only (price in {r['currency']})"
            rows.append({"provider": provider, "region": r["region"], "hardware": gpu[0],
                         "instance_type": r["instance_type"], "devices_per_instance": gpu[1], "usd_per_hour": usd,
                         "price_date": r["generated_at"][:10], "source": source + KP_GPU[provider]})
    return rows


def tpus(listed):
    """TPU availability rows from the Cloud TPU documentation, where gcloud did not already list them."""
    return [{"provider": "gcp", "region": region, "hardware": name, "instance_type": TPU_TYPE[name],
             "devices_per_instance": "", "usd_per_hour": "", "price_date": TPU_DATE, "source": TPU_SOURCE}
            for region, name in sorted(TPU_DOCS) if (region, name) not in listed]


def coverage():
    rows = []
    for r in read(os.path.join(GCP, "tools", "regions.csv"), delimiter=";"):
        rows.append({"provider": "gcp", "region": r["NAME"], "kind": "gpu",
                     "source": "every GPU type `gcloud compute accelerator-types list` gives for the region "
                               "(Cyclenerd tools/acceleratortyperegion.csv, 2026-07-26)"})
    # Catalog regions gcloud does not list (us-central2 holds TPUs only): no GPU type at all.
    listed = {r["region"] for r in rows}
    with open(os.path.join(OUT, "regions.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["provider"] == "gcp" and r["region"] not in listed:
                rows.append({"provider": "gcp", "region": r["region"], "kind": "gpu",
                             "source": "not among the regions gcloud lists GPU types for (Cyclenerd "
                                       "tools/acceleratortyperegion.csv, 2026-07-26): no GPU offered"})
    for r in read(os.path.join(KP, "priced_regions.csv")):
        rows.append({"provider": r["provider"], "region": r["region"], "kind": "gpu",
                     "source": f"every instance type the provider's price list gives for the region, "
                               f"{r['generated_at'][:10]} (Karpenter {r['source_file'].split('/')[-1]}@"
                               f"{r['commit'][:7]}); fractional-GPU sizes left out"})
    return rows + tpu_coverage()


def tpu_coverage():
    """Every catalog GCP region for TPUs (v2-v4 per Google's TPU region table); AWS/Azure: Google sells TPUs only."""
    rows = []
    with open(os.path.join(OUT, "regions.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["provider"] == "gcp":
                src = ("TPU v2-v4 zones of Cloud TPU TPU regions and zones (CC BY 4.0, 2025-09-09) and gcloud's "
                       "ct3/ct3p regions (Cyclenerd, 2026-07-26)")
            elif r["provider"] in ("aws", "azure"):
                src = "TPUs are Google's own chips, sold only in Google Cloud (cloud.google.com/tpu)"
            else:
                continue
            rows.append({"provider": r["provider"], "region": r["region"], "kind": "tpu", "source": src})
    return rows


def fmt(v):
    return f"{v:.6f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(r[h]) for h in header])


def main():
    rows, unmapped = priced(sparecores_models())
    rows += attached({(r["region"], r["hardware"]) for r in rows})
    rows += tpus({(r["region"], r["hardware"]) for r in rows})
    rows += karpenter()
    rows.sort(key=lambda r: (r["provider"], r["region"], r["hardware"], r["instance_type"]))
    write("offerings.csv", HEADER, rows)
    cov = sorted(coverage(), key=lambda r: (r["provider"], r["region"], r["kind"]))
    write("offer_coverage.csv", ["provider", "region", "kind", "source"], cov)
    print(f"offerings: {len(rows)} rows; machine types without a catalog GPU: {sorted(unmapped)}; "
          f"coverage: {len(cov)} regions")


if __name__ == "__main__":
    main()
