// Generates every valid activity event of one EVENT day: the planned story (requests,
// pitches, views, messages) wrapped in short sessions, then free browsing sessions until
// exactly eventsPerDay events exist. Each event also gets its arrival delay in days (0, 1
// or 2). The result is a pure function of (seed, day, eventsPerDay); events are rendered
// to their JSON line at once and kept in flat typed arrays, not objects.

import { DAY_MS, TimestampFormatter, isWeekend } from './calendar';
import { sampleDevice, sampleMsInDay } from './daily-shape';
import {
  LOGIN,
  MESSAGE_SENT,
  PITCH_SENT,
  PITCH_VIEWED,
  PLAYER_SEARCH,
  PROFILE_VIEW,
  REQUEST_CREATED,
  SHORTLIST_ADD,
  emptyRecord,
  renderEvent,
} from './event-line';
import { NS } from './activity-plan';
import type { ActivityPlanner } from './activity-plan';
import { rngFor } from './rng';
import type { IdScrambler, Rng } from './rng';
import { LEAGUES, NATIONALITIES, SEARCH_MODIFIERS, SEARCH_POSITIONS } from './names';
import { asciiSlug } from './reference-data';
import type { ReferenceModel, ReferenceSnapshot } from './reference-model';

export const LATE_1D_RATE = 0.06;
export const LATE_2D_RATE = 0.015;

export interface EventDay {
  day: number;
  lines: string[];
  tsMs: Float64Array;
  /** days between the event date and its arrival date: 0, 1 or 2 */
  late: Uint8Array;
  type: Uint8Array;
}

interface Search {
  query: string;
  playerIdx: number;
}

/** What a user typed: a player's name (then usually opens him), a position, a club. */
function searchQuery(rng: Rng, model: ReferenceModel, snap: ReferenceSnapshot): Search {
  const r = rng.next();
  const playerIdx = rng.int(model.players.length);
  const player = model.players[playerIdx];
  const name = player?.name ?? '';
  const last = name.slice(name.lastIndexOf(' ') + 1);
  if (r < 0.45) {
    const form = rng.next();
    const query = form < 0.4 ? name : form < 0.8 ? last : asciiSlug(last, ' ').slice(0, 5);
    return { query, playerIdx };
  }
  if (r < 0.8) {
    let query = rng.pick(SEARCH_POSITIONS);
    if (rng.chance(0.5)) query += ' ' + rng.pick(SEARCH_MODIFIERS);
    if (rng.chance(0.2)) query += ' ' + rng.pick(NATIONALITIES).name;
    return { query, playerIdx: -1 };
  }
  if (r < 0.95) {
    const club = model.clubs[snap.club[playerIdx] ?? 0];
    const league = LEAGUES[club?.leagueDef ?? 0];
    return { query: rng.chance(0.8) ? (club?.name ?? '') : (league?.tier1 ?? ''), playerIdx: -1 };
  }
  return { query: `"${last}"`, playerIdx }; // typed with quotes, as people do
}

/** Collects one event day; `session` and `record` are reused scratch state. */
class DayWriter {
  readonly lines: string[] = [];
  readonly tsMs: Float64Array;
  readonly late: Uint8Array;
  readonly type: Uint8Array;
  private readonly record = emptyRecord();
  private readonly fmt = new TimestampFormatter();
  private sessions = 0;
  private readonly dayEnd: number;

  constructor(
    readonly day: number,
    readonly budget: number,
    private readonly rng: Rng,
    private readonly ids: IdScrambler,
    private readonly model: ReferenceModel,
  ) {
    this.tsMs = new Float64Array(budget);
    this.late = new Uint8Array(budget);
    this.type = new Uint8Array(budget);
    this.dayEnd = (day + 1) * DAY_MS - 1;
  }

  get full(): boolean {
    return this.lines.length >= this.budget;
  }

  startSession(userIdx: number): void {
    const user = this.model.users[userIdx];
    const r = this.record;
    r.userId = user?.id ?? 0;
    r.clubId = this.model.clubs[user?.clubIdx ?? 0]?.id ?? 0;
    r.device = sampleDevice(this.rng, user?.role === 'agent', isWeekend(this.day));
    r.omitNulls = r.device === 'ios' && this.rng.chance(0.3);
    r.sessionId = 'ses_' + this.ids.hex(NS.session, this.day, this.sessions++);
  }

  /** Whole ms inside the event day: an event's date is its day, whatever the session gaps say. */
  clampTs(ts: number): number {
    return Math.floor(Math.min(this.dayEnd, Math.max(this.day * DAY_MS, ts)));
  }

  emit(
    type: number,
    ts: number,
    playerIdx = -1,
    requestId: string | null = null,
    pitchId: string | null = null,
    query: string | null = null,
  ): void {
    if (this.full) return;
    const i = this.lines.length;
    const r = this.record;
    r.eventId = 'ev_' + this.ids.hex(NS.event, this.day, i);
    r.type = type;
    r.tsMs = this.clampTs(ts);
    r.playerId = playerIdx >= 0 ? (this.model.players[playerIdx]?.id ?? null) : null;
    r.requestId = requestId;
    r.pitchId = pitchId;
    r.searchQuery = query;
    this.lines.push(renderEvent(r, this.fmt));
    this.tsMs[i] = r.tsMs;
    this.type[i] = type;
    const u = this.rng.next();
    this.late[i] = u < LATE_2D_RATE ? 2 : u < LATE_2D_RATE + LATE_1D_RATE ? 1 : 0;
  }

  /** A gap between two clicks of one session: a few seconds to a few minutes. */
  gap(): number {
    return 3_000 + this.rng.exp(70_000);
  }
}

export class EventDayGenerator {
  constructor(
    private readonly seed: number,
    private readonly eventsPerDay: number,
    private readonly model: ReferenceModel,
    private readonly planner: ActivityPlanner,
    private readonly ids: IdScrambler,
  ) {}

  generate(day: number): EventDay {
    const rng = rngFor(this.seed, 'events', day);
    const w = new DayWriter(day, this.eventsPerDay, rng, this.ids, this.model);
    const snap = this.model.snapshot(day - 1);
    this.storySessions(w, rng);
    this.browsingSessions(w, rng, snap);
    return { day, lines: w.lines, tsMs: w.tsMs, late: w.late, type: w.type };
  }

  private storySessions(w: DayWriter, rng: Rng): void {
    const { model, planner } = this;
    for (const req of planner.requests.get(w.day)) {
      w.startSession(req.userIdx);
      const player = model.players[req.playerIdx];
      const login = rng.chance(0.3);
      const t1 = req.ts - w.gap();
      const t0 = t1 - w.gap();
      if (login) w.emit(LOGIN, t0 - w.gap());
      if (player) {
        w.emit(PLAYER_SEARCH, t0, -1, null, null, player.name.slice(player.name.lastIndexOf(' ') + 1));
        w.emit(PROFILE_VIEW, t1, req.playerIdx);
      } else {
        w.emit(PLAYER_SEARCH, t1, -1, null, null, rng.pick(SEARCH_POSITIONS));
      }
      w.emit(REQUEST_CREATED, req.ts, req.playerIdx, req.id);
    }
    for (const pitch of planner.pitches.get(w.day)) {
      w.startSession(pitch.agentIdx);
      if (rng.chance(0.3)) w.emit(LOGIN, pitch.ts - 2 * w.gap());
      if (rng.chance(0.7)) w.emit(PROFILE_VIEW, pitch.ts - w.gap(), pitch.playerIdx);
      w.emit(PITCH_SENT, pitch.ts, pitch.playerIdx, pitch.request.id, pitch.id);
    }
    for (const view of planner.views.get(w.day)) {
      w.startSession(view.viewerIdx);
      const { pitch } = view;
      if (rng.chance(0.5)) w.emit(LOGIN, view.ts - w.gap());
      w.emit(PITCH_VIEWED, view.ts, pitch.playerIdx, pitch.request.id, pitch.id);
      if (rng.chance(0.2)) w.emit(SHORTLIST_ADD, view.ts + w.gap(), pitch.playerIdx);
    }
    for (const msg of planner.messages.get(w.day)) {
      w.startSession(msg.senderIdx);
      w.emit(MESSAGE_SENT, msg.ts, -1, msg.request?.id ?? null);
    }
  }

  /** Logins, searches, profile views and shortlisting, until the day holds eventsPerDay events. */
  private browsingSessions(w: DayWriter, rng: Rng, snap: ReferenceSnapshot): void {
    const { model } = this;
    const users = model.userCountAt(w.day - 1);
    const weekend = isWeekend(w.day);
    while (!w.full) {
      const userIdx = model.everyone.pick(rng, users);
      const agent = model.users[userIdx]?.role === 'agent';
      w.startSession(userIdx);
      let t = w.day * DAY_MS + sampleMsInDay(rng, weekend);
      if (rng.chance(0.55)) {
        w.emit(LOGIN, t);
        t += w.gap();
      }
      const clicks = 1 + Math.min(24, Math.floor(rng.exp(3.5)));
      let lastSearched = -1;
      let lastViewed = -1;
      for (let c = 0; c < clicks && !w.full && t < (w.day + 1) * DAY_MS; c++) {
        const r = rng.next();
        if (r < (agent ? 0.5 : 0.4)) {
          const s = searchQuery(rng, model, snap);
          lastSearched = s.playerIdx;
          w.emit(PLAYER_SEARCH, t, -1, null, null, s.query);
        } else if (agent || r < 0.85) {
          lastViewed = lastSearched >= 0 && rng.chance(0.7) ? lastSearched : rng.int(model.players.length);
          lastSearched = -1;
          w.emit(PROFILE_VIEW, t, lastViewed);
        } else {
          w.emit(SHORTLIST_ADD, t, lastViewed >= 0 ? lastViewed : rng.int(model.players.length));
        }
        t += w.gap();
      }
    }
  }
}
