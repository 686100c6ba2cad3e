// The pipeline runner end to end on a generated sample lake, with real DuckDB
// and real Delta tables: results equal independent SQL over the raw files,
// quarantine equals the generator's manifest, backfills are idempotent, late
// data makes exactly the right partitions stale, cancel + resume equals an
// uninterrupted run, and failures stay contained.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPipelineEngine,
  deltaTools,
  executeRun,
  fromInclusive,
  generateSampleData,
  initLake,
  lastUnfinishedBackfill,
  openLake,
  planRun,
  readSampleManifest,
} from '../../src/pipeline';
import type { EngineClient, Lake } from '../../src/pipeline';
import type { TaskProgress } from '../../src/shared/runs';
import { DAILY_COLUMNS, independentDailyActivity } from '../helpers/independent';

const START = '2024-05-01';
let work: string;
let lake: Lake;
let engine: EngineClient;

const tableDir = (layer: string, name: string): string => path.join(lake.layout.tables, layer, name);

async function tableRows(layer: string, name: string, where = 'true'): Promise<unknown[][]> {
  const snap = await deltaTools.loadSnapshot(deltaTools.localTable(tableDir(layer, name), engine));
  return (
    await engine.read(`SELECT * FROM (${await deltaTools.scanSql(snap)}) WHERE ${where} ORDER BY ALL`, {
      maxRows: 1_000_000,
    })
  ).rows;
}

const quarantine = (): ReturnType<typeof deltaTools.localTable> =>
  deltaTools.localTable(path.join(lake.layout.workbench, 'quarantine'), engine);

async function quarantined(where: string): Promise<unknown[][]> {
  const scan = await deltaTools.scanSql(await deltaTools.loadSnapshot(quarantine()));
  return (await engine.read(`SELECT file, line FROM (${scan}) WHERE ${where} ORDER BY ALL`)).rows;
}

async function version(layer: string, name: string): Promise<number> {
  return (await deltaTools.loadSnapshot(deltaTools.localTable(tableDir(layer, name), engine))).version;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-pipeline-'));
  await initLake({ dir: path.join(work, 'lake'), sample: true, days: 6, eventsPerDay: 2500, seed: 11 });
  lake = openLake(path.join(work, 'lake'));
  engine = createPipelineEngine(lake);
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('a first run', () => {
  it('builds every model and leaves nothing to do', async () => {
    const phases: TaskProgress[] = [];
    const summary = await executeRun(lake, engine, { kind: 'run' }, { onProgress: (p) => phases.push(p) });
    expect(summary.failed).toBe(0);
    expect(summary.status).toBe('done');
    // 3 dimensions + 3 partitioned models × 6 days, and 4 sources × 6 raw days checked.
    expect(summary.tasks).toBe(3 + 3 * 6 + 4 * 6);
    expect(phases.filter((p) => p.phase === 'done')).toHaveLength(summary.tasks);
    const again = await planRun(lake, engine, { kind: 'run' });
    expect(again.plan.tasks).toEqual([]);
    expect(again.ingest).toEqual([]);
    // Each source's bad lines of all six days went to quarantine in one commit (versions 0 … ≤ 3).
    expect((await deltaTools.loadSnapshot(quarantine())).version).toBeLessThan(4);
  });

  it('equals an independent computation over the raw JSON for the complete days', async () => {
    const lastComplete = '2024-05-04'; // events arrive up to 2 days late; 6 arrival days
    const inRange = `activity_date BETWEEN DATE '${START}' AND DATE '${lastComplete}'`;
    const cast = DAILY_COLUMNS.replace(
      /(active_users|logins|searches|profile_views|shortlist_adds|transfer_requests|pitches_sent|pitches_viewed|messages)/g,
      '$1::BIGINT',
    );
    const snap = await deltaTools.loadSnapshot(
      deltaTools.localTable(tableDir('marts', 'fct_daily_club_activity'), engine),
    );
    const { rows } = await engine.read(`
      WITH m AS (SELECT ${cast} FROM (${await deltaTools.scanSql(snap)}) WHERE ${inRange}),
           e AS (SELECT ${DAILY_COLUMNS} FROM (${independentDailyActivity(lake.layout.root)}) WHERE ${inRange})
      SELECT (SELECT count(*) FROM e)::INTEGER, (SELECT count(*) FROM m)::INTEGER,
        (SELECT count(*) FROM (SELECT * FROM e EXCEPT ALL SELECT * FROM m))::INTEGER,
        (SELECT count(*) FROM (SELECT * FROM m EXCEPT ALL SELECT * FROM e))::INTEGER`);
    const [expected, got, missing, extra] = (rows[0] ?? []).map(Number);
    expect(expected).toBeGreaterThan(100);
    expect({ got, missing, extra }).toEqual({ got: expected, missing: 0, extra: 0 });
  });

  it('quarantines exactly the bad lines the generator wrote, per day and reason', async () => {
    const manifest = await readSampleManifest(lake.layout.root);
    const { rows } = await engine.read(`
      SELECT arrival_date::VARCHAR, CASE
        WHEN reason LIKE 'malformed JSON%' THEN 'malformed_json' WHEN reason LIKE 'missing required%' THEN 'missing_required'
        WHEN reason LIKE 'wrong type%' THEN 'wrong_type' WHEN reason LIKE 'unknown value for event_type%' THEN 'unknown_event_type'
        ELSE reason END, count(*)::INTEGER
      FROM (${await deltaTools.scanSql(await deltaTools.loadSnapshot(deltaTools.localTable(path.join(lake.layout.workbench, 'quarantine'), engine)))})
      WHERE source = 'activity' GROUP BY ALL ORDER BY ALL`);
    const got: Record<string, Record<string, number>> = {};
    for (const [d, kind, n] of rows) (got[String(d)] ??= {})[String(kind)] = Number(n);
    const expected: Record<string, Record<string, number>> = {};
    for (const [d, s] of Object.entries(manifest?.sources.activity.days ?? {})) {
      expected[d] = Object.fromEntries(Object.entries(s.bad).filter(([, n]) => n > 0));
    }
    expect(got).toEqual(expected);
  });
});

describe('backfill', () => {
  it('run twice leaves identical rows and one more version per partition', async () => {
    const before = await tableRows('staging', 'stg_activity');
    const v0 = await version('staging', 'stg_activity');
    const range = fromInclusive('2024-05-02', '2024-05-03');
    for (let i = 1; i <= 2; i++) {
      const s = await executeRun(lake, engine, { kind: 'backfill', models: ['stg_activity'], range });
      expect(s.succeeded).toBe(2);
      expect(await version('staging', 'stg_activity')).toBe(v0 + 2 * i);
      expect(await tableRows('staging', 'stg_activity')).toEqual(before);
    }
  });

  it('cancelled half-way, then resumed by run, equals an uninterrupted run', async () => {
    const expected = await tableRows('marts', 'fct_transfer_requests');
    const controller = new AbortController();
    let done = 0;
    const request = {
      kind: 'backfill' as const,
      models: ['stg_activity'],
      withDownstream: true,
      range: fromInclusive(START, '2024-05-06'),
    };
    const run = executeRun(lake, engine, request, {
      signal: controller.signal,
      concurrency: 1,
      onProgress: (p) => {
        if (p.phase === 'done' && ++done === 5) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    // Resuming runs only what the cancelled backfill had not finished.
    const last = await lastUnfinishedBackfill(lake, engine);
    expect(last?.status).toBe('cancelled');
    const resumedPlan = await planRun(lake, engine, last?.request ?? request);
    expect(resumedPlan.plan.tasks).toHaveLength(18 - done);
    const resumed = await executeRun(lake, engine, last?.request ?? request);
    expect(resumed.failed).toBe(0);
    expect(resumed.succeeded).toBe(18 - done);
    expect(await lastUnfinishedBackfill(lake, engine)).toBeNull();
    expect(await tableRows('marts', 'fct_transfer_requests')).toEqual(expected);
  });
});

describe('late data', () => {
  it('a new arrival day makes exactly its lookback window stale, and run rebuilds exactly that', async () => {
    await generateSampleData({
      lakeDir: lake.layout.root,
      from: '2024-05-07',
      to: '2024-05-07',
      eventsPerDay: 2500,
      seed: 11,
    });
    const p = await planRun(lake, engine, { kind: 'run' });
    const tasks = (model: string): string[] =>
      p.plan.tasks.filter((t) => t.model === model).map((t) => `${t.partition ?? 'table'}:${t.reason}`);
    // Raw arrival 05-07 holds events of 05-05 … 05-07 (lookback 2).
    expect(tasks('stg_activity')).toEqual(['2024-05-05:stale', '2024-05-06:stale', '2024-05-07:missing']);
    // fct_daily reads its own day of stg_activity.
    expect(tasks('fct_daily_club_activity')).toEqual([
      '2024-05-05:stale',
      '2024-05-06:stale',
      '2024-05-07:missing',
    ]);
    // fct_transfer_requests reads stg_activity days R … R + 3.
    expect(tasks('fct_transfer_requests')).toEqual([
      '2024-05-02:stale',
      '2024-05-03:stale',
      '2024-05-04:stale',
      '2024-05-05:stale',
      '2024-05-06:stale',
      '2024-05-07:missing',
    ]);
    // Reference snapshots of the new day change the dimensions.
    expect(tasks('dim_club')).toEqual(['table:stale']);
    expect(p.ingest.map((i) => `${i.source}:${i.day}`).sort()).toEqual([
      'activity:2024-05-07',
      'clubs:2024-05-07',
      'players:2024-05-07',
      'users:2024-05-07',
    ]);
    const s = await executeRun(lake, engine, { kind: 'run' });
    expect(s.failed).toBe(0);
    expect(s.tasks).toBe(p.plan.tasks.length + p.ingest.length);
    expect((await planRun(lake, engine, { kind: 'run' })).plan.tasks).toEqual([]);
  });
});

describe('quarantine', () => {
  it('a fixed raw file empties its day in one commit and leaves the other days alone', async () => {
    const day = "source = 'activity' AND arrival_date = DATE '2024-05-03'";
    const bad = await quarantined(day);
    const others = await quarantined(`NOT (${day})`);
    expect(bad.length).toBeGreaterThan(0);
    const v0 = (await deltaTools.loadSnapshot(quarantine())).version;
    // The fix: drop the bad lines from the day's files.
    for (const file of new Set(bad.map(([f]) => String(f)))) {
      const drop = new Set(bad.filter(([f]) => f === file).map(([, line]) => Number(line)));
      const full = path.join(lake.layout.root, file);
      const lines = fs.readFileSync(full, 'utf8').split('\n');
      fs.writeFileSync(full, lines.filter((_, i) => !drop.has(i + 1)).join('\n'));
    }
    const s = await executeRun(openLake(lake.layout.root), engine, { kind: 'run' });
    expect(s.failed).toBe(0);
    expect(s.quarantined).toBe(0);
    expect(await quarantined(day)).toEqual([]);
    expect(await quarantined(`NOT (${day})`)).toEqual(others);
    expect((await deltaTools.loadSnapshot(quarantine())).version).toBe(v0 + 1);
  });
});

describe('quarantine of CSV rows the reader cannot read', () => {
  it('keeps them with file, line, text and reason, and the run goes on', async () => {
    const file = path.join(lake.layout.raw, 'clubs', 'dt=2024-05-04', 'clubs.csv');
    const original = fs.readFileSync(file);
    const lines = original.toString('utf8').split('\n').filter(Boolean).length;
    try {
      fs.writeFileSync(
        file,
        Buffer.concat([
          original,
          Buffer.from('9001,Too,Many,Columns,1,1900,extra\n'),
          Buffer.from([...Buffer.from('9002,Caf'), 0xe9, ...Buffer.from(',France,Ligue 1,1,1901\n')]),
        ]),
      );
      const s = await executeRun(openLake(lake.layout.root), engine, { kind: 'run' });
      expect(s.failed).toBe(0);
      const scan = await deltaTools.scanSql(await deltaTools.loadSnapshot(quarantine()));
      const { rows } = await engine.read(
        `SELECT file, line::INTEGER, raw, reason FROM (${scan})
         WHERE source = 'clubs' AND arrival_date = DATE '2024-05-04' AND reason LIKE 'malformed CSV row%' ORDER BY line`,
      );
      expect(rows.map(([f, line]) => [f, line])).toEqual([
        ['raw/clubs/dt=2024-05-04/clubs.csv', lines + 1],
        ['raw/clubs/dt=2024-05-04/clubs.csv', lines + 2],
      ]);
      expect(rows[0]?.[2]).toBe('9001,Too,Many,Columns,1,1900,extra');
      expect(String(rows[0]?.[3])).toMatch(/malformed CSV row: .*Columns/);
      expect(String(rows[1]?.[3])).toMatch(/malformed CSV row: .*(unicode|utf-8)/i);
    } finally {
      fs.writeFileSync(file, original);
    }
    expect((await executeRun(openLake(lake.layout.root), engine, { kind: 'run' })).failed).toBe(0);
  });
});

describe('quarantine of JSON lines that are not UTF-8', () => {
  it('keeps such a line with its number and a readable text; the rest of the file is read', async () => {
    const dir = path.join(lake.layout.raw, 'activity', 'dt=2024-05-05');
    const name = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'))[0] ?? '';
    const file = path.join(dir, name);
    const original = fs.readFileSync(file);
    const lines = original.toString('utf8').split('\n');
    const bad = Buffer.from([
      ...Buffer.from('{"event_id":"ev_latin1","search_query":"caf'),
      0xe9,
      ...Buffer.from('"}'),
    ]);
    const where = "source = 'activity' AND arrival_date = DATE '2024-05-05'";
    expect((await executeRun(openLake(lake.layout.root), engine, { kind: 'run' })).failed).toBe(0);
    const before = (await quarantined(where)).length;
    try {
      // The bad line goes in the middle, so the lines after it must keep their numbers.
      const half = Math.floor(lines.length / 2);
      const changed = Buffer.concat([
        Buffer.from(lines.slice(0, half).join('\n') + '\n'),
        bad,
        Buffer.from('\n' + lines.slice(half).join('\n')),
      ]);
      fs.writeFileSync(file, changed);
      const s = await executeRun(openLake(lake.layout.root), engine, { kind: 'run' });
      expect(s.failed).toBe(0);
      const scan = await deltaTools.scanSql(await deltaTools.loadSnapshot(quarantine()));
      const { rows } = await engine.read(
        `SELECT file, line::INTEGER, raw, reason FROM (${scan}) WHERE ${where} AND reason LIKE 'not valid UTF-8%'`,
      );
      expect(rows).toEqual([
        [
          `raw/activity/dt=2024-05-05/${name}`,
          half + 1,
          '{"event_id":"ev_latin1","search_query":"caf\uFFFD"}',
          'not valid UTF-8 text: {"event_id":"ev_latin1","search_query":"caf\uFFFD"}',
        ],
      ]);
      // Every other bad line of the file is still found, at its own (shifted) line number.
      expect((await quarantined(where)).length).toBe(before + 1);
      const others = await engine.read(
        `SELECT line::INTEGER, raw FROM (${scan}) WHERE ${where} AND file = 'raw/activity/dt=2024-05-05/${name}' AND line <> ${half + 1}`,
      );
      const now = changed.toString('utf8').split('\n');
      expect(others.rows.length).toBeGreaterThan(0);
      for (const [line, raw] of others.rows) expect(now[Number(line) - 1]).toBe(raw);
    } finally {
      fs.writeFileSync(file, original);
    }
    expect((await executeRun(openLake(lake.layout.root), engine, { kind: 'run' })).failed).toBe(0);
    expect((await quarantined(where)).length).toBe(before);
  });
});

describe('failures stay contained', () => {
  it('a failing error test keeps the previous version live', async () => {
    const yml = path.join(lake.layout.models, 'stg_activity.yml');
    const original = fs.readFileSync(yml, 'utf8');
    const v0 = await version('staging', 'stg_activity');
    const rows0 = await tableRows('staging', 'stg_activity');
    try {
      fs.writeFileSync(
        yml,
        original.replace(/^ {4}tests:\n/m, '    tests:\n      - row_count: { max: 10 }\n'),
      );
      const s = await executeRun(openLake(lake.layout.root), engine, {
        kind: 'backfill',
        models: ['stg_activity'],
        range: fromInclusive(START, START),
      });
      expect(s.failed).toBe(1);
      expect(s.failures[0]?.error).toMatch(/data test failed: row_count.*The previous version stays live/);
      expect(await version('staging', 'stg_activity')).toBe(v0);
      expect(await tableRows('staging', 'stg_activity')).toEqual(rows0);
      const status = await planRun(openLake(lake.layout.root), engine, { kind: 'run' });
      expect(status.plan.summary['stg_activity']?.failed).toBe(1);
    } finally {
      fs.writeFileSync(yml, original);
    }
    // Fixed: run picks the failed partition up again.
    const fixed = await executeRun(openLake(lake.layout.root), engine, { kind: 'run' });
    expect(fixed.failed).toBe(0);
  });

  it('in a batch, a failing error test fails only its partition; the others commit', async () => {
    const yml = path.join(lake.layout.models, 'stg_activity.yml');
    const original = fs.readFileSync(yml, 'utf8');
    const v0 = await version('staging', 'stg_activity');
    const day3 = "event_date = DATE '2024-05-03'";
    const rows3 = await tableRows('staging', 'stg_activity', day3);
    try {
      fs.writeFileSync(
        yml,
        original.replace(
          /^ {6}event_date:\n {8}description: (.*)\n {8}tests: \[not_null\]/m,
          "      event_date:\n        description: $1\n        tests: [not_null, { accepted_values: { values: ['2024-05-02'] } }]",
        ),
      );
      const s = await executeRun(openLake(lake.layout.root), engine, {
        kind: 'backfill',
        models: ['stg_activity'],
        range: fromInclusive('2024-05-02', '2024-05-03'),
      });
      expect(s.failures.map((f) => f.partition)).toEqual(['2024-05-03']);
      expect(s.failures[0]?.error).toMatch(/accepted_values.*The previous version stays live/);
      expect(s.succeeded).toBe(1);
      expect(await version('staging', 'stg_activity')).toBe(v0 + 1);
      expect(await tableRows('staging', 'stg_activity', day3)).toEqual(rows3);
    } finally {
      fs.writeFileSync(yml, original);
    }
    expect((await executeRun(openLake(lake.layout.root), engine, { kind: 'run' })).failed).toBe(0);
  });

  it('a model writing outside its partition fails each partition with the reason, batched or not', async () => {
    const sqlFile = path.join(lake.layout.models, 'fct_daily_club_activity.sql');
    const original = fs.readFileSync(sqlFile, 'utf8');
    try {
      fs.writeFileSync(
        sqlFile,
        original.replace('event_date as activity_date', 'event_date + 1 as activity_date'),
      );
      for (const batchPartitions of [1, 32]) {
        const s = await executeRun(
          openLake(lake.layout.root),
          engine,
          {
            kind: 'backfill',
            models: ['fct_daily_club_activity'],
            range: fromInclusive('2024-05-02', '2024-05-03'),
          },
          { batchPartitions },
        );
        expect(s.failures.map((f) => f.partition).sort()).toEqual(['2024-05-02', '2024-05-03']);
        for (const f of s.failures) expect(f.error).toMatch(`rows outside partition ${f.partition ?? ''}`);
      }
    } finally {
      fs.writeFileSync(sqlFile, original);
    }
  });

  it('broken model SQL fails only its own partitions, with DuckDB’s message', async () => {
    const sqlFile = path.join(lake.layout.models, 'fct_daily_club_activity.sql');
    const original = fs.readFileSync(sqlFile, 'utf8');
    try {
      fs.writeFileSync(
        sqlFile,
        original.replace('count(distinct user_id)', 'count(distinct no_such_column)'),
      );
      const s = await executeRun(openLake(lake.layout.root), engine, {
        kind: 'backfill',
        models: ['stg_activity', 'fct_daily_club_activity', 'fct_transfer_requests'],
        range: fromInclusive('2024-05-02', '2024-05-03'),
      });
      expect(s.failures.map((f) => `${f.model} ${f.partition ?? ''}`).sort()).toEqual([
        'fct_daily_club_activity 2024-05-02',
        'fct_daily_club_activity 2024-05-03',
      ]);
      expect(s.failures[0]?.error).toMatch(/Binder Error: .*no_such_column/);
      expect(s.succeeded).toBe(4);
    } finally {
      fs.writeFileSync(sqlFile, original);
    }
  });
});
