// Ingest: a raw arrival day's bad lines go to _workbench/quarantine, replacing
// whatever that day had before (a fixed file empties its day). A run ingests
// every changed day of a source in one write and one commit — a backfill of a
// month would otherwise make one Delta commit per day per source — and falls
// back to one day at a time when that shared write fails, so each day reports
// its own error.

import { quoteLiteral } from '../engine/sql';
import { requireCommitted, writeDelta } from '../delta/write';
import { cachedRaw } from './task';
import type { TaskEnv, TaskOutcome } from './task';
import { workbenchTable } from './workbench';

const NAME = '_workbench.quarantine';

/** The quarantine rows of `relation` (rawParseSql shape) for the given arrival days. */
function quarantineSql(env: TaskEnv, source: string, relation: string, days: readonly string[]): string {
  const root = env.inputs.lake.layout.root;
  const list = days.map((d) => `DATE ${quoteLiteral(d)}`).join(', ');
  return `SELECT ${quoteLiteral(source)} AS source, _arrival_date AS arrival_date,
      replace(_file, ${quoteLiteral(root + '/')}, '') AS file, _line AS line, _raw AS raw, _reason AS reason,
      ${quoteLiteral(env.runId)} AS run_id, now() AS quarantined_at
    FROM ${relation} WHERE _reason IS NOT NULL AND _arrival_date IN (${list})`;
}

/** Bad lines per arrival day. */
async function badCounts(env: TaskEnv, sql: string): Promise<Map<string, number>> {
  const { rows } = await env.engine.read(
    `SELECT strftime(arrival_date, '%Y-%m-%d'), count(*)::BIGINT FROM (${sql}) GROUP BY ALL`,
    { signal: env.signal },
  );
  return new Map(rows.map(([d, n]) => [String(d), Number(n)]));
}

/**
 * Records the bad lines of `days` of `source` in one commit; each day's
 * outcome by day. Days that are clean now and held nothing before are left
 * alone, so a clean re-run commits nothing.
 */
export async function ingestDays(
  env: TaskEnv,
  source: string,
  days: readonly string[],
): Promise<Map<string, TaskOutcome>> {
  env.phase('reading');
  const relation = `(SELECT * FROM ${cachedRaw(env, source)})`;
  const bad = await badCounts(env, quarantineSql(env, source, relation, days));
  const touched = days.filter((d) => (bad.get(d) ?? 0) > 0 || env.quarantined.has(`${source}|${d}`));
  const out = new Map<string, TaskOutcome>();
  for (const d of days) out.set(d, { rows: 0, outputVersion: null, tests: [], quarantined: 0 });
  if (touched.length === 0) return out;
  env.phase('writing');
  const result = requireCommitted(
    await writeDelta(workbenchTable(env.inputs.lake.layout, 'quarantine', env.engine), {
      sql: quarantineSql(env, source, relation, touched),
      mode: 'replacePartitions',
      partitionBy: ['source', 'arrival_date'],
      partitions: touched.map((d) => ({ source, arrival_date: d })),
      name: NAME,
      signal: env.signal,
    }),
    NAME,
  );
  for (const d of touched)
    out.set(d, { rows: 0, outputVersion: result.version, tests: [], quarantined: bad.get(d) ?? 0 });
  return out;
}

/** Records the bad lines of one raw arrival day, replacing that day's earlier record. */
export async function runIngestTask(env: TaskEnv, source: string, day: string): Promise<TaskOutcome> {
  const out = (await ingestDays(env, source, [day])).get(day);
  return out ?? { rows: 0, outputVersion: null, tests: [], quarantined: 0 };
}
