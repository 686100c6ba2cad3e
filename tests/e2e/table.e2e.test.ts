// End to end, in Chromium against `lakehouse serve`: the table view. Schema, partitions (their
// row counts add up to the table's), Delta history, time travel to an older version (the preview
// and the editor's count at that version are checked against the commit's own numOutputRows in
// the Delta log, an independent figure), and the column profile (null % checked against a count
// query). Each flow saves a screenshot under test-results/e2e/.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callService, closeAll, describeE2E, screenshot, workbench } from './harness';
import type { Workbench } from './harness';

const T = { timeout: 60_000 };
const TABLE = 'marts.fct_daily_club_activity';

async function setSql(page: Page, sql: string): Promise<void> {
  await page.locator('[data-testid=sql-editor] .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.insertText(sql);
}

/** The editor's visible text (Monaco renders spaces as no-break spaces). */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('[data-testid=sql-editor] .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

describeE2E('table view', () => {
  let wb: Workbench;
  beforeAll(async () => {
    wb = await workbench({ days: 3, eventsPerDay: 2000 });
    await wb.page.getByTestId('catalog-item').first().waitFor(T);
  }, 600_000);
  afterAll(closeAll);

  it('shows the schema and partitions of a table opened from the catalog', async () => {
    const { page, serve } = wb;
    const detail = await callService(serve, 'table.describe', { table: TABLE });
    await page.locator(`[data-testid=catalog-item][data-table="${TABLE}"]`).click();
    await expect.poll(() => page.getByTestId('table-view').getAttribute('data-table'), T).toBe(TABLE);
    await expect.poll(() => page.getByTestId('schema-row').count(), T).toBe(detail.columns.length);
    const schemaText = await page.getByTestId('table-view').textContent();
    for (const c of detail.columns) expect(schemaText).toContain(c.name);
    expect(await page.getByTestId('table-version').textContent()).toContain(String(detail.version));
    await screenshot(page, 'table-schema');

    await page.getByTestId('table-tab-partitions').click();
    await expect.poll(() => page.getByTestId('partition-row').count(), T).toBe(detail.partitionList.length);
    // Partition row counts add up to the table's row count.
    const cells = await page
      .getByTestId('partition-row')
      .evaluateAll((rows) =>
        rows.map((r) => (r.querySelectorAll('td')[1]?.textContent ?? '').replace(/\D/g, '')),
      );
    expect(cells.reduce((a, b) => a + Number(b), 0)).toBe(detail.rows);
    await screenshot(page, 'table-partitions');
  });

  it('lists the Delta history and previews an older version', async () => {
    const { page, serve } = wb;
    const history = await callService(serve, 'table.history', { table: TABLE });
    expect(history.length).toBeGreaterThan(1);
    const oldest = history.reduce((a, b) => (a.version < b.version ? a : b));
    // The commit's own record of how many rows it wrote: the independent figure.
    const writtenAtOldest = Number(oldest.metrics['numOutputRows']);
    expect(writtenAtOldest).toBeGreaterThan(0);

    await page.getByTestId('table-tab-history').click();
    await expect.poll(() => page.getByTestId('history-row').count(), T).toBe(history.length);
    const row = page.locator(`[data-testid=history-row][data-version="${oldest.version}"]`);
    expect(await row.textContent()).toContain(oldest.operation);
    await row.click();
    await page.getByTestId('time-travel-chip').waitFor(T);
    const preview = page.getByTestId('history-preview');
    await expect.poll(() => preview.textContent(), T).toContain(`VERSION AS OF ${oldest.version}`);
    const rows = page.getByTestId('history-preview-rows');
    await rows.waitFor(T);
    expect(Number(await rows.getAttribute('data-rows'))).toBe(Math.min(100, writtenAtOldest));
    await screenshot(page, 'table-history');

    // Open in editor: the version query lands in a new tab and runs there.
    await page.getByTestId('open-in-editor').click();
    await expect.poll(() => editorText(page), T).toContain(`VERSION AS OF ${oldest.version}`);
    await page.getByTestId('row-count').waitFor(T);

    // The table at that version has exactly the rows its first commit wrote.
    await setSql(page, `select count(*) as n from ${TABLE} version as of ${oldest.version}`);
    await page.keyboard.press('ControlOrMeta+Enter');
    const cell = page.locator(
      '[data-testid=results] [data-testid=grid-row][data-row="0"] [data-testid=grid-cell]',
    );
    await expect.poll(() => cell.first().textContent(), T).toBe(String(writtenAtOldest));
    await screenshot(page, 'table-time-travel-editor');
  });

  it('profiles the columns', async () => {
    const { page, serve } = wb;
    const detail = await callService(serve, 'table.describe', { table: TABLE });
    await page.locator(`[data-testid=catalog-item][data-table="${TABLE}"]`).click();
    await page.getByTestId('table-tab-profile').click();
    await expect
      .poll(() => page.getByTestId('profile-row').count(), { timeout: 120_000 })
      .toBe(detail.columns.length);
    // Null % of each column against a count query of our own.
    const counts = await callService(serve, 'query.run', {
      sql: `select count(*), ${detail.columns.map((c) => `count("${c.name}")`).join(', ')} from ${TABLE}`,
      queryId: 'e2e-profile-check',
    });
    const total = Number(counts.rows[0]?.[0]);
    for (const [i, c] of detail.columns.entries()) {
      const nonNull = Number(counts.rows[0]?.[i + 1]);
      const pct = total === 0 ? 0 : ((total - nonNull) / total) * 100;
      const text = await page.locator(`[data-testid=profile-row][data-column="${c.name}"]`).textContent();
      expect(text).toContain(`${pct.toFixed(1)}%`);
    }
    await screenshot(page, 'table-profile');
    expect(wb.errors).toEqual([]);
  });
});
