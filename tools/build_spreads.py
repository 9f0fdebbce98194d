#!/usr/bin/env python3
"""Builds data/intensity_spread.csv: how much each grid zone's annual
intensity moves between years, the default intensity spread of
`[uncertainty]` (see src/uncertainty/spread.rs).

    python3 tools/build_spreads.py [REFERENCE_DIR]     (default: ../shared/reference)

Input: electricitymaps-yearly-co2js/electricitymaps_yearly_2021_2025.csv
(Electricity Maps annual life-cycle intensity, 352 zones x 2021-2025, via
CO2.js; ODbL). For every zone with at least two positive yearly figures:

    log_sd = sample standard deviation of ln(intensity_year) over the years

and one extra row, zone `*`, the median log_sd over zones whose figures
change between years (zones whose figures never change carry an estimated
constant factor, not a measurement), used for sites whose zone is unknown.
The output is a derived database of ODbL data: ODbL, attribute Electricity
Maps. Standard library only; deterministic.
"""

import csv
import math
import os
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference")
OUT = os.environ.get("CO2SWEEP_DATA_OUT", os.path.join(ROOT, "data"))
SOURCE = "Electricity Maps yearly life-cycle intensity 2021-2025 via CO2.js 0.19, ODbL"


def main():
    path = os.path.join(REF, "electricitymaps-yearly-co2js", "electricitymaps_yearly_2021_2025.csv")
    zones = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            x = float(r["carbon_intensity_lca_gco2eq_per_kwh"])
            if x > 0:
                zones.setdefault(r["zone"], {})[int(r["year"])] = x
    rows = []
    for zone in sorted(zones):
        years = zones[zone]
        if len(years) < 2:
            continue
        logs = [math.log(years[y]) for y in sorted(years)]
        rows.append({
            "zone": zone,
            "first_year": min(years),
            "last_year": max(years),
            "years": len(years),
            "min_g_per_kwh": f"{min(years.values()):g}",
            "max_g_per_kwh": f"{max(years.values()):g}",
            "log_sd": f"{statistics.stdev(logs):.6f}",
            "source": SOURCE,
        })
    varying = [float(r["log_sd"]) for r in rows if float(r["log_sd"]) > 0]
    rows.append({
        "zone": "*",
        "first_year": min(r["first_year"] for r in rows),
        "last_year": max(r["last_year"] for r in rows),
        "years": "",
        "min_g_per_kwh": "",
        "max_g_per_kwh": "",
        "log_sd": f"{statistics.median(varying):.6f}",
        "source": f"median over the {len(varying)} zones whose figures change between years; " + SOURCE,
    })
    out = os.path.join(OUT, "intensity_spread.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{out}: {len(rows)} rows; default log_sd {rows[-1]['log_sd']} over {len(varying)} zones")


if __name__ == "__main__":
    main()
