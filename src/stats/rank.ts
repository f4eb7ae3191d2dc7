/**
 * Average ranks, 1 = the largest value, ties sharing the mean of their positions (pandas
 * `rank(ascending=False)`); a non-finite value gets no rank (NaN) and does not count.
 */
export function ranksDescending(v: readonly number[]): number[] {
  const idx = v.map((x, i) => [x, i] as const).filter(([x]) => Number.isFinite(x));
  idx.sort((p, q) => q[0] - p[0]);
  const out = new Array<number>(v.length).fill(NaN);
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && idx[e + 1]![0] === idx[s]![0]) e++;
    const r = (s + e) / 2 + 1;
    for (let k = s; k <= e; k++) out[idx[k]![1]] = r;
    s = e + 1;
  }
  return out;
}
