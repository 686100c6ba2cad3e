// Runs one task on the pipeline engine. A model task renders its SQL against
// views made for it (raw sources for its arrival window, upstream tables at their
// current snapshot), stages the result in memory, checks that every row is in
// the partition, runs the data tests, and only then commits — so a failure
// leaves the previous version live. Ingest tasks live in ingest.ts.

import type { TestResult } from '../../shared/runs';
import type { EngineClient } from '../engine/client';
import { quoteIdent, quoteLiteral, quoteQualified } from '../engine/sql';
import { PipelineError } from '../errors';
import { loadSnapshot } from '../delta/load';
import { TableNotFoundError } from '../delta/log-segment';
import { scanSql } from '../delta/scan';
import type { Snapshot } from '../delta/snapshot';
import { localTable } from '../delta/table';
import type { DeltaTable } from '../delta/table';
import { requireCommitted, writeDelta } from '../delta/write';
import { findSource } from '../lake/lake';
import { goodRowsSql } from '../lake/raw-sql';
import {
  countSql,
  describeTest,
  modelTableDir,
  readsItself,
  renderModel,
  testOutcome,
  testSql,
} from '../models';
import type { Model } from '../models';
import type { RunInputs } from './inputs';
import { inputWindow } from './inputs';
import { addDays } from './intervals';

export const WORK_SCHEMA = '__lh';

export interface TaskEnv {
  inputs: RunInputs;
  engine: EngineClient;
  runId: string;
  /** Monotonic per run: the txn version that makes a retried commit a no-op. */
  txnVersion: number;
  signal: AbortSignal;
  /** Per source: the run's parsed raw lines (rawParseSql shape), read once for all tasks. */
  rawTables: ReadonlyMap<string, string>;
  /** Quarantine partitions ("source|day") that hold rows at the start of the run. */
  quarantined: ReadonlySet<string>;
  phase(phase: 'reading' | 'testing' | 'writing', detail?: { rows?: number }): void;
}

export interface TaskOutcome {
  rows: number;
  outputVersion: number | null;
  tests: TestResult[];
  quarantined: number;
}

/** A task that failed for a reason the user must see (SQL, tests, partition bounds). */
export class TaskFailedError extends PipelineError {
  override readonly name = 'TaskFailedError';
  constructor(
    message: string,
    readonly tests: TestResult[] = [],
  ) {
    super('SQL', message);
  }
}

let taskSeq = 0;

export async function runModelTask(
  env: TaskEnv,
  model: Model,
  partition: string | null,
): Promise<TaskOutcome> {
  const id = `t${++taskSeq}`;
  const rel = (name: string): string => quoteQualified(WORK_SCHEMA, `${id}_${name}`);
  const created: string[] = [];
  const call = { signal: env.signal };
  try {
    env.phase('reading');
    for (const s of model.sources) {
      const sql = sourceSql(env, model, s, partition);
      await env.engine.run(`CREATE OR REPLACE VIEW ${rel(`src_${s}`)} AS ${sql}`, call);
      created.push(`VIEW ${rel(`src_${s}`)}`);
    }
    for (const r of model.refs) {
      await env.engine.run(
        `CREATE OR REPLACE VIEW ${rel(`ref_${r}`)} AS ${await refSelect(env, r, model, partition)}`,
        call,
      );
      created.push(`VIEW ${rel(`ref_${r}`)}`);
    }
    // Only a model that reads itself (is_incremental, this) pays for loading its own snapshot.
    const own = readsItself(model) ? await currentSelect(env, model.name) : null;
    await env.engine.run(
      `CREATE OR REPLACE VIEW ${rel('this')} AS ${own ?? 'SELECT 1 AS _no_table WHERE false'}`,
      call,
    );
    created.push(`VIEW ${rel('this')}`);
    const sql = renderModel(model, {
      source: (n) => rel(`src_${n}`),
      ref: (n) => rel(`ref_${n}`),
      this: rel('this'),
      startDs: partition,
      endDs: partition ? addDays(partition, 1) : null,
      isIncremental: own !== null,
    });
    const stage = rel('stage');
    created.push(`TABLE ${stage}`);
    await env.engine.run(`CREATE OR REPLACE TABLE ${stage} AS SELECT * FROM (\n${sql}\n)`, call);
    const rows = Number(
      (await env.engine.read(`SELECT count(*)::BIGINT FROM ${stage}`, call)).rows[0]?.[0] ?? 0,
    );
    if (partition && model.config.partitionBy)
      await checkPartition(env, model, stage, model.config.partitionBy, partition);
    env.phase('testing', { rows });
    const tests = await runTests(env, model, stage);
    const failed = tests.filter((t) => t.outcome === 'fail');
    if (failed.length > 0) {
      throw new TaskFailedError(
        `${failed.length} data test${failed.length > 1 ? 's' : ''} failed: ${failed.map((t) => `${t.test} (${t.failures} rows)`).join('; ')}. The previous version stays live.`,
        tests,
      );
    }
    env.phase('writing', { rows });
    const table = localTable(modelTableDir(env.inputs.lake.layout, model), env.engine);
    const col = model.config.partitionBy;
    const result = requireCommitted(
      await writeDelta(table, {
        sql: `SELECT * FROM ${stage}`,
        name: `${model.config.layer}.${model.name}`,
        signal: env.signal,
        txn: { appId: `lakehouse/${model.name}/${partition ?? 'table'}`, version: env.txnVersion },
        ...(partition && col
          ? { mode: 'replacePartitions' as const, partitionBy: [col], partitions: [{ [col]: partition }] }
          : { mode: 'overwrite' as const }),
      }),
      `${model.config.layer}.${model.name}`,
    );
    return { rows, outputVersion: result.version, tests, quarantined: 0 };
  } finally {
    for (const obj of created.reverse()) {
      await env.engine
        .run(`DROP ${obj.startsWith('VIEW') ? 'VIEW' : 'TABLE'} IF EXISTS ${obj.slice(obj.indexOf(' ') + 1)}`)
        .catch(() => undefined);
    }
  }
}

/** The run's parsed lines of `source` (rawParseSql shape); every source a run reads is cached. */
export function cachedRaw(env: TaskEnv, source: string): string {
  const cached = env.rawTables.get(source);
  if (!cached) throw new PipelineError('INTERNAL', `The run did not read raw source '${source}'.`);
  return cached;
}

/** A source as a task of `model` reads it: the good rows of its partition's arrival window (all of them for a table). */
export function sourceSql(env: TaskEnv, model: Model, source: string, partition: string | null): string {
  const days = partition ? inputWindow(model, partition) : null;
  const range = days
    ? { from: days[0] ?? partition ?? '', to: days[days.length - 1] ?? partition ?? '' }
    : undefined;
  return goodRowsSql(findSource(env.inputs.lake, source), cachedRaw(env, source), range);
}

/** An upstream model as of now; partitioned upstreams only over the partition's input window. */
export async function refSelect(
  env: TaskEnv,
  name: string,
  reader: Model,
  partition: string | null,
  load: (table: DeltaTable) => Promise<Snapshot> = loadSnapshot,
): Promise<string> {
  const up = env.inputs.models.get(name);
  if (!up) throw new TaskFailedError(`${reader.file} refers to model '${name}', which does not exist.`);
  const table = localTable(modelTableDir(env.inputs.lake.layout, up), env.engine);
  try {
    const snapshot = await load(table);
    const col = up.config.partitionBy;
    if (!partition || !col) return await scanSql(snapshot);
    const window = inputWindow(reader, partition);
    return await scanSql(snapshot, {
      predicates: [
        { column: col, op: '>=', value: window[0] ?? partition },
        { column: col, op: '<=', value: window[window.length - 1] ?? partition },
      ],
    });
  } catch (err) {
    if (err instanceof TableNotFoundError) {
      throw new TaskFailedError(
        `${reader.name} reads ${up.config.layer}.${name}, which has not been built yet: run ${name} first (or run with its upstream).`,
      );
    }
    throw err;
  }
}

export async function currentSelect(env: TaskEnv, name: string): Promise<string | null> {
  const model = env.inputs.models.get(name);
  if (!model) return null;
  try {
    return await scanSql(
      await loadSnapshot(localTable(modelTableDir(env.inputs.lake.layout, model), env.engine)),
    );
  } catch (err) {
    if (err instanceof TableNotFoundError) return null;
    throw err;
  }
}

/** Every row of a partition run must belong to its day; anything else would be lost or misfiled. */
async function checkPartition(
  env: TaskEnv,
  model: Model,
  stage: string,
  col: string,
  day: string,
): Promise<void> {
  const types = await env.engine.read(`SELECT column_name, column_type FROM (DESCRIBE ${stage})`);
  const type = types.rows.find((r) => r[0] === col)?.[1];
  if (type === undefined) {
    throw new TaskFailedError(
      `${model.file}: partition_by='${col}', but the query has no column ${col}. Select it, as a DATE.`,
    );
  }
  if (type !== 'DATE') {
    throw new TaskFailedError(
      `${model.file}: the partition column ${col} is ${String(type)}; it must be a DATE (e.g. CAST(event_ts AS DATE) AS ${col}).`,
    );
  }
  const c = quoteIdent(col);
  const { rows } = await env.engine.read(
    `SELECT count(*)::BIGINT, min(${c})::VARCHAR, max(${c})::VARCHAR FROM ${stage} WHERE ${c} IS NULL OR ${c} <> DATE ${quoteLiteral(day)}`,
  );
  const [n, lo, hi] = rows[0] ?? [0, null, null];
  if (Number(n) > 0) {
    throw new TaskFailedError(
      `${model.name} produced ${String(n)} rows outside partition ${day} (${col} from ${String(lo)} to ${String(hi)}, or NULL). Filter the model to ${col} >= '{{ start_ds }}' and ${col} < '{{ end_ds }}'.`,
    );
  }
}

/**
 * Runs every data test of a model on its staged output in one query (one
 * failure count per test), then fetches a sample of the failing rows of the
 * tests that failed. A relationships test against a model not built yet warns.
 */
export async function runTests(
  env: TaskEnv,
  model: Model,
  stage: string,
  targets = new Map<string, string | null>(),
): Promise<TestResult[]> {
  const out: (TestResult | null)[] = [];
  const counts: { index: number; sql: string; sample: string }[] = [];
  for (const test of model.tests) {
    let ctx = { relationOf: (m: string) => quoteIdent(m) };
    if (test.kind === 'relationships') {
      if (!targets.has(test.to)) targets.set(test.to, await currentSelect(env, test.to));
      const sel = targets.get(test.to);
      if (!sel) {
        const sample = [[`${test.to} is not built yet; the test was not run`]];
        out.push({ test: describeTest(test), severity: test.severity, failures: 0, outcome: 'warn', sample });
        continue;
      }
      ctx = { relationOf: (m: string) => (m === test.to ? `(${sel})` : quoteIdent(m)) };
    }
    counts.push({ index: out.length, sql: countSql(test, stage, ctx), sample: testSql(test, stage, ctx) });
    out.push(null);
  }
  if (counts.length > 0) {
    const select = counts.map((c, i) => `(SELECT failures FROM (${c.sql}))::BIGINT AS t${i}`).join(',\n  ');
    const row = (await env.engine.read(`SELECT ${select}`, { signal: env.signal })).rows[0] ?? [];
    for (const [i, c] of counts.entries()) {
      const test = model.tests[c.index];
      if (!test) continue;
      const failures = Number(row[i] ?? 0);
      const result: TestResult = {
        test: describeTest(test),
        severity: test.severity,
        failures,
        outcome: testOutcome(test, failures),
      };
      if (failures > 0) result.sample = (await env.engine.read(`SELECT * FROM (${c.sample}) LIMIT 5`)).rows;
      out[c.index] = result;
    }
  }
  return out.filter((r): r is TestResult => r !== null);
}
