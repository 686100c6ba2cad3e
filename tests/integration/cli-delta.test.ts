// `lakehouse delta …` as a subprocess, on copies of reference tables and a
// table we write: snapshot JSON matches expected.json, read honours time
// travel, history/vacuum/optimize/checkpoint do what they print.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELTA_TESTDATA } from '../helpers/testdata';

const BIN = path.resolve(__dirname, '../../bin/lakehouse.mjs');
const TESTDATA = DELTA_TESTDATA;
const present = fs.existsSync(TESTDATA);
if (!present) console.log(`skipping lakehouse delta CLI tests: ${TESTDATA} does not exist`);
let work: string;

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function copy(name: string): string {
  const dest = path.join(work, name);
  fs.cpSync(path.join(TESTDATA, name), dest, { recursive: true });
  for (const f of fs.readdirSync(dest, { recursive: true, withFileTypes: true })) {
    fs.chmodSync(path.join(f.parentPath, f.name), f.isDirectory() ? 0o755 : 0o644);
  }
  fs.chmodSync(dest, 0o755);
  return dest;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-cli-delta-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe.skipIf(!present)('lakehouse delta', () => {
  it.each(['dv-partitioned-with-checkpoint', 'data-reader-partition-values', 'v2-checkpoint-parquet'])(
    'snapshot --json of %s agrees with expected.json',
    (name) => {
      const expected = JSON.parse(fs.readFileSync(path.join(TESTDATA, name, 'expected.json'), 'utf8')) as {
        latest_version: number;
        row_count: number;
        partition_columns: string[];
        schema: { name: string; type: string; nullable: boolean }[];
        protocol: { minReaderVersion: number; minWriterVersion: number };
        versions: Record<string, { live_file_count: number }>;
      };
      const r = cli('delta', 'snapshot', path.join(TESTDATA, name), '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(s).toMatchObject({
        version: expected.latest_version,
        partitionColumns: expected.partition_columns,
        schema: expected.schema.map(({ name: n, type, nullable }) => ({ name: n, type, nullable })),
        numFiles: expected.versions[String(expected.latest_version)]?.live_file_count,
        numRecords: expected.row_count,
        protocol: expected.protocol,
      });
    },
  );

  it('reads an older version as JSON lines and CSV', () => {
    const t = path.join(TESTDATA, 'time-travel-start-start20-start40');
    const json = cli('delta', 'read', t, '--version', '1', '--format', 'json');
    expect(json.code).toBe(0);
    const ids = (JSON.parse(json.stdout) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const csv = cli('delta', 'read', t, '--version', '0', '--format', 'csv', '--limit', '3');
    expect(csv.stdout.split('\n')[0]).toBe('id');
    expect(csv.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('prints history, compacts, checkpoints and vacuums a table', () => {
    const dir = copy('time-travel-start-start20-start40');
    const history = JSON.parse(cli('delta', 'history', dir, '--json').stdout) as { version: number }[];
    expect(history.map((h) => h.version)).toEqual([2, 1, 0]);
    const opt = cli('delta', 'optimize', dir, '--json');
    expect(opt.code).toBe(0);
    expect(JSON.parse(opt.stdout)).toMatchObject({ version: 3, filesRemoved: 6, filesAdded: 1 });
    expect(cli('delta', 'checkpoint', dir).stdout).toMatch(
      /Wrote _delta_log\/00000000000000000003\.checkpoint\.parquet/,
    );
    const dry = cli('delta', 'vacuum', dir, '--dry-run', '--retention-hours', '0');
    expect(dry.stderr).toMatch(/shorter than 168 h/);
    expect(dry.stdout).toMatch(/Would delete 6 files/);
    expect(cli('delta', 'vacuum', dir, '--retention-hours', '0').stdout).toMatch(/Deleted 6 files/);
    const snap = JSON.parse(cli('delta', 'snapshot', dir, '--json').stdout) as {
      numRecords: number;
      numFiles: number;
    };
    expect(snap).toMatchObject({ numRecords: 30, numFiles: 1 });
  });

  it('fails with one clear line on a folder that is not a table, and exits 2 on bad options', () => {
    const r = cli('delta', 'snapshot', work);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not a Delta table/);
    expect(cli('delta', 'read', work, '--version', '1', '--timestamp', 'x').code).toBe(2);
    expect(cli('delta', 'frob', work).code).toBe(2);
  });
});
