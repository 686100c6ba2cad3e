// OPTIMIZE: compacts small files. Every partition with at least `minFiles`
// files under the target size (or with deleted rows still masked by deletion
// vectors) is rewritten into as few files as its data needs, all in one
// replace-partitions commit with dataChange=false, so concurrent readers keep
// their snapshot and a concurrent write to the same partitions is a conflict.

import { UsageError } from '../errors';
import { loadSnapshot } from './load';
import { scanSql } from './scan';
import type { Snapshot } from './snapshot';
import type { DeltaTable } from './table';
import { requireCommitted, writeDelta } from './write';
import type { PartitionSpec } from './write-plan';

export interface OptimizeOptions {
  /** Files smaller than this are compacted; default 128 MB. */
  targetFileSize?: number;
  /** A partition is rewritten when it has at least this many small files; default 2. */
  minFiles?: number;
  signal?: AbortSignal;
}

export interface OptimizeResult {
  /** The new version, or null when there was nothing to compact. */
  version: number | null;
  partitions: number;
  filesRemoved: number;
  filesAdded: number;
}

const DEFAULT_TARGET = 128 * 1024 * 1024;

export async function optimize(table: DeltaTable, opts: OptimizeOptions = {}): Promise<OptimizeResult> {
  const target = opts.targetFileSize ?? DEFAULT_TARGET;
  const minFiles = opts.minFiles ?? 2;
  if (!(target > 0) || !Number.isInteger(minFiles) || minFiles < 2) {
    throw new UsageError('optimize needs a target file size above 0 and at least 2 files to compact.');
  }
  const snapshot = await loadSnapshot(table);
  const groups = new Map<string, Snapshot['files'][number][]>();
  for (const f of snapshot.files) {
    const key = JSON.stringify(snapshot.partitionColumns.map((c) => f.partitionValues[c] ?? null));
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const chosen = [...groups.entries()].filter(([, files]) => {
    const small = files.filter((f) => f.size < target).length;
    const masked = files.some((f) => (f.deletionVector?.cardinality ?? 0) > 0);
    return small >= minFiles || masked;
  });
  if (chosen.length === 0) return { version: null, partitions: 0, filesRemoved: 0, filesAdded: 0 };
  const partitioned = snapshot.partitionColumns.length > 0;
  // The rows of exactly the partitions being replaced (an unpartitioned table is
  // overwritten whole, so it is read whole), deletion vectors applied.
  const files = partitioned ? chosen.flatMap(([, f]) => f) : snapshot.files;
  const sql = await scanSql({ ...snapshot, files });
  const partitions: PartitionSpec[] = chosen.map(([key]) => {
    const values = JSON.parse(key) as (string | null)[];
    return Object.fromEntries(snapshot.partitionColumns.map((c, i) => [c, values[i] ?? null]));
  });
  const result = await writeDelta(table, {
    sql,
    mode: partitioned ? 'replacePartitions' : 'overwrite',
    ...(partitioned ? { partitions } : {}),
    operation: 'OPTIMIZE',
    dataChange: false,
    targetFileSize: `${Math.floor(target / (1024 * 1024))}MB`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (result.status !== 'committed') {
    requireCommitted(result, table.storage.root);
    throw new UsageError(`optimize of ${table.storage.root} did not commit; run it again.`);
  }
  return {
    version: result.version,
    partitions: chosen.length,
    filesRemoved: result.metrics.numRemovedFiles,
    filesAdded: result.metrics.numFiles,
  };
}
