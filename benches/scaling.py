#!/usr/bin/env python3
"""Thread scaling of whole co2sweep processes, against what the machine
allows in the same run.

Each round runs every command three ways, back to back: on one thread
(RAYON_NUM_THREADS=1), on two, and as two one-thread copies at once. The
speed-up is T1 / T2. The copies measure the machine: on two truly free
cores they take as long as one copy alone, and any slowdown (a neighbour
on a shared VM, a shared cache or memory bus, a lower clock with both
cores busy) bounds every two-thread program alike, so 2 × T1 / T(copies)
is the most two threads can give on that work in that round. Ratios are
taken per round, so a machine that slows down between rounds slows the
three runs of a round alike; medians over the rounds are printed.

    python3 benches/scaling.py ROUNDS 'label=command' ...

Example (README, Performance):

    python3 benches/scaling.py 15 \\
      "random=target/release/co2sweep plan benches/scenarios/bench-10m-random.toml --allow-large --format json"
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(argv, threads, copies=1):
    """Wall seconds of `copies` processes of argv started together."""
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    start = time.perf_counter()
    children = [subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env=env)
                for _ in range(copies)]
    for child in children:
        if child.wait() != 0:
            sys.exit(f"failed: {shlex.join(argv)}")
    return time.perf_counter() - start


def main():
    rounds = int(sys.argv[1])
    cases = [(label, shlex.split(cmd)) for label, cmd in
             (arg.split("=", 1) for arg in sys.argv[2:])]
    samples = {label: [] for label, _ in cases}
    for _ in range(rounds):
        for label, argv in cases:
            one, two, copies = run(argv, 1), run(argv, 2), run(argv, 1, copies=2)
            samples[label].append((one, two, copies, one / two, 2 * one / copies))
    print(f"{'case':10s} {'T1':>7s} {'T2':>7s} {'2 copies':>9s} "
          f"{'speed-up':>9s} {'machine allows':>15s} {'efficiency':>11s}")
    for label, v in samples.items():
        med = [statistics.median(s[i] for s in v) for i in range(5)]
        efficiency = statistics.median(s[3] / s[4] for s in v)
        print(f"{label:10s} {med[0]:6.3f}s {med[1]:6.3f}s {med[2]:8.3f}s "
              f"{med[3]:8.2f}x {med[4]:14.2f}x {efficiency:10.0%}")


if __name__ == "__main__":
    main()
