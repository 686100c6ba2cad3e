// The publish.* service methods over a real lake and real PostgreSQL, called the
// way every door calls them (service.call with validated arguments): targets,
// connection test, preview, a background publish with its events, cancel,
// history from the ledger, and a saved password.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPipelineEngine,
  createWorkbenchService,
  executeRun,
  initLake,
  openLake,
} from '../../src/pipeline';
import type { PublishProgress, PublishSummary, WorkbenchService } from '../../src/shared/contract';

const PG = process.env['LAKEHOUSE_TEST_PG'];
const FACT = 'marts.fct_daily_club_activity';

describe.skipIf(!PG)(`publish service methods${PG ? '' : ' (skipped: LAKEHOUSE_TEST_PG is not set)'}`, () => {
  let work: string;
  let service: WorkbenchService;
  const u = new URL(PG ?? 'postgres://x');

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-publish-svc-'));
    const dir = path.join(work, 'lake');
    await initLake({ dir, sample: true, days: 3, eventsPerDay: 200, seed: 3 });
    const target = (name: string, env: string): string =>
      `  ${name}:\n    kind: postgres\n    server: ${u.hostname}\n    port: ${Number(u.port) || 5432}\n    database: ${u.pathname.slice(1)}\n    schema: lh_publish_svc\n    user: ${decodeURIComponent(u.username)}\n    password_env: ${env}\n    encrypt: false\n    tables:\n      - table: ${FACT}\n        target: club_activity\n        primary_key: [club_id, activity_date]\n`;
    fs.appendFileSync(
      path.join(dir, 'lakehouse.yml'),
      `publish:\n${target('pg', 'LH_TEST_SVC_PW')}${target('nopw', 'LH_TEST_SVC_UNSET')}`,
    );
    process.env['LH_TEST_SVC_PW'] = decodeURIComponent(u.password);
    delete process.env['LH_TEST_SVC_UNSET'];
    const lake = openLake(dir);
    const engine = createPipelineEngine(lake);
    try {
      expect((await executeRun(lake, engine, { kind: 'run' })).failed).toBe(0);
    } finally {
      await engine.dispose();
    }
    service = createWorkbenchService({ watch: false });
    await service.call('lake.open', { path: dir });
  }, 180_000);

  afterAll(async () => {
    await service?.dispose();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('lists the targets with whether a password is at hand', async () => {
    const targets = await service.call('publish.targets', {});
    expect(targets.map((t) => [t.name, t.kind, t.hasPassword, t.schema])).toEqual([
      ['pg', 'postgres', true, 'lh_publish_svc'],
      ['nopw', 'postgres', false, 'lh_publish_svc'],
    ]);
    expect(targets[0]?.tables).toEqual([
      { table: FACT, target: 'club_activity', primaryKey: ['club_id', 'activity_date'], columns: null },
    ]);
  });

  it('tests a connection, and says what to set when the password is missing', async () => {
    const ok = await service.call('publish.test', { target: 'pg' });
    expect(ok.ok).toBe(true);
    expect(ok.serverVersion).toMatch(/^PostgreSQL \d+/);
    const missing = await service.call('publish.test', { target: 'nopw' });
    expect(missing.ok).toBe(false);
    expect(missing.message).toMatch(/No password for target 'nopw'.*LH_TEST_SVC_UNSET/);
  });

  it('previews, publishes in the background with events, and records history', async () => {
    const preview = await service.call('publish.preview', { target: 'pg', table: FACT });
    expect(preview.targetTable).toBe('lh_publish_svc.club_activity');
    expect(preview.partitions.length).toBeGreaterThanOrEqual(3);
    expect(preview.statements[1]).toMatch(/^CREATE TABLE IF NOT EXISTS "lh_publish_svc"."club_activity"/);

    const progress: PublishProgress[] = [];
    const off = service.on('onDidProgressPublish', (p) => progress.push(p));
    const finished = new Promise<PublishSummary>((resolve) => {
      const d = service.on('onDidFinishPublish', (s) => {
        d.dispose();
        resolve(s);
      });
    });
    const { publishId } = await service.call('publish.start', { target: 'pg', table: 'club_activity' });
    const summary = await finished;
    off.dispose();
    expect(summary).toMatchObject({
      publishId,
      status: 'done',
      published: preview.partitions.length,
      failed: 0,
    });
    expect(summary.rows).toBe(preview.partitions.reduce((n, p) => n + p.rows, 0));
    expect(progress.filter((p) => p.phase === 'done')).toHaveLength(preview.partitions.length);

    const history = await service.call('publish.history', { target: 'pg', limit: 100 });
    expect(history.filter((h) => h.publishId === publishId && h.status === 'done')).toHaveLength(
      preview.partitions.length,
    );
    const again = await service.call('publish.preview', { target: 'pg', table: FACT });
    expect(again.partitions.every((p) => p.skip)).toBe(true);
  });

  it('refuses a start whose target has no password, before any job starts', async () => {
    await expect(service.call('publish.start', { target: 'nopw', table: FACT })).rejects.toThrow(
      /No password for target 'nopw'/,
    );
    expect(await service.call('publish.cancel', { publishId: 'nope' })).toEqual({ cancelled: false });
  });

  it('keeps a password set at run time for the session (environment store: not persisted)', async () => {
    const r = await service.call('publish.setPassword', {
      target: 'nopw',
      password: decodeURIComponent(u.password),
    });
    expect(r.saved).toBe(false);
    expect((await service.call('publish.test', { target: 'nopw' })).ok).toBe(true);
  });
});
