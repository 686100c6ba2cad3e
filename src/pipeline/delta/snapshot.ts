// A snapshot: the state of a table at one version, from log replay — protocol,
// metadata, schema, the live files, tombstones, app transaction versions and
// domain metadata. Loading checks the reader features first, so a table we
// cannot read correctly fails with a named feature instead of wrong rows.

import type { Add, DomainMetadata, Metadata, Protocol, Remove } from './actions';
import type { ColumnMappingMode, StructType } from './schema';
import type { DeltaTable } from './table';

export interface Snapshot {
  readonly table: DeltaTable;
  readonly version: number;
  /** Commit time of `version` in epoch ms (inCommitTimestamp, else commitInfo.timestamp, else file mtime). */
  readonly timestamp: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  readonly schema: StructType;
  /** Logical names, as in metaData.partitionColumns. */
  readonly partitionColumns: readonly string[];
  readonly columnMapping: ColumnMappingMode;
  /** Live files, each once (path + deletion vector), paths as in the log (percent-encoded). */
  readonly files: readonly Add[];
  /** Removes still in the log (vacuum keeps their files until the retention passes). */
  readonly tombstones: readonly Remove[];
  /** Latest `txn.version` per appId. */
  readonly appVersions: ReadonlyMap<string, number>;
  /** Live domain metadata by domain (removed ones dropped). */
  readonly domains: ReadonlyMap<string, DomainMetadata>;
}

export interface SnapshotOptions {
  /** Time travel to this version. */
  version?: number;
  /** Time travel to the latest version committed at or before this time (epoch ms or ISO string). */
  timestamp?: number | string;
}
