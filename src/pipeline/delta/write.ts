// Writing a Delta table from a DuckDB query: load the latest snapshot, plan the
// schema, let DuckDB write the parquet files, plan the transaction, commit it.
// Only the commit file makes data visible: a write that fails, is cancelled or
// is killed before it leaves orphan files that readers never list and vacuum
// removes. The outcome is a value; requireCommitted() turns it into errors.

import { CancelledError, CommitConflictError, UsageError } from '../errors';
import { maybeCheckpoint } from './checkpoint-write';
import { commitTransaction } from './commit';
import type { CommitOptions, CommitResult } from './commit';
import { indexedColumnsOf } from './file-stats';
import { loadSnapshot } from './load';
import { TableNotFoundError } from './log-segment';
import type { Snapshot } from './snapshot';
import type { StructType } from './schema';
import type { DeltaTable } from './table';
import { inScope, partitionLabel } from './transaction';
import type { Transaction } from './transaction';
import { describeQuery, writeDataFiles } from './write-files';
import type { WrittenFile } from './write-files';
import { checkNotNull, partitionColumnsOf, planTransaction } from './write-plan';
import type { PartitionSpec } from './write-plan';
import { checkCanWrite, planSchema } from './write-schema';
import type { QueryColumn, SchemaPlan, WriteMode } from './write-schema';

export type { PartitionSpec } from './write-plan';
export type { WriteMode } from './write-schema';

/** Points where a write can be observed (and, in crash tests, stopped). */
export type WriteStage = 'snapshot-loaded' | 'files-started' | 'files-written' | 'commit-ready' | 'committed';

export interface WriteOptions {
  /** A SELECT run on table.engine. */
  sql: string;
  mode: WriteMode;
  /** Partition columns of a new table; for an existing one, if given, they must be the table's. */
  partitionBy?: readonly string[];
  /** replacePartitions: replace exactly these partitions (a day the query has no rows for is emptied). */
  partitions?: readonly PartitionSpec[];
  /** Idempotence: when the table already has this appId at this version or later, nothing is written. */
  txn?: { appId: string; version: number };
  /** commitInfo.operation; default WRITE, REPLACE PARTITIONS or CREATE TABLE. */
  operation?: string;
  /** False for a rewrite that changes no rows (optimize); default true. */
  dataChange?: boolean;
  /** metaData.configuration of a new table (ignored for an existing one). */
  configuration?: Readonly<Record<string, string>>;
  /** Names the table in messages; default: its folder. */
  name?: string;
  /** Unpartitioned writes start a new file after this size (DuckDB syntax, default '128MB'). */
  targetFileSize?: string;
  /** Write a checkpoint when the new version is a multiple of delta.checkpointInterval (default true). */
  checkpoint?: boolean;
  signal?: AbortSignal;
  commit?: Pick<CommitOptions, 'maxAttempts' | 'sleep' | 'onRetry'>;
  onStage?: (stage: WriteStage) => void | Promise<void>;
}

export interface WriteMetrics {
  numFiles: number;
  numOutputRows: number;
  numOutputBytes: number;
  numRemovedFiles: number;
  /** Columns this write added to the schema. */
  addedColumns: string[];
  /** The files committed, relative to the table root. */
  files: string[];
}

export type WriteResult =
  | {
      status: 'committed';
      version: number;
      attempts: number;
      metrics: WriteMetrics;
      checkpointError?: string;
    }
  /** The table already holds this txn (appVersion ≥ the requested version) as of `version`. */
  | { status: 'skipped'; version: number; appId: string; appVersion: number; reason: string }
  | { status: 'conflict'; winning: number; reason: string }
  | { status: 'retryable'; cause: unknown };

/** Writes the rows of `opts.sql` into the table as one commit. */
export async function writeDelta(table: DeltaTable, opts: WriteOptions): Promise<WriteResult> {
  const name = opts.name ?? table.storage.root;
  checkOptions(name, opts);
  const now = Date.now();
  const snapshot = await latestSnapshot(table);
  await opts.onStage?.('snapshot-loaded');
  const done = alreadyCommitted(snapshot, opts.txn);
  if (done) return done;
  if (snapshot) checkCanWrite(name, snapshot, opts.mode);
  const query = await describeQuery(table.engine, opts.sql, opts.signal);
  const schema = planFor(name, snapshot, query, opts, now);
  await opts.onStage?.('files-started');
  const files = await writeFilesFor(table, opts, schema, snapshot);
  await opts.onStage?.('files-written');
  checkNotNull(name, schema, files);
  const tx = planTransaction({
    table: name,
    mode: opts.mode,
    snapshot,
    schema,
    files,
    ...planExtras(opts),
    now,
  });
  await opts.onStage?.('commit-ready');
  const first = await commitTransaction(table, tx, commitOptions(opts));
  const { result, committed, current } =
    first.status === 'conflict' && tx.readVersion < 0
      ? await commitOnCreatedTable(table, { name, query, schema, files, opts, lost: first, tx })
      : { result: first, committed: tx, current: snapshot };
  switch (result.status) {
    case 'committed': {
      await opts.onStage?.('committed');
      // A winner that changed the metadata would have conflicted, so ours (or the snapshot's) is current.
      const configuration = (committed.metadata ?? current?.metadata)?.configuration ?? {};
      return {
        ...result,
        metrics: metricsOf(committed, schema, files),
        ...(await checkpointAfter(table, result.version, configuration, opts)),
      };
    }
    case 'skipped':
      return {
        status: 'skipped',
        version: result.winning,
        appId: result.appId,
        appVersion: result.appVersion,
        reason: result.reason,
      };
    default:
      return result;
  }
}

export function writeFilesFor(
  table: DeltaTable,
  opts: WriteOptions,
  schema: SchemaPlan,
  snapshot: Snapshot | null,
): Promise<WrittenFile[]> {
  const configuration = (schema.metadata ?? snapshot?.metadata)?.configuration ?? {};
  return writeDataFiles(table, {
    sql: opts.sql,
    columns: schema.columns,
    dataSchema: dataSchemaOf(schema),
    configuration,
    indexedColumns: indexedColumnsOf(configuration),
    ...(opts.targetFileSize ? { targetFileSize: opts.targetFileSize } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/**
 * Another writer created the table first (parallel first runs of a new
 * model): our files still fit when its schema does, so the write is re-planned
 * on top of the new table and committed, instead of failing.
 */
async function commitOnCreatedTable(
  table: DeltaTable,
  ctx: {
    name: string;
    query: readonly QueryColumn[];
    schema: SchemaPlan;
    files: readonly WrittenFile[];
    opts: WriteOptions;
    lost: CommitResult;
    tx: Transaction;
  },
): Promise<{ result: CommitResult; committed: Transaction; current: Snapshot | null }> {
  const current = await latestSnapshot(table);
  const rebased = current ? rebase(ctx.name, current, ctx.query, ctx.schema, ctx.files, ctx.opts) : null;
  if (!rebased) return { result: ctx.lost, committed: ctx.tx, current };
  if ('status' in rebased) return { result: rebased, committed: ctx.tx, current };
  return {
    result: await commitTransaction(table, rebased, commitOptions(ctx.opts)),
    committed: rebased,
    current,
  };
}

/**
 * Turns a write outcome into success or an error: committed and skipped
 * writes pass; a conflict or a retryable failure throws CommitConflictError.
 */
export function requireCommitted(
  result: WriteResult,
  table: string,
): Extract<WriteResult, { status: 'committed' | 'skipped' }> {
  switch (result.status) {
    case 'committed':
    case 'skipped':
      return result;
    case 'conflict':
      throw new CommitConflictError(table, result.reason, { winning: result.winning, retryable: false });
    case 'retryable': {
      const why = result.cause instanceof Error ? result.cause.message : String(result.cause);
      throw new CommitConflictError(
        table,
        `Writing ${table} did not commit: ${why} Nothing changed; run the write again.`,
        { retryable: true },
      );
    }
  }
}

function checkOptions(name: string, opts: WriteOptions): void {
  if (opts.signal?.aborted) throw new CancelledError(`The write to ${name} was cancelled before it started.`);
  if (opts.partitions && opts.mode !== 'replacePartitions') {
    throw new UsageError(
      `Named partitions only apply to mode 'replacePartitions' (the write to ${name} uses '${opts.mode}').`,
    );
  }
  if (opts.txn && (!opts.txn.appId || !Number.isSafeInteger(opts.txn.version) || opts.txn.version < 0)) {
    throw new UsageError(
      `A txn needs a non-empty appId and a whole version ≥ 0 (got ${JSON.stringify(opts.txn)}).`,
    );
  }
}

export async function latestSnapshot(table: DeltaTable): Promise<Snapshot | null> {
  try {
    return await loadSnapshot(table);
  } catch (err) {
    if (err instanceof TableNotFoundError) return null;
    throw err;
  }
}

export function alreadyCommitted(snapshot: Snapshot | null, txn: WriteOptions['txn']): WriteResult | null {
  if (!snapshot || !txn) return null;
  const have = snapshot.appVersions.get(txn.appId);
  if (have === undefined || have < txn.version) return null;
  return {
    status: 'skipped',
    version: snapshot.version,
    appId: txn.appId,
    appVersion: have,
    reason: `The table already holds run ${txn.appId} at version ${have} (≥ ${txn.version}); nothing was written.`,
  };
}

export function planFor(
  name: string,
  snapshot: Snapshot | null,
  query: readonly QueryColumn[],
  opts: WriteOptions,
  now: number,
): SchemaPlan {
  return planSchema({
    table: name,
    existing: snapshot,
    query,
    ...(opts.partitionBy ? { partitionBy: opts.partitionBy } : {}),
    ...(opts.configuration ? { configuration: opts.configuration } : {}),
    now,
  });
}

function planExtras(
  opts: WriteOptions,
): Pick<WriteOptions, 'partitions' | 'txn' | 'operation' | 'dataChange'> {
  return {
    ...(opts.dataChange !== undefined ? { dataChange: opts.dataChange } : {}),
    ...(opts.partitions ? { partitions: opts.partitions } : {}),
    ...(opts.txn ? { txn: opts.txn } : {}),
    ...(opts.operation ? { operation: opts.operation } : {}),
  };
}

export function commitOptions(opts: WriteOptions): CommitOptions {
  return { ...opts.commit, ...(opts.signal ? { signal: opts.signal } : {}) };
}

/** The columns stored in the files: the table's, minus partition columns. */
function dataSchemaOf(schema: SchemaPlan): StructType {
  return {
    type: 'struct',
    fields: schema.schema.fields.filter((f) => !schema.partitionColumns.includes(f.name)),
  };
}

/**
 * Re-plans a write that lost the race to create the table on top of the
 * winner's snapshot. Possible only when the files we wrote have the column
 * types the winner's schema wants; the winner's files in partitions we
 * replace are a real conflict (both runs wrote them at the same time).
 */
function rebase(
  name: string,
  snapshot: Snapshot,
  query: readonly QueryColumn[],
  ours: SchemaPlan,
  files: readonly WrittenFile[],
  opts: WriteOptions,
): Transaction | CommitResult | null {
  const done = alreadyCommitted(snapshot, opts.txn);
  if (done?.status === 'skipped') {
    return {
      status: 'skipped',
      winning: snapshot.version,
      appId: done.appId,
      appVersion: done.appVersion,
      reason: done.reason,
    };
  }
  let schema: SchemaPlan;
  try {
    checkCanWrite(name, snapshot, opts.mode);
    schema = planFor(name, snapshot, query, opts, Date.now());
  } catch {
    return null;
  }
  const written = new Map(ours.columns.map((c) => [c.name.toLowerCase(), `${c.duckType}/${c.partition}`]));
  if (schema.columns.some((c) => written.get(c.name.toLowerCase()) !== `${c.duckType}/${c.partition}`))
    return null;
  const tx = planTransaction({
    table: name,
    mode: opts.mode,
    snapshot,
    schema,
    files,
    ...planExtras(opts),
    now: Date.now(),
  });
  const columns = partitionColumnsOf(schema);
  const clash = snapshot.files.find((f) => inScope(tx.scope, f.partitionValues, columns));
  if (clash) {
    const where = columns.length > 0 ? `partition ${partitionLabel(clash.partitionValues, columns)}` : 'data';
    return {
      status: 'conflict',
      winning: snapshot.version,
      reason: `${name}: another run wrote ${where} while creating the table at the same time; run again.`,
    };
  }
  return tx;
}

export function metricsOf(tx: Transaction, schema: SchemaPlan, files: readonly WrittenFile[]): WriteMetrics {
  return {
    numFiles: tx.adds.length,
    numOutputRows: files.reduce((n, f) => n + f.numRecords, 0),
    numOutputBytes: tx.adds.reduce((n, a) => n + a.size, 0),
    numRemovedFiles: tx.removes.length,
    addedColumns: schema.addedColumns,
    files: files.map((f) => f.path),
  };
}

/** A checkpoint failure never fails a write that committed; it is reported and the next one retries. */
async function checkpointAfter(
  table: DeltaTable,
  version: number,
  configuration: Record<string, string>,
  opts: WriteOptions,
): Promise<{ checkpointError?: string }> {
  if (opts.checkpoint === false) return {};
  try {
    await maybeCheckpoint(table, version, configuration);
    return {};
  } catch (err) {
    return { checkpointError: err instanceof Error ? err.message : String(err) };
  }
}
