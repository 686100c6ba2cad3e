// The run's raw cache: each source's raw files the run needs, parsed once
// (rawParseSql shape) into tables every task reads its window from — a
// partition would otherwise re-parse its neighbours' files. The raw text is
// kept for bad lines only, which quarantine needs. DuckDB reads a list of text
// files on one thread, so a source's files are split into one group per engine
// thread, parsed by concurrent statements, and put back together by a view.

import type { EngineClient } from '../engine/client';
import { quoteQualified } from '../engine/sql';
import { findSource } from '../lake/lake';
import type { RawFile } from '../lake/raw-files';
import { rawParseSql } from '../lake/raw-sql';
import { inputWindow, rawFilesOn } from './inputs';
import type { PlannedRun } from './run';
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
  const threads = Math.max(1, Number((await engine.info()).settings['threads'] ?? 1) || 1);
  const tables = new Map<string, string>();
  const created: string[] = [];
  const drop = async (): Promise<void> => {
    for (const obj of created.reverse()) await engine.run(`DROP ${obj}`).catch(() => undefined);
  };
  try {
    for (const [source, daySet] of neededDays(planned)) {
      const def = findSource(inputs.lake, source);
      const name = (suffix: string): string =>
        quoteQualified(WORK_SCHEMA, `raw_${runId.replace(/\W/g, '_')}_${source}${suffix}`);
      const groups = split(rawFilesOn(inputs, source, daySet), threads);
      const parts = groups.map((_, i) => name(groups.length > 1 ? `_${i}` : ''));
      await Promise.all(
        groups.map(async (files, i) => {
          const table = parts[i] ?? name('');
          const parse = rawParseSql(
            def,
            files.map((f) => f.path),
          );
          await engine.run(
            `CREATE TABLE ${table} AS SELECT * REPLACE (CASE WHEN _reason IS NULL THEN NULL ELSE _raw END AS _raw) FROM (${parse})`,
            { signal },
          );
          created.push(`TABLE IF EXISTS ${table}`);
        }),
      );
      if (parts.length > 1) {
        await engine.run(
          `CREATE VIEW ${name('')} AS ${parts.map((t) => `SELECT * FROM ${t}`).join(' UNION ALL ')}`,
        );
        created.push(`VIEW IF EXISTS ${name('')}`);
      }
      tables.set(source, name(''));
    }
  } catch (err) {
    await drop();
    throw err;
  }
  return { tables, drop };
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
