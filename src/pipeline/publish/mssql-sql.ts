// The T-SQL a SQL Server publish runs, as pure functions of the table spec, so
// `--dry-run` prints exactly what a real run executes. Rows are staged as text
// in a session temp table (#lh_stage) and converted to the target types by the
// swap's INSERT … SELECT with explicit styles (126/127: ISO 8601, 2: hex), so
// no value goes through a JavaScript Date or float on the way.

import { keyOrder, needsPartitionIndex, partitionColumn } from './types';
import type { DialectSql, PartitionValue, SpecColumn, TableSpec, TargetColumn } from './types';

export function quoteIdentTsql(name: string): string {
  return `[${name.replaceAll(']', ']]')}]`;
}

export function quoteLiteralTsql(value: string): string {
  return `N'${value.replaceAll("'", "''")}'`;
}

const STAGE = '#lh_stage';

/** Staging column: the text form of a value (strings and bytes unbounded, everything else short). */
export function stagingType(c: SpecColumn): string {
  if (c.type.render === 'hex') return 'VARCHAR(MAX)';
  return /^NVARCHAR/.test(c.type.sql) ? c.type.sql : 'NVARCHAR(100)';
}

/** Text (a staged value or a literal) converted to the column's type. */
export function convertTsql(c: SpecColumn, text: string): string {
  switch (c.type.render) {
    case 'timestamp':
      return `CONVERT(${c.type.sql}, ${text}, 126)`;
    case 'timestamptz':
      return `CONVERT(${c.type.sql}, ${text}, 127)`;
    case 'hex':
      return `CONVERT(${c.type.sql}, ${text}, 2)`;
    default:
      return /^NVARCHAR/.test(c.type.sql) ? text : `CAST(${text} AS ${c.type.sql})`;
  }
}

function partitionLiteral(spec: TableSpec, value: string): string {
  return convertTsql(partitionColumn(spec), quoteLiteralTsql(value));
}

function qualified(spec: Pick<TableSpec, 'schema' | 'name'>): string {
  return `${quoteIdentTsql(spec.schema)}.${quoteIdentTsql(spec.name)}`;
}

function columnDef(c: SpecColumn): string {
  return `${quoteIdentTsql(c.name)} ${c.type.sql} ${c.key ? 'NOT NULL' : 'NULL'}`;
}

export const tsql: DialectSql = {
  kind: 'sqlserver',
  quoteIdent: quoteIdentTsql,
  qualified,
  createTable(spec) {
    const name = qualified(spec);
    const pk = `CONSTRAINT ${quoteIdentTsql(`PK_${spec.name}`)} PRIMARY KEY (${keyOrder(spec).map(quoteIdentTsql).join(', ')})`;
    const out = [
      `IF SCHEMA_ID(${quoteLiteralTsql(spec.schema)}) IS NULL EXEC(${quoteLiteralTsql(`CREATE SCHEMA ${quoteIdentTsql(spec.schema)}`)})`,
      `IF OBJECT_ID(${quoteLiteralTsql(name)}, N'U') IS NULL CREATE TABLE ${name} (${[...spec.columns.map(columnDef), pk].join(', ')})`,
    ];
    if (needsPartitionIndex(spec)) {
      const index = `IX_${spec.name}_${spec.partitionColumn ?? ''}`;
      out.push(
        `IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = ${quoteLiteralTsql(index)} AND object_id = OBJECT_ID(${quoteLiteralTsql(name)})) CREATE INDEX ${quoteIdentTsql(index)} ON ${name} (${quoteIdentTsql(spec.partitionColumn ?? '')})`,
      );
    }
    return out;
  },
  addColumns(spec, columns) {
    return columns.map(
      (c) => `ALTER TABLE ${qualified(spec)} ADD ${quoteIdentTsql(c.name)} ${c.type.sql} NULL`,
    );
  },
  stagingName: () => STAGE,
  createStaging(spec) {
    const cols = spec.columns.map((c) => `${quoteIdentTsql(c.name)} ${stagingType(c)} NULL`).join(', ');
    return [
      `IF OBJECT_ID(N'tempdb..${STAGE}') IS NOT NULL DROP TABLE ${STAGE}`,
      `CREATE TABLE ${STAGE} (${cols})`,
    ];
  },
  partitionLiteral,
  swap(spec, partition: PartitionValue) {
    const name = qualified(spec);
    let where = '';
    if (!partition.whole) {
      const col = quoteIdentTsql(partitionColumn(spec).name);
      where =
        partition.value === null
          ? ` WHERE ${col} IS NULL`
          : ` WHERE ${col} = ${partitionLiteral(spec, partition.value)}`;
    }
    const cols = spec.columns.map((c) => quoteIdentTsql(c.name)).join(', ');
    const values = spec.columns.map((c) => convertTsql(c, quoteIdentTsql(c.name))).join(', ');
    return [`DELETE FROM ${name}${where}`, `INSERT INTO ${name} (${cols}) SELECT ${values} FROM ${STAGE}`];
  },
  canonicalType: (type) => type.toUpperCase().replace(/\s+/g, ''),
};

/** A row of sys.columns ⋈ sys.types as the describe query returns it. */
export interface SysColumnRow {
  name: string;
  type: string;
  max_length: number;
  precision: number;
  scale: number;
  is_nullable: boolean;
}

/** The describe query; @name is the qualified, bracket-quoted table name. */
export const DESCRIBE_TSQL =
  "SELECT c.name, t.name AS type, c.max_length, c.precision, c.scale, c.is_nullable FROM sys.columns c JOIN sys.types t ON c.user_type_id = t.user_type_id WHERE c.object_id = OBJECT_ID(@name, N'U') ORDER BY c.column_id";

/** sys.columns spells a type in parts; rebuild it as DDL spells it (NVARCHAR(MAX), DECIMAL(18,2) …). */
export function sqlServerColumnType(row: SysColumnRow): TargetColumn {
  const t = row.type.toUpperCase();
  let type = t;
  if (t === 'NVARCHAR' || t === 'NCHAR') type = `${t}(${row.max_length < 0 ? 'MAX' : row.max_length / 2})`;
  else if (t === 'VARCHAR' || t === 'CHAR' || t === 'VARBINARY' || t === 'BINARY')
    type = `${t}(${row.max_length < 0 ? 'MAX' : row.max_length})`;
  else if (t === 'DECIMAL' || t === 'NUMERIC') type = `DECIMAL(${row.precision},${row.scale})`;
  else if (t === 'DATETIME2' || t === 'DATETIMEOFFSET' || t === 'TIME') type = `${t}(${row.scale})`;
  return { name: row.name, type, nullable: row.is_nullable };
}
