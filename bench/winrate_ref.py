"""NumPy reference for bench/winrate.bench.ts: win ratios and Bradley-Terry strengths (ties as
half-wins) of pairwise verdicts, with an item bootstrap, the way a NumPy user would write it.

    python3 bench/winrate_ref.py DIR RESAMPLES SEED

DIR/item.i32, DIR/a.u8, DIR/b.u8, DIR/outcome.u8 hold one verdict per position (model a < b; outcome
0 a wins, 1 b wins, 2 tie), DIR/meta.json the number of items and models. Per resample: draw n
items with replacement, count how often each item is drawn (bincount), weight every verdict by
its item's count and add up the per-pair (win a, win b, tie) table (one weighted bincount), then
read each model's win ratio (wins + ties/2) / n from the table and fit Bradley-Terry on the
M x M table of half-win counts by Hunter's (2004) MM algorithm, iterated until the largest change
of a log-strength is below 1e-13; the ranks come from the strengths. Every statistic gets its 95%
percentile interval. Prints one JSON line: wall and CPU time of the whole computation (after
loading), peak RSS, and the point values (win ratios, centred log-strengths) for the comparison.
"""
import json
import resource
import sys
import time

import numpy as np
from scipy.stats import rankdata


def bt_mm(wins, tol=1e-13, max_iter=100000):
    """wins[i, j] = (half-)wins of i over j. Returns centred log-strengths (sum 0)."""
    n = wins + wins.T
    w = wins.sum(axis=1)
    p = np.ones(wins.shape[0])
    for _ in range(max_iter):
        denom = (n / (p[:, None] + p[None, :])).sum(axis=1)
        new = w / denom
        new /= np.exp(np.log(new).mean())
        done = np.max(np.abs(np.log(new) - np.log(p))) < tol
        p = new
        if done:
            break
    lp = np.log(p)
    return lp - lp.mean()


def stats(table, m):
    """Win ratios, log-strengths and ranks from a (M*M*3) count table."""
    t = table.reshape(m, m, 3)
    wa, wb, ti = t[:, :, 0], t[:, :, 1], t[:, :, 2]
    wins = wa + wb.T  # wins[i, j]: i beat j (either orientation)
    ties = ti + ti.T
    n = wins + wins.T + ties
    wr = (wins.sum(axis=1) + ties.sum(axis=1) / 2) / n.sum(axis=1)
    half = wins + ties / 2
    bt = bt_mm(half)
    rank = rankdata(-bt)
    return wr, bt, rank


def main():
    d, resamples, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    meta = json.load(open(f"{d}/meta.json"))
    n_items, m = meta["items"], meta["models"]
    item = np.fromfile(f"{d}/item.i32", dtype=np.int32)
    a = np.fromfile(f"{d}/a.u8", dtype=np.uint8).astype(np.int64)
    b = np.fromfile(f"{d}/b.u8", dtype=np.uint8).astype(np.int64)
    o = np.fromfile(f"{d}/outcome.u8", dtype=np.uint8).astype(np.int64)
    t0, c0 = time.perf_counter(), time.process_time()
    cell = (a * m + b) * 3 + o
    size = m * m * 3
    wr0, bt0, rank0 = stats(np.bincount(cell, minlength=size).astype(float), m)
    rng = np.random.default_rng(seed)
    reps = np.empty((resamples, 3 * m))
    for r in range(resamples):
        w = np.bincount(rng.integers(0, n_items, n_items), minlength=n_items)
        table = np.bincount(cell, weights=w[item], minlength=size)
        wr, bt, rank = stats(table, m)
        reps[r] = np.concatenate([wr, bt, rank])
    lo, hi = np.percentile(reps, [2.5, 97.5], axis=0)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({
        "ms": wall * 1000,
        "cpu_ms": cpu * 1000,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "win_ratio": wr0.tolist(),
        "bt": bt0.tolist(),
        "bt_ci_width_mean": float((hi - lo)[m:2 * m].mean()),
    }))


main()
