// Bad lines for the activity files, each bad for exactly ONE reason so that the manifest's
// counts are exact: malformed JSON, a wrong type in one typed field, one missing (or null)
// required field, or an unknown event_type. A bad line is built from a plausible event of
// its arrival day with its own id namespace, so it never duplicates a valid event's id.

import { DAY_MS, TimestampFormatter, isWeekend } from './calendar';
import { sampleMsInDay } from './daily-shape';
import { LOGIN, PLAYER_SEARCH, PROFILE_VIEW, emptyRecord, eventFields, renderFields } from './event-line';
import type { EventField, RawFields } from './event-line';
import { NS } from './activity-plan';
import type { IdScrambler, Rng } from './rng';
import { SEARCH_POSITIONS, UNKNOWN_EVENT_TYPES } from './names';
import type { ReferenceModel } from './reference-model';

export const BAD_KINDS = ['malformed_json', 'wrong_type', 'missing_required', 'unknown_event_type'] as const;
export type BadKind = (typeof BAD_KINDS)[number];

/** Share of a file's valid events added as bad lines of each kind (and as duplicate copies). */
export const BAD_RATES: Readonly<Record<BadKind, number>> = {
  malformed_json: 0.003,
  wrong_type: 0.003,
  missing_required: 0.003,
  unknown_event_type: 0.002,
};
export const DUPLICATE_RATE = 0.015;

/** The required fields a bad line may lose (sources.yml marks them required). */
const DROPPABLE: readonly EventField[] = ['event_id', 'user_id', 'event_ts'];

// Values that fail the declared type under any strict reading. Note that DuckDB's TRY_CAST
// (and read_json with an INTEGER column) rounds 12.5 to an integer: a validator must check
// the JSON kind, not only whether a cast succeeds. Numeric-looking strings are avoided on
// purpose, since a lenient cast would accept them.
const WRONG: Readonly<Partial<Record<EventField, readonly string[]>>> = {
  user_id: ['"abc"', '"unknown"', '"user-42"'],
  club_id: ['12.5', '"FC"', '3.75'],
  event_ts: ['"yesterday"', '1714557072123', '"31/05/2024 10:11"', '""'],
  player_id: ['"p_123"', '7.5'],
};

export class BadLineMaker {
  private readonly fmt = new TimestampFormatter();
  private made = 0;

  constructor(
    private readonly day: number,
    private readonly rng: Rng,
    private readonly ids: IdScrambler,
    private readonly model: ReferenceModel,
  ) {}

  /** A valid-looking event of the arrival day: a login, search or profile view. */
  private template(): RawFields {
    const { rng, model } = this;
    const users = model.userCountAt(this.day - 1);
    const user = model.users[model.everyone.pick(rng, users)];
    const r = emptyRecord();
    const n = this.made++;
    r.eventId = 'ev_' + this.ids.hex(NS.badEvent, this.day, n);
    r.sessionId = 'ses_' + this.ids.hex(NS.badSession, this.day, n);
    r.type = rng.pick([LOGIN, PLAYER_SEARCH, PROFILE_VIEW]);
    r.tsMs = this.day * DAY_MS + sampleMsInDay(rng, isWeekend(this.day));
    r.userId = user?.id ?? 0;
    r.clubId = model.clubs[user?.clubIdx ?? 0]?.id ?? 0;
    r.device = rng.pick(['web', 'ios', 'android']);
    if (r.type === PROFILE_VIEW) r.playerId = model.players[rng.int(model.players.length)]?.id ?? null;
    if (r.type === PLAYER_SEARCH) r.searchQuery = rng.pick(SEARCH_POSITIONS);
    return eventFields(r, this.fmt);
  }

  make(kind: BadKind): string {
    const fields = this.template();
    switch (kind) {
      case 'malformed_json':
        return this.malformed(renderFields(fields));
      case 'wrong_type':
        return renderFields(this.wrongType(fields));
      case 'missing_required':
        return renderFields(this.missing(fields));
      case 'unknown_event_type':
        return renderFields(
          replace(fields, 'event_type', JSON.stringify(this.rng.pick(UNKNOWN_EVENT_TYPES))),
        );
    }
  }

  /** Cut off mid-write, or followed by garbage; never a complete JSON value. */
  private malformed(line: string): string {
    const r = this.rng.next();
    if (r < 0.5) {
      // Any strict prefix of a flat JSON object lacks its closing brace, so is invalid. Cut
      // after the event id, as a writer dying mid-line would, so the line stays traceable.
      const from = Math.min(40, line.length - 2);
      const cut = from + Math.floor(this.rng.next() * (line.length - 1 - from));
      return line.slice(0, cut);
    }
    if (r < 0.85) return line + this.rng.pick(['}', ',', ']', ' garbage', '{"event_id":"ev_', '\\']);
    return line.replace(/"/g, "'"); // single quotes, as a hand-rolled logger writes them
  }

  private wrongType(fields: RawFields): RawFields {
    const candidates = fields.filter(([k, raw]) => WRONG[k] !== undefined && raw !== 'null').map(([k]) => k);
    const key = this.rng.pick(candidates);
    return replace(fields, key, this.rng.pick(WRONG[key] ?? ['"abc"']));
  }

  private missing(fields: RawFields): RawFields {
    const key = this.rng.pick(DROPPABLE);
    if (this.rng.chance(0.25)) return replace(fields, key, 'null');
    return fields.filter(([k]) => k !== key);
  }
}

function replace(fields: RawFields, key: EventField, raw: string): RawFields {
  return fields.map(([k, v]) => [k, k === key ? raw : v]);
}
