// Prints query results as an aligned table, CSV (RFC 4180) or JSON. Large
// results are written page by page as they are fetched, never held whole.

import type { CellValue, ColumnInfo } from '../shared/query';
import type { OptionSpec } from './command';

export type OutputFormat = 'table' | 'csv' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json'];

/** Rows a table shows unless --limit says otherwise (CSV and JSON print every row). */
export const TABLE_DEFAULT_LIMIT = 200;

/** The --format and --limit options of every command that prints rows. */
export const ROW_OUTPUT_OPTIONS = {
  format: {
    type: 'string',
    short: 'f',
    value: 'table|csv|json',
    description: 'Output format (default table).',
  },
  limit: {
    type: 'string',
    value: 'n',
    description: `Print at most n rows (table default ${TABLE_DEFAULT_LIMIT}, others: all).`,
  },
} as const satisfies Record<string, OptionSpec>;

/** Text of a cell for table and CSV output. */
export function cellText(v: CellValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function csvField(v: CellValue): string {
  const s = cellText(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: readonly CellValue[]): string {
  return values.map(csvField).join(',') + '\n';
}

/**
 * JSON value of a cell: big integers become numbers when they fit exactly
 * (as DuckDB's own JSON output does); decimals stay strings so `12.50` keeps its scale.
 */
export function jsonCell(v: CellValue, column: ColumnInfo): CellValue {
  if (column.kind === 'bigint' && typeof v === 'string') {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
  }
  return v;
}

export function jsonRow(row: readonly CellValue[], columns: readonly ColumnInfo[]): string {
  const obj: Record<string, CellValue> = {};
  columns.forEach((c, i) => {
    obj[c.name] = jsonCell(row[i] ?? null, c);
  });
  return JSON.stringify(obj);
}

const RIGHT_ALIGNED = new Set(['integer', 'bigint', 'decimal', 'float']);

export function renderTable(columns: readonly ColumnInfo[], rows: readonly (readonly CellValue[])[]): string {
  const header = columns.map((c) => c.name);
  const types = columns.map((c) => c.type.toLowerCase());
  const body = rows.map((r) => columns.map((_, i) => oneLine(cellText(r[i] ?? null), r[i] === null)));
  const widths = columns.map((_, i) =>
    Math.min(
      60,
      Math.max(header[i]?.length ?? 0, types[i]?.length ?? 0, ...body.map((r) => r[i]?.length ?? 0)),
    ),
  );
  const pad = (s: string, i: number, right: boolean): string => {
    const w = widths[i] ?? 0;
    const cut = s.length > w ? s.slice(0, w - 1) + '…' : s;
    return right ? cut.padStart(w) : cut.padEnd(w);
  };
  const line = (l: string, m: string, r: string): string =>
    l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const row = (cells: string[], align: boolean): string =>
    '│' +
    cells.map((c, i) => ` ${pad(c, i, align && RIGHT_ALIGNED.has(columns[i]?.kind ?? ''))} `).join('│') +
    '│';
  return [
    line('┌', '┬', '┐'),
    row(header, false),
    row(types, false),
    line('├', '┼', '┤'),
    ...body.map((r) => row(r, true)),
    line('└', '┴', '┘'),
  ].join('\n');
}

function oneLine(s: string, isNull: boolean): string {
  return isNull ? 'NULL' : s.replace(/\r?\n/g, '⏎');
}
