// How a lake column's type (DuckDB's name for the Delta type) becomes a column
// type on the target server, and which types are refused and why. One table per
// dialect, read by the DDL generators and documented in the README; a type that
// could lose or change a value on the way is refused rather than mapped loosely.
//
// DuckDB                     SQL Server          PostgreSQL
// BOOLEAN                    BIT                 boolean
// TINYINT (signed)           SMALLINT            smallint     (T-SQL TINYINT is 0..255)
// UTINYINT                   TINYINT             smallint
// SMALLINT                   SMALLINT            smallint
// USMALLINT                  INT                 integer
// INTEGER                    INT                 integer
// UINTEGER                   BIGINT              bigint
// BIGINT                     BIGINT              bigint
// UBIGINT                    DECIMAL(20,0)       numeric(20,0)
// HUGEINT / UHUGEINT         refused             numeric(39,0)
// DECIMAL(p,s)               DECIMAL(p,s)        numeric(p,s)
// FLOAT                      REAL                real
// DOUBLE                     FLOAT               double precision
// DATE                       DATE                date
// TIMESTAMP (_S, _MS)        DATETIME2(6)        timestamp(6) without time zone
// TIMESTAMPTZ                DATETIMEOFFSET(6)   timestamp(6) with time zone
// TIME                       TIME(6)             time(6) without time zone
// VARCHAR, ENUM              NVARCHAR(MAX)       text    (key columns: NVARCHAR(450))
// BLOB                       VARBINARY(MAX)      bytea
// UUID                       UNIQUEIDENTIFIER    uuid
// LIST, ARRAY, STRUCT, MAP, UNION, INTERVAL, BIT, TIME WITH TIME ZONE,
// TIMESTAMP_NS, VARINT/BIGNUM: refused (see REFUSED below).

import type { PublishKind } from './types';

export type Dialect = PublishKind;

/** A mapped type: the DDL text, and how the value is written to the staging CSV. */
export interface MappedType {
  /** The type as the target's DDL spells it (and as its catalog reports it back). */
  sql: string;
  /** How the lake value is rendered for loading (see source.ts). */
  render: 'text' | 'hex' | 'bit' | 'timestamp' | 'timestamptz';
}

export class RefusedTypeError extends Error {
  constructor(
    readonly column: string,
    readonly type: string,
    readonly reason: string,
  ) {
    super(`column '${column}' has the type ${type}, which cannot be published: ${reason}`);
  }
}

const NESTED =
  'the target has no nested types; flatten it in a model, or turn it into text with to_json() and publish that column';

/** Types no target gets, with the reason and the fix (keyed by the type's leading word). */
const REFUSED: ReadonlyArray<readonly [RegExp, string]> = [
  [/\[\d*\]$/, NESTED],
  [/^(STRUCT|MAP|UNION|LIST)\b/, NESTED],
  [/^INTERVAL$/, 'intervals have no portable column type; publish a number of seconds or days instead'],
  [/^BIT$/, 'bit strings have no portable column type; cast it to VARCHAR in a model'],
  [/^(TIME WITH TIME ZONE|TIMETZ)$/, 'a time with a zone has no SQL Server type; publish a TIMESTAMPTZ'],
  [/^TIMESTAMP_NS$/, 'nanoseconds do not fit DATETIME2 (100 ns); cast it to TIMESTAMP in a model'],
  [/^(VARINT|BIGNUM)$/, 'unbounded integers do not fit DECIMAL(38); cast to DECIMAL(38,0) in a model'],
];

const SQLSERVER: Readonly<Record<string, MappedType>> = {
  BOOLEAN: { sql: 'BIT', render: 'bit' },
  TINYINT: { sql: 'SMALLINT', render: 'text' },
  UTINYINT: { sql: 'TINYINT', render: 'text' },
  SMALLINT: { sql: 'SMALLINT', render: 'text' },
  USMALLINT: { sql: 'INT', render: 'text' },
  INTEGER: { sql: 'INT', render: 'text' },
  UINTEGER: { sql: 'BIGINT', render: 'text' },
  BIGINT: { sql: 'BIGINT', render: 'text' },
  UBIGINT: { sql: 'DECIMAL(20,0)', render: 'text' },
  FLOAT: { sql: 'REAL', render: 'text' },
  DOUBLE: { sql: 'FLOAT', render: 'text' },
  DATE: { sql: 'DATE', render: 'text' },
  TIMESTAMP: { sql: 'DATETIME2(6)', render: 'timestamp' },
  TIMESTAMP_S: { sql: 'DATETIME2(6)', render: 'timestamp' },
  TIMESTAMP_MS: { sql: 'DATETIME2(6)', render: 'timestamp' },
  'TIMESTAMP WITH TIME ZONE': { sql: 'DATETIMEOFFSET(6)', render: 'timestamptz' },
  TIMESTAMPTZ: { sql: 'DATETIMEOFFSET(6)', render: 'timestamptz' },
  TIME: { sql: 'TIME(6)', render: 'text' },
  VARCHAR: { sql: 'NVARCHAR(MAX)', render: 'text' },
  BLOB: { sql: 'VARBINARY(MAX)', render: 'hex' },
  UUID: { sql: 'UNIQUEIDENTIFIER', render: 'text' },
};

const POSTGRES: Readonly<Record<string, MappedType>> = {
  BOOLEAN: { sql: 'boolean', render: 'text' },
  TINYINT: { sql: 'smallint', render: 'text' },
  UTINYINT: { sql: 'smallint', render: 'text' },
  SMALLINT: { sql: 'smallint', render: 'text' },
  USMALLINT: { sql: 'integer', render: 'text' },
  INTEGER: { sql: 'integer', render: 'text' },
  UINTEGER: { sql: 'bigint', render: 'text' },
  BIGINT: { sql: 'bigint', render: 'text' },
  UBIGINT: { sql: 'numeric(20,0)', render: 'text' },
  HUGEINT: { sql: 'numeric(39,0)', render: 'text' },
  UHUGEINT: { sql: 'numeric(39,0)', render: 'text' },
  FLOAT: { sql: 'real', render: 'text' },
  DOUBLE: { sql: 'double precision', render: 'text' },
  DATE: { sql: 'date', render: 'text' },
  TIMESTAMP: { sql: 'timestamp(6) without time zone', render: 'timestamp' },
  TIMESTAMP_S: { sql: 'timestamp(6) without time zone', render: 'timestamp' },
  TIMESTAMP_MS: { sql: 'timestamp(6) without time zone', render: 'timestamp' },
  'TIMESTAMP WITH TIME ZONE': { sql: 'timestamp(6) with time zone', render: 'timestamptz' },
  TIMESTAMPTZ: { sql: 'timestamp(6) with time zone', render: 'timestamptz' },
  TIME: { sql: 'time(6) without time zone', render: 'text' },
  VARCHAR: { sql: 'text', render: 'text' },
  BLOB: { sql: 'bytea', render: 'hex' },
  UUID: { sql: 'uuid', render: 'text' },
};

/** SQL Server index keys are limited to 900 bytes: a key string column gets a bounded length. */
export const SQLSERVER_KEY_STRING = 'NVARCHAR(450)';

/**
 * The target type for a lake column. `key`: the column is part of the primary
 * key (bounded string length on SQL Server). Throws RefusedTypeError with the
 * reason and the fix when the type cannot be published.
 */
export function mapType(dialect: Dialect, column: string, duckType: string, key = false): MappedType {
  const t = duckType.trim().toUpperCase().replace(/\s+/g, ' ');
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) {
    const [p, s] = [Number(decimal[1]), Number(decimal[2])];
    if (p > 38) throw new RefusedTypeError(column, duckType, `DECIMAL(${p}) is wider than DECIMAL(38)`);
    return { sql: dialect === 'sqlserver' ? `DECIMAL(${p},${s})` : `numeric(${p},${s})`, render: 'text' };
  }
  if (t.startsWith('ENUM(')) return mapType(dialect, column, 'VARCHAR', key);
  for (const [pattern, reason] of REFUSED) {
    if (pattern.test(t)) throw new RefusedTypeError(column, duckType, reason);
  }
  if (dialect === 'sqlserver' && (t === 'HUGEINT' || t === 'UHUGEINT')) {
    throw new RefusedTypeError(
      column,
      duckType,
      'it can hold values beyond DECIMAL(38,0), the widest SQL Server number; cast it to DECIMAL(38,0) or BIGINT in a model',
    );
  }
  const mapped = (dialect === 'sqlserver' ? SQLSERVER : POSTGRES)[t];
  if (!mapped) {
    throw new RefusedTypeError(column, duckType, 'it has no mapping; cast it to a plain type in a model');
  }
  if (dialect === 'sqlserver' && key && mapped.sql === 'NVARCHAR(MAX)') {
    return { sql: SQLSERVER_KEY_STRING, render: 'text' };
  }
  return mapped;
}

/** Both tables as rows, for documentation and the type-mapping tests. */
export function mappingTable(): { duckdb: string; sqlserver: string; postgres: string }[] {
  const names = [...new Set([...Object.keys(SQLSERVER), ...Object.keys(POSTGRES)])];
  const show = (d: Dialect, n: string): string => {
    try {
      return mapType(d, 'c', n).sql;
    } catch {
      return 'refused';
    }
  };
  return names.map((n) => ({ duckdb: n, sqlserver: show('sqlserver', n), postgres: show('postgres', n) }));
}
