// Stats parsing and file skipping: exact numbers, nested and physical keys,
// every operator on partition values and on min/max/nullCount, and the cases
// where skipping must not happen (no stats, truncated string max, ms-truncated
// timestamps, NaN, wide bounds). The reference tables' stats all parse.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Add } from '../../src/pipeline/delta/actions';
import { UsageError } from '../../src/pipeline/errors';
import {
  bindPredicate,
  fileMayMatch,
  parseStats,
  parseStatsJson,
  predicateSql,
  StatsNumber,
} from '../../src/pipeline/delta/stats';
import type { BindContext, Predicate } from '../../src/pipeline/delta/stats';
import type { StructType } from '../../src/pipeline/delta/schema';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;

describe('parseStats', () => {
  it('keeps numbers exact and reads the protocol fields', () => {
    const st = parseStats(
      '{"numRecords":3,"minValues":{"id":9007199254740993,"a":{"b":-1.5e3}},"maxValues":{"s":"x\\"y"},"nullCount":{"id":0},"tightBounds":false}',
    );
    expect(st?.numRecords).toBe(3);
    expect(st?.tightBounds).toBe(false);
    expect(st?.minValues['id']).toEqual(new StatsNumber('9007199254740993'));
    expect(st?.minValues['a']).toEqual({ b: new StatsNumber('-1.5e3') });
    expect(st?.maxValues['s']).toBe('x"y');
  });
  it('treats missing or broken stats as absent', () => {
    expect(parseStats(undefined)).toBeNull();
    expect(parseStats(null)).toBeNull();
    expect(parseStats('')).toBeNull();
    expect(parseStats('{"numRecords":')).toBeNull();
    expect(parseStats('[1]')).toBeNull();
    expect(parseStats('{"numRecords":5}')).toMatchObject({ numRecords: 5, tightBounds: true, minValues: {} });
  });
  it('parses JSON like JSON.parse apart from numbers', () => {
    const text = '{"a":[true,false,null,"\\u00e9\\n"],"b":{},"c":[],"d":-0.0}';
    expect(parseStatsJson(text)).toEqual({
      a: [true, false, null, 'é\n'],
      b: {},
      c: [],
      d: new StatsNumber('-0.0'),
    });
    expect(() => parseStatsJson('{"a":1} x')).toThrow();
  });
});

const schema: StructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 's', type: 'string', nullable: true, metadata: {} },
    { name: 'd', type: 'double', nullable: true, metadata: {} },
    { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
    { name: 'dec', type: 'decimal(10,2)', nullable: true, metadata: {} },
    { name: 'day', type: 'date', nullable: true, metadata: {} },
    {
      name: 'st',
      type: { type: 'struct', fields: [{ name: 'n', type: 'integer', nullable: true, metadata: {} }] },
      nullable: true,
      metadata: {},
    },
    { name: 'p', type: 'integer', nullable: true, metadata: {} },
  ],
};
const ctx: BindContext = { schema, partitionColumns: ['p'], columnMapping: 'none' };

const STATS = JSON.stringify({
  numRecords: 10,
  minValues: {
    id: 100,
    s: 'apple',
    d: 1.5,
    ts: '2024-01-01T00:00:00.000Z',
    dec: 1.25,
    day: '2024-01-01',
    st: { n: 5 },
  },
  maxValues: {
    id: 200,
    s: 'mango',
    d: 9.5,
    ts: '2024-01-02T00:00:00.000Z',
    dec: 99.99,
    day: '2024-01-31',
    st: { n: 7 },
  },
  nullCount: { id: 0, s: 2, d: 10, ts: 0, dec: 0, day: 0, st: { n: 0 } },
});
const file = (over: Partial<Add> = {}): Add => ({
  path: 'f.parquet',
  partitionValues: { p: '3' },
  size: 1,
  modificationTime: 0,
  dataChange: true,
  stats: STATS,
  ...over,
});
const may = (p: Predicate, f: Add = file()): boolean => fileMayMatch(f, [bindPredicate(p, ctx)]);

describe('fileMayMatch', () => {
  const cases: [string, Predicate, boolean][] = [
    ['id = 150 (inside)', { column: 'id', op: '=', value: 150 }, true],
    ['id = 99 (below min)', { column: 'id', op: '=', value: 99 }, false],
    ['id = 201 (above max)', { column: 'id', op: '=', value: '201' }, false],
    ['id = null (never true)', { column: 'id', op: '=', value: null }, false],
    ['id < 100', { column: 'id', op: '<', value: 100 }, false],
    ['id <= 100', { column: 'id', op: '<=', value: 100 }, true],
    ['id > 200', { column: 'id', op: '>', value: 200n }, false],
    ['id >= 200', { column: 'id', op: '>=', value: 200 }, true],
    ['id in (1, 2, 300)', { column: 'id', op: 'in', values: [1, 2, 300] }, false],
    ['id in (1, 150)', { column: 'id', op: 'in', values: [1, 150] }, true],
    ['id in (null)', { column: 'id', op: 'in', values: [null] }, false],
    ['id is null (nullCount 0)', { column: 'id', op: 'is null' }, false],
    ['id is not null', { column: 'id', op: 'is not null' }, true],
    ['s is null (nullCount 2)', { column: 's', op: 'is null' }, true],
    ['d is not null (all null)', { column: 'd', op: 'is not null' }, false],
    ['d = 5 (all null)', { column: 'd', op: '=', value: 5 }, false],
    ['s = "aardvark"', { column: 's', op: '=', value: 'aardvark' }, false],
    ['s = "zebra"', { column: 's', op: '=', value: 'zebra' }, false],
    ['s = "mangosteen" (max may be a truncated prefix)', { column: 's', op: '=', value: 'mangosteen' }, true],
    ['s > "mango" (prefix)', { column: 's', op: '>', value: 'mango' }, true],
    ['s > "n"', { column: 's', op: '>', value: 'n' }, false],
    [
      'ts = max + 0.5 ms (stats are ms-truncated)',
      { column: 'ts', op: '=', value: '2024-01-02T00:00:00.000500Z' },
      true,
    ],
    ['ts > max + 1 ms', { column: 'ts', op: '>', value: '2024-01-02T00:00:00.001Z' }, false],
    ['ts < min', { column: 'ts', op: '<', value: new Date(Date.UTC(2024, 0, 1)) }, false],
    ['dec = 1.25', { column: 'dec', op: '=', value: '1.25' }, true],
    ['dec < 1.25', { column: 'dec', op: '<', value: 1.25 }, false],
    ['dec > 99.99', { column: 'dec', op: '>', value: '99.99' }, false],
    ['day > 2024-01-31', { column: 'day', op: '>', value: '2024-01-31' }, false],
    ['day = 2024-01-15', { column: 'day', op: '=', value: '2024-01-15' }, true],
    ['st.n = 9 (nested stats)', { column: ['st', 'n'], op: '=', value: 9 }, false],
    ['st.n = 6', { column: ['st', 'n'], op: '=', value: 6 }, true],
    ['p = 3 (partition)', { column: 'p', op: '=', value: 3 }, true],
    ['p = 4 (partition)', { column: 'p', op: '=', value: 4 }, false],
    ['p > 2 (partition)', { column: 'p', op: '>', value: 2 }, true],
    ['p in (1, 2)', { column: 'p', op: 'in', values: [1, 2] }, false],
    ['p is null', { column: 'p', op: 'is null' }, false],
    ['p is not null', { column: 'p', op: 'is not null' }, true],
  ];
  it.each(cases)('%s → %s', (_, p, expected) => expect(may(p)).toBe(expected));

  it('never skips on a max for floats (NaN sorts above every number and stats leave it out)', () => {
    const f = file({
      stats: JSON.stringify({ numRecords: 2, minValues: { d: 1 }, maxValues: { d: 2 }, nullCount: { d: 0 } }),
    });
    expect(may({ column: 'd', op: '>', value: 5 }, f)).toBe(true);
    expect(may({ column: 'd', op: '=', value: NaN }, f)).toBe(true);
    expect(may({ column: 'd', op: '<', value: 1 }, f)).toBe(false);
  });

  it('keeps files without stats, without the column in stats, or with a null partition where unsure', () => {
    expect(may({ column: 'id', op: '=', value: 1 }, file({ stats: null }))).toBe(true);
    expect(may({ column: 'id', op: '=', value: 1 }, file({ stats: '{"numRecords":3}' }))).toBe(true);
    expect(may({ column: 'p', op: 'is null' }, file({ partitionValues: { p: null } }))).toBe(true);
    expect(may({ column: 'p', op: 'is null' }, file({ partitionValues: { p: '' } }))).toBe(true);
    expect(may({ column: 'p', op: '=', value: 3 }, file({ partitionValues: { p: null } }))).toBe(false);
  });

  it('skips empty files and reads wide bounds conservatively', () => {
    expect(may({ column: 'id', op: 'is null' }, file({ stats: '{"numRecords":0}' }))).toBe(false);
    const wide = file({
      stats: JSON.stringify({
        numRecords: 10,
        tightBounds: false,
        minValues: { id: 1 },
        maxValues: { id: 5 },
        nullCount: { id: 4 },
      }),
    });
    expect(may({ column: 'id', op: 'is null' }, wide)).toBe(true);
    expect(may({ column: 'id', op: 'is not null' }, wide)).toBe(true);
    expect(may({ column: 'id', op: '=', value: 9 }, wide)).toBe(false);
  });

  it('compares longs beyond 2^53 exactly', () => {
    const f = file({
      stats:
        '{"numRecords":1,"minValues":{"id":9007199254740993},"maxValues":{"id":9007199254740993},"nullCount":{"id":0}}',
    });
    expect(may({ column: 'id', op: '=', value: 9007199254740992n }, f)).toBe(false);
    expect(may({ column: 'id', op: '=', value: '9007199254740993' }, f)).toBe(true);
  });

  it('uses physical names for stats and partition values under column mapping', () => {
    const mapped: StructType = {
      type: 'struct',
      fields: [
        {
          name: 'v',
          type: 'long',
          nullable: true,
          metadata: { 'delta.columnMapping.physicalName': 'col-v' },
        },
        {
          name: 'k',
          type: 'string',
          nullable: true,
          metadata: { 'delta.columnMapping.physicalName': 'col-k' },
        },
      ],
    };
    const c: BindContext = { schema: mapped, partitionColumns: ['k'], columnMapping: 'name' };
    const f = file({
      partitionValues: { 'col-k': 'a' },
      stats: '{"numRecords":1,"minValues":{"col-v":1},"maxValues":{"col-v":2},"nullCount":{"col-v":0}}',
    });
    expect(fileMayMatch(f, [bindPredicate({ column: 'v', op: '=', value: 3 }, c)])).toBe(false);
    expect(fileMayMatch(f, [bindPredicate({ column: 'k', op: '=', value: 'b' }, c)])).toBe(false);
    expect(
      fileMayMatch(f, [
        bindPredicate({ column: 'k', op: '=', value: 'a' }, c),
        bindPredicate({ column: 'v', op: '<=', value: 1 }, c),
      ]),
    ).toBe(true);
  });
});

describe('bindPredicate', () => {
  it('names the column and the fix when a predicate is wrong', () => {
    expect(() => bindPredicate({ column: 'nope', op: '=', value: 1 }, ctx)).toThrow(UsageError);
    expect(() => bindPredicate({ column: 'nope', op: '=', value: 1 }, ctx)).toThrow(/'nope'.*Columns: id, s/);
    expect(() => bindPredicate({ column: 'st', op: 'is null' }, ctx)).toThrow(/primitive type/);
    expect(() => bindPredicate({ column: 'id', op: '=', value: 1.5 }, ctx)).toThrow(/not a long/);
    expect(() => bindPredicate({ column: 'day', op: '=', value: 'tomorrow' }, ctx)).toThrow(/not a date/);
  });

  it('renders SQL over the logical columns', () => {
    const sql = (p: Predicate): string => predicateSql(bindPredicate(p, ctx));
    expect(sql({ column: 'id', op: '>=', value: 5 })).toBe(`"id" >= CAST('5' AS BIGINT)`);
    expect(sql({ column: 's', op: 'in', values: ["o'k", null] })).toBe(`"s" IN (CAST('o''k' AS VARCHAR))`);
    expect(sql({ column: 's', op: 'in', values: [] })).toBe('FALSE');
    expect(sql({ column: 'id', op: '=', value: null })).toBe('FALSE');
    expect(sql({ column: ['st', 'n'], op: 'is null' })).toBe('"st"."n" IS NULL');
    expect(sql({ column: 'ts', op: '<', value: '2024-01-01 10:00:00' })).toBe(
      `"ts" < CAST('2024-01-01 10:00:00.000000+00' AS TIMESTAMPTZ)`,
    );
  });
});

describe.skipIf(!fs.existsSync(TESTDATA))('stats of the reference tables', () => {
  const tables = fs.existsSync(TESTDATA)
    ? fs.readdirSync(TESTDATA).filter((t) => fs.existsSync(path.join(TESTDATA, t, '_delta_log')))
    : [];
  it.each(tables)('%s: every add.stats in the JSON commits parses', (name) => {
    const log = path.join(TESTDATA, name, '_delta_log');
    for (const f of fs.readdirSync(log).filter((x) => /^\d{20}\.json$/.test(x))) {
      for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n').filter(Boolean)) {
        const add = (JSON.parse(line) as { add?: Add }).add;
        if (!add?.stats) continue;
        const st = parseStats(add.stats);
        expect(st, `${f} ${add.path}`).not.toBeNull();
        expect(st?.numRecords, `${f} ${add.path}`).toBe(
          (JSON.parse(add.stats) as { numRecords: number }).numRecords,
        );
      }
    }
  });
});
