// The publish protocol end to end against real servers: PostgreSQL from
// LAKEHOUSE_TEST_PG, and SQL Server from LAKEHOUSE_TEST_MSSQL when set (skipped
// with the reason otherwise). A 14-day fact from a generated sample lake is
// published and read back row by row against an independent read of the Delta
// table; changed days are the only ones re-sent; a connection killed in the
// middle of a partition leaves that day's old rows and a re-run has no
// duplicates; bad passwords and unreachable hosts fail with clear messages.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipelineEngine, deltaTools, executeRun, initLake, openLake } from '../../src/pipeline';
import type { EngineClient, Lake } from '../../src/pipeline';
import { ledgerHistory, ledgerTable, runPublish } from '../../src/pipeline/publish';
import type { PublishHooks, PublishResult } from '../../src/pipeline/publish';
import type { SecretStore } from '../../src/pipeline/service/context';
import type { PublishProgress } from '../../src/shared/contract';
import { checkClient, passwordOf, targetYaml, testServers } from './publish-servers';
import type { CheckClient } from './publish-servers';

const FACT = 'marts.fct_daily_club_activity';
const COLUMNS = [
  'club_id',
  'activity_date',
  'active_users',
  'logins',
  'searches',
  'profile_views',
  'shortlist_adds',
  'transfer_requests',
  'pitches_sent',
  'pitches_viewed',
  'messages',
];

const env: SecretStore = {
  kind: 'environment',
  get: (_target, name) => Promise.resolve(name ? (process.env[name] ?? null) : null),
  set: () => Promise.resolve(false),
};

/** The live files of a Delta table by replaying its JSON commits here (not through src/pipeline/delta). */
function liveFiles(dir: string): string[] {
  const log = path.join(dir, '_delta_log');
  const live = new Set<string>();
  for (const f of fs
    .readdirSync(log)
    .filter((n) => /^\d{20}\.json$/.test(n))
    .sort()) {
    for (const line of fs.readFileSync(path.join(log, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const a = JSON.parse(line) as { add?: { path: string }; remove?: { path: string } };
      if (a.add) live.add(decodeURIComponent(a.add.path));
      if (a.remove) live.delete(decodeURIComponent(a.remove.path));
    }
  }
  return [...live].map((p) => path.join(dir, p));
}

/** Every row of the fact from its parquet files, as text, read by a DuckDB of its own. */
async function deltaRows(dir: string, where = 'true'): Promise<string[][]> {
  const files = liveFiles(dir);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const list = `[${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}]`;
    const cols = COLUMNS.map((c) => `CAST(${c} AS VARCHAR)`).join(', ');
    const r = await conn.runAndReadAll(
      `SELECT ${cols} FROM read_parquet(${list}, hive_partitioning = true, hive_types = {'activity_date': DATE}) WHERE ${where} ORDER BY activity_date, club_id`,
    );
    return r.getRowsJson().map((row) => row.map((v) => (v === null ? 'NULL' : String(v))));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

for (const server of testServers()) {
  if (server.skip) console.warn(`publish integration suite for ${server.kind} skipped: ${server.skip}`);
  describe.skipIf(server.skip !== null)(
    `publishing to ${server.kind}${server.skip ? ` (skipped: ${server.skip})` : ''}`,
    () => {
      let work: string;
      let lake: Lake;
      let engine: EngineClient;
      let check: CheckClient;
      let days: string[] = [];
      const target = `t_${server.kind}`;
      const factDir = (): string => path.join(lake.layout.tables, 'marts', 'fct_daily_club_activity');
      const text = (c: string): string =>
        server.kind === 'postgres' ? `${c}::text` : `CONVERT(NVARCHAR(100), ${c}, 23)`;
      const targetRows = (where = '1 = 1'): Promise<string[][]> =>
        check.rows(
          // Qualified names sort by the columns themselves, not by their text output.
          `SELECT ${COLUMNS.map((c) => text(`t.${c}`)).join(', ')} FROM ${server.schema}.fct_daily_club_activity t WHERE ${where} ORDER BY t.activity_date, t.club_id`,
        );
      const publish = (
        extra: Partial<Parameters<typeof runPublish>[0]> & { target?: string } = {},
      ): Promise<PublishResult> =>
        runPublish({ lake, engine, secrets: env, target, table: FACT, retry: { baseMs: 20 }, ...extra });

      /** Ends the publisher's server session from a second one, and waits until it is gone. */
      async function killSession(session: number): Promise<void> {
        if (server.kind !== 'postgres') {
          await check.exec(`KILL ${session}`);
          return;
        }
        await check.exec(`SELECT pg_terminate_backend(${session})`);
        for (let i = 0; i < 100; i++) {
          const alive = await check.rows(`SELECT 1 FROM pg_stat_activity WHERE pid = ${session}`);
          if (alive.length === 0) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }

      /** Rewrites two days of the fact in the lake (logins + bump), as a backfill that changed rows would. */
      async function changeDays(which: string[], bump: number): Promise<void> {
        const table = deltaTools.localTable(factDir(), engine);
        const snap = await deltaTools.loadSnapshot(table);
        const inList = which.map((d) => `DATE '${d}'`).join(', ');
        const sql = `SELECT * REPLACE (logins + ${bump} AS logins) FROM (${await deltaTools.scanSql(snap)}) WHERE activity_date IN (${inList})`;
        deltaTools.requireCommitted(
          await deltaTools.writeDelta(table, { sql, mode: 'replacePartitions' }),
          'test',
        );
      }

      beforeAll(async () => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-publish-'));
        const dir = path.join(work, 'lake');
        await initLake({ dir, sample: true, days: 14, eventsPerDay: 300, seed: 5 });
        process.env['LH_TEST_PUBLISH_PW'] = passwordOf(server);
        process.env['LH_TEST_PUBLISH_BAD_PW'] = 'not-the-password';
        const table = `      - table: ${FACT}\n        primary_key: [club_id, activity_date]\n      - table: marts.all_types\n        primary_key: [id, day]\n      - table: core.dim_club\n        primary_key: [club_id]`;
        fs.appendFileSync(
          path.join(dir, 'lakehouse.yml'),
          `publish:\n${targetYaml(server, target, 'LH_TEST_PUBLISH_PW', table)}\n${targetYaml(server, 'badpw', 'LH_TEST_PUBLISH_BAD_PW', table)}\n${targetYaml(server, 'down', 'LH_TEST_PUBLISH_PW', table, 1)}\n`,
        );
        lake = openLake(dir);
        engine = createPipelineEngine(lake);
        const run = await executeRun(lake, engine, { kind: 'run' });
        expect(run.failed).toBe(0);
        check = await checkClient(server);
        await check.exec(
          server.kind === 'postgres'
            ? `DROP SCHEMA IF EXISTS ${server.schema} CASCADE`
            : `IF OBJECT_ID('${server.schema}.fct_daily_club_activity') IS NOT NULL DROP TABLE ${server.schema}.fct_daily_club_activity`,
        );
        days = [...new Set((await deltaRows(factDir())).map((r) => r[1] ?? ''))].sort();
      }, 240_000);

      afterAll(async () => {
        await check?.close();
        await engine?.dispose();
        if (work) fs.rmSync(work, { recursive: true, force: true });
      });

      it('publishes a 14-day fact, every row equal to the Delta table', async () => {
        expect(days).toHaveLength(14);
        const progress: PublishProgress[] = [];
        const r = await publish({ onProgress: (p) => progress.push(p) });
        expect(r.error).toBeNull();
        expect(r).toMatchObject({ status: 'done', published: 14, skipped: 0, failed: 0 });
        const lakeRows = await deltaRows(factDir());
        expect(r.rows).toBe(lakeRows.length);
        expect(await targetRows()).toEqual(lakeRows);
        expect(progress.filter((p) => p.phase === 'done')).toHaveLength(14);
        expect(progress.at(-1)).toMatchObject({ completed: 14, total: 14 });
      });

      it('re-sends only the two days that changed; the other 12 are skipped', async () => {
        const changed = [days[3] ?? '', days[9] ?? ''];
        await changeDays(changed, 1000);
        const progress: PublishProgress[] = [];
        const r = await publish({ onProgress: (p) => progress.push(p) });
        expect(r).toMatchObject({ status: 'done', published: 2, skipped: 12, failed: 0 });
        expect(r.partitions.filter((p) => p.status === 'done').map((p) => p.partition)).toEqual(changed);
        expect(progress.filter((p) => p.phase === 'skipped')).toHaveLength(12);
        const history = await ledgerHistory(ledgerTable(lake.layout, engine), { target, limit: 1000 });
        const mine = history.filter((h) => h.publishId === r.publishId);
        expect(mine.filter((h) => h.status === 'skipped')).toHaveLength(12);
        expect(
          mine
            .filter((h) => h.status === 'done')
            .map((h) => h.partition)
            .sort(),
        ).toEqual(changed);
        // A skipped day keeps the version of its own last change, not the table's newest version.
        const firstDone = new Map(
          history
            .filter((h) => h.publishId !== r.publishId && h.status === 'done')
            .map((h) => [h.partition, h.version]),
        );
        for (const h of mine.filter((x) => x.status === 'skipped'))
          expect(h.version).toBe(firstDone.get(h.partition));
        const current = (await deltaTools.loadSnapshot(deltaTools.localTable(factDir(), engine))).version;
        for (const h of mine.filter((x) => x.status === 'done')) expect(h.version).toBe(current);
        expect(await targetRows()).toEqual(await deltaRows(factDir()));
      });

      it('a connection killed in the middle of a partition leaves that day as it was; a re-run completes without duplicates', async () => {
        const day = days[5] ?? '';
        const before = await targetRows(`activity_date = '${day}'`);
        await changeDays([day], 7);
        let session = -1;
        let killed = false;
        const hooks: PublishHooks = {
          onConnect: async (adapter) => {
            session = await adapter.sessionId();
          },
          onChunk: async (info) => {
            if (info.partition !== day || killed) return;
            killed = true;
            await killSession(session);
          },
        };
        const failed = await publish({ hooks, retry: { attempts: 1 } });
        expect(killed).toBe(true);
        expect(failed).toMatchObject({ status: 'failed', failed: 1, published: 0 });
        expect(failed.error).toContain(day);
        expect(await targetRows(`activity_date = '${day}'`)).toEqual(before);

        const again = await publish();
        expect(again).toMatchObject({ status: 'done', published: 1, skipped: 13 });
        expect(await targetRows()).toEqual(await deltaRows(factDir()));
        const dupes = await check.rows(
          `SELECT club_id, activity_date FROM ${server.schema}.fct_daily_club_activity GROUP BY club_id, activity_date HAVING count(*) > 1`,
        );
        expect(dupes).toEqual([]);
      });

      it('retries a partition whose connection drops, starting it over on a new one', async () => {
        const day = days[7] ?? '';
        await changeDays([day], 3);
        let session = -1;
        const hooks: PublishHooks = {
          onConnect: async (adapter) => {
            session = await adapter.sessionId();
          },
          onChunk: async (info) => {
            if (info.partition !== day || info.attempt !== 1) return;
            await killSession(session);
          },
        };
        const progress: PublishProgress[] = [];
        const r = await publish({
          hooks,
          retry: { attempts: 3, baseMs: 20 },
          onProgress: (p) => progress.push(p),
        });
        expect(r).toMatchObject({ status: 'done', published: 1, failed: 0 });
        expect(r.partitions.find((p) => p.partition === day)?.attempts).toBe(2);
        expect(progress.some((p) => p.phase === 'retrying' && p.partition === day)).toBe(true);
        expect(await targetRows()).toEqual(await deltaRows(factDir()));
      });

      it('cancelling in the middle of a partition stops the publish and leaves that day as it was', async () => {
        const day = days[11] ?? '';
        const before = await targetRows(`activity_date = '${day}'`);
        await changeDays([day], 11);
        const controller = new AbortController();
        const r = await publish({
          signal: controller.signal,
          hooks: {
            onChunk: (info) => {
              if (info.partition === day) controller.abort();
            },
          },
        });
        expect(r.status).toBe('cancelled');
        expect(await targetRows(`activity_date = '${day}'`)).toEqual(before);
        const again = await publish();
        expect(again).toMatchObject({ status: 'done', published: 1, skipped: 13 });
        expect(await targetRows()).toEqual(await deltaRows(factDir()));
      });

      it.skipIf(server.kind !== 'postgres')(
        'carries every Delta type exactly: text with quotes and newlines, NULL vs empty, floats, decimals, times, bytes',
        async () => {
          const table = deltaTools.localTable(path.join(lake.layout.tables, 'marts', 'all_types'), engine);
          const sql = `SELECT * FROM (VALUES
        (1, DATE '2024-05-01', 'a,"b"' || chr(10) || 'c', 0.1::DOUBLE, 0.33333334::FLOAT, 12345678901234.56::DECIMAL(18,2), true, TIMESTAMP '2024-05-01 10:00:00.123456', TIMESTAMPTZ '2024-05-01 10:00:00.123456+00', '\\x00\\xFF'::BLOB, -5::TINYINT, 9007199254740993::BIGINT),
        (2, DATE '2024-05-01', '', NULL, NULL, NULL, false, NULL, NULL, ''::BLOB, NULL, NULL),
        (3, DATE '2024-05-02', NULL, 1e300::DOUBLE, NULL, -0.01::DECIMAL(18,2), NULL, TIMESTAMP '1999-12-31 23:59:59', TIMESTAMPTZ '2024-05-01 23:30:00+02', NULL, 127::TINYINT, -1::BIGINT)
      ) AS t(id, day, s, d, f, dec, b, ts, tstz, bin, tiny, big)`;
          deltaTools.requireCommitted(
            await deltaTools.writeDelta(table, { sql, mode: 'overwrite', partitionBy: ['day'] }),
            'types',
          );
          const r = await publish({ table: 'marts.all_types' });
          expect(r.error).toBeNull();
          expect(r).toMatchObject({ status: 'done', published: 2, rows: 3 });
          await check.exec("SET TimeZone = 'UTC'");
          const rows = await check.rows(
            `SELECT id::text, day::text, s, d::text, f::text, dec::text, b::text, ts::text, tstz::text, encode(bin, 'hex'), tiny::text, big::text FROM ${server.schema}.all_types ORDER BY id`,
          );
          expect(rows).toEqual([
            [
              '1',
              '2024-05-01',
              'a,"b"\nc',
              '0.1',
              '0.33333334',
              '12345678901234.56',
              'true',
              '2024-05-01 10:00:00.123456',
              '2024-05-01 10:00:00.123456+00',
              '00ff',
              '-5',
              '9007199254740993',
            ],
            ['2', '2024-05-01', '', 'NULL', 'NULL', 'NULL', 'false', 'NULL', 'NULL', '', 'NULL', 'NULL'],
            [
              '3',
              '2024-05-02',
              'NULL',
              '1e+300',
              'NULL',
              '-0.01',
              'NULL',
              '1999-12-31 23:59:59',
              '2024-05-01 21:30:00+00',
              'NULL',
              '127',
              '-1',
            ],
          ]);
        },
      );

      it('adds a lake column the target lacks and re-sends; refuses a column whose type changed', async () => {
        const dim = `${server.schema}.dim_club`;
        expect(await publish({ table: 'core.dim_club' })).toMatchObject({ status: 'done', published: 1 });
        const pg = server.kind === 'postgres';
        await check.exec(`ALTER TABLE ${dim} DROP COLUMN league`);
        await check.exec(
          pg
            ? `ALTER TABLE ${dim} ALTER COLUMN tier TYPE bigint`
            : `ALTER TABLE ${dim} ALTER COLUMN tier BIGINT`,
        );
        const refused = await publish({ table: 'core.dim_club' });
        expect(refused.status).toBe('failed');
        expect(refused.error).toMatch(
          /'tier' is (bigint|BIGINT) there but (integer|INT) from the lake \(INTEGER\)/,
        );
        expect(refused.error).toMatch(/ALTER COLUMN|drop the table/);
        await check.exec(
          pg
            ? `ALTER TABLE ${dim} ALTER COLUMN tier TYPE integer`
            : `ALTER TABLE ${dim} ALTER COLUMN tier INT`,
        );
        const added = await publish({ table: 'core.dim_club' });
        expect(added).toMatchObject({ status: 'done', published: 1 });
        const [[rows, leagues]] = (await check.rows(`SELECT count(*), count(league) FROM ${dim}`)) as [
          [string, string],
        ];
        expect(Number(rows)).toBeGreaterThan(0);
        expect(leagues).toBe(rows);
      });

      it('a dry run lists the statements and row counts without connecting', async () => {
        const { previewOf, planPublish } = await import('../../src/pipeline/publish');
        const plan = await planPublish(lake, engine, {
          target: 'down',
          table: FACT,
          from: days[0],
          to: days[1],
        });
        const preview = await previewOf(engine, plan);
        expect(preview.partitions.map((p) => p.partition)).toEqual([days[0], days[1]]);
        const counts = await deltaRows(factDir(), `activity_date IN ('${days[0]}', '${days[1]}')`);
        expect(preview.partitions.reduce((n, p) => n + p.rows, 0)).toBe(counts.length);
        expect(preview.statements.join('\n')).toMatch(/DELETE FROM .*fct_daily_club_activity/);
      });

      it('a wrong password fails with a message naming the target, the server and the fix', async () => {
        const r = await publish({ target: 'badpw' });
        expect(r.status).toBe('failed');
        expect(r.error).toMatch(/target 'badpw'/);
        expect(r.error).toContain(server.url?.hostname ?? '');
        expect(r.error).toMatch(/password.*LH_TEST_PUBLISH_BAD_PW/);
        // The history shows the failure against the days it was going to send.
        const history = await ledgerHistory(ledgerTable(lake.layout, engine), {
          target: 'badpw',
          limit: 100,
        });
        expect(history.filter((h) => h.publishId === r.publishId && h.status === 'failed')).toHaveLength(14);
        expect(history[0]?.error).toBe(r.error);
      });

      it('an unreachable server fails with a message naming the target, the server and the fix', async () => {
        const r = await publish({ target: 'down' });
        expect(r.status).toBe('failed');
        expect(r.error).toMatch(/Cannot reach target 'down' \(.*:1,/);
        expect(r.error).toMatch(/Check 'server' and 'port'/);
      });
    },
  );
}
