// End to end, in Chromium against `lakehouse serve`: the catalog sidebar. Every table and raw
// source the service lists is shown with its row count and version; the filter narrows it; the
// context action "Query" opens SELECT * … LIMIT 100 in the editor and runs it; a run started while
// the page is open moves the table's version in the sidebar without a reload; views switch by
// keyboard. Each flow saves a screenshot under test-results/e2e/.

import { copyFileSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callService, closeAll, describeE2E, screenshot, workbench } from './harness';
import type { Workbench } from './harness';

const T = { timeout: 60_000 };

/** The sidebar's short row count (12.3k), computed here independently of the UI's helper. */
function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}

describeE2E('catalog', () => {
  let wb: Workbench;
  beforeAll(async () => {
    wb = await workbench({ days: 3, eventsPerDay: 2000, fresh: true });
    await wb.page.getByTestId('catalog-item').first().waitFor(T);
  }, 600_000);
  afterAll(closeAll);

  it('lists every table and source the service knows, with rows and version', async () => {
    const { page, serve } = wb;
    const catalog = await callService(serve, 'catalog.list', {});
    expect(catalog.tables.length).toBeGreaterThan(0);
    for (const t of catalog.tables) {
      const item = page.locator(`[data-testid=catalog-item][data-table="${t.schema}.${t.name}"]`);
      await item.waitFor(T);
      const text = (await item.textContent()) ?? '';
      if (t.rows !== null) expect(text).toContain(compact(t.rows));
      if (t.version !== null) expect(text).toContain(`v${t.version}`);
    }
    for (const s of catalog.sources) {
      await page.locator(`[data-testid=catalog-item][data-table="raw.${s.name}"]`).waitFor(T);
    }
    const groups = await page.getByTestId('catalog-group').allTextContents();
    for (const schema of new Set(catalog.tables.map((t) => t.schema))) {
      expect(groups.some((g) => g.includes(schema))).toBe(true);
    }
    await screenshot(page, 'catalog');
  });

  it("shows a table's columns under it (click the twisty, or → and ←)", async () => {
    const { page, serve } = wb;
    const detail = await callService(serve, 'table.describe', { table: 'core.dim_club' });
    const item = page.locator('[data-testid=catalog-item][data-table="core.dim_club"]');
    await item.locator('[data-testid=catalog-expand]').click();
    const columns = page.getByTestId('catalog-column');
    await expect
      .poll(() => columns.allTextContents(), T)
      .toEqual(detail.columns.map((c) => `${c.name}${c.type}`));
    await screenshot(page, 'catalog-columns');
    await item.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => columns.count(), T).toBe(0);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => columns.count(), T).toBe(detail.columns.length);
    await page.keyboard.press('ArrowLeft');
  });

  it('filters by name', async () => {
    const { page, serve } = wb;
    const catalog = await callService(serve, 'catalog.list', {});
    const dims = catalog.tables.filter((t) => `${t.schema}.${t.name}`.includes('dim_'));
    await page.getByTestId('catalog-filter').fill('dim_');
    await expect
      .poll(() => page.locator('[data-testid=catalog-item][data-kind]').count(), T)
      .toBe(dims.length);
    await screenshot(page, 'catalog-filtered');
    await page.getByTestId('catalog-filter').fill('');
  });

  it('queries a table from its context menu', async () => {
    const { page, serve } = wb;
    const item = page.locator('[data-testid=catalog-item][data-table="core.dim_player"]');
    await item.click({ button: 'right' });
    await page.getByTestId('catalog-menu-query').click();
    // Monaco renders spaces as no-break spaces.
    const editorText = async (): Promise<string> =>
      (await page.locator('[data-testid=sql-editor] .view-lines').innerText()).replace(/\u00a0/g, ' ');
    await expect.poll(editorText, T).toMatch(/SELECT \* FROM core\.dim_player LIMIT 100;/);
    const total = await callService(serve, 'query.run', {
      sql: 'select count(*) from core.dim_player',
      queryId: 'e2e-catalog-1',
    });
    const rows = page.getByTestId('row-count');
    await rows.waitFor(T);
    expect(Number(await rows.getAttribute('data-rows'))).toBe(Math.min(100, Number(total.rows[0]?.[0])));
    await screenshot(page, 'catalog-query');
  });

  it('reaches the context menu by keyboard', async () => {
    const { page } = wb;
    await page.locator('[data-testid=catalog-item][data-table="core.dim_user"]').focus();
    await page.keyboard.press('Shift+F10');
    await page.getByTestId('catalog-menu').waitFor(T);
    // The first item (Open table view) has the focus; ↓ then ↑ comes back to it.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('table-view').getAttribute('data-table'), T)
      .toBe('core.dim_user');
    await page.keyboard.press('Alt+1');
  });

  it('opens the table view on click and switches views by keyboard', async () => {
    const { page } = wb;
    await page.locator('[data-testid=catalog-item][data-table="core.dim_club"]').click();
    await expect
      .poll(() => page.getByTestId('table-view').getAttribute('data-table'), T)
      .toBe('core.dim_club');
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.getByTestId('view-editor').isVisible(), T).toBe(true);
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('view-table').isVisible(), T).toBe(true);
    // The command palette reaches any table.
    await page.keyboard.press('ControlOrMeta+Shift+P');
    await page.getByTestId('command-input').fill('open table dim_user');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('table-view').getAttribute('data-table'), T)
      .toBe('core.dim_user');
  });

  it('updates live when a run commits a new version', async () => {
    const { page, serve } = wb;
    const before = await callService(serve, 'catalog.list', {});
    const stg = before.tables.find((t) => t.name === 'stg_activity');
    expect(stg?.version).not.toBeNull();
    const day = before.lake.startDate;
    const { runId } = await callService(serve, 'pipeline.start', {
      kind: 'backfill',
      models: ['stg_activity'],
      from: day,
      to: day,
    });
    expect(runId).toBeTruthy();
    const item = page.locator(`[data-testid=catalog-item][data-table="${stg?.schema}.stg_activity"]`);
    // No reload: the change event re-lists the catalog.
    await expect
      .poll(() => item.textContent(), { timeout: 120_000 })
      .toContain(`v${(stg?.version ?? 0) + 1}`);
    await page.getByTestId('status-last-change').waitFor(T);
    await screenshot(page, 'catalog-live-update');
  });

  it('counts a raw file that lands while the page is open', async () => {
    const { page, serve, lake } = wb;
    const before = await callService(serve, 'catalog.list', {});
    const activity = before.sources.find((s) => s.name === 'activity');
    expect(activity).toBeDefined();
    const item = page.locator('[data-testid=catalog-item][data-table="raw.activity"]');
    expect(await item.textContent()).toContain(`${activity?.files} files`);
    // Land a file the way producers do: written under a temporary name, then renamed in.
    const day = activity?.lastDay ?? '';
    const dir = path.join(lake, 'raw', 'activity', `dt=${day}`);
    const source = readdirSync(dir).find((f) => f.endsWith('.jsonl')) ?? '';
    const tmp = path.join(dir, '.landing.tmp');
    copyFileSync(path.join(dir, source), tmp);
    renameSync(tmp, path.join(dir, 'events-e2e-landed.jsonl'));
    await expect
      .poll(() => item.textContent(), { timeout: 120_000 })
      .toContain(`${(activity?.files ?? 0) + 1} files`);
    await screenshot(page, 'catalog-raw-landed');
  });

  it('opens a lake from the start page, and says why a folder is not one', async () => {
    const { page, lake } = wb;
    await page.keyboard.press('ControlOrMeta+Shift+P');
    await page.getByTestId('command-input').fill('open another lake');
    await page.keyboard.press('Enter');
    await page.getByTestId('start-page').waitFor(T);
    await page.getByTestId('open-lake-path').fill('/tmp');
    await page.getByTestId('open-lake').click();
    const error = page.getByTestId('start-error');
    await error.waitFor(T);
    expect(await error.textContent()).toContain('/tmp');
    await screenshot(page, 'catalog-start-page');
    await page.getByTestId('open-lake-path').fill(lake);
    await page.getByTestId('open-lake').click();
    await page.getByTestId('catalog-item').first().waitFor(T);
    expect(await page.getByTestId('status-lake').getAttribute('title')).toBe(lake);
  });
});
