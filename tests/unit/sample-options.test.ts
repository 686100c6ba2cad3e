// Input validation of the sample generator: each mistake a user can make is refused with a
// message that names the option and says what to pass instead.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleData, sampleTemplateDir } from '../../src/pipeline/sample';
import { resolveOptions } from '../../src/pipeline/sample/options';
import { emptyManifest } from '../../src/pipeline/sample/manifest';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakehouse-sample-opts-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ok = { from: '2024-05-01', to: '2024-05-03' };

describe('resolveOptions', () => {
  it.each([
    [{ lakeDir: 'relative/lake' }, /lakeDir must be the absolute path/],
    [{ lakeDir: '/' }, /not the filesystem root/],
    [{ from: '2024-5-1' }, /from must be a date written YYYY-MM-DD.*got "2024-5-1"/],
    [{ from: '2024-02-30' }, /from must be a date/],
    [{ to: 'tomorrow' }, /to must be a date/],
    [{ from: '1999-12-31', to: '2000-01-01' }, /between 2020-01-01 and 2099-12-31/],
    [{ from: '2024-05-03', to: '2024-05-01' }, /to \(2024-05-01\) is before from \(2024-05-03\)/],
    [{ eventsPerDay: 0 }, /eventsPerDay must be a whole number from 1/],
    [{ eventsPerDay: -5 }, /eventsPerDay/],
    [{ eventsPerDay: 2.5 }, /eventsPerDay/],
    [{ eventsPerDay: 10_000_000 }, /eventsPerDay.*250000/],
    [{ seed: 1.5 }, /seed must be a whole number/],
  ])('refuses %j', (patch, message) => {
    expect(() => resolveOptions({ lakeDir: '/tmp/lake', ...ok, ...patch }, undefined)).toThrow(message);
  });

  it('takes defaults, then the manifest, then explicit values', () => {
    expect(resolveOptions({ lakeDir: '/tmp/lake', ...ok }, undefined)).toMatchObject({
      seed: 42,
      eventsPerDay: 20000,
    });
    const m = emptyManifest(7, 300);
    expect(resolveOptions({ lakeDir: '/tmp/lake', ...ok }, m)).toMatchObject({ seed: 7, eventsPerDay: 300 });
    expect(() => resolveOptions({ lakeDir: '/tmp/lake', ...ok, eventsPerDay: 301 }, m)).toThrow(
      /generated with seed 7 and eventsPerDay 300.*leave seed and eventsPerDay out/,
    );
  });
});

describe('generateSampleData', () => {
  it('rejects bad options before writing anything', async () => {
    const lake = join(dir, 'bad');
    await expect(generateSampleData({ lakeDir: lake, from: '2024-05-02', to: '2024-05-01' })).rejects.toThrow(
      /before from/,
    );
    await expect(generateSampleData({ lakeDir: lake, ...ok, eventsPerDay: 0 })).rejects.toThrow(
      /eventsPerDay/,
    );
  });

  it('refuses a manifest it did not write', async () => {
    const lake = join(dir, 'foreign');
    await mkdir(join(lake, 'raw'), { recursive: true });
    await writeFile(join(lake, 'raw', '_manifest.json'), '{"generator":"someone-else"}');
    await expect(generateSampleData({ lakeDir: lake, ...ok })).rejects.toThrow(
      /not a sample-generator manifest/,
    );
    await writeFile(join(lake, 'raw', '_manifest.json'), '{oops');
    await expect(generateSampleData({ lakeDir: lake, ...ok })).rejects.toThrow(/not valid JSON/);
  });

  it('reports progress per day and returns what it wrote', async () => {
    const seen: Array<{ day: string; dayIndex: number; days: number }> = [];
    const r = await generateSampleData({
      lakeDir: join(dir, 'small'),
      ...ok,
      eventsPerDay: 50,
      onProgress: (p) => seen.push(p),
    });
    expect(seen).toEqual([
      { day: '2024-05-01', dayIndex: 0, days: 3 },
      { day: '2024-05-02', dayIndex: 1, days: 3 },
      { day: '2024-05-03', dayIndex: 2, days: 3 },
    ]);
    expect(r.days).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
    expect(r.files).toBeGreaterThanOrEqual(12);
    expect(r.lines).toBeGreaterThan(3 * (121 + 4001));
  });
});

describe('sampleTemplateDir', () => {
  it('points at resources/sample', () => {
    expect(sampleTemplateDir()).toMatch(/resources[\\/]sample$/);
  });
});
