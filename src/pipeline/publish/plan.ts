// Planning a publish, without touching the server: the lake table's snapshot,
// the target spec, the partitions in the date range with their last-change
// versions and fingerprints, and which of them the ledger says were already
// sent. A preview (dry run) is this plan plus the statements it would run.

import path from 'node:path';
import type { PublishPreview } from '../../shared/contract';
import type { EngineClient } from '../engine/client';
import { loadSnapshot } from '../delta/load';
import { TableNotFoundError } from '../delta/log-segment';
import type { Snapshot } from '../delta/snapshot';
import { localTable } from '../delta/table';
import { NotFoundError, UsageError } from '../errors';
import type { Lake } from '../lake/lake';
import { fromInclusive } from '../runner/intervals';
import type { Interval } from '../runner/intervals';
import { lastPublished, ledgerTable } from './ledger';
import type { Published } from './ledger';
import { copyFromSql } from './postgres-sql';
import { emptyPartition, lakePartitions, renderSql, setPartitionVersions } from './source';
import type { LakePartition } from './source';
import { buildSpec, columnsSignature, DEFAULT_SCHEMA, tableConfig, targetConfig } from './targets';
import type { PublishTargetConfig } from '../config/project';
import type { DialectSql, TableSpec } from './types';
import { pgsql } from './postgres-sql';
import { tsql } from './mssql-sql';

export interface PublishRequestOptions {
  target: string;
  /** The lake table (`schema.name`) or the table's target name. */
  table: string;
  /** Inclusive first and last day. */
  from?: string;
  to?: string;
  /** Send every partition, even those the ledger says are unchanged. */
  force?: boolean;
}

export interface PlannedPartition {
  part: LakePartition;
  /** The last successful publish of this partition, if any. */
  previous: Published | null;
  skip: boolean;
}

export interface PublishPlan {
  targetName: string;
  target: PublishTargetConfig;
  /** `schema.name` in the lake. */
  table: string;
  spec: TableSpec;
  sql: DialectSql;
  snapshot: Snapshot;
  partitions: PlannedPartition[];
}

export function dialectOf(kind: PublishTargetConfig['kind']): DialectSql {
  return kind === 'sqlserver' ? tsql : pgsql;
}

function rangeOf(from?: string, to?: string): Interval | undefined {
  if (to && !from) throw new UsageError('A last day (to, --to) needs a first day too: give from (--from).');
  return from ? fromInclusive(from, to ?? from) : undefined;
}

/** The lake table's current snapshot; a table not built yet is a NotFoundError saying what to do. */
async function loadLakeTable(lake: Lake, engine: EngineClient, table: string): Promise<Snapshot> {
  // lakehouse.yml's schema only accepts `schema.name` here.
  const dir = path.join(lake.layout.tables, ...table.split('.'));
  try {
    return await loadSnapshot(localTable(dir, engine));
  } catch (err) {
    if (err instanceof TableNotFoundError)
      throw new NotFoundError(
        `The lake has no table ${table} (no Delta table at ${dir}). Run the pipeline to build it, or fix 'table' in lakehouse.yml.`,
      );
    throw err;
  }
}

export async function planPublish(
  lake: Lake,
  engine: EngineClient,
  req: PublishRequestOptions,
): Promise<PublishPlan> {
  const target = targetConfig(lake, req.target);
  const cfg = tableConfig(target, req.target, req.table);
  const snapshot = await loadLakeTable(lake, engine, cfg.table);
  const spec = buildSpec(
    target.kind,
    req.target,
    target.schema ?? DEFAULT_SCHEMA[target.kind],
    cfg,
    snapshot,
  );
  const signature = columnsSignature(spec);
  const range = rangeOf(req.from, req.to);
  const parts = lakePartitions(snapshot, spec.partitionColumn, signature, range);
  await setPartitionVersions(snapshot, spec.partitionColumn, parts);
  const ledger = await lastPublished(ledgerTable(lake.layout, engine), {
    target: req.target,
    table: cfg.table,
    targetTable: `${spec.schema}.${spec.name}`,
  });
  // A day the target still holds but the lake no longer has is published empty (its rows deleted).
  if (spec.partitionColumn !== null) {
    const present = new Set(parts.map((p) => p.label));
    for (const [label, prev] of ledger) {
      if (present.has(label) || prev.rows === 0) continue;
      if (range && (label === null || label < range.start || label >= range.end)) continue;
      parts.push(emptyPartition(label, signature, snapshot.version));
    }
    parts.sort((a, b) =>
      (a.label ?? '') < (b.label ?? '') ? -1 : (a.label ?? '') > (b.label ?? '') ? 1 : 0,
    );
  }
  const partitions = parts.map((part) => {
    const previous = ledger.get(part.label) ?? null;
    return { part, previous, skip: !req.force && previous?.fingerprint === part.fingerprint };
  });
  return {
    targetName: req.target,
    target,
    table: cfg.table,
    spec,
    sql: dialectOf(target.kind),
    snapshot,
    partitions,
  };
}

/** Rows of a partition: from file stats, or counted when a file has none. */
export async function partitionRows(
  engine: EngineClient,
  plan: PublishPlan,
  part: LakePartition,
): Promise<number> {
  if (part.rows !== null) return part.rows;
  const sql = await renderSql(plan.snapshot, plan.spec, part, plan.sql.kind);
  const { rows } = await engine.read(`SELECT count(*)::BIGINT FROM (${sql})`, { maxRows: 1 });
  return Number(rows[0]?.[0] ?? 0);
}

/** The statements a publish of `plan` runs, in order, for people to read (dry run, preview). */
export function planStatements(plan: PublishPlan): string[] {
  const { sql, spec } = plan;
  const out = [...sql.createTable(spec)];
  out.push(
    `-- new lake columns are added with ALTER TABLE ${sql.qualified(spec)} ADD …; a changed type stops the publish`,
  );
  for (const p of plan.partitions) {
    if (p.skip) continue;
    const label = p.part.label ?? (p.part.partition.whole ? 'whole table' : 'NULL partition');
    out.push(`-- partition ${label} (Delta version ${p.part.version})`);
    out.push(...sql.createStaging(spec));
    out.push(
      sql.kind === 'postgres'
        ? copyFromSql(spec)
        : `-- bulk load (TDS) into ${sql.stagingName(spec)}: ${spec.columns.map((c) => sql.quoteIdent(c.name)).join(', ')}`,
    );
    out.push(sql.kind === 'postgres' ? 'BEGIN' : 'BEGIN TRANSACTION');
    out.push(...sql.swap(spec, p.part.partition));
    out.push(sql.kind === 'postgres' ? 'COMMIT' : 'COMMIT TRANSACTION');
  }
  return out;
}

export async function previewOf(engine: EngineClient, plan: PublishPlan): Promise<PublishPreview> {
  const partitions = [];
  for (const p of plan.partitions) {
    partitions.push({
      partition: p.part.label,
      version: p.part.version,
      rows: await partitionRows(engine, plan, p.part),
      skip: p.skip,
    });
  }
  return {
    target: plan.targetName,
    table: plan.table,
    targetTable: `${plan.spec.schema}.${plan.spec.name}`,
    statements: planStatements(plan),
    partitions,
  };
}
