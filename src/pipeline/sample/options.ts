// The generator's options and their validation. Every mistake a user can make throws a plain
// Error whose message names the option and says how to fix it; seed and eventsPerDay fall
// back to the lake's manifest, so continuing a lake keeps it consistent, and an explicit
// value that contradicts the manifest is refused (late events would straddle two datasets).

import { dirname, isAbsolute } from 'node:path';
import { MAX_DAY, MIN_DAY, formatDay, parseDay } from './calendar';
import type { SampleManifest } from './manifest';

export interface GenerateOptions {
  /** absolute path of the lake root */
  lakeDir: string;
  /** first ARRIVAL date, 'YYYY-MM-DD', inclusive */
  from: string;
  /** last ARRIVAL date, inclusive */
  to: string;
  /** activity events whose event date is the day, before duplicates and bad lines; default 20000 */
  eventsPerDay?: number;
  /** default 42 */
  seed?: number;
  signal?: AbortSignal;
  /** called after each arrival day is on disk; dayIndex is 0-based, days the number of days */
  onProgress?: (p: { day: string; dayIndex: number; days: number }) => void;
}

export interface GenerateResult {
  /** the arrival days written, in order */
  days: string[];
  /** files written (activity and reference CSVs; the manifest not included) */
  files: number;
  /** physical lines in those files */
  lines: number;
  elapsedMs: number;
}

export const DEFAULT_EVENTS_PER_DAY = 20_000;
export const DEFAULT_SEED = 42;
/** Three event days are held in memory at once; beyond this a day no longer fits comfortably. */
export const MAX_EVENTS_PER_DAY = 250_000;

export interface ResolvedOptions {
  lakeDir: string;
  fromDay: number;
  toDay: number;
  eventsPerDay: number;
  seed: number;
}

function checkDay(name: 'from' | 'to', value: unknown): number {
  const day = typeof value === 'string' ? parseDay(value) : undefined;
  const min = parseDay(MIN_DAY) ?? 0;
  const max = parseDay(MAX_DAY) ?? 0;
  if (day === undefined || day < min || day > max) {
    throw new Error(
      `${name} must be a date written YYYY-MM-DD between ${MIN_DAY} and ${MAX_DAY}, e.g. '2024-05-01'; ` +
        `got ${JSON.stringify(value)}`,
    );
  }
  return day;
}

/** Checked before anything is read from the lake. */
export function checkLakeDir(lakeDir: unknown): void {
  if (typeof lakeDir !== 'string' || !isAbsolute(lakeDir)) {
    throw new Error(
      `lakeDir must be the absolute path of the lake root; got ${JSON.stringify(lakeDir)}. ` +
        'Resolve it first, e.g. path.resolve(dir).',
    );
  }
  if (dirname(lakeDir) === lakeDir) {
    throw new Error(`lakeDir must be a lake folder, not the filesystem root (${lakeDir})`);
  }
}

export function resolveOptions(opts: GenerateOptions, manifest: SampleManifest | undefined): ResolvedOptions {
  checkLakeDir(opts.lakeDir);
  const fromDay = checkDay('from', opts.from);
  const toDay = checkDay('to', opts.to);
  if (toDay < fromDay) {
    throw new Error(
      `to (${formatDay(toDay)}) is before from (${formatDay(fromDay)}); pass a to on or after from`,
    );
  }
  const eventsPerDay = opts.eventsPerDay ?? manifest?.events_per_day ?? DEFAULT_EVENTS_PER_DAY;
  if (!Number.isInteger(eventsPerDay) || eventsPerDay <= 0 || eventsPerDay > MAX_EVENTS_PER_DAY) {
    throw new Error(
      `eventsPerDay must be a whole number from 1 to ${MAX_EVENTS_PER_DAY}; got ${String(eventsPerDay)}. ` +
        `Leave it out for the default (${DEFAULT_EVENTS_PER_DAY}) or pass e.g. 2000 for a quick lake.`,
    );
  }
  const seed = opts.seed ?? manifest?.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) {
    throw new Error(
      `seed must be a whole number (a safe integer); got ${String(seed)}. Leave it out for ${DEFAULT_SEED}.`,
    );
  }
  if (manifest && (manifest.seed !== seed || manifest.events_per_day !== eventsPerDay)) {
    throw new Error(
      `this lake's raw/_manifest.json was generated with seed ${manifest.seed} and eventsPerDay ` +
        `${manifest.events_per_day}, but seed ${seed} and eventsPerDay ${eventsPerDay} were asked for. ` +
        'Late events of one day land in the next days’ files, so the two cannot be mixed: leave seed and ' +
        'eventsPerDay out to continue this lake, or generate into a new lake.',
    );
  }
  return { lakeDir: opts.lakeDir, fromDay, toDay, eventsPerDay, seed };
}
