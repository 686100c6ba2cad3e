// Archiving raw partitions to cold storage on real files: exactly the old partitions
// move, every file keeps its (dt, name, size, mtime) so the runner's fingerprints do
// not change, the move is logged in _workbench/archive_log, a re-run is a no-op, and
// a move interrupted half-way (or before its log commit) completes on the next run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPipelineEngine,
  deltaTools,
  findSource,
  initLake,
  listRawFiles,
  openLake,
} from '../../src/pipeline';
import type { EngineClient, Lake } from '../../src/pipeline';
import { archiveCommand, parseOlderThan } from '../../src/cli/commands/archive';
import { archiveLogTable, archiveRaw } from '../../src/pipeline/lake/archive';

let dir: string;
let lake: Lake;
let engine: EngineClient;
const NOW = new Date('2024-05-06T12:00:00Z');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-archive-'));
  await initLake({ dir: path.join(dir, 'lake'), sample: true, days: 5, eventsPerDay: 200 });
  lake = openLake(path.join(dir, 'lake'));
  engine = createPipelineEngine(lake);
});

afterAll(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What the runner fingerprints: dt/name, size and whole-millisecond mtime, per source. */
function fingerprints(l: Lake): Record<string, string[]> {
  return Object.fromEntries(
    l.sources.map((s) => [
      s.name,
      listRawFiles(l.layout, s).map(
        (f) => `${f.dt}/${path.basename(f.path)}:${f.size}:${Math.floor(f.mtimeMs)}`,
      ),
    ]),
  );
}

function zones(l: Lake): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of l.sources) for (const f of listRawFiles(l.layout, s)) out[`${s.name}/${f.dt}`] = f.zone;
  return out;
}

async function logRows(l: Lake, e: EngineClient): Promise<string[]> {
  const snapshot = await deltaTools.loadSnapshot(archiveLogTable(l, e));
  const { rows } = await e.read(
    `SELECT source, CAST(dt AS VARCHAR), files, bytes, archived_at IS NOT NULL FROM (${await deltaTools.scanSql(snapshot)}) ORDER BY ALL`,
  );
  return rows.map((r) => r.map(String).join(' '));
}

const SOURCES = ['activity', 'clubs', 'players', 'users'];

describe('archiveRaw', () => {
  it('dry run lists the old partitions and changes nothing', async () => {
    const before = fingerprints(lake);
    const r = await archiveRaw(lake, engine, { olderThanDays: 3, now: NOW, dryRun: true });
    expect(r.cutoff).toBe('2024-05-03');
    expect(r.partitions.map((p) => `${p.source}/${p.dt}:${p.how}`)).toEqual(
      SOURCES.flatMap((s) => [`${s}/2024-05-01:renamed`, `${s}/2024-05-02:renamed`]),
    );
    expect(fingerprints(lake)).toEqual(before);
    expect(fs.existsSync(lake.layout.archive)).toBe(false);
  });

  it('moves exactly the partitions older than N days, keeping every file’s dt, name, size and mtime', async () => {
    const before = fingerprints(lake);
    const exact = Object.fromEntries(
      lake.sources.flatMap((s) =>
        listRawFiles(lake.layout, s).map((f) => [`${f.dt}/${path.basename(f.path)}`, f.mtimeMs]),
      ),
    );
    const r = await archiveRaw(lake, engine, { olderThanDays: 3, now: NOW });
    expect(r.failed).toEqual([]);
    expect(r.partitions.map((p) => `${p.source}/${p.dt}:${p.how}`)).toEqual(
      SOURCES.flatMap((s) => [`${s}/2024-05-01:renamed`, `${s}/2024-05-02:renamed`]),
    );
    expect(fingerprints(lake)).toEqual(before);
    const z = zones(lake);
    for (const s of SOURCES) {
      expect([
        z[`${s}/2024-05-01`],
        z[`${s}/2024-05-02`],
        z[`${s}/2024-05-03`],
        z[`${s}/2024-05-05`],
      ]).toEqual(['archive', 'archive', 'raw', 'raw']);
      expect(fs.existsSync(path.join(lake.layout.raw, s, 'dt=2024-05-02'))).toBe(false);
    }
    // A rename keeps the mtime to the nanosecond, not only to the millisecond.
    for (const s of lake.sources) {
      for (const f of listRawFiles(lake.layout, s))
        expect(f.mtimeMs).toBe(exact[`${f.dt}/${path.basename(f.path)}`]);
    }
    const activity = r.partitions.find((p) => p.source === 'activity' && p.dt === '2024-05-01');
    const day = { from: '2024-05-01', to: '2024-05-01' };
    const files = listRawFiles(lake.layout, findSource(lake, 'activity'), day);
    expect(activity).toMatchObject({ files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) });
  });

  it('logs each move in _workbench/archive_log, and a re-run is a no-op', async () => {
    const rows = await logRows(lake, engine);
    expect(rows).toHaveLength(8);
    const activity = listRawFiles(lake.layout, findSource(lake, 'activity'), {
      from: '2024-05-01',
      to: '2024-05-01',
    });
    expect(rows[0]).toBe(
      `activity 2024-05-01 ${activity.length} ${activity.reduce((n, f) => n + f.size, 0)} true`,
    );
    const version = (await deltaTools.loadSnapshot(archiveLogTable(lake, engine))).version;
    const before = fingerprints(lake);
    const again = await archiveRaw(lake, engine, { olderThanDays: 3, now: NOW });
    expect(again.partitions).toEqual([]);
    expect(fingerprints(lake)).toEqual(before);
    expect((await deltaTools.loadSnapshot(archiveLogTable(lake, engine))).version).toBe(version);
  });

  it('completes a move that stopped half-way (partition half-copied into archive/)', async () => {
    const src = path.join(lake.layout.raw, 'activity', 'dt=2024-05-03');
    const dst = path.join(lake.layout.archive, 'activity', 'dt=2024-05-03');
    const before = fingerprints(lake);
    const names = fs.readdirSync(src).filter((n) => !n.startsWith('.'));
    expect(names.length).toBeGreaterThan(0);
    // The crash: one file copied whole (with a new mtime), a truncated copy, a temp file.
    fs.mkdirSync(dst, { recursive: true });
    const first = names[0] ?? '';
    fs.copyFileSync(path.join(src, first), path.join(dst, first));
    fs.writeFileSync(path.join(dst, `.${first}.archiving`), 'partial');
    fs.writeFileSync(
      path.join(dst, 'extra-half.jsonl'),
      fs.readFileSync(path.join(src, first)).subarray(0, 10),
    );
    fs.copyFileSync(path.join(src, first), path.join(src, 'extra-half.jsonl'));
    const withExtra = fingerprints(lake);
    expect(withExtra['activity']).toHaveLength((before['activity'] ?? []).length + 1);

    const r = await archiveRaw(lake, engine, { olderThanDays: 2, now: NOW });
    expect(r.failed).toEqual([]);
    expect(r.partitions.map((p) => `${p.source}/${p.dt}:${p.how}`)).toEqual([
      'activity/2024-05-03:completed',
      ...['clubs', 'players', 'users'].map((s) => `${s}/2024-05-03:renamed`),
    ]);
    expect(fingerprints(lake)).toEqual(withExtra);
    expect(fs.existsSync(src)).toBe(false);
    expect(fs.readdirSync(dst).sort()).toEqual([...names, 'extra-half.jsonl'].sort());
    expect((await archiveRaw(lake, engine, { olderThanDays: 2, now: NOW })).partitions).toEqual([]);
  });

  it('logs a partition moved before its log commit landed', async () => {
    const src = path.join(lake.layout.raw, 'clubs', 'dt=2024-05-04');
    fs.renameSync(src, path.join(lake.layout.archive, 'clubs', 'dt=2024-05-04'));
    const r = await archiveRaw(lake, engine, { olderThanDays: 2, now: NOW });
    expect(r.partitions).toEqual([
      expect.objectContaining({ source: 'clubs', dt: '2024-05-04', files: 1, how: 'logged' }),
    ]);
    expect((await logRows(lake, engine)).filter((row) => row.startsWith('clubs 2024-05-04'))).toHaveLength(1);
    expect((await archiveRaw(lake, engine, { olderThanDays: 2, now: NOW })).partitions).toEqual([]);
  });

  it('defaults to archive_after_days from lakehouse.yml', async () => {
    const r = await archiveRaw({ ...lake, project: { ...lake.project, archive_after_days: 1 } }, engine, {
      now: NOW,
      dryRun: true,
    });
    expect(r.olderThanDays).toBe(1);
    expect(r.cutoff).toBe('2024-05-05');
    expect(r.partitions.map((p) => `${p.source}/${p.dt}`)).toEqual(
      ['activity', 'players', 'users'].map((s) => `${s}/2024-05-04`),
    );
  });
});

// archive/ on another file system (here tmpfs): the rename fails with EXDEV and files are copied.
const shm = '/dev/shm';
const crossDevice = fs.existsSync(shm) && fs.statSync(shm).dev !== fs.statSync(os.tmpdir()).dev;

describe.skipIf(!crossDevice)(
  `archiveRaw across file systems${crossDevice ? '' : ` (skipped: ${shm} is not a file system of its own here)`}`,
  () => {
    it('copies with sizes and mtimes kept, completes a half-done copy, removes the hot copy, logs it', async () => {
      const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-archive-x-'));
      const cold = fs.mkdtempSync(path.join(shm, 'lh-cold-'));
      const lakeDir = path.join(base, 'lake');
      await initLake({ dir: lakeDir, sample: true, days: 2, eventsPerDay: 100 });
      fs.symlinkSync(cold, path.join(lakeDir, 'archive'));
      const l = openLake(lakeDir);
      const eng = createPipelineEngine(l);
      const micros = (): Map<string, bigint> =>
        new Map(
          l.sources.flatMap((s) =>
            listRawFiles(l.layout, s).map((f) => [
              `${f.dt}/${path.basename(f.path)}`,
              fs.statSync(f.path, { bigint: true }).mtimeNs / 1000n,
            ]),
          ),
        );
      try {
        // An earlier copy that stopped half-way: a truncated file and a temp file in the cold folder.
        const hot = path.join(l.layout.raw, 'activity', 'dt=2024-05-01');
        const cut = path.join(cold, 'activity', 'dt=2024-05-01');
        const name = fs.readdirSync(hot).find((n) => !n.startsWith('.')) ?? '';
        fs.mkdirSync(cut, { recursive: true });
        fs.writeFileSync(path.join(cut, name), fs.readFileSync(path.join(hot, name)).subarray(0, 7));
        fs.writeFileSync(path.join(cut, `.${name}.archiving`), 'partial');
        const before = fingerprints(l);
        const beforeMicros = micros();
        const r = await archiveRaw(l, eng, { olderThanDays: 1, now: new Date('2024-05-03T00:00:00Z') });
        expect(r.failed).toEqual([]);
        expect(r.partitions.map((p) => `${p.source}/${p.dt}:${p.how}`)).toEqual([
          'activity/2024-05-01:completed',
          ...SOURCES.slice(1).map((s) => `${s}/2024-05-01:copied`),
        ]);
        expect(fingerprints(l)).toEqual(before);
        // utimes keeps microseconds: the copies carry the originals' mtimes to within one.
        const after = micros();
        expect([...after.keys()]).toEqual([...beforeMicros.keys()]);
        for (const [k, us] of beforeMicros) {
          const d = (after.get(k) ?? 0n) - us;
          expect(d >= -1n && d <= 1n).toBe(true);
        }
        expect(zones(l)['activity/2024-05-01']).toBe('archive');
        expect(fs.existsSync(hot)).toBe(false);
        expect(fs.readdirSync(cut).some((n) => n.startsWith('.'))).toBe(false);
        expect(await logRows(l, eng)).toHaveLength(4);
        expect(
          (await archiveRaw(l, eng, { olderThanDays: 1, now: new Date('2024-05-03T00:00:00Z') })).partitions,
        ).toEqual([]);
      } finally {
        await eng.dispose();
        fs.rmSync(base, { recursive: true, force: true });
        fs.rmSync(cold, { recursive: true, force: true });
      }
    });
  },
);

describe('lakehouse archive', () => {
  it.each([
    ['90d', 90],
    ['1d', 1],
    [' 30d ', 30],
  ])('--older-than %j is %i days', (text, days) => {
    expect(parseOlderThan(text)).toBe(days);
  });

  it.each(['0d', '90', '3w', 'd', '-1d', '1.5d'])('--older-than %j is a usage error', (text) => {
    expect(() => parseOlderThan(text)).toThrow(/--older-than must be a number of days like 90d/);
  });

  it('prints what it would archive, then archives everything older than a day, as JSON', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: () => undefined, interactive: false };
    const signal = new AbortController().signal;
    const lakeDir = lake.layout.root;
    const code = await archiveCommand.run({
      args: { lake: lakeDir },
      options: { 'older-than': '1d', 'dry-run': true },
      io,
      signal,
    });
    expect(code).toBe(0);
    const due = Object.values(zones(lake)).filter((z) => z === 'raw').length;
    expect(due).toBeGreaterThan(0);
    expect(out.join('')).toMatch(
      new RegExp(`^Would archive ${due} partition\\(s\\) dated before \\d{4}-\\d{2}-\\d{2}: \\d+ files`),
    );
    out.length = 0;
    await archiveCommand.run({
      args: { lake: lakeDir },
      options: { 'older-than': '1d', json: true },
      io,
      signal,
    });
    const json = JSON.parse(out.join('')) as { partitions: { how: string }[]; dryRun: boolean };
    expect(json.dryRun).toBe(false);
    expect(json.partitions.map((p) => p.how)).toEqual(Array(due).fill('renamed'));
    expect(Object.values(zones(lake)).every((z) => z === 'archive')).toBe(true);
  });
});
