// The engine worker protocol: one keyed map `method → { args, result }` from
// which the request union, the client's `call<M>()` and the worker's handler
// table are derived — a method without a handler does not compile.
// Every message carries the request id; errors travel as data.

import type { WireError } from '../../shared/errors';
import type { CellValue, QueryProgress, QueryResult, ResultPage } from '../../shared/query';
import type { ExportFileFormat } from './export-sql';
import type { EngineSettings, SandboxSettings } from './settings';

export interface EngineInfo {
  duckdbVersion: string;
  /** The settings in force, as DuckDB reports them. */
  settings: Record<string, string>;
}

export interface EngineMethods {
  /** Creates the DuckDB instance; `setup` runs before the sandbox locks the configuration. */
  open: {
    args: {
      settings: EngineSettings;
      sandbox: SandboxSettings | null;
      setup: readonly string[];
      /** Queries that may run at once; more wait their turn. */
      connections: number;
    };
    result: EngineInfo;
  };
  /** Runs a script for its effect; returns the number of statements run. */
  run: { args: { sql: string }; result: { statements: number } };
  /** Runs a script and returns every row of its last statement (small results only). */
  read: {
    args: { sql: string; maxRows: number };
    result: { columns: QueryResult['columns']; rows: CellValue[][] };
  };
  /** Runs a script and keeps its last result in the worker; returns the first page. */
  query: { args: { sql: string; pageSize: number }; result: QueryResult };
  fetch: { args: { resultId: string; offset: number; limit: number }; result: ResultPage };
  release: { args: { resultId: string }; result: { released: boolean } };
  /**
   * Writes a kept result to `path` with COPY, in the result's row order; reports progress.
   * Null when the result is held in memory rather than as a table (PRAGMA, SHOW …): page it out.
   * A failed or interrupted export removes what it wrote.
   */
  export: {
    args: { resultId: string; path: string; format: ExportFileFormat };
    result: { rows: number; bytes: number } | null;
  };
  /** Interrupts the request with id `target` if it is still running. */
  interrupt: { args: { target: number }; result: { interrupted: boolean } };
}

export type EngineMethod = keyof EngineMethods;
export type ArgsOf<M extends EngineMethod> = EngineMethods[M]['args'];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]['result'];

export type EngineRequest = { [M in EngineMethod]: { id: number; kind: M; args: ArgsOf<M> } }[EngineMethod];

export type EngineReply =
  | { id: number; kind: 'result'; value: unknown }
  | { id: number; kind: 'error'; error: WireError }
  | { id: number; kind: 'progress'; progress: QueryProgress };

/** What a worker-side handler gets besides its arguments. */
export interface HandlerContext {
  id: number;
  progress(p: QueryProgress): void;
}

export type EngineHandlers = {
  [M in EngineMethod]: (args: ArgsOf<M>, ctx: HandlerContext) => Promise<ResultOf<M>>;
};

export const ENGINE_METHODS = [
  'open',
  'run',
  'read',
  'query',
  'fetch',
  'release',
  'export',
  'interrupt',
] as const satisfies readonly EngineMethod[];
