// One open lake inside the service: the Lake, its explore session and pipeline
// engine (the OpenLake every handler sees), plus what the service keeps per
// lake — the raw watcher and schedule, running queries, the run coordinator,
// app state in `.workbench/` and per-version caches. Closing it stops all of it.

import fs from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../../shared/disposable';
import type { ColumnInfo } from '../../shared/query';
import type { EngineClient } from '../engine/client';
import { PipelineError } from '../errors';
import type { ExploreSession } from '../lake/explore';
import type { Lake } from '../lake/lake';
import type { RawWatcher } from '../lake/watcher';
import type { ScheduleHandle } from '../runner/schedule';
import type { OpenLake, ServiceContext } from './context';
import { RunCoordinator } from './run-coordinator';
import { AppState } from './app-state';

export class LakeSession implements OpenLake {
  /** Queries running now, by the caller's queryId. */
  readonly queries = new Map<string, AbortController>();
  /** Shapes of kept results, by resultId (for sort and export). */
  readonly results = new Map<string, { columns: ColumnInfo[]; totalRows: number }>();
  /** Per-table caches keyed by `dir@version`: summaries are immutable for a version. */
  readonly cache = new Map<string, unknown>();
  readonly runs: RunCoordinator;
  readonly state: AppState;
  watcher: RawWatcher | null = null;
  schedule: ScheduleHandle | null = null;
  private refreshing: Promise<string[]> = Promise.resolve([]);
  /** models/ as of the last refresh: view models are defined in the editor's engine from it. */
  private modelsSeen: string;
  private closed = false;

  constructor(
    public lake: Lake,
    public explore: ExploreSession,
    public pipeline: EngineClient,
    ctx: ServiceContext,
  ) {
    this.state = new AppState(lake.layout.root);
    this.modelsSeen = modelsSignature(lake.layout.models);
    this.runs = new RunCoordinator(this, ctx);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Re-reads tables and raw files into the explore engine, one refresh at a time. Returns changed tables. */
  refresh(): Promise<string[]> {
    const run = (): Promise<string[]> => {
      if (this.closed) return Promise.resolve([]);
      this.modelsSeen = modelsSignature(this.lake.layout.models);
      return this.explore.refresh();
    };
    const next = this.refreshing.then(run, run);
    this.refreshing = next.catch(() => []);
    return next;
  }

  /** Refreshes when model files changed since the last refresh (so edited view models show up). */
  async refreshIfModelsChanged(): Promise<void> {
    if (modelsSignature(this.lake.layout.models) !== this.modelsSeen) await this.refresh();
  }

  /** A cached value for an immutable key, computed once. */
  async cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const value = await compute();
    // Bounded: a long session over many versions must not grow without end.
    if (this.cache.size > 2000) this.cache.clear();
    this.cache.set(key, value);
    return value;
  }

  /** Stops watching, cancels queries and runs, closes both engines. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const parts: (Disposable | null)[] = [this.schedule, this.watcher];
    for (const p of parts) await p?.dispose();
    for (const c of this.queries.values()) c.abort();
    await this.runs.dispose();
    await this.refreshing.catch(() => undefined);
    await this.state.flush();
    await this.explore.dispose();
    await this.pipeline.dispose();
  }
}

/** Names, sizes and mtimes of models/*: changes when a model is added, edited or removed. */
function modelsSignature(dir: string): string {
  try {
    return fs
      .readdirSync(dir)
      .sort()
      .map((name) => {
        const st = fs.statSync(path.join(dir, name));
        return `${name}:${st.size}:${st.mtimeMs}`;
      })
      .join('|');
  } catch {
    return '';
  }
}

/** The open lake as a LakeSession (the service only ever opens those). */
export function sessionOf(ctx: ServiceContext): LakeSession {
  const open = ctx.current();
  if (open instanceof LakeSession) return open;
  throw new PipelineError('INTERNAL', 'The open lake was not opened by this service.');
}
