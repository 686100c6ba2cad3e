// OPTIMIZE on real tables: small files are compacted in one commit marked
// dataChange=false, the rows stay exactly the same, older versions stay
// readable, and deletion vectors are applied away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings, deltaTools } from '../../src/pipeline';
import { parseCommit } from '../../src/pipeline/delta/actions';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;
let engine: EngineClient;
let work: string;

beforeAll(() => {
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-optimize-'));
});
afterAll(async () => {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

async function sortedRows(
  table: ReturnType<typeof deltaTools.localTable>,
  version?: number,
): Promise<unknown> {
  const snap = await deltaTools.loadSnapshot(table, version !== undefined ? { version } : {});
  const { rows } = await engine.read(`SELECT * FROM (${await deltaTools.scanSql(snap)}) ORDER BY ALL`);
  return rows;
}

describe('optimize', () => {
  it('compacts many small appends per partition without changing a row', async () => {
    const table = deltaTools.localTable(path.join(work, 'events'), engine);
    for (let i = 0; i < 6; i++) {
      const r = await deltaTools.writeDelta(table, {
        sql: `SELECT DATE '2024-05-01' + (x % 2)::INTEGER AS day, x + ${i * 100} AS id, 'e' || x AS label FROM range(50) t(x)`,
        mode: 'append',
        partitionBy: ['day'],
      });
      expect(r.status).toBe('committed');
    }
    const before = await deltaTools.loadSnapshot(table);
    expect(before.files).toHaveLength(12);
    const rowsBefore = await sortedRows(table);

    const result = await deltaTools.optimize(table);
    expect(result).toEqual({ version: before.version + 1, partitions: 2, filesRemoved: 12, filesAdded: 2 });
    const after = await deltaTools.loadSnapshot(table);
    expect(after.files).toHaveLength(2);
    expect(await sortedRows(table)).toEqual(rowsBefore);
    expect(await sortedRows(table, before.version)).toEqual(rowsBefore);

    const commit = parseCommit(
      fs.readFileSync(
        path.join(table.storage.root, '_delta_log', `${String(after.version).padStart(20, '0')}.json`),
        'utf8',
      ),
      'commit',
    );
    const info = commit.find((a) => 'commitInfo' in a);
    expect(info && 'commitInfo' in info ? info.commitInfo.operation : null).toBe('OPTIMIZE');
    for (const a of commit) {
      if ('add' in a) expect(a.add.dataChange).toBe(false);
      if ('remove' in a) expect(a.remove.dataChange).toBe(false);
    }
    // Nothing left to do.
    expect((await deltaTools.optimize(table)).version).toBeNull();
  });

  it.skipIf(!fs.existsSync(TESTDATA))('applies deletion vectors of a Spark table away', async () => {
    const dir = path.join(work, 'dv');
    fs.cpSync(path.join(TESTDATA, 'dv-partitioned-with-checkpoint'), dir, { recursive: true });
    for (const f of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      fs.chmodSync(path.join(f.parentPath, f.name), f.isDirectory() ? 0o755 : 0o644);
    }
    fs.chmodSync(dir, 0o755);
    const table = deltaTools.localTable(dir, engine);
    const rowsBefore = await sortedRows(table);
    const result = await deltaTools.optimize(table);
    expect(result.version).toBe(16);
    const after = await deltaTools.loadSnapshot(table);
    expect(after.files.every((f) => !f.deletionVector)).toBe(true);
    expect(await sortedRows(table)).toEqual(rowsBefore);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as {
      row_count: number;
    };
    expect((rowsBefore as unknown[]).length).toBe(expected.row_count);
  });
});
