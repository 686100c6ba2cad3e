// The lake.* methods and what opening a lake starts: the explore session, the
// pipeline engine, and (unless the service was made with watch: false) the raw
// watcher and the lakehouse.yml schedule. Raw arrivals refresh the editor's
// views, announce themselves, and with auto-run on bring tables up to date.

import type { LakeInfo } from '../../shared/contract';
import { createPipelineEngine, openLake } from '../lake/lake';
import { ExploreSession } from '../lake/explore';
import { initLake } from '../lake/init';
import { watchRaw, watchSettings } from '../lake/watcher';
import type { RawChange } from '../lake/watcher';
import { startSchedule } from '../runner/schedule';
import type { Handlers, ServiceContext } from './context';
import { LakeSession } from './session';

export interface LakeHost {
  current(): LakeSession | null;
  open(dir: string): Promise<LakeSession>;
}

export function lakeInfo(session: LakeSession): LakeInfo {
  const { lake, explore } = session;
  return {
    path: lake.layout.root,
    name: lake.project.name,
    startDate: lake.project.start_date ?? '',
    timezone: lake.project.timezone,
    problems: explore.problems.map((p) => ({ subject: p.table, message: p.message })),
  };
}

/** Opens a lake with everything the service runs for it; on failure nothing is left running. */
export async function openLakeSession(
  dir: string,
  ctx: ServiceContext,
  opts: { watch: boolean },
): Promise<LakeSession> {
  const lake = openLake(dir);
  const explore = await ExploreSession.open(lake);
  const pipeline = createPipelineEngine(lake);
  const session = new LakeSession(lake, explore, pipeline, ctx);
  try {
    if (opts.watch) await startWatching(session, ctx);
  } catch (err) {
    await session.close();
    throw err;
  }
  ctx.emit('onDidChangeLake', { reason: 'opened', tables: [], sources: [] });
  return session;
}

async function startWatching(session: LakeSession, ctx: ServiceContext): Promise<void> {
  const { lake } = session;
  const log = (level: 'info' | 'warn' | 'error', message: string): void =>
    ctx.emit('onDidLog', { level, message, time: new Date().toISOString() });
  const onChange = async (batch: RawChange[]): Promise<void> => {
    if (session.isClosed) return;
    const tables = await session.refresh();
    const sources = [...new Set(batch.map((c) => c.source))].sort();
    ctx.emit('onDidChangeLake', { reason: 'raw', tables, sources });
    const added = batch.filter((c) => c.kind !== 'removed').length;
    log('info', `${added} raw file(s) landed or changed in ${sources.join(', ')}.`);
    if (session.state.autoRun()) session.runs.runStale('new raw data');
  };
  session.watcher = await watchRaw(lake, {
    ...watchSettings(lake.project),
    onChange,
    onError: (err) => log('warn', err.message),
  });
  const spec = lake.project.schedule?.run;
  if (spec) {
    session.schedule = startSchedule(
      spec,
      () => {
        session.runs.runStale(`schedule ${spec}`);
        return Promise.resolve();
      },
      { onError: (err) => log('error', `Scheduled run failed: ${String(err)}`) },
    );
  }
}

export function lakeHandlers(host: LakeHost): Handlers<'lake.open' | 'lake.current' | 'lake.createSample'> {
  return {
    'lake.open': async ({ path }) => lakeInfo(await host.open(path)),
    'lake.current': () => {
      const s = host.current();
      return Promise.resolve(s ? lakeInfo(s) : null);
    },
    'lake.createSample': async ({ path, days, eventsPerDay }) => {
      await initLake({
        dir: path,
        sample: true,
        ...(days !== undefined ? { days } : {}),
        ...(eventsPerDay !== undefined ? { eventsPerDay } : {}),
      });
      return lakeInfo(await host.open(path));
    },
  };
}
