#!/usr/bin/env python3
"""An exact NumPy version of co2sweep's random-search path, for checking and
timing against: the same ChaCha8 draws (vectorised over trials), the same
inverse CDFs and cost formula, the same serial sum, so the reference
device's device-hours agree with co2sweep's options.csv bit for bit; and
the same schedule under the default `dispatch = "random"`, so the
wall-clock figures agree too.

It transcribes scenarios/bench-1m-random.toml (seed 1, devices 8, the hours
formula below, max_concurrent_devices 512, no `[trial] threads`, no
overheads, queue wait or failures).

The schedule (src/sweep/dispatch.rs) is PERMUTATIONS seeded orders of the
trials, each a list schedule on 512 / 8 = 64 identical slots; the
nearest-rank p10, p50 and p90 of their lengths are the wall-clock figures.
The permutations' draws are vectorised as the trials' are (ChaCha8 blocks,
here along the block counter of one stream), and so is the modulo that
turns them into Fisher-Yates partners. The swaps and the heap are
sequential: they run in plain Python (lists, heapq.heapreplace), the
fastest honest way without compiled extensions.

It is written as a NumPy programmer would write it for speed, so that
timing it is a fair baseline: trials go through in chunks of CHUNK, small
enough that the 16 rows of ChaCha state stay in cache, and every step is an
in-place ufunc on preallocated arrays (no temporaries per step). The
ChaCha rounds run per trial, as co2sweep's do; the formula's one
power of a discrete parameter is taken once per level, as co2sweep costs
each level combination once (README, "Performance"); the running total is carried from chunk to chunk so the sum adds in the same
order, with the same roundings, as one cumsum over all trials.

    python3 tools/numpy_exact.py check [trials]           # golden draws, then diff options.csv
    python3 tools/numpy_exact.py time [trials]            # seconds for draws + formula + sum
    python3 tools/numpy_exact.py check-dispatch [trials]  # golden shuffle, then diff wall-clock
    python3 tools/numpy_exact.py time-dispatch [trials]   # seconds per stage, schedule included

`check` runs target/release/co2sweep on a copy of the scenario with
`trials` trials and compares the device_hours of "V100 SXM2 16GB" rows.
`check-dispatch` runs it too, and compares on every row of options.csv
the columns the schedule length gives (wall_hours, its p10 and p90, its
p5, p50 and p95, utilization) and device_hours; see `check_dispatch`.
"""

import csv
import heapq
import math
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


def chacha8(x, tmp):
    """ChaCha8's 4 double rounds on the 16 x m state x, in place."""
    a, b, c, d = x[0:4], x[4:8], x[8:12], x[12:16]
    for _ in range(4):
        half_round(a, b, c, d, tmp, 0)
        half_round(a, b, c, d, tmp, 1)


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
        chacha8(x, tmp)
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


def device_work(seed, n, chunk=CHUNK, works=None):
    """Σ over trials, in index order, of devices × work (hours on the reference).
    With `works` (n float64), each trial's work is written into it too."""
    batch = np.empty(chunk)
    hours = np.empty(chunk)
    index = np.empty(chunk, dtype=np.intp)
    lo, hi = np.ceil(10.0), np.floor(100.0)
    total = 0.0
    # Each trial's 5 draws are words 0-9 of its block: learning_rate, batch_size,
    # epochs, dropout, weight_decay; the formula reads batch_size and epochs.
    for first, x in blocks(seed, n, 10, chunk):
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
        if works is not None:
            works[first:first + m] = h
        np.multiply(8.0, h, out=h)  # devices × hours
        # A serial sum, as co2sweep's: add.accumulate adds left to right (NumPy's
        # sum is pairwise). The running total enters as the chunk's first
        # addend, so every addition is the one a single cumsum would make.
        h[0] = total + h[0]
        np.add.accumulate(h, out=h)
        total = h[-1]
    return total


# The schedule. co2sweep keeps each trial's cost code in index order and
# schedules PERMUTATIONS shuffles of them on every capacity it needs: the
# cluster's max_concurrent_devices, and k times it for each CPU
# trials-per-socket factor k > 1 among the devices (`[trial] threads`; this
# scenario has none, so one capacity). A capacity gives capacity / devices
# slots, as every trial here holds DEVICES devices.
PERMUTATIONS = 11
STREAM_BASE = 1 << 62  # permutation k draws from stream STREAM_BASE + k
DEVICES = 8
CAPACITY = 512
CAPACITIES = [CAPACITY]
# The order is simulated only when Graham's bound leaves room for it to
# matter, and for at most EXPAND_LIMIT trials (dispatch.rs, `order`).
NEGLIGIBLE = 1e-4
EXPAND_LIMIT = 1 << 21


def draws_u64(seed, stream, count, chunk=CHUNK):
    """The first `count` next_u64() of ChaCha8Rng::seed_from_u64(seed) after
    set_stream(stream), as uint64.

    rand_chacha 0.10 hands out the stream's keystream in order, block 0, 1,
    ... (block b: counter b in words 12-13, the stream in 14-15), four blocks
    per refill; next_u64 takes two consecutive words, the first as the low
    half. From a fresh generator the pairs never straddle a refill (64
    words), so u64 t is words 2t and 2t + 1: the keystream read as
    little-endian uint64. The blocks go through CHUNK at a time, one lane
    per block counter (as `blocks` has one lane per stream)."""
    assert sys.byteorder == "little", "the uint64 view assumes little-endian words"
    n_blocks = -(-count // 8)  # 8 u64s per block
    out = np.empty((n_blocks, 16), dtype=np.uint32)
    init = np.concatenate([SIGMA, key_of(seed), np.zeros(2, dtype=np.uint32),
                           np.array([stream & 0xFFFFFFFF, stream >> 32], dtype=np.uint32)])
    state = np.empty((16, chunk), dtype=np.uint32)
    scratch = np.empty((4, chunk), dtype=np.uint32)
    counter = np.empty(chunk, dtype=np.uint32)
    ramp = np.arange(chunk, dtype=np.uint32)
    for first in range(0, n_blocks, chunk):
        m = min(chunk, n_blocks - first)
        x, tmp, low = state[:, :m], scratch[:, :m], counter[:m]
        np.add(ramp[:m], first & 0xFFFFFFFF, out=low)
        x[:] = init[:, None]
        x[12] = low  # counter, low word
        x[13] = first >> 32  # counter, high word (CHUNK a power of two: one per chunk)
        chacha8(x, tmp)
        # Finish all 16 words: the input added back, counter included.
        np.add(x, init[:, None], out=x)
        np.add(x[12], low, out=x[12])
        np.add(x[13], first >> 32, out=x[13])
        out[first:first + m] = x.T  # block-major: the keystream in order
    return out.reshape(-1).view(np.uint64)[:count]


def partners(seed, k, n):
    """Permutation k's Fisher-Yates partners of positions n-1, n-2, ..., 1,
    as co2sweep's `shuffle` draws them: position n-1-t swaps with
    next_u64() % (n - t). co2sweep draws them 1,024 at a time before
    swapping, but the draws do not depend on the swaps: one sequence."""
    if n < 2:
        return np.empty(0, dtype=np.uint64)
    u = draws_u64(seed, STREAM_BASE + k, n - 1)
    return np.remainder(u, np.arange(n, 1, -1, dtype=np.uint64), out=u)


def shuffle(v, partners):
    """Fisher-Yates from the end, in place, on the list v: position
    len(v) - 1 - t swaps with partners[t] (a list of ints)."""
    for k, j in zip(range(len(v) - 1, 0, -1), partners):
        v[k], v[j] = v[j], v[k]


def list_schedule(works, slots):
    """Length of the list schedule of `works` (a list, in order) on `slots`
    identical slots: each trial takes the slot that frees first.

    co2sweep keeps the slots' end times in a 4-ary heap (slots.rs), heapq in
    a binary one; which of equal end times is taken does not change the
    multiset of end times after each trial, so every finish is the same
    float. As in co2sweep, no more slots than trials, and at least one.
    Works are not negative, so a slot's end only grows: the largest end left
    is the latest finish, the schedule's length."""
    ends = [0.0] * max(1, min(slots, len(works)))
    replace = heapq.heapreplace
    for w in works:
        replace(ends, ends[0] + w)
    return max(ends)


def nearest_rank(lengths):
    """p10, p50 and p90 of the lengths, nearest rank (sorted[ceil(p n) - 1])."""
    ordered = sorted(lengths)
    return tuple(ordered[max(math.ceil(p * len(ordered)), 1) - 1] for p in (0.1, 0.5, 0.9))


def simulated(n, device_total, longest):
    """Whether co2sweep schedules n trials' orders one by one (dispatch.rs,
    `order`): at most EXPAND_LIMIT trials, and Graham's bound leaves more
    than NEGLIGIBLE x W/k between list schedules on the k slots of the
    largest capacity, W the serial sum of the works. That sum is the device
    sum over DEVICES, exactly: scaling by a power of two commutes with every
    rounding of the serial sum."""
    k = float(max(max(CAPACITIES) // DEVICES, 1))
    total = device_total / DEVICES
    return n <= EXPAND_LIMIT and (1.0 - 1.0 / k) * longest > NEGLIGIBLE * total / k


def spreads(works, seed, clock=None):
    """Random dispatch of the trials of the given works (float64, index
    order): for each capacity in CAPACITIES, (p10, p50, p90) of the
    schedule length over PERMUTATIONS seeded permutations, in work units
    (hours on the reference device). Each permutation starts from index
    order and is scheduled on every capacity. `clock`, a dict, gathers
    seconds per stage."""
    n = len(works)
    slots = [max(c // DEVICES, 1) for c in CAPACITIES]
    clock = {} if clock is None else clock
    tick = time.perf_counter()

    def lap(stage):
        nonlocal tick
        now = time.perf_counter()
        clock[stage] = clock.get(stage, 0.0) + now - tick
        tick = now

    # The list holds one float object per distinct work, shared by its
    # trials, as co2sweep keeps a code per trial into its table of distinct
    # costs: the reference counting of the swaps and of the heap loop's
    # reads then stays within a few hundred objects, in cache, instead of a
    # million scattered ones (both loops ran about 1.7x slower on
    # works.tolist()).
    distinct, code = np.unique(works, return_inverse=True)
    in_order = list(map(distinct.tolist().__getitem__, code.tolist()))
    lap("list of shared works (unique + tolist)")
    lengths = []  # per permutation, one length per capacity
    for k in range(PERMUTATIONS):
        js = partners(seed, k, n).tolist()
        lap("permutation draws (keystream + modulo)")
        v = in_order.copy()
        shuffle(v, js)
        lap("shuffles (Fisher-Yates swaps)")
        lengths.append([list_schedule(v, s) for s in slots])
        lap("list schedules (heapq)")
    return [nearest_rank([l[c] for l in lengths]) for c in range(len(CAPACITIES))]


def check(n):
    pinned = [[0.6818961923066714, 0.950275407672484], [0.7167916525047883, 0.16691033976292213]]
    got = units(42, 2, 2)
    for i in range(2):
        for d in range(2):
            assert got[d][i] == pinned[i][d], (i, d, got[d][i], pinned[i][d])
    print("golden draws: equal")
    with open("scenarios/bench-1m-random.toml", encoding="utf-8") as f:
        text = f.read().replace("trials = 1000000", f"trials = {n}")
    rows = [r for r in plan_rows(text) if r["hardware"] == "V100 SXM2 16GB"]
    want = device_work(1, n)
    theirs = {float(r["device_hours"]) for r in rows}
    print(f"{n} trials: numpy {want!r}, co2sweep {sorted(theirs)!r}")
    if theirs != {want}:
        sys.exit("device_hours differ")
    print("device_hours: equal, bit for bit")


# next_u64() number t of ChaCha8Rng::seed_from_u64(1) after
# set_stream(STREAM_BASE + k), by (k, t): printed by a Rust program against
# rand_chacha 0.10.0 (co2sweep's Cargo.lock). t = 7, 8 straddle a block,
# 63, 64 a refill of the 4-block buffer, 131071, 131072 a chunk of blocks.
GOLDEN_U64 = {
    (0, 0): 1621661715942663622, (0, 1): 10919937190644251905, (0, 2): 924298399375559500,
    (0, 7): 11074235266569368050, (0, 8): 12369140035585381451,
    (0, 63): 10010024181268276068, (0, 64): 16553103503221966924, (0, 69): 8351493240226706002,
    (0, 131071): 16901086490689847024, (0, 131072): 17032613254520308077,
    (0, 999998): 1388376983249717069,
    (10, 0): 4626328537251515485, (10, 1): 4467771484697762971, (10, 2): 10561067163301039047,
    (10, 7): 6301034264300562097, (10, 8): 13998075941966305415,
    (10, 63): 1955635170132031584, (10, 64): 7740841274896305296, (10, 69): 7462839915647263487,
    (10, 131071): 5684508710957829804, (10, 131072): 16367438379001684238,
    (10, 999998): 16778919059041452545,
}
# 0..19 after Fisher-Yates from the end with that generator, stream
# STREAM_BASE (the same program, swapping i with next_u64() % (i + 1)).
GOLDEN_SHUFFLE = [3, 19, 17, 6, 9, 12, 18, 14, 0, 16, 8, 11, 1, 15, 5, 10, 7, 4, 13, 2]

# The scenario's formula; check-dispatch's probe replaces it by a constant.
HOURS = 'hours = "1281167 * epochs / 8322 / 3600 * (256 / batch_size) ^ 0.1"'
REFERENCE = "V100 SXM2 16GB"
SCHEDULE_MODEL = f"random dispatch: median of {PERMUTATIONS} seeded permutations"


def plan_rows(text):
    """The rows of options.csv of `co2sweep plan` on a scenario of this text."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        out = os.path.join(tmp, "out")
        subprocess.run(["./target/release/co2sweep", "plan", path, "--out", out],
                       check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "options.csv"), newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))


def ratio(a, b):
    """a / b, and 1 when b is 0 (summary.rs)."""
    return a / b if b > 0.0 else 1.0


def schedule_columns(device_total, spread, m):
    """The figures of an options.csv row that the schedule length gives, for
    a device whose hours are m x the work, as options.rs (`evaluate_option`),
    execution.rs (`run`) and summary.rs (`OptionRow::of`) compute them. With
    this scenario's zero overhead, failures and queue wait, execution.rs adds
    0.0 and multiplies by 1.0 (exact); without an `[execution] start` window
    nothing waits; with 0 uncertainty draws p5 = p50 = p95 = the figure."""
    p10, p50, p90 = spread
    device_hours = device_total * m / 1.0  # one trial per device (no CPU slots)
    run_hours = p50 * m
    wait = 0.0
    wall = wait + 0.0 + run_hours  # wait, queue wait, run
    return {
        "device_hours": device_hours,
        "wall_hours": wall,
        "wall_hours_p10": (wall - wait) * ratio(p10, p50) + wait,
        "wall_hours_p90": (wall - wait) * ratio(p90, p50) + wait,
        "wall_hours_p5": wall,
        "wall_hours_p50": wall,
        "wall_hours_p95": wall,
        # busy device-hours over the cluster's device-hours for the run
        "utilization": min(device_hours / (CAPACITY * run_hours), 1.0),
        "wait_hours": wait,
    }


def check_dispatch(n):
    """Random dispatch of n trials, diffed against options.csv, every row.

    The schedule figures (p10, p50, p90 of the schedule length, in hours on
    the reference device) are computed here from the draws up. What turns
    them into another device's hours is its multiplier, a catalog constant
    (peak ratios and measured speed-ups: cost.rs, speed.rs) this script does
    not model; it is read from a probe plan of one trial of hours = 1,
    whose device_hours is then 8 x the multiplier exactly. The reference
    device's multiplier is 1.0 by definition, so its rows owe nothing to
    the probe."""
    for k in sorted({k for k, _ in GOLDEN_U64}):
        pinned = {t: want for (j, t), want in GOLDEN_U64.items() if j == k}
        got = draws_u64(1, STREAM_BASE + k, max(pinned) + 1)
        for t, want in pinned.items():
            assert int(got[t]) == want, (k, t, int(got[t]), want)
    v = list(range(len(GOLDEN_SHUFFLE)))
    shuffle(v, partners(1, 0, len(v)).tolist())
    assert v == GOLDEN_SHUFFLE, v
    print("golden permutation draws and shuffle: equal")

    works = np.empty(n)
    total = device_work(1, n, works=works)
    if not simulated(n, total, float(works.max())):
        sys.exit(f"{n} trials: co2sweep does not simulate the dispatch order (dispatch.rs, `order`)")
    figures = spreads(works, 1)
    for capacity, (p10, p50, p90) in zip(CAPACITIES, figures):
        print(f"{n} trials on {capacity} devices ({capacity // DEVICES} slots): "
              f"schedule p10 {p10!r}, p50 {p50!r}, p90 {p90!r} (reference hours)")
    spread = figures[0]  # the cluster's: no device here runs CPU trials per socket

    with open("scenarios/bench-1m-random.toml", encoding="utf-8") as f:
        text = f.read()
    assert text.count("trials = 1000000") == 1 and text.count(HOURS) == 1
    rows = plan_rows(text.replace("trials = 1000000", f"trials = {n}"))
    probe = plan_rows(text.replace("trials = 1000000", "trials = 1").replace(HOURS, 'hours = "1"'))
    multiplier = {}
    for r in probe:
        m = float(r["device_hours"]) / DEVICES
        # One trial of work 1: its schedule is 1 long, its wall-clock m.
        assert float(r["wall_hours"]) == m, r
        assert multiplier.setdefault(r["hardware"], m) == m, r
    assert multiplier[REFERENCE] == 1.0

    texts = {"strategy": "random", "trials": str(n), "schedule_model": SCHEDULE_MODEL}
    for line, r in enumerate(rows, start=2):
        where = f"options.csv line {line} ({r['hardware']} @ {r['provider']}:{r['region']})"
        want = schedule_columns(total, spread, multiplier[r["hardware"]])
        for column, value in texts.items():
            if r[column] != value:
                sys.exit(f"{where}: {column} is {r[column]!r}, expected {value!r}")
        for column, value in want.items():
            # Both sides print the shortest round-trip form: equal floats
            # are equal text, and parsing it back gives the same bits.
            if float(r[column]) != value:
                sys.exit(f"{where}: {column}: numpy {value!r}, co2sweep {r[column]}")
    first = next(r for r in rows if r["hardware"] == REFERENCE)
    print(f"{REFERENCE}: wall_hours {first['wall_hours']}, p10 {first['wall_hours_p10']}, "
          f"p90 {first['wall_hours_p90']}")
    print(f"{len(rows)} rows, {len(multiplier)} devices: " + ", ".join([*want, *texts])
          + ": equal, bit for bit")


def timed(n):
    start = time.perf_counter()
    total = device_work(1, n)
    print(f"{n} trials: {time.perf_counter() - start:.3f} s (device work {total!r})")


def timed_dispatch(n):
    """Seconds for the whole computation: draws + formula + sum, then the
    PERMUTATIONS shuffles and list schedules, per stage."""
    clock = {}
    start = time.perf_counter()
    works = np.empty(n)
    total = device_work(1, n, works=works)
    clock["trials (draws + formula + sum)"] = time.perf_counter() - start
    p10, p50, p90 = spreads(works, 1, clock)[0]
    elapsed = time.perf_counter() - start
    for stage, seconds in clock.items():
        print(f"  {stage:40} {seconds:.3f} s")
    print(f"{n} trials: {elapsed:.3f} s (device work {total!r}; "
          f"schedule p10 {p10!r}, p50 {p50!r}, p90 {p90!r})")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "check"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    {"check": check, "check-dispatch": check_dispatch,
     "time-dispatch": timed_dispatch}.get(what, timed)(n)
