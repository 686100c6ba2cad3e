// Live updates, end to end: with auto-run switched off in the Settings view, a new raw file
// landed by the real CLI (`lakehouse generate`) shows up in the catalog and as a new grid
// column, with the partitions it affects marked stale — the same states the service reports.
// Then, with auto-run on, the next file is picked up and built without a click: the grid's
// cells go through running to done and the run appears live.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callService, closeAll, describeE2E, lakehouse, screenshot, workbench } from './harness';
import type { Workbench } from './harness';

const cell = (model: string, day: string): string =>
  `[data-testid=grid-cell][data-model=${model}][data-day="${day}"]`;

describeE2E('live updates from new raw data', () => {
  let wb: Workbench;

  beforeAll(async () => {
    wb = await workbench({ days: 3, eventsPerDay: 1000, fresh: true });
  }, 240_000);

  afterAll(closeAll);

  it('turning auto-run off in Settings, then landing a file, makes the catalog and grid update', async () => {
    const { page, serve, lake } = wb;
    await page.getByTestId('nav-settings').click();
    const autorun = page.getByTestId('settings-autorun');
    await autorun.waitFor({ timeout: 30_000 });
    // Bad values are caught as they are typed, with the rule in words, and cannot be saved.
    await page.getByTestId('settings-threads').fill('0');
    await page.getByText('Threads must be a whole number from 1 to 1024.').waitFor({ timeout: 5_000 });
    await page.getByTestId('settings-memory').fill('lots');
    await page.getByText("Memory limit must look like '4GB'").waitFor({ timeout: 5_000 });
    expect(await page.getByTestId('settings-save').isDisabled()).toBe(true);
    await screenshot(page, 'live-settings-invalid');
    await page.getByTestId('settings-revert').click();
    expect(await page.getByTestId('settings-threads').inputValue()).toBe(
      String((await callService(serve, 'settings.get', {})).engine.threads),
    );
    if (await autorun.isChecked()) {
      await autorun.uncheck();
      await page.getByTestId('settings-save').click();
      await page.getByTestId('settings-saved').waitFor({ timeout: 30_000 });
    }
    expect((await callService(serve, 'settings.get', {})).autoRun).toBe(false);
    await screenshot(page, 'live-settings');

    await page.getByTestId('nav-pipeline').click();
    await page.locator(cell('stg_activity', '2024-05-03')).waitFor({ timeout: 30_000 });
    expect(await page.locator(cell('stg_activity', '2024-05-04')).count()).toBe(0);

    lakehouse(['generate', lake, '--from', '2024-05-04', '--to', '2024-05-04']);

    // The catalog: the activity source now reaches the new day.
    await expect
      .poll(
        () => page.locator('[data-testid=catalog-item][data-table="raw.activity"]').getAttribute('title'),
        {
          timeout: 60_000,
        },
      )
      .toContain('2024-05-04');
    // The grid: a new column, not built yet, and the lookback days before it stale.
    await page.locator(cell('stg_activity', '2024-05-04')).waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.locator(cell('stg_activity', '2024-05-04')).getAttribute('data-status'))
      .toBe('missing');
    await expect
      .poll(() => page.locator(cell('stg_activity', '2024-05-03')).getAttribute('data-status'), {
        timeout: 30_000,
      })
      .toBe('stale');

    // Every cell shown agrees with the service's grid.
    const grid = await callService(serve, 'pipeline.status', {});
    for (const m of grid.models) {
      if (m.whole !== null) {
        expect(await page.locator(cell(m.name, 'table')).getAttribute('data-status'), m.name).toBe(m.whole);
        continue;
      }
      for (const [i, day] of grid.days.entries())
        expect(await page.locator(cell(m.name, day)).getAttribute('data-status'), `${m.name} ${day}`).toBe(
          m.cells[i],
        );
    }
    // The Run stale button counts what a run would do.
    const plan = await callService(serve, 'pipeline.plan', { kind: 'run' });
    await expect.poll(() => page.getByTestId('run-stale').textContent()).toContain(`(${plan.tasks.length})`);
    await screenshot(page, 'live-stale');
  }, 240_000);

  it('with auto-run on, a landed file is built without a click: cells go running, then done', async () => {
    const { page, serve, lake } = wb;
    await callService(serve, 'settings.update', { autoRun: true });
    // Watch the cell from inside the page so a short 'running' is not missed between polls.
    // (A script string: this file's typings are Node's, without the DOM.)
    await page.evaluate(`(() => {
      const selector = ${JSON.stringify(cell('stg_activity', '2024-05-05'))};
      const seen = [];
      globalThis.__seen = seen;
      new MutationObserver(() => {
        const s = document.querySelector(selector)?.getAttribute('data-status');
        if (s && seen[seen.length - 1] !== s) seen.push(s);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);

    lakehouse(['generate', lake, '--from', '2024-05-05', '--to', '2024-05-05']);

    await page.locator(cell('stg_activity', '2024-05-05')).waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.locator(cell('stg_activity', '2024-05-05')).getAttribute('data-status'), {
        timeout: 120_000,
      })
      .toBe('done');
    for (const m of ['stg_activity', 'fct_daily_club_activity', 'fct_transfer_requests'])
      for (const d of ['2024-05-03', '2024-05-04', '2024-05-05'])
        await expect
          .poll(() => page.locator(cell(m, d)).getAttribute('data-status'), { timeout: 60_000 })
          .toBe('done');
    // The auto-run showed up live, and its cell passed through running (or queued) on the way.
    await page
      .locator('[data-testid=run-progress-panel][data-status=done]')
      .first()
      .waitFor({ timeout: 30_000 });
    const seen = (await page.evaluate('globalThis.__seen')) as string[];
    expect(
      seen.some((s) => s === 'running' || s === 'queued'),
      `states seen: ${seen.join(' → ')}`,
    ).toBe(true);
    expect(seen[seen.length - 1]).toBe('done');
    const [latest] = await callService(serve, 'runs.list', { limit: 1 });
    expect(latest).toMatchObject({ kind: 'run', status: 'done' });
    await screenshot(page, 'live-autorun-done');
    // No script errors in the page along the way (a missing favicon is not one).
    expect(wb.errors.filter((e) => !/favicon|404/.test(e))).toEqual([]);
  }, 240_000);
});
