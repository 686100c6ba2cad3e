// Dates for the sample generator as integer day numbers (days since 1970-01-01, UTC), plus
// fast timestamp formatting. Everything is UTC: the lake's timezone is UTC and an event's
// date is the UTC date of its event_ts.

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Generated days must lie in this range (ids and the reference replay assume it). */
export const MIN_DAY = '2020-01-01';
export const MAX_DAY = '2099-12-31';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a 'YYYY-MM-DD' string, or undefined when it is not a real calendar date. */
export function parseDay(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return ms / DAY_MS;
}

export function dayOf(text: string): number {
  const n = parseDay(text);
  if (n === undefined) throw new Error(`not a date: '${text}'`);
  return n;
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 1–12 */
export function monthOf(day: number): number {
  return new Date(day * DAY_MS).getUTCMonth() + 1;
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function timeOfDay(msInDay: number, sep: string): string {
  const h = Math.floor(msInDay / HOUR_MS);
  const mi = Math.floor(msInDay / 60_000) % 60;
  const s = Math.floor(msInDay / 1000) % 60;
  return `${PAD2[h] ?? '00'}:${PAD2[mi] ?? '00'}:${PAD2[s] ?? '00'}${sep}`;
}

/**
 * ISO-8601 UTC with milliseconds and 'Z' for an absolute ms timestamp. Formatting by hand
 * with a cached date prefix is several times faster than Date#toISOString per event.
 */
export class TimestampFormatter {
  private day = Number.NaN;
  private prefix = '';

  iso(ms: number): string {
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.prefix = formatDay(day) + 'T';
    }
    const inDay = ms - day * DAY_MS;
    return `${this.prefix}${timeOfDay(inDay, '.')}${PAD3[Math.floor(inDay) % 1000] ?? '000'}Z`;
  }

  /** 'YYYY-MM-DD HH:MM:SS', the CSV TIMESTAMP form DuckDB reads without options. */
  plain(ms: number): string {
    const day = Math.floor(ms / DAY_MS);
    return `${formatDay(day)} ${timeOfDay(ms - day * DAY_MS, '')}`;
  }
}
