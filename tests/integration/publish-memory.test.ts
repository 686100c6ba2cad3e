// Publishing a big partition keeps memory flat: 1M rows of a fact-shaped Delta
// table (one partition) against 100k rows, both to real PostgreSQL, with the
// process's heap and RSS sampled while each runs. A publisher that held a
// partition in memory would grow by hundreds of MB between the two.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineEngine, deltaTools, initLake, openLake } from '../../src/pipeline';
import type { EngineClient, Lake } from '../../src/pipeline';
import { runPublish } from '../../src/pipeline/publish';
import type { SecretStore } from '../../src/pipeline/service/context';

const PG = process.env['LAKEHOUSE_TEST_PG'];
const SCHEMA = 'lh_publish_memory';

const env: SecretStore = {
  kind: 'environment',
  get: (_t, name) => Promise.resolve(name ? (process.env[name] ?? null) : null),
  set: () => Promise.resolve(false),
};

/** fct_daily_club_activity-shaped rows: one day, `n` clubs. */
function syntheticFactSql(n: number, day = '2024-05-01'): string {
  return `SELECT CAST(i AS INTEGER) AS club_id, DATE '${day}' AS activity_date,
    CAST(i % 97 AS BIGINT) AS active_users, CAST(i % 13 AS BIGINT) AS logins, CAST(i % 31 AS BIGINT) AS searches,
    CAST(i % 57 AS BIGINT) AS profile_views, CAST(i % 7 AS BIGINT) AS shortlist_adds, CAST(i % 3 AS BIGINT) AS transfer_requests,
    CAST(i % 5 AS BIGINT) AS pitches_sent, CAST(i % 11 AS BIGINT) AS pitches_viewed, CAST(i % 17 AS BIGINT) AS messages
    FROM range(${n}) AS r(i)`;
}

interface Peak {
  heapMb: number;
  rssMb: number;
  rows: number;
  seconds: number;
}

describe.skipIf(!PG)(`publish memory${PG ? '' : ' (skipped: LAKEHOUSE_TEST_PG is not set)'}`, () => {
  let work: string;
  let lake: Lake;
  let engine: EngineClient;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-publish-mem-'));
    const dir = path.join(work, 'lake');
    await initLake({ dir, sample: false });
    const u = new URL(PG ?? '');
    process.env['LH_TEST_MEM_PW'] = decodeURIComponent(u.password);
    const tables = [100_000, 1_000_000]
      .map((n) => `      - table: marts.fct_synth_${n}\n        primary_key: [club_id, activity_date]`)
      .join('\n');
    fs.appendFileSync(
      path.join(dir, 'lakehouse.yml'),
      `\npublish:\n  pg:\n    kind: postgres\n    server: ${u.hostname}\n    port: ${Number(u.port) || 5432}\n    database: ${u.pathname.slice(1)}\n    schema: ${SCHEMA}\n    user: ${decodeURIComponent(u.username)}\n    password_env: LH_TEST_MEM_PW\n    encrypt: false\n    tables:\n${tables}\n`,
    );
    lake = openLake(dir);
    engine = createPipelineEngine(lake);
    for (const n of [100_000, 1_000_000]) {
      const table = deltaTools.localTable(path.join(lake.layout.tables, 'marts', `fct_synth_${n}`), engine);
      deltaTools.requireCommitted(
        await deltaTools.writeDelta(table, {
          sql: syntheticFactSql(n),
          mode: 'overwrite',
          partitionBy: ['activity_date'],
        }),
        'synthetic fact',
      );
    }
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await client.end();
  }, 120_000);

  afterAll(async () => {
    await engine?.dispose();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  async function measured(n: number): Promise<Peak> {
    const base = process.memoryUsage();
    let heap = base.heapUsed;
    let rss = base.rss;
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      heap = Math.max(heap, m.heapUsed);
      rss = Math.max(rss, m.rss);
    }, 10);
    const started = performance.now();
    try {
      const r = await runPublish({
        lake,
        engine,
        secrets: env,
        target: 'pg',
        table: `marts.fct_synth_${n}`,
        force: true,
      });
      expect(r.error).toBeNull();
      expect(r.rows).toBe(n);
      return {
        heapMb: (heap - base.heapUsed) / 2 ** 20,
        rssMb: (rss - base.rss) / 2 ** 20,
        rows: r.rows,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      clearInterval(timer);
    }
  }

  it('1M rows grow memory no more than 100k rows do (plus noise)', async () => {
    await measured(100_000); // warm-up: connections, JIT, DuckDB caches
    const small = await measured(100_000);
    const big = await measured(1_000_000);
    const line = (p: Peak): string =>
      `${p.rows} rows: heap +${p.heapMb.toFixed(1)} MB, RSS +${p.rssMb.toFixed(1)} MB, ${p.seconds.toFixed(2)} s (${Math.round(p.rows / p.seconds)} rows/s)`;
    console.log(`publish memory: ${line(small)}; ${line(big)}`);
    // Holding 1M rows of this shape in JS would take several hundred MB of heap.
    expect(big.heapMb).toBeLessThan(small.heapMb + 48);
    expect(big.rssMb).toBeLessThan(small.rssMb + 160);
  }, 300_000);
});
