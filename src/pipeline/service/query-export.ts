// query.export: writes a whole kept result to CSV or Parquet. The editor's
// engine is sandboxed and may not COPY, so the result is paged out of it into
// a scratch JSON-lines file (progress per page), and the pipeline engine turns
// that into the output with the result's own column types. Inside the lake,
// files go to exports/ only, so an export can never overwrite lake data.

import fs from 'node:fs';
import path from 'node:path';
import type { ExportFormat, ExportResult } from '../../shared/contract';
import type { CellValue, ColumnInfo, ResultPage } from '../../shared/query';
import { quoteIdent, quoteLiteral, quoteQualified } from '../engine/sql';
import { NotFoundError, UsageError } from '../errors';
import type { LakeSession } from './session';

/** Rows fetched from the explore engine per page while exporting. */
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

/**
 * One JSON-lines row: `{"n":<position>,"c0":…,"c1":…}`. Keys are positional (column names may be
 * anything) and written by hand, since this runs once per exported row.
 */
function jsonLine(row: readonly CellValue[], n: number): string {
  let line = `{"${ROW_NUMBER}":${n}`;
  for (let i = 0; i < row.length; i++) line += `,"c${i}":${JSON.stringify(row[i] ?? null)}`;
  return line + '}';
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
    // A failing disk ends the export with its error instead of an unhandled stream event.
    let failed: Error | null = null;
    out.on('error', (err) => {
      failed = err;
      out.emit('drain');
    });
    let written = 0;
    let pending: Promise<ResultPage> | null = null;
    try {
      progress(0, totalRows);
      const fetchAt = (offset: number): Promise<ResultPage> | null =>
        offset < totalRows ? session.explore.engine.fetch(args.resultId, offset, EXPORT_PAGE) : null;
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
  // Written next to the target and renamed in: a half-written export never has the final name.
  const partial = `${target}.partial`;
  try {
    await session.pipeline.run(`COPY (${select}) TO ${quoteLiteral(partial)} (${options})`);
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(partial, { force: true });
  }
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
