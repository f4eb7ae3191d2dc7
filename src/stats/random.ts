/**
 * A small, fast, seedable pseudo-random generator (xoshiro128**, seeded through splitmix32).
 * Every random choice in judgekit goes through one of these, so a seed reproduces a run exactly
 * on any machine. The state lives in an Int32Array and the bulk methods (`fillInt`,
 * `countDraws`) keep it in local integers inside their loops: a bootstrap draws millions of
 * numbers, and per-call property access made it several times slower than numpy.
 */
export class Rng {
  private readonly s = new Int32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    const split = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = split() | 0;
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** A generator at a given raw xoshiro128** state (for checking against the reference stream). */
  static fromState(state: readonly [number, number, number, number]): Rng {
    const r = new Rng(0);
    for (let i = 0; i < 4; i++) r.s[i] = state[i]! | 0;
    return r;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
    const x = Math.imul(b, 5);
    const r = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    s[0] = a; s[1] = b; s[2] = c; s[3] = d;
    return r;
  }

  /** A uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.nextU32() / 4294967296) * n);
  }

  /** Fills `out` with uniform integers in [0, n): the same numbers as `out.length` calls of `int(n)`. */
  fillInt(out: Uint32Array | Int32Array, n: number): void {
    const s = this.s;
    let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
    for (let i = 0; i < out.length; i++) {
      const x = Math.imul(b, 5);
      const r = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      out[i] = Math.floor((r / 4294967296) * n);
    }
    s[0] = a; s[1] = b; s[2] = c; s[3] = d;
  }

  /**
   * One bootstrap resample as counts: for i in 0..n−1 (n = keys.length), counts[keys[int(n)]] += 1.
   * Draws the same numbers as n calls of `int(n)`.
   */
  countDraws(keys: ArrayLike<number>, counts: Float64Array | Uint32Array | Int32Array): void {
    const s = this.s;
    const n = keys.length;
    let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
    for (let i = 0; i < n; i++) {
      const x = Math.imul(b, 5);
      const r = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      counts[keys[Math.floor((r / 4294967296) * n)]!]!++;
    }
    s[0] = a; s[1] = b; s[2] = c; s[3] = d;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i]!;
      xs[i] = xs[j]!;
      xs[j] = t;
    }
    return xs;
  }
}
