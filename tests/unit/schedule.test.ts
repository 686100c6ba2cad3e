// Schedules: next due times across hour, day, month and year boundaries for every
// form; invalid specs rejected naming the accepted forms (also as lakehouse.yml
// errors with their line); startSchedule on a fake clock runs at each due time,
// never overlaps (skips and counts), survives errors and clock jumps, and stops.
import { describe, expect, it } from 'vitest';
import { projectSchema } from '../../src/pipeline/config/project';
import { parseYaml } from '../../src/pipeline/config/yaml-file';
import { ConfigError } from '../../src/pipeline/errors';
import { parseSchedule, startSchedule } from '../../src/pipeline/runner/schedule';
import type { Disposable } from '../../src/shared/disposable';

const next = (spec: string, after: string): string =>
  parseSchedule(spec).next(new Date(after)).toISOString().replace(':00.000Z', 'Z');

describe('parseSchedule(spec).next(after)', () => {
  it.each([
    ['hourly', '2024-05-01T10:15:30.000Z', '2024-05-01T11:00Z'],
    ['hourly', '2024-05-01T11:00:00.000Z', '2024-05-01T12:00Z'],
    ['hourly', '2024-05-01T10:59:59.999Z', '2024-05-01T11:00Z'],
    ['hourly', '2024-05-01T23:59:59.999Z', '2024-05-02T00:00Z'],
    ['hourly', '2024-12-31T23:30:00.000Z', '2025-01-01T00:00Z'],
    ['daily', '2024-05-01T00:00:00.000Z', '2024-05-02T00:00Z'],
    ['daily', '2024-05-31T18:00:00.000Z', '2024-06-01T00:00Z'],
    ['daily', '2024-02-28T12:00:00.000Z', '2024-02-29T00:00Z'],
    ['daily at 02:30', '2024-05-01T01:00:00.000Z', '2024-05-01T02:30Z'],
    ['daily at 02:30', '2024-05-01T02:30:00.000Z', '2024-05-02T02:30Z'],
    ['daily at 02:30', '2024-05-01T02:29:59.999Z', '2024-05-01T02:30Z'],
    ['daily at 02:30', '2024-05-01T23:00:00.000Z', '2024-05-02T02:30Z'],
    ['daily at 23:59', '2024-12-31T23:59:30.000Z', '2025-01-01T23:59Z'],
    ['daily at 00:00', '2024-05-01T00:00:00.000Z', '2024-05-02T00:00Z'],
    ['Daily  at 7:05', '2024-05-01T06:00:00.000Z', '2024-05-01T07:05Z'],
    ['every 15m', '2024-05-01T10:07:00.000Z', '2024-05-01T10:15Z'],
    ['every 15m', '2024-05-01T10:15:00.000Z', '2024-05-01T10:30Z'],
    ['every 15m', '2024-05-01T10:59:00.000Z', '2024-05-01T11:00Z'],
    ['every 15m', '2024-05-01T23:50:00.000Z', '2024-05-02T00:00Z'],
    ['every 1m', '2024-05-01T23:59:59.000Z', '2024-05-02T00:00Z'],
    ['every 2h', '2024-05-01T23:00:00.000Z', '2024-05-02T00:00Z'],
    ['every 2h', '2024-05-01T01:00:00.000Z', '2024-05-01T02:00Z'],
    ['every 6h', '2024-05-01T18:00:00.000Z', '2024-05-02T00:00Z'],
    ['every 90m', '2024-05-01T00:00:00.000Z', '2024-05-01T01:30Z'],
    ['every 24h', '2024-05-01T05:00:00.000Z', '2024-05-02T00:00Z'],
  ])('%s after %s is %s', (spec, after, due) => {
    expect(next(spec, after)).toBe(due);
  });

  it('keeps "every n" evenly spaced across midnight when n does not divide a day', () => {
    const s = parseSchedule('every 7m');
    let t = new Date('2024-05-01T23:30:00Z');
    for (let i = 0; i < 20; i++) {
      const n = s.next(t);
      if (i > 0) expect(n.getTime() - t.getTime()).toBe(7 * 60_000);
      t = n;
    }
  });

  it.each([
    '',
    'weekly',
    'every',
    'every 0m',
    'every m',
    'every 5s',
    'every -1h',
    'daily at 24:00',
    'daily at 12:60',
    'at 10:00',
    'hourly at 10',
  ])('rejects %j naming the accepted forms', (spec) => {
    expect(() => parseSchedule(spec)).toThrow(/'hourly', 'daily', 'daily at HH:MM' \(UTC\) or 'every <n>m'/);
  });
});

describe('lakehouse.yml watch, schedule and archive_after_days', () => {
  it('loads them', () => {
    const p = parseYaml(
      'name: x\nwatch:\n  poll: true\n  poll_interval_ms: 5000\nschedule:\n  run: every 15m\narchive_after_days: 30\n',
      projectSchema,
      'lakehouse.yml',
    );
    expect(p.watch).toEqual({ poll: true, poll_interval_ms: 5000, stability_ms: 1000 });
    expect(p.schedule).toEqual({ run: 'every 15m' });
    expect(p.archive_after_days).toBe(30);
    expect(parseYaml('name: x\nwatch: {}\n', projectSchema, 'lakehouse.yml').watch).toEqual({
      poll: 'auto',
      poll_interval_ms: 2000,
      stability_ms: 1000,
    });
  });

  it.each([
    [
      'name: x\nschedule:\n  run: evry 5m\n',
      3,
      /schedule\.run: 'evry 5m' is not a schedule: use 'hourly', 'daily'/,
    ],
    ['name: x\nschedule:\n  run: daily at 25:00\n', 3, /schedule\.run: .*HH:MM from 00:00 to 23:59/],
    ['name: x\nwatch:\n  poll: sometimes\n', 3, /watch\.poll: expected auto, true or false/],
    ['name: x\nwatch:\n  pol: true\n', 3, /watch: Unrecognized key: "pol"/],
    ['name: x\narchive_after_days: 0\n', 2, /archive_after_days: .*>=1/],
  ])('reports %j at line %i', (text, line, message) => {
    let err: unknown;
    try {
      parseYaml(text, projectSchema, 'lakehouse.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(message);
    expect((err as ConfigError).details?.['line']).toBe(line);
  });
});

/** A fake clock and timer: `advance` fires due timers in order; `sleep` jumps as a suspended machine would. */
function fakeTime(start: string) {
  let t = Date.parse(start);
  const timers: { at: number; cb: () => void; live: boolean }[] = [];
  const delays: number[] = [];
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
  const due = (end: number) => timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
  return {
    delays,
    now: (): Date => new Date(t),
    setTimer: (cb: () => void, ms: number): Disposable => {
      const timer = { at: t + ms, cb, live: true };
      timers.push(timer);
      delays.push(ms);
      return { dispose: () => void (timer.live = false) };
    },
    async advance(to: string): Promise<void> {
      const end = Date.parse(to);
      // Timers are macrotasks: what a settled run queued happens before the next one fires.
      await settle();
      for (let x = due(end); x; x = due(end)) {
        t = Math.max(t, x.at);
        x.live = false;
        x.cb();
        await settle();
      }
      t = end;
      await settle();
    },
    async sleep(to: string): Promise<void> {
      t = Date.parse(to);
      for (let x = due(t); x; x = due(t)) {
        x.live = false;
        x.cb();
        await settle();
      }
    },
  };
}

describe('startSchedule', () => {
  it('runs at each due time', async () => {
    const clock = fakeTime('2024-05-01T10:07:00Z');
    const ran: string[] = [];
    const h = startSchedule('every 15m', async () => void ran.push(clock.now().toISOString()), clock);
    expect(h.nextDue?.toISOString()).toBe('2024-05-01T10:15:00.000Z');
    await clock.advance('2024-05-01T10:14:59.999Z');
    expect(ran).toEqual([]);
    await clock.advance('2024-05-01T11:00:00Z');
    expect(ran).toEqual([
      '2024-05-01T10:15:00.000Z',
      '2024-05-01T10:30:00.000Z',
      '2024-05-01T10:45:00.000Z',
      '2024-05-01T11:00:00.000Z',
    ]);
    expect(h.runs).toBe(4);
    await h.dispose();
  });

  it('never overlaps: a due time during a run is skipped and counted', async () => {
    const clock = fakeTime('2024-05-01T10:00:00Z');
    let finish: () => void = () => undefined;
    let active = 0;
    let maxActive = 0;
    const skips: string[] = [];
    const h = startSchedule(
      'every 15m',
      () => {
        active++;
        maxActive = Math.max(maxActive, active);
        return new Promise<void>((r) => {
          finish = () => {
            active--;
            r();
          };
        });
      },
      { ...clock, onSkip: (s) => void skips.push(`${s.due.toISOString()} #${s.skipped}`) },
    );
    await clock.advance('2024-05-01T10:40:00Z');
    expect(h.runs).toBe(1);
    expect(h.skipped).toBe(1);
    expect(skips).toEqual(['2024-05-01T10:30:00.000Z #1']);
    finish();
    await clock.advance('2024-05-01T10:45:00Z');
    expect(h.runs).toBe(2);
    expect(maxActive).toBe(1);
    finish();
    await h.dispose();
  });

  it('reports a failing run and keeps the schedule going', async () => {
    const clock = fakeTime('2024-05-01T10:00:00Z');
    const errors: unknown[] = [];
    const h = startSchedule('hourly', () => Promise.reject(new Error('boom')), {
      ...clock,
      onError: (e) => void errors.push(e),
    });
    await clock.advance('2024-05-01T13:00:00Z');
    expect(h.runs).toBe(3);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom', 'boom', 'boom']);
    await h.dispose();
  });

  it('runs once, not in a burst, after the machine slept through several due times', async () => {
    const clock = fakeTime('2024-05-01T10:00:00Z');
    let runs = 0;
    const h = startSchedule('every 15m', async () => void runs++, clock);
    await clock.sleep('2024-05-01T13:07:00Z');
    expect(runs).toBe(1);
    expect(h.nextDue?.toISOString()).toBe('2024-05-01T13:15:00.000Z');
    await h.dispose();
  });

  it('waits for far due times in hops of at most an hour', async () => {
    const clock = fakeTime('2024-05-01T10:00:00Z');
    let runs = 0;
    const h = startSchedule('daily at 02:30', async () => void runs++, clock);
    await clock.advance('2024-05-02T02:29:00Z');
    expect(runs).toBe(0);
    await clock.advance('2024-05-02T02:30:00Z');
    expect(runs).toBe(1);
    expect(Math.max(...clock.delays)).toBeLessThanOrEqual(3_600_000);
    await h.dispose();
  });

  it('stops on dispose: aborts the run in progress, waits for it, runs nothing more', async () => {
    const clock = fakeTime('2024-05-01T10:00:00Z');
    let aborted = false;
    let settled = false;
    const h = startSchedule(
      'hourly',
      (signal) =>
        new Promise<void>((r) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            setTimeout(() => {
              settled = true;
              r();
            }, 10);
          });
        }),
      clock,
    );
    await clock.advance('2024-05-01T11:00:00Z');
    expect(h.runs).toBe(1);
    await h.dispose();
    expect(aborted).toBe(true);
    expect(settled).toBe(true);
    expect(h.nextDue).toBeNull();
    await clock.advance('2024-05-01T15:00:00Z');
    expect(h.runs).toBe(1);
  });

  it('rejects an invalid spec at start', () => {
    expect(() => startSchedule('sometimes', async () => undefined)).toThrow(/not a schedule/);
  });
});
