// The sample project's models on a generated sample lake, run by a small harness
// (not the real executor): each model rendered in DAG order, partitioned models
// day by day over the arrival window their lookback asks for. fct_daily_club_activity
// is checked against an independent SQL over the raw JSON lines, stg_activity against
// the generator's manifest, and every data test of the sample yml must pass.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EngineClient,
  defaultEngineSettings,
  findSource,
  initLake,
  listRawFiles,
  openLake,
  quoteIdent,
  quoteLiteral,
  quoteQualified,
  rawViewSql,
  readSampleManifest,
} from '../../src/pipeline';
import type { Lake, SampleManifest } from '../../src/pipeline';
import { independentDailyActivity } from '../helpers/independent';
import { arrivalWindow, countSql, describeTest, loadProject, renderModel } from '../../src/pipeline/models';
import type { Model, Project } from '../../src/pipeline/models';

const START = '2024-05-01';
const DAYS = 5;

let dir: string;
let lake: Lake;
let project: Project;
let engine: EngineClient;
let manifest: SampleManifest;

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const daysFrom = (start: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => addDays(start, i));
const tag = (day: string): string => day.replaceAll('-', '');

interface Build {
  /** DuckDB schema holding one table per model. */
  schema: string;
  /** Partitions to build for partitioned models. */
  days: readonly string[];
  /** Raw files that arrived after this date are ignored (default: all). */
  arrivedBy?: string;
}

/** A view over the good rows of `source` from the given arrival dates (inclusive). */
async function sourceView(
  target: Lake,
  b: Build,
  source: string,
  range: { from: string; to: string } | null,
  name: string,
): Promise<string> {
  const def = findSource(target, source);
  const to =
    b.arrivedBy !== undefined && (range === null || b.arrivedBy < range.to) ? b.arrivedBy : range?.to;
  const files = listRawFiles(
    target.layout,
    def,
    to === undefined ? undefined : { from: range?.from ?? '0000-01-01', to },
  );
  const relation = quoteQualified(b.schema, name);
  await engine.run(
    `CREATE OR REPLACE VIEW ${relation} AS ${rawViewSql(
      def,
      files.map((f) => f.path),
    )}`,
  );
  return relation;
}

/** Renders one model for one range and returns its SQL, after creating the source views it reads. */
async function renderFor(
  target: Lake,
  b: Build,
  model: Model,
  range: { startDs: string; endDs: string } | null,
): Promise<string> {
  const views = new Map<string, string>();
  for (const s of model.sources) {
    const window = range === null ? null : arrivalWindow(model.config, range);
    views.set(
      s,
      await sourceView(target, b, s, window, `src_${model.name}_${s}_${range ? tag(range.startDs) : 'all'}`),
    );
  }
  return renderModel(model, {
    source: (s) => views.get(s) ?? '',
    ref: (m) => quoteQualified(b.schema, m),
    this: quoteQualified(b.schema, model.name),
    startDs: range?.startDs ?? null,
    endDs: range?.endDs ?? null,
  });
}

/** Builds every model into b.schema in DAG order: partitioned ones day by day, UNION ALL. */
async function buildAll(target: Lake, p: Project, b: Build): Promise<void> {
  await engine.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(b.schema)}`);
  for (const model of p.models) {
    const parts: string[] = [];
    if (model.config.materialized === 'partitioned') {
      for (const day of b.days)
        parts.push(await renderFor(target, b, model, { startDs: day, endDs: addDays(day, 1) }));
    } else {
      parts.push(await renderFor(target, b, model, null));
    }
    const body = parts.map((sql) => `SELECT * FROM (\n${sql}\n)`).join('\nUNION ALL\n');
    await engine.run(`CREATE OR REPLACE TABLE ${quoteQualified(b.schema, model.name)} AS ${body}`);
  }
}

async function rows(sql: string): Promise<Array<Array<string | number | boolean | null>>> {
  const result = await engine.read(sql);
  return result.rows.map((r) => r.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v)));
}

const MAIN: Build = { schema: 'main_build', days: daysFrom(START, DAYS) };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-models-'));
  await initLake({ dir: path.join(dir, 'lake'), sample: true, days: DAYS, eventsPerDay: 3000 });
  lake = openLake(path.join(dir, 'lake'));
  project = loadProject(lake);
  const m = await readSampleManifest(lake.layout.root);
  if (!m) throw new Error('the sample lake has no manifest');
  manifest = m;
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
  await buildAll(lake, project, MAIN);
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the sample project', () => {
  it('loads every model with its config, tests and a build order', () => {
    expect(project.dag.order).toEqual([
      'dim_club',
      'dim_player',
      'dim_user',
      'stg_activity',
      'fct_daily_club_activity',
      'fct_transfer_requests',
    ]);
    const stg = project.models.find((m) => m.name === 'stg_activity');
    expect(stg?.config).toMatchObject({
      materialized: 'partitioned',
      partitionBy: 'event_date',
      layer: 'staging',
      lookbackDays: 2,
    });
    expect(stg?.sources).toEqual(['activity']);
    expect(project.dag.testParents['stg_activity']).toEqual(['dim_club', 'dim_player', 'dim_user']);
    const fct = project.models.find((m) => m.name === 'fct_transfer_requests');
    expect(fct?.config.lookbackDays).toBe(3);
    expect(fct?.refs).toEqual(['stg_activity']);
    for (const m of project.models) expect(m.description, m.name).toBeTruthy();
  });
});

describe('stg_activity', () => {
  it('has, per event day, exactly the distinct valid events the generator wrote', async () => {
    const expected: Record<string, number> = {};
    for (const day of Object.values(manifest.sources.activity.days)) {
      for (const [date, n] of Object.entries(day.valid_by_event_date)) {
        if (date >= START) expected[date] = (expected[date] ?? 0) + n;
      }
    }
    const got = await rows(
      `SELECT event_date::VARCHAR, count(*)::INTEGER FROM ${quoteQualified(MAIN.schema, 'stg_activity')} GROUP BY 1 ORDER BY 1`,
    );
    expect(Object.fromEntries(got)).toEqual(expected);
  });

  it('keeps each event once, in the partition of its UTC event date, with its lineage', async () => {
    const [[dupes, misplaced, badLineage]] = (await rows(
      `SELECT (count(*) - count(DISTINCT event_id))::INTEGER,
         count(*) FILTER (WHERE event_date <> CAST(event_ts AS DATE))::INTEGER,
         count(*) FILTER (WHERE source_file IS NULL OR NOT regexp_full_match(source_file, 'dt=\\d{4}-\\d{2}-\\d{2}/events-\\d{4}\\.jsonl')
           OR source_file NOT LIKE 'dt=' || arrival_date::VARCHAR || '/%'
           OR arrival_delay_days <> arrival_date - event_date)::INTEGER
       FROM ${quoteQualified(MAIN.schema, 'stg_activity')}`,
    )) as [[number, number, number]];
    expect(dupes).toBe(0);
    expect(misplaced).toBe(0);
    expect(badLineage).toBe(0);
  });
});

describe('fct_daily_club_activity', () => {
  it('equals an independent computation over the raw JSON for the fully arrived days', async () => {
    // Events arrive up to two days late: with 5 arrival days, the first 3 event days are complete.
    const lastComplete = addDays(START, DAYS - 3);
    const cols =
      'club_id, activity_date, active_users, logins, searches, profile_views, shortlist_adds, transfer_requests, pitches_sent, pitches_viewed, messages';
    const model = `SELECT ${cols.replace(/(active_users|logins|searches|profile_views|shortlist_adds|transfer_requests|pitches_sent|pitches_viewed|messages)/g, '$1::BIGINT')} FROM ${quoteQualified(MAIN.schema, 'fct_daily_club_activity')}`;
    const inRange = `activity_date BETWEEN DATE '${START}' AND DATE '${lastComplete}'`;
    await engine.run(
      `CREATE OR REPLACE TABLE expected_daily AS SELECT ${cols} FROM (${independentDailyActivity(lake.layout.root)}) WHERE ${inRange}`,
    );
    const [[expectedRows, got, missing, extra]] = (await rows(`
      WITH m AS (SELECT * FROM (${model}) WHERE ${inRange})
      SELECT (SELECT count(*) FROM expected_daily)::INTEGER, (SELECT count(*) FROM m)::INTEGER,
        (SELECT count(*) FROM (SELECT * FROM expected_daily EXCEPT ALL SELECT * FROM m))::INTEGER,
        (SELECT count(*) FROM (SELECT * FROM m EXCEPT ALL SELECT * FROM expected_daily))::INTEGER`)) as [
      [number, number, number, number],
    ];
    expect(expectedRows).toBeGreaterThan(100);
    expect({ got, missing, extra }).toEqual({ got: expectedRows, missing: 0, extra: 0 });
  });
});

describe('fct_transfer_requests', () => {
  it('has one row per request created in stg_activity, with consistent response figures', async () => {
    const stg = quoteQualified(MAIN.schema, 'stg_activity');
    const fct = quoteQualified(MAIN.schema, 'fct_transfer_requests');
    const [[requests, facts, answered, bad]] = (await rows(`
      SELECT (SELECT count(*) FROM ${stg} WHERE event_type = 'transfer_request_created')::INTEGER,
        (SELECT count(*) FROM ${fct})::INTEGER,
        (SELECT count(*) FROM ${fct} WHERE pitches > 0)::INTEGER,
        (SELECT count(*) FROM ${fct} WHERE pitches_viewed > pitches
           OR (pitches = 0) <> (first_pitch_at IS NULL)
           OR first_response_minutes < 0 OR first_response_minutes >= 72 * 60
           OR request_date <> CAST(created_at AS DATE))::INTEGER`)) as [[number, number, number, number]];
    expect(facts).toBe(requests);
    expect(answered).toBeGreaterThan(0);
    expect(bad).toBe(0);
  });
});

describe('fct_transfer_requests window', () => {
  it('counts pitches and views less than 72 hours after the request, and nothing later', async () => {
    const model = project.models.find((m) => m.name === 'fct_transfer_requests');
    if (!model) throw new Error('no fct_transfer_requests');
    // A request late on May 1st; pitch a at 71h59m (counted, viewed in the window), pitch b at
    // 72h01m (too late), pitch a viewed again after the window (a view counts once anyway).
    const events: Array<[string, string, string, string | null]> = [
      ['e1', 'transfer_request_created', '2024-05-01 23:59:00', null],
      ['e2', 'pitch_sent', '2024-05-04 23:58:00', 'pit_a'],
      ['e3', 'pitch_sent', '2024-05-05 00:00:00', 'pit_b'],
      ['e4', 'pitch_viewed', '2024-05-04 23:58:30', 'pit_a'],
      ['e5', 'pitch_viewed', '2024-05-06 10:00:00', 'pit_a'],
      ['e6', 'pitch_viewed', '2024-05-05 00:01:00', 'pit_b'],
    ];
    const values = events
      .map(
        ([id, type, ts, pitch]) =>
          `(${quoteLiteral(id)}, ${quoteLiteral(type)}, TIMESTAMP ${quoteLiteral(ts)}, ${pitch === null ? 'NULL' : quoteLiteral(pitch)})`,
      )
      .join(', ');
    await engine.run(`CREATE SCHEMA IF NOT EXISTS synthetic;
      CREATE OR REPLACE TABLE synthetic.stg_activity AS
      SELECT id AS event_id, type AS event_type, ts AS event_ts, CAST(ts AS DATE) AS event_date, 7::BIGINT AS user_id,
        3::INTEGER AS club_id, 100001::INTEGER AS player_id, 'req_1' AS request_id, pitch AS pitch_id
      FROM (VALUES ${values}) AS t(id, type, ts, pitch)`);
    const sql = renderModel(model, {
      source: () => '',
      ref: (m) => quoteQualified('synthetic', m),
      this: quoteQualified('synthetic', model.name),
      startDs: '2024-05-01',
      endDs: '2024-05-02',
    });
    const got = await rows(
      `SELECT request_id, pitches::INTEGER, pitches_viewed::INTEGER, first_pitch_at::VARCHAR, first_response_minutes FROM (${sql})`,
    );
    expect(got).toEqual([['req_1', 1, 1, '2024-05-04 23:58:00', 4319]]);
  });
});

describe('data tests of the sample yml', () => {
  it('all pass on the sample output', async () => {
    const failures: string[] = [];
    let count = 0;
    for (const model of project.models) {
      for (const test of model.tests) {
        const sql = countSql(test, quoteQualified(MAIN.schema, model.name), {
          relationOf: (m) => quoteQualified(MAIN.schema, m),
        });
        const [[n]] = (await rows(sql)) as [[string | number]];
        count++;
        if (Number(n) !== 0) failures.push(`${test.id} ${describeTest(test)}: ${String(n)} failures`);
      }
    }
    expect(count).toBeGreaterThan(30);
    expect(failures).toEqual([]);
  });
});

describe('lookback', () => {
  it('makes partitions final: arrivals after the lookback change neither stg_activity nor fct_transfer_requests', async () => {
    // A longer lake, built with every arrival, and again per request day R with only the
    // arrivals up to the day it is final: R + its lookback_days (how far ahead it reads
    // stg_activity) + stg_activity's lookback_days (how late those events arrive) — the
    // runner chains lookbacks through refs this way.
    const longDir = path.join(dir, 'long');
    await initLake({ dir: longDir, sample: true, days: 9, eventsPerDay: 3000 });
    const long = openLake(longDir);
    const p = loadProject(long);
    const lookback =
      (p.models.find((m) => m.name === 'fct_transfer_requests')?.config.lookbackDays ?? 0) +
      (p.models.find((m) => m.name === 'stg_activity')?.config.lookbackDays ?? 0);
    await buildAll(long, p, { schema: 'all_in', days: daysFrom(START, 9) });
    const diff = async (schema: string, table: string, where: string): Promise<[number, number]> => {
      const [[n, d]] = (await rows(`
        WITH a AS (SELECT * FROM ${quoteQualified(schema, table)} WHERE ${where}),
             b AS (SELECT * FROM ${quoteQualified('all_in', table)} WHERE ${where})
        SELECT (SELECT count(*) FROM a)::INTEGER,
          (SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b UNION ALL (SELECT * FROM b EXCEPT ALL SELECT * FROM a)))::INTEGER`)) as [
        [number, number],
      ];
      return [n, d];
    };
    for (const request of daysFrom(START, 9 - lookback)) {
      const schema = `final_${tag(request)}`;
      // The partitions R … R + 3 of stg_activity are all fct_transfer_requests' partition R reads.
      await buildAll(long, p, { schema, days: daysFrom(request, 4), arrivedBy: addDays(request, lookback) });
      const [requests, requestDiff] = await diff(
        schema,
        'fct_transfer_requests',
        `request_date = DATE '${request}'`,
      );
      expect(requests).toBeGreaterThan(0);
      expect(requestDiff, `fct_transfer_requests ${request}`).toBe(0);
      // stg_activity's day D is final at arrival D + 2.
      const [events, eventDiff] = await diff(
        schema,
        'stg_activity',
        `event_date = DATE '${addDays(request, lookback - 2)}'`,
      );
      expect(events).toBeGreaterThan(0);
      expect(eventDiff, `stg_activity ${addDays(request, lookback - 2)}`).toBe(0);
    }
  });
});
