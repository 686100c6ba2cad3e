// The publisher's pure parts, table-driven: the Delta/DuckDB → T-SQL and
// PostgreSQL type mapping (and what is refused, with the reason), the generated
// T-SQL and PostgreSQL statements, catalog type spelling, drift detection and
// which server errors count as transient.
import { describe, expect, it } from 'vitest';
import { isTransient } from '../../src/pipeline/publish/errors';
import { quoteIdentTsql, sqlServerColumnType, tsql } from '../../src/pipeline/publish/mssql-sql';
import { copyFromSql, pgsql } from '../../src/pipeline/publish/postgres-sql';
import { drift } from '../../src/pipeline/publish/table-sync';
import { mapType, RefusedTypeError } from '../../src/pipeline/publish/type-map';
import type { TableSpec } from '../../src/pipeline/publish/types';

describe('type mapping', () => {
  const cases: [duck: string, sqlserver: string, postgres: string][] = [
    ['BOOLEAN', 'BIT', 'boolean'],
    ['TINYINT', 'SMALLINT', 'smallint'],
    ['UTINYINT', 'TINYINT', 'smallint'],
    ['SMALLINT', 'SMALLINT', 'smallint'],
    ['USMALLINT', 'INT', 'integer'],
    ['INTEGER', 'INT', 'integer'],
    ['UINTEGER', 'BIGINT', 'bigint'],
    ['BIGINT', 'BIGINT', 'bigint'],
    ['UBIGINT', 'DECIMAL(20,0)', 'numeric(20,0)'],
    ['DECIMAL(18,2)', 'DECIMAL(18,2)', 'numeric(18,2)'],
    ['DECIMAL(38,10)', 'DECIMAL(38,10)', 'numeric(38,10)'],
    ['FLOAT', 'REAL', 'real'],
    ['DOUBLE', 'FLOAT', 'double precision'],
    ['DATE', 'DATE', 'date'],
    ['TIMESTAMP', 'DATETIME2(6)', 'timestamp(6) without time zone'],
    ['TIMESTAMP_MS', 'DATETIME2(6)', 'timestamp(6) without time zone'],
    ['TIMESTAMP WITH TIME ZONE', 'DATETIMEOFFSET(6)', 'timestamp(6) with time zone'],
    ['TIME', 'TIME(6)', 'time(6) without time zone'],
    ['VARCHAR', 'NVARCHAR(MAX)', 'text'],
    ["ENUM('a', 'b')", 'NVARCHAR(MAX)', 'text'],
    ['BLOB', 'VARBINARY(MAX)', 'bytea'],
    ['UUID', 'UNIQUEIDENTIFIER', 'uuid'],
  ];
  it.each(cases)('%s → SQL Server %s, PostgreSQL %s', (duck, ms, pgType) => {
    expect(mapType('sqlserver', 'c', duck).sql).toBe(ms);
    expect(mapType('postgres', 'c', duck).sql).toBe(pgType);
  });

  it('gives key string columns a bounded length on SQL Server (index keys are at most 900 bytes)', () => {
    expect(mapType('sqlserver', 'k', 'VARCHAR', true).sql).toBe('NVARCHAR(450)');
    expect(mapType('postgres', 'k', 'VARCHAR', true).sql).toBe('text');
  });

  const refused: [duck: string, dialect: 'sqlserver' | 'postgres', reason: RegExp][] = [
    ['INTEGER[]', 'sqlserver', /no nested types.*to_json/],
    ['VARCHAR[3]', 'postgres', /no nested types/],
    ['STRUCT(a INTEGER)', 'sqlserver', /flatten it in a model/],
    ['MAP(VARCHAR, INTEGER)', 'postgres', /no nested types/],
    ['UNION(a INTEGER, b VARCHAR)', 'sqlserver', /no nested types/],
    ['HUGEINT', 'sqlserver', /beyond DECIMAL\(38,0\).*cast it/],
    ['UHUGEINT', 'sqlserver', /beyond DECIMAL\(38,0\)/],
    ['INTERVAL', 'postgres', /intervals/],
    ['TIMESTAMP_NS', 'sqlserver', /nanoseconds/],
    ['TIME WITH TIME ZONE', 'sqlserver', /time with a zone/],
    ['BIT', 'postgres', /bit strings/],
    ['DECIMAL(40,2)', 'postgres', /wider than DECIMAL\(38\)/],
    ['GEOMETRY', 'sqlserver', /no mapping/],
  ];
  it.each(refused)('refuses %s on %s with the reason', (duck, dialect, reason) => {
    let caught: unknown;
    try {
      mapType(dialect, 'col', duck);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RefusedTypeError);
    expect((caught as Error).message).toMatch(/column 'col' has the type/);
    expect((caught as Error).message).toMatch(reason);
  });

  it('keeps HUGEINT on PostgreSQL, whose numeric holds it', () => {
    expect(mapType('postgres', 'c', 'HUGEINT').sql).toBe('numeric(39,0)');
  });
});

function spec(
  dialect: 'sqlserver' | 'postgres',
  partitionColumn: string | null = 'activity_date',
): TableSpec {
  const col = (name: string, duck: string, key = false): TableSpec['columns'][number] => ({
    name,
    lakeType: duck,
    type: mapType(dialect, name, duck, key),
    key,
  });
  return {
    schema: 'dbo',
    name: 'fct',
    columns: [
      col('club_id', 'INTEGER', true),
      col('activity_date', 'DATE', true),
      col('name', 'VARCHAR'),
      col('flag', 'BOOLEAN'),
      col('at', 'TIMESTAMP'),
      col('at_tz', 'TIMESTAMPTZ'),
      col('payload', 'BLOB'),
    ],
    primaryKey: ['club_id', 'activity_date'],
    partitionColumn,
  };
}

describe('generated T-SQL', () => {
  it('creates the schema and the table only when missing, with the primary key', () => {
    expect(tsql.createTable(spec('sqlserver'))).toEqual([
      "IF SCHEMA_ID(N'dbo') IS NULL EXEC(N'CREATE SCHEMA [dbo]')",
      "IF OBJECT_ID(N'[dbo].[fct]', N'U') IS NULL CREATE TABLE [dbo].[fct] ([club_id] INT NOT NULL, [activity_date] DATE NOT NULL, [name] NVARCHAR(MAX) NULL, [flag] BIT NULL, [at] DATETIME2(6) NULL, [at_tz] DATETIMEOFFSET(6) NULL, [payload] VARBINARY(MAX) NULL, CONSTRAINT [PK_fct] PRIMARY KEY ([activity_date], [club_id]))",
    ]);
  });

  it('indexes a partition column outside the key, so a day is deleted by range, not by a scan', () => {
    const s = { ...spec('sqlserver'), primaryKey: ['club_id'] };
    expect(tsql.createTable(s)[1]).toContain('PRIMARY KEY ([club_id])');
    expect(tsql.createTable(s)[2]).toBe(
      "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_fct_activity_date' AND object_id = OBJECT_ID(N'[dbo].[fct]')) CREATE INDEX [IX_fct_activity_date] ON [dbo].[fct] ([activity_date])",
    );
    expect(pgsql.createTable({ ...spec('postgres'), primaryKey: ['club_id'] })[2]).toBe(
      'CREATE INDEX IF NOT EXISTS "fct_activity_date_idx" ON "dbo"."fct" ("activity_date")',
    );
    expect(tsql.createTable(spec('sqlserver'))).toHaveLength(2);
  });

  it('adds new columns as nullable', () => {
    const s = spec('sqlserver');
    expect(tsql.addColumns(s, s.columns.slice(2, 4))).toEqual([
      'ALTER TABLE [dbo].[fct] ADD [name] NVARCHAR(MAX) NULL',
      'ALTER TABLE [dbo].[fct] ADD [flag] BIT NULL',
    ]);
  });

  it('stages every value as text in a session temp table', () => {
    expect(tsql.createStaging(spec('sqlserver'))).toEqual([
      "IF OBJECT_ID(N'tempdb..#lh_stage') IS NOT NULL DROP TABLE #lh_stage",
      'CREATE TABLE #lh_stage ([club_id] NVARCHAR(100) NULL, [activity_date] NVARCHAR(100) NULL, [name] NVARCHAR(MAX) NULL, [flag] NVARCHAR(100) NULL, [at] NVARCHAR(100) NULL, [at_tz] NVARCHAR(100) NULL, [payload] VARCHAR(MAX) NULL)',
    ]);
  });

  const swaps: [label: string, partition: Parameters<typeof tsql.swap>[1], del: string][] = [
    [
      'a day',
      { whole: false, value: '2024-05-01' },
      "DELETE FROM [dbo].[fct] WHERE [activity_date] = CAST(N'2024-05-01' AS DATE)",
    ],
    [
      'the null partition',
      { whole: false, value: null },
      'DELETE FROM [dbo].[fct] WHERE [activity_date] IS NULL',
    ],
    ['a whole table', { whole: true }, 'DELETE FROM [dbo].[fct]'],
  ];
  it.each(swaps)(
    'swaps %s: delete its rows, insert the staged ones converted exactly',
    (_label, partition, del) => {
      expect(tsql.swap(spec('sqlserver'), partition)).toEqual([
        del,
        'INSERT INTO [dbo].[fct] ([club_id], [activity_date], [name], [flag], [at], [at_tz], [payload]) SELECT CAST([club_id] AS INT), CAST([activity_date] AS DATE), [name], CAST([flag] AS BIT), CONVERT(DATETIME2(6), [at], 126), CONVERT(DATETIMEOFFSET(6), [at_tz], 127), CONVERT(VARBINARY(MAX), [payload], 2) FROM #lh_stage',
      ]);
    },
  );

  it('quotes identifiers and literals by doubling, never by trusting the name', () => {
    expect(quoteIdentTsql('we]ird')).toBe('[we]]ird]');
    const s = { ...spec('sqlserver'), schema: "o'brien", name: 'x]y' };
    expect(tsql.createTable(s)[1]).toContain("OBJECT_ID(N'[o''brien].[x]]y]', N'U')");
    expect(tsql.swap(s, { whole: false, value: "it's" })[0]).toBe(
      "DELETE FROM [o'brien].[x]]y] WHERE [activity_date] = CAST(N'it''s' AS DATE)",
    );
  });

  const sysTypes: [row: Parameters<typeof sqlServerColumnType>[0], type: string][] = [
    [
      { name: 'a', type: 'nvarchar', max_length: -1, precision: 0, scale: 0, is_nullable: true },
      'NVARCHAR(MAX)',
    ],
    [
      { name: 'a', type: 'nvarchar', max_length: 900, precision: 0, scale: 0, is_nullable: false },
      'NVARCHAR(450)',
    ],
    [
      { name: 'a', type: 'varbinary', max_length: -1, precision: 0, scale: 0, is_nullable: true },
      'VARBINARY(MAX)',
    ],
    [
      { name: 'a', type: 'decimal', max_length: 9, precision: 18, scale: 2, is_nullable: true },
      'DECIMAL(18,2)',
    ],
    [
      { name: 'a', type: 'datetime2', max_length: 8, precision: 26, scale: 6, is_nullable: true },
      'DATETIME2(6)',
    ],
    [
      { name: 'a', type: 'datetimeoffset', max_length: 10, precision: 33, scale: 6, is_nullable: true },
      'DATETIMEOFFSET(6)',
    ],
    [{ name: 'a', type: 'int', max_length: 4, precision: 10, scale: 0, is_nullable: true }, 'INT'],
  ];
  it.each(sysTypes)('reads sys.columns back as DDL spells it: %j → %s', (row, type) => {
    expect(sqlServerColumnType(row).type).toBe(type);
  });
});

describe('generated PostgreSQL', () => {
  it('creates, stages with COPY and swaps', () => {
    const s = spec('postgres');
    expect(pgsql.createTable(s)[1]).toBe(
      'CREATE TABLE IF NOT EXISTS "dbo"."fct" ("club_id" integer NOT NULL, "activity_date" date NOT NULL, "name" text, "flag" boolean, "at" timestamp(6) without time zone, "at_tz" timestamp(6) with time zone, "payload" bytea, PRIMARY KEY ("activity_date", "club_id"))',
    );
    expect(copyFromSql(s)).toBe(
      'COPY pg_temp."lh_stage_fct" ("club_id", "activity_date", "name", "flag", "at", "at_tz", "payload") FROM STDIN (FORMAT csv)',
    );
    expect(pgsql.swap(s, { whole: false, value: '2024-05-01' })).toEqual([
      `DELETE FROM "dbo"."fct" WHERE "activity_date" = CAST('2024-05-01' AS date)`,
      'INSERT INTO "dbo"."fct" ("club_id", "activity_date", "name", "flag", "at", "at_tz", "payload") SELECT "club_id", "activity_date", "name", "flag", "at", "at_tz", "payload" FROM pg_temp."lh_stage_fct"',
    ]);
  });
});

describe('schema drift', () => {
  it('finds new columns and changed types; spelling and case do not count as a change', () => {
    const s = spec('sqlserver');
    const d = drift({ sql: tsql }, s, [
      { name: 'CLUB_ID', type: 'int', nullable: false },
      { name: 'activity_date', type: 'DATE', nullable: false },
      { name: 'name', type: 'NVARCHAR(MAX)', nullable: true },
      { name: 'flag', type: 'INT', nullable: true },
    ]);
    expect(d.missing.map((c) => c.name)).toEqual(['at', 'at_tz', 'payload']);
    expect(d.changed.map((c) => [c.column.name, c.actual.type])).toEqual([['flag', 'INT']]);
  });
});

describe('transient errors', () => {
  const cases: [label: string, err: unknown, transient: boolean][] = [
    ['SQL Server deadlock victim (1205)', { number: 1205, message: 'deadlocked' }, true],
    ['mssql wrapping a tedious timeout', { code: 'ETIMEOUT', originalError: { message: 'Timeout' } }, true],
    ['a reset connection', { code: 'ECONNRESET' }, true],
    ['PostgreSQL deadlock (40P01)', { code: '40P01' }, true],
    ['PostgreSQL admin shutdown (57P01)', { code: '57P01', message: 'terminating connection' }, true],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly'), true],
    ['a constraint violation (23505)', { code: '23505', message: 'duplicate key' }, false],
    ['SQL Server conversion failure (241)', { number: 241, message: 'Conversion failed' }, false],
  ];
  it.each(cases)('%s → transient: %s', (_label, err, transient) => {
    expect(isTransient(err)).toBe(transient);
  });
});
