// Run schedules from lakehouse.yml `schedule.run`: `hourly`, `daily`, `daily at HH:MM`
// and `every <n>m|h`, all in UTC. parseSchedule is pure (next due time strictly after a
// given instant); startSchedule drives a function from it with an injectable clock and
// timer, and never overlaps runs: a run still going when the next one is due skips that
// one and counts it.

import type { Disposable } from '../../shared/disposable';
import { UsageError } from '../errors';

export const SCHEDULE_FORMS = "'hourly', 'daily', 'daily at HH:MM' (UTC) or 'every <n>m' / 'every <n>h'";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface Schedule {
  /** The spec as written in lakehouse.yml. */
  readonly spec: string;
  /** The first due time strictly after `after`. */
  next(after: Date): Date;
}

/**
 * A slot every `period` ms starting at `offset` ms after each multiple of the period
 * since the Unix epoch. `every <n>` slots are aligned to the epoch rather than to the
 * start of the process, so they do not drift and coincide with the clock (every 15m
 * runs at :00, :15, :30, :45) whenever n divides a day.
 */
function periodic(spec: string, period: number, offset = 0): Schedule {
  return {
    spec,
    next(after: Date): Date {
      const t = after.getTime() - offset;
      return new Date((Math.floor(t / period) + 1) * period + offset);
    },
  };
}

/** Why `spec` is not a schedule, or null when it is one. Used by the lakehouse.yml schema. */
export function scheduleProblem(spec: string): string | null {
  try {
    parseSchedule(spec);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function parseSchedule(spec: string): Schedule {
  const s = spec.trim().toLowerCase().replace(/\s+/g, ' ');
  if (s === 'hourly') return periodic(spec, HOUR);
  if (s === 'daily') return periodic(spec, DAY);
  const at = /^daily at (\d{1,2}):(\d{2})$/.exec(s);
  if (at) {
    const h = Number(at[1]);
    const m = Number(at[2]);
    if (h > 23 || m > 59) {
      throw new UsageError(`'${spec}': the time must be HH:MM from 00:00 to 23:59. Use ${SCHEDULE_FORMS}.`);
    }
    return periodic(spec, DAY, h * HOUR + m * MINUTE);
  }
  const every = /^every (\d+) ?(m|min|minutes?|h|hours?)$/.exec(s);
  if (every) {
    const n = Number(every[1]);
    const unit = every[2]?.startsWith('h') ? HOUR : MINUTE;
    if (!Number.isSafeInteger(n) || n < 1 || n * unit > 365 * DAY) {
      throw new UsageError(
        `'${spec}': the interval must be from 1 minute to 365 days. Use ${SCHEDULE_FORMS}.`,
      );
    }
    return periodic(spec, n * unit);
  }
  throw new UsageError(`'${spec}' is not a schedule: use ${SCHEDULE_FORMS}.`);
}

export interface ScheduleOptions {
  /** The clock; default the system clock. */
  now?: () => Date;
  /** Calls `callback` after `delayMs`; default setTimeout. Tests pass a fake. */
  setTimer?: (callback: () => void, delayMs: number) => Disposable;
  /** A due time found the previous run still going. */
  onSkip?: (info: { due: Date; skipped: number }) => void;
  /** The run function rejected; the schedule goes on. */
  onError?: (err: unknown) => void;
}

export interface ScheduleHandle extends Disposable {
  /** Runs started so far. */
  readonly runs: number;
  /** Due times skipped because the previous run was still going. */
  readonly skipped: number;
  /** The next due time, or null once disposed. */
  readonly nextDue: Date | null;
  /** Stops the schedule, aborts the signal given to a run in progress and waits for it to settle. */
  dispose(): Promise<void>;
}

/** Longest single timer: Node clamps delays above 2^31-1 ms, and a shorter hop also survives clock changes. */
const MAX_TIMER_MS = HOUR;

function defaultSetTimer(callback: () => void, delayMs: number): Disposable {
  const t = setTimeout(callback, delayMs);
  return { dispose: () => clearTimeout(t) };
}

/** Runs `fn` at each due time of `spec` until disposed (see the module comment). */
export function startSchedule(
  spec: string | Schedule,
  fn: (signal: AbortSignal) => Promise<void>,
  opts: ScheduleOptions = {},
): ScheduleHandle {
  return new ScheduledRuns(typeof spec === 'string' ? parseSchedule(spec) : spec, fn, opts);
}

class ScheduledRuns implements ScheduleHandle {
  runs = 0;
  skipped = 0;
  nextDue: Date | null;
  private readonly abort = new AbortController();
  private readonly now: () => Date;
  private readonly setTimer: (callback: () => void, delayMs: number) => Disposable;
  private timer: Disposable | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly schedule: Schedule,
    private readonly fn: (signal: AbortSignal) => Promise<void>,
    private readonly opts: ScheduleOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.setTimer = opts.setTimer ?? defaultSetTimer;
    this.nextDue = schedule.next(this.now());
    this.arm();
  }

  async dispose(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.nextDue = null;
    await this.timer?.dispose();
    this.timer = null;
    await this.running;
  }

  // Waits in hops of at most MAX_TIMER_MS, re-reading the clock each time, so a
  // machine that slept or a clock that jumped fires once at the first tick after
  // the due time instead of late or in a burst.
  private arm(): void {
    const due = this.nextDue;
    if (!due || this.abort.signal.aborted) return;
    const wait = Math.min(Math.max(due.getTime() - this.now().getTime(), 0), MAX_TIMER_MS);
    this.timer = this.setTimer(() => {
      this.timer = null;
      if (this.nextDue !== due || this.abort.signal.aborted) return;
      const t = this.now();
      if (t.getTime() >= due.getTime()) {
        this.fire(due);
        this.nextDue = this.schedule.next(t);
      }
      this.arm();
    }, wait);
  }

  private fire(due: Date): void {
    if (this.running) {
      this.skipped++;
      this.opts.onSkip?.({ due, skipped: this.skipped });
      return;
    }
    this.runs++;
    this.running = (async () => {
      try {
        await this.fn(this.abort.signal);
      } catch (err) {
        this.opts.onError?.(err);
      } finally {
        this.running = null;
      }
    })();
  }
}
