// Several partitions of one model as one query. Each partition's SQL is
// rendered exactly as its own task would render it (its start_ds/end_ds, its
// input windows), the partitions are UNION ALL'd into one COPY … PARTITION_BY,
// and each partition is then tested on its written files and committed on its
// own, so a failing test keeps only that partition's previous version. A guard
// in each branch stops the query when a row falls outside its partition; after
// any failure of the shared query the caller runs the partitions one by one,
// which names the precise error of each.

import path from 'node:path';
import type { TestResult } from '../../shared/runs';
import { quoteIdent, quoteList, quoteLiteral, quoteQualified } from '../engine/sql';
import { loadSnapshot } from '../delta/load';
import { globEscape } from '../delta/scan';
import type { Snapshot } from '../delta/snapshot';
import { localTable } from '../delta/table';
import type { DeltaTable } from '../delta/table';
import type { WrittenFile } from '../delta/write-files';
import { writeDeltaPartitions } from '../delta/write-partitions';
import type { WriteColumn } from '../delta/write-schema';
import { modelTableDir, readsItself, renderModel } from '../models';
import type { Model } from '../models';
import { addDays } from './intervals';
import { refSelect, runTests, sourceSql, TaskFailedError, WORK_SCHEMA } from './task';
import type { TaskEnv, TaskOutcome } from './task';

export type BatchOutcome = { ok: true; out: TaskOutcome } | { ok: false; error: unknown };

/** Whether a model's partitions can share one query: partitioned, and not reading itself. */
export function batchable(model: Model): boolean {
  return (
    model.config.materialized === 'partitioned' &&
    typeof model.config.partitionBy === 'string' &&
    !readsItself(model)
  );
}

let batchSeq = 0;

/**
 * Runs `partitions` of `model`; `report` gets each partition's outcome as it
 * is committed (or fails its tests). Throws when the shared query fails or is
 * cancelled; partitions not reported by then are unchanged.
 */
export async function runModelBatch(
  env: TaskEnv,
  model: Model,
  partitions: readonly string[],
  phase: (index: number, phase: 'reading' | 'testing' | 'writing', rows?: number) => void,
  report: (index: number, outcome: BatchOutcome) => void,
): Promise<void> {
  const col = model.config.partitionBy;
  if (!col) throw new TaskFailedError(`${model.file}: a partitioned model needs partition_by.`);
  const id = `b${++batchSeq}`;
  const views: string[] = [];
  const snapshots = new Map<string, Promise<Snapshot>>();
  const load = (t: DeltaTable): Promise<Snapshot> => {
    const hit = snapshots.get(t.storage.root) ?? loadSnapshot(t);
    snapshots.set(t.storage.root, hit);
    return hit;
  };
  try {
    const branches: string[] = [];
    for (const [i, day] of partitions.entries()) {
      phase(i, 'reading');
      const rel = (name: string): string => quoteQualified(WORK_SCHEMA, `${id}_${i}_${name}`);
      for (const s of model.sources) views.push(`${rel(`src_${s}`)} AS ${sourceSql(env, model, s, day)}`);
      for (const r of model.refs)
        views.push(`${rel(`ref_${r}`)} AS ${await refSelect(env, r, model, day, load)}`);
      const sql = renderModel(model, {
        source: (n) => rel(`src_${n}`),
        ref: (n) => rel(`ref_${n}`),
        this: '(SELECT 1 AS _no_table WHERE false)',
        startDs: day,
        endDs: addDays(day, 1),
        isIncremental: false,
      });
      branches.push(guarded(model, col, day, sql));
    }
    if (views.length > 0)
      await env.engine.run(views.map((v) => `CREATE OR REPLACE VIEW ${v}`).join(';\n'), {
        signal: env.signal,
      });
    const results = new Map<number, { rows: number; tests: TestResult[] }>();
    const targets = new Map<string, string | null>();
    const table = localTable(modelTableDir(env.inputs.lake.layout, model), env.engine);
    await writeDeltaPartitions(table, {
      sql: branches.join('\nUNION ALL\n'),
      partitionBy: [col],
      partitions: partitions.map((day) => ({
        spec: { [col]: day },
        txn: { appId: `lakehouse/${model.name}/${day}`, version: env.txnVersion },
      })),
      name: `${model.config.layer}.${model.name}`,
      signal: env.signal,
      check: async (i, files, columns) => {
        const rows = files.reduce((n, f) => n + f.numRecords, 0);
        phase(i, 'testing', rows);
        const stage = stagedSql(table.storage.root, files, columns, partitions[i] ?? '');
        const tests = await runTests(env, model, stage, targets);
        const failed = tests.filter((t) => t.outcome === 'fail');
        if (failed.length > 0) {
          throw new TaskFailedError(
            `${failed.length} data test${failed.length > 1 ? 's' : ''} failed: ${failed.map((t) => `${t.test} (${t.failures} rows)`).join('; ')}. The previous version stays live.`,
            tests,
          );
        }
        phase(i, 'writing', rows);
        results.set(i, { rows, tests });
      },
      onOutcome: (i, o) => {
        const r = results.get(i) ?? { rows: 0, tests: [] };
        report(
          i,
          o.ok
            ? {
                ok: true,
                out: { rows: r.rows, outputVersion: o.result.version, tests: r.tests, quarantined: 0 },
              }
            : { ok: false, error: o.error },
        );
      },
    });
  } finally {
    if (views.length > 0) {
      const drops = views.map((v) => `DROP VIEW IF EXISTS ${v.slice(0, v.indexOf(' AS '))}`);
      await env.engine.run(drops.join(';\n')).catch(() => undefined);
    }
  }
}

/** The partition's rows, stopping the query at the first row outside the partition (or a non-DATE column). */
function guarded(model: Model, col: string, day: string, sql: string): string {
  const c = quoteIdent(col);
  const stop = quoteLiteral(`${model.name}: a row outside partition ${day}`);
  return `SELECT * REPLACE (CASE WHEN typeof(${c}) = 'DATE' AND ${c} = DATE ${quoteLiteral(day)} THEN ${c} ELSE error(${stop}) END AS ${c}) FROM (\n${sql}\n)`;
}

/** A partition's written, uncommitted files as the relation its data tests read. */
function stagedSql(
  root: string,
  files: readonly WrittenFile[],
  columns: readonly WriteColumn[],
  day: string,
): string {
  const select = columns.map((c) =>
    c.partition ? `CAST(${quoteLiteral(day)} AS ${c.duckType}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name),
  );
  if (files.length === 0) {
    const empty = columns.map((c) => `CAST(NULL AS ${c.duckType}) AS ${quoteIdent(c.name)}`);
    return `(SELECT ${empty.join(', ')} WHERE false)`;
  }
  const paths = files.map((f) => globEscape(path.join(root, ...f.path.split('/'))));
  return `(SELECT ${select.join(', ')} FROM read_parquet(${quoteList(paths)}))`;
}
