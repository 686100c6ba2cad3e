// One activity event as a JSON line: the accepted event types, the fixed key order, and two
// renderers that must agree byte for byte — a fast one for the million valid events and a
// field-list one that the messiness module mutates into bad lines (a unit test pins them
// together). Lines never contain a raw line break: strings go through JSON.stringify.

import type { TimestampFormatter } from './calendar';

export const EVENT_TYPES = [
  'login',
  'player_search',
  'player_profile_view',
  'shortlist_add',
  'transfer_request_created',
  'pitch_sent',
  'pitch_viewed',
  'message_sent',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

// Indexes into EVENT_TYPES, for the typed arrays that hold one event per slot.
export const LOGIN = 0;
export const PLAYER_SEARCH = 1;
export const PROFILE_VIEW = 2;
export const SHORTLIST_ADD = 3;
export const REQUEST_CREATED = 4;
export const PITCH_SENT = 5;
export const PITCH_VIEWED = 6;
export const MESSAGE_SENT = 7;

export const EVENT_FIELDS = [
  'event_id',
  'event_type',
  'event_ts',
  'user_id',
  'club_id',
  'player_id',
  'request_id',
  'pitch_id',
  'search_query',
  'session_id',
  'device',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** A mutable scratch record: the generator fills one and renders it, allocating only the line. */
export interface EventRecord {
  eventId: string;
  type: number;
  tsMs: number;
  userId: number;
  clubId: number;
  playerId: number | null;
  requestId: string | null;
  pitchId: string | null;
  searchQuery: string | null;
  sessionId: string;
  device: string;
  /** an older iOS build leaves null fields out instead of writing null: still valid */
  omitNulls: boolean;
}

export function emptyRecord(): EventRecord {
  return {
    eventId: '',
    type: LOGIN,
    tsMs: 0,
    userId: 0,
    clubId: 0,
    playerId: null,
    requestId: null,
    pitchId: null,
    searchQuery: null,
    sessionId: '',
    device: 'web',
    omitNulls: false,
  };
}

function nullable(key: string, raw: string | null, omit: boolean): string {
  if (raw !== null) return `,"${key}":${raw}`;
  return omit ? '' : `,"${key}":null`;
}

const q = (s: string | null): string | null => (s === null ? null : JSON.stringify(s));

/** The fast path. Ids, type and device are plain ASCII and need no escaping. */
export function renderEvent(r: EventRecord, fmt: TimestampFormatter): string {
  return (
    `{"event_id":"${r.eventId}","event_type":"${EVENT_TYPES[r.type] ?? 'login'}","event_ts":"${fmt.iso(r.tsMs)}"` +
    `,"user_id":${r.userId},"club_id":${r.clubId}` +
    nullable('player_id', r.playerId === null ? null : String(r.playerId), r.omitNulls) +
    nullable('request_id', q(r.requestId), r.omitNulls) +
    nullable('pitch_id', q(r.pitchId), r.omitNulls) +
    nullable('search_query', q(r.searchQuery), r.omitNulls) +
    `,"session_id":"${r.sessionId}","device":"${r.device}"}`
  );
}

/** Raw JSON text per key, in line order; a key absent from the list is absent from the line. */
export type RawFields = Array<[EventField, string]>;

export function eventFields(r: EventRecord, fmt: TimestampFormatter): RawFields {
  const all: Array<[EventField, string | null]> = [
    ['event_id', q(r.eventId)],
    ['event_type', q(EVENT_TYPES[r.type] ?? 'login')],
    ['event_ts', q(fmt.iso(r.tsMs))],
    ['user_id', String(r.userId)],
    ['club_id', String(r.clubId)],
    ['player_id', r.playerId === null ? null : String(r.playerId)],
    ['request_id', q(r.requestId)],
    ['pitch_id', q(r.pitchId)],
    ['search_query', q(r.searchQuery)],
    ['session_id', q(r.sessionId)],
    ['device', q(r.device)],
  ];
  const out: RawFields = [];
  for (const [key, raw] of all) {
    if (raw !== null) out.push([key, raw]);
    else if (!r.omitNulls) out.push([key, 'null']);
  }
  return out;
}

export function renderFields(fields: RawFields): string {
  return `{${fields.map(([k, raw]) => `"${k}":${raw}`).join(',')}}`;
}
