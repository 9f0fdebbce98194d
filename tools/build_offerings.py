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

offer_coverage.csv says where the table is complete: a (provider, region,
kind) listed there has every device of that kind it offers in
offerings.csv, so a device missing from it is not offered. GPU coverage is
complete for the regions `gcloud` lists; TPUs are sold through a separate
API and are not covered. AWS and Azure are not covered: their offer stays
unknown.
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
            "nvidia-h200-141gb": "H200 SXM", "nvidia-tesla-a100": "A100 SXM4 40GB",
            "nvidia-a100-80gb": "A100 SXM4 80GB", "nvidia-h100-80gb": "H100 SXM", "nvidia-l4": "L4"}
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
    rows.sort(key=lambda r: (r["provider"], r["region"], r["hardware"], r["instance_type"]))
    write("offerings.csv", HEADER, rows)
    cov = sorted(coverage(), key=lambda r: (r["provider"], r["region"], r["kind"]))
    write("offer_coverage.csv", ["provider", "region", "kind", "source"], cov)
    print(f"offerings: {len(rows)} rows; machine types without a catalog GPU: {sorted(unmapped)}; "
          f"coverage: {len(cov)} regions")


if __name__ == "__main__":
    main()
