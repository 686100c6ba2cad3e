// The data behind the partition status grid: its row and status types, the legend's order and
// counts, and the month spans and weekends of its day header. Pure functions of the rows and
// days, so StatusGrid.svelte keeps only layout and keyboard focus.

import { monthOf, weekday } from './date-range';

export type GridStatus = 'done' | 'stale' | 'missing' | 'failed' | 'running' | 'queued';

export interface GridRow {
  name: string;
  materialized: string;
  /** One status per day, aligned with `days`; empty for table models. */
  cells: GridStatus[];
  /** The whole table's status for table models. */
  whole: GridStatus | null;
}

export const STATUS_ORDER: GridStatus[] = ['done', 'stale', 'missing', 'failed', 'running', 'queued'];

/** How many cells (a table model's wide cell counts once) are in each state. */
export function countStatuses(rows: GridRow[]): Record<GridStatus, number> {
  const c: Record<GridStatus, number> = { done: 0, stale: 0, missing: 0, failed: 0, running: 0, queued: 0 };
  for (const r of rows) {
    if (r.whole !== null) c[r.whole] += 1;
    for (const s of r.cells) c[s] += 1;
  }
  return c;
}

const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Consecutive days grouped by month ("May 2024"), with how many day columns each spans. */
export function monthSpans(days: string[]): { label: string; span: number }[] {
  const out: { label: string; span: number }[] = [];
  for (const d of days) {
    const m = monthOf(d);
    const label = `${SHORT_MONTHS[Number(m.slice(5, 7)) - 1] ?? '?'} ${m.slice(0, 4)}`;
    const last = out[out.length - 1];
    if (last && last.label === label) last.span += 1;
    else out.push({ label, span: 1 });
  }
  return out;
}

export const isWeekend = (day: string): boolean => weekday(day) >= 5;
