#!/usr/bin/python3
"""numpy / sklearn references for bench/agreement.bench.ts (run by it; not on its own).

    /usr/bin/python3 bench/agreement_ref.py TASK DATA_DIR [--quick]

TASK: alpha_nominal | alpha_ordinal | alpha_interval | alpha_ratio | kappa_boot | kappa_boot_sklearn.
Reads the float64 files written by the TypeScript side (NaN = missing), times the task (median of
several runs after a warm-up) and prints one JSON line: {ms, rss_mb, value, ci?, note?}.

Krippendorff's alpha is the usual vectorised coincidence-matrix computation (as in the PyPI
`krippendorff` package): value counts per unit by np.bincount, o = (counts / (m_u - 1))^T counts
minus its diagonal excess, then a k x k delta matrix per level. The kappa bootstrap counts the
confusion matrix of every resample with one np.bincount over (resample, pair code), in chunks.
"""
import json
import os
import resource
import sys
import time

import numpy as np


def median_time(fn, reps, warm):
    out = fn()
    for _ in range(warm - 1):
        out = fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        ts.append((time.perf_counter() - t0) * 1000)
    return sorted(ts)[len(ts) // 2], out


def alpha(m, level):
    valid = ~np.isnan(m)
    mu = valid.sum(1)
    keep = mu >= 2
    m, valid, mu = m[keep], valid[keep], mu[keep]
    vals = m[valid]
    values, codes = np.unique(vals, return_inverse=True)
    k = len(values)
    units = np.repeat(np.arange(m.shape[0]), mu)
    counts = np.bincount(units * k + codes, minlength=m.shape[0] * k).reshape(-1, k).astype(float)
    scaled = counts / (mu - 1)[:, None]
    o = scaled.T @ counts - np.diag(scaled.sum(0))
    nc = o.sum(0)
    n = nc.sum()
    if level == "nominal":
        d = 1.0 - np.eye(k)
    elif level == "interval":
        d = (values[:, None] - values[None, :]) ** 2
    elif level == "ratio":
        s = values[:, None] + values[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(s == 0, 0.0, ((values[:, None] - values[None, :]) / s) ** 2)
    elif level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(nc)])
        lo = np.minimum.outer(np.arange(k), np.arange(k))
        hi = np.maximum.outer(np.arange(k), np.arange(k))
        d = (cum[hi + 1] - cum[lo] - (nc[:, None] + nc[None, :]) / 2.0) ** 2
    else:
        raise ValueError(level)
    return 1.0 - (n - 1) * (o * d).sum() / (np.outer(nc, nc) * d).sum()


def kappa_counts(counts, n):
    """Unweighted kappa of a stack of k x k confusion matrices, all over n pairs."""
    rows = counts.sum(2)
    cols = counts.sum(1)
    po = np.trace(counts, axis1=1, axis2=2) / n
    pe = (rows * cols).sum(1) / (n * n)
    return (po - pe) / (1 - pe)


def kappa_boot(a, b, resamples, seed, chunk=100):
    cats, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
    k = len(cats)
    n = len(a)
    pc = codes[:n] * k + codes[n:]
    full = np.bincount(pc, minlength=k * k).reshape(1, k, k)
    point = kappa_counts(full, n)[0]
    rng = np.random.default_rng(seed)
    reps = np.empty(resamples)
    offsets = (np.arange(chunk) * k * k)[:, None]
    for s in range(0, resamples, chunk):
        c = min(chunk, resamples - s)
        idx = rng.integers(0, n, size=(c, n))
        flat = (pc[idx] + offsets[:c]).ravel()
        counts = np.bincount(flat, minlength=c * k * k).reshape(c, k, k)
        reps[s:s + c] = kappa_counts(counts, n)
    reps = reps[np.isfinite(reps)]
    lo, hi = np.percentile(reps, [2.5, 97.5])
    return point, lo, hi


def kappa_boot_sklearn(a, b, resamples, seed):
    from sklearn.metrics import cohen_kappa_score
    n = len(a)
    point = cohen_kappa_score(a, b)
    rng = np.random.default_rng(seed)
    reps = np.empty(resamples)
    for r in range(resamples):
        idx = rng.integers(0, n, size=n)
        reps[r] = cohen_kappa_score(a[idx], b[idx])
    lo, hi = np.percentile(reps, [2.5, 97.5])
    return point, lo, hi


def main():
    task, data = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv
    meta = json.load(open(os.path.join(data, "meta.json")))
    out = {}
    if task.startswith("alpha_"):
        m = np.fromfile(os.path.join(data, "alpha.f64"), dtype="<f8").reshape(meta["items"], meta["raters"])
        ms, value = median_time(lambda: alpha(m, task[6:]), 3 if quick else 7, 3)
        out = {"ms": ms, "value": float(value)}
    else:
        a = np.fromfile(os.path.join(data, "kappa_a.f64"), dtype="<f8")
        b = np.fromfile(os.path.join(data, "kappa_b.f64"), dtype="<f8")
        resamples, seed = meta["resamples"], meta["seed"]
        if task == "kappa_boot":
            ms, (point, lo, hi) = median_time(lambda: kappa_boot(a, b, resamples, seed), 1 if quick else 3, 1)
            out = {"ms": ms, "value": float(point), "ci": [float(lo), float(hi)]}
        elif task == "kappa_boot_sklearn":
            # Timed once, on all resamples (a loop of cohen_kappa_score calls); --quick times 200 and scales.
            r = 200 if quick else resamples
            t0 = time.perf_counter()
            point, lo, hi = kappa_boot_sklearn(a, b, r, seed)
            ms = (time.perf_counter() - t0) * 1000 * resamples / r
            out = {"ms": ms, "value": float(point), "ci": [float(lo), float(hi)], "note": "sklearn loop" + (", ×10 from 200" if quick else "")}
        else:
            raise SystemExit(f"unknown task {task}")
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
