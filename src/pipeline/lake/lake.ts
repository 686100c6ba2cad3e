// An opened lake: its layout, project config and sources, loaded and validated
// once. Also builds the engines a lake needs: the pipeline instance (full
// access) and the sandboxed explore instance whose setup defines the views.

import os from 'node:os';
import path from 'node:path';
import { projectSchema } from '../config/project';
import type { ProjectConfig } from '../config/project';
import { sourcesFileSchema, toSourceDefs } from '../config/sources';
import type { SourceDef } from '../config/sources';
import { readYamlFile } from '../config/yaml-file';
import { EngineClient } from '../engine/client';
import type { EngineSettings } from '../engine/settings';
import { defaultEngineSettings } from '../engine/settings';
import { quoteQualified } from '../engine/sql';
import { NotFoundError } from '../errors';
import { requireLake } from './layout';
import type { LakeLayout } from './layout';
import { listRawFiles } from './raw-files';
import { rawViewSql } from './raw-sql';

export interface Lake {
  layout: LakeLayout;
  project: ProjectConfig;
  sources: SourceDef[];
}

export function openLake(dir: string): Lake {
  const layout = requireLake(dir);
  const project = readYamlFile(layout.projectFile, projectSchema, layout.root);
  const sourcesFile = readYamlFile(layout.sourcesFile, sourcesFileSchema, layout.root);
  return { layout, project, sources: toSourceDefs(sourcesFile) };
}

export function findSource(lake: Lake, name: string): SourceDef {
  const source = lake.sources.find((s) => s.name === name);
  if (!source) {
    const known = lake.sources.map((s) => s.name).join(', ') || 'none';
    throw new NotFoundError(`No source named '${name}' in sources.yml (known: ${known}).`);
  }
  return source;
}

/** Engine settings from lakehouse.yml over the defaults; spill files stay on local disk. */
export function engineSettings(lake: Lake, instance: 'explore' | 'pipeline'): EngineSettings {
  const defaults = defaultEngineSettings(instance);
  const e = lake.project.engine;
  return {
    threads: e.threads ?? defaults.threads,
    memoryLimit: e.memory_limit ?? defaults.memoryLimit,
    tempDirectory: e.temp_directory
      ? path.join(path.resolve(lake.layout.root, e.temp_directory), instance)
      : path.join(os.tmpdir(), 'lakehouse-spill', `${process.pid}-${instance}`),
    timezone: lake.project.timezone,
  };
}

/** `CREATE SCHEMA raw` and one view per source over its current files. */
export function exploreSetupSql(lake: Lake): string[] {
  const stmts = ['CREATE SCHEMA IF NOT EXISTS raw'];
  for (const source of lake.sources) {
    const files = listRawFiles(lake.layout, source).map((f) => f.path);
    stmts.push(
      `CREATE OR REPLACE VIEW ${quoteQualified('raw', source.name)} AS ${rawViewSql(source, files)}`,
    );
  }
  return stmts;
}

/** The sandboxed engine; `setup` defaults to the raw views (an ExploreSession defines its own). */
export function createExploreEngine(
  lake: Lake,
  setup: readonly string[] = exploreSetupSql(lake),
): EngineClient {
  return new EngineClient({
    name: 'explore',
    settings: engineSettings(lake, 'explore'),
    sandbox: { allowedDirectories: [lake.layout.root] },
    setup,
  });
}

export function createPipelineEngine(lake: Lake): EngineClient {
  return new EngineClient({ name: 'pipeline', settings: engineSettings(lake, 'pipeline'), sandbox: null });
}
