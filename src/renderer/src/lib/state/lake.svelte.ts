// The open lake as the whole renderer sees it, and the one place where lake
// change events become cache invalidation: views read `lake.info`,
// `lake.catalog` and `lake.revision`, and re-load their data when `revision`
// moves (a run committed, raw files landed, another lake was opened).

import type { CatalogSnapshot, CompletionCatalog, LakeChange, LakeInfo } from '../../../../shared/contract';
import { api, errorMessage } from '../api';

/** The pipeline run in progress, as the status bar shows it. */
export interface RunningRun {
  runId: string;
  completed: number;
  total: number;
  model: string;
  partition: string | null;
}

class LakeState {
  info = $state<LakeInfo | null>(null);
  catalog = $state<CatalogSnapshot | null>(null);
  /** Schemas, tables with their columns, DuckDB functions and keywords (editor completion, catalog columns). */
  completions = $state<CompletionCatalog | null>(null);
  /** Bumped on every change to the lake; depend on it to re-load. */
  revision = $state(0);
  lastChange = $state<LakeChange | null>(null);
  lastChangeAt = $state<Date | null>(null);
  error = $state<string | null>(null);
  connected = $state(true);
  /** True once the first `lake.current` answered (or failed): the start page may show. */
  ready = $state(false);
  /** A lake being opened or created: the start page shows it as busy. */
  busy = $state<string | null>(null);
  running = $state<RunningRun | null>(null);
  /** The user asked for the start page to open another lake; the current one stays open meanwhile. */
  choosing = $state(false);
  private started = false;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private changePending = false;

  /** Loads the current lake and catalog, and starts listening for changes (once). */
  async start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      api.on('onDidChangeLake', (change) => {
        this.lastChange = change;
        this.lastChangeAt = new Date();
        // Views re-load on the next revision, bumped once the catalog is fresh.
        this.changePending = true;
        void this.reloadCatalog();
      });
      api.on('onDidProgressRun', (p) => {
        this.running = {
          runId: p.runId,
          completed: p.completed,
          total: p.total,
          model: p.model,
          partition: p.partition,
        };
      });
      api.on('onDidFinishRun', (s) => {
        if (this.running === null || this.running.runId === s.runId) this.running = null;
      });
      let lost = false;
      api.onConnection((c) => {
        this.connected = c;
        // Only a reconnect can have missed changes; the first connection comes with start()'s own load.
        if (c && lost && this.info !== null) void this.reloadCatalog();
        if (!c) lost = true;
      });
    }
    try {
      this.info = await api.call('lake.current', {});
      if (this.info !== null) await this.reloadCatalog();
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.ready = true;
    }
  }

  /**
   * Re-lists the catalog. Calls while one is in flight coalesce into one more pass after it, so a
   * burst of change events (many raw files landing) costs two listings, not one per event.
   */
  reloadCatalog(): Promise<void> {
    if (this.reloading !== null) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          const changed = this.changePending;
          this.changePending = false;
          await this.loadCatalog();
          if (changed) this.revision += 1;
        } while (this.reloadAgain);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  private async loadCatalog(): Promise<void> {
    try {
      this.catalog = await api.call('catalog.list', {});
      this.info = this.catalog.lake;
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
    }
    // Column lists change with the tables; a failure here only costs completion, not the catalog.
    api
      .call('catalog.completions', {})
      .then((c) => (this.completions = c))
      .catch(() => undefined);
  }

  async open(path: string): Promise<void> {
    this.busy = `Opening ${path}…`;
    try {
      this.info = await api.call('lake.open', { path });
      await this.reloadCatalog();
      this.revision += 1;
      this.choosing = false;
    } finally {
      this.busy = null;
    }
  }

  async createSample(path: string, days?: number): Promise<void> {
    this.busy = `Creating a sample lake at ${path}…`;
    try {
      this.info = await api.call('lake.createSample', days === undefined ? { path } : { path, days });
      await this.reloadCatalog();
      this.revision += 1;
      this.choosing = false;
    } finally {
      this.busy = null;
    }
  }
}

export const lake = new LakeState();
