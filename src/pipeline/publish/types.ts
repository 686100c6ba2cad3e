// The publisher's vocabulary: what a target table looks like (TableSpec), the
// SQL each dialect generates (DialectSql, pure, so a dry run prints exactly what
// a real run executes), and the adapter every server implements. The protocol
// in publish.ts speaks only these interfaces.

import type { Readable } from 'node:stream';
import type { MappedType } from './type-map';

export type PublishKind = 'sqlserver' | 'postgres';

export interface SpecColumn {
  name: string;
  /** DuckDB's type of the lake column. */
  lakeType: string;
  type: MappedType;
  key: boolean;
}

/** A published table on the target: where, which columns, the key and the swap column. */
export interface TableSpec {
  schema: string;
  name: string;
  columns: SpecColumn[];
  primaryKey: string[];
  /** The column a partition swap deletes by; null: the table is swapped whole. */
  partitionColumn: string | null;
}

/** One Delta partition's value as text (`2024-05-01`), null for the null partition; `whole` for an unpartitioned table. */
export type PartitionValue = { whole: true } | { whole: false; value: string | null };

/** A column as the target's catalog reports it, type spelled as the dialect's DDL spells it. */
export interface TargetColumn {
  name: string;
  type: string;
  nullable: boolean;
}

/** The rows of one partition, as the lake exported them: CSV bytes, or the same rows parsed. */
export interface RowSource {
  /** RFC 4180 CSV without a header: NULL is an empty unquoted field, an empty string is `""`. */
  csv(): Readable;
  /** The same rows in batches of at most `size`, every field as text (null for NULL). */
  batches(size: number): AsyncIterable<(string | null)[][]>;
  /** Rows the lake exported. */
  readonly rows: number;
}

export interface SwapResult {
  deleted: number;
  inserted: number;
}

/** The statements a dialect runs; pure functions of the spec. */
export interface DialectSql {
  readonly kind: PublishKind;
  quoteIdent(name: string): string;
  qualified(spec: Pick<TableSpec, 'schema' | 'name'>): string;
  /** Creates the schema and the target table with its primary key, each only when missing. */
  createTable(spec: TableSpec): string[];
  addColumns(spec: TableSpec, columns: readonly SpecColumn[]): string[];
  /** The staging table (session-scoped) the rows are bulk-loaded into. */
  stagingName(spec: TableSpec): string;
  createStaging(spec: TableSpec): string[];
  /** The statements of the swap transaction, in order (without BEGIN/COMMIT). */
  swap(spec: TableSpec, partition: PartitionValue): string[];
  /** A literal of the partition column's target type, from the partition's text. */
  partitionLiteral(spec: TableSpec, value: string): string;
  /** The column type as the catalog reports it back, for drift checks (e.g. NVARCHAR(MAX)). */
  canonicalType(type: string): string;
}

export interface PublishAdapter {
  readonly kind: PublishKind;
  readonly sql: DialectSql;
  /** Opens the connection; a failure names the target, the server and the fix. */
  connect(signal?: AbortSignal): Promise<void>;
  serverVersion(): Promise<string>;
  /** The table's columns, or null when it does not exist. */
  describeTable(schema: string, name: string): Promise<TargetColumn[] | null>;
  createTable(spec: TableSpec): Promise<void>;
  addColumns(spec: TableSpec, columns: readonly SpecColumn[]): Promise<void>;
  /** Creates an empty staging table and bulk-loads the rows; returns the rows the server counted in staging. */
  load(spec: TableSpec, source: RowSource, signal?: AbortSignal): Promise<number>;
  /** One transaction: delete the partition's target rows, insert the staged ones. */
  swap(spec: TableSpec, partition: PartitionValue, signal?: AbortSignal): Promise<SwapResult>;
  /** The server's id of this connection (PostgreSQL backend pid, SQL Server @@SPID), for tools and tests. */
  sessionId(): Promise<number>;
  /** Closes the connection; never throws. */
  close(): Promise<void>;
}

/**
 * The primary key as created: led by the partition column when it is part of the
 * key, so a day's delete is one range of the key's index (SQL Server: of the
 * clustered index) instead of a scan of the whole table.
 */
export function keyOrder(spec: Pick<TableSpec, 'primaryKey' | 'partitionColumn'>): string[] {
  const p = spec.partitionColumn;
  return p !== null && spec.primaryKey.includes(p)
    ? [p, ...spec.primaryKey.filter((c) => c !== p)]
    : [...spec.primaryKey];
}

/** A partition column outside the key gets an index of its own, for the same reason. */
export function needsPartitionIndex(spec: Pick<TableSpec, 'primaryKey' | 'partitionColumn'>): boolean {
  return spec.partitionColumn !== null && !spec.primaryKey.includes(spec.partitionColumn);
}

/** The spec's partition column; targets.ts requires it among the published columns, so a miss is a bug. */
export function partitionColumn(spec: TableSpec): SpecColumn {
  const c = spec.columns.find((col) => col.name === spec.partitionColumn);
  if (!c) {
    throw new Error(
      `The publish spec of ${spec.schema}.${spec.name} lacks its partition column ${String(spec.partitionColumn)}.`,
    );
  }
  return c;
}
