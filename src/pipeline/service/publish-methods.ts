// The publish.* methods: targets from lakehouse.yml (with whether a password is
// at hand), a connection test, a preview (the dry run: statements and row
// counts, no connection), a publish started as a cancellable background job
// whose progress and result arrive as events, the ledger's history, and saving
// a target's password in the host's secret store.

import { randomUUID } from 'node:crypto';
import type { PublishSummary } from '../../shared/contract';
import type { Disposable } from '../../shared/disposable';
import { UsageError } from '../errors';
import { describeTarget } from '../publish/errors';
import { ledgerHistory, ledgerTable } from '../publish/ledger';
import { planPublish, previewOf } from '../publish/plan';
import { runPublish } from '../publish/publish';
import {
  connectionSettings,
  createAdapter,
  needsPassword,
  targetConfig,
  targetInfo,
  targetsOf,
} from '../publish/targets';
import type { Handlers, ServiceContext } from './context';

type PublishMethod =
  | 'publish.targets'
  | 'publish.test'
  | 'publish.preview'
  | 'publish.start'
  | 'publish.cancel'
  | 'publish.history'
  | 'publish.setPassword';

const LEDGER_TABLE = 'workbench.publish_ledger';

async function testTarget(
  name: string,
  ctx: ServiceContext,
): Promise<{ ok: boolean; serverVersion: string | null; message: string }> {
  const { lake } = ctx.current();
  const target = targetConfig(lake, name);
  let settings;
  try {
    settings = await connectionSettings(name, target, ctx.secrets);
  } catch (err) {
    return { ok: false, serverVersion: null, message: err instanceof Error ? err.message : String(err) };
  }
  const adapter = createAdapter(target.kind, settings);
  try {
    await adapter.connect();
    const serverVersion = await adapter.serverVersion();
    return {
      ok: true,
      serverVersion,
      message: `Connected to ${describeTarget(settings)}: ${serverVersion}.`,
    };
  } catch (err) {
    return { ok: false, serverVersion: null, message: err instanceof Error ? err.message : String(err) };
  } finally {
    await adapter.close();
  }
}

export const publishHandlers: Handlers<PublishMethod> = {
  'publish.targets': async (_args, ctx) => {
    const { lake } = ctx.current();
    const out = [];
    for (const [name, t] of Object.entries(targetsOf(lake))) {
      const has = !needsPassword(t) || Boolean(await ctx.secrets.get(name, t.password_env ?? null));
      out.push(targetInfo(name, t, has));
    }
    return out;
  },

  'publish.test': ({ target }, ctx) => testTarget(target, ctx),

  'publish.preview': async (args, ctx) => {
    const open = ctx.current();
    const plan = await planPublish(open.lake, open.pipeline, args);
    return previewOf(open.pipeline, plan);
  },

  'publish.start': async (args, ctx) => {
    if (args.dryRun)
      throw new UsageError(
        'A dry run sends nothing: call publish.preview for the statements and row counts.',
      );
    const open = ctx.current();
    // Plan and credentials first, so a bad table, range or missing password fails the call itself.
    const plan = await planPublish(open.lake, open.pipeline, args);
    await connectionSettings(args.target, plan.target, ctx.secrets);
    const publishId = randomUUID();
    const controller = new AbortController();
    const started = Date.now();
    // Filled right after the job starts; the job only ends (and unregisters) later.
    const registration: { current: Disposable | null } = { current: null };
    const done = runPublish({
      ...args,
      lake: open.lake,
      engine: open.pipeline,
      secrets: ctx.secrets,
      publishId,
      plan,
      signal: controller.signal,
      onProgress: (p) => ctx.emit('onDidProgressPublish', p),
    })
      .catch((err: unknown): PublishSummary => ({
        publishId,
        target: args.target,
        table: plan.table,
        status: controller.signal.aborted ? 'cancelled' : 'failed',
        published: 0,
        skipped: 0,
        failed: 0,
        rows: 0,
        elapsedMs: Date.now() - started,
        error: err instanceof Error ? err.message : String(err),
      }))
      .then((r) => {
        const summary = summaryOf(r);
        ctx.emit('onDidFinishPublish', summary);
        ctx.emit('onDidChangeLake', { reason: 'publish', tables: [LEDGER_TABLE], sources: [] });
        registration.current?.dispose();
        return summary;
      });
    registration.current = ctx.track({ id: publishId, cancel: () => controller.abort(), done });
    return { publishId };
  },

  'publish.cancel': ({ publishId }, ctx) => {
    const job = ctx.job(publishId);
    job?.cancel();
    return Promise.resolve({ cancelled: job !== undefined });
  },

  'publish.history': async (args, ctx) => {
    const open = ctx.current();
    return ledgerHistory(ledgerTable(open.lake.layout, open.pipeline), args);
  },

  'publish.setPassword': async ({ target, password }, ctx) => {
    targetConfig(ctx.current().lake, target);
    return { saved: await ctx.secrets.set(target, password) };
  },
};

/** Only the summary's fields: a PublishResult also carries every partition, which the event does not. */
function summaryOf(r: PublishSummary): PublishSummary {
  return {
    publishId: r.publishId,
    target: r.target,
    table: r.table,
    status: r.status,
    published: r.published,
    skipped: r.skipped,
    failed: r.failed,
    rows: r.rows,
    elapsedMs: r.elapsedMs,
    error: r.error,
  };
}
