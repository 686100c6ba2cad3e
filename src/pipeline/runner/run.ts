// A run: plan, then ingest the raw days whose files changed (quarantine), then
// the model tasks with bounded concurrency, each waiting for the upstream tasks
// it reads. A failed task fails only itself and what reads it; cancel
// interrupts DuckDB and nothing half-done is committed. Every run is recorded
// in _workbench/runs, every finished task in _workbench/partition_state.

import { randomUUID } from 'node:crypto';
import type { PlannedTask, RunSummary, TaskPhase, TaskProgress } from '../../shared/runs';
import type { EngineClient } from '../engine/client';
import { quoteIdent } from '../engine/sql';
import { loadSnapshot } from '../delta/load';
import { TableNotFoundError } from '../delta/log-segment';
import { CancelledError, isCancelled } from '../errors';
import type { Lake } from '../lake/lake';
import { loadProject } from '../models';
import type { Model } from '../models';
import { collectInputs, inputWindow } from './inputs';
import type { RunInputs } from './inputs';
import { days } from './intervals';
import { plan } from './planner';
import type { Plan, RunRequest } from './planner';
import { readState, stateKey, StateWriter } from './state';
import type { StateRecord } from './state';
import { batchable, runModelBatch } from './batch';
import { cacheRaw } from './raw-cache';
import { createLimiter, DEFAULT_BATCH, groupJobs, memoryBatchCap } from './schedule-jobs';
import { ingestDays, runIngestTask } from './ingest';
import { runModelTask, WORK_SCHEMA } from './task';
import type { TaskEnv, TaskOutcome } from './task';
import { appendRows, latestRowsSql, RUN_COLUMNS, workbenchTable } from './workbench';
import type { Cell } from './workbench';

export interface RunOptions {
  concurrency?: number;
  /** Most partitions of one model run as one query (default 32; 1 runs each partition alone). */
  batchPartitions?: number;
  signal?: AbortSignal;
  onProgress?: (p: TaskProgress) => void;
  /** Told the run's id once the run ledger has it, before any raw file is read. */
  onStart?: (runId: string) => void;
}

export interface PlannedRun {
  inputs: RunInputs;
  plan: Plan;
  state: Map<string, StateRecord>;
  /** Raw arrival days whose bad lines must be (re)recorded. */
  ingest: { source: string; day: string }[];
}

export async function planRun(lake: Lake, engine: EngineClient, request: RunRequest): Promise<PlannedRun> {
  const inputs = collectInputs(lake, loadProject(lake));
  const state = await readState(lake.layout, engine);
  const p = plan(inputs, state, request);
  const ingest: PlannedRun['ingest'] = [];
  for (const [source, files] of inputs.raw) {
    for (const day of new Set(files.map((f) => f.dt))) {
      const rec = state.get(stateKey(`raw.${source}`, day));
      if (!rec || rec.status !== 'done' || rec.fingerprint !== p.fingerprints.ingest(source, day))
        ingest.push({ source, day });
    }
  }
  return { inputs, plan: p, state, ingest };
}

interface Job {
  key: string;
  label: { model: string; partition: string | null };
  /** The model of a partition task whose model can run partitions in batches. */
  model?: Model;
  deps: string[];
  fingerprint: string;
  run(env: TaskEnv): Promise<TaskOutcome>;
}

export interface UnfinishedBackfill {
  runId: string;
  startedAt: string;
  status: string;
  request: RunRequest;
}

/** The latest backfill, when it did not finish (cancelled, failed, or its process died). */
export async function lastUnfinishedBackfill(
  lake: Lake,
  engine: EngineClient,
): Promise<UnfinishedBackfill | null> {
  const sql = await latestRowsSql(workbenchTable(lake.layout, 'runs', engine), ['run_id'], 'finished_at');
  if (!sql) return null;
  const { rows } = await engine.read(
    `SELECT run_id, epoch_ms(started_at)::BIGINT, status, request FROM (${sql}) WHERE kind = 'backfill' ORDER BY started_at DESC LIMIT 1`,
  );
  const [runId, startedMs, status, request] = rows[0] ?? [];
  if (typeof runId !== 'string' || status === 'done') return null;
  const startedAt = new Date(Number(startedMs)).toISOString();
  const parsed = JSON.parse(String(request)) as RunRequest;
  return {
    runId,
    startedAt,
    status: String(status),
    request: { ...parsed, resumeSince: parsed.resumeSince ?? startedAt },
  };
}

export async function executeRun(
  lake: Lake,
  engine: EngineClient,
  request: RunRequest,
  opts: RunOptions = {},
): Promise<RunSummary> {
  const planned = await planRun(lake, engine, request);
  return executePlanned(planned, engine, request, opts);
}

export async function executePlanned(
  planned: PlannedRun,
  engine: EngineClient,
  request: RunRequest,
  opts: RunOptions = {},
): Promise<RunSummary> {
  const started = Date.now();
  const runId = `${new Date(started).toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const { inputs } = planned;
  const layout = inputs.lake.layout;
  const signal = opts.signal ?? new AbortController().signal;
  const runs = workbenchTable(layout, 'runs', engine);
  await appendRows(runs, RUN_COLUMNS, [runRow(runId, request, started, null)], '_workbench.runs');
  opts.onStart?.(runId);
  await engine.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(WORK_SCHEMA)}`);
  const jobs = buildJobs(planned);
  const summary: RunSummary = {
    runId,
    status: 'done',
    tasks: jobs.length,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
    rows: 0,
    quarantined: 0,
    elapsedMs: 0,
    failures: [],
  };
  let rawCache: Awaited<ReturnType<typeof cacheRaw>>;
  let quarantined: Awaited<ReturnType<typeof quarantinedPartitions>>;
  try {
    rawCache = await cacheRaw(planned, engine, runId, signal);
    quarantined = await quarantinedPartitions(planned, engine);
  } catch (err) {
    // Stopped before any task: the ledger still gets the run's end, so it never looks unfinished.
    const cancelled = isCancelled(err) || signal.aborted;
    Object.assign(summary, {
      status: cancelled ? 'cancelled' : 'failed',
      cancelled: cancelled ? jobs.length : 0,
      elapsedMs: Date.now() - started,
      failures: cancelled ? [] : [{ model: '(raw sources)', partition: null, error: errorText(err) }],
    });
    await appendRows(runs, RUN_COLUMNS, [runRow(runId, request, started, summary)], '_workbench.runs');
    throw Object.assign(
      cancelled
        ? new CancelledError('The run was cancelled before any task started; nothing was committed.')
        : err instanceof Error
          ? err
          : new Error(errorText(err)),
      { summary },
    );
  }
  const rawTables = rawCache.tables;
  const writer = new StateWriter(layout, engine);
  let completed = 0;
  const report = (
    job: Job,
    phase: TaskPhase,
    t0: number,
    extra: { rows?: number; message?: string } = {},
  ): void => {
    opts.onProgress?.({
      runId,
      ...job.label,
      phase,
      elapsedMs: Date.now() - t0,
      completed,
      total: jobs.length,
      ...extra,
    });
  };
  /** Records a finished job in the state log, the summary and the progress; true when it succeeded. */
  const settle = (job: Job, t0: number, result: Settled): boolean => {
    completed++;
    if (result.kind === 'skipped' || result.kind === 'cancelled') {
      summary[result.kind]++;
      report(job, result.kind, t0, result.kind === 'skipped' ? { message: 'an upstream task failed' } : {});
      return false;
    }
    if (result.kind === 'done') {
      const out = result.out;
      writer.record({
        ...base(job, runId, t0),
        status: 'done',
        outputVersion: out.outputVersion,
        rows: out.rows,
        quarantined: out.quarantined,
        error: null,
        tests: JSON.stringify(out.tests),
      });
      summary.succeeded++;
      summary.rows += out.rows;
      summary.quarantined += out.quarantined;
      report(job, 'done', t0, { rows: out.rows });
      return true;
    }
    const err = result.error;
    if (isCancelled(err) || signal.aborted) {
      summary.cancelled++;
      report(job, 'cancelled', t0);
      return false;
    }
    const message = err instanceof Error ? err.message : String(err);
    const tests = (err as { tests?: unknown }).tests;
    writer.record({
      ...base(job, runId, t0),
      status: 'failed',
      outputVersion: null,
      rows: null,
      quarantined: null,
      error: message,
      tests: tests ? JSON.stringify(tests) : null,
    });
    summary.failed++;
    summary.failures.push({ ...job.label, error: message });
    report(job, 'failed', t0, { message });
    return false;
  };
  const envOf = (job: Job, t0: number): TaskEnv => ({
    inputs,
    engine,
    runId,
    txnVersion: started,
    signal,
    rawTables,
    quarantined,
    phase: (phase, d) => report(job, phase, t0, d ?? {}),
  });
  const runOne = async (job: Job, t0: number): Promise<boolean> => {
    if (signal.aborted) return settle(job, t0, { kind: 'cancelled' });
    try {
      return settle(job, t0, { kind: 'done', out: await job.run(envOf(job, t0)) });
    } catch (err) {
      return settle(job, t0, { kind: 'failed', error: err });
    }
  };
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const limit = createLimiter(concurrency);
  const batchSize = Math.min(
    opts.batchPartitions ?? DEFAULT_BATCH,
    memoryBatchCap((await engine.info()).settings['memory_limit'], concurrency),
  );
  const outcome = new Map<string, Promise<boolean>>();
  const settled = new Map<string, (ok: boolean) => void>();
  for (const job of jobs)
    outcome.set(job.key, new Promise<boolean>((resolve) => settled.set(job.key, resolve)));
  const finish = (job: Job, ok: boolean): void => settled.get(job.key)?.(ok);
  /** Waits for a job's upstream; false (after settling it as skipped) when one failed. */
  const ready = async (job: Job, t0: number): Promise<boolean> => {
    report(job, 'queued', t0);
    const upstream = await Promise.all(job.deps.map((d) => outcome.get(d) ?? Promise.resolve(true)));
    if (upstream.every(Boolean)) return true;
    finish(job, settle(job, t0, { kind: 'skipped' }));
    return false;
  };
  const runJob = async (job: Job): Promise<void> => {
    const t0 = Date.now();
    if (!(await ready(job, t0))) return;
    finish(job, await limit(() => runOne(job, t0)));
  };
  const runBatch = async (batch: Job[]): Promise<void> => {
    const t0 = Date.now();
    const ok = await Promise.all(batch.map((job) => ready(job, t0)));
    const members = batch.filter((_, i) => ok[i]);
    const first = members[0];
    const model = first?.model;
    if (!first || !model) return;
    await limit(async () => {
      const pending = new Set(members);
      const env = envOf(first, t0);
      try {
        if (signal.aborted) throw new CancelledError('The run was cancelled.');
        await runModelBatch(
          env,
          model,
          members.map((m) => m.label.partition ?? ''),
          (i, phase, rows) => {
            const job = members[i];
            if (job) report(job, phase, t0, rows === undefined ? {} : { rows });
          },
          (i, o) => {
            const job = members[i];
            if (!job || !pending.delete(job)) return;
            finish(
              job,
              settle(job, t0, o.ok ? { kind: 'done', out: o.out } : { kind: 'failed', error: o.error }),
            );
          },
        );
      } catch (err) {
        // Cancelled: the rest stay as they were. Any other failure of the shared
        // query: run the rest one by one, which names each partition's own error.
        if (isCancelled(err) || signal.aborted) {
          for (const job of pending) finish(job, settle(job, t0, { kind: 'cancelled' }));
          pending.clear();
        }
      }
      for (const job of pending) finish(job, await runOne(job, t0));
    });
  };
  try {
    await Promise.all(
      groupJobs(jobs, batchSize, concurrency).map((g) => (Array.isArray(g) ? runBatch(g) : runJob(g))),
    );
  } finally {
    await writer.flush();
    await rawCache.drop();
  }
  summary.elapsedMs = Date.now() - started;
  summary.status =
    summary.cancelled > 0 ? 'cancelled' : summary.failed > 0 || summary.skipped > 0 ? 'failed' : 'done';
  await appendRows(runs, RUN_COLUMNS, [runRow(runId, request, started, summary)], '_workbench.runs');
  if (summary.status === 'cancelled')
    throw Object.assign(
      new CancelledError(
        `The run was cancelled: ${summary.succeeded} of ${summary.tasks} tasks finished and are committed; run it again to do the rest.`,
      ),
      { summary },
    );
  return summary;
}

/** A row of the run ledger: at the start (no summary yet) and at the end. */
function runRow(runId: string, request: RunRequest, started: number, summary: RunSummary | null): Cell[] {
  const head: Cell[] = [
    runId,
    request.kind,
    JSON.stringify(request),
    summary?.status ?? 'running',
    new Date(started).toISOString(),
  ];
  if (!summary) return [...head, null, null, null, null, null, null, null, null];
  return [
    ...head,
    new Date().toISOString(),
    summary.tasks,
    summary.succeeded,
    summary.failed,
    summary.skipped,
    summary.rows,
    summary.quarantined,
    summary.failures[0]?.error ?? null,
  ];
}

/** Quarantine partitions that hold rows now: a clean day there must still be emptied. */
async function quarantinedPartitions(planned: PlannedRun, engine: EngineClient): Promise<Set<string>> {
  const table = workbenchTable(planned.inputs.lake.layout, 'quarantine', engine);
  try {
    const snap = await loadSnapshot(table);
    return new Set(
      snap.files.map(
        (f) => `${f.partitionValues['source'] ?? ''}|${f.partitionValues['arrival_date'] ?? ''}`,
      ),
    );
  } catch (err) {
    if (err instanceof TableNotFoundError) return new Set();
    throw err;
  }
}

function base(
  job: Job,
  runId: string,
  t0: number,
): Pick<StateRecord, 'model' | 'partition' | 'fingerprint' | 'runId' | 'finishedAt' | 'durationMs'> {
  return {
    ...job.label,
    fingerprint: job.fingerprint,
    runId,
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - t0,
  };
}

/** Ingest jobs first; then model tasks, each depending on the planned tasks it reads. */
function buildJobs(planned: PlannedRun): Job[] {
  const { inputs, plan: p } = planned;
  const jobs: Job[] = [];
  // A source's days are ingested by one shared write, started by whichever of its jobs runs first.
  const ingestDaysOf = new Map<string, string[]>();
  for (const { source, day } of planned.ingest)
    ingestDaysOf.set(source, [...(ingestDaysOf.get(source) ?? []), day]);
  const shared = new Map<string, Promise<Map<string, TaskOutcome>>>();
  const ingest = async (env: TaskEnv, source: string, day: string): Promise<TaskOutcome> => {
    let batch = shared.get(source);
    if (!batch) {
      batch = ingestDays(env, source, ingestDaysOf.get(source) ?? [day]);
      shared.set(source, batch);
    }
    try {
      const out = (await batch).get(day);
      if (out) return out;
    } catch (err) {
      if (isCancelled(err) || env.signal.aborted) throw err;
    }
    // The shared write failed (or missed the day): this day alone names its own error.
    return runIngestTask(env, source, day);
  };
  for (const { source, day } of planned.ingest) {
    jobs.push({
      key: stateKey(`raw.${source}`, day),
      label: { model: `raw.${source}`, partition: day },
      deps: [],
      fingerprint: p.fingerprints.ingest(source, day),
      run: (env) => ingest(env, source, day),
    });
  }
  const plannedKeys = new Set(p.tasks.map((t) => stateKey(t.model, t.partition)));
  for (const task of p.tasks) {
    const model = inputs.models.get(task.model);
    if (!model) continue;
    jobs.push({
      key: stateKey(task.model, task.partition),
      label: { model: task.model, partition: task.partition },
      deps: dependencies(planned, task, plannedKeys),
      ...(task.partition && batchable(model) ? { model } : {}),
      fingerprint: p.fingerprints.of(task.model, task.partition),
      run: (env) => runModelTask(env, model, task.partition),
    });
  }
  return jobs;
}

function dependencies(planned: PlannedRun, task: PlannedTask, plannedKeys: ReadonlySet<string>): string[] {
  const { inputs } = planned;
  const model = inputs.models.get(task.model);
  if (!model) return [];
  const parents = new Set([...model.refs, ...(inputs.project.dag.testParents[model.name] ?? [])]);
  const deps: string[] = [];
  for (const parent of parents) {
    const up = inputs.models.get(parent);
    if (!up) continue;
    const parts =
      up.config.materialized !== 'partitioned'
        ? [null]
        : task.partition && model.refs.includes(parent)
          ? inputWindow(model, task.partition)
          : days(inputs.domain);
    for (const d of parts) if (plannedKeys.has(stateKey(parent, d))) deps.push(stateKey(parent, d));
  }
  return deps;
}

type Settled =
  | { kind: 'done'; out: TaskOutcome }
  | { kind: 'failed'; error: unknown }
  | { kind: 'skipped' }
  | { kind: 'cancelled' };

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
