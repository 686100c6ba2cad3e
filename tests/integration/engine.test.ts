// The engine worker with real DuckDB: paging, cancel, sandbox, crash recovery,
// progress, errors with positions, timeouts, settings, and exports of kept results.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings } from '../../src/pipeline/engine';
import type { QueryProgress } from '../../src/shared/query';

let lake: string;
let outside: string;
let explore: EngineClient;

beforeAll(async () => {
  lake = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-engine-lake-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-engine-outside-'));
  fs.writeFileSync(path.join(lake, 'inside.csv'), 'a,b\n1,x\n2,y\n');
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'password\nhunter2\n');
  // A parquet file big enough for DuckDB to report progress while scanning it.
  const writer = new EngineClient({
    name: 'pipeline',
    settings: defaultEngineSettings('pipeline'),
    sandbox: null,
  });
  await writer.run(
    `COPY (SELECT range AS a, md5(range::VARCHAR) AS c FROM range(12000000)) TO '${path.join(lake, 'big.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 100000)`,
  );
  await writer.dispose();
  explore = new EngineClient({
    name: 'explore',
    settings: { ...defaultEngineSettings('explore'), threads: 2 },
    sandbox: { allowedDirectories: [lake] },
    setup: [`CREATE VIEW inside AS SELECT * FROM read_csv('${path.join(lake, 'inside.csv')}')`],
  });
});

afterAll(async () => {
  await explore.dispose();
  fs.rmSync(lake, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

describe('paging', () => {
  it('keeps a 1M-row result in the worker and serves first, middle and last pages', async () => {
    const sql =
      'SELECT range AS n, range * 2 AS twice, $$row-$$ || range AS label FROM range(1000000) ORDER BY n';
    const first = await explore.query(sql, { pageSize: 500 });
    expect(first.totalRows).toBe(1_000_000);
    expect(first.columns).toEqual([
      { name: 'n', type: 'BIGINT', kind: 'bigint' },
      { name: 'twice', type: 'BIGINT', kind: 'bigint' },
      { name: 'label', type: 'VARCHAR', kind: 'string' },
    ]);
    expect(first.rows).toHaveLength(500);
    expect(first.rows[0]).toEqual(['0', '0', 'row-0']);
    expect(first.rows[499]).toEqual(['499', '998', 'row-499']);

    const middle = await explore.fetch(first.resultId, 500_000, 500);
    expect(middle.rows).toHaveLength(500);
    middle.rows.forEach((row, i) =>
      expect(row).toEqual([String(500_000 + i), String(2 * (500_000 + i)), `row-${500_000 + i}`]),
    );

    const last = await explore.fetch(first.resultId, 999_800, 500);
    expect(last.rows).toHaveLength(200);
    expect(last.rows[199]).toEqual(['999999', '1999998', 'row-999999']);

    const beyond = await explore.fetch(first.resultId, 2_000_000, 500);
    expect(beyond.rows).toEqual([]);

    await explore.release(first.resultId);
    await expect(explore.fetch(first.resultId, 0, 10)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the order of an ORDER BY and returns typed, JSON-safe values', async () => {
    const r = await explore.query(
      `SELECT 9007199254740993::BIGINT AS big, 12.50::DECIMAL(10,2) AS amount, DATE '2024-05-01' AS d,
              TIMESTAMP '2024-05-01 10:11:12.123' AS ts, TIMESTAMPTZ '2024-05-01 12:11:12+02' AS tz,
              [1, 2] AS list, {'k': 'v'} AS st, NULL::INTEGER AS nothing`,
    );
    expect(r.rows[0]).toEqual([
      '9007199254740993',
      '12.50',
      '2024-05-01',
      '2024-05-01T10:11:12.123',
      '2024-05-01T10:11:12Z',
      [1, 2],
      { k: 'v' },
      null,
    ]);
    expect(r.columns.map((c) => c.kind)).toEqual([
      'bigint',
      'decimal',
      'date',
      'timestamp',
      'timestamp',
      'list',
      'struct',
      'integer',
    ]);
    const sorted = await explore.query('SELECT * FROM range(10000) t(x) ORDER BY x DESC', { pageSize: 3 });
    expect(sorted.rows).toEqual([['9999'], ['9998'], ['9997']]);
  });

  it('runs a script and keeps the last statement’s result, whatever its kind', async () => {
    const r = await explore.query(
      'CREATE TABLE t1 AS SELECT 1 AS a; INSERT INTO t1 VALUES (2); SELECT sum(a) AS s FROM t1',
    );
    expect(r.statements).toBe(3);
    expect(r.rows).toEqual([['3']]);
    const described = await explore.query('DESCRIBE SELECT 1 AS a');
    expect(described.rows[0]?.[0]).toBe('a');
    const pragma = await explore.query('PRAGMA version');
    expect(pragma.totalRows).toBe(1);
    const dupes = await explore.query('SELECT 1 AS a, 2 AS a');
    expect(dupes.columns.map((c) => c.name)).toEqual(['a', 'a_1']);
  });
});

describe('cancel and timeout', () => {
  it('interrupts a running query within a second and stays usable', async () => {
    const controller = new AbortController();
    const running = explore.query('SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3', {
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    const cancelMs = performance.now() - t0;
    expect(cancelMs).toBeLessThan(1000);
    const after = await explore.query('SELECT 42 AS answer');
    expect(after.rows).toEqual([[42]]);
    console.log(`cancel confirmed in ${cancelMs.toFixed(0)} ms`);
  });

  it('stops a query that runs past its timeout', async () => {
    await expect(
      explore.query('SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3', { timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect((await explore.query('SELECT 1 AS one')).rows).toEqual([[1]]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(explore.query('SELECT 1', { signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });
});

describe('sandbox', () => {
  it('reads files inside the lake', async () => {
    const r = await explore.query('SELECT count(*)::INTEGER AS n FROM inside');
    expect(r.rows).toEqual([[2]]);
  });

  it.each([
    ['reading /etc/passwd', "SELECT * FROM read_csv('/etc/passwd')"],
    ['reading a file outside the lake', `SELECT * FROM read_csv('${'OUTSIDE'}/secret.csv')`],
    ['a prefix-sharing sibling folder', `SELECT * FROM read_csv('${'LAKE'}-evil/x.csv')`],
    ['COPY outside the lake', `COPY (SELECT 1) TO '${'OUTSIDE'}/out.csv'`],
    ['COPY inside the lake', `COPY (SELECT 1) TO '${'LAKE'}/out.csv'`],
    ['changing a setting', 'SET threads = 1'],
    ['re-enabling file access', 'SET enable_external_access = true'],
    ['unlocking the configuration', 'SET lock_configuration = false'],
    ['attaching a database', `ATTACH '${'OUTSIDE'}/x.duckdb' AS x`],
    ['installing an extension', 'INSTALL spatial'],
  ])('refuses %s', async (_label, sqlTemplate) => {
    const sql = sqlTemplate.replaceAll('OUTSIDE', outside).replaceAll('LAKE', lake);
    await expect(explore.query(sql)).rejects.toMatchObject({ code: 'SANDBOX' });
    expect(fs.existsSync(path.join(outside, 'out.csv'))).toBe(false);
    expect(fs.existsSync(path.join(lake, 'out.csv'))).toBe(false);
  });

  it('still runs with its settings after the refusals', async () => {
    const info = await explore.info();
    expect(info.settings['enable_external_access']).toBe('false');
    expect(info.settings['lock_configuration']).toBe('true');
    // Regression: the pipeline's preserve_insertion_order=false once leaked into the editor,
    // whose kept results rely on insertion order for ORDER BY.
    expect(info.settings['preserve_insertion_order']).toBe('true');
    expect(info.settings['threads']).toBe('2');
    const r = await explore.query("SELECT current_setting('threads')::INTEGER AS t");
    expect(r.rows).toEqual([[2]]);
  });
});

describe('export', () => {
  it('writes a kept result with COPY inside the lake, in its row order, while editor COPY stays refused', async () => {
    const r = await explore.query(
      'SELECT range AS id, range::HUGEINT * 10000000000000000000 AS h FROM range(100000) ORDER BY range DESC',
      { pageSize: 1 },
    );
    const target = path.join(lake, 'exports-test.parquet');
    const written = await explore.call('export', { resultId: r.resultId, path: target, format: 'parquet' });
    expect(written).toEqual({ rows: 100_000, bytes: fs.statSync(target).size });
    const back = await explore.read(
      `SELECT count(*)::INTEGER, min(id)::INTEGER, max(id)::INTEGER, typeof(any_value(h)),
        bool_and(h = id::HUGEINT * 10000000000000000000), (SELECT id::INTEGER FROM read_parquet('${target}') LIMIT 1)
       FROM read_parquet('${target}')`,
    );
    expect(back.rows).toEqual([[100_000, 0, 99_999, 'DECIMAL(38,0)', true, 99_999]]);
    await expect(explore.query(`COPY (SELECT 1) TO '${path.join(lake, 'x.csv')}'`)).rejects.toMatchObject({
      code: 'SANDBOX',
    });
    fs.rmSync(target);
  });

  it('keeps the row order on an instance without preserve_insertion_order (the pipeline)', async () => {
    const pipeline = new EngineClient({
      name: 'pipeline',
      settings: defaultEngineSettings('pipeline'),
      sandbox: null,
    });
    try {
      expect((await pipeline.info()).settings['preserve_insertion_order']).toBe('false');
      const r = await pipeline.query('SELECT range AS id FROM range(3000000) ORDER BY range DESC', {
        pageSize: 1,
      });
      const target = path.join(outside, 'ordered.parquet');
      await pipeline.call('export', { resultId: r.resultId, path: target, format: 'parquet' });
      const check = await pipeline.read(
        `SELECT count(*)::INTEGER, count(*) FILTER (WHERE id <> 2999999 - file_row_number)::INTEGER FROM read_parquet('${target}', file_row_number = true)`,
      );
      expect(check.rows).toEqual([[3_000_000, 0]]);
    } finally {
      await pipeline.dispose();
    }
  });

  it('cannot write outside the allowed folders, and leaves nothing behind', async () => {
    const r = await explore.query('SELECT 1 AS a');
    const target = path.join(outside, 'out.csv');
    await expect(
      explore.call('export', { resultId: r.resultId, path: target, format: 'csv' }),
    ).rejects.toMatchObject({ code: 'SANDBOX' });
    expect(fs.existsSync(target)).toBe(false);
  });

  it('says null for a result held in memory and NOT_FOUND for a released one', async () => {
    const shown = await explore.query('PRAGMA version');
    const target = path.join(lake, 'pragma.csv');
    expect(
      await explore.call('export', { resultId: shown.resultId, path: target, format: 'csv' }),
    ).toBeNull();
    await explore.release(shown.resultId);
    await expect(
      explore.call('export', { resultId: shown.resultId, path: target, format: 'csv' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(fs.existsSync(target)).toBe(false);
  });

  it('is interrupted by its AbortSignal and removes the partial file', async () => {
    const r = await explore.query(
      'SELECT range AS a, md5(range::VARCHAR) AS b, range / 3 AS c FROM range(8000000)',
      { pageSize: 1 },
    );
    const target = path.join(lake, 'cancelled.csv');
    const controller = new AbortController();
    const running = explore.call(
      'export',
      { resultId: r.resultId, path: target, format: 'csv' },
      { signal: controller.signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' });
    // The worker removes the file once DuckDB has stopped writing it.
    for (let i = 0; i < 50 && fs.existsSync(target); i++) await new Promise((res) => setTimeout(res, 100));
    expect(fs.existsSync(target)).toBe(false);
    expect((await explore.query('SELECT 1 AS still')).rows).toEqual([[1]]);
    await explore.release(r.resultId);
  }, 60_000);
});

describe('errors as data', () => {
  it.each([
    ['a syntax error', 'selec 1', { line: 1, column: 1 }, /syntax error at or near "selec"/],
    [
      'an unknown column in the second statement',
      'SELECT 1;\nSELECT x FROM range(2)',
      { line: 2, column: 8 },
      /Referenced column "x" not found/,
    ],
    [
      'a failed conversion',
      "SELECT 1;\n  SELECT 1 + 'abc'::INT",
      { line: 2, column: 19 },
      /Could not convert string 'abc'/,
    ],
    [
      'an unknown table',
      'SELECT *\n  FROM no_such_table',
      { line: 2, column: 8 },
      /no_such_table does not exist/,
    ],
  ])('reports %s with its position', async (_label, sql, pos, message) => {
    const err = await explore.query(sql).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SQL', details: { position: pos } });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/LINE \d+:/);
  });

  it('says an empty query is empty', async () => {
    await expect(explore.query('  -- nothing here\n')).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('progress', () => {
  it('reports percent done while scanning a large file', async () => {
    const seen: QueryProgress[] = [];
    const r = await explore.query(
      `SELECT c, count(*) AS n FROM read_parquet('${path.join(lake, 'big.parquet')}') GROUP BY c ORDER BY n DESC LIMIT 3`,
      { onProgress: (p) => seen.push(p) },
    );
    expect(r.totalRows).toBe(3);
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) {
      expect(p.percent).not.toBeNull();
      expect(p.percent ?? -1).toBeGreaterThanOrEqual(0);
      expect(p.percent ?? 101).toBeLessThanOrEqual(100);
    }
    const percents = seen.map((p) => p.percent ?? 0);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });
});

describe('a crashed worker', () => {
  it('rejects pending calls with CRASHED and starts a fresh worker for the next call', async () => {
    const engine = new EngineClient({
      name: 'explore',
      settings: defaultEngineSettings('explore'),
      sandbox: { allowedDirectories: [lake] },
      setup: [`CREATE VIEW inside AS SELECT * FROM read_csv('${path.join(lake, 'inside.csv')}')`],
    });
    try {
      await engine.info();
      const long = engine.query('SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3');
      const before = engine.starts;
      const other = engine.query(
        `SELECT count(*) FROM read_parquet('${path.join(lake, 'big.parquet')}') a, range(100000)`,
      );
      await new Promise((r) => setTimeout(r, 300));
      engine.terminate();
      const [a, b] = await Promise.allSettled([long, other]);
      expect(a).toMatchObject({ status: 'rejected', reason: { code: 'CRASHED' } });
      expect(b).toMatchObject({ status: 'rejected', reason: { code: 'CRASHED' } });
      expect((a as PromiseRejectedResult).reason.message).toMatch(/stopped unexpectedly.*run it again/);
      // The fresh worker has the setup views and the sandbox again.
      const r = await engine.query('SELECT count(*)::INTEGER AS n FROM inside');
      expect(r.rows).toEqual([[2]]);
      await expect(engine.query("SELECT * FROM read_csv('/etc/passwd')")).rejects.toMatchObject({
        code: 'SANDBOX',
      });
      expect(engine.starts).toBe(before + 1);
    } finally {
      await engine.dispose();
    }
  });
});

describe('settings', () => {
  it('applies threads, memory limit and spill directory', async () => {
    const spill = path.join(outside, 'spill');
    const engine = new EngineClient({
      name: 'pipeline',
      settings: { threads: 1, memoryLimit: '256MB', tempDirectory: spill, timezone: 'UTC' },
      sandbox: null,
    });
    try {
      const info = await engine.info();
      expect(info.settings['threads']).toBe('1');
      expect(info.settings['memory_limit']).toMatch(/^2\d\d\.\d MiB$/);
      expect(info.settings['temp_directory']).toBe(spill);
      // A sort bigger than the memory limit completes by spilling to the configured folder.
      const r = await engine.read(
        'SELECT count(*)::BIGINT AS n, min(x)::BIGINT AS lo FROM (SELECT md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS s, range AS x FROM range(6000000) ORDER BY s)',
      );
      expect(r.rows).toEqual([['6000000', '0']]);
    } finally {
      await engine.dispose();
    }
  });
});
