// VACUUM: deletes data files the table no longer references and that are older
// than the retention (default 7 days, or delta.deletedFileRetentionDuration):
// files removed by commits, and orphans of commits that never landed. Files
// still live, removed within the retention (time travel needs them), or used
// as deletion vectors are kept. Only files a Delta writer makes (parquet data,
// deletion vectors) are candidates: `_delta_log`, hidden files and anything else
// a person put in the folder are never touched.

import { UsageError } from '../errors';
import { decodePath } from './actions';
import { retentionMs } from './checkpoint-write';
import { dvRelativePath } from './deletion-vectors';
import type { DeletionVectorDescriptor } from './actions';
import { loadSnapshot } from './load';
import type { Storage } from './storage';
import type { DeltaTable } from './table';

export const DEFAULT_RETENTION_HOURS = 168;
const DATA_FILE = /(\.parquet|^deletion_vector_[0-9a-f-]+\.bin)$/;

export interface VacuumOptions {
  /** Keep files younger than this; default: the table's delta.deletedFileRetentionDuration, else 168 h. */
  retentionHours?: number;
  dryRun?: boolean;
  now?: number;
}

export interface VacuumResult {
  /** Paths relative to the table root, sorted. */
  files: string[];
  bytes: number;
  dryRun: boolean;
  retentionHours: number;
}

export async function vacuum(table: DeltaTable, opts: VacuumOptions = {}): Promise<VacuumResult> {
  if (
    opts.retentionHours !== undefined &&
    (!Number.isFinite(opts.retentionHours) || opts.retentionHours < 0)
  ) {
    throw new UsageError(`The vacuum retention must be 0 hours or more (got ${opts.retentionHours}).`);
  }
  const snapshot = await loadSnapshot(table);
  const configured = retentionMs(snapshot.metadata.configuration['delta.deletedFileRetentionDuration']);
  const retention =
    opts.retentionHours !== undefined
      ? opts.retentionHours * 3.6e6
      : (configured ?? DEFAULT_RETENTION_HOURS * 3.6e6);
  const now = opts.now ?? Date.now();
  const cutoff = now - retention;
  const keep = new Set<string>();
  for (const add of snapshot.files) {
    keep.add(decodePath(add.path));
    if (add.deletionVector) keepDv(keep, add.deletionVector);
  }
  for (const r of snapshot.tombstones) {
    if ((r.deletionTimestamp ?? 0) > cutoff) {
      keep.add(decodePath(r.path));
      if (r.deletionVector) keepDv(keep, r.deletionVector);
    }
  }
  const files: string[] = [];
  let bytes = 0;
  for await (const f of walk(table.storage, '')) {
    if (keep.has(f.path) || f.mtimeMs >= cutoff) continue;
    files.push(f.path);
    bytes += f.size;
  }
  files.sort();
  if (!opts.dryRun) for (const f of files) await table.storage.delete(f);
  return { files, bytes, dryRun: opts.dryRun === true, retentionHours: retention / 3.6e6 };
}

/** Only UUID-named deletion vectors live in the table folder ('i' is inline, 'p' absolute). */
function keepDv(keep: Set<string>, dv: DeletionVectorDescriptor): void {
  if (dv.storageType === 'u') keep.add(dvRelativePath(dv));
}

/**
 * Every data file under the table root. Folders and files whose names start
 * with '_' or '.' are skipped (the log, checkpoints' temp files, Spark's
 * _SUCCESS markers), except '_' names that are partition folders (`_2=x`).
 */
async function* walk(
  storage: Storage,
  dir: string,
): AsyncGenerator<{ path: string; size: number; mtimeMs: number }> {
  for (const e of await storage.list(dir)) {
    const hidden = e.name.startsWith('.') || (e.name.startsWith('_') && !e.name.includes('='));
    if (hidden) continue;
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory) yield* walk(storage, rel);
    else if (DATA_FILE.test(e.name)) yield { path: rel, size: e.size, mtimeMs: e.mtimeMs };
  }
}
