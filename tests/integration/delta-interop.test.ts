// Reading rows from the reference Delta tables (written by Spark / delta-rs /
// kernel): for every table and every version the row count, live files, sorted
// column values, result columns and types and protocol equal expected.json; the
// latest version's rows equal all_rows (or contain sample_rows). Then synthetic
// tables for what the reference set lacks: column mapping `id`, nested renames,
// inline/absolute DVs, glob characters in paths, predicates, damaged tables.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings } from '../../src/pipeline';
import type { Add, DeletionVectorDescriptor } from '../../src/pipeline/delta/actions';
import { z85Encode } from '../../src/pipeline/delta/deletion-vectors';
import { loadSnapshot } from '../../src/pipeline/delta/load';
import { planScan, readRows, scanSql } from '../../src/pipeline/delta/scan';
import { fromDuckDbType, parseSchemaString, typeName } from '../../src/pipeline/delta/schema';
import type { DataType, StructType } from '../../src/pipeline/delta/schema';
import type { Snapshot } from '../../src/pipeline/delta/snapshot';
import { localTable } from '../../src/pipeline/delta/table';
import type { CellValue } from '../../src/shared/query';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;
const present = fs.existsSync(TESTDATA);
if (!present)
  console.log(`skipping the Delta interop tables: ${TESTDATA} does not exist (set LAKEHOUSE_DELTA_TESTDATA)`);

type Row = Record<string, unknown>;
interface Expected {
  latest_version: number;
  versions: Record<
    string,
    {
      row_count: number;
      live_file_count: number;
      columns?: string[];
      protocol?: Record<string, unknown>;
      [k: string]: unknown;
    }
  >;
  schema: { name: string; type: string; nullable: boolean }[];
  protocol: Record<string, unknown>;
  row_count: number;
  all_rows?: Row[];
  sample_rows?: Row[];
}

const tables = present
  ? fs.readdirSync(TESTDATA).filter((t) => fs.existsSync(path.join(TESTDATA, t, 'expected.json')))
  : [];
let engine: EngineClient;
beforeAll(() => {
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
});
afterAll(async () => engine.dispose());

/**
 * Our cell in expected.json's value_encoding: integers as numbers, decimals as
 * strings. A zone-less timestamp partition value ("2021-09-08 11:11:11") is read
 * as UTC here (the writer's zone is not in the log), so the raw string is
 * compared through that reading.
 */
function normalize(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof type === 'string') {
    if (['long', 'integer', 'short', 'byte'].includes(type)) return Number(v);
    if (type === 'timestamp' && typeof v === 'string')
      return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`).toISOString();
    return v;
  }
  if (type.type === 'array') return (v as unknown[]).map((e) => normalize(type.elementType, e));
  if (type.type === 'struct') {
    const o = v as Row;
    return Object.fromEntries(type.fields.map((f) => [f.name, normalize(f.type, o[f.name])]));
  }
  return v;
}

function rowsOf(snap: Snapshot, result: { columns: { name: string }[]; rows: CellValue[][] }): Row[] {
  const types = new Map(snap.schema.fields.map((f) => [f.name, f.type]));
  return result.rows.map((r) =>
    Object.fromEntries(
      result.columns.map((c, i) => [c.name, normalize(types.get(c.name) ?? 'string', r[i])]),
    ),
  );
}

const key = (r: Row): string =>
  JSON.stringify(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]]),
  );
const project = (r: Row, keys: string[]): Row => Object.fromEntries(keys.map((k) => [k, r[k]]));

describe.skipIf(!present)('reading the reference tables', () => {
  it.each(tables)('%s: every version', async (name) => {
    const expected = JSON.parse(
      fs.readFileSync(path.join(TESTDATA, name, 'expected.json'), 'utf8'),
    ) as Expected;
    const table = localTable(path.join(TESTDATA, name), engine);
    for (const [v, exp] of Object.entries(expected.versions)) {
      const at = `${name} v${v}`;
      const snap = await loadSnapshot(table, { version: Number(v) });
      expect(snap.files.length, `${at} live files`).toBe(exp.live_file_count);
      const sql = await scanSql(snap);
      const count = await engine.read(`SELECT count(*) FROM (${sql})`);
      expect(Number(count.rows[0]?.[0]), `${at} rows`).toBe(exp.row_count);
      // The scan's columns are the schema's, with the table's types, even with no files.
      const empty = await engine.read(`SELECT * FROM (${sql}) LIMIT 0`);
      expect(
        empty.columns.map((c) => c.name),
        at,
      ).toEqual(exp.columns ?? snap.schema.fields.map((f) => f.name));
      expect(
        empty.columns.map((c) => typeName(fromDuckDbType(c.type) ?? 'binary')),
        at,
      ).toEqual(snap.schema.fields.map((f) => typeName(f.type)));
      if (exp.protocol) expect(snap.protocol, at).toMatchObject(exp.protocol);
      for (const [k, list] of Object.entries(exp)) {
        if (!k.startsWith('sorted_')) continue;
        const col = k.slice('sorted_'.length);
        const res = await readRows(snap, { columns: [col] });
        const got = rowsOf(snap, res)
          .map((r) => r[col] as number)
          .sort((a, b) => a - b);
        expect(got, `${at} ${k}`).toEqual(list);
      }
    }
  });

  it.each(tables)('%s: the latest version', async (name) => {
    const expected = JSON.parse(
      fs.readFileSync(path.join(TESTDATA, name, 'expected.json'), 'utf8'),
    ) as Expected;
    const snap = await loadSnapshot(localTable(path.join(TESTDATA, name), engine));
    expect(snap.version).toBe(expected.latest_version);
    expect(snap.protocol).toMatchObject(expected.protocol);
    expect(
      snap.schema.fields.map((f) => ({ name: f.name, type: typeName(f.type), nullable: f.nullable })),
    ).toEqual(expected.schema.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable })));
    const rows = rowsOf(snap, await readRows(snap));
    expect(rows.length).toBe(expected.row_count);
    const types = new Map(snap.schema.fields.map((f) => [f.name, f.type]));
    const norm = (r: Row): Row =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normalize(types.get(k) ?? 'string', v)]));
    if (expected.all_rows) {
      expect(rows.map(key).sort()).toEqual(expected.all_rows.map(norm).map(key).sort());
    }
    for (const sample of expected.sample_rows ?? []) {
      const want = key(norm(sample));
      expect(
        rows.some((r) => key(project(r, Object.keys(sample))) === want),
        `${name}: ${JSON.stringify(sample)}`,
      ).toBe(true);
    }
  });

  it('basic-with-inserts-overwrite-restore: every id 0..199 exactly once after RESTORE', async () => {
    const snap = await loadSnapshot(
      localTable(path.join(TESTDATA, 'basic-with-inserts-overwrite-restore'), engine),
    );
    const ids = rowsOf(snap, await readRows(snap))
      .map((r) => r['id'] as number)
      .sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('skips files by partition values and stats, and filters rows exactly', async () => {
    const snap = await loadSnapshot(
      localTable(path.join(TESTDATA, 'dv-partitioned-with-checkpoint'), engine),
    );
    const all = rowsOf(snap, await readRows(snap));
    const cases = [
      { predicates: [{ column: 'part', op: '=' as const, value: 8 }], keep: (r: Row) => r['part'] === 8 },
      {
        predicates: [{ column: 'col1', op: '>=' as const, value: 40 }],
        keep: (r: Row) => (r['col1'] as number) >= 40,
      },
      {
        predicates: [
          { column: 'part', op: 'in' as const, values: [1, 2] },
          { column: 'col2', op: 'is not null' as const },
        ],
        keep: (r: Row) => r['part'] === 1 || r['part'] === 2,
      },
    ];
    for (const c of cases) {
      const plan = planScan(snap, c);
      expect(plan.skipped, JSON.stringify(c.predicates)).toBeGreaterThan(0);
      const got = rowsOf(snap, await readRows(snap, c));
      expect(got.map(key).sort(), JSON.stringify(c.predicates)).toEqual(all.filter(c.keep).map(key).sort());
    }
  });

  it('returns chosen columns in the order asked, with a limit', async () => {
    const snap = await loadSnapshot(
      localTable(path.join(TESTDATA, 'data-reader-partition-values-column-mapping-name'), engine),
    );
    const res = await readRows(snap, { columns: ['value', 'as_date', 'as_int'], limit: 2 });
    expect(res.columns.map((c) => c.name)).toEqual(['value', 'as_date', 'as_int']);
    expect(res.rows.length).toBe(2);
    await expect(scanSql(snap, { columns: ['nope'] })).rejects.toThrow(/'nope' is not a column/);
  });
});

// ---- Synthetic tables --------------------------------------------------------

let tmp = '';
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-scan-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function snapshotOf(
  root: string,
  schema: StructType,
  files: Add[],
  opts: { partitionColumns?: string[]; configuration?: Record<string, string> } = {},
): Snapshot {
  const configuration = opts.configuration ?? {};
  const mode = configuration['delta.columnMapping.mode'];
  return {
    table: localTable(root, engine),
    version: 0,
    timestamp: 0,
    protocol: {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'columnMapping'],
      writerFeatures: [],
    },
    metadata: {
      id: 't',
      format: { provider: 'parquet' },
      schemaString: JSON.stringify(schema),
      partitionColumns: opts.partitionColumns ?? [],
      configuration,
    },
    schema,
    partitionColumns: opts.partitionColumns ?? [],
    columnMapping: mode === 'name' || mode === 'id' ? mode : 'none',
    files,
    tombstones: [],
    appVersions: new Map(),
    domains: new Map(),
  };
}

const add = (p: string, over: Partial<Add> = {}): Add => ({
  path: p,
  partitionValues: {},
  size: 1,
  modificationTime: 0,
  dataChange: true,
  ...over,
});

/** A portable RoaringBitmapArray of array containers (rows < 2^32, ≤ 4096 per 64K block). */
function roaring(rows: number[]): Buffer {
  const blocks = new Map<number, number[]>();
  for (const r of rows)
    blocks.set(Math.floor(r / 65536), [...(blocks.get(Math.floor(r / 65536)) ?? []), r % 65536]);
  const parts: Buffer[] = [];
  const u32 = (n: number): Buffer => Buffer.from(Uint32Array.of(n).buffer);
  const u16 = (n: number): Buffer => Buffer.from(Uint16Array.of(n).buffer);
  parts.push(u32(1681511377), u32(1), u32(0), u32(0), u32(12346), u32(blocks.size));
  for (const [k, vs] of blocks) parts.push(u16(k), u16(vs.length - 1));
  let offset = 8 + 8 * blocks.size;
  for (const vs of blocks.values()) {
    parts.push(u32(offset));
    offset += 2 * vs.length;
  }
  for (const vs of blocks.values()) parts.push(...vs.map(u16));
  return Buffer.concat(parts);
}

function dvFile(file: string, bitmap: Buffer): void {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(bitmap.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(bitmap) >>> 0);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([Buffer.from([1]), size, bitmap, crc]));
}

describe('synthetic tables', () => {
  it('column mapping id: columns by parquet field id, whatever their parquet names; unknown ids are NULL', async () => {
    const root = path.join(tmp, 'id-mode');
    fs.mkdirSync(root, { recursive: true });
    await engine.run(
      `COPY (SELECT 1::BIGINT AS anything, 'a' AS other) TO '${root}/a.parquet' (FIELD_IDS {anything: 1, other: 2})`,
    );
    await engine.run(`COPY (SELECT 2::BIGINT AS renamed) TO '${root}/b.parquet' (FIELD_IDS {renamed: 1})`);
    const meta = (id: number, phys: string): Record<string, unknown> => ({
      'delta.columnMapping.id': id,
      'delta.columnMapping.physicalName': phys,
    });
    const schema: StructType = {
      type: 'struct',
      fields: [
        { name: 'n', type: 'long', nullable: true, metadata: meta(1, 'col-n') },
        { name: 's', type: 'string', nullable: true, metadata: meta(2, 'col-s') },
        { name: 'later', type: 'integer', nullable: true, metadata: meta(3, 'col-later') },
      ],
    };
    const snap = snapshotOf(root, schema, [add('a.parquet'), add('b.parquet')], {
      configuration: { 'delta.columnMapping.mode': 'id' },
    });
    const res = await readRows(snap);
    expect(res.columns.map((c) => c.name)).toEqual(['n', 's', 'later']);
    expect(res.rows.map((r) => r.map(String)).sort()).toEqual([
      ['1', 'a', 'null'],
      ['2', 'null', 'null'],
    ]);
  });

  it('column mapping name: nested structs, lists and maps come back with logical names; missing nested fields are NULL', async () => {
    const root = path.join(tmp, 'name-nested');
    fs.mkdirSync(root, { recursive: true });
    await engine.run(
      `COPY (SELECT {'p-x': 1, 'p-y': 'y'} AS "p-s", [{'p-x': 2, 'p-y': 'z'}] AS "p-l", MAP {'k': {'p-x': 3, 'p-y': 'w'}} AS "p-m") TO '${root}/new.parquet'`,
    );
    await engine.run(`COPY (SELECT {'p-x': 9} AS "p-s") TO '${root}/old.parquet'`);
    const f = (name: string, phys: string, type: DataType): StructType['fields'][number] => ({
      name,
      type,
      nullable: true,
      metadata: { 'delta.columnMapping.physicalName': phys },
    });
    const inner: StructType = { type: 'struct', fields: [f('x', 'p-x', 'integer'), f('y', 'p-y', 'string')] };
    const schema: StructType = {
      type: 'struct',
      fields: [
        f('s', 'p-s', inner),
        f('l', 'p-l', { type: 'array', elementType: inner, containsNull: true }),
        f('m', 'p-m', { type: 'map', keyType: 'string', valueType: inner, valueContainsNull: true }),
      ],
    };
    const snap = snapshotOf(root, schema, [add('new.parquet'), add('old.parquet')], {
      configuration: { 'delta.columnMapping.mode': 'name' },
    });
    const res = await readRows(snap);
    expect(res.columns.map((c) => `${c.name} ${typeName(fromDuckDbType(c.type) ?? 'binary')}`)).toEqual([
      's struct<x:integer,y:string>',
      'l array<struct<x:integer,y:string>>',
      'm map<string,struct<x:integer,y:string>>',
    ]);
    const rows = res.rows.map((r) => JSON.stringify(r)).sort();
    expect(rows[0]).toBe(
      JSON.stringify([{ x: 1, y: 'y' }, [{ x: 2, y: 'z' }], [{ key: 'k', value: { x: 3, y: 'w' } }]]),
    );
    expect(rows[1]).toBe(JSON.stringify([{ x: 9, y: null }, null, null]));
  });

  it('partition values per file (typed, with nulls), inline and absolute-path DVs, glob characters in the table path', async () => {
    const root = path.join(tmp, 'odd [dir]*?');
    fs.mkdirSync(path.join(root, 'k=1'), { recursive: true });
    fs.mkdirSync(path.join(root, 'k=2'), { recursive: true });
    await engine.run(
      `COPY (SELECT range AS id FROM range(0, 10)) TO '${root.replaceAll("'", "''")}/k=1/a.parquet'`,
    );
    await engine.run(
      `COPY (SELECT range AS id FROM range(10, 2000)) TO '${root.replaceAll("'", "''")}/k=2/b.parquet'`,
    );
    await engine.run(
      `COPY (SELECT range AS id FROM range(2000, 2005)) TO '${root.replaceAll("'", "''")}/c.parquet'`,
    );
    const outside = path.join(tmp, 'elsewhere', 'dv.bin');
    dvFile(outside, roaring([0, 5, 9]));
    const inline: DeletionVectorDescriptor = {
      storageType: 'i',
      pathOrInlineDv: z85Encode(roaring(Array.from({ length: 1000 }, (_, i) => i))),
      sizeInBytes: roaring(Array.from({ length: 1000 }, (_, i) => i)).length,
      cardinality: 1000,
    };
    const abs: DeletionVectorDescriptor = {
      storageType: 'p',
      pathOrInlineDv: pathToFileURL(outside).href,
      offset: 1,
      sizeInBytes: roaring([0, 5, 9]).length,
      cardinality: 3,
    };
    const schema = parseSchemaString(
      JSON.stringify({
        type: 'struct',
        fields: [
          { name: 'id', type: 'long', nullable: true, metadata: {} },
          { name: 'k', type: 'timestamp_ntz', nullable: true, metadata: {} },
          { name: 'b', type: 'binary', nullable: true, metadata: {} },
        ],
      }),
    );
    const files = [
      add('k=1/a.parquet', {
        partitionValues: { k: '2024-01-01 00:00:00', b: '\u0001' },
        deletionVector: abs,
      }),
      add('k=2/b.parquet', {
        partitionValues: { k: '2024-01-02 12:30:00.5', b: null },
        deletionVector: inline,
      }),
      add('c.parquet', { partitionValues: { k: '', b: 'x' } }),
    ];
    const snap = snapshotOf(root, schema, files, { partitionColumns: ['k', 'b'] });
    const res = await readRows(snap, { maxRows: 10_000 });
    expect(res.columns.map((c) => c.type)).toEqual(['BIGINT', 'TIMESTAMP', 'BLOB']);
    expect(res.rows.length).toBe(10 - 3 + 1990 - 1000 + 5);
    const byId = new Map(res.rows.map((r) => [Number(r[0]), r]));
    expect(byId.has(0) || byId.has(5) || byId.has(10) || byId.has(1009)).toBe(false);
    expect(byId.get(1)?.slice(1)).toEqual(['2024-01-01T00:00:00', '\\x01']);
    expect(byId.get(1010)?.slice(1)).toEqual(['2024-01-02T12:30:00.5', null]);
    expect(byId.get(2004)?.slice(1)).toEqual([null, 'x']);
  });

  it('an empty snapshot still has typed columns', async () => {
    const schema = parseSchemaString(
      JSON.stringify({
        type: 'struct',
        fields: [
          { name: 'a', type: 'decimal(12,3)', nullable: true, metadata: {} },
          {
            name: 'b',
            type: { type: 'array', elementType: 'date', containsNull: true },
            nullable: true,
            metadata: {},
          },
        ],
      }),
    );
    const res = await readRows(snapshotOf(tmp, schema, []));
    expect(res.rows).toEqual([]);
    expect(res.columns.map((c) => `${c.name} ${c.type}`)).toEqual(['a DECIMAL(12,3)', 'b DATE[]']);
  });

  it('names the table and the file when a data file or a DV is missing', async () => {
    const schema = parseSchemaString(
      JSON.stringify({
        type: 'struct',
        fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }],
      }),
    );
    const gone = snapshotOf(tmp, schema, [add('gone.parquet')]);
    await expect(readRows(gone)).rejects.toThrow(/lists the data file .*gone\.parquet, which is missing/);
    const dv: DeletionVectorDescriptor = {
      storageType: 'u',
      pathOrInlineDv: '^-aqEH.-t@S}K{vb[*k^',
      offset: 1,
      sizeInBytes: 10,
      cardinality: 1,
    };
    const noDv = snapshotOf(tmp, schema, [add('x.parquet', { deletionVector: dv })]);
    await expect(scanSql(noDv)).rejects.toThrow(
      /x\.parquet.*deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61\.bin.*is missing/,
    );
  });
});
