// query.export: writes a whole kept result to CSV or Parquet. The explore engine
// writes it itself with one COPY of the kept table (the statement is the engine's
// own, not editor SQL; its sandbox allows the lake) into the lake's local scratch
// folder, and the finished file is moved to its target. Results held in memory
// (PRAGMA, SHOW …) are paged out instead and written by the pipeline engine.
// Inside the lake, files go to exports/ only, so an export never overwrites lake data.

import fs from 'node:fs';
import path from 'node:path';
import type { ExportFormat, ExportResult } from '../../shared/contract';
import type { CellValue, ColumnInfo, ResultPage } from '../../shared/query';
import { quoteIdent, quoteLiteral, quoteQualified } from '../engine/sql';
import { NotFoundError, UsageError } from '../errors';
import type { LakeSession } from './session';

/** Rows fetched from the explore engine per page when a result held in memory is paged out. */
const EXPORT_PAGE = 10_000;

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
const ROW_NUMBER = 'n';

/** Column kinds that travel as text DuckDB would not read back as their type: exported as text. */
const AS_TEXT = new Set<ColumnInfo['kind']>(['blob', 'interval', 'other']);

export interface ExportArgs {
  resultId: string;
  format: ExportFormat;
  exportId: string;
  path?: string;
}

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

export async function exportResult(
  session: LakeSession,
  args: ExportArgs,
  progress: (rows: number, totalRows: number) => void,
  signal?: AbortSignal,
): Promise<ExportResult> {
  const started = Date.now();
  const known = session.results.get(args.resultId);
  if (!known) {
    throw new NotFoundError(
      `Result ${args.resultId} is no longer kept: run the query again, then export it.`,
    );
  }
  const { totalRows } = known;
  const target = exportTarget(session, args.format, args.path);
  // Inside the lake, where the sandboxed engine may write; never under the final name.
  const scratch = path.join(session.lake.layout.local, 'exports');
  fs.mkdirSync(scratch, { recursive: true });
  const partial = path.join(
    scratch,
    `${args.exportId.replace(/[^\w.-]/g, '_')}-${process.pid}.${args.format}.partial`,
  );
  progress(0, totalRows);
  try {
    const written = await session.explore.engine.call(
      'export',
      { resultId: args.resultId, path: partial, format: args.format },
      {
        ...(signal ? { signal } : {}),
        // DuckDB reports how far the COPY got; the last row counts once it is done.
        onProgress: (p) => {
          if (p.percent === null) return;
          progress(
            Math.max(0, Math.min(totalRows - 1, Math.floor((p.percent / 100) * totalRows))),
            totalRows,
          );
        },
      },
    );
    const rows = written
      ? written.rows
      : await pagedExport(session, known.columns, totalRows, args, partial, progress, signal);
    moveInto(partial, target);
    progress(rows, totalRows);
    return {
      path: target,
      rows,
      bytes: fs.statSync(target).size,
      elapsedMs: Date.now() - started,
      downloadPath: downloadPath(session.lake.layout.root, target),
    };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** Renames a finished file to its target (copying when the target is on another disk), never half-written. */
function moveInto(source: string, target: string): void {
  try {
    fs.renameSync(source, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const landing = `${target}.partial`;
    try {
      fs.copyFileSync(source, landing);
      fs.renameSync(landing, target);
    } finally {
      fs.rmSync(landing, { force: true });
    }
  }
}

function jsonLine(row: readonly CellValue[], n: number): string {
  let line = `{"${ROW_NUMBER}":${n}`;
  for (let i = 0; i < row.length; i++) line += `,"c${i}":${JSON.stringify(row[i] ?? null)}`;
  return line + '}';
}

/** Pages a result held in memory out of the explore engine; the pipeline engine writes it to `output`. */
async function pagedExport(
  session: LakeSession,
  columns: readonly ColumnInfo[],
  totalRows: number,
  args: ExportArgs,
  output: string,
  progress: (rows: number, totalRows: number) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  const options = signal ? { signal } : {};
  const tmp = `${output}.jsonl`;
  try {
    const out = fs.createWriteStream(tmp);
    // A failing disk ends the export with its error instead of an unhandled stream event.
    let failed: Error | null = null;
    out.on('error', (err) => {
      failed = err;
      out.emit('drain');
    });
    let written = 0;
    let pending: Promise<ResultPage> | null = null;
    try {
      const fetchAt = (offset: number): Promise<ResultPage> | null =>
        offset < totalRows ? session.explore.engine.fetch(args.resultId, offset, EXPORT_PAGE, options) : null;
      pending = fetchAt(0);
      while (pending) {
        const page = await pending;
        if (page.rows.length === 0) break;
        // The engine reads the next page while this one is written.
        pending = fetchAt(written + page.rows.length);
        const text = page.rows.map((r, i) => jsonLine(r, written + i)).join('\n') + '\n';
        if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
        if (failed) throw failed;
        written += page.rows.length;
        progress(written, totalRows);
      }
    } finally {
      void pending?.catch(() => undefined);
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err || failed ? reject(err ?? failed) : resolve())),
      );
    }
    await copyOut(session, columns, tmp, output, args.format, written, signal);
    return written;
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
  signal: AbortSignal | undefined,
): Promise<void> {
  // Every value is read as text (or JSON for nested values) and cast with plain SQL casts:
  // DuckDB's JSON reader converts some types (DECIMAL) far more slowly than a cast does.
  const nested = (c: ColumnInfo): boolean => c.kind === 'list' || c.kind === 'struct' || c.kind === 'map';
  const spec = columns.map((c, i) => `'c${i}': ${nested(c) ? "'JSON'" : "'VARCHAR'"}`).join(', ');
  const cast = (c: ColumnInfo, expr: string): string => {
    if (AS_TEXT.has(c.kind)) return `${expr}::VARCHAR`;
    // Parquet has no 128-bit integer (DuckDB would write a lossy DOUBLE): DECIMAL(38,0) keeps every digit.
    if (format === 'parquet' && c.type === 'HUGEINT') return `CAST(${expr} AS DECIMAL(38,0))`;
    return wideDecimal(c, expr) ?? `CAST(${expr} AS ${c.type})`;
  };
  const select =
    rows === 0
      ? `SELECT ${columns.map((c) => `${cast(c, 'NULL')} AS ${quoteIdent(c.name)}`).join(', ')} LIMIT 0`
      : `SELECT ${columns.map((c, i) => `${cast(c, `c${i}`)} AS ${quoteIdent(c.name)}`).join(', ')} FROM read_json(${quoteLiteral(source)}, format = 'newline_delimited', columns = {${quoteLiteral(ROW_NUMBER)}: 'BIGINT', ${spec}}) ORDER BY ${quoteIdent(ROW_NUMBER)}`;
  const options = format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
  await session.pipeline.run(
    `COPY (${select}) TO ${quoteLiteral(target)} (${options})`,
    signal ? { signal } : {},
  );
}

/**
 * Text to a DECIMAL wider than 18 digits is slow in DuckDB (tens of µs a value); the digits
 * as HUGEINT, scaled by an exact decimal factor, are the same value a hundred times faster.
 * The text is DuckDB's own rendering, which always has exactly `scale` fraction digits.
 */
function wideDecimal(c: ColumnInfo, expr: string): string | null {
  const m = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(c.type);
  if (c.kind !== 'decimal' || !m || Number(m[1]) <= 18) return null;
  const scale = Number(m[2]);
  const digits = `replace(${expr}, '.', '')::HUGEINT::DECIMAL(38,0)`;
  const factor = scale === 0 ? '' : ` * 0.${'0'.repeat(scale - 1)}1`;
  return `CAST(${digits}${factor} AS ${c.type})`;
}

/** The target relative to the lake, with / separators, when it is inside the lake. */
function downloadPath(root: string, target: string): string | null {
  const rel = path.relative(root, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}
