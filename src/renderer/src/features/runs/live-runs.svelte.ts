// Runs as they happen, for every view at once: the pipeline grid paints its
// cells from `cells`, the backfill panel and the toolbar show `active`'s
// progress, the runs view shows a live row. Fed only by the service's
// onDidProgressRun / onDidFinishRun events, so runs started elsewhere (the CLI
// against the same service, auto-run in watch mode) show up too.

import type { RunRequestData } from '../../../../shared/contract';
import type { PartitionStatus, RunSummary, TaskPhase, TaskProgress } from '../../../../shared/runs';
import { api, errorMessage } from '../../lib/api';

/** A cell's live state: a partition status, or queued (planned in a running run, not started yet). */
export type LiveCell = PartitionStatus | 'queued';

export interface LiveTask {
  model: string;
  partition: string | null;
  phase: TaskPhase;
  elapsedMs: number;
}

export interface LiveRun {
  runId: string;
  kind: 'run' | 'backfill' | null;
  /** The request in words, when this window started it. */
  request: string | null;
  /** Local clock (ms) when first seen: elapsed and ETA count from here. */
  startedAt: number;
  completed: number;
  total: number;
  rows: number;
  failedTasks: number;
  /** Tasks past `queued` and not finished, keyed by model|partition. */
  current: Record<string, LiveTask>;
  cancelling: boolean;
  finished: (RunSummary & { kind: 'run' | 'backfill' }) | null;
  /** Local clock (ms) when it finished. */
  finishedAt: number | null;
  error: string | null;
}

export const cellKey = (model: string, partition: string | null): string => `${model}|${partition ?? ''}`;

const RUNNING_PHASES: ReadonlySet<TaskPhase> = new Set(['reading', 'testing', 'writing']);

function cellOf(phase: TaskPhase): LiveCell | null {
  if (phase === 'queued') return 'queued';
  if (RUNNING_PHASES.has(phase)) return 'running';
  if (phase === 'done') return 'done';
  if (phase === 'failed') return 'failed';
  // skipped / cancelled: the partition keeps its previous state; the reload after the run shows it.
  return null;
}

/** Elapsed and estimated remaining time of a run, in ms (ETA null until a task finished). */
export function timing(run: LiveRun, now: number): { elapsedMs: number; etaMs: number | null } {
  const end = run.finishedAt ?? now;
  const elapsedMs = Math.max(0, end - run.startedAt);
  const left = run.total - run.completed;
  const etaMs =
    run.finished || run.completed === 0 || left <= 0 || elapsedMs < 1000
      ? null
      : (elapsedMs / run.completed) * left;
  return { elapsedMs, etaMs };
}

class LiveRuns {
  /** Newest first; finished runs stay until dismissed or replaced. */
  runs = $state<LiveRun[]>([]);
  cells = $state<Record<string, LiveCell>>({});
  /** Ticks every second while a run is active, so elapsed and ETA move. */
  now = $state(Date.now());
  /** Bumped when a run finishes: views reload their data. */
  finishedCount = $state(0);
  private started = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  get active(): LiveRun | null {
    return this.runs.find((r) => r.finished === null) ?? null;
  }

  /** The newest run, active or finished (what a progress panel shows). */
  get latest(): LiveRun | null {
    return this.runs[0] ?? null;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    api.on('onDidProgressRun', (p) => this.progress(p));
    api.on('onDidFinishRun', (s) => this.finish(s));
  }

  private ensure(runId: string): LiveRun {
    const found = this.runs.find((r) => r.runId === runId);
    if (found) return found;
    const run: LiveRun = {
      runId,
      kind: null,
      request: null,
      startedAt: Date.now(),
      completed: 0,
      total: 0,
      rows: 0,
      failedTasks: 0,
      current: {},
      cancelling: false,
      finished: null,
      finishedAt: null,
      error: null,
    };
    this.now = run.startedAt;
    // Keep a short history: the newest few runs are enough for the panels.
    this.runs = [run, ...this.runs].slice(0, 8);
    this.tick();
    void this.describe(runId);
    // The proxied copy in the array, so later writes are seen.
    return this.runs[0] ?? run;
  }

  /** A run first seen through its events (auto-run, another window): its words come from the ledger. */
  private async describe(runId: string): Promise<void> {
    let records;
    try {
      records = await api.call('runs.list', { limit: 10 });
    } catch {
      return;
    }
    const rec = records.find((r) => r.runId === runId);
    const run = this.runs.find((r) => r.runId === runId);
    if (!rec || !run) return;
    if (run.kind === null && (rec.kind === 'run' || rec.kind === 'backfill')) run.kind = rec.kind;
    run.request ??= rec.request;
  }

  private tick(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      this.now = Date.now();
      if (this.active === null && this.timer !== null) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }, 1000);
  }

  progress(p: TaskProgress): void {
    const run = this.ensure(p.runId);
    run.completed = Math.max(run.completed, p.completed);
    run.total = Math.max(run.total, p.total);
    const key = cellKey(p.model, p.partition);
    if (RUNNING_PHASES.has(p.phase)) {
      run.current[key] = { model: p.model, partition: p.partition, phase: p.phase, elapsedMs: p.elapsedMs };
    } else if (p.phase !== 'queued') {
      delete run.current[key];
    }
    if (p.phase === 'done') run.rows += p.rows ?? 0;
    if (p.phase === 'failed') run.failedTasks += 1;
    const cell = cellOf(p.phase);
    if (cell !== null) this.cells[key] = cell;
    else delete this.cells[key];
  }

  finish(s: RunSummary & { kind: 'run' | 'backfill' }): void {
    const run = this.ensure(s.runId);
    run.finished = s;
    run.finishedAt = Date.now();
    run.kind = s.kind;
    run.completed = Math.max(run.completed, s.succeeded + s.failed + s.skipped);
    run.total = Math.max(run.total, s.tasks);
    run.rows = s.rows;
    run.current = {};
    run.cancelling = false;
    // Queued cells of a cancelled or failed run go back to their stored state.
    for (const [k, v] of Object.entries(this.cells))
      if (v === 'queued' || v === 'running') delete this.cells[k];
    this.finishedCount += 1;
  }

  /** Starts a run through the service and tracks it from the first moment (before any event). */
  async startRun(request: RunRequestData, words: string): Promise<LiveRun> {
    this.start();
    const { runId } = await api.call('pipeline.start', request);
    const run = this.ensure(runId);
    run.kind = request.kind;
    run.request = words;
    return run;
  }

  async resume(runId: string, words: string): Promise<LiveRun> {
    this.start();
    const started = await api.call('pipeline.resume', { runId });
    const run = this.ensure(started.runId);
    run.kind = 'backfill';
    run.request = words;
    return run;
  }

  async cancel(runId: string): Promise<void> {
    const run = this.runs.find((r) => r.runId === runId);
    if (run) run.cancelling = true;
    try {
      await api.call('pipeline.cancel', { runId });
    } catch (e) {
      if (run) {
        run.cancelling = false;
        run.error = errorMessage(e);
      }
    }
  }

  dismiss(runId: string): void {
    this.runs = this.runs.filter((r) => r.runId !== runId || r.finished === null);
  }

  /** After the grid reloaded from the service: keep only cells of tasks still in flight. */
  settle(): void {
    if (this.active !== null) return;
    this.cells = {};
  }
}

export const liveRuns = new LiveRuns();
