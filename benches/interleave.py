#!/usr/bin/env python3
"""Interleaved whole-process timing of any commands: each round runs every
command once, in the given order, so a noisy machine slows all of them
alike; medians over the rounds. Wall time from perf_counter around the
process (millisecond precision, unlike /usr/bin/time), CPU (user + system)
and peak memory from wait4.

    python3 benches/interleave.py RUNS THREADS 'label=command' ...

THREADS is set as RAYON_NUM_THREADS. Example, the previous and the current
binary on the 10^6 random benchmark:

    python3 benches/interleave.py 7 2 \\
      "before=/tmp/co2sweep-old plan scenarios/bench-1m-random.toml --format json" \\
      "now=target/release/co2sweep plan scenarios/bench-1m-random.toml --format json"
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(cmd, env):
    """(wall s, CPU s, peak MB) of one run of cmd, output discarded."""
    start = time.perf_counter()
    child = subprocess.Popen(shlex.split(cmd), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed ({status}): {cmd}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    runs, threads = int(sys.argv[1]), sys.argv[2]
    cases = [arg.split("=", 1) for arg in sys.argv[3:]]
    env = dict(os.environ, RAYON_NUM_THREADS=threads)
    samples = {label: [] for label, _ in cases}
    for _ in range(runs):
        for label, cmd in cases:
            samples[label].append(run_once(cmd, env))
    for label, _ in cases:
        wall, cpu, peak = (statistics.median(s[i] for s in samples[label]) for i in range(3))
        print(f"{label:32s} T={threads} wall {wall:.3f} s  cpu {cpu:.3f} s  peak {peak:.1f} MB")


if __name__ == "__main__":
    main()
