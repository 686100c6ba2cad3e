// The activity story: requests, pitches, views and messages happen in a believable order,
// each event day holds exactly eventsPerDay events inside the day, and an event day is a
// pure function of (seed, day, eventsPerDay).
import { describe, expect, it } from 'vitest';
import { DAY_MS, dayOf } from '../../src/pipeline/sample/calendar';
import { EventDayGenerator } from '../../src/pipeline/sample/activity';
import { ActivityPlanner } from '../../src/pipeline/sample/activity-plan';
import { EVENT_TYPES } from '../../src/pipeline/sample/event-line';
import { IdScrambler } from '../../src/pipeline/sample/rng';
import { ReferenceModel } from '../../src/pipeline/sample/reference-model';

function world(
  seed: number,
  eventsPerDay: number,
): { model: ReferenceModel; planner: ActivityPlanner; events: EventDayGenerator } {
  const model = new ReferenceModel(seed);
  const ids = new IdScrambler(seed);
  const planner = new ActivityPlanner(seed, eventsPerDay, model, ids);
  return { model, planner, events: new EventDayGenerator(seed, eventsPerDay, model, planner, ids) };
}

const WED = dayOf('2024-05-01');

describe('ActivityPlanner', () => {
  const { model, planner } = world(42, 20000);

  it('sends pitches after their request, by agents, and has them viewed after they were sent', () => {
    for (let day = WED; day < WED + 7; day++) {
      for (const r of planner.requests.get(day)) expect(model.users[r.userIdx]?.role).not.toBe('agent');
      const pitches = planner.pitches.get(day);
      expect(pitches.length).toBeGreaterThan(0);
      for (const p of pitches) {
        expect(p.ts).toBeGreaterThan(p.request.ts);
        expect(p.ts - p.request.ts).toBeLessThan(3 * DAY_MS);
        expect(model.users[p.agentIdx]?.role).toBe('agent');
        expect(p.playerIdx).toBeGreaterThanOrEqual(0);
      }
      for (const v of planner.views.get(day)) {
        expect(v.ts).toBeGreaterThan(v.pitch.ts);
        expect(model.users[v.viewerIdx]?.clubIdx).toBe(v.pitch.request.clubIdx);
      }
      for (const m of planner.messages.get(day)) if (m.request) expect(m.ts).toBeGreaterThan(m.request.ts);
    }
  });

  it('plans fewer transfer requests at the weekend', () => {
    const saturday = dayOf('2024-05-04');
    expect(planner.requests.get(saturday).length).toBeLessThan(planner.requests.get(WED).length / 2);
  });
});

describe('EventDayGenerator', () => {
  it('makes exactly eventsPerDay events inside the day, about 6% and 1.5% late', () => {
    const { events } = world(42, 20000);
    const ed = events.generate(WED);
    expect(ed.lines).toHaveLength(20000);
    for (const ts of ed.tsMs) {
      expect(ts).toBeGreaterThanOrEqual(WED * DAY_MS);
      expect(ts).toBeLessThan((WED + 1) * DAY_MS);
    }
    const late1 = ed.late.filter((l) => l === 1).length / 20000;
    const late2 = ed.late.filter((l) => l === 2).length / 20000;
    expect(late1).toBeGreaterThan(0.05);
    expect(late1).toBeLessThan(0.07);
    expect(late2).toBeGreaterThan(0.01);
    expect(late2).toBeLessThan(0.02);
    const types = new Set(ed.type);
    expect(types.size).toBe(EVENT_TYPES.length);
    expect(new Set(ed.lines.map((l) => l.slice(13, 32))).size).toBe(20000); // event ids
  });

  it('gives the same event day whatever was generated before', () => {
    const a = world(9, 1500);
    for (let d = WED - 3; d < WED; d++) a.events.generate(d);
    const first = a.events.generate(WED);
    const b = world(9, 1500).events.generate(WED);
    expect(b.lines).toEqual(first.lines);
    expect([...b.late]).toEqual([...first.late]);
  });

  it('copes with tiny days', () => {
    const { events } = world(1, 1);
    expect(events.generate(WED).lines).toHaveLength(1);
  });
});
