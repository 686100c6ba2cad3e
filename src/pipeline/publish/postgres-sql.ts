// The SQL a PostgreSQL publish runs, as pure functions of the table spec (the
// same shape as mssql-sql.ts). Rows are COPYed as CSV into a typed temp table,
// so PostgreSQL parses every value once; the swap moves them with a plain
// INSERT … SELECT inside the partition's transaction.

import { keyOrder, needsPartitionIndex, partitionColumn } from './types';
import type { DialectSql, PartitionValue, SpecColumn, TableSpec } from './types';

export function quoteIdentPg(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A standard string literal (standard_conforming_strings is on: backslashes are plain). */
export function quoteLiteralPg(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function qualified(spec: Pick<TableSpec, 'schema' | 'name'>): string {
  return `${quoteIdentPg(spec.schema)}.${quoteIdentPg(spec.name)}`;
}

function stagingName(spec: TableSpec): string {
  // Identifiers are cut at 63 bytes; a staging table lives in the session's own temp schema.
  return `pg_temp.${quoteIdentPg(`lh_stage_${spec.name}`.slice(0, 63))}`;
}

function partitionLiteral(spec: TableSpec, value: string): string {
  return `CAST(${quoteLiteralPg(value)} AS ${partitionColumn(spec).type.sql})`;
}

const columnList = (columns: readonly SpecColumn[]): string =>
  columns.map((c) => quoteIdentPg(c.name)).join(', ');

export const pgsql: DialectSql = {
  kind: 'postgres',
  quoteIdent: quoteIdentPg,
  qualified,
  createTable(spec) {
    const cols = spec.columns.map((c) => `${quoteIdentPg(c.name)} ${c.type.sql}${c.key ? ' NOT NULL' : ''}`);
    const pk = `PRIMARY KEY (${keyOrder(spec).map(quoteIdentPg).join(', ')})`;
    const out = [
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdentPg(spec.schema)}`,
      `CREATE TABLE IF NOT EXISTS ${qualified(spec)} (${[...cols, pk].join(', ')})`,
    ];
    if (needsPartitionIndex(spec)) {
      const index = `${spec.name}_${spec.partitionColumn ?? ''}_idx`.slice(0, 63);
      out.push(
        `CREATE INDEX IF NOT EXISTS ${quoteIdentPg(index)} ON ${qualified(spec)} (${quoteIdentPg(spec.partitionColumn ?? '')})`,
      );
    }
    return out;
  },
  addColumns(spec, columns) {
    return columns.map(
      (c) => `ALTER TABLE ${qualified(spec)} ADD COLUMN ${quoteIdentPg(c.name)} ${c.type.sql}`,
    );
  },
  stagingName,
  createStaging(spec) {
    const cols = spec.columns.map((c) => `${quoteIdentPg(c.name)} ${c.type.sql}`).join(', ');
    return [`DROP TABLE IF EXISTS ${stagingName(spec)}`, `CREATE TEMP TABLE ${stagingName(spec)} (${cols})`];
  },
  partitionLiteral,
  swap(spec, partition: PartitionValue) {
    let where = '';
    if (!partition.whole) {
      const col = quoteIdentPg(spec.partitionColumn ?? '');
      where =
        partition.value === null
          ? ` WHERE ${col} IS NULL`
          : ` WHERE ${col} = ${partitionLiteral(spec, partition.value)}`;
    }
    const cols = columnList(spec.columns);
    return [
      `DELETE FROM ${qualified(spec)}${where}`,
      `INSERT INTO ${qualified(spec)} (${cols}) SELECT ${cols} FROM ${stagingName(spec)}`,
    ];
  },
  canonicalType: (type) => type.toLowerCase().replace(/\s+/g, ' ').trim(),
};

/** COPY … FROM STDIN for the staging table, in the CSV form source.ts writes. */
export function copyFromSql(spec: TableSpec): string {
  return `COPY ${stagingName(spec)} (${columnList(spec.columns)}) FROM STDIN (FORMAT csv)`;
}

/** Every column of a table as format_type() spells it, in order; no rows when the table is missing. */
export const DESCRIBE_PG =
  'SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum';
