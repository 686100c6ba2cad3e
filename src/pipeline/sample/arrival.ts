// Assembles the activity files of one ARRIVAL day D from the event days D, D-1 and D-2:
// the events that arrive on D, ordered by arrival time, cut into 1–3 files, each with its
// duplicate copies and bad lines mixed in. Everything random here comes from the PRNG of
// (seed, D), so the files of D depend only on (seed, D, eventsPerDay). The statistics are
// counted while assembling, which is what makes the manifest exact.

import { DAY_MS, formatDay, isWeekend } from './calendar';
import { sampleMsInDay } from './daily-shape';
import type { EventDay } from './activity';
import { EVENT_TYPES } from './event-line';
import { BAD_KINDS, BAD_RATES, BadLineMaker, DUPLICATE_RATE } from './messiness';
import { rngFor } from './rng';
import type { IdScrambler, Rng } from './rng';
import type { ReferenceModel } from './reference-model';
import { emptyActivityStats } from './manifest';
import type { ActivityDayStats } from './manifest';

export interface OutputFile {
  name: string;
  text: string;
  lines: number;
}

/** Fewer events than this per day stay in one file. */
const MIN_EVENTS_TO_SPLIT = 60;

export function activityFileName(index: number): string {
  return `events-${String(index + 1).padStart(4, '0')}.jsonl`;
}

interface Arrivals {
  /** per arriving event: which of the three event days (0 = D, 1 = D-1, 2 = D-2) and its index there */
  source: Uint8Array;
  index: Int32Array;
  /** arrival order */
  order: number[];
}

/** The events that arrive on D, sorted by when they reached the server. */
function collectArrivals(rng: Rng, day: number, eventDays: readonly EventDay[]): Arrivals {
  let total = 0;
  eventDays.forEach((ed, k) => ed.late.forEach((late) => (total += late === k ? 1 : 0)));
  const source = new Uint8Array(total);
  const index = new Int32Array(total);
  const at = new Float64Array(total);
  const weekend = isWeekend(day);
  const dayEnd = (day + 1) * DAY_MS - 1;
  let n = 0;
  eventDays.forEach((ed, k) => {
    for (let i = 0; i < ed.late.length; i++) {
      if (ed.late[i] !== k) continue;
      source[n] = k;
      index[n] = i;
      // On-time events reach the server within seconds; late ones whenever the device syncs.
      at[n] =
        k === 0
          ? Math.min(dayEnd, (ed.tsMs[i] ?? 0) + 200 + rng.exp(20_000))
          : day * DAY_MS + sampleMsInDay(rng, weekend);
      n++;
    }
  });
  const order = Array.from({ length: total }, (_, i) => i);
  order.sort((a, b) => (at[a] ?? 0) - (at[b] ?? 0) || a - b);
  return { source, index, order };
}

/**
 * The files for arrival day `day`; eventDays must be [event day D, D-1, D-2].
 */
export function assembleArrivalDay(
  seed: number,
  day: number,
  eventDays: readonly [EventDay, EventDay, EventDay],
  model: ReferenceModel,
  ids: IdScrambler,
): { files: OutputFile[]; stats: ActivityDayStats } {
  const rng = rngFor(seed, 'arrival', day);
  const arrivals = collectArrivals(rng, day, eventDays);
  const total = arrivals.order.length;
  const fileCount = total < MIN_EVENTS_TO_SPLIT ? 1 : 1 + rng.int(3);
  const bad = new BadLineMaker(day, rng, ids, model);
  const stats = emptyActivityStats();
  const byDate = [0, 0, 0];
  const byType = new Array<number>(EVENT_TYPES.length).fill(0);
  const files: OutputFile[] = [];
  for (let f = 0; f < fileCount; f++) {
    const chunk = arrivals.order.slice(
      Math.round((total * f) / fileCount),
      Math.round((total * (f + 1)) / fileCount),
    );
    const lines = chunk.map((a) => {
      const k = arrivals.source[a] ?? 0;
      const i = arrivals.index[a] ?? 0;
      const ed = eventDays[k];
      byDate[k] = (byDate[k] ?? 0) + 1;
      const t = ed?.type[i] ?? 0;
      byType[t] = (byType[t] ?? 0) + 1;
      return ed?.lines[i] ?? '';
    });
    const file = mixIn(rng, lines, bad, stats);
    files.push({
      name: activityFileName(f),
      text: file.length > 0 ? file.join('\n') + '\n' : '',
      lines: file.length,
    });
    stats.lines += file.length;
  }
  stats.files = files.length;
  stats.distinct_valid_events = total;
  stats.valid_rows = total + stats.duplicates;
  stats.late_1d = byDate[1] ?? 0;
  stats.late_2d = byDate[2] ?? 0;
  for (let k = 2; k >= 0; k--) {
    const count = byDate[k] ?? 0;
    if (count > 0) stats.valid_by_event_date[formatDay(day - k)] = count; // oldest date first
  }
  byType.forEach((count, t) => {
    const name = EVENT_TYPES[t];
    if (count > 0 && name) stats.valid_by_event_type[name] = count;
  });
  return { files, stats };
}

interface Extra {
  /** inserted before lines[pos]; pos = lines.length appends */
  pos: number;
  line: string;
}

/**
 * Adds duplicate copies (always later in the same file than their original, as a client
 * retry would) and bad lines at random positions; counts both into stats.
 */
function mixIn(rng: Rng, lines: readonly string[], bad: BadLineMaker, stats: ActivityDayStats): string[] {
  const n = lines.length;
  const extras: Extra[] = [];
  const dups = n > 0 ? rng.round(n * DUPLICATE_RATE) : 0;
  for (let d = 0; d < dups; d++) {
    const j = rng.int(n);
    extras.push({ pos: j + 1 + rng.int(n - j), line: lines[j] ?? '' });
  }
  stats.duplicates += dups;
  for (const kind of BAD_KINDS) {
    const count = rng.round(n * BAD_RATES[kind]);
    for (let b = 0; b < count; b++) extras.push({ pos: rng.int(n + 1), line: bad.make(kind) });
    stats.bad[kind] += count;
  }
  if (extras.length === 0) return lines.slice();
  extras.sort((a, b) => a.pos - b.pos);
  const out: string[] = [];
  let e = 0;
  for (let i = 0; i <= n; i++) {
    for (let x = extras[e]; x !== undefined && x.pos === i; x = extras[++e]) out.push(x.line);
    const line = lines[i];
    if (i < n && line !== undefined) out.push(line);
  }
  return out;
}
