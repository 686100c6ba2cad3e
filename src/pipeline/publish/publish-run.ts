// One publish run against a connected target (see publish.ts for the protocol):
// exports each partition to CSV one ahead of the load, loads and swaps it with
// retries on a fresh connection after a transient error, and records every
// outcome in the ledger and the progress events.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PublishProgress, PublishSummary } from '../../shared/contract';
import { isCancelled } from '../errors';
import type { ConnectionSettings } from './connection';
import { describeTarget, isTransient, PublishError, serverMessage } from './errors';
import { appendLedger, ledgerTable } from './ledger';
import type { LedgerRow } from './ledger';
import type { PlannedPartition, PublishPlan } from './plan';
import { publishCancelled, sleep, throwIfCancelled, watchChunks } from './run-support';
import { DEFAULT_RETRY } from './run-types';
import type { PartitionOutcome, PublishResult, PublishRunOptions, RetryPolicy } from './run-types';
import { exportPartition, fileSource, renderSql } from './source';
import { ensureTable } from './table-sync';
import { createAdapter } from './targets';
import type { PublishAdapter, RowSource, SwapResult, TableSpec } from './types';

export class PublishRun {
  private adapter: PublishAdapter | null = null;
  private readonly outcomes: PartitionOutcome[] = [];
  private readonly exports = new Map<PlannedPartition, Promise<{ file: string; rows: number }>>();
  private readonly retry: RetryPolicy;
  private readonly scratch: string;
  private readonly ledger;
  private status: PublishSummary['status'] = 'done';
  private error: string | null = null;
  private completed = 0;
  private readonly onAbort = (): void => void this.adapter?.close();

  constructor(
    private readonly opts: PublishRunOptions,
    private readonly plan: PublishPlan,
    private readonly settings: ConnectionSettings,
    readonly publishId: string,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.scratch = path.join(os.tmpdir(), 'lakehouse-publish', `${process.pid}-${publishId}`);
    this.ledger = ledgerTable(opts.lake.layout, opts.engine);
    // Closing the connection is the one way to stop a statement in flight; the server rolls it back.
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private get spec(): TableSpec {
    return this.plan.spec;
  }

  async execute(): Promise<void> {
    const { signal } = this.opts;
    const todo = this.plan.partitions;
    await this.connect();
    const changed = await ensureTable(this.db, this.spec, this.settings);
    const skipped = todo.filter((p) => p.skip && !changed);
    await this.recordSkipped(skipped);
    fs.mkdirSync(this.scratch, { recursive: true });
    const send = todo.filter((p) => !(p.skip && !changed));
    for (const [i, p] of send.entries()) {
      throwIfCancelled(signal);
      // DuckDB exports the next partition while the server loads this one (two files on disk at most).
      const next = send[i + 1];
      if (next) void this.exportOf(next, i + 1);
      const ok = await this.publishPartition(p, i);
      if (!ok) return;
    }
  }

  /** The partition's rows as a CSV file in the scratch folder; started once, awaited by whoever needs it. */
  private exportOf(p: PlannedPartition, index: number): Promise<{ file: string; rows: number }> {
    let pending = this.exports.get(p);
    if (!pending) {
      const file = path.join(this.scratch, `${index}.csv`);
      pending = renderSql(this.plan.snapshot, this.spec, p.part, this.plan.sql.kind)
        .then((sql) => exportPartition(this.opts.engine, sql, file, this.opts.signal))
        .then((rows) => ({ file, rows }));
      // Awaited later (or never, when the publish stops first); never an unhandled rejection.
      pending.catch(() => undefined);
      this.exports.set(p, pending);
    }
    return pending;
  }

  private get db(): PublishAdapter {
    if (!this.adapter)
      throw new Error(
        `Publish ${this.publishId} used target '${this.plan.targetName}' before connecting to it.`,
      );
    return this.adapter;
  }

  private async connect(): Promise<void> {
    await this.adapter?.close();
    const adapter = this.opts.adapter
      ? this.opts.adapter(this.settings)
      : createAdapter(this.plan.target.kind, this.settings);
    await adapter.connect(this.opts.signal);
    this.adapter = adapter;
    await this.opts.hooks?.onConnect?.(adapter);
  }

  private progress(
    p: PlannedPartition,
    phase: PublishProgress['phase'],
    rows: number,
    message?: string,
  ): void {
    this.opts.onProgress?.({
      publishId: this.publishId,
      target: this.plan.targetName,
      table: this.plan.table,
      partition: p.part.label,
      phase,
      rows,
      completed: this.completed,
      total: this.plan.partitions.length,
      ...(message !== undefined ? { message } : {}),
    });
  }

  private ledgerRow(
    p: PlannedPartition,
    fields: Omit<
      LedgerRow,
      | 'publishId'
      | 'target'
      | 'table'
      | 'targetTable'
      | 'partition'
      | 'version'
      | 'fingerprint'
      | 'publishedAt'
    >,
  ): LedgerRow {
    return {
      publishId: this.publishId,
      target: this.plan.targetName,
      table: this.plan.table,
      targetTable: `${this.spec.schema}.${this.spec.name}`,
      partition: p.part.label,
      version: p.part.version,
      fingerprint: p.part.fingerprint,
      publishedAt: new Date(),
      ...fields,
    };
  }

  private async recordSkipped(skipped: PlannedPartition[]): Promise<void> {
    if (skipped.length === 0) return;
    const rows = skipped.map((p) =>
      this.ledgerRow(p, { rows: 0, deleted: 0, status: 'skipped', attempts: 0, elapsedMs: 0, error: null }),
    );
    await appendLedger(this.ledger, rows);
    for (const p of skipped) {
      this.record(p, { status: 'skipped', rows: 0, deleted: 0, attempts: 0, error: null });
      this.progress(
        p,
        'skipped',
        p.previous?.rows ?? 0,
        `unchanged since version ${p.part.version} was published`,
      );
    }
  }

  /** Publishes one partition with retries; false when it failed for good. */
  private async publishPartition(p: PlannedPartition, index: number): Promise<boolean> {
    const started = Date.now();
    let file: string | null = null;
    try {
      this.progress(p, 'loading', 0);
      const exported = await this.exportOf(p, index);
      file = exported.file;
      const { result, attempts } = await this.withRetries(p, (attempt) =>
        this.attempt(p, fileSource(exported.file, exported.rows), attempt),
      );
      await this.partitionDone(p, result, attempts, Date.now() - started);
      return true;
    } catch (err) {
      if (isCancelled(err)) throw err;
      await this.partitionFailed(p, err, Date.now() - started);
      return false;
    } finally {
      if (file) fs.rmSync(file, { force: true });
    }
  }

  /** Counts a partition as finished, with how it ended. */
  private record(p: PlannedPartition, outcome: Omit<PartitionOutcome, 'partition' | 'version'>): void {
    this.completed++;
    this.outcomes.push({ partition: p.part.label, version: p.part.version, ...outcome });
  }

  private async partitionDone(
    p: PlannedPartition,
    result: SwapResult,
    attempts: number,
    elapsedMs: number,
  ): Promise<void> {
    const { inserted: rows, deleted } = result;
    this.record(p, { status: 'done', rows, deleted, attempts, error: null });
    this.progress(p, 'done', rows);
    const row = this.ledgerRow(p, { rows, deleted, status: 'done', attempts, elapsedMs, error: null });
    // The swap is committed: a ledger that cannot record it only costs a re-send next time.
    await appendLedger(this.ledger, [row]).catch((err: unknown) => {
      this.progress(
        p,
        'done',
        rows,
        `published, but the ledger could not record it (${err instanceof Error ? err.message : String(err)}); the next publish sends this partition again`,
      );
    });
  }

  /** A partition that failed for good: recorded, and the publish stops with its message. */
  private async partitionFailed(p: PlannedPartition, err: unknown, elapsedMs: number): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.record(p, { status: 'failed', rows: 0, deleted: 0, attempts: 0, error: message });
    const row = this.ledgerRow(p, {
      rows: 0,
      deleted: 0,
      status: 'failed',
      attempts: this.retry.attempts,
      elapsedMs,
      error: message,
    });
    await appendLedger(this.ledger, [row]).catch(() => undefined);
    this.progress(p, 'failed', 0, message);
    this.status = 'failed';
    this.error = message;
  }

  /** Runs one partition's attempt until it succeeds, a non-transient error, or the attempts run out. */
  private async withRetries<T>(
    p: PlannedPartition,
    fn: (attempt: number) => Promise<T>,
  ): Promise<{ result: T; attempts: number }> {
    const { signal } = this.opts;
    for (let attempt = 1; ; attempt++) {
      try {
        return { result: await fn(attempt), attempts: attempt };
      } catch (err) {
        if (signal?.aborted || isCancelled(err)) throw publishCancelled();
        if (!isTransient(err) || attempt >= this.retry.attempts) throw this.explain(p, err, attempt);
        const wait =
          Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
        this.progress(
          p,
          'retrying',
          0,
          `${serverMessage(err)} — starting the partition over in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${this.retry.attempts})`,
        );
        await sleep(wait, signal);
        await this.reconnect(signal);
      }
    }
  }

  /** A fresh connection for the next attempt; a server that stays away ends the publish. */
  private async reconnect(signal?: AbortSignal): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await this.connect();
        return;
      } catch (err) {
        if (signal?.aborted || !isTransient(err) || tries >= this.retry.attempts) throw err;
        await sleep(this.retry.baseMs * tries, signal);
      }
    }
  }

  private async attempt(p: PlannedPartition, source: RowSource, attempt: number): Promise<SwapResult> {
    const { signal, hooks } = this.opts;
    const watched = hooks?.onChunk
      ? watchChunks(source, (bytes) => hooks.onChunk?.({ partition: p.part.label, attempt, bytes }))
      : source;
    const staged = await this.db.load(this.spec, watched, signal);
    if (staged !== source.rows) {
      throw new PublishError(
        'server',
        `${describeTarget(this.settings)} staged ${staged} rows of partition ${p.part.label ?? '(all)'}, but the lake exported ${source.rows}; nothing was swapped. Publish again.`,
      );
    }
    await hooks?.beforeSwap?.({ partition: p.part.label, attempt });
    this.progress(p, 'swapping', staged);
    return this.db.swap(this.spec, p.part.partition, signal);
  }

  private explain(p: PlannedPartition, err: unknown, attempts: number): Error {
    if (err instanceof PublishError) return err;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    return new PublishError(
      isTransient(err) ? 'transient' : 'server',
      `Publishing ${this.plan.table} partition ${p.part.label ?? '(whole table)'} to ${describeTarget(this.settings)} failed${tries}: ${serverMessage(err)}. The target still holds that partition's previous rows.`,
      { target: this.plan.targetName, partition: p.part.label },
      { cause: err },
    );
  }

  /**
   * Ends the run as failed or cancelled. A failure before any partition was
   * tried (connection, login, schema drift) is recorded against the partitions
   * it was going to send, so the history shows it.
   */
  async fail(err: unknown): Promise<void> {
    if (isCancelled(err) || this.opts.signal?.aborted) {
      this.status = 'cancelled';
      this.error =
        'The publish was cancelled; every partition holds either its previous rows or the new ones.';
      return;
    }
    this.status = 'failed';
    this.error = err instanceof Error ? err.message : String(err);
    if (this.outcomes.length > 0) return;
    const error = this.error;
    const unsent = this.plan.partitions.filter((p) => !p.skip);
    const rows = unsent.map((p) =>
      this.ledgerRow(p, { rows: 0, deleted: 0, status: 'failed', attempts: 0, elapsedMs: 0, error }),
    );
    if (rows.length > 0) await appendLedger(this.ledger, rows).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    await this.adapter?.close();
    this.adapter = null;
    await Promise.allSettled(this.exports.values());
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }

  result(elapsedMs: number): PublishResult {
    const count = (s: PartitionOutcome['status']): number =>
      this.outcomes.filter((o) => o.status === s).length;
    return {
      publishId: this.publishId,
      target: this.plan.targetName,
      table: this.plan.table,
      targetTable: `${this.spec.schema}.${this.spec.name}`,
      status: this.status,
      published: count('done'),
      skipped: count('skipped'),
      failed: count('failed'),
      rows: this.outcomes.reduce((n, o) => n + o.rows, 0),
      elapsedMs,
      error: this.error,
      partitions: this.outcomes,
    };
  }
}
