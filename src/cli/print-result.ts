// Prints a query result kept in an engine worker, fetching it page by page so a
// large result is never held whole (except the rows a table shows). One place
// for `query` and `delta read`, so both print the same table, CSV and JSON.

import type { CallOptions } from '../pipeline';
import type { CellValue, QueryResult, ResultPage } from '../shared/query';
import type { Io } from './command';
import { csvLine, jsonRow, renderTable } from './output';
import type { OutputFormat } from './output';

const PAGE = 2000;

export interface PageSource {
  fetch(resultId: string, offset: number, limit: number, options?: CallOptions): Promise<ResultPage>;
}

export async function printResult(
  io: Io,
  source: PageSource,
  first: QueryResult,
  opts: { format: OutputFormat; limit: number; signal: AbortSignal; what?: string },
): Promise<void> {
  const wanted = Math.min(first.totalRows, opts.limit);
  const pages = async function* (): AsyncGenerator<CellValue[][]> {
    let offset = 0;
    let rows = first.rows;
    while (offset < wanted) {
      const take = rows.slice(0, wanted - offset);
      yield take;
      offset += take.length;
      if (offset >= wanted || rows.length === 0) break;
      rows = (
        await source.fetch(first.resultId, offset, Math.min(PAGE, wanted - offset), { signal: opts.signal })
      ).rows;
    }
  };
  if (opts.format === 'table') {
    const all: CellValue[][] = [];
    for await (const rows of pages()) all.push(...rows);
    io.out(renderTable(first.columns, all) + '\n');
    const more = first.totalRows - all.length;
    const count = `${first.totalRows.toLocaleString('en-US')} row${first.totalRows === 1 ? '' : 's'}`;
    const hidden =
      more > 0 ? ` (${more.toLocaleString('en-US')} not shown: use --limit or --format csv)` : '';
    io.err(`${count}${opts.what ? ` ${opts.what}` : ''}${hidden} in ${first.elapsedMs} ms\n`);
  } else if (opts.format === 'csv') {
    io.out(csvLine(first.columns.map((c) => c.name)));
    for await (const rows of pages()) io.out(rows.map(csvLine).join(''));
  } else {
    io.out('[');
    let n = 0;
    for await (const rows of pages()) {
      for (const row of rows) io.out(`${n++ === 0 ? '\n' : ',\n'}  ${jsonRow(row, first.columns)}`);
    }
    io.out(n === 0 ? ']\n' : '\n]\n');
  }
}
