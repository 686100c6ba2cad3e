// raw/_manifest.json: the exact counts of everything the generator wrote, per source and
// arrival day, plus totals. Invariants: day keys are sorted; totals are always recomputed
// from the days (never incremented), so re-generating a day replaces its entry cleanly; the
// file is written atomically. The zod schema is the single definition of the shape.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write';
import { EVENT_TYPES } from './event-line';

export const MANIFEST_FILE = join('raw', '_manifest.json');
export const GENERATOR = 'lakehouse-sample';

const count = z.number().int().nonnegative();
const counts = z.record(z.string(), count);

const badCounts = z.object({
  malformed_json: count,
  wrong_type: count,
  missing_required: count,
  unknown_event_type: count,
});

const activityDayStats = z.object({
  files: count,
  lines: count,
  valid_rows: count,
  distinct_valid_events: count,
  duplicates: count,
  late_1d: count,
  late_2d: count,
  bad: badCounts,
  /** distinct valid events by event date (UTC) */
  valid_by_event_date: counts,
  /** distinct valid events by event type */
  valid_by_event_type: counts,
});

const csvDayStats = z.object({ files: count, lines: count, valid_rows: count });

const manifestSchema = z.object({
  generator: z.literal(GENERATOR),
  version: z.literal(1),
  seed: z.number().int(),
  events_per_day: z.number().int().positive(),
  sources: z.object({
    activity: z.object({ days: z.record(z.string(), activityDayStats), totals: activityDayStats }),
    clubs: z.object({ days: z.record(z.string(), csvDayStats), totals: csvDayStats }),
    players: z.object({ days: z.record(z.string(), csvDayStats), totals: csvDayStats }),
    users: z.object({ days: z.record(z.string(), csvDayStats), totals: csvDayStats }),
  }),
});

export type BadCounts = z.infer<typeof badCounts>;
export type ActivityDayStats = z.infer<typeof activityDayStats>;
export type CsvDayStats = z.infer<typeof csvDayStats>;
export type SampleManifest = z.infer<typeof manifestSchema>;
export type CsvSource = 'clubs' | 'players' | 'users';
export const CSV_SOURCES: readonly CsvSource[] = ['clubs', 'players', 'users'];

/** The lake's manifest, or undefined when none was written yet. */
export async function readSampleManifest(lakeDir: string): Promise<SampleManifest | undefined> {
  const path = join(lakeDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; delete it (and raw/) or generate into a new lake`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${path} is not a sample-generator manifest (${z.prettifyError(parsed.error)}); ` +
        'delete it (and raw/) or generate into a new lake',
    );
  }
  return parsed.data;
}

export function emptyManifest(seed: number, eventsPerDay: number): SampleManifest {
  const csv = (): SampleManifest['sources']['clubs'] => ({
    days: {},
    totals: { files: 0, lines: 0, valid_rows: 0 },
  });
  return {
    generator: GENERATOR,
    version: 1,
    seed,
    events_per_day: eventsPerDay,
    sources: {
      activity: { days: {}, totals: sumActivity([]) },
      clubs: csv(),
      players: csv(),
      users: csv(),
    },
  };
}

function sortedRecord<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Event types in the order of EVENT_TYPES (the story's order), any others after them. */
function inTypeOrder(rec: Record<string, number>): Record<string, number> {
  const rank = (k: string): number => {
    const i = (EVENT_TYPES as readonly string[]).indexOf(k);
    return i < 0 ? EVENT_TYPES.length : i;
  };
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => rank(a) - rank(b)));
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export function emptyActivityStats(): ActivityDayStats {
  return {
    files: 0,
    lines: 0,
    valid_rows: 0,
    distinct_valid_events: 0,
    duplicates: 0,
    late_1d: 0,
    late_2d: 0,
    bad: { malformed_json: 0, wrong_type: 0, missing_required: 0, unknown_event_type: 0 },
    valid_by_event_date: {},
    valid_by_event_type: {},
  };
}

export function sumActivity(days: readonly ActivityDayStats[]): ActivityDayStats {
  const t = emptyActivityStats();
  for (const d of days) {
    t.files += d.files;
    t.lines += d.lines;
    t.valid_rows += d.valid_rows;
    t.distinct_valid_events += d.distinct_valid_events;
    t.duplicates += d.duplicates;
    t.late_1d += d.late_1d;
    t.late_2d += d.late_2d;
    t.bad.malformed_json += d.bad.malformed_json;
    t.bad.wrong_type += d.bad.wrong_type;
    t.bad.missing_required += d.bad.missing_required;
    t.bad.unknown_event_type += d.bad.unknown_event_type;
    addCounts(t.valid_by_event_date, d.valid_by_event_date);
    addCounts(t.valid_by_event_type, d.valid_by_event_type);
  }
  t.valid_by_event_date = sortedRecord(t.valid_by_event_date);
  t.valid_by_event_type = inTypeOrder(t.valid_by_event_type);
  return t;
}

function sumCsv(days: readonly CsvDayStats[]): CsvDayStats {
  return days.reduce(
    (t, d) => ({
      files: t.files + d.files,
      lines: t.lines + d.lines,
      valid_rows: t.valid_rows + d.valid_rows,
    }),
    { files: 0, lines: 0, valid_rows: 0 },
  );
}

/** A new manifest with `day` set (replacing any earlier entry) and all totals recomputed. */
export function withDay(
  m: SampleManifest,
  day: string,
  activity: ActivityDayStats,
  csv: Readonly<Record<CsvSource, CsvDayStats>>,
): SampleManifest {
  const actDays = sortedRecord({ ...m.sources.activity.days, [day]: activity });
  const csvSource = (s: CsvSource): SampleManifest['sources']['clubs'] => {
    const days = sortedRecord({ ...m.sources[s].days, [day]: csv[s] });
    return { days, totals: sumCsv(Object.values(days)) };
  };
  return {
    ...m,
    sources: {
      activity: { days: actDays, totals: sumActivity(Object.values(actDays)) },
      clubs: csvSource('clubs'),
      players: csvSource('players'),
      users: csvSource('users'),
    },
  };
}

export async function writeSampleManifest(lakeDir: string, m: SampleManifest): Promise<void> {
  await writeFileAtomic(join(lakeDir, MANIFEST_FILE), JSON.stringify(m, null, 2) + '\n');
}
