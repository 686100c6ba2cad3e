// `lakehouse archive`: moves raw partitions older than N days from raw/ to
// archive/ (cold storage, same layout) and logs each move in
// _workbench/archive_log. Safe to run again at any time: a run that was stopped
// is completed, and a finished one changes nothing.

import path from 'node:path';
import { archiveRaw, createPipelineEngine, openLake, UsageError } from '../../pipeline';
import type { ArchiveResult } from '../../pipeline';
import type { Command } from '../command';
import { progressReporter } from '../progress';

/** `--older-than 90d` → 90. */
export function parseOlderThan(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = typeof value === 'string' ? /^(\d+)d$/.exec(value.trim()) : null;
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(
      `--older-than must be a number of days like 90d, at least 1d (got ${String(value)}).`,
    );
  }
  return n;
}

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

function summary(r: ArchiveResult, lakeShown: string): string {
  const moved = r.partitions.filter((p) => p.how !== 'logged');
  const logged = r.partitions.filter((p) => p.how === 'logged');
  const lines: string[] = [];
  const files = moved.reduce((n, p) => n + p.files, 0);
  const bytes = moved.reduce((n, p) => n + p.bytes, 0);
  const verb = r.dryRun ? 'Would archive' : 'Archived';
  if (moved.length === 0 && r.failed.length === 0) {
    lines.push(`Nothing to archive: no raw partition is dated before ${r.cutoff} (${r.olderThanDays} days).`);
  } else if (moved.length > 0) {
    lines.push(
      `${verb} ${moved.length} partition(s) dated before ${r.cutoff}: ${files} files, ${mb(bytes)} → ${path.join(lakeShown, 'archive')}`,
    );
  }
  for (const p of moved) {
    lines.push(
      `  ${p.source.padEnd(16)} dt=${p.dt}  ${String(p.files).padStart(5)} files  ${mb(p.bytes).padStart(10)}  ${p.how}`,
    );
  }
  if (logged.length > 0) {
    lines.push(
      `${r.dryRun ? 'Would record' : 'Recorded'} ${logged.length} partition(s) already in archive/ that the archive log did not have.`,
    );
  }
  return lines.join('\n') + '\n';
}

export const archiveCommand: Command = {
  name: 'archive',
  summary: 'Move raw partitions older than N days to archive/ (cold storage); tables are unaffected.',
  description:
    'Each raw/<source>/dt=D folder dated before today (UTC) minus N days moves to archive/<source>/dt=D\n' +
    'with its files unchanged (names, sizes, mtimes), so the pipeline still reads them and re-runs nothing.\n' +
    'Moves are recorded in _workbench/archive_log. N defaults to archive_after_days in lakehouse.yml, else 90.',
  positionals: [{ name: 'lake', description: 'The lake folder.' }],
  options: {
    'older-than': {
      type: 'string',
      value: 'Nd',
      description: 'Archive partitions older than N days, e.g. 90d.',
    },
    'dry-run': { type: 'boolean', description: 'Show what would move; change nothing.' },
    json: { type: 'boolean', description: 'Print the result as JSON.' },
  },
  examples: ['lakehouse archive demo-lake --older-than 30d --dry-run', 'lakehouse archive demo-lake --json'],
  async run({ args, options, io, signal }) {
    const olderThanDays = parseOlderThan(options['older-than']);
    const lake = openLake(args['lake'] ?? '');
    const engine = createPipelineEngine(lake);
    const progress = progressReporter(io, 'archiving');
    try {
      const result = await archiveRaw(lake, engine, {
        dryRun: options['dry-run'] === true,
        signal,
        onProgress: (p) => progress.update(p.done, p.total, `${p.source} dt=${p.dt}`),
        ...(olderThanDays !== undefined ? { olderThanDays } : {}),
      });
      progress.done();
      if (options['json']) io.out(JSON.stringify(result, null, 2) + '\n');
      else io.out(summary(result, path.relative(process.cwd(), lake.layout.root) || '.'));
      for (const f of result.failed) io.err(`error: ${f.error}\n`);
      return result.failed.length > 0 ? 1 : 0;
    } finally {
      progress.done();
      await engine.dispose();
    }
  },
};
