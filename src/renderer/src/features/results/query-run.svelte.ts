// One execution of SQL from the editor or the table view: it generates the
// queryId (so Cancel can stop it), follows the engine's progress events, and
// ends as a kept result (a ResultSource), an error (with the DuckDB position
// mapped back into the editor's text) or a cancellation.

import type { SqlPosition } from '../../../../shared/errors';
import type { QueryProgress } from '../../../../shared/query';
import { api, errorMessage, ServiceError } from '../../lib/api';
import { PAGE_SIZE, ResultSource } from './result-source.svelte';

export type RunStatus = 'running' | 'done' | 'error' | 'cancelled';

export interface RunError {
  message: string;
  code: string;
  /** Position in the whole editor text (the offset of the statement run is added). */
  position: SqlPosition | null;
}

let counter = 0;

export class QueryRun {
  readonly queryId: string;
  readonly sql: string;
  /** Offset of `sql` inside the editor's text, so error positions land right. */
  readonly base: number;
  status = $state<RunStatus>('running');
  progress = $state<QueryProgress | null>(null);
  source = $state<ResultSource | null>(null);
  error = $state<RunError | null>(null);
  startedAt = Date.now();
  finishedMs = $state<number | null>(null);
  private disposed = false;

  constructor(sql: string, base = 0) {
    counter += 1;
    this.queryId = `q${Date.now().toString(36)}-${counter}`;
    this.sql = sql;
    this.base = base;
  }

  async start(): Promise<void> {
    const sub = api.on('onDidProgressQuery', (e) => {
      if (e.queryId === this.queryId) this.progress = e.progress;
    });
    try {
      const result = await api.call('query.run', {
        sql: this.sql,
        queryId: this.queryId,
        pageSize: PAGE_SIZE,
      });
      this.source = new ResultSource(result);
      this.status = 'done';
      // Closed (tab, view) while running: nobody will look at it, so the engine can drop it.
      if (this.disposed) this.source.release();
    } catch (e) {
      if (e instanceof ServiceError && e.code === 'CANCELLED') {
        this.status = 'cancelled';
      } else {
        this.error = toRunError(e, this.base);
        this.status = 'error';
      }
    } finally {
      this.finishedMs = Date.now() - this.startedAt;
      sub.dispose();
    }
  }

  async cancel(): Promise<void> {
    if (this.status !== 'running') return;
    try {
      await api.call('query.cancel', { queryId: this.queryId });
    } catch {
      // The query may have just finished; its outcome stands.
    }
  }

  dispose(): void {
    this.disposed = true;
    this.source?.release();
    void this.cancel();
  }
}

function toRunError(e: unknown, base: number): RunError {
  if (!(e instanceof ServiceError)) return { message: errorMessage(e), code: 'INTERNAL', position: null };
  const pos = e.details?.['position'];
  let position: SqlPosition | null = null;
  if (typeof pos === 'object' && pos !== null) {
    const p = pos as Record<string, unknown>;
    if (typeof p['offset'] === 'number' && typeof p['line'] === 'number' && typeof p['column'] === 'number') {
      position = { offset: p['offset'] + base, line: p['line'], column: p['column'] };
    }
  }
  return { message: e.message, code: e.code, position };
}
