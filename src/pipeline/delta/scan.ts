// Reading a snapshot's rows: one DuckDB SELECT over the live files that returns
// exactly the table's rows, with logical column names and the table's types.
// Partition values come from the log as typed constants (looked up by DuckDB's
// file_index, never parsed from paths); columns missing from older files are
// NULL; column mapping (name: physical names, id: parquet field ids) is undone;
// deletion vectors remove (file, row position) pairs; predicates skip files.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultOf } from '../engine/protocol';
import { quoteIdent, quoteLiteral } from '../engine/sql';
import { EngineError, PipelineError, UsageError } from '../errors';
import { decodePath } from './actions';
import type { Add } from './actions';
import { readDeletionVector, toRuns } from './deletion-vectors';
import { parsePartitionValue, primitiveOf, sqlLiteral, sqlText } from './partition-values';
import { bindPredicate, fileMayMatch, predicateSql } from './stats';
import type { BoundPredicate, Predicate } from './stats';
import { fieldId, physicalName, toDuckDbType } from './schema';
import type { ColumnMappingMode, DataType, StructField } from './schema';
import type { Snapshot } from './snapshot';

export interface ScanOptions {
  /** Logical column names to return, in this order; default: every column in schema order. */
  columns?: readonly string[];
  /** Conjunction of simple predicates: files that cannot match are skipped, and rows are filtered. */
  predicates?: readonly Predicate[];
  limit?: number;
}

/** What a scan reads, before it becomes SQL. */
export interface ScanPlan {
  columns: StructField[];
  predicates: BoundPredicate[];
  /** Live files that may hold matching rows. */
  files: Add[];
  /** Live files skipped by partition values or stats. */
  skipped: number;
}

const FILE_COL = '__lh_file';
const ROW_COL = '__lh_row';

/** Resolves columns and predicates and picks the files to read. */
export function planScan(snapshot: Snapshot, opts: ScanOptions = {}): ScanPlan {
  const byName = new Map(snapshot.schema.fields.map((f) => [f.name, f]));
  const names = opts.columns ?? snapshot.schema.fields.map((f) => f.name);
  if (names.length === 0) throw new UsageError('A scan needs at least one column.');
  const columns = names.map((n) => {
    const f = byName.get(n);
    if (!f) {
      throw new UsageError(
        `'${n}' is not a column of the Delta table ${snapshot.table.storage.root}. Columns: ${[...byName.keys()].join(', ')}.`,
      );
    }
    return f;
  });
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 0)) {
    throw new UsageError(`A scan limit must be a whole number ≥ 0 (got ${opts.limit}).`);
  }
  const ctx = {
    schema: snapshot.schema,
    partitionColumns: snapshot.partitionColumns,
    columnMapping: snapshot.columnMapping,
  };
  const predicates = (opts.predicates ?? []).map((p) => bindPredicate(p, ctx));
  const files =
    predicates.length === 0 ? [...snapshot.files] : snapshot.files.filter((f) => fileMayMatch(f, predicates));
  return { columns, predicates, files, skipped: snapshot.files.length - files.length };
}

/** One SELECT that returns the snapshot's rows (see the module comment). Reads the deletion vectors it needs. */
export async function scanSql(snapshot: Snapshot, opts: ScanOptions = {}): Promise<string> {
  const plan = planScan(snapshot, opts);
  const needed = [...plan.columns];
  for (const p of plan.predicates) {
    const top = snapshot.schema.fields.find((f) => f.name === p.path[0]);
    if (top && !needed.includes(top)) needed.push(top);
  }
  const plain = plan.files.filter((f) => !f.deletionVector || f.deletionVector.cardinality === 0);
  const withDv = plan.files.filter((f) => f.deletionVector && f.deletionVector.cardinality > 0);
  const deleted = await loadDeletionVectors(snapshot, withDv);
  const branches: string[] = [];
  if (plain.length > 0) branches.push(branchSql(snapshot, needed, plain, null));
  if (withDv.length > 0) branches.push(branchSql(snapshot, needed, withDv, deleted));
  const out = plan.columns.map((f) => quoteIdent(f.name)).join(', ');
  const where = plan.predicates.map(predicateSql);
  const limit = opts.limit !== undefined ? ` LIMIT ${opts.limit}` : '';
  if (branches.length === 0) {
    const empty = plan.columns
      .map((f) => `CAST(NULL AS ${toDuckDbType(f.type)}) AS ${quoteIdent(f.name)}`)
      .join(', ');
    return `SELECT ${empty} LIMIT 0`;
  }
  const from =
    branches.length === 1 ? (branches[0] ?? '') : branches.map((b) => `(${b})`).join(' UNION ALL ');
  return `SELECT ${out} FROM (${from}) AS __lh_scan${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${limit}`;
}

/** Runs the scan in the table's engine; more than `maxRows` rows is an error (use engine.query to page big results). */
export async function readRows(
  snapshot: Snapshot,
  opts: ScanOptions & { maxRows?: number; signal?: AbortSignal } = {},
): Promise<ResultOf<'read'>> {
  const sql = await scanSql(snapshot, opts);
  const call: { maxRows?: number; signal?: AbortSignal } = {};
  if (opts.maxRows !== undefined) call.maxRows = opts.maxRows;
  if (opts.signal) call.signal = opts.signal;
  try {
    return await snapshot.table.engine.read(sql, call);
  } catch (err) {
    throw explainReadError(err, snapshot);
  }
}

/** A data file that vanished (deleted by hand, vacuumed too early) is a damaged table, not a SQL error. */
function explainReadError(err: unknown, snapshot: Snapshot): unknown {
  if (!(err instanceof EngineError)) return err;
  const m =
    /No files found that match the pattern "([^"]+)"|(?:Cannot open|No such) file "?([^"\s]+)"?/i.exec(
      err.message,
    );
  if (!m) return err;
  const file = m[1] ?? m[2] ?? '?';
  return new PipelineError(
    'IO',
    `The Delta table ${snapshot.table.storage.root} (version ${snapshot.version}) lists the data file ${file}, which is missing. Restore it, or read an older version; a VACUUM with too short a retention causes this.`,
    { table: snapshot.table.storage.root, file, version: snapshot.version },
    { cause: err },
  );
}

type DeletedRows = Map<Add, Float64Array>;

async function loadDeletionVectors(snapshot: Snapshot, files: readonly Add[]): Promise<DeletedRows> {
  const cache = new Map<string, Promise<Uint8Array>>();
  const storage = snapshot.table.storage;
  const rows = await Promise.all(
    files.map((f) =>
      f.deletionVector
        ? readDeletionVector(f.deletionVector, { storage, dataFile: decodePath(f.path), cache })
        : new Float64Array(0),
    ),
  );
  return new Map(files.map((f, i) => [f, rows[i] ?? new Float64Array(0)]));
}

/** One read_parquet over `files` projecting `columns` (logical names); with `deleted`, DV rows are anti-joined away. */
function branchSql(
  snapshot: Snapshot,
  columns: readonly StructField[],
  files: readonly Add[],
  deleted: DeletedRows | null,
): string {
  const mode = snapshot.columnMapping;
  const partitions = new Set(snapshot.partitionColumns);
  const dataCols = columns.filter((f) => !partitions.has(f.name));
  const exprs: string[] = [];
  let usesFileIndex = deleted !== null;
  for (const f of columns) {
    if (partitions.has(f.name)) {
      const e = partitionExpr(f, files, mode);
      usesFileIndex ||= e.perFile;
      exprs.push(`${e.sql} AS ${quoteIdent(f.name)}`);
    } else {
      exprs.push(
        `${convertExpr(`__lh_p.${quoteIdent(physicalName(f, mode))}`, f.type, mode, 0)} AS ${quoteIdent(f.name)}`,
      );
    }
  }
  const list = `[${files.map((f) => quoteLiteral(globEscape(absolutePath(snapshot, f.path)))).join(', ')}]`;
  const virtual = [
    usesFileIndex ? `file_index AS ${FILE_COL}` : '',
    deleted ? `file_row_number AS ${ROW_COL}` : '',
  ].filter(Boolean);
  const reader =
    mode === 'id'
      ? `read_parquet(${list}, hive_partitioning = false, schema = ${fieldIdSchema(snapshot, dataCols)})`
      : `read_parquet(${list}, hive_partitioning = false, union_by_name = true)`;
  const scan = `SELECT *${virtual.map((v) => `, ${v}`).join('')} FROM ${reader}`;
  // Typed NULL columns make every needed column exist even when no file has it (schema evolution).
  const template = dataCols
    .map((f) => `CAST(NULL AS ${toDuckDbType(f.type, mode)}) AS ${quoteIdent(physicalName(f, mode))}`)
    .concat(
      usesFileIndex ? [`CAST(NULL AS UBIGINT) AS ${FILE_COL}`] : [],
      deleted ? [`CAST(NULL AS BIGINT) AS ${ROW_COL}`] : [],
    );
  const source =
    template.length > 0 ? `(${scan}) UNION ALL BY NAME (SELECT ${template.join(', ')} LIMIT 0)` : scan;
  const anti = deleted
    ? ` ANTI JOIN (${deletedRowsSql(files, deleted)}) AS __lh_dv ON __lh_p.${FILE_COL} = __lh_dv.f AND __lh_p.${ROW_COL} = __lh_dv.r`
    : '';
  return `SELECT ${exprs.join(', ')} FROM (${source}) AS __lh_p${anti}`;
}

/** The (file_index, row) pairs to drop; runs are sent as 'lo:hi' text so large DVs stay cheap to parse. */
function deletedRowsSql(files: readonly Add[], deleted: DeletedRows): string {
  const values: string[] = [];
  files.forEach((f, i) => {
    const rows = deleted.get(f);
    if (!rows || rows.length === 0) return;
    const runs = toRuns(rows).map(([lo, hi]) => (hi === lo + 1 ? String(lo) : `${lo}:${hi}`));
    values.push(`(${i}, '${runs.join(',')}')`);
  });
  if (values.length === 0) return 'SELECT CAST(NULL AS UBIGINT) AS f, CAST(NULL AS BIGINT) AS r LIMIT 0';
  const parts = `SELECT f, unnest(string_split(s, ',')) AS run FROM (VALUES ${values.join(', ')}) AS v(f, s)`;
  const bounds = `SELECT f, CAST(split_part(run, ':', 1) AS BIGINT) AS lo, CAST(NULLIF(split_part(run, ':', 2), '') AS BIGINT) AS hi FROM (${parts})`;
  return `SELECT CAST(f AS UBIGINT) AS f, unnest(range(lo, COALESCE(hi, lo + 1))) AS r FROM (${bounds})`;
}

/** A partition column's value per file: one constant when all files agree, else a list indexed by file_index. */
function partitionExpr(
  f: StructField,
  files: readonly Add[],
  mode: ColumnMappingMode,
): { sql: string; perFile: boolean } {
  const type = primitiveOf(f.type, f.name);
  const key = physicalName(f, mode);
  const texts: (string | null)[] = files.map((file) => {
    const v = parsePartitionValue(type, file.partitionValues[key], f.name);
    return v === null ? null : sqlText(type, v);
  });
  const first = texts[0] ?? null;
  if (texts.every((t) => t === first)) {
    return {
      sql: first === null ? sqlLiteral(type, null) : `CAST(${quoteLiteral(first)} AS ${toDuckDbType(type)})`,
      perFile: false,
    };
  }
  const list = `[${texts.map((t) => (t === null ? 'NULL' : quoteLiteral(t))).join(', ')}]`;
  return {
    sql: `(CAST(${list} AS ${toDuckDbType(type)}[]))[CAST(${FILE_COL} AS BIGINT) + 1]`,
    perFile: true,
  };
}

/**
 * A column read from parquet as the table's type. Structs are cast by name, so
 * nested fields missing from older files become NULL; with column mapping the
 * physical field names inside structs are then renamed to the logical ones.
 */
function convertExpr(expr: string, type: DataType, mode: ColumnMappingMode, depth: number): string {
  const cast = `CAST(${expr} AS ${toDuckDbType(type, mode)})`;
  return mode !== 'none' && hasStruct(type) ? renameExpr(cast, type, mode, depth) : cast;
}

function hasStruct(t: DataType): boolean {
  if (typeof t === 'string') return false;
  if (t.type === 'struct') return true;
  return t.type === 'array' ? hasStruct(t.elementType) : hasStruct(t.keyType) || hasStruct(t.valueType);
}

/** `expr` has physical nested names (already cast); rebuild it with logical names. */
function renameExpr(expr: string, type: DataType, mode: ColumnMappingMode, depth: number): string {
  if (typeof type === 'string' || !hasStruct(type)) return expr;
  const x = `__lh_x${depth}`;
  switch (type.type) {
    case 'struct': {
      const fields = type.fields.map(
        (f) =>
          `${quoteIdent(f.name)} := ${renameExpr(`(${expr}).${quoteIdent(physicalName(f, mode))}`, f.type, mode, depth + 1)}`,
      );
      return `CASE WHEN ${expr} IS NULL THEN NULL ELSE struct_pack(${fields.join(', ')}) END`;
    }
    case 'array':
      return `list_transform(${expr}, lambda ${x}: ${renameExpr(x, type.elementType, mode, depth + 1)})`;
    case 'map': {
      const k = renameExpr(`${x}.key`, type.keyType, mode, depth + 1);
      const v = renameExpr(`${x}.value`, type.valueType, mode, depth + 1);
      return `CASE WHEN ${expr} IS NULL THEN NULL ELSE map_from_entries(list_transform(map_entries(${expr}), lambda ${x}: {'key': ${k}, 'value': ${v}})) END`;
    }
  }
}

/** Column mapping `id`: read_parquet's `schema` resolves columns by parquet field id (missing ids → NULL). */
function fieldIdSchema(snapshot: Snapshot, columns: readonly StructField[]): string {
  const entries = columns.map((f) => {
    const id = fieldId(f);
    if (id === undefined) {
      throw new PipelineError(
        'IO',
        `Column '${f.name}' of the Delta table ${snapshot.table.storage.root} has no delta.columnMapping.id, which column mapping mode 'id' requires; the table's schema is damaged.`,
      );
    }
    const type = quoteLiteral(toDuckDbType(f.type, 'id'));
    return `${id}: {name: ${quoteLiteral(physicalName(f, 'id'))}, type: ${type}, default_value: NULL}`;
  });
  // A map needs an entry: with no data column selected, ask for an id no file has.
  if (entries.length === 0) entries.push(`-1: {name: '__lh_none', type: 'INTEGER', default_value: NULL}`);
  return `MAP {${entries.join(', ')}}`;
}

/** add.path (relative, percent-encoded, or an absolute file: URI) → the local path DuckDB reads. */
export function absolutePath(snapshot: Snapshot, p: string): string {
  if (p.startsWith('file:')) return fileURLToPath(p);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) {
    throw new PipelineError(
      'IO',
      `The Delta table ${snapshot.table.storage.root} lists the data file ${p}; only local files can be read here. Copy the table to a local folder.`,
    );
  }
  return path.join(snapshot.table.storage.root, decodePath(p));
}

/** read_parquet treats `*`, `?` and `[` as glob syntax; a bracket class matches each literally. */
export function globEscape(p: string): string {
  return p.replace(/[[*?]/g, (c) => `[${c}]`);
}
