// `lakehouse publish` as a subprocess against real PostgreSQL: the dry run
// prints SQL and row counts and connects to nothing, the password comes from
// the environment variable the target names, `--json` summaries for
// schedulers, plain lines when not on a terminal, exit codes 0/1/2.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PG = process.env['LAKEHOUSE_TEST_PG'];
const BIN = path.resolve(__dirname, '../../bin/lakehouse.mjs');
let work: string;
const lake = (): string => path.join(work, 'lake');

function cli(
  env: Record<string, string>,
  ...args: string[]
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!PG)(`lakehouse publish${PG ? '' : ' (skipped: LAKEHOUSE_TEST_PG is not set)'}`, () => {
  const u = new URL(PG ?? 'postgres://x');
  const pw = { LH_CLI_PG_PASSWORD: decodeURIComponent(u.password) };
  const args = ['publish', 'lake', '--target', 'pg', '--table', 'marts.fct_daily_club_activity'];

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-publish-cli-'));
    expect(cli({}, 'init', 'lake', '--sample', '--days', '3', '--events-per-day', '300').code).toBe(0);
    expect(cli({}, 'run', 'lake').code).toBe(0);
    fs.appendFileSync(
      path.join(lake(), 'lakehouse.yml'),
      `publish:\n  pg:\n    kind: postgres\n    server: ${u.hostname}\n    port: ${Number(u.port) || 5432}\n    database: ${u.pathname.slice(1)}\n    schema: lh_publish_cli\n    user: ${decodeURIComponent(u.username)}\n    password_env: LH_CLI_PG_PASSWORD\n    encrypt: false\n    tables:\n      - table: marts.fct_daily_club_activity\n        primary_key: [club_id, activity_date]\n`,
    );
  }, 240_000);
  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('--dry-run prints the statements and row counts, and needs no password', () => {
    const r = cli({}, ...args, '--from', '2024-05-01', '--to', '2024-05-02', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/-- 2024-05-01 +version +\d+ +\d+ rows +to send/);
    expect(r.stdout).toMatch(/-- 2 of 2 partitions to send/);
    expect(r.stdout).toMatch(
      /^DELETE FROM "lh_publish_cli"."fct_daily_club_activity" WHERE "activity_date" = CAST\('2024-05-02' AS date\);$/m,
    );
    expect(r.stdout).not.toMatch(/2024-05-03/);
  });

  it('without the password it fails with the variable to set (exit 1)', () => {
    const r = cli({ LH_CLI_PG_PASSWORD: '' }, ...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No password for target 'pg'.*set the environment variable LH_CLI_PG_PASSWORD/);
  });

  it('publishes with a JSON summary, and a second run sends nothing', () => {
    const first = cli(pw, ...args, '--json');
    expect(first.code).toBe(0);
    const s = JSON.parse(first.stdout) as {
      status: string;
      published: number;
      skipped: number;
      rows: number;
    };
    expect(s).toMatchObject({ status: 'done', published: 3, skipped: 0 });
    // Not a terminal: one plain progress line per partition on stderr.
    expect(first.stderr.split('\n').filter((l) => l.startsWith('done '))).toHaveLength(3);
    const second = cli(pw, ...args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 partitions sent, 3 unchanged, 0 failed/);
  });

  it('a missing --target is a usage error (exit 2)', () => {
    const r = cli(pw, 'publish', 'lake', '--table', 'marts.fct_daily_club_activity');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target is required/);
  });
});
