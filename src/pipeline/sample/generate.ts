// Entry point of the sample-lake generator: writes, for each arrival day, the three reference
// CSV snapshots and the activity JSON-lines files, then merges that day into the manifest.
// Invariants: a day's files depend only on (seed, day, eventsPerDay), so generating days in
// any batches gives byte-identical files; every file is written atomically; the manifest is
// updated after each day, so an abort leaves it describing exactly the days on disk.

import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { formatDay } from './calendar';
import { ActivityPlanner } from './activity-plan';
import { EventDayGenerator } from './activity';
import type { EventDay } from './activity';
import { assembleArrivalDay } from './arrival';
import type { OutputFile } from './arrival';
import { writeFileAtomic } from './atomic-write';
import { CSV_SOURCES, emptyManifest, readSampleManifest, withDay, writeSampleManifest } from './manifest';
import type { ActivityDayStats, CsvDayStats, CsvSource } from './manifest';
import { checkLakeDir, resolveOptions } from './options';
import type { GenerateOptions, GenerateResult } from './options';
import { IdScrambler } from './rng';
import { clubsCsv, playersCsv, usersCsv } from './reference-csv';
import type { CsvFile } from './reference-csv';
import { ReferenceModel } from './reference-model';

/** Absolute path of resources/sample, the lake template that `lakehouse init --sample` copies. */
export function sampleTemplateDir(): string {
  // A bundled or packaged app sits elsewhere than the source tree; its host names the folder.
  const override = process.env['LAKEHOUSE_SAMPLE_DIR'];
  if (override !== undefined && override !== '') return override;
  return fileURLToPath(new URL('../../../resources/sample', import.meta.url));
}

const ACTIVITY_FILE_RE = /^events-\d{4}\.jsonl$/;

/** Everything that is the same for all days of one (seed, eventsPerDay), with its caches. */
class SampleWorld {
  readonly model: ReferenceModel;
  readonly ids: IdScrambler;
  private readonly events: EventDayGenerator;
  private readonly eventDays = new Map<number, EventDay>();

  constructor(
    readonly seed: number,
    eventsPerDay: number,
  ) {
    this.model = new ReferenceModel(seed);
    this.ids = new IdScrambler(seed);
    const planner = new ActivityPlanner(seed, eventsPerDay, this.model, this.ids);
    this.events = new EventDayGenerator(seed, eventsPerDay, this.model, planner, this.ids);
  }

  /** Event day `day`, kept while later arrival days still need its late events. */
  eventDay(day: number): EventDay {
    const hit = this.eventDays.get(day);
    if (hit) return hit;
    const ed = this.events.generate(day);
    this.eventDays.set(day, ed);
    for (const d of this.eventDays.keys()) if (d < day - 2) this.eventDays.delete(d);
    return ed;
  }
}

interface DayOutput {
  activity: OutputFile[];
  csv: Record<CsvSource, OutputFile>;
  stats: ActivityDayStats;
}

function buildDay(world: SampleWorld, day: number): DayOutput {
  const snap = world.model.snapshot(day);
  const file = (f: CsvFile): OutputFile => ({ name: `${f.source}.csv`, text: f.text, lines: f.rows + 1 });
  const csv = {
    clubs: file(clubsCsv(world.model, snap)),
    players: file(playersCsv(world.model, snap)),
    users: file(usersCsv(world.model, snap)),
  };
  // Oldest first, so the cache can drop days that no later arrival day needs.
  const d2 = world.eventDay(day - 2);
  const d1 = world.eventDay(day - 1);
  const d0 = world.eventDay(day);
  const { files, stats } = assembleArrivalDay(world.seed, day, [d0, d1, d2], world.model, world.ids);
  return { activity: files, csv, stats };
}

async function writeDay(lakeDir: string, date: string, out: DayOutput): Promise<void> {
  const activityDir = join(lakeDir, 'raw', 'activity', `dt=${date}`);
  const writes = CSV_SOURCES.map(async (source) => {
    const file = out.csv[source];
    const dir = join(lakeDir, 'raw', source, `dt=${date}`);
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(join(dir, file.name), file.text);
  });
  await mkdir(activityDir, { recursive: true });
  writes.push(...out.activity.map((f) => writeFileAtomic(join(activityDir, f.name), f.text)));
  await Promise.all(writes);
  // A day re-generated after its manifest was lost may once have had more files: drop ours only.
  const keep = new Set(out.activity.map((f) => f.name));
  for (const name of await readdir(activityDir)) {
    if (ACTIVITY_FILE_RE.test(name) && !keep.has(name)) await unlink(join(activityDir, name));
  }
}

export async function generateSampleData(opts: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  checkLakeDir(opts.lakeDir);
  opts.signal?.throwIfAborted();
  const existing = await readSampleManifest(opts.lakeDir);
  const o = resolveOptions(opts, existing);
  let manifest = existing ?? emptyManifest(o.seed, o.eventsPerDay);
  const world = new SampleWorld(o.seed, o.eventsPerDay);
  const total = o.toDay - o.fromDay + 1;
  const result: GenerateResult = { days: [], files: 0, lines: 0, elapsedMs: 0 };

  for (let i = 0; i < total; i++) {
    opts.signal?.throwIfAborted();
    const day = o.fromDay + i;
    const date = formatDay(day);
    const out = buildDay(world, day);
    opts.signal?.throwIfAborted();
    await writeDay(o.lakeDir, date, out);
    const stat = (f: OutputFile): CsvDayStats => ({ files: 1, lines: f.lines, valid_rows: f.lines - 1 });
    const { clubs, players, users } = out.csv;
    manifest = withDay(manifest, date, out.stats, {
      clubs: stat(clubs),
      players: stat(players),
      users: stat(users),
    });
    await writeSampleManifest(o.lakeDir, manifest);
    result.days.push(date);
    result.files += out.activity.length + CSV_SOURCES.length;
    result.lines += out.stats.lines + clubs.lines + players.lines + users.lines;
    opts.onProgress?.({ day: date, dayIndex: i, days: total });
  }
  result.elapsedMs = Math.round(performance.now() - started);
  return result;
}
