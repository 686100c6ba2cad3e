// How cells look in the grid and in copied text: NULL as NULL, nested values as
// JSON, numbers exactly as they travelled (big integers and decimals are strings,
// so they keep every digit). TSV escapes tabs and newlines so a paste stays a grid.

import type { CellValue, ColumnKind } from '../../../../shared/query';

export interface GridColumn {
  name: string;
  type: string;
  kind: ColumnKind;
}

const NUMERIC: ReadonlySet<ColumnKind> = new Set(['integer', 'bigint', 'decimal', 'float']);

export function isNumericKind(kind: ColumnKind): boolean {
  return NUMERIC.has(kind);
}

export function formatCell(v: CellValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function tsvField(v: CellValue | string): string {
  const s = v === null ? '' : typeof v === 'string' ? v : formatCell(v);
  return /[\t\n\r"]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toTsv(rows: (CellValue | string)[][]): string {
  return rows.map((r) => r.map(tsvField).join('\t')).join('\n');
}
