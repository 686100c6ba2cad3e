// The COPY statement that writes a kept result to a file inside the engine
// worker. It is built here from the result's own column types, never from user
// SQL, so the editor's statement checks do not apply to it; DuckDB's own
// sandbox (allowed_directories) still bounds where it may write.

import type { ColumnInfo } from '../../shared/query';
import { quoteIdent, quoteLiteral } from './sql';

export type ExportFileFormat = 'csv' | 'parquet';

/** Kinds written as their text: Parquet and CSV readers would not read them back as the same value. */
const AS_TEXT = new Set<ColumnInfo['kind']>(['blob', 'interval', 'other']);

function columnExpr(c: ColumnInfo, format: ExportFileFormat): string {
  const col = quoteIdent(c.name);
  if (AS_TEXT.has(c.kind)) return `${col}::VARCHAR AS ${col}`;
  // Parquet has no 128-bit integer (DuckDB would write a lossy DOUBLE): DECIMAL(38,0) keeps every digit.
  if (format === 'parquet' && c.type === 'HUGEINT') return `CAST(${col} AS DECIMAL(38,0)) AS ${col}`;
  return col;
}

/**
 * `COPY (SELECT … FROM <table>) TO '<path>'` in the result's row order. With
 * preserve_insertion_order on (the explore instance), a scan of a table written once
 * keeps its insertion order and so does COPY, as paging relies on too; otherwise the
 * rows are sorted by rowid, at the cost of a sort.
 */
export function exportCopySql(
  table: string,
  columns: readonly ColumnInfo[],
  format: ExportFileFormat,
  target: string,
  keepsInsertionOrder: boolean,
): string {
  const select = columns.length === 0 ? '*' : columns.map((c) => columnExpr(c, format)).join(', ');
  const options = format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
  const order = keepsInsertionOrder ? '' : ' ORDER BY rowid';
  return `COPY (SELECT ${select} FROM ${table}${order}) TO ${quoteLiteral(target)} (${options})`;
}
