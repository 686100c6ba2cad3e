// Log replay against the reference tables: for every table and every version,
// the live files, protocol, partition columns and schema equal expected.json;
// checkpoints (classic, multi-part, V2 with sidecars) and time travel by
// version and by timestamp. Row contents are checked in delta-interop.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings } from '../../src/pipeline';
import { decodePath } from '../../src/pipeline/delta/actions';
import { loadSnapshot } from '../../src/pipeline/delta/load';
import { fieldId, physicalName, typeName } from '../../src/pipeline/delta/schema';
import { localTable } from '../../src/pipeline/delta/table';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;
const present = fs.existsSync(TESTDATA);
if (!present)
  console.log(
    `skipping the Delta reference tables: ${TESTDATA} does not exist (set LAKEHOUSE_DELTA_TESTDATA)`,
  );

interface Expected {
  latest_version: number;
  versions: Record<
    string,
    { live_file_count: number; live_files?: string[]; columns?: string[]; protocol?: Record<string, unknown> }
  >;
  partition_columns: string[];
  schema: { name: string; type: string; nullable: boolean; physical_name?: string; field_id?: number }[];
  protocol: Record<string, unknown>;
  checkpoints?: { version: number; kind: string }[];
}

const tables = present
  ? fs.readdirSync(TESTDATA).filter((t) => fs.existsSync(path.join(TESTDATA, t, 'expected.json')))
  : [];
let engine: EngineClient;

beforeAll(() => {
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
});
afterAll(async () => engine.dispose());

describe.skipIf(!present)('log replay of the reference tables', () => {
  it.each(tables)('%s: every version', async (name) => {
    const dir = path.join(TESTDATA, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
    const table = localTable(dir, engine);
    for (const [v, exp] of Object.entries(expected.versions)) {
      const snap = await loadSnapshot(table, { version: Number(v) });
      expect(snap.version).toBe(Number(v));
      expect(snap.files.length, `${name} v${v} live files`).toBe(exp.live_file_count);
      if (exp.live_files) {
        expect(snap.files.map((f) => decodePath(f.path)).sort(), `${name} v${v}`).toEqual(
          [...exp.live_files].sort(),
        );
      }
      if (exp.protocol) expect(snap.protocol).toMatchObject(exp.protocol);
      if (exp.columns) expect(snap.schema.fields.map((f) => f.name)).toEqual(exp.columns);
      // Every live file exists on disk (the path is decoded exactly once).
      for (const f of snap.files)
        expect(fs.existsSync(path.join(dir, decodePath(f.path))), decodePath(f.path)).toBe(true);
    }
    const latest = await loadSnapshot(table);
    expect(latest.version).toBe(expected.latest_version);
    expect(latest.partitionColumns).toEqual(expected.partition_columns);
    expect(latest.protocol).toMatchObject(expected.protocol);
    const mapped = latest.columnMapping !== 'none';
    expect(
      latest.schema.fields.map((f) => ({
        name: f.name,
        type: typeName(f.type),
        nullable: f.nullable,
        ...(mapped ? { physical_name: physicalName(f, latest.columnMapping), field_id: fieldId(f) } : {}),
      })),
    ).toEqual(expected.schema);
  });

  it('time travels by commit timestamp', async () => {
    const dir = path.join(TESTDATA, 'time-travel-start-start20-start40');
    const table = localTable(dir, engine);
    const stamps: number[] = [];
    for (const v of [0, 1, 2]) stamps.push((await loadSnapshot(table, { version: v })).timestamp);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    for (const [v, t] of stamps.entries()) {
      expect((await loadSnapshot(table, { timestamp: t })).version).toBe(v);
      expect((await loadSnapshot(table, { timestamp: new Date(t + 1).toISOString() })).version).toBe(v);
    }
    await expect(loadSnapshot(table, { timestamp: (stamps[0] ?? 0) - 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(loadSnapshot(table, { version: 3 })).rejects.toThrow(/versions up to 2/);
    await expect(loadSnapshot(table, { timestamp: 'yesterday' })).rejects.toThrow(/is not a timestamp/);
  });

  it('says clearly when a folder is not a Delta table', async () => {
    await expect(loadSnapshot(localTable(path.join(TESTDATA, 'nope'), engine))).rejects.toThrow(
      /is not a Delta table/,
    );
  });
});
