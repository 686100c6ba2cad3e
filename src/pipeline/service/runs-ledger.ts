// Reading the run ledger (_workbench/runs) and the partition state log
// (_workbench/partition_state) for the UI: run records with durations and
// outcomes, the runs that touched one partition, and requests put into words.

import type { RunRecord, RunRequestData } from '../../shared/contract';
import { quoteLiteral } from '../engine/sql';
import { loadSnapshot } from '../delta/load';
import { TableNotFoundError } from '../delta/log-segment';
import { scanSql } from '../delta/scan';
import { addDays, fromInclusive } from '../runner/intervals';
import type { RunRequest } from '../runner/planner';
import { latestRowsSql, workbenchTable } from '../runner/workbench';
import { UsageError } from '../errors';
import type { LakeSession } from './session';

/** The runner's request from the contract's data form (inclusive dates become [start, end)). */
export function toRunRequest(data: RunRequestData): RunRequest {
  if (data.to !== undefined && data.from === undefined)
    throw new UsageError('A date range needs a start (from).');
  if (data.withDownstream && (!data.models || data.models.length === 0))
    throw new UsageError('withDownstream needs models: the models whose downstream to include.');
  return {
    kind: data.kind,
    ...(data.models && data.models.length > 0 ? { models: data.models } : {}),
    ...(data.withDownstream ? { withDownstream: true } : {}),
    ...(data.from !== undefined ? { range: fromInclusive(data.from, data.to ?? data.from) } : {}),
  };
}

export function toRequestData(r: RunRequest): RunRequestData {
  return {
    kind: r.kind,
    ...(r.models ? { models: [...r.models] } : {}),
    ...(r.withDownstream ? { withDownstream: true } : {}),
    ...(r.range ? { from: r.range.start, to: addDays(r.range.end, -1) } : {}),
  };
}

/** "backfill fct_x (+ downstream) 2024-05-01…2024-05-03". */
export function describeRequest(r: RunRequest): string {
  const models = r.models && r.models.length > 0 ? r.models.join(', ') : 'all models';
  const range = r.range ? ` ${r.range.start}…${addDays(r.range.end, -1)}` : '';
  return `${r.kind} ${models}${r.withDownstream ? ' (+ downstream)' : ''}${range}`;
}

function parseRequest(text: unknown, kind: string): RunRequest {
  try {
    return JSON.parse(String(text)) as RunRequest;
  } catch {
    return { kind: kind === 'backfill' ? 'backfill' : 'run' };
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(Number(v)).toISOString();

/** Run records, newest first; a run still recorded as running that is not ours was interrupted. */
export async function listRuns(
  session: LakeSession,
  opts: { limit?: number; runIds?: readonly string[] } = {},
): Promise<RunRecord[]> {
  const engine = session.pipeline;
  const sql = await latestRowsSql(
    workbenchTable(session.lake.layout, 'runs', engine),
    ['run_id'],
    'finished_at',
  );
  if (!sql) return [];
  const where =
    opts.runIds !== undefined
      ? `WHERE run_id IN (${opts.runIds.length > 0 ? opts.runIds.map(quoteLiteral).join(', ') : 'NULL'})`
      : '';
  const { rows } = await engine.read(
    `SELECT run_id, kind, request, status, epoch_ms(started_at)::BIGINT, epoch_ms(finished_at)::BIGINT,
            tasks, succeeded, failed, skipped, rows::VARCHAR, quarantined::VARCHAR, error
     FROM (${sql}) ${where} ORDER BY started_at DESC LIMIT ${opts.limit ?? 100}`,
    { maxRows: 100_000 },
  );
  const active = session.runs.current?.runId ?? null;
  return rows.map((r) => {
    const [runId, kind, request, status, started, finished, tasks, succeeded, failed, skipped, n, q, error] =
      r;
    const startedAt = iso(started) ?? '';
    const finishedAt = iso(finished);
    const st = String(status);
    const recorded: RunRecord['status'] =
      st === 'running'
        ? runId === active
          ? 'running'
          : 'interrupted'
        : st === 'done' || st === 'failed' || st === 'cancelled'
          ? st
          : 'failed';
    return {
      runId: String(runId),
      kind: String(kind),
      status: recorded,
      startedAt,
      finishedAt,
      elapsedMs: finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : null,
      tasks: num(tasks),
      succeeded: num(succeeded),
      failed: num(failed),
      skipped: num(skipped),
      rows: num(n),
      quarantined: num(q),
      error: error === null || error === undefined ? null : String(error),
      request: describeRequest(parseRequest(request, String(kind))),
    };
  });
}

/** Run ids that recorded a state for this partition, newest first. */
export async function runsOfPartition(
  session: LakeSession,
  model: string,
  partition: string | null,
): Promise<string[]> {
  const engine = session.pipeline;
  let sql: string;
  try {
    sql = await scanSql(await loadSnapshot(workbenchTable(session.lake.layout, 'partition_state', engine)));
  } catch (err) {
    if (err instanceof TableNotFoundError) return [];
    throw err;
  }
  const part = partition === null ? 'partition IS NULL' : `partition = ${quoteLiteral(partition)}::DATE`;
  const { rows } = await engine.read(
    `SELECT run_id, max(finished_at) AS t FROM (${sql}) WHERE model = ${quoteLiteral(model)} AND ${part}
     GROUP BY run_id ORDER BY t DESC LIMIT 50`,
  );
  return rows.map((r) => String(r[0]));
}
