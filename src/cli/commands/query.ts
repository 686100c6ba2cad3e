// `lakehouse query`: runs SQL through the Workbench service on the lake's
// sandboxed explore engine, where each raw source is the view raw.<source>.
// Rows stream out page by page; Ctrl-C cancels the query.

import fs from 'node:fs';
import { CancelledError } from '../../pipeline';
import { choiceOption, intOption } from '../command';
import type { Command } from '../command';
import { OUTPUT_FORMATS, ROW_OUTPUT_OPTIONS, TABLE_DEFAULT_LIMIT } from '../output';
import { printResult } from '../print-result';
import type { OutputFormat } from '../output';
import { progressReporter } from '../progress';
import { withService } from '../service';

const PAGE = 2000;

export const queryCommand: Command = {
  name: 'query',
  summary: 'Run SQL on a lake (read-only) and print the result.',
  description:
    'Each raw source is a view raw.<source> with the types of sources.yml (lines that do not\n' +
    'parse are left out), and each table a view <layer>.<name> over its current Delta version;\n' +
    "time travel with `FROM core.t VERSION AS OF 3` or `TIMESTAMP AS OF '2024-05-01 10:00:00'`.\n" +
    'Queries may read files inside the lake only, and cannot write files or change settings.\n' +
    'Pass - as the SQL to read it from standard input.',
  positionals: [
    { name: 'lake', description: 'The lake folder.' },
    { name: 'sql', description: 'The SQL to run (a script runs every statement; the last one is printed).' },
  ],
  options: ROW_OUTPUT_OPTIONS,
  examples: [
    'lakehouse query demo-lake "select count(*) as n from raw.activity" --format json',
    'lakehouse query demo-lake "select * from raw.clubs" --format csv > clubs.csv',
  ],
  async run({ args, options, io, signal }) {
    const format = choiceOption<OutputFormat>(options['format'], 'format', OUTPUT_FORMATS, 'table');
    const limit =
      intOption(options['limit'], 'limit', { min: 0, max: Number.MAX_SAFE_INTEGER }) ??
      (format === 'table' ? TABLE_DEFAULT_LIMIT : Infinity);
    const sqlArg = args['sql'] ?? '';
    const sql = sqlArg === '-' ? fs.readFileSync(0, 'utf8') : sqlArg;
    return withService(args['lake'] ?? '', async (service, lake) => {
      for (const p of lake.problems) io.err(`warning: ${p.subject} is not queryable: ${p.message}\n`);
      const queryId = `cli-${process.pid}`;
      const progress = progressReporter(io, 'running');
      const listening = service.on('onDidProgressQuery', ({ progress: p }) =>
        progress.update(Math.round(p.percent ?? 0), 100, `${p.rowsProcessed.toLocaleString('en-US')} rows`),
      );
      const cancel = (): void => void service.call('query.cancel', { queryId }).catch(() => undefined);
      signal.addEventListener('abort', cancel, { once: true });
      try {
        if (signal.aborted) throw new CancelledError('The query was cancelled.');
        const first = await service.call('query.run', {
          sql,
          queryId,
          pageSize: Math.min(PAGE, limit === Infinity ? PAGE : Math.max(1, limit)),
        });
        progress.done();
        const pages = {
          fetch: (resultId: string, offset: number, count: number) =>
            service.call('query.fetch', { resultId, offset, limit: count }),
        };
        await printResult(io, pages, first, { format, limit, signal });
        return 0;
      } finally {
        signal.removeEventListener('abort', cancel);
        await listening.dispose();
        progress.done();
      }
    });
  },
};
