// Publish throughput to PostgreSQL: 1M rows of fct_daily_club_activity-shaped
// data (10 daily partitions of 100k) published by the full protocol (export
// from Delta, COPY into staging, per-day delete + insert transaction, ledger),
// against the floor: one plain `COPY … FROM STDIN` of the same rows into an
// empty table of the same shape, in the same run.
// Run: LAKEHOUSE_TEST_PG=postgres://… npx tsx bench/publish.ts [rows] [days]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createPipelineEngine, deltaTools, initLake, openLake } from '../src/pipeline';
import { runPublish } from '../src/pipeline/publish';

const URL_TEXT =
  process.env['LAKEHOUSE_TEST_PG'] ?? 'postgres://lakehouse:lakehouse@127.0.0.1:5432/lakehouse_test';
const ROWS = Number(process.argv[2] ?? 1_000_000);
const DAYS = Number(process.argv[3] ?? 10);
const ROUNDS = 3;
const SCHEMA = 'lh_publish_bench';
const COLUMNS =
  'club_id integer NOT NULL, activity_date date NOT NULL, active_users bigint, logins bigint, searches bigint, profile_views bigint, shortlist_adds bigint, transfer_requests bigint, pitches_sent bigint, pitches_viewed bigint, messages bigint, PRIMARY KEY (club_id, activity_date)';

const SQL = `SELECT CAST(i // ${DAYS} AS INTEGER) AS club_id, DATE '2024-05-01' + CAST(i % ${DAYS} AS INTEGER) AS activity_date,
  CAST(i % 97 AS BIGINT) AS active_users, CAST(i % 13 AS BIGINT) AS logins, CAST(i % 31 AS BIGINT) AS searches,
  CAST(i % 57 AS BIGINT) AS profile_views, CAST(i % 7 AS BIGINT) AS shortlist_adds, CAST(i % 3 AS BIGINT) AS transfer_requests,
  CAST(i % 5 AS BIGINT) AS pitches_sent, CAST(i % 11 AS BIGINT) AS pitches_viewed, CAST(i % 17 AS BIGINT) AS messages
  FROM range(${ROWS}) AS r(i)`;

const u = new URL(URL_TEXT);
process.env['LH_BENCH_PG_PASSWORD'] = decodeURIComponent(u.password);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-bench-publish-'));
const dir = path.join(work, 'lake');
await initLake({ dir, sample: false });
fs.appendFileSync(
  path.join(dir, 'lakehouse.yml'),
  `\npublish:\n  pg:\n    kind: postgres\n    server: ${u.hostname}\n    port: ${Number(u.port) || 5432}\n    database: ${u.pathname.slice(1)}\n    schema: ${SCHEMA}\n    user: ${decodeURIComponent(u.username)}\n    password_env: LH_BENCH_PG_PASSWORD\n    encrypt: false\n    tables:\n      - table: marts.fct_daily_club_activity\n        primary_key: [club_id, activity_date]\n`,
);
const lake = openLake(dir);
const engine = createPipelineEngine(lake);
const client = new pg.Client({ connectionString: URL_TEXT });
await client.connect();

try {
  const table = deltaTools.localTable(
    path.join(lake.layout.tables, 'marts', 'fct_daily_club_activity'),
    engine,
  );
  deltaTools.requireCommitted(
    await deltaTools.writeDelta(table, { sql: SQL, mode: 'overwrite', partitionBy: ['activity_date'] }),
    'bench table',
  );
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  const env = {
    kind: 'environment',
    get: (_t: string, name: string | null) => Promise.resolve(name ? (process.env[name] ?? null) : null),
    set: () => Promise.resolve(false),
  };
  const publish = async (): Promise<number> => {
    const t0 = performance.now();
    const r = await runPublish({
      lake,
      engine,
      secrets: env,
      target: 'pg',
      table: 'marts.fct_daily_club_activity',
      force: true,
    });
    if (r.status !== 'done' || r.rows !== ROWS)
      throw new Error(`publish ended ${r.status}: ${r.error ?? ''}`);
    return (performance.now() - t0) / 1000;
  };
  const firstS = await publish(); // creates the schema and the table: inserts only
  // The floor: the same rows as one CSV, COPYed into an empty table of the same shape.
  const csv = path.join(work, 'rows.csv');
  await engine.run(`COPY (${SQL}) TO '${csv}' (FORMAT csv, HEADER false)`);
  await client.query(`CREATE TABLE ${SCHEMA}.floor (${COLUMNS})`);
  const floor = async (): Promise<number> => {
    await client.query(`TRUNCATE ${SCHEMA}.floor`);
    const t0 = performance.now();
    await pipeline(
      fs.createReadStream(csv, { highWaterMark: 1 << 20 }),
      client.query(copyFrom(`COPY ${SCHEMA}.floor FROM STDIN (FORMAT csv)`)),
    );
    return (performance.now() - t0) / 1000;
  };
  // Rounds alternate publish and floor, and the best of each counts, so a busy machine
  // slows both sides of the ratio alike.
  const agains: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    agains.push(await publish()); // steady state: every day deleted and re-inserted
    floors.push(await floor());
  }
  const againS = Math.min(...agains);
  const floorS = Math.min(...floors);
  const rate = (s: number): string => `${Math.round(ROWS / s).toLocaleString('en-US')} rows/s`;
  console.log(
    `publish ${ROWS.toLocaleString('en-US')} rows in ${DAYS} daily partitions to PostgreSQL (${u.hostname}):`,
  );
  console.log(`  first publish (creates the table):   ${firstS.toFixed(2)} s  ${rate(firstS)}`);
  console.log(
    `  re-publish (delete + insert per day): ${againS.toFixed(2)} s  ${rate(againS)}  (best of ${ROUNDS})`,
  );
  console.log(
    `  floor, one plain COPY FROM STDIN:     ${floorS.toFixed(2)} s  ${rate(floorS)}  (best of ${ROUNDS})`,
  );
  console.log(
    `  ratio to the floor: first ${(floorS / firstS).toFixed(2)}, re-publish ${(floorS / againS).toFixed(2)}`,
  );
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
} finally {
  await client.end();
  await engine.dispose();
  fs.rmSync(work, { recursive: true, force: true });
}
