// The pipeline.* and runs.* methods on top of the runner: the model graph, the
// partition grid (models × days), one partition's detail, plans, background
// runs (one at a time per lake), cancel, and resuming the last unfinished
// backfill. Planning never executes; start returns the run id and runs on.

import type {
  ModelGraph,
  PartitionDetail,
  PartitionGrid,
  PipelinePlan,
  ResumableRun,
} from '../../shared/contract';
import type { PartitionStatus, TestResult } from '../../shared/runs';
import { NotFoundError, UsageError } from '../errors';
import { listRawFiles } from '../lake/raw-files';
import { getModel, loadProject } from '../models';
import { days, fromInclusive } from '../runner/intervals';
import { lastUnfinishedBackfill } from '../runner/run';
import { readState, stateKey } from '../runner/state';
import type { Handlers } from './context';
import { describeRequest, listRuns, runsOfPartition, toRequestData, toRunRequest } from './runs-ledger';
import type { LakeSession } from './session';
import { sessionOf } from './session';

type PipelineMethod =
  | 'pipeline.graph'
  | 'pipeline.status'
  | 'pipeline.partition'
  | 'pipeline.plan'
  | 'pipeline.start'
  | 'pipeline.cancel'
  | 'pipeline.resumable'
  | 'pipeline.resume'
  | 'runs.list';

/** The grid shows at most this many days; ask for a narrower range beyond it. */
const MAX_GRID_DAYS = 3660;

function graph(session: LakeSession): ModelGraph {
  const project = loadProject(session.lake);
  const name = (id: string): string => (id.startsWith('model:') ? id.slice('model:'.length) : id);
  return {
    sources: session.lake.sources.map((s) => s.name),
    models: project.models.map((m) => ({
      name: m.name,
      materialized: m.config.materialized,
      lookbackDays: m.config.lookbackDays,
      description: m.description,
      file: m.file,
      table: m.config.materialized === 'view' ? null : `${m.config.layer}.${m.name}`,
      tests: m.tests.length,
    })),
    edges: project.dag.edges
      .filter((e) => e.kind !== 'test')
      .map((e) => ({ from: name(e.from), to: name(e.to) })),
  };
}

/** The last day any raw file arrived (hot or cold), or null without data. */
function lastArrival(session: LakeSession): string | null {
  let last: string | null = null;
  for (const s of session.lake.sources)
    for (const f of listRawFiles(session.lake.layout, s)) if (last === null || f.dt > last) last = f.dt;
  return last;
}

function firstArrival(session: LakeSession): string | null {
  let first: string | null = null;
  for (const s of session.lake.sources)
    for (const f of listRawFiles(session.lake.layout, s)) if (first === null || f.dt < first) first = f.dt;
  return first;
}

async function status(session: LakeSession, args: { from?: string; to?: string }): Promise<PartitionGrid> {
  const runs = session.runs;
  runs.reloadLake();
  const from = args.from ?? session.lake.project.start_date ?? firstArrival(session);
  const to = args.to ?? lastArrival(session);
  const shown = from && to && from <= to ? days(fromInclusive(from, to)) : [];
  if (shown.length > MAX_GRID_DAYS)
    throw new UsageError(`The grid shows at most ${MAX_GRID_DAYS} days: give a narrower from/to.`);
  const planned = await runs.plan({
    kind: 'run',
    ...(shown.length > 0 && from && to ? { range: fromInclusive(from, to) } : {}),
  });
  const statusOf = (model: string, partition: string | null): PartitionStatus =>
    runs.inFlight.has(stateKey(model, partition))
      ? 'running'
      : (planned.plan.statuses.get(stateKey(model, partition)) ?? 'missing');
  return {
    days: shown,
    models: planned.inputs.project.models
      .filter((m) => m.config.materialized !== 'view')
      .map((m) => {
        const partitioned = m.config.materialized === 'partitioned';
        return {
          name: m.name,
          materialized: m.config.materialized,
          cells: partitioned ? shown.map((d) => statusOf(m.name, d)) : [],
          whole: partitioned ? null : statusOf(m.name, null),
        };
      }),
  };
}

function reasonFor(s: PartitionStatus, error: string | null): string | null {
  switch (s) {
    case 'missing':
      return 'It has never been built.';
    case 'stale':
      return 'Its inputs changed since it was built (new or changed raw files, an upstream table, or the model itself).';
    case 'failed':
      return error ? `The last run failed: ${error}` : 'The last run failed.';
    case 'running':
      return 'A run is building it now.';
    default:
      return null;
  }
}

async function partitionDetail(
  session: LakeSession,
  args: { model: string; partition: string | null },
): Promise<PartitionDetail> {
  const runs = session.runs;
  runs.reloadLake();
  const model = getModel(loadProject(session.lake), args.model);
  const partitioned = model.config.materialized === 'partitioned';
  if (model.config.materialized === 'view')
    throw new UsageError(
      `${model.name} is a view: it has no partitions or state (it is defined in the editor only).`,
    );
  if (partitioned && args.partition === null)
    throw new UsageError(`${model.name} is partitioned by day: give the partition (a date).`);
  if (!partitioned && args.partition !== null)
    throw new UsageError(`${model.name} is a whole table, not partitioned: give partition null.`);
  const p = args.partition;
  const planned = await runs.plan({
    kind: 'run',
    models: [model.name],
    ...(p !== null ? { range: fromInclusive(p, p) } : {}),
  });
  const key = stateKey(model.name, p);
  const rec = (await readState(session.lake.layout, session.pipeline)).get(key);
  const status: PartitionStatus = runs.inFlight.has(key)
    ? 'running'
    : (planned.plan.statuses.get(key) ?? 'missing');
  let tests: TestResult[];
  try {
    tests = rec?.tests ? (JSON.parse(rec.tests) as TestResult[]) : [];
  } catch {
    tests = [];
  }
  const ids = await runsOfPartition(session, model.name, p);
  return {
    model: model.name,
    partition: p,
    status,
    rows: rec?.rows ?? null,
    quarantined: rec?.quarantined ?? null,
    outputVersion: rec?.outputVersion ?? null,
    finishedAt: rec?.finishedAt ?? null,
    durationMs: rec?.durationMs ?? null,
    error: rec?.status === 'failed' ? rec.error : null,
    tests,
    reason: reasonFor(status, rec?.error ?? null),
    runs: ids.length > 0 ? await listRuns(session, { runIds: ids, limit: 50 }) : [],
  };
}

async function plan(session: LakeSession, data: Parameters<typeof toRunRequest>[0]): Promise<PipelinePlan> {
  const planned = await session.runs.plan(toRunRequest(data));
  return { tasks: planned.plan.tasks, summary: planned.plan.summary, ingest: planned.ingest };
}

async function resumable(session: LakeSession): Promise<ResumableRun | null> {
  const last = await lastUnfinishedBackfill(session.lake, session.pipeline);
  if (!last || last.runId === session.runs.current?.runId) return null;
  return {
    runId: last.runId,
    startedAt: last.startedAt,
    status: last.status,
    request: toRequestData(last.request),
  };
}

export const pipelineHandlers: Handlers<PipelineMethod> = {
  'pipeline.graph': (_args, ctx) => Promise.resolve(graph(sessionOf(ctx))),
  'pipeline.status': (args, ctx) => status(sessionOf(ctx), args),
  'pipeline.partition': (args, ctx) => partitionDetail(sessionOf(ctx), args),
  'pipeline.plan': (args, ctx) => plan(sessionOf(ctx), args),
  'pipeline.start': async (args, ctx) => {
    const session = sessionOf(ctx);
    const request = toRunRequest(args);
    const runId = await session.runs.start(request, {
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
    });
    return { runId };
  },
  'pipeline.cancel': ({ runId }, ctx) => Promise.resolve({ cancelled: sessionOf(ctx).runs.cancel(runId) }),
  'pipeline.resumable': (_args, ctx) => resumable(sessionOf(ctx)),
  'pipeline.resume': async ({ runId }, ctx) => {
    const session = sessionOf(ctx);
    const last = await lastUnfinishedBackfill(session.lake, session.pipeline);
    if (!last || last.runId !== runId) {
      throw new NotFoundError(
        `Run ${runId} is not the last unfinished backfill${last ? ` (that is ${last.runId}, ${describeRequest(last.request)})` : ' (there is none)'}: only the last one can be resumed.`,
      );
    }
    return { runId: await session.runs.start(last.request) };
  },
  'runs.list': ({ limit }, ctx) => listRuns(sessionOf(ctx), limit !== undefined ? { limit } : {}),
};
