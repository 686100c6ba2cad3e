// The `lakehouse` CLI end to end, as a subprocess on real files: init, generate
// and query agree with the generator's manifest; help, usage errors (exit 2)
// and user errors (exit 1, one clear line).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/lakehouse.mjs');
let work: string;
let lake: string;

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function queryJson<T = Record<string, unknown>>(sql: string): T[] {
  const r = cli('query', lake, sql, '--format', 'json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T[];
}

interface Manifest {
  seed: number;
  sources: Record<
    string,
    {
      days: Record<string, { valid_rows: number; lines: number }>;
      totals: {
        valid_rows: number;
        distinct_valid_events?: number;
        valid_by_event_type?: Record<string, number>;
      };
    }
  >;
}
const manifest = (): Manifest =>
  JSON.parse(fs.readFileSync(path.join(lake, 'raw/_manifest.json'), 'utf8')) as Manifest;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-cli-'));
  lake = path.join(work, 'demo-lake');
  const r = cli('init', 'demo-lake', '--sample', '--days', '3', '--events-per-day', '4000');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Created the sample lake in demo-lake: 3 days \(2024-05-01 … 2024-05-03\)/);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('init and query agree with the manifest', () => {
  it('counts every valid activity row', () => {
    const [row] = queryJson<{ n: number }>('select count(*) as n from raw.activity');
    expect(row?.n).toBe(manifest().sources['activity']?.totals.valid_rows);
  });

  it('counts distinct events per type', () => {
    const rows = queryJson<{ event_type: string; n: number }>(
      'select event_type, count(distinct event_id) as n from raw.activity group by all order by 1',
    );
    const expected = manifest().sources['activity']?.totals.valid_by_event_type ?? {};
    expect(Object.fromEntries(rows.map((r) => [r.event_type, r.n]))).toEqual(expected);
  });

  it('reads every reference CSV with its declared types', () => {
    for (const source of ['clubs', 'players', 'users']) {
      const [row] = queryJson<{ n: number }>(`select count(*) as n from raw.${source}`);
      expect(row?.n, source).toBe(manifest().sources[source]?.totals.valid_rows);
    }
    const types = queryJson<{ column_name: string; column_type: string }>('describe raw.players');
    expect(types.find((t) => t.column_name === 'birth_date')?.column_type).toBe('DATE');
    expect(types.find((t) => t.column_name === 'market_value_eur')?.column_type).toBe('BIGINT');
  });

  it('prints CSV and tables', () => {
    const csv = cli(
      'query',
      lake,
      "select 'a,b' as x, 'say \"hi\"' as y, null as z union all select 'c', 'd', 1",
      '--format',
      'csv',
    );
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe('x,y,z\n"a,b","say ""hi""",\nc,d,1\n');
    const table = cli('query', lake, 'select 1 as one, 2::bigint as two');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('│ one     │ two    │');
    expect(table.stderr).toMatch(/^1 row in \d+ ms\n$/);
  });

  it('streams a large result page by page and honours --limit', () => {
    const all = cli('query', lake, 'select range as i from range(12345)', '--format', 'csv');
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(12346);
    expect(lines[12345]).toBe('12344');
    const few = cli('query', lake, 'select range as i from range(12345)', '--format', 'json', '--limit', '3');
    expect(JSON.parse(few.stdout)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });
});

describe('generate lands more days', () => {
  it('adds days to the lake and its manifest, visible to queries at once', () => {
    const r = cli('generate', lake, '--from', '2024-05-04', '--to', '2024-05-05');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Landed 2 days \(2024-05-04 … 2024-05-05\)/);
    const m = manifest();
    expect(Object.keys(m.sources['activity']?.days ?? {})).toEqual([
      '2024-05-01',
      '2024-05-02',
      '2024-05-03',
      '2024-05-04',
      '2024-05-05',
    ]);
    const rows = queryJson<{ d: string; n: number }>(
      'select _arrival_date::varchar as d, count(*) as n from raw.activity group by all order by 1',
    );
    expect(rows).toEqual(
      Object.entries(m.sources['activity']?.days ?? {}).map(([d, s]) => ({ d, n: s.valid_rows })),
    );
  });
});

describe('help and errors', () => {
  it.each(['init', 'generate', 'query'])('prints help for %s', (name) => {
    const r = cli(name, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: lakehouse ${name} `));
    expect(r.stdout).toContain('Options:');
  });

  it('prints the command list', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/init .*\n.*generate .*\n.*query /s);
  });

  it.each([
    [['query'], /missing <lake> <sql>/],
    [['query', 'x', 'select 1', '--nope'], /Unknown option '--nope'/],
    [['query', 'x', 'select 1', '--format', 'xml'], /--format must be one of table, csv, json/],
    [['init', 'x', '--sample', '--days', 'many'], /--days must be a whole number/],
    [['generate', 'LAKE', '--from', '2024-02-30'], /--from must be a date like 2024-05-01/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 on a wrong command line: %j', (args, message) => {
    const r = cli(...args.map((a) => (a === 'LAKE' ? lake : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each([
    [
      'a folder that is not a lake',
      ['query', '.', 'select 1'],
      /is not a lake: it has no lakehouse\.yml.*lakehouse init/,
    ],
    [
      'bad SQL',
      ['query', 'LAKE', 'select nope from raw.activity'],
      /^error: Binder Error: Referenced column "nope" not found/,
    ],
    [
      'a file outside the lake',
      ['query', 'LAKE', "select * from read_csv('/etc/passwd')"],
      /may only read files inside the lake/,
    ],
    [
      'a write',
      ['query', 'LAKE', "copy (select 1) to 'x.csv'"],
      /configuration\. The SQL editor may only read files inside the lake and cannot write files/,
    ],
    [
      'a write inside the lake',
      ['query', 'LAKE', "copy (select 1) to 'LAKE/x.csv'"],
      /COPY is not allowed in the SQL editor/,
    ],
    ['an existing lake', ['init', 'demo-lake'], /already a lake/],
  ])('exits 1 with one clear line on %s', (_label, args, message) => {
    const r = cli(...args.map((a) => a.replace('LAKE', lake)));
    expect(r.code === 1 || r.code === 2).toBe(true);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('names the file, line and key of a bad config', () => {
    const bad = path.join(work, 'bad-lake');
    fs.cpSync(lake, bad, { recursive: true, filter: (src) => !src.includes(`${path.sep}raw${path.sep}`) });
    fs.writeFileSync(path.join(bad, 'lakehouse.yml'), 'name: x\nengine:\n  threads: many\n');
    const r = cli('query', bad, 'select 1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: lakehouse\.yml:3: engine\.threads: .*number/);
  });
});
