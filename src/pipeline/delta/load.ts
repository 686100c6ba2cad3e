// Loads a Snapshot: lists the log, picks the segment for the requested version
// (or the version current at a timestamp), reads the checkpoint through DuckDB
// and the commits after it, replays them, and checks the reader features.

import { NotFoundError, PipelineError, UsageError } from '../errors';
import { parseCommit } from './actions';
import type { CommitInfo, DeltaAction } from './actions';
import { readCheckpoint } from './checkpoint-read';
import { checkReadable } from './features';
import { latestVersion, listLog, segmentFor, TableNotFoundError } from './log-segment';
import type { LogListing } from './log-segment';
import { replay } from './replay';
import { columnMappingMode, parseSchemaString, SchemaError } from './schema';
import type { Snapshot, SnapshotOptions } from './snapshot';
import type { DeltaTable } from './table';

export async function loadSnapshot(table: DeltaTable, opts: SnapshotOptions = {}): Promise<Snapshot> {
  const root = table.storage.root;
  const listing = await listLog(table.storage);
  if (latestVersion(listing) < 0) throw new TableNotFoundError(root);
  if (opts.version !== undefined && opts.timestamp !== undefined) {
    throw new UsageError('Give either a version or a timestamp to time travel, not both.');
  }
  const version =
    opts.timestamp !== undefined ? await versionAt(table, listing, toMillis(opts.timestamp)) : opts.version;
  const segment = segmentFor(listing, root, version);
  const commits: { version: number; file: string; actions: DeltaAction[] }[] = [];
  for (const c of segment.commits) commits.push({ ...c, actions: await readCommit(table, c.file) });
  const checkpointActions = segment.checkpoint
    ? await readCheckpoint(table.storage, table.engine, segment.checkpoint)
    : [];
  const state = replay([...commits.reverse().map((c) => c.actions), checkpointActions]);
  if (!state.protocol || !state.metadata) {
    throw new PipelineError(
      'IO',
      `The Delta log of ${root} has no ${state.protocol ? 'metaData' : 'protocol'} action up to version ${segment.version}; the table is corrupt.`,
    );
  }
  checkReadable(state.protocol, root);
  let schema;
  try {
    schema = parseSchemaString(state.metadata.schemaString);
  } catch (err) {
    if (err instanceof SchemaError) throw new PipelineError('IO', `${root}: ${err.message}`);
    throw err;
  }
  const newest = commits[0];
  const timestamp =
    newest && newest.version === segment.version
      ? await commitTimestamp(table, newest.file, newest.actions)
      : await timestampOf(table, listing, segment.version);
  return {
    table,
    version: segment.version,
    timestamp,
    protocol: state.protocol,
    metadata: state.metadata,
    schema,
    partitionColumns: state.metadata.partitionColumns,
    columnMapping: columnMappingMode(state.metadata.configuration),
    files: state.files,
    tombstones: state.tombstones,
    appVersions: state.appVersions,
    domains: state.domains,
  };
}

/** The actions of one commit file. A torn last line (exclusive-create fallback mid-write) is retried once. */
export async function readCommit(table: DeltaTable, file: string): Promise<DeltaAction[]> {
  try {
    return parseCommit((await table.storage.read(file)).toString('utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    await new Promise((r) => setTimeout(r, 50));
    return parseCommit((await table.storage.read(file)).toString('utf8'), file);
  }
}

/** inCommitTimestamp when the table keeps them, else commitInfo.timestamp, else the file's mtime. */
export async function commitTimestamp(
  table: DeltaTable,
  file: string,
  actions: readonly DeltaAction[],
): Promise<number> {
  for (const a of actions) {
    if ('commitInfo' in a) {
      const info: CommitInfo = a.commitInfo;
      const t = info.inCommitTimestamp ?? info.timestamp;
      if (typeof t === 'number') return t;
    }
  }
  return (await table.storage.stat(file))?.mtimeMs ?? 0;
}

async function timestampOf(table: DeltaTable, listing: LogListing, version: number): Promise<number> {
  const c = listing.commits.get(version);
  if (!c) return 0;
  return commitTimestamp(table, c.file, await readCommit(table, c.file));
}

function toMillis(t: number | string): number {
  if (typeof t === 'number') return t;
  // A timestamp without a zone is UTC, as everywhere in the workbench.
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms))
    throw new UsageError(
      `'${t}' is not a timestamp; write it like 2024-05-01 10:00:00 (UTC) or 2024-05-01T10:00:00+02:00.`,
    );
  return ms;
}

/**
 * The latest version committed at or before `ms`. Commit timestamps only grow
 * with the version (writers keep them monotonic), so this is a binary search.
 */
async function versionAt(table: DeltaTable, listing: LogListing, ms: number): Promise<number> {
  const versions = [...listing.commits.keys()].sort((a, b) => a - b);
  const first = versions[0];
  if (first === undefined) throw new TableNotFoundError(table.storage.root);
  let lo = 0;
  let hi = versions.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = versions[mid] ?? 0;
    if ((await timestampOf(table, listing, v)) <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) {
    const t0 = new Date(await timestampOf(table, listing, first)).toISOString();
    throw new NotFoundError(
      `${table.storage.root} did not exist yet at ${new Date(ms).toISOString()}: its first readable version (${first}) was committed at ${t0}.`,
    );
  }
  return versions[found] ?? first;
}
