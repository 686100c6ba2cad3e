// The caller's side of the engine worker: typed `call<M>()` derived from the
// protocol map, a pending map keyed by request id, cancel (AbortSignal → an
// interrupt message) and timeouts. A worker that dies rejects every pending
// call with CRASHED, and the next call starts a fresh worker transparently.

import { Worker } from 'node:worker_threads';
import type { Disposable } from '../../shared/disposable';
import type { QueryProgress, QueryResult, ResultPage } from '../../shared/query';
import { CancelledError, EngineError, fromWire } from '../errors';
import type { ArgsOf, EngineInfo, EngineMethod, EngineReply, EngineRequest, ResultOf } from './protocol';
import type { EngineSettings, SandboxSettings } from './settings';

export interface EngineClientOptions {
  /** Names the instance in messages ('explore', 'pipeline'). */
  name: string;
  settings: EngineSettings;
  /** The explore instance's sandbox; null for the pipeline instance. */
  sandbox: SandboxSettings | null;
  /** Statements run at every (re)start before the sandbox locks, e.g. view definitions. */
  setup?: readonly string[];
  /** Queries that may run at once (default 6); more wait their turn in the worker. */
  connections?: number;
  /** How to start the worker; the default runs worker.ts from source or the bundled sibling file. */
  spawn?: () => Worker;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (progress: QueryProgress) => void;
}

/** How long a cancelled call waits for DuckDB to confirm the interrupt before giving up on it. */
const CANCEL_GRACE_MS = 1000;
/** How long a retired worker may take to finish its interrupted native calls before it is ended anyway. */
const RETIRE_GRACE_MS = 10_000;

interface Pending {
  method: EngineMethod;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  onProgress: ((p: QueryProgress) => void) | undefined;
  /** Set once cancelled or timed out: whatever the worker replies, the caller gets this error. */
  abandoned: EngineError | CancelledError | null;
  cleanup(): void;
}

export function defaultSpawn(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return new Worker(new URL('./worker-bootstrap.mjs', here), {
      workerData: { entry: new URL('./worker.ts', here).href },
    });
  }
  // Bundled builds emit the worker as a sibling chunk of the bundle that holds this code.
  return new Worker(new URL('./engine-worker.js', here));
}

export class EngineClient implements Disposable {
  private worker: Worker | null = null;
  private started: Promise<EngineInfo> | null = null;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private disposed = false;
  private setup: readonly string[];
  /** How many workers were started: 1 normally, more after crashes. */
  starts = 0;

  constructor(private readonly options: EngineClientOptions) {
    this.setup = options.setup ?? [];
  }

  get name(): string {
    return this.options.name;
  }

  /** Replaces the setup statements; they take effect at the next (re)start. */
  setSetup(setup: readonly string[]): void {
    this.setup = setup;
  }

  /** Starts the worker if needed and returns what DuckDB reports about itself. */
  info(): Promise<EngineInfo> {
    return this.ensureStarted();
  }

  async call<M extends Exclude<EngineMethod, 'open'>>(
    method: M,
    args: ArgsOf<M>,
    options: CallOptions = {},
  ): Promise<ResultOf<M>> {
    await this.ensureStarted();
    return this.send(method, args, options);
  }

  query(sql: string, options: CallOptions & { pageSize?: number } = {}): Promise<QueryResult> {
    return this.call('query', { sql, pageSize: options.pageSize ?? 500 }, options);
  }

  fetch(resultId: string, offset: number, limit: number, options: CallOptions = {}): Promise<ResultPage> {
    return this.call('fetch', { resultId, offset, limit }, options);
  }

  run(sql: string, options: CallOptions = {}): Promise<ResultOf<'run'>> {
    return this.call('run', { sql }, options);
  }

  read(sql: string, options: CallOptions & { maxRows?: number } = {}): Promise<ResultOf<'read'>> {
    return this.call('read', { sql, maxRows: options.maxRows ?? 100_000 }, options);
  }

  async release(resultId: string): Promise<void> {
    if (!this.worker) return;
    await this.send('release', { resultId }, {});
  }

  /**
   * Stops the worker as a crash would: every pending call fails with CRASHED at
   * once; the thread itself is retired in the background (see `retire`).
   */
  terminate(): void {
    const worker = this.worker;
    if (!worker) return;
    const inFlight = [...this.pending.keys()];
    this.onExit(worker, 'it was stopped');
    void this.retire(worker, inFlight);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.worker;
    const inFlight = [...this.pending.keys()];
    this.worker = null;
    this.started = null;
    this.failAll(new CancelledError(`The ${this.name} engine was closed.`));
    if (worker) await this.retire(worker, inFlight);
  }

  /**
   * Ends a worker thread safely. Tearing a thread down while DuckDB is inside a
   * native call can take the whole process with it, so its running requests are
   * interrupted first and the thread ends once each has answered (DuckDB stops
   * within milliseconds), or after a grace period at the latest.
   */
  private retire(worker: Worker, inFlight: readonly number[]): Promise<void> {
    const left = new Set(inFlight);
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.terminate().then(
          () => resolve(),
          () => resolve(),
        );
      };
      const onMessage = (reply: EngineReply): void => {
        if (reply.kind !== 'progress') left.delete(reply.id);
        if (left.size === 0) finish();
      };
      const timer = setTimeout(finish, RETIRE_GRACE_MS);
      if (left.size === 0) {
        finish();
        return;
      }
      worker.on('message', onMessage);
      for (const id of inFlight)
        worker.postMessage({ id: ++this.seq, kind: 'interrupt', args: { target: id } });
    });
  }

  private ensureStarted(): Promise<EngineInfo> {
    if (this.disposed)
      return Promise.reject(new EngineError('INTERNAL', `The ${this.name} engine is closed.`));
    if (this.started) return this.started;
    const worker = (this.options.spawn ?? defaultSpawn)();
    this.worker = worker;
    this.starts++;
    worker.unref();
    worker.on('message', (reply: EngineReply) => this.onReply(reply));
    worker.on('error', (err) => this.onExit(worker, `it threw: ${err.message}`));
    worker.on('exit', (code) => this.onExit(worker, `its thread exited with code ${code}`));
    const started = this.send(
      'open',
      {
        settings: this.options.settings,
        sandbox: this.options.sandbox,
        setup: this.setup,
        connections: this.options.connections ?? 6,
      },
      {},
    );
    this.started = started;
    started.catch(() => {
      if (this.started === started) this.started = null;
    });
    return started;
  }

  private send<M extends EngineMethod>(
    method: M,
    args: ArgsOf<M>,
    options: CallOptions,
  ): Promise<ResultOf<M>> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new EngineError('CRASHED', `The ${this.name} engine is not running.`));
    const id = ++this.seq;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const abandon = (err: EngineError | CancelledError): void => {
        const p = this.pending.get(id);
        if (!p || p.abandoned) return;
        p.abandoned = err;
        if (method !== 'interrupt') void this.send('interrupt', { target: id }, {}).catch(() => undefined);
        // DuckDB confirms an interrupt within milliseconds; never leave the caller hanging on it.
        timers.push(setTimeout(() => this.settle(id, () => reject(err)), CANCEL_GRACE_MS));
      };
      const onAbort = (): void => abandon(new CancelledError('The query was cancelled.'));
      if (options.signal?.aborted) {
        reject(new CancelledError('The query was cancelled.'));
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs !== undefined) {
        const ms = options.timeoutMs;
        timers.push(
          setTimeout(
            () => abandon(new EngineError('TIMEOUT', `The query took longer than ${ms} ms and was stopped.`)),
            ms,
          ),
        );
      }
      this.pending.set(id, {
        method,
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: options.onProgress,
        abandoned: null,
        cleanup: () => {
          options.signal?.removeEventListener('abort', onAbort);
          timers.forEach(clearTimeout);
        },
      });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, kind: method, args } as EngineRequest);
    });
  }

  private onReply(reply: EngineReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    if (reply.kind === 'progress') {
      if (!p.abandoned) p.onProgress?.(reply.progress);
      return;
    }
    this.settle(reply.id, () => {
      if (p.abandoned) {
        // Finished before the interrupt landed: drop what it kept, report the cancel.
        const value = reply.kind === 'result' ? reply.value : null;
        if (p.method === 'query' && isKept(value)) void this.release(value.resultId).catch(() => undefined);
        p.reject(p.abandoned);
      } else if (reply.kind === 'result') p.resolve(reply.value);
      else p.reject(fromWire(reply.error));
    });
  }

  private settle(id: number, fn: () => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.cleanup();
    if (this.pending.size === 0) this.worker?.unref();
    fn();
  }

  private onExit(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.started = null;
    if (this.disposed) return;
    this.failAll(
      new EngineError(
        'CRASHED',
        `The ${this.name} engine stopped unexpectedly (${why}). What was running did not finish; run it again — a fresh engine starts automatically.`,
      ),
    );
  }

  private failAll(err: Error): void {
    for (const [id, p] of [...this.pending]) this.settle(id, () => p.reject(err));
  }
}

function isKept(value: unknown): value is { resultId: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { resultId?: unknown }).resultId === 'string'
  );
}
