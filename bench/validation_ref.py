"""NumPy reference for bench/validation.bench.ts: the judge-validation statistics of a nominal
(or, with "level": "ordinal" in meta.json, an ordinal) label table (items x raters, rater 0 the
judge) with an item bootstrap, vectorised.

    python3 bench/validation_ref.py DIR RESAMPLES REPS

DIR/codes.i8 holds int8 codes, items x raters row-major (-1 = missing), DIR/meta.json the shape.
Statistics (the same definitions as judgekit, see src/stats/): Fleiss' observed agreement P-bar,
Krippendorff's alpha (nominal), Fleiss' kappa, Gwet's AC1 on the k categories, Cohen's kappa of
every rater pair, and the judge's kappa against the strict majority of the humans (units with at
least 2 human ratings and a majority). Each resample's statistic is a function of per-item sums,
so all resamples are one matrix product: resample counts (B x n) @ per-item features (n x K),
in chunks of resamples that keep the count matrix near 80 MB. Ordinal level (codes 0..k-1 are
positions on the scale): Krippendorff's alpha ordinal, the quadratic-weighted kappa of every rater
pair, Spearman's rho of the judge against each human and ICC(2,1), ICC(3,1), ICC(2,k), ICC(3,k),
by the same matrix product (the Spearman point values are checked against scipy's, untimed).
Prints one JSON line: the median
time of REPS runs (after loading and one warm-up run), the point values and the 95% percentile intervals.
"""
import json
import sys
import time

import numpy as np


def category_counts(codes, k):
    """How many raters gave each category, per item (n x k)."""
    x = np.zeros((codes.shape[0], k))
    for c in range(k):
        x[:, c] = (codes == c).sum(axis=1)
    return x


def cell_indicators(a, b, k):
    """One column per cell of the k x k table of (a, b): 1 where the item's pair falls in it."""
    ok = (a >= 0) & (b >= 0)
    cell = np.where(ok, a * k + b, -1)
    return [(cell == j).astype(float) for j in range(k * k)]


def resampled(f, stats, resamples, seed):
    """The statistics of all items, then of `resamples` item resamples: counts @ per-item features."""
    n = f.shape[0]
    point = stats(f.sum(axis=0)[None, :])
    rng = np.random.default_rng(seed)
    chunk = max(1, min(resamples, 10_000_000 // n))
    reps = []
    done = 0
    while done < resamples:
        b = min(chunk, resamples - done)
        idx = rng.integers(0, n, size=(b, n))
        w = np.bincount((idx + (np.arange(b) * n)[:, None]).ravel(), minlength=b * n).reshape(b, n).astype(float)
        reps.append(stats(w @ f))
        done += b
    boot = {key: np.concatenate([x[key] for x in reps]) for key in reps[0]}
    return point, boot


def features(codes, k):
    n, r = codes.shape
    x = category_counts(codes, k)
    m = x.sum(axis=1)
    m1 = m >= 1
    m2 = m >= 2
    safe = np.where(m2, m * (m - 1), 1.0)
    cols = [
        m1.astype(float),  # 0 n1
        m2.astype(float),  # 1 n2
        np.where(m2, (x * (x - 1)).sum(axis=1) / safe, 0.0),  # 2 agree
        np.where(m2, m, 0.0),  # 3 alpha n
        np.where(m2, (m * m - (x * x).sum(axis=1)) / np.where(m2, m - 1, 1.0), 0.0),  # 4 alpha observed
    ]
    cols += [np.where(m2, x[:, c], 0.0) for c in range(k)]  # alpha margins
    cols += [np.where(m2, x[:, c] / np.where(m2, m, 1.0), 0.0) for c in range(k)]  # fleiss pi
    cols += [np.where(m1, x[:, c] / np.where(m1, m, 1.0), 0.0) for c in range(k)]  # gwet pi
    conf = []
    pairs = [(i, j) for i in range(r) for j in range(i + 1, r)]
    for i, j in pairs:
        conf += cell_indicators(codes[:, i], codes[:, j], k)
    # the strict majority of the humans (raters 1..r-1), where at least 2 rated and the judge rated
    hx = np.zeros((n, k))
    for c in range(k):
        hx[:, c] = (codes[:, 1:] == c).sum(axis=1)
    hm = hx.sum(axis=1)
    top = hx.argmax(axis=1)
    has = (hm >= 2) & (2 * hx.max(axis=1) > hm) & (codes[:, 0] >= 0)
    majority = np.where(has, top, -1)
    conf += cell_indicators(majority, codes[:, 0], k)
    return np.column_stack(cols + conf), len(pairs)


def statistics(t, k, npairs):
    """Each statistic for every row of totals t (B x K); NaN where undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n1, n2, agree, an, ao = t[:, 0], t[:, 1], t[:, 2], t[:, 3], t[:, 4]
        marg = t[:, 5:5 + k]
        fpi = t[:, 5 + k:5 + 2 * k] / n2[:, None]
        gpi = t[:, 5 + 2 * k:5 + 3 * k] / n1[:, None]
        out = {}
        out["percent_agreement"] = agree / n2
        expected = an * an - (marg * marg).sum(axis=1)
        out["alpha"] = np.where(expected != 0, 1 - (an - 1) * ao / expected, np.nan)
        pa = agree / n2
        pe = (fpi * fpi).sum(axis=1)
        out["fleiss"] = np.where(pe < 1, (pa - pe) / (1 - pe), np.nan)
        ge = (gpi * (1 - gpi)).sum(axis=1) / (k - 1)
        out["ac1"] = np.where(ge != 1, (pa - ge) / (1 - ge), np.nan)
        base = 5 + 3 * k
        kappas = []
        for p in range(npairs + 1):
            c = t[:, base + p * k * k: base + (p + 1) * k * k].reshape(-1, k, k)
            tot = c.sum(axis=(1, 2))
            rows = c.sum(axis=2)
            colsum = c.sum(axis=1)
            po = np.trace(c, axis1=1, axis2=2)
            pe_ = (rows * colsum).sum(axis=1)
            # 1 - observed disagreement / expected disagreement, as kappaFromConfusion
            obs = tot - po
            exp_ = tot * tot - pe_
            kappas.append(np.where(exp_ != 0, 1 - obs * tot / exp_, np.nan))
        out["kappa_pairs"] = np.column_stack(kappas[:npairs])
        out["kappa_majority"] = kappas[npairs]
    return out


def run(codes, k, resamples, seed=20240604):
    f, npairs = features(codes, k)
    return resampled(f, lambda t: statistics(t, k, npairs), resamples, seed)


# ------------------------------------------------------------------------------------------------
# ordinal level: values 0..k-1 (positions on a k-point scale; -1 = missing), rater 0 the judge


def ordinal_features(codes, k):
    """Per-item sums: alpha's margins and coincidences, the six pairwise confusion tables, the judge
    against each human, the ICC's ANOVA sums over complete items."""
    r = codes.shape[1]
    x = category_counts(codes, k)
    m = x.sum(axis=1)
    m2 = m >= 2
    inv = np.where(m2, 1.0 / np.where(m2, m - 1, 1.0), 0.0)
    cols = [np.where(m2, x[:, c], 0.0) for c in range(k)]  # pairable margins
    cols += [x[:, c] * x[:, d] * inv for c in range(k) for d in range(c + 1, k)]  # coincidences c < d

    pairs = [(i, j) for i in range(r) for j in range(i + 1, r)]
    for i, j in pairs:
        cols += cell_indicators(codes[:, i], codes[:, j], k)
    for h in range(1, r):
        cols += cell_indicators(codes[:, 0], codes[:, h], k)
    full = (codes >= 0).all(axis=1)
    v = np.where(full[:, None], codes, 0).astype(float)
    rs = v.sum(axis=1)
    cols += [full.astype(float), rs * rs, (v * v).sum(axis=1)]
    cols += [v[:, j] for j in range(r)]
    return np.column_stack(cols), len(pairs)


def midranks(counts, ones):
    """Average ranks of each scale value from its counts (B x k): below + (count + ones) / 2."""
    return np.cumsum(counts, axis=1) - counts + (counts + ones) / 2


def ordinal_statistics(t, k, r, npairs):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {}
        marg = t[:, :k]
        n = marg.sum(axis=1)
        # ordinal alpha = interval alpha on the mid-ranks of the pairable values
        rank = midranks(marg, 0)
        mean = (marg * rank).sum(axis=1) / n
        expected = 2 * n * (marg * (rank - mean[:, None]) ** 2).sum(axis=1)
        co = t[:, k:k + k * (k - 1) // 2]
        iu, ju = np.triu_indices(k, 1)
        observed = (2 * co * (rank[:, iu] - rank[:, ju]) ** 2).sum(axis=1)
        out["alpha_ordinal"] = np.where(expected != 0, 1 - (n - 1) * observed / expected, np.nan)
        base = k + k * (k - 1) // 2
        pos = np.arange(k)
        w = (pos[:, None] - pos[None, :]) ** 2.0
        kq = []
        for p in range(npairs):
            c = t[:, base + p * k * k: base + (p + 1) * k * k].reshape(-1, k, k)
            tot = c.sum(axis=(1, 2))
            obs = (c * w).sum(axis=(1, 2))
            exp_ = np.einsum("bi,ij,bj->b", c.sum(axis=2), w, c.sum(axis=1))
            kq.append(np.where(exp_ != 0, 1 - obs * tot / exp_, np.nan))
        out["kappa_quadratic_pairs"] = np.column_stack(kq)
        base += npairs * k * k
        sp = []
        for h in range(r - 1):
            c = t[:, base + h * k * k: base + (h + 1) * k * k].reshape(-1, k, k)
            tot = c.sum(axis=(1, 2))
            rows, cols = c.sum(axis=2), c.sum(axis=1)
            mid = ((tot + 1) / 2)[:, None]
            rx = midranks(rows, 1) - mid
            ry = midranks(cols, 1) - mid
            sxy = np.einsum("bi,bij,bj->b", rx, c, ry)
            sxx = (rows * rx * rx).sum(axis=1)
            syy = (cols * ry * ry).sum(axis=1)
            sp.append(np.clip(sxy / (np.sqrt(sxx) * np.sqrt(syy)), -1, 1))
        out["spearman_judge"] = np.column_stack(sp)
        base += (r - 1) * k * k
        # ICC from the two-way ANOVA sums (complete items only)
        nn, a, q = t[:, base], t[:, base + 1], t[:, base + 2]
        cj = t[:, base + 3: base + 3 + r]
        g = cj.sum(axis=1)
        c2 = (cj * cj).sum(axis=1)
        nk = nn * r
        ssr = (nn * a - g * g) / nk
        ssc = (r * c2 - g * g) / nk
        sse = (nk * q - nn * a - r * c2 + g * g) / nk
        msr, msc, mse = ssr / (nn - 1), ssc / (r - 1), sse / ((nn - 1) * (r - 1))
        out["icc"] = np.column_stack([
            (msr - mse) / (msr + (r - 1) * mse + r * (msc - mse) / nn),
            (msr - mse) / (msr + (r - 1) * mse),
            (msr - mse) / (msr + (msc - mse) / nn),
            (msr - mse) / msr,
        ])
    return out


def run_ordinal(codes, k, resamples, seed=20240604):
    f, npairs = ordinal_features(codes, k)
    return resampled(f, lambda t: ordinal_statistics(t, k, codes.shape[1], npairs), resamples, seed)


def check_spearman(codes, point):
    """The vectorised Spearman against scipy's on the full sample (not timed)."""
    from scipy.stats import spearmanr

    for h in range(1, codes.shape[1]):
        ok = (codes[:, 0] >= 0) & (codes[:, h] >= 0)
        rho = spearmanr(codes[ok, 0], codes[ok, h]).statistic
        if abs(rho - point["spearman_judge"][0, h - 1]) > 1e-9:
            raise SystemExit(f"spearman of rater {h}: {point['spearman_judge'][0, h - 1]} vs scipy {rho}")


def interval(x):
    x = x[np.isfinite(x)]
    return [float(np.percentile(x, 2.5)), float(np.percentile(x, 97.5))] if len(x) else [None, None]


def main():
    d, resamples, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    meta = json.load(open(f"{d}/meta.json"))
    codes = np.fromfile(f"{d}/codes.i8", dtype=np.int8).reshape(meta["items"], meta["raters"]).astype(np.int64)
    k = meta["categories"]
    ordinal = meta.get("level", "nominal") == "ordinal"
    go = run_ordinal if ordinal else run
    times = []
    cpu = []
    point, boot = go(codes, k, resamples)  # warm-up, as on the judgekit side
    if ordinal:
        check_spearman(codes, point)
    for _ in range(reps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        point, boot = go(codes, k, resamples)
        cpu.append((time.process_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
    values = {key: (v[0].tolist() if v.ndim == 2 else float(v[0])) for key, v in point.items()}
    ci = {key: (interval(v) if v.ndim == 1 else [interval(v[:, j]) for j in range(v.shape[1])]) for key, v in boot.items()}
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ms": float(np.median(times)), "cpu_ms": float(np.median(cpu)), "rss_mb": rss, "values": values, "ci": ci}))


if __name__ == "__main__":
    main()
