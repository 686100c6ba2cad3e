// The publish protocol, the same for every adapter: plan (plan.ts), make sure
// the target table exists with the lake's columns, then per partition: export
// it from the lake to a CSV file, bulk-load it into a staging table, and in one
// transaction delete the target's rows of that partition and insert the staged
// ones; record the outcome in the ledger. A transient error (deadlock, timeout,
// dropped connection) starts the partition over on a fresh connection after a
// backoff; any other error stops the publish with the server's message. The
// target holds, per partition, either the old rows or the new ones, never both.

import { randomUUID } from 'node:crypto';
import type { PublishPreview } from '../../shared/contract';
import { planPublish, previewOf } from './plan';
import type { PublishPlan } from './plan';
import { PublishRun } from './publish-run';
import type { PublishResult, PublishRunOptions } from './run-types';
import { connectionSettings } from './targets';

export { DEFAULT_RETRY } from './run-types';
export type {
  PartitionOutcome,
  PublishHooks,
  PublishResult,
  PublishRunOptions,
  RetryPolicy,
} from './run-types';

export async function runPublish(opts: PublishRunOptions): Promise<PublishResult> {
  const started = Date.now();
  const publishId = opts.publishId ?? randomUUID();
  const plan = opts.plan ?? (await planPublish(opts.lake, opts.engine, opts));
  if (opts.dryRun)
    return dryRunResult(publishId, plan, await previewOf(opts.engine, plan), Date.now() - started);
  const settings = await connectionSettings(opts.target, plan.target, opts.secrets);
  const run = new PublishRun(opts, plan, settings, publishId);
  try {
    await run.execute();
  } catch (err) {
    await run.fail(err);
  } finally {
    await run.dispose();
  }
  return run.result(Date.now() - started);
}

function dryRunResult(
  publishId: string,
  plan: PublishPlan,
  preview: PublishPreview,
  elapsedMs: number,
): PublishResult {
  return {
    publishId,
    target: plan.targetName,
    table: plan.table,
    targetTable: preview.targetTable,
    status: 'done',
    published: 0,
    skipped: preview.partitions.filter((p) => p.skip).length,
    failed: 0,
    rows: 0,
    elapsedMs,
    error: null,
    partitions: [],
    preview,
  };
}
