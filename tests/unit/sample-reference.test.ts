// Reference data: snapshots are pure functions of (seed, day), change a little from day to
// day, and render as clean RFC 4180 CSV.
import { describe, expect, it } from 'vitest';
import { DAY_MS, dayOf } from '../../src/pipeline/sample/calendar';
import { clubsCsv, csvField, playersCsv, usersCsv } from '../../src/pipeline/sample/reference-csv';
import { PLAYER_COUNT } from '../../src/pipeline/sample/reference-data';
import { ReferenceModel } from '../../src/pipeline/sample/reference-model';

const D = dayOf('2024-05-01');

describe('ReferenceModel', () => {
  it('gives the same snapshot whatever was asked for before', () => {
    const walked = new ReferenceModel(42);
    for (let d = D - 10; d <= D + 3; d++) walked.snapshot(d);
    const direct = new ReferenceModel(42);
    for (const day of [D + 3, D - 4, D]) {
      const a = walked.snapshot(day);
      const b = direct.snapshot(day);
      expect(Buffer.from(a.club.buffer).equals(Buffer.from(b.club.buffer))).toBe(true);
      expect([...a.value]).toEqual([...b.value]);
      expect([...a.contractYear]).toEqual([...b.contractYear]);
      expect(a.userCount).toBe(b.userCount);
      expect(playersCsv(walked, a).text).toBe(playersCsv(direct, b).text);
      expect(usersCsv(walked, a).text).toBe(usersCsv(direct, b).text);
    }
  });

  it('has ~120 clubs, 4000 players and ~600 users on 2024-05-01, a few changes a day', () => {
    const m = new ReferenceModel(42);
    const snap = m.snapshot(D);
    expect(m.clubs).toHaveLength(120);
    expect(new Set(m.clubs.map((c) => c.name)).size).toBe(120);
    expect(m.players).toHaveLength(PLAYER_COUNT);
    expect(snap.userCount).toBeGreaterThan(550);
    expect(snap.userCount).toBeLessThan(700);
    const next = m.snapshot(D + 1);
    let changed = 0;
    for (let i = 0; i < PLAYER_COUNT; i++) {
      if (
        snap.club[i] !== next.club[i] ||
        snap.value[i] !== next.value[i] ||
        snap.contractYear[i] !== next.contractYear[i]
      )
        changed++;
    }
    expect(changed).toBeGreaterThan(5);
    expect(changed).toBeLessThan(80);
    const weekLater = m.snapshot(D + 14);
    expect(weekLater.userCount).toBeGreaterThan(snap.userCount);
  });

  it('keeps users in creation order with unique emails, each created by the snapshot day', () => {
    const m = new ReferenceModel(7);
    const snap = m.snapshot(D + 30);
    const users = m.users.slice(0, snap.userCount);
    expect(new Set(users.map((u) => u.email)).size).toBe(users.length);
    users.forEach((u, i) => {
      if (i > 0) expect(u.createdMs).toBeGreaterThanOrEqual(users[i - 1]?.createdMs ?? 0);
      expect(u.createdMs).toBeLessThan((D + 31) * DAY_MS);
      expect(u.email).toMatch(/^[a-z0-9.]+@[a-z0-9-]+\.example$/);
    });
    expect(m.userCountAt(D)).toBeLessThanOrEqual(snap.userCount);
  });

  it('promotes three clubs and relegates three per country on 1 July', () => {
    const m = new ReferenceModel(42);
    const june = m.snapshot(dayOf('2024-06-30'));
    const july = m.snapshot(dayOf('2024-07-01'));
    const moved = [...june.tiers].filter((t, i) => t !== july.tiers[i]).length;
    expect(moved).toBe(6 * 6);
    expect([...july.tiers].filter((t) => t === 1)).toHaveLength(60);
    expect(clubsCsv(m, july).text).not.toBe(clubsCsv(m, june).text);
  });

  it('renders CSVs with a header, one row per line and a final newline', () => {
    const m = new ReferenceModel(42);
    const snap = m.snapshot(D);
    for (const f of [clubsCsv(m, snap), playersCsv(m, snap), usersCsv(m, snap)]) {
      expect(f.text.endsWith('\n')).toBe(true);
      expect(f.text.split('\n')).toHaveLength(f.rows + 2);
    }
    expect(playersCsv(m, snap).text).toContain('"Korea, Republic of"');
  });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['Korea, Republic of', '"Korea, Republic of"'],
    ['Idrissa "Idri" Osimhen', '"Idrissa ""Idri"" Osimhen"'],
    ["Côte d'Ivoire", "Côte d'Ivoire"],
    ['two\nlines', '"two\nlines"'],
  ])('quotes %j as %j', (input, expected) => expect(csvField(input)).toBe(expected));
});
