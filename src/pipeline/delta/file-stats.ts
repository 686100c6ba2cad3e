// Per-file statistics for `add.stats` (PROTOCOL.md "Per-file Statistics"),
// built from what DuckDB reports for each file it wrote (COPY … RETURN_STATS).
// Bounds stay safe: a string min is cut to a prefix (≤ every value) and a
// string max to a prefix whose last character is bumped (≥ every value);
// timestamps are cut to milliseconds as the protocol says; a bound that cannot
// be written exactly (NaN, infinity, odd formats) is left out, never guessed.

import type { DataType, StructType } from './schema';

/** How long string bounds may be, in characters (Spark's dataSkippingStringPrefixLength). */
export const STRING_PREFIX_LENGTH = 32;
/** Leaf columns that get statistics unless delta.dataSkippingNumIndexedCols says otherwise. */
export const DEFAULT_INDEXED_COLUMNS = 32;

/** DuckDB's statistics of one column of one file: min, max, null_count, has_nan … as text. */
export type ColumnStats = Readonly<Record<string, string | null | undefined>>;

/** A JSON number written exactly as given (BIGINT and DECIMAL bounds do not fit a JS number). */
class RawNumber {
  constructor(readonly text: string) {}
}
type JsonValue = string | number | RawNumber | JsonObject;
interface JsonObject {
  [key: string]: JsonValue;
}

export interface StatsInput {
  numRecords: number;
  /** Keyed by DuckDB's column path: `"a"` or `"s"."b"` for a struct field. */
  columns: ReadonlyMap<string, ColumnStats>;
}

/**
 * The stats JSON for one file of `dataSchema` (the columns stored in the file,
 * partition columns excluded). Only the first `indexedColumns` leaf columns get
 * statistics (-1: all), like Spark; arrays and maps get none.
 */
export function fileStatsJson(
  dataSchema: StructType,
  input: StatsInput,
  indexedColumns = DEFAULT_INDEXED_COLUMNS,
): string {
  const minValues: JsonObject = {};
  const maxValues: JsonObject = {};
  const nullCount: JsonObject = {};
  let budget = indexedColumns < 0 ? Number.POSITIVE_INFINITY : indexedColumns;
  const visit = (
    type: StructType,
    path: string[],
    min: JsonObject,
    max: JsonObject,
    nulls: JsonObject,
  ): void => {
    for (const field of type.fields) {
      if (budget <= 0) return;
      const here = [...path, field.name];
      if (typeof field.type !== 'string') {
        if (field.type.type !== 'struct') continue;
        const m: JsonObject = {};
        const x: JsonObject = {};
        const n: JsonObject = {};
        visit(field.type, here, m, x, n);
        if (Object.keys(m).length > 0) min[field.name] = m;
        if (Object.keys(x).length > 0) max[field.name] = x;
        if (Object.keys(n).length > 0) nulls[field.name] = n;
        continue;
      }
      budget--;
      const stats = input.columns.get(duckDbColumnPath(here));
      if (!stats) continue;
      const count = integerText(stats['null_count']);
      if (count !== null) nulls[field.name] = new RawNumber(count);
      const lo = boundValue(field.type, stats['min'], 'min', stats);
      const hi = boundValue(field.type, stats['max'], 'max', stats);
      if (lo !== null) min[field.name] = lo;
      if (hi !== null) max[field.name] = hi;
    }
  };
  visit(dataSchema, [], minValues, maxValues, nullCount);
  return writeJson({ numRecords: input.numRecords, minValues, maxValues, nullCount });
}

/** The key DuckDB uses for a (nested) column in RETURN_STATS: each part quoted, joined by dots. */
export function duckDbColumnPath(parts: readonly string[]): string {
  return parts.map((p) => `"${p.replaceAll('"', '""')}"`).join('.');
}

/** The index of indexed columns from the table configuration (delta.dataSkippingNumIndexedCols). */
export function indexedColumnsOf(configuration: Readonly<Record<string, string>>): number {
  const raw = configuration['delta.dataSkippingNumIndexedCols'];
  if (raw === undefined) return DEFAULT_INDEXED_COLUMNS;
  const n = Number(raw);
  return Number.isInteger(n) && n >= -1 ? n : DEFAULT_INDEXED_COLUMNS;
}

/** A min or max as the protocol writes it for this type; null when it cannot be written safely. */
function boundValue(
  type: DataType,
  text: string | null | undefined,
  which: 'min' | 'max',
  stats: ColumnStats,
): JsonValue | null {
  if (text === null || text === undefined || typeof type !== 'string') return null;
  switch (type) {
    case 'long':
    case 'integer':
    case 'short':
    case 'byte': {
      const v = integerText(text);
      return v === null ? null : new RawNumber(v);
    }
    case 'float':
    case 'double': {
      if (stats['has_nan'] === 'true') return null;
      const v = Number(text);
      return Number.isFinite(v) ? v : null;
    }
    case 'date':
      return /^\d{4}-\d\d-\d\d$/.test(text) ? text : null;
    case 'timestamp':
      return timestampBound(text, true);
    case 'timestamp_ntz':
      return timestampBound(text, false);
    case 'string':
      return which === 'min' ? truncateMin(text) : truncateMax(text);
    case 'boolean':
    case 'binary':
      // Spark keeps no min/max for these; readers do not skip on them.
      return null;
    default:
      return /^-?\d+(\.\d+)?$/.test(text) ? new RawNumber(text) : null;
  }
}

function integerText(text: string | null | undefined): string | null {
  return typeof text === 'string' && /^-?\d+$/.test(text) ? text : null;
}

/**
 * `2024-05-01 10:11:12.123456+00` → `2024-05-01T10:11:12.123Z` (UTC), and for
 * timestamps without a zone `2024-05-01 10:11:12.123456` → `2024-05-01T10:11:12.123`.
 * Sub-millisecond digits are cut, as the protocol's footnote on timestamp stats says.
 */
export function timestampBound(text: string, zoned: boolean): string | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::?(\d\d))?)?$/.exec(
    text,
  );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', sign, oh, om] = m;
  const ms = (frac + '000').slice(0, 3);
  if (!zoned) return sign ? null : `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}`;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms));
  if (sign) t -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om ?? '0')) * 60_000;
  const date = new Date(t);
  const iso = date.toISOString();
  return date.getUTCFullYear() >= 0 && date.getUTCFullYear() <= 9999 ? iso : null;
}

/** A prefix of at most STRING_PREFIX_LENGTH characters: never more than the value. */
export function truncateMin(s: string, length = STRING_PREFIX_LENGTH): string {
  const chars = Array.from(s);
  return chars.length <= length ? s : chars.slice(0, length).join('');
}

/**
 * At most STRING_PREFIX_LENGTH characters and never less than the value: when
 * cut, the last character that can grow is bumped to the next code point (so
 * 'abcz…' becomes 'abd'), which sorts after every string with the old prefix
 * in UTF-8 byte order. Null when no such bound exists (all U+10FFFF).
 */
export function truncateMax(s: string, length = STRING_PREFIX_LENGTH): string | null {
  const chars = Array.from(s);
  if (chars.length <= length) return s;
  const cps = chars.slice(0, length).map((c) => c.codePointAt(0) ?? 0);
  for (let i = cps.length - 1; i >= 0; i--) {
    const cp = cps[i] ?? 0;
    if (cp >= 0x10ffff) continue;
    const next = cp + 1 === 0xd800 ? 0xe000 : cp + 1;
    return String.fromCodePoint(...cps.slice(0, i), next);
  }
  return null;
}

/** JSON with RawNumber written verbatim; key order as inserted. */
function writeJson(v: JsonValue): string {
  if (v instanceof RawNumber) return v.text;
  if (typeof v === 'string' || typeof v === 'number') return JSON.stringify(v);
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${writeJson(x)}`)
    .join(',')}}`;
}
