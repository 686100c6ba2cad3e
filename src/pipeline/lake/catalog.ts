// What tables a lake has: every Delta table under tables/<layer>/<name> and the
// app's own under _workbench/<name> (schema `workbench`), plus plain Parquet
// datasets (a folder of .parquet files, Hive-partitioned or not). Each becomes
// a view `<layer>.<name>` in the explore engine, over the table's current snapshot.

import fs from 'node:fs';
import path from 'node:path';
import type { EngineClient } from '../engine/client';
import { quoteIdent, quoteLiteral, quoteQualified } from '../engine/sql';
import { NotFoundError, UsageError } from '../errors';
import { loadSnapshot } from '../delta/load';
import { scanSql } from '../delta/scan';
import type { Snapshot, SnapshotOptions } from '../delta/snapshot';
import { localTable } from '../delta/table';
import type { LakeLayout } from './layout';

export interface CatalogEntry {
  /** The SQL schema: the layer folder, or `workbench` for _workbench/. */
  schema: string;
  name: string;
  dir: string;
  kind: 'delta' | 'parquet';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function listCatalog(layout: LakeLayout): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  const scan = (base: string, schemaOf: (layer: string) => string, nested: boolean): void => {
    for (const layer of safeDirs(base)) {
      if (!nested) {
        classify(path.join(base, layer), schemaOf(''), layer, out);
        continue;
      }
      if (!NAME.test(layer)) continue;
      for (const name of safeDirs(path.join(base, layer)))
        classify(path.join(base, layer, name), schemaOf(layer), name, out);
    }
  };
  scan(layout.tables, (layer) => layer, true);
  scan(layout.workbench, () => 'workbench', false);
  return out.sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
}

function classify(dir: string, schema: string, name: string, out: CatalogEntry[]): void {
  if (!NAME.test(name)) return;
  if (fs.existsSync(path.join(dir, '_delta_log'))) out.push({ schema, name, dir, kind: 'delta' });
  else if (hasParquet(dir, 3)) out.push({ schema, name, dir, kind: 'parquet' });
}

function safeDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function hasParquet(dir: string, depth: number): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some(
    (e) =>
      (e.isFile() && e.name.endsWith('.parquet')) ||
      (depth > 0 &&
        e.isDirectory() &&
        !e.name.startsWith('.') &&
        hasParquet(path.join(dir, e.name), depth - 1)),
  );
}

/** Finds a table by `[schema, name]` or a bare `[name]` that is unique across schemas. */
export function findEntry(entries: readonly CatalogEntry[], parts: readonly string[]): CatalogEntry {
  const [a, b] = parts;
  const matches =
    parts.length >= 2
      ? entries.filter((e) => e.schema === a && e.name === b)
      : entries.filter((e) => e.name === a);
  const shown = parts.join('.');
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    throw new UsageError(
      `'${shown}' is ambiguous: ${matches.map((m) => `${m.schema}.${m.name}`).join(', ')}. Qualify it with its layer.`,
    );
  }
  throw new NotFoundError(
    `No table '${shown}' in this lake. Tables: ${entries.map((e) => `${e.schema}.${e.name}`).join(', ') || 'none yet'}.`,
  );
}

/** The SELECT a view of this entry stands for; Delta tables at a snapshot (current by default). */
export async function entrySelect(
  entry: CatalogEntry,
  engine: EngineClient,
  at: SnapshotOptions = {},
): Promise<{ sql: string; snapshot: Snapshot | null }> {
  if (entry.kind === 'parquet') {
    if (at.version !== undefined || at.timestamp !== undefined) {
      throw new UsageError(
        `${entry.schema}.${entry.name} is a plain Parquet dataset, not a Delta table: it has no versions to time travel to.`,
      );
    }
    const glob = path.join(entry.dir, '**', '*.parquet');
    return {
      sql: `SELECT * FROM read_parquet(${quoteLiteral(glob)}, hive_partitioning = true, union_by_name = true)`,
      snapshot: null,
    };
  }
  const snapshot = await loadSnapshot(localTable(entry.dir, engine), at);
  return { sql: await scanSql(snapshot), snapshot };
}

export function viewSql(entry: CatalogEntry, select: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(entry.schema)}`,
    `CREATE OR REPLACE VIEW ${quoteQualified(entry.schema, entry.name)} AS ${select}`,
  ];
}
