// Cold storage: moves raw/<source>/dt=D partitions older than N days to
// archive/<source>/dt=D and logs each move in the Delta table _workbench/archive_log.
// Files keep their names, sizes and mtimes (the runner fingerprints dt/name, size and
// mtime; listRawFiles reads both zones), so nothing re-runs after archiving. Every
// step is safe to repeat: a run stopped anywhere is completed by the next one.

import fs from 'node:fs';
import path from 'node:path';
import type { EngineClient } from '../engine/client';
import { quoteLiteral } from '../engine/sql';
import { CancelledError, PipelineError, UsageError } from '../errors';
import { loadSnapshot } from '../delta/load';
import { TableNotFoundError } from '../delta/log-segment';
import { scanSql } from '../delta/scan';
import { localTable } from '../delta/table';
import type { DeltaTable } from '../delta/table';
import { requireCommitted, writeDelta } from '../delta/write';
import { addDays } from '../runner/intervals';
import type { Lake } from './lake';
import { PARTITION_DIR } from './layout';
import { sourceDir } from './raw-files';

export const DEFAULT_ARCHIVE_AFTER_DAYS = 90;

export interface ArchiveOptions {
  /** Move partitions whose date is before today (UTC) minus this many days; default lakehouse.yml archive_after_days, else 90. */
  olderThanDays?: number;
  now?: Date;
  /** Report what would move; change nothing. */
  dryRun?: boolean;
  /** Checked between partitions: what moved so far is still logged, then CancelledError. */
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; source: string; dt: string }) => void;
}

export interface ArchivedPartition {
  source: string;
  dt: string;
  files: number;
  bytes: number;
  /**
   * renamed: one folder rename; copied: copied across file systems; completed: a move
   * an earlier run left half done; logged: already in archive/, only its log row was missing.
   */
  how: 'renamed' | 'copied' | 'completed' | 'logged';
}

export interface ArchiveResult {
  /** Partitions dated before this day were due. */
  cutoff: string;
  olderThanDays: number;
  dryRun: boolean;
  partitions: ArchivedPartition[];
  /** Partitions that could not be moved; the others still moved. */
  failed: { source: string; dt: string; error: string }[];
}

export function archiveLogTable(lake: Lake, engine: EngineClient): DeltaTable {
  return localTable(path.join(lake.layout.workbench, 'archive_log'), engine);
}

interface Task {
  source: string;
  dt: string;
  from: string;
  to: string;
}

export async function archiveRaw(
  lake: Lake,
  engine: EngineClient,
  opts: ArchiveOptions = {},
): Promise<ArchiveResult> {
  const olderThanDays = opts.olderThanDays ?? lake.project.archive_after_days ?? DEFAULT_ARCHIVE_AFTER_DAYS;
  if (!Number.isInteger(olderThanDays) || olderThanDays < 1) {
    throw new UsageError(
      `Archiving needs an age of a whole number of days ≥ 1 (got ${olderThanDays}): pass --older-than 90d or set archive_after_days in lakehouse.yml.`,
    );
  }
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  const cutoff = addDays(today, -olderThanDays);
  const table = archiveLogTable(lake, engine);
  const logged = await loggedPartitions(table, opts.signal);
  const { tasks, unlogged } = planArchive(lake, cutoff, logged);
  const result: ArchiveResult = {
    cutoff,
    olderThanDays,
    dryRun: opts.dryRun === true,
    partitions: [],
    failed: [],
  };
  const entry = (t: Task, dir: string, how: ArchivedPartition['how']): ArchivedPartition => ({
    source: t.source,
    dt: t.dt,
    ...countFiles(dir),
    how,
  });
  for (const t of unlogged) result.partitions.push(entry(t, t.to, 'logged'));
  if (opts.dryRun) {
    for (const t of tasks) result.partitions.push(entry(t, t.from, plannedHow(t)));
    return result;
  }
  let cancelled = false;
  for (const [i, t] of tasks.entries()) {
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    opts.onProgress?.({ done: i, total: tasks.length, source: t.source, dt: t.dt });
    try {
      const how = await movePartition(t.from, t.to);
      if (how) result.partitions.push(entry(t, t.to, how));
    } catch (err) {
      result.failed.push({ source: t.source, dt: t.dt, error: moveMessage(lake, t, err) });
    }
  }
  await logMoves(table, result.partitions);
  if (cancelled)
    throw new CancelledError(`Archiving cancelled after ${result.partitions.length} partition(s).`);
  return result;
}

/** Raw partitions due for archive/, and archive/ partitions the log does not have yet. */
function planArchive(lake: Lake, cutoff: string, logged: Set<string>): { tasks: Task[]; unlogged: Task[] } {
  const tasks: Task[] = [];
  const unlogged: Task[] = [];
  for (const source of lake.sources) {
    const raw = sourceDir(lake.layout, source, 'raw');
    const archive = sourceDir(lake.layout, source, 'archive');
    const due = partitionsIn(raw).filter((dt) => dt < cutoff);
    for (const dt of due) {
      tasks.push({ source: source.name, dt, from: partDir(raw, dt), to: partDir(archive, dt) });
    }
    for (const dt of partitionsIn(archive)) {
      if (logged.has(`${source.name}/${dt}`) || due.includes(dt)) continue;
      unlogged.push({ source: source.name, dt, from: partDir(raw, dt), to: partDir(archive, dt) });
    }
  }
  const order = (a: Task, b: Task): number => a.source.localeCompare(b.source) || a.dt.localeCompare(b.dt);
  return { tasks: tasks.sort(order), unlogged: unlogged.sort(order) };
}

const partDir = (dir: string, dt: string): string => path.join(dir, `dt=${dt}`);

function partitionsIn(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const dt = e.isDirectory() ? PARTITION_DIR.exec(e.name)?.[1] : undefined;
    return dt ? [dt] : [];
  });
}

/** The files readers see in a partition folder (dotfiles are files being written). */
function countFiles(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    files++;
    bytes += fs.statSync(path.join(dir, e.name)).size;
  }
  return { files, bytes };
}

function plannedHow(t: Task): ArchivedPartition['how'] {
  if (fs.existsSync(t.to)) return 'completed';
  return deviceOf(path.dirname(t.from)) === deviceOf(path.dirname(t.to)) ? 'renamed' : 'copied';
}

/** The device of a folder, or of its nearest existing ancestor (archive/ may not exist yet). */
function deviceOf(dir: string): number {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      return fs.statSync(d).dev;
    } catch {
      if (path.dirname(d) === d) return -1;
    }
  }
}

function moveMessage(lake: Lake, t: Task, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const rel = (p: string): string => path.relative(lake.layout.root, p);
  const why =
    e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EBUSY'
      ? `${e.code}: a file is in use or not writable by this user; close what holds it and run \`lakehouse archive\` again`
      : `${e.code ?? 'error'}: ${e.message}; fix it and run \`lakehouse archive\` again (it completes half-done moves)`;
  return `Could not move ${rel(t.from)} to ${rel(t.to)} (${why}).`;
}

/**
 * Moves one partition folder; null when it is gone already (another archiver won).
 * Normally one rename of the folder: atomic on one file system. When archive/ is on
 * another file system (EXDEV), each file is copied to a dotfile in the target (readers
 * skip dotfiles), fsynced, given the source's atime and mtime and renamed into place;
 * the target folder is fsynced and only then are the sources removed. Copied mtimes
 * are kept to within a microsecond (utimes has no finer resolution) and always to the
 * whole millisecond the runner's fingerprint compares. A target that already exists
 * is a move an earlier run left half done: the rest is merged into it.
 */
export async function movePartition(from: string, to: string): Promise<ArchivedPartition['how'] | null> {
  await fs.promises.mkdir(path.dirname(to), { recursive: true });
  const resumed = fs.existsSync(to);
  if (!resumed) {
    try {
      await fs.promises.rename(from, to);
      await syncDir(path.dirname(to));
      await syncDir(path.dirname(from));
      return 'renamed';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !fs.existsSync(from)) return null;
      if (code !== 'EXDEV' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  }
  const copied = await mergeInto(from, to);
  return resumed ? 'completed' : copied ? 'copied' : 'renamed';
}

/**
 * Moves every entry of `from` into `to` (a file already there is replaced: the
 * hot copy is the one readers see), then removes `from`. Returns whether any file
 * had to be copied. Sources are removed only after the target is durable.
 */
async function mergeInto(from: string, to: string): Promise<boolean> {
  await fs.promises.mkdir(to, { recursive: true });
  let copied = false;
  const copiedSources: string[] = [];
  for (const e of await fs.promises.readdir(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (e.isDirectory()) {
      copied = (await mergeInto(src, dst)) || copied;
      continue;
    }
    try {
      await fs.promises.rename(src, dst);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await copyPreserving(src, dst, e.isSymbolicLink());
      copiedSources.push(src);
      copied = true;
    }
  }
  await removeLeftoverTemps(to);
  await syncDir(to);
  for (const src of copiedSources) await fs.promises.rm(src, { force: true });
  await fs.promises.rmdir(from);
  await syncDir(path.dirname(from));
  return copied;
}

const TEMP_SUFFIX = '.archiving';

/** Copies a file through a dotfile in the target folder, so a half-copied file is never visible. */
async function copyPreserving(src: string, dst: string, isLink: boolean): Promise<void> {
  const tmp = path.join(path.dirname(dst), `.${path.basename(dst)}${TEMP_SUFFIX}`);
  await fs.promises.rm(tmp, { force: true });
  if (isLink) {
    await fs.promises.symlink(await fs.promises.readlink(src), tmp);
  } else {
    await fs.promises.copyFile(src, tmp);
    const fh = await fs.promises.open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    const st = await fs.promises.stat(src);
    const big = await fs.promises.stat(src, { bigint: true });
    await fs.promises.utimes(tmp, utimeOf(big.atimeNs, st.atimeMs), utimeOf(big.mtimeNs, st.mtimeMs));
  }
  await fs.promises.rename(tmp, dst);
}

/**
 * A time for utimes (seconds) that lands on the source's microsecond. utimes keeps
 * microseconds at best, so the microsecond is kept within the whole millisecond that
 * Node's float `mtimeMs` shows (it may round .9999 up): Math.floor(mtimeMs) — what the
 * runner's fingerprint uses — is then exactly the source's.
 */
function utimeOf(ns: bigint, ms: number): number {
  const wholeMs = Math.floor(ms);
  const us = Math.min(Math.max(Number(ns / 1000n), wholeMs * 1000), wholeMs * 1000 + 999);
  // Seconds and the microsecond apart, plus half a microsecond, so float rounding cannot cross into the next one.
  return Math.floor(us / 1e6) + ((us % 1e6) + 0.5) / 1e6;
}

async function removeLeftoverTemps(dir: string): Promise<void> {
  for (const name of await fs.promises.readdir(dir)) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX))
      await fs.promises.rm(path.join(dir, name), { force: true });
  }
}

/** Makes renames and unlinks in a folder durable. Best effort: Windows cannot open folders. */
async function syncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch {
    // Not supported here (Windows, some network file systems): the rename is still atomic.
  } finally {
    await fh?.close();
  }
}

/** `source/dt` of every logged move. */
async function loggedPartitions(table: DeltaTable, signal?: AbortSignal): Promise<Set<string>> {
  let sql: string;
  try {
    sql = await scanSql(await loadSnapshot(table), { columns: ['source', 'dt'] });
  } catch (err) {
    if (err instanceof TableNotFoundError) return new Set();
    throw err;
  }
  const { rows } = await table.engine.read(
    `SELECT DISTINCT source || '/' || CAST(dt AS VARCHAR) FROM (${sql})`,
    signal ? { signal } : {},
  );
  return new Set(rows.map((r) => String(r[0])));
}

/** One append commit with a row per partition moved or found unlogged. */
async function logMoves(table: DeltaTable, parts: readonly ArchivedPartition[]): Promise<void> {
  if (parts.length === 0) return;
  const at = quoteLiteral(new Date().toISOString());
  const values = parts.map(
    (p) => `(${quoteLiteral(p.source)}, ${quoteLiteral(p.dt)}, ${int(p.files)}, ${int(p.bytes)}, ${at})`,
  );
  const sql =
    'SELECT source, CAST(dt AS DATE) AS dt, CAST(files AS INTEGER) AS files, CAST(bytes AS BIGINT) AS bytes, ' +
    'CAST(archived_at AS TIMESTAMPTZ) AS archived_at ' +
    `FROM (VALUES ${values.join(', ')}) AS v(source, dt, files, bytes, archived_at)`;
  const name = '_workbench/archive_log';
  requireCommitted(await writeDelta(table, { sql, mode: 'append', operation: 'ARCHIVE', name }), name);
}

function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new PipelineError('INTERNAL', `not an integer: ${n}`);
  return String(n);
}
