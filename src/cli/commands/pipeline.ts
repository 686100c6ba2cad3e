// `lakehouse plan | run | backfill | status`: the modeling pipeline from the
// command line, for people and for schedulers (cron, Airflow), through the
// Workbench service in-process: a progress bar on a terminal, one line per
// finished task otherwise, `--json` summaries, and exit codes 0 (all done),
// 1 (a partition failed), 2 (usage), 130 (cancelled).

import { CancelledError, UsageError } from '../../pipeline';
import type { PipelinePlan, RunRequestData, WorkbenchService } from '../../shared/contract';
import type { RunSummary, TaskProgress } from '../../shared/runs';
import { DAY_RANGE_OPTIONS, dayRangeOptions, intOption } from '../command';
import type { Command, CommandContext, OptionSpec } from '../command';
import { withService } from '../service';

const LAKE = [{ name: 'lake', description: 'The lake folder.' }];
const json: OptionSpec = { type: 'boolean', description: 'Print a JSON summary (for schedulers).' };
const selection: Record<string, OptionSpec> = {
  models: { type: 'string', short: 'm', value: 'a,b', description: 'Only these models (comma-separated).' },
  'with-downstream': { type: 'boolean', description: 'Also every model downstream of --models.' },
  ...DAY_RANGE_OPTIONS,
};

function requestFrom(ctx: CommandContext, kind: RunRequestData['kind']): RunRequestData {
  const { from, to } = dayRangeOptions(ctx.options);
  const models =
    typeof ctx.options['models'] === 'string'
      ? ctx.options['models']
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean)
      : undefined;
  if (ctx.options['with-downstream'] && !models) throw new UsageError('--with-downstream needs --models.');
  return {
    kind,
    ...(models ? { models } : {}),
    ...(ctx.options['with-downstream'] ? { withDownstream: true } : {}),
    ...(from ? { from, to: to ?? from } : {}),
  };
}

function describePlan(p: PipelinePlan): string {
  const lines: string[] = [];
  if (p.ingest.length > 0) lines.push(`raw days to check for bad lines: ${p.ingest.length}`);
  const byModel = new Map<string, string[]>();
  for (const t of p.tasks)
    byModel.set(t.model, [...(byModel.get(t.model) ?? []), `${t.partition ?? 'table'}:${t.reason}`]);
  for (const [model, counts] of Object.entries(p.summary)) {
    const tasks = byModel.get(model) ?? [];
    const reasons = new Map<string, number>();
    for (const t of tasks) reasons.set(t.split(':')[1] ?? '', (reasons.get(t.split(':')[1] ?? '') ?? 0) + 1);
    const why = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ');
    const parts = tasks.map((t) => t.split(':')[0] ?? '');
    const span =
      parts.length > 1
        ? ` ${parts[0]} … ${parts[parts.length - 1]}`
        : parts.length === 1
          ? ` ${parts[0]}`
          : '';
    const state = `done ${counts.done}, stale ${counts.stale}, missing ${counts.missing}, failed ${counts.failed}`;
    lines.push(
      `${model.padEnd(26)} ${String(tasks.length).padStart(4)} to run${why ? ` (${why})` : ''}${span}   [${state}]`,
    );
  }
  lines.push(`${p.tasks.length} tasks; nothing has been run.`);
  return lines.join('\n') + '\n';
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'Show what `run` (or a backfill with --from/--to) would do and why; runs nothing.',
  positionals: LAKE,
  options: {
    ...selection,
    backfill: { type: 'boolean', description: 'Plan a backfill of --from … --to.' },
    json,
  },
  run: (ctx) =>
    withService(ctx.args['lake'] ?? '', async (service) => {
      const p = await service.call(
        'pipeline.plan',
        requestFrom(ctx, ctx.options['backfill'] ? 'backfill' : 'run'),
      );
      if (ctx.options['json'])
        ctx.io.out(JSON.stringify({ ingest: p.ingest, tasks: p.tasks, summary: p.summary }, null, 2) + '\n');
      else ctx.io.out(describePlan(p));
      return 0;
    }),
};

function progressPrinter(ctx: CommandContext): (p: TaskProgress) => void {
  let last = 0;
  return (p) => {
    const label = `${p.model}${p.partition ? ` ${p.partition}` : ''}`;
    if (ctx.io.interactive) {
      const now = Date.now();
      if (p.phase !== 'done' && p.phase !== 'failed' && now - last < 100) return;
      last = now;
      const width = 30;
      const filled = p.total ? Math.round((p.completed / p.total) * width) : 0;
      ctx.io.err(
        `\r\x1b[2K[${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${p.completed}/${p.total} ${p.phase} ${label}`,
      );
      if (p.phase === 'failed') ctx.io.err(`\n  failed: ${label}: ${p.message ?? ''}\n`);
    } else if (p.phase === 'done' || p.phase === 'failed' || p.phase === 'skipped') {
      const detail = p.phase === 'done' ? `${(p.rows ?? 0).toLocaleString('en-US')} rows` : (p.message ?? '');
      ctx.io.err(
        `${p.phase.padEnd(7)} ${label} (${detail}, ${(p.elapsedMs / 1000).toFixed(1)} s) [${p.completed}/${p.total}]\n`,
      );
    }
  };
}

function printSummary(ctx: CommandContext, s: RunSummary): number {
  if (ctx.io.interactive) ctx.io.err('\r\x1b[2K');
  if (ctx.options['json']) ctx.io.out(JSON.stringify(s, null, 2) + '\n');
  else {
    ctx.io.out(
      `Run ${s.runId}: ${s.succeeded} of ${s.tasks} tasks done, ${s.failed} failed, ${s.skipped} skipped; ${s.rows.toLocaleString('en-US')} rows, ${s.quarantined.toLocaleString('en-US')} bad raw lines quarantined, ${(s.elapsedMs / 1000).toFixed(1)} s.\n`,
    );
    for (const f of s.failures)
      ctx.io.out(`  failed ${f.model}${f.partition ? ` ${f.partition}` : ''}: ${f.error}\n`);
  }
  return s.status === 'done' ? 0 : 1;
}

/**
 * Starts a run through the service and follows its events to the end. Ctrl-C
 * cancels it; a cancelled run exits as cancelled (130), as it always has.
 */
async function follow(
  ctx: CommandContext,
  service: WorkbenchService,
  start: () => Promise<{ runId: string }>,
): Promise<RunSummary> {
  // One run at a time on this in-process service: every event belongs to the run started here.
  const progress = service.on('onDidProgressRun', progressPrinter(ctx));
  let finished: (s: RunSummary) => void = () => undefined;
  const finish = new Promise<RunSummary>((resolve) => {
    finished = resolve;
  });
  const done = service.on('onDidFinishRun', ({ kind: _kind, ...summary }) => finished(summary));
  let runId: string | null = null;
  const cancel = (): void => {
    if (runId) void service.call('pipeline.cancel', { runId }).catch(() => undefined);
  };
  ctx.signal.addEventListener('abort', cancel, { once: true });
  try {
    runId = (await start()).runId;
    if (ctx.signal.aborted) cancel();
    const summary = await finish;
    if (summary.status === 'cancelled')
      throw new CancelledError(
        `The run was cancelled: ${summary.succeeded} of ${summary.tasks} tasks finished and are committed; run it again to do the rest.`,
      );
    return summary;
  } finally {
    ctx.signal.removeEventListener('abort', cancel);
    await progress.dispose();
    await done.dispose();
  }
}

function runner(kind: RunRequestData['kind']): Command['run'] {
  return (ctx) =>
    withService(ctx.args['lake'] ?? '', async (service) => {
      const request = requestFrom(ctx, kind);
      const concurrency = intOption(ctx.options['concurrency'], 'concurrency', { min: 1, max: 64 });
      if (kind === 'backfill' && ctx.options['resume']) {
        if (request.from || request.models)
          throw new UsageError(
            '--resume continues the last backfill as it was asked; give no --from, --to or --models with it.',
          );
        const last = await service.call('pipeline.resumable', {});
        if (!last) {
          ctx.io.out('There is no unfinished backfill to resume.\n');
          return 0;
        }
        ctx.io.err(`Resuming backfill ${last.runId} (${last.status}), started ${last.startedAt}.\n`);
        return printSummary(
          ctx,
          await follow(ctx, service, () => service.call('pipeline.resume', { runId: last.runId })),
        );
      }
      if (kind === 'backfill' && !request.from)
        throw new UsageError(
          'backfill needs --from (and optionally --to): the days to rebuild, or --resume.',
        );
      const planned = await service.call('pipeline.plan', request);
      if (planned.tasks.length === 0 && planned.ingest.length === 0) {
        ctx.io.out('Everything is up to date.\n');
        return 0;
      }
      const start = { ...request, ...(concurrency !== undefined ? { concurrency } : {}) };
      return printSummary(ctx, await follow(ctx, service, () => service.call('pipeline.start', start)));
    });
}

const concurrency: OptionSpec = { type: 'string', value: 'n', description: 'Tasks at once (default 2).' };

export const runCommand: Command = {
  name: 'run',
  summary: 'Build everything missing, stale or failed (new raw data, changed models).',
  positionals: LAKE,
  options: { ...selection, concurrency, json },
  examples: ['lakehouse run demo-lake', 'lakehouse run demo-lake --models fct_daily_club_activity --json'],
  run: runner('run'),
};

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'Rebuild a date range (inclusive), whatever its state; the same rows come out, as new versions.',
  positionals: LAKE,
  options: {
    ...selection,
    concurrency,
    resume: {
      type: 'boolean',
      description: 'Continue the last backfill that was cancelled or failed, skipping what it finished.',
    },
    json,
  },
  examples: [
    'lakehouse backfill demo-lake --from 2024-05-01 --to 2024-05-03',
    'lakehouse backfill demo-lake --resume',
    'lakehouse backfill demo-lake --from 2024-05-02 --models stg_activity --with-downstream',
  ],
  run: runner('backfill'),
};

export const statusCommand: Command = {
  name: 'status',
  summary: 'Per model: partitions done, stale, missing and failed.',
  positionals: LAKE,
  options: { json },
  run: (ctx) =>
    withService(ctx.args['lake'] ?? '', async (service) => {
      const p = await service.call('pipeline.plan', { kind: 'run' });
      if (ctx.options['json']) {
        ctx.io.out(JSON.stringify({ summary: p.summary, rawDaysToCheck: p.ingest.length }, null, 2) + '\n');
        return 0;
      }
      ctx.io.out(`${'model'.padEnd(26)}  done  stale  missing  failed\n`);
      for (const [model, c] of Object.entries(p.summary)) {
        ctx.io.out(
          `${model.padEnd(26)} ${String(c.done).padStart(5)} ${String(c.stale).padStart(6)} ${String(c.missing).padStart(8)} ${String(c.failed).padStart(7)}\n`,
        );
      }
      return 0;
    }),
};

export const pipelineCommands: readonly Command[] = [planCommand, runCommand, backfillCommand, statusCommand];
