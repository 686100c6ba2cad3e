// The Open Recent list on a real temp folder: newest first, no duplicates, capped, and an
// unreadable file is an empty list rather than a crash at start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RECENT, RecentLakes } from './recent';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-recent-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RecentLakes', () => {
  it('keeps lakes newest first without duplicates, across instances', () => {
    const r = new RecentLakes(dir);
    r.add('/a');
    r.add('/b');
    r.add('/a');
    expect(new RecentLakes(dir).list()).toEqual(['/a', '/b']);
    expect(r.remove('/a')).toEqual(['/b']);
    expect(r.clear()).toEqual([]);
  });

  it(`keeps at most ${MAX_RECENT}`, () => {
    const r = new RecentLakes(dir);
    for (let i = 0; i < MAX_RECENT + 5; i++) r.add(`/lake${i}`);
    const list = r.list();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toBe(`/lake${MAX_RECENT + 4}`);
  });

  it('treats a corrupt file as an empty list', () => {
    writeFileSync(join(dir, 'recent-lakes.json'), '{not json');
    expect(new RecentLakes(dir).list()).toEqual([]);
    writeFileSync(join(dir, 'recent-lakes.json'), JSON.stringify({ lakes: ['/ok', 3, null] }));
    expect(new RecentLakes(dir).list()).toEqual(['/ok']);
  });
});
