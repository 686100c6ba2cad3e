// The Workbench service end to end on a generated sample lake, with real DuckDB,
// real Delta tables and the real raw watcher: every figure it reports is checked
// against an independent computation (a separate DuckDB reading the Delta log and
// the Parquet files directly, or the file system), and every event it promises arrives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code } from '../helpers/outcome';
import { createWorkbenchService, initLake } from '../../src/pipeline';
import type { EventOf, ServiceEvent, WorkbenchService } from '../../src/shared/contract';
import { quoteLiteral } from '../../src/pipeline/engine/sql';

let work: string;
let root: string;
let service: WorkbenchService;
let duck: DuckDBConnection;
const events: { event: ServiceEvent; payload: unknown }[] = [];

/** Rows of a SQL query on the test's own DuckDB, as plain JS values. */
async function sql(text: string): Promise<unknown[][]> {
  return (await duck.runAndReadAll(text)).getRowsJson() as unknown[][];
}

/** The live data files of a Delta table, replayed independently from its JSON commits (up to `version`). */
function liveFilesSql(dir: string, version = Number.MAX_SAFE_INTEGER): string {
  const log = quoteLiteral(path.join(dir, '_delta_log', '*.json'));
  return `WITH lines AS (
      SELECT CAST(regexp_extract(filename, '(\\d{20})\\.json$', 1) AS BIGINT) AS v,
             unnest(string_split(content, chr(10))) AS line
      FROM read_text(${log})
    ), acts AS (
      SELECT v, url_decode(json_extract_string(line, '$.add.path')) AS added,
             url_decode(json_extract_string(line, '$.remove.path')) AS removed,
             json_extract(line, '$.add.partitionValues') AS pv
      FROM lines WHERE trim(line) <> '' AND v <= ${version}
    )
    SELECT added AS path, any_value(pv)::VARCHAR AS pv FROM acts WHERE added IS NOT NULL
      AND added NOT IN (SELECT removed FROM acts WHERE removed IS NOT NULL)
    GROUP BY added`;
}

async function independentRows(dir: string, version?: number): Promise<number> {
  const files = (await sql(liveFilesSql(dir, version))).map((r) => path.join(dir, String(r[0])));
  if (files.length === 0) return 0;
  const list = files.map(quoteLiteral).join(', ');
  return Number((await sql(`SELECT count(*) FROM read_parquet([${list}])`))[0]?.[0]);
}

/** A table's rows read independently: its live Parquet files with Hive partition columns. */
async function independentTable(dir: string): Promise<string> {
  const files = (await sql(liveFilesSql(dir))).map((r) => path.join(dir, String(r[0])));
  return `read_parquet([${files.map(quoteLiteral).join(', ')}], hive_partitioning = true)`;
}

function next<E extends ServiceEvent>(
  event: E,
  match: (p: EventOf<E>) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<EventOf<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = service.on(event, (p) => {
      if (!match(p)) return;
      clearTimeout(timer);
      void sub.dispose();
      resolve(p);
    });
  });
}

const FACT = 'marts.fct_daily_club_activity';
const factDir = (): string => path.join(root, 'tables', 'marts', 'fct_daily_club_activity');

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-service-'));
  root = path.join(work, 'lake');
  await initLake({ dir: root, sample: true, days: 4, eventsPerDay: 1200, seed: 5 });
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  service = createWorkbenchService();
  for (const e of ['onDidChangeLake', 'onDidProgressRun', 'onDidFinishRun', 'onDidProgressExport'] as const)
    service.on(e, (payload) => events.push({ event: e, payload }));
  await service.call('lake.open', { path: root });
});

afterAll(async () => {
  await service?.dispose();
  duck?.closeSync();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('opening', () => {
  it('reports the lake and refuses a folder that is not a lake, keeping the open one', async () => {
    const info = await service.call('lake.current', {});
    expect(info).toMatchObject({
      path: root,
      name: 'transfer-market',
      startDate: '2024-05-01',
      problems: [],
    });
    expect(await code(service.call('lake.open', { path: work }))).toBe('NOT_A_LAKE');
    expect((await service.call('lake.current', {}))?.path).toBe(root);
  });

  it('rejects bad arguments with USAGE before anything happens', async () => {
    const before = (await service.call('query.history', {})).length;
    expect(await code(service.call('query.run', { sql: 'select 1' } as never))).toBe('USAGE');
    expect(await code(service.call('pipeline.start', { kind: 'everything' } as never))).toBe('USAGE');
    expect(await code(service.call('pipeline.status', { from: '2024-5-1' }))).toBe('USAGE');
    expect(await code(service.call('nope.method' as never, {} as never))).toBe('USAGE');
    expect((await service.call('query.history', {})).length).toBe(before);
    expect(await service.call('runs.list', {})).toEqual([]);
    expect(events.filter((e) => e.event === 'onDidProgressRun')).toEqual([]);
  });

  it('answers NOT_FOUND-style errors as data for unknown tables', async () => {
    expect(await code(service.call('table.describe', { table: 'core.nope' }))).toBe('NOT_FOUND');
  });
});

describe('sources before any run', () => {
  it('counts raw files, bytes and days as the file system does', async () => {
    const cat = await service.call('catalog.list', {});
    expect(cat.tables).toEqual([]);
    for (const s of cat.sources) {
      const dir = path.join(root, 'raw', s.name);
      const days = fs
        .readdirSync(dir)
        .filter((d) => d.startsWith('dt='))
        .sort();
      const files = days.flatMap((d) =>
        fs
          .readdirSync(path.join(dir, d))
          .filter((f) => !f.startsWith('.'))
          .map((f) => path.join(dir, d, f)),
      );
      expect(s.files).toBe(files.length);
      expect(s.bytes).toBe(files.reduce((n, f) => n + fs.statSync(f).size, 0));
      expect(s.days).toBe(days.length);
      expect(s.firstDay).toBe(days[0]?.slice(3));
      expect(s.lastDay).toBe(days[days.length - 1]?.slice(3));
    }
  });

  it('shows every partition missing in the grid', async () => {
    const grid = await service.call('pipeline.status', {});
    expect(grid.days).toEqual(['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04']);
    for (const m of grid.models) {
      if (m.materialized === 'partitioned')
        expect(m.cells).toEqual(['missing', 'missing', 'missing', 'missing']);
      else expect(m.whole).toBe('missing');
    }
  });
});

describe('a run through the service', () => {
  it('plans, starts in the background, reports progress, finishes and shows done', async () => {
    const plan = await service.call('pipeline.plan', { kind: 'run' });
    expect(plan.tasks.length).toBeGreaterThan(0);
    expect(plan.ingest.length).toBe(16); // 4 sources × 4 arrival days
    const finished = next('onDidFinishRun');
    const changed = next('onDidChangeLake', (c) => c.reason === 'run' && c.tables.includes(FACT));
    const { runId } = await service.call('pipeline.start', { kind: 'run' });
    expect(runId).toMatch(/^\d{8}T\d{6}-[0-9a-f]{8}$/);
    // One run at a time: a second start names the running one.
    await expect(service.call('pipeline.start', { kind: 'run' })).rejects.toThrow(runId);
    const summary = await finished;
    expect(summary).toMatchObject({ runId, status: 'done', kind: 'run', failed: 0 });
    expect(summary.succeeded).toBe(plan.tasks.length + plan.ingest.length);
    await changed;
    const progress = events
      .filter((e) => e.event === 'onDidProgressRun')
      .map((e) => e.payload as { runId: string; phase: string });
    expect(progress.every((p) => p.runId === runId)).toBe(true);
    expect(progress.filter((p) => p.phase === 'done')).toHaveLength(summary.succeeded);

    const grid = await service.call('pipeline.status', {});
    for (const m of grid.models) {
      if (m.materialized === 'partitioned') expect(m.cells).toEqual(['done', 'done', 'done', 'done']);
      else expect(m.whole).toBe('done');
    }
    const runs = await service.call('runs.list', {});
    expect(runs[0]).toMatchObject({ runId, status: 'done', tasks: summary.tasks, rows: summary.rows });
  });

  it('lists tables whose rows, versions and partitions equal an independent read of the Delta log', async () => {
    const cat = await service.call('catalog.list', {});
    const delta = cat.tables.filter((t) => t.kind === 'delta' && t.schema !== 'workbench');
    expect(delta.map((t) => `${t.schema}.${t.name}`)).toContain(FACT);
    for (const t of delta) {
      const dir = path.join(root, 'tables', t.schema, t.name);
      expect(t.rows, `${t.schema}.${t.name}`).toBe(await independentRows(dir));
      const commits = fs.readdirSync(path.join(dir, '_delta_log')).filter((f) => /^\d{20}\.json$/.test(f));
      expect(t.version).toBe(commits.length - 1);
      const parts = await sql(`SELECT count(DISTINCT pv) FROM (${liveFilesSql(dir)})`);
      if (t.partitionColumns.length > 0) expect(t.partitions).toBe(Number(parts[0]?.[0]));
      expect(t.model).toBe(t.name);
    }
    // Views come from view-materialized models; repeated calls answer the same from cache.
    expect(await service.call('catalog.list', {})).toEqual(cat);
  });

  it('describes a table: columns with docs, partitions with rows and status, properties', async () => {
    const d = await service.call('table.describe', { table: FACT });
    expect(d.describedVersion).toBe(d.version);
    expect(d.columns.map((c) => c.name)).toContain('activity_date');
    expect(d.columns.find((c) => c.name === 'activity_date')?.description).toMatch(/partition/i);
    const expected = await sql(
      `SELECT activity_date::VARCHAR, count(*) FROM ${await independentTable(factDir())} GROUP BY 1 ORDER BY 1`,
    );
    expect(d.partitionList.map((p) => [p.values['activity_date'], p.rows])).toEqual(
      expected.map((r) => [r[0], Number(r[1])]),
    );
    expect(d.partitionList.every((p) => p.status === 'done')).toBe(true);
    expect(d.properties['format']).toBe('delta');
    // An older version describes that version.
    const v0 = await service.call('table.describe', { table: FACT, version: 0 });
    expect(v0.describedVersion).toBe(0);
    expect(v0.rows).toBe(await independentRows(factDir(), 0));
  });

  it('lists the history newest first, one entry per commit', async () => {
    const h = await service.call('table.history', { table: FACT });
    const commits = fs
      .readdirSync(path.join(factDir(), '_delta_log'))
      .filter((f) => /^\d{20}\.json$/.test(f));
    expect(h.map((e) => e.version)).toEqual(commits.map((_, i) => commits.length - 1 - i));
    expect(h.every((e) => e.operation.length > 0 && !Number.isNaN(Date.parse(e.timestamp)))).toBe(true);
    expect(await service.call('table.history', { table: FACT, limit: 1 })).toHaveLength(1);
  });

  it('profiles every column as independent SQL computes it, at the current and an older version', async () => {
    const profile = await service.call('table.profile', { table: FACT });
    const t = await independentTable(factDir());
    for (const p of profile) {
      const col = `"${p.name}"`;
      const [n, nn, mn, mx, d] =
        (
          await sql(
            `SELECT count(*), count(${col}), min(${col})::VARCHAR, max(${col})::VARCHAR, count(DISTINCT ${col}) FROM ${t}`,
          )
        )[0] ?? [];
      expect(p.rows).toBe(Number(n));
      expect(p.nullPercent).toBeCloseTo(((Number(n) - Number(nn)) / Number(n)) * 100, 1);
      expect(String(p.min)).toBe(String(mn));
      expect(String(p.max)).toBe(String(mx));
      // approx_count_distinct (HyperLogLog) is approximate; on a few dozen values it can be off by a few.
      expect(Math.abs(p.distinct - Number(d)), `${p.name} ${p.distinct} vs ${String(d)}`).toBeLessThanOrEqual(
        Math.max(3, Number(d) * 0.2),
      );
      const inBuckets = p.histogram.reduce((sum, b) => sum + b.count, 0);
      // Ranges cover every non-null value; top values of text cover at most all of them.
      if (['INTEGER', 'BIGINT', 'DATE'].includes(p.type)) expect(inBuckets).toBe(Number(nn));
      else expect(inBuckets).toBeLessThanOrEqual(Number(nn));
    }
    const dates = profile.find((p) => p.name === 'activity_date');
    expect(dates?.histogram.map((b) => b.label)).toEqual([
      '2024-05-01',
      '2024-05-02',
      '2024-05-03',
      '2024-05-04',
    ]);
    const old = await service.call('table.profile', { table: FACT, version: 0 });
    expect(old[0]?.rows).toBe(await independentRows(factDir(), 0));
  });

  it('answers a partition with its state, tests and runs', async () => {
    const p = await service.call('pipeline.partition', {
      model: 'fct_daily_club_activity',
      partition: '2024-05-02',
    });
    const rows = await sql(
      `SELECT count(*) FROM ${await independentTable(factDir())} WHERE activity_date = DATE '2024-05-02'`,
    );
    expect(p).toMatchObject({ status: 'done', rows: Number(rows[0]?.[0]), error: null, reason: null });
    expect(p.tests.length).toBeGreaterThan(0);
    expect(p.runs).toHaveLength(1);
    expect(
      await code(service.call('pipeline.partition', { model: 'fct_daily_club_activity', partition: null })),
    ).toBe('USAGE');
  });
});

describe('view models', () => {
  it('appear once their file is written: listed, described, profiled, queried, in the graph but not the grid', async () => {
    fs.writeFileSync(
      path.join(root, 'models', 'v_club_searches.sql'),
      "{{ config(materialized='view', layer='marts') }}\n" +
        "select club_id, sum(searches)::BIGINT as searches from {{ ref('fct_daily_club_activity') }} group by club_id\n",
    );
    const cat = await service.call('catalog.list', {});
    expect(cat.lake.problems).toEqual([]);
    expect(cat.tables.find((t) => t.name === 'v_club_searches')).toMatchObject({
      schema: 'marts',
      kind: 'view',
      version: null,
      model: 'v_club_searches',
    });
    const d = await service.call('table.describe', { table: 'marts.v_club_searches' });
    expect(d.columns.map((c) => c.name)).toEqual(['club_id', 'searches']);
    const [clubs, total] =
      (
        await sql(`SELECT count(DISTINCT club_id), sum(searches) FROM ${await independentTable(factDir())}`)
      )[0] ?? [];
    const profile = await service.call('table.profile', { table: 'v_club_searches' });
    expect(profile[0]?.rows).toBe(Number(clubs));
    const r = await service.call('query.run', {
      sql: 'SELECT sum(searches) FROM marts.v_club_searches',
      queryId: 'q-view',
    });
    expect(String(r.rows[0]?.[0])).toBe(String(total));
    const graph = await service.call('pipeline.graph', {});
    expect(graph.models.find((m) => m.name === 'v_club_searches')).toMatchObject({
      materialized: 'view',
      table: null,
    });
    expect(graph.edges).toContainEqual({ from: 'fct_daily_club_activity', to: 'v_club_searches' });
    expect(graph.edges).toContainEqual({ from: 'source:activity', to: 'stg_activity' });
    const grid = await service.call('pipeline.status', {});
    expect(grid.models.map((m) => m.name)).not.toContain('v_club_searches');
    expect(await code(service.call('table.history', { table: 'marts.v_club_searches' }))).toBe('USAGE');
  });
});

describe('queries', () => {
  it('runs, fetches pages, sorts in the engine and records history', async () => {
    const progress: unknown[] = [];
    const sub = service.on('onDidProgressQuery', (p) => progress.push(p));
    const r = await service.call('query.run', {
      sql: `SELECT * FROM ${FACT}`,
      queryId: 'q-all',
      pageSize: 50,
    });
    await sub.dispose();
    const total = Number((await sql(`SELECT count(*) FROM ${await independentTable(factDir())}`))[0]?.[0]);
    expect(r.totalRows).toBe(total);
    expect(r.rows).toHaveLength(50);
    const page = await service.call('query.fetch', { resultId: r.resultId, offset: 50, limit: 30 });
    expect(page.rows).toHaveLength(30);
    const sorted = await service.call('query.sort', {
      resultId: r.resultId,
      column: 'searches',
      direction: 'desc',
      pageSize: 5,
    });
    expect(sorted.totalRows).toBe(total);
    const top = await sql(
      `SELECT searches FROM ${await independentTable(factDir())} ORDER BY searches DESC LIMIT 5`,
    );
    const idx = sorted.columns.findIndex((c) => c.name === 'searches');
    expect(sorted.rows.map((row) => String(row[idx]))).toEqual(top.map((t) => String(t[0])));
    expect(
      await code(service.call('query.sort', { resultId: r.resultId, column: 'nope', direction: 'asc' })),
    ).toBe('NOT_FOUND');
    const history = await service.call('query.history', { limit: 1 });
    expect(history[0]).toMatchObject({ sql: `SELECT * FROM ${FACT}`, rows: total, error: null });
    expect(fs.existsSync(path.join(root, '.workbench', 'queries.json'))).toBe(true);
  });

  it('exports a whole result to CSV and Parquet that read back equal', async () => {
    const r = await service.call('query.run', {
      sql: `SELECT * FROM ${FACT} ORDER BY club_id, activity_date`,
      queryId: 'q-export',
      pageSize: 10,
    });
    for (const format of ['csv', 'parquet'] as const) {
      const exportId = `e-${format}`;
      const ex = await service.call('query.export', { resultId: r.resultId, format, exportId });
      expect(ex.rows).toBe(r.totalRows);
      expect(ex.path.startsWith(path.join(root, 'exports'))).toBe(true);
      expect(ex.downloadPath).toBe(path.relative(root, ex.path).split(path.sep).join('/'));
      expect(ex.bytes).toBe(fs.statSync(ex.path).size);
      const reader = format === 'csv' ? 'read_csv' : 'read_parquet';
      const back = await sql(
        `SELECT club_id::INTEGER, activity_date::VARCHAR, searches::BIGINT FROM ${reader}(${quoteLiteral(ex.path)})`,
      );
      const want = await sql(
        `SELECT club_id::INTEGER, activity_date::VARCHAR, searches::BIGINT FROM ${await independentTable(factDir())} ORDER BY club_id, activity_date`,
      );
      expect(back).toEqual(want);
      const progress = events.filter(
        (e) => e.event === 'onDidProgressExport' && (e.payload as { exportId: string }).exportId === exportId,
      );
      expect(progress.at(-1)?.payload).toEqual({ exportId, rows: r.totalRows, totalRows: r.totalRows });
    }
    expect(
      await code(
        service.call('query.export', {
          resultId: r.resultId,
          format: 'csv',
          exportId: 'bad',
          path: 'tables/x.csv',
        }),
      ),
    ).toBe('USAGE');
  });

  it('exports every kind of value exactly (wide decimals, times, nested, nulls)', async () => {
    const values = `SELECT * FROM (VALUES
      (1::TINYINT, 12345678901234567890.123::DECIMAL(25,3), 1.25::DECIMAL(10,2), TIMESTAMP '2024-05-01 10:11:12.345',
       TIMESTAMPTZ '2024-05-01 10:11:12+00', [1, 2, 3], {'x': 1, 'y': 'a'}, true, 'a,"b"\nc',
       -99999999999999999999999999999999999999::HUGEINT, DATE '2024-05-01', -0.5::DECIMAL(30,1)),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
    ) t(a, dw, dn, ts, tz, l, s, b, txt, h, d, neg)`;
    const r = await service.call('query.run', { sql: values, queryId: 'q-kinds' });
    const text =
      'a::VARCHAR, dw::VARCHAR, dn::VARCHAR, ts::VARCHAR, tz::VARCHAR, l::VARCHAR, s::VARCHAR, b::VARCHAR, txt, h::VARCHAR, d::VARCHAR, neg::VARCHAR';
    const want = await sql(`SET TimeZone = 'UTC'; SELECT ${text} FROM (${values})`);
    const ex = await service.call('query.export', {
      resultId: r.resultId,
      format: 'parquet',
      exportId: 'e-kinds',
    });
    expect(await sql(`SELECT ${text} FROM read_parquet(${quoteLiteral(ex.path)})`)).toEqual(want);
    const csv = await service.call('query.export', {
      resultId: r.resultId,
      format: 'csv',
      exportId: 'e-kinds-csv',
    });
    const lines = fs.readFileSync(csv.path, 'utf8');
    expect(lines.split('\n')[0]).toBe('a,dw,dn,ts,tz,l,s,b,txt,h,d,neg');
    expect(lines).toContain('12345678901234567890.123');
    expect(lines).toContain('-99999999999999999999999999999999999999');
  });

  it('cancels a long query by its id', async () => {
    const running = service.call('query.run', {
      sql: 'SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range',
      queryId: 'q-long',
    });
    await new Promise((r) => setTimeout(r, 400));
    const t0 = Date.now();
    expect(await service.call('query.cancel', { queryId: 'q-long' })).toEqual({ cancelled: true });
    expect(await code(running)).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await service.call('query.cancel', { queryId: 'q-long' })).toEqual({ cancelled: false });
    expect((await service.call('query.history', { limit: 1 }))[0]?.error).toMatch(/cancel/i);
  });

  it('keeps saved queries per lake', async () => {
    await service.call('query.save', { name: 'daily', sql: 'select 1' });
    const saved = await service.call('query.save', { name: 'a first', sql: 'select 2' });
    expect(saved.map((s) => s.name)).toEqual(['a first', 'daily']);
    expect((await service.call('query.deleteSaved', { name: 'daily' })).map((s) => s.name)).toEqual([
      'a first',
    ]);
    expect(await code(service.call('query.deleteSaved', { name: 'daily' }))).toBe('NOT_FOUND');
    const file = JSON.parse(fs.readFileSync(path.join(root, '.workbench', 'queries.json'), 'utf8')) as {
      saved: { name: string }[];
    };
    expect(file.saved.map((s) => s.name)).toEqual(['a first']);
  });

  it('completes schemas, tables, columns, functions and keywords', async () => {
    const c = await service.call('catalog.completions', {});
    expect(c.schemas).toEqual(expect.arrayContaining(['raw', 'marts', 'staging', 'core']));
    const fact = c.tables.find((t) => `${t.schema}.${t.name}` === FACT);
    expect(fact?.columns.map((col) => col.name)).toContain('activity_date');
    expect(c.functions.find((f) => f.name === 'date_trunc')).toMatchObject({ kind: 'scalar' });
    expect(c.functions.find((f) => f.name === 'sum')).toMatchObject({ kind: 'aggregate' });
    expect(c.functions.find((f) => f.name === 'read_parquet')).toMatchObject({ kind: 'table' });
    expect(c.keywords).toContain('select');
    expect(c.tables.some((t) => t.schema === '__results')).toBe(false);
  });
});

describe('the lake changing', () => {
  it('a raw file landing refreshes, announces itself, and auto-run brings the tables up to date', async () => {
    expect((await service.call('settings.get', {})).autoRun).toBe(true);
    const raw = next('onDidChangeLake', (c) => c.reason === 'raw', 30_000);
    const ran = next('onDidFinishRun', () => true, 90_000);
    const logged = next('onDidLog', (l) => l.message.startsWith('Automatic run (new raw data)'), 90_000);
    const day = path.join(root, 'raw', 'activity', 'dt=2024-05-04');
    const src = fs.readdirSync(day).find((f) => f.endsWith('.jsonl')) ?? '';
    const text = fs.readFileSync(path.join(day, src), 'utf8').split('\n').slice(0, 50).join('\n') + '\n';
    fs.writeFileSync(path.join(day, '.landing.tmp'), text);
    fs.renameSync(path.join(day, '.landing.tmp'), path.join(day, 'late-arrival.jsonl'));
    expect(await raw).toMatchObject({ reason: 'raw', sources: ['activity'] });
    const summary = await ran;
    expect(summary.status).toBe('done');
    expect(summary.tasks).toBeGreaterThan(0);
    expect((await logged).level).toBe('info');
    const grid = await service.call('pipeline.status', {});
    expect(grid.models.every((m) => m.cells.every((c) => c === 'done') && m.whole !== 'stale')).toBe(true);
  });

  it('settings write lakehouse.yml keeping its comments and restart the engines', async () => {
    const s = await service.call('settings.update', {
      engine: { threads: 1, memoryLimit: '1GB' },
      autoRun: false,
    });
    expect(s).toEqual({ engine: { threads: 1, memoryLimit: '1GB' }, autoRun: false });
    const text = fs.readFileSync(path.join(root, 'lakehouse.yml'), 'utf8');
    expect(text).toMatch(/# Lakehouse Workbench project/);
    expect(text).toMatch(/threads: 1/);
    expect(text).toMatch(/memory_limit: 1GB/);
    const r = await service.call('query.run', {
      sql: "SELECT current_setting('threads')::INTEGER AS t",
      queryId: 'q-threads',
    });
    expect(r.rows[0]?.[0]).toBe(1);
    expect(await code(service.call('settings.update', { engine: { memoryLimit: 'lots' } }))).toBe('USAGE');
    expect(JSON.parse(fs.readFileSync(path.join(root, '.workbench', 'settings.json'), 'utf8'))).toEqual({
      autoRun: false,
    });
    // Back to the project's defaults: the key goes away again.
    await service.call('settings.update', { engine: { threads: 2, memoryLimit: null } });
    expect(fs.readFileSync(path.join(root, 'lakehouse.yml'), 'utf8')).not.toMatch(/memory_limit/);
  });

  it('cancels a backfill, offers it for resume, and resumes it to done', async () => {
    const finished = next('onDidFinishRun');
    const { runId } = await service.call('pipeline.start', {
      kind: 'backfill',
      from: '2024-05-01',
      to: '2024-05-04',
      concurrency: 1,
    });
    expect(await service.call('pipeline.cancel', { runId })).toEqual({ cancelled: true });
    const summary = await finished;
    expect(summary.status).toBe('cancelled');
    const resumable = await service.call('pipeline.resumable', {});
    expect(resumable).toMatchObject({
      runId,
      request: { kind: 'backfill', from: '2024-05-01', to: '2024-05-04' },
    });
    const done = next('onDidFinishRun');
    const resumed = await service.call('pipeline.resume', { runId });
    const after = await done;
    expect(after.status, JSON.stringify(after.failures)).toBe('done');
    expect(resumed.runId).not.toBe(runId);
    expect(await service.call('pipeline.resumable', {})).toBeNull();
    const runs = await service.call('runs.list', { limit: 2 });
    expect(runs.map((r) => r.status)).toEqual(['done', 'cancelled']);
  });
});
