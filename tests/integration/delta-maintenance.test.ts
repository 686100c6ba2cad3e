// Checkpoints, history and vacuum on copies of the reference tables: a
// checkpoint we write replays to the same snapshot as the JSON commits alone;
// vacuum deletes exactly the unreferenced files past the retention.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, defaultEngineSettings } from '../../src/pipeline';
import { decodePath, fileKey } from '../../src/pipeline/delta/actions';
import { writeCheckpoint } from '../../src/pipeline/delta/checkpoint-write';
import { tableHistory } from '../../src/pipeline/delta/history';
import { loadSnapshot } from '../../src/pipeline/delta/load';
import type { Snapshot } from '../../src/pipeline/delta/snapshot';
import { localTable } from '../../src/pipeline/delta/table';
import { vacuum } from '../../src/pipeline/delta/vacuum';
import { DELTA_TESTDATA } from '../helpers/testdata';

const TESTDATA = DELTA_TESTDATA;
const present = fs.existsSync(TESTDATA);
if (!present)
  console.log(`skipping Delta maintenance tests: ${TESTDATA} does not exist (set LAKEHOUSE_DELTA_TESTDATA)`);
const tables = present
  ? fs.readdirSync(TESTDATA).filter((t) => fs.existsSync(path.join(TESTDATA, t, 'expected.json')))
  : [];

let engine: EngineClient;
let work: string;

beforeAll(() => {
  engine = new EngineClient({ name: 'pipeline', settings: defaultEngineSettings('pipeline'), sandbox: null });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-delta-maint-'));
});
afterAll(async () => {
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A writable copy of a reference table; `jsonOnly` drops its checkpoints so replay uses commits alone. */
function copyTable(name: string, jsonOnly: boolean): string {
  const dest = path.join(
    work,
    `${name}-${jsonOnly ? 'json' : 'copy'}-${Math.random().toString(36).slice(2)}`,
  );
  fs.cpSync(path.join(TESTDATA, name), dest, { recursive: true });
  fs.chmodSync(dest, 0o755);
  // Copies are new files; date them back as the originals were written long ago.
  const old = new Date('2021-01-01T00:00:00Z');
  for (const f of fs.readdirSync(dest, { recursive: true, withFileTypes: true })) {
    const p = path.join(f.parentPath, f.name);
    fs.chmodSync(p, f.isDirectory() ? 0o755 : 0o644);
    if (!f.isDirectory()) fs.utimesSync(p, old, old);
  }
  if (jsonOnly) {
    const log = path.join(dest, '_delta_log');
    for (const f of fs.readdirSync(log))
      if (f.includes('.checkpoint.') || f === '_last_checkpoint') fs.rmSync(path.join(log, f));
    fs.rmSync(path.join(log, '_sidecars'), { recursive: true, force: true });
  }
  return dest;
}

function essence(s: Snapshot): unknown {
  return {
    version: s.version,
    protocol: s.protocol,
    metadata: s.metadata,
    files: s.files
      .map((f) => [
        fileKey(decodePath(f.path), f.deletionVector),
        f.size,
        JSON.stringify(f.partitionValues),
        f.stats ?? null,
        f.deletionVector ?? null,
      ])
      .sort(),
    appVersions: [...s.appVersions].sort(),
  };
}

describe.skipIf(!present)('checkpoints we write', () => {
  it.each(tables)('%s: replay through our checkpoint equals replay of the commits', async (name) => {
    const dir = copyTable(name, true);
    const table = localTable(dir, engine);
    const before = await loadSnapshot(table);
    const cp = await writeCheckpoint(table);
    expect(cp.written).toBe(true);
    expect(cp.version).toBe(before.version);
    const last = JSON.parse(fs.readFileSync(path.join(dir, '_delta_log/_last_checkpoint'), 'utf8')) as Record<
      string,
      number
    >;
    expect(last['version']).toBe(before.version);
    expect(last['numOfAddFiles']).toBe(before.files.length);
    // Only the checkpoint is needed now: hide the commits it covers.
    for (let v = 0; v <= before.version; v++)
      fs.rmSync(path.join(dir, '_delta_log', `${String(v).padStart(20, '0')}.json`));
    const after = await loadSnapshot(table);
    expect(essence(after)).toEqual(essence(before));
    // Writing it again is a no-op.
    expect((await writeCheckpoint(table)).written).toBe(false);
  });

  it('has the column types Spark and delta-rs expect', async () => {
    const dir = copyTable('dv-partitioned-with-checkpoint', true);
    const table = localTable(dir, engine);
    const cp = await writeCheckpoint(table);
    const { rows } = await engine.read(
      `SELECT name, type, converted_type FROM parquet_schema('${path.join(dir, cp.file)}') WHERE name IN ('partitionValues', 'size', 'modificationTime', 'cardinality', 'minReaderVersion', 'schemaString')`,
    );
    const byName = Object.fromEntries(rows.map((r) => [String(r[0]), [r[1], r[2]]]));
    expect(byName['partitionValues']).toEqual([null, 'MAP']);
    expect(byName['size']).toEqual(['INT64', 'INT_64']);
    expect(byName['cardinality']).toEqual(['INT64', 'INT_64']);
    expect(byName['minReaderVersion']).toEqual(['INT32', 'INT_32']);
    expect(byName['schemaString']).toEqual(['BYTE_ARRAY', 'UTF8']);
  });
});

describe.skipIf(!present)('history', () => {
  it('lists every commit newest first with its operation and metrics', async () => {
    const table = localTable(path.join(TESTDATA, 'basic-with-inserts-deletes-checkpoint'), engine);
    const history = await tableHistory(table);
    expect(history.map((h) => h.version)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const commit0 = JSON.parse(
      fs
        .readFileSync(
          path.join(TESTDATA, 'basic-with-inserts-deletes-checkpoint/_delta_log/00000000000000000000.json'),
          'utf8',
        )
        .split('\n')[0] ?? '{}',
    ) as { commitInfo: { operation: string; timestamp: number } };
    expect(history.at(-1)).toMatchObject({
      version: 0,
      operation: commit0.commitInfo.operation,
      timestamp: commit0.commitInfo.timestamp,
    });
    expect(history.some((h) => h.operation === 'DELETE')).toBe(true);
    expect(await tableHistory(table, { limit: 2 })).toHaveLength(2);
  });
});

describe.skipIf(!present)('vacuum', () => {
  it('removes exactly the files no version within the retention needs', async () => {
    const dir = copyTable('basic-with-inserts-overwrite-restore', false);
    const table = localTable(dir, engine);
    const snap = await loadSnapshot(table);
    const live = new Set(snap.files.map((f) => decodePath(f.path)));
    const onDisk = fs.readdirSync(dir).filter((f) => f.endsWith('.parquet'));
    const dead = onDisk.filter((f) => !live.has(f)).sort();
    expect(dead.length).toBeGreaterThan(0);
    // An orphan of a commit that never landed, written just now.
    fs.writeFileSync(path.join(dir, 'part-99999-orphan.snappy.parquet'), 'not really parquet');

    // Within the default retention the tombstones are recent (simulated clock): nothing goes.
    const removedAt = Math.max(...snap.tombstones.map((r) => r.deletionTimestamp ?? 0));
    expect((await vacuum(table, { dryRun: true, now: removedAt + 3600_000 })).files).toEqual([]);

    // Long after: the removed files go, the fresh orphan stays (it may belong to a writer still running).
    const dry = await vacuum(table, { dryRun: true });
    expect(dry.files).toEqual(dead);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.parquet'))).toHaveLength(onDisk.length + 1);
    const done = await vacuum(table);
    expect(done.files).toEqual(dead);
    expect(fs.existsSync(path.join(dir, 'part-99999-orphan.snappy.parquet'))).toBe(true);
    // With no retention, the orphan goes too; live files and the log stay.
    expect((await vacuum(table, { retentionHours: 0 })).files).toEqual(['part-99999-orphan.snappy.parquet']);
    const after = await loadSnapshot(table);
    for (const f of after.files) expect(fs.existsSync(path.join(dir, decodePath(f.path)))).toBe(true);
    const { rows } = await engine.read(
      `SELECT count(*)::INTEGER FROM read_parquet([${after.files.map((f) => `'${path.join(dir, decodePath(f.path))}'`).join(', ')}])`,
    );
    expect(rows[0]?.[0]).toBe(JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')).row_count);
  });

  it('keeps deletion-vector files of live files', async () => {
    const dir = copyTable('dv-partitioned-with-checkpoint', false);
    const table = localTable(dir, engine);
    const done = await vacuum(table, { retentionHours: 0 });
    const snap = await loadSnapshot(table);
    for (const f of snap.files) expect(fs.existsSync(path.join(dir, decodePath(f.path)))).toBe(true);
    expect(done.files.every((f) => !f.startsWith('_delta_log'))).toBe(true);
    const dvs = fs.readdirSync(dir).filter((f) => f.startsWith('deletion_vector_'));
    expect(dvs.length).toBe(
      new Set(snap.files.filter((f) => f.deletionVector).map((f) => f.deletionVector?.pathOrInlineDv)).size,
    );
  });

  it('refuses a negative retention', async () => {
    const table = localTable(path.join(TESTDATA, 'time-travel-start-start20-start40'), engine);
    await expect(vacuum(table, { retentionHours: -1, dryRun: true })).rejects.toThrow(/0 hours or more/);
  });
});
