// The Runs view, end to end: it lists the run ledger as the service has it, shows a run live
// while it goes and as a new row when it ends, and a failed run expands to its error message
// (a model broken on disk, so the failure is real DuckDB's).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callService, closeAll, describeE2E, screenshot, workbench } from './harness';
import type { Workbench } from './harness';

describeE2E('runs view', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await workbench({ days: 3, eventsPerDay: 1000, fresh: true });
  }, 240_000);

  afterAll(closeAll);

  it('lists the runs of the ledger', async () => {
    const { page, serve } = wb;
    const ledger = await callService(serve, 'runs.list', { limit: 200 });
    expect(ledger.length).toBeGreaterThan(0);
    await page.getByTestId('nav-runs').click();
    const rows = page.getByTestId('runs-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(ledger.length);
    for (const [i, r] of ledger.entries()) {
      const row = rows.nth(i);
      expect(await row.getAttribute('data-run-id')).toBe(r.runId);
      expect(await row.getAttribute('data-status')).toBe(r.status);
      expect(await row.textContent()).toContain(`${r.succeeded} / ${r.tasks}`);
    }
  });

  it('shows a run live, then as the newest row', async () => {
    const { page, serve } = wb;
    const before = (await callService(serve, 'runs.list', {})).length;
    const { runId } = await callService(serve, 'pipeline.start', {
      kind: 'backfill',
      from: '2024-05-01',
      to: '2024-05-03',
      concurrency: 1,
    });
    await page.locator(`[data-testid=runs-live][data-run-id="${runId}"]`).waitFor({ timeout: 30_000 });
    await screenshot(page, 'runs-live');
    const first = page.getByTestId('runs-row').first();
    await expect.poll(() => first.getAttribute('data-run-id'), { timeout: 180_000 }).toBe(runId);
    await expect.poll(() => first.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await first.getAttribute('data-kind')).toBe('backfill');
    await expect.poll(() => page.getByTestId('runs-row').count()).toBe(before + 1);
    expect(await page.getByTestId('runs-live').count()).toBe(0);
  }, 240_000);

  it('expands a failed run to its error message', async () => {
    const { page, serve, lake } = wb;
    const model = path.join(lake, 'models', 'fct_transfer_requests.sql');
    writeFileSync(
      model,
      readFileSync(model, 'utf8').replaceAll("{{ ref('stg_activity') }}", 'no_such_table'),
    );
    const { runId } = await callService(serve, 'pipeline.start', {
      kind: 'backfill',
      models: ['fct_transfer_requests'],
      from: '2024-05-02',
      to: '2024-05-02',
    });
    const row = page.locator(`[data-testid=runs-row][data-run-id="${runId}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 120_000 }).toBe('failed');
    await row.getByRole('button').first().click();
    const details = page.getByTestId('runs-details');
    await details.waitFor({ timeout: 10_000 });
    const [ledgerRow] = (await callService(serve, 'runs.list', { limit: 5 })).filter(
      (r) => r.runId === runId,
    );
    expect(ledgerRow?.status).toBe('failed');
    const text = (await details.textContent()) ?? '';
    expect(text).toContain(runId);
    // The failure names what broke: the table the model reads does not exist.
    expect(text).toMatch(/no_such_table/);
    expect(await row.textContent()).toContain('0 / 1');
    await screenshot(page, 'runs-failed-expanded');
    // The same failure from the other side: the grid cell is failed, and its details say why.
    await page.getByTestId('nav-pipeline').click();
    const failedCell = page.locator(
      '[data-testid=grid-cell][data-model=fct_transfer_requests][data-day="2024-05-02"]',
    );
    await expect.poll(() => failedCell.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    await failedCell.click();
    const detail = page.getByTestId('partition-detail');
    await detail.getByTestId('partition-error').waitFor({ timeout: 30_000 });
    expect(await detail.getByTestId('partition-error').textContent()).toMatch(/no_such_table/);
    expect(await detail.getByTestId('partition-status').textContent()).toBe('failed');
    expect(
      await detail.locator(`[data-testid=partition-run][data-run-id="${runId}"]`).getAttribute('data-status'),
    ).toBe('failed');
    await screenshot(page, 'runs-failed-partition');
    // No script errors in the page along the way (a missing favicon is not one).
    expect(wb.errors.filter((e) => !/favicon|404/.test(e))).toEqual([]);
  }, 180_000);
});
