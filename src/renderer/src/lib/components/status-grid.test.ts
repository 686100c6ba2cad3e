// The status grid's header and legend data, checked against the platform's own calendar
// (Intl month names, Date weekdays) and a plain tally.
import { describe, expect, it } from 'vitest';
import { addDays } from './date-range';
import { countStatuses, isWeekend, monthSpans } from './status-grid';
import type { GridRow } from './status-grid';

const days = Array.from({ length: 70 }, (_, i) => addDays('2024-11-20', i));
const intlMonth = (d: string): string =>
  new Date(`${d}T00:00:00Z`).toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });

describe('status grid data', () => {
  it('groups days into month spans labelled as Intl names them', () => {
    const spans = monthSpans(days);
    expect(spans.reduce((n, s) => n + s.span, 0)).toBe(days.length);
    const expanded = spans.flatMap((s) => Array.from({ length: s.span }, () => s.label));
    expect(expanded).toEqual(days.map(intlMonth));
    expect(spans.map((s) => s.label)).toEqual(['Nov 2024', 'Dec 2024', 'Jan 2025']);
  });

  it('marks Saturdays and Sundays as weekend', () => {
    for (const d of days) expect(isWeekend(d)).toBe([0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
  });

  it('counts a table model once and a partitioned model per day', () => {
    const rows: GridRow[] = [
      { name: 'a', materialized: 'table', cells: [], whole: 'done' },
      { name: 'b', materialized: 'partitioned', cells: ['done', 'stale', 'failed', 'failed'], whole: null },
    ];
    expect(countStatuses(rows)).toEqual({ done: 2, stale: 1, missing: 0, failed: 2, running: 0, queued: 0 });
  });
});
