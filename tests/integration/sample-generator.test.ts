// The sample generator against real files and real DuckDB: determinism (same seed → same
// bytes, batches of days → same bytes), and every number in the manifest re-counted
// independently with DuckDB over the written files, using the types of sources.yml.

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleData, readSampleManifest, sampleTemplateDir } from '../../src/pipeline/sample';
import type { SampleManifest } from '../../src/pipeline/sample';
import { BAD_KINDS, BadLineMaker } from '../../src/pipeline/sample/messiness';
import { IdScrambler, rngFor } from '../../src/pipeline/sample/rng';
import { ReferenceModel } from '../../src/pipeline/sample/reference-model';

interface ColumnSpec {
  type: string;
  required?: boolean;
  accepted_values?: string[];
}
interface SourcesFile {
  sources: Record<string, { format: string; columns: Record<string, ColumnSpec> }>;
}

const FROM = '2024-05-01';
const MID = '2024-05-02';
const TO = '2024-05-03';
const EVENTS = 2000;

let root = '';
let lakeA = '';
let db: DuckDBConnection;
let sources: SourcesFile;

async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        out.set(
          relative(dir, p),
          createHash('sha256')
            .update(await readFile(p))
            .digest('hex'),
        );
    }
  };
  await walk(dir);
  return out;
}

async function rows(sql: string): Promise<Record<string, string | number | boolean | null>[]> {
  const r = await db.runAndReadAll(sql);
  return r.getRowObjectsJson() as Record<string, string | number | boolean | null>[];
}

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lakehouse-sample-'));
  lakeA = join(root, 'a');
  await generateSampleData({ lakeDir: lakeA, from: FROM, to: TO, eventsPerDay: EVENTS, seed: 42 });
  sources = parse(await readFile(join(sampleTemplateDir(), 'sources.yml'), 'utf8')) as SourcesFile;
  db = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(async () => {
  db?.closeSync();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('determinism', () => {
  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    const lakeB = join(root, 'b');
    const lakeC = join(root, 'c');
    await generateSampleData({ lakeDir: lakeB, from: FROM, to: TO, eventsPerDay: EVENTS, seed: 42 });
    await generateSampleData({ lakeDir: lakeC, from: FROM, to: TO, eventsPerDay: EVENTS, seed: 7 });
    const [a, b, c] = await Promise.all([hashTree(lakeA), hashTree(lakeB), hashTree(lakeC)]);
    expect(a.size).toBeGreaterThan(12);
    expect(b).toEqual(a);
    const activity = [...a.keys()].filter((k) => k.includes('activity'));
    for (const k of activity) if (c.has(k)) expect(c.get(k)).not.toBe(a.get(k));
    expect(c.get(join('raw', 'players', `dt=${FROM}`, 'players.csv'))).not.toBe(
      a.get(join('raw', 'players', `dt=${FROM}`, 'players.csv')),
    );
  });

  it('gives the same bytes when the days are generated in two batches', async () => {
    const lakeD = join(root, 'd');
    await generateSampleData({ lakeDir: lakeD, from: FROM, to: FROM, eventsPerDay: EVENTS, seed: 42 });
    await generateSampleData({ lakeDir: lakeD, from: MID, to: TO }); // seed and size come from the manifest
    expect(await hashTree(lakeD)).toEqual(await hashTree(lakeA));
  });

  it('re-generates an existing day byte-identically and leaves no temporary files', async () => {
    const before = await hashTree(lakeA);
    const progress: string[] = [];
    await generateSampleData({ lakeDir: lakeA, from: MID, to: MID, onProgress: (p) => progress.push(p.day) });
    expect(progress).toEqual([MID]);
    const after = await hashTree(lakeA);
    expect(after).toEqual(before);
    expect([...after.keys()].filter((k) => k.split(/[\\/]/).some((part) => part.startsWith('.')))).toEqual(
      [],
    );
  });

  it('refuses to mix a different seed into an existing lake', async () => {
    await expect(generateSampleData({ lakeDir: lakeA, from: TO, to: TO, seed: 1 })).rejects.toThrow(
      /seed 42/,
    );
  });

  it('stops at an aborted signal with a manifest for the days on disk', async () => {
    const lakeE = join(root, 'e');
    const ctrl = new AbortController();
    const run = generateSampleData({
      lakeDir: lakeE,
      from: FROM,
      to: TO,
      eventsPerDay: 500,
      signal: ctrl.signal,
      onProgress: (p) => (p.dayIndex === 0 ? ctrl.abort() : undefined),
    });
    await expect(run).rejects.toThrow();
    const m = await readSampleManifest(lakeE);
    expect(Object.keys(m?.sources.activity.days ?? {})).toEqual([FROM]);
    await expect(stat(join(lakeE, 'raw', 'activity', `dt=${MID}`))).rejects.toThrow();
  });
});

/**
 * Creates `parsed` (the lines of `from` that are JSON objects) and `checked` (each parsed
 * line with one flag per reason to be bad), following the activity columns of sources.yml.
 */
function checkSql(from: string, parsed: string, checked: string): string {
  const cols = sources.sources['activity']?.columns ?? {};
  const present = (k: string): string => `coalesce(json_type(line, ${lit(`$.${k}`)}), 'NULL') <> 'NULL'`;
  const missing = Object.entries(cols)
    .filter(([, c]) => c.required)
    .map(([k]) => `NOT (${present(k)})`);
  const wrong = Object.entries(cols).map(([k, c]) => `(${present(k)} AND NOT ${typeOk(k, c.type)})`);
  const unknown = Object.entries(cols)
    .filter(([, c]) => c.accepted_values)
    .map(([k, c]) => {
      const values = (c.accepted_values ?? []).map(lit).join(', ');
      return `(${typeOk(k, c.type)} AND json_extract_string(line, ${lit(`$.${k}`)}) NOT IN (${values}))`;
    });
  return `
    CREATE TABLE ${parsed} AS
      SELECT * EXCLUDE (line), line FROM ${from} WHERE json_valid(line) AND json_type(line) = 'OBJECT';
    CREATE TABLE ${checked} AS
      SELECT *, (${missing.join(' OR ')}) AS is_missing, (${wrong.join(' OR ')}) AS is_wrong,
        (${unknown.join(' OR ')}) AS is_unknown
      FROM ${parsed};`;
}

/** SQL that is true when the JSON line's field `k` is present, non-null and of the declared type. */
function typeOk(k: string, type: string): string {
  const path = lit(`$.${k}`);
  const kind = `json_type(line, ${path})`;
  const text = `json_extract_string(line, ${path})`;
  if (type === 'VARCHAR') return `${kind} = 'VARCHAR'`;
  if (type === 'TIMESTAMP') return `(${kind} = 'VARCHAR' AND try_cast(${text} AS TIMESTAMP) IS NOT NULL)`;
  // Integers must be JSON integers: TRY_CAST alone would round 12.5 into an INTEGER.
  return `(${kind} IN ('BIGINT', 'UBIGINT') AND try_cast(${text} AS ${type}) IS NOT NULL)`;
}

describe('the manifest matches an independent count with DuckDB', () => {
  let manifest: SampleManifest;

  beforeAll(async () => {
    const m = await readSampleManifest(lakeA);
    if (!m) throw new Error('no manifest');
    manifest = m;
    await db.run(`
      CREATE TABLE files AS
        SELECT regexp_extract(filename, 'dt=([0-9-]+)', 1) AS dt, filename, content
        FROM read_text(${lit(join(lakeA, 'raw', 'activity', '*', '*.jsonl'))});
      CREATE TABLE lines AS
        SELECT dt, filename, unnest(string_split(content[1:-2], chr(10))) AS line FROM files;
      ${checkSql('lines', 'parsed', 'checked')}
      CREATE TABLE valid AS
        SELECT dt, line, json_extract_string(line, '$.event_id') AS event_id,
          json_extract_string(line, '$.event_type') AS event_type,
          CAST(CAST(json_extract_string(line, '$.event_ts') AS TIMESTAMP) AS DATE) AS event_date
        FROM checked WHERE NOT (is_missing OR is_wrong OR is_unknown);
    `);
  });

  it('agrees with the generator on every kind of bad line it can make', async () => {
    const model = new ReferenceModel(42);
    const day = 19844;
    const made: string[] = [];
    for (const kind of BAD_KINDS) {
      const maker = new BadLineMaker(day, rngFor(5, kind, day), new IdScrambler(5), model);
      for (let i = 0; i < 400; i++) made.push(`(${lit(kind)}, ${lit(maker.make(kind))})`);
    }
    await db.run(`CREATE TABLE variants (kind VARCHAR, line VARCHAR);
      INSERT INTO variants VALUES ${made.join(', ')};
      ${checkSql('variants', 'variants_parsed', 'variants_checked')}`);
    const r = await rows(`
      SELECT kind,
        (SELECT count(*) FROM variants v WHERE v.kind = k.kind AND NOT json_valid(line)) AS malformed_json,
        count(*) FILTER (WHERE is_wrong AND NOT is_missing AND NOT is_unknown) AS wrong_type,
        count(*) FILTER (WHERE is_missing AND NOT is_wrong AND NOT is_unknown) AS missing_required,
        count(*) FILTER (WHERE is_unknown AND NOT is_wrong AND NOT is_missing) AS unknown_event_type
      FROM (SELECT DISTINCT kind FROM variants) k LEFT JOIN variants_checked c USING (kind)
      GROUP BY kind ORDER BY kind`);
    expect(r.map((row) => row['kind'])).toEqual([...BAD_KINDS].sort());
    for (const row of r) {
      const kind = String(row['kind']);
      for (const k of BAD_KINDS) expect([kind, k, Number(row[k])]).toEqual([kind, k, k === kind ? 400 : 0]);
    }
  });

  it('has files ending in one newline and no empty lines', async () => {
    const r = await rows(`SELECT count(*) FILTER (WHERE right(content, 1) <> chr(10)) AS unterminated,
      (SELECT count(*) FROM lines WHERE line = '') AS empty FROM files`);
    expect(r).toEqual([{ unterminated: '0', empty: '0' }]);
  });

  it('marks every bad line bad for exactly one reason', async () => {
    const r = await rows(
      `SELECT count(*) AS n FROM checked WHERE is_missing::INT + is_wrong::INT + is_unknown::INT > 1`,
    );
    expect(r[0]?.n).toBe('0');
    // Every line that parses is an object, so "malformed" is exactly "not valid JSON".
    const objects = await rows(
      `SELECT (SELECT count(*) FROM lines WHERE json_valid(line)) - (SELECT count(*) FROM parsed) AS n`,
    );
    expect(objects[0]?.n).toBe('0');
  });

  it('counts lines, bad lines, duplicates and late events exactly', async () => {
    const counted = await rows(`
      WITH per_line AS (
        SELECT dt, count(DISTINCT filename) AS files, count(*) AS lines,
          count(*) FILTER (WHERE NOT json_valid(line)) AS malformed
        FROM lines GROUP BY dt),
      per_check AS (
        SELECT dt, count(*) FILTER (WHERE is_missing) AS missing, count(*) FILTER (WHERE is_wrong) AS wrong,
          count(*) FILTER (WHERE is_unknown) AS unknown FROM checked GROUP BY dt),
      distinct_valid AS (SELECT DISTINCT dt, event_id, event_type, event_date FROM valid),
      per_valid AS (
        SELECT v.dt, count(*) AS valid_rows, count(DISTINCT event_id) AS distinct_ids,
          count(DISTINCT line) AS distinct_lines FROM valid v GROUP BY v.dt),
      per_late AS (
        SELECT dt, count(*) FILTER (WHERE CAST(dt AS DATE) - event_date = 1) AS late_1d,
          count(*) FILTER (WHERE CAST(dt AS DATE) - event_date = 2) AS late_2d,
          count(*) FILTER (WHERE CAST(dt AS DATE) - event_date NOT IN (0, 1, 2)) AS out_of_window
        FROM distinct_valid GROUP BY dt)
      SELECT * FROM per_line JOIN per_check USING (dt) JOIN per_valid USING (dt) JOIN per_late USING (dt)
      ORDER BY dt`);
    const days = manifest.sources.activity.days;
    expect(counted.map((r) => r['dt'])).toEqual(Object.keys(days));
    for (const r of counted) {
      const m = days[String(r['dt'])];
      if (!m) throw new Error(`no manifest entry for ${String(r['dt'])}`);
      const n = (k: string): number => Number(r[k]);
      expect({
        files: n('files'),
        lines: n('lines'),
        valid_rows: n('valid_rows'),
        distinct_valid_events: n('distinct_ids'),
        duplicates: n('valid_rows') - n('distinct_ids'),
        late_1d: n('late_1d'),
        late_2d: n('late_2d'),
        bad: {
          malformed_json: n('malformed'),
          wrong_type: n('wrong'),
          missing_required: n('missing'),
          unknown_event_type: n('unknown'),
        },
      }).toEqual({
        files: m.files,
        lines: m.lines,
        valid_rows: m.valid_rows,
        distinct_valid_events: m.distinct_valid_events,
        duplicates: m.duplicates,
        late_1d: m.late_1d,
        late_2d: m.late_2d,
        bad: m.bad,
      });
      expect(n('distinct_lines')).toBe(n('distinct_ids')); // duplicates are byte-identical copies
      expect(n('out_of_window')).toBe(0);
      expect(m.duplicates).toBeGreaterThan(0);
      for (const kind of Object.values(m.bad)) expect(kind).toBeGreaterThan(0);
      expect(m.late_1d).toBeGreaterThan(0);
    }
  });

  it('counts valid events by event date and type exactly, each arriving in one partition only', async () => {
    const byDate = await rows(
      `SELECT dt, CAST(event_date AS VARCHAR) AS d, count(DISTINCT event_id) AS n FROM valid GROUP BY ALL`,
    );
    const byType = await rows(
      `SELECT dt, event_type AS t, count(DISTINCT event_id) AS n FROM valid GROUP BY ALL`,
    );
    for (const [dt, m] of Object.entries(manifest.sources.activity.days)) {
      const pick = (rs: typeof byDate, key: string): Record<string, number> =>
        Object.fromEntries(rs.filter((r) => r['dt'] === dt).map((r) => [String(r[key]), Number(r['n'])]));
      expect(pick(byDate, 'd')).toEqual(m.valid_by_event_date);
      expect(pick(byType, 't')).toEqual(m.valid_by_event_type);
    }
    const spread = await rows(
      `SELECT count(*) AS n FROM (SELECT event_id FROM valid GROUP BY 1 HAVING count(DISTINCT dt) > 1)`,
    );
    expect(spread[0]?.n).toBe('0');
    // All of the first day's events arrived within the lake (the late ones by TO): eventsPerDay of them.
    expect(manifest.sources.activity.totals.valid_by_event_date[FROM]).toBe(EVENTS);
  });

  it('tells a coherent story: pitches follow requests, views follow pitches, within the club', async () => {
    const r = await rows(`
      WITH e AS (SELECT DISTINCT event_type AS t, CAST(json_extract_string(line, '$.event_ts') AS TIMESTAMP) AS ts,
          json_extract_string(line, '$.request_id') AS req, json_extract_string(line, '$.pitch_id') AS pit,
          CAST(json_extract(line, '$.club_id') AS INTEGER) AS club FROM valid)
      SELECT
        (SELECT count(*) FROM e p JOIN e r ON p.req = r.req WHERE p.t = 'pitch_sent' AND r.t = 'transfer_request_created') AS pitched,
        (SELECT count(*) FROM e p JOIN e r ON p.req = r.req
          WHERE p.t = 'pitch_sent' AND r.t = 'transfer_request_created' AND p.ts <= r.ts) AS pitched_too_early,
        (SELECT count(*) FROM e v JOIN e p ON v.pit = p.pit WHERE v.t = 'pitch_viewed' AND p.t = 'pitch_sent') AS viewed,
        (SELECT count(*) FROM e v JOIN e p ON v.pit = p.pit
          WHERE v.t = 'pitch_viewed' AND p.t = 'pitch_sent' AND v.ts <= p.ts) AS viewed_too_early,
        (SELECT count(*) FROM e v JOIN e r ON v.req = r.req
          WHERE v.t = 'pitch_viewed' AND r.t = 'transfer_request_created' AND v.club <> r.club) AS viewed_elsewhere`);
    expect(Number(r[0]?.['pitched'])).toBeGreaterThan(20);
    expect(Number(r[0]?.['viewed'])).toBeGreaterThan(20);
    expect(r[0]).toMatchObject({ pitched_too_early: '0', viewed_too_early: '0', viewed_elsewhere: '0' });
  });

  it('reads every reference CSV with the types of sources.yml and counts its rows exactly', async () => {
    for (const name of ['clubs', 'players', 'users'] as const) {
      const cols = sources.sources[name]?.columns ?? {};
      const columns = Object.entries(cols)
        .map(([k, c]) => `${lit(k)}: ${lit(c.type)}`)
        .join(', ');
      const glob = lit(join(lakeA, 'raw', name, '*', `${name}.csv`));
      const checks = Object.entries(cols).flatMap(([k, c]) => [
        ...(c.required ? [`count(*) FILTER (WHERE "${k}" IS NULL)`] : []),
        ...(c.accepted_values
          ? [`count(*) FILTER (WHERE "${k}" NOT IN (${c.accepted_values.map(lit).join(', ')}))`]
          : []),
      ]);
      const counted = await rows(`
        SELECT regexp_extract(filename, 'dt=([0-9-]+)', 1) AS dt, count(*) AS n, (${checks.join(' + ')}) AS broken
        FROM read_csv(${glob}, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
                      columns = {${columns}}, filename = true)
        GROUP BY ALL ORDER BY dt`);
      const lines = await rows(`SELECT regexp_extract(filename, 'dt=([0-9-]+)', 1) AS dt,
        length(content) - length(replace(content, chr(10), '')) AS n FROM read_text(${glob}) ORDER BY dt`);
      const days = manifest.sources[name].days;
      expect(counted.map((r) => r['dt'])).toEqual(Object.keys(days));
      for (const r of counted) {
        const m = days[String(r['dt'])];
        expect(Number(r['n'])).toBe(m?.valid_rows);
        expect(Number(r['broken'])).toBe(0);
      }
      for (const r of lines) expect(Number(r['n'])).toBe(days[String(r['dt'])]?.lines);
    }
    expect(manifest.sources.clubs.totals.valid_rows).toBe(3 * 120);
    expect(manifest.sources.players.totals.valid_rows).toBe(3 * 4000);
  });
});
