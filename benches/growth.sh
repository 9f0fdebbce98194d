#!/bin/bash
# Growth of `plan` with the number of trials (issue #16), 10^4 .. 10^8:
# random search of benches/scenarios/bench-10m-random.toml, and the grid of
# benches/scenarios/bench-10m-grid.toml (its cost reads every parameter, so
# every trial is decoded and evaluated) with 1 .. 10,000 learning rates. On
# 2 threads and 1, RUNS interleaved runs each (10^8 once per round: it
# takes seconds). Prints medians of wall time, user CPU and peak memory.
#
#   cargo build --release && bash benches/growth.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=target/release/co2sweep
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sizes="10000 100000 1000000 10000000 100000000"
for n in $sizes; do
  sed "s/^trials = 10000000/trials = $n/" benches/scenarios/bench-10m-random.toml > "$tmp/random-$n.toml"
  # 10 × 10 × 10 × 10 other levels: n / 10^4 learning rates.
  sed "s/^grid_points = 1000\$/grid_points = $((n / 10000))/" benches/scenarios/bench-10m-grid.toml > "$tmp/grid-$n.toml"
done
for _ in $(seq "$runs"); do
  for n in $sizes; do
    for kind in random grid; do
      for t in 2 1; do
        RAYON_NUM_THREADS=$t /usr/bin/time -f "$kind-$n $t %e %U %M" -a -o "$tmp/raw" \
          "$bin" plan "$tmp/$kind-$n.toml" --allow-large --format json > /dev/null
      done
    done
  done
done
python3 - "$tmp/raw" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    case, threads, wall, user, kb = line.split()
    runs[(case, threads)].append((float(wall), float(user), int(kb)))
print("case threads wall_s user_s peak_MB")
for (case, threads), v in runs.items():
    med = lambda i: statistics.median(x[i] for x in v)
    print(case, threads, f"{med(0):.3f}", f"{med(1):.3f}", f"{max(x[2] for x in v) / 1024:.1f}")
PY
