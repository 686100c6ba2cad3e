// Reading raw files with the explicit schema of sources.yml: on a generated
// sample lake every line gets the reason the generator gave it (or none), so
// the counts per reason equal the manifest's, day by day.
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
  rawParseSql,
  readSampleManifest,
} from '../../src/pipeline';
import type { Lake, SampleManifest } from '../../src/pipeline';

let dir: string;
let lake: Lake;
let engine: EngineClient;
let manifest: SampleManifest;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-raw-'));
  await initLake({ dir: path.join(dir, 'lake'), sample: true, days: 3, eventsPerDay: 3000, seed: 7 });
  lake = openLake(path.join(dir, 'lake'));
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
  const m = await readSampleManifest(lake.layout.root);
  if (!m) throw new Error('no manifest');
  manifest = m;
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const KIND = `CASE
  WHEN _reason IS NULL THEN 'valid'
  WHEN _reason LIKE 'malformed JSON%' THEN 'malformed_json'
  WHEN _reason LIKE 'missing required%' THEN 'missing_required'
  WHEN _reason LIKE 'wrong type%' THEN 'wrong_type'
  WHEN _reason LIKE 'unknown value for event_type%' THEN 'unknown_event_type'
  ELSE 'other: ' || _reason END`;

describe('activity lines', () => {
  it('get exactly the generator’s reasons, per arrival day', async () => {
    const source = findSource(lake, 'activity');
    const files = listRawFiles(lake.layout, source).map((f) => f.path);
    const { rows } = await engine.read(
      `SELECT _arrival_date::VARCHAR AS d, ${KIND} AS kind, count(*)::INTEGER AS n FROM (${rawParseSql(source, files)}) GROUP BY ALL ORDER BY ALL`,
    );
    const got: Record<string, Record<string, number>> = {};
    for (const [d, kind, n] of rows) (got[String(d)] ??= {})[String(kind)] = Number(n);
    const expected: Record<string, Record<string, number>> = {};
    for (const [d, s] of Object.entries(manifest.sources.activity.days)) {
      expected[d] = {
        valid: s.valid_rows,
        ...Object.fromEntries(Object.entries(s.bad).filter(([, n]) => n > 0)),
      };
    }
    expect(got).toEqual(expected);
  });

  it('keeps file, line number and raw text of every bad line', async () => {
    const source = findSource(lake, 'activity');
    const files = listRawFiles(lake.layout, source).map((f) => f.path);
    const { rows } = await engine.read(
      `SELECT _file, _line, _raw, _reason FROM (${rawParseSql(source, files)}) WHERE _reason IS NOT NULL ORDER BY _file, _line LIMIT 50`,
    );
    expect(rows.length).toBe(50);
    for (const [file, line, raw] of rows) {
      const text = fs.readFileSync(String(file), 'utf8').split('\n')[Number(line) - 1];
      expect(text).toBe(raw);
    }
  });
});

describe('reference CSVs', () => {
  it.each(['clubs', 'players', 'users'] as const)('%s: every row valid and typed', async (name) => {
    const source = findSource(lake, name);
    const files = listRawFiles(lake.layout, source).map((f) => f.path);
    const { rows } = await engine.read(
      `SELECT ${KIND} AS kind, count(*)::INTEGER AS n FROM (${rawParseSql(source, files)}) GROUP BY ALL`,
    );
    expect(rows).toEqual([['valid', manifest.sources[name].totals.valid_rows]]);
  });
});

describe('files still being written', () => {
  it('are not read: dot-named files are skipped', () => {
    const source = findSource(lake, 'activity');
    const partDir = path.dirname(listRawFiles(lake.layout, source)[0]?.path ?? '');
    fs.writeFileSync(path.join(partDir, '.events-9999.jsonl.tmp'), '{"half": ');
    fs.writeFileSync(path.join(partDir, '.events-9998.jsonl'), '{"half": ');
    expect(listRawFiles(lake.layout, source).some((f) => path.basename(f.path).startsWith('.'))).toBe(false);
  });
});
