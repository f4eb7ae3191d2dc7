import { describe, expect, it } from 'vitest';
import { bradleyTerry, winGraphComponents, type PairCounts } from '../../src/stats/bradley-terry.ts';
import { Rng } from '../../src/stats/random.ts';

/** Strongly connected components by the definition: i and j reach each other (BFS from each model). */
function componentsByDefinition(n: number, pairs: readonly PairCounts[]): number {
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const p of pairs) {
    if (p.wins_i > 0 || p.ties > 0) out[p.i]!.push(p.j);
    if (p.wins_j > 0 || p.ties > 0) out[p.j]!.push(p.i);
  }
  const reach = Array.from({ length: n }, (_, s) => {
    const seen = new Set([s]);
    const todo = [s];
    while (todo.length) for (const t of out[todo.pop()!]!) if (!seen.has(t)) (seen.add(t), todo.push(t));
    return seen;
  });
  const comp = new Array<number>(n).fill(-1);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (comp[i] !== -1) continue;
    for (let j = 0; j < n; j++) if (reach[i]!.has(j) && reach[j]!.has(i)) comp[j] = c;
    c++;
  }
  return c;
}

describe('Bradley–Terry at arena scale (more models than one 32-bit word of the closure)', () => {
  it('winGraphComponents counts strongly connected components like the definition, n = 1..70', () => {
    const rng = new Rng(4);
    for (const n of [1, 2, 31, 32, 33, 64, 65, 70]) {
      for (const density of [0.02, 0.05, 0.3]) {
        const pairs: PairCounts[] = [];
        for (let i = 0; i < n; i++)
          for (let j = i + 1; j < n; j++)
            if (rng.next() < density) pairs.push({ i, j, wins_i: rng.next() < 0.6 ? 1 : 0, wins_j: rng.next() < 0.6 ? 1 : 0, ties: rng.next() < 0.1 ? 1 : 0 });
        expect(winGraphComponents(n, pairs)).toBe(componentsByDefinition(n, pairs));
      }
    }
  });

  it('fits 100 models to a zero gradient: Σ_j n_ij·P(i beats j) = wins_i (half-ties) for every model', () => {
    const rng = new Rng(8);
    const M = 100;
    const s = Array.from({ length: M }, () => 3 * rng.next());
    const pairs: PairCounts[] = [];
    for (let i = 0; i < M; i++)
      for (let j = i + 1; j < M; j++) {
        const p = { i, j, wins_i: 0, wins_j: 0, ties: 0 };
        for (let k = 0; k < 20; k++) {
          const u = rng.next();
          const pi = 1 / (1 + Math.exp(s[j]! - s[i]!));
          if (u < 0.1) p.ties++;
          else if (rng.next() < pi) p.wins_i++;
          else p.wins_j++;
        }
        pairs.push(p);
      }
    const fit = bradleyTerry(M, pairs);
    expect(fit.converged).toBe(true);
    expect(fit.components).toBe(1);
    const expected = new Float64Array(M);
    const observed = new Float64Array(M);
    for (const p of pairs) {
      const n = p.wins_i + p.wins_j + p.ties;
      const pi = 1 / (1 + Math.exp(fit.log_strength[p.j]! - fit.log_strength[p.i]!));
      expected[p.i]! += n * pi;
      expected[p.j]! += n * (1 - pi);
      observed[p.i]! += p.wins_i + p.ties / 2;
      observed[p.j]! += p.wins_j + p.ties / 2;
    }
    for (let i = 0; i < M; i++) expect(Math.abs(expected[i]! - observed[i]!)).toBeLessThan(1e-8);
    expect(Math.abs(fit.log_strength.reduce((a, b) => a + b, 0))).toBeLessThan(1e-10);
  });
});
