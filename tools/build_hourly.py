#!/usr/bin/env python3
"""Build data/hourly/<ZONE>.csv from the Electricity Maps 2023 hourly files.

Each output is `hour,g_per_kwh` then one row per hour of 2023: hour = hours
since 2023-01-01T00:00Z (0..8759), g_per_kwh = the *direct* (combustion-only)
carbon intensity in g CO2eq/kWh, rounded to 1 decimal with a trailing ".0"
dropped. The source rows are checked: every hour of the year present once,
in order, with a finite value in 0..2000.

Usage: python3 tools/build_hourly.py [SOURCE_DIR] [OUT_DIR]
Defaults: /work/shared/reference/electricitymaps-hourly-2023 and data/hourly.
Standard library only. Data: Electricity Maps (2023), ODbL.
"""

import csv
import math
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ZONES = [
    "AU-NSW",
    "CA-ON",
    "DE-LU",
    "GB",
    "SG",
    "US-CAL-CISO",
    "US-MIDA-PJM",
    "US-TEX-ERCO",
]
YEAR = 2023
TIME_COLUMN = "Datetime (UTC)"
DIRECT_COLUMN = "Carbon Intensity gCO\u2082eq/kWh (direct)"
# Above this total the values are rounded to whole grams instead.
SIZE_LIMIT_BYTES = 800_000


def fmt(value, decimals):
    text = f"{value:.{decimals}f}"
    if decimals and text.endswith(".0"):
        text = text[:-2]
    return "0" if text in ("-0", "-0.0") else text


def read_zone(path):
    start = datetime(YEAR, 1, 1, tzinfo=timezone.utc)
    hours = (datetime(YEAR + 1, 1, 1, tzinfo=timezone.utc) - start) // timedelta(hours=1)
    values = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        for column in (TIME_COLUMN, DIRECT_COLUMN):
            if column not in reader.fieldnames:
                sys.exit(f"{path}: no column {column!r}")
        for line, row in enumerate(reader, start=2):
            at = datetime.strptime(row[TIME_COLUMN], "%Y-%m-%d %H:%M:%S")
            hour = (at.replace(tzinfo=timezone.utc) - start) // timedelta(hours=1)
            if hour != len(values):
                sys.exit(f"{path}:{line}: expected hour {len(values)}, found {row[TIME_COLUMN]}")
            value = float(row[DIRECT_COLUMN])
            if not math.isfinite(value) or not 0 <= value <= 2000:
                sys.exit(f"{path}:{line}: intensity {value} outside 0..2000")
            values.append(value)
    if len(values) != hours:
        sys.exit(f"{path}: {len(values)} rows, expected {hours}")
    return values


def render(values, decimals):
    lines = ["hour,g_per_kwh"]
    lines += [f"{h},{fmt(v, decimals)}" for h, v in enumerate(values)]
    return "\n".join(lines) + "\n"


def main():
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference/electricitymaps-hourly-2023")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "data/hourly")
    data = {zone: read_zone(source / f"{zone}_{YEAR}_hourly.csv") for zone in ZONES}
    decimals = 1
    texts = {zone: render(values, decimals) for zone, values in data.items()}
    if sum(len(t) for t in texts.values()) > SIZE_LIMIT_BYTES:
        decimals = 0
        texts = {zone: render(values, decimals) for zone, values in data.items()}
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for zone, text in texts.items():
        (out / f"{zone}.csv").write_text(text, encoding="utf-8", newline="\n")
        values = data[zone]
        total += len(text)
        print(f"{zone:12} {len(values)} h  mean {sum(values) / len(values):6.1f} g/kWh  {len(text):7} bytes")
    print(f"total {total} bytes, {decimals} decimal(s)")


if __name__ == "__main__":
    main()
