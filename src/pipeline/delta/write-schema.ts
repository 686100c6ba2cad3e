// What a write does to a table's schema and protocol: the query's DuckDB
// columns become Delta fields (types Delta cannot hold are refused with a CAST
// to use instead), a new table gets its metaData and protocol, an existing one
// accepts the same columns (a lossless widening of the query's type is cast on
// write), new nullable columns (schema evolution = a new metaData), and nothing
// else. Tables whose writer features we cannot honour are refused by name.

import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors';
import type { Metadata, Protocol } from './actions';
import { checkWritable, UnsupportedFeatureError } from './features';
import { fromDuckDbType, serializeSchema, toDuckDbType, typeName } from './schema';
import type { DataType, StructField, StructType } from './schema';

export type WriteMode = 'append' | 'overwrite' | 'replacePartitions';

export interface QueryColumn {
  name: string;
  /** As DuckDB's DESCRIBE prints it. */
  duckType: string;
}

export interface WriteColumn {
  /** The table's name for the column. */
  name: string;
  /** The query's name for it (may differ in case). */
  source: string;
  type: DataType;
  /** The DuckDB type the value is cast to when written. */
  duckType: string;
  partition: boolean;
}

export interface SchemaPlan {
  schema: StructType;
  partitionColumns: string[];
  /** Every column of the table, in schema order. */
  columns: WriteColumn[];
  /** The metaData action to commit: a new table or an evolved schema; null when unchanged. */
  metadata: Metadata | null;
  /** The protocol action to commit: a new table or an upgrade; null when unchanged. */
  protocol: Protocol | null;
  addedColumns: string[];
  /** Top-level columns the table declares NOT NULL: a file with nulls there must not commit. */
  notNull: string[];
}

export interface ExistingTable {
  protocol: Protocol;
  metadata: Metadata;
  schema: StructType;
}

/** Spark refuses these in column names of tables without column mapping. */
const INVALID_NAME_CHARS = /[ ,;{}()\n\t=]/;

const CAST_HINTS: Record<string, string> = {
  UTINYINT: 'SMALLINT',
  USMALLINT: 'INTEGER',
  UINTEGER: 'BIGINT',
  UBIGINT: 'DECIMAL(20,0)',
  HUGEINT: 'DECIMAL(38,0)',
  UHUGEINT: 'DECIMAL(38,0)',
  BIGNUM: 'DECIMAL(38,0)',
  VARINT: 'DECIMAL(38,0)',
  TIMESTAMP_NS: 'TIMESTAMP',
  '"NULL"': 'VARCHAR',
  NULL: 'VARCHAR',
};

/** The Delta type for a query column, or a message naming the column and the CAST to use. */
export function deltaTypeOf(column: QueryColumn): { type: DataType } | { problem: string } {
  const upper = column.duckType.trim().toUpperCase();
  const t = fromDuckDbType(column.duckType);
  if (t) return { type: t };
  // Lossless stand-ins DuckDB produces often: enums are strings, coarse timestamps are timestamps.
  if (upper.startsWith('ENUM(')) return { type: 'string' };
  if (upper === 'TIMESTAMP_S' || upper === 'TIMESTAMP_MS') return { type: 'timestamp_ntz' };
  const fixed = /^(.*)\[\d+\]$/.exec(column.duckType.trim());
  const hint = fixed ? `${fixed[1] ?? ''}[]` : (CAST_HINTS[upper] ?? 'VARCHAR');
  const problem = `Column "${column.name}" has the DuckDB type ${column.duckType}, which a Delta table cannot store. Cast it in the query, e.g. CAST("${column.name}" AS ${hint}) AS "${column.name}".`;
  return { problem };
}

/** The schema, metadata and protocol a write of `query` into `existing` (null: a new table) commits. */
export function planSchema(opts: {
  table: string;
  existing: ExistingTable | null;
  query: readonly QueryColumn[];
  partitionBy?: readonly string[];
  configuration?: Readonly<Record<string, string>>;
  now: number;
}): SchemaPlan {
  const fields = queryFields(opts.table, opts.query);
  return opts.existing
    ? planExisting(opts.table, opts.existing, opts.query, fields, opts.partitionBy)
    : planNew(opts.table, opts.query, fields, opts.partitionBy ?? [], opts.configuration ?? {}, opts.now);
}

function queryFields(table: string, query: readonly QueryColumn[]): StructField[] {
  if (query.length === 0) throw new UsageError(`The query for ${table} returns no columns.`);
  const seen = new Map<string, string>();
  const problems: string[] = [];
  const fields: StructField[] = [];
  for (const c of query) {
    const lower = c.name.toLowerCase();
    const dup = seen.get(lower);
    if (dup !== undefined)
      problems.push(
        `The query returns two columns named "${dup}" and "${c.name}"; Delta column names are case-insensitive. Rename one with AS.`,
      );
    seen.set(lower, c.name);
    const t = deltaTypeOf(c);
    if ('problem' in t) problems.push(t.problem);
    else fields.push({ name: c.name, type: t.type, nullable: true, metadata: {} });
  }
  for (const f of fields)
    for (const bad of invalidNames(f))
      problems.push(
        `The column name "${bad}" contains one of ' ,;{}()=' or a tab or newline, which Spark cannot read without column mapping. Rename it with AS.`,
      );
  if (problems.length > 0)
    throw new UsageError(`Cannot write ${table}:\n${problems.join('\n')}`, { problems });
  return fields;
}

function invalidNames(field: StructField): string[] {
  const out = INVALID_NAME_CHARS.test(field.name) ? [field.name] : [];
  const t = field.type;
  if (typeof t !== 'string' && t.type === 'struct') for (const f of t.fields) out.push(...invalidNames(f));
  return out;
}

function planNew(
  table: string,
  query: readonly QueryColumn[],
  fields: StructField[],
  partitionBy: readonly string[],
  configuration: Readonly<Record<string, string>>,
  now: number,
): SchemaPlan {
  const partitionColumns = partitionBy.map((p) => {
    const f = fields.find((x) => x.name.toLowerCase() === p.toLowerCase());
    if (!f)
      throw new UsageError(
        `Cannot partition ${table} by "${p}": the query has no such column (it has ${fields.map((x) => `"${x.name}"`).join(', ')}).`,
      );
    return f.name;
  });
  checkPartitionColumns(table, fields, partitionColumns);
  const schema: StructType = { type: 'struct', fields };
  const needsNtz = usesTimestampNtz(schema);
  return {
    schema,
    partitionColumns,
    columns: writeColumns(fields, query, partitionColumns),
    metadata: {
      id: randomUUID(),
      format: { provider: 'parquet', options: {} },
      schemaString: serializeSchema(schema),
      partitionColumns,
      configuration: { ...configuration },
      createdTime: now,
    },
    protocol: needsNtz
      ? {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['timestampNtz'],
          writerFeatures: ['timestampNtz'],
        }
      : { minReaderVersion: 1, minWriterVersion: 2 },
    addedColumns: [],
    notNull: [],
  };
}

function checkPartitionColumns(
  table: string,
  fields: readonly StructField[],
  partitionColumns: readonly string[],
): void {
  if (new Set(partitionColumns.map((p) => p.toLowerCase())).size !== partitionColumns.length) {
    throw new UsageError(
      `The partition columns of ${table} name a column twice: ${partitionColumns.join(', ')}.`,
    );
  }
  if (partitionColumns.length > 0 && partitionColumns.length >= fields.length) {
    throw new UsageError(
      `Cannot partition ${table} by every column: a Delta table needs at least one column stored in its files.`,
    );
  }
  for (const p of partitionColumns) {
    const t = fields.find((f) => f.name === p)?.type;
    if (t === undefined || typeof t !== 'string' || t === 'binary') {
      throw new UsageError(
        `Cannot partition ${table} by "${p}" (${t === undefined ? 'unknown' : typeName(t)}): partition columns must be strings, numbers, booleans, dates or timestamps.`,
      );
    }
  }
}

function planExisting(
  table: string,
  existing: ExistingTable,
  query: readonly QueryColumn[],
  queryFields: StructField[],
  partitionBy: readonly string[] | undefined,
): SchemaPlan {
  const partitionColumns = existing.metadata.partitionColumns;
  if (partitionBy && !sameNames(partitionBy, partitionColumns)) {
    throw new UsageError(
      `${table} is partitioned by [${partitionColumns.join(', ')}], not [${partitionBy.join(', ')}]. Write with the table's partition columns, or overwrite it into a new table.`,
    );
  }
  const problems: string[] = [];
  const byName = new Map(queryFields.map((f) => [f.name.toLowerCase(), f]));
  for (const f of existing.schema.fields) {
    const q = byName.get(f.name.toLowerCase());
    if (!q) {
      problems.push(
        `The query has no column "${f.name}" (${typeName(f.type)}); add it, e.g. CAST(NULL AS ${toDuckDbType(f.type)}) AS "${f.name}".`,
      );
    } else if (!canWriteInto(q.type, f.type)) {
      problems.push(
        `Column "${f.name}" is ${typeName(f.type)} in the table but ${typeName(q.type)} in the query; cast it, e.g. CAST("${q.name}" AS ${toDuckDbType(f.type)}) AS "${f.name}". Changing a column's type needs a rewrite of the table (mode 'overwrite' into a new table).`,
      );
    }
  }
  if (problems.length > 0)
    throw new UsageError(`The query does not match the schema of ${table}:\n${problems.join('\n')}`, {
      problems,
    });
  const known = new Set(existing.schema.fields.map((f) => f.name.toLowerCase()));
  const added = queryFields.filter((f) => !known.has(f.name.toLowerCase()));
  const schema: StructType = { type: 'struct', fields: [...existing.schema.fields, ...added] };
  const protocol = usesTimestampNtz(schema) ? withFeature(existing.protocol, 'timestampNtz') : null;
  return {
    schema,
    partitionColumns: [...partitionColumns],
    columns: writeColumns(schema.fields, query, partitionColumns),
    metadata: added.length > 0 ? { ...existing.metadata, schemaString: serializeSchema(schema) } : null,
    protocol,
    addedColumns: added.map((f) => f.name),
    notNull: existing.schema.fields.filter((f) => !f.nullable).map((f) => f.name),
  };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === (b[i] ?? '').toLowerCase());
}

function writeColumns(
  fields: readonly StructField[],
  query: readonly QueryColumn[],
  partitionColumns: readonly string[],
): WriteColumn[] {
  return fields.map((f) => {
    const source = query.find((q) => q.name.toLowerCase() === f.name.toLowerCase())?.name ?? f.name;
    return {
      name: f.name,
      source,
      type: f.type,
      duckType: toDuckDbType(f.type),
      partition: partitionColumns.includes(f.name),
    };
  });
}

/** True when a value of `from` can be stored as `to` without loss (equal types, or integer/float/decimal widening). */
export function canWriteInto(from: DataType, to: DataType): boolean {
  if (typeName(from) === typeName(to)) return true;
  if (typeof from !== 'string' || typeof to !== 'string') return false;
  const ints = ['byte', 'short', 'integer', 'long'];
  if (ints.includes(from) && ints.includes(to)) return ints.indexOf(from) <= ints.indexOf(to);
  if (from === 'float' && to === 'double') return true;
  const df = /^decimal\((\d+),(\d+)\)$/.exec(from);
  const dt = /^decimal\((\d+),(\d+)\)$/.exec(to);
  if (df && dt) {
    const [pf, sf, pt, st] = [df[1], df[2], dt[1], dt[2]].map(Number) as [number, number, number, number];
    return st >= sf && pt - st >= pf - sf;
  }
  return false;
}

function usesTimestampNtz(t: DataType | StructType): boolean {
  if (typeof t === 'string') return t === 'timestamp_ntz';
  switch (t.type) {
    case 'struct':
      return t.fields.some((f) => usesTimestampNtz(f.type));
    case 'array':
      return usesTimestampNtz(t.elementType);
    case 'map':
      return usesTimestampNtz(t.keyType) || usesTimestampNtz(t.valueType);
  }
}

/** `p` with a reader+writer feature; legacy versions become 3/7 listing the features they implied. */
export function withFeature(p: Protocol, feature: string): Protocol | null {
  if (p.readerFeatures?.includes(feature) && p.writerFeatures?.includes(feature)) return null;
  const impliedReader = p.minReaderVersion >= 2 && p.minReaderVersion < 3 ? ['columnMapping'] : [];
  const impliedWriter = p.minWriterVersion < 7 ? legacyWriterFeatures(p.minWriterVersion) : [];
  const reader = new Set([...(p.readerFeatures ?? impliedReader), feature]);
  const writer = new Set([...(p.writerFeatures ?? impliedWriter), ...reader, feature]);
  return {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: [...reader],
    writerFeatures: [...writer],
  };
}

function legacyWriterFeatures(version: number): string[] {
  const out: string[] = [];
  if (version >= 2) out.push('appendOnly', 'invariants');
  if (version >= 3) out.push('checkConstraints');
  if (version >= 4) out.push('changeDataFeed', 'generatedColumns');
  if (version >= 5) out.push('columnMapping');
  if (version >= 6) out.push('identityColumns');
  return out;
}

/** Refuses a write the table's protocol or properties forbid, naming the feature and the fix. */
export function checkCanWrite(table: string, existing: ExistingTable, mode: WriteMode): void {
  const { protocol, metadata, schema } = existing;
  checkWritable(protocol, table);
  const invariant = schema.fields.find((f) => 'delta.invariants' in f.metadata);
  if (invariant) {
    throw new UnsupportedFeatureError(
      `${table} declares an invariant on column "${invariant.name}", which this workbench cannot check; it will not write to the table. Write it with Spark or delta-rs.`,
      'invariants',
    );
  }
  if (mode !== 'append' && metadata.configuration['delta.appendOnly'] === 'true') {
    throw new UsageError(
      `${table} is append-only (delta.appendOnly = true): a '${mode}' write would remove data. Append instead, or unset the property.`,
    );
  }
}
