// query.export: writes a whole kept result to CSV or Parquet. The editor's
// engine is sandboxed and may not COPY, so the result is paged out of it into
// a scratch JSON-lines file (progress per page), and the pipeline engine turns
// that into the output with the result's own column types. Inside the lake,
// files go to exports/ only, so an export can never overwrite lake data.

import fs from 'node:fs';
import path from 'node:path';
import type { ExportFormat, ExportResult } from '../../shared/contract';
import type { CellValue, ColumnInfo } from '../../shared/query';
import { quoteIdent, quoteLiteral, quoteQualified } from '../engine/sql';
import { NotFoundError, UsageError } from '../errors';
import type { LakeSession } from './session';

/** Rows fetched from the explore engine per page while exporting. */
const EXPORT_PAGE = 20_000;

/**
 * The table the engine keeps a query's result in (engine/session.ts: a table
 * `result_<id>` in the attached `__results` database); sort re-queries it.
 */
export function keptResultTable(resultId: string): string {
  return quoteQualified('__results', `result_${resultId}`);
}

/**
 * The row's position in the result, carried through the scratch file: the pipeline engine
 * does not preserve insertion order, so the output is ordered by it explicitly.
 */
const ROW_NUMBER = '__lakehouse_row';

/** Column kinds that travel as text DuckDB would not read back as their type: exported as text. */
const AS_TEXT = new Set<ColumnInfo['kind']>(['blob', 'interval', 'other']);

function exportTarget(session: LakeSession, format: ExportFormat, wanted: string | undefined): string {
  const root = session.lake.layout.root;
  const exports = path.join(root, 'exports');
  if (!wanted) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    fs.mkdirSync(exports, { recursive: true });
    return path.join(exports, `result-${stamp}.${format}`);
  }
  const target = path.resolve(root, wanted);
  const inLake =
    !path.relative(root, target).startsWith('..') && !path.isAbsolute(path.relative(root, target));
  const inExports = !path.relative(exports, target).startsWith('..');
  if (inLake && !inExports) {
    throw new UsageError(
      `Exports inside the lake go to its exports/ folder, so they never overwrite lake data: choose a path under ${exports} or outside the lake.`,
    );
  }
  if (!fs.existsSync(path.dirname(target))) {
    if (inExports) fs.mkdirSync(path.dirname(target), { recursive: true });
    else
      throw new UsageError(`Cannot export to ${target}: the folder ${path.dirname(target)} does not exist.`);
  }
  return target;
}

/** A JSON-lines row keyed by column name; values are already JSON-safe (CellValue). */
function jsonLine(columns: readonly ColumnInfo[], row: readonly CellValue[], n: number): string {
  const obj: Record<string, CellValue> = { [ROW_NUMBER]: n };
  columns.forEach((c, i) => {
    obj[c.name] = row[i] ?? null;
  });
  return JSON.stringify(obj);
}

export async function exportResult(
  session: LakeSession,
  args: { resultId: string; format: ExportFormat; exportId: string; path?: string },
  progress: (rows: number, totalRows: number) => void,
): Promise<ExportResult> {
  const started = Date.now();
  const known = session.results.get(args.resultId);
  if (!known) {
    throw new NotFoundError(
      `Result ${args.resultId} is no longer kept: run the query again, then export it.`,
    );
  }
  const { columns, totalRows } = known;
  const target = exportTarget(session, args.format, args.path);
  const scratch = path.join(session.lake.layout.local, 'exports');
  fs.mkdirSync(scratch, { recursive: true });
  const tmp = path.join(scratch, `${args.exportId.replace(/[^\w.-]/g, '_')}-${process.pid}.jsonl`);
  try {
    const out = fs.createWriteStream(tmp);
    let written = 0;
    try {
      progress(0, totalRows);
      while (written < totalRows) {
        const page = await session.explore.engine.fetch(args.resultId, written, EXPORT_PAGE);
        if (page.rows.length === 0) break;
        const text = page.rows.map((r, i) => jsonLine(columns, r, written + i)).join('\n') + '\n';
        if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
        written += page.rows.length;
        progress(written, totalRows);
      }
    } finally {
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    }
    await copyOut(session, columns, tmp, target, args.format, written);
    return {
      path: target,
      rows: written,
      bytes: fs.statSync(target).size,
      elapsedMs: Date.now() - started,
      downloadPath: downloadPath(session.lake.layout.root, target),
    };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

async function copyOut(
  session: LakeSession,
  columns: readonly ColumnInfo[],
  source: string,
  target: string,
  format: ExportFormat,
  rows: number,
): Promise<void> {
  const spec = columns
    .map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(AS_TEXT.has(c.kind) ? 'VARCHAR' : c.type)}`)
    .join(', ');
  const select =
    rows === 0
      ? `SELECT ${columns.map((c) => `NULL::${AS_TEXT.has(c.kind) ? 'VARCHAR' : c.type} AS ${quoteIdent(c.name)}`).join(', ')} LIMIT 0`
      : `SELECT ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM read_json(${quoteLiteral(source)}, format = 'newline_delimited', columns = {${quoteLiteral(ROW_NUMBER)}: 'BIGINT', ${spec}}) ORDER BY ${quoteIdent(ROW_NUMBER)}`;
  const options = format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
  // Written next to the target and renamed in: a half-written export never has the final name.
  const partial = `${target}.partial`;
  try {
    await session.pipeline.run(`COPY (${select}) TO ${quoteLiteral(partial)} (${options})`);
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** The target relative to the lake, with / separators, when it is inside the lake. */
function downloadPath(root: string, target: string): string | null {
  const rel = path.relative(root, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}
