// How a lake column's type (DuckDB's name for the Delta type) becomes a column
// type on the target server, and which types are refused and why. One table for
// both dialects, read by the DDL generators and documented in the README; a type that
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

type Render = MappedType['render'];

/** A type a target cannot hold, with the reason and the fix. */
interface Refused {
  refused: string;
}

/** One target's cell in TYPES: a bare string is the DDL type of a value loaded as text. */
type Cell = string | MappedType | Refused;

const both = (sqlserver: string, postgres: string, render: Render): readonly [Cell, Cell] => [
  { sql: sqlserver, render },
  { sql: postgres, render },
];
const TIMESTAMP = both('DATETIME2(6)', 'timestamp(6) without time zone', 'timestamp');
const TIMESTAMPTZ = both('DATETIMEOFFSET(6)', 'timestamp(6) with time zone', 'timestamptz');
const HUGE: readonly [Cell, Cell] = [
  {
    refused:
      'it can hold values beyond DECIMAL(38,0), the widest SQL Server number; cast it to DECIMAL(38,0) or BIGINT in a model',
  },
  'numeric(39,0)',
];

/** Lake type -> [SQL Server, PostgreSQL]: the one mapping table (see the header). */
const TYPES: Readonly<Record<string, readonly [sqlserver: Cell, postgres: Cell]>> = {
  // SQL Server's BIT loads 1/0, not true/false.
  BOOLEAN: [{ sql: 'BIT', render: 'bit' }, 'boolean'],
  TINYINT: ['SMALLINT', 'smallint'],
  UTINYINT: ['TINYINT', 'smallint'],
  SMALLINT: ['SMALLINT', 'smallint'],
  USMALLINT: ['INT', 'integer'],
  INTEGER: ['INT', 'integer'],
  UINTEGER: ['BIGINT', 'bigint'],
  BIGINT: ['BIGINT', 'bigint'],
  UBIGINT: ['DECIMAL(20,0)', 'numeric(20,0)'],
  HUGEINT: HUGE,
  UHUGEINT: HUGE,
  FLOAT: ['REAL', 'real'],
  DOUBLE: ['FLOAT', 'double precision'],
  DATE: ['DATE', 'date'],
  TIMESTAMP,
  TIMESTAMP_S: TIMESTAMP,
  TIMESTAMP_MS: TIMESTAMP,
  'TIMESTAMP WITH TIME ZONE': TIMESTAMPTZ,
  TIMESTAMPTZ,
  TIME: ['TIME(6)', 'time(6) without time zone'],
  VARCHAR: ['NVARCHAR(MAX)', 'text'],
  BLOB: both('VARBINARY(MAX)', 'bytea', 'hex'),
  UUID: ['UNIQUEIDENTIFIER', 'uuid'],
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
  const row = TYPES[t];
  if (!row) {
    throw new RefusedTypeError(column, duckType, 'it has no mapping; cast it to a plain type in a model');
  }
  const cell = row[dialect === 'sqlserver' ? 0 : 1];
  if (typeof cell !== 'string' && 'refused' in cell)
    throw new RefusedTypeError(column, duckType, cell.refused);
  const mapped: MappedType = typeof cell === 'string' ? { sql: cell, render: 'text' } : cell;
  if (dialect === 'sqlserver' && key && mapped.sql === 'NVARCHAR(MAX)') {
    return { sql: SQLSERVER_KEY_STRING, render: 'text' };
  }
  return mapped;
}

/** The table as rows, for documentation and the type-mapping tests. */
export function mappingTable(): { duckdb: string; sqlserver: string; postgres: string }[] {
  const names = Object.keys(TYPES);
  const show = (d: Dialect, n: string): string => {
    try {
      return mapType(d, 'c', n).sql;
    } catch {
      return 'refused';
    }
  };
  return names.map((n) => ({ duckdb: n, sqlserver: show('sqlserver', n), postgres: show('postgres', n) }));
}
