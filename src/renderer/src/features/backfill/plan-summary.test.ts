// The Backfill panel's plan summary: grouping, reasons and day ranges.
import { describe, expect, it } from 'vitest';
import { describeDays, groupPlan, requestWords, toRanges } from './plan-summary';

const zero = { done: 0, stale: 0, missing: 0, failed: 0, running: 0 };

describe('plan-summary', () => {
  it('merges consecutive days across month ends', () => {
    expect(toRanges(['2024-05-02', '2024-04-30', '2024-05-01', '2024-05-05'])).toEqual([
      { from: '2024-04-30', to: '2024-05-02' },
      { from: '2024-05-05', to: '2024-05-05' },
    ]);
    expect(describeDays(['2024-05-01', '2024-05-02', '2024-05-03'])).toBe('May 1 – 3, 2024');
    expect(describeDays(['2024-05-01', '2024-05-03', '2024-05-05', '2024-05-07'])).toBe(
      '4 days in 4 stretches, May 1 – 7, 2024',
    );
  });

  it('groups tasks by model in plan order with reasons counted', () => {
    const groups = groupPlan({
      tasks: [
        { model: 'stg', partition: '2024-05-01', reason: 'missing' },
        { model: 'stg', partition: '2024-05-02', reason: 'requested' },
        { model: 'stg', partition: '2024-05-03', reason: 'stale' },
        { model: 'dim', partition: null, reason: 'requested' },
        { model: 'fct', partition: '2024-05-01', reason: 'failed' },
      ],
      summary: { stg: zero, dim: zero, fct: zero },
    });
    expect(groups).toEqual([
      {
        model: 'stg',
        count: 3,
        reasons: [
          { reason: 'missing', count: 1 },
          { reason: 'stale', count: 1 },
          { reason: 'requested', count: 1 },
        ],
        days: 'May 1 – 3, 2024',
      },
      { model: 'dim', count: 1, reasons: [{ reason: 'requested', count: 1 }], days: 'whole table' },
      { model: 'fct', count: 1, reasons: [{ reason: 'failed', count: 1 }], days: 'May 1, 2024' },
    ]);
  });

  it('puts a request in words', () => {
    expect(
      requestWords(
        { kind: 'backfill', models: ['a', 'b'], withDownstream: true, from: '2024-05-01', to: '2024-05-03' },
        6,
      ),
    ).toBe('Backfill a, b (+ downstream) May 1 – 3, 2024 · 6 partitions');
    expect(requestWords({ kind: 'run' }, null)).toBe('Run every model');
  });
});
