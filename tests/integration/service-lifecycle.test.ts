// The Workbench service's lifecycle: no lake yet, a sample lake created and
// opened, another lake opened while a run is going (the run is cancelled and
// awaited first), closing with a query running, and the default secret store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code } from '../helpers/outcome';
import { createWorkbenchService, environmentSecrets } from '../../src/pipeline';
import type { RunSummary } from '../../src/shared/runs';

let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-service-life-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the service lifecycle', () => {
  it('has no lake at first, creates and opens a sample lake, and switches lakes cancelling the run', async () => {
    const service = createWorkbenchService({ watch: false });
    try {
      expect(await service.call('lake.current', {})).toBeNull();
      await expect(service.call('catalog.list', {})).rejects.toThrow(/No lake is open/);
      expect(await code(service.call('catalog.list', {}))).toBe('USAGE');

      const a = await service.call('lake.createSample', {
        path: path.join(work, 'a'),
        days: 3,
        eventsPerDay: 400,
      });
      expect(a).toMatchObject({ path: path.join(work, 'a'), name: 'transfer-market', problems: [] });
      const cat = await service.call('catalog.list', {});
      expect(cat.sources.find((s) => s.name === 'activity')?.days).toBe(3);
      // Creating over an existing lake is refused, and the open lake stays open.
      expect(await code(service.call('lake.createSample', { path: path.join(work, 'a') }))).toBe('USAGE');
      expect((await service.call('lake.current', {}))?.path).toBe(path.join(work, 'a'));

      const finishes: RunSummary[] = [];
      service.on('onDidFinishRun', (s) => finishes.push(s));
      await service.call('pipeline.start', { kind: 'run', concurrency: 1 });
      const b = await service.call('lake.createSample', {
        path: path.join(work, 'b'),
        days: 1,
        eventsPerDay: 100,
      });
      // The first lake's run ended (cancelled, or done if it was quicker) before the new lake opened.
      expect(finishes).toHaveLength(1);
      expect(['cancelled', 'done']).toContain(finishes[0]?.status);
      expect((await service.call('lake.current', {}))?.path).toBe(b.path);
      expect(await service.call('runs.list', {})).toEqual([]);
    } finally {
      await service.dispose();
    }
  });

  it('closing cancels a running query and refuses calls afterwards', async () => {
    const service = createWorkbenchService({ watch: false });
    await service.call('lake.open', { path: path.join(work, 'b') });
    const running = service.call('query.run', {
      sql: 'SELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range % 7 = b.range',
      queryId: 'long',
    });
    const outcome = code(running);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await service.dispose();
    expect(await outcome).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await code(service.call('catalog.list', {}))).toBe('USAGE');
  });

  it('opens a lake with a broken table, naming it, and refuses a lake whose config does not load', async () => {
    const lake = path.join(work, 'b');
    const broken = path.join(lake, 'tables', 'core', 'broken', '_delta_log');
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(path.join(broken, '00000000000000000000.json'), '{"this is": "not a delta commit"\n');
    const service = createWorkbenchService({ watch: false });
    try {
      const info = await service.call('lake.open', { path: lake });
      expect(info.problems.map((p) => p.subject)).toEqual(['core.broken']);
      const cat = await service.call('catalog.list', {});
      expect(cat.lake.problems.map((p) => p.subject)).toEqual(['core.broken']);
      expect(cat.sources.length).toBeGreaterThan(0);
      fs.rmSync(path.join(lake, 'tables', 'core', 'broken'), { recursive: true });

      const bad = path.join(work, 'bad-config');
      fs.mkdirSync(bad);
      fs.writeFileSync(path.join(bad, 'lakehouse.yml'), 'name: x\nengine: { threads: many }\n');
      fs.writeFileSync(path.join(bad, 'sources.yml'), 'version: 1\nsources: {}\n');
      await expect(service.call('lake.open', { path: bad })).rejects.toMatchObject({ code: 'CONFIG' });
      expect((await service.call('lake.current', {}))?.path).toBe(lake);
    } finally {
      await service.dispose();
    }
  });

  it('reads passwords from the environment by default and keeps set ones in memory only', async () => {
    const secrets = environmentSecrets({ LH_TEST_PW: 's3cret' });
    expect(secrets.kind).toBe('environment');
    expect(await secrets.get('prod', 'LH_TEST_PW')).toBe('s3cret');
    expect(await secrets.get('prod', null)).toBeNull();
    expect(await secrets.set('dev', 'typed')).toBe(false);
    expect(await secrets.get('dev', null)).toBe('typed');
  });
});
