// A snapshot summarized for people and scripts: the shape `lakehouse delta
// snapshot --json` prints. numRecords comes from file stats when every live
// file has them (minus deleted rows), otherwise from counting the scan.

import { decodePath } from './actions';
import { scanSql } from './scan';
import { typeName } from './schema';
import type { Snapshot } from './snapshot';
import { parseStats } from './stats';

export interface SnapshotSummary {
  version: number;
  timestamp: string;
  partitionColumns: string[];
  schema: { name: string; type: string; nullable: boolean }[];
  numFiles: number;
  numRecords: number;
  sizeInBytes: number;
  protocol: {
    minReaderVersion: number;
    minWriterVersion: number;
    readerFeatures: string[];
    writerFeatures: string[];
  };
}

export async function summarize(snapshot: Snapshot): Promise<SnapshotSummary> {
  let fromStats: number | null = 0;
  for (const f of snapshot.files) {
    const stats = parseStats(f.stats);
    if (!stats || stats.numRecords === null || fromStats === null) {
      fromStats = null;
      break;
    }
    fromStats += stats.numRecords - (f.deletionVector?.cardinality ?? 0);
  }
  let numRecords = fromStats;
  if (numRecords === null) {
    const { rows } = await snapshot.table.engine.read(
      `SELECT count(*)::BIGINT FROM (${await scanSql(snapshot)})`,
    );
    numRecords = Number(rows[0]?.[0] ?? 0);
  }
  return {
    version: snapshot.version,
    timestamp: new Date(snapshot.timestamp).toISOString(),
    partitionColumns: [...snapshot.partitionColumns],
    schema: snapshot.schema.fields.map((f) => ({
      name: f.name,
      type: typeName(f.type),
      nullable: f.nullable,
    })),
    numFiles: snapshot.files.length,
    numRecords,
    sizeInBytes: snapshot.files.reduce((n, f) => n + f.size, 0),
    protocol: {
      minReaderVersion: snapshot.protocol.minReaderVersion,
      minWriterVersion: snapshot.protocol.minWriterVersion,
      readerFeatures: snapshot.protocol.readerFeatures ?? [],
      writerFeatures: snapshot.protocol.writerFeatures ?? [],
    },
  };
}

/** Live file paths, decoded, relative to the table root. */
export function liveFiles(snapshot: Snapshot): string[] {
  return snapshot.files.map((f) => decodePath(f.path)).sort();
}
