// Full backfill of a generated lake (default 30 days × 200,000 events/day):
// stg_activity + fct_daily_club_activity through the pipeline (quarantine,
// state, data tests, Delta commits), against the floor in the same process —
// the same transformation as plain DuckDB COPY … (FORMAT parquet, COMPRESSION zstd, PARTITION_BY)
// statements over the same raw files, with nothing else.
// Run: npx tsx bench/pipeline.ts [days] [eventsPerDay] [concurrency] [rounds (default 3)]
// LH_BENCH_CACHE=<dir> keeps the generated lake there and copies it for each run
// (generation takes longer than the benchmark itself).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createPipelineEngine,
  executeRun,
  fromInclusive,
  initLake,
  openLake,
  addDays,
} from '../src/pipeline';

const DAYS = Number(process.argv[2] ?? 30);
const PER_DAY = Number(process.argv[3] ?? 200_000);
const CONCURRENCY = Number(process.argv[4] ?? 2);
const ROUNDS = Math.max(1, Number(process.argv[5] ?? 3));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-bench-pipeline-'));

interface Round {
  oursMs: number;
  floorMs: number;
  oursCpu: number;
  floorCpu: number;
}

try {
  // Each round runs on a fresh copy of the generated lake, so every backfill does the same work.
  const template = path.join(dir, 'template');
  await generate(template);
  const rounds: Round[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const round = await runRound(template, path.join(dir, `round-${r}`));
    rounds.push(round);
    console.log(
      `round ${r}: ours ${(round.oursMs / 1000).toFixed(1)} s (cpu ${round.oursCpu.toFixed(1)} s), floor ${(round.floorMs / 1000).toFixed(1)} s (cpu ${round.floorCpu.toFixed(1)} s)`,
    );
  }
  // Best of the rounds on each side: load from other work on the machine hits both sides alike.
  const best = (k: keyof Round): number => Math.min(...rounds.map((x) => x[k]));
  const events = DAYS * PER_DAY;
  const [oursMs, floorMs] = [best('oursMs'), best('floorMs')];
  console.log(
    `  ours:  ${(oursMs / 1000).toFixed(1)} s, ${Math.round(events / (oursMs / 1000)).toLocaleString('en-US')} events/s (concurrency ${CONCURRENCY}, best of ${ROUNDS})`,
  );
  console.log(
    `  floor: ${(floorMs / 1000).toFixed(1)} s, ${Math.round(events / (floorMs / 1000)).toLocaleString('en-US')} events/s (plain COPY … PARTITION_BY, zstd, best of ${ROUNDS})`,
  );
  console.log(`  ratio: ${(oursMs / floorMs).toFixed(2)} (goal ≤ 1.5)`);
  // CPU time (DuckDB's threads included) is the steadier figure on a machine shared with other work.
  console.log(
    `  cpu:   ours ${best('oursCpu').toFixed(1)} s, floor ${best('floorCpu').toFixed(1)} s, ratio ${(best('oursCpu') / best('floorCpu')).toFixed(2)}`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

async function runRound(template: string, work: string): Promise<Round> {
  fs.cpSync(template, path.join(work, 'lake'), { recursive: true });
  const lake = openLake(path.join(work, 'lake'));
  const engine = createPipelineEngine(lake);
  try {
    const range = fromInclusive('2024-05-01', addDays('2024-05-01', DAYS - 1));
    // Floor: typed read of every JSON line (bad lines dropped), then the same transformation as
    // the models — lineage columns, the event-day window, the dedup window with stg_activity's
    // ordering, all of fct_daily_club_activity's counts — and partitioned writes. read_json's
    // ignore_errors nulls or rounds a wrongly typed field instead of dropping the line, so the
    // floor keeps a few rows (under 0.1%) that the pipeline quarantines: it checks less. It writes
    // the Parquet the pipeline writes (zstd, the tables' default codec): the floor of the same output.
    const raw = path.join(lake.layout.raw, 'activity', '*', '*.jsonl');
    const out = path.join(work, 'floor');
    const [first, end] = [range.start, range.end];
    fs.mkdirSync(out, { recursive: true });
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    await engine.run(`
      CREATE TABLE floor_stg AS
      SELECT event_id, event_type, event_ts, event_date, user_id, club_id, player_id, request_id, pitch_id, search_query,
             session_id, device, _arrival_date AS arrival_date, CAST(_arrival_date - event_date AS INTEGER) AS arrival_delay_days,
             source_file
      FROM (
        SELECT *, CAST(event_ts AS DATE) AS event_date,
               TRY_CAST(regexp_extract(filename, 'dt=(\\d{4}-\\d{2}-\\d{2})', 1) AS DATE) AS _arrival_date,
               regexp_extract(filename, '(dt=[0-9-]+[/\\\\][^/\\\\]+)$', 1) AS source_file
        FROM read_json('${raw}', format = 'newline_delimited', ignore_errors = true, filename = true,
          columns = {event_id: 'VARCHAR', event_type: 'VARCHAR', event_ts: 'TIMESTAMP', user_id: 'BIGINT', club_id: 'INTEGER',
                     player_id: 'INTEGER', request_id: 'VARCHAR', pitch_id: 'VARCHAR', search_query: 'VARCHAR', session_id: 'VARCHAR', device: 'VARCHAR'})
        WHERE event_id IS NOT NULL AND event_ts IS NOT NULL AND user_id IS NOT NULL AND club_id IS NOT NULL
          AND event_type IN ('login', 'player_search', 'player_profile_view', 'shortlist_add', 'transfer_request_created',
                             'pitch_sent', 'pitch_viewed', 'message_sent')
      )
      WHERE event_date >= DATE '${first}' AND event_date < DATE '${end}'
      QUALIFY row_number() OVER (
        PARTITION BY event_id ORDER BY _arrival_date, source_file, event_ts, event_type, user_id, club_id) = 1;
      COPY floor_stg TO '${out}/stg' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date));
      COPY (SELECT club_id, event_date AS activity_date, count(DISTINCT user_id) AS active_users,
                   count(*) FILTER (WHERE event_type = 'login') AS logins, count(*) FILTER (WHERE event_type = 'player_search') AS searches,
                   count(*) FILTER (WHERE event_type = 'player_profile_view') AS profile_views,
                   count(*) FILTER (WHERE event_type = 'shortlist_add') AS shortlist_adds,
                   count(*) FILTER (WHERE event_type = 'transfer_request_created') AS transfer_requests,
                   count(*) FILTER (WHERE event_type = 'pitch_sent') AS pitches_sent,
                   count(*) FILTER (WHERE event_type = 'pitch_viewed') AS pitches_viewed,
                   count(*) FILTER (WHERE event_type = 'message_sent') AS messages
            FROM floor_stg GROUP BY club_id, event_date) TO '${out}/fct' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (activity_date));`);
    const floorMs = performance.now() - t1;
    const floorCpu = cpuSeconds(c1);
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    const summary = await executeRun(
      lake,
      engine,
      { kind: 'backfill', models: ['stg_activity', 'fct_daily_club_activity'], range },
      { concurrency: CONCURRENCY },
    );
    const oursMs = performance.now() - t2;
    const oursCpu = cpuSeconds(c2);
    console.log(
      `pipeline backfill — ${summary.succeeded}/${summary.tasks} tasks, ${summary.failed} failed, ${summary.quarantined.toLocaleString('en-US')} lines quarantined`,
    );
    return { oursMs, floorMs, oursCpu, floorCpu };
  } finally {
    await engine.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

async function generate(target: string): Promise<void> {
  const t0 = performance.now();
  const cacheRoot = process.env['LH_BENCH_CACHE'];
  const cached = cacheRoot ? path.join(cacheRoot, `lake-${DAYS}x${PER_DAY}`) : null;
  if (cached && fs.existsSync(path.join(cached, 'lakehouse.yml'))) {
    fs.cpSync(cached, target, { recursive: true });
    console.log(
      `copied the generated lake from ${cached} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return;
  }
  await initLake({ dir: target, sample: true, days: DAYS, eventsPerDay: PER_DAY });
  console.log(
    `generated ${DAYS} days × ${PER_DAY.toLocaleString('en-US')} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (cached) fs.cpSync(target, cached, { recursive: true });
}
