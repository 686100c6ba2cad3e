// Query results as they cross boundaries: typed column metadata and pages of
// JSON-safe rows. Big integers and decimals travel as strings, times as ISO-8601
// strings, blobs as hex, so no value loses precision on the way to the UI.

export type CellValue = null | boolean | number | string | CellValue[] | { [key: string]: CellValue };

/** How the UI should treat a column's values (derived from the DuckDB type). */
export type ColumnKind =
  | 'boolean'
  | 'integer' // fits a JS number exactly
  | 'bigint' // travels as a string
  | 'decimal' // travels as a string
  | 'float'
  | 'string'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'interval'
  | 'blob'
  | 'uuid'
  | 'list'
  | 'struct'
  | 'map'
  | 'other';

export interface ColumnInfo {
  name: string;
  /** DuckDB's type as SQL, e.g. `DECIMAL(18,2)` or `STRUCT(a INTEGER)`. */
  type: string;
  kind: ColumnKind;
}

export interface ResultPage {
  resultId: string;
  offset: number;
  rows: CellValue[][];
}

export interface QueryResult extends ResultPage {
  columns: ColumnInfo[];
  totalRows: number;
  /** Milliseconds from the engine receiving the query to the result being ready. */
  elapsedMs: number;
  /** Statements executed (a script runs every statement; the last one's result is kept). */
  statements: number;
}

export interface QueryProgress {
  /** 0–100, or null while DuckDB cannot estimate it. */
  percent: number | null;
  rowsProcessed: number;
  totalRows: number;
}
