#!/usr/bin/env python3
"""The computation of `co2sweep plan scenarios/bench-1m-grid.toml`, written as a
straightforward vectorised NumPy script: the baseline the README's performance
table compares against.

It does what a researcher would write by hand: materialise the grid as arrays,
evaluate the trial-hours formula on them, then for every strategy x device x
region compute device-hours, wall-clock hours, energy and emissions, and rank
the options by Pareto dominance. To keep the comparison about the trial work,
it gets the same shortcut co2sweep uses for the schedule (computed once on the
reference device, then scaled per device), since longest-first list scheduling
has no vectorised form.

Usage: python3 benches/numpy_baseline.py [data_dir]   (prints a short summary)
"""

import csv
import heapq
import math
import sys
import time

import numpy as np

DATA = sys.argv[1] if len(sys.argv) > 1 else "data"

# scenarios/bench-1m-grid.toml, transcribed.
LR = np.exp(np.linspace(math.log(1e-5), math.log(1e-1), 100))
BATCH = np.array([64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536], dtype=float)
EPOCHS = np.round(np.linspace(10, 100, 10))
DROPOUT = np.linspace(0.0, 0.5, 10)
WEIGHT_DECAY = np.exp(np.linspace(math.log(1e-6), math.log(1e-2), 10))
DEVICES = 8
UTILIZATION = 0.8
CAPACITY = 512
REFERENCE = "V100 SXM2 16GB"
TOP = 0.05


def read(name):
    with open(f"{DATA}/{name}", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def makespan(hours, devices, capacity):
    slots = [0.0] * max(1, capacity // devices)
    for h in np.sort(hours)[::-1]:
        start = heapq.heappop(slots)
        heapq.heappush(slots, start + h)
    return max(slots)


def pareto_ranks(x, y):
    """Non-dominated sorting by peeling fronts, vectorised per front."""
    ranks = np.zeros(len(x), dtype=int)
    left = np.arange(len(x))
    rank = 1
    while len(left):
        order = left[np.lexsort((y[left], x[left]))]
        best = np.minimum.accumulate(y[order])
        # A point is on this front if no earlier point (smaller or equal x) has a smaller y.
        prev = np.concatenate(([np.inf], best[:-1]))
        on = y[order] < prev
        ranks[order[on]] = rank
        left = order[~on]
        rank += 1
    return ranks


def main():
    t0 = time.perf_counter()
    hardware = [d for d in read("hardware.csv") if d["tensor16_tflops"]]
    regions = read("regions.csv")
    ref = next(d for d in hardware if d["name"] == REFERENCE)
    peak = np.array([float(d["tensor16_tflops"]) for d in hardware])
    tdp = np.array([float(d["tdp_watts"]) for d in hardware])
    ratio = float(ref["tensor16_tflops"]) / peak
    pue = np.array([float(r["pue"]) for r in regions])
    intensity = np.array([float(r["intensity_g_per_kwh"]) for r in regions])
    offset = np.array([float(r["offset_pct"]) for r in regions])

    # Grid: 1,000,000 rows, last parameter fastest.
    lr, batch, epochs, dropout, wd = (a.ravel() for a in np.meshgrid(LR, BATCH, EPOCHS, DROPOUT, WEIGHT_DECAY, indexing="ij"))
    hours_ref = 1281167 * epochs / 8322 / 3600 * (256 / batch) ** 0.1
    # Random search: 59 trials, drawn with NumPy's generator (values differ from
    # co2sweep's ChaCha8 draws; the work is the same).
    rng = np.random.default_rng(1)
    n_random = math.ceil(math.log(1 - 0.95) / math.log(1 - TOP))
    r_batch = rng.choice(BATCH, n_random)
    r_epochs = np.floor(10 + rng.random(n_random) * 91)
    hours_random = 1281167 * r_epochs / 8322 / 3600 * (256 / r_batch) ** 0.1

    rows = []
    for strategy, hours in (("grid", hours_ref), ("random", hours_random)):
        wall_ref = makespan(hours, DEVICES, CAPACITY)
        for h in range(len(hardware)):
            trial_hours = hours * ratio[h]                      # per trial, on this device
            device_hours = (DEVICES * trial_hours).sum()
            energy = device_hours * tdp[h] * UTILIZATION * pue / 1000  # per region
            emissions = energy * intensity / 1000
            for r in range(len(regions)):
                rows.append((strategy, h, r, device_hours, wall_ref * ratio[h], energy[r], emissions[r], emissions[r] * offset[r] / 100))
    x = np.array([row[4] for row in rows])
    y = np.array([row[6] for row in rows])
    ranks = pareto_ranks(x, y)
    elapsed = time.perf_counter() - t0
    best = int(np.argmin(y))
    print(f"{len(hours_ref)} grid trials, {len(rows)} options, front {int((ranks == 1).sum())}, "
          f"lowest {y[best]:.4g} kg on {hardware[rows[best][1]]['name']}, {elapsed:.2f} s")


if __name__ == "__main__":
    main()
