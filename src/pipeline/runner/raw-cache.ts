// The run's raw cache: each source's raw files the run needs, parsed once
// (rawParseSql shape) into tables every task reads its window from — a
// partition would otherwise re-parse its neighbours' files. The raw text is
// kept for bad lines only, which quarantine needs. DuckDB reads a list of text
// files on one thread, so a source's files are split into one group per engine
// thread, parsed by concurrent statements, and put back together by a view.
// When the raw files are large next to the memory limit, the cache lives in a
// database file in the engine's temp folder (compressed, evictable) instead.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SourceDef } from '../config/sources';
import type { EngineClient } from '../engine/client';
import { quoteIdent, quoteLiteral, quoteQualified } from '../engine/sql';
import { findSource } from '../lake/lake';
import type { RawFile } from '../lake/raw-files';
import { notUtf8File, restoreSql, writeUtf8Copy } from '../lake/not-utf8';
import { csvRejectsSql, rawParseSql } from '../lake/raw-sql';
import { inputWindow, rawFilesOn } from './inputs';
import type { PlannedRun } from './run';
import { bytesOf } from './schedule-jobs';
import { WORK_SCHEMA } from './task';

export interface RawCache {
  /** Per source: the relation (a table or a view) holding its parsed lines. */
  tables: Map<string, string>;
  drop(): Promise<void>;
}

/** Splits below this many bytes per group are not worth a second statement. */
const MIN_GROUP_BYTES = 64 * 1024 * 1024;

export async function cacheRaw(
  planned: PlannedRun,
  engine: EngineClient,
  runId: string,
  signal: AbortSignal,
): Promise<RawCache> {
  const { inputs } = planned;
  const { settings } = await engine.info();
  const threads = Math.max(1, Number(settings['threads'] ?? 1) || 1);
  const needed = [...neededDays(planned)].map(([source, daySet]) => ({
    source,
    files: rawFilesOn(inputs, source, daySet),
  }));
  const bytes = needed.reduce((n, s) => n + s.files.reduce((m, f) => m + f.size, 0), 0);
  const tag = runId.replace(/\W/g, '_');
  const created: string[] = [];
  let file: string | null = null;
  let schema = quoteIdent(WORK_SCHEMA);
  if (bytes > bytesOf(settings['memory_limit']) / 4 && settings['temp_directory']) {
    file = path.join(settings['temp_directory'], `raw-cache-${tag}.duckdb`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await engine.run(`ATTACH ${quoteLiteral(file)} AS ${quoteIdent(`__lh_raw_${tag}`)}`);
    schema = quoteQualified(`__lh_raw_${tag}`, 'main');
  }
  const copyDir = path.join(settings['temp_directory'] || os.tmpdir(), `raw-utf8-${tag}`);
  const drop = async (): Promise<void> => {
    for (const obj of created.reverse()) await engine.run(`DROP ${obj}`).catch(() => undefined);
    await fs.rm(copyDir, { recursive: true, force: true });
    if (file) {
      await engine.run(`DETACH ${quoteIdent(`__lh_raw_${tag}`)}`).catch(() => undefined);
      for (const f of [file, `${file}.wal`]) await fs.rm(f, { force: true });
    }
  };
  const tables = new Map<string, string>();
  try {
    // Every source at once: a small source's single statement would otherwise leave a core idle.
    await allSettled(
      needed.map(async ({ source, files: all }) => {
        const def = findSource(inputs.lake, source);
        const name = (suffix: string): string => `${schema}.${quoteIdent(`raw_${tag}_${source}${suffix}`)}`;
        const groups = split(all, threads);
        const parts = groups.map((_, i) => name(groups.length > 1 ? `_${i}` : ''));
        await allSettled(
          groups.map(async (files, i) => {
            const table = parts[i] ?? name('');
            created.push(`TABLE IF EXISTS ${table}`);
            await parseInto(engine, table, def, files, {
              scratch: `${tag}_${source}_${i}`,
              copyDir: path.join(copyDir, `${source}-${i}`),
              signal,
            });
          }),
        );
        if (parts.length > 1) {
          // The view lives in the run's schema of the main database, whichever holds the tables.
          const view = quoteQualified(WORK_SCHEMA, `raw_${tag}_${source}`);
          await engine.run(
            `CREATE VIEW ${view} AS ${parts.map((t) => `SELECT * FROM ${t}`).join(' UNION ALL ')}`,
          );
          created.push(`VIEW IF EXISTS ${view}`);
          tables.set(source, view);
          return;
        }
        tables.set(source, name(''));
      }),
    );
  } catch (err) {
    await drop();
    throw err;
  }
  return { tables, drop };
}

/**
 * Creates `table` from the parsed lines of `files`. CSV rows the reader cannot
 * read land in temporary tables of the script's connection and join the bad
 * lines before the script drops them. A JSON-lines file that is not all UTF-8
 * is read again from a copy with its bad lines marked (see not-utf8.ts).
 */
async function parseInto(
  engine: EngineClient,
  table: string,
  def: SourceDef,
  files: readonly RawFile[],
  opts: { scratch: string; copyDir: string; signal: AbortSignal },
): Promise<void> {
  const rejects =
    def.format === 'csv'
      ? { table: `__lh_rejects_${opts.scratch}`, scan: `__lh_scans_${opts.scratch}` }
      : undefined;
  const copyOf = new Map<string, string>();
  for (;;) {
    const parse = rawParseSql(
      def,
      files.map((f) => copyOf.get(f.path) ?? f.path),
      rejects,
    );
    const script = [
      `CREATE TABLE ${table} AS SELECT * REPLACE (CASE WHEN _reason IS NULL THEN NULL ELSE _raw END AS _raw) FROM (${copyOf.size > 0 ? restoreSql(parse, copyOf) : parse})`,
      ...(rejects
        ? [
            `INSERT INTO ${table} BY NAME ${csvRejectsSql(def, rejects)}`,
            `DROP TABLE ${quoteIdent(rejects.table)}`,
            `DROP TABLE ${quoteIdent(rejects.scan)}`,
          ]
        : []),
    ];
    try {
      await engine.run(script.join(';\n'), { signal: opts.signal });
      return;
    } catch (err) {
      const bad = def.format === 'jsonl' ? notUtf8File(err) : null;
      // A file refused again (or a copy refused) is not for a copy to fix.
      if (!bad || copyOf.has(bad) || [...copyOf.values()].includes(bad)) throw err;
      copyOf.set(bad, await writeUtf8Copy(bad, path.join(opts.copyDir, String(copyOf.size))));
    }
  }
}

/** Promise.all that waits for every statement, so a failure never drops tables still being made. */
async function allSettled(work: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The arrival days each source is read for: ingest days and the input windows of the tasks. */
function neededDays(planned: PlannedRun): Map<string, Set<string> | null> {
  const days = new Map<string, Set<string> | null>();
  const want = (source: string, d: readonly string[] | null): void => {
    const cur = days.get(source);
    if (cur === null) return;
    days.set(source, d === null ? null : new Set([...(cur ?? []), ...d]));
  };
  for (const { source, day } of planned.ingest) want(source, [day]);
  for (const task of planned.plan.tasks) {
    const model = planned.inputs.models.get(task.model);
    if (!model) continue;
    for (const s of model.sources) want(s, task.partition ? inputWindow(model, task.partition) : null);
  }
  return days;
}

/** Files in up to `n` groups of similar size (largest first into the lightest group); one group when small. */
function split(files: readonly RawFile[], n: number): RawFile[][] {
  const total = files.reduce((s, f) => s + f.size, 0);
  const count = Math.max(1, Math.min(n, files.length, Math.floor(total / MIN_GROUP_BYTES)));
  const groups = Array.from({ length: count }, () => ({ bytes: 0, files: [] as RawFile[] }));
  for (const f of [...files].sort((a, b) => b.size - a.size)) {
    const g = groups.reduce((min, x) => (x.bytes < min.bytes ? x : min));
    g.files.push(f);
    g.bytes += f.size;
  }
  return groups.map((g) => g.files);
}
