// End to end, in Chromium against `lakehouse serve`: the SQL editor and its results. Completion
// from the live catalog, running a query, scrolling deep into a 10-million-row result (rows on
// screen must equal their index), sorting, exporting the whole result to CSV (the file on disk is
// compared with the service's own answer), cancelling a long query, and a bad query's DuckDB error
// shown at its position. Each flow saves a screenshot under test-results/e2e/.

import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callService, closeAll, describeE2E, screenshot, workbench } from './harness';
import type { Workbench } from './harness';

const T = { timeout: 60_000 };
/** Sorting 10 million rows re-queries them in the engine: seconds, more on a busy machine. */
const SLOW = { timeout: 180_000 };

/** Replaces the editor's text (typed text would trigger completion; this inserts it whole). */
async function setSql(page: Page, sql: string): Promise<void> {
  await page.locator('[data-testid=sql-editor] .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.insertText(sql);
}

async function editorText(page: Page): Promise<string> {
  const text = await page.locator('[data-testid=sql-editor] .view-lines').innerText();
  return text.replace(/\u00a0/g, ' ');
}

async function runAll(page: Page): Promise<void> {
  await page.getByTestId('run-all-button').click();
}

async function rowCount(page: Page): Promise<number> {
  const el = page.getByTestId('row-count');
  await el.waitFor(T);
  return Number(await el.getAttribute('data-rows'));
}

/** Rows currently rendered in the results grid: index → cell texts. */
async function visibleRows(page: Page): Promise<Map<number, string[]>> {
  const rows = await page.locator('[data-testid=results] [data-testid=grid-row]').evaluateAll((els) =>
    els.map((el) => ({
      index: Number(el.getAttribute('data-row')),
      cells: [...el.querySelectorAll('[data-testid=grid-cell]')].map((c) => (c.textContent ?? '').trim()),
    })),
  );
  return new Map(rows.map((r) => [r.index, r.cells]));
}

describeE2E('SQL editor', () => {
  let wb: Workbench;
  beforeAll(async () => {
    wb = await workbench({ days: 3, eventsPerDay: 2000 });
    await wb.page.getByTestId('sql-editor').locator('.view-lines').waitFor(T);
  }, 600_000);
  afterAll(closeAll);

  it('completes a table name from the catalog and runs the query', async () => {
    const { page, serve } = wb;
    await setSql(page, 'select * from core.');
    // Completion after `schema.`: the schema's tables; typing filters, Enter accepts.
    await page.keyboard.type('dim_cl');
    const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'dim_club' });
    await suggestion.first().waitFor(T);
    await screenshot(page, 'editor-completion');
    await page.keyboard.press('Enter');
    await expect.poll(() => editorText(page)).toContain('select * from core.dim_club');

    await page.keyboard.press('ControlOrMeta+Enter');
    const expected = await callService(serve, 'query.run', {
      sql: 'select count(*) as n from core.dim_club',
      queryId: 'e2e-check-1',
    });
    expect(await rowCount(page)).toBe(Number(expected.rows[0]?.[0]));
    const header = await page.locator('[data-testid=results] [data-testid=grid-col]').allTextContents();
    expect(header.join(' ')).toContain('club_id');
    expect(header.join(' ')).toContain('INTEGER');
    await screenshot(page, 'editor-run');
  });

  it('completes the columns of a table through its alias', async () => {
    const { page } = wb;
    await setSql(page, 'select \nfrom core.dim_club c');
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.press('End');
    await page.keyboard.type('c.club_n');
    await page.locator('.suggest-widget .monaco-list-row', { hasText: 'club_name' }).first().waitFor(T);
    await page.keyboard.press('Enter');
    await expect.poll(() => editorText(page)).toContain('select c.club_name');
    // Hovering a table name shows its columns (the token may also hold `core.`: aim at its end).
    const token = page
      .locator('[data-testid=sql-editor] .view-line span span', { hasText: /dim_club/ })
      .first();
    const box = await token.boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.move((box?.x ?? 0) + (box?.width ?? 0) - 12, (box?.y ?? 0) + (box?.height ?? 0) / 2);
    const hover = page.locator('.monaco-hover:visible');
    await hover.first().waitFor(T);
    expect(await hover.first().textContent()).toContain('core.dim_club');
    expect(await hover.first().textContent()).toContain('club_name');
    await screenshot(page, 'editor-hover');
    await page.keyboard.press('Escape');
  });

  it('formats SQL and charts a result', async () => {
    const { page } = wb;
    await setSql(page, 'select range as x, range * range as y from range(20) order by x');
    await page.getByTestId('format-button').click();
    await expect.poll(() => editorText(page)).toMatch(/^SELECT\s/);
    await runAll(page);
    expect(await rowCount(page)).toBe(20);
    await page.getByTestId('chart-tab').click();
    const bars = page.locator('[data-testid=chart] rect.bar');
    await expect.poll(() => bars.count(), T).toBe(20);
    // Bar heights follow y = x²: the last bar is the tallest, 19² / 18² times the one before.
    const heights = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
    expect(Math.max(...heights)).toBe(heights[19]);
    expect((heights[19] ?? 0) / (heights[18] ?? 1)).toBeCloseTo(361 / 324, 3);
    await screenshot(page, 'editor-chart');
    await page.getByRole('tab', { name: 'Grid' }).click();
  });

  it('scrolls deep into a 10-million-row result and sorts it', async () => {
    const { page } = wb;
    await setSql(page, 'select range as n, range * 2 as twice from range(10000000)');
    await runAll(page);
    await expect.poll(() => rowCount(page), T).toBe(10_000_000);

    // Drag the scrollbar to 87% of the way down: the rows shown must be the rows at that index.
    const grid = page.locator('[data-testid=results] [data-testid=grid]');
    await grid.evaluate((el) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) * 0.87;
    });
    await expect
      .poll(async () => {
        const rows = await visibleRows(page);
        const first = [...rows.keys()].sort((a, b) => a - b)[0] ?? 0;
        return first > 8_600_000 && first < 8_800_000 && rows.get(first)?.[0] === String(first);
      }, T)
      .toBe(true);
    for (const [index, cells] of await visibleRows(page)) {
      if (cells[0] === '') continue; // a page still loading
      expect(cells).toEqual([String(index), String(index * 2)]);
    }
    await screenshot(page, 'editor-scroll-deep');

    // The very end, by keyboard.
    await grid.focus();
    await page.keyboard.press('ControlOrMeta+End');
    await expect.poll(async () => (await visibleRows(page)).get(9_999_999)?.[0], T).toBe('9999999');
    expect((await visibleRows(page)).get(9_999_999)).toEqual(['9999999', '19999998']);
    await screenshot(page, 'editor-scroll-end');

    // Sort by a header click: ascending, then descending (re-queried in the engine).
    const header = page.locator('[data-testid=results] [data-testid=grid-col][data-name=twice] button');
    await header.click();
    await expect.poll(() => page.getByTestId('sort-state').textContent(), SLOW).toContain('twice asc');
    await header.click();
    await expect.poll(() => page.getByTestId('sort-state').textContent(), SLOW).toContain('twice desc');
    await expect.poll(async () => (await visibleRows(page)).get(0)?.[1], T).toBe('19999998');
    expect((await visibleRows(page)).get(1)).toEqual(['9999998', '19999996']);
    await screenshot(page, 'editor-sorted');

    // Select rows 1–3 by their numbers and copy them as TSV.
    await wb.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.serve.origin });
    const gutter = (i: number) =>
      page.locator(`[data-testid=results] [data-testid=grid-row][data-row="${i}"] [role=rowheader]`);
    await gutter(0).click();
    await gutter(2).click({ modifiers: ['Shift'] });
    await page.keyboard.press('ControlOrMeta+C');
    await expect
      .poll(() => page.getByTestId('grid-notice').textContent(), T)
      .toContain('Copied 3 rows × 2 columns');
    // Runs in the page, where `navigator` exists; the test files compile without the DOM library.
    const copied = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    expect(copied).toBe('9999999\t19999998\n9999998\t19999996\n9999997\t19999994');
  }, 480_000);

  it('exports the whole result to CSV and the file holds every row', async () => {
    const { page, serve } = wb;
    const sql = 'select club_id, club_name, country from core.dim_club order by club_id';
    await setSql(page, sql);
    await runAll(page);
    const rows = await rowCount(page);
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-csv').click();
    const done = page.getByTestId('export-done');
    await done.waitFor(T);
    const file = await done.getAttribute('data-path');
    expect(file).toBeTruthy();
    const lines = readFileSync(file ?? '', 'utf8')
      .trimEnd()
      .split(/\r?\n/);
    expect(lines[0]).toBe('club_id,club_name,country');
    expect(lines.length - 1).toBe(rows);
    // The independent answer: the same query through the service, compared row by row.
    const expected = await callService(serve, 'query.run', { sql, queryId: 'e2e-check-2', pageSize: 1000 });
    expect(lines.length - 1).toBe(expected.totalRows);
    const csvIds = lines.slice(1).map((l) => Number(l.split(',')[0]));
    expect(csvIds).toEqual(expected.rows.map((r) => Number(r[0])));
    // Browser mode offers the file for download, with the session token.
    const href = await page.getByTestId('export-download').getAttribute('href');
    expect(href).toContain('/files/');
    expect(href).toContain('token=');
    await screenshot(page, 'editor-export');

    // A cell's whole value: double-click opens it, Esc closes it.
    await page
      .locator(
        '[data-testid=results] [data-testid=grid-row][data-row="0"] [data-testid=grid-cell][data-col="1"]',
      )
      .dblclick();
    const detail = page.getByTestId('grid-detail');
    await detail.waitFor(T);
    expect(await detail.locator('textarea').inputValue()).toBe(String(expected.rows[0]?.[1]));
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached', ...T });
  });

  it("keeps this lake's query history and saved queries", async () => {
    const { page, serve } = wb;
    const sql = 'select 7 as seven';
    await setSql(page, sql);
    await page.keyboard.press('ControlOrMeta+Enter');
    await rowCount(page);
    await page.getByTestId('toggle-side-panel').click();
    const history = page.getByTestId('history-item');
    await expect.poll(async () => (await history.first().textContent()) ?? '', T).toContain(sql);
    // The service's own history lists the same latest query.
    const ledger = await callService(serve, 'query.history', { limit: 1 });
    expect(ledger[0]?.sql).toBe(sql);

    // Ctrl/Cmd+S in the editor saves the tab's SQL under a name.
    await page.locator('[data-testid=sql-editor] .view-lines').click();
    await page.keyboard.press('ControlOrMeta+S');
    await page.getByTestId('save-name').fill('seven');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('saved-item').allTextContents(), T)
      .toContainEqual(expect.stringContaining('seven'));
    const saved = await callService(serve, 'query.saved', {});
    expect(saved.find((q) => q.name === 'seven')?.sql).toBe(sql);
    await screenshot(page, 'editor-saved');
    await page.getByTestId('toggle-side-panel').click();
  });

  it('cancels a long query and stays usable', async () => {
    const { page } = wb;
    await setSql(page, 'select count(*) from range(2000000000) a, range(1000) b where a.range % 7 = b.range');
    await runAll(page);
    await page.getByTestId('query-running').waitFor(T);
    await page.waitForTimeout(800);
    await screenshot(page, 'editor-running');
    await page.getByTestId('cancel-button').click();
    await page.getByTestId('query-cancelled').waitFor(T);
    await screenshot(page, 'editor-cancelled');
    // Usable afterwards: the next query runs.
    await setSql(page, 'select 6 * 7 as answer');
    await page.keyboard.press('ControlOrMeta+Enter');
    expect(await rowCount(page)).toBe(1);
    await expect.poll(async () => (await visibleRows(page)).get(0)?.[0], T).toBe('42');
  });

  it('cancels with Esc from the editor', async () => {
    const { page } = wb;
    await setSql(page, 'select count(*) from range(2000000000) a, range(1000) b where a.range % 7 = b.range');
    await page.keyboard.press('ControlOrMeta+Shift+Enter');
    await page.getByTestId('query-running').waitFor(T);
    await page.keyboard.press('Escape');
    await page.getByTestId('query-cancelled').waitFor(T);
  });

  it('shows a DuckDB error at its position in the script', async () => {
    const { page } = wb;
    const script = 'select 1;\nselect club_id, no_such_column\nfrom core.dim_club;';
    await setSql(page, script);
    // The cursor is at the end, in the second statement: Ctrl+Enter runs only that one, and the
    // error's position must be mapped back into the whole script.
    await page.keyboard.press('ControlOrMeta+Enter');
    const error = page.getByTestId('query-error');
    await error.waitFor(T);
    expect(await error.textContent()).toContain('no_such_column');
    const at = script.indexOf('no_such_column');
    expect(Number(await page.getByTestId('error-position').getAttribute('data-offset'))).toBe(at);
    // Shown to the user as a line and column in the whole script.
    const line = script.slice(0, at).split('\n').length;
    const column = at - script.lastIndexOf('\n', at - 1);
    expect(await page.getByTestId('error-position').textContent()).toContain(
      `line ${line}, column ${column}`,
    );
    // The editor marks it: a squiggle on line 2.
    await page.locator('[data-testid=sql-editor] .squiggly-error').first().waitFor(T);
    await screenshot(page, 'editor-error');
    // Nothing went wrong in the page along the way.
    expect(wb.errors).toEqual([]);
  });
});
