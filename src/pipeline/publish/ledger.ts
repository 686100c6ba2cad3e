// The publish ledger, `_workbench/publish_ledger`: an append-only Delta table
// with one row per partition per publish (done, failed or skipped). The latest
// successful row of a partition tells a re-publish whether the lake still holds
// the same files for it (fingerprint), so unchanged partitions are not re-sent.

import path from 'node:path';
import type { PublishLedgerEntry } from '../../shared/contract';
import type { EngineClient } from '../engine/client';
import { quoteLiteral } from '../engine/sql';
import type { LakeLayout } from '../lake/layout';
import { appendRows, latestRowsSql } from '../runner/workbench';
import type { Cell, ColumnDef } from '../runner/workbench';
import { localTable } from '../delta/table';
import type { DeltaTable } from '../delta/table';

export const LEDGER_COLUMNS: ColumnDef[] = [
  { name: 'publish_id', type: 'VARCHAR' },
  { name: 'target', type: 'VARCHAR' },
  { name: 'table', type: 'VARCHAR' },
  { name: 'target_table', type: 'VARCHAR' },
  { name: 'partition', type: 'VARCHAR' },
  { name: 'version', type: 'BIGINT' },
  { name: 'fingerprint', type: 'VARCHAR' },
  { name: 'rows', type: 'BIGINT' },
  { name: 'deleted', type: 'BIGINT' },
  { name: 'status', type: 'VARCHAR' },
  { name: 'published_at', type: 'TIMESTAMPTZ' },
  { name: 'attempts', type: 'INTEGER' },
  { name: 'elapsed_ms', type: 'BIGINT' },
  { name: 'error', type: 'VARCHAR' },
];

export interface LedgerRow {
  publishId: string;
  target: string;
  table: string;
  targetTable: string;
  partition: string | null;
  version: number;
  fingerprint: string;
  rows: number;
  deleted: number;
  status: 'done' | 'failed' | 'skipped';
  publishedAt: Date;
  attempts: number;
  elapsedMs: number;
  error: string | null;
}

/** What the last successful publish of a partition sent. */
export interface Published {
  fingerprint: string;
  version: number;
  rows: number;
}

export function ledgerTable(layout: LakeLayout, engine: EngineClient): DeltaTable {
  return localTable(path.join(layout.workbench, 'publish_ledger'), engine);
}

export async function appendLedger(table: DeltaTable, rows: readonly LedgerRow[]): Promise<void> {
  const cells: Cell[][] = rows.map((r) => [
    r.publishId,
    r.target,
    r.table,
    r.targetTable,
    r.partition,
    r.version,
    r.fingerprint,
    r.rows,
    r.deleted,
    r.status,
    r.publishedAt.toISOString(),
    r.attempts,
    r.elapsedMs,
    r.error,
  ]);
  await appendRows(table, LEDGER_COLUMNS, cells, 'the publish ledger');
}

/** The latest 'done' row per partition of one target table; empty when nothing was published yet. */
export async function lastPublished(
  table: DeltaTable,
  key: { target: string; table: string; targetTable: string },
): Promise<Map<string | null, Published>> {
  const out = new Map<string | null, Published>();
  const sql = await latestRowsSql(table, ['target', 'target_table', 'partition', 'status'], 'published_at');
  if (!sql) return out;
  const { rows } = await table.engine.read(
    `SELECT "partition", fingerprint, version, "rows" FROM (${sql}) WHERE status = 'done' AND target = ${quoteLiteral(key.target)} AND "table" = ${quoteLiteral(key.table)} AND target_table = ${quoteLiteral(key.targetTable)}`,
    { maxRows: 10_000_000 },
  );
  for (const [partition, fingerprint, version, n] of rows) {
    out.set(typeof partition === 'string' ? partition : null, {
      fingerprint: String(fingerprint),
      version: Number(version),
      rows: Number(n),
    });
  }
  return out;
}

/** Ledger rows newest first, for history views. */
export async function ledgerHistory(
  table: DeltaTable,
  filter: { target?: string; table?: string; limit?: number },
): Promise<PublishLedgerEntry[]> {
  const sql = await latestRowsSql(table, ['publish_id', 'target_table', 'partition'], 'published_at');
  if (!sql) return [];
  const where = ['true'];
  if (filter.target) where.push(`target = ${quoteLiteral(filter.target)}`);
  if (filter.table)
    where.push(`("table" = ${quoteLiteral(filter.table)} OR target_table = ${quoteLiteral(filter.table)})`);
  const limit = filter.limit ?? 500;
  const { rows } = await table.engine.read(
    `SELECT target, "table", target_table, "partition", version, "rows", status, strftime(published_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ'), publish_id, error FROM (${sql}) WHERE ${where.join(' AND ')} ORDER BY published_at DESC, "partition" DESC LIMIT ${limit}`,
    { maxRows: limit },
  );
  return rows.map(([target, tbl, targetTable, partition, version, n, status, at, publishId, error]) => ({
    target: String(target),
    table: String(tbl),
    targetTable: String(targetTable),
    partition: typeof partition === 'string' ? partition : null,
    version: Number(version),
    rows: Number(n),
    status: status === 'failed' ? 'failed' : status === 'skipped' ? 'skipped' : 'done',
    publishedAt: String(at),
    publishId: String(publishId),
    error: typeof error === 'string' ? error : null,
  }));
}
