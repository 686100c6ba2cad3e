// The transfer story behind the activity events, planned per event day in layers so that
// each layer of day E is a pure function of (seed, E, eventsPerDay) and earlier days' layers:
// requests(E); pitches(E) answer requests of E-2..E and are sent after them; views(E) open
// pitches of E-2..E after they were sent; messages(E) discuss pitched requests of E-3..E.
// A day's anchored events never exceed eventsPerDay (see MAX_EVENTS_PER_ITEM).

import { DAY_MS, isWeekend } from './calendar';
import { sampleMsInDay } from './daily-shape';
import { rngFor } from './rng';
import type { IdScrambler, Rng } from './rng';
import type { ReferenceModel, ReferenceSnapshot } from './reference-model';

/** Id namespaces (IdScrambler): ids of different kinds or from bad lines never collide. */
export const NS = { event: 1, request: 2, pitch: 3, session: 4, badEvent: 5, badSession: 6 } as const;

export interface PlannedRequest {
  id: string;
  ts: number;
  userIdx: number;
  clubIdx: number;
  /** the wanted player, or -1 for an open position */
  playerIdx: number;
  position: number;
}
export interface PlannedPitch {
  id: string;
  ts: number;
  agentIdx: number;
  playerIdx: number;
  request: PlannedRequest;
}
export interface PlannedView {
  ts: number;
  viewerIdx: number;
  pitch: PlannedPitch;
}
export interface PlannedMessage {
  ts: number;
  senderIdx: number;
  request: PlannedRequest | null;
}

// Shares of a day's events; 4·req + 3·pitch + 3·view + 1·msg stays well below 1, so the
// anchored sessions (at most that many events each) always fit in the day's budget.
const SHARE = {
  weekday: { requests: 0.02, pitches: 0.035, views: 0.03, messages: 0.05 },
  weekend: { requests: 0.006, pitches: 0.012, views: 0.02, messages: 0.03 },
};

const CACHE = 16;

function byTs<T extends { ts: number }>(items: T[]): T[] {
  return items.sort((a, b) => a.ts - b.ts);
}

/** How many of the ts-sorted items happened strictly before `limit`. */
function countBefore(items: readonly { ts: number }[], limit: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid]?.ts ?? 0) < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Picks from the first list whose candidate count is non-zero, trying the preferred list
 * (chosen by the cumulative weights) first and then the others in order. Draws a fixed
 * number of values whatever happens, so later draws do not depend on which list won.
 */
function pickAcross<T>(
  rng: Rng,
  lists: ReadonlyArray<readonly T[]>,
  counts: readonly number[],
  cum: readonly number[],
): T | undefined {
  const preferred = rng.weighted(cum);
  const r = rng.next();
  const order = [preferred, ...lists.map((_, i) => i).filter((i) => i !== preferred)];
  for (const li of order) {
    const n = counts[li] ?? 0;
    const list = lists[li];
    if (n > 0 && list) return list[Math.floor(r * n)];
  }
  return undefined;
}

class Layer<T> {
  private readonly cache = new Map<number, T>();
  constructor(private readonly build: (day: number) => T) {}
  get(day: number): T {
    const hit = this.cache.get(day);
    if (hit !== undefined) return hit;
    const v = this.build(day);
    this.cache.set(day, v);
    if (this.cache.size > CACHE) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    return v;
  }
}

export class ActivityPlanner {
  readonly requests = new Layer((d) => this.planRequests(d));
  readonly pitches = new Layer((d) => this.planPitches(d));
  readonly views = new Layer((d) => this.planViews(d));
  readonly messages = new Layer((d) => this.planMessages(d));

  constructor(
    private readonly seed: number,
    private readonly eventsPerDay: number,
    private readonly model: ReferenceModel,
    private readonly ids: IdScrambler,
  ) {}

  private count(day: number, kind: keyof (typeof SHARE)['weekday']): number {
    return Math.floor(this.eventsPerDay * (isWeekend(day) ? SHARE.weekend : SHARE.weekday)[kind]);
  }

  private ts(rng: Rng, day: number): number {
    return day * DAY_MS + sampleMsInDay(rng, isWeekend(day));
  }

  /** A player of `position` not registered with `clubIdx` on the snapshot (a few tries, then any). */
  pickPlayer(rng: Rng, snap: ReferenceSnapshot, position: number, clubIdx: number): number {
    const pool = this.model.playersByPosition[position] ?? [];
    let p = rng.pick(pool);
    for (let tries = 0; tries < 8 && snap.club[p] === clubIdx; tries++) p = rng.pick(pool);
    return p;
  }

  private planRequests(day: number): PlannedRequest[] {
    const rng = rngFor(this.seed, 'requests', day);
    const users = this.model.userCountAt(day - 1);
    const snap = this.model.snapshot(day - 1);
    const out: PlannedRequest[] = [];
    const n = this.count(day, 'requests');
    for (let i = 0; i < n; i++) {
      const ts = this.ts(rng, day);
      const userIdx = this.model.staff.pick(rng, users);
      const position = rng.int(4);
      const open = rng.chance(0.2);
      const user = this.model.users[userIdx];
      if (!user) continue;
      const playerIdx = open ? -1 : this.pickPlayer(rng, snap, position, user.clubIdx);
      const id = 'req_' + this.ids.hex(NS.request, day, i);
      out.push({ id, ts, userIdx, clubIdx: user.clubIdx, playerIdx, position });
    }
    return byTs(out);
  }

  private planPitches(day: number): PlannedPitch[] {
    const rng = rngFor(this.seed, 'pitches', day);
    const users = this.model.userCountAt(day - 1);
    const snap = this.model.snapshot(day - 1);
    const lists = [this.requests.get(day), this.requests.get(day - 1), this.requests.get(day - 2)];
    const out: PlannedPitch[] = [];
    const n = this.count(day, 'pitches');
    for (let i = 0; i < n; i++) {
      const ts = this.ts(rng, day);
      // Same-day requests only count if created at least five minutes before the pitch.
      const counts = [
        countBefore(lists[0] ?? [], ts - 300_000),
        lists[1]?.length ?? 0,
        lists[2]?.length ?? 0,
      ];
      const request = pickAcross(rng, lists, counts, [0.45, 0.85, 1]);
      const agentIdx = this.model.agents.pick(rng, users);
      const same = rng.chance(0.35);
      if (!request || agentIdx < 0) continue;
      const playerIdx =
        same && request.playerIdx >= 0
          ? request.playerIdx
          : this.pickPlayer(rng, snap, request.position, request.clubIdx);
      out.push({ id: 'pit_' + this.ids.hex(NS.pitch, day, i), ts, agentIdx, playerIdx, request });
    }
    return byTs(out);
  }

  private planViews(day: number): PlannedView[] {
    const rng = rngFor(this.seed, 'views', day);
    const users = this.model.userCountAt(day - 1);
    const lists = [this.pitches.get(day), this.pitches.get(day - 1), this.pitches.get(day - 2)];
    const out: PlannedView[] = [];
    const n = this.count(day, 'views');
    for (let i = 0; i < n; i++) {
      const ts = this.ts(rng, day);
      const counts = [countBefore(lists[0] ?? [], ts - 60_000), lists[1]?.length ?? 0, lists[2]?.length ?? 0];
      const pitch = pickAcross(rng, lists, counts, [0.5, 0.85, 1]);
      const colleague = rng.next();
      const r = rng.next();
      if (!pitch) continue;
      // Mostly the requester reads the pitch; sometimes a colleague from the same club.
      let viewerIdx = pitch.request.userIdx;
      if (colleague < 0.3) {
        const staff = this.model.clubStaff[pitch.request.clubIdx] ?? [];
        let existing = 0; // staff is in creation order: those who exist come first
        while (existing < staff.length && (staff[existing] ?? users) < users) existing++;
        viewerIdx = existing > 0 ? (staff[Math.floor(r * existing)] ?? viewerIdx) : viewerIdx;
      }
      out.push({ ts, viewerIdx, pitch });
    }
    return byTs(out);
  }

  private planMessages(day: number): PlannedMessage[] {
    const rng = rngFor(this.seed, 'messages', day);
    const users = this.model.userCountAt(day - 1);
    const lists = [0, 1, 2, 3].map((k) => this.pitches.get(day - k));
    const out: PlannedMessage[] = [];
    const n = this.count(day, 'messages');
    for (let i = 0; i < n; i++) {
      const ts = this.ts(rng, day);
      const counts = lists.map((l, k) => (k === 0 ? countBefore(l, ts) : l.length));
      const pitch = pickAcross(rng, lists, counts, [0.4, 0.7, 0.9, 1]);
      const aboutRequest = rng.chance(0.8);
      const fromAgent = rng.chance(0.5);
      const anyone = this.model.everyone.pick(rng, users);
      if (aboutRequest && pitch) {
        out.push({
          ts,
          senderIdx: fromAgent ? pitch.agentIdx : pitch.request.userIdx,
          request: pitch.request,
        });
      } else if (anyone >= 0) {
        out.push({ ts, senderIdx: anyone, request: null });
      }
    }
    return byTs(out);
  }
}
