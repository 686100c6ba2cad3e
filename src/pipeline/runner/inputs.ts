// What a run reads, listed once per run: the raw files of every source (hot and
// cold zones), the partition domain (first day to latest arrival), and input
// fingerprints. A fingerprint names files by `dt/name` with size and mtime, so
// archiving (a move that keeps names and times) never makes anything stale.

import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Lake } from '../lake/lake';
import { listRawFiles } from '../lake/raw-files';
import type { RawFile } from '../lake/raw-files';
import { arrivalWindow } from '../models';
import type { Model, Project } from '../models';
import { addDays, days } from './intervals';
import type { Interval } from './intervals';

export interface RunInputs {
  lake: Lake;
  project: Project;
  models: Map<string, Model>;
  /** Raw files by source name, sorted by (dt, path). */
  raw: Map<string, RawFile[]>;
  /** The days partitioned models have: first day … latest arrival (empty when there is no data). */
  domain: Interval;
}

export function collectInputs(lake: Lake, project: Project): RunInputs {
  const raw = new Map<string, RawFile[]>();
  for (const s of lake.sources) raw.set(s.name, listRawFiles(lake.layout, s));
  const all = [...raw.values()].flat();
  const last = all.reduce<string | null>((m, f) => (m === null || f.dt > m ? f.dt : m), null);
  const first =
    lake.project.start_date ?? all.reduce<string | null>((m, f) => (m === null || f.dt < m ? f.dt : m), null);
  const domain =
    first && last && first <= last
      ? { start: first, end: addDays(last, 1) }
      : { start: '1970-01-01', end: '1970-01-01' };
  return { lake, project, models: new Map(project.models.map((m) => [m.name, m])), raw, domain };
}

export function sha1(parts: readonly string[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('hex');
}

export function fileSignature(f: RawFile): string {
  return `${f.dt}/${path.basename(f.path)}:${f.size}:${Math.floor(f.mtimeMs)}`;
}

/** Raw files of a source on the given arrival days (all days when `daySet` is null). */
export function rawFilesOn(inputs: RunInputs, source: string, daySet: ReadonlySet<string> | null): RawFile[] {
  const files = inputs.raw.get(source) ?? [];
  return daySet ? files.filter((f) => daySet.has(f.dt)) : files;
}

/**
 * The days a partition of `model` reads from its inputs: the partition and the
 * `lookback_days` after it (events arrive late, never early; a model reading
 * other models counts how far ahead of the partition their data reaches).
 */
export function inputWindow(model: Model, partition: string): string[] {
  const w = arrivalWindow(model.config, { startDs: partition, endDs: addDays(partition, 1) });
  return days({ start: w.from, end: addDays(w.to, 1) });
}

/** Expected fingerprints of partitions and tables, memoized, computed from the DAG and raw listings. */
export class Fingerprints {
  private readonly memo = new Map<string, string>();
  constructor(private readonly inputs: RunInputs) {}

  /** Of one arrival day of a source: its files. */
  ingest(source: string, day: string): string {
    return sha1(['ingest', source, ...rawFilesOn(this.inputs, source, new Set([day])).map(fileSignature)]);
  }

  /** Of a model's partition (or its whole table when `partition` is null). */
  of(modelName: string, partition: string | null): string {
    const key = `${modelName}|${partition ?? ''}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const model = this.inputs.models.get(modelName);
    if (!model) return 'unknown-model';
    const window = partition ? new Set(inputWindow(model, partition)) : null;
    const parts = ['model', model.name, model.sql, JSON.stringify(model.config), partition ?? ''];
    for (const s of model.sources)
      parts.push(`source:${s}`, ...rawFilesOn(this.inputs, s, window).map(fileSignature));
    for (const r of model.refs) parts.push(`ref:${r}`, ...this.upstream(r, window));
    const fp = sha1(parts);
    this.memo.set(key, fp);
    return fp;
  }

  private upstream(name: string, window: ReadonlySet<string> | null): string[] {
    const up = this.inputs.models.get(name);
    if (!up) return ['missing'];
    if (up.config.materialized !== 'partitioned') return [this.of(name, null)];
    const wanted = window ? [...window] : days(this.inputs.domain);
    return wanted
      .filter((d) => d >= this.inputs.domain.start && d < this.inputs.domain.end)
      .map((d) => `${d}=${this.of(name, d)}`);
  }
}
