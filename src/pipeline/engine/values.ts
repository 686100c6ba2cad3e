// Turns DuckDB values into JSON-safe cells (see src/shared/query.ts): column
// kinds from DuckDB type ids, and top-level timestamps rewritten to ISO-8601
// (`T` separator, `Z` for UTC) so the UI and CSV exports need no DuckDB rules.

import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBType } from '@duckdb/node-api';
import type { CellValue, ColumnInfo, ColumnKind } from '../../shared/query';

const KIND_BY_TYPE_ID: Partial<Record<DuckDBTypeId, ColumnKind>> = {
  [DuckDBTypeId.BOOLEAN]: 'boolean',
  [DuckDBTypeId.TINYINT]: 'integer',
  [DuckDBTypeId.SMALLINT]: 'integer',
  [DuckDBTypeId.INTEGER]: 'integer',
  [DuckDBTypeId.UTINYINT]: 'integer',
  [DuckDBTypeId.USMALLINT]: 'integer',
  [DuckDBTypeId.UINTEGER]: 'integer',
  [DuckDBTypeId.BIGINT]: 'bigint',
  [DuckDBTypeId.UBIGINT]: 'bigint',
  [DuckDBTypeId.HUGEINT]: 'bigint',
  [DuckDBTypeId.UHUGEINT]: 'bigint',
  [DuckDBTypeId.BIGNUM]: 'bigint',
  [DuckDBTypeId.DECIMAL]: 'decimal',
  [DuckDBTypeId.FLOAT]: 'float',
  [DuckDBTypeId.DOUBLE]: 'float',
  [DuckDBTypeId.VARCHAR]: 'string',
  [DuckDBTypeId.ENUM]: 'string',
  [DuckDBTypeId.DATE]: 'date',
  [DuckDBTypeId.TIME]: 'time',
  [DuckDBTypeId.TIME_TZ]: 'time',
  [DuckDBTypeId.TIME_NS]: 'time',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_S]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_MS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_NS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'timestamp',
  [DuckDBTypeId.INTERVAL]: 'interval',
  [DuckDBTypeId.BLOB]: 'blob',
  [DuckDBTypeId.UUID]: 'uuid',
  [DuckDBTypeId.LIST]: 'list',
  [DuckDBTypeId.ARRAY]: 'list',
  [DuckDBTypeId.STRUCT]: 'struct',
  [DuckDBTypeId.MAP]: 'map',
};

export function columnKind(typeId: DuckDBTypeId): ColumnKind {
  return KIND_BY_TYPE_ID[typeId] ?? 'other';
}

export function columnInfos(names: readonly string[], types: readonly DuckDBType[]): ColumnInfo[] {
  return names.map((name, i) => {
    const type = types[i];
    return type
      ? { name, type: type.toString(), kind: columnKind(type.typeId) }
      : { name, type: 'UNKNOWN', kind: 'other' };
  });
}

type CellFixer = (value: string) => string;

const TIMESTAMP_FIXERS: Partial<Record<DuckDBTypeId, CellFixer>> = {
  [DuckDBTypeId.TIMESTAMP]: isoLocal,
  [DuckDBTypeId.TIMESTAMP_S]: isoLocal,
  [DuckDBTypeId.TIMESTAMP_MS]: isoLocal,
  [DuckDBTypeId.TIMESTAMP_NS]: isoLocal,
  [DuckDBTypeId.TIMESTAMP_TZ]: isoZoned,
};

/** `2024-05-01 10:11:12.123` → `2024-05-01T10:11:12.123`; `infinity` and BC dates stay as DuckDB prints them. */
export function isoLocal(value: string): string {
  return /^\d{4}-\d\d-\d\d \d/.test(value) ? value.replace(' ', 'T') : value;
}

/** `2024-05-01 08:11:12.123+00` → `2024-05-01T08:11:12.123Z`; other offsets become `+02:00`. */
export function isoZoned(value: string): string {
  const local = isoLocal(value);
  const m = /([+-])(\d\d)(?::?(\d\d))?$/.exec(local);
  if (!m || local === value) return local;
  const [suffix, sign, hh, mm] = m;
  if (hh === '00' && (mm === undefined || mm === '00')) return local.slice(0, -suffix.length) + 'Z';
  return local.slice(0, -suffix.length) + `${sign}${hh}:${mm ?? '00'}`;
}

/** Rewrites JSON rows from DuckDB in place where a column needs it, and returns them. */
export function toCells(rows: CellValue[][], types: readonly DuckDBType[]): CellValue[][] {
  const fixers: [number, CellFixer][] = [];
  types.forEach((t, i) => {
    const fix = TIMESTAMP_FIXERS[t.typeId];
    if (fix) fixers.push([i, fix]);
  });
  if (fixers.length === 0) return rows;
  for (const row of rows) {
    for (const [i, fix] of fixers) {
      const v = row[i];
      if (typeof v === 'string') row[i] = fix(v);
    }
  }
  return rows;
}
