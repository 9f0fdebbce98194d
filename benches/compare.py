#!/usr/bin/env python3
"""Whole-process timing of `co2sweep plan` on the benchmark scenarios against
the NumPy baseline, interleaved in the same run (ratios, not absolute times:
machines are noisy). Peak memory from /usr/bin/time -v.

    cargo build --release && python3 benches/compare.py [runs]
"""
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
CASES = {
    "co2sweep grid 1M": ["./target/release/co2sweep", "plan", "scenarios/bench-1m-grid.toml", "--format", "json"],
    "co2sweep grid 1M, start times": ["./target/release/co2sweep", "plan", "scenarios/bench-1m-grid-timeshift.toml", "--format", "json"],
    "co2sweep random 1M": ["./target/release/co2sweep", "plan", "scenarios/bench-1m-random.toml", "--format", "json"],
    "numpy grid 1M": [sys.executable, "benches/numpy_baseline.py"],
}


def peak_kb(cmd):
    out = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True).stderr
    return int(next(line for line in out.splitlines() if "Maximum resident" in line).split()[-1])


times = {name: [] for name in CASES}
for _ in range(RUNS):
    for name, cmd in CASES.items():
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        times[name].append(time.perf_counter() - t)
base = statistics.median(times["numpy grid 1M"])
print(f"{'case':<30} {'median s':>9} {'peak MB':>8} {'vs numpy':>9}")
for name, cmd in CASES.items():
    m = statistics.median(times[name])
    print(f"{name:<30} {m:>9.3f} {peak_kb(cmd) / 1024:>8.1f} {base / m:>8.1f}x")
