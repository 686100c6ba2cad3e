// query.export and cancellation through the Workbench service on a real lake: a
// million-row result written to CSV and Parquet equals the same rows computed by
// a separate DuckDB; an export or a profile cancelled by its id leaves no file and
// the service keeps working; editor SQL still cannot write files (COPY is refused
// inside the lake's exports/ folder as anywhere else).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code } from '../helpers/outcome';
import { createWorkbenchService, initLake } from '../../src/pipeline';
import type { EventOf, WorkbenchService } from '../../src/shared/contract';
import { quoteLiteral } from '../../src/pipeline/engine/sql';

let work: string;
let root: string;
let service: WorkbenchService;
let duck: DuckDBConnection;
const progress: EventOf<'onDidProgressExport'>[] = [];

async function sql(text: string): Promise<unknown[][]> {
  return (await duck.runAndReadAll(text)).getRowsJson() as unknown[][];
}

/** Files left in a folder tree (the exports and the engine's scratch folder). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => {
    return fs.statSync(path.join(dir, f)).isFile();
  });
}

const ROWS = 1_200_000;
/** Every kind the exact-value guarantee covers; the result is in descending order of i. */
const COLUMNS = `i::BIGINT AS id, (i % 1000)::INTEGER AS small, i / 7 AS ratio,
  'name-' || i AS label, CAST(i * 1000003.1234 + 12345678901234567.8901 AS DECIMAL(24,4)) AS amount,
  i::HUGEINT * 100000000000000000000 AS huge, TIMESTAMP '2024-01-01' + to_seconds(i) AS ts,
  DATE '2000-01-01' + (i % 9000)::INTEGER AS d, CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS flag`;
const NAMES = 'id, small, ratio, label, amount, huge, ts, d, flag';
const TEXT = NAMES.split(', ')
  .map((n) => `${n}::VARCHAR AS ${n}`)
  .join(', ');

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-export-'));
  root = path.join(work, 'lake');
  await initLake({ dir: root, sample: true, days: 1, eventsPerDay: 200, seed: 3 });
  // A view model big enough that profiling it takes seconds.
  fs.writeFileSync(
    path.join(root, 'models', 'v_big.sql'),
    "{{ config(materialized='view', layer='marts') }}\n" +
      'select range as id, range % 977 as k, (range * 31) % 100003 as v, range::VARCHAR as s from range(400000000)\n',
  );
  fs.writeFileSync(
    path.join(root, 'models', 'v_small.sql'),
    "{{ config(materialized='view', layer='marts') }}\nselect range::INTEGER as n from range(1000)\n",
  );
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run("SET TimeZone = 'UTC'");
  service = createWorkbenchService();
  service.on('onDidProgressExport', (p) => progress.push(p));
  await service.call('lake.open', { path: root });
}, 120_000);

afterAll(async () => {
  await service?.dispose();
  duck?.closeSync();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('export', () => {
  it('writes a 1.2M-row result to CSV and Parquet equal, row for row, to an independent computation', async () => {
    const r = await service.call('query.run', {
      sql: `SELECT ${COLUMNS} FROM range(${ROWS}) t(i) ORDER BY i DESC`,
      queryId: 'q-big',
    });
    expect(r.totalRows).toBe(ROWS);
    // The same rows from the test's own DuckDB, numbered in the result's order.
    const want = `SELECT row_number() OVER (ORDER BY id DESC) AS rn, ${TEXT} FROM (SELECT ${COLUMNS} FROM range(${ROWS}) t(i))`;
    for (const format of ['parquet', 'csv'] as const) {
      const exportId = `x-big-${format}`;
      const t0 = Date.now();
      const ex = await service.call('query.export', { resultId: r.resultId, format, exportId });
      const ms = Date.now() - t0;
      console.log(`export ${ROWS} rows × 9 columns to ${format}: ${ms} ms, ${ex.bytes} bytes`);
      expect(ex.rows).toBe(ROWS);
      expect(ex.bytes).toBe(fs.statSync(ex.path).size);
      expect(path.dirname(ex.path)).toBe(path.join(root, 'exports'));
      // Numbered in file order: Parquet knows each row's position; a CSV is numbered by one thread.
      const numbered =
        format === 'csv'
          ? `SELECT row_number() OVER () AS rn, * FROM read_csv(${quoteLiteral(ex.path)}, all_varchar = true, header = true)`
          : `SELECT file_row_number + 1 AS rn, * FROM read_parquet(${quoteLiteral(ex.path)}, file_row_number = true)`;
      await duck.run('SET threads = 1');
      await duck.run(`CREATE OR REPLACE TEMP TABLE got AS SELECT rn, ${TEXT} FROM (${numbered})`);
      await duck.run('RESET threads');
      const [[n]] = (await sql('SELECT count(*)::INTEGER FROM got')) as [[number]];
      expect(n).toBe(ROWS);
      const diff = await sql(`SELECT * FROM ((FROM got) EXCEPT ALL (${want})) LIMIT 3`);
      expect(diff).toEqual([]);
      const first = p(exportId);
      expect(first[0]).toEqual({ exportId, rows: 0, totalRows: ROWS });
      expect(first.at(-1)).toEqual({ exportId, rows: ROWS, totalRows: ROWS });
      if (format === 'parquet') {
        // 128-bit integers stay exact as DECIMAL(38,0); wide decimals keep their type.
        const types = await sql(
          `SELECT typeof(amount), typeof(huge) FROM read_parquet(${quoteLiteral(ex.path)}) LIMIT 1`,
        );
        expect(types).toEqual([['DECIMAL(24,4)', 'DECIMAL(38,0)']]);
      }
    }
    expect(filesUnder(path.join(root, '.lakehouse', 'exports'))).toEqual([]);
  }, 240_000);

  it('writes to a path outside the lake', async () => {
    const r = await service.call('query.run', { sql: 'SELECT 1 AS a, 2 AS b', queryId: 'q-small' });
    const out = path.join(work, 'out.csv');
    const ex = await service.call('query.export', {
      resultId: r.resultId,
      format: 'csv',
      exportId: 'x-out',
      path: out,
    });
    expect(ex.path).toBe(out);
    expect(ex.downloadPath).toBeNull();
    expect(fs.readFileSync(out, 'utf8')).toBe('a,b\n1,2\n');
  });

  it('exports a result held in memory (SHOW, PRAGMA) by paging it out', async () => {
    const r = await service.call('query.run', { sql: 'PRAGMA version', queryId: 'q-pragma' });
    const ex = await service.call('query.export', {
      resultId: r.resultId,
      format: 'csv',
      exportId: 'x-pragma',
    });
    expect(ex.rows).toBe(1);
    expect(fs.readFileSync(ex.path, 'utf8').split('\n')[0]).toContain('library_version');
  });

  it('is cancelled by query.cancel with its exportId, leaving no file, and the service keeps working', async () => {
    const r = await service.call('query.run', {
      sql: 'SELECT range AS a, range * 2 AS b, range::VARCHAR AS c, range / 3 AS d FROM range(30000000)',
      queryId: 'q-huge',
    });
    const before = filesUnder(path.join(root, 'exports'));
    const target = path.join(root, 'exports', 'cancelled.csv');
    const running = service.call('query.export', {
      resultId: r.resultId,
      format: 'csv',
      exportId: 'x-cancel',
      path: target,
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await service.call('query.cancel', { queryId: 'x-cancel' })).toEqual({ cancelled: true });
    const t0 = Date.now();
    expect(await code(running)).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(fs.existsSync(target)).toBe(false);
    expect(filesUnder(path.join(root, 'exports'))).toEqual(before);
    expect(filesUnder(path.join(root, '.lakehouse', 'exports'))).toEqual([]);
    expect(await service.call('query.cancel', { queryId: 'x-cancel' })).toEqual({ cancelled: false });
    // The same result exports afterwards (the engine and the result are intact).
    const again = await service.call('query.run', { sql: 'SELECT 42 AS answer', queryId: 'q-after' });
    const ex = await service.call('query.export', {
      resultId: again.resultId,
      format: 'parquet',
      exportId: 'x-after',
    });
    expect(await sql(`SELECT answer FROM read_parquet(${quoteLiteral(ex.path)})`)).toEqual([[42]]);
    await service.call('query.release', { resultId: r.resultId });
  }, 120_000);
});

describe('profile', () => {
  it('is cancelled by query.cancel with its queryId; a later profile runs', async () => {
    const running = service.call('table.profile', { table: 'marts.v_big', queryId: 'p-big' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await service.call('query.cancel', { queryId: 'p-big' })).toEqual({ cancelled: true });
    const t0 = Date.now();
    expect(await code(running)).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(3000);
    // The id is free again, and the engine answers the next profile.
    const small = await service.call('table.profile', { table: 'marts.v_small', queryId: 'p-big' });
    expect(small.map((c) => [c.name, c.rows, c.distinct])).toEqual([['n', 1000, expect.any(Number)]]);
    expect(small[0]?.min).toBe(0);
    expect(small[0]?.max).toBe(999);
  }, 60_000);
});

describe('sandbox', () => {
  it('still refuses COPY in editor SQL, inside exports/ as anywhere else', async () => {
    for (const target of [path.join(root, 'exports', 'x.csv'), path.join(work, 'x.csv')]) {
      const q = service.call('query.run', {
        sql: `COPY (select 1) TO ${quoteLiteral(target)}`,
        queryId: `q-copy-${target.length}`,
      });
      expect(await code(q)).toBe('SANDBOX');
      expect(fs.existsSync(target)).toBe(false);
    }
    const outside = service.call('query.run', {
      sql: `SELECT * FROM read_csv(${quoteLiteral(path.join(work, 'out.csv'))})`,
      queryId: 'q-read-outside',
    });
    expect(await code(outside)).toBe('SANDBOX');
    const setting = service.call('query.run', { sql: 'SET enable_external_access = true', queryId: 'q-set' });
    expect(['SANDBOX', 'SQL']).toContain(await code(setting));
  });
});

function p(exportId: string): EventOf<'onDidProgressExport'>[] {
  return progress.filter((e) => e.exportId === exportId);
}
