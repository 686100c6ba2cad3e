// Turns a write (mode, partitions, txn) plus the files DuckDB wrote into a
// Transaction against one snapshot: which live files it removes, what it read
// (its conflict scope), and the commitInfo that records it. Pure apart from
// the clock and a fresh txnId, so it can be redone against a newer snapshot
// without rewriting any data.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors';
import { encodePath } from './actions';
import type { Add, CommitInfo } from './actions';
import { partitionValueString } from './partition-values';
import type { Snapshot } from './snapshot';
import { inScope, partitionKey, partitionLabel, removeOf } from './transaction';
import type { PartitionColumn, ReadScope, Transaction } from './transaction';
import type { WrittenFile } from './write-files';
import type { SchemaPlan, WriteMode } from './write-schema';

/** A partition named by the caller: values keyed by partition column (dates as 'YYYY-MM-DD'). */
export type PartitionSpec = Readonly<Record<string, string | number | boolean | null>>;

export interface PlanInput {
  table: string;
  mode: WriteMode;
  snapshot: Snapshot | null;
  schema: SchemaPlan;
  files: readonly WrittenFile[];
  /** replacePartitions: exactly these partitions, even those the query has no rows for. */
  partitions?: readonly PartitionSpec[];
  txn?: { appId: string; version: number };
  operation?: string;
  /** False for rewrites that change no data (optimize): readers of changes skip them. */
  dataChange?: boolean;
  now: number;
}

export function partitionColumnsOf(schema: SchemaPlan): PartitionColumn[] {
  return schema.columns
    .filter((c) => c.partition)
    .map((c) => {
      if (typeof c.type !== 'string')
        throw new UsageError(`Partition column "${c.name}" must have a primitive type.`);
      return { name: c.name, type: c.type };
    });
}

/** The transaction that commits `files` on top of `snapshot`. */
export function planTransaction(input: PlanInput): Transaction {
  const columns = partitionColumnsOf(input.schema);
  const scope = readScope(input, columns);
  const live = input.snapshot?.files ?? [];
  const removes = live
    .filter((f) => inScope(scope, f.partitionValues, columns))
    .map((f) => ({ ...removeOf(f, input.now), dataChange: input.dataChange ?? true }));
  const adds = input.files.map((f) => ({ ...addOf(f), dataChange: input.dataChange ?? true }));
  const metrics = {
    numFiles: String(adds.length),
    numOutputRows: String(input.files.reduce((n, f) => n + f.numRecords, 0)),
    numOutputBytes: String(adds.reduce((n, a) => n + a.size, 0)),
    numRemovedFiles: String(removes.length),
    numRemovedBytes: String(removes.reduce((n, r) => n + (r.size ?? 0), 0)),
  };
  const readVersion = input.snapshot ? input.snapshot.version : -1;
  const commitInfo: Omit<CommitInfo, 'timestamp' | 'inCommitTimestamp'> = {
    operation: input.operation ?? operationName(input),
    operationParameters: operationParameters(input, columns),
    ...(readVersion >= 0 ? { readVersion } : {}),
    isolationLevel: 'Serializable',
    isBlindAppend: input.mode === 'append',
    operationMetrics: metrics,
    engineInfo: ENGINE_INFO,
    txnId: randomUUID(),
  };
  const configuration = (input.schema.metadata ?? input.snapshot?.metadata)?.configuration ?? {};
  return {
    table: input.table,
    readVersion,
    partitionColumns: columns,
    scope,
    protocol: input.schema.protocol,
    metadata: input.schema.metadata,
    removes,
    adds,
    txn: input.txn ?? null,
    commitInfo,
    inCommitTimestamps: configuration['delta.enableInCommitTimestamps'] === 'true',
  };
}

function addOf(f: WrittenFile): Add {
  return {
    path: encodePath(f.path),
    partitionValues: f.partitionValues,
    size: f.size,
    modificationTime: f.modificationTime,
    dataChange: true,
    stats: f.stats,
  };
}

/** What the write's result depends on: nothing (append), every file (overwrite), or the replaced partitions. */
function readScope(input: PlanInput, columns: readonly PartitionColumn[]): ReadScope {
  switch (input.mode) {
    case 'append':
      return { kind: 'none' };
    case 'overwrite':
      return { kind: 'table' };
    case 'replacePartitions': {
      if (columns.length === 0) {
        throw new UsageError(
          `${input.table} is not partitioned, so it has no partitions to replace; write it with mode 'overwrite'.`,
        );
      }
      const keys = input.partitions
        ? explicitKeys(input, columns)
        : new Set(input.files.map((f) => partitionKey(f.partitionValues, columns)));
      return { kind: 'partitions', keys };
    }
  }
}

/** The keys of the named partitions; the query may not write outside them (that would be lost data). */
function explicitKeys(input: PlanInput, columns: readonly PartitionColumn[]): Set<string> {
  const keys = new Set<string>();
  for (const spec of input.partitions ?? []) {
    const values: Record<string, string | null> = {};
    for (const c of columns) {
      if (!(c.name in spec)) {
        throw new UsageError(
          `The partition ${JSON.stringify(spec)} of ${input.table} gives no value for "${c.name}"; name every partition column (${columns.map((x) => x.name).join(', ')}).`,
        );
      }
      values[c.name] = specValue(input.table, c, spec[c.name]);
    }
    keys.add(partitionKey(values, columns));
  }
  for (const f of input.files) {
    if (!keys.has(partitionKey(f.partitionValues, columns))) {
      throw new UsageError(
        `The query wrote rows for partition ${partitionLabel(f.partitionValues, columns)} of ${input.table}, which is not among the partitions being replaced; filter the query to those partitions or add this one. Nothing was committed.`,
      );
    }
  }
  return keys;
}

function specValue(
  table: string,
  column: PartitionColumn,
  value: PartitionSpec[string] | undefined,
): string | null {
  try {
    return partitionValueString(column.type, value ?? null);
  } catch {
    throw new UsageError(
      `${JSON.stringify(value)} is not a valid ${column.type} value for the partition column "${column.name}" of ${table}.`,
    );
  }
}

function operationName(input: PlanInput): string {
  if (!input.snapshot) return 'CREATE TABLE';
  return input.mode === 'replacePartitions' ? 'REPLACE PARTITIONS' : 'WRITE';
}

/** Spark-style parameters: every value a string (history readers expect a string map). */
function operationParameters(input: PlanInput, columns: readonly PartitionColumn[]): Record<string, string> {
  const params: Record<string, string> = {
    mode: input.mode === 'append' ? 'Append' : 'Overwrite',
    partitionBy: JSON.stringify(columns.map((c) => c.name)),
  };
  if (input.mode === 'replacePartitions') {
    params['partitionOverwriteMode'] = 'DYNAMIC';
    if (input.partitions) params['partitions'] = JSON.stringify(input.partitions);
  }
  if (input.txn) {
    params['txnAppId'] = input.txn.appId;
    params['txnVersion'] = String(input.txn.version);
  }
  return params;
}

/**
 * Columns the table declares NOT NULL must have no nulls in any written file
 * (PROTOCOL.md: writers enforce the schema's nullability).
 */
export function checkNotNull(table: string, schema: SchemaPlan, files: readonly WrittenFile[]): void {
  for (const name of schema.notNull) {
    const bad = files.find(
      (f) =>
        (f.nullCounts.get(name) ?? 0) > 0 || (name in f.partitionValues && f.partitionValues[name] === null),
    );
    if (bad) {
      throw new UsageError(
        `Column "${name}" of ${table} is NOT NULL, but the query returns nulls for it (e.g. in ${bad.path}); filter them out or COALESCE them. Nothing was committed.`,
      );
    }
  }
}

/** 'lakehouse-workbench/<version>' for commitInfo.engineInfo, from the package.json above this module. */
export const ENGINE_INFO = `lakehouse-workbench/${packageVersion()}`;

function packageVersion(): string {
  try {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'lakehouse-workbench' && typeof pkg.version === 'string') return pkg.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    // Bundled without a package.json in reach: the engine is still named.
  }
  return 'unknown';
}
