// settings.get / settings.update. Engine threads and memory limit belong to the
// project (lakehouse.yml, edited through the yaml Document API so comments and
// layout survive) and take effect by restarting both engines; auto-run is this
// workbench's preference, kept in `.workbench/settings.json`.

import fs from 'node:fs';
import { parseDocument } from 'yaml';
import type { WorkbenchSettings } from '../../shared/contract';
import { defaultEngineSettings } from '../engine/settings';
import { UsageError } from '../errors';
import { ExploreSession } from '../lake/explore';
import { createPipelineEngine, openLake } from '../lake/lake';
import type { Handlers } from './context';
import type { LakeSession } from './session';
import { sessionOf } from './session';

export function settingsOf(session: LakeSession): WorkbenchSettings {
  const e = session.lake.project.engine;
  return {
    engine: {
      threads: e.threads ?? defaultEngineSettings('pipeline').threads,
      memoryLimit: e.memory_limit ?? null,
    },
    autoRun: session.state.autoRun(),
  };
}

/** Writes engine keys into lakehouse.yml; a result that does not load is rolled back with its message. */
function writeEngineSettings(
  session: LakeSession,
  engine: { threads?: number; memoryLimit?: string | null },
): void {
  const file = session.lake.layout.projectFile;
  const before = fs.readFileSync(file, 'utf8');
  const doc = parseDocument(before);
  if (engine.threads !== undefined) doc.setIn(['engine', 'threads'], engine.threads);
  if (engine.memoryLimit === null) doc.deleteIn(['engine', 'memory_limit']);
  else if (engine.memoryLimit !== undefined)
    doc.setIn(['engine', 'memory_limit'], engine.memoryLimit.replace(/\s+/g, ''));
  fs.writeFileSync(file, doc.toString());
  try {
    session.lake = openLake(session.lake.layout.root);
  } catch (err) {
    fs.writeFileSync(file, before);
    throw err;
  }
}

/** New engines with the new settings; queries in flight are cancelled and kept results dropped. */
async function restartEngines(session: LakeSession): Promise<void> {
  const oldExplore = session.explore;
  const oldPipeline = session.pipeline;
  session.explore = await ExploreSession.open(session.lake);
  session.pipeline = createPipelineEngine(session.lake);
  session.results.clear();
  session.cache.clear();
  for (const c of session.queries.values()) c.abort();
  await oldExplore.dispose();
  await oldPipeline.dispose();
}

export const settingsHandlers: Handlers<'settings.get' | 'settings.update'> = {
  'settings.get': (_args, ctx) => Promise.resolve(settingsOf(sessionOf(ctx))),
  'settings.update': async (args, ctx) => {
    const session = sessionOf(ctx);
    if (args.engine && (args.engine.threads !== undefined || args.engine.memoryLimit !== undefined)) {
      const running = session.runs.current;
      if (running) {
        throw new UsageError(
          `Engine settings restart the engines, and ${running.runId ? `run ${running.runId}` : 'a run'} is going: wait for it or cancel it, then change them.`,
        );
      }
      writeEngineSettings(session, args.engine);
      await restartEngines(session);
    }
    if (args.autoRun !== undefined) await session.state.setAutoRun(args.autoRun);
    ctx.emit('onDidChangeLake', { reason: 'settings', tables: [], sources: [] });
    return settingsOf(session);
  },
};
