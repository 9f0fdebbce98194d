#!/usr/bin/env python3
"""Build data/hourly/<ZONE>_<YEAR>.csv from the Electricity Maps hourly files.

Each output is the header `g_per_kwh` then one row per hour of YEAR, in
order from YEAR-01-01T00:00Z (8760 rows, 8784 in a leap year): the
*life-cycle* carbon intensity in g CO2eq/kWh, rounded to whole grams (the
shape is later scaled to the annual mean, so a gram is ample). The source
rows are checked: every hour of the year present once, in order, with a
finite value in 0..2000.

Usage: python3 tools/build_hourly.py [REFERENCE_DIR] [OUT_DIR]
Defaults: ../shared/reference and data/hourly. Reads
electricitymaps-hourly-2023/ (eight zones, 2023) and
electricitymaps-hourly-2021-2024/ (six zones, 2021-2024).
Standard library only. Data: Electricity Maps (2021-2024), ODbL.
"""

import csv
import math
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

# (folder, file prefix, zone id written, years). The file prefix is green-dcc's
# folder name, not always the zone id inside (PROVENANCE.md of each folder).
SETS = [
    ("electricitymaps-hourly-2023", "AU-NSW", "AU-NSW", [2023]),
    ("electricitymaps-hourly-2023", "CA-ON", "CA-ON", [2023]),
    ("electricitymaps-hourly-2023", "DE-LU", "DE", [2023]),
    ("electricitymaps-hourly-2023", "GB", "GB", [2023]),
    ("electricitymaps-hourly-2023", "SG", "SG", [2023]),
    ("electricitymaps-hourly-2023", "US-CAL-CISO", "US-CAL-CISO", [2023]),
    ("electricitymaps-hourly-2023", "US-MIDA-PJM", "US-MIDA-PJM", [2023]),
    ("electricitymaps-hourly-2023", "US-TEX-ERCO", "US-TEX-ERCO", [2023]),
    ("electricitymaps-hourly-2021-2024", "AU-VIC", "AU-VIC", [2021, 2022, 2023, 2024]),
    ("electricitymaps-hourly-2021-2024", "BR-SP", "BR-CS", [2021, 2022, 2023, 2024]),
    ("electricitymaps-hourly-2021-2024", "CL-SIC", "CL-SEN", [2021, 2022, 2023, 2024]),
    ("electricitymaps-hourly-2021-2024", "KR", "KR", [2021, 2022, 2023, 2024]),
    ("electricitymaps-hourly-2021-2024", "US-NY-NYIS", "US-NY-NYIS", [2021, 2022, 2023, 2024]),
    ("electricitymaps-hourly-2021-2024", "ZA", "ZA", [2021, 2022, 2023, 2024]),
]
TIME_COLUMN = "Datetime (UTC)"
LCA_COLUMN = "Carbon Intensity gCO\u2082eq/kWh (LCA)"


def fmt(value, decimals):
    text = f"{value:.{decimals}f}"
    if decimals and text.endswith(".0"):
        text = text[:-2]
    return "0" if text in ("-0", "-0.0") else text


def read_zone(path, year):
    start = datetime(year, 1, 1, tzinfo=timezone.utc)
    hours = (datetime(year + 1, 1, 1, tzinfo=timezone.utc) - start) // timedelta(hours=1)
    values = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        for column in (TIME_COLUMN, LCA_COLUMN):
            if column not in reader.fieldnames:
                sys.exit(f"{path}: no column {column!r}")
        for line, row in enumerate(reader, start=2):
            at = datetime.strptime(row[TIME_COLUMN], "%Y-%m-%d %H:%M:%S")
            hour = (at.replace(tzinfo=timezone.utc) - start) // timedelta(hours=1)
            if hour != len(values):
                sys.exit(f"{path}:{line}: expected hour {len(values)}, found {row[TIME_COLUMN]}")
            value = float(row[LCA_COLUMN])
            if not math.isfinite(value) or not 0 <= value <= 2000:
                sys.exit(f"{path}:{line}: intensity {value} outside 0..2000")
            values.append(value)
    if len(values) != hours:
        sys.exit(f"{path}: {len(values)} rows, expected {hours}")
    return values


def render(values):
    return "g_per_kwh\n" + "".join(f"{fmt(v, 0)}\n" for v in values)


def main():
    reference = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "reference")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "data/hourly")
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for folder, prefix, zone, years in SETS:
        for year in years:
            values = read_zone(reference / folder / f"{prefix}_{year}_hourly.csv", year)
            text = render(values)
            (out / f"{zone}_{year}.csv").write_text(text, encoding="utf-8", newline="\n")
            total += len(text)
            print(f"{zone:12} {year} {len(values)} h  LCA mean {sum(values) / len(values):6.1f} g/kWh  {len(text):7} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
