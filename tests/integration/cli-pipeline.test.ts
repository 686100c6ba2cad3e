// `lakehouse plan | run | backfill | status` as a subprocess: JSON summaries for
// schedulers, plain progress lines when not on a terminal, exit codes 0/1/2.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/lakehouse.mjs');
let work: string;
const lake = (): string => path.join(work, 'lake');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: work, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-cli-pipeline-'));
  expect(cli('init', 'lake', '--sample', '--days', '3', '--events-per-day', '1500').code).toBe(0);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the pipeline commands', () => {
  it('plan shows the work without doing it; run builds it; status and plan then show nothing to do', () => {
    const plan = cli('plan', lake());
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/stg_activity\s+3 to run \(3 missing\) 2024-05-01 … 2024-05-03/);
    expect(plan.stdout).toMatch(/12 tasks; nothing has been run\./);
    expect(fs.existsSync(path.join(lake(), 'tables', 'staging'))).toBe(false);

    const run = cli('run', lake(), '--json');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      status: string;
      failed: number;
      succeeded: number;
      quarantined: number;
    };
    expect(summary).toMatchObject({ status: 'done', failed: 0, succeeded: 12 + 12 });
    expect(summary.quarantined).toBeGreaterThan(0);
    // Not a terminal: one plain line per finished task on stderr.
    expect(run.stderr.split('\n').filter((l) => l.startsWith('done '))).toHaveLength(24);

    const status = JSON.parse(cli('status', lake(), '--json').stdout) as {
      summary: Record<string, { done: number }>;
    };
    expect(status.summary['fct_daily_club_activity']).toEqual({
      done: 3,
      stale: 0,
      missing: 0,
      failed: 0,
      running: 0,
    });
    expect(cli('run', lake()).stdout).toBe('Everything is up to date.\n');
  });

  it('backfills a range and the table can be queried', () => {
    const r = cli(
      'backfill',
      lake(),
      '--from',
      '2024-05-02',
      '--models',
      'stg_activity',
      '--with-downstream',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 of 3 tasks done, 0 failed/);
    const q = cli(
      'query',
      lake(),
      "select count(*) as n from marts.fct_daily_club_activity where activity_date = '2024-05-02'",
      '--format',
      'json',
    );
    expect((JSON.parse(q.stdout) as { n: number }[])[0]?.n).toBeGreaterThan(50);
    expect(cli('backfill', lake(), '--resume').stdout).toMatch(/no unfinished backfill/);
  });

  it('exits 2 on usage errors and 1 when a partition fails', () => {
    expect(cli('backfill', lake()).code).toBe(2);
    expect(cli('backfill', lake(), '--from', '2024-05-03', '--to', '2024-05-01').stderr).toMatch(
      /--to \(2024-05-01\) is before --from/,
    );
    const unknown = cli('backfill', lake(), '--from', '2024-05-01', '--models', 'stg_actvity');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/stg_activity/);
    const sqlFile = path.join(lake(), 'models', 'dim_club.sql');
    fs.appendFileSync(sqlFile, '\nwhere no_such_column = 1\n');
    const broken = cli('run', lake());
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/failed dim_club: .*no_such_column/);
  });
});
