// Many partitions of a table written by one DuckDB COPY (PARTITION_BY), then
// checked and committed one by one, each as a replace of exactly its own
// partition with its own txn: a partition whose check fails leaves its
// previous version live (its files are deleted) while the others land, and a
// retried run skips the partitions whose txn the table already holds. Between
// our own commits the snapshot is advanced in memory instead of re-read.

import { CancelledError, CommitConflictError, UsageError } from '../errors';
import type { DeltaAction } from './actions';
import { maybeCheckpoint } from './checkpoint-write';
import { commitTransaction } from './commit';
import { partitionValueString } from './partition-values';
import { replay } from './replay';
import { columnMappingMode, parseSchemaString } from './schema';
import type { Snapshot } from './snapshot';
import type { DeltaTable } from './table';
import { partitionKey, transactionActions } from './transaction';
import type { PartitionColumn, Transaction } from './transaction';
import { alreadyCommitted, commitOptions, latestSnapshot, metricsOf, planFor, writeFilesFor } from './write';
import type { WriteOptions, WriteResult } from './write';
import { describeQuery } from './write-files';
import type { WrittenFile } from './write-files';
import { checkNotNull, partitionColumnsOf, planTransaction } from './write-plan';
import type { PartitionSpec } from './write-plan';
import { checkCanWrite } from './write-schema';
import type { SchemaPlan, WriteColumn } from './write-schema';

export interface BatchPartition {
  spec: PartitionSpec;
  txn?: { appId: string; version: number };
}

export type PartitionOutcome =
  | { ok: true; result: Extract<WriteResult, { status: 'committed' | 'skipped' }> }
  | { ok: false; error: unknown };

export interface PartitionsWriteOptions {
  /** A SELECT whose rows all fall in `partitions`. */
  sql: string;
  partitionBy: readonly string[];
  /** Replaced in this order; a partition the query has no rows for is emptied. */
  partitions: readonly BatchPartition[];
  name?: string;
  signal?: AbortSignal;
  /** Runs before a partition's commit on its written files; throwing keeps the partition out. */
  check?: (index: number, files: readonly WrittenFile[], columns: readonly WriteColumn[]) => Promise<void>;
  /** Each partition's outcome as soon as it is known. */
  onOutcome: (index: number, outcome: PartitionOutcome) => void;
}

/**
 * Writes and commits the partitions. Throws (with every file it wrote deleted,
 * and no outcome reported for the partitions left) when the query fails, when
 * it writes outside the named partitions, or when cancelled between commits.
 */
export async function writeDeltaPartitions(table: DeltaTable, opts: PartitionsWriteOptions): Promise<void> {
  const name = opts.name ?? table.storage.root;
  const base: WriteOptions = {
    sql: opts.sql,
    mode: 'replacePartitions',
    partitionBy: opts.partitionBy,
    name,
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  if (opts.signal?.aborted) throw new CancelledError(`The write to ${name} was cancelled before it started.`);
  let snapshot = await latestSnapshot(table);
  const todo: number[] = [];
  opts.partitions.forEach((p, i) => {
    const done = alreadyCommitted(snapshot, p.txn);
    if (done?.status === 'skipped') opts.onOutcome(i, { ok: true, result: done });
    else todo.push(i);
  });
  if (todo.length === 0) return;
  if (snapshot) checkCanWrite(name, snapshot, 'replacePartitions');
  const query = await describeQuery(table.engine, opts.sql, opts.signal);
  const schema = planFor(name, snapshot, query, base, Date.now());
  const columns = partitionColumnsOf(schema);
  const written = await writeFilesFor(table, base, schema, snapshot);
  const byKey = groupFiles(written, columns);
  const keys = opts.partitions.map((p) => specKey(name, p.spec, columns));
  const stray = [...byKey.keys()].filter((k) => !todo.some((i) => keys[i] === k));
  if (stray.some((k) => !keys.includes(k))) {
    await deleteFiles(table, written);
    throw new UsageError(
      `The query wrote rows outside the partitions of ${name} being replaced; nothing was committed.`,
    );
  }
  // Partitions skipped by their txn were written anyway (one query for all): drop those files.
  for (const k of stray) await deleteFiles(table, byKey.get(k) ?? []);
  for (const [n, i] of todo.entries()) {
    const files = byKey.get(keys[i] ?? '') ?? [];
    if (opts.signal?.aborted) {
      for (const j of todo.slice(n)) await deleteFiles(table, byKey.get(keys[j] ?? '') ?? []);
      throw new CancelledError(
        `The write to ${name} was cancelled; the partitions not yet committed are unchanged.`,
      );
    }
    try {
      await opts.check?.(i, files, schema.columns);
      checkNotNull(name, schema, files);
      const committed = await commitPartition(table, {
        name,
        base,
        query,
        schema,
        snapshot,
        files,
        part: opts.partitions[i],
      });
      snapshot = committed.snapshot;
      opts.onOutcome(i, { ok: true, result: committed.result });
    } catch (err) {
      await deleteFiles(table, files);
      opts.onOutcome(i, { ok: false, error: err });
    }
  }
}

async function commitPartition(
  table: DeltaTable,
  ctx: {
    name: string;
    base: WriteOptions;
    query: Parameters<typeof planFor>[2];
    schema: SchemaPlan;
    snapshot: Snapshot | null;
    files: readonly WrittenFile[];
    part: BatchPartition | undefined;
  },
): Promise<{ result: Extract<WriteResult, { status: 'committed' | 'skipped' }>; snapshot: Snapshot | null }> {
  const part = ctx.part ?? { spec: {} };
  let snapshot = ctx.snapshot;
  for (let attempt = 0; attempt < 2; attempt++) {
    // Once the table exists (our own first commit may have created it), plan against it.
    const schema =
      snapshot && ctx.schema.metadata
        ? planFor(ctx.name, snapshot, ctx.query, ctx.base, Date.now())
        : ctx.schema;
    if (!sameColumns(schema, ctx.schema)) {
      throw new CommitConflictError(ctx.name, `${ctx.name} changed its schema during the write; run again.`, {
        retryable: true,
      });
    }
    const tx = planTransaction({
      table: ctx.name,
      mode: 'replacePartitions',
      snapshot,
      schema,
      files: ctx.files,
      partitions: [part.spec],
      ...(part.txn ? { txn: part.txn } : {}),
      now: Date.now(),
    });
    const r = await commitTransaction(table, tx, commitOptions(ctx.base));
    if (r.status === 'committed') {
      const next =
        snapshot && r.attempts === 1 ? advance(snapshot, tx, r.version) : await latestSnapshot(table);
      const configuration = (next ?? snapshot)?.metadata.configuration ?? {};
      await maybeCheckpoint(table, r.version, configuration).catch(() => null);
      return { result: { ...r, metrics: metricsOf(tx, schema, ctx.files) }, snapshot: next };
    }
    if (r.status === 'skipped') {
      const result = {
        status: 'skipped' as const,
        version: r.winning,
        appId: r.appId,
        appVersion: r.appVersion,
        reason: r.reason,
      };
      return { result, snapshot: await latestSnapshot(table) };
    }
    if (r.status === 'conflict' && tx.readVersion < 0) {
      // Another writer created the table first: plan again on top of it.
      snapshot = await latestSnapshot(table);
      continue;
    }
    if (r.status === 'conflict')
      throw new CommitConflictError(ctx.name, r.reason, { winning: r.winning, retryable: false });
    const why = r.status === 'retryable' && r.cause instanceof Error ? r.cause.message : 'busy';
    throw new CommitConflictError(
      ctx.name,
      `Writing ${ctx.name} did not commit: ${why} Nothing changed; run the write again.`,
      {
        retryable: true,
      },
    );
  }
  throw new CommitConflictError(
    ctx.name,
    `${ctx.name} was created by another run at the same time; run again.`,
    {
      retryable: true,
    },
  );
}

function sameColumns(a: SchemaPlan, b: SchemaPlan): boolean {
  const sig = (s: SchemaPlan): string =>
    s.columns.map((c) => `${c.name.toLowerCase()}/${c.duckType}/${c.partition}`).join(',');
  return sig(a) === sig(b);
}

/** The snapshot after our own commit of `tx` at `version`, without reading the log again. */
function advance(snapshot: Snapshot, tx: Transaction, version: number): Snapshot {
  const now = Date.now();
  const before: DeltaAction[] = [{ protocol: snapshot.protocol }, { metaData: snapshot.metadata }];
  for (const [appId, v] of snapshot.appVersions) before.push({ txn: { appId, version: v } });
  for (const d of snapshot.domains.values()) before.push({ domainMetadata: d });
  for (const add of snapshot.files) before.push({ add });
  for (const remove of snapshot.tombstones) before.push({ remove });
  const state = replay([transactionActions(tx, { now }), before]);
  const metadata = state.metadata ?? snapshot.metadata;
  return {
    table: snapshot.table,
    version,
    timestamp: now,
    protocol: state.protocol ?? snapshot.protocol,
    metadata,
    schema: metadata === snapshot.metadata ? snapshot.schema : parseSchemaString(metadata.schemaString),
    partitionColumns: metadata.partitionColumns,
    columnMapping: columnMappingMode(metadata.configuration),
    files: state.files,
    tombstones: state.tombstones,
    appVersions: state.appVersions,
    domains: state.domains,
  };
}

function groupFiles(
  files: readonly WrittenFile[],
  columns: readonly PartitionColumn[],
): Map<string, WrittenFile[]> {
  const out = new Map<string, WrittenFile[]>();
  for (const f of files) {
    const k = partitionKey(f.partitionValues, columns);
    out.set(k, [...(out.get(k) ?? []), f]);
  }
  return out;
}

function specKey(table: string, spec: PartitionSpec, columns: readonly PartitionColumn[]): string {
  const values: Record<string, string | null> = {};
  for (const c of columns) {
    const v = spec[c.name];
    if (v === undefined)
      throw new UsageError(
        `The partition ${JSON.stringify(spec)} of ${table} gives no value for "${c.name}".`,
      );
    values[c.name] = partitionValueString(c.type, v);
  }
  return partitionKey(values, columns);
}

async function deleteFiles(table: DeltaTable, files: readonly WrittenFile[]): Promise<void> {
  for (const f of files) await table.storage.delete(f.path).catch(() => undefined);
}
