// `lakehouse publish <lake> --target NAME --table T [--from D --to D] [--dry-run]`:
// publishes a lake table's partitions to a SQL Server or PostgreSQL target
// through the Workbench service, in-process. The password comes from the
// environment variable the target names (password_env). A progress bar on a
// terminal, one line per partition otherwise, `--json` for schedulers; exit 0
// when every partition is published or unchanged, 1 when one failed, 130 cancelled.

import { UsageError } from '../../pipeline';
import type { PublishPreview, PublishProgress, PublishSummary } from '../../shared/contract';
import { DAY_RANGE_OPTIONS, dayRangeOptions } from '../command';
import type { Command, CommandContext } from '../command';
import { progressReporter } from '../progress';
import { withService } from '../service';

function request(ctx: CommandContext): { target: string; table: string; from?: string; to?: string } {
  const target = ctx.options['target'];
  const table = ctx.options['table'];
  if (typeof target !== 'string' || target === '')
    throw new UsageError('--target is required: a target under publish: in lakehouse.yml.');
  if (typeof table !== 'string' || table === '')
    throw new UsageError(
      '--table is required: the lake table to publish, e.g. marts.fct_daily_club_activity.',
    );
  return { target, table, ...dayRangeOptions(ctx.options) };
}

const n = (x: number): string => x.toLocaleString('en-US');

function printPreview(ctx: CommandContext, p: PublishPreview): void {
  if (ctx.options['json']) {
    ctx.io.out(JSON.stringify(p, null, 2) + '\n');
    return;
  }
  const send = p.partitions.filter((x) => !x.skip);
  ctx.io.out(
    `-- Dry run: publish ${p.table} to target '${p.target}' as ${p.targetTable}; nothing was sent.\n`,
  );
  for (const x of p.partitions) {
    ctx.io.out(
      `-- ${String(x.partition ?? '(whole table)').padEnd(12)} version ${String(x.version).padStart(4)}  ${n(x.rows).padStart(12)} rows  ${x.skip ? 'unchanged, skipped' : 'to send'}\n`,
    );
  }
  ctx.io.out(
    `-- ${send.length} of ${p.partitions.length} partitions to send, ${n(send.reduce((s, x) => s + x.rows, 0))} rows.\n\n`,
  );
  for (const s of p.statements) ctx.io.out(`${s}${s.startsWith('--') ? '' : ';'}\n`);
}

function progressPrinter(ctx: CommandContext): { on(p: PublishProgress): void; done(): void } {
  const bar = progressReporter(ctx.io, 'publishing');
  return {
    on(p) {
      const label = p.partition ?? '(whole table)';
      if (ctx.io.interactive) {
        bar.update(p.completed, p.total, `${p.phase} ${label}`);
        if (p.phase === 'failed' || p.phase === 'retrying')
          ctx.io.err(`\n  ${p.phase}: ${label}: ${p.message ?? ''}\n`);
      } else if (
        p.phase === 'done' ||
        p.phase === 'skipped' ||
        p.phase === 'failed' ||
        p.phase === 'retrying'
      ) {
        const detail = p.phase === 'done' ? `${n(p.rows)} rows` : (p.message ?? '');
        ctx.io.err(`${p.phase.padEnd(8)} ${label} (${detail}) [${p.completed}/${p.total}]\n`);
      }
    },
    done: () => bar.done(),
  };
}

function printSummary(ctx: CommandContext, s: PublishSummary, partitions: PublishProgress[]): number {
  if (ctx.options['json']) {
    const detail = partitions.map((p) => ({
      partition: p.partition,
      status: p.phase,
      rows: p.rows,
      message: p.message ?? null,
    }));
    ctx.io.out(JSON.stringify({ ...s, partitions: detail }, null, 2) + '\n');
  } else {
    ctx.io.out(
      `Publish ${s.publishId}: ${s.table} to '${s.target}': ${s.published} partitions sent, ${s.skipped} unchanged, ${s.failed} failed; ${n(s.rows)} rows, ${(s.elapsedMs / 1000).toFixed(1)} s.\n`,
    );
    if (s.error) ctx.io.out(`  ${s.status}: ${s.error}\n`);
  }
  return s.status === 'done' ? 0 : s.status === 'cancelled' ? 130 : 1;
}

export const publishCommand: Command = {
  name: 'publish',
  summary: 'Publish a table’s partitions to a SQL Server or PostgreSQL target (only what changed).',
  description:
    'Each partition is bulk-loaded into a staging table, then swapped in one transaction: the\n' +
    "target's rows of that day are deleted and the staged ones inserted. Partitions whose Delta\n" +
    'files are unchanged since their last publish are skipped. The password is read from the\n' +
    'environment variable named by the target’s password_env.',
  positionals: [{ name: 'lake', description: 'The lake folder.' }],
  options: {
    target: { type: 'string', value: 'name', description: 'The target under publish: in lakehouse.yml.' },
    table: {
      type: 'string',
      value: 'table',
      description: 'The lake table (marts.fct_x) or its target name.',
    },
    ...DAY_RANGE_OPTIONS,
    'dry-run': { type: 'boolean', description: 'Print the SQL and row counts; connect to nothing.' },
    json: { type: 'boolean', description: 'Print a JSON summary (for schedulers).' },
  },
  examples: [
    'lakehouse publish demo-lake --target warehouse --table marts.fct_daily_club_activity',
    'lakehouse publish demo-lake --target warehouse --table marts.fct_daily_club_activity --from 2024-05-01 --to 2024-05-07 --dry-run',
  ],
  run: (ctx) =>
    withService(ctx.args['lake'] ?? '', async (service) => {
      const req = request(ctx);
      if (ctx.options['dry-run']) {
        printPreview(ctx, await service.call('publish.preview', req));
        return 0;
      }
      const printer = progressPrinter(ctx);
      const seen: PublishProgress[] = [];
      let publishId: string | null = null;
      const early: PublishSummary[] = [];
      let resolveFinish: (s: PublishSummary) => void = () => undefined;
      const finished = new Promise<PublishSummary>((resolve) => {
        resolveFinish = resolve;
      });
      const subs = [
        service.on('onDidProgressPublish', (p) => {
          if (publishId !== null && p.publishId !== publishId) return;
          if (p.phase === 'done' || p.phase === 'skipped' || p.phase === 'failed') seen.push(p);
          printer.on(p);
        }),
        service.on('onDidFinishPublish', (s) => {
          if (publishId === null) early.push(s);
          else if (s.publishId === publishId) resolveFinish(s);
        }),
      ];
      const cancel = (): void => {
        if (publishId) void service.call('publish.cancel', { publishId }).catch(() => undefined);
      };
      ctx.signal.addEventListener('abort', cancel, { once: true });
      try {
        publishId = (await service.call('publish.start', req)).publishId;
        const before = early.find((s) => s.publishId === publishId);
        if (before) resolveFinish(before);
        if (ctx.signal.aborted) cancel();
        const summary = await finished;
        printer.done();
        return printSummary(ctx, summary, seen);
      } finally {
        ctx.signal.removeEventListener('abort', cancel);
        for (const s of subs) s.dispose();
      }
    }),
};
