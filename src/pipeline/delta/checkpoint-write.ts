// Writes a classic single-part checkpoint (PROTOCOL.md "Checkpoints"): the
// snapshot's protocol, metaData, txn, domain metadata, live adds and unexpired
// tombstones as one parquet file, built by DuckDB from JSON lines with the
// checkpoint schema Spark and delta-rs read. The file appears atomically
// (put-if-absent), then `_last_checkpoint` is replaced to point at it.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { quoteLiteral } from '../engine/sql';
import type { DeltaAction } from './actions';
import { loadSnapshot } from './load';
import { checkpointFileName, LAST_CHECKPOINT, LOG_DIR } from './log-path';
import { readLastCheckpoint } from './log-segment';
import type { Snapshot } from './snapshot';
import { AlreadyExistsError } from './storage';
import type { DeltaTable } from './table';

const MAP = 'MAP(VARCHAR, VARCHAR)';
const DV =
  'STRUCT(storageType VARCHAR, pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT, maxRowIndex BIGINT)';

/** The checkpoint columns and their types, in the order Spark writes them. */
export const CHECKPOINT_SCHEMA: Record<string, string> = {
  txn: 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)',
  add: `STRUCT(path VARCHAR, partitionValues ${MAP}, size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, tags ${MAP}, deletionVector ${DV}, baseRowId BIGINT, defaultRowCommitVersion BIGINT, stats VARCHAR)`,
  remove: `STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues ${MAP}, size BIGINT, deletionVector ${DV}, baseRowId BIGINT, defaultRowCommitVersion BIGINT)`,
  metaData: `STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options ${MAP}), schemaString VARCHAR, partitionColumns VARCHAR[], configuration ${MAP}, createdTime BIGINT)`,
  protocol:
    'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])',
  domainMetadata: 'STRUCT(domain VARCHAR, configuration VARCHAR, removed BOOLEAN)',
};

export const DEFAULT_CHECKPOINT_INTERVAL = 10;
const DEFAULT_TOMBSTONE_RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface CheckpointResult {
  version: number;
  file: string;
  actions: number;
  written: boolean;
}

export async function writeCheckpoint(
  table: DeltaTable,
  opts: { version?: number; now?: number } = {},
): Promise<CheckpointResult> {
  const snapshot = await loadSnapshot(table, opts.version !== undefined ? { version: opts.version } : {});
  const actions = checkpointActions(snapshot, opts.now ?? Date.now());
  const file = `${LOG_DIR}/${checkpointFileName(snapshot.version)}`;
  if (await table.storage.stat(file))
    return { version: snapshot.version, file, actions: actions.length, written: false };
  const root = table.storage.root;
  const tmpBase = path.join(root, LOG_DIR, `.checkpoint-${snapshot.version}-${randomUUID()}`);
  const jsonPath = `${tmpBase}.json`;
  const parquetPath = `${tmpBase}.parquet`;
  try {
    await fs.writeFile(jsonPath, actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
    const columns = `{${Object.entries(CHECKPOINT_SCHEMA)
      .map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`)
      .join(', ')}}`;
    await table.engine.run(
      `COPY (SELECT * FROM read_json(${quoteLiteral(jsonPath)}, format = 'newline_delimited', columns = ${columns}, maximum_object_size = 1073741824)) TO ${quoteLiteral(parquetPath)} (FORMAT parquet, COMPRESSION snappy)`,
    );
    const bytes = await fs.readFile(parquetPath);
    try {
      await table.storage.putIfAbsent(file, bytes);
    } catch (err) {
      if (err instanceof AlreadyExistsError)
        return { version: snapshot.version, file, actions: actions.length, written: false };
      throw err;
    }
    const last = await readLastCheckpoint(table.storage);
    if (!last || last.version < snapshot.version) {
      const numOfAddFiles = snapshot.files.length;
      await table.storage.put(
        `${LOG_DIR}/${LAST_CHECKPOINT}`,
        JSON.stringify({
          version: snapshot.version,
          size: actions.length,
          sizeInBytes: bytes.length,
          numOfAddFiles,
        }),
      );
    }
    return { version: snapshot.version, file, actions: actions.length, written: true };
  } finally {
    await fs.rm(jsonPath, { force: true });
    await fs.rm(parquetPath, { force: true });
  }
}

/** Checkpoints when `version` is a multiple of the table's interval (delta.checkpointInterval, default 10). */
export async function maybeCheckpoint(
  table: DeltaTable,
  version: number,
  configuration: Record<string, string>,
): Promise<CheckpointResult | null> {
  const raw = Number(configuration['delta.checkpointInterval'] ?? DEFAULT_CHECKPOINT_INTERVAL);
  const interval = Number.isInteger(raw) && raw > 0 ? raw : DEFAULT_CHECKPOINT_INTERVAL;
  if (version === 0 || version % interval !== 0) return null;
  return writeCheckpoint(table, { version });
}

/** The actions a checkpoint of this snapshot holds: adds lose dataChange, expired tombstones are dropped. */
export function checkpointActions(snapshot: Snapshot, now: number): DeltaAction[] {
  const retention =
    retentionMs(snapshot.metadata.configuration['delta.deletedFileRetentionDuration']) ??
    DEFAULT_TOMBSTONE_RETENTION_MS;
  const out: DeltaAction[] = [{ protocol: snapshot.protocol }, { metaData: snapshot.metadata }];
  for (const [appId, version] of snapshot.appVersions) out.push({ txn: { appId, version } });
  for (const d of snapshot.domains.values()) out.push({ domainMetadata: d });
  for (const add of snapshot.files) out.push({ add: { ...add, dataChange: false } });
  for (const r of snapshot.tombstones) {
    if ((r.deletionTimestamp ?? 0) > now - retention) out.push({ remove: { ...r, dataChange: false } });
  }
  return out;
}

/** Parses Spark's interval strings like 'interval 7 days' or 'interval 1 hour'. */
export function retentionMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^\s*(?:interval\s+)?(\d+)\s*(second|minute|hour|day|week)s?\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = { second: 1e3, minute: 6e4, hour: 3.6e6, day: 8.64e7, week: 6.048e8 }[
    (m[2] ?? 'day').toLowerCase() as 'day'
  ];
  return Number(m[1]) * unit;
}
