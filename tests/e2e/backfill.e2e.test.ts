// Backfill from the UI, end to end: open the Pipeline view, press B, pick a model (with its
// downstream) and a 3-day range by typing it, check the plan against the service's own plan,
// start it with one click, watch the progress bar and the grid cells turn done, and check on
// disk — reading the Delta logs directly, not through the service — that exactly those
// partitions got new commits.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callService, closeAll, describeE2E, screenshot, workbench } from './harness';
import type { Workbench } from './harness';

const FROM = '2024-05-02';
const TO = '2024-05-04';
const DAYS = ['2024-05-02', '2024-05-03', '2024-05-04'];
const MODEL = 'stg_activity';

/** Commit files of a Delta table, by version. */
function commits(table: string): Map<number, string> {
  const log = path.join(table, '_delta_log');
  const out = new Map<number, string>();
  for (const f of readdirSync(log)) {
    const m = /^(\d{20})\.json$/.exec(f);
    if (m) out.set(Number(m[1]), path.join(log, f));
  }
  return out;
}

/** The partition values of every file a commit adds (the Delta protocol's `add.partitionValues`). */
function addedPartitions(commitFile: string): string[] {
  const values: string[] = [];
  for (const line of readFileSync(commitFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const action = JSON.parse(line) as { add?: { partitionValues?: Record<string, string | null> } };
    for (const v of Object.values(action.add?.partitionValues ?? {})) if (v !== null) values.push(v);
  }
  return values;
}

describeE2E('backfill from the UI', () => {
  let wb: Workbench;
  const tables: Record<string, string> = {};

  beforeAll(async () => {
    wb = await workbench({ days: 4, eventsPerDay: 1000, fresh: true });
    const catalog = await callService(wb.serve, 'catalog.list', {});
    for (const t of catalog.tables)
      if (t.model !== null) tables[t.model] = path.join(wb.lake, 'tables', t.schema, t.name);
  }, 240_000);

  afterAll(closeAll);

  it('plans, starts and completes a 3-day backfill; the grid turns done and the tables get new versions', async () => {
    const { page, serve, errors } = wb;
    const request = { kind: 'backfill' as const, models: [MODEL], withDownstream: true, from: FROM, to: TO };
    const expected = await callService(serve, 'pipeline.plan', request);
    const models = [...new Set(expected.tasks.map((t) => t.model))];
    // stg_activity and the two facts built from it, each over the three days.
    expect(models.sort()).toEqual(['fct_daily_club_activity', 'fct_transfer_requests', MODEL].sort());
    expect(expected.tasks).toHaveLength(9);
    const before = new Map(models.map((m) => [m, new Set(commits(tables[m] ?? '').keys())]));

    await page.getByTestId('nav-pipeline').click();
    await page
      .locator(`[data-testid=grid-cell][data-model=${MODEL}][data-day="${FROM}"]`)
      .waitFor({ timeout: 30_000 });
    await page.locator('body').press('b');
    const panel = page.getByTestId('backfill-panel');
    await panel.waitFor({ timeout: 10_000 });

    await panel.getByRole('button', { name: 'None' }).click();
    await panel.locator(`[data-testid=backfill-model][data-model=${MODEL}]`).check();
    await expect.poll(() => panel.getByTestId('backfill-downstream').isChecked()).toBe(true);
    await panel.getByTestId('backfill-from').fill(FROM);
    await panel.getByTestId('backfill-to').fill(TO);
    await panel.getByTestId('backfill-to').press('Enter');

    const plan = panel.getByTestId('plan-summary');
    await expect.poll(() => plan.getAttribute('data-tasks'), { timeout: 30_000 }).toBe('9');
    for (const m of models) {
      const n = expected.tasks.filter((t) => t.model === m).length;
      expect(await plan.locator(`[data-testid=plan-row][data-model=${m}]`).getAttribute('data-tasks')).toBe(
        String(n),
      );
    }
    await screenshot(page, 'backfill-plan');

    await panel.getByTestId('backfill-start').click();
    const progress = panel.getByTestId('run-progress');
    await progress.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => panel.getByTestId('run-progress-panel').getAttribute('data-status'), { timeout: 180_000 })
      .toBe('done');
    expect(await progress.getAttribute('data-completed')).toBe('9');
    expect(await progress.getAttribute('data-total')).toBe('9');
    await screenshot(page, 'backfill-finished-panel');

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached', timeout: 10_000 });
    for (const m of models)
      for (const d of DAYS)
        await expect
          .poll(
            () =>
              page
                .locator(`[data-testid=grid-cell][data-model=${m}][data-day="${d}"]`)
                .getAttribute('data-status'),
            {
              timeout: 30_000,
            },
          )
          .toBe('done');
    await screenshot(page, 'backfill-done');

    // On disk: each model's table has new commits, and together they add files for exactly those days.
    for (const m of models) {
      const after = commits(tables[m] ?? '');
      const fresh = [...after.keys()].filter((v) => !(before.get(m)?.has(v) ?? false));
      expect(fresh.length, `${m} has new commits`).toBeGreaterThan(0);
      const days = new Set(fresh.flatMap((v) => addedPartitions(after.get(v) ?? '')));
      expect([...days].sort(), `${m} rewrote exactly the backfilled days`).toEqual(DAYS);
      // The service reports the same version the log ends at for the last day.
      const detail = await callService(serve, 'pipeline.partition', { model: m, partition: TO });
      expect(detail.status).toBe('done');
      expect(detail.outputVersion).toBeGreaterThan(Math.max(...(before.get(m) ?? new Set([0]))));
    }
    // The run ledger has it, as a backfill that succeeded with every task.
    const [latest] = await callService(serve, 'runs.list', { limit: 1 });
    expect(latest).toMatchObject({ kind: 'backfill', status: 'done', tasks: 9, succeeded: 9 });
    expect(errors.filter((e) => !/favicon|404/.test(e))).toEqual([]);
  }, 300_000);

  it('works from the keyboard and by dragging in the calendar', async () => {
    const { page } = wb;
    await page.getByTestId('nav-pipeline').click();
    const first = page.locator(`[data-testid=grid-cell][data-model=${MODEL}][data-day="2024-05-01"]`);
    await first.waitFor({ timeout: 30_000 });
    // Arrow keys move between cells; Enter opens the focused one.
    await first.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('partition-detail');
    await expect.poll(() => detail.getAttribute('data-partition'), { timeout: 30_000 }).toBe('2024-05-02');
    expect(await detail.getAttribute('data-model')).toBe(MODEL);
    await detail.getByTestId('partition-status').waitFor({ timeout: 30_000 });
    expect(await detail.getByTestId('partition-status').textContent()).toBe('done');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached', timeout: 10_000 });

    // Drag from the 2nd to the 4th in the calendar: the inputs follow.
    await page.locator('body').press('b');
    const panel = page.getByTestId('backfill-panel');
    const day = (d: string) => panel.locator(`[data-testid=backfill-picker] [data-day="${d}"]`);
    const a = await day('2024-05-02').boundingBox();
    const b = await day('2024-05-04').boundingBox();
    if (!a || !b) throw new Error('calendar days are not on screen');
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await panel.getByTestId('backfill-from').inputValue()).toBe('2024-05-02');
    expect(await panel.getByTestId('backfill-to').inputValue()).toBe('2024-05-04');
    // Keyboard in the calendar: Enter on a start, arrows, Enter on the end.
    await day('2024-05-01').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    expect(await panel.getByTestId('backfill-from').inputValue()).toBe('2024-05-01');
    expect(await panel.getByTestId('backfill-to').inputValue()).toBe('2024-05-03');
    // A typed day that does not exist is refused with a message, and nothing changes.
    await panel.getByTestId('backfill-from').fill('2024-02-30');
    await panel.getByTestId('backfill-from').press('Enter');
    await panel.getByText('Type days as YYYY-MM-DD').waitFor({ timeout: 5_000 });
    await screenshot(page, 'backfill-keyboard');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached', timeout: 10_000 });
  }, 120_000);

  it('cancels a running backfill from the panel and resumes it to the end', async () => {
    // A lake of its own, big enough that the backfill is still running when Cancel is clicked.
    const big = await workbench({ days: 10, eventsPerDay: 2000, fresh: true });
    const { page, serve } = big;
    await page.getByTestId('nav-pipeline').click();
    await page.getByTestId('backfill-open').click();
    const panel = page.getByTestId('backfill-panel');
    await panel.getByTestId('backfill-from').fill('2024-05-01');
    await panel.getByTestId('backfill-to').fill('2024-05-10');
    await panel.getByTestId('backfill-to').press('Enter');
    const expected = await callService(serve, 'pipeline.plan', {
      kind: 'backfill',
      from: '2024-05-01',
      to: '2024-05-10',
    });
    await expect
      .poll(() => panel.getByTestId('plan-summary').getAttribute('data-tasks'), { timeout: 30_000 })
      .toBe(String(expected.tasks.length));
    await panel.getByTestId('backfill-start').click();

    const progress = panel.getByTestId('run-progress');
    await expect
      .poll(async () => Number(await progress.getAttribute('data-completed')), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await panel.getByTestId('run-cancel').click();
    const state = panel.getByTestId('run-progress-panel');
    await expect.poll(() => state.getAttribute('data-status'), { timeout: 60_000 }).toBe('cancelled');
    const doneBeforeCancel = Number(await progress.getAttribute('data-completed'));
    await screenshot(page, 'backfill-cancelled');
    const [cancelled] = await callService(serve, 'runs.list', { limit: 1 });
    expect(cancelled?.status).toBe('cancelled');
    expect(cancelled?.succeeded ?? 0).toBeLessThan(expected.tasks.length);
    const resumable = await callService(serve, 'pipeline.resumable', {});
    expect(resumable?.runId).toBe(cancelled?.runId);

    await panel.getByTestId('backfill-new').click();
    await panel.getByTestId('backfill-resumable').waitFor({ timeout: 30_000 });
    await panel.getByTestId('backfill-resume').click();
    await expect.poll(() => state.getAttribute('data-status'), { timeout: 240_000 }).toBe('done');
    // The resumed run skips what the cancelled one committed, and together they cover the plan.
    const [resumed] = await callService(serve, 'runs.list', { limit: 1 });
    expect(resumed).toMatchObject({ kind: 'backfill', status: 'done' });
    expect(resumed?.tasks ?? 0).toBeLessThan(expected.tasks.length);
    expect((resumed?.tasks ?? 0) + (cancelled?.succeeded ?? 0)).toBe(expected.tasks.length);
    expect(doneBeforeCancel).toBeGreaterThan(0);
    expect(await callService(serve, 'pipeline.resumable', {})).toBeNull();
    await screenshot(page, 'backfill-resumed');
    await page.keyboard.press('Escape');
    const grid = await callService(serve, 'pipeline.status', {});
    for (const m of grid.models)
      for (const s of m.whole !== null ? [m.whole] : m.cells) expect(s, m.name).toBe('done');
    await expect
      .poll(() => page.locator('[data-testid=grid-cell]:not([data-status=done])').count(), {
        timeout: 30_000,
      })
      .toBe(0);
  }, 400_000);
});
