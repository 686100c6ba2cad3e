// `lakehouse generate`: lands more days of sample data into an existing lake,
// continuing its seed and volume so the lake stays deterministic.

import { dateOption, intOption } from '../command';
import type { Command } from '../command';
import { generateSampleData, requireLake, sampleSettingsOf, UsageError } from '../../pipeline';
import { progressReporter } from '../progress';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Land more days of sample raw data into a lake (arrival dates --from … --to, inclusive).',
  description:
    'Files appear atomically (written under a temporary name, then renamed in), so a watching\n' +
    'workbench sees each one complete. The seed and events per day default to the lake’s own.',
  positionals: [{ name: 'lake', description: 'The lake folder.' }],
  options: {
    from: { type: 'string', value: 'date', description: 'First arrival date, e.g. 2024-06-01.' },
    to: { type: 'string', value: 'date', description: 'Last arrival date (inclusive).' },
    'events-per-day': {
      type: 'string',
      value: 'n',
      description: 'Activity events per day (default: the lake’s).',
    },
    seed: { type: 'string', value: 'n', description: 'Random seed (default: the lake’s).' },
  },
  examples: ['lakehouse generate demo-lake --from 2024-05-04 --to 2024-05-06'],
  async run({ args, options, io, signal }) {
    const layout = requireLake(args['lake'] ?? '');
    const from = dateOption(options['from'], 'from');
    const to = dateOption(options['to'], 'to') ?? from;
    if (!from || !to)
      throw new UsageError('--from is required: the first arrival date to generate, e.g. --from 2024-06-01.');
    const lakeDefaults = await sampleSettingsOf(layout);
    const eventsPerDay =
      intOption(options['events-per-day'], 'events-per-day', { min: 1, max: 10_000_000 }) ??
      lakeDefaults.eventsPerDay;
    const seed = intOption(options['seed'], 'seed', { min: 0, max: 2 ** 31 - 1 }) ?? lakeDefaults.seed;
    const progress = progressReporter(io, 'generating');
    const result = await generateSampleData({
      lakeDir: layout.root,
      from,
      to,
      signal,
      onProgress: (p) => progress.update(p.dayIndex + 1, p.days, p.day),
      ...(eventsPerDay !== undefined ? { eventsPerDay } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    progress.done();
    io.out(
      `Landed ${result.days.length} days (${from} … ${to}): ${result.files} files, ${result.lines.toLocaleString('en-US')} lines in ${(result.elapsedMs / 1000).toFixed(1)} s.\n`,
    );
    return 0;
  },
};
