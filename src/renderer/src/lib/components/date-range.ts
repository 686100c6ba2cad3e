// Calendar arithmetic for the date-range picker, on ISO day strings
// (`YYYY-MM-DD`) in UTC so a range never shifts with the machine's time zone.
// Ranges are inclusive (`from`..`to`), as a user picks them; the service turns
// them into half-open intervals in exactly one place.

export interface DayRange {
  from: string;
  to: string;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The day as a UTC epoch (ms), or null when the text is not a real calendar day. */
export function parseDay(text: string): number | null {
  const m = ISO_DAY.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  // Rejects 2024-02-30 and friends, which Date would silently roll over.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t;
}

export function isDay(text: string): boolean {
  return parseDay(text) !== null;
}

export function formatDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const t = parseDay(day);
  if (t === null) throw new RangeError(`Not a day: '${day}' (expected YYYY-MM-DD).`);
  return formatDay(t + n * DAY_MS);
}

/** Days from `a` to `b` (negative when b is earlier). */
export function diffDays(a: string, b: string): number {
  const ta = parseDay(a);
  const tb = parseDay(b);
  if (ta === null || tb === null) throw new RangeError(`Not a day: '${ta === null ? a : b}'.`);
  return Math.round((tb - ta) / DAY_MS);
}

/** Number of days in an inclusive range (0 when it is reversed or invalid). */
export function rangeLength(r: DayRange): number {
  if (!isDay(r.from) || !isDay(r.to)) return 0;
  return Math.max(0, diffDays(r.from, r.to) + 1);
}

/** The range with its ends in order. */
export function ordered(a: string, b: string): DayRange {
  return a <= b ? { from: a, to: b } : { from: b, to: a };
}

export function clampDay(day: string, min: string | null, max: string | null): string {
  if (min !== null && day < min) return min;
  if (max !== null && day > max) return max;
  return day;
}

export function inRange(day: string, r: DayRange | null): boolean {
  return r !== null && day >= r.from && day <= r.to;
}

/** Every day of an inclusive range, ascending (empty when reversed). */
export function daysOf(r: DayRange): string[] {
  const n = rangeLength(r);
  return Array.from({ length: n }, (_, i) => addDays(r.from, i));
}

/** First day of the month containing `day`. */
export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function addMonths(month: string, n: number): string {
  const t = parseDay(month);
  if (t === null) throw new RangeError(`Not a day: '${month}'.`);
  const d = new Date(t);
  return formatDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function monthTitle(month: string): string {
  return `${MONTHS[Number(month.slice(5, 7)) - 1] ?? '?'} ${month.slice(0, 4)}`;
}

export const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];

/** Monday = 0 … Sunday = 6. */
export function weekday(day: string): number {
  const t = parseDay(day) ?? 0;
  return (new Date(t).getUTCDay() + 6) % 7;
}

/** The month as weeks (Monday first) of days; days outside the month are null. */
export function monthGrid(month: string): (string | null)[][] {
  const first = monthOf(month);
  const next = addMonths(first, 1);
  const weeks: (string | null)[][] = [];
  let week: (string | null)[] = Array.from({ length: weekday(first) }, () => null);
  for (let d = first; d < next; d = addDays(d, 1)) {
    week.push(d);
    if (week.length === 7) {
      weeks.push(week);
      week = [];
    }
  }
  if (week.length > 0) weeks.push([...week, ...Array.from({ length: 7 - week.length }, () => null)]);
  return weeks;
}

export interface Preset {
  label: string;
  range: DayRange;
}

/**
 * Quick picks relative to `last` (the newest day that makes sense: the last raw
 * day, or today), clipped to `first` (the lake's start date) when given.
 */
export function presets(last: string, first: string | null): Preset[] {
  const clip = (r: DayRange): DayRange => ({
    from: first !== null && r.from < first ? first : r.from,
    to: r.to,
  });
  const lastN = (n: number): DayRange => clip({ from: addDays(last, -(n - 1)), to: last });
  const list: Preset[] = [
    { label: 'Last day', range: lastN(1) },
    { label: 'Last 3 days', range: lastN(3) },
    { label: 'Last 7 days', range: lastN(7) },
    { label: 'Last 14 days', range: lastN(14) },
    { label: 'Last 30 days', range: lastN(30) },
    { label: 'This month', range: clip({ from: monthOf(last), to: last }) },
    {
      label: 'Previous month',
      range: clip({ from: addMonths(monthOf(last), -1), to: addDays(monthOf(last), -1) }),
    },
  ];
  if (first !== null && first <= last) list.push({ label: 'Everything', range: { from: first, to: last } });
  return list.filter((p) => p.range.from <= p.range.to);
}

/** A short human form: "May 1 – 3, 2024", "Apr 29 – May 2, 2024", one day as "May 1, 2024". */
export function describeRange(r: DayRange): string {
  const short = (d: string): string =>
    `${(MONTHS[Number(d.slice(5, 7)) - 1] ?? '?').slice(0, 3)} ${Number(d.slice(8))}`;
  if (r.from === r.to) return `${short(r.from)}, ${r.from.slice(0, 4)}`;
  const sameYear = r.from.slice(0, 4) === r.to.slice(0, 4);
  const sameMonth = sameYear && r.from.slice(5, 7) === r.to.slice(5, 7);
  const end = sameMonth ? String(Number(r.to.slice(8))) : short(r.to);
  const startYear = sameYear ? '' : `, ${r.from.slice(0, 4)}`;
  return `${short(r.from)}${startYear} – ${end}, ${r.to.slice(0, 4)}`;
}
