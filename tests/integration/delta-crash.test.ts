// Crash safety with real processes: a writer (fixtures/delta-writer.ts) is
// killed with SIGKILL at each stage of a write — while DuckDB writes parquet,
// after the files, just before put-if-absent, half-way through the commit
// file, right after the commit landed. The table stays readable at its last
// committed version with exactly its rows; the dead writer's files are
// orphans no commit lists (vacuum's to delete); the next write just works.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings } from '../../src/pipeline';
import { decodePath } from '../../src/pipeline/delta/actions';
import { loadSnapshot } from '../../src/pipeline/delta/load';
import { scanSql } from '../../src/pipeline/delta/scan';
import { localTable } from '../../src/pipeline/delta/table';
import { vacuum } from '../../src/pipeline/delta/vacuum';
import { writeDelta } from '../../src/pipeline/delta/write';
import { parquetOnDisk, readLog, startWriter } from './fixtures/delta-helpers';

let engine: EngineClient;
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-delta-crash-'));
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

const V0 = `SELECT range AS id, 'v0' AS note, DATE '2024-05-01' + (range % 3)::INTEGER AS dt FROM range(300)`;
const V1 = `SELECT range + 500 AS id, 'v1' AS note, DATE '2024-05-02' AS dt FROM range(40)`;
/** The table's rows at version 1. */
const AT_V1 = `SELECT * FROM (${V0}) WHERE dt <> DATE '2024-05-02' UNION ALL ${V1}`;
const SMALL = `SELECT range + 1000 AS id, 'crash' AS note, DATE '2024-05-02' + (range % 3)::INTEGER AS dt FROM range(30)`;
/** Big enough that DuckDB is still writing files when the process is killed. */
const BIG = `SELECT range + 1000 AS id, md5(range::VARCHAR) AS note, DATE '2024-05-02' + (range % 3)::INTEGER AS dt FROM range(12000000)`;

/** A table at version 1: an append, then a partition replace (so it has tombstones too). */
async function tableWithHistory(name: string): Promise<string> {
  const root = path.join(work, name);
  const table = localTable(root, engine);
  expect(await writeDelta(table, { sql: V0, mode: 'append', partitionBy: ['dt'] })).toMatchObject({
    status: 'committed',
    version: 0,
  });
  expect(await writeDelta(table, { sql: V1, mode: 'replacePartitions' })).toMatchObject({
    status: 'committed',
    version: 1,
  });
  return root;
}

async function difference(a: string, b: string): Promise<number> {
  const r = await engine.read(
    `SELECT count(*)::INTEGER FROM ((FROM (${a}) EXCEPT ALL FROM (${b})) UNION ALL (FROM (${b}) EXCEPT ALL FROM (${a})))`,
  );
  return Number(r.rows[0]?.[0]);
}

/** Waits until DuckDB has put bytes into a parquet file the table did not have before. */
async function newParquetBytes(root: string, before: readonly string[], ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const fresh = parquetOnDisk(root).filter((f) => !before.includes(f));
    if (fresh.some((f) => fs.statSync(path.join(root, f)).size > 0)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('DuckDB wrote no parquet file in time');
}

interface Case {
  stage: string;
  title: string;
  sql: string;
  /** The version the table must be at after the kill, and the rows it must hold. */
  version: number;
  rows: string;
}

const CASES: Case[] = [
  {
    stage: 'files-started',
    title: 'while DuckDB writes the parquet files',
    sql: BIG,
    version: 1,
    rows: AT_V1,
  },
  {
    stage: 'files-written',
    title: 'after the files, before the commit',
    sql: SMALL,
    version: 1,
    rows: AT_V1,
  },
  { stage: 'commit-ready', title: 'just before put-if-absent', sql: SMALL, version: 1, rows: AT_V1 },
  {
    stage: 'mid-commit',
    title: 'half-way through writing the commit file',
    sql: SMALL,
    version: 1,
    rows: AT_V1,
  },
  {
    stage: 'committed',
    title: 'right after the commit landed',
    sql: SMALL,
    version: 2,
    rows: `SELECT * FROM (${AT_V1}) WHERE dt NOT IN (DATE '2024-05-02', DATE '2024-05-03', DATE '2024-05-04') UNION ALL ${SMALL}`,
  },
];

describe('a writer killed with SIGKILL', () => {
  it.each(CASES)(
    '$title ($stage): the table stays at its last commit, orphans stay out of the log',
    async (c) => {
      const root = await tableWithHistory(`crash-${c.stage}`);
      const before = parquetOnDisk(root);
      const writer = startWriter(
        { root, writes: [{ sql: c.sql, mode: 'replacePartitions' }] },
        { LAKEHOUSE_TEST_PAUSE_AT: c.stage },
      );
      await writer.waitFor(new RegExp(`^PAUSED ${c.stage}`));
      if (c.stage === 'files-started') {
        writer.resume();
        await newParquetBytes(root, before);
      }
      await writer.kill();
      const ended = await writer.done;
      expect(ended.signal).toBe('SIGKILL');
      expect(ended.results).toEqual([]);

      // Readable at the last version that committed, with exactly its rows.
      const table = localTable(root, engine);
      const snapshot = await loadSnapshot(table);
      expect(snapshot.version).toBe(c.version);
      expect(readLog(root).map((l) => l.version)).toEqual(Array.from({ length: c.version + 1 }, (_, i) => i));
      expect(await difference(await scanSql(snapshot), c.rows)).toBe(0);
      if (c.stage === 'mid-commit') {
        // The half-written bytes sit in a temporary name that is not a commit.
        expect(fs.readdirSync(path.join(root, '_delta_log')).some((f) => f.endsWith('.crashed.tmp'))).toBe(
          true,
        );
      }

      // The dead writer's files are on disk but in no commit.
      const inLog = new Set(
        readLog(root).flatMap((l) => l.actions.flatMap((a) => ('add' in a ? [decodePath(a.add.path)] : []))),
      );
      const orphans = parquetOnDisk(root).filter((f) => !inLog.has(f));
      if (c.stage === 'committed') expect(orphans).toEqual([]);
      else expect(orphans.length).toBeGreaterThan(0);
      if (c.stage === 'files-started') {
        // Killed mid-write: some file never got its parquet footer ('PAR1' at the end).
        const unfinished = orphans.filter((f) => {
          const buf = fs.readFileSync(path.join(root, f));
          return buf.subarray(-4).toString('latin1') !== 'PAR1';
        });
        expect(unfinished.length).toBeGreaterThan(0);
      }
      // Vacuum (with no retention) would delete exactly files the table does not use.
      const live = new Set(snapshot.files.map((f) => decodePath(f.path)));
      const vac = await vacuum(table, { retentionHours: 0, dryRun: true });
      for (const o of orphans) expect(vac.files).toContain(o);
      for (const f of vac.files) expect(live.has(f)).toBe(false);

      // And the table takes the next write at the next version.
      const next = await writeDelta(table, {
        sql: `SELECT 9999::BIGINT AS id, 'after' AS note, DATE '2024-05-09' AS dt`,
        mode: 'append',
      });
      expect(next).toMatchObject({ status: 'committed', version: c.version + 1 });
      expect(
        await difference(
          await scanSql(await loadSnapshot(table)),
          `${c.rows} UNION ALL SELECT 9999, 'after', DATE '2024-05-09'`,
        ),
      ).toBe(0);
    },
  );
});
