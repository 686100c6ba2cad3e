// The date-range picker's calendar arithmetic, checked against Date's own UTC
// calendar (an independent computation) and hand-picked edge cases.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  daysOf,
  describeRange,
  diffDays,
  isDay,
  monthGrid,
  ordered,
  presets,
  rangeLength,
  weekday,
} from '../../src/renderer/src/lib/components/date-range';

describe('date-range', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2024-13-01', false],
    ['2024-04-31', false],
    ['2024-5-1', false],
    [' 2024-05-01 ', true],
    ['', false],
  ])('isDay(%j) is %s', (text, ok) => {
    expect(isDay(text)).toBe(ok);
  });

  it('adds days across month, year and leap-day boundaries like Date.UTC does', () => {
    for (const [day, n] of [
      ['2024-02-28', 1],
      ['2024-02-28', 2],
      ['2023-12-31', 1],
      ['2024-03-01', -1],
      ['2024-05-01', 400],
      ['2024-05-01', -400],
    ] as const) {
      const [y, m, d] = day.split('-').map(Number);
      const expected = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + n)).toISOString().slice(0, 10);
      expect(addDays(day, n)).toBe(expected);
      expect(diffDays(day, expected)).toBe(n);
    }
    expect(() => addDays('nope', 1)).toThrow(/Not a day/);
  });

  it('counts inclusive ranges and orders reversed picks', () => {
    expect(rangeLength({ from: '2024-05-01', to: '2024-05-03' })).toBe(3);
    expect(rangeLength({ from: '2024-05-03', to: '2024-05-01' })).toBe(0);
    expect(rangeLength({ from: 'x', to: '2024-05-01' })).toBe(0);
    expect(ordered('2024-05-03', '2024-05-01')).toEqual({ from: '2024-05-01', to: '2024-05-03' });
    expect(daysOf({ from: '2024-02-28', to: '2024-03-01' })).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
  });

  it('lays out months Monday-first with every day exactly once', () => {
    for (const month of ['2024-05-01', '2024-02-01', '2023-02-01', '2024-09-01', '2021-02-01']) {
      const weeks = monthGrid(month);
      const days = weeks.flat().filter((d): d is string => d !== null);
      const next = addMonths(month, 1);
      expect(days).toEqual(daysOf({ from: month, to: addDays(next, -1) }));
      for (const w of weeks) expect(w).toHaveLength(7);
      // Each day sits in the column of its weekday (Date.getUTCDay: Sunday = 0).
      for (const w of weeks)
        w.forEach((d, col) => {
          if (d !== null) expect((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7).toBe(col);
        });
    }
    expect(weekday('2024-05-01')).toBe(2); // a Wednesday
    expect(addMonths('2024-01-01', -1)).toBe('2023-12-01');
    expect(addMonths('2024-12-01', 1)).toBe('2025-01-01');
  });

  it('offers presets ending on the last day, clipped to the first', () => {
    const p = presets('2024-05-10', '2024-05-05');
    const byLabel = new Map(p.map((x) => [x.label, x.range]));
    expect(byLabel.get('Last 3 days')).toEqual({ from: '2024-05-08', to: '2024-05-10' });
    expect(byLabel.get('Last 7 days')).toEqual({ from: '2024-05-05', to: '2024-05-10' });
    expect(byLabel.get('Everything')).toEqual({ from: '2024-05-05', to: '2024-05-10' });
    // The previous month lies wholly before the first day: no such preset.
    expect(byLabel.has('Previous month')).toBe(false);
    expect(presets('2024-03-15', null).find((x) => x.label === 'Previous month')?.range).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    });
  });

  it('describes ranges briefly', () => {
    expect(describeRange({ from: '2024-05-01', to: '2024-05-03' })).toBe('May 1 – 3, 2024');
    expect(describeRange({ from: '2024-04-29', to: '2024-05-02' })).toBe('Apr 29 – May 2, 2024');
    expect(describeRange({ from: '2023-12-30', to: '2024-01-02' })).toBe('Dec 30, 2023 – Jan 2, 2024');
    expect(describeRange({ from: '2024-05-01', to: '2024-05-01' })).toBe('May 1, 2024');
  });
});
