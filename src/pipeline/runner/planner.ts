// Turns a request into partition tasks, without executing anything: which
// models (optionally with everything downstream) × which days, each with the
// reason it runs. `run` takes what is missing, stale or failed; `backfill` takes
// the whole range whatever its state. Tasks come in DAG order, then by day.

import type { PartitionStatus, PlannedTask, RunPlan } from '../../shared/runs';
import { NotFoundError, UsageError } from '../errors';
import { downstreamOf, getModel } from '../models';
import type { Model } from '../models';
import { Fingerprints } from './inputs';
import type { RunInputs } from './inputs';
import { days, isEmpty } from './intervals';
import type { Interval } from './intervals';
import { stateKey } from './state';
import type { StateRecord } from './state';

export interface RunRequest {
  kind: 'run' | 'backfill';
  /** Model names; default: every model. */
  models?: readonly string[];
  withDownstream?: boolean;
  /** Days to consider; `run` defaults to the whole domain, `backfill` requires it for partitioned models. */
  range?: Interval;
  /** Resuming a backfill that started at this time (ISO): partitions it already finished are skipped. */
  resumeSince?: string;
}

export interface Plan extends RunPlan {
  fingerprints: Fingerprints;
  /** Status of every considered (model, partition). */
  statuses: Map<string, PartitionStatus>;
}

export function selectModels(
  inputs: RunInputs,
  request: Pick<RunRequest, 'models' | 'withDownstream'>,
): Model[] {
  const all = inputs.project.models.filter((m) => m.config.materialized !== 'view');
  if (!request.models || request.models.length === 0) return all;
  const named = request.models.map((n) => getModel(inputs.project, n).name);
  const wanted = new Set(
    request.withDownstream ? downstreamOf(inputs.project.dag, named, { includeSelf: true }) : named,
  );
  return all.filter((m) => wanted.has(m.name));
}

export function statusOf(rec: StateRecord | undefined, expected: string): PartitionStatus {
  if (!rec) return 'missing';
  if (rec.status === 'failed') return 'failed';
  return rec.fingerprint === expected ? 'done' : 'stale';
}

export function plan(inputs: RunInputs, state: ReadonlyMap<string, StateRecord>, request: RunRequest): Plan {
  const models = selectModels(inputs, request);
  if (models.length === 0)
    throw new NotFoundError('There are no models to run: add models/*.sql to the lake.');
  const range = request.range ?? inputs.domain;
  if (
    request.kind === 'backfill' &&
    !request.range &&
    models.some((m) => m.config.materialized === 'partitioned')
  ) {
    throw new UsageError('A backfill needs a date range: --from 2024-05-01 --to 2024-05-03.');
  }
  const fingerprints = new Fingerprints(inputs);
  const tasks: PlannedTask[] = [];
  const statuses = new Map<string, PartitionStatus>();
  const summary: RunPlan['summary'] = {};
  for (const model of models) {
    const counts: Record<PartitionStatus, number> = { done: 0, stale: 0, missing: 0, failed: 0, running: 0 };
    const partitions =
      model.config.materialized === 'partitioned' ? (isEmpty(range) ? [] : days(range)) : [null];
    for (const partition of partitions) {
      const status = statusOf(
        state.get(stateKey(model.name, partition)),
        fingerprints.of(model.name, partition),
      );
      statuses.set(stateKey(model.name, partition), status);
      counts[status]++;
      const rec = state.get(stateKey(model.name, partition));
      const finishedSince =
        request.resumeSince !== undefined &&
        status === 'done' &&
        rec !== undefined &&
        Date.parse(rec.finishedAt) >= Date.parse(request.resumeSince);
      if (request.kind === 'backfill') {
        if (!finishedSince) tasks.push({ model: model.name, partition, reason: 'requested' });
      } else if (status !== 'done')
        tasks.push({ model: model.name, partition, reason: status === 'running' ? 'stale' : status });
    }
    summary[model.name] = counts;
  }
  return { tasks, summary, fingerprints, statuses };
}
