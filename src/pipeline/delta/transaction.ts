// A planned commit: what the transaction read (its read version and the
// partitions its outcome depends on) and the actions it writes. It is a value:
// serializing it for a version only stamps the times, so a retry at a later
// version commits the same adds, removes and txn. Partitions are compared as
// typed values, so '2024-05-01' written by us and by Spark are one partition.

import type { Add, CommitInfo, DeltaAction, Metadata, Protocol, Remove } from './actions';
import { parsePartitionValue } from './partition-values';
import type { PrimitiveType } from './schema';

export interface PartitionColumn {
  name: string;
  type: PrimitiveType;
}

/** What the transaction's outcome depends on, i.e. what a concurrent commit must not touch. */
export type ReadScope =
  /** A blind append reads nothing: only metadata and protocol changes conflict. */
  | { kind: 'none' }
  /** An overwrite read every live file. */
  | { kind: 'table' }
  /** A partition replace read these partitions (keys from partitionKey). */
  | { kind: 'partitions'; keys: ReadonlySet<string> };

export interface Transaction {
  /** Names the table in messages. */
  table: string;
  /** The version the plan was made from; -1 when it creates the table. */
  readVersion: number;
  partitionColumns: readonly PartitionColumn[];
  scope: ReadScope;
  protocol: Protocol | null;
  metadata: Metadata | null;
  removes: readonly Remove[];
  adds: readonly Add[];
  txn: { appId: string; version: number } | null;
  /** Everything but the times, which are stamped per attempt. */
  commitInfo: Omit<CommitInfo, 'timestamp' | 'inCommitTimestamp'>;
  /** delta.enableInCommitTimestamps: commitInfo carries a monotonic inCommitTimestamp. */
  inCommitTimestamps: boolean;
}

/**
 * The commit file's actions for one attempt: commitInfo first (In-Commit
 * Timestamps require it there), then protocol, metaData, txn, removes, adds.
 */
export function transactionActions(
  tx: Transaction,
  at: { now: number; inCommitTimestamp?: number },
): DeltaAction[] {
  const info: CommitInfo = { timestamp: at.now };
  if (tx.inCommitTimestamps && at.inCommitTimestamp !== undefined)
    info.inCommitTimestamp = at.inCommitTimestamp;
  const actions: DeltaAction[] = [{ commitInfo: { ...info, ...tx.commitInfo } }];
  if (tx.protocol) actions.push({ protocol: tx.protocol });
  if (tx.metadata) actions.push({ metaData: tx.metadata });
  if (tx.txn) actions.push({ txn: { appId: tx.txn.appId, version: tx.txn.version, lastUpdated: at.now } });
  for (const remove of tx.removes) actions.push({ remove });
  for (const add of tx.adds) actions.push({ add });
  return actions;
}

/** The remove that retires a live file: the extended form, with its DV and row-tracking fields. */
export function removeOf(add: Add, deletionTimestamp: number): Remove {
  const remove: Remove = {
    path: add.path,
    deletionTimestamp,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: add.partitionValues,
    size: add.size,
  };
  if (add.tags) remove.tags = add.tags;
  if (add.deletionVector) remove.deletionVector = add.deletionVector;
  if (add.baseRowId !== undefined && add.baseRowId !== null) remove.baseRowId = add.baseRowId;
  if (add.defaultRowCommitVersion !== undefined && add.defaultRowCommitVersion !== null) {
    remove.defaultRowCommitVersion = add.defaultRowCommitVersion;
  }
  return remove;
}

/**
 * A partition's identity: its values parsed by type and printed canonically,
 * so '1.0' and '1.00' in a decimal(3,2) column, or '2024-05-01 00:00:00' and
 * '2024-05-01T00:00:00.000000Z' in a timestamp column, are the same partition.
 * A value that does not parse is kept as written (it can only equal itself).
 */
export function partitionKey(
  values: Readonly<Record<string, string | null>> | null | undefined,
  columns: readonly PartitionColumn[],
): string {
  return JSON.stringify(columns.map((c) => canonical(c, values?.[c.name] ?? null)));
}

function canonical(column: PartitionColumn, raw: string | null): string | null {
  if (raw === null || raw === '') return null;
  try {
    const v = parsePartitionValue(column.type, raw, column.name);
    if (v === null) return null;
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    return `${typeof v}:${String(v)}`;
  } catch {
    return `raw:${raw}`;
  }
}

/** `dt=2024-05-01/region=eu` for messages; null shows as __HIVE_DEFAULT_PARTITION__ would, as null. */
export function partitionLabel(
  values: Readonly<Record<string, string | null>> | null | undefined,
  columns: readonly PartitionColumn[],
): string {
  return columns.map((c) => `${c.name}=${values?.[c.name] ?? 'null'}`).join('/');
}

/** True when `values` lies in the scope's partitions (or the scope is the whole table). */
export function inScope(
  scope: ReadScope,
  values: Readonly<Record<string, string | null>> | null | undefined,
  columns: readonly PartitionColumn[],
): boolean {
  switch (scope.kind) {
    case 'none':
      return false;
    case 'table':
      return true;
    case 'partitions':
      return scope.keys.has(partitionKey(values, columns));
  }
}
