// Activity lines: the fast renderer and the field-list renderer agree byte for byte, valid
// events are valid under sources.yml, and each bad-line kind is bad for exactly its reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { TimestampFormatter } from '../../src/pipeline/sample/calendar';
import {
  EVENT_TYPES,
  PLAYER_SEARCH,
  PROFILE_VIEW,
  emptyRecord,
  eventFields,
  renderEvent,
  renderFields,
} from '../../src/pipeline/sample/event-line';
import { BAD_KINDS, BadLineMaker } from '../../src/pipeline/sample/messiness';
import type { BadKind } from '../../src/pipeline/sample/messiness';
import { IdScrambler, rngFor } from '../../src/pipeline/sample/rng';
import { ReferenceModel } from '../../src/pipeline/sample/reference-model';
import { sampleTemplateDir } from '../../src/pipeline/sample';

interface ColumnSpec {
  type: string;
  required?: boolean;
  accepted_values?: string[];
}
const sources = parse(readFileSync(join(sampleTemplateDir(), 'sources.yml'), 'utf8')) as {
  sources: { activity: { columns: Record<string, ColumnSpec> } };
};
const COLUMNS = Object.entries(sources.sources.activity.columns);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function typeOk(v: unknown, type: string): boolean {
  if (type === 'VARCHAR') return typeof v === 'string';
  if (type === 'TIMESTAMP') return typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v));
  if (type === 'INTEGER') return Number.isInteger(v) && Math.abs(v as number) < 2 ** 31;
  if (type === 'BIGINT') return Number.isSafeInteger(v);
  throw new Error(`type ${type} not handled by the test`);
}

/** Reasons a line is bad, by the rules of sources.yml; [] when valid. */
function reasons(line: string): BadKind[] {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return ['malformed_json'];
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return ['malformed_json'];
  const rec = obj as Record<string, unknown>;
  const out = new Set<BadKind>();
  for (const [k, c] of COLUMNS) {
    const v = rec[k];
    if (v === undefined || v === null) {
      if (c.required) out.add('missing_required');
    } else if (!typeOk(v, c.type)) out.add('wrong_type');
    else if (c.accepted_values && !c.accepted_values.includes(String(v))) out.add('unknown_event_type');
  }
  return [...out];
}

describe('renderEvent', () => {
  it('matches the field-list renderer and round-trips through JSON', () => {
    const fmt = new TimestampFormatter();
    const rng = rngFor(3, 'lines');
    const queries = [null, 'left back u21', '"Müller"', 'back\\slash', 'Ødegaard', 'quote " inside'];
    for (let i = 0; i < 400; i++) {
      const r = emptyRecord();
      r.eventId = `ev_${i.toString(16).padStart(16, '0')}`;
      r.type = rng.int(EVENT_TYPES.length);
      r.tsMs = 1714521600000 + rng.int(86_400_000);
      r.userId = 7_000_000_001 + rng.int(700);
      r.clubId = 1 + rng.int(120);
      r.playerId = rng.chance(0.5) ? 100_001 + rng.int(4000) : null;
      r.requestId = rng.chance(0.3) ? 'req_0123456789abcdef' : null;
      r.pitchId = rng.chance(0.2) ? 'pit_0123456789abcdef' : null;
      r.searchQuery = rng.pick(queries);
      r.sessionId = 'ses_00000000000000aa';
      r.device = rng.pick(['web', 'ios', 'android']);
      r.omitNulls = rng.chance(0.3);
      const line = renderEvent(r, fmt);
      expect(line).toBe(renderFields(eventFields(r, fmt)));
      expect(line).not.toMatch(/[\r\n]/);
      const back = JSON.parse(line) as Record<string, unknown>;
      expect(back['event_type']).toBe(EVENT_TYPES[r.type]);
      expect(back['search_query'] ?? null).toBe(r.searchQuery);
      expect('player_id' in back).toBe(r.playerId !== null || !r.omitNulls);
      expect(reasons(line)).toEqual([]);
    }
  });
});

describe('BadLineMaker', () => {
  const model = new ReferenceModel(42);
  const day = 19844;

  it.each(BAD_KINDS)('makes %s lines that are bad for that one reason only', (kind) => {
    const maker = new BadLineMaker(day, rngFor(42, `bad-${kind}`, day), new IdScrambler(42), model);
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const line = maker.make(kind);
      expect(reasons(line)).toEqual([kind]);
      expect(line).not.toMatch(/[\r\n]/);
      expect(line.length).toBeGreaterThan(0);
      seen.add(line);
    }
    expect(seen.size).toBe(500);
  });

  it('never reuses the id of a bad line', () => {
    const maker = new BadLineMaker(day, rngFor(42, 'bad-ids', day), new IdScrambler(42), model);
    const ids = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const obj = JSON.parse(maker.make('unknown_event_type')) as { event_id: string };
      ids.add(obj.event_id);
    }
    expect(ids.size).toBe(300);
  });
});

describe('event type constants', () => {
  it('agree with accepted_values in sources.yml', () => {
    const accepted = sources.sources.activity.columns['event_type']?.accepted_values;
    expect(accepted).toEqual([...EVENT_TYPES]);
    expect(EVENT_TYPES[PLAYER_SEARCH]).toBe('player_search');
    expect(EVENT_TYPES[PROFILE_VIEW]).toBe('player_profile_view');
  });
});
