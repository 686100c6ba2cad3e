// `lakehouse init`: creates a lake folder, optionally with the sample project
// and its generated raw data.

import path from 'node:path';
import { initLake } from '../../pipeline';
import { intOption } from '../command';
import type { Command } from '../command';
import { progressReporter } from '../progress';

export const initCommand: Command = {
  name: 'init',
  summary: 'Create a new lake folder (with --sample: the football transfer-market sample lake).',
  description:
    'Without --sample it writes an empty project (lakehouse.yml, sources.yml, models/, raw/) to fill in.\n' +
    'With --sample it copies the sample project and generates raw data from its start_date on:\n' +
    'clubs, players and users as daily CSV snapshots, activity events as JSON lines, with late,\n' +
    'duplicate and malformed rows at known rates, counted exactly in raw/_manifest.json.',
  positionals: [{ name: 'dir', description: 'Folder to create (it may exist if it is empty of a lake).' }],
  options: {
    sample: { type: 'boolean', description: 'Create the sample lake with generated raw data.' },
    days: { type: 'string', value: 'n', description: 'Days of sample data (default 30).' },
    'events-per-day': { type: 'string', value: 'n', description: 'Activity events per day (default 20000).' },
    seed: {
      type: 'string',
      value: 'n',
      description: 'Random seed; the same seed writes the same bytes (default 42).',
    },
  },
  examples: ['lakehouse init demo-lake --sample --days 3', 'lakehouse init my-lake'],
  async run({ args, options, io, signal }) {
    const dir = args['dir'] ?? '';
    const sample = options['sample'] === true;
    if (!sample) {
      for (const flag of ['days', 'events-per-day', 'seed']) {
        if (options[flag] !== undefined) io.err(`note: --${flag} only applies with --sample; ignored.\n`);
      }
    }
    const days = intOption(options['days'], 'days', { min: 1, max: 3660 });
    const eventsPerDay = intOption(options['events-per-day'], 'events-per-day', { min: 1, max: 10_000_000 });
    const seed = intOption(options['seed'], 'seed', { min: 0, max: 2 ** 31 - 1 });
    const progress = progressReporter(io, 'generating');
    const result = await initLake({
      dir,
      sample,
      signal,
      onProgress: (p) => progress.update(p.dayIndex + 1, p.days, p.day),
      ...(days !== undefined ? { days } : {}),
      ...(eventsPerDay !== undefined ? { eventsPerDay } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    progress.done();
    const shown = path.relative(process.cwd(), result.layout.root) || '.';
    if (result.generated) {
      const g = result.generated;
      const first = g.days[0] ?? '';
      const last = g.days[g.days.length - 1] ?? '';
      io.out(
        `Created the sample lake in ${shown}: ${g.days.length} days (${first} … ${last}), ${g.files} files, ${g.lines.toLocaleString('en-US')} lines in ${(g.elapsedMs / 1000).toFixed(1)} s.\n` +
          `Try: lakehouse query ${shown} "select event_type, count(*) from raw.activity group by all"\n`,
      );
    } else {
      io.out(
        `Created an empty lake in ${shown}. Describe your raw sources in sources.yml, then add models/.\n`,
      );
    }
    return 0;
  },
};
