// Copying from the DataGrid: a selected range as TSV (fetching rows not loaded yet, up to a
// cap), and the clipboard write with a fallback for pages where the Clipboard API is refused
// (plain http, no user activation).

import type { CellValue } from '../../../../shared/query';
import { toTsv } from './grid-format';
import type { GridColumn } from './grid-format';

/** Beyond this many rows a copy is refused: the clipboard is the wrong tool, an export is not. */
export const MAX_COPY_ROWS = 200_000;

export interface CopyRange {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

export interface CopySource {
  columns: GridColumn[];
  rowAt: (index: number) => CellValue[] | undefined;
  fetchRows?: (start: number, end: number) => Promise<CellValue[][]>;
  onNotice?: (message: string) => void;
}

/** Copies the inclusive range; says what it did (or why it did not) through onNotice. */
export async function copyRange(
  s: CopyRange,
  withHeader: boolean,
  src: CopySource,
  refocus: () => void,
): Promise<void> {
  const count = s.r1 - s.r0 + 1;
  if (count > MAX_COPY_ROWS) {
    src.onNotice?.(
      `Selection too large to copy (${count.toLocaleString()} rows; at most ${MAX_COPY_ROWS.toLocaleString()}). Export the result instead.`,
    );
    return;
  }
  let rows: (CellValue[] | undefined)[] = [];
  for (let r = s.r0; r <= s.r1; r++) rows.push(src.rowAt(r));
  if (rows.some((r) => r === undefined)) {
    if (src.fetchRows === undefined) return;
    src.onNotice?.(`Fetching ${count.toLocaleString()} rows to copy…`);
    rows = await src.fetchRows(s.r0, s.r1 + 1);
  }
  const header = withHeader ? [src.columns.slice(s.c0, s.c1 + 1).map((c) => c.name)] : [];
  const body = rows.map((r) => (r ?? []).slice(s.c0, s.c1 + 1));
  await writeClipboard(toTsv([...header, ...body]), refocus);
  src.onNotice?.(
    `Copied ${count.toLocaleString()} row${count === 1 ? '' : 's'} × ${s.c1 - s.c0 + 1} column${s.c1 === s.c0 ? '' : 's'}`,
  );
}

/** The Clipboard API, or a hidden textarea and execCommand where it is refused. */
export async function writeClipboard(text: string, refocus: () => void): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
    refocus();
  }
}
