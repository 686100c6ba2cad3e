// Writing Delta tables with real DuckDB and real files: the log a write leaves
// (partition values, stats, schema, protocol) checked file by file against
// DuckDB's own reading of the parquet files; the files in the log are exactly
// the files on disk; the rows read back (by hand from the log, and through
// scan.ts) equal the query's; modes, txn, schema evolution and refusals;
// writing into a table Spark wrote; throughput.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings } from '../../src/pipeline';
import { quoteLiteral } from '../../src/pipeline/engine/sql';
import { decodePath, serializeCommit } from '../../src/pipeline/delta/actions';
import type { Add, DeltaAction, Metadata, Remove } from '../../src/pipeline/delta/actions';
import { loadSnapshot } from '../../src/pipeline/delta/load';
import { readRows, scanSql } from '../../src/pipeline/delta/scan';
import { parseSchemaString } from '../../src/pipeline/delta/schema';
import { localTable } from '../../src/pipeline/delta/table';
import { requireCommitted, writeDelta } from '../../src/pipeline/delta/write';
import type { WriteOptions } from '../../src/pipeline/delta/write';
import { parquetOnDisk, readLog } from './fixtures/delta-helpers';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;
let engine: EngineClient;
let work: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-delta-write-'));
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
  // Every kind of value the brief names: dates, strings (odd ones in partition folders), ints,
  // decimals, timestamps with and without zone, long strings, nested structs, nulls everywhere.
  await engine.run(`CREATE OR REPLACE TABLE src AS
    SELECT i AS id,
      DATE '2024-05-01' + (i % 4)::INTEGER AS dt,
      CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN 'eu west' WHEN 2 THEN 'a/b=c%d:e' WHEN 3 THEN 'ünï ☃' WHEN 4 THEN '' ELSE 'us' END AS region,
      ((i * 7) % 1000)::INTEGER AS qty,
      CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 1.37)::DECIMAL(12,2) END AS amount,
      TIMESTAMPTZ '2024-05-01 00:00:00+00' + to_microseconds(i * 1234567) AS ts,
      TIMESTAMP '2024-05-01 00:00:00' + to_microseconds(i * 7654321) AS local_ts,
      CASE WHEN i % 11 = 0 THEN NULL ELSE md5(i::VARCHAR) END AS note,
      repeat('x', 40) || i::VARCHAR AS long_text,
      i % 2 = 0 AS flag,
      {'a': i, 'b': CASE WHEN i % 5 = 0 THEN NULL ELSE 'n' || i::VARCHAR END} AS nested
    FROM range(5000) t(i)`);
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

function tableAt(name: string): ReturnType<typeof localTable> {
  return localTable(path.join(work, name), engine);
}

async function write(name: string, opts: WriteOptions): Promise<number> {
  const r = requireCommitted(await writeDelta(tableAt(name), opts), name);
  if (r.status !== 'committed') throw new Error(`expected a commit, got ${JSON.stringify(r)}`);
  return r.version;
}

function addsOf(actions: readonly DeltaAction[]): Add[] {
  return actions.flatMap((a) => ('add' in a ? [a.add] : []));
}
function removesOf(actions: readonly DeltaAction[]): Remove[] {
  return actions.flatMap((a) => ('remove' in a ? [a.remove] : []));
}

async function scalar(sql: string): Promise<string | number | boolean | null> {
  const r = await engine.read(sql);
  const v = r.rows[0]?.[0];
  return v === undefined || (typeof v === 'object' && v !== null) ? null : v;
}

/** Rows of `a` not in `b` plus rows of `b` not in `a` (multiset difference); 0 means equal. */
async function difference(a: string, b: string): Promise<number> {
  return Number(
    await scalar(
      `SELECT count(*) FROM ((FROM (${a}) EXCEPT ALL FROM (${b})) UNION ALL (FROM (${b}) EXCEPT ALL FROM (${a})))`,
    ),
  );
}

/** The table's rows read by hand: each live file plus its partition values from the log as typed constants. */
function readByHandSql(root: string, adds: readonly Add[]): string {
  return adds
    .map((a) => {
      const dt = a.partitionValues['dt'];
      const region = a.partitionValues['region'];
      const file = quoteLiteral(path.join(root, decodePath(a.path)));
      return `SELECT * EXCLUDE (nested), nested, ${dt === null || dt === undefined ? 'NULL' : quoteLiteral(dt)}::DATE AS dt, ${region === null || region === undefined ? 'NULL' : quoteLiteral(region)}::VARCHAR AS region FROM read_parquet(${file}, hive_partitioning = false)`;
    })
    .join(' UNION ALL BY NAME ');
}

const COLUMNS = 'id, dt, region, qty, amount, ts, local_ts, note, long_text, flag, nested';
const SOURCE = `SELECT id, dt, NULLIF(region, '') AS region, qty, amount, ts, local_ts, note, long_text, flag, nested FROM src`;

describe('a partitioned table with every kind of value', () => {
  const name = 'events';
  const root = (): string => path.join(work, name);

  beforeAll(async () => {
    expect(
      await write(name, { sql: 'SELECT * FROM src', mode: 'append', partitionBy: ['dt', 'region'] }),
    ).toBe(0);
  });

  it('commits protocol, metaData and commitInfo as the protocol describes them', () => {
    const [v0] = readLog(root());
    const actions = v0?.actions ?? [];
    expect(Object.keys(actions[0] ?? {})).toEqual(['commitInfo']);
    const info = actions[0] && 'commitInfo' in actions[0] ? actions[0].commitInfo : {};
    expect(info).toMatchObject({
      operation: 'CREATE TABLE',
      operationParameters: { mode: 'Append', partitionBy: '["dt","region"]' },
      isBlindAppend: true,
      engineInfo: expect.stringMatching(/^lakehouse-workbench\/\d+\.\d+\.\d+/),
      operationMetrics: { numOutputRows: '5000', numRemovedFiles: '0' },
    });
    expect(info.txnId).toMatch(/^[0-9a-f-]{36}$/);
    expect(info).not.toHaveProperty('readVersion');
    // A zone-less TIMESTAMP column needs the timestampNtz table feature.
    expect(actions.find((a) => 'protocol' in a)).toEqual({
      protocol: {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['timestampNtz'],
        writerFeatures: ['timestampNtz'],
      },
    });
    const meta = actions.find((a): a is { metaData: Metadata } => 'metaData' in a)?.metaData;
    expect(meta).toMatchObject({
      format: { provider: 'parquet', options: {} },
      partitionColumns: ['dt', 'region'],
      configuration: {},
    });
    const schema = parseSchemaString(meta?.schemaString ?? '');
    expect(schema.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['id', 'long', true],
      ['dt', 'date', true],
      ['region', 'string', true],
      ['qty', 'integer', true],
      ['amount', 'decimal(12,2)', true],
      ['ts', 'timestamp', true],
      ['local_ts', 'timestamp_ntz', true],
      ['note', 'string', true],
      ['long_text', 'string', true],
      ['flag', 'boolean', true],
      [
        'nested',
        {
          type: 'struct',
          fields: [
            { name: 'a', type: 'long', nullable: true, metadata: {} },
            { name: 'b', type: 'string', nullable: true, metadata: {} },
          ],
        },
        true,
      ],
    ]);
  });

  it('lists exactly the parquet files on disk, in Spark-style partition folders', async () => {
    const adds = addsOf(readLog(root())[0]?.actions ?? []);
    // '' and NULL are the one null partition.
    expect(adds.length).toBe(
      await scalar(`SELECT count(DISTINCT (dt, NULLIF(region, '')))::INTEGER FROM src`),
    );
    expect(adds.length).toBe(10);
    expect(adds.map((a) => decodePath(a.path)).sort()).toEqual(parquetOnDisk(root()));
    const dirs = new Set(adds.map((a) => path.posix.dirname(decodePath(a.path))));
    expect(dirs).toContain('dt=2024-05-01/region=__HIVE_DEFAULT_PARTITION__');
    expect(dirs).toContain('dt=2024-05-03/region=a%2Fb%3Dc%25d%3Ae'); // '/', '=', '%', ':' escaped as Spark does
    expect(dirs).toContain('dt=2024-05-02/region=eu west'); // spaces and non-ASCII are not
    expect(dirs).toContain('dt=2024-05-04/region=ünï ☃');
    for (const a of adds) {
      expect(a.dataChange).toBe(true);
      expect(a.size).toBe(fs.statSync(path.join(root(), decodePath(a.path))).size);
      expect(a.modificationTime).toBeGreaterThan(Date.now() - 600_000);
    }
  });

  it('records each file’s partition values: the values of exactly the rows in that file', async () => {
    for (const a of addsOf(readLog(root())[0]?.actions ?? [])) {
      const file = quoteLiteral(path.join(root(), decodePath(a.path)));
      const got = await engine.read(
        `SELECT DISTINCT CAST(dt AS VARCHAR), NULLIF(region, '') FROM src WHERE id IN (SELECT id FROM read_parquet(${file}))`,
      );
      expect(got.rows).toEqual([[a.partitionValues['dt'], a.partitionValues['region']]]);
      expect(Object.keys(a.partitionValues).sort()).toEqual(['dt', 'region']);
    }
  });

  it('records stats that match DuckDB’s count, min, max and null count of each file', async () => {
    for (const a of addsOf(readLog(root())[0]?.actions ?? [])) {
      const stats = JSON.parse(a.stats ?? '{}') as {
        numRecords: number;
        minValues: Record<string, unknown>;
        maxValues: Record<string, unknown>;
        nullCount: Record<string, unknown>;
      };
      const file = quoteLiteral(path.join(root(), decodePath(a.path)));
      const r =
        await engine.read(`SELECT count(*)::INTEGER, min(id)::INTEGER, max(id)::INTEGER, min(qty), max(qty),
          min(amount)::DOUBLE, max(amount)::DOUBLE, strftime(timezone('UTC', min(ts)), '%Y-%m-%dT%H:%M:%S.%gZ'),
          strftime(timezone('UTC', max(ts)), '%Y-%m-%dT%H:%M:%S.%gZ'), strftime(min(local_ts), '%Y-%m-%dT%H:%M:%S.%g'),
          strftime(max(local_ts), '%Y-%m-%dT%H:%M:%S.%g'), min(note), max(note), min(long_text), max(long_text),
          min(nested.a)::INTEGER, max(nested.a)::INTEGER,
          (count(*) - count(amount))::INTEGER, (count(*) - count(note))::INTEGER, (count(*) - count(nested.b))::INTEGER,
          (count(*) - count(flag))::INTEGER
        FROM read_parquet(${file})`);
      const [
        n,
        minId,
        maxId,
        minQty,
        maxQty,
        minAmt,
        maxAmt,
        minTs,
        maxTs,
        minLts,
        maxLts,
        minNote,
        maxNote,
        minLong,
        maxLong,
        minA,
        maxA,
        nullAmt,
        nullNote,
        nullB,
        nullFlag,
      ] = r.rows[0] ?? [];
      expect(stats.numRecords).toBe(n);
      expect(stats.minValues).toMatchObject({
        id: minId,
        qty: minQty,
        amount: minAmt,
        ts: minTs,
        local_ts: minLts,
        nested: { a: minA },
      });
      expect(stats.maxValues).toMatchObject({
        id: maxId,
        qty: maxQty,
        amount: maxAmt,
        ts: maxTs,
        local_ts: maxLts,
        nested: { a: maxA },
      });
      if (minNote !== null)
        expect([stats.minValues['note'], stats.maxValues['note']]).toEqual([minNote, maxNote]);
      // Long strings: a prefix of at most 32 characters for min, a bumped prefix ≥ every value for max.
      expect(stats.minValues['long_text']).toBe(String(minLong).slice(0, 32));
      const maxBound = String(stats.maxValues['long_text']);
      expect(maxBound.length).toBeLessThanOrEqual(32);
      expect(maxBound > String(maxLong)).toBe(true);
      expect(stats.nullCount).toMatchObject({
        id: 0,
        amount: nullAmt,
        note: nullNote,
        flag: nullFlag,
        nested: { a: 0, b: nullB },
      });
      // Partition columns are not in the files, so not in the stats; booleans get no bounds.
      expect(stats.minValues).not.toHaveProperty('dt');
      expect(stats.minValues).not.toHaveProperty('flag');
    }
  });

  it('reads back as the query’s rows: by hand from the log, and through scan.ts', async () => {
    const adds = addsOf(readLog(root())[0]?.actions ?? []);
    expect(await difference(`SELECT ${COLUMNS} FROM (${readByHandSql(root(), adds)})`, SOURCE)).toBe(0);
    const snapshot = await loadSnapshot(tableAt(name));
    expect(snapshot.version).toBe(0);
    expect(await difference(`SELECT ${COLUMNS} FROM (${await scanSql(snapshot)})`, SOURCE)).toBe(0);
    expect((await readRows(snapshot, { columns: ['id'], maxRows: 10_000 })).rows).toHaveLength(5000);
  });

  it('appends to the table it wrote (timestampNtz is a writer feature it honours)', async () => {
    expect(await write(name, { sql: 'SELECT * FROM src WHERE id < 10', mode: 'append' })).toBe(1);
    const info = readLog(root())[1]?.actions[0];
    expect(info && 'commitInfo' in info ? info.commitInfo : {}).toMatchObject({
      operation: 'WRITE',
      readVersion: 0,
      isBlindAppend: true,
    });
    const snapshot = await loadSnapshot(tableAt(name));
    expect((await readRows(snapshot, { columns: ['id'], maxRows: 10_000 })).rows).toHaveLength(5010);
  });
});

describe('modes and txn', () => {
  const name = 'daily';
  const rows = async (): Promise<string[]> => {
    const r = await readRows(await loadSnapshot(tableAt(name)), { columns: ['dt', 'v'], maxRows: 10_000 });
    return r.rows.map((x) => `${String(x[0])}:${String(x[1])}`).sort();
  };
  const day = (d: string, v: string, n = 2): string =>
    `SELECT DATE ${quoteLiteral(d)} AS dt, ${quoteLiteral(v)} AS v, range AS id FROM range(${n})`;

  it('append, then replacePartitions replaces only the days the query writes', async () => {
    expect(
      await write(name, {
        sql: `${day('2024-05-01', 'a')} UNION ALL ${day('2024-05-02', 'a')}`,
        mode: 'append',
        partitionBy: ['dt'],
      }),
    ).toBe(0);
    expect(await write(name, { sql: day('2024-05-02', 'b'), mode: 'append' })).toBe(1);
    expect(await write(name, { sql: day('2024-05-02', 'c', 1), mode: 'replacePartitions' })).toBe(2);
    expect(await rows()).toEqual(['2024-05-01:a', '2024-05-01:a', '2024-05-02:c']);
    const v2 = readLog(path.join(work, name))[2]?.actions ?? [];
    const removes = removesOf(v2);
    expect(removes).toHaveLength(2);
    for (const r of removes) {
      expect(r).toMatchObject({
        dataChange: true,
        extendedFileMetadata: true,
        partitionValues: { dt: '2024-05-02' },
      });
      expect(r.size).toBeGreaterThan(0);
      expect(r.deletionTimestamp).toBeGreaterThan(0);
    }
    expect(v2[0]).toMatchObject({
      commitInfo: {
        operation: 'REPLACE PARTITIONS',
        operationParameters: { mode: 'Overwrite', partitionOverwriteMode: 'DYNAMIC' },
        isBlindAppend: false,
        readVersion: 1,
      },
    });
  });

  it('replacePartitions with named partitions empties a day the query has no rows for', async () => {
    const v = await write(name, {
      sql: day('2024-05-03', 'd'),
      mode: 'replacePartitions',
      partitions: [{ dt: '2024-05-01' }, { dt: '2024-05-03' }],
    });
    expect(v).toBe(3);
    expect(await rows()).toEqual(['2024-05-02:c', '2024-05-03:d', '2024-05-03:d']);
  });

  it('refuses rows outside the named partitions, leaving the table as it was', async () => {
    await expect(
      writeDelta(tableAt(name), {
        sql: day('2024-05-09', 'x'),
        mode: 'replacePartitions',
        partitions: [{ dt: '2024-05-03' }],
      }),
    ).rejects.toThrow(/partition dt=2024-05-09 .* not among the partitions being replaced/);
    expect((await loadSnapshot(tableAt(name))).version).toBe(3);
  });

  it('overwrite removes every live file', async () => {
    const before = (await loadSnapshot(tableAt(name))).files.length;
    const r = await writeDelta(tableAt(name), { sql: day('2024-06-01', 'o', 3), mode: 'overwrite' });
    expect(r).toMatchObject({
      status: 'committed',
      version: 4,
      metrics: { numRemovedFiles: before, numOutputRows: 3 },
    });
    expect(await rows()).toEqual(['2024-06-01:o', '2024-06-01:o', '2024-06-01:o']);
  });

  it('a txn commits once: the same or an older app version is skipped without writing', async () => {
    const txn = { appId: 'daily/2024-06-02', version: 5 };
    expect(await write(name, { sql: day('2024-06-02', 't', 1), mode: 'replacePartitions', txn })).toBe(5);
    const filesBefore = parquetOnDisk(path.join(work, name));
    for (const version of [5, 4]) {
      const r = await writeDelta(tableAt(name), {
        sql: day('2024-06-02', 't', 1),
        mode: 'replacePartitions',
        txn: { ...txn, version },
      });
      expect(r).toMatchObject({ status: 'skipped', version: 5, appId: txn.appId, appVersion: 5 });
    }
    expect(parquetOnDisk(path.join(work, name))).toEqual(filesBefore);
    expect(
      await write(name, {
        sql: day('2024-06-02', 'u', 1),
        mode: 'replacePartitions',
        txn: { ...txn, version: 6 },
      }),
    ).toBe(6);
    expect((await loadSnapshot(tableAt(name))).appVersions.get(txn.appId)).toBe(6);
    expect(readLog(path.join(work, name))[6]?.actions.find((a) => 'txn' in a)).toMatchObject({
      txn: { appId: txn.appId, version: 6 },
    });
  });
});

describe('schema', () => {
  const name = 'evolving';

  it('adds a new nullable column with a new metaData; older rows read it as null', async () => {
    await write(name, { sql: 'SELECT 1::BIGINT AS id, 10 AS qty', mode: 'append' });
    // The query's INTEGER id is widened to the table's BIGINT.
    expect(
      await write(name, { sql: `SELECT 2::INTEGER AS id, 20 AS qty, 'hello' AS note`, mode: 'append' }),
    ).toBe(1);
    const meta = readLog(path.join(work, name))[1]?.actions.find(
      (a): a is { metaData: Metadata } => 'metaData' in a,
    )?.metaData;
    expect(parseSchemaString(meta?.schemaString ?? '').fields.map((f) => f.name)).toEqual([
      'id',
      'qty',
      'note',
    ]);
    const r = await readRows(await loadSnapshot(tableAt(name)), { columns: ['id', 'note'] });
    expect(r.rows.sort()).toEqual([
      ['1', null],
      ['2', 'hello'],
    ]);
  });

  it('refuses a changed type and a type Delta cannot hold, naming the column and the CAST', async () => {
    const before = parquetOnDisk(path.join(work, name));
    await expect(
      writeDelta(tableAt(name), { sql: `SELECT 'x' AS id, 1 AS qty, 'n' AS note`, mode: 'append' }),
    ).rejects.toThrow(
      /Column "id" is long in the table but string in the query; cast it, e\.g\. CAST\("id" AS BIGINT\)/,
    );
    await expect(
      writeDelta(tableAt('unsigned'), { sql: 'SELECT 1::UBIGINT AS n', mode: 'append' }),
    ).rejects.toThrow(/"n" has the DuckDB type UBIGINT.*CAST\("n" AS DECIMAL\(20,0\)\) AS "n"/);
    expect(parquetOnDisk(path.join(work, name))).toEqual(before);
    expect(fs.existsSync(path.join(work, 'unsigned', '_delta_log'))).toBe(false);
  });

  it('refuses nulls in a column the table declares NOT NULL', async () => {
    const t = 'strict';
    await write(t, { sql: 'SELECT 1::BIGINT AS id, 2 AS v', mode: 'append' });
    const snap = await loadSnapshot(tableAt(t));
    const schema = {
      ...snap.schema,
      fields: snap.schema.fields.map((f) => (f.name === 'id' ? { ...f, nullable: false } : f)),
    };
    const meta: DeltaAction = { metaData: { ...snap.metadata, schemaString: JSON.stringify(schema) } };
    fs.writeFileSync(
      path.join(work, t, '_delta_log', '00000000000000000001.json'),
      serializeCommit([{ commitInfo: { operation: 'SET NOT NULL' } }, meta]),
    );
    await expect(
      writeDelta(tableAt(t), { sql: 'SELECT NULL::BIGINT AS id, 3 AS v', mode: 'append' }),
    ).rejects.toThrow(/Column "id" of .* is NOT NULL/);
    expect(await write(t, { sql: 'SELECT 4::BIGINT AS id, 3 AS v', mode: 'append' })).toBe(2);
  });
});

describe('unpartitioned tables', () => {
  it('rolls over to a new file at the target size; the stats add up', async () => {
    const name = 'big';
    const r = await writeDelta(tableAt(name), {
      sql: 'SELECT range AS id, md5(range::VARCHAR) AS h FROM range(300000)',
      mode: 'append',
      targetFileSize: '2MB',
    });
    expect(r.status).toBe('committed');
    const adds = addsOf(readLog(path.join(work, name))[0]?.actions ?? []);
    expect(adds.length).toBeGreaterThan(2);
    expect(
      adds.reduce((n, a) => n + (JSON.parse(a.stats ?? '{}') as { numRecords: number }).numRecords, 0),
    ).toBe(300000);
    expect(adds.every((a) => !a.path.includes('/') && Object.keys(a.partitionValues).length === 0)).toBe(
      true,
    );
    expect(adds.map((a) => decodePath(a.path)).sort()).toEqual(parquetOnDisk(path.join(work, name)));
  });

  it('creates an empty table from a query without rows (no file is left behind)', async () => {
    const name = 'empty';
    expect(
      await write(name, { sql: "SELECT 1 AS a, DATE '2024-01-01' AS d WHERE false", mode: 'append' }),
    ).toBe(0);
    const actions = readLog(path.join(work, name))[0]?.actions ?? [];
    expect(actions.map((a) => Object.keys(a)[0])).toEqual(['commitInfo', 'protocol', 'metaData']);
    expect(parquetOnDisk(path.join(work, name))).toEqual([]);
    expect((await readRows(await loadSnapshot(tableAt(name)))).rows).toEqual([]);
  });

  it('refuses replacePartitions on a table without partitions', async () => {
    await expect(
      writeDelta(tableAt('empty'), {
        sql: "SELECT 2 AS a, DATE '2024-01-02' AS d",
        mode: 'replacePartitions',
      }),
    ).rejects.toThrow(/not partitioned.*mode 'overwrite'/);
  });
});

describe('cancel', () => {
  it('an aborted write stops DuckDB and commits nothing', async () => {
    const name = 'aborted';
    await write(name, { sql: 'SELECT 1::BIGINT AS id', mode: 'append' });
    const ac = new AbortController();
    const pending = writeDelta(tableAt(name), {
      sql: "SELECT range AS id FROM range(2000000000) WHERE md5(range::VARCHAR) > '0'",
      mode: 'append',
      signal: ac.signal,
      onStage: (s) => {
        if (s === 'files-started') setTimeout(() => ac.abort(), 300);
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await loadSnapshot(tableAt(name))).version).toBe(0);
  });
});

describe.skipIf(!fs.existsSync(TESTDATA))('a table Spark wrote', () => {
  it('replaces a partition with a special-character value; Spark’s file is removed, the folder escaped as Spark does', async () => {
    const root = path.join(work, 'spark-escaped');
    fs.cpSync(path.join(TESTDATA, 'data-reader-escaped-chars'), root, { recursive: true });
    const table = localTable(root, engine);
    const before = await loadSnapshot(table);
    const sparkFile = before.files.find((f) => f.partitionValues['_2'] === 'bar+%21');
    expect(sparkFile).toBeDefined();
    const r = await writeDelta(table, {
      sql: `SELECT 'replaced' AS _1, 'bar+%21' AS _2`,
      mode: 'replacePartitions',
    });
    expect(r).toMatchObject({
      status: 'committed',
      version: before.version + 1,
      metrics: { numRemovedFiles: 1, numFiles: 1 },
    });
    const commit = readLog(root).at(-1)?.actions ?? [];
    expect(removesOf(commit).map((x) => x.path)).toEqual([sparkFile?.path]);
    const [added] = addsOf(commit);
    expect(decodePath(added?.path ?? '')).toMatch(/^_2=bar\+%2521\/part-[0-9a-f-]{36}\.parquet$/);
    const rows = await readRows(await loadSnapshot(table));
    expect(rows.rows.map((x) => `${String(x[0])}|${String(x[1])}`).sort()).toEqual(
      ['foo2|bar+%22', 'foo3|bar+%23', 'replaced|bar+%21'].sort(),
    );
  });
});

describe('throughput', () => {
  it('writes 2M rows into 30 daily partitions', async () => {
    const started = performance.now();
    const r = await writeDelta(tableAt('throughput'), {
      sql: `SELECT range AS id, DATE '2024-01-01' + (range % 30)::INTEGER AS dt, (range % 997)::INTEGER AS qty,
              (range * 0.01)::DECIMAL(18,2) AS amount, 'user-' || (range % 50000)::VARCHAR AS user_id,
              TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds(range * 1000) AS ts
            FROM range(2000000)`,
      mode: 'append',
      partitionBy: ['dt'],
    });
    const ms = performance.now() - started;
    expect(r).toMatchObject({ status: 'committed', metrics: { numFiles: 30, numOutputRows: 2_000_000 } });
    const bytes = r.status === 'committed' ? r.metrics.numOutputBytes : 0;
    console.log(
      `delta write throughput: 2,000,000 rows, 30 partitions, ${(bytes / 1e6).toFixed(1)} MB in ${Math.round(ms)} ms = ${Math.round(2e6 / (ms / 1000)).toLocaleString('en')} rows/s, ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`,
    );
  });
});
