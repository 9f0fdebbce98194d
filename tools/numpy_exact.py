#!/usr/bin/env python3
"""An exact NumPy version of co2sweep's random-search path, for checking and
timing against: the same ChaCha8 draws (vectorised over trials), the same
inverse CDFs and cost formula, the same serial sum, so the reference
device's device-hours agree with co2sweep's options.csv bit for bit.

It transcribes scenarios/bench-1m-random.toml (seed 1, devices 8, the hours
formula below). The schedule (random dispatch, a sequential heap per
permutation) is not vectorisable and is left out: the script checks and
times the draw + evaluate + sum stages.

    python3 tools/numpy_exact.py check [trials]   # golden draws, then diff options.csv
    python3 tools/numpy_exact.py time [trials]    # seconds for draws + formula + sum

`check` runs target/release/co2sweep on a copy of the scenario with
`trials` trials and compares the device_hours of "V100 SXM2 16GB" rows.
"""

import csv
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

M32 = np.uint32(0xFFFFFFFF)
SIGMA = np.array([0x61707865, 0x3320646E, 0x79622D32, 0x6B206574], dtype=np.uint32)


def key_of(seed):
    """rand_core's seed_from_u64: a PCG32 stream fills the 32-byte key."""
    mul, inc, mask = 6364136223846793005, 11634580027462260723, (1 << 64) - 1
    state, words = seed, []
    for _ in range(8):
        state = (state * mul + inc) & mask
        xorshifted = (((state >> 18) ^ state) >> 27) & 0xFFFFFFFF
        rot = state >> 59
        words.append(((xorshifted >> rot) | (xorshifted << ((32 - rot) & 31))) & 0xFFFFFFFF)
    return np.array(words, dtype=np.uint32)


def rotl(x, n):
    return (x << np.uint32(n)) | (x >> np.uint32(32 - n))


def quarter(x, a, b, c, d):
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16)
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12)
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8)
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7)


def block0(key, streams):
    """Block 0 of each stream: 16 rows of uint32, one column per stream."""
    n = len(streams)
    state = np.empty((16, n), dtype=np.uint32)
    state[:4] = SIGMA[:, None]
    state[4:12] = key[:, None]
    state[12:14] = 0
    state[14] = (streams & 0xFFFFFFFF).astype(np.uint32)
    state[15] = (streams >> np.uint64(32)).astype(np.uint32)
    x = state.copy()
    for _ in range(4):
        for q in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                  (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
            quarter(x, *q)
    return x + state


def units(seed, n, dims):
    """Trial i's dims uniforms: words 0.. of stream i, top 53 bits."""
    words = block0(key_of(seed), np.arange(n, dtype=np.uint64))
    out = []
    for p in range(dims):
        w = words[2 * p].astype(np.uint64) | (words[2 * p + 1].astype(np.uint64) << np.uint64(32))
        out.append((w >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53)))
    return out


BATCH = np.array([64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536], dtype=np.float64)


def device_work(seed, n):
    """Σ over trials, in index order, of devices × work (hours on the reference)."""
    u = units(seed, n, 5)  # learning_rate, batch_size, epochs, dropout, weight_decay
    batch = BATCH[np.minimum((u[1] * len(BATCH)).astype(np.int64), len(BATCH) - 1)]
    lo, hi = np.ceil(10.0), np.floor(100.0)
    epochs = np.minimum(lo + np.floor(u[2] * (hi - lo + 1.0)), hi)
    # hours = 1281167 * epochs / 8322 / 3600 * (256 / batch_size) ^ 0.1, left to right.
    hours = 1281167.0 * epochs / 8322.0 / 3600.0 * np.power(256.0 / batch, 0.1)
    # A serial sum, as co2sweep's (cumsum adds left to right; NumPy's sum is pairwise).
    return np.cumsum(8.0 * hours)[-1]


def check(n):
    pinned = [[0.6818961923066714, 0.950275407672484], [0.7167916525047883, 0.16691033976292213]]
    got = units(42, 2, 2)
    for i in range(2):
        for d in range(2):
            assert got[d][i] == pinned[i][d], (i, d, got[d][i], pinned[i][d])
    print("golden draws: equal")
    with open("scenarios/bench-1m-random.toml", encoding="utf-8") as f:
        text = f.read().replace("trials = 1000000", f"trials = {n}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        out = os.path.join(tmp, "out")
        subprocess.run(["./target/release/co2sweep", "plan", path, "--out", out],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "options.csv"), newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["hardware"] == "V100 SXM2 16GB"]
    want = device_work(1, n)
    theirs = {float(r["device_hours"]) for r in rows}
    print(f"{n} trials: numpy {want!r}, co2sweep {sorted(theirs)!r}")
    if theirs != {want}:
        sys.exit("device_hours differ")
    print("device_hours: equal, bit for bit")


def timed(n):
    start = time.perf_counter()
    total = device_work(1, n)
    print(f"{n} trials: {time.perf_counter() - start:.3f} s (device work {total!r})")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "check"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    (check if what == "check" else timed)(n)
