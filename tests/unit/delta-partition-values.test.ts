// Partition values: parsing every primitive type from the log's strings, typed
// SQL literals, the writer's inverse, Hive directory escaping (checked against
// the directories Spark wrote in the reference tables) and the value order.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePath } from '../../src/pipeline/delta/actions';
import type { Add } from '../../src/pipeline/delta/actions';
import {
  compareCodePoints,
  compareTyped,
  escapePartitionDir,
  parsePartitionValue,
  partitionDirs,
  partitionLiteral,
  partitionValueString,
  PartitionValueError,
  primitiveOf,
  toTypedValue,
} from '../../src/pipeline/delta/partition-values';
import type { TypedValue } from '../../src/pipeline/delta/partition-values';
import { parseSchemaString, physicalName, columnMappingMode } from '../../src/pipeline/delta/schema';
import type { PrimitiveType } from '../../src/pipeline/delta/schema';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;

describe('parsePartitionValue', () => {
  const cases: [PrimitiveType, string | null | undefined, TypedValue | null][] = [
    ['string', 'abc', 'abc'],
    ['string', 'null', 'null'],
    ['string', '', null],
    ['string', null, null],
    ['string', undefined, null],
    ['string', 'bar+%21', 'bar+%21'],
    ['long', '-9223372036854775808', -9223372036854775808n],
    ['long', '', null],
    ['integer', '2147483647', 2147483647n],
    ['short', '-32768', -32768n],
    ['byte', '127', 127n],
    ['boolean', 'true', true],
    ['boolean', 'FALSE', false],
    ['double', '0.0', 0],
    ['double', '1.5E10', 1.5e10],
    ['double', 'NaN', NaN],
    ['double', 'Infinity', Infinity],
    ['double', '-Infinity', -Infinity],
    ['float', '0.1', Math.fround(0.1)],
    ['decimal(1,0)', '1', 1n],
    ['decimal(5,2)', '-1.5', -150n],
    ['decimal(5,2)', '123.45', 12345n],
    ['decimal(5,0)', '1E+2', 100n],
    ['decimal(38,0)', '99999999999999999999999999999999999999', 99999999999999999999999999999999999999n],
    ['date', '2021-09-08', 18878],
    ['date', '1970-01-01', 0],
    ['date', '1969-12-31', -1],
    ['timestamp', '1970-01-01 00:00:00', 0n],
    ['timestamp', '2021-09-08 11:11:11', 1631099471000000n],
    ['timestamp', '1970-01-01 00:00:00.123456', 123456n],
    ['timestamp', '1970-01-01T00:00:00.123456Z', 123456n],
    ['timestamp', '1970-01-01T02:00:00+02:00', 0n],
    ['timestamp', '1969-12-31 23:59:59.999999', -1n],
    ['timestamp_ntz', '2021-09-08 11:11:11.5', 1631099471500000n],
    ['binary', '\u0001\u0002\u0003', new Uint8Array([1, 2, 3])],
  ];
  it.each(cases)('%s %j', (type, raw, expected) => {
    expect(parsePartitionValue(type, raw, 'c')).toEqual(expected);
  });

  const invalid: [PrimitiveType, string][] = [
    ['byte', '128'],
    ['integer', '1.5'],
    ['long', 'abc'],
    ['boolean', 'yes'],
    ['double', 'one'],
    ['decimal(3,2)', '1.505'],
    ['decimal(3,2)', '10.00'],
    ['date', '2021-02-30'],
    ['date', '2021-09-08 10:00'],
    ['timestamp', '2021-09-08 25:00:00'],
    ['timestamp_ntz', '2021-09-08 10:00:00+02:00'],
  ];
  it.each(invalid)('rejects %s %j with a message naming the column', (type, raw) => {
    expect(() => parsePartitionValue(type, raw, 'my_col')).toThrow(PartitionValueError);
    expect(() => parsePartitionValue(type, raw, 'my_col')).toThrow(/my_col/);
  });

  it('refuses nested partition column types', () => {
    expect(() => primitiveOf({ type: 'array', elementType: 'long', containsNull: true }, 'p')).toThrow(
      PartitionValueError,
    );
  });
});

describe('partitionLiteral', () => {
  const cases: [PrimitiveType, string | null, string][] = [
    ['integer', '1', "CAST('1' AS INTEGER)"],
    ['integer', null, 'CAST(NULL AS INTEGER)'],
    ['string', "it's", "CAST('it''s' AS VARCHAR)"],
    ['string', '', 'CAST(NULL AS VARCHAR)'],
    ['double', 'NaN', "CAST('NaN' AS DOUBLE)"],
    ['float', '0.1', "CAST('0.1' AS FLOAT)"],
    ['decimal(5,2)', '1.5', "CAST('1.50' AS DECIMAL(5,2))"],
    ['date', '2021-09-08', "CAST('2021-09-08' AS DATE)"],
    ['timestamp', '2021-09-08 11:11:11', "CAST('2021-09-08 11:11:11.000000+00' AS TIMESTAMPTZ)"],
    ['timestamp_ntz', '2021-09-08 11:11:11', "CAST('2021-09-08 11:11:11.000000' AS TIMESTAMP)"],
    ['boolean', 'true', "CAST('true' AS BOOLEAN)"],
    ['binary', '\u0001\u00ff', "CAST('\\x01\\xC3\\xBF' AS BLOB)"],
  ];
  it.each(cases)('%s %j → %s', (type, raw, sql) => expect(partitionLiteral(type, raw)).toBe(sql));
});

describe('partitionValueString (writer)', () => {
  const cases: [PrimitiveType, unknown, string | null][] = [
    ['long', 5, '5'],
    ['long', '9223372036854775807', '9223372036854775807'],
    ['long', 9007199254740993n, '9007199254740993'],
    ['integer', null, null],
    ['double', 1, '1.0'],
    ['double', 0.5, '0.5'],
    ['double', NaN, 'NaN'],
    ['double', -Infinity, '-Infinity'],
    ['float', Math.fround(0.1), '0.1'],
    ['decimal(4,2)', '1.5', '1.50'],
    ['decimal(4,2)', 1.5, '1.50'],
    ['boolean', false, 'false'],
    ['string', 'null', 'null'],
    ['string', '', null],
    ['date', '2024-05-01', '2024-05-01'],
    ['timestamp', '2024-05-01T08:11:12.123Z', '2024-05-01T08:11:12.123000Z'],
    ['timestamp', '2024-05-01T10:11:12.123456+02:00', '2024-05-01T08:11:12.123456Z'],
    ['timestamp', new Date(Date.UTC(2024, 4, 1)), '2024-05-01T00:00:00.000000Z'],
    ['timestamp_ntz', '2024-05-01T08:11:12', '2024-05-01 08:11:12.000000'],
    ['binary', '\\x01\\x02', '\u0001\u0002'],
  ];
  it.each(cases)('%s %s → %j', (type, value, expected) =>
    expect(partitionValueString(type, value)).toBe(expected),
  );

  it('reads back what it writes', () => {
    const values: [PrimitiveType, unknown][] = [
      ['long', -42],
      ['double', 0.1],
      ['float', Math.fround(3.3)],
      ['decimal(10,3)', '-12.5'],
      ['date', '1999-12-31'],
      ['timestamp', '2024-02-29T23:59:59.999999Z'],
      ['timestamp_ntz', '1900-01-01T00:00:00.000001'],
      ['string', 'a/b:c%d'],
    ];
    for (const [type, v] of values) {
      const s = partitionValueString(type, v);
      expect(s, type).not.toBeNull();
      expect(parsePartitionValue(type, s), `${type} ${String(v)}`).toEqual(toTypedValue(type, v));
    }
  });

  it('rejects values of the wrong type', () => {
    expect(() => partitionValueString('integer', 2.5)).toThrow(PartitionValueError);
    expect(() => partitionValueString('date', 5)).toThrow(PartitionValueError);
  });
});

describe('escapePartitionDir (Spark escapePathName)', () => {
  const cases: [string | null, string][] = [
    [null, '__HIVE_DEFAULT_PARTITION__'],
    ['', '__HIVE_DEFAULT_PARTITION__'],
    ['2021-09-08 11:11:11', '2021-09-08 11%3A11%3A11'],
    ['bar+%21', 'bar+%2521'],
    ['a/b', 'a%2Fb'],
    ['a=b?c*d', 'a%3Db%3Fc%2Ad'],
    ['x"#\'\\{[]^', 'x%22%23%27%5C%7B%5B%5D%5E'],
    ['tab\there\u0001', 'tab%09here%01'],
    ['\u007f', '%7F'],
    ['über 😀 <>|', 'über 😀 <>|'],
  ];
  it.each(cases)('%j → %j', (value, dir) => expect(escapePartitionDir(value)).toBe(dir));
});

describe('compareTyped', () => {
  it('orders NaN above every number and equal to itself', () => {
    expect(compareTyped(NaN, Infinity)).toBeGreaterThan(0);
    expect(compareTyped(1, NaN)).toBeLessThan(0);
    expect(compareTyped(NaN, NaN)).toBe(0);
    expect(compareTyped(-0, 0)).toBe(0);
  });
  it('orders strings by code point (UTF-8 byte order)', () => {
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
    expect(compareCodePoints('abc', 'abd')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
  });
  it('orders bigints, booleans and bytes', () => {
    expect(compareTyped(9007199254740993n, 9007199254740992n)).toBe(1);
    expect(compareTyped(false, true)).toBeLessThan(0);
    expect(compareTyped(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBeLessThan(0);
  });
});

// The reference tables: every partition value parses, and Spark's directory for
// each file is exactly what escapePartitionDir produces from the log's values.
const PARTITIONED = [
  'data-reader-partition-values',
  'data-reader-partition-values-column-mapping-name',
  'data-reader-escaped-chars',
  'dv-partitioned-with-checkpoint',
];
const present = fs.existsSync(TESTDATA);
describe.skipIf(!present)('partition values of the reference tables', () => {
  it.each(PARTITIONED)('%s', (name) => {
    const log = path.join(TESTDATA, name, '_delta_log');
    const actions = fs
      .readdirSync(log)
      .filter((f) => /^\d{20}\.json$/.test(f))
      .flatMap((f) => fs.readFileSync(path.join(log, f), 'utf8').split('\n').filter(Boolean))
      .map(
        (l) =>
          JSON.parse(l) as {
            add?: Add;
            metaData?: {
              schemaString: string;
              partitionColumns: string[];
              configuration: Record<string, string>;
            };
          },
      );
    const meta = actions.find((a) => a.metaData)?.metaData;
    expect(meta).toBeDefined();
    if (!meta) return;
    const schema = parseSchemaString(meta.schemaString);
    const mode = columnMappingMode(meta.configuration);
    const cols = meta.partitionColumns
      .map((c) => schema.fields.find((f) => f.name === c))
      .filter((f) => f !== undefined);
    const physical = cols.map((f) => physicalName(f, mode));
    let adds = 0;
    for (const { add } of actions) {
      if (!add) continue;
      adds++;
      for (const f of cols)
        parsePartitionValue(primitiveOf(f.type, f.name), add.partitionValues[physicalName(f, mode)], f.name);
      expect(
        decodePath(add.path).startsWith(`${partitionDirs(physical, add.partitionValues)}/`),
        add.path,
      ).toBe(true);
    }
    expect(adds).toBeGreaterThan(0);
  });
});
