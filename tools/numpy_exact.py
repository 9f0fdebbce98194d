#!/usr/bin/env python3
"""An exact NumPy version of co2sweep's random-search path, for checking and
timing against: the same ChaCha8 draws (vectorised over trials), the same
inverse CDFs and cost formula, the same serial sum, so the reference
device's device-hours agree with co2sweep's options.csv bit for bit.

It transcribes scenarios/bench-1m-random.toml (seed 1, devices 8, the hours
formula below). The schedule (random dispatch, a sequential heap per
permutation) is not vectorisable and is left out: the script checks and
times the draw + evaluate + sum stages.

It is written as a NumPy programmer would write it for speed, so that
timing it is a fair baseline: trials go through in chunks of CHUNK, small
enough that the 16 rows of ChaCha state stay in cache, and every step is an
in-place ufunc on preallocated arrays (no temporaries per step). The
ChaCha rounds run per trial, as co2sweep's do; the formula's one
power of a discrete parameter is taken once per level, as co2sweep costs
each level combination once (README, "Performance"); the running total is carried from chunk to chunk so the sum adds in the same
order, with the same roundings, as one cumsum over all trials.

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

SIGMA = np.array([0x61707865, 0x3320646E, 0x79622D32, 0x6B206574], dtype=np.uint32)

# Trials per chunk. The state is 16 rows x CHUNK uint32 (1 MiB at 2^14), so
# the ~200 ufunc calls a chunk makes over it hit cache, not DRAM, while each
# call still has 2^14-2^16 words to amortise its ~2 us overhead: on the
# 2-core test machine (512 KiB L2 a core, 32 MiB L3) 2^14..2^16 measured
# within noise of each other, 2^12 and below were slower. A power of two, so
# no chunk straddles a multiple of 2^32: the high stream word is one number
# per chunk.
CHUNK = 1 << 14


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


# The state is kept as four slabs of four rows, a = words 0-3, b = 4-7,
# c = 8-11, d = 12-15, each row one word of every trial in the chunk. A
# column round is then four quarter rounds at once, slab against slab: row i
# of a with row i of b, c, d. A diagonal round pairs row i of a with row
# i+1 of b, i+2 of c, i+3 of d (mod 4); in every one of its add/xor steps
# the source slab is one row ahead of the destination, so each step is two
# calls, rows 0-2 against rows 1-3 and row 3 against row 0.

def mix(op, dst, src, ahead):
    """dst[i] = op(dst[i], src[(i + ahead) % 4]) for the four rows, in place."""
    if ahead == 0:
        op(dst, src, out=dst)
    else:
        op(dst[:4 - ahead], src[ahead:], out=dst[:4 - ahead])
        op(dst[4 - ahead:], src[:ahead], out=dst[4 - ahead:])


def rotl(v, n, tmp):
    """Rotate every word of slab v left by n bits, in place (tmp: scratch)."""
    np.right_shift(v, 32 - n, out=tmp)
    np.left_shift(v, n, out=v)
    np.bitwise_or(v, tmp, out=v)


def half_round(a, b, c, d, tmp, ahead):
    """Four quarter rounds: the column round (ahead 0) or the diagonal (ahead 1)."""
    mix(np.add, a, b, ahead); mix(np.bitwise_xor, d, a, ahead); rotl(d, 16, tmp)
    mix(np.add, c, d, ahead); mix(np.bitwise_xor, b, c, ahead); rotl(b, 12, tmp)
    mix(np.add, a, b, ahead); mix(np.bitwise_xor, d, a, ahead); rotl(d, 8, tmp)
    mix(np.add, c, d, ahead); mix(np.bitwise_xor, b, c, ahead); rotl(b, 7, tmp)


def blocks(seed, n, words, chunk=CHUNK):
    """Block 0 of streams 0..n-1, a chunk at a time: yields (first, x), x the
    16 x m uint32 state of streams first..first+m-1 after the 8 rounds, its
    first `words` rows finished (the input added back) -- those rows are
    the block's output words. x is scratch, overwritten by the next chunk."""
    init = np.concatenate([SIGMA, key_of(seed), np.zeros(4, dtype=np.uint32)])
    state = np.empty((16, chunk), dtype=np.uint32)
    scratch = np.empty((4, chunk), dtype=np.uint32)
    ramp = np.arange(chunk, dtype=np.uint32)
    for first in range(0, n, chunk):
        m = min(chunk, n - first)
        x, tmp = state[:, :m], scratch[:, :m]
        x[:14] = init[:14, None]  # constants, key, block counter 0
        np.add(ramp[:m], first & 0xFFFFFFFF, out=x[14])  # stream, low word
        x[15] = first >> 32  # stream, high word
        a, b, c, d = x[0:4], x[4:8], x[8:12], x[12:16]
        for _ in range(4):  # ChaCha8: 4 double rounds
            half_round(a, b, c, d, tmp, 0)
            half_round(a, b, c, d, tmp, 1)
        np.add(x[:words], init[:words, None], out=x[:words])
        yield first, x


def uniform(lo, hi, out):
    """The 64-bit word hi:lo's top 53 bits times 2^-53, into out (float64).
    (hi:lo) >> 11 is hi * 2^21 + (lo >> 11), an integer below 2^53, so each
    float step is exact and this equals the uint64 route. Clobbers lo."""
    np.multiply(hi, 2.0 ** 21, out=out)
    np.right_shift(lo, 11, out=lo)
    np.add(out, lo, out=out)
    np.multiply(out, 2.0 ** -53, out=out)


def units(seed, n, dims):
    """Trial i's dims uniforms: words 0.. of stream i, top 53 bits."""
    out = [np.empty(n) for _ in range(dims)]
    for first, x in blocks(seed, n, 2 * dims):
        for p in range(dims):
            uniform(x[2 * p], x[2 * p + 1], out[p][first:first + x.shape[1]])
    return out


BATCH = np.array([64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536], dtype=np.float64)
# (256 / batch_size) ^ 0.1 for each level, taken once.
BATCH_POWER = np.power(256.0 / BATCH, 0.1)


def device_work(seed, n, chunk=CHUNK):
    """Σ over trials, in index order, of devices × work (hours on the reference)."""
    batch = np.empty(chunk)
    hours = np.empty(chunk)
    index = np.empty(chunk, dtype=np.intp)
    lo, hi = np.ceil(10.0), np.floor(100.0)
    total = 0.0
    # Each trial's 5 draws are words 0-9 of its block: learning_rate, batch_size,
    # epochs, dropout, weight_decay; the formula reads batch_size and epochs.
    for _, x in blocks(seed, n, 10, chunk):
        m = x.shape[1]
        b, h, i = batch[:m], hours[:m], index[:m]
        # batch_size = BATCH[min(trunc(u1 * 10), 9)]; min commutes with trunc.
        # b holds (256 / batch_size) ^ 0.1 of that level.
        uniform(x[2], x[3], b)
        np.multiply(b, len(BATCH), out=b)
        np.minimum(b, len(BATCH) - 1, out=b)
        np.copyto(i, b, casting="unsafe")  # float -> int truncates, as astype
        np.take(BATCH_POWER, i, out=b)
        # epochs = min(lo + floor(u2 * (hi - lo + 1)), hi).
        uniform(x[4], x[5], h)
        np.multiply(h, hi - lo + 1.0, out=h)
        np.floor(h, out=h)
        np.add(lo, h, out=h)
        np.minimum(h, hi, out=h)
        # hours = 1281167 * epochs / 8322 / 3600 * (256 / batch_size) ^ 0.1, left to right.
        np.multiply(1281167.0, h, out=h)
        np.divide(h, 8322.0, out=h)
        np.divide(h, 3600.0, out=h)
        np.multiply(h, b, out=h)
        np.multiply(8.0, h, out=h)  # devices × hours
        # A serial sum, as co2sweep's: add.accumulate adds left to right (NumPy's
        # sum is pairwise). The running total enters as the chunk's first
        # addend, so every addition is the one a single cumsum would make.
        h[0] = total + h[0]
        np.add.accumulate(h, out=h)
        total = h[-1]
    return total


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
