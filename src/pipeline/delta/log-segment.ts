// Which log files make up a version: the newest complete checkpoint at or
// before it, and the contiguous JSON commits after it. `_last_checkpoint` is a
// hint that is verified against the listing, never trusted blindly.

import { NotFoundError, PipelineError } from '../errors';
import { LAST_CHECKPOINT, LOG_DIR, parseLogFileName } from './log-path';
import type { LogFile } from './log-path';
import type { Storage } from './storage';

export interface CheckpointRef {
  version: number;
  kind: 'classic' | 'multi' | 'v2';
  /** Paths relative to the table root, in part order. */
  files: string[];
}

export interface LogSegment {
  version: number;
  checkpoint: CheckpointRef | null;
  /** Commits after the checkpoint up to `version`, ascending. */
  commits: { version: number; file: string }[];
}

export interface LogListing {
  /** Commit files by version (paths relative to the table root). */
  commits: Map<number, { file: string }>;
  checkpoints: CheckpointRef[];
}

export class TableNotFoundError extends NotFoundError {
  constructor(root: string) {
    super(
      `${root} is not a Delta table: it has no _delta_log folder with commits. Check the path, or write the table first.`,
      {
        root,
      },
    );
  }
}

export async function listLog(storage: Storage): Promise<LogListing> {
  // Names only: a stat per entry would dominate the load of a long log.
  const entries = await storage.listNames(LOG_DIR);
  const commits = new Map<number, { file: string }>();
  const parts = new Map<string, LogFile[]>();
  const checkpoints: CheckpointRef[] = [];
  for (const e of entries) {
    if (e.isDirectory) continue;
    const f = parseLogFileName(e.name);
    if (!f) continue;
    if (f.kind === 'commit') commits.set(f.version, { file: `${LOG_DIR}/${f.name}` });
    else if (f.kind === 'checkpointV2')
      checkpoints.push({ version: f.version, kind: 'v2', files: [`${LOG_DIR}/${f.name}`] });
    else if (f.kind === 'checkpoint') {
      const key = `${f.version}/${f.parts}`;
      parts.set(key, [...(parts.get(key) ?? []), f]);
    }
  }
  for (const group of parts.values()) {
    const first = group[0];
    if (!first || first.kind !== 'checkpoint') continue;
    const byPart = new Map(group.map((g) => [g.kind === 'checkpoint' ? g.part : 0, g.name]));
    // A multi-part checkpoint counts only when every part is there (a writer may have died mid-way).
    if (byPart.size !== first.parts) continue;
    const files = [...byPart.entries()].sort((a, b) => a[0] - b[0]).map(([, name]) => `${LOG_DIR}/${name}`);
    checkpoints.push({ version: first.version, kind: first.parts === 1 ? 'classic' : 'multi', files });
  }
  checkpoints.sort((a, b) => b.version - a.version);
  return { commits, checkpoints };
}

/** Reads `_last_checkpoint`; null when absent or unreadable (it is only a hint). */
export async function readLastCheckpoint(storage: Storage): Promise<{ version: number } | null> {
  try {
    const json = JSON.parse((await storage.read(`${LOG_DIR}/${LAST_CHECKPOINT}`)).toString('utf8')) as {
      version?: unknown;
    };
    return typeof json.version === 'number' ? { version: json.version } : null;
  } catch {
    return null;
  }
}

export function latestVersion(listing: LogListing): number {
  let max = -1;
  for (const v of listing.commits.keys()) if (v > max) max = v;
  for (const c of listing.checkpoints) if (c.version > max) max = c.version;
  return max;
}

/** The segment for `version` (default: the latest). */
export function segmentFor(listing: LogListing, root: string, version?: number): LogSegment {
  const latest = latestVersion(listing);
  if (latest < 0) throw new TableNotFoundError(root);
  const target = version ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) {
    throw new NotFoundError(
      `Version ${String(version)} of ${root} does not exist: the table has versions up to ${latest}.`,
      {
        latest,
      },
    );
  }
  const checkpoint = listing.checkpoints.find((c) => c.version <= target) ?? null;
  const from = checkpoint ? checkpoint.version + 1 : 0;
  const commits: LogSegment['commits'] = [];
  for (let v = from; v <= target; v++) {
    const c = listing.commits.get(v);
    if (!c) {
      const earliest = earliestReadable(listing);
      if (!checkpoint && v === 0 && earliest !== null && target < earliest) {
        throw new NotFoundError(
          `Version ${target} of ${root} is no longer available: its log was cleaned up. The earliest version you can read is ${earliest}.`,
          { earliest },
        );
      }
      throw new PipelineError(
        'IO',
        `The Delta log of ${root} is missing commit ${v} (needed for version ${target}); the table cannot be read at that version. Restore _delta_log/${String(v).padStart(20, '0')}.json from a backup.`,
      );
    }
    commits.push({ version: v, ...c });
  }
  return { version: target, checkpoint, commits };
}

/** The oldest version that can be rebuilt: a checkpoint, or commit 0 when it exists. */
export function earliestReadable(listing: LogListing): number | null {
  if (listing.commits.has(0)) return 0;
  const oldest = listing.checkpoints[listing.checkpoints.length - 1];
  return oldest ? oldest.version : null;
}
