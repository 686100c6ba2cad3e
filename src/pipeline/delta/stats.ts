// Per-file statistics (PROTOCOL.md "Per-file Statistics") and file skipping.
// Stats JSON is parsed with numbers kept as text, so longs and decimals compare
// exactly. A file is skipped only when its partition values or stats prove no
// row can match; anything unknown (no stats, a missing key, NaN, a string max
// that may be a truncated prefix, ms-truncated timestamps) keeps the file.

import { quoteIdent } from '../engine/sql';
import { UsageError } from '../errors';
import type { Add } from './actions';
import {
  compareTyped,
  parseDecimal,
  parsePartitionValue,
  parseText,
  decimalParts,
  sqlLiteral,
  toTypedValue,
} from './partition-values';
import type { TypedValue } from './partition-values';
import { physicalName } from './schema';
import type { ColumnMappingMode, PrimitiveType, StructField, StructType } from './schema';

/** A JSON number as written, so 9007199254740993 and 0.1000000000000000055 stay exact. */
export class StatsNumber {
  constructor(readonly text: string) {}
}
export type StatsValue = null | boolean | string | StatsNumber | StatsValue[] | { [key: string]: StatsValue };
export type StatsObject = { [key: string]: StatsValue };

export interface FileStats {
  /** Rows in the data file, before deletion vectors; null when not recorded. */
  numRecords: number | null;
  /** False: min/max are bounds, not values present in the file (after DV deletes). */
  tightBounds: boolean;
  minValues: StatsObject;
  maxValues: StatsObject;
  nullCount: StatsObject;
}

/** add.stats → FileStats; null when missing or unreadable (then the file is never skipped). */
export function parseStats(stats: string | null | undefined): FileStats | null {
  if (!stats) return null;
  let json: StatsValue;
  try {
    json = parseStatsJson(stats);
  } catch {
    return null;
  }
  if (!isObject(json)) return null;
  const n = json['numRecords'];
  const numRecords = n instanceof StatsNumber && /^\d+$/.test(n.text) ? Number(n.text) : null;
  const obj = (k: string): StatsObject => {
    const v = json[k];
    return isObject(v) ? v : {};
  };
  return {
    numRecords,
    tightBounds: json['tightBounds'] !== false,
    minValues: obj('minValues'),
    maxValues: obj('maxValues'),
    nullCount: obj('nullCount'),
  };
}

function isObject(v: StatsValue | undefined): v is StatsObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof StatsNumber);
}

/** JSON.parse, except numbers become StatsNumber (Node 20 has no reviver source text). */
export function parseStatsJson(text: string): StatsValue {
  const r = new StatsJsonReader(text);
  const v = r.value();
  r.end();
  return v;
}

const WS = /[ \t\n\r]*/y;
const STRING = /"(?:[^"\\]|\\.)*"/sy;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

/** A recursive-descent JSON reader; sticky regexes keep it linear in the text length. */
class StatsJsonReader {
  private i = 0;
  constructor(private readonly text: string) {}

  value(): StatsValue {
    const c = this.peek();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return JSON.parse(this.token(STRING)) as string;
    if (c === '-' || (c >= '0' && c <= '9')) return new StatsNumber(this.token(NUMBER));
    const word = this.token(LITERAL);
    return word === 'null' ? null : word === 'true';
  }

  end(): void {
    if (this.peek() !== '') this.fail();
  }

  private object(): StatsObject {
    const out: StatsObject = {};
    this.i++;
    if (this.peek() === '}') {
      this.i++;
      return out;
    }
    do {
      if (this.peek() !== '"') this.fail();
      const key = JSON.parse(this.token(STRING)) as string;
      this.expect(':');
      out[key] = this.value();
    } while (this.next(',', '}'));
    return out;
  }

  private array(): StatsValue[] {
    const out: StatsValue[] = [];
    this.i++;
    if (this.peek() === ']') {
      this.i++;
      return out;
    }
    do out.push(this.value());
    while (this.next(',', ']'));
    return out;
  }

  /** Consumes `more` (true) or `close` (false); anything else is an error. */
  private next(more: string, close: string): boolean {
    const c = this.peek();
    this.i++;
    if (c === more) return true;
    if (c !== close) this.fail();
    return false;
  }

  private expect(c: string): void {
    if (this.peek() !== c) this.fail();
    this.i++;
  }

  /** The next non-blank character, or '' at the end. */
  private peek(): string {
    WS.lastIndex = this.i;
    WS.exec(this.text);
    this.i = WS.lastIndex;
    return this.text.charAt(this.i);
  }

  private token(re: RegExp): string {
    re.lastIndex = this.i;
    const m = re.exec(this.text);
    if (!m) this.fail();
    this.i = re.lastIndex;
    return m?.[0] ?? '';
  }

  private fail(): never {
    throw new SyntaxError(`Bad stats JSON at ${this.i}`);
  }
}

export type PredicateOp = '=' | '<' | '<=' | '>' | '>=' | 'in' | 'is null' | 'is not null';
export type PredicateValue = string | number | bigint | boolean | Date | Uint8Array | null;

/** A simple predicate on one column (a logical name, or a path into nested structs). */
export interface Predicate {
  column: string | readonly string[];
  op: PredicateOp;
  /** For '=', '<', '<=', '>', '>='. */
  value?: PredicateValue;
  /** For 'in'. */
  values?: readonly PredicateValue[];
}

/** A predicate resolved against a snapshot's schema, its values typed. */
export interface BoundPredicate {
  op: PredicateOp;
  type: PrimitiveType;
  /** Logical names from the top-level column down. */
  path: string[];
  /** Physical names: the keys in stats (and partitionValues for a partition column). */
  physicalPath: string[];
  partition: boolean;
  /** Non-null values; `=`/comparisons with a null value have none and match no row. */
  values: TypedValue[];
}

export interface BindContext {
  schema: StructType;
  partitionColumns: readonly string[];
  columnMapping: ColumnMappingMode;
}

export function bindPredicate(p: Predicate, ctx: BindContext): BoundPredicate {
  const names = typeof p.column === 'string' ? [p.column] : [...p.column];
  const label = names.join('.');
  let fields: StructField[] = ctx.schema.fields;
  const physicalPath: string[] = [];
  let field: StructField | undefined;
  for (const name of names) {
    field = fields.find((f) => f.name === name);
    if (!field) {
      throw new UsageError(
        `The predicate names '${label}', which is not a column of the table. Columns: ${fields.map((f) => f.name).join(', ')}.`,
      );
    }
    physicalPath.push(physicalName(field, ctx.columnMapping));
    fields = typeof field.type === 'object' && field.type.type === 'struct' ? field.type.fields : [];
  }
  if (!field || typeof field.type !== 'string') {
    throw new UsageError(
      `The predicate on '${label}' needs a column of a primitive type, not a struct, array or map.`,
    );
  }
  const type = field.type;
  const raw =
    p.op === 'in' ? (p.values ?? []) : p.op === 'is null' || p.op === 'is not null' ? [] : [p.value ?? null];
  const values: TypedValue[] = [];
  for (const v of raw) {
    const t = toTypedValue(type, v);
    if (t === undefined) {
      throw new UsageError(
        `The predicate value ${JSON.stringify(String(v))} on '${label}' is not a ${type} (exactly); use a value of the column's type.`,
      );
    }
    if (t !== null) values.push(t);
  }
  const partition = names.length === 1 && ctx.partitionColumns.includes(names[0] ?? '');
  return { op: p.op, type, path: names, physicalPath, partition, values };
}

/** False only when the file provably holds no row matching every predicate. */
export function fileMayMatch(file: Add, preds: readonly BoundPredicate[]): boolean {
  if (preds.length === 0) return true;
  let stats: FileStats | null | undefined;
  for (const p of preds) {
    if (p.partition) {
      if (!partitionMatches(file, p)) return false;
      continue;
    }
    stats ??= parseStats(file.stats);
    if (stats && !statsMayMatch(stats, p)) return false;
  }
  return true;
}

function partitionMatches(file: Add, p: BoundPredicate): boolean {
  let v: TypedValue | null;
  try {
    v = parsePartitionValue(p.type, file.partitionValues[p.physicalPath[0] ?? ''], p.path[0]);
  } catch {
    return true; // the scan reports the bad value; skipping must never hide it
  }
  if (p.op === 'is null') return v === null;
  if (p.op === 'is not null') return v !== null;
  if (v === null) return false;
  const value = v;
  return p.values.some((x) => compareOp(p.op, compareTyped(value, x)));
}

function compareOp(op: PredicateOp, c: number): boolean {
  switch (op) {
    case '=':
    case 'in':
      return c === 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    default:
      return true;
  }
}

function statsMayMatch(st: FileStats, p: BoundPredicate): boolean {
  if (st.numRecords === 0) return false;
  const nulls = lookup(st.nullCount, p.physicalPath);
  const nullCount = nulls instanceof StatsNumber && /^\d+$/.test(nulls.text) ? Number(nulls.text) : null;
  const allNull = nullCount !== null && st.numRecords !== null && nullCount === st.numRecords;
  if (p.op === 'is null') return nullCount !== 0;
  if (p.op === 'is not null') return !allNull;
  if (allNull || p.values.length === 0) return false;
  const min = statValue(p.type, lookup(st.minValues, p.physicalPath), 'min');
  const max = statValue(p.type, lookup(st.maxValues, p.physicalPath), 'max');
  return p.values.some((x) => boundsAdmit(p.op, x, min, max, p.type));
}

/** May some value v with min ≤ v ≤ max (max with the caveats of statValue) satisfy `v op x`? */
function boundsAdmit(
  op: PredicateOp,
  x: TypedValue,
  min: TypedValue | undefined,
  max: TypedValue | undefined,
  type: PrimitiveType,
): boolean {
  const belowMin = (strict: boolean): boolean =>
    min !== undefined && (strict ? compareTyped(min, x) > 0 : compareTyped(min, x) >= 0);
  // Floats: NaN sorts above every number, and stats maxima leave NaN out, so a max never excludes.
  const usableMax = type === 'float' || type === 'double' ? undefined : max;
  const aboveMax = (strict: boolean): boolean => {
    if (usableMax === undefined) return false;
    const c = compareTyped(usableMax, x);
    if (strict ? c >= 0 : c > 0) return false;
    // A string max may be a truncated prefix P: values either ≤ max or start with P.
    return !(
      typeof usableMax === 'string' &&
      typeof x === 'string' &&
      x.startsWith(stripTieBreak(usableMax))
    );
  };
  switch (op) {
    case '=':
    case 'in':
      return !belowMin(true) && !aboveMax(true);
    case '<':
      return !belowMin(false);
    case '<=':
      return !belowMin(true);
    case '>':
      return !aboveMax(false);
    case '>=':
      return !aboveMax(true);
    default:
      return true;
  }
}

/** Writers that truncate a string max append U+FFFF / U+10FFFF so it stays an upper bound. */
function stripTieBreak(s: string): string {
  return s.replace(/(\uffff|\u{10ffff})+$/u, '');
}

function lookup(obj: StatsObject, path: readonly string[]): StatsValue | undefined {
  let cur: StatsValue | undefined = obj;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** A stats min/max as a typed value; undefined when absent or not usable. */
export function statValue(
  type: PrimitiveType,
  v: StatsValue | undefined,
  side: 'min' | 'max',
): TypedValue | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof StatsNumber) {
    if (type === 'float' || type === 'double')
      return type === 'float' ? Math.fround(Number(v.text)) : Number(v.text);
    const d = decimalParts(type);
    if (d) return parseDecimal(v.text, d[0], d[1]);
    const t = parseText(type, v.text);
    return typeof t === 'bigint' &&
      (type === 'long' || type === 'integer' || type === 'short' || type === 'byte')
      ? t
      : undefined;
  }
  if (typeof v === 'boolean') return type === 'boolean' ? v : undefined;
  if (typeof v !== 'string' || type === 'binary') return undefined;
  if (type === 'string') return v;
  const t = parseText(type, v);
  if (t === undefined) return undefined;
  // Timestamps in stats are truncated to milliseconds: the true max can be up to 999 µs later.
  if (side === 'max' && (type === 'timestamp' || type === 'timestamp_ntz') && typeof t === 'bigint')
    return t + 999n;
  return t;
}

/** The SQL condition of a bound predicate over the scan's logical columns. */
export function predicateSql(p: BoundPredicate): string {
  const col = p.path.map(quoteIdent).join('.');
  const lits = p.values.map((v) => sqlLiteral(p.type, v));
  switch (p.op) {
    case 'is null':
      return `${col} IS NULL`;
    case 'is not null':
      return `${col} IS NOT NULL`;
    case 'in':
      return lits.length === 0 ? 'FALSE' : `${col} IN (${lits.join(', ')})`;
    default:
      return lits[0] === undefined ? 'FALSE' : `${col} ${p.op} ${lits[0]}`;
  }
}
