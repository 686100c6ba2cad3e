// The lake side of a publish: a Delta table's partitions (each with its live
// files, a fingerprint of them and the version of its last change) and the
// export of one partition to a CSV file by DuckDB, read back as a stream. The
// file is on disk, never in memory, so a partition of any size costs the same
// memory; values are rendered as the target parses them exactly (ISO times,
// hex bytes), so nothing goes through a JavaScript number or Date.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { EngineClient } from '../engine/client';
import { quoteIdent, quoteLiteral } from '../engine/sql';
import { decodePath, fileKey } from '../delta/actions';
import type { Add } from '../delta/actions';
import { readCommit } from '../delta/load';
import { listLog } from '../delta/log-segment';
import {
  formatDate,
  formatTimestamp,
  parsePartitionValue,
  primitiveOf,
  sqlText,
} from '../delta/partition-values';
import { scanSql } from '../delta/scan';
import type { Predicate } from '../delta/stats';
import { parseStats } from '../delta/stats';
import { physicalName } from '../delta/schema';
import type { PrimitiveType } from '../delta/schema';
import type { Snapshot } from '../delta/snapshot';
import type { Interval } from '../runner/intervals';
import { UsageError } from '../errors';
import { csvBatches } from './csv';
import type { PartitionValue, PublishKind, RowSource, TableSpec } from './types';

/** Commits read back at most to date a partition's last change. */
const MAX_COMMITS_READ = 5000;

export interface LakePartition {
  partition: PartitionValue;
  /** The partition's value as text (null: the null partition or an unpartitioned table). */
  label: string | null;
  files: Add[];
  /** Rows from the files' stats (minus deleted rows); null when a file has no stats. */
  rows: number | null;
  /** Hash of the published columns and the partition's live files: equal means the same rows. */
  fingerprint: string;
  /** Version of the commit that last added or removed a file of this partition. */
  version: number;
}

/** A partition value as text the targets parse exactly: dates as YYYY-MM-DD, times in ISO 8601. */
export function partitionText(
  type: PrimitiveType,
  raw: string | null | undefined,
  column: string,
): string | null {
  const v = parsePartitionValue(type, raw, column);
  if (v === null) return null;
  if (type === 'date' && typeof v === 'number') return formatDate(v);
  if (type === 'timestamp_ntz' && typeof v === 'bigint') return formatTimestamp(v, 'T');
  if (type === 'timestamp' && typeof v === 'bigint') return `${formatTimestamp(v, 'T')}+00:00`;
  return sqlText(type, v);
}

/** The partitions of `snapshot` by `column` (null: the whole table is one), within `range` (dates). */
export function lakePartitions(
  snapshot: Snapshot,
  column: string | null,
  columnsSignature: string,
  range?: Interval,
): LakePartition[] {
  if (column === null) {
    return [partitionOf({ whole: true }, null, [...snapshot.files], columnsSignature, snapshot.version)];
  }
  const field = snapshot.schema.fields.find((f) => f.name === column);
  if (!field) throw new UsageError(`'${column}' is not a column of ${snapshot.table.storage.root}.`);
  const type = primitiveOf(field.type, column);
  if (range && type !== 'date') {
    throw new UsageError(
      `--from/--to select days, but the partition column '${column}' is a ${type}; publish without a date range.`,
    );
  }
  const key = physicalName(field, snapshot.columnMapping);
  const groups = new Map<string | null, Add[]>();
  for (const f of snapshot.files) {
    const label = partitionText(type, f.partitionValues[key], column);
    if (range && (label === null || label < range.start || label >= range.end)) continue;
    groups.set(label, [...(groups.get(label) ?? []), f]);
  }
  return [...groups]
    .sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([label, files]) =>
      partitionOf({ whole: false, value: label }, label, files, columnsSignature, snapshot.version),
    );
}

/** A partition the lake no longer has (emptied): publishing it deletes the target's rows of that day. */
export function emptyPartition(
  label: string | null,
  columnsSignature: string,
  version: number,
): LakePartition {
  return partitionOf({ whole: false, value: label }, label, [], columnsSignature, version);
}

function partitionOf(
  partition: PartitionValue,
  label: string | null,
  files: Add[],
  columnsSignature: string,
  version: number,
): LakePartition {
  let rows: number | null = 0;
  for (const f of files) {
    const n = parseStats(f.stats)?.numRecords ?? null;
    rows = rows === null || n === null ? null : rows + n - (f.deletionVector?.cardinality ?? 0);
  }
  const keys = files.map((f) => fileKey(decodePath(f.path), f.deletionVector)).sort();
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([columnsSignature, keys]))
    .digest('hex')
    .slice(0, 32);
  return { partition, label, files, rows, fingerprint, version };
}

/**
 * Sets each partition's `version` to the commit that last touched it: the log
 * is read newest first until every partition is found, so a commit to other
 * partitions never makes an unchanged one look new.
 */
export async function setPartitionVersions(
  snapshot: Snapshot,
  column: string | null,
  parts: LakePartition[],
): Promise<void> {
  const open = new Map<string | null, LakePartition[]>();
  for (const p of parts) if (p.files.length > 0) open.set(p.label, [...(open.get(p.label) ?? []), p]);
  if (open.size === 0) return;
  const field = column === null ? null : snapshot.schema.fields.find((f) => f.name === column);
  const key = field ? physicalName(field, snapshot.columnMapping) : null;
  const type = field ? primitiveOf(field.type, field.name) : null;
  const listing = await listLog(snapshot.table.storage);
  const versions = [...listing.commits.keys()].filter((v) => v <= snapshot.version).sort((a, b) => b - a);
  let oldest = snapshot.version;
  for (const v of versions.slice(0, MAX_COMMITS_READ)) {
    oldest = v;
    const commit = listing.commits.get(v);
    if (!commit) continue;
    for (const a of await readCommit(snapshot.table, commit.file)) {
      const values =
        'add' in a ? a.add.partitionValues : 'remove' in a ? a.remove.partitionValues : undefined;
      if (values === undefined) continue;
      const label = key === null || type === null ? null : partitionText(type, values?.[key], column ?? '');
      const found = open.get(label);
      if (!found) continue;
      for (const p of found) p.version = v;
      open.delete(label);
    }
    if (open.size === 0) return;
  }
  // Older commits were cleaned up: the change is at most as new as the oldest one read.
  for (const found of open.values()) for (const p of found) p.version = oldest;
}

/** The SELECT that renders a partition's rows for `spec`'s target. */
export async function renderSql(
  snapshot: Snapshot,
  spec: TableSpec,
  part: LakePartition,
  kind: PublishKind,
): Promise<string> {
  const predicates: Predicate[] = [];
  if (!part.partition.whole && spec.partitionColumn !== null) {
    predicates.push(
      part.label === null
        ? { column: spec.partitionColumn, op: 'is null' }
        : { column: spec.partitionColumn, op: '=', value: part.label },
    );
  }
  const scan = await scanSql(snapshot, { columns: spec.columns.map((c) => c.name), predicates });
  const pg = kind === 'postgres';
  const exprs = spec.columns.map((c) => {
    const col = quoteIdent(c.name);
    switch (c.type.render) {
      case 'bit':
        return `CAST(${col} AS INTEGER) AS ${col}`;
      case 'timestamp':
        return `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%f') AS ${col}`;
      case 'timestamptz':
        return `strftime(timezone('UTC', ${col}), '%Y-%m-%dT%H:%M:%S.%f') || '+00:00' AS ${col}`;
      case 'hex':
        return `${pg ? `'\\x' || ` : ''}hex(${col}) AS ${col}`;
      default:
        return col;
    }
  });
  return `SELECT ${exprs.join(', ')} FROM (${scan}) AS __lh_publish`;
}

/** Writes one partition's rows to `file` as CSV (see RowSource); returns the row count DuckDB wrote. */
export async function exportPartition(
  engine: EngineClient,
  sql: string,
  file: string,
  signal?: AbortSignal,
): Promise<number> {
  const copy = `COPY (${sql}) TO ${quoteLiteral(file)} (FORMAT csv, HEADER false)`;
  const options: { maxRows: number; signal?: AbortSignal } = { maxRows: 10 };
  if (signal) options.signal = signal;
  const { rows } = await engine.read(copy, options);
  return Number(rows[0]?.[0] ?? 0);
}

/** A RowSource over an exported CSV file: each call opens a fresh stream. */
export function fileSource(file: string, rows: number, highWaterMark = 1 << 20): RowSource {
  const open = (): Readable => fs.createReadStream(file, { highWaterMark });
  return {
    rows,
    csv: open,
    batches: (size) => csvBatches(open(), size),
  };
}
