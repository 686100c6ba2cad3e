// Concurrent writers as real processes (fixtures/delta-writer.ts) on one table
// folder: appends from two processes interleave into contiguous versions with
// every row exactly once; two runs replacing the same partition — the loser
// gets a clear conflict and its files stay out of the log; runs replacing
// different partitions both commit (the loser of the race retries); a retried
// run racing its original commits once (txn).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings } from '../../src/pipeline';
import { decodePath } from '../../src/pipeline/delta/actions';
import { loadSnapshot } from '../../src/pipeline/delta/load';
import { readRows } from '../../src/pipeline/delta/scan';
import { localTable } from '../../src/pipeline/delta/table';
import { writeDelta } from '../../src/pipeline/delta/write';
import { parquetOnDisk, readLog, startWriter } from './fixtures/delta-helpers';

let engine: EngineClient;
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-delta-concurrency-'));
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

const rowsSql = (writer: string, round: number, dt: string, n = 50): string =>
  `SELECT '${writer}' AS writer, ${round} AS round, range AS i, DATE '${dt}' AS dt FROM range(${n})`;

async function createTable(name: string, sql: string): Promise<string> {
  const root = path.join(work, name);
  const r = await writeDelta(localTable(root, engine), { sql, mode: 'append', partitionBy: ['dt'] });
  expect(r).toMatchObject({ status: 'committed', version: 0 });
  return root;
}

async function tableRows(root: string): Promise<string[]> {
  const r = await readRows(await loadSnapshot(localTable(root, engine)), {
    columns: ['writer', 'round', 'i', 'dt'],
    maxRows: 100_000,
  });
  return r.rows.map((x) => x.map(String).join('|'));
}

describe('two processes appending to one table', () => {
  it('2 × 25 commits: contiguous versions, none lost or duplicated, every row once', async () => {
    const root = await createTable('appends', rowsSql('init', 0, '2024-05-01', 10));
    const rounds = 25;
    const job = (w: string): unknown => ({
      root,
      // Both append to the same partition: appends never conflict, they only retry.
      writes: Array.from({ length: rounds }, (_, r) => ({
        sql: rowsSql(w, r + 1, '2024-05-01'),
        mode: 'append',
      })),
    });
    // Both hold with a warm engine until both are up, so their 25 rounds overlap.
    const env = { LAKEHOUSE_TEST_PAUSE_AT: 'files-started' };
    const a = startWriter(job('a'), env);
    const b = startWriter(job('b'), env);
    await Promise.all([a.waitFor(/^PAUSED/), b.waitFor(/^PAUSED/)]);
    a.resume();
    b.resume();
    const [ra, rb] = await Promise.all([a.done, b.done]);
    for (const r of [ra, rb]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.results).toHaveLength(rounds);
      expect(r.results.every((x) => x['status'] === 'committed')).toBe(true);
    }
    const versions = [...ra.results, ...rb.results].map((x) => Number(x['version'])).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 2 * rounds }, (_, i) => i + 1));
    // The two histories interleave (neither ran its 25 commits in one block).
    const va = ra.results.map((x) => Number(x['version']));
    const vb = rb.results.map((x) => Number(x['version']));
    expect(Math.min(...va) < Math.max(...vb) && Math.min(...vb) < Math.max(...va), `${va} / ${vb}`).toBe(
      true,
    );
    const retried = [...ra.results, ...rb.results].filter((x) => Number(x['attempts']) > 1).length;
    console.log(`concurrent appends: ${retried} of ${2 * rounds} commits lost a version race and retried`);

    const log = readLog(root);
    expect(log.map((c) => c.version)).toEqual(Array.from({ length: 2 * rounds + 1 }, (_, i) => i));
    const txnIds = log.map((c) =>
      c.actions.filter((x) => 'commitInfo' in x).map((x) => ('commitInfo' in x ? x.commitInfo.txnId : '')),
    );
    expect(txnIds.every((ids) => ids.length === 1)).toBe(true);
    expect(new Set(txnIds.flat()).size).toBe(log.length);
    // Every file written is in the log exactly once, and nothing else is on disk.
    const added = log.flatMap((c) => c.actions.flatMap((x) => ('add' in x ? [decodePath(x.add.path)] : [])));
    expect(new Set(added).size).toBe(added.length);
    expect(added.sort()).toEqual(parquetOnDisk(root));

    const rows = await tableRows(root);
    expect(rows).toHaveLength(10 + 2 * rounds * 50);
    expect(new Set(rows).size).toBe(rows.length);
    for (const w of ['a', 'b']) {
      for (let r = 1; r <= rounds; r++)
        expect(rows.filter((x) => x.startsWith(`${w}|${r}|`))).toHaveLength(50);
    }
  });
});

describe('two processes replacing partitions', () => {
  /** Starts both writers, lets both write their files, then lets `first` commit before `second`. */
  async function race(
    root: string,
    first: unknown[],
    second: unknown[],
  ): Promise<[Record<string, unknown>, Record<string, unknown>]> {
    const env = { LAKEHOUSE_TEST_PAUSE_AT: 'commit-ready' };
    const a = startWriter({ root, name: 'core.daily', writes: first }, env);
    const b = startWriter({ root, name: 'core.daily', writes: second }, env);
    await Promise.all([a.waitFor(/^PAUSED commit-ready/), b.waitFor(/^PAUSED commit-ready/)]);
    a.resume();
    const ra = await a.done;
    b.resume();
    const rb = await b.done;
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    return [ra.results[0] ?? {}, rb.results[0] ?? {}];
  }

  it('the same partition: one commits, the other gets a clear conflict and changes nothing', async () => {
    const root = await createTable(
      'same',
      `${rowsSql('init', 0, '2024-05-01', 5)} UNION ALL ${rowsSql('init', 0, '2024-05-02', 5)}`,
    );
    const [a, b] = await race(
      root,
      [{ sql: rowsSql('a', 1, '2024-05-01', 7), mode: 'replacePartitions' }],
      [{ sql: rowsSql('b', 1, '2024-05-01', 9), mode: 'replacePartitions' }],
    );
    expect(a).toMatchObject({ status: 'committed', version: 1 });
    expect(b).toMatchObject({ status: 'conflict', winning: 1 });
    expect(String(b['reason'])).toBe(
      'core.daily: another run replaced partition dt=2024-05-01 at the same time; run again (version 1, REPLACE PARTITIONS).',
    );
    expect(readLog(root).map((c) => c.version)).toEqual([0, 1]);
    const rows = await tableRows(root);
    expect(rows.filter((r) => r.endsWith('2024-05-01')).every((r) => r.startsWith('a|'))).toBe(true);
    expect(rows).toHaveLength(7 + 5);
    // The loser's file is an orphan: on disk, never in the log.
    const live = (await loadSnapshot(localTable(root, engine))).files.map((f) => decodePath(f.path));
    expect(parquetOnDisk(root).filter((f) => !live.includes(f)).length).toBeGreaterThanOrEqual(2);
  });

  it('different partitions: both commit, the loser of the race retrying at the next version', async () => {
    const root = await createTable(
      'different',
      `${rowsSql('init', 0, '2024-05-01', 5)} UNION ALL ${rowsSql('init', 0, '2024-05-02', 5)}`,
    );
    const [a, b] = await race(
      root,
      [{ sql: rowsSql('a', 1, '2024-05-01', 7), mode: 'replacePartitions' }],
      [{ sql: rowsSql('b', 1, '2024-05-02', 9), mode: 'replacePartitions' }],
    );
    expect(a).toMatchObject({ status: 'committed', version: 1, attempts: 1 });
    expect(b).toMatchObject({ status: 'committed', version: 2, attempts: 2 });
    const rows = await tableRows(root);
    expect(rows.filter((r) => r.endsWith('2024-05-01')).every((r) => r.startsWith('a|'))).toBe(true);
    expect(rows.filter((r) => r.endsWith('2024-05-02')).every((r) => r.startsWith('b|'))).toBe(true);
    expect(rows).toHaveLength(7 + 9);
  });

  it('different partitions released at the same instant: both commit, versions 1 and 2', async () => {
    const root = await createTable('simultaneous', rowsSql('init', 0, '2024-05-01', 5));
    const env = { LAKEHOUSE_TEST_PAUSE_AT: 'commit-ready' };
    const writers = ['2024-05-03', '2024-05-04'].map((dt, i) =>
      startWriter({ root, writes: [{ sql: rowsSql(`w${i}`, 1, dt, 3), mode: 'replacePartitions' }] }, env),
    );
    await Promise.all(writers.map((w) => w.waitFor(/^PAUSED/)));
    for (const w of writers) w.resume();
    const results = (await Promise.all(writers.map((w) => w.done))).map((r) => r.results[0]);
    expect(results.map((r) => r?.['status'])).toEqual(['committed', 'committed']);
    expect(results.map((r) => Number(r?.['version'])).sort()).toEqual([1, 2]);
    expect(await tableRows(root)).toHaveLength(5 + 3 + 3);
  });

  it('two first runs creating the table at once: the loser re-plans on the new table and commits', async () => {
    const root = path.join(work, 'created-together');
    const [a, b] = await race(
      root,
      [{ sql: rowsSql('a', 1, '2024-05-01', 3), mode: 'replacePartitions', partitionBy: ['dt'] }],
      [{ sql: rowsSql('b', 1, '2024-05-02', 4), mode: 'replacePartitions', partitionBy: ['dt'] }],
    );
    expect(a).toMatchObject({ status: 'committed', version: 0 });
    expect(b).toMatchObject({ status: 'committed', version: 1 });
    const v1 = readLog(root)[1]?.actions ?? [];
    expect(v1.some((x) => 'metaData' in x || 'protocol' in x)).toBe(false);
    expect(await tableRows(root)).toHaveLength(7);
  });

  it('two first runs creating the table with the same partition: the loser gets a conflict', async () => {
    const root = path.join(work, 'created-same');
    const [a, b] = await race(
      root,
      [{ sql: rowsSql('a', 1, '2024-05-01', 3), mode: 'replacePartitions', partitionBy: ['dt'] }],
      [{ sql: rowsSql('b', 1, '2024-05-01', 4), mode: 'replacePartitions', partitionBy: ['dt'] }],
    );
    expect(a).toMatchObject({ status: 'committed', version: 0 });
    expect(b).toMatchObject({ status: 'conflict', winning: 0 });
    expect(String(b['reason'])).toContain(
      'another run wrote partition dt=2024-05-01 while creating the table at the same time; run again',
    );
    expect(await tableRows(root)).toHaveLength(3);
  });

  it('a retried run racing its original (same txn): the second sees the first’s txn and skips', async () => {
    const root = await createTable('txn', rowsSql('init', 0, '2024-05-01', 5));
    const write = {
      sql: rowsSql('run', 1, '2024-05-01', 4),
      mode: 'replacePartitions',
      txn: { appId: 'daily/2024-05-01', version: 3 },
    };
    const [a, b] = await race(root, [write], [write]);
    expect(a).toMatchObject({ status: 'committed', version: 1 });
    expect(b).toMatchObject({ status: 'skipped', version: 1, appId: 'daily/2024-05-01', appVersion: 3 });
    expect(readLog(root).map((c) => c.version)).toEqual([0, 1]);
    expect(await tableRows(root)).toHaveLength(4);
  });
});
