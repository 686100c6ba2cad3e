// table.describe, table.history and table.profile: one table at the current or
// a given version — its columns (with model docs), partitions with their files,
// rows, bytes and pipeline status, its properties, its commits, and a column
// profile (cancellable with query.cancel when called with a queryId). Tables
// are `schema.name` (or a unique bare name) as the catalog lists.

import type {
  ColumnProfile,
  HistoryEntry,
  TableColumn,
  TableDetail,
  TablePartition,
} from '../../shared/contract';
import type { ColumnInfo } from '../../shared/query';
import type { PartitionStatus } from '../../shared/runs';
import { quoteQualified } from '../engine/sql';
import { tableHistory } from '../delta/history';
import { localTable } from '../delta/table';
import { UsageError } from '../errors';
import { entrySelect, findEntry } from '../lake/catalog';
import type { CatalogEntry } from '../lake/catalog';
import type { Model } from '../models';
import { stateKey } from '../runner/state';
import type { Handlers } from './context';
import type { LakeSession } from './session';
import { sessionOf } from './session';
import { cancellable } from './query-methods';
import { profileTable } from './table-profile';
import {
  currentVersion,
  modelByTable,
  modelsOf,
  partitionsOf,
  snapshotOf,
  summaryOf,
  tableSummary,
  viewSummary,
} from './tables';

/** What a table reference names: a stored table, or a model materialized as a view. */
export type TableTarget = { kind: 'entry'; entry: CatalogEntry } | { kind: 'view'; model: Model };

export function targetOf(session: LakeSession, ref: string, models: readonly Model[]): TableTarget {
  try {
    return { kind: 'entry', entry: findEntry(session.explore.catalog, ref.split('.')) };
  } catch (err) {
    const parts = ref.split('.');
    const view = models.find(
      (m) =>
        m.config.materialized === 'view' &&
        (parts.length >= 2 ? m.config.layer === parts[0] && m.name === parts[1] : m.name === parts[0]),
    );
    if (view) return { kind: 'view', model: view };
    throw err;
  }
}

/** The SELECT for a target at a version (views and Parquet have none). */
export async function selectOf(session: LakeSession, target: TableTarget, version?: number): Promise<string> {
  if (target.kind === 'view') {
    if (version !== undefined) throw new UsageError(`${target.model.name} is a view: it has no versions.`);
    return `SELECT * FROM ${quoteQualified(target.model.config.layer, target.model.name)}`;
  }
  return (await entrySelect(target.entry, session.explore.engine, version !== undefined ? { version } : {}))
    .sql;
}

async function columnsOf(session: LakeSession, select: string): Promise<ColumnInfo[]> {
  return (await session.explore.engine.read(`SELECT * FROM (${select}) LIMIT 0`)).columns;
}

async function partitionStatuses(
  session: LakeSession,
  model: Model | undefined,
): Promise<Map<string, PartitionStatus> | null> {
  if (!model || model.config.materialized !== 'partitioned') return null;
  try {
    const planned = await session.runs.plan({ kind: 'run', models: [model.name] });
    const out = new Map(planned.plan.statuses);
    for (const key of session.runs.inFlight.keys()) out.set(key, 'running');
    return out;
  } catch {
    return null; // the state is an extra: a project that does not load still describes its tables
  }
}

async function describe(
  session: LakeSession,
  args: { table: string; version?: number },
): Promise<TableDetail> {
  const models = modelsOf(session);
  const target = targetOf(session, args.table, models);
  if (target.kind === 'view') return describeView(session, target.model);
  const { entry } = target;
  const model = modelByTable(models).get(`${entry.schema}.${entry.name}`);
  const docs = new Map((model?.columns ?? []).map((c) => [c.name, c.description]));
  const base = await tableSummary(session, entry, modelByTable(models));
  if (entry.kind === 'parquet') {
    if (args.version !== undefined)
      throw new UsageError(`${entry.schema}.${entry.name} is a plain Parquet dataset: it has no versions.`);
    const cols = await columnsOf(session, await selectOf(session, target));
    return {
      ...base,
      describedVersion: null,
      columns: cols.map((c) => ({ ...c, nullable: true, description: docs.get(c.name) ?? null })),
      partitionList: [],
      properties: { format: 'parquet', location: entry.dir },
      description: model?.description ?? null,
    };
  }
  const version = args.version ?? (await currentVersion(session, entry));
  const snapshot = await snapshotOf(session, entry, version);
  const summary = await summaryOf(session, entry, version);
  const nullable = new Map(summary.schema.map((f) => [f.name, f.nullable]));
  const cols = await columnsOf(session, await selectOf(session, target, version));
  const columns: TableColumn[] = cols.map((c) => ({
    ...c,
    nullable: nullable.get(c.name) ?? true,
    description: docs.get(c.name) ?? null,
  }));
  const statuses = await partitionStatuses(session, model);
  const partitionBy = model?.config.partitionBy ?? null;
  const partitionList: TablePartition[] =
    snapshot.partitionColumns.length === 0
      ? []
      : partitionsOf(snapshot).map((p) => {
          const day = partitionBy ? p.values[partitionBy] : undefined;
          const status = model && day ? (statuses?.get(stateKey(model.name, day)) ?? null) : null;
          return { values: p.values, files: p.files, rows: p.rows, bytes: p.bytes, status };
        });
  const properties: Record<string, string> = {
    format: 'delta',
    location: entry.dir,
    id: snapshot.metadata.id,
    minReaderVersion: String(snapshot.protocol.minReaderVersion),
    minWriterVersion: String(snapshot.protocol.minWriterVersion),
    numFiles: String(snapshot.files.length),
    ...(summary.protocol.readerFeatures.length > 0
      ? { readerFeatures: summary.protocol.readerFeatures.join(', ') }
      : {}),
    ...(summary.protocol.writerFeatures.length > 0
      ? { writerFeatures: summary.protocol.writerFeatures.join(', ') }
      : {}),
    ...snapshot.metadata.configuration,
  };
  return {
    ...base,
    // The summary describes the version asked for, not only the current one.
    rows: summary.numRecords,
    sizeBytes: summary.sizeInBytes,
    partitions: snapshot.partitionColumns.length === 0 ? null : partitionList.length,
    lastModified: summary.timestamp,
    describedVersion: version,
    columns,
    partitionList,
    properties,
    description: model?.description ?? snapshot.metadata.description ?? null,
  };
}

async function describeView(session: LakeSession, model: Model): Promise<TableDetail> {
  const docs = new Map(model.columns.map((c) => [c.name, c.description]));
  const cols = await columnsOf(session, await selectOf(session, { kind: 'view', model }));
  return {
    ...viewSummary(model),
    describedVersion: null,
    columns: cols.map((c) => ({ ...c, nullable: true, description: docs.get(c.name) ?? null })),
    partitionList: [],
    properties: { format: 'view', definition: model.file },
    description: model.description,
  };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

async function history(
  session: LakeSession,
  args: { table: string; limit?: number },
): Promise<HistoryEntry[]> {
  const target = targetOf(session, args.table, modelsOf(session));
  if (target.kind === 'view' || target.entry.kind !== 'delta') {
    throw new UsageError(`${args.table} is not a Delta table: it has no history.`);
  }
  const entries = await tableHistory(localTable(target.entry.dir, session.explore.engine), {
    limit: args.limit ?? 100,
  });
  return entries.map((e) => ({
    version: e.version,
    timestamp: new Date(e.timestamp).toISOString(),
    operation: e.operation,
    parameters: Object.fromEntries(Object.entries(e.operationParameters).map(([k, v]) => [k, text(v)])),
    metrics: Object.fromEntries(Object.entries(e.operationMetrics).map(([k, v]) => [k, text(v)])),
  }));
}

export const tableHandlers: Handlers<'table.describe' | 'table.history' | 'table.profile'> = {
  'table.describe': (args, ctx) => describe(sessionOf(ctx), args),
  'table.history': (args, ctx) => history(sessionOf(ctx), args),
  'table.profile': (args, ctx) => {
    const session = sessionOf(ctx);
    const profile = (signal?: AbortSignal): Promise<ColumnProfile[]> => profileOf(session, args, signal);
    return args.queryId === undefined ? profile() : cancellable(session, args.queryId, profile);
  },
};

async function profileOf(
  session: LakeSession,
  args: { table: string; version?: number },
  signal: AbortSignal | undefined,
): Promise<ColumnProfile[]> {
  const target = targetOf(session, args.table, modelsOf(session));
  if (target.kind === 'entry' && target.entry.kind === 'delta') {
    const version = args.version ?? (await currentVersion(session, target.entry));
    // A cancelled profile throws, so nothing is cached for it.
    return session.cached(`profile:${target.entry.dir}@${version}`, async () =>
      profileTable(session.explore.engine, await selectOf(session, target, version), signal),
    );
  }
  return profileTable(session.explore.engine, await selectOf(session, target, args.version), signal);
}
