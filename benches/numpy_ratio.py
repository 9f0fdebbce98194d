#!/usr/bin/env python3
"""co2sweep processes against the exact NumPy kernel, interleaved in one run:
each round runs every co2sweep command once, then
`tools/numpy_exact.py time N` (draws + formula + sum of N random trials of
bench-1m-random, bit-exact with co2sweep); the ratio is taken per round
(NumPy kernel time / co2sweep wall time), so a machine that slows down
slows both, and its median is printed with the median times.

    python3 benches/numpy_ratio.py [--dispatch] ROUNDS N 'command' ...

With --dispatch the NumPy side is `tools/numpy_exact.py time-dispatch N`:
the whole computation behind bench-1m-random's figures, the 11 simulated
random-dispatch orders included (its Fisher-Yates swaps and list schedules
run in plain Python: they are sequential), so co2sweep's default `plan` is
compared like for like.

Example (README, Performance):

    python3 benches/numpy_ratio.py 7 1000000 \\
      "target/release/co2sweep plan scenarios/bench-1m-random.toml --format json"

RAYON_NUM_THREADS is 2 unless set.
"""
import os
import re
import statistics
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    mode = "time"
    if args and args[0] == "--dispatch":
        mode, args = "time-dispatch", args[1:]
    rounds, n, commands = int(args[0]), args[1], args[2:]
    env = dict(os.environ)
    env.setdefault("RAYON_NUM_THREADS", "2")
    walls = {c: [] for c in commands}
    kernel = []
    for _ in range(rounds):
        for c in commands:
            start = time.perf_counter()
            subprocess.run(c.split(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=env, check=True)
            walls[c].append(time.perf_counter() - start)
        out = subprocess.run([sys.executable, "tools/numpy_exact.py", mode, n],
                             capture_output=True, text=True, check=True).stdout
        kernel.append(float(re.search(r"trials: ([0-9.]+) s", out).group(1)))
    print(f"NumPy ({mode}), {n} trials: median {statistics.median(kernel):.4f} s")
    for c in commands:
        ratios = [k / w for k, w in zip(kernel, walls[c])]
        print(f"{statistics.median(walls[c]):.4f} s  ratio {statistics.median(ratios):.2f}x  {c}")


if __name__ == "__main__":
    main()
