// `lakehouse delta …`: Delta table tools that work on any table folder, in or
// out of a lake — snapshot, read, history, vacuum, optimize, checkpoint. They
// run on an unsandboxed pipeline engine, since the folder may be anywhere.

import path from 'node:path';
import { CancelledError, deltaTools, EngineClient, defaultEngineSettings, UsageError } from '../../pipeline';
import type { SnapshotOptions } from '../../pipeline';
import { choiceOption, intOption } from '../command';
import type { Command, CommandContext, OptionSpec } from '../command';
import { OUTPUT_FORMATS, ROW_OUTPUT_OPTIONS, TABLE_DEFAULT_LIMIT } from '../output';
import { printResult } from '../print-result';
import type { OutputFormat } from '../output';

const TABLE = [{ name: 'table-dir', description: 'The Delta table folder (the one holding _delta_log).' }];
const TIME_TRAVEL: Record<string, OptionSpec> = {
  version: { type: 'string', value: 'n', description: 'Read the table as of this version.' },
  timestamp: {
    type: 'string',
    value: 'time',
    description: "Read the table as of this time (UTC unless it has an offset), e.g. '2024-05-01 10:00:00'.",
  },
};

async function withTable<T>(
  ctx: CommandContext,
  fn: (table: ReturnType<typeof deltaTools.localTable>) => Promise<T>,
): Promise<T> {
  const dir = path.resolve(ctx.args['table-dir'] ?? '');
  const engine = new EngineClient({
    name: 'pipeline',
    settings: defaultEngineSettings('pipeline'),
    sandbox: null,
  });
  const onAbort = (): void => engine.terminate();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(deltaTools.localTable(dir, engine));
  } catch (err) {
    if (ctx.signal.aborted) throw new CancelledError();
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await engine.dispose();
  }
}

function timeTravel(options: CommandContext['options']): SnapshotOptions {
  const version = intOption(options['version'], 'version', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const ts = options['timestamp'];
  if (version !== undefined && ts !== undefined)
    throw new UsageError('Give --version or --timestamp, not both.');
  if (version !== undefined) return { version };
  if (typeof ts === 'string') return { timestamp: ts };
  return {};
}

const json: OptionSpec = { type: 'boolean', description: 'Print JSON.' };

export const deltaSnapshotCommand: Command = {
  name: 'delta snapshot',
  summary: 'Show a Delta table’s version, schema, partitions, files, rows and protocol.',
  positionals: TABLE,
  options: { ...TIME_TRAVEL, json },
  examples: [
    'lakehouse delta snapshot demo-lake/tables/staging/stg_activity --json',
    'lakehouse delta snapshot t --version 3',
  ],
  run: (ctx) =>
    withTable(ctx, async (table) => {
      const s = await deltaTools.summarize(await deltaTools.loadSnapshot(table, timeTravel(ctx.options)));
      if (ctx.options['json']) {
        ctx.io.out(JSON.stringify(s, null, 2) + '\n');
        return 0;
      }
      ctx.io.out(
        [
          `version      ${s.version} (${s.timestamp})`,
          `partitioned  ${s.partitionColumns.join(', ') || '—'}`,
          `files        ${s.numFiles} (${(s.sizeInBytes / 1e6).toFixed(1)} MB)`,
          `rows         ${s.numRecords.toLocaleString('en-US')}`,
          `protocol     reader ${s.protocol.minReaderVersion}, writer ${s.protocol.minWriterVersion}${s.protocol.readerFeatures.length ? ` (${s.protocol.readerFeatures.join(', ')})` : ''}`,
          'columns',
          ...s.schema.map((c) => `  ${c.name.padEnd(24)} ${c.type}${c.nullable ? '' : ' NOT NULL'}`),
        ].join('\n') + '\n',
      );
      return 0;
    }),
};

export const deltaReadCommand: Command = {
  name: 'delta read',
  summary: 'Print the rows of a Delta table (at its current or an older version).',
  positionals: TABLE,
  options: {
    ...TIME_TRAVEL,
    ...ROW_OUTPUT_OPTIONS,
  },
  examples: ['lakehouse delta read t --version 0 --format csv', 'lakehouse delta read t --limit 10'],
  run: (ctx) =>
    withTable(ctx, async (table) => {
      const format = choiceOption<OutputFormat>(ctx.options['format'], 'format', OUTPUT_FORMATS, 'table');
      const limit =
        intOption(ctx.options['limit'], 'limit', { min: 0, max: Number.MAX_SAFE_INTEGER }) ??
        (format === 'table' ? TABLE_DEFAULT_LIMIT : undefined);
      const snapshot = await deltaTools.loadSnapshot(table, timeTravel(ctx.options));
      const sql = await deltaTools.scanSql(snapshot, limit !== undefined ? { limit } : {});
      const first = await table.engine.query(sql, { pageSize: 2000, signal: ctx.signal });
      await printResult(ctx.io, table.engine, first, {
        format,
        limit: limit ?? Infinity,
        signal: ctx.signal,
        what: `of version ${snapshot.version}`,
      });
      return 0;
    }),
};

export const deltaHistoryCommand: Command = {
  name: 'delta history',
  summary: 'List a Delta table’s commits: version, time, operation, parameters, metrics.',
  positionals: TABLE,
  options: { json, limit: { type: 'string', value: 'n', description: 'Show the newest n commits.' } },
  run: (ctx) =>
    withTable(ctx, async (table) => {
      const limit = intOption(ctx.options['limit'], 'limit', { min: 1, max: Number.MAX_SAFE_INTEGER });
      const history = await deltaTools.tableHistory(table, limit !== undefined ? { limit } : {});
      if (ctx.options['json']) {
        ctx.io.out(
          JSON.stringify(
            history.map((h) => ({ ...h, timestamp: new Date(h.timestamp).toISOString() })),
            null,
            2,
          ) + '\n',
        );
        return 0;
      }
      for (const h of history) {
        const metrics = Object.entries(h.operationMetrics)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        ctx.io.out(
          `${String(h.version).padStart(6)}  ${new Date(h.timestamp).toISOString()}  ${h.operation.padEnd(18)} ${metrics}\n`,
        );
      }
      return 0;
    }),
};

export const deltaVacuumCommand: Command = {
  name: 'delta vacuum',
  summary: 'Delete data files the table no longer references, older than the retention.',
  description:
    'Files removed by commits within the retention stay, so time travel keeps working that far back.\n' +
    'Below the default 168 hours, a writer that is still running could lose files it has not committed yet.',
  positionals: TABLE,
  options: {
    'dry-run': { type: 'boolean', description: 'List what would be deleted; delete nothing.' },
    'retention-hours': {
      type: 'string',
      value: 'h',
      description: 'Keep unreferenced files younger than this (default: the table’s, else 168).',
    },
    json,
  },
  run: (ctx) =>
    withTable(ctx, async (table) => {
      const retentionHours = intOption(ctx.options['retention-hours'], 'retention-hours', {
        min: 0,
        max: 1_000_000,
      });
      if (retentionHours !== undefined && retentionHours < 168) {
        ctx.io.err(
          `warning: a retention of ${retentionHours} h is shorter than 168 h; time travel to older versions will fail, and a writer still running could lose its uncommitted files.\n`,
        );
      }
      const r = await deltaTools.vacuum(table, {
        dryRun: ctx.options['dry-run'] === true,
        ...(retentionHours !== undefined ? { retentionHours } : {}),
      });
      if (ctx.options['json']) ctx.io.out(JSON.stringify(r, null, 2) + '\n');
      else {
        for (const f of r.files) ctx.io.out(`${r.dryRun ? 'would delete' : 'deleted'} ${f}\n`);
        ctx.io.out(
          `${r.dryRun ? 'Would delete' : 'Deleted'} ${r.files.length} files (${(r.bytes / 1e6).toFixed(1)} MB); retention ${r.retentionHours} h.\n`,
        );
      }
      return 0;
    }),
};

export const deltaOptimizeCommand: Command = {
  name: 'delta optimize',
  summary: 'Compact small files: each partition with several small files is rewritten in one commit.',
  description:
    'Rows do not change (the commit is marked dataChange=false); older versions stay readable until\n' +
    'vacuum removes the replaced files after the retention.',
  positionals: TABLE,
  options: {
    'target-mb': {
      type: 'string',
      value: 'mb',
      description: 'Files smaller than this are compacted (default 128).',
    },
    json,
  },
  run: (ctx) =>
    withTable(ctx, async (table) => {
      const mb = intOption(ctx.options['target-mb'], 'target-mb', { min: 1, max: 1_000_000 });
      const r = await deltaTools.optimize(table, {
        signal: ctx.signal,
        ...(mb !== undefined ? { targetFileSize: mb * 1024 * 1024 } : {}),
      });
      if (ctx.options['json']) ctx.io.out(JSON.stringify(r, null, 2) + '\n');
      else if (r.version === null) ctx.io.out('Nothing to compact.\n');
      else
        ctx.io.out(
          `Compacted ${r.partitions} partition(s): ${r.filesRemoved} files → ${r.filesAdded} (version ${r.version}).\n`,
        );
      return 0;
    }),
};

export const deltaCheckpointCommand: Command = {
  name: 'delta checkpoint',
  summary: 'Write a checkpoint of the current version (readers then skip the commits before it).',
  positionals: TABLE,
  options: {},
  run: (ctx) =>
    withTable(ctx, async (table) => {
      const r = await deltaTools.writeCheckpoint(table);
      ctx.io.out(
        r.written
          ? `Wrote ${r.file} (${r.actions} actions).\n`
          : `Version ${r.version} already has a checkpoint.\n`,
      );
      return 0;
    }),
};

export const deltaCommands: readonly Command[] = [
  deltaSnapshotCommand,
  deltaReadCommand,
  deltaHistoryCommand,
  deltaVacuumCommand,
  deltaOptimizeCommand,
  deltaCheckpointCommand,
];
