// The static part of the reference data: ~120 clubs, ~4000 players and the ~520 users who
// existed on REFERENCE_EPOCH, each a pure function of the seed. What changes day to day
// (transfers, values, contracts, promotions, sign-ups) lives in reference-model.ts.
// Users are kept in creation order, so user ids grow with created_at.

import { cumulative } from './rng';
import type { Rng } from './rng';
import { DAY_MS, dayOf, isWeekend, yearOf } from './calendar';
import { sampleMsInDay } from './daily-shape';
import { AGENCIES, LEAGUES, NAME_POOLS, NATIONALITIES } from './names';

/** The day the base snapshot describes; daily changes are replayed from here. */
export const REFERENCE_EPOCH = dayOf('2024-01-01');
/** The product launched on this day; base users signed up between it and the epoch. */
const LAUNCH_DAY = dayOf('2019-01-02');

export const CLUBS_PER_LEAGUE = 10;
export const PLAYER_COUNT = 4000;
export const BASE_USER_COUNT = 520;
const FIRST_PLAYER_ID = 100_001;
const FIRST_USER_ID = 7_000_000_001; // beyond 2^32 on purpose: user_id is a BIGINT

export const POSITIONS = ['GK', 'DF', 'MF', 'FW'] as const;
export const ROLES = ['scout', 'director', 'agent', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export interface Club {
  id: number;
  name: string;
  country: string;
  culture: string;
  /** index into LEAGUES */
  leagueDef: number;
  founded: number;
  baseTier: number;
}

export interface Player {
  id: number;
  name: string;
  birthDate: string;
  birthDay: number;
  nationality: string;
  position: number; // index into POSITIONS
}

export interface User {
  id: number;
  clubIdx: number;
  role: Role;
  email: string;
  createdMs: number;
  /** relative activity: a few users do most of the clicking */
  weight: number;
  firstName: string;
}

export interface BasePlayerState {
  club: Int32Array;
  value: Float64Array;
  contractYear: Int16Array;
}

export function buildClubs(rng: Rng): Club[] {
  const clubs: Club[] = [];
  LEAGUES.forEach((def, leagueDef) => {
    const cities = shuffled(rng, def.cities).slice(0, 2 * CLUBS_PER_LEAGUE);
    cities.forEach((city, i) => {
      clubs.push({
        id: clubs.length + 1,
        name: rng.pick(def.patterns).replace('{c}', city),
        country: def.country,
        culture: def.culture,
        leagueDef,
        founded: def.foundedFrom + rng.int(1990 - def.foundedFrom),
        baseTier: i < CLUBS_PER_LEAGUE ? 1 : 2,
      });
    });
  });
  return clubs;
}

const NATIONALITY_CUM = cumulative(NATIONALITIES.map((n) => n.weight));
const POSITION_CUM = cumulative([0.1, 0.33, 0.33, 0.24]);

function personName(rng: Rng, culture: string): { first: string; last: string } {
  const pool = NAME_POOLS[culture] ?? NAME_POOLS['english'];
  if (!pool) throw new Error('name pools are empty');
  return { first: rng.pick(pool.first), last: rng.pick(pool.last) };
}

export function buildPlayers(
  rng: Rng,
  clubs: readonly Club[],
): { players: Player[]; state: BasePlayerState } {
  const club = new Int32Array(PLAYER_COUNT);
  const value = new Float64Array(PLAYER_COUNT);
  const contractYear = new Int16Array(PLAYER_COUNT);
  const players: Player[] = [];
  const baseYear = yearOf(REFERENCE_EPOCH);
  const squadMin = Math.floor((PLAYER_COUNT * 0.8) / clubs.length);
  for (let i = 0; i < PLAYER_COUNT; i++) {
    const clubIdx = i < squadMin * clubs.length ? i % clubs.length : rng.int(clubs.length);
    const home = clubs[clubIdx];
    if (!home) throw new Error('club index out of range');
    let nationality = home.country;
    let culture = home.culture;
    if (!rng.chance(0.62)) {
      const n = NATIONALITIES[rng.weighted(NATIONALITY_CUM)];
      if (n) ({ name: nationality, culture } = n);
    }
    const { first, last } = personName(rng, culture);
    // A handful of players are registered with a nickname in quotes: real data does this.
    const name = rng.chance(0.004) ? `${first} "${first.slice(0, 4)}" ${last}` : `${first} ${last}`;
    const position = rng.weighted(POSITION_CUM);
    const age = 17 + ((rng.next() + rng.next() + rng.next()) / 3) * 18;
    const birthDay = REFERENCE_EPOCH - Math.round(age * 365.25);
    players.push({
      id: FIRST_PLAYER_ID + i,
      name,
      birthDate: new Date(birthDay * DAY_MS).toISOString().slice(0, 10),
      birthDay,
      nationality,
      position,
    });
    club[i] = clubIdx;
    const median = home.baseTier === 1 ? 8_000_000 : 1_200_000;
    const ageFactor = Math.exp(-(((age - 25) / 6) ** 2));
    value[i] = roundValue(median * ageFactor * (position === 0 ? 0.6 : 1) * Math.exp(0.9 * rng.normal()));
    contractYear[i] = baseYear + rng.int(6);
  }
  return { players, state: { club, value, contractYear } };
}

/** Market values move in steps of 25k, between 25k and 200m. */
export function roundValue(v: number): number {
  return Math.min(200_000_000, Math.max(25_000, Math.round(v / 25_000) * 25_000));
}

const ROLE_CUM = cumulative([0.35, 0.12, 0.33, 0.2]);

const ASCII: Readonly<Record<string, string>> = {
  ø: 'o',
  æ: 'ae',
  ß: 'ss',
  ı: 'i',
  ł: 'l',
  đ: 'd',
  '’': '',
  "'": '',
};

export function asciiSlug(s: string, sep: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[øæßıłđ’']/g, (c) => ASCII[c] ?? '')
    .split(/[^a-z0-9]+/)
    .filter((part) => part !== '')
    .join(sep);
}

/** Club staff sign up in proportion to club size (tier 1 clubs have bigger departments). */
export function clubWeights(clubs: readonly Club[]): Float64Array {
  return cumulative(clubs.map((c) => (c.baseTier === 1 ? 2 : 1)));
}

/**
 * One user created at createdMs; `seq` is the 0-based creation order and fixes user_id.
 * The email carries the sequence number so it is unique without a lookup.
 */
export function buildUser(
  rng: Rng,
  clubs: readonly Club[],
  clubCum: Float64Array,
  seq: number,
  createdMs: number,
  forcedRole?: Role,
): User {
  const role: Role = forcedRole ?? ROLES[rng.weighted(ROLE_CUM)] ?? 'scout';
  const clubIdx = role === 'agent' ? rng.int(clubs.length) : rng.weighted(clubCum);
  const club = clubs[clubIdx];
  if (!club) throw new Error('club index out of range');
  const culture = rng.chance(0.7)
    ? club.culture
    : (NATIONALITIES[rng.int(NATIONALITIES.length)]?.culture ?? 'english');
  const { first, last } = personName(rng, culture);
  const domain = role === 'agent' ? rng.pick(AGENCIES) : asciiSlug(club.name, '-');
  const email = `${asciiSlug(first, '')}.${asciiSlug(last, '')}${seq + 1}@${domain}.example`;
  const weight = Math.exp(0.8 * rng.normal()) * (role === 'agent' ? 1.2 : 1);
  return { id: FIRST_USER_ID + seq, clubIdx, role, email, createdMs, weight, firstName: first };
}

/** The users who signed up before the epoch, in creation order; the first two are a director and an agent. */
export function buildBaseUsers(rng: Rng, clubs: readonly Club[], clubCum: Float64Array): User[] {
  const created: number[] = [];
  for (let i = 0; i < BASE_USER_COUNT; i++) {
    const day = LAUNCH_DAY + rng.int(REFERENCE_EPOCH - LAUNCH_DAY);
    created.push(day * DAY_MS + sampleMsInDay(rng, isWeekend(day)));
  }
  created.sort((a, b) => a - b);
  return created.map((ms, seq) =>
    buildUser(rng, clubs, clubCum, seq, ms, seq === 0 ? 'director' : seq === 1 ? 'agent' : undefined),
  );
}

export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}
