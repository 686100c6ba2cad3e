// Reads checkpoint files into actions through DuckDB (checkpoints are parquet):
// classic, multi-part (all parts) and V2 (top-level file + its sidecars). Only
// the action columns a checkpoint actually has are selected; each struct comes
// back as JSON text, so the same parser serves commits and checkpoints.

import path from 'node:path';
import type { EngineClient } from '../engine/client';
import { quoteIdent, quoteList, quoteLiteral } from '../engine/sql';
import { PipelineError } from '../errors';
import { ACTION_KEYS, parseCommit } from './actions';
import type { DeltaAction, Sidecar } from './actions';
import type { CheckpointRef } from './log-segment';
import { globEscape } from './scan';
import { LOG_DIR, SIDECARS_DIR } from './log-path';
import type { Storage } from './storage';

const CHECKPOINT_COLUMNS = [
  'protocol',
  'metaData',
  'add',
  'remove',
  'txn',
  'domainMetadata',
  'sidecar',
  'checkpointMetadata',
] as const;

export async function readCheckpoint(
  storage: Storage,
  engine: EngineClient,
  cp: CheckpointRef,
): Promise<DeltaAction[]> {
  const top = cp.files[0];
  if (cp.kind === 'v2' && top?.endsWith('.json')) {
    const actions = parseCommit((await storage.read(top)).toString('utf8'), top);
    return actions.concat(await readSidecars(storage, engine, actions));
  }
  const actions = await readParquetActions(
    engine,
    cp.files.map((f) => path.join(storage.root, f)),
  );
  return cp.kind === 'v2' ? actions.concat(await readSidecars(storage, engine, actions)) : actions;
}

async function readSidecars(
  storage: Storage,
  engine: EngineClient,
  actions: DeltaAction[],
): Promise<DeltaAction[]> {
  const sidecars = actions.flatMap((a) => ('sidecar' in a ? [a.sidecar as Sidecar] : []));
  if (sidecars.length === 0) return [];
  const files = sidecars.map((s) =>
    path.join(storage.root, LOG_DIR, SIDECARS_DIR, decodeURIComponent(s.path)),
  );
  return readParquetActions(engine, files);
}

async function readParquetActions(engine: EngineClient, files: string[]): Promise<DeltaAction[]> {
  if (files.length === 0) return [];
  const first = files[0] ?? '';
  let present: Set<string>;
  try {
    const schema = await engine.read(
      `SELECT DISTINCT name FROM parquet_schema(${quoteList(files.map(globEscape))}) WHERE name IN (${CHECKPOINT_COLUMNS.map(quoteLiteral).join(', ')})`,
    );
    present = new Set(schema.rows.map((r) => String(r[0])));
  } catch (err) {
    throw new PipelineError(
      'IO',
      `The checkpoint ${first} cannot be read (${(err as Error).message}). Delete it and its _last_checkpoint entry to fall back to the JSON commits, if they are still there.`,
    );
  }
  const cols = CHECKPOINT_COLUMNS.filter((c) => present.has(c));
  if (cols.length === 0) return [];
  const select = cols.map((c) => `to_json(${quoteIdent(c)})::VARCHAR AS ${quoteIdent(c)}`).join(', ');
  const where = cols.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' OR ');
  const { rows } = await engine.read(
    `SELECT ${select} FROM read_parquet(${quoteList(files.map(globEscape))}, union_by_name = true, hive_partitioning = false) WHERE ${where}`,
    { maxRows: 50_000_000 },
  );
  const actions: DeltaAction[] = [];
  for (const row of rows) {
    cols.forEach((col, i) => {
      const text = row[i];
      if (typeof text !== 'string') return;
      const value = dropNulls(JSON.parse(text) as unknown);
      if (value !== null && col in ACTION_KEYS) actions.push({ [col]: value } as DeltaAction);
    });
  }
  return actions;
}

/** Parquet structs spell absent optional fields as null; the JSON log leaves them out. */
function dropNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    // partitionValues keep their nulls: a null partition value is data.
    out[k] = k === 'partitionValues' ? v : dropNulls(v);
  }
  return out;
}
