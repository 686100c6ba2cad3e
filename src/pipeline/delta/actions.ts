// Delta Lake log actions, named as in the protocol (PROTOCOL.md, "Actions").
// One JSON object per line in a commit file, keyed by the action name; the
// on-disk keys live in ACTION_KEYS so nothing else spells them. Unknown keys are
// kept (`extra`) and unknown actions ignored, as the protocol asks of readers.

import { PipelineError } from '../errors';

export const ACTION_KEYS = {
  protocol: 'protocol',
  metaData: 'metaData',
  add: 'add',
  remove: 'remove',
  txn: 'txn',
  commitInfo: 'commitInfo',
  domainMetadata: 'domainMetadata',
  cdc: 'cdc',
  checkpointMetadata: 'checkpointMetadata',
  sidecar: 'sidecar',
} as const;

export type ActionKey = keyof typeof ACTION_KEYS;

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Format {
  provider: string;
  options?: Record<string, string>;
}

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: Format;
  /** The table schema as the protocol's JSON schema serialization. */
  schemaString: string;
  /** Logical names of the partition columns, in order. */
  partitionColumns: string[];
  createdTime?: number | null;
  configuration: Record<string, string>;
}

/** storageType 'u' (UUID-named file, Z85), 'i' (inline, Z85), 'p' (absolute path). */
export interface DeletionVectorDescriptor {
  storageType: 'u' | 'i' | 'p';
  pathOrInlineDv: string;
  offset?: number | null;
  sizeInBytes: number;
  cardinality: number;
  maxRowIndex?: number | null;
}

export interface Add {
  /** A relative (to the table root) or absolute URI, percent-encoded. */
  path: string;
  /** Partition values as strings (null for a null partition), keyed by physical name. */
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  /** JSON string: numRecords, minValues, maxValues, nullCount (+ tightBounds). */
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
  clusteringProvider?: string | null;
}

export interface Remove {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean | null;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVectorDescriptor | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
}

export interface Txn {
  appId: string;
  version: number;
  lastUpdated?: number | null;
}

/** Free-form provenance; these are the fields this implementation reads and writes. */
export interface CommitInfo {
  timestamp?: number;
  inCommitTimestamp?: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, string>;
  engineInfo?: string;
  isBlindAppend?: boolean;
  txnId?: string;
  readVersion?: number;
  [key: string]: unknown;
}

export interface DomainMetadata {
  domain: string;
  configuration: string;
  removed: boolean;
}

export interface Cdc {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  dataChange: boolean;
  tags?: Record<string, string> | null;
}

export interface CheckpointMetadata {
  version: number;
  tags?: Record<string, string> | null;
}

export interface Sidecar {
  path: string;
  sizeInBytes: number;
  modificationTime: number;
  tags?: Record<string, string> | null;
}

export type DeltaAction =
  | { protocol: Protocol }
  | { metaData: Metadata }
  | { add: Add }
  | { remove: Remove }
  | { txn: Txn }
  | { commitInfo: CommitInfo }
  | { domainMetadata: DomainMetadata }
  | { cdc: Cdc }
  | { checkpointMetadata: CheckpointMetadata }
  | { sidecar: Sidecar };

/** The (path, deletion vector) pair that identifies a logical file in log replay. */
export function fileKey(path: string, dv: DeletionVectorDescriptor | null | undefined): string {
  return dv ? `${path}\u0000${dvUniqueId(dv)}` : path;
}

/** PROTOCOL.md "Deletion Vector Descriptor": storageType + pathOrInlineDv [+ '@' + offset]. */
export function dvUniqueId(dv: DeletionVectorDescriptor): string {
  const base = `${dv.storageType}${dv.pathOrInlineDv}`;
  return dv.offset !== undefined && dv.offset !== null ? `${base}@${dv.offset}` : base;
}

/** Parses one commit file (newline-delimited JSON); blank lines are skipped. */
export function parseCommit(text: string, where: string): DeltaAction[] {
  const actions: DeltaAction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new Error(`${where}:${i + 1}: not valid JSON — the Delta log is corrupt at this line.`);
    }
    if (typeof obj === 'object' && obj !== null && !Array.isArray(obj)) {
      const key = Object.keys(obj).find((k) => k in ACTION_KEYS);
      if (key) actions.push({ [key]: (obj as Record<string, unknown>)[key] } as DeltaAction);
    }
  }
  return actions;
}

/** Serializes actions as a commit file: one compact JSON object per line, trailing newline. */
export function serializeCommit(actions: readonly DeltaAction[]): string {
  return actions.map((a) => JSON.stringify(a)).join('\n') + '\n';
}

/** Percent-decodes an add/remove path exactly once ('+' stays '+'). */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new PipelineError(
      'IO',
      `The Delta log names a file with a malformed percent-encoding: '${path}'. The log is corrupt at that entry.`,
    );
  }
}

/**
 * Percent-encodes a relative path as a URI path, the way Spark (Hadoop's Path)
 * does: characters legal in a URI path segment stay — so `dt=2024-05-01` and
 * `a+b` are written as they are — everything else is %XX (UTF-8).
 */
export function encodePath(relative: string): string {
  return relative
    .split('/')
    .map((seg) =>
      encodeURIComponent(seg).replace(/%(2B|3D|3A|40|24|26|2C|3B)/g, (m) => decodeURIComponent(m)),
    )
    .join('/');
}
