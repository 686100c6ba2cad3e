// The manifest merges days: an entry per day, replaced when the day is generated again,
// totals always recomputed from the days, keys in date order.
import { describe, expect, it } from 'vitest';
import { emptyActivityStats, emptyManifest, withDay } from '../../src/pipeline/sample/manifest';
import type { ActivityDayStats } from '../../src/pipeline/sample/manifest';

function stats(lines: number, byDate: Record<string, number>): ActivityDayStats {
  return {
    ...emptyActivityStats(),
    files: 1,
    lines,
    valid_rows: lines - 2,
    distinct_valid_events: lines - 3,
    duplicates: 1,
    bad: { malformed_json: 1, wrong_type: 1, missing_required: 0, unknown_event_type: 0 },
    valid_by_event_date: byDate,
    valid_by_event_type: { pitch_sent: 1, login: lines - 4 },
  };
}
const csv = { files: 1, lines: 11, valid_rows: 10 };
const allCsv = { clubs: csv, players: csv, users: csv };

describe('withDay', () => {
  it('sorts days, replaces a day and recomputes totals', () => {
    let m = emptyManifest(42, 100);
    m = withDay(m, '2024-05-03', stats(100, { '2024-05-03': 97 }), allCsv);
    m = withDay(m, '2024-05-01', stats(50, { '2024-05-01': 47 }), allCsv);
    m = withDay(m, '2024-05-03', stats(60, { '2024-05-02': 7, '2024-05-03': 50 }), allCsv);
    expect(Object.keys(m.sources.activity.days)).toEqual(['2024-05-01', '2024-05-03']);
    const t = m.sources.activity.totals;
    expect(t.lines).toBe(110);
    expect(t.files).toBe(2);
    expect(t.bad).toEqual({ malformed_json: 2, wrong_type: 2, missing_required: 0, unknown_event_type: 0 });
    expect(t.valid_by_event_date).toEqual({ '2024-05-01': 47, '2024-05-02': 7, '2024-05-03': 50 });
    expect(Object.keys(t.valid_by_event_date)).toEqual(['2024-05-01', '2024-05-02', '2024-05-03']);
    expect(Object.keys(t.valid_by_event_type)).toEqual(['login', 'pitch_sent']);
    expect(m.sources.players.totals).toEqual({ files: 2, lines: 22, valid_rows: 20 });
  });
});
