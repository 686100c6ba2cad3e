// Publishing from the UI to a real PostgreSQL, end to end: the target from lakehouse.yml is
// listed without a password, Test connection says so, a password typed in the page makes it
// connect, the Publish dialog previews the DDL and per-day row counts, publishes with live
// progress, and the rows that land in PostgreSQL match the Delta table day by day (counted
// through the lake's SQL engine, independently of the publisher). A second preview skips every
// day as already published. Needs LAKEHOUSE_TEST_PG; skipped with the reason without it.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callService, closeAll, describeE2E, openPage, sampleLake, screenshot, startServe } from './harness';
import type { OpenedPage, ServeProcess } from './harness';

const PG_ENV = process.env['LAKEHOUSE_TEST_PG'];
// Vitest still collects a skipped suite's body, so it gets a URL it never connects to.
const PG = PG_ENV ?? 'postgres://unset@127.0.0.1:5432/unset';
const SCHEMA = `lh_e2e_ui_${process.pid}`;
const TABLE = 'marts.fct_daily_club_activity';
const DAYS = ['2024-05-01', '2024-05-02', '2024-05-03'];

if (PG_ENV === undefined)
  console.warn('[e2e] publish from the UI skipped: LAKEHOUSE_TEST_PG is not set (a PostgreSQL URL)');

describeE2E('publish from the UI', () => {
  describe.skipIf(PG_ENV === undefined)('against the PostgreSQL in LAKEHOUSE_TEST_PG', () => {
    const url = new URL(PG);
    const password = decodeURIComponent(url.password);
    let serve: ServeProcess;
    let opened: OpenedPage;
    let client: pg.Client;

    beforeAll(async () => {
      client = new pg.Client({ connectionString: PG });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      const lake = await sampleLake({ days: 3, eventsPerDay: 1000, fresh: true });
      // The password is not in the environment: the only way in is the one typed in the page.
      appendFileSync(
        path.join(lake, 'lakehouse.yml'),
        `publish:\n  pg:\n    kind: postgres\n    server: ${url.hostname}\n    port: ${Number(url.port) || 5432}\n` +
          `    database: ${url.pathname.slice(1)}\n    schema: ${SCHEMA}\n    user: ${decodeURIComponent(url.username)}\n` +
          `    password_env: LH_E2E_UI_PG_PASSWORD_UNSET\n    encrypt: false\n    tables:\n` +
          `      - table: ${TABLE}\n        primary_key: [club_id, activity_date]\n`,
      );
      serve = await startServe(lake);
      opened = await openPage(serve);
    }, 240_000);

    afterAll(async () => {
      await client?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
      await client?.end();
      await closeAll();
    });

    it('saves a password, tests the connection, previews, publishes, and the rows match the lake', async () => {
      const { page } = opened;
      await page.getByTestId('nav-publish').click();
      const card = page.locator('[data-testid=publish-target-card][data-target=pg]');
      await card.waitFor({ timeout: 30_000 });
      expect(await card.getByTestId('publish-has-password').getAttribute('data-has')).toBe('false');

      await card.getByTestId('publish-test').click();
      const result = card.getByTestId('publish-test-result');
      await result.waitFor({ timeout: 30_000 });
      expect(await result.getAttribute('class')).toContain('bad');

      await card.getByTestId('publish-password').fill(password);
      await card.getByTestId('publish-password-save').click();
      await expect
        .poll(() => card.getByTestId('publish-has-password').getAttribute('data-has'), { timeout: 30_000 })
        .toBe('true');
      await expect.poll(() => card.textContent()).toContain('memory');
      await card.getByTestId('publish-test').click();
      await expect.poll(() => result.textContent(), { timeout: 30_000 }).toMatch(/Connected|PostgreSQL/i);
      expect(await result.getAttribute('class')).toContain('ok');
      await screenshot(page, 'publish-targets');

      await card.getByTestId('publish-open-target').click();
      const dialog = page.getByTestId('publish-dialog');
      await dialog.getByTestId('publish-range-from').fill(DAYS[0] ?? '');
      await dialog.getByTestId('publish-range-to').fill(DAYS[2] ?? '');
      await dialog.getByTestId('publish-range-to').press('Enter');
      await expect
        .poll(() => dialog.getByTestId('publish-send-count').textContent(), { timeout: 60_000 })
        .toBe(String(DAYS.length));
      const expected = await callService(serve, 'publish.preview', {
        target: 'pg',
        table: TABLE,
        from: DAYS[0],
        to: DAYS[2],
      });
      expect(expected.partitions.map((p) => p.partition)).toEqual(DAYS);
      for (const p of expected.partitions) {
        const row = dialog.locator(`[data-testid=publish-partition][data-partition="${p.partition}"]`);
        expect(await row.textContent()).toContain(p.rows.toLocaleString('en-US'));
      }
      expect(await dialog.getByTestId('publish-statements').textContent()).toMatch(/CREATE TABLE/i);
      await screenshot(page, 'publish-preview');

      await dialog.getByTestId('publish-start').click();
      const progress = dialog.getByTestId('publish-progress');
      await progress.waitFor({ timeout: 30_000 });
      await expect.poll(() => progress.getAttribute('data-status'), { timeout: 180_000 }).toBe('done');
      expect(await dialog.getByTestId('publish-result').textContent()).toContain(`${DAYS.length} published`);
      await screenshot(page, 'publish-done');

      // PostgreSQL holds, per day, exactly as many rows as the Delta table (counted by DuckDB).
      const lakeCounts = await callService(serve, 'query.run', {
        sql: `select cast(activity_date as varchar) as d, count(*) as n from ${TABLE} group by 1 order by 1`,
        queryId: 'e2e-publish-check',
      });
      const fromLake = Object.fromEntries(lakeCounts.rows.map((r) => [String(r[0]), Number(r[1])]));
      const fromPg = await client.query<{ d: string; n: string }>(
        `select to_char(activity_date, 'YYYY-MM-DD') as d, count(*) as n from ${SCHEMA}.fct_daily_club_activity group by 1 order by 1`,
      );
      expect(Object.fromEntries(fromPg.rows.map((r) => [r.d, Number(r.n)]))).toEqual(
        Object.fromEntries(DAYS.map((d) => [d, fromLake[d]])),
      );

      // The ledger's history is on the page, and the same days now preview as skipped.
      await page.keyboard.press('Escape');
      await expect
        .poll(() => page.locator('[data-testid=publish-history-row][data-status=done]').count(), {
          timeout: 30_000,
        })
        .toBe(DAYS.length);
      await page.getByTestId('publish-open').click();
      const again = page.getByTestId('publish-dialog');
      await again.getByTestId('publish-range-from').fill(DAYS[0] ?? '');
      await again.getByTestId('publish-range-to').fill(DAYS[2] ?? '');
      await again.getByTestId('publish-range-to').press('Enter');
      await expect
        .poll(() => again.getByTestId('publish-send-count').textContent(), { timeout: 60_000 })
        .toBe('0');
      expect(await again.locator('[data-testid=publish-partition][data-skip=true]').count()).toBe(
        DAYS.length,
      );
      expect(await again.getByTestId('publish-start').isDisabled()).toBe(true);
      await screenshot(page, 'publish-skipped');
      // No script errors in the page along the way (a missing favicon is not one).
      expect(opened.errors.filter((e) => !/favicon|404/.test(e))).toEqual([]);
    }, 300_000);
  });
});
