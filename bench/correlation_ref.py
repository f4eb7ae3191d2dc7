#!/usr/bin/python3
"""scipy reference for bench/correlation.bench.ts: one task on the shared float64 file.

usage: /usr/bin/python3 bench/correlation_ref.py TASK FILE REPS
Prints one JSON line {ms, rss_mb, statistic}: the median of REPS timed runs after one warm-up.
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
from scipy import stats

warnings.simplefilter("ignore")  # kendalltau's variance overflows a 64-bit int with 10^6 tied pairs
task, path, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = np.fromfile(path, dtype=np.float64)
n = data.size // 2
x, y = data[:n], data[n:]
fn = stats.kendalltau if task.startswith("kendall") else stats.spearmanr
res = fn(x, y)
times = []
for _ in range(reps):
    t0 = time.perf_counter()
    res = fn(x, y)
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": float(np.median(times)), "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "statistic": float(res[0])}))
