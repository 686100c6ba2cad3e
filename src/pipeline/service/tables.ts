// Tables as the service shows them: resolving `schema.name`, the Delta snapshot
// of a version, its summary (cached per table and version, since a version never
// changes) and which model builds a table. Shared by catalog.* and table.*.

import fs from 'node:fs';
import path from 'node:path';
import type { TableSummary } from '../../shared/contract';
import { quoteQualified } from '../engine/sql';
import { loadSnapshot } from '../delta/load';
import { latestVersion, listLog, TableNotFoundError } from '../delta/log-segment';
import type { Snapshot } from '../delta/snapshot';
import { localTable } from '../delta/table';
import { physicalName } from '../delta/schema';
import { parseStats } from '../delta/stats';
import { summarize } from '../delta/table-info';
import type { SnapshotSummary } from '../delta/table-info';
import type { CatalogEntry } from '../lake/catalog';
import { loadProject } from '../models';
import type { Model } from '../models';
import type { LakeSession } from './session';

/** A view model as the catalog lists it: no Delta version, size or partitions of its own. */
export function viewSummary(model: Model): TableSummary {
  return {
    schema: model.config.layer,
    name: model.name,
    kind: 'view',
    version: null,
    rows: null,
    partitions: null,
    partitionColumns: [],
    sizeBytes: null,
    lastModified: null,
    model: model.name,
  };
}

/** The models of the lake, or none when the project does not load (the lake's problems say why). */
export function modelsOf(session: LakeSession): Model[] {
  try {
    return loadProject(session.lake).models;
  } catch {
    return [];
  }
}

/** `schema.name` → the model that writes that table (views excluded: they write nothing). */
export function modelByTable(models: readonly Model[]): Map<string, Model> {
  return new Map(
    models.filter((m) => m.config.materialized !== 'view').map((m) => [`${m.config.layer}.${m.name}`, m]),
  );
}

/** The current version of a Delta table from a listing of its log (no replay). */
export async function currentVersion(session: LakeSession, entry: CatalogEntry): Promise<number> {
  const table = localTable(entry.dir, session.explore.engine);
  const v = latestVersion(await listLog(table.storage));
  if (v < 0) throw new TableNotFoundError(entry.dir);
  return v;
}

export function snapshotOf(session: LakeSession, entry: CatalogEntry, version: number): Promise<Snapshot> {
  return session.cached(`snapshot:${entry.dir}@${version}`, () =>
    loadSnapshot(localTable(entry.dir, session.explore.engine), { version }),
  );
}

export function summaryOf(
  session: LakeSession,
  entry: CatalogEntry,
  version: number,
): Promise<SnapshotSummary> {
  return session.cached(`summary:${entry.dir}@${version}`, async () =>
    summarize(await snapshotOf(session, entry, version)),
  );
}

/** Partition column (logical name) → the key of its value in add.partitionValues (physical name). */
function partitionKeys(snapshot: Snapshot): [string, string][] {
  return snapshot.partitionColumns.map((c) => {
    const field = snapshot.schema.fields.find((f) => f.name === c);
    return [c, field ? physicalName(field, snapshot.columnMapping) : c];
  });
}

export interface PartitionFiles {
  values: Record<string, string | null>;
  files: number;
  /** Null when a file has no row count in its stats. */
  rows: number | null;
  bytes: number;
}

/** Live files grouped by partition, sorted by partition values (one group for an unpartitioned table). */
export function partitionsOf(snapshot: Snapshot): PartitionFiles[] {
  const keys = partitionKeys(snapshot);
  const groups = new Map<string, PartitionFiles>();
  for (const f of snapshot.files) {
    const values: Record<string, string | null> = {};
    for (const [logical, physical] of keys) values[logical] = f.partitionValues[physical] ?? null;
    const id = JSON.stringify(keys.map(([l]) => values[l]));
    const g = groups.get(id) ?? { values, files: 0, rows: 0, bytes: 0 };
    groups.set(id, g);
    g.files++;
    g.bytes += f.size;
    const stats = parseStats(f.stats);
    g.rows =
      g.rows === null || !stats || stats.numRecords === null
        ? null
        : g.rows + stats.numRecords - (f.deletionVector?.cardinality ?? 0);
  }
  return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([, g]) => g);
}

/** Distinct partitions of a snapshot's live files (null for an unpartitioned table). */
export function partitionCount(snapshot: Snapshot): number | null {
  if (snapshot.partitionColumns.length === 0) return null;
  return partitionsOf(snapshot).length;
}

/** The catalog row of one table (Delta or plain Parquet). */
export async function tableSummary(
  session: LakeSession,
  entry: CatalogEntry,
  byTable: ReadonlyMap<string, Model>,
): Promise<TableSummary> {
  const key = `${entry.schema}.${entry.name}`;
  const model = byTable.get(key)?.name ?? null;
  if (entry.kind === 'parquet') {
    const { rows } = await session.explore.engine.read(
      `SELECT count(*)::BIGINT FROM ${quoteQualified(entry.schema, entry.name)}`,
    );
    return {
      schema: entry.schema,
      name: entry.name,
      kind: 'parquet',
      version: null,
      rows: Number(rows[0]?.[0] ?? 0),
      partitions: null,
      partitionColumns: [],
      sizeBytes: folderBytes(entry.dir),
      lastModified: null,
      model,
    };
  }
  const version = await currentVersion(session, entry);
  const snapshot = await snapshotOf(session, entry, version);
  const summary = await summaryOf(session, entry, version);
  return {
    schema: entry.schema,
    name: entry.name,
    kind: 'delta',
    version,
    rows: summary.numRecords,
    partitions: partitionCount(snapshot),
    partitionColumns: summary.partitionColumns,
    sizeBytes: summary.sizeInBytes,
    lastModified: summary.timestamp,
    model,
  };
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.parquet')) {
      total += fs.statSync(path.join(e.parentPath, e.name)).size;
    }
  }
  return total;
}
