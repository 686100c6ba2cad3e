// The commit stage without DuckDB or disks (MemoryStorage): version numbering,
// what happens when put-if-absent loses a race (retry or conflict, case by
// case), txn skips, the commit file's shape, and the pure helpers of the write
// path (stats bounds, schema planning, type refusals).
import { describe, expect, it } from 'vitest';
import type { EngineClient } from '../../src/pipeline/engine/client';
import { parseCommit, serializeCommit } from '../../src/pipeline/delta/actions';
import type { Add, DeltaAction, Metadata } from '../../src/pipeline/delta/actions';
import { backoffMs, commitPath, commitTransaction } from '../../src/pipeline/delta/commit';
import { fileStatsJson, timestampBound, truncateMax, truncateMin } from '../../src/pipeline/delta/file-stats';
import { MemoryStorage } from '../../src/pipeline/delta/storage';
import type { DeltaTable } from '../../src/pipeline/delta/table';
import { partitionKey, removeOf } from '../../src/pipeline/delta/transaction';
import type { PartitionColumn, ReadScope, Transaction } from '../../src/pipeline/delta/transaction';
import { canWriteInto, deltaTypeOf, planSchema, withFeature } from '../../src/pipeline/delta/write-schema';
import type { ExistingTable } from '../../src/pipeline/delta/write-schema';
import { parseSchemaString } from '../../src/pipeline/delta/schema';

const DT: PartitionColumn[] = [{ name: 'dt', type: 'date' }];
const noSleep = async (): Promise<void> => undefined;

function memTable(): DeltaTable & { storage: MemoryStorage } {
  return { storage: new MemoryStorage(), engine: null as unknown as EngineClient };
}

function add(path: string, dt: string | null): Add {
  return {
    path,
    partitionValues: { dt },
    size: 100,
    modificationTime: 1,
    dataChange: true,
    stats: '{"numRecords":1}',
  };
}

function tx(over: Partial<Transaction> = {}): Transaction {
  return {
    table: 'core.events',
    readVersion: 0,
    partitionColumns: DT,
    scope: { kind: 'none' },
    protocol: null,
    metadata: null,
    removes: [],
    adds: [add('dt=2024-05-01/part-ours.parquet', '2024-05-01')],
    txn: null,
    commitInfo: { operation: 'WRITE', txnId: 'ours' },
    inCommitTimestamps: false,
    ...over,
  };
}

function scope(...days: string[]): ReadScope {
  return { kind: 'partitions', keys: new Set(days.map((d) => partitionKey({ dt: d }, DT))) };
}

/** Puts a commit another writer made at `version`. */
function winner(t: DeltaTable & { storage: MemoryStorage }, version: number, actions: DeltaAction[]): void {
  t.storage.files.set(commitPath(version), {
    data: Buffer.from(serializeCommit([{ commitInfo: { operation: 'WRITE', timestamp: 5 } }, ...actions])),
    mtimeMs: 5,
  });
}

function metadata(): Metadata {
  return {
    id: 'x',
    format: { provider: 'parquet', options: {} },
    schemaString: '{"type":"struct","fields":[]}',
    partitionColumns: ['dt'],
    configuration: {},
  };
}

async function readActions(
  t: DeltaTable & { storage: MemoryStorage },
  version: number,
): Promise<DeltaAction[]> {
  return parseCommit((await t.storage.read(commitPath(version))).toString('utf8'), 'test');
}

describe('version numbering', () => {
  it('creates version 0 for a new table, then readVersion + 1', async () => {
    const t = memTable();
    expect(await commitTransaction(t, tx({ readVersion: -1 }), { sleep: noSleep })).toEqual({
      status: 'committed',
      version: 0,
      attempts: 1,
    });
    expect(await commitTransaction(t, tx({ readVersion: 0 }), { sleep: noSleep })).toEqual({
      status: 'committed',
      version: 1,
      attempts: 1,
    });
    expect([...t.storage.files.keys()].sort()).toEqual([commitPath(0), commitPath(1)]);
    expect(commitPath(1)).toBe('_delta_log/00000000000000000001.json');
  });

  it('a stale read version moves past every commit that landed since, checking each', async () => {
    const t = memTable();
    for (let v = 0; v <= 3; v++) winner(t, v, [{ add: add(`dt=2024-05-09/w${v}.parquet`, '2024-05-09') }]);
    const seen: number[] = [];
    const r = await commitTransaction(t, tx({ readVersion: 0 }), {
      sleep: noSleep,
      onRetry: (i) => seen.push(...i.winners.map((w) => w.version)),
    });
    expect(r).toEqual({ status: 'committed', version: 4, attempts: 2 });
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('losing the put-if-absent race', () => {
  it('append vs append: never a conflict, retried at the next version', async () => {
    const t = memTable();
    winner(t, 1, [{ add: add('dt=2024-05-01/theirs.parquet', '2024-05-01') }]);
    expect(await commitTransaction(t, tx(), { sleep: noSleep })).toMatchObject({
      status: 'committed',
      version: 2,
    });
  });

  it('replacing a partition vs an append to another partition: retried', async () => {
    const t = memTable();
    winner(t, 1, [{ add: add('dt=2024-05-02/theirs.parquet', '2024-05-02') }]);
    const r = await commitTransaction(t, tx({ scope: scope('2024-05-01') }), { sleep: noSleep });
    expect(r).toMatchObject({ status: 'committed', version: 2 });
  });

  it('replacing a partition another run wrote to at the same time: conflict naming the partition', async () => {
    const t = memTable();
    winner(t, 1, [{ add: add('dt=2024-05-01/theirs.parquet', '2024-05-01') }]);
    const r = await commitTransaction(t, tx({ scope: scope('2024-05-01') }), { sleep: noSleep });
    expect(r).toEqual({
      status: 'conflict',
      winning: 1,
      reason:
        'core.events: another run wrote partition dt=2024-05-01 at the same time; run again (version 1, WRITE).',
    });
    expect(t.storage.files.has(commitPath(2))).toBe(false);
  });

  it('replacing a partition another run replaced (removed its files): conflict', async () => {
    const t = memTable();
    winner(t, 1, [{ remove: removeOf(add('dt=2024-05-01/old.parquet', '2024-05-01'), 9) }]);
    const r = await commitTransaction(t, tx({ scope: scope('2024-05-01') }), { sleep: noSleep });
    expect(r).toMatchObject({ status: 'conflict', winning: 1 });
    expect(r.status === 'conflict' && r.reason).toContain(
      'another run replaced partition dt=2024-05-01 at the same time; run again',
    );
  });

  it('partitions compare as typed values, not as text', async () => {
    const t = memTable();
    const amount: PartitionColumn[] = [{ name: 'amount', type: 'decimal(5,2)' }];
    winner(t, 1, [{ add: { ...add('a/theirs.parquet', null), partitionValues: { amount: '1.5' } } }]);
    const r = await commitTransaction(
      t,
      tx({
        partitionColumns: amount,
        scope: { kind: 'partitions', keys: new Set([partitionKey({ amount: '1.50' }, amount)]) },
      }),
      { sleep: noSleep },
    );
    expect(r).toMatchObject({ status: 'conflict', winning: 1 });
  });

  it('overwrite vs any concurrent data change: conflict', async () => {
    const t = memTable();
    winner(t, 1, [{ add: add('dt=2024-06-01/theirs.parquet', '2024-06-01') }]);
    const r = await commitTransaction(t, tx({ scope: { kind: 'table' } }), { sleep: noSleep });
    expect(r.status === 'conflict' && r.reason).toContain(
      'another writer wrote data in the table while this overwrite was running; run again',
    );
  });

  it('a winner that changed the schema or the protocol: conflict, even for an append', async () => {
    for (const change of [
      { metaData: metadata() },
      { protocol: { minReaderVersion: 3, minWriterVersion: 7 } },
    ] as DeltaAction[]) {
      const t = memTable();
      winner(t, 1, [change]);
      const r = await commitTransaction(t, tx(), { sleep: noSleep });
      expect(r.status).toBe('conflict');
      expect(r.status === 'conflict' && r.reason).toMatch(/changed the table (schema|protocol).*run again/);
    }
  });

  it('two writers creating the same table: the loser is told the table now exists', async () => {
    const t = memTable();
    winner(t, 0, [{ metaData: metadata() }]);
    const r = await commitTransaction(t, tx({ readVersion: -1 }), { sleep: noSleep });
    expect(r).toMatchObject({ status: 'conflict', winning: 0 });
    expect(r.status === 'conflict' && r.reason).toContain(
      'another writer created the table at the same time',
    );
  });

  it('a file we remove was already removed by the winner: conflict', async () => {
    const t = memTable();
    const old = add('dt=2024-05-03/old.parquet', '2024-05-03');
    winner(t, 1, [
      { remove: removeOf(old, 9) },
      { add: { ...add('dt=2024-05-03/compacted.parquet', '2024-05-03'), dataChange: false } },
    ]);
    // Scope 'none' would let the add pass; the stale remove is caught on its own.
    const r = await commitTransaction(t, tx({ removes: [removeOf(old, 10)] }), { sleep: noSleep });
    expect(r.status === 'conflict' && r.reason).toContain('already removed dt=2024-05-03/old.parquet');
  });

  it('gives up as retryable after maxAttempts versions taken in a row', async () => {
    const t = memTable();
    const storage = t.storage;
    const put = storage.putIfAbsent.bind(storage);
    let next = 1;
    storage.putIfAbsent = async (file, data) => {
      // Another writer always lands first.
      winner(t, next, [{ add: add(`dt=2024-05-09/w${next}.parquet`, '2024-05-09') }]);
      next++;
      return put(file, data);
    };
    const r = await commitTransaction(t, tx(), { sleep: noSleep, maxAttempts: 5 });
    expect(r.status).toBe('retryable');
    expect(r.status === 'retryable' && String(r.cause)).toContain('core.events is busy: 5 versions in a row');
  });

  it('an I/O error is retryable, unless the commit landed anyway', async () => {
    const t = memTable();
    t.storage.putIfAbsent = async () => {
      throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    };
    const r = await commitTransaction(t, tx(), { sleep: noSleep });
    expect(r).toMatchObject({ status: 'retryable' });

    const t2 = memTable();
    const put = t2.storage.putIfAbsent.bind(t2.storage);
    t2.storage.putIfAbsent = async (file, data) => {
      await put(file, data);
      throw Object.assign(new Error('ETIMEDOUT: the share answered late'), { code: 'ETIMEDOUT' });
    };
    expect(await commitTransaction(t2, tx(), { sleep: noSleep })).toEqual({
      status: 'committed',
      version: 1,
      attempts: 1,
    });
  });

  it('stops before committing when the signal is aborted', async () => {
    const t = memTable();
    const ac = new AbortController();
    ac.abort();
    await expect(commitTransaction(t, tx(), { signal: ac.signal })).rejects.toThrow(
      /cancelled before it committed/,
    );
    expect(t.storage.files.size).toBe(0);
  });

  it('backs off with jitter over a small window, capped', () => {
    expect(backoffMs(1, () => 0)).toBe(0);
    expect(backoffMs(1, () => 0.999)).toBe(1);
    expect(backoffMs(5, () => 0.999)).toBe(31);
    expect(backoffMs(50, () => 0.999)).toBe(99);
  });
});

describe('txn: a retried run commits once', () => {
  it('skips when the winner recorded the same appId at this or a later version', async () => {
    const t = memTable();
    winner(t, 1, [{ txn: { appId: 'events/2024-05-01', version: 7 } }]);
    const r = await commitTransaction(t, tx({ txn: { appId: 'events/2024-05-01', version: 7 } }), {
      sleep: noSleep,
    });
    expect(r).toMatchObject({ status: 'skipped', winning: 1, appId: 'events/2024-05-01', appVersion: 7 });
    expect(t.storage.files.has(commitPath(2))).toBe(false);
  });

  it('another run of the same app with an older version is a conflict; other apps are not', async () => {
    const t = memTable();
    winner(t, 1, [{ txn: { appId: 'job', version: 3 } }]);
    expect(
      await commitTransaction(t, tx({ txn: { appId: 'job', version: 4 } }), { sleep: noSleep }),
    ).toMatchObject({ status: 'conflict' });
    const t2 = memTable();
    winner(t2, 1, [{ txn: { appId: 'other', version: 9 } }]);
    expect(
      await commitTransaction(t2, tx({ txn: { appId: 'job', version: 4 } }), { sleep: noSleep }),
    ).toMatchObject({ status: 'committed', version: 2 });
  });
});

describe('the commit file', () => {
  it('is one JSON action per line, commitInfo first, with the protocol keys', async () => {
    const t = memTable();
    const old = {
      ...add('dt=2024-05-01/old.parquet', '2024-05-01'),
      deletionVector: {
        storageType: 'u' as const,
        pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^',
        offset: 4,
        sizeInBytes: 40,
        cardinality: 6,
      },
    };
    const r = await commitTransaction(
      t,
      tx({
        readVersion: -1,
        protocol: { minReaderVersion: 1, minWriterVersion: 2 },
        metadata: metadata(),
        txn: { appId: 'job', version: 1 },
        removes: [removeOf(old, 123)],
      }),
      { sleep: noSleep, now: () => 1_700_000_000_000 },
    );
    expect(r).toMatchObject({ status: 'committed', version: 0 });
    const text = (await t.storage.read(commitPath(0))).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
    expect(lines.map((l) => Object.keys(l))).toEqual([
      ['commitInfo'],
      ['protocol'],
      ['metaData'],
      ['txn'],
      ['remove'],
      ['add'],
    ]);
    const [info, , meta, txn, remove, added] = lines;
    expect(info?.['commitInfo']).toMatchObject({
      timestamp: 1_700_000_000_000,
      operation: 'WRITE',
      txnId: 'ours',
    });
    expect(Object.keys(meta?.['metaData'] ?? {})).toEqual(
      expect.arrayContaining(['id', 'format', 'schemaString', 'partitionColumns', 'configuration']),
    );
    expect(txn?.['txn']).toEqual({ appId: 'job', version: 1, lastUpdated: 1_700_000_000_000 });
    expect(remove?.['remove']).toEqual({
      path: 'dt=2024-05-01/old.parquet',
      deletionTimestamp: 123,
      dataChange: true,
      extendedFileMetadata: true,
      partitionValues: { dt: '2024-05-01' },
      size: 100,
      deletionVector: old.deletionVector,
    });
    expect(Object.keys(added?.['add'] ?? {}).sort()).toEqual([
      'dataChange',
      'modificationTime',
      'partitionValues',
      'path',
      'size',
      'stats',
    ]);
  });

  it('carries a monotonic inCommitTimestamp when the table keeps them', async () => {
    const t = memTable();
    t.storage.files.set(commitPath(0), {
      data: Buffer.from(serializeCommit([{ commitInfo: { timestamp: 1, inCommitTimestamp: 5_000 } }])),
      mtimeMs: 1,
    });
    await commitTransaction(t, tx({ inCommitTimestamps: true }), { now: () => 4_000 });
    const [first] = await readActions(t, 1);
    expect(first).toEqual({
      commitInfo: expect.objectContaining({ timestamp: 4_000, inCommitTimestamp: 5_001 }),
    });
  });
});

describe('file statistics', () => {
  it('cuts string bounds safely: min to a prefix, max to a bumped prefix', () => {
    const long = 'a'.repeat(40);
    expect(truncateMin(long)).toBe('a'.repeat(32));
    expect(truncateMax(long)).toBe('a'.repeat(31) + 'b');
    expect(truncateMax('short')).toBe('short');
    // Characters outside the BMP are never split into half surrogate pairs.
    const ducks = '🦆'.repeat(40);
    expect(Array.from(truncateMin(ducks))).toHaveLength(32);
    expect(truncateMax(ducks)).toBe('🦆'.repeat(31) + String.fromCodePoint(0x1f987));
    expect(truncateMax(String.fromCodePoint(0x10ffff).repeat(40))).toBeNull();
    expect(truncateMax('x'.repeat(31) + '\ud7ff' + 'y'.repeat(9))).toBe('x'.repeat(31) + '\ue000');
  });

  it('writes timestamps as ISO-8601 cut to milliseconds', () => {
    expect(timestampBound('2024-05-01 10:11:12.123456+00', true)).toBe('2024-05-01T10:11:12.123Z');
    expect(timestampBound('2024-05-01 12:11:12.9+02', true)).toBe('2024-05-01T10:11:12.900Z');
    expect(timestampBound('2024-05-01 10:11:12', false)).toBe('2024-05-01T10:11:12.000');
    expect(timestampBound('infinity', true)).toBeNull();
  });

  it('mirrors the schema, keeps big numbers exact and leaves out what it cannot bound', () => {
    const schema = parseSchemaString(
      JSON.stringify({
        type: 'struct',
        fields: [
          { name: 'id', type: 'long', nullable: true, metadata: {} },
          { name: 'amt', type: 'decimal(38,2)', nullable: true, metadata: {} },
          { name: 'x', type: 'double', nullable: true, metadata: {} },
          { name: 'ok', type: 'boolean', nullable: true, metadata: {} },
          {
            name: 's',
            type: {
              type: 'struct',
              fields: [{ name: 'a b', type: 'integer', nullable: true, metadata: {} }],
            },
            nullable: true,
            metadata: {},
          },
          {
            name: 'tags',
            type: { type: 'array', elementType: 'string', containsNull: true },
            nullable: true,
            metadata: {},
          },
        ],
      }),
    );
    const columns = new Map([
      ['"id"', { min: '-9223372036854775808', max: '9223372036854775807', null_count: '0' }],
      ['"amt"', { min: '-123456789012345678901234567890123456.78', max: '1.50', null_count: '2' }],
      ['"x"', { min: '-inf', max: '2.5', null_count: '0', has_nan: 'false' }],
      ['"ok"', { min: '0', max: '1', null_count: '1' }],
      ['"s"."a b"', { min: '1', max: '3', null_count: '0' }],
      ['"tags"."element"', { min: 'a', max: 'z', null_count: '0' }],
    ]);
    expect(fileStatsJson(schema, { numRecords: 5, columns })).toBe(
      '{"numRecords":5,' +
        '"minValues":{"id":-9223372036854775808,"amt":-123456789012345678901234567890123456.78,"s":{"a b":1}},' +
        '"maxValues":{"id":9223372036854775807,"amt":1.50,"x":2.5,"s":{"a b":3}},' +
        '"nullCount":{"id":0,"amt":2,"x":0,"ok":1,"s":{"a b":0}}}',
    );
    // Only the first N leaf columns are indexed (delta.dataSkippingNumIndexedCols).
    expect(fileStatsJson(schema, { numRecords: 5, columns }, 1)).toBe(
      '{"numRecords":5,"minValues":{"id":-9223372036854775808},"maxValues":{"id":9223372036854775807},"nullCount":{"id":0}}',
    );
  });
});

describe('schema planning', () => {
  it.each([
    ['UBIGINT', 'DECIMAL(20,0)'],
    ['HUGEINT', 'DECIMAL(38,0)'],
    ['INTERVAL', 'VARCHAR'],
    ['TIME', 'VARCHAR'],
    ['TIMESTAMP_NS', 'TIMESTAMP'],
    ['INTEGER[3]', 'INTEGER[]'],
  ])('refuses %s with a CAST to %s', (duckType, cast) => {
    const r = deltaTypeOf({ name: 'n', duckType });
    expect(r).toEqual({ problem: expect.stringContaining(`CAST("n" AS ${cast}) AS "n"`) });
  });

  it.each([
    ['BIGINT', 'long'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamp'],
    ['TIMESTAMP', 'timestamp_ntz'],
    ["ENUM('a', 'b')", 'string'],
    ['TIMESTAMP_MS', 'timestamp_ntz'],
    ['DECIMAL(18,3)', 'decimal(18,3)'],
  ])('maps %s to %s', (duckType, delta) => {
    expect(deltaTypeOf({ name: 'n', duckType })).toEqual({ type: delta });
  });

  it('widens losslessly, never narrows', () => {
    expect(canWriteInto('integer', 'long')).toBe(true);
    expect(canWriteInto('long', 'integer')).toBe(false);
    expect(canWriteInto('decimal(10,2)', 'decimal(12,2)')).toBe(true);
    expect(canWriteInto('decimal(10,2)', 'decimal(10,3)')).toBe(false);
    expect(canWriteInto('float', 'double')).toBe(true);
    expect(canWriteInto('string', 'long')).toBe(false);
  });

  it('creates a table: protocol 1/2, or 3/7 with timestampNtz when a zone-less timestamp is stored', () => {
    const plain = planSchema({
      table: 't',
      existing: null,
      query: [
        { name: 'id', duckType: 'BIGINT' },
        { name: 'dt', duckType: 'DATE' },
      ],
      partitionBy: ['dt'],
      now: 7,
    });
    expect(plain.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    expect(plain.metadata).toMatchObject({
      format: { provider: 'parquet', options: {} },
      partitionColumns: ['dt'],
      configuration: {},
      createdTime: 7,
    });
    expect(plain.metadata?.id).toMatch(/^[0-9a-f-]{36}$/);
    const ntz = planSchema({
      table: 't',
      existing: null,
      query: [{ name: 'at', duckType: 'TIMESTAMP' }],
      now: 7,
    });
    expect(ntz.protocol).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['timestampNtz'],
      writerFeatures: ['timestampNtz'],
    });
  });

  it('refuses duplicate names, bad names, bad partition columns, all in one message', () => {
    expect(() =>
      planSchema({
        table: 't',
        existing: null,
        query: [
          { name: 'a', duckType: 'INTEGER' },
          { name: 'A', duckType: 'INTEGER' },
        ],
        now: 0,
      }),
    ).toThrow(/two columns named "a" and "A"/);
    expect(() =>
      planSchema({ table: 't', existing: null, query: [{ name: 'my col', duckType: 'INTEGER' }], now: 0 }),
    ).toThrow(/Rename it with AS/);
    expect(() =>
      planSchema({
        table: 't',
        existing: null,
        query: [{ name: 'a', duckType: 'INTEGER' }],
        partitionBy: ['b'],
        now: 0,
      }),
    ).toThrow(/no such column/);
    expect(() =>
      planSchema({
        table: 't',
        existing: null,
        query: [{ name: 'a', duckType: 'INTEGER' }],
        partitionBy: ['a'],
        now: 0,
      }),
    ).toThrow(/every column/);
  });

  it('evolves an existing table: a new nullable column is a new metaData; a changed type is refused', () => {
    const created = planSchema({
      table: 't',
      existing: null,
      query: [
        { name: 'id', duckType: 'BIGINT' },
        { name: 'dt', duckType: 'DATE' },
      ],
      partitionBy: ['dt'],
      now: 1,
    });
    if (!created.metadata || !created.protocol) throw new Error('no metadata');
    const existing: ExistingTable = {
      protocol: created.protocol,
      metadata: created.metadata,
      schema: created.schema,
    };
    const evolved = planSchema({
      table: 't',
      existing,
      query: [
        { name: 'DT', duckType: 'DATE' },
        { name: 'id', duckType: 'INTEGER' },
        { name: 'note', duckType: 'VARCHAR' },
      ],
      now: 2,
    });
    expect(evolved.addedColumns).toEqual(['note']);
    expect(evolved.metadata?.id).toBe(created.metadata.id);
    expect(parseSchemaString(evolved.metadata?.schemaString ?? '').fields.map((f) => f.name)).toEqual([
      'id',
      'dt',
      'note',
    ]);
    // The INTEGER query column is written as the table's BIGINT.
    expect(evolved.columns.find((c) => c.name === 'id')).toMatchObject({ source: 'id', duckType: 'BIGINT' });
    expect(() =>
      planSchema({
        table: 't',
        existing,
        query: [
          { name: 'id', duckType: 'VARCHAR' },
          { name: 'dt', duckType: 'DATE' },
        ],
        now: 2,
      }),
    ).toThrow(
      /Column "id" is long in the table but string in the query; cast it, e.g. CAST\("id" AS BIGINT\)/,
    );
    expect(() =>
      planSchema({ table: 't', existing, query: [{ name: 'dt', duckType: 'DATE' }], now: 2 }),
    ).toThrow(/no column "id"/);
    expect(() =>
      planSchema({
        table: 't',
        existing,
        query: [
          { name: 'id', duckType: 'BIGINT' },
          { name: 'dt', duckType: 'DATE' },
        ],
        partitionBy: ['id'],
        now: 2,
      }),
    ).toThrow(/partitioned by \[dt\]/);
  });

  it('upgrades a legacy protocol to table features, keeping what it implied', () => {
    expect(withFeature({ minReaderVersion: 1, minWriterVersion: 2 }, 'timestampNtz')).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['timestampNtz'],
      writerFeatures: ['appendOnly', 'invariants', 'timestampNtz'],
    });
    expect(
      withFeature(
        {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: ['timestampNtz'],
          writerFeatures: ['timestampNtz'],
        },
        'timestampNtz',
      ),
    ).toBeNull();
  });
});
