// The start-up choice of lake and the menu actions, with a fake service and a real temp
// user-data folder: LAKEHOUSE_LAKE first, then the last lake opened, then the sample lake
// (created and built on first start); failures are shown to the user and a recent entry that
// is no longer a lake leaves the list.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotALakeError } from '../pipeline';
import type { WorkbenchService } from '../shared/contract';
import { LakeController } from './lakes';
import { RecentLakes } from './recent';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-lakes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function makeLake(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'lakehouse.yml'), 'name: x\n');
  return path;
}

function setup(planned = 0) {
  const calls: string[] = [];
  const errors: string[] = [];
  const service = {
    call(method: string, args: { path?: string }) {
      calls.push(`${method}${args.path ? ` ${args.path}` : ''}`);
      if (method === 'lake.open' && args.path?.endsWith('broken')) {
        return Promise.reject(new NotALakeError(`${args.path} is not a lake: it has no lakehouse.yml.`));
      }
      if (method === 'lake.open' || method === 'lake.createSample') {
        return Promise.resolve({ path: args.path, name: 'x', startDate: '', timezone: 'UTC', problems: [] });
      }
      if (method === 'pipeline.plan')
        return Promise.resolve({ tasks: new Array(planned).fill({}), summary: {} });
      if (method === 'pipeline.start') return Promise.resolve({ runId: 'r1' });
      return Promise.reject(new Error(`unexpected ${method}`));
    },
  } as unknown as WorkbenchService;
  const recent = new RecentLakes(join(dir, 'userData'));
  const menus: string[][] = [];
  const controller = new LakeController({
    service: () => service,
    recent,
    onRecentChanged: (l) => menus.push(l),
    showError: (title, message) => errors.push(`${title}: ${message}`),
    log: () => undefined,
    sampleLakeDir: join(dir, 'userData', 'sample-lake'),
  });
  return { controller, calls, errors, recent, menus };
}

describe('LakeController.openAtStart', () => {
  it('opens LAKEHOUSE_LAKE first', async () => {
    const lake = makeLake('env-lake');
    const { controller, calls, recent } = setup();
    recent.add(makeLake('last'));
    await controller.openAtStart(lake);
    expect(calls).toEqual([`lake.open ${lake}`]);
  });

  it('reopens the last lake', async () => {
    const last = makeLake('last');
    const { controller, calls } = setup();
    new RecentLakes(join(dir, 'userData')).add(last);
    await controller.openAtStart(undefined);
    expect(calls).toEqual([`lake.open ${last}`]);
  });

  it('creates and builds the sample lake on first start', async () => {
    const { controller, calls, menus } = setup(24);
    await controller.openAtStart(undefined);
    const sample = join(dir, 'userData', 'sample-lake');
    expect(calls).toEqual([`lake.createSample ${sample}`, 'pipeline.plan', 'pipeline.start']);
    expect(menus.at(-1)).toEqual([sample]);
  });

  it('opens an existing sample lake and builds only when something is missing', async () => {
    mkdirSync(join(dir, 'userData'), { recursive: true });
    makeLake(join('userData', 'sample-lake'));
    const { controller, calls } = setup(0);
    await controller.openAtStart(undefined);
    expect(calls).toEqual([`lake.open ${join(dir, 'userData', 'sample-lake')}`, 'pipeline.plan']);
  });
});

describe('LakeController.open', () => {
  it('shows the error and drops a recent entry that is no longer a lake', async () => {
    const { controller, errors, recent } = setup();
    const gone = join(dir, 'broken');
    recent.add(gone);
    expect(await controller.open(gone)).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('is not a lake');
    expect(recent.list()).toEqual([]);
  });
});
