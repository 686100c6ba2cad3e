// The generator's randomness: streams are pure functions of (seed, label, day), and the id
// scrambler never repeats an id.
import { describe, expect, it } from 'vitest';
import { IdScrambler, cumulative, fmix32, rngFor, streamKey } from '../../src/pipeline/sample/rng';
import type { Rng } from '../../src/pipeline/sample/rng';

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.u32());

describe('rngFor', () => {
  it('gives the same stream for the same key and different streams otherwise', () => {
    expect(draw(rngFor(42, 'events', 19844), 8)).toEqual(draw(rngFor(42, 'events', 19844), 8));
    const base = draw(rngFor(42, 'events', 19844), 8);
    expect(draw(rngFor(43, 'events', 19844), 8)).not.toEqual(base);
    expect(draw(rngFor(42, 'arrival', 19844), 8)).not.toEqual(base);
    expect(draw(rngFor(42, 'events', 19845), 8)).not.toEqual(base);
  });

  it('keeps the high half of large seeds', () => {
    expect(streamKey(2 ** 40 + 5, 'x')).not.toBe(streamKey(5, 'x'));
    expect(streamKey(-1, 'x')).not.toBe(streamKey(0xffffffff, 'x'));
  });

  it('draws uniform values in range', () => {
    const rng = rngFor(1, 'uniform');
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const v = rng.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    for (let i = 0; i < 1000; i++) {
      const r = rng.range(3, 5);
      expect([3, 4, 5]).toContain(r);
    }
  });

  it('rounds at random with the right expectation', () => {
    const rng = rngFor(1, 'round');
    let sum = 0;
    for (let i = 0; i < 10000; i++) sum += rng.round(2.3);
    expect(sum / 10000).toBeCloseTo(2.3, 1);
  });

  it('picks by cumulative weight, never an empty slot', () => {
    const rng = rngFor(1, 'weighted');
    const cum = cumulative([1, 0, 3]);
    const hits = [0, 0, 0];
    for (let i = 0; i < 8000; i++) {
      const k = rng.weighted(cum);
      hits[k] = (hits[k] ?? 0) + 1;
    }
    expect(hits[1]).toBe(0);
    expect((hits[2] ?? 0) / 8000).toBeCloseTo(0.75, 1);
    expect(rng.weighted(cum, 1)).toBe(0);
  });
});

describe('IdScrambler', () => {
  it('gives 16 hex chars, unique across namespaces, days and indexes', () => {
    const ids = new IdScrambler(42);
    const seen = new Set<string>();
    for (const ns of [1, 2, 5])
      for (let day = 19840; day < 19850; day++) for (let i = 0; i < 3000; i++) seen.add(ids.hex(ns, day, i));
    expect(seen.size).toBe(3 * 10 * 3000);
    for (const id of [...seen].slice(0, 50)) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('depends on the seed', () => {
    expect(new IdScrambler(1).hex(1, 19844, 0)).not.toBe(new IdScrambler(2).hex(1, 19844, 0));
  });

  it('uses a bijective mixer', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100000; i++) seen.add(fmix32(i));
    expect(seen.size).toBe(100000);
  });
});
