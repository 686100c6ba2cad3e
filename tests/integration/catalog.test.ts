// Tables in the explore engine: every Delta table under tables/ is a view
// <layer>.<name> at its current version, time travel works by version and by
// timestamp, plain Parquet folders are views too, and views follow new commits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExploreSession, initLake, openLake } from '../../src/pipeline';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;
const present = fs.existsSync(TESTDATA);
if (!present)
  console.log(`skipping catalog tests: ${TESTDATA} does not exist (set LAKEHOUSE_DELTA_TESTDATA)`);

let work: string;
let session: ExploreSession;
const tt = (): string => path.join(work, 'lake', 'tables', 'core', 'tt');

async function scalar(sql: string): Promise<unknown> {
  return (await session.query(sql)).rows[0]?.[0];
}

beforeAll(async () => {
  if (!present) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-catalog-'));
  await initLake({ dir: path.join(work, 'lake'), sample: true, days: 1, eventsPerDay: 200 });
  // A reference table with 3 versions (10, 20, 30 rows), its last commit held back for later.
  fs.cpSync(path.join(TESTDATA, 'time-travel-start-start20-start40'), tt(), { recursive: true });
  fs.renameSync(path.join(tt(), '_delta_log/00000000000000000002.json'), path.join(work, 'v2.json'));
  // A plain Hive-partitioned Parquet dataset.
  const pq = path.join(work, 'lake', 'tables', 'exports', 'clubs_pq', 'tier=1');
  fs.mkdirSync(pq, { recursive: true });
  fs.cpSync(
    path.join(
      TESTDATA,
      'multi-part-checkpoint',
      'part-00000-7f49f4e3-2c9c-4ea7-b6c3-42c9a6fc6070-c000.snappy.parquet',
    ),
    path.join(pq, 'a.parquet'),
  );
  // A model materialized as a view lives only in the explore engine.
  fs.writeFileSync(
    path.join(work, 'lake', 'models', 'v_club_count.sql'),
    "{{ config(materialized='view', layer='core') }}\nselect count(*)::INTEGER as clubs from {{ source('clubs') }}\n",
  );
  session = await ExploreSession.open(openLake(path.join(work, 'lake')));
});

afterAll(async () => {
  if (!present) return;
  await session.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!present)('the explore catalog', () => {
  it('lists Delta tables and Parquet datasets by layer', () => {
    expect(session.catalog.map((e) => [e.schema, e.name, e.kind])).toEqual([
      ['core', 'tt', 'delta'],
      ['exports', 'clubs_pq', 'parquet'],
    ]);
    expect(session.problems).toEqual([]);
  });

  it('queries a Delta table at its current version and at older ones', async () => {
    expect(await scalar('select count(*)::int from core.tt')).toBe(20);
    expect(await scalar('select count(*)::int from core.tt version as of 0')).toBe(10);
    expect(await scalar('select max(t.id)::int from core.tt VERSION AS OF 0 t')).toBe(9);
    const v1 = JSON.parse(
      fs.readFileSync(path.join(tt(), '_delta_log/00000000000000000001.json'), 'utf8').split('\n')[0] ?? '{}',
    ) as {
      commitInfo: { timestamp: number };
    };
    const at = new Date(v1.commitInfo.timestamp).toISOString().replace('T', ' ').replace('Z', '');
    expect(await scalar(`select count(*)::int from core.tt timestamp as of '${at}'`)).toBe(20);
  });

  it('defines view models over the raw sources', async () => {
    expect(await scalar('select clubs from core.v_club_count')).toBeGreaterThan(100);
  });

  it('reads Parquet datasets with their Hive partitions', async () => {
    const r = await session.query('select tier, count(*)::int as n from exports.clubs_pq group by all');
    expect(r.rows).toEqual([['1', 1]]);
  });

  it('follows a new commit after refresh, and says what changed', async () => {
    fs.renameSync(path.join(work, 'v2.json'), path.join(tt(), '_delta_log/00000000000000000002.json'));
    expect(await session.refresh()).toEqual(['core.tt']);
    expect(await scalar('select count(*)::int from core.tt')).toBe(30);
    expect(await session.refresh()).toEqual([]);
  });

  it('names unknown tables and impossible time travel clearly', async () => {
    await expect(session.query('select * from core.nope version as of 1')).rejects.toThrow(
      /No table 'core.nope' in this lake. Tables: core.tt, exports.clubs_pq/,
    );
    await expect(session.query('select * from core.tt version as of 7')).rejects.toThrow(/versions up to 2/);
    await expect(session.query('select * from exports.clubs_pq version as of 1')).rejects.toThrow(
      /plain Parquet dataset/,
    );
  });
});
