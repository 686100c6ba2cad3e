// The lake on disk (DESIGN.md "The lake on disk"): every path the app reads or
// writes is named here, so the layout is defined once.

import fs from 'node:fs';
import path from 'node:path';
import { NotALakeError } from '../errors';

export const PROJECT_FILE = 'lakehouse.yml';
export const SOURCES_FILE = 'sources.yml';

export interface LakeLayout {
  root: string;
  projectFile: string;
  sourcesFile: string;
  models: string;
  raw: string;
  archive: string;
  tables: string;
  workbench: string;
  /** The app's local scratch space (spill files, caches); never shared. */
  local: string;
}

export function lakeLayout(dir: string): LakeLayout {
  const root = path.resolve(dir);
  return {
    root,
    projectFile: path.join(root, PROJECT_FILE),
    sourcesFile: path.join(root, SOURCES_FILE),
    models: path.join(root, 'models'),
    raw: path.join(root, 'raw'),
    archive: path.join(root, 'archive'),
    tables: path.join(root, 'tables'),
    workbench: path.join(root, '_workbench'),
    local: path.join(root, '.lakehouse'),
  };
}

/** The layout of an existing lake; fails with NotALakeError naming the fix otherwise. */
export function requireLake(dir: string): LakeLayout {
  const layout = lakeLayout(dir);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(layout.root);
  } catch {
    stat = undefined;
  }
  if (!stat?.isDirectory() || !fs.existsSync(layout.projectFile)) throw new NotALakeError(dir);
  return layout;
}

/** A raw partition folder name: dt=YYYY-MM-DD. */
export const PARTITION_DIR = /^dt=(\d{4}-\d{2}-\d{2})$/;
