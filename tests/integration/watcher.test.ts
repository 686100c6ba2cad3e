// The raw watcher on real files in a sample lake: files renamed in are reported once,
// files written slowly only once they stop growing (with their final size), dotfiles
// and paths outside raw/<source>/dt=…/ never, initial files never; removals are
// reported, forced polling works, and nothing arrives after dispose.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initLake, openLake } from '../../src/pipeline';
import type { Lake } from '../../src/pipeline';
import { NETWORK_FS_TYPES, networkFileSystem } from '../../src/pipeline/lake/network-fs';
import { watchRaw } from '../../src/pipeline/lake/watcher';
import type { RawChange, RawWatcher, WatchOptions } from '../../src/pipeline/lake/watcher';
import type { PipelineError } from '../../src/pipeline/errors';

let dir: string;
let lake: Lake;
let part: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-watch-'));
  await initLake({ dir: path.join(dir, 'lake'), sample: true, days: 1, eventsPerDay: 100 });
  lake = openLake(path.join(dir, 'lake'));
  part = path.join(lake.layout.raw, 'activity', 'dt=2024-05-01');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Session {
  watcher: RawWatcher;
  batches: RawChange[][];
  errors: PipelineError[];
  changes(): RawChange[];
  /** Resolves with the changes so far once one matches; fails after `ms`. */
  until(pred: (c: RawChange) => boolean, ms?: number): Promise<RawChange[]>;
}

async function start(opts: Partial<WatchOptions> = {}): Promise<Session> {
  const batches: RawChange[][] = [];
  const errors: PipelineError[] = [];
  const watcher = await watchRaw(lake, {
    stabilityMs: 300,
    debounceMs: 100,
    onChange: (b) => void batches.push(b),
    onError: (e) => void errors.push(e),
    ...opts,
  });
  const changes = (): RawChange[] => batches.flat();
  return {
    watcher,
    batches,
    errors,
    changes,
    async until(pred, ms = 5000) {
      const t0 = Date.now();
      while (!changes().some(pred)) {
        if (Date.now() - t0 > ms)
          throw new Error(`no matching change in ${ms} ms: ${JSON.stringify(changes())}`);
        await sleep(25);
      }
      return changes();
    },
  };
}

/** Writes a file elsewhere (a dotfile in the same folder) and renames it in, as feeds do. */
function land(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const named = (name: string) => (c: RawChange) => path.basename(c.path) === name;

describe('watchRaw', () => {
  it('reports a file renamed in exactly once, and none of the initial files', async () => {
    const s = await start();
    try {
      expect(s.watcher.polling).toBe(false);
      await sleep(800);
      expect(s.changes()).toEqual([]);
      const file = path.join(part, 'landed.jsonl');
      land(file, '{"a":1}\n{"a":2}\n');
      await s.until(named('landed.jsonl'));
      await sleep(800);
      const st = fs.statSync(file);
      expect(s.changes()).toEqual([
        {
          source: 'activity',
          dt: '2024-05-01',
          path: file,
          size: st.size,
          mtimeMs: st.mtimeMs,
          kind: 'added',
        },
      ]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.watcher.dispose();
    }
  });

  it('reports a file written slowly only after it stops growing, with its final size', async () => {
    const s = await start({ stabilityMs: 1000 });
    try {
      const file = path.join(part, 'slow.jsonl');
      const fd = fs.openSync(file, 'w');
      let lastWrite = 0;
      for (let i = 0; i < 5; i++) {
        fs.writeSync(fd, `{"chunk":${i},"pad":"${'x'.repeat(1000)}"}\n`);
        lastWrite = Date.now();
        await sleep(400);
        expect(s.changes().filter(named('slow.jsonl'))).toEqual([]);
      }
      fs.closeSync(fd);
      const all = await s.until(named('slow.jsonl'));
      const seenAt = Date.now();
      await sleep(500);
      expect(seenAt - lastWrite).toBeGreaterThanOrEqual(1000);
      const mine = s.changes().filter(named('slow.jsonl'));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ kind: 'added', size: fs.statSync(file).size });
      expect(all.every(named('slow.jsonl'))).toBe(true);
    } finally {
      await s.watcher.dispose();
    }
  });

  it('ignores dotfiles and anything outside raw/<source>/dt=YYYY-MM-DD/', async () => {
    const s = await start();
    try {
      fs.writeFileSync(path.join(part, '.hidden.jsonl'), '{}\n');
      fs.writeFileSync(path.join(lake.layout.raw, 'activity', 'notes.jsonl'), '{}\n');
      fs.mkdirSync(path.join(part, 'nested'));
      fs.writeFileSync(path.join(part, 'nested', 'deep.jsonl'), '{}\n');
      fs.mkdirSync(path.join(lake.layout.raw, 'activity', 'dt=May-01'));
      fs.writeFileSync(path.join(lake.layout.raw, 'activity', 'dt=May-01', 'bad.jsonl'), '{}\n');
      fs.mkdirSync(path.join(lake.layout.raw, 'nosuchsource', 'dt=2024-05-01'), { recursive: true });
      fs.writeFileSync(path.join(lake.layout.raw, 'nosuchsource', 'dt=2024-05-01', 'x.jsonl'), '{}\n');
      fs.writeFileSync(path.join(lake.layout.root, 'tables', 'stray.jsonl'), '{}\n');
      await sleep(200);
      land(path.join(part, 'sentinel.jsonl'), '{}\n');
      await s.until(named('sentinel.jsonl'));
      await sleep(500);
      expect(s.changes().map((c) => path.basename(c.path))).toEqual(['sentinel.jsonl']);
    } finally {
      await s.watcher.dispose();
    }
  });

  it('reports changes and removals, also of files there at start and of whole partitions', async () => {
    const other = path.join(lake.layout.raw, 'clubs', 'dt=2024-06-01');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'a.csv'), 'club_id\n1\n');
    fs.writeFileSync(path.join(other, 'b.csv'), 'club_id\n2\n');
    const initial = path.join(lake.layout.raw, 'clubs', 'dt=2024-05-01', 'clubs.csv');
    const initialSize = fs.statSync(initial).size;
    const s = await start();
    try {
      fs.appendFileSync(path.join(part, 'landed.jsonl'), '{"a":3}\n');
      await s.until((c) => c.kind === 'changed');
      fs.rmSync(initial);
      fs.rmSync(other, { recursive: true });
      await s.until((c) => c.kind === 'removed' && path.basename(c.path) === 'b.csv');
      await s.until((c) => c.kind === 'removed' && c.path === initial);
      await sleep(300);
      const got = s.changes().map((c) => [c.source, c.dt, path.basename(c.path), c.kind]);
      expect(got.sort()).toEqual(
        [
          ['activity', '2024-05-01', 'landed.jsonl', 'changed'],
          ['clubs', '2024-05-01', 'clubs.csv', 'removed'],
          ['clubs', '2024-06-01', 'a.csv', 'removed'],
          ['clubs', '2024-06-01', 'b.csv', 'removed'],
        ].sort(),
      );
      expect(s.changes().find((c) => c.path === initial)?.size).toBe(initialSize);
    } finally {
      await s.watcher.dispose();
    }
  });

  it('works in forced polling mode', async () => {
    const s = await start({ poll: true, pollIntervalMs: 100 });
    try {
      expect(s.watcher.polling).toBe(true);
      const file = path.join(part, 'polled.jsonl');
      land(file, '{"p":1}\n');
      const got = await s.until(named('polled.jsonl'));
      expect(got).toEqual([expect.objectContaining({ kind: 'added', size: fs.statSync(file).size })]);
    } finally {
      await s.watcher.dispose();
    }
  });

  it('reports raw/ being deleted as an error and keeps watching once it is back', async () => {
    const s = await start();
    try {
      const saved = path.join(dir, 'raw-saved');
      fs.cpSync(lake.layout.raw, saved, { recursive: true, preserveTimestamps: true });
      fs.rmSync(lake.layout.raw, { recursive: true });
      await s.until((c) => c.kind === 'removed' && c.path === path.join(part, 'landed.jsonl'));
      const t0 = Date.now();
      while (s.errors.length === 0 && Date.now() - t0 < 3000) await sleep(25);
      expect(s.errors[0]?.message).toMatch(/raw was deleted/);
      fs.mkdirSync(part, { recursive: true });
      await sleep(300);
      land(path.join(part, 'after-recreate.jsonl'), '{}\n');
      await s.until(named('after-recreate.jsonl'));
      fs.rmSync(lake.layout.raw, { recursive: true });
      fs.renameSync(saved, lake.layout.raw);
    } finally {
      await s.watcher.dispose();
    }
  });

  it('delivers nothing after dispose', async () => {
    const s = await start();
    await s.watcher.dispose();
    land(path.join(part, 'after-dispose.jsonl'), '{}\n');
    await sleep(700);
    expect(s.batches).toEqual([]);
  });
});

/** The file system type of the mount holding `dir`, from /proc/self/mounts (Linux). */
function mountType(dir: string): string | null {
  const real = fs.realpathSync(dir);
  let best: { at: string; type: string } | null = null;
  for (const line of fs.readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, at, type] = line.split(' ');
    if (!at || !type) continue;
    const inside = real === at || real.startsWith(at.endsWith('/') ? at : `${at}/`);
    if (inside && (!best || at.length > best.at.length)) best = { at, type };
  }
  return best?.type ?? null;
}

describe('network file system detection', () => {
  it('knows the usual network file systems by their statfs magic', () => {
    expect(NETWORK_FS_TYPES.get(0x6969)).toBe('nfs');
    expect(NETWORK_FS_TYPES.get(0xff534d42)).toBe('cifs');
    expect(NETWORK_FS_TYPES.get(0xfe534d42)).toBe('smb2');
    expect(NETWORK_FS_TYPES.get(0x01021997)).toBe('9p');
  });

  it.runIf(process.platform === 'linux')('agrees with the mount table about the temp folder', async () => {
    const type = mountType(os.tmpdir()) ?? '';
    const network = /^(nfs4?|cifs|smb3?|9p|afs|ceph|fuse(\..*)?|lustre|gpfs|gfs2|ocfs2|coda|ncpfs)$/.test(
      type,
    );
    expect((await networkFileSystem(os.tmpdir())) !== null).toBe(network);
  });
});
