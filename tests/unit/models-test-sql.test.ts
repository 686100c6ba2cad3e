// The SQL of data tests on small inline tables in real DuckDB: each kind passes
// on good data and returns exactly the failing rows on bad data; countSql agrees;
// severity decides whether failures fail or only warn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings } from '../../src/pipeline';
import { countSql, describeTest, testOutcome, testSql } from '../../src/pipeline/models';
import type { ModelTest } from '../../src/pipeline/models';

let engine: EngineClient;

beforeAll(async () => {
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
  await engine.run(`
    CREATE TABLE good AS SELECT * FROM (VALUES (1, 'login', 10, 'a'), (2, 'search', 20, 'b'), (3, 'login', NULL, 'c'))
      AS t(id, kind, club, "odd name");
    CREATE TABLE bad AS SELECT * FROM (VALUES (1, 'login', 10, 'a'), (1, 'hack', 99, NULL), (NULL, 'login', 10, 'a'), (4, 'x', 98, 'a'))
      AS t(id, kind, club, "odd name");
    CREATE TABLE clubs AS SELECT * FROM (VALUES (10), (20)) AS t(club_id);
    CREATE TABLE empty AS SELECT 1 AS id WHERE false;`);
});

afterAll(async () => {
  await engine.dispose();
});

const base = { model: 'm', severity: 'error' as const, file: 'models/m.yml', line: 1 };
const CASES: Array<[ModelTest, number]> = [
  [{ ...base, id: 'nn', kind: 'not_null', column: 'id' }, 1],
  [{ ...base, id: 'nn2', kind: 'not_null', column: 'odd name' }, 1],
  [{ ...base, id: 'u', kind: 'unique', column: 'id' }, 1],
  [{ ...base, id: 'av', kind: 'accepted_values', column: 'kind', values: ['login', 'search'] }, 2],
  [{ ...base, id: 'av2', kind: 'accepted_values', column: 'club', values: [10, 20, 99, 98] }, 0],
  [{ ...base, id: 'rel', kind: 'relationships', column: 'club', to: 'dim_club', field: 'club_id' }, 2],
  [{ ...base, id: 'uc', kind: 'unique_combination', columns: ['id', 'kind'] }, 0],
  [{ ...base, id: 'uc2', kind: 'unique_combination', columns: ['kind', 'odd name'] }, 1],
  [{ ...base, id: 'rc', kind: 'row_count', min: 1, max: 3 }, 1],
];

const ctx = { relationOf: (m: string) => (m === 'dim_club' ? 'clubs' : m) };

async function failures(test: ModelTest, relation: string): Promise<number> {
  const { rows } = await engine.read(countSql(test, relation, ctx));
  return Number(rows[0]?.[0]);
}

describe('test SQL', () => {
  it.each(CASES)('%o passes on good rows and finds the failures in bad ones', async (test, expected) => {
    expect(await failures(test, 'good')).toBe(0);
    expect(await failures(test, 'bad')).toBe(expected);
    const { rows } = await engine.read(testSql(test, 'bad', ctx));
    expect(rows.length).toBe(expected);
  });

  it('returns the offending rows whole, and duplicates with their count', async () => {
    const nn = CASES[0]?.[0];
    const u = CASES[2]?.[0];
    if (!nn || !u) throw new Error('cases');
    expect((await engine.read(testSql(nn, 'bad'))).rows).toEqual([[null, 'login', 10, 'a']]);
    expect((await engine.read(testSql(u, 'bad'))).rows).toEqual([[1, '2']]);
  });

  it('row_count reports the count with its bounds when out of bounds, also on an empty table', async () => {
    const rc: ModelTest = { ...base, id: 'rc', kind: 'row_count', min: 1, max: null };
    expect((await engine.read(testSql(rc, 'empty'))).rows).toEqual([['0', '1', null]]);
    expect(await failures(rc, 'good')).toBe(0);
  });

  it('relationships needs the other model’s relation', () => {
    const rel = CASES[5]?.[0];
    if (!rel) throw new Error('cases');
    expect(() => testSql(rel, 'bad')).toThrow(/needs the relation of dim_club/);
  });
});

describe('outcome', () => {
  it.each([
    ['error', 0, 'pass'],
    ['error', 3, 'fail'],
    ['warn', 3, 'warn'],
    ['warn', 0, 'pass'],
  ] as const)('severity %s with %i failures: %s', (severity, n, outcome) => {
    expect(testOutcome({ severity }, n)).toBe(outcome);
  });

  it('describes tests for messages', () => {
    expect(CASES.map(([t]) => describeTest(t))).toEqual([
      'not_null(id)',
      'not_null(odd name)',
      'unique(id)',
      'accepted_values(kind in login, search)',
      'accepted_values(club in 10, 20, 99, 98)',
      'relationships(club → dim_club.club_id)',
      'unique_combination(id, kind)',
      'unique_combination(kind, odd name)',
      'row_count(min 1, max 3)',
    ]);
  });
});
