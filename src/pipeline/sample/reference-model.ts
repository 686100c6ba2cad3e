// Reference data as it stands at the end of any day: the base snapshot from
// reference-data.ts plus every daily change (transfers, market values, contract extensions,
// July promotions, sign-ups) replayed from REFERENCE_EPOCH, each day's changes drawn from a
// PRNG keyed by (seed, day). The state of day D is therefore a pure function of (seed, D),
// whatever was asked for before; caching only saves the replay.

import { rngFor } from './rng';
import type { Rng } from './rng';
import { DAY_MS, dayOf, isWeekend, monthOf, yearOf } from './calendar';
import { sampleMsInDay } from './daily-shape';
import {
  REFERENCE_EPOCH,
  buildBaseUsers,
  buildClubs,
  buildPlayers,
  buildUser,
  clubWeights,
  roundValue,
  shuffled,
} from './reference-data';
import type { BasePlayerState, Club, Player, User } from './reference-data';
import { LEAGUES } from './names';

export interface ReferenceSnapshot {
  day: number;
  /** per club: 1 or 2, the tier it plays in on this day */
  tiers: Uint8Array;
  /** per player: index of the club he is registered with */
  club: Int32Array;
  value: Float64Array;
  contractYear: Int16Array;
  /** users[0..userCount) had signed up by the end of the day */
  userCount: number;
}

/** Users of one kind in creation order with cumulative activity weights, for weighted picks. */
export class WeightedUsers {
  readonly idx: number[] = [];
  private readonly cum: number[] = [];

  add(userIdx: number, weight: number): void {
    this.idx.push(userIdx);
    this.cum.push((this.cum[this.cum.length - 1] ?? 0) + weight);
  }

  /** Number of members among users[0..userCount). */
  countBefore(userCount: number): number {
    let lo = 0;
    let hi = this.idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.idx[mid] ?? 0) < userCount) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A member among users[0..userCount), weighted by activity; -1 when there is none. Always draws once. */
  pick(rng: Rng, userCount: number): number {
    const n = this.countBefore(userCount);
    const j = rng.weighted(this.cum, n);
    return n === 0 ? -1 : (this.idx[j] ?? -1);
  }
}

const SNAPSHOT_CACHE = 64;
const TRANSFER_MONTHS = new Set([1, 6, 7, 8]);

export class ReferenceModel {
  readonly clubs: readonly Club[];
  readonly players: readonly Player[];
  /** every user ever generated so far, in creation order (grows as later days are asked for) */
  readonly users: User[];
  readonly playersByPosition: number[][] = [[], [], [], []];
  readonly everyone = new WeightedUsers();
  readonly agents = new WeightedUsers();
  readonly staff = new WeightedUsers();
  /** per club: its staff (non-agent) users, in creation order */
  readonly clubStaff: number[][];

  private readonly base: BasePlayerState;
  private readonly baseTiers: Uint8Array;
  private readonly clubCum: Float64Array;
  private readonly countAfterDay: number[] = []; // [d - REFERENCE_EPOCH] → users after day d
  private usersThrough = REFERENCE_EPOCH;
  private readonly snapshots = new Map<number, ReferenceSnapshot>();
  private readonly seasonTiers = new Map<number, Uint8Array>();

  constructor(private readonly seed: number) {
    this.clubs = buildClubs(rngFor(seed, 'clubs'));
    const built = buildPlayers(rngFor(seed, 'players'), this.clubs);
    this.players = built.players;
    this.base = built.state;
    this.baseTiers = Uint8Array.from(this.clubs, (c) => c.baseTier);
    this.players.forEach((p, i) => this.playersByPosition[p.position]?.push(i));
    this.clubCum = clubWeights(this.clubs);
    this.clubStaff = this.clubs.map(() => []);
    this.users = [];
    for (const u of buildBaseUsers(rngFor(seed, 'users'), this.clubs, this.clubCum)) this.addUser(u);
    this.countAfterDay.push(this.users.length);
  }

  private addUser(u: User): void {
    const i = this.users.length;
    this.users.push(u);
    this.everyone.add(i, u.weight);
    if (u.role === 'agent') this.agents.add(i, u.weight);
    else {
      this.staff.add(i, u.weight);
      this.clubStaff[u.clubIdx]?.push(i);
    }
  }

  /** Number of users who had signed up by the end of `day`. */
  userCountAt(day: number): number {
    if (day <= REFERENCE_EPOCH) {
      const end = (day + 1) * DAY_MS;
      let lo = 0;
      let hi = this.countAfterDay[0] ?? 0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.users[mid]?.createdMs ?? 0) < end) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    while (this.usersThrough < day) this.signUps(++this.usersThrough);
    return this.countAfterDay[day - REFERENCE_EPOCH] ?? this.users.length;
  }

  private signUps(day: number): void {
    const rng = rngFor(this.seed, 'signups', day);
    const weekend = isWeekend(day);
    const count = weekend ? (rng.chance(0.3) ? 1 : 0) : rng.range(0, 2);
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(day * DAY_MS + sampleMsInDay(rng, weekend));
    times.sort((a, b) => a - b);
    for (const ms of times) this.addUser(buildUser(rng, this.clubs, this.clubCum, this.users.length, ms));
    this.countAfterDay.push(this.users.length);
  }

  /** The reference data as it stands at the end of `day`. */
  snapshot(day: number): ReferenceSnapshot {
    const cached = this.snapshots.get(day);
    if (cached) return cached;
    let from = REFERENCE_EPOCH;
    let state: BasePlayerState = this.base;
    for (let d = day - 1; d > REFERENCE_EPOCH && d >= day - SNAPSHOT_CACHE; d--) {
      const hit = this.snapshots.get(d);
      if (hit) {
        from = d;
        state = hit;
        break;
      }
    }
    if (day > REFERENCE_EPOCH) {
      state = {
        club: state.club.slice(),
        value: state.value.slice(),
        contractYear: state.contractYear.slice(),
      };
      for (let d = from + 1; d <= day; d++) this.playerChanges(d, state);
    }
    const snap: ReferenceSnapshot = {
      day,
      tiers: this.tiersAt(day),
      ...state,
      userCount: this.userCountAt(day),
    };
    this.snapshots.set(day, snap);
    if (this.snapshots.size > SNAPSHOT_CACHE) {
      const oldest = this.snapshots.keys().next();
      if (!oldest.done) this.snapshots.delete(oldest.value);
    }
    return snap;
  }

  /** One day of the market: transfers (busy in the windows), value moves, contract extensions. */
  private playerChanges(day: number, s: BasePlayerState): void {
    const rng = rngFor(this.seed, 'player-changes', day);
    const n = this.players.length;
    const year = yearOf(day);
    const transfers = TRANSFER_MONTHS.has(monthOf(day)) ? rng.range(4, 14) : rng.range(0, 2);
    for (let i = 0; i < transfers; i++) {
      const p = rng.int(n);
      const to = rng.int(this.clubs.length);
      s.club[p] = to === s.club[p] ? (to + 1) % this.clubs.length : to;
      s.value[p] = roundValue((s.value[p] ?? 0) * (0.9 + 0.4 * rng.next()));
      s.contractYear[p] = year + rng.range(1, 5);
    }
    const moves = rng.range(15, 40);
    for (let i = 0; i < moves; i++) {
      const p = rng.int(n);
      s.value[p] = roundValue((s.value[p] ?? 0) * Math.exp(0.08 * rng.normal()));
    }
    const extensions = rng.range(0, 3);
    for (let i = 0; i < extensions; i++) {
      const p = rng.int(n);
      s.contractYear[p] = Math.max(s.contractYear[p] ?? year, year) + rng.range(1, 3);
    }
  }

  /** Tiers after the promotions of every 1 July in (REFERENCE_EPOCH, day]: three up, three down per country. */
  private tiersAt(day: number): Uint8Array {
    let tiers = this.baseTiers;
    for (let year = yearOf(REFERENCE_EPOCH); ; year++) {
      const july1 = dayOf(`${year}-07-01`);
      if (july1 > day) return tiers;
      if (july1 <= REFERENCE_EPOCH) continue;
      const known = this.seasonTiers.get(july1);
      if (known) {
        tiers = known;
        continue;
      }
      tiers = this.promote(tiers, july1);
      this.seasonTiers.set(july1, tiers);
    }
  }

  private promote(before: Uint8Array, july1: number): Uint8Array {
    const rng = rngFor(this.seed, 'promotion', july1);
    const tiers = before.slice();
    LEAGUES.forEach((_def, league) => {
      const inTier = (t: number): number[] =>
        this.clubs.flatMap((c, i) => (c.leagueDef === league && before[i] === t ? [i] : []));
      for (const i of shuffled(rng, inTier(1)).slice(0, 3)) tiers[i] = 2;
      for (const i of shuffled(rng, inTier(2)).slice(0, 3)) tiers[i] = 1;
    });
    return tiers;
  }
}
