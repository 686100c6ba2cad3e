// The app's own Delta tables under _workbench/: partition state, runs and
// quarantine. State and runs are append-only logs (the latest row per key wins),
// so concurrent writers only ever append and never conflict; quarantine is
// replaced per (source, arrival day), so re-reading a day never duplicates it.

import path from 'node:path';
import type { EngineClient } from '../engine/client';
import { quoteIdent, quoteLiteral } from '../engine/sql';
import { loadSnapshot } from '../delta/load';
import { TableNotFoundError } from '../delta/log-segment';
import { scanSql } from '../delta/scan';
import { localTable } from '../delta/table';
import type { DeltaTable } from '../delta/table';
import { requireCommitted, writeDelta } from '../delta/write';
import type { LakeLayout } from '../lake/layout';

export type Cell = string | number | boolean | null;

export interface ColumnDef {
  name: string;
  type: string;
}

export const STATE_COLUMNS: ColumnDef[] = [
  { name: 'model', type: 'VARCHAR' },
  { name: 'partition', type: 'DATE' },
  { name: 'status', type: 'VARCHAR' },
  { name: 'fingerprint', type: 'VARCHAR' },
  { name: 'output_version', type: 'BIGINT' },
  { name: 'rows', type: 'BIGINT' },
  { name: 'quarantined', type: 'BIGINT' },
  { name: 'run_id', type: 'VARCHAR' },
  { name: 'finished_at', type: 'TIMESTAMPTZ' },
  { name: 'duration_ms', type: 'BIGINT' },
  { name: 'error', type: 'VARCHAR' },
  { name: 'tests', type: 'VARCHAR' },
];

export const RUN_COLUMNS: ColumnDef[] = [
  { name: 'run_id', type: 'VARCHAR' },
  { name: 'kind', type: 'VARCHAR' },
  { name: 'request', type: 'VARCHAR' },
  { name: 'status', type: 'VARCHAR' },
  { name: 'started_at', type: 'TIMESTAMPTZ' },
  { name: 'finished_at', type: 'TIMESTAMPTZ' },
  { name: 'tasks', type: 'INTEGER' },
  { name: 'succeeded', type: 'INTEGER' },
  { name: 'failed', type: 'INTEGER' },
  { name: 'skipped', type: 'INTEGER' },
  { name: 'rows', type: 'BIGINT' },
  { name: 'quarantined', type: 'BIGINT' },
  { name: 'error', type: 'VARCHAR' },
];

export function workbenchTable(
  layout: LakeLayout,
  name: 'partition_state' | 'runs' | 'quarantine',
  engine: EngineClient,
): DeltaTable {
  return localTable(path.join(layout.workbench, name), engine);
}

/** `SELECT CAST(…) AS col, … FROM (VALUES …)` for rows of plain values. */
export function valuesSql(columns: readonly ColumnDef[], rows: readonly (readonly Cell[])[]): string {
  const lit = (v: Cell): string =>
    v === null ? 'NULL' : typeof v === 'string' ? quoteLiteral(v) : String(v);
  const tuples = rows.map((r) => `(${columns.map((_, i) => lit(r[i] ?? null)).join(', ')})`).join(', ');
  const cols = columns.map((c, i) => `CAST(c${i} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ');
  return `SELECT ${cols} FROM (VALUES ${tuples}) AS v(${columns.map((_, i) => `c${i}`).join(', ')})`;
}

/** Appends rows to a log table (creating it on first use). */
export async function appendRows(
  table: DeltaTable,
  columns: readonly ColumnDef[],
  rows: readonly (readonly Cell[])[],
  name: string,
): Promise<void> {
  if (rows.length === 0) return;
  requireCommitted(
    await writeDelta(table, { sql: valuesSql(columns, rows), mode: 'append', name, checkpoint: true }),
    name,
  );
}

/** The latest row per key of a log table, as SQL; null when the table does not exist yet. */
export async function latestRowsSql(
  table: DeltaTable,
  keys: readonly string[],
  order: string,
): Promise<string | null> {
  try {
    const snapshot = await loadSnapshot(table);
    return `SELECT * FROM (${await scanSql(snapshot)}) QUALIFY row_number() OVER (PARTITION BY ${keys.map(quoteIdent).join(', ')} ORDER BY ${quoteIdent(order)} DESC) = 1`;
  } catch (err) {
    if (err instanceof TableNotFoundError) return null;
    throw err;
  }
}
