#!/usr/bin/env python3
"""Measures XGBoost (hist) seconds per tree on a HIGGS-shaped table (1,000,000
rows x 28 float features), the figure scenarios/xgboost-cpu.toml is built on.
Needs numpy and xgboost (pip install numpy xgboost)."""
import time, numpy as np, xgboost as xgb
rng = np.random.default_rng(0)
X = rng.standard_normal((1_000_000, 28), dtype=np.float32)
y = (X[:, :5].sum(1) + 0.5 * rng.standard_normal(1_000_000) > 0).astype(np.float32)
d = xgb.DMatrix(X, label=y, nthread=2)
# The first fit also builds the histogram cuts; depths run twice so warm figures show.
for depth in (4, 6, 8, 10, 6):
    t = time.perf_counter()
    xgb.train({"tree_method": "hist", "max_depth": depth, "eta": 0.1, "nthread": 2, "objective": "binary:logistic"}, d, num_boost_round=50)
    dt = time.perf_counter() - t
    print(f"depth {depth}: {dt/50:.4f} s per tree (50 trees, {dt:.1f} s)")
