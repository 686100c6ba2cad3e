// `lakehouse watch`: the lake's speed layer from a terminal or a service. It
// reports raw files as they land (complete files only), and with --auto-run
// brings every table up to date in micro-batches; lakehouse.yml's schedule
// (e.g. `run: hourly`) runs on top. One run at a time: changes that land during
// a run start another as soon as it ends.

import {
  createPipelineEngine,
  executeRun,
  openLake,
  planRun,
  startSchedule,
  watchRaw,
  watchSettings,
} from '../../pipeline';
import type { EngineClient, RawChange } from '../../pipeline';
import { intOption } from '../command';
import type { Command, Io } from '../command';

export const watchCommand: Command = {
  name: 'watch',
  summary: 'Watch raw/ for new files; with --auto-run, rebuild what they make stale within seconds.',
  description:
    'Files count once they stop growing. On network file systems (NFS, SMB …) the folder is polled,\n' +
    'since files written by other machines raise no events there (lakehouse.yml: watch.poll,\n' +
    'watch.poll_interval_ms, watch.stability_ms). A schedule in lakehouse.yml (schedule: { run: hourly })\n' +
    'runs as well. Ctrl-C stops watching.',
  positionals: [{ name: 'lake', description: 'The lake folder.' }],
  options: {
    'auto-run': { type: 'boolean', description: 'Run what new files make stale, right away.' },
    concurrency: { type: 'string', value: 'n', description: 'Tasks at once in each run (default 2).' },
  },
  examples: ['lakehouse watch demo-lake --auto-run'],
  async run({ args, options, io, signal }) {
    const dir = args['lake'] ?? '';
    const lake = openLake(dir);
    const concurrency = intOption(options['concurrency'], 'concurrency', { min: 1, max: 64 }) ?? 2;
    const autoRun = options['auto-run'] === true;
    const engine = createPipelineEngine(lake);
    const runs = oneRunAtATime((why) => runAndReport({ dir, engine, concurrency, io, signal }, why), signal);
    const onChange = async (batch: RawChange[]): Promise<void> => {
      for (const c of batch)
        io.out(
          `${time()} ${c.kind} ${c.source} dt=${c.dt} ${c.path.slice(lake.layout.root.length + 1)} (${c.size.toLocaleString('en-US')} bytes)\n`,
        );
      if (autoRun) {
        await runs.trigger('new raw data');
        return;
      }
      const p = await planRun(openLake(dir), engine, { kind: 'run' });
      io.out(
        `${time()} ${p.plan.tasks.length} partitions to rebuild; run \`lakehouse run ${dir}\` or watch with --auto-run.\n`,
      );
    };
    const watcher = await watchRaw(lake, {
      ...watchSettings(lake.project),
      onChange,
      onError: (err) => io.err(`${time()} warning: ${err.message}\n`),
    });
    const spec = lake.project.schedule?.run;
    const schedule = spec ? startSchedule(spec, () => runs.trigger(`schedule ${spec}`)) : null;
    io.out(
      `${time()} watching ${dir}${watcher.polling ? ` (polling: ${watcher.fileSystem ?? 'network file system'})` : ''}${autoRun ? ', auto-run on' : ''}${spec ? `, schedule ${spec}` : ''}\n`,
    );
    try {
      if (autoRun) await runs.trigger('start');
      await abortion(signal);
      io.out(`${time()} stopped watching.\n`);
      return 0;
    } finally {
      await schedule?.dispose();
      await watcher.dispose();
      await runs.current();
      await engine.dispose();
    }
  },
};

const time = (): string => new Date().toISOString().slice(11, 19);

/** Resolves when `signal` fires (at once when it already has). */
function abortion(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

interface RunContext {
  dir: string;
  engine: EngineClient;
  concurrency: number;
  io: Io;
  signal: AbortSignal;
}

/** Brings every table up to date and prints one line for the run and one per failed task. */
async function runAndReport(
  { dir, engine, concurrency, io, signal }: RunContext,
  why: string,
): Promise<void> {
  const t0 = Date.now();
  const lake = openLake(dir); // models and config may have changed since the last run
  try {
    const s = await executeRun(lake, engine, { kind: 'run' }, { concurrency, signal });
    io.out(
      `${time()} run (${why}): ${s.succeeded} of ${s.tasks} tasks done, ${s.failed} failed, ${s.quarantined} bad lines quarantined in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    for (const f of s.failures)
      io.out(`${time()}   failed ${f.model}${f.partition ? ` ${f.partition}` : ''}: ${f.error}\n`);
  } catch (err) {
    if (!signal.aborted)
      io.out(`${time()} run (${why}) failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

/**
 * One run at a time: a trigger during a run asks for one more as soon as it
 * ends (however many triggers came), and is answered when that one is done.
 */
function oneRunAtATime(
  run: (why: string) => Promise<void>,
  signal: AbortSignal,
): { trigger(why: string): Promise<void>; current(): Promise<void> | null } {
  let running: Promise<void> | null = null;
  let again = false;
  return {
    trigger(why) {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await run(why);
        } while (again && !signal.aborted);
      })().finally(() => {
        running = null;
      });
      return running;
    },
    current: () => running,
  };
}
