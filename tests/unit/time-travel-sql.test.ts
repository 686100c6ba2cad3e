import { describe, expect, it } from 'vitest';
import { findTimeTravel, rewriteTimeTravel } from '../../src/pipeline/lake/time-travel';

describe('findTimeTravel', () => {
  it.each([
    ['select * from core.fct VERSION AS OF 3', [{ parts: ['core', 'fct'], version: 3 }]],
    [
      "select * from core.fct timestamp as of '2024-05-01 10:00:00' where x = 1",
      [{ parts: ['core', 'fct'], timestamp: '2024-05-01 10:00:00' }],
    ],
    ['select * from "my layer"."t x" version as of 12 t', [{ parts: ['my layer', 't x'], version: 12 }]],
    ["select 'from a.b version as of 3' as s", []],
    ['-- a.b version as of 3\nselect 1', []],
    [
      'select * from t version as of 1 join u version as of 2 using (id)',
      [
        { parts: ['t'], version: 1 },
        { parts: ['u'], version: 2 },
      ],
    ],
    ['select version as of from t', []],
  ])('%j', (sql, expected) => {
    expect(findTimeTravel(sql).map((f) => f.ref)).toEqual(expected);
  });
});

describe('rewriteTimeTravel', () => {
  const resolve = async (ref: { parts: string[]; version?: number; timestamp?: string }): Promise<string> =>
    `SELECT ${ref.version ?? `'${ref.timestamp ?? ''}'`} AS v FROM ${ref.parts.join('_')}`;

  it('wraps each reference and names it after the table', async () => {
    expect(await rewriteTimeTravel('select * from core.fct version as of 3 where v > 0', resolve)).toBe(
      'select * from (SELECT 3 AS v FROM core_fct) AS "fct" where v > 0',
    );
  });

  it('keeps the query’s own alias', async () => {
    expect(
      await rewriteTimeTravel('select a.v from core.fct version as of 3 a join core.fct b on true', resolve),
    ).toBe('select a.v from (SELECT 3 AS v FROM core_fct) a join core.fct b on true');
    expect(await rewriteTimeTravel("select * from t timestamp as of '2024-05-01' as old", resolve)).toBe(
      "select * from (SELECT '2024-05-01' AS v FROM t) as old",
    );
  });

  it('leaves queries without time travel alone', async () => {
    const sql = "select 'version as of 3' from t";
    expect(await rewriteTimeTravel(sql, resolve)).toBe(sql);
  });
});
