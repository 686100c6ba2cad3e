// Errors as they cross a boundary (worker, IPC, HTTP): plain data, rebuilt into
// typed classes on arrival. `code` is stable and machine-readable; `message`
// says what happened and what to do next.

export const ERROR_CODES = [
  'CONFIG', // a project file or setting is wrong
  'NOT_A_LAKE', // a folder that is not a lake
  'NOT_FOUND', // a named thing (table, source, model, result) does not exist
  'USAGE', // a call made with wrong arguments
  'SQL', // DuckDB rejected a query: parse, bind, catalog, conversion …
  'SANDBOX', // the explore engine refused a file access or a setting change
  'CANCELLED', // the caller cancelled
  'TIMEOUT', // the call took longer than it was allowed
  'CRASHED', // the engine worker died; the next call starts a new one
  'CONFLICT', // a concurrent writer won
  'IO', // the file system failed
  'INTERNAL', // a bug: report it
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  name: string;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Where DuckDB located an error in the SQL text (1-based line and column, 0-based offset). */
export interface SqlPosition {
  line: number;
  column: number;
  offset: number;
}

export function isWireError(value: unknown): value is WireError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['name'] === 'string' &&
    typeof v['message'] === 'string' &&
    typeof v['code'] === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v['code'])
  );
}

/** The outcome of a call across a boundary that must not throw (Electron IPC keeps only `message`). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };
