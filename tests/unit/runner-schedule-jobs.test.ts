// Batching of partition tasks: the memory limit caps how many partitions share
// one COPY, and batches are split so that `concurrency` of them run side by side.
import { describe, expect, it } from 'vitest';
import { bytesOf, groupJobs, memoryBatchCap } from '../../src/pipeline/runner/schedule-jobs';
import type { Model } from '../../src/pipeline';

describe('memory', () => {
  it.each([
    ['1.8 GiB', 1.8 * 1024 ** 3],
    ['512.0 MiB', 512 * 1024 ** 2],
    ['9 GB', 9 * 1024 ** 3],
    ['', Infinity],
    ['lots', Infinity],
  ])('%s is %d bytes', (text, bytes) => expect(bytesOf(text)).toBeCloseTo(bytes));

  it('caps a batch at about 256 MB per partition and concurrent batch', () => {
    expect(memoryBatchCap('1.8 GiB', 2)).toBe(3);
    expect(memoryBatchCap('9.0 GiB', 2)).toBe(18);
    expect(memoryBatchCap('100 MiB', 2)).toBe(1);
    expect(memoryBatchCap(undefined, 2)).toBe(32);
  });
});

describe('groupJobs', () => {
  const model = (name: string): Model => ({ name }) as Model;
  interface TestJob {
    key: string;
    model?: Model;
  }
  const jobs: TestJob[] = [
    { key: 'raw' },
    ...Array.from({ length: 5 }, (_, i) => ({ key: `a${i}`, model: model('a') })),
    { key: 'dim' },
    ...Array.from({ length: 2 }, (_, i) => ({ key: `b${i}`, model: model('b') })),
  ];
  const keys = (g: (TestJob | TestJob[])[]): unknown[] =>
    g.map((x) => (Array.isArray(x) ? x.map((j) => j.key) : x.key));

  it('keeps plan order, splitting each model into at least `concurrency` batches', () => {
    expect(keys(groupJobs(jobs, 32, 2))).toEqual([
      'raw',
      ['a0', 'a1', 'a2'],
      ['a3', 'a4'],
      'dim',
      'b0',
      'b1',
    ]);
    expect(keys(groupJobs(jobs, 2, 1))).toEqual([
      'raw',
      ['a0', 'a1'],
      ['a2', 'a3'],
      'a4',
      'dim',
      ['b0', 'b1'],
    ]);
  });

  it('batch size 1 runs every task alone', () => {
    expect(keys(groupJobs(jobs, 1, 2))).toEqual(jobs.map((j) => j.key));
  });
});
