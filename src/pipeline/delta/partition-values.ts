// Partition values (PROTOCOL.md "Partition Value Serialization"): the strings in
// add.partitionValues ↔ typed values ↔ SQL literals, and Hive-style directory
// names for writers. A null partition is JSON null or "" (for strings too); the
// text "null" is a real value. Zone-less timestamps are read as UTC. Typed
// values compare exactly: integers and decimals as bigint, timestamps in µs.

import { quoteLiteral } from '../engine/sql';
import { PipelineError } from '../errors';
import type { DataType, PrimitiveType } from './schema';
import { toDuckDbType } from './schema';

/**
 * A typed value: integral types and decimals (unscaled, at the column's scale)
 * as bigint, float/double as number, date as days since 1970-01-01, timestamp
 * and timestamp_ntz as µs since the epoch, binary as bytes.
 */
export type TypedValue = bigint | number | string | boolean | Uint8Array;

export class PartitionValueError extends PipelineError {
  override readonly name = 'PartitionValueError';
  constructor(message: string, details?: Record<string, unknown>) {
    super('IO', message, details);
  }
}

/** Spark's default partition directory for null (ExternalCatalogUtils.DEFAULT_PARTITION_NAME). */
export const NULL_PARTITION_DIR = '__HIVE_DEFAULT_PARTITION__';

const INT_RANGES: Partial<Record<PrimitiveType, readonly [bigint, bigint]>> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
};
const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const DATE = /^([+-]?\d{4,})-(\d{1,2})-(\d{1,2})$/;
const TIMESTAMP =
  /^([+-]?\d{4,})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;
const MICROS_PER_DAY = 86_400_000_000n;

/** `decimal(p,s)` → [p, s]; null for other types. */
export function decimalParts(type: DataType): [number, number] | null {
  if (typeof type !== 'string') return null;
  const m = /^decimal\((\d+),(-?\d+)\)$/.exec(type);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** A partition column must have a primitive type; anything else is a corrupt table. */
export function primitiveOf(type: DataType, column: string): PrimitiveType {
  if (typeof type === 'string') return type;
  throw new PartitionValueError(
    `Partition column '${column}' has the nested type '${type.type}'; Delta partitions only by primitive types.`,
  );
}

/** The typed value of a partitionValues entry; null for JSON null, a missing key or "". */
export function parsePartitionValue(
  type: PrimitiveType,
  raw: string | null | undefined,
  column = '?',
): TypedValue | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const v = parseText(type, raw);
  if (v === undefined) {
    throw new PartitionValueError(
      `The partition value ${JSON.stringify(raw)} of column '${column}' is not a valid ${type}; the table's log is corrupt or was written by a non-conforming writer.`,
      { column, value: raw, type },
    );
  }
  return v;
}

/** Parses the text form of a value (partition strings, predicate strings); undefined when invalid. */
export function parseText(type: PrimitiveType, raw: string): TypedValue | undefined {
  const range = INT_RANGES[type];
  if (range) {
    const t = raw.trim();
    if (!INTEGER.test(t)) return undefined;
    const n = BigInt(t);
    return n < range[0] || n > range[1] ? undefined : n;
  }
  switch (type) {
    case 'string':
      return raw;
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      return t === 'true' ? true : t === 'false' ? false : undefined;
    }
    case 'float':
    case 'double': {
      const n = parseFloatText(raw.trim());
      return n === undefined ? undefined : type === 'float' ? Math.fround(n) : n;
    }
    case 'date':
      return parseDate(raw.trim());
    case 'timestamp':
    case 'timestamp_ntz':
      return parseTimestamp(raw.trim(), type === 'timestamp');
    case 'binary':
      return new TextEncoder().encode(raw);
    default: {
      const d = decimalParts(type);
      return d ? parseDecimal(raw.trim(), d[0], d[1]) : undefined;
    }
  }
}

function parseFloatText(t: string): number | undefined {
  const lower = t.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'infinity' || lower === '+infinity' || lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-infinity' || lower === '-inf') return -Infinity;
  return FLOAT.test(t) ? Number(t) : undefined;
}

/** Exact decimal text → unscaled bigint at `scale`; undefined when it needs rounding or overflows. */
export function parseDecimal(t: string, precision: number, scale: number): bigint | undefined {
  const m = DECIMAL_TEXT.exec(t);
  if (!m) return undefined;
  const [, sign, int = '', frac = '', exp] = m;
  if (int === '' && frac === '') return undefined;
  let digits = int + frac;
  let pointShift = scale - frac.length + (exp ? Number(exp) : 0);
  if (pointShift < 0) {
    const dropped = digits.slice(digits.length + pointShift);
    if (/[^0]/.test(dropped)) return undefined;
    digits = digits.slice(0, digits.length + pointShift) || '0';
    pointShift = 0;
  }
  const unscaled = BigInt(digits + '0'.repeat(pointShift)) * (sign === '-' ? -1n : 1n);
  const limit = 10n ** BigInt(precision);
  return unscaled >= limit || unscaled <= -limit ? undefined : unscaled;
}

function parseDate(t: string): number | undefined {
  const m = DATE.exec(t);
  if (!m) return undefined;
  return civilDays(Number(m[1]), Number(m[2]), Number(m[3]));
}

function parseTimestamp(t: string, zoned: boolean): bigint | undefined {
  const m = TIMESTAMP.exec(t);
  if (!m) return undefined;
  const [, y, mo, d, hh = '0', mi = '0', ss = '0', frac = '', zone] = m;
  const days = civilDays(Number(y), Number(mo), Number(d));
  const h = Number(hh);
  const min = Number(mi);
  const s = Number(ss);
  if (days === undefined || h > 23 || min > 59 || s > 59) return undefined;
  // Without a zone the protocol says "the writer's time zone", which the log does not record: read it as UTC.
  let offsetMin = 0;
  if (zone && !/^(z|utc)$/i.test(zone)) {
    if (!zoned) return undefined;
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
    if (!z) return undefined;
    offsetMin = (Number(z[2]) * 60 + Number(z[3] ?? '0')) * (z[1] === '-' ? -1 : 1);
  }
  const seconds = BigInt(days) * 86_400n + BigInt(h * 3600 + min * 60 + s - offsetMin * 60);
  return seconds * 1_000_000n + BigInt((frac + '000000').slice(0, 6));
}

/** Days since 1970-01-01 of a proleptic Gregorian date; undefined when the date does not exist. */
export function civilDays(y: number, m: number, d: number): number | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 31;
  if (d > dim) return undefined;
  // Howard Hinnant's days_from_civil.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number | bigint | string, w: number): string => String(n).padStart(w, '0');

export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${y < 0 ? '-' : ''}${pad(Math.abs(y), 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** `yyyy-MM-dd HH:mm:ss.SSSSSS` (the protocol's format) for µs since the epoch. */
export function formatTimestamp(micros: bigint, sep = ' '): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const secs = Number(rest / 1_000_000n);
  const time = `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}`;
  return `${formatDate(Number(days))}${sep}${time}.${pad(rest % 1_000_000n, 6)}`;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return String(unscaled * 10n ** BigInt(-scale));
  const neg = unscaled < 0n;
  const digits = pad(neg ? -unscaled : unscaled, scale + 1);
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** The shortest decimal text that reads back as the same float32 (or float64). */
export function formatFloat(n: number, single: boolean): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Object.is(n, -0)) return '-0.0';
  if (single) {
    for (let p = 1; p <= 9; p++) {
      const s = n.toPrecision(p);
      if (Math.fround(Number(s)) === n) return String(Number(s));
    }
  }
  return String(n);
}

/** The text DuckDB casts back to exactly this value of `type`. */
export function sqlText(type: PrimitiveType, v: TypedValue): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array)
    return Array.from(v, (b) => `\\x${pad(b.toString(16).toUpperCase(), 2)}`).join('');
  if (type === 'date') return formatDate(Number(v));
  if (type === 'timestamp') return `${formatTimestamp(BigInt(v))}+00`;
  if (type === 'timestamp_ntz') return formatTimestamp(BigInt(v));
  const d = decimalParts(type);
  if (d && typeof v === 'bigint') return formatDecimal(v, d[1]);
  return typeof v === 'number' ? formatFloat(v, type === 'float') : String(v);
}

/** A typed SQL literal, e.g. `CAST('2021-09-08' AS DATE)`, or `CAST(NULL AS DATE)`. */
export function sqlLiteral(type: PrimitiveType, v: TypedValue | null): string {
  const duck = toDuckDbType(type);
  return v === null ? `CAST(NULL AS ${duck})` : `CAST(${quoteLiteral(sqlText(type, v))} AS ${duck})`;
}

/** The typed SQL literal of a partitionValues entry. */
export function partitionLiteral(
  type: PrimitiveType,
  raw: string | null | undefined,
  column?: string,
): string {
  return sqlLiteral(type, parsePartitionValue(type, raw, column));
}

/**
 * A JS value (as DuckDB results, predicates and writers hold them: numbers,
 * bigints, strings, booleans, Dates, bytes) as a typed value of `type`;
 * undefined when it is not one, or not exactly (2.5 for an integer column).
 */
export function toTypedValue(type: PrimitiveType, value: unknown): TypedValue | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return type === 'binary' ? hexOrText(value) : parseText(type, value);
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) return undefined;
    return type === 'date' ? Math.floor(ms / 86_400_000) : BigInt(ms) * 1000n;
  }
  if (value instanceof Uint8Array) return type === 'binary' ? value : undefined;
  if (typeof value === 'boolean') return type === 'boolean' ? value : undefined;
  if (typeof value === 'bigint')
    return type === 'float' || type === 'double' ? Number(value) : parseText(type, String(value));
  if (typeof value === 'number') {
    if (type === 'float') return Math.fround(value);
    if (type === 'double') return value;
    if (type === 'date' || type === 'timestamp' || type === 'timestamp_ntz' || !Number.isFinite(value))
      return undefined;
    return parseText(type, Number.isInteger(value) ? BigInt(value).toString() : String(value));
  }
  return undefined;
}

/** DuckDB results carry blobs as `\xAB` escapes; anything else is taken as UTF-8 text. */
function hexOrText(value: string): Uint8Array {
  if (/^(\\x[0-9a-fA-F]{2})+$/.test(value)) {
    return Uint8Array.from(value.slice(2).split('\\x'), (h) => parseInt(h, 16));
  }
  return new TextEncoder().encode(value);
}

/**
 * The partitionValues string a writer records for `value` (null for null).
 * Timestamps are written as ISO-8601 in UTC, which the protocol recommends;
 * an empty string cannot be told from null, so it is written as null.
 */
export function partitionValueString(type: PrimitiveType, value: unknown): string | null {
  const v = toTypedValue(type, value);
  if (v === undefined)
    throw new PartitionValueError(
      `${JSON.stringify(String(value))} is not a valid ${type} partition value.`,
      { type },
    );
  if (v === null || v === '') return null;
  if (type === 'timestamp' && typeof v === 'bigint') return `${formatTimestamp(v, 'T')}Z`;
  if ((type === 'float' || type === 'double') && typeof v === 'number') {
    const s = formatFloat(v, type === 'float');
    return /^-?\d+$/.test(s) ? `${s}.0` : s;
  }
  if (v instanceof Uint8Array) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(v);
    if (!bytesEqual(new TextEncoder().encode(text), v)) {
      throw new PartitionValueError(
        'A binary partition value must be valid UTF-8 to be written as a partition string.',
      );
    }
    return text;
  }
  return sqlText(type, v);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Characters Hive/Spark escape in partition directory names (non-Windows set; space stays). */
const ESCAPED = new Set([...'"#%\'*/:=?\\{[]^\u007f'].map((c) => c.charCodeAt(0)));

/** Spark's ExternalCatalogUtils.escapePathName: `%XX` for control characters and the ESCAPED set. */
export function escapePartitionDir(value: string | null): string {
  if (value === null || value === '') return NULL_PARTITION_DIR;
  let out = '';
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    out +=
      ch.length === 1 && ((c >= 1 && c <= 0x1f) || ESCAPED.has(c))
        ? `%${pad(c.toString(16).toUpperCase(), 2)}`
        : ch;
  }
  return out;
}

/** `col=value` directory segments for a file's partition values, in partition column order. */
export function partitionDirs(
  columns: readonly string[],
  values: Readonly<Record<string, string | null>>,
): string {
  return columns.map((c) => `${escapePartitionDir(c)}=${escapePartitionDir(values[c] ?? null)}`).join('/');
}

/**
 * Total order on typed values of one type: numbers with NaN above everything
 * (as Spark and DuckDB order them), strings by code point (= UTF-8 byte order),
 * bytes lexicographically.
 */
export function compareTyped(a: TypedValue, b: TypedValue): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return a.length - b.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  throw new TypeError('compareTyped: values of different kinds');
}

/** UTF-16 comparison differs from code point order only around surrogates; fix that case. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
