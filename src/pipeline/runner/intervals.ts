// Dates and half-open intervals of days. All work is [start, end) in UTC days
// ('YYYY-MM-DD'); user-facing inclusive ranges (--from … --to) become intervals
// in exactly one function, `fromInclusive`, so the off-by-one lives nowhere else.

import { UsageError } from '../errors';

export interface Interval {
  /** First day, inclusive. */
  start: string;
  /** First day after the interval (exclusive). */
  end: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** `--from 2024-05-01 --to 2024-05-03` (both included) → [2024-05-01, 2024-05-04). */
export function fromInclusive(from: string, to: string): Interval {
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isDate(v)) throw new UsageError(`--${name} must be a date like 2024-05-01 (got ${v}).`);
  }
  if (to < from)
    throw new UsageError(`--to (${to}) is before --from (${from}); the range is inclusive at both ends.`);
  return { start: from, end: addDays(to, 1) };
}

/** The inclusive last day, for messages: [05-01, 05-04) → '2024-05-03'. */
export function lastDay(i: Interval): string {
  return addDays(i.end, -1);
}

export function dayInterval(day: string): Interval {
  return { start: day, end: addDays(day, 1) };
}

export function isEmpty(i: Interval): boolean {
  return i.end <= i.start;
}

/** Every day in the interval, ascending. */
export function days(i: Interval): string[] {
  const out: string[] = [];
  for (let d = i.start; d < i.end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Sorted, non-overlapping, with touching intervals joined. */
export function merge(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals
    .filter((i) => !isEmpty(i))
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      if (i.end > last.end) last.end = i.end;
    } else out.push({ ...i });
  }
  return out;
}

/** The parts of `a` not covered by any of `b`. */
export function subtract(a: Interval, b: readonly Interval[]): Interval[] {
  let parts: Interval[] = isEmpty(a) ? [] : [{ ...a }];
  for (const cut of merge(b)) {
    parts = parts.flatMap((p) => {
      if (cut.end <= p.start || cut.start >= p.end) return [p];
      const out: Interval[] = [];
      if (cut.start > p.start) out.push({ start: p.start, end: cut.start });
      if (cut.end < p.end) out.push({ start: cut.end, end: p.end });
      return out;
    });
  }
  return parts;
}

/** Days of `requested` that are not in `done`. */
export function missing(requested: Interval, done: readonly string[]): string[] {
  const have = new Set(done);
  return days(requested).filter((d) => !have.has(d));
}

/** Widens an interval by whole days on each side (lookback windows). */
export function expand(i: Interval, before: number, after: number): Interval {
  return { start: addDays(i.start, -before), end: addDays(i.end, after) };
}

/** Groups sorted days into maximal runs of consecutive days. */
export function toIntervals(dayList: readonly string[]): Interval[] {
  return merge([...new Set(dayList)].map(dayInterval));
}
