// Creates a lake: the folders of the layout and the project files — the sample
// project (copied from resources/sample, then its raw data generated) or an
// empty project to fill in. Never writes into a folder that is already a lake.

import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';
import { addDays } from '../runner/intervals';
import { generateSampleData, readSampleManifest, sampleTemplateDir } from '../sample';
import type { GenerateResult } from '../sample';
import { lakeLayout } from './layout';
import type { LakeLayout } from './layout';

export interface InitOptions {
  dir: string;
  sample: boolean;
  /** Sample days of raw data, from the sample project's start_date (default 30). */
  days?: number;
  eventsPerDay?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: { day: string; dayIndex: number; days: number }) => void;
}

export interface InitResult {
  layout: LakeLayout;
  generated: GenerateResult | null;
}

const EMPTY_PROJECT = `# Lakehouse Workbench project. See the README for every key.
name: my-lake
version: 1
timezone: UTC
engine: {}
vars: {}
`;

const EMPTY_SOURCES = `# Raw sources with their explicit schemas. Example:
#   activity:
#     format: jsonl
#     columns:
#       event_id: { type: VARCHAR, required: true }
version: 1
sources: {}
`;

export async function initLake(opts: InitOptions): Promise<InitResult> {
  const layout = lakeLayout(opts.dir);
  if (fs.existsSync(layout.projectFile)) {
    throw new UsageError(`${opts.dir} is already a lake (it has lakehouse.yml); choose a new folder.`);
  }
  if (fs.existsSync(layout.root) && !fs.statSync(layout.root).isDirectory()) {
    throw new UsageError(`${opts.dir} is a file; choose a folder for the lake.`);
  }
  if (opts.days !== undefined && (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > 3660)) {
    throw new UsageError(`--days must be a whole number from 1 to 3660 (got ${opts.days}).`);
  }
  for (const dir of [layout.root, layout.models, layout.raw, layout.tables, layout.workbench]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.writeFileSync(path.join(layout.root, '.gitignore'), '.lakehouse/\n');
  if (!opts.sample) {
    fs.writeFileSync(layout.sourcesFile, EMPTY_SOURCES);
    fs.writeFileSync(layout.projectFile, EMPTY_PROJECT);
    return { layout, generated: null };
  }
  const template = sampleTemplateDir();
  // lakehouse.yml is written last: a lake that has it is complete.
  fs.cpSync(template, layout.root, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'lakehouse.yml',
  });
  const projectText = fs.readFileSync(path.join(template, 'lakehouse.yml'), 'utf8');
  const start = /^start_date:\s*(\d{4}-\d{2}-\d{2})/m.exec(projectText)?.[1] ?? '2024-05-01';
  const days = opts.days ?? 30;
  const generated = await generateSampleData({
    lakeDir: layout.root,
    from: start,
    to: addDays(start, days - 1),
    ...(opts.eventsPerDay !== undefined ? { eventsPerDay: opts.eventsPerDay } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  fs.writeFileSync(layout.projectFile, projectText);
  return { layout, generated };
}

/** Seed and volume of an existing sample lake, so `generate` continues it consistently. */
export async function sampleSettingsOf(
  layout: LakeLayout,
): Promise<{ seed?: number; eventsPerDay?: number }> {
  const manifest = await readSampleManifest(layout.root);
  return manifest ? { seed: manifest.seed, eventsPerDay: manifest.events_per_day } : {};
}
