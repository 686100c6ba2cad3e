// A run plan in the words the Backfill panel shows: per model, how many
// partitions and why (missing, stale, failed, requested), and which days as
// compact ranges ("May 1 – 3, 2024"). Pure, so it is unit-tested.

import type { RunRequestData } from '../../../../shared/contract';
import type { RunPlan, TaskReason } from '../../../../shared/runs';
import { addDays, describeRange } from '../../lib/components/date-range';
import type { DayRange } from '../../lib/components/date-range';

export interface PlanGroup {
  model: string;
  count: number;
  reasons: { reason: TaskReason; count: number }[];
  /** The days in words; "whole table" for table models. */
  days: string;
}

const REASON_ORDER: TaskReason[] = ['missing', 'stale', 'failed', 'requested'];

/** Consecutive days merged into inclusive ranges; input need not be sorted. */
export function toRanges(days: string[]): DayRange[] {
  const sorted = [...new Set(days)].sort();
  const out: DayRange[] = [];
  for (const d of sorted) {
    const last = out[out.length - 1];
    if (last && addDays(last.to, 1) === d) last.to = d;
    else out.push({ from: d, to: d });
  }
  return out;
}

export function describeDays(days: string[]): string {
  const ranges = toRanges(days);
  if (ranges.length === 0) return '';
  if (ranges.length <= 3) return ranges.map(describeRange).join(', ');
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  if (!first || !last) return '';
  return `${days.length} days in ${ranges.length} stretches, ${describeRange({ from: first.from, to: last.to })}`;
}

/** Groups tasks by model in plan order (the DAG order the runner will follow). */
export function groupPlan(plan: RunPlan): PlanGroup[] {
  const byModel = new Map<string, { days: string[]; whole: boolean; reasons: Map<TaskReason, number> }>();
  for (const t of plan.tasks) {
    let g = byModel.get(t.model);
    if (!g) {
      g = { days: [], whole: false, reasons: new Map() };
      byModel.set(t.model, g);
    }
    if (t.partition === null) g.whole = true;
    else g.days.push(t.partition);
    g.reasons.set(t.reason, (g.reasons.get(t.reason) ?? 0) + 1);
  }
  return [...byModel.entries()].map(([model, g]) => ({
    model,
    count: g.days.length + (g.whole ? 1 : 0),
    reasons: REASON_ORDER.filter((r) => g.reasons.has(r)).map((r) => ({
      reason: r,
      count: g.reasons.get(r) ?? 0,
    })),
    days: g.whole ? 'whole table' : describeDays(g.days),
  }));
}

/** "backfill fct_a, fct_b (+ downstream) May 1 – 3, 2024 · 6 partitions". */
export function requestWords(r: RunRequestData, tasks: number | null): string {
  const models = r.models && r.models.length > 0 ? r.models.join(', ') : 'every model';
  const down = r.withDownstream ? ' (+ downstream)' : '';
  const days = r.from && r.to ? ` ${describeRange({ from: r.from, to: r.to })}` : '';
  const n = tasks === null ? '' : ` · ${tasks} partition${tasks === 1 ? '' : 's'}`;
  return `${r.kind === 'backfill' ? 'Backfill' : 'Run'} ${models}${down}${days}${n}`;
}
