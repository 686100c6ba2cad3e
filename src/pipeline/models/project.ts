// Loads a lake's modeling project: every models/*.sql (parsed), every
// models/*.yml (docs and tests attached to their model), and the DAG over them
// and the lake's sources. Everything is checked here, at load, so a run never
// starts on a project with an unknown name, a bad test or a cycle.

import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, NotFoundError } from '../errors';
import type { Lake } from '../lake/lake';
import type { LakeLayout } from '../lake/layout';
import { buildDag } from './dag';
import type { Dag } from './dag';
import { parseModel } from './model';
import type { Model } from './model';
import { parseModelsYml } from './model-tests';
import type { ModelDocs } from './model-tests';
import { suggestionText } from './suggest';

export interface Project {
  /** Every model, in build order (dag.order). */
  models: Model[];
  dag: Dag;
}

/** A project file as messages show it (models/x.sql) with its text. */
export interface ProjectFile {
  file: string;
  text: string;
}

export interface ProjectInput {
  sqlFiles: readonly ProjectFile[];
  ymlFiles: readonly ProjectFile[];
  vars: Readonly<Record<string, unknown>>;
  sourceNames: readonly string[];
}

export function loadProject(lake: Lake): Project {
  const dir = lake.layout.models;
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    names = []; // a lake without models/ has no models yet
  }
  const read = (ext: RegExp): ProjectFile[] =>
    names
      .filter((n) => ext.test(n) && !n.startsWith('.') && fs.statSync(path.join(dir, n)).isFile())
      .map((n) => ({ file: `models/${n}`, text: fs.readFileSync(path.join(dir, n), 'utf8') }));
  return buildProject({
    sqlFiles: read(/\.sql$/i),
    ymlFiles: read(/\.ya?ml$/i),
    vars: lake.project.vars,
    sourceNames: lake.sources.map((s) => s.name),
  });
}

/** The project from file texts: what loadProject does after reading, for callers that hold the texts. */
export function buildProject(input: ProjectInput): Project {
  const models = input.sqlFiles.map((f) =>
    parseModel(f.text, path.basename(f.file).replace(/\.sql$/i, ''), { file: f.file, vars: input.vars }),
  );
  const byName = new Map(models.map((m) => [m.name, m]));
  const docs = collectDocs(input.ymlFiles, byName);
  const documented = models.map((m) => withDocs(m, docs.get(m.name)));
  const dag = buildDag(documented, input.sourceNames);
  const inOrder = new Map(documented.map((m) => [m.name, m]));
  return { models: dag.order.flatMap((n) => inOrder.get(n) ?? []), dag };
}

/** Every model's yml entry; names that match no model, twice-documented models and unknown test targets fail. */
function collectDocs(
  files: readonly ProjectFile[],
  byName: ReadonlyMap<string, Model>,
): Map<string, ModelDocs> {
  const known = [...byName.keys()];
  const docs = new Map<string, ModelDocs>();
  for (const f of files) {
    for (const entry of parseModelsYml(f.text, f.file)) {
      const where = `${entry.file}${entry.line === null ? '' : `:${entry.line}`}`;
      if (!byName.has(entry.model)) {
        throw new ConfigError(
          `${where}: models.${entry.model}: there is no model '${entry.model}' (no models/${entry.model}.sql).${suggestionText(entry.model, known)}`,
          { file: entry.file, line: entry.line ?? undefined },
        );
      }
      const earlier = docs.get(entry.model);
      if (earlier) {
        throw new ConfigError(
          `${where}: models.${entry.model} is already described in ${earlier.file}${earlier.line === null ? '' : `:${earlier.line}`}: keep one entry per model.`,
          { file: entry.file, line: entry.line ?? undefined },
        );
      }
      for (const t of entry.tests) {
        if (t.kind !== 'relationships' || byName.has(t.to)) continue;
        throw new ConfigError(
          `${t.file}${t.line === null ? '' : `:${t.line}`}: models.${t.model}.columns.${t.column}: relationships to '${t.to}': there is no such model.${suggestionText(t.to, known)}`,
          { file: t.file, line: t.line ?? undefined },
        );
      }
      docs.set(entry.model, entry);
    }
  }
  return docs;
}

function withDocs(model: Model, docs: ModelDocs | undefined): Model {
  if (!docs) return model;
  return {
    ...model,
    description: docs.description ?? model.config.description,
    columns: docs.columns,
    tests: docs.tests,
    docsFile: docs.file,
  };
}

/** The model named `name`, or a NotFoundError suggesting the closest name. */
export function getModel(project: Project, name: string): Model {
  const model = project.models.find((m) => m.name === name);
  if (model) return model;
  throw new NotFoundError(
    `No model named '${name}' (models are the .sql files in models/).${suggestionText(
      name,
      project.models.map((m) => m.name),
    )}`,
    { model: name },
  );
}

/** Where a model's Delta table lives: tables/<layer>/<name> (views are not stored, so they never use it). */
export function modelTableDir(layout: LakeLayout, model: Pick<Model, 'name' | 'config'>): string {
  return path.join(layout.tables, model.config.layer, model.name);
}
