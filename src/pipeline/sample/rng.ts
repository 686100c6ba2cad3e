// Seeded randomness for the sample generator: sfc32 streams keyed by (seed, label, day),
// so every day's data is a pure function of that key and never of a running state, and a
// bijective id scrambler so generated ids are unique by construction, not by luck.
// Nothing in the generator may use Math.random or a clock for data.

const TWO_POW_32 = 4294967296;

/** murmur3's finaliser: a bijection on 32-bit integers with good avalanche. */
export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixString(start: number, s: string): number {
  let h = start >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A 32-bit key for (seed, label, day); seeds beyond 32 bits keep their high half. */
export function streamKey(seed: number, label: string, day = 0): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  let h = fmix32(lo ^ 0x2545f491);
  h = fmix32(h ^ Math.imul(hi, 0x9e3779b1));
  h = mixString(h ^ 0x811c9dc5, label);
  return fmix32(h ^ Math.imul(day >>> 0, 0x27d4eb2f));
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): fast, 128-bit state. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(key: number) {
    this.a = key >>> 0;
    this.b = fmix32(key ^ 0x9e3779b9);
    this.c = fmix32(key ^ 0x7f4a7c15);
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const v = items[this.int(items.length)];
    if (v === undefined) throw new Error('Rng.pick: empty list');
    return v;
  }

  /** Standard normal (Box–Muller; one value per call keeps the stream simple to reason about). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Rounds x up or down at random so that the expected value is x (counts at fractional rates). */
  round(x: number): number {
    const f = Math.floor(x);
    return f + (this.next() < x - f ? 1 : 0);
  }

  /** Index drawn from cumulative weights cum[0..n) (n defaults to all), by binary search. */
  weighted(cum: ArrayLike<number>, n = cum.length): number {
    const total = n > 0 ? (cum[n - 1] ?? 0) : 0;
    const target = this.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cum[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

export function rngFor(seed: number, label: string, day = 0): Rng {
  return new Rng(streamKey(seed, label, day));
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}

const HEX8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/**
 * 16 hex chars that are distinct for distinct (namespace, day, index) under one seed: lo is a
 * bijection of index, and for a fixed lo, hi is a bijection of (namespace, day). Requires
 * namespace < 256, day < 2^24 and index < 2^32.
 */
export class IdScrambler {
  private readonly k1: number;
  private readonly k2: number;
  private readonly k3: number;

  constructor(seed: number) {
    this.k1 = streamKey(seed, 'id-k1');
    this.k2 = streamKey(seed, 'id-k2');
    this.k3 = streamKey(seed, 'id-k3');
  }

  hex(namespace: number, day: number, index: number): string {
    const lo = fmix32((index ^ this.k1) >>> 0);
    const hi =
      (fmix32((((namespace & 0xff) << 24) | (day & 0xffffff)) ^ this.k2) ^ fmix32(lo ^ this.k3)) >>> 0;
    return HEX8(hi) + HEX8(lo);
  }
}
