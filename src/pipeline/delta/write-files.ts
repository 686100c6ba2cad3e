// The data half of a write: DuckDB runs the query and writes parquet files
// straight into the table folder with one COPY (PARTITION_BY for partitioned
// tables), reporting each file's rows, size, partition keys and column
// statistics (RETURN_STATS). Files get fresh UUID names and are never
// overwritten (APPEND); until a commit lists them they are orphans readers
// never see. Partition folders are renamed to Spark's escaping.

import fs from 'node:fs/promises';
import path from 'node:path';
import type { CellValue } from '../../shared/query';
import type { EngineClient } from '../engine/client';
import { quoteIdent, quoteLiteral } from '../engine/sql';
import { fileStatsJson } from './file-stats';
import type { ColumnStats } from './file-stats';
import { partitionDirs, partitionValueString } from './partition-values';
import type { StructType } from './schema';
import type { DeltaTable } from './table';
import type { QueryColumn, WriteColumn } from './write-schema';

/** Unpartitioned writes roll over to a new file at this size (DuckDB FILE_SIZE_BYTES). */
export const DEFAULT_TARGET_FILE_SIZE = '128MB';

const SOURCE = quoteIdent('__lakehouse_source');
const CODECS = new Set(['snappy', 'gzip', 'zstd', 'lz4_raw', 'uncompressed']);

export interface WrittenFile {
  /** Relative to the table root, '/'-separated, not percent-encoded. */
  path: string;
  /** Protocol strings keyed by partition column (null for a null partition). */
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  numRecords: number;
  stats: string;
  /** Nulls per top-level data column, for NOT NULL checks. */
  nullCounts: ReadonlyMap<string, number>;
}

export interface WriteFilesOptions {
  sql: string;
  columns: readonly WriteColumn[];
  /** The schema of the columns stored in files (partition columns excluded), for stats. */
  dataSchema: StructType;
  configuration: Readonly<Record<string, string>>;
  indexedColumns: number;
  targetFileSize?: string;
  signal?: AbortSignal;
}

/** The query wrapped so it can be selected from: trailing semicolons dropped, a trailing comment closed off. */
export function asSubquery(sql: string): string {
  const body = sql.trim().replace(/;+\s*$/, '');
  return `(\n${body}\n) AS ${SOURCE}`;
}

/** The query's columns and DuckDB types, without running it. */
export async function describeQuery(
  engine: EngineClient,
  sql: string,
  signal?: AbortSignal,
): Promise<QueryColumn[]> {
  const res = await engine.read(`DESCRIBE SELECT * FROM ${asSubquery(sql)}`, signal ? { signal } : {});
  return res.rows.map((r) => ({ name: String(r[0]), duckType: String(r[1]) }));
}

/** The COPY statement that writes the query's rows as parquet files under `root`. */
export function copySql(
  root: string,
  opts: Pick<WriteFilesOptions, 'sql' | 'columns' | 'configuration' | 'targetFileSize'>,
): string {
  const select = opts.columns
    .map((c) => `${c.partition ? partitionText(c) : castTo(c)} AS ${quoteIdent(c.name)}`)
    .join(', ');
  const partitions = opts.columns.filter((c) => c.partition).map((c) => quoteIdent(c.name));
  const options = [
    'FORMAT parquet',
    `COMPRESSION ${codecOf(opts.configuration)}`,
    "FILENAME_PATTERN 'part-{uuid}'",
    // Unique names in a folder that is not empty: never OVERWRITE, which would delete the table.
    'APPEND',
    'RETURN_STATS',
    partitions.length > 0
      ? `PARTITION_BY (${partitions.join(', ')})`
      : `FILE_SIZE_BYTES ${quoteLiteral(opts.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE)}`,
  ];
  return `COPY (SELECT ${select} FROM ${asSubquery(opts.sql)}) TO ${quoteLiteral(root)} (${options.join(', ')})`;
}

function castTo(c: WriteColumn): string {
  return `CAST(${SOURCE}.${quoteIdent(c.source)} AS ${c.duckType})`;
}

/** A partition column as text close to the protocol's form; writtenFile() makes it exact. */
function partitionText(c: WriteColumn): string {
  const v = castTo(c);
  switch (c.type) {
    case 'string':
      // The protocol cannot tell '' from null: both are the null partition.
      return `NULLIF(${v}, '')`;
    case 'timestamp':
      return `strftime(timezone('UTC', ${v}), '%Y-%m-%dT%H:%M:%S.%fZ')`;
    case 'timestamp_ntz':
      return `strftime(${v}, '%Y-%m-%d %H:%M:%S.%f')`;
    default:
      return `CAST(${v} AS VARCHAR)`;
  }
}

/** delta.parquet.compression.codec when set and known, else zstd (the protocol's default). */
function codecOf(configuration: Readonly<Record<string, string>>): string {
  const c = configuration['delta.parquet.compression.codec']?.toLowerCase();
  if (c === 'none') return 'uncompressed';
  return c && CODECS.has(c) ? c : 'zstd';
}

/** Runs the COPY and returns the files it wrote that hold rows (empty ones are deleted at once). */
export async function writeDataFiles(table: DeltaTable, opts: WriteFilesOptions): Promise<WrittenFile[]> {
  const root = table.storage.root;
  // DuckDB creates partition folders but not the table folder's parents.
  await fs.mkdir(root, { recursive: true });
  const res = await table.engine.read(copySql(root, opts), {
    maxRows: 1_000_000,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const out: WrittenFile[] = [];
  for (const row of res.rows) {
    const file = await writtenFile(table, opts, row);
    if (file) out.push(file);
  }
  return out;
}

async function writtenFile(
  table: DeltaTable,
  opts: WriteFilesOptions,
  row: CellValue[],
): Promise<WrittenFile | null> {
  const [filename, count, , , columnStats, partitionKeys] = row;
  const root = table.storage.root;
  let rel = relativeTo(root, String(filename));
  const numRecords = Number(count);
  if (numRecords === 0) {
    // Nothing will ever reference it; leaving it for vacuum would only waste a listing.
    await table.storage.delete(rel);
    return null;
  }
  const partitionColumns = opts.columns.filter((c) => c.partition);
  const keys = mapOf(partitionKeys);
  const partitionValues: Record<string, string | null> = {};
  for (const c of partitionColumns) {
    const raw = keys.get(c.name);
    partitionValues[c.name] =
      raw === null || raw === undefined || typeof c.type !== 'string'
        ? null
        : partitionValueString(c.type, raw);
  }
  if (partitionColumns.length > 0)
    rel = await moveToSparkFolder(
      root,
      rel,
      partitionDirs(
        partitionColumns.map((c) => c.name),
        partitionValues,
      ),
    );
  const st = await table.storage.stat(rel);
  if (!st) throw new Error(`DuckDB reported writing ${rel} under ${root}, but it is not there.`);
  const columns = new Map<string, ColumnStats>();
  for (const [key, value] of mapOf(columnStats))
    columns.set(key, Object.fromEntries(mapOf(value)) as ColumnStats);
  const nullCounts = new Map<string, number>();
  for (const c of opts.columns) {
    const n = columns.get(quoteIdent(c.name))?.['null_count'];
    if (!c.partition && n !== undefined && n !== null) nullCounts.set(c.name, Number(n));
  }
  return {
    path: rel,
    partitionValues,
    size: st.size,
    modificationTime: Math.floor(st.mtimeMs),
    numRecords,
    stats: fileStatsJson(opts.dataSchema, { numRecords, columns }, opts.indexedColumns),
    nullCounts,
  };
}

/**
 * DuckDB percent-encodes partition folders more eagerly than Spark (spaces,
 * non-ASCII, '+' …); the file is renamed into the folder Spark would have used,
 * so the layout matches tables written by the reference implementation.
 */
async function moveToSparkFolder(root: string, rel: string, sparkDirs: string): Promise<string> {
  const target = `${sparkDirs}/${rel.slice(rel.lastIndexOf('/') + 1)}`;
  if (target === rel) return rel;
  const from = path.join(root, ...rel.split('/'));
  const to = path.join(root, ...target.split('/'));
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.rename(from, to);
  // Drop the folders DuckDB made if they are now empty; rmdir refuses non-empty ones.
  for (let dir = path.dirname(from); dir.startsWith(root) && dir !== root; dir = path.dirname(dir)) {
    try {
      await fs.rmdir(dir);
    } catch {
      break;
    }
  }
  return target;
}

function relativeTo(root: string, file: string): string {
  const rel = path.relative(root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new Error(`DuckDB wrote ${file}, outside the table folder ${root}.`);
  return rel.split(path.sep).join('/');
}

/** A DuckDB MAP as the engine returns it ([{ key, value }] entries), or a plain object. */
function mapOf(value: CellValue | undefined): Map<string, CellValue> {
  const out = new Map<string, CellValue>();
  if (Array.isArray(value)) {
    for (const e of value) {
      if (e && typeof e === 'object' && !Array.isArray(e) && 'key' in e)
        out.set(String(e['key']), e['value'] ?? null);
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.set(k, v);
  }
  return out;
}
