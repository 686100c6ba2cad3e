// Pipeline runs of one open lake, one at a time: start plans first (so a bad
// request fails the call), then executes in the background, forwarding progress
// as events, refreshing the explore session as partitions commit, and
// announcing the finish. Raw arrivals and the schedule ask for "everything
// stale"; while a run is going such asks coalesce into one run after it.

import type { Disposable } from '../../shared/disposable';
import type { RunSummary } from '../../shared/runs';
import { PipelineError, UsageError, isCancelled } from '../errors';
import { openLake } from '../lake/lake';
import { executePlanned, planRun } from '../runner/run';
import type { PlannedRun } from '../runner/run';
import type { RunRequest } from '../runner/planner';
import { stateKey } from '../runner/state';
import type { ServiceContext } from './context';
import type { LakeSession } from './session';

export interface RunHandle {
  /** Known once the runner has recorded the run. */
  runId: string | null;
  kind: RunRequest['kind'];
  /** Why an automatic run started ("new raw data", "schedule hourly"); null when asked for. */
  trigger: string | null;
  startedAt: string;
  controller: AbortController;
  done: Promise<RunSummary | null>;
}

/** Phases after which a task is no longer running. */
const FINAL = new Set(['done', 'failed', 'skipped', 'cancelled']);
/** The explore session is refreshed at most this often while a run commits partitions. */
const REFRESH_EVERY_MS = 1500;

export class RunCoordinator {
  private active: RunHandle | null = null;
  /** Tasks of the active run not finished yet, by state key, with their phase. */
  readonly inFlight = new Map<string, string>();
  private again: string | null = null;
  private lastRefresh = 0;
  private refreshTimer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(
    private readonly session: LakeSession,
    private readonly ctx: ServiceContext,
  ) {}

  get current(): RunHandle | null {
    return this.active;
  }

  /** Re-reads lakehouse.yml and sources.yml so a run sees edits made since the lake was opened. */
  reloadLake(): void {
    this.session.lake = openLake(this.session.lake.layout.root);
  }

  /** Plans a request with the pipeline engine; runs nothing. */
  plan(request: RunRequest): Promise<PlannedRun> {
    this.reloadLake();
    return planRun(this.session.lake, this.session.pipeline, request);
  }

  /**
   * Starts a run in the background and resolves with its id once the runner has
   * recorded it in the run ledger (before it reads any raw file). Fails at once when another run of this lake is going.
   */
  async start(request: RunRequest, opts: { concurrency?: number; trigger?: string } = {}): Promise<string> {
    this.assertIdle();
    const controller = new AbortController();
    let settleId: (id: string) => void = () => undefined;
    let failId: (err: unknown) => void = () => undefined;
    const idKnown = new Promise<string>((resolve, reject) => {
      settleId = resolve;
      failId = reject;
    });
    const handle: RunHandle = {
      runId: null,
      kind: request.kind,
      trigger: opts.trigger ?? null,
      startedAt: new Date().toISOString(),
      controller,
      done: Promise.resolve(null),
    };
    this.active = handle;
    let planned: PlannedRun;
    try {
      planned = await this.plan(request);
    } catch (err) {
      this.active = null;
      throw err;
    }
    handle.done = this.execute(planned, request, handle, opts, settleId, failId);
    const runId = await idKnown;
    return runId;
  }

  /** Runs everything stale now, or once the running run ends. Nothing happens when all is done. */
  runStale(why: string): void {
    if (this.disposed) return;
    if (this.active) {
      this.again = why;
      return;
    }
    void (async () => {
      try {
        const planned = await this.plan({ kind: 'run' });
        if (planned.plan.tasks.length === 0 && planned.ingest.length === 0) return;
        if (this.active || this.disposed) {
          this.again = why;
          return;
        }
        await this.start({ kind: 'run' }, { trigger: why });
      } catch (err) {
        this.log('error', `Automatic run (${why}) could not start: ${message(err)}`);
      }
    })();
  }

  cancel(runId: string): boolean {
    const a = this.active;
    if (!a || a.runId !== runId || a.controller.signal.aborted) return false;
    a.controller.abort();
    return true;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const a = this.active;
    if (!a) return;
    a.controller.abort();
    await a.done.catch(() => undefined);
  }

  private assertIdle(): void {
    const a = this.active;
    if (!a) return;
    const what = a.runId ? `run ${a.runId}` : 'a run that is starting';
    throw new UsageError(
      `A ${a.kind} is already going on this lake (${what}, started ${a.startedAt}). Wait for it to finish or cancel it, then start again.`,
      { runningRunId: a.runId },
    );
  }

  private async execute(
    planned: PlannedRun,
    request: RunRequest,
    handle: RunHandle,
    opts: { concurrency?: number },
    settleId: (id: string) => void,
    failId: (err: unknown) => void,
  ): Promise<RunSummary | null> {
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const registration: { current: Disposable | null } = { current: null };
    const known = (runId: string): void => {
      if (handle.runId) return;
      handle.runId = runId;
      registration.current = this.ctx.track({ id: runId, cancel: () => handle.controller.abort(), done });
      settleId(runId);
    };
    let summary: RunSummary;
    try {
      summary = await executePlanned(planned, this.session.pipeline, request, {
        signal: handle.controller.signal,
        ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
        // The id is known once the ledger has the run: start() returns then, not after the raw parse.
        onStart: known,
        onProgress: (p) => {
          known(p.runId);
          const key = stateKey(p.model, p.partition);
          if (FINAL.has(p.phase)) this.inFlight.delete(key);
          else this.inFlight.set(key, p.phase);
          this.ctx.emit('onDidProgressRun', p);
          if (p.phase === 'done') this.refreshSoon();
        },
      });
    } catch (err) {
      const attached = attachedSummary(err);
      if (attached) summary = attached;
      else if (!handle.runId) {
        // Failed before the runner recorded anything: the caller of start gets the error.
        this.finishActive(handle);
        failId(err);
        return null;
      } else {
        summary = failedSummary(handle.runId, err);
        if (!isCancelled(err)) this.log('error', `Run ${handle.runId} failed: ${message(err)}`);
      }
    }
    known(summary.runId);
    await this.announceFinished(summary, request, handle);
    finished();
    void registration.current?.dispose();
    const again = this.again;
    this.again = null;
    if (again !== null && !this.disposed) this.runStale(again);
    return summary;
  }

  /** The run is over: free the lake for the next one, refresh the catalog and tell the pages. */
  private async announceFinished(summary: RunSummary, request: RunRequest, handle: RunHandle): Promise<void> {
    this.finishActive(handle);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    const tables = await this.session.refresh().catch(() => []);
    this.ctx.emit('onDidFinishRun', { ...summary, kind: request.kind });
    if (handle.trigger !== null)
      this.log(
        summary.status === 'done' ? 'info' : 'warn',
        `Automatic run (${handle.trigger}) ${summary.status}: ${summary.succeeded} of ${summary.tasks} tasks done, ${summary.failed} failed.`,
      );
    this.ctx.emit('onDidChangeLake', { reason: 'run', tables, sources: [] });
  }

  private finishActive(handle: RunHandle): void {
    if (this.active === handle) this.active = null;
    this.inFlight.clear();
  }

  /** Partitions committed: let the editor see the new versions soon, without a refresh per task. */
  private refreshSoon(): void {
    if (this.refreshTimer || this.disposed) return;
    const wait = Math.max(0, this.lastRefresh + REFRESH_EVERY_MS - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.lastRefresh = Date.now();
      void this.session
        .refresh()
        .then((tables) => {
          this.refreshTimer = null;
          if (tables.length > 0 && !this.disposed)
            this.ctx.emit('onDidChangeLake', { reason: 'run', tables, sources: [] });
        })
        .catch(() => {
          this.refreshTimer = null;
        });
    }, wait);
  }

  private log(level: 'info' | 'warn' | 'error', text: string): void {
    this.ctx.emit('onDidLog', { level, message: text, time: new Date().toISOString() });
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function failedSummary(runId: string, err: unknown): RunSummary {
  const cancelled = isCancelled(err);
  return {
    runId,
    status: cancelled ? 'cancelled' : 'failed',
    tasks: 0,
    succeeded: 0,
    failed: cancelled ? 0 : 1,
    skipped: 0,
    cancelled: 0,
    rows: 0,
    quarantined: 0,
    elapsedMs: 0,
    failures: cancelled
      ? []
      : [
          {
            model: '(run)',
            partition: null,
            error: err instanceof PipelineError ? err.message : message(err),
          },
        ],
  };
}

/** The summary the runner attaches to the error a cancelled run ends with (see runner/run.ts). */
function attachedSummary(err: unknown): RunSummary | undefined {
  if (typeof err !== 'object' || err === null || !('summary' in err)) return undefined;
  const { summary } = err;
  return isRunSummary(summary) ? summary : undefined;
}

function isRunSummary(value: unknown): value is RunSummary {
  return (
    typeof value === 'object' &&
    value !== null &&
    'runId' in value &&
    typeof value.runId === 'string' &&
    'status' in value &&
    typeof value.status === 'string'
  );
}
