// Browser-mode start-up and query latency, measured the way a user meets them:
//   cold start   — `lakehouse serve <lake>` spawned → URL printed → Chromium opens it at once →
//                  the catalog shows the sample lake's dim_club table;
//   first rows   — a sorted query over raw.activity (JSON lines parsed on every read): the
//                  service's query.run round trip over HTTP, and in the UI (type into the
//                  editor, Ctrl+Enter, the first row's id visible); and query.run over a Delta
//                  table (staging.stg_activity), unsorted.
// The renderer is built beforehand and the lake made beforehand; neither is counted.
// Usage: npm run bench:serve -- [--days 7] [--events-per-day 20000] [--runs 3]

import { parseArgs } from 'node:util';
import {
  buildRenderer,
  callService,
  chromiumSkipReason,
  closeAll,
  launchBrowser,
  openPage,
  sampleLake,
  screenshot,
  startServe,
} from '../tests/e2e/harness';
import type { Page } from 'playwright-core';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '7' },
    'events-per-day': { type: 'string', default: '20000' },
    runs: { type: 'string', default: '3' },
  },
});
const days = Number(values.days);
const eventsPerDay = Number(values['events-per-day']);
const runs = Number(values.runs);

const ms = (t0: number): number => Math.round(performance.now() - t0);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

/**
 * A page script that resolves with the milliseconds until `text` appears in the document. A
 * string, not a function: tsx would wrap named inner functions in a helper the page lacks.
 */
function untilTextShows(text: string): string {
  return `new Promise((resolve) => {
    const t0 = performance.now();
    const seen = () => document.body.textContent.includes(${JSON.stringify(text)});
    if (seen()) return resolve(0);
    const observer = new MutationObserver(() => {
      if (seen()) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  })`;
}

/** Types `sql` into the editor, runs it with Ctrl+Enter and times until `firstValue` shows. */
async function timeInEditor(page: Page, sql: string, firstValue: string): Promise<number | string> {
  const editor = page.locator('.monaco-editor').first();
  if ((await editor.count()) === 0 || firstValue === '') return 'n/a';
  try {
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(sql);
    await page.keyboard.press('Escape'); // close the completion list typing opened
    // Timed inside the page (a DOM observer), not by polling from here, which adds up to half
    // a second of polling interval.
    const seen = page.evaluate<number>(untilTextShows(firstValue));
    await page.keyboard.press('ControlOrMeta+Enter');
    return Math.round(await seen);
  } catch (err) {
    return `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

async function main(): Promise<void> {
  if (chromiumSkipReason !== null) {
    console.error(chromiumSkipReason);
    process.exitCode = 1;
    return;
  }
  let t0 = performance.now();
  const lake = await sampleLake({ days, eventsPerDay });
  console.log(`sample lake: ${days} days × ${eventsPerDay} events/day, made and built in ${ms(t0)} ms`);
  t0 = performance.now();
  await buildRenderer();
  console.log(`renderer ready (built or copied) in ${ms(t0)} ms`);
  await launchBrowser();

  const rows: Record<string, number | string>[] = [];
  for (let run = 1; run <= runs; run++) {
    const start = performance.now();
    const serve = await startServe(lake);
    const urlMs = ms(start);
    // As a person would: open the page as soon as the URL is printed (the lake may still be
    // opening) and wait for a table of the sample lake to show in the catalog.
    const { page } = await openPage(serve);
    let catalogMs: number | string = 'not shown';
    try {
      await page
        .getByText('dim_club', { exact: true })
        .first()
        .waitFor({ state: 'visible', timeout: 60_000 });
      catalogMs = ms(start);
    } catch {
      // The UI did not show the table within a minute; reported as such.
    }

    const sql = 'select event_id, event_type, event_ts from raw.activity order by event_id';
    let t = performance.now();
    const result = await callService(serve, 'query.run', { sql, queryId: `bench-${run}`, pageSize: 500 });
    const apiMs = ms(t);
    const firstId = String(result.rows[0]?.[0] ?? '');
    // The same over a Delta table (parquet), which is what most editor queries read.
    t = performance.now();
    const delta = await callService(serve, 'query.run', {
      sql: 'select * from staging.stg_activity',
      queryId: `bench-delta-${run}`,
      pageSize: 500,
    });
    const deltaMs = ms(t);

    const uiMs = await timeInEditor(page, sql, firstId);
    const deltaSql = 'select * from staging.stg_activity order by event_id desc limit 1000';
    const deltaFirst = await callService(serve, 'query.run', { sql: deltaSql, queryId: `bench-d-${run}` });
    const uiDeltaMs = await timeInEditor(page, deltaSql, String(deltaFirst.rows[0]?.[0] ?? ''));
    if (run === 1) await screenshot(page, 'bench-serve-start');
    rows.push({
      run,
      'spawn→URL ms': urlMs,
      'spawn→catalog shown ms': catalogMs,
      'query.run HTTP ms': apiMs,
      'query.run Delta ms': deltaMs,
      'Delta rows': delta.totalRows ?? '?',
      'UI Ctrl+Enter→first row ms': uiMs,
      'UI Delta query ms': uiDeltaMs,
      'result rows': result.totalRows ?? '?',
    });
    await serve.stop();
  }
  console.table(rows);
  const nums = (k: string): number[] =>
    rows.map((r) => r[k]).filter((v): v is number => typeof v === 'number');
  console.log(
    `median: spawn→URL ${median(nums('spawn→URL ms'))} ms, cold start to catalog ${median(nums('spawn→catalog shown ms'))} ms, ` +
      `query.run ${median(nums('query.run HTTP ms'))} ms (Delta table: ${median(nums('query.run Delta ms'))} ms), UI query→first rows ${median(nums('UI Ctrl+Enter→first row ms'))} ms (Delta: ${median(nums('UI Delta query ms'))} ms)`,
  );
}

try {
  await main();
} finally {
  await closeAll();
}
